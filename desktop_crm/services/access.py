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

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from desktop_crm.models import Customer, Ticket, User

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

    def customer_filter(self) -> ColumnElement[bool] | None:
        """The WHERE condition on ``customers`` for what this user may see (None: all)."""
        if self.sees_all:
            return None
        cond = or_(Customer.owner_id.is_(None), Customer.owner_id.in_(self.people))
        if self.user.role == "service":
            tickets = select(Ticket.customer_id).where(
                Ticket.deleted_at.is_(None),
                or_(Ticket.assignee_id == self.user.id,
                    and_(Ticket.assignee_id.is_(None),
                         Ticket.status.notin_(OPEN_TICKET_EXCLUDED))))
            cond = or_(cond, Customer.id.in_(tickets))
        return cond

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
