"""Live updates: tell the app what other people changed, so it reloads without a manual refresh.

No Qt here: a listener runs in its own thread and hands each ``ChangeSet`` to a plain callback
(the view side, ``views/live_updates.py``, moves it to the GUI thread).

- PostgreSQL: ``ChangeListener`` owns one connection of its own (made by the app's engine, so
  with the same URL and password), ``LISTEN crm_changes`` (revision 0015 notifies once per
  statement with the table name only), and coalesces the notices of ~300 ms into one
  ``ChangeSet`` (duplicates dropped). When the connection drops (server restart, terminated
  backend) it reconnects with back-off and reports ``RESYNC`` (notices may have been missed).
  A fallback check every minute reports ``RESYNC`` when the shared tables' write counters moved
  although no notice came (notices lost some other way).
- SQLite: ``DataVersionPoller`` reads ``PRAGMA data_version`` on a connection of its own every
  few seconds; it changes when another connection commits. Commits of this app's own engine
  are counted (engine ``commit`` event) and a change seen in a poll during which this app
  itself committed is taken as the app's own (the screen already shows it): otherwise the app's
  own writes (the health keeper's, after each reload) would make it reload for ever. A
  colleague's write in the same few seconds as one of ours is therefore seen only with the next
  change; on SQLite the other writers are rare (the command line, a sync: one app instance per
  file).

``make_listener(db, callback)`` picks the one for the database.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import event

from .db import Database
from .errors import ChangeSet

log = logging.getLogger(__name__)

CHANNEL = "crm_changes"

# the tables revision 0015 notifies about, and the kinds of change (ChangeSet) each one is
KINDS_BY_TABLE: dict[str, frozenset[str]] = {
    "customers": frozenset({"customers"}),
    "contacts": frozenset({"contacts"}),
    "orders": frozenset({"orders"}),
    "interactions": frozenset({"interactions"}),
    "opportunities": frozenset({"opportunities"}),
    "opportunity_stage_history": frozenset({"opportunities"}),
    "activities": frozenset({"activities"}),
    "tickets": frozenset({"tickets"}),
    "ticket_events": frozenset({"tickets"}),
    "pipeline_stages": frozenset({"stages"}),
    "shared_settings": frozenset({"settings"}),
    "sales_targets": frozenset({"targets"}),
    "users": frozenset({"users"}),
}
RESYNC_KIND = "resync"
# "everything may have changed": every kind a section reloads on, and a marker
RESYNC = ChangeSet(frozenset().union(*KINDS_BY_TABLE.values())
                   | {"tiers", "health", "notifications", RESYNC_KIND})

Callback = Callable[[ChangeSet], None]


def kinds_of(payload: str) -> frozenset[str]:
    """The kinds of change a notice names (nothing for a payload this app does not know)."""
    try:
        table = json.loads(payload).get("t")
    except (ValueError, AttributeError):
        return frozenset()
    return KINDS_BY_TABLE.get(table, frozenset()) if isinstance(table, str) else frozenset()


class _Thread:
    """A daemon thread with a prompt ``stop()``."""

    name = "live-updates"

    def __init__(self, db: Database, callback: Callback):
        self.db = db
        self.callback = callback
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._main, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to end and wait for it (at most ``timeout`` seconds)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _emit(self, changes: ChangeSet) -> None:
        if self._stop.is_set() or not changes.kinds:
            return
        try:
            self.callback(changes)
        except Exception:  # a broken receiver must not end the listener
            log.exception("live update receiver failed")

    def _main(self) -> None:
        try:
            self._run()
        except Exception:
            log.exception("live updates stopped")

    def _run(self) -> None:
        raise NotImplementedError


class ChangeListener(_Thread):
    """PostgreSQL: LISTEN on ``crm_changes`` and report what changed (see the module doc)."""

    name = "live-updates-pg"

    def __init__(self, db: Database, callback: Callback, *, coalesce: float = 0.3,
                 fallback: float = 60.0, backoff: tuple[float, float] = (0.5, 30.0),
                 tick: float = 0.2):
        super().__init__(db, callback)
        self.coalesce = coalesce
        self.fallback = fallback
        self.backoff = backoff
        self.tick = tick
        self.backend_pid: int | None = None  # of the listening connection, while connected
        self.connects = 0  # connections made so far (the first, then each reconnect)
        self.notices = 0  # notices received (duplicates too)

    def _connect(self):
        """A psycopg connection of its own, made by the app's engine (so with its URL and
        password) and taken out of the pool, in autocommit."""
        fairy = self.db.engine.raw_connection()
        conn = fairy.driver_connection
        fairy.detach()
        if conn.info.transaction_status != 0:  # IDLE
            conn.rollback()
        conn.autocommit = True
        return conn

    def _run(self) -> None:
        delay = self.backoff[0]
        while not self._stop.is_set():
            try:
                conn = self._connect()
            except Exception as exc:
                log.info("live updates: cannot connect (%s); again in %.1f s",
                         type(exc).__name__, delay)
                self._stop.wait(delay)
                delay = min(delay * 2, self.backoff[1])
                continue
            delay = self.backoff[0]
            try:
                conn.execute(f"LISTEN {CHANNEL}")
                self.backend_pid = conn.info.backend_pid
                self.connects += 1
                if self.connects > 1:
                    log.info("live updates: reconnected; reloading everything")
                    self._emit(RESYNC)
                self._listen(conn)
            except Exception as exc:
                if self._stop.is_set():
                    break
                log.info("live updates: connection lost (%s); reconnecting",
                         type(exc).__name__)
                self._stop.wait(delay)
            finally:
                self.backend_pid = None
                try:
                    conn.close()
                except Exception:
                    pass

    def _counters(self, conn) -> int:
        row = conn.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
            "FROM pg_stat_user_tables WHERE relname = ANY(%s)",
            (list(KINDS_BY_TABLE),)).fetchone()
        return int(row[0]) if row else 0

    def _listen(self, conn) -> None:
        pending: set[str] = set()
        flush_at = None
        check_at = time.monotonic() + self.fallback
        counters = self._counters(conn)
        heard = False  # a notice since the last fallback check
        while not self._stop.is_set():
            now = time.monotonic()
            wait = self.tick if flush_at is None else max(0.0, min(self.tick, flush_at - now))
            for notice in conn.notifies(timeout=wait):
                self.notices += 1
                heard = True
                kinds = kinds_of(notice.payload)
                if kinds and flush_at is None:
                    flush_at = time.monotonic() + self.coalesce
                pending |= kinds
                if self._stop.is_set() or time.monotonic() >= (flush_at or float("inf")):
                    break
            now = time.monotonic()
            if flush_at is not None and now >= flush_at:
                changes = ChangeSet(frozenset(pending))
                pending.clear()
                flush_at = None
                self._emit(changes)
            if now >= check_at:
                # also proves the connection is alive: a dead one raises here
                now_counters = self._counters(conn)
                if now_counters != counters and not heard:
                    log.info("live updates: writes without notices; reloading everything")
                    self._emit(RESYNC)
                counters, heard = now_counters, False
                check_at = now + self.fallback


class DataVersionPoller(_Thread):
    """SQLite: report ``RESYNC`` when another connection changed the file (see the module
    doc)."""

    name = "live-updates-sqlite"

    def __init__(self, db: Database, callback: Callback, *, interval: float = 3.0):
        super().__init__(db, callback)
        self.interval = interval
        self._own_commits = 0
        self._lock = threading.Lock()
        self.polls = 0

    def _committed(self, _conn) -> None:
        with self._lock:
            self._own_commits += 1

    def start(self) -> None:
        if not event.contains(self.db.engine, "commit", self._committed):
            event.listen(self.db.engine, "commit", self._committed)
        super().start()

    def stop(self, timeout: float = 5.0) -> None:
        super().stop(timeout)
        if event.contains(self.db.engine, "commit", self._committed):
            event.remove(self.db.engine, "commit", self._committed)

    def _own(self) -> int:
        with self._lock:
            return self._own_commits

    def _run(self) -> None:
        fairy = self.db.engine.raw_connection()
        conn = fairy.driver_connection
        fairy.detach()
        try:
            def version() -> int:
                return conn.execute("PRAGMA data_version").fetchone()[0]

            # this app's commit count two polls ago: the engine's event comes just before the
            # commit itself, so a commit counted in one poll may change the version in the next
            last, own = version(), [self._own()] * 2
            while not self._stop.wait(self.interval):
                now, own_now = version(), self._own()
                self.polls += 1
                if now != last and own_now == own[0]:
                    self._emit(RESYNC)
                last, own = now, [own[1], own_now]
        finally:
            conn.close()


def make_listener(db: Database, callback: Callback, **options) -> _Thread:
    """The listener for this database: NOTIFY on PostgreSQL, ``data_version`` on SQLite.
    ``options`` go to its constructor. Not started."""
    if db.is_sqlite:
        return DataVersionPoller(db, callback, **options)
    return ChangeListener(db, callback, **options)
