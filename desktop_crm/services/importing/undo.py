"""Undoing an import as a whole: the records it created are deleted, the ones it updated get
their previous values back - only while nothing changed any of them since (their version is
still the one recorded right after the import) and nothing else refers to what it created.
An undone import never happened: created records leave no tombstone (nothing else ever saw
them), so importing the file again creates them again with the same codes if they are free.
Tags: the created customers' links go with them, updated customers get their previous tags
back, and the tags the import created are deleted unless something else uses them now."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from desktop_crm.models import (
    AuditEntry, CustomerAssignment, CustomerHealth, CustomerMetrics, CustomerOrderStats,
    CustomerTag, ImportRow, ImportRun, ImportStatus, Notification, Tag, TierSnapshot,
)

from ..errors import NotFound, ServiceError
from .engine import IN_CHUNK, TABLE

# derived rows that follow a customer (kept by other services), removed with it
FOLLOWERS = (CustomerOrderStats, CustomerHealth, CustomerMetrics, TierSnapshot,
             CustomerAssignment, Notification, CustomerTag)
DELETE_ORDER = ("activities", "interactions", "orders", "contacts", "customers")


class UndoRefused(ServiceError):
    """The import cannot be undone. ``code``: ``changed_since`` (``rows`` records were
    edited or deleted after it; ``sample`` some of them as (table, id)), ``referenced``
    (records created since refer to ones it created), ``already_undone``, ``running``."""

    def __init__(self, code: str, rows: int = 0, sample: tuple = ()):
        self.code, self.rows, self.sample = code, rows, sample
        text = {"changed_since": f"{rows} record(s) were changed after the import",
                "referenced": "records added since refer to records it created",
                "already_undone": "it was undone already",
                "running": "it is still running"}.get(code, code)
        super().__init__(f"the import cannot be undone: {text}; nothing was changed")


def _chunks(items: list, n: int = IN_CHUNK):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _restore(table, column: str, value: Any) -> Any:
    """A value kept in ``import_rows.before`` (JSON) back in its column's Python type."""
    if value is None:
        return None
    try:
        kind = table.c[column].type.python_type
    except NotImplementedError:  # JSON columns
        return value
    if kind is uuid.UUID:
        return uuid.UUID(value)
    if kind is Decimal:
        return Decimal(value)
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    return value


def _restore_tags(s, retag: dict[uuid.UUID, list[str]]) -> None:
    """Customers (id -> tag names) get exactly those tags again (their links replaced)."""
    if not retag:
        return
    names = sorted({n for tags in retag.values() for n in tags})
    ids: dict[str, uuid.UUID] = {}
    for part in _chunks(names):
        ids.update(s.execute(select(Tag.name, Tag.id).where(Tag.name.in_(part))).all())
    for name in names:
        if name not in ids:  # deleted since: made again
            tag = Tag(name=name)
            s.add(tag)
            s.flush()
            ids[name] = tag.id
    customers = list(retag)
    for part in _chunks(customers):
        s.execute(delete(CustomerTag).where(CustomerTag.customer_id.in_(part))
                  .execution_options(synchronize_session=False))
    links = [{"customer_id": cid, "tag_id": ids[n]} for cid, tags in retag.items() for n in tags]
    if links:  # one executemany (ORM bulk insert: ids and times from the model's defaults)
        s.execute(insert(CustomerTag), links)


def undo(db, user, import_id: uuid.UUID) -> dict[str, int]:
    """Undo import ``import_id`` in one transaction; returns records deleted and restored.
    Raises ``UndoRefused`` (nothing changed) or ``NotFound``."""
    now = dt.datetime.now(dt.timezone.utc)
    with db.session() as s:
        run = s.get(ImportRun, import_id, with_for_update=not db.is_sqlite)
        if run is None:
            raise NotFound("imports", import_id)
        if run.status == ImportStatus.UNDONE:
            raise UndoRefused("already_undone")
        rows = s.execute(select(ImportRow.table_name, ImportRow.row_id, ImportRow.action,
                                ImportRow.version, ImportRow.before)
                         .where(ImportRow.import_id == import_id)).all()
        by_table: dict[str, list] = {}
        for r in rows:
            by_table.setdefault(r.table_name, []).append(r)
        changed: list[tuple[str, uuid.UUID]] = []
        for table_name, recs in by_table.items():
            if table_name not in TABLE:  # tags: deleted below only while nothing uses them
                continue
            t = TABLE[table_name]
            expected = {r.row_id: r.version for r in recs}
            now_have: dict[uuid.UUID, tuple[int, Any]] = {}
            for part in _chunks(list(expected)):
                now_have.update((i, (v, d)) for i, v, d in s.execute(
                    select(t.c.id, t.c.version, t.c.deleted_at).where(t.c.id.in_(part))))
            for rid, version in expected.items():
                got = now_have.get(rid)
                if got is None or got[0] != version or got[1] is not None:
                    changed.append((table_name, rid))
        if changed:
            raise UndoRefused("changed_since", len(changed), tuple(changed[:20]))
        deleted = restored = 0
        try:
            created = {name: [r.row_id for r in recs if r.action == "create"]
                       for name, recs in by_table.items()}
            customers = created.get("customers", [])
            for part in _chunks(customers):
                for model in FOLLOWERS:
                    s.execute(delete(model).where(model.customer_id.in_(part)))
                s.execute(delete(AuditEntry).where(AuditEntry.table_name == "customers",
                                                   AuditEntry.row_id.in_(part)))
            for part in _chunks(created.get("contacts", [])):
                s.execute(delete(AuditEntry).where(AuditEntry.table_name == "contacts",
                                                   AuditEntry.row_id.in_(part)))
            for name in DELETE_ORDER:
                t = TABLE[name]
                for part in _chunks(created.get(name, [])):
                    deleted += s.execute(delete(t).where(t.c.id.in_(part))).rowcount
            retag: dict[uuid.UUID, list[str]] = {}
            for name, recs in by_table.items():
                if name not in TABLE:
                    continue
                t = TABLE[name]
                for r in recs:
                    if r.action != "update" or not r.before:
                        continue
                    values = {k: _restore(t, k, v) for k, v in r.before.items() if k != "tags"}
                    if "tags" in r.before:
                        retag[r.row_id] = r.before["tags"]
                    s.execute(update(t).where(t.c.id == r.row_id).values(
                        **values, version=t.c.version + 1, updated_at=now))
                    if name in ("customers", "contacts"):
                        s.add_all(AuditEntry(at=now, user_id=user.id, table_name=name,
                                             row_id=r.row_id, action="update", field=k,
                                             old_value=None if v is None else
                                             ", ".join(v) if k == "tags" else str(v))
                                  for k, v in r.before.items()
                                  if k not in ("name_pinyin", "name_initials", "sort_name",
                                               "search_text"))
                    restored += 1
            _restore_tags(s, retag)
            tags = created.get("tags", [])
            for part in _chunks(tags):
                s.execute(delete(Tag).where(Tag.id.in_(part), ~exists().where(
                    CustomerTag.tag_id == Tag.id)).execution_options(synchronize_session=False))
            s.flush()
        except IntegrityError as exc:
            raise UndoRefused("referenced") from exc
        run.status = ImportStatus.UNDONE
        run.undone_at = now
        run.undone_by = user.id
    return {"deleted": deleted, "restored": restored}


__all__ = ["UndoRefused", "undo"]
