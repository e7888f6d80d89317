"""Who may see and do what: the services' half of the permission rules (the database's half is
row-level security on PostgreSQL, revision 0014; the two say the same thing).

- Customers: an admin sees all; everyone sees the public pool (no owner) and their own; a
  manager also sees their people (themselves, whoever reports to them, their team); service
  staff also see the customers of tickets assigned to them or waiting unassigned.
- Rights beyond seeing (``PERMISSIONS``) come with the role and can be granted one by one
  (``users.permissions``).
- Sensitive fields (phone, e-mail, address) are masked for a user without ``see_sensitive``,
  except on the customers they own: a salesperson sees their own customers' phones, not those
  of the pool.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from desktop_crm.models import Activity, Customer, Ticket, User

from .db import Database
from .errors import PermissionDenied
from .users import UserInfo

PERMISSIONS = ("export", "bulk_delete", "see_sensitive", "manage_users", "audit")
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(PERMISSIONS),
    "manager": frozenset({"export", "bulk_delete", "see_sensitive"}),
    "sales": frozenset(),
    "service": frozenset(),
}
SENSITIVE = ("phone", "phone2", "email", "address")
OPEN_TICKET_EXCLUDED = ("resolved", "closed")


def may(user: UserInfo, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(user.role, frozenset()) or \
        permission in user.permissions


def require(user: UserInfo, permission: str) -> None:
    """Refuse with a code the views translate (``PermissionDenied.args[0]``)."""
    if not may(user, permission):
        raise PermissionDenied(f"permission:{permission}", user.username, user.role)


# -- masking ------------------------------------------------------------------------------------

def mask_phone(value: str) -> str:
    """138****1234: the first three and last four digits of a mobile, the rest hidden."""
    if not value:
        return value
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(digits) <= 4:
        return "*" * len(value)
    keep = set(digits[:3]) | set(digits[-4:]) if len(digits) >= 9 else set(digits[-2:])
    return "".join(ch if (i in keep or not ch.isdigit()) else "*" for i, ch in enumerate(value))


def mask_email(value: str) -> str:
    """w***@example.com"""
    if not value or "@" not in value:
        return "***" if value else value
    local, domain = value.split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_address(value: str) -> str:
    """The first part (province and city, as written) kept, the street hidden."""
    if not value:
        return value
    keep = max(1, min(len(value) // 3, 9))
    return value[:keep] + "****"


MASKS = {"phone": mask_phone, "phone2": mask_phone, "email": mask_email,
         "address": mask_address}


def mask_value(field: str, value: str) -> str:
    fn = MASKS.get(field)
    return fn(value) if fn and isinstance(value, str) else value


# -- visibility ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Access:
    """One user's rules, with the people a manager answers for resolved once."""

    user: UserInfo
    people: frozenset[uuid.UUID]

    @classmethod
    def of(cls, db: Database, user: UserInfo) -> "Access":
        people: set[uuid.UUID] = {user.id}
        if user.role == "manager":
            with db.read() as s:
                q = select(User.id).where(User.deleted_at.is_(None))
                cond = User.manager_id == user.id
                if user.team:
                    cond = or_(cond, User.team == user.team)
                people |= set(s.scalars(q.where(cond)))
        return cls(user, frozenset(people))

    @property
    def sees_all(self) -> bool:
        return self.user.role == "admin"

    def customer_filter(self, c=Customer) -> ColumnElement[bool] | None:
        """The WHERE condition on ``customers`` (or an alias of it, ``c``) for what this user
        may see (None: all)."""
        if self.sees_all:
            return None
        cond = or_(c.owner_id.is_(None), c.owner_id.in_(self.people))
        if self.user.role == "service":
            t = aliased(Ticket)
            tickets = select(t.customer_id).where(
                t.deleted_at.is_(None),
                or_(t.assignee_id == self.user.id,
                    and_(t.assignee_id.is_(None), t.status.notin_(OPEN_TICKET_EXCLUDED))))
            cond = or_(cond, c.id.in_(tickets))
        return cond

    def customer_visible(self, customer_id) -> ColumnElement[bool] | None:
        """The condition that the customer a row refers to (column ``customer_id``) is one
        this user may see: a correlated look-up of that one customer, so a list walked in its
        own index order with a LIMIT checks only the rows it shows (None: all)."""
        c = aliased(Customer)
        cond = self.customer_filter(c)
        if cond is None:
            return None
        return exists(select(c.id).where(c.id == customer_id, cond))

    def owns(self, owner_id) -> ColumnElement[bool] | None:
        """Rows owned by nobody or by this user's people (None: all)."""
        if self.sees_all:
            return None
        return or_(owner_id.is_(None), owner_id.in_(self.people))

    def ticket_filter(self) -> ColumnElement[bool] | None:
        """Tickets this user may see: those of customers they see, those assigned to them
        (a manager: to their people), and for service staff those waiting unassigned (policy
        crm_by_customer on tickets)."""
        if self.sees_all:
            return None
        cond = or_(Ticket.assignee_id.in_(self.people),
                   self.customer_visible(Ticket.customer_id))
        if self.user.role == "service":
            cond = or_(cond, Ticket.assignee_id.is_(None))
        return cond

    def activity_filter(self, table=Activity) -> ColumnElement[bool] | None:
        """Follow-ups (or their series, ``table``) this user may see: those of customers they
        see; one without a customer by its owner (policy crm_by_customer on activities)."""
        if self.sees_all:
            return None
        return or_(and_(table.customer_id.is_(None), self.owns(table.owner_id)),
                   and_(table.customer_id.is_not(None),
                        self.customer_visible(table.customer_id)))

    def may_own(self, owner_id: uuid.UUID | None) -> bool:
        """Whether a customer saved with this owner stays within what the user may see."""
        return self.sees_all or owner_id is None or owner_id in self.people

    def may_edit_customers(self) -> bool:
        return self.user.role != "service"

    def sees_sensitive(self, owner_id: uuid.UUID | None) -> bool:
        return may(self.user, "see_sensitive") or (owner_id is not None and
                                                   owner_id == self.user.id)

    def mask(self, owner_id: uuid.UUID | None, values: dict) -> dict:
        """``values`` with the sensitive fields masked when this user may not see them."""
        if self.sees_sensitive(owner_id):
            return values
        return {k: (mask_value(k, v) if k in SENSITIVE else v) for k, v in values.items()}


class ScopedService:
    """A service whose queries are limited to what its user may see (``self.db``,
    ``self.user``): ``access()`` is the user's rules, a manager's people looked up at most
    every 30 seconds."""

    ACCESS_TTL = 30.0
    _access_cache: tuple[float, Access] | None = None

    def access(self) -> Access | None:
        user = getattr(self, "user", None)
        if user is None:
            return None
        now = time.monotonic()
        cached = self._access_cache
        if cached is None or cached[1].user is not user or now - cached[0] > self.ACCESS_TTL:
            cached = self._access_cache = (now, Access.of(self.db, user))
        return cached[1]
