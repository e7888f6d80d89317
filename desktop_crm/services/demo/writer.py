"""Writing batches through the driver: SQLite executemany, PostgreSQL COPY."""

from __future__ import annotations

import logging
import time

from .. import order_stats
from .rows import _Rows
from .vocab import SQLITE_CACHE_KIB_MAX, SQLITE_CACHE_KIB_PER_CUSTOMER

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------
# Writing


class _Writer:
    """Bulk rows through the driver: SQLite executemany, PostgreSQL COPY."""

    def __init__(self, conn):
        self.conn = conn  # SQLAlchemy Connection
        self.pg = conn.dialect.name == "postgresql"
        self.seconds: dict[str, float] = {}

    def write(self, rows: _Rows) -> None:
        if not rows.n:
            return
        t = time.perf_counter()
        self._write(rows)
        self.seconds[rows.table] = self.seconds.get(rows.table, 0.0) + time.perf_counter() - t

    def _write(self, rows: _Rows) -> None:
        if rows.table == "orders":
            self._write_orders(rows)
            return
        raw = self.conn.connection.driver_connection
        cols = ", ".join(rows.names)
        if self.pg:
            with raw.cursor() as cur:
                with cur.copy(f"COPY {rows.table} ({cols}) FROM STDIN") as cp:
                    for row in rows.tuples():
                        cp.write_row(row)
            return
        marks = ", ".join("?" * len(rows.names))
        sql = f"INSERT INTO {rows.table} ({cols}) VALUES ({marks})"
        swaps = self.index_triggers if rows.table == "customers" else []
        if not swaps:
            raw.executemany(sql, rows.tuples())
            return
        # The search indexes' per-row insert triggers cost ~175 µs a customer; indexing the
        # batch with one INSERT ... SELECT each costs ~25. The triggers are dropped and
        # re-created (from their own text in sqlite_master) inside the batch's transaction,
        # so a failure anywhere rolls the drop back with the rest: never missing after a commit.
        if not raw.in_transaction:
            raw.execute("BEGIN")
        last = raw.execute("SELECT coalesce(max(rowid), 0) FROM customers").fetchone()[0]
        for name, _sql in swaps:
            raw.execute(f"DROP TRIGGER {name}")
        raw.executemany(sql, rows.tuples())
        for name, trigger_sql in swaps:
            raw.execute(INDEX_TRIGGERS[name][1], (last,))
            raw.execute(trigger_sql)

    def _write_orders(self, rows: _Rows) -> None:
        """Orders without the per-row ``customer_order_stats`` triggers (each recomputes the
        customer's row: quadratic in its orders), then one refresh for the batch's customers.
        The switch happens inside the batch's transaction, so a failure rolls it back too."""
        raw = self.conn.connection.driver_connection
        cols = ", ".join(rows.names)
        customers = rows.columns[rows.names.index("customer_id")]
        if self.pg:
            self.conn.exec_driver_sql("ALTER TABLE orders DISABLE TRIGGER orders_stats")
            with raw.cursor() as cur:
                with cur.copy(f"COPY orders ({cols}) FROM STDIN") as cp:
                    for row in rows.tuples():
                        cp.write_row(row)
            order_stats.refresh(self.conn, customers)
            self.conn.exec_driver_sql("ALTER TABLE orders ENABLE TRIGGER orders_stats")
            return
        if not raw.in_transaction:
            raw.execute("BEGIN")
        triggers = raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orders' "
            "AND name LIKE 'orders_stats_%'").fetchall()
        for name, _sql in triggers:
            raw.execute(f"DROP TRIGGER {name}")
        marks = ", ".join("?" * len(rows.names))
        raw.executemany(f"INSERT INTO orders ({cols}) VALUES ({marks})", rows.tuples())
        order_stats.refresh(self.conn, customers)
        for _name, sql in triggers:
            raw.execute(sql)

    @property
    def index_triggers(self) -> list[tuple[str, str]]:
        """(name, SQL) of the search indexes' insert triggers that this database has and
        that do exactly what the bulk INSERT ... SELECT does; others are left alone."""
        if not hasattr(self, "_index_triggers"):
            self._index_triggers = []
            if not self.pg:
                for name, (expected, _bulk) in INDEX_TRIGGERS.items():
                    row = self.conn.exec_driver_sql(
                        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ? "
                        "AND tbl_name = 'customers'", (name,)).first()
                    if row and " ".join(row[0].split()) == expected:
                        self._index_triggers.append((name, row[0]))
                    else:
                        log.info("search index trigger %s not as expected; inserting through it",
                                 name)
        return self._index_triggers


# The search indexes' insert triggers (revisions 0001 and 0002), and the statement that
# indexes a whole batch (the rows after a given rowid) the same way.
INDEX_TRIGGERS = {
    "customers_fts_ai": (
        "CREATE TRIGGER customers_fts_ai AFTER INSERT ON customers BEGIN "
        "INSERT INTO customer_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END",
        "INSERT INTO customer_fts(rowid, search_text) "
        "SELECT rowid, search_text FROM customers WHERE rowid > ?",
    ),
    "customers_short_ai": (
        "CREATE TRIGGER customers_short_ai AFTER INSERT ON customers BEGIN "
        "INSERT INTO customer_short_fts(rowid, tokens) VALUES (new.rowid, "
        "crm_short_tokens(new.name, new.name_initials)); END",
        "INSERT INTO customer_short_fts(rowid, tokens) "
        "SELECT rowid, crm_short_tokens(name, name_initials) FROM customers WHERE rowid > ?",
    ),
}

WRITE_ORDER = ("customers", "customer_assignments", "contacts", "orders", "interactions",
               "opportunities", "opportunity_stage_history", "activities", "tickets")


class _SqliteTuning:
    """Settings of the loading connection, put back afterwards (it returns to the pool): a
    bigger page cache, and no fsync per commit - a power cut during the load can lose the
    last commits, never the database's integrity."""

    def __init__(self, conn, customers: int):
        self.conn = conn
        self.synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        self.cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        cache_kib = int(min(SQLITE_CACHE_KIB_MAX, customers * SQLITE_CACHE_KIB_PER_CUSTOMER))
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        if self.cache_size < 0 and cache_kib > -self.cache_size:
            conn.exec_driver_sql(f"PRAGMA cache_size=-{cache_kib}")
        conn.commit()

    def restore(self) -> None:
        try:
            if self.conn.in_transaction():
                self.conn.rollback()
            self.conn.exec_driver_sql(f"PRAGMA synchronous={int(self.synchronous)}")
            self.conn.exec_driver_sql(f"PRAGMA cache_size={int(self.cache_size)}")
            self.conn.commit()
            # the WAL grew to the size of the biggest transaction: give the disk space back
            self.conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.commit()
        except Exception:  # noqa: BLE001 - best effort, the connection may be broken
            log.warning("could not restore SQLite settings", exc_info=True)
            self.conn.invalidate()
