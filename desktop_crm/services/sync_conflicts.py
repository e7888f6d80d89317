"""The sync conflicts a person decides (issue 9): listed with the record, the field, the base,
mine and theirs, who and when; resolved by choosing a value. Works the same on a replica
(the choice goes out with the next sync) and at the office (written at once).

A choice writes the chosen value into the record in the same transaction that marks the
conflict resolved, through the normal change capture: on a replica the outbox triggers send
both with the next push, on the server its change log brings them to every laptop.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select, update

from desktop_crm.models import ConflictKind, SyncConflict, User

from . import replica
from .db import Database
from .errors import NotFound, ValidationError
from .users import UserInfo

# what a choice can be
MINE, THEIRS, BASE, DISMISS = "mine", "theirs", "base", "dismiss"


@dataclass(frozen=True)
class ConflictItem:
    id: uuid.UUID
    kind: str
    table: str
    row_id: uuid.UUID
    record: str  # the record's name, title or number as the user knows it
    field: str  # a field or change unit ("address"); "" for the whole record
    base: dict[str, Any] | None
    mine: dict[str, Any] | None
    theirs: dict[str, Any] | None
    user: str  # whose value lost (display name)
    mine_at: dt.datetime | None  # when they typed it (their laptop's clock)
    theirs_by: str
    theirs_at: dt.datetime | None
    other_row_id: uuid.UUID | None
    message: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str

    @property
    def choices(self) -> tuple[str, ...]:
        """What the person may choose: keep theirs (what the record has), take mine back,
        or for a notice only dismiss it."""
        if self.kind in (ConflictKind.FIELD, ConflictKind.DELETE):
            return (THEIRS, MINE)
        return (DISMISS,)


_LABEL = ("name", "title", "number", "code", "subject")


def _label(conn, table: str, row_id: uuid.UUID) -> str:
    if table not in replica.models_table_names():
        return ""
    t = replica.table(table)
    cols = [t.c[n] for n in _LABEL if n in t.c]
    if not cols:
        return ""
    row = conn.execute(select(*cols).where(t.c.id == row_id)).first()
    if row is None:
        return ""
    return next((str(v) for v in row if v), "")[:200]


def from_jsonable(t: Table, field: str, value: Any) -> Any:
    """A value as a conflict keeps it (JSON) back as the column's Python value."""
    if value is None or field not in t.c:
        return value
    try:
        py = t.c[field].type.python_type
    except NotImplementedError:
        return value
    if py is uuid.UUID and not isinstance(value, uuid.UUID):
        return uuid.UUID(str(value))
    if py is dt.datetime and isinstance(value, str):
        v = dt.datetime.fromisoformat(value)
        return v if v.tzinfo else v.replace(tzinfo=dt.timezone.utc)
    if py is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if py is Decimal and not isinstance(value, Decimal):
        return Decimal(str(value))
    return value


class SyncConflictService:
    def __init__(self, db: Database, user: UserInfo):
        self.db, self.user = db, user

    def list(self, *, include_resolved: bool = False, limit: int = 500) -> list[ConflictItem]:
        c = SyncConflict.__table__
        u = User.__table__
        q = select(c).where(c.c.deleted_at.is_(None))
        if not include_resolved:
            q = q.where(c.c.resolved_at.is_(None))
        q = q.order_by(c.c.created_at.desc(), c.c.id).limit(limit)
        with self.db.engine.connect() as conn:
            rows = conn.execute(q).mappings().all()
            ids = {r[k] for r in rows for k in ("user_id", "theirs_by") if r[k]}
            names = dict(conn.execute(select(u.c.id, u.c.display_name).where(
                u.c.id.in_(ids))).all()) if ids else {}
            return [ConflictItem(
                r["id"], r["kind"], r["table_name"], r["row_id"],
                _label(conn, r["table_name"], r["row_id"]), r["field"], r["base_value"],
                r["mine_value"], r["theirs_value"], names.get(r["user_id"], ""), r["mine_at"],
                names.get(r["theirs_by"], ""), r["theirs_at"], r["other_row_id"], r["message"],
                r["created_at"], r["resolved_at"], r["resolution"]) for r in rows]

    def open_count(self) -> int:
        from sqlalchemy import func

        c = SyncConflict.__table__
        with self.db.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(c).where(
                c.c.resolved_at.is_(None), c.c.deleted_at.is_(None))).scalar_one())

    def resolve(self, conflict_id: uuid.UUID, choice: str) -> None:
        """Decide a conflict: ``theirs`` keeps what the record has, ``mine`` writes the lost
        value back, ``dismiss`` closes a notice (a clash, a look-alike, a refusal)."""
        c = SyncConflict.__table__
        with self.db.engine.begin() as conn:
            row = conn.execute(select(c).where(c.c.id == conflict_id)).mappings().first()
            if row is None:
                raise NotFound("sync_conflict", conflict_id)
            if row["resolved_at"] is not None:
                return
            kind = row["kind"]
            allowed = ((THEIRS, MINE) if kind in (ConflictKind.FIELD, ConflictKind.DELETE)
                       else (DISMISS,))
            if choice not in allowed:
                raise ValidationError({"choice": "invalid"})
            if choice == MINE:
                self._write(conn, row, row["mine_value"] or {})
            elif choice == THEIRS and kind == ConflictKind.DELETE:
                theirs = row["theirs_value"] or {}
                if set(theirs) == {"deleted_at"} and theirs["deleted_at"] is not None:
                    # deleted at the office, kept for this laptop's edit: delete it after all
                    self._write(conn, row, {"deleted_at": "now"})
            now = dt.datetime.now(dt.timezone.utc)
            conn.execute(update(c).where(c.c.id == conflict_id).values(
                resolved_at=now, resolved_by=self.user.id, resolution=choice,
                updated_at=now, version=c.c.version + 1))

    def _write(self, conn, row, values: dict[str, Any]) -> None:
        from .sync import _derive

        t = replica.table(row["table_name"])
        current = conn.execute(select(t).where(t.c.id == row["row_id"])).mappings().first()
        if current is None:
            raise NotFound(row["table_name"], row["row_id"])
        write: dict[str, Any] = {}
        for f, v in values.items():
            if f not in t.c:
                continue
            if f == "deleted_at":
                write[f] = None if v is None else (current[f] or dt.datetime.now(dt.timezone.utc))
            else:
                write[f] = from_jsonable(t, f, v)
        if not write:
            return
        merged = dict(current, **write)
        write.update(_derive(t.name, merged))
        conn.execute(update(t).where(t.c.id == row["row_id"]).values(
            **write, version=t.c.version + 1, updated_at=dt.datetime.now(dt.timezone.utc)))
