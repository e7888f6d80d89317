"""Values in the form each engine's driver stores them, and bulk writes through the driver
(SQLite ``executemany``, PostgreSQL ``COPY``), as the demo generator writes."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from decimal import Decimal

from ..demo.writer import _Writer

SYNC_COLS = ("id", "created_at", "updated_at", "version", "deleted_at")
COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": ("code", "kind", "name", "name_pinyin", "name_initials", "sort_name", "phone",
                  "phone2", "email", "region", "province", "city", "address", "industry",
                  "source", "employees", "owner_id", "tier", "notes", "custom_fields",
                  "search_text"),
    "contacts": ("customer_id", "name", "name_pinyin", "title", "phone", "email", "wechat",
                 "is_primary", "notes"),
    "orders": ("customer_id", "order_no", "order_date", "amount", "currency", "status",
               "notes"),
    "interactions": ("customer_id", "contact_id", "user_id", "channel", "occurred_at",
                     "summary"),
    "activities": ("customer_id", "opportunity_id", "owner_id", "type", "subject", "notes",
                   "due_at", "duration_minutes", "done_at", "reminder_minutes", "outcome",
                   "cancelled_at", "series_id", "occurrence_at", "series_edited", "remind_at"),
    "tags": ("name", "color"),
    "customer_tags": ("customer_id", "tag_id"),
    "import_rows": ("import_id", "row_id", "table_name", "action", "version", "before"),
    "audit_log": ("id", "at", "user_id", "table_name", "row_id", "action", "field",
                  "old_value", "new_value"),
}


class Driver:
    """Formats values for the raw driver of one engine."""

    def __init__(self, pg: bool):
        self.pg = pg

    def id(self, value: uuid.UUID | str | None):
        """A UUID as the driver takes it; a hex string (``new_ids``) is taken by both."""
        if value is None or type(value) is str:
            return value
        return value if self.pg else value.hex

    def ts(self, value: dt.datetime | None):
        if value is None:
            return None
        if self.pg:
            return value
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")

    def date(self, value: dt.date | None):
        if value is None:
            return None
        return value if self.pg else value.isoformat()

    def money(self, value: Decimal | None):
        if value is None:
            return None
        return value if self.pg else float(value)

    def flag(self, value: bool):
        return bool(value) if self.pg else int(bool(value))

    @staticmethod
    def json(value) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False,
                                                     default=str)


_RAND_BITS = (1 << 74) - 1
_V7 = (0x7 << 76) | (0x2 << 62)


def new_ids(n: int) -> list[str]:
    """``n`` new UUIDs (version 7, RFC 9562: the time in milliseconds, then random bits) as
    32 hex digits, ascending: an import's keys go to the end of the tables' indexes instead
    of all over them (random keys made a million orders insert 2-3 times slower once the
    index outgrew the page cache), and ``uuid.uuid4()`` costs ~3 µs each."""
    ms = time.time_ns() // 1_000_000
    raw = os.urandom(10 * n)
    ids = []
    for i in range(0, 10 * n, 10):
        r = int.from_bytes(raw[i:i + 10], "big") & _RAND_BITS
        ids.append(f"{(ms << 80) | _V7 | ((r >> 62) << 64) | (r & ((1 << 62) - 1)):032x}")
    ids.sort()
    return ids


class Rows:
    """One table's rows for one batch, in the shape ``demo.writer._Writer`` writes."""

    def __init__(self, table: str, names: tuple[str, ...], tuples: list[tuple]):
        self.table = table
        self.names = names
        self.n = len(tuples)
        self._tuples = tuples
        self.columns = [list(c) for c in zip(*tuples)] if tuples else [[] for _ in names]

    def tuples(self):
        return iter(self._tuples)


def write(conn, table: str, tuples: list[tuple], *, synced: bool = True) -> None:
    """Insert ``tuples`` (columns ``COLUMNS[table]`` and, for synced tables, ``SYNC_COLS``)
    in the caller's transaction. Orders go in without their ``customer_order_stats``
    triggers: the caller refreshes the stats of their customers (``order_stats.refresh``)."""
    if not tuples:
        return
    names = COLUMNS[table] + (SYNC_COLS if synced else ())
    if table == "orders":
        _write_orders(conn, names, tuples)
        return
    _Writer(conn).write(Rows(table, names, tuples))


def _write_orders(conn, names: tuple[str, ...], tuples: list[tuple]) -> None:
    """The demo writer's way, less its refresh per batch: each refresh reads every order of
    the batch's customers again, so a million orders in 50 batches read them ~25 times. The
    triggers are switched off and on inside the caller's transaction."""
    raw = conn.connection.driver_connection
    cols = ", ".join(names)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ALTER TABLE orders DISABLE TRIGGER orders_stats")
        with raw.cursor() as cur:
            with cur.copy(f"COPY orders ({cols}) FROM STDIN") as cp:
                for row in tuples:
                    cp.write_row(row)
        conn.exec_driver_sql("ALTER TABLE orders ENABLE TRIGGER orders_stats")
        return
    if not raw.in_transaction:
        raw.execute("BEGIN")
    triggers = raw.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orders' "
        "AND name LIKE 'orders_stats_%'").fetchall()
    for name, _sql in triggers:
        raw.execute(f"DROP TRIGGER {name}")
    marks = ", ".join("?" * len(names))
    raw.executemany(f"INSERT INTO orders ({cols}) VALUES ({marks})", tuples)
    for _name, sql in triggers:
        raw.execute(sql)
