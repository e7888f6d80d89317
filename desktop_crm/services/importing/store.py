"""Values in the form each engine's driver stores them, and bulk writes through the driver
(SQLite ``executemany``, PostgreSQL ``COPY``), as the demo generator writes."""

from __future__ import annotations

import datetime as dt
import json
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
    "import_rows": ("import_id", "row_id", "table_name", "action", "version", "before"),
    "audit_log": ("id", "at", "user_id", "table_name", "row_id", "action", "field",
                  "old_value", "new_value"),
}


class Driver:
    """Formats values for the raw driver of one engine."""

    def __init__(self, pg: bool):
        self.pg = pg

    def id(self, value: uuid.UUID | None):
        if value is None:
            return None
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
    in the caller's transaction."""
    if not tuples:
        return
    names = COLUMNS[table] + (SYNC_COLS if synced else ())
    _Writer(conn).write(Rows(table, names, tuples))
