"""A laptop's replica of the office database (issue 9): a local SQLite file holding what its
user may see, worked on offline with the normal app, synced with the server later.

- ``sync_state`` (one row, revision 0020) makes a SQLite file a replica: its site id, the
  server (URL without password), the user, the pull cursor.
- Every synced table (the ``SyncedMixin`` models) has three triggers, made here from the
  models (``install_triggers``, run at every open so a migration never leaves a stale one):
  an insert, an update of anything but ``version`` / ``updated_at``, or a delete adds to
  ``sync_outbox`` the row before (``old_row``, the base of the three-way check on the server)
  and after (``new_row``) as JSON. A further edit of a row already waiting updates that
  entry's ``new_row`` (its base stays the first one); an entry being sent (``status`` =
  'sending') is never touched, so an edit made during a sync gets an entry of its own and is
  sent next. A row created and deleted between two syncs leaves nothing.
- While pulled changes are applied ``sync_control.applying`` is 1 (inside the applying
  transaction only) and the triggers stay silent: pulled changes never echo back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection

import desktop_crm.models as models
from desktop_crm.models.base import SyncedMixin

from .db import Database

# Changing these alone is no change (the server keeps its own).
BOOKKEEPING = frozenset({"version", "updated_at"})

# Fields that change together: one change unit, one conflict (SYNC.md). The others are
# units of their own.
UNITS: dict[str, tuple[tuple[str, ...], ...]] = {
    "customers": (("province", "city", "address"),),
}
# Fields computed from others: never compared, recomputed on the server after a merge.
DERIVED: dict[str, frozenset[str]] = {
    "customers": frozenset({"name_pinyin", "name_initials", "sort_name", "search_text"}),
    "contacts": frozenset({"name_pinyin"}),
}

_SQLITE = sqlite_dialect.dialect()


def synced_tables() -> list[Table]:
    """Every synced table, parents before children (the order to insert them in)."""
    names = {m.__tablename__ for m in _synced_models()}
    return [t for t in models.Base.metadata.sorted_tables if t.name in names]


def _synced_models() -> list[type]:
    out = []
    for mapper in models.Base.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, SyncedMixin):
            out.append(cls)
    return out


def table(name: str) -> Table:
    return models.Base.metadata.tables[name]


def unit_of(table_name: str, field: str) -> tuple[str, ...]:
    for unit in UNITS.get(table_name, ()):
        if field in unit:
            return unit
    return (field,)


def unit_name(unit: tuple[str, ...]) -> str:
    return unit[-1] if len(unit) > 1 else unit[0]


# -- the triggers ------------------------------------------------------------------------------

def _json_row(t: Table, ref: str) -> str:
    return "json_object(" + ", ".join(f"'{c.name}', {ref}.\"{c.name}\"" for c in t.columns) + ")"


NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
QUIET = "(SELECT applying FROM sync_control WHERE id = 1) = 0"


def trigger_sql(t: Table) -> list[str]:
    n = t.name
    new_id = "lower(hex(randomblob(16)))"
    changed = " OR ".join(f'OLD."{c.name}" IS NOT NEW."{c.name}"' for c in t.columns
                          if c.name not in BOOKKEEPING)
    mine = f"table_name = '{n}' AND row_id = {{ref}}.id AND status = 'pending'"
    return [
        f"""CREATE TRIGGER crm_sync_{n}_i AFTER INSERT ON "{n}" WHEN {QUIET} BEGIN
  INSERT INTO sync_outbox (mutation_id, table_name, row_id, op, old_row, new_row, made_at)
  VALUES ({new_id}, '{n}', NEW.id, 'I', NULL, {_json_row(t, 'NEW')}, {NOW});
END""",
        f"""CREATE TRIGGER crm_sync_{n}_u AFTER UPDATE ON "{n}" WHEN {QUIET} AND ({changed}) BEGIN
  UPDATE sync_outbox SET new_row = {_json_row(t, 'NEW')}, made_at = {NOW}
   WHERE {mine.format(ref='NEW')};
  INSERT INTO sync_outbox (mutation_id, table_name, row_id, op, old_row, new_row, made_at)
  SELECT {new_id}, '{n}', NEW.id, 'U', {_json_row(t, 'OLD')}, {_json_row(t, 'NEW')}, {NOW}
   WHERE NOT EXISTS (SELECT 1 FROM sync_outbox WHERE {mine.format(ref='NEW')});
END""",
        f"""CREATE TRIGGER crm_sync_{n}_d AFTER DELETE ON "{n}" WHEN {QUIET} BEGIN
  UPDATE sync_outbox SET op = 'X', new_row = NULL, made_at = {NOW}
   WHERE {mine.format(ref='OLD')} AND op = 'U';
  INSERT INTO sync_outbox (mutation_id, table_name, row_id, op, old_row, new_row, made_at)
  SELECT {new_id}, '{n}', OLD.id, 'X', {_json_row(t, 'OLD')}, NULL, {NOW}
   WHERE NOT EXISTS (SELECT 1 FROM sync_outbox WHERE {mine.format(ref='OLD')});
  DELETE FROM sync_outbox WHERE {mine.format(ref='OLD')} AND op = 'I';
END""",
    ]


def install_triggers(conn: Connection) -> None:
    """(Re)make the outbox triggers of every synced table from the current models."""
    for (name,) in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'crm_sync_%'"
    )).all():
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    for t in synced_tables():
        for sql in trigger_sql(t):
            conn.exec_driver_sql(sql)


# -- values ------------------------------------------------------------------------------------

def decode_row(t: Table, raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """A row as the triggers wrote it (SQLite storage values) as Python values."""
    if raw is None:
        return None
    out: dict[str, Any] = {}
    for name, value in raw.items():
        col = t.c.get(name)
        if col is None:  # a column a later version dropped
            continue
        proc = col.type._cached_result_processor(_SQLITE, None)
        out[name] = proc(value) if proc is not None else value
    return out


def jsonable(value: Any) -> Any:
    """A value as it is kept in a conflict (JSON): text for ids, times and money."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except Exception:  # noqa: BLE001 - not numbers: compare as they are
            return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True,
                                                                         default=str)
    return a == b


def changed_fields(t: Table, old: dict | None, new: dict | None) -> list[str]:
    if old is None or new is None:
        return []
    skip = BOOKKEEPING | DERIVED.get(t.name, frozenset())
    return [c for c in new if c not in skip and c != "id" and not same(old.get(c), new.get(c))]


# -- the replica's own state -------------------------------------------------------------------

@dataclass(frozen=True)
class ReplicaState:
    site_id: uuid.UUID
    server_url: str
    server_login: str
    user_id: uuid.UUID | None
    cursor: tuple[int, int]
    schema_rev: str
    created_at: dt.datetime
    last_sync_at: dt.datetime | None


def _aware(value) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def state(db: Database) -> ReplicaState | None:
    """This database's replica state, or None when it is no replica (or not SQLite)."""
    if not db.is_sqlite:
        return None
    with db.engine.connect() as conn:
        return read_state(conn)


def read_state(conn: Connection) -> ReplicaState | None:
    try:
        row = conn.execute(text(
            "SELECT site_id, server_url, server_login, user_id, pull_pos, pull_seq, schema_rev,"
            " created_at, last_sync_at FROM sync_state WHERE id = 1")).first()
    except Exception:  # noqa: BLE001 - an older schema: no sync tables yet
        return None
    if row is None:
        return None
    return ReplicaState(uuid.UUID(row[0]), row[1], row[2], uuid.UUID(row[3]) if row[3] else None,
                        (int(row[4]), int(row[5])), row[6], _aware(row[7]), _aware(row[8]))


def pending_count(db: Database) -> int:
    """Local changes not yet acknowledged by the server."""
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM sync_outbox")).scalar_one())


def prepare(db: Database) -> ReplicaState | None:
    """At every open of a local database: a replica gets its triggers made afresh from this
    version's models (a migration may have changed a table)."""
    st = state(db)
    if st is not None:
        with db.engine.begin() as conn:
            install_triggers(conn)
    return st


def models_table_names() -> set[str]:
    return {t.name for t in synced_tables()}


@dataclass(frozen=True)
class SyncRun:
    id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    pushed: int
    pulled: int
    conflicts: int
    outcome: str  # running, ok, failed, cancelled
    error: str  # a SyncError code, or the database's words


def history(db: Database, limit: int = 200) -> list[SyncRun]:
    """The replica's syncs, newest first."""
    with db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT id, started_at, finished_at, pushed, pulled, conflicts, outcome, error "
            "FROM sync_runs ORDER BY id DESC LIMIT :n"), {"n": limit}).all()
    return [SyncRun(r[0], _aware(r[1]), _aware(r[2]), r[3], r[4], r[5], r[6], r[7])
            for r in rows]


@contextlib.contextmanager
def local_only(session):
    """In ``session``'s transaction: on a replica, what is written is not sent to the
    server (the outbox triggers are silent until the block ends). For what both sides make
    alike on their own, such as holidays seeded from the same library. Elsewhere: nothing."""
    bind = session.get_bind()
    quiet = False
    if bind.dialect.name == "sqlite":
        quiet = bool(session.execute(text(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sync_state'")).scalar()) and \
            bool(session.execute(text("SELECT count(*) FROM sync_state")).scalar())
    if quiet:
        session.execute(text("UPDATE sync_control SET applying = 1 WHERE id = 1"))
    try:
        yield
    finally:
        if quiet:
            session.execute(text("UPDATE sync_control SET applying = 0 WHERE id = 1"))
