"""Customers and contacts: validation, create / update / soft-delete / restore, list queries."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Select, Text, Uuid, bindparam, case, column, func, literal_column, select, table, text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.models import (
    Contact, Customer, CustomerHealth, CustomerKind, CustomerTag, Tag, Tier, User,
)

from . import assignments, audit, counters, notifications
from .access import (SENSITIVE, ScopedService, mask_address, mask_email, mask_phone,
                     require)
from .db import Database, loose_distinct
from .errors import (
    ChangeSet, ConflictError, FieldError, NotFound, PermissionDenied, ValidationError,
)
from .users import UserInfo
from .text import (
    EmailError, PhoneError, clean, display_phone, normalize_email, normalize_phone, pinyin_of,
    is_short_token, search_terms, search_text, sort_name_of,
)

# Fields a caller may set, with their maximum lengths.
CUSTOMER_FIELDS: dict[str, int] = {
    "code": 20, "kind": 10, "name": 200, "phone": 32, "phone2": 32, "email": 254,
    "region": 32, "province": 32, "city": 64, "address": 400, "industry": 64, "source": 64,
    "tier": 16, "notes": 20000, "employees": 9,
}
CONTACT_FIELDS: dict[str, int] = {
    "name": 100, "title": 100, "phone": 32, "email": 254, "wechat": 64, "notes": 20000,
}
TIERS = tuple(t.value for t in Tier)
TIER_RANK = {Tier.STRATEGIC.value: 1, Tier.GROWTH.value: 2, Tier.BASIC.value: 3,
             Tier.DORMANT.value: 4}
CODE_PREFIX = "C"
CODE_WIDTH = 6


def _check_customer_field(key: str, text: str) -> tuple[str, FieldError | None]:
    if key == "tier" and text and text not in TIERS:
        return text, FieldError(key, "invalid_choice", text)
    if key == "kind" and text not in (CustomerKind.COMPANY.value, CustomerKind.PERSON.value):
        return text, FieldError(key, "invalid_choice", text)
    if key == "code":
        return text.upper(), None
    if key == "employees":  # company size: a whole number >= 0, or empty (unknown)
        if not text:
            return None, None
        try:
            n = int(text.replace(",", "").replace("，", ""))
        except ValueError:
            return text, FieldError(key, "invalid", text, "a whole number")
        if not 0 <= n <= 10_000_000:
            return text, FieldError(key, "out_of_range", text, ">= 0")
        return n, None
    return text, None


def _clean_fields(data: Mapping[str, Any], limits: Mapping[str, int], partial: bool, *,
                  passthrough: tuple[str, ...] = (),
                  check=None) -> dict[str, Any]:
    """Trimmed, normalised values (phones to E.164, emails), or a ValidationError listing
    every bad field. ``name`` is required unless ``partial`` and absent."""
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key, value in data.items():
        if key in passthrough:
            out[key] = value
            continue
        if key not in limits:
            errors.append(FieldError(key, "unknown_field"))
            continue
        text = str(value).strip() if key == "notes" and value is not None else clean(value)
        error = None
        try:
            if key in ("phone", "phone2"):
                text = normalize_phone(text)
            elif key == "email":
                text = normalize_email(text)
            elif check is not None:
                text, error = check(key, text)
        except PhoneError as exc:
            error = FieldError(key, "invalid_phone", clean(value), str(exc))
        except EmailError as exc:
            error = FieldError(key, "invalid_email", clean(value), str(exc))
        if error is None and isinstance(text, str) and len(text) > limits[key]:
            error = FieldError(key, "too_long", text[:40], str(limits[key]))
        if error is not None:
            errors.append(error)
            continue
        out[key] = text
    if (not partial or "name" in data) and not out.get("name") and not any(
            e.field == "name" for e in errors):
        errors.append(FieldError("name", "required"))
    if errors:
        raise ValidationError(errors)
    return out


def format_code(n: int) -> str:
    return f"{CODE_PREFIX}{n:0{CODE_WIDTH}d}"


@dataclass(frozen=True)
class CustomerRow:
    """One row of the customer list."""

    id: uuid.UUID
    code: str
    name: str
    phone: str  # national display form
    owner: str
    tier: str
    region: str
    industry: str
    source: str
    updated_at: dt.datetime
    deleted: bool
    sort_key: tuple  # the keyset position of this row
    health: int | None = None  # the stored health score (0-100), None if not scored


@dataclass(frozen=True)
class CustomerRecord:
    """A whole customer, as a form edits it."""

    id: uuid.UUID
    version: int
    code: str
    kind: str
    name: str
    name_pinyin: str
    phone: str
    phone2: str
    email: str
    region: str
    province: str
    city: str
    address: str
    industry: str
    source: str
    owner_id: uuid.UUID | None
    owner: str
    tier: str
    notes: str
    custom_fields: dict[str, Any]
    tags: tuple[str, ...]
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None
    employees: int | None = None  # company size (lead scoring); None: unknown
    # sensitive fields this user sees masked (services/access.py); the form shows them
    # read-only and the service refuses a change to them
    masked: tuple[str, ...] = ()

    @property
    def phone_display(self) -> str:
        return self.phone if "phone" in self.masked else display_phone(self.phone)

    @property
    def phone2_display(self) -> str:
        return self.phone2 if "phone2" in self.masked else display_phone(self.phone2)


@dataclass(frozen=True)
class ContactRecord:
    id: uuid.UUID
    version: int
    customer_id: uuid.UUID
    name: str
    title: str
    phone: str
    email: str
    wechat: str
    is_primary: bool
    notes: str

    @property
    def phone_display(self) -> str:
        return self.phone if "*" in self.phone else display_phone(self.phone)  # masked


SORTS = ("code", "name", "phone", "owner", "tier", "region", "industry", "source", "updated_at",
         "health")
# health bands as score ranges [low, high) (services/health.py: RED 40, AMBER 70)
HEALTH_BANDS = {"red": (0, 40), "amber": (40, 70), "green": (70, 101)}


@dataclass(frozen=True)
class CustomerQuery:
    """What the customer list shows: filters and sort order."""

    text: str = ""
    tier: str | None = None
    owner_id: uuid.UUID | None = None
    unowned: bool = False
    tag: str | None = None
    region: str | None = None  # 华东, 华北 ...
    province: str | None = None
    industry: str | None = None
    source: str | None = None
    deleted: bool = False  # True: the recycle bin (soft-deleted customers) instead
    health: str | None = None  # red, amber, green: customers whose stored score is in it
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class Page:
    rows: list[CustomerRow]
    has_more: bool

    @property
    def last_key(self) -> tuple | None:
        return self.rows[-1].sort_key if self.rows else None


@dataclass(frozen=True)
class _TermPlan:
    """What is known about one search term on SQLite: how many rows may match, and, when
    that is few, exactly which (rowids), so pages are cut from a small candidate set."""

    count: int  # matches found, capped at CANDIDATE_LIMIT + 1
    # None when the term is too common for a candidate set; for a term found by a scan,
    # the candidates themselves (index-backed terms re-run their index query instead)
    rowids: tuple[int, ...] | None
    index: str  # "trigram", "short" (1-2 characters), or "" (found by a scan)


# A term that matches more rows than this (10% of a million customers) is answered by
# walking the list's sort index and filtering with instr(): matches are then dense enough
# to fill a page at once. A rarer term is answered from its candidates, which are sorted:
# the trigram index for 3+ characters, the short-term index (revision 0002) for 1-2 letters,
# digits or Chinese characters. The limit is that high because matches cluster in the sort
# order (every 深圳... company sorts under "shenzhen"), so a walk from the top can pass most
# of the list before it meets 2% of matches: 2.3 s at 20,000 against 0.1 s at 100,000.
CANDIDATE_LIMIT = 100_000
PLAN_TTL_S = 60.0


# The FTS5 tables made by revisions 0001 and 0002 (not mapped by the ORM).
_FTS = table("customer_fts", column("rowid"), column("customer_fts"))
_SHORT_FTS = table("customer_short_fts", column("rowid"), column("customer_short_fts"))


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _fts_match(term: str) -> str:
    grams = {term[i:i + 3] for i in range(len(term) - 2)}
    return " AND ".join(_quote(g) for g in sorted(grams))


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class CustomerService(ScopedService):
    """Customer records. Every method is one unit of work; writes are audited."""

    def __init__(self, db: Database, actor_id: uuid.UUID | None = None,
                 user: UserInfo | None = None):
        """``user``: whose rules apply (what they may see, edit, unmask). Without one (the
        command line's maintenance, the demo, tests of the engine) everything is visible."""
        self.db = db
        self.actor_id = actor_id if actor_id is not None else (user.id if user else None)
        self.user = user
        self._plans: dict[str, tuple[float, _TermPlan]] = {}
        self._rls: bool | None = None

    # -- permissions ----------------------------------------------------------------

    def _under_rls(self) -> bool:
        """Whether this connection's login is subject to row-level security on customers
        (a staff login on PostgreSQL; not the schema owner, not SQLite). Asked once."""
        if self._rls is None:
            if self.db.is_sqlite:
                self._rls = False
            else:
                with self.db.read() as s:
                    self._rls = bool(s.scalar(text(
                        "SELECT row_security_active('customers'::regclass)")))
        return self._rls

    def _server_search(self, q: CustomerQuery) -> bool:
        """Whether the list is answered by revision 0017's ``crm_search_customers`` /
        ``crm_count_customers``: a staff login under row-level security, the default order
        (by name, ascending), live customers, no filter but the search text. Anything else
        runs the plain query (same results, the functions are only faster)."""
        return (q.sort == "name" and not q.descending and not q.deleted and q.tier is None
                and q.owner_id is None and not q.unowned and not q.tag and q.region is None
                and q.province is None and q.industry is None and q.source is None
                and q.health is None and self._under_rls())

    def _search_params(self, q: CustomerQuery) -> dict[str, Any]:
        """The functions' arguments: the terms, and the owners the app's own rules allow
        (None for someone who sees all), so the result is what both rules let through."""
        acc = self.access()
        owners = None if acc is None or acc.sees_all else sorted(acc.people)
        return {
            "terms": bindparam("terms", search_terms(q.text), type_=ARRAY(Text)),
            "owners": bindparam("owners", owners, type_=ARRAY(Uuid)),
        }

    def _check_visible(self, c: Customer, edit: bool = False) -> None:
        acc = self.access()
        if acc is None:
            return
        if not acc.sees_all and not acc.may_own(c.owner_id):
            # (a staff login on PostgreSQL would not even read it; checked here as well)
            if not (acc.user.role == "service" and self._ticket_customer(c.id)):
                raise NotFound("customers", c.id)
        if edit and not acc.may_edit_customers():
            raise PermissionDenied("permission:edit_customers", acc.user.username,
                                   acc.user.role)

    def _ticket_customer(self, customer_id: uuid.UUID) -> bool:
        acc = self.access()
        with self.db.read() as s:
            return bool(s.scalar(select(func.count()).select_from(Customer).where(
                Customer.id == customer_id, acc.customer_filter())))

    def _check_owner(self, owner_id) -> None:
        acc = self.access()
        if acc is None or owner_id is None:
            return
        owner = owner_id if isinstance(owner_id, uuid.UUID) else uuid.UUID(str(owner_id))
        if not acc.may_own(owner):
            raise PermissionDenied("permission:owner", acc.user.username, acc.user.role)

    # -- validation ---------------------------------------------------------------

    def _normalise(self, data: Mapping[str, Any], partial: bool) -> dict[str, Any]:
        """Cleaned values, or ValidationError listing every bad field."""
        return _clean_fields(data, CUSTOMER_FIELDS, partial,
                             passthrough=("owner_id", "custom_fields", "tags"),
                             check=_check_customer_field)

    # -- helpers ------------------------------------------------------------------

    def _next_code(self, s: Session) -> str:
        return counters.next_code(s, "customer_code", Customer.code, CODE_PREFIX, CODE_WIDTH)

    @staticmethod
    def _refresh_search(c: Customer) -> None:
        c.name_pinyin, c.name_initials = pinyin_of(c.name)
        c.sort_name = sort_name_of(c.name)
        c.search_text = search_text(name=c.name, code=c.code, phones=(c.phone, c.phone2),
                                    email=c.email)

    def _set_tags(self, s: Session, c: Customer, names: list[str]) -> tuple[list[str], list[str]]:
        names = sorted({clean(n) for n in names if clean(n)})
        current = dict(s.execute(
            select(Tag.name, CustomerTag).join(CustomerTag, CustomerTag.tag_id == Tag.id)
            .where(CustomerTag.customer_id == c.id)
        ).all())
        for name in set(current) - set(names):
            s.delete(current[name])
        for name in set(names) - set(current):
            tag = s.scalar(select(Tag).where(Tag.name == name))
            if tag is None:
                tag = Tag(name=name)
                s.add(tag)
                s.flush()
            s.add(CustomerTag(customer_id=c.id, tag_id=tag.id))
        return sorted(current), names

    def _record(self, s: Session, c: Customer) -> CustomerRecord:
        owner = s.scalar(select(User.display_name).where(User.id == c.owner_id)) if c.owner_id else ""
        tags = tuple(s.scalars(
            select(Tag.name).join(CustomerTag, CustomerTag.tag_id == Tag.id)
            .where(CustomerTag.customer_id == c.id).order_by(Tag.name)
        ))
        phone, phone2, email, address, masked = c.phone, c.phone2, c.email, c.address, ()
        acc = self.access()
        if acc is not None and not acc.sees_sensitive(c.owner_id):
            phone, phone2 = mask_phone(display_phone(phone)), mask_phone(display_phone(phone2))
            email, address = mask_email(email), mask_address(address)
            masked = tuple(f for f in SENSITIVE if getattr(c, f))
        return CustomerRecord(
            c.id, c.version, c.code, c.kind, c.name, c.name_pinyin, phone, phone2, email,
            c.region, c.province, c.city, address, c.industry, c.source, c.owner_id,
            owner or "", c.tier, c.notes, dict(c.custom_fields or {}), tags, c.created_at,
            c.updated_at, c.deleted_at, c.employees, masked,
        )

    def _owner_changed(self, s: Session, c: Customer, before: uuid.UUID | None,
                       after: uuid.UUID | None) -> None:
        """An owner set by hand goes into the owner history (the field itself is audited
        already); the new owner is told, unless they made the change themselves."""
        before, after = (None if u is None else u if isinstance(u, uuid.UUID)
                         else uuid.UUID(str(u)) for u in (before, after))
        if before == after:
            return
        action = assignments.ASSIGN if after is not None else assignments.RELEASE
        assignments.record(s, [c.id], action=action, from_user=before, to_user=after,
                           reason=assignments.MANUAL, by_user_id=self.actor_id,
                           at=dt.datetime.now(dt.timezone.utc), audit=False)
        if after is not None and after != self.actor_id:
            by = s.scalar(select(User.display_name).where(User.id == self.actor_id)) \
                if self.actor_id else ""
            notifications.notify(s, after, "pool_assigned", {
                "customer_id": str(c.id), "customer_code": c.code, "customer_name": c.name,
                "reason": assignments.MANUAL, "by_name": by or ""}, c.id)

    def _load(self, s: Session, customer_id: uuid.UUID) -> Customer:
        c = s.get(Customer, customer_id)
        if c is None:
            raise NotFound("customers", customer_id)
        return c

    # -- commands -----------------------------------------------------------------

    def create(self, data: Mapping[str, Any]) -> CustomerRecord:
        values = self._normalise(data, partial=False)
        tags = values.pop("tags", None)
        with self.db.session() as s:
            if values.get("code"):
                if s.scalar(select(Customer.id).where(Customer.code == values["code"])):
                    raise ValidationError([FieldError("code", "duplicate", values["code"])])
            else:
                values["code"] = self._next_code(s)
            values.setdefault("owner_id", self.actor_id)
            self._check_owner(values["owner_id"])
            acc = self.access()
            if acc is not None and not acc.may_edit_customers():
                raise PermissionDenied("permission:edit_customers", acc.user.username,
                                       acc.user.role)
            c = Customer(**values)
            self._refresh_search(c)
            s.add(c)
            s.flush()
            audit.record(s, table="customers", row_id=c.id, action="create", user_id=self.actor_id)
            if tags:
                self._set_tags(s, c, list(tags))
            record = self._record(s, c)
        self.invalidate_search_cache()
        return record

    def update(self, customer_id: uuid.UUID, changes: Mapping[str, Any],
               expected_version: int) -> CustomerRecord:
        """Apply ``changes`` if the record is still at ``expected_version``.

        Raises ConflictError (nothing written) when someone else saved in between.
        """
        changes = self._unmasked_changes(customer_id, changes)
        values = self._normalise(changes, partial=True)
        tags = values.pop("tags", None)
        if "owner_id" in values:
            self._check_owner(values["owner_id"])
        try:
            with self.db.session() as s:
                c = self._load(s, customer_id)
                self._check_visible(c, edit=True)
                if c.version != expected_version:
                    raise ConflictError("customers", customer_id, expected_version, c.version)
                if "code" in values and values["code"] != c.code:
                    if not values["code"]:
                        raise ValidationError([FieldError("code", "required")])
                    if s.scalar(select(Customer.id).where(Customer.code == values["code"])):
                        raise ValidationError([FieldError("code", "duplicate", values["code"])])
                old = {k: getattr(c, k) for k in values}
                for k, v in values.items():
                    setattr(c, k, v)
                self._refresh_search(c)
                n = audit.record(s, table="customers", row_id=c.id, action="update",
                                 user_id=self.actor_id, old=old, new=values)
                if "owner_id" in values and old["owner_id"] != values["owner_id"]:
                    self._owner_changed(s, c, old["owner_id"], values["owner_id"])
                if tags is not None:
                    before, after = self._set_tags(s, c, list(tags))
                    if before != after:
                        n += audit.record(s, table="customers", row_id=c.id, action="update",
                                          user_id=self.actor_id, old={"tags": ", ".join(before)},
                                          new={"tags": ", ".join(after)})
                        if not any(old[k] != v for k, v in values.items()):
                            c.updated_at = dt.datetime.now(dt.timezone.utc)
                s.flush()
                record = self._record(s, c)
        except StaleDataError:
            with self.db.read() as s:
                actual = s.scalar(select(Customer.version).where(Customer.id == customer_id))
            raise ConflictError("customers", customer_id, expected_version, actual) from None
        except IntegrityError as exc:
            raise ValidationError([FieldError("code", "duplicate", str(values.get("code", "")))]) from exc
        self.invalidate_search_cache()
        return record

    def _unmasked_changes(self, customer_id: uuid.UUID,
                          changes: Mapping[str, Any]) -> Mapping[str, Any]:
        """A form sends back what it showed: a masked value left as it was is no change; a
        sensitive field this user may not see cannot be changed either."""
        acc = self.access()
        if acc is None or not any(k in SENSITIVE for k in changes):
            return changes
        with self.db.read() as s:
            c = self._load(s, customer_id)
            if acc.sees_sensitive(c.owner_id):
                return changes
            shown = {"phone": mask_phone(display_phone(c.phone)),
                     "phone2": mask_phone(display_phone(c.phone2)),
                     "email": mask_email(c.email), "address": mask_address(c.address)}
        out = {}
        for k, v in changes.items():
            if k in SENSITIVE:
                if v == shown[k] or v == getattr(c, k):
                    continue
                raise PermissionDenied("permission:see_sensitive", acc.user.username,
                                       acc.user.role)
            out[k] = v
        return out

    def _set_deleted(self, customer_id: uuid.UUID, expected_version: int | None,
                     deleted: bool) -> ChangeSet:
        try:
            with self.db.session() as s:
                c = self._load(s, customer_id)
                self._check_visible(c, edit=True)
                if expected_version is not None and c.version != expected_version:
                    raise ConflictError("customers", customer_id, expected_version, c.version)
                if (c.deleted_at is not None) == deleted:
                    return ChangeSet()
                c.deleted_at = dt.datetime.now(dt.timezone.utc) if deleted else None
                audit.record(s, table="customers", row_id=c.id,
                             action="delete" if deleted else "restore", user_id=self.actor_id)
        except StaleDataError:
            raise ConflictError("customers", customer_id, expected_version, None) from None
        self.invalidate_search_cache()
        return ChangeSet.of("customers")

    def delete(self, customer_id: uuid.UUID, expected_version: int | None = None) -> ChangeSet:
        """Soft delete: the customer moves to the recycle bin and can be restored."""
        return self._set_deleted(customer_id, expected_version, True)

    def restore(self, customer_id: uuid.UUID, expected_version: int | None = None) -> ChangeSet:
        return self._set_deleted(customer_id, expected_version, False)

    def set_deleted_many(self, customer_ids: Sequence[uuid.UUID], deleted: bool = True) -> int:
        """Move several customers to the recycle bin (or restore them) in one transaction:
        all or none. Needs the bulk_delete right when more than one; each customer must be
        one the user may see and edit. Returns how many changed (those already there are
        left as they are)."""
        ids = list(dict.fromkeys(customer_ids))
        acc = self.access()
        if len(ids) > 1 and acc is not None:
            require(acc.user, "bulk_delete")
        now = dt.datetime.now(dt.timezone.utc)
        changed = 0
        with self.db.session() as s:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                found = {c.id: c for c in s.scalars(
                    select(Customer).where(Customer.id.in_(chunk)))}
                for cid in chunk:
                    c = found.get(cid)
                    if c is None:
                        raise NotFound("customers", cid)
                    self._check_visible(c, edit=True)
                    if (c.deleted_at is not None) == deleted:
                        continue
                    c.deleted_at = now if deleted else None
                    audit.record(s, table="customers", row_id=c.id,
                                 action="delete" if deleted else "restore",
                                 user_id=self.actor_id)
                    changed += 1
        if changed:
            self.invalidate_search_cache()
        return changed

    # -- reading ------------------------------------------------------------------

    def get(self, customer_id: uuid.UUID) -> CustomerRecord:
        with self.db.read() as s:
            c = self._load(s, customer_id)
            self._check_visible(c)
            return self._record(s, c)

    def get_by_code(self, code: str) -> CustomerRecord:
        with self.db.read() as s:
            c = s.scalar(select(Customer).where(Customer.code == code.strip().upper()))
            if c is None:
                raise NotFound("customers", code)
            self._check_visible(c)
            return self._record(s, c)

    def _sort_exprs(self, sort: str) -> list:
        if sort == "health":  # the score index of customer_health, joined (scored only)
            return [CustomerHealth.score, CustomerHealth.customer_id]
        owner = func.coalesce(User.display_name, "")
        name = Customer.sort_name
        return {
            "code": [Customer.code],
            "name": [name],
            "phone": [Customer.phone, name],
            "owner": [owner, name],
            "tier": [case(TIER_RANK, value=Customer.tier, else_=9), name],
            "region": [Customer.province, name],
            "industry": [Customer.industry, name],
            "source": [Customer.source, name],
            "updated_at": [Customer.updated_at],
        }[sort] + [Customer.id]

    def _term_plan(self, term: str) -> _TermPlan:
        now = time.monotonic()
        cached = self._plans.get(term)
        if cached and now - cached[0] < PLAN_TTL_S:
            return cached[1]
        limit = CANDIDATE_LIMIT + 1
        with self.db.engine.connect() as conn:
            if len(term) >= 3 or is_short_token(term):
                # Count the index's candidates; pages re-run the (cheap) index query.
                index, fts, match = (("trigram", "customer_fts", _fts_match(term))
                                     if len(term) >= 3 else
                                     ("short", "customer_short_fts", _quote(term)))
                count = conn.exec_driver_sql(
                    f"SELECT count(*) FROM (SELECT 1 FROM {fts} WHERE {fts} MATCH ? LIMIT ?)",
                    (match, limit)).scalar_one()
                plan = _TermPlan(count, () if count <= CANDIDATE_LIMIT else None, index)
            else:  # one or two punctuation characters: scan, and keep what was found
                rowids = tuple(r[0] for r in conn.exec_driver_sql(
                    "SELECT rowid FROM customers WHERE instr(lower(name), ?) > 0 "
                    "OR instr(name_initials, ?) > 0 LIMIT ?", (term, term, limit)))
                plan = _TermPlan(len(rowids), rowids if len(rowids) <= CANDIDATE_LIMIT
                                 else None, "")
        if len(self._plans) > 256:
            self._plans.clear()
        self._plans[term] = (now, plan)
        return plan

    def invalidate_search_cache(self) -> None:
        """Forget candidate sets (called after every write through this service)."""
        self._plans.clear()

    def _filtered(self, stmt: Select, q: CustomerQuery, scoped: bool = True
                  ) -> tuple[Select, bool]:
        """The query with ``q``'s filters, and whether a small candidate set drives it.
        ``scoped=False``: without the user's visibility rule (rows already chosen by it)."""
        stmt = stmt.where(
            Customer.deleted_at.is_not(None) if q.deleted else Customer.deleted_at.is_(None)
        )
        acc = self.access() if scoped else None
        scope = acc.customer_filter() if acc is not None else None
        if scope is not None:
            stmt = stmt.where(scope)
        if q.tier is not None:
            stmt = stmt.where(Customer.tier == q.tier)
        if q.unowned:
            stmt = stmt.where(Customer.owner_id.is_(None))
        elif q.owner_id is not None:
            stmt = stmt.where(Customer.owner_id == q.owner_id)
        if q.region is not None:
            stmt = stmt.where(Customer.region == q.region)
        if q.province is not None:
            stmt = stmt.where(Customer.province == q.province)
        if q.industry is not None:
            stmt = stmt.where(Customer.industry == q.industry)
        if q.source is not None:
            stmt = stmt.where(Customer.source == q.source)
        if q.health is not None:
            low, high = HEALTH_BANDS[q.health]
            stmt = stmt.where(Customer.id.in_(
                select(CustomerHealth.customer_id)
                .where(CustomerHealth.score >= low, CustomerHealth.score < high)))
        if q.tag:
            stmt = stmt.where(Customer.id.in_(
                select(CustomerTag.customer_id).join(Tag, Tag.id == CustomerTag.tag_id)
                .where(Tag.name == q.tag)
            ))
        terms = search_terms(q.text)
        driven = False
        if terms and self.db.is_sqlite:
            plans = [(self._term_plan(t), t) for t in terms]
            best, best_term = min(plans, key=lambda p: p[0].count)
            rowid = literal_column("customers.rowid")
            if best.rowids is not None:
                driven = True
                if best.index == "trigram":  # cheap to re-run per page; exact as data moves
                    stmt = stmt.where(rowid.in_(select(_FTS.c.rowid).where(
                        _FTS.c.customer_fts.op("MATCH")(_fts_match(best_term)))))
                elif best.index == "short":
                    stmt = stmt.where(rowid.in_(select(_SHORT_FTS.c.rowid).where(
                        _SHORT_FTS.c.customer_short_fts.op("MATCH")(_quote(best_term)))))
                else:
                    stmt = stmt.where(rowid.in_(best.rowids))
            for t in terms:  # every term re-checked exactly (trigram matches may over-match)
                stmt = stmt.where(self._term_matches(t))
        elif terms:
            for t in terms:
                stmt = stmt.where(self._term_matches(t))
        return stmt, driven

    def _term_matches(self, term: str):
        """A term of 3+ characters matches anywhere in the search text (name, pinyin,
        initials, code, phone, email); a shorter one matches the name or its initials."""
        if self.db.is_sqlite:
            if len(term) >= 3:
                return func.instr(Customer.search_text, term) > 0
            return (func.instr(func.lower(Customer.name), term) > 0) | (
                func.instr(Customer.name_initials, term) > 0)
        pattern = f"%{_like_escape(term)}%"
        if len(term) >= 3:
            return Customer.search_text.like(pattern, escape="\\")
        return func.lower(Customer.name).like(pattern, escape="\\") | (
            Customer.name_initials.like(pattern, escape="\\"))

    def page(self, q: CustomerQuery, after: tuple | None = None, limit: int = 200) -> Page:
        """One window of the list, in ``q.sort`` order, starting after keyset position ``after``."""
        if q.sort not in SORTS:
            raise ValueError(f"unknown sort column {q.sort!r}")
        keys = self._sort_exprs(q.sort)
        owner = func.coalesce(User.display_name, "").label("owner")
        stmt = (
            select(Customer.id, Customer.code, Customer.name, Customer.phone, owner,
                   Customer.owner_id,
                   Customer.tier, Customer.province, Customer.city, Customer.industry,
                   Customer.source, Customer.updated_at, Customer.deleted_at,
                   CustomerHealth.score.label("health"),
                   *[k.label(f"k{i}") for i, k in enumerate(keys)])
            .outerjoin(User, User.id == Customer.owner_id)
        )
        if q.sort == "health":
            # driven by the score index; customers not scored yet (created seconds ago,
            # before the first computation) are left out of this order
            stmt = stmt.join(CustomerHealth, CustomerHealth.customer_id == Customer.id)
        else:
            stmt = stmt.outerjoin(CustomerHealth, CustomerHealth.customer_id == Customer.id)
        server = self._server_search(q)
        # (under the server's search the ids come chosen by the same rule the app applies,
        # and the policy still holds for the rows read: a service agent's rule, a subquery
        # over every ticket, is not run a second time)
        stmt, driven = self._filtered(stmt, q, scoped=not server)
        if server:
            result, more = self._server_page(stmt, q, after, limit)
        else:
            if after is not None:
                cmp = (tuple_(*keys) < tuple_(*after) if q.descending
                       else tuple_(*keys) > tuple_(*after))
                stmt = stmt.where(cmp)
            order = keys
            if driven:
                # Sort the few candidates rather than walk the whole sort index probing each
                # row against them (SQLite picks the walk for ORDER BY ... LIMIT; unary + on a
                # column keeps it from using the index for the order).
                order = [literal_column(f"+customers.{k.key}") if hasattr(k, "table") and
                         getattr(k, "table", None) is Customer.__table__ else k for k in keys]
            stmt = stmt.order_by(*[k.desc() if q.descending else k.asc() for k in order])
            stmt = stmt.limit(limit + 1)
            with self.db.read() as s:
                result = s.execute(stmt).all()
            more = len(result) > limit
        rows = []
        acc = self.access()
        for r in result[:limit]:
            region = " ".join(x for x in (r.province, r.city) if x)
            key = tuple(getattr(r, f"k{i}") for i in range(len(keys)))
            phone = display_phone(r.phone)
            if acc is not None and not acc.sees_sensitive(r.owner_id):
                phone = mask_phone(phone)
            rows.append(CustomerRow(
                r.id, r.code, r.name, phone, r.owner, r.tier, region,
                r.industry, r.source, r.updated_at, r.deleted_at is not None, key, r.health,
            ))
        return Page(rows, more)

    def _server_page(self, stmt: Select, q: CustomerQuery, after: tuple | None,
                     limit: int) -> tuple[list, bool]:
        """Under row-level security: the page's ids from ``crm_search_customers`` (revision
        0017: it walks what this login may see in name order), then their rows read by id
        (``stmt``, with the policy and the app's filters still applied) in that order. Two
        statements: joined in one, the planner may scan every customer the policy lets
        through before it meets the few ids."""
        params = self._search_params(q)
        found = func.crm_search_customers(
            params["terms"], bindparam("after_key", after[0] if after else None, type_=Text),
            bindparam("after_id", after[1] if after else None, type_=Uuid),
            limit + 1, params["owners"]).table_valued(
                column("id", Uuid), column("sort_name", Text)).alias("found")
        with self.db.read() as s:
            ids = list(s.scalars(select(found.c.id)))
            if not ids:
                return [], False
            # one array parameter, not an IN list of 200: the statement's text stays the same
            rows = s.execute(stmt.where(Customer.id == func.any(
                bindparam("ids", ids[:limit], type_=ARRAY(Uuid))))).all()
        position = {cid: n for n, cid in enumerate(ids)}
        rows.sort(key=lambda r: position[r.id])
        return rows, len(ids) > limit

    def count(self, q: CustomerQuery) -> int:
        if self._server_search(q):
            params = self._search_params(q)
            with self.db.read() as s:
                return int(s.scalar(select(func.crm_count_customers(
                    params["terms"], params["owners"]))) or 0)
        stmt, _driven = self._filtered(select(func.count()).select_from(Customer), q)
        with self.db.read() as s:
            return int(s.scalar(stmt) or 0)

    def distinct_values(self, column: str) -> list[str]:
        """Values in use for a filter column (province, industry, source)."""
        name = {"province": "province", "industry": "industry", "source": "source"}[column]
        sql = loose_distinct("customers", name)
        with self.db.read() as s:
            return [v for v in s.scalars(sql) if v != ""]

    def tag_names(self) -> list[str]:
        with self.db.read() as s:
            return list(s.scalars(select(Tag.name).where(Tag.deleted_at.is_(None)).order_by(Tag.name)))

    # -- contacts -----------------------------------------------------------------

    def _contact_values(self, data: Mapping[str, Any], partial: bool) -> dict[str, Any]:
        out = _clean_fields(data, CONTACT_FIELDS, partial, passthrough=("is_primary",))
        if "is_primary" in out:
            out["is_primary"] = bool(out["is_primary"])
        return out

    @staticmethod
    def _contact_record(c: Contact) -> ContactRecord:
        return ContactRecord(c.id, c.version, c.customer_id, c.name, c.title, c.phone, c.email,
                             c.wechat, c.is_primary, c.notes)

    def add_contact(self, customer_id: uuid.UUID, data: Mapping[str, Any]) -> ContactRecord:
        values = self._contact_values(data, partial=False)
        with self.db.session() as s:
            self._load(s, customer_id)
            c = Contact(customer_id=customer_id, name_pinyin=pinyin_of(values["name"])[0], **values)
            s.add(c)
            s.flush()
            audit.record(s, table="contacts", row_id=c.id, action="create", user_id=self.actor_id)
            return self._contact_record(c)

    def update_contact(self, contact_id: uuid.UUID, changes: Mapping[str, Any],
                       expected_version: int) -> ContactRecord:
        values = self._contact_values(changes, partial=True)
        try:
            with self.db.session() as s:
                c = s.get(Contact, contact_id)
                if c is None:
                    raise NotFound("contacts", contact_id)
                if c.version != expected_version:
                    raise ConflictError("contacts", contact_id, expected_version, c.version)
                old = {k: getattr(c, k) for k in values}
                for k, v in values.items():
                    setattr(c, k, v)
                if "name" in values:
                    c.name_pinyin = pinyin_of(c.name)[0]
                audit.record(s, table="contacts", row_id=c.id, action="update",
                             user_id=self.actor_id, old=old, new=values)
                s.flush()
                return self._contact_record(c)
        except StaleDataError:
            raise ConflictError("contacts", contact_id, expected_version, None) from None

    def delete_contact(self, contact_id: uuid.UUID) -> ChangeSet:
        with self.db.session() as s:
            c = s.get(Contact, contact_id)
            if c is None:
                raise NotFound("contacts", contact_id)
            c.deleted_at = dt.datetime.now(dt.timezone.utc)
            audit.record(s, table="contacts", row_id=c.id, action="delete", user_id=self.actor_id)
        return ChangeSet.of("contacts")

    def contacts(self, customer_id: uuid.UUID) -> list[ContactRecord]:
        """The customer's contacts; their phones and e-mails masked as the customer's are."""
        with self.db.read() as s:
            customer = self._load(s, customer_id)
            self._check_visible(customer)
            records = [self._contact_record(c) for c in s.scalars(
                select(Contact).where(Contact.customer_id == customer_id,
                                      Contact.deleted_at.is_(None))
                .order_by(Contact.is_primary.desc(), Contact.name)
            )]
        acc = self.access()
        if acc is None or acc.sees_sensitive(customer.owner_id):
            return records
        from dataclasses import replace
        return [replace(r, phone=mask_phone(r.phone_display), email=mask_email(r.email))
                for r in records]
