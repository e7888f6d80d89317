"""Syncing a laptop's replica with the office server (issue 9, ../shared/SYNC.md).

One sync: handshake (schema revisions, the server not behind the cursor), push, pull, push
again if the user edited meanwhile. Every batch is its own transaction on each side with its
acknowledgement or cursor in the same transaction, so a cut connection or a killed process
loses nothing and the next sync goes on from there.

Push: the outbox's entries, oldest first, ``PUSH_BATCH`` per server transaction, under the
user's own login (row-level security decides what they may write). Entries are marked
'sending' first (edits made meanwhile get entries of their own); the server records each
mutation id in ``sync_applied_mutations`` in the same transaction, so a batch sent again after
a lost acknowledgement changes nothing. Per change unit (a field, or province+city+address):
the server's value still the base the laptop last saw -> the laptop's value is written; the
server already has the laptop's value -> nothing; else the server keeps its value and a
``sync_conflicts`` row holds base, mine and theirs. A soft delete of a record edited at the
office since, or an edit of a record deleted there, keeps the record and records a conflict.
A new customer whose code is taken gets the next free code (a conflict says so); a new
customer that looks like an existing one is flagged for the merge tool. What the server's
rules refuse is recorded as a rejected change with the laptop's values: nothing is dropped
unseen. Decisions use values, never clocks: a laptop a year ahead loses nothing.

Pull: the server's change log after the cursor and below the horizon (sync_log), a page at a
time; the rows themselves are read under the user's login, written with the triggers silent,
and the cursor moves in the same SQLite transaction. Fields with unsent local edits keep the
local value (the next push decides). A row the user may no longer see leaves the replica with
the rows that belong to it, unless changes of theirs to it are still unsent; a row that
became visible comes with its rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, insert, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from . import replica, sync_log
from .db import Database, is_connection_error, safe_url

log = logging.getLogger(__name__)

# a change to one of these of any user may change what a user may see
VISIBILITY = frozenset({"role", "team", "manager_id", "active", "deleted_at", "username"})

PUSH_BATCH = 200
PULL_PAGE = 2000
SNAPSHOT_CHUNK = 5000

Progress = Callable[[str, int, int], None]  # phase, done, total (0: not known)


class SyncError(Exception):
    """A sync that could not run or finish. ``code``: ``not_replica``, ``server_older`` /
    ``app_older`` (schema revisions ``server`` / ``app`` differ), ``server_behind`` (the server
    is older than this replica's last pull: restored from a backup), ``unreachable``,
    ``cancelled``, ``not_staff`` (the login is no user of the CRM), ``login_failed`` (the
    server refused the login: no or a wrong password)."""

    def __init__(self, code: str, **details: Any):
        self.code = code
        self.details = details
        super().__init__(f"{code}: {details}" if details else code)


@dataclass
class SyncResult:
    pushed: int = 0
    pulled: int = 0
    removed: int = 0
    conflicts: int = 0
    rejected: int = 0
    pages: int = 0
    redownloaded: bool = False  # everything the user may see was read again
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))


# -- server side of a push --------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    seq: int
    mutation_id: uuid.UUID
    table: str
    row_id: uuid.UUID
    op: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    made_at: dt.datetime


def _entries(conn: Connection, status: str | None, limit: int) -> list[Entry]:
    where = "WHERE status = :st" if status else ""
    rows = conn.execute(text(
        f"SELECT seq, mutation_id, table_name, row_id, op, old_row, new_row, made_at "
        f"FROM sync_outbox {where} ORDER BY seq LIMIT :n"), {"st": status, "n": limit}).all()
    out = []
    for seq, mid, tname, rid, op, old, new, made in rows:
        t = replica.table(tname)
        out.append(Entry(seq, uuid.UUID(mid), tname, uuid.UUID(rid), op,
                         replica.decode_row(t, json.loads(old)) if old else None,
                         replica.decode_row(t, json.loads(new)) if new else None,
                         replica._aware(made)))
    return out


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _units(tname: str, fields: Iterable[str]) -> list[tuple[str, ...]]:
    seen: list[tuple[str, ...]] = []
    for f in fields:
        u = replica.unit_of(tname, f)
        if u not in seen:
            seen.append(u)
    return seen


def _values(row: dict | None, unit: tuple[str, ...]) -> dict[str, Any] | None:
    if row is None:
        return None
    return {f: replica.jsonable(row.get(f)) for f in unit}


def _derive(tname: str, row: dict[str, Any]) -> dict[str, Any]:
    """The computed fields of a merged row (search keys follow the name and phones)."""
    from .text import pinyin_of, search_text, sort_name_of

    if tname == "customers":
        pinyin, initials = pinyin_of(row["name"])
        return {"name_pinyin": pinyin, "name_initials": initials,
                "sort_name": sort_name_of(row["name"]),
                "search_text": search_text(name=row["name"], code=row["code"],
                                           phones=(row["phone"], row["phone2"]),
                                           email=row["email"])}
    if tname == "contacts":
        return {"name_pinyin": pinyin_of(row["name"])[0]}
    return {}


class _Push:
    """One server transaction of a push: applies entries, records conflicts and the ledger."""

    def __init__(self, conn: Connection, site: uuid.UUID, user_id: uuid.UUID | None):
        self.conn, self.site, self.user_id = conn, site, user_id
        self.conflicts = 0
        self.new_customers: list[uuid.UUID] = []
        # the batch's rows, read (and locked) once per table; kept in step with its writes
        self.rows: dict[tuple[str, uuid.UUID], dict | None] = {}
        self.audit_rows: list[dict] = []

    def prefetch(self, entries: list["Entry"]) -> None:
        """Read and lock the rows a batch changes, one statement per table."""
        by_table: dict[str, list[uuid.UUID]] = defaultdict(list)
        for e in entries:
            by_table[e.table].append(e.row_id)
        for tname, ids in by_table.items():
            t = replica.table(tname)
            found = {r["id"]: dict(r) for r in self.conn.execute(
                select(t).where(t.c.id.in_(ids)).with_for_update()).mappings()}
            for i in ids:
                self.rows[(tname, i)] = found.get(i)

    def finish(self) -> None:
        """What the batch adds to the audit log, in one statement."""
        if self.audit_rows:
            from desktop_crm.models import AuditEntry

            self.conn.execute(insert(AuditEntry.__table__), self.audit_rows)
            self.audit_rows = []

    def _savepoint(self, fn):
        sp = self.conn.begin_nested()
        try:
            out = fn()
        except BaseException:
            sp.rollback()
            raise
        sp.commit()
        return out

    def conflict(self, e: Entry, kind: str, unit: tuple[str, ...] | None, *,
                 base=None, mine=None, theirs=None, theirs_row: dict | None = None,
                 other: uuid.UUID | None = None, message: str = "") -> None:
        from desktop_crm.models import SyncConflict

        c = SyncConflict.__table__
        fname = replica.unit_name(unit) if unit else ""
        theirs_by, theirs_at = self._last_writer(e, unit, theirs_row)
        values = dict(kind=kind, table_name=e.table, row_id=e.row_id, field=fname,
                      base_value=base, mine_value=mine, theirs_value=theirs,
                      user_id=self.user_id, site_id=self.site, mine_at=e.made_at,
                      theirs_by=theirs_by, theirs_at=theirs_at, other_row_id=other,
                      message=message, resolution="")
        # the same field of the same record still open from this laptop: one conflict, the
        # latest of its values (a chain of edits made offline is one decision)
        same = self.conn.execute(select(c.c.id, c.c.base_value).where(
            c.c.table_name == e.table, c.c.row_id == e.row_id, c.c.field == fname,
            c.c.kind == kind, c.c.site_id == self.site, c.c.resolved_at.is_(None),
            c.c.deleted_at.is_(None))).first()
        now = _now()
        if same is not None:
            values["base_value"] = same.base_value
            self.conn.execute(update(c).where(c.c.id == same.id).values(
                **values, updated_at=now, version=c.c.version + 1))
        else:
            self.conn.execute(insert(c).values(id=uuid.uuid4(), created_at=now, updated_at=now,
                                               version=1, **values))
        self.conflicts += 1

    def _last_writer(self, e: Entry, unit, row: dict | None):
        if row is None:
            return None, None
        try:
            found = self.conn.execute(text(
                "SELECT user_id, at FROM audit_log WHERE table_name = :t AND row_id = :r "
                "AND (field IS NULL OR field = ANY(:f)) ORDER BY at DESC LIMIT 1"),
                {"t": e.table, "r": e.row_id, "f": list(unit or ())}).first()
        except DBAPIError:
            found = None
        if found is not None:
            return found[0], found[1]
        return None, row.get("updated_at")

    def apply(self, e: Entry) -> str:
        t = replica.table(e.table)
        self.conn.execute(text("SELECT set_config('crm.sync_mutation', :m, true)"),
                          {"m": str(e.mutation_id)})
        sp = self.conn.begin_nested()
        key = (e.table, e.row_id)
        saved = self.rows.get(key, False)
        audits = len(self.audit_rows)
        try:
            if e.op == "I":
                out = self._insert(t, e)
            elif e.op == "U":
                out = self._update(t, e)
            else:
                out = self._remove(t, e)
            sp.commit()
            return out
        except DBAPIError as exc:
            sp.rollback()
            # what this entry wrote is gone: its row as before, its audit rows dropped
            if saved is False:
                self.rows.pop(key, None)
            else:
                self.rows[key] = saved
            del self.audit_rows[audits:]
            if is_connection_error(exc):
                raise
            log.info("push of %s %s refused: %s", e.table, e.row_id, exc.orig)
            self.conflict(e, "rejected", None, mine=self._jsonrow(e.new or e.old),
                          message=str(getattr(exc, "orig", exc)).splitlines()[0][:500])
            return "rejected"

    @staticmethod
    def _jsonrow(row: dict | None) -> dict | None:
        if row is None:
            return None
        return {k: replica.jsonable(v) for k, v in row.items()
                if k not in replica.BOOKKEEPING}

    def _current(self, t: Table, row_id) -> dict | None:
        key = (t.name, row_id)
        if key not in self.rows:
            row = self.conn.execute(select(t).where(t.c.id == row_id).with_for_update())\
                .mappings().first()
            self.rows[key] = dict(row) if row is not None else None
        row = self.rows[key]
        return dict(row) if row is not None else None

    def _wrote(self, t: Table, row_id, values: dict | None) -> None:
        key = (t.name, row_id)
        if values is None:
            self.rows[key] = None
        else:
            row = dict(self.rows.get(key) or {})
            row.update(values)
            self.rows[key] = row

    def _insert(self, t: Table, e: Entry) -> str:
        cur = self._current(t, e.row_id)
        if cur is not None:  # already there (sent before the ledger existed): an update
            return self._update(t, Entry(e.seq, e.mutation_id, e.table, e.row_id, "U",
                                         cur, e.new, e.made_at))
        row = dict(e.new)
        now = _now()
        row.update(version=1, updated_at=now, created_at=min(row.get("created_at") or now, now))
        row.update(_derive(e.table, row))
        try:
            self._savepoint(lambda: self.conn.execute(insert(t).values(**row)))
        except IntegrityError as exc:
            return self._clash(t, e, row, exc)
        self._wrote(t, e.row_id, row)
        if e.table == "customers":
            self.new_customers.append(e.row_id)
        self._audit(e.table, e.row_id, "create", None, None)
        return "applied"

    def _clash(self, t: Table, e: Entry, row: dict, exc: IntegrityError) -> str:
        msg = str(exc.orig)
        if e.table == "customers" and "code" in msg:
            from desktop_crm.models import Customer
            from sqlalchemy.orm import Session

            from .counters import next_code
            from .customers import CODE_PREFIX, CODE_WIDTH

            with Session(bind=self.conn) as s:
                code = next_code(s, "customer_code", Customer.code, CODE_PREFIX, CODE_WIDTH)
                s.flush()
            old_code = row["code"]
            row = dict(row, code=code)
            row.update(_derive(e.table, row))
            self._savepoint(lambda: self.conn.execute(insert(t).values(**row)))
            self._wrote(t, e.row_id, row)
            self.new_customers.append(e.row_id)
            self._audit(e.table, e.row_id, "create", None, None)
            self.conflict(e, "unique", ("code",), mine={"code": old_code},
                          theirs={"code": code}, theirs_row=row)
            return "renamed"
        if e.table == "tags" and "name" in msg:
            n = 2
            while True:
                name = f"{row['name']} ({n})"
                if not self.conn.execute(select(t.c.id).where(t.c.name == name)).first():
                    break
                n += 1
            old_name, row = row["name"], dict(row, name=name)
            self._savepoint(lambda: self.conn.execute(insert(t).values(**row)))
            self._wrote(t, e.row_id, row)
            self.conflict(e, "unique", ("name",), mine={"name": old_name},
                          theirs={"name": name}, theirs_row=row)
            return "renamed"
        if e.table == "customer_tags" and "unique" in msg.lower():
            return "dropped"  # the same tag on the same customer: already there
        if e.table == "holidays" and "day" in msg:
            return "dropped"  # the same day seeded on both sides from the same library
        raise exc

    def _update(self, t: Table, e: Entry) -> str:
        cur = self._current(t, e.row_id)
        fields = replica.changed_fields(t, e.old, e.new)
        if not fields:
            return "applied"
        if cur is None:
            visible = self.conn.execute(select(t.c.id).where(t.c.id == e.row_id)).first()
            if visible is not None:  # seen but not the user's to change
                self.conflict(e, "rejected", None, mine=self._jsonrow(e.new),
                              message="not allowed")
                return "rejected"
            self.conflict(e, "delete", None, base=self._jsonrow(e.old),
                          mine=self._jsonrow(e.new), theirs=None, message="gone")
            return "conflict"
        write: dict[str, Any] = {}
        outcome = "applied"
        deleting = ("deleted_at" in fields and e.old.get("deleted_at") is None
                    and e.new.get("deleted_at") is not None)
        if deleting:
            edited = [f for f in replica.changed_fields(t, e.old, cur) if f != "deleted_at"]
            if edited and cur.get("deleted_at") is None:
                # deleted on the laptop, edited at the office since: keep it, ask
                self.conflict(e, "delete", ("deleted_at",), base={"deleted_at": None},
                              mine={"deleted_at": replica.jsonable(e.new["deleted_at"])},
                              theirs=_values(cur, tuple(edited)), theirs_row=cur)
                fields = [f for f in fields if f != "deleted_at"]
                outcome = "conflict"
        elif cur.get("deleted_at") is not None and e.old.get("deleted_at") is None:
            # edited on the laptop, deleted at the office since: keep the record, ask
            write["deleted_at"] = None
            self.conflict(e, "delete", ("deleted_at",), base={"deleted_at": None},
                          mine={"deleted_at": None},
                          theirs={"deleted_at": replica.jsonable(cur["deleted_at"])},
                          theirs_row=cur)
            outcome = "conflict"
        for unit in _units(e.table, fields):
            base = {f: e.old.get(f) for f in unit}
            mine = {f: e.new.get(f) for f in unit}
            theirs = {f: cur.get(f) for f in unit}
            if all(replica.same(mine[f], theirs[f]) for f in unit):
                continue
            if all(replica.same(base[f], theirs[f]) for f in unit):
                write.update(mine)
                continue
            self.conflict(e, "field", unit, base=_values(e.old, unit), mine=_values(e.new, unit),
                          theirs=_values(cur, unit), theirs_row=cur)
            outcome = "conflict"
        if write:
            merged = dict(cur, **write)
            write.update({k: v for k, v in _derive(e.table, merged).items()
                          if not replica.same(v, cur.get(k))})
            now = _now()
            self.conn.execute(update(t).where(t.c.id == e.row_id).values(
                **write, version=t.c.version + 1, updated_at=now))
            self._wrote(t, e.row_id, dict(write, version=cur["version"] + 1, updated_at=now))
            self._audit(e.table, e.row_id, "update", cur, write)
        return outcome

    def _remove(self, t: Table, e: Entry) -> str:
        cur = self._current(t, e.row_id)
        if cur is None:
            return "applied"  # already gone
        edited = replica.changed_fields(t, e.old, cur)
        if edited:
            self.conflict(e, "delete", ("deleted_at",), base={"deleted_at": None},
                          mine={"deleted_at": "removed"}, theirs=_values(cur, tuple(edited)),
                          theirs_row=cur)
            return "conflict"
        self._savepoint(lambda: self.conn.execute(delete(t).where(t.c.id == e.row_id)))
        self._wrote(t, e.row_id, None)
        self._audit(e.table, e.row_id, "delete", None, None)
        return "applied"

    def _audit(self, tname: str, row_id, action: str, old, new) -> None:
        """The office's audit log, as the services write it (audit.record): one row for a
        creation or removal, one per changed field for an update; written by ``finish``."""
        if tname not in ("customers", "contacts", "opportunities", "tickets"):
            return
        from .audit import _text

        base = dict(at=_now(), user_id=self.user_id, table_name=tname, row_id=row_id,
                    action=action, field="", old_value=None, new_value=None)
        if action != "update":
            self.audit_rows.append(base)
            return
        old = old or {}
        for f, value in (new or {}).items():
            before, after = _text(old.get(f)), _text(value)
            if before != after:
                self.audit_rows.append(dict(base, field=f, old_value=before, new_value=after))


# -- the sync itself --------------------------------------------------------------------------

class SyncService:
    """Syncs the replica ``db`` with its server (``server``: an open Database on it; by default
    the replica's recorded server URL with the keyring's password)."""

    def __init__(self, db: Database, server: Database | None = None,
                 password: str | None = None):
        self.db = db
        st = replica.state(db)
        if st is None:
            raise SyncError("not_replica", database=db.describe())
        self.state = st
        self._own_server = server is None
        self.server = server or Database(st.server_url, password=password)

    def close(self) -> None:
        if self._own_server:
            self.server.dispose()

    # -- handshake --------------------------------------------------------------------

    def handshake(self, conn: Connection) -> uuid.UUID | None:
        """Refuse a server on another schema revision, or one behind this replica's cursor;
        returns the user id of the login."""
        server_rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        app_rev = self.db.head_revision()
        if server_rev != app_rev:
            code = "server_older" if (server_rev or "") < app_rev else "app_older"
            raise SyncError(code, server=server_rev, app=app_rev)
        xmax = int(conn.execute(text(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text")).scalar_one())
        if self.state.cursor[0] > xmax:
            raise SyncError("server_behind", cursor=self.state.cursor[0], server=xmax)
        # changes after the cursor removed from the log (older than its keeping time): the
        # replica must read everything again after pushing its own
        self.stale = self.state.cursor[0] <= sync_log.pruned_below(conn)
        login = conn.execute(text("SELECT current_user")).scalar_one()
        uid = conn.execute(text("SELECT id FROM users WHERE username = :u AND active "
                                "AND deleted_at IS NULL"), {"u": login}).scalar()
        return uid or self.state.user_id

    # -- run ----------------------------------------------------------------------------

    def run(self, progress: Progress | None = None,
            cancelled: Callable[[], bool] | None = None, *,
            redownload: bool = False) -> SyncResult:
        """Push, pull, push again; the run goes into the sync history either way.
        ``redownload``: after the push, read everything the user may see again instead of
        the changes (done anyway when the server's log no longer reaches back to this
        replica's last pull, or when what the user may see changed: a new role or team)."""
        result = SyncResult()
        self.force_redownload = redownload
        with self.db.engine.begin() as lc:
            run_id = lc.execute(text(
                "INSERT INTO sync_runs (started_at) VALUES (:t) RETURNING id"),
                {"t": _now().replace(tzinfo=None)}).scalar_one()
        error, outcome = "", "ok"
        try:
            self._run(result, progress or (lambda *_: None), cancelled or (lambda: False))
        except SyncError as exc:
            error, outcome = exc.code, ("cancelled" if exc.code == "cancelled" else "failed")
            raise
        except DBAPIError as exc:
            if is_connection_error(exc):
                error, outcome = "unreachable", "failed"
                raise SyncError("unreachable", server=safe_url(self.state.server_url)) from exc
            if _login_refused(exc):
                error, outcome = "login_failed", "failed"
                raise SyncError("login_failed", login=self.state.server_login) from exc
            error, outcome = str(exc.orig or exc).splitlines()[0][:500], "failed"
            raise
        except Exception as exc:
            error, outcome = f"{type(exc).__name__}: {exc}"[:500], "failed"
            raise
        finally:
            with self.db.engine.begin() as lc:
                lc.execute(text(
                    "UPDATE sync_runs SET finished_at = :t, pushed = :p, pulled = :d, "
                    "conflicts = :c, outcome = :o, error = :e WHERE id = :id"),
                    {"t": _now().replace(tzinfo=None), "p": result.pushed, "d": result.pulled,
                     "c": result.conflicts, "o": outcome, "e": error, "id": run_id})
        return result

    def _run(self, result: SyncResult, progress: Progress, cancelled) -> None:
        progress("connect", 0, 0)
        self.state = replica.state(self.db) or self.state  # the cursor as the last run left it
        with self.server.engine.connect() as conn:
            self.user_id = self.handshake(conn)
            conn.rollback()
        self.push(result, progress, cancelled)
        if self.stale or self.force_redownload:
            self.redownload(result, progress, cancelled)
        elif self.pull(result, progress, cancelled):
            self.redownload(result, progress, cancelled)
        if replica.pending_count(self.db):
            self.push(result, progress, cancelled)
        with self.server.engine.begin() as conn:
            conn.execute(text("UPDATE sync_sites SET last_sync_at = now(), schema_rev = :r "
                              "WHERE id = :s"), {"r": self.db.head_revision(),
                                                 "s": self.state.site_id})
        with self.db.engine.begin() as lc:
            lc.execute(text("UPDATE sync_state SET last_sync_at = :t WHERE id = 1"),
                       {"t": _now().replace(tzinfo=None)})
        progress("done", result.pushed + result.pulled, result.pushed + result.pulled)

    # -- push ---------------------------------------------------------------------------

    def push(self, result: SyncResult, progress: Progress, cancelled) -> None:
        total = replica.pending_count(self.db)
        done = 0
        while True:
            if cancelled():
                raise SyncError("cancelled")
            with self.db.engine.begin() as lc:
                # what was being sent when a sync stopped goes again first, unchanged
                batch = _entries(lc, "sending", PUSH_BATCH)
                if not batch:
                    lc.execute(text(
                        "UPDATE sync_outbox SET status = 'sending' WHERE seq IN "
                        "(SELECT seq FROM sync_outbox WHERE status = 'pending' "
                        " ORDER BY seq LIMIT :n)"), {"n": PUSH_BATCH})
                    batch = _entries(lc, "sending", PUSH_BATCH)
            if not batch:
                return
            progress("push", done, total)
            outcomes, new_customers = self._send(batch, result)
            self._acknowledge(batch, outcomes)
            done += len(batch)
            result.pushed += len(batch)
            for o in outcomes.values():
                result.outcomes[o] += 1
            if new_customers:
                self._flag_lookalikes(new_customers, result)
            progress("push", done, max(total, done))

    def _send(self, batch: list[Entry], result: SyncResult) -> tuple[dict[int, str], list]:
        with self.server.engine.begin() as conn:
            conn.execute(text("SELECT set_config('crm.sync_site', :s, true)"),
                         {"s": str(self.state.site_id)})
            done = dict(conn.execute(text(
                "SELECT mutation_id, outcome FROM sync_applied_mutations "
                "WHERE mutation_id = ANY(:ids)"), {"ids": [e.mutation_id for e in batch]}).all())
            push = _Push(conn, self.state.site_id, self.user_id)
            outcomes: dict[int, str] = {}
            push.prefetch([e for e in batch if e.mutation_id not in done])
            ledger = []
            for e in batch:
                if e.mutation_id in done:  # sent before, acknowledgement lost: nothing again
                    outcomes[e.seq] = done[e.mutation_id]
                    continue
                outcomes[e.seq] = push.apply(e)
                ledger.append({"m": e.mutation_id, "s": self.state.site_id,
                               "o": outcomes[e.seq]})
            push.finish()
            if ledger:
                conn.execute(text(
                    "INSERT INTO sync_applied_mutations (mutation_id, site_id, outcome) "
                    "VALUES (:m, :s, :o)"), ledger)
            result.conflicts += push.conflicts
            result.rejected += sum(1 for o in outcomes.values() if o == "rejected")
            return outcomes, push.new_customers

    def _acknowledge(self, batch: list[Entry], outcomes: dict[int, str]) -> None:
        """Forget the acknowledged entries; a record the server did not take as sent is read
        back from the server at the next pull (its conflict tells what was kept)."""
        with self.db.engine.begin() as lc:
            lc.execute(text("UPDATE sync_control SET applying = 1 WHERE id = 1"))
            for e in batch:
                lc.execute(text("DELETE FROM sync_outbox WHERE seq = :s AND status = 'sending'"),
                           {"s": e.seq})
                outcome = outcomes[e.seq]
                if outcome != "applied":
                    lc.execute(text("INSERT OR IGNORE INTO sync_refresh (table_name, row_id) "
                                    "VALUES (:t, :r)"), {"t": e.table, "r": e.row_id.hex})
                if outcome == "dropped" or (outcome == "rejected" and e.op == "I"):
                    t = replica.table(e.table)
                    lc.execute(delete(t).where(t.c.id == e.row_id))
            lc.execute(text("UPDATE sync_control SET applying = 0 WHERE id = 1"))

    def _flag_lookalikes(self, ids: list[uuid.UUID], result: SyncResult) -> None:
        """A new customer from a laptop that looks like another: a conflict for the merge
        tool, never a merge made here."""
        from desktop_crm.models import Customer

        from .duplicates import DuplicateService

        dup = DuplicateService(self.server)
        c = Customer.__table__
        with self.server.engine.connect() as conn:
            rows = conn.execute(select(c).where(c.c.id.in_(ids))).mappings().all()
        for row in rows:
            matches = dup.check_new(dict(row), exclude=row["id"])
            if not matches:
                continue
            best = matches[0]
            with self.server.engine.begin() as conn:
                conn.execute(text("SELECT set_config('crm.sync_site', :s, true)"),
                             {"s": str(self.state.site_id)})
                e = Entry(0, uuid.uuid4(), "customers", row["id"], "I", None, dict(row), _now())
                push = _Push(conn, self.state.site_id, self.user_id)
                push.conflict(e, "duplicate", None, mine={"name": row["name"]},
                              theirs={"name": best.name, "code": best.code},
                              other=best.id, message=",".join(best.reasons))
                result.conflicts += 1

    # -- pull ---------------------------------------------------------------------------

    def pull(self, result: SyncResult, progress: Progress, cancelled) -> bool:
        """Pull the changes; True when what the user may see changed (a user's role, team,
        manager or account): then the caller reads everything again."""
        cursor = replica.state(self.db).cursor
        widened = False
        with self.db.engine.connect() as lc:
            refresh = lc.execute(text("SELECT table_name, row_id FROM sync_refresh")).all()
        first = True
        synced = models_tables()
        while True:
            if cancelled():
                raise SyncError("cancelled")
            with self.server.engine.connect() as conn:
                changes = sync_log.changes_after(conn, cursor, limit=PULL_PAGE)
                if len(changes) == PULL_PAGE:  # end the page on a transaction's end
                    whole = [c for c in changes if c.pos != changes[-1].pos]
                    changes = whole or changes
                # a row only this replica's own pushes changed is as the replica has it
                # (what the server did not take as sent is in the refresh list): not read
                # back. Bookkeeping (version, updated_at) may differ; it is never synced.
                # The conflicts a push recorded are the server's rows: read.
                others = {(c.table, c.row_id) for c in changes
                          if c.site_id != self.state.site_id or c.table == "sync_conflicts"}
                wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
                for c in changes:
                    if c.table in synced and (c.table, c.row_id) in others:
                        wanted[c.table].add(c.row_id)
                if first:
                    for tname, rid in refresh:
                        wanted[tname].add(uuid.UUID(rid))
                widened = widened or any(
                    c.table == "users" and (c.op != "U" or set(c.fields or ()) & VISIBILITY)
                    for c in changes)
                if not changes and not (first and refresh):
                    conn.rollback()
                    return widened
                rows = {tname: _fetch(conn, replica.table(tname), ids)
                        for tname, ids in wanted.items()}
                conn.rollback()
            new_cursor = changes[-1].position if changes else cursor
            n = self._apply_page(wanted, rows, new_cursor, clear_refresh=first, result=result)
            result.pulled += n
            result.pages += 1
            progress("pull", result.pulled, 0)
            cursor, first = new_cursor, False
            if not changes:
                return widened

    def redownload(self, result: SyncResult, progress: Progress, cancelled) -> None:
        """Read everything the user may see again, in one server snapshot and one local
        transaction: what they may no longer see goes, unsent local changes stay (rows with
        outbox entries keep their local values where they changed them)."""
        if cancelled():
            raise SyncError("cancelled")
        tables = replica.synced_tables()
        with self.server.engine.connect() as conn:
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            cursor = sync_log.snapshot_xmin(conn)
            with _applying(self.db) as lc:
                lc.execute(text("DELETE FROM sync_refresh"))
                apply = _Apply(lc, self.server, result)
                for t in reversed(tables):
                    lc.execute(text(
                        f'DELETE FROM "{t.name}" WHERE id NOT IN (SELECT row_id FROM '
                        f"sync_outbox WHERE table_name = :t)"), {"t": t.name})
                for t in tables:
                    progress("pull", result.pulled, 0)
                    rows = conn.execution_options(yield_per=SNAPSHOT_CHUNK).execute(select(t))
                    for part in rows.mappings().partitions(SNAPSHOT_CHUNK):
                        apply.upsert(t, [dict(r) for r in part])
                result.pulled += apply.written
                lc.execute(text("UPDATE sync_state SET pull_pos = :p, pull_seq = 0 "
                                "WHERE id = 1"), {"p": cursor})
            conn.rollback()
        self.state = replica.state(self.db)
        result.redownloaded = True

    def _apply_page(self, wanted, rows, cursor, *, clear_refresh: bool,
                    result: SyncResult) -> int:
        with _applying(self.db) as lc:
            if clear_refresh:  # read into this page (a row it cannot place is listed again)
                lc.execute(text("DELETE FROM sync_refresh"))
            applied = _Apply(lc, self.server, result)
            applied.page(wanted, rows)
            lc.execute(text("UPDATE sync_state SET pull_pos = :p, pull_seq = :s "
                            "WHERE id = 1"), {"p": cursor[0], "s": cursor[1]})
        return applied.written


@contextlib.contextmanager
def _applying(db: Database):
    """A replica connection in a transaction that applies the server's rows: the outbox
    triggers silent, foreign keys unchecked (the server checked them; a row may point at one
    this user does not see); committed when the block ends, else rolled back."""
    with db.engine.connect() as lc:
        lc.exec_driver_sql("PRAGMA foreign_keys=OFF")  # before the transaction begins
        try:
            lc.execute(text("UPDATE sync_control SET applying = 1 WHERE id = 1"))
            yield lc
            lc.execute(text("UPDATE sync_control SET applying = 0 WHERE id = 1"))
            lc.commit()
        except BaseException:
            lc.rollback()
            raise
        finally:
            lc.exec_driver_sql("PRAGMA foreign_keys=ON")


def _login_refused(exc: DBAPIError) -> bool:
    words = str(exc.orig or exc).lower()
    return any(w in words for w in ("password authentication failed", "no password supplied",
                                    "authentication failed for user"))


def models_tables() -> set[str]:
    return replica.models_table_names()


def _fetch(conn: Connection, t: Table, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict]:
    ids = list(ids)
    out: dict[uuid.UUID, dict] = {}
    for i in range(0, len(ids), 1000):
        for row in conn.execute(select(t).where(t.c.id.in_(ids[i:i + 1000]))).mappings():
            out[row["id"]] = dict(row)
    return out


def _children() -> dict[str, list[tuple[Table, str]]]:
    """For each synced table, the synced tables whose rows belong to one of its rows (through
    a NOT NULL foreign key, or the customer a record is about): (child table, column)."""
    names = models_tables()
    out: dict[str, list[tuple[Table, str]]] = defaultdict(list)
    for t in replica.synced_tables():
        for fk in t.foreign_keys:
            parent = fk.column.table.name
            if parent in names and parent != "users" and parent != t.name:
                out[parent].append((t, fk.parent.name))
    return out


class _Apply:
    """One page of pulled rows into the replica (in the caller's transaction)."""

    def __init__(self, lc: Connection, server: Database, result: SyncResult):
        self.lc, self.server, self.result = lc, server, result
        self.written = 0
        self.pending = self._pending()

    def _pending(self) -> dict[tuple[str, str], tuple[str, set[str]]]:
        """Unsent local changes per row: (op, the fields they change)."""
        out: dict[tuple[str, str], tuple[str, set[str]]] = {}
        for tname, rid, op, old, new in self.lc.execute(text(
                "SELECT table_name, row_id, op, old_row, new_row FROM sync_outbox ORDER BY seq")):
            t = replica.table(tname)
            fields = set(replica.changed_fields(
                t, replica.decode_row(t, json.loads(old)) if old else None,
                replica.decode_row(t, json.loads(new)) if new else None))
            key = (tname, rid)
            prev = out.get(key)
            out[key] = (prev[0] if prev and prev[0] == "I" else op,
                        fields | (prev[1] if prev else set()))
        return out

    def page(self, wanted: dict[str, set[uuid.UUID]], rows: dict[str, dict]) -> None:
        new_rows: dict[str, set[uuid.UUID]] = defaultdict(set)
        for t in replica.synced_tables():
            ids = wanted.get(t.name)
            if not ids:
                continue
            got = rows.get(t.name, {})
            new_rows[t.name] |= self.upsert(t, got.values())
            gone = [i for i in ids if i not in got]
            if gone:
                self.remove(t, gone)
        self.bring_children(new_rows)

    def upsert(self, t: Table, rows: Iterable[dict]) -> set[uuid.UUID]:
        rows = list(rows)
        if not rows:
            return set()
        existing = set()
        ids = [r["id"] for r in rows]
        for i in range(0, len(ids), 900):
            existing |= set(self.lc.execute(select(t.c.id).where(t.c.id.in_(ids[i:i + 900])))
                            .scalars())
        out_rows = []
        for r in rows:
            p = self.pending.get((t.name, r["id"].hex))
            if p is not None:
                op, fields = p
                if op in ("I", "X"):
                    continue  # the local new or removed row waits for its push
                local = self.lc.execute(select(t).where(t.c.id == r["id"])).mappings().first()
                if local is not None:
                    keep = set(fields)
                    for f in list(keep):
                        keep |= set(replica.unit_of(t.name, f))
                    keep |= replica.DERIVED.get(t.name, frozenset()) if keep else set()
                    r = dict(r, **{f: local[f] for f in keep if f in local})
            out_rows.append(r)
        if out_rows:
            stmt = sqlite_insert(t)
            cols = [c.name for c in t.columns if c.name != "id"]
            stmt = stmt.on_conflict_do_update(index_elements=["id"],
                                              set_={c: stmt.excluded[c] for c in cols})
            for i in range(0, len(out_rows), 500):
                part = out_rows[i:i + 500]
                sp = self.lc.begin_nested()
                try:
                    self.lc.execute(stmt, part)
                    sp.commit()
                except IntegrityError:
                    sp.rollback()
                    for r in part:  # one by one, moving a local clash out of the way
                        if self._make_room(t, r):
                            self.lc.execute(stmt, [r])
                        else:
                            self.lc.execute(text(
                                "INSERT OR IGNORE INTO sync_refresh (table_name, row_id) "
                                "VALUES (:t, :r)"), {"t": t.name, "r": r["id"].hex})
                            self.written -= 1
        self.written += len(out_rows)
        return {r["id"] for r in out_rows} - existing

    def _make_room(self, t: Table, row: dict) -> bool:
        """A pulled row whose unique key a different local row holds. A record made here
        offline and not yet sent keeps its key (its push meets the clash on the server,
        which gives it a new code and says so): the pulled row waits for the next pull
        (False). A local row the server has since changed steps aside with a temporary
        suffix until its own change arrives; a pair made on both sides (a tag on a
        customer) is the same fact, and the local one goes."""
        from sqlalchemy import UniqueConstraint, and_

        keys = [tuple(c.columns) for c in t.constraints if isinstance(c, UniqueConstraint)]
        keys += [tuple(ix.columns) for ix in t.indexes if ix.unique]
        keys += [(c,) for c in t.columns if c.unique]
        for cols in keys:
            cond = and_(*[c == row[c.name] for c in cols], t.c.id != row["id"])
            for (other,) in self.lc.execute(select(t.c.id).where(cond)).all():
                if len(cols) == 1 and isinstance(row[cols[0].name], str):
                    if (t.name, other.hex) in self.pending:
                        return False
                    col = cols[0]
                    aside = f"{row[col.name]}~{other.hex[:6]}"[: col.type.length or None]
                    self.lc.execute(update(t).where(t.c.id == other).values({col.name: aside}))
                else:
                    self.lc.execute(delete(t).where(t.c.id == other))
                    self.lc.execute(text("DELETE FROM sync_outbox WHERE table_name = :t "
                                         "AND row_id = :r AND status = 'pending'"),
                                    {"t": t.name, "r": other.hex})
        return True

    def remove(self, t: Table, ids: list[uuid.UUID]) -> None:
        """Rows gone from the server or no longer the user's to see: out of the replica with
        what belongs to them, unless unsent changes of theirs are still to be pushed."""
        ids = [i for i in ids if (t.name, i.hex) not in self.pending]
        if not ids:
            return
        for child, col in _children().get(t.name, ()):
            kids = []
            for i in range(0, len(ids), 900):
                kids += list(self.lc.execute(select(child.c.id).where(
                    child.c[col].in_(ids[i:i + 900]))).scalars())
            if kids:
                self.remove(child, kids)
        for i in range(0, len(ids), 900):
            n = self.lc.execute(delete(t).where(t.c.id.in_(ids[i:i + 900]))).rowcount
            self.result.removed += max(n, 0)

    def bring_children(self, new_rows: dict[str, set[uuid.UUID]]) -> None:
        """A record new to the replica (a customer handed to this user) comes with its rows."""
        children = _children()
        while any(new_rows.values()):
            nxt: dict[str, set[uuid.UUID]] = defaultdict(set)
            with self.server.engine.connect() as conn:
                for parent, ids in new_rows.items():
                    if not ids:
                        continue
                    for child, col in children.get(parent, ()):
                        got: list[dict] = []
                        idl = list(ids)
                        for i in range(0, len(idl), 1000):
                            got += [dict(r) for r in conn.execute(select(child).where(
                                child.c[col].in_(idl[i:i + 1000]))).mappings()]
                        nxt[child.name] |= self.upsert(child, got)
                conn.rollback()
            new_rows = nxt


# -- making a replica -------------------------------------------------------------------------

def create_replica(server: Database, path: str, *, encrypted: bool = True,
                   name: str = "", progress: Progress | None = None) -> Database:
    """A new replica at ``path`` of what the server's login may see. Returns it open.
    The file is written under a temporary name and renamed at the end: a stopped copy
    leaves no half replica behind."""
    import os
    import socket
    from pathlib import Path

    progress = progress or (lambda *_: None)
    target = Path(path).resolve()
    if target.exists():
        raise SyncError("exists", path=str(target))
    tmp = target.with_name(target.name + ".part")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    key = _new_key(target) if encrypted else None
    local = Database(_local_url(tmp, encrypted), password=key)
    try:
        local.upgrade()
        app_rev = local.head_revision()
        with server.engine.connect() as probe:
            server_rev = probe.execute(text("SELECT version_num FROM alembic_version")).scalar()
            probe.rollback()
        if server_rev != app_rev:
            code = "server_older" if (server_rev or "") < app_rev else "app_older"
            raise SyncError(code, server=server_rev, app=app_rev)
        site = uuid.uuid4()
        _seed(server)
        with server.engine.connect() as conn:
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            horizon = sync_log.snapshot_xmin(conn)
            login = conn.execute(text("SELECT current_user")).scalar_one()
            uid = conn.execute(text("SELECT id FROM users WHERE username = :u AND active "
                                    "AND deleted_at IS NULL"), {"u": login}).scalar()
            if uid is None:
                uid = conn.execute(text(
                    "SELECT id FROM users WHERE role = 'admin' AND active AND deleted_at IS NULL "
                    "ORDER BY created_at LIMIT 1")).scalar()
            if uid is None:
                raise SyncError("not_staff", login=login)
            _snapshot(conn, local, progress)
            conn.rollback()
        with server.engine.begin() as conn:
            conn.execute(text("INSERT INTO sync_sites (id, user_id, name, schema_rev) "
                              "VALUES (:i, :u, :n, :r)"),
                         {"i": site, "u": uid, "n": name or socket.gethostname(), "r": app_rev})
        with local.engine.begin() as lc:
            lc.execute(text(
                "INSERT INTO sync_state (id, site_id, server_url, server_login, user_id, "
                "pull_pos, pull_seq, schema_rev, created_at, last_sync_at, snapshot_done) "
                "VALUES (1, :s, :u, :l, :uid, :p, 0, :r, :t, :t, 1)"),
                {"s": site.hex, "u": _no_password(server.url), "l": login, "uid": uid.hex,
                 "p": horizon, "r": app_rev, "t": _now().replace(tzinfo=None)})
            replica.install_triggers(lc)
        local.dispose()
        with _raw(tmp, key) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            raw.execute("PRAGMA journal_mode=DELETE")
        os.replace(tmp, target)
    except BaseException:
        local.dispose()
        for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
            p.unlink(missing_ok=True)
        if encrypted:
            from .cipher import forget_key

            forget_key(target)
        raise
    out = Database(_local_url(target, encrypted))
    replica.prepare(out)
    return out


def _seed(server: Database) -> None:
    """What the app makes on first use (the pipeline's stages, the coming years' holidays) is
    made on the server before it is copied, so a laptop never makes its own second set."""
    from sqlalchemy.orm import Session

    from .holidays import HolidayService
    from .pipeline import ensure_default_stages
    from .staff import server_user
    from .users import UserService

    with server.engine.begin() as conn, Session(bind=conn) as s:
        ensure_default_stages(s)
        s.flush()
    user = server_user(server)
    if user is None:
        admins = [u for u in UserService(server).list() if u.role == "admin"]
        if not admins:
            return
        user = admins[0]
    year = dt.date.today().year
    HolidayService(server, user).ensure_years([year - 1, year, year + 1, year + 2])


def _no_password(url: str) -> str:
    """The server's URL as the replica keeps it: the password stays in the keyring."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=None).render_as_string(hide_password=False)


def _new_key(path) -> str:
    from .cipher import new_key

    return new_key(path)


def _local_url(path, encrypted: bool) -> str:
    if encrypted:
        from .cipher import encrypted_url

        return encrypted_url(path)
    return f"sqlite:///{path}"


class _raw:
    """A plain DB-API connection to the replica file (with its key when it is encrypted)."""

    def __init__(self, path, key: str | None):
        self.path, self.key = path, key

    def __enter__(self):
        if self.key:
            import sqlcipher3

            from .cipher import key_statement

            self.conn = sqlcipher3.connect(str(self.path))
            self.conn.execute(key_statement(self.key))
        else:
            import sqlite3

            self.conn = sqlite3.connect(str(self.path))
        return self.conn

    def __exit__(self, *exc):
        self.conn.close()


# Not synced but needed to work: the company's shared settings and the code counters.
REFERENCE = ("shared_settings", "counters")


# The replica's per-row insert triggers that would index or aggregate every snapshot row one
# at a time (the search indexes of revisions 0001/0002: ~175 µs a customer; the order stats of
# revision 0003: each order recomputes its customer's row): dropped for the load, and what
# they would have written made by one statement each (as the demo loader does, demo/writer.py).
# The drop, the load and the re-creation are one SQLite transaction.
_LOAD_TRIGGERS = {
    "customers_fts_ai": "INSERT INTO customer_fts(rowid, search_text) "
                        "SELECT rowid, search_text FROM customers",
    "customers_short_ai": "INSERT INTO customer_short_fts(rowid, tokens) "
                          "SELECT rowid, crm_short_tokens(name, name_initials) FROM customers",
    "orders_stats_ai": None,  # order_stats.refresh of every customer
}


def _copy_statements(t: Table, dialect) -> tuple[str, str, list]:
    """The INSERT for the replica and the SELECT for the server that copy ``t``. The server
    gives ids, times, dates and money already in the form SQLAlchemy stores them in SQLite
    (hex ids, "YYYY-MM-DD HH:MM:SS.ffffff" UTC, floats): no Python conversion per value for
    the million rows of a large territory. Other types go through SQLAlchemy's SQLite bind
    processors (``procs``: column index, processor)."""
    from sqlalchemy import Date, DateTime, Numeric, Uuid

    names = [c.name for c in t.columns]
    exprs, procs = [], []
    for i, c in enumerate(t.columns):
        q = f'"{c.name}"'
        impl = c.type.impl if hasattr(c.type, "impl") and not isinstance(c.type, Uuid) \
            else c.type
        if isinstance(c.type, Uuid):
            exprs.append(f"replace({q}::text, '-', '')")
        elif isinstance(impl, DateTime):
            exprs.append(f"to_char({q} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')")
        elif isinstance(impl, Date):
            exprs.append(f"to_char({q}, 'YYYY-MM-DD')")
        elif isinstance(impl, Numeric):
            exprs.append(f"{q}::float8")
        else:
            exprs.append(q)
            p = c.type._cached_bind_processor(dialect)
            if p is not None:
                procs.append((i, p))
    insert_sql = (f'INSERT INTO "{t.name}" (' + ", ".join(f'"{n}"' for n in names)
                  + ") VALUES (" + ", ".join("?" * len(names)) + ")")
    return insert_sql, f'SELECT {", ".join(exprs)} FROM "{t.name}"', procs


def _read_ahead(conn: Connection, selects: list[tuple[Table, str]]):
    """(table, rows) for each chunk of each SELECT, read by a second thread up to two chunks
    ahead; (table, None) as each table begins. The thread alone uses ``conn`` until the
    generator ends; an error there is raised here."""
    import queue
    import threading

    out: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()
    END = object()

    def read() -> None:
        try:
            for t, sql in selects:
                out.put((t, None))
                result = conn.execution_options(yield_per=SNAPSHOT_CHUNK).exec_driver_sql(sql)
                for part in result.partitions(SNAPSHOT_CHUNK):
                    if stop.is_set():
                        result.close()
                        return
                    out.put((t, part))
            out.put(END)
        except BaseException as exc:  # noqa: BLE001 - handed to the reading side
            out.put(exc)

    reader = threading.Thread(target=read, name="replica-copy", daemon=True)
    reader.start()
    try:
        while True:
            item = out.get()
            if item is END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while reader.is_alive():  # let a reader blocked on a full queue see the stop
            try:
                out.get(timeout=0.1)
            except queue.Empty:
                pass
        reader.join()


def _snapshot(conn: Connection, local: Database, progress: Progress) -> None:
    """Everything the login may see, in one server snapshot, into the new replica."""
    import desktop_crm.models as models

    from . import order_stats

    tables = replica.synced_tables()
    local.engine.dispose()  # this connection alone: it may leave WAL mode for the load
    with local.engine.connect() as lc:
        lc.exec_driver_sql("PRAGMA foreign_keys=OFF")
        # a new file under a temporary name: a crash during the load leaves nothing to keep.
        # Each page is written once (no WAL and its checkpoint: on an encrypted file every
        # page written is encrypted, a gigabyte for 100,000 customers)
        lc.exec_driver_sql("PRAGMA synchronous=OFF")
        lc.exec_driver_sql("PRAGMA journal_mode=MEMORY")
        # what the new database's migrations seeded (stages, SLA rules, holidays) is the
        # server's to give
        for t in reversed(tables):
            lc.execute(delete(t))
        for name in REFERENCE:
            lc.execute(delete(models.Base.metadata.tables[name]))
        triggers = [(n, sql) for n, sql in lc.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
            if n in _LOAD_TRIGGERS]
        for n, _sql in triggers:
            lc.exec_driver_sql(f'DROP TRIGGER "{n}"')
        # the secondary indexes are built once after the load (sorted, in bulk) instead of
        # growing with every row (random ids); a larger page cache for the load alone
        names = {t.name for t in tables}
        indexes = [(n, sql) for n, sql, tbl in lc.exec_driver_sql(
            "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' "
            "AND sql IS NOT NULL").all() if tbl in names]
        for n, _sql in indexes:
            lc.exec_driver_sql(f'DROP INDEX "{n}"')
        lc.exec_driver_sql("PRAGMA cache_size=-524288")
        done = 0
        everything = [models.Base.metadata.tables[n] for n in REFERENCE] + tables
        statements = {t.name: _copy_statements(t, lc.dialect) for t in everything}
        # the server's rows are read by a thread of their own while the replica writes the
        # ones before (both wait outside Python: the network, SQLite and its cipher)
        for t, part in _read_ahead(conn, [(t, statements[t.name][1]) for t in everything]):
            sql, _select, procs = statements[t.name]
            if part is None:  # the table begins
                progress("snapshot:" + t.name, done, 0)
                continue
            if procs:
                rows = []
                for r in part:
                    v = list(r)
                    for i, p in procs:
                        v[i] = p(v[i])
                    rows.append(tuple(v))
            else:
                rows = [tuple(r) for r in part]
            lc.exec_driver_sql(sql, rows)
            done += len(part)
            progress("snapshot:" + t.name, done, 0)
        progress("snapshot:indexes", done, 0)
        for _n, sql in indexes:
            lc.exec_driver_sql(sql)
        for n, _sql in triggers:
            if _LOAD_TRIGGERS[n]:
                lc.exec_driver_sql(_LOAD_TRIGGERS[n])
        if any(n == "orders_stats_ai" for n, _sql in triggers):
            order_stats.refresh(lc)
        for _n, sql in triggers:
            lc.exec_driver_sql(sql)
        lc.commit()
        lc.exec_driver_sql("PRAGMA journal_mode=WAL")
        lc.exec_driver_sql("PRAGMA cache_size=-16384")
        lc.exec_driver_sql("PRAGMA synchronous=NORMAL")
        lc.exec_driver_sql("PRAGMA foreign_keys=ON")
