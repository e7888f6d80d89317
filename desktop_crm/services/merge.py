"""Merging duplicate customers (合并): the survivor takes the field values the user chose and
every related record of the others; the others become tombstones recorded as merged into it.
One transaction, audited. No Qt.

What moves (``customer_id`` set to the survivor, ``updated_at`` and ``version`` bumped so
sync sees the change): contacts, orders, interactions, follow-ups (activities) and their
recurring series, opportunities (their stage history follows them), tickets (their log
follows them), owner history (customer_assignments), notifications, tags (a tag the
survivor already has is dropped, not doubled). Derived rows: the order statistics of every
customer involved are recomputed (the orders' triggers already did, this makes sure); the
merged customers' metrics and health rows are deleted (the survivor's are recomputed by
the next tier run and health refresh, which see its changed orders); tier snapshots stay as
the history of what was.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.models import (
    Activity, ActivitySeries, AuditEntry, Contact, Customer, CustomerAssignment,
    CustomerHealth, CustomerMetrics, CustomerTag, Interaction, Notification, Opportunity,
    Order, Tag, Ticket, User,
)

from . import assignments, audit, order_stats
from .db import Database
from .errors import ChangeSet, ConflictError, FieldError, NotFound, ValidationError
from .text import display_phone, pinyin_of, search_text, sort_name_of
from .users import UserInfo

# The fields a user chooses between, in the order the merge dialog shows them.
MERGE_FIELDS = ("kind", "name", "phone", "phone2", "email", "region", "province", "city",
                "address", "industry", "source", "employees", "owner_id", "tier", "notes")

# Related tables, in the order the preview lists them: (name, model).
RELATED = (
    ("contacts", Contact), ("orders", Order), ("interactions", Interaction),
    ("activities", Activity), ("activity_series", ActivitySeries),
    ("opportunities", Opportunity), ("tickets", Ticket),
    ("customer_assignments", CustomerAssignment), ("notifications", Notification),
)


@dataclass(frozen=True)
class MergeSide:
    """One customer as the merge dialog shows it: raw values (what is stored) and display
    text (phones in national form, the owner's name)."""

    id: uuid.UUID
    version: int
    code: str
    values: dict[str, Any]
    display: dict[str, str]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class MergePreview:
    survivor_id: uuid.UUID
    customers: tuple[MergeSide, ...]  # the survivor first
    fields: tuple[str, ...]           # MERGE_FIELDS
    differing: tuple[str, ...]        # the fields whose values are not all equal
    moves: dict[str, int]             # related table -> rows that will move to the survivor
    tags: tuple[str, ...]             # the survivor's tags afterwards

    @property
    def versions(self) -> dict[uuid.UUID, int]:
        return {c.id: c.version for c in self.customers}


@dataclass(frozen=True)
class MergeResult:
    survivor_id: uuid.UUID
    survivor_version: int
    merged_ids: tuple[uuid.UUID, ...]
    moved: dict[str, int]
    changes: ChangeSet


class MergeService:
    """Preview and carry out the merge of duplicate customers."""

    def __init__(self, db: Database, user: UserInfo | None = None):
        self.db = db
        self.user = user

    @property
    def _actor(self) -> uuid.UUID | None:
        return self.user.id if self.user else None

    # -- reading ----------------------------------------------------------------------

    @staticmethod
    def _check_ids(survivor_id: uuid.UUID, other_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        others = list(dict.fromkeys(other_ids))
        if not others:
            raise ValidationError([FieldError("other_ids", "required")])
        if survivor_id in others:
            raise ValidationError([FieldError("other_ids", "invalid", str(survivor_id),
                                              "the survivor cannot be merged into itself")])
        return others

    @staticmethod
    def _load(s: Session, ids: Sequence[uuid.UUID], lock: bool) -> dict[uuid.UUID, Customer]:
        stmt = select(Customer).where(Customer.id.in_(ids))
        if lock:
            stmt = stmt.with_for_update()
        found = {c.id: c for c in s.scalars(stmt)}
        for i in ids:
            c = found.get(i)
            if c is None or c.deleted_at is not None:
                raise NotFound("customers", i)
        return found

    @staticmethod
    def _tags(s: Session, customer_id: uuid.UUID) -> tuple[str, ...]:
        return tuple(s.scalars(
            select(Tag.name).join(CustomerTag, CustomerTag.tag_id == Tag.id)
            .where(CustomerTag.customer_id == customer_id).order_by(Tag.name)))

    @staticmethod
    def _counts(s: Session, ids: Sequence[uuid.UUID]) -> dict[str, int]:
        out = {}
        for name, model in RELATED:
            out[name] = s.scalar(select(func.count()).select_from(model)
                                 .where(model.customer_id.in_(ids))) or 0
        return out

    def preview(self, survivor_id: uuid.UUID, other_ids: Sequence[uuid.UUID]) -> MergePreview:
        """The customers side by side and what the merge would move."""
        others = self._check_ids(survivor_id, other_ids)
        ids = [survivor_id, *others]
        with self.db.read() as s:
            found = self._load(s, ids, lock=False)
            owners = dict(s.execute(select(User.id, User.display_name).where(
                User.id.in_({c.owner_id for c in found.values() if c.owner_id}))).all())
            sides = []
            for i in ids:
                c = found[i]
                values = {f: getattr(c, f) for f in MERGE_FIELDS}
                display = {f: "" if v is None else str(v) for f, v in values.items()}
                display["phone"] = display_phone(c.phone)
                display["phone2"] = display_phone(c.phone2)
                display["owner_id"] = owners.get(c.owner_id, "") if c.owner_id else ""
                sides.append(MergeSide(c.id, c.version, c.code, values, display,
                                       self._tags(s, c.id)))
            tags = tuple(sorted({t for side in sides for t in side.tags}))
            moves = self._counts(s, others)
            moves["tags"] = len({t for side in sides[1:] for t in side.tags}
                                - set(sides[0].tags))
        differing = tuple(f for f in MERGE_FIELDS
                          if len({repr(side.values[f]) for side in sides}) > 1)
        return MergePreview(survivor_id, tuple(sides), MERGE_FIELDS, differing, moves, tags)

    # -- merging ------------------------------------------------------------------------

    def merge(self, survivor_id: uuid.UUID, other_ids: Sequence[uuid.UUID],
              choices: Mapping[str, uuid.UUID] | None = None,
              expected_versions: Mapping[uuid.UUID, int] | None = None) -> MergeResult:
        """Merge ``other_ids`` into ``survivor_id`` in one transaction.

        ``choices`` maps a field of ``MERGE_FIELDS`` to the customer whose value the survivor
        takes (fields not named keep the survivor's value). ``expected_versions`` are the
        versions the user saw (``MergePreview.versions``): when any customer changed since,
        ConflictError is raised and nothing is written."""
        others = self._check_ids(survivor_id, other_ids)
        ids = [survivor_id, *others]
        choices = dict(choices or {})
        bad = [FieldError(f, "unknown_field") for f in choices if f not in MERGE_FIELDS]
        bad += [FieldError(f, "invalid_choice", str(v)) for f, v in choices.items()
                if f in MERGE_FIELDS and v not in ids]
        if bad:
            raise ValidationError(bad)
        now = dt.datetime.now(dt.timezone.utc)
        try:
            with self.db.session() as s:
                found = self._load(s, ids, lock=not self.db.is_sqlite)
                for i in ids:
                    expected = (expected_versions or {}).get(i)
                    if expected is not None and found[i].version != expected:
                        raise ConflictError("customers", i, expected, found[i].version)
                survivor = found[survivor_id]
                moved = self._move(s, survivor, others, now)
                self._apply_choices(s, survivor, found, choices, now)
                self._record_merge(s, survivor, [found[i] for i in others], moved, now)
                for i in others:
                    found[i].deleted_at = now
                s.flush()
                conn = s.connection()
                order_stats.refresh(conn, [_raw_id(conn, i) for i in ids])
                s.execute(delete(CustomerMetrics).where(CustomerMetrics.customer_id.in_(others)))
                s.execute(delete(CustomerHealth).where(CustomerHealth.customer_id.in_(others)))
                version = survivor.version
        except StaleDataError:
            with self.db.read() as s:
                actual = dict(s.execute(select(Customer.id, Customer.version)
                                        .where(Customer.id.in_(ids))).all())
            changed = next((i for i in ids if (expected_versions or {}).get(i) not in
                            (None, actual.get(i))), survivor_id)
            raise ConflictError("customers", changed, (expected_versions or {}).get(changed),
                                actual.get(changed)) from None
        return MergeResult(survivor_id, version, tuple(others), moved, ChangeSet.of(
            "customers", "contacts", "orders", "interactions", "activities", "opportunities",
            "tickets", "tiers", "notifications"))

    def _move(self, s: Session, survivor: Customer, others: list[uuid.UUID],
              now: dt.datetime) -> dict[str, int]:
        moved: dict[str, int] = {}
        if s.scalar(select(func.count()).select_from(Contact).where(
                Contact.customer_id == survivor.id, Contact.is_primary.is_(True),
                Contact.deleted_at.is_(None))):
            # the survivor keeps its own primary contact
            s.execute(update(Contact).where(Contact.customer_id.in_(others),
                                            Contact.is_primary.is_(True))
                      .values(is_primary=False).execution_options(synchronize_session=False))
        for name, model in RELATED:
            result = s.execute(
                update(model).where(model.customer_id.in_(others))
                .values(customer_id=survivor.id, updated_at=now, version=model.version + 1)
                .execution_options(synchronize_session=False))
            moved[name] = result.rowcount or 0
        have = set(s.scalars(select(CustomerTag.tag_id)
                             .where(CustomerTag.customer_id == survivor.id)))
        moved["tags"] = 0
        rows = s.scalars(select(CustomerTag).where(CustomerTag.customer_id.in_(others))
                         .order_by(CustomerTag.created_at)).all()
        for row in rows:
            if row.tag_id in have:
                s.delete(row)
            else:
                have.add(row.tag_id)
                row.customer_id = survivor.id
                moved["tags"] += 1
        s.flush()
        return moved

    def _apply_choices(self, s: Session, survivor: Customer, found: dict[uuid.UUID, Customer],
                       choices: Mapping[str, uuid.UUID], now: dt.datetime) -> None:
        new = {f: getattr(found[cid], f) for f, cid in choices.items()}
        old = {f: getattr(survivor, f) for f in new}
        changed = {f: v for f, v in new.items() if v != old[f]}
        for f, v in changed.items():
            setattr(survivor, f, v)
        if {"name", "phone", "phone2", "email"} & changed.keys():
            survivor.name_pinyin, survivor.name_initials = pinyin_of(survivor.name)
            survivor.sort_name = sort_name_of(survivor.name)
            survivor.search_text = search_text(
                name=survivor.name, code=survivor.code, phones=(survivor.phone, survivor.phone2),
                email=survivor.email)
        audit.record(s, table="customers", row_id=survivor.id, action="update",
                     user_id=self._actor, old=old, new=changed)
        if "owner_id" in changed:
            assignments.record(s, [survivor.id], action=(
                assignments.ASSIGN if changed["owner_id"] else assignments.RELEASE),
                from_user=old["owner_id"], to_user=changed["owner_id"],
                reason=assignments.MANUAL, by_user_id=self._actor, at=now, audit=False)
        survivor.updated_at = now  # a new version even when no field changed

    def _record_merge(self, s: Session, survivor: Customer, others: list[Customer],
                      moved: dict[str, int], now: dt.datetime) -> None:
        actor = self._actor
        for other in others:
            s.add(AuditEntry(at=now, user_id=actor, table_name="customers", row_id=survivor.id,
                             action="merge", field="merged_from", old_value=other.code,
                             new_value=str(other.id)))
            s.add(AuditEntry(at=now, user_id=actor, table_name="customers", row_id=other.id,
                             action="merge", field="merged_into", old_value=survivor.code,
                             new_value=str(survivor.id)))
            s.add(AuditEntry(at=now, user_id=actor, table_name="customers", row_id=other.id,
                             action="delete"))
        s.add(AuditEntry(at=now, user_id=actor, table_name="customers", row_id=survivor.id,
                         action="merge", field="moved_records",
                         new_value=json.dumps({k: v for k, v in moved.items() if v},
                                              sort_keys=True)))

    def merged_into(self, customer_id: uuid.UUID) -> uuid.UUID | None:
        """The customer this one was merged into (from the audit log), if it was."""
        with self.db.read() as s:
            value = s.scalar(select(AuditEntry.new_value).where(
                AuditEntry.table_name == "customers", AuditEntry.row_id == customer_id,
                AuditEntry.action == "merge", AuditEntry.field == "merged_into")
                .order_by(AuditEntry.at.desc()).limit(1))
        return uuid.UUID(value) if value else None


def _raw_id(conn, customer_id: uuid.UUID) -> object:
    """An id as the driver stores it (order_stats.refresh takes raw ids)."""
    return customer_id.hex if conn.dialect.name == "sqlite" else customer_id
