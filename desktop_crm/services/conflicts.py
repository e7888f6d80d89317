"""Concurrent edits (issue 8): what to do when a save is stale.

A form keeps the record as it loaded it (the *base*). When its save raises
``ConflictError``, the view asks this module to compare three versions of every field: the
base, the user's edit (*mine*) and what is stored now (*theirs*):

- ``unchanged``: nobody changed it;
- ``mine``: only this user changed it (merged automatically: mine is saved);
- ``theirs``: only the other person changed it (merged automatically: theirs is kept);
- ``same``: both changed it to the same value (no conflict);
- ``conflict``: both changed it to different values: the user chooses (keep mine, take
  theirs, or, for text, an edited value). Nothing is overwritten without a choice.

``merge()`` returns the full merged values; ``changes_against()`` the part that differs from
what is stored, which is what the service's ``update`` is then called with, at the *current*
version (a third person saving meanwhile makes that save stale again, and the comparison is
made anew with the newest values).

Who changed a field and when comes from the audit log: the newest ``update`` row of that field
written after the base was saved (``at > base.updated_at``; a save audits before its UPDATE
stamps ``updated_at``), else the record's ``updated_at`` and the last auditing user.

Fields are compared in a normal form (trimmed text, phones in E.164, tags as a sorted set),
so "138 1234 5678" and "13812345678" are the same phone. A *group* of fields (the address:
region, province, city, street) is one unit: mixing my city with their street could make an
address that exists nowhere.

No Qt here: the dialog is ``views/conflict_dialog.py``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from desktop_crm.models import AuditEntry, User

from .db import Database
from .errors import NotFound
from .text import PhoneError, normalize_phone

UNCHANGED, MINE, THEIRS, SAME, CONFLICT = "unchanged", "mine", "theirs", "same", "conflict"
KEEP_MINE, TAKE_THEIRS = "mine", "theirs"

# The customer form's fields, in the form's order, and the address group.
CUSTOMER_FIELDS: tuple[str, ...] = (
    "kind", "code", "name", "phone", "phone2", "email", "region", "province", "city",
    "address", "industry", "employees", "source", "owner_id", "tier", "tags", "notes",
)
ADDRESS_GROUP = ("region", "province", "city", "address")
CUSTOMER_GROUPS: dict[str, tuple[str, ...]] = {"address_group": ADDRESS_GROUP}
# Fields whose merged value a user may type (free text); others: mine or theirs.
TEXT_FIELDS = frozenset({"name", "notes", "industry", "source", "email", "phone", "phone2",
                         "code", "title", "description", "lost_reason"})


@dataclass(frozen=True)
class Edited:
    """A merged value the user typed for a conflicting field."""

    value: Any


@dataclass(frozen=True)
class Author:
    """Who saved the other version of a field, and when."""

    name: str
    at: dt.datetime | None


@dataclass(frozen=True)
class FieldDiff:
    field: str  # a field name, or a group's name (then values are tuples)
    state: str  # UNCHANGED, MINE, THEIRS, SAME, CONFLICT
    base: Any
    mine: Any
    theirs: Any
    members: tuple[str, ...] = ()  # a group's fields, in order
    author: Author | None = None  # who changed theirs (THEIRS, SAME, CONFLICT)

    @property
    def editable(self) -> bool:
        """A conflict whose merged value the user may type (one text field)."""
        return not self.members and self.field in TEXT_FIELDS


@dataclass(frozen=True)
class Comparison:
    table: str
    row_id: uuid.UUID
    base_version: int
    current_version: int
    diffs: tuple[FieldDiff, ...]
    current: Any = None  # the stored record, as the service returns it
    theirs_values: Mapping[str, Any] = field(default_factory=dict)  # per field

    def _in(self, *states: str) -> list[FieldDiff]:
        return [d for d in self.diffs if d.state in states]

    @property
    def conflicts(self) -> list[FieldDiff]:
        return self._in(CONFLICT)

    @property
    def merged_automatically(self) -> list[FieldDiff]:
        """Only one side changed these (or both the same way): no choice needed."""
        return self._in(MINE, THEIRS, SAME)

    def merge(self, choices: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return merge(self.diffs, choices or {})

    def changes(self, choices: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """What to save at ``current_version``: merged values that differ from theirs."""
        return changes_against(self.merge(choices), self.diffs)


def _normal(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name == "tags":
        items = value.replace("，", ",").split(",") if isinstance(value, str) else value
        return tuple(sorted({str(t).strip() for t in items if str(t).strip()}))
    if name in ("phone", "phone2"):
        text = str(value).strip()
        if "*" in text:  # masked: compared as shown
            return text
        try:
            return normalize_phone(text)
        except PhoneError:
            return text
    if name == "email":
        return str(value).strip().lower()
    if name == "employees":
        text = str(value).strip().replace(",", "").replace("，", "")
        return str(int(text)) if text.isdigit() else text
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _state(name: str, base: Any, mine: Any, theirs: Any) -> str:
    b, m, t = _normal(name, base), _normal(name, mine), _normal(name, theirs)
    if m == b and t == b:
        return UNCHANGED
    if t == b:
        return MINE
    if m == b:
        return THEIRS
    return SAME if m == t else CONFLICT


def compare(base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any],
            fields: Sequence[str], groups: Mapping[str, Sequence[str]] | None = None,
            authors: Mapping[str, Author] | None = None) -> tuple[FieldDiff, ...]:
    """Three-way comparison of ``fields`` (a group counts once, where its first field is).

    ``mine`` may hold only what the user changed: a field it lacks is the base's value.
    """
    groups = groups or {}
    authors = authors or {}
    member_of = {f: g for g, members in groups.items() for f in members}
    out: list[FieldDiff] = []
    seen: set[str] = set()
    for name in fields:
        group = member_of.get(name)
        if group is None:
            b, t = base.get(name), theirs.get(name)
            m = mine.get(name, b)
            state = _state(name, b, m, t)
            out.append(FieldDiff(name, state, b, m, t,
                                 author=authors.get(name) if state in (THEIRS, SAME, CONFLICT)
                                 else None))
            continue
        if group in seen:
            continue
        seen.add(group)
        members = tuple(groups[group])
        b = tuple(base.get(f) for f in members)
        m = tuple(mine.get(f, base.get(f)) for f in members)
        t = tuple(theirs.get(f) for f in members)
        states = {_state(f, bb, mm, tt) for f, bb, mm, tt in zip(members, b, m, t)}
        if states <= {UNCHANGED}:
            state = UNCHANGED
        elif states <= {UNCHANGED, MINE}:
            state = MINE
        elif states <= {UNCHANGED, THEIRS}:
            state = THEIRS
        elif all(_normal(f, mm) == _normal(f, tt) for f, mm, tt in zip(members, m, t)):
            state = SAME
        else:
            state = CONFLICT
        author = None
        if state in (THEIRS, SAME, CONFLICT):
            found = [authors[f] for f in members if f in authors]
            author = max(found, key=lambda a: a.at or dt.datetime.min.replace(
                tzinfo=dt.timezone.utc)) if found else None
        out.append(FieldDiff(group, state, b, m, t, members, author))
    return tuple(out)


def merge(diffs: Sequence[FieldDiff], choices: Mapping[str, Any]) -> dict[str, Any]:
    """The values to keep, per field (a group's members one by one): mine where only I
    changed a field, theirs where only they did, the choice where both did differently
    (``KEEP_MINE``, ``TAKE_THEIRS`` or ``Edited(value)``). A conflict without a choice is a
    ``KeyError``: nothing is overwritten without one."""
    out: dict[str, Any] = {}
    for d in diffs:
        if d.state in (UNCHANGED, THEIRS):
            value = d.theirs
        elif d.state in (MINE, SAME):
            value = d.mine
        else:
            choice = choices[d.field]
            if choice == KEEP_MINE:
                value = d.mine
            elif choice == TAKE_THEIRS:
                value = d.theirs
            elif isinstance(choice, Edited) and d.editable:
                value = choice.value
            else:
                raise ValueError(f"not a choice for {d.field}: {choice!r}")
        if d.members:
            out.update(zip(d.members, value))
        else:
            out[d.field] = value
    return out


def changes_against(merged: Mapping[str, Any], diffs: Sequence[FieldDiff]) -> dict[str, Any]:
    """The merged values that differ from what is stored (what an update must send)."""
    theirs: dict[str, Any] = {}
    for d in diffs:
        if d.members:
            theirs.update(zip(d.members, d.theirs))
        else:
            theirs[d.field] = d.theirs
    return {k: v for k, v in merged.items() if _normal(k, v) != _normal(k, theirs.get(k))}


def authors_since(db: Database, table: str, row_id: uuid.UUID, since: dt.datetime | None,
                  fallback_at: dt.datetime | None = None) -> dict[str, Author]:
    """Per field, who wrote its newest ``update`` audit row after ``since`` (the base's
    ``updated_at``), and when. ``"*"`` is the newest author of the row at all, for a change
    the audit does not name (``fallback_at``: the stored record's ``updated_at``)."""
    with db.read() as s:
        q = (select(AuditEntry.field, AuditEntry.at, User.display_name, User.username)
             .outerjoin(User, User.id == AuditEntry.user_id)
             .where(AuditEntry.table_name == table, AuditEntry.row_id == row_id)
             .order_by(AuditEntry.at.desc()))
        newest = s.execute(q.limit(1)).first()
        rows = s.execute(q.where(AuditEntry.at > since)).all() if since is not None else []
    out: dict[str, Author] = {}
    for f, at, name, username in rows:
        if f and f not in out:
            out[f] = Author(name or username or "", at)
    if newest is not None:
        out["*"] = Author(newest.display_name or newest.username or "",
                          fallback_at or newest.at)
    return out


# -- customers --------------------------------------------------------------------------

def customer_form_values(record) -> dict[str, Any]:
    """A ``CustomerRecord`` as the customer form shows it (phones in national form,
    employees as text, tags as a list)."""
    return {
        "kind": record.kind, "code": record.code, "name": record.name,
        "phone": record.phone_display, "phone2": record.phone2_display,
        "email": record.email, "region": record.region, "province": record.province,
        "city": record.city, "address": record.address, "industry": record.industry,
        "employees": "" if record.employees is None else str(record.employees),
        "source": record.source, "owner_id": record.owner_id, "tier": record.tier,
        "tags": list(record.tags), "notes": record.notes,
    }


def _with_fallback(authors: dict[str, Author], diffs_fields: Sequence[str]) -> dict[str, Author]:
    fallback = authors.get("*")
    if fallback is None:
        return authors
    return {**{f: fallback for f in diffs_fields}, **authors}


def compare_customer(customers, base, mine: Mapping[str, Any]) -> Comparison:
    """The comparison for a stale customer save: ``base`` the ``CustomerRecord`` the form
    loaded, ``mine`` the form's values (all, or only the changed ones); the stored record is
    read through ``customers`` (a ``CustomerService``, so its access rules apply)."""
    current = customers.get(base.id)
    if current.deleted_at is not None:  # deleted meanwhile: nothing to merge into
        raise NotFound("customers", base.id)
    authors = _with_fallback(
        authors_since(customers.db, "customers", base.id, base.updated_at, current.updated_at),
        CUSTOMER_FIELDS)
    theirs = customer_form_values(current)
    diffs = compare(customer_form_values(base), mine, theirs, CUSTOMER_FIELDS,
                    CUSTOMER_GROUPS, authors)
    return Comparison("customers", base.id, base.version, current.version, diffs, current,
                      theirs)


def save_customer(customers, comparison: Comparison, choices: Mapping[str, Any]):
    """Save the merged customer at the version the comparison read. ``ConflictError`` again
    if a third person saved meanwhile: then compare anew with ``comparison.current`` as the
    base and the merged values as mine (``compare_customer(customers, comparison.current,
    comparison.merge(choices))``), so only what the third person changed is asked about."""
    changes = comparison.changes(choices)
    if not changes:
        return comparison.current
    return customers.update(comparison.row_id, changes, comparison.current_version)


# -- opportunities ----------------------------------------------------------------------

OPPORTUNITY_FIELDS: tuple[str, ...] = (
    "title", "customer_id", "amount", "probability", "expected_close", "owner_id", "notes",
)


def opportunity_form_values(detail) -> dict[str, Any]:
    """An ``OpportunityDetail`` as the opportunity form edits it."""
    c = detail.card
    return {"title": c.title, "customer_id": c.customer_id, "amount": c.amount,
            "probability": c.probability, "expected_close": c.expected_close,
            "owner_id": c.owner_id, "notes": detail.notes}


def compare_opportunity(pipeline, base, mine: Mapping[str, Any]) -> Comparison:
    """The comparison for a stale opportunity save (``base``: the ``OpportunityDetail`` the
    form loaded; ``pipeline``: a ``PipelineService``). A move on the board in between shows as
    their change of the probability (the stage itself is not a form field)."""
    current = pipeline.get(base.card.id)
    authors = _with_fallback(
        authors_since(pipeline.db, "opportunities", base.card.id, base.updated_at,
                      current.updated_at), OPPORTUNITY_FIELDS)
    theirs = opportunity_form_values(current)
    diffs = compare(opportunity_form_values(base), mine, theirs, OPPORTUNITY_FIELDS,
                    authors=authors)
    return Comparison("opportunities", base.card.id, base.card.version, current.card.version,
                      diffs, current, theirs)


def save_opportunity(pipeline, comparison: Comparison, choices: Mapping[str, Any]):
    """Save the merged opportunity at the compared version; returns the ``Card``.
    ``ConflictError`` again when a third person saved meanwhile."""
    changes = comparison.changes(choices)
    if not changes:
        return comparison.current.card
    return pipeline.update(comparison.row_id, changes, comparison.current_version)
