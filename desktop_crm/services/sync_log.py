"""Reading the office server's change log (revision 0019): what changed after a position,
only as far as no running transaction can still add to it.

A position is ``(pos, seq)``: the writing transaction's id and the entry's order in the log.
``changes_after`` returns entries above the cursor and below the horizon (the oldest
transaction of this database still running), in (pos, seq) order; every transaction of this
database below the horizon has ended, so a later read never finds an entry below a cursor
it returned.
This is what keeps a late-committing transaction from being skipped, which a cursor on
``seq`` alone (or on a time) would do.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

START = (0, 0)  # before every change


@dataclass(frozen=True)
class Change:
    pos: int  # the writing transaction's id (xid8)
    seq: int
    table: str
    row_id: uuid.UUID
    op: str  # I insert, U update, D soft delete, X removed for good
    fields: tuple[str, ...] | None  # an update's changed columns; None: the whole row
    site_id: uuid.UUID | None  # the replica whose push made it (None: made at the office)
    mutation_id: uuid.UUID | None

    @property
    def position(self) -> tuple[int, int]:
        return self.pos, self.seq


# The horizon: the oldest transaction of *this* database still running (pg_snapshot_xmin
# alone is the whole server's: a long transaction in another database on the same server,
# a report or a bulk load, would freeze every replica's pull). Of the transactions the
# snapshot saw running, those still running without a lock on any relation of this
# database are left out: a transaction writing here locked the table it writes before it
# got its id, and holds that lock to its end. One that ended since the snapshot counts (it
# may have been ours). Ids are matched by their low 32 bits (pg_locks shows xid, the
# snapshot xid8). pg_locks is readable by every login.
_HORIZON = text("""
WITH s AS (SELECT pg_current_snapshot() AS snap),
here AS (SELECT oid FROM pg_database WHERE datname = current_database()),
not_here AS (
  SELECT t.transactionid::text::bigint AS x32 FROM pg_locks t
   WHERE t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock' AND t.granted
     AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.virtualtransaction = t.virtualtransaction
                       AND l.locktype = 'relation' AND l.database = (SELECT oid FROM here)))
SELECT least(pg_snapshot_xmax(snap)::text::bigint,
             (SELECT min(x::text::bigint) FROM pg_snapshot_xip(snap) AS x
               WHERE x::text::bigint % 4294967296 NOT IN (SELECT x32 FROM not_here)))
  FROM s""")

_AFTER = text("""
SELECT pos, seq, table_name, row_id, op, fields, site_id, mutation_id
  FROM sync_change_log
 WHERE (pos, seq) > (:pos, :seq) AND pos < :horizon
 ORDER BY pos, seq
 LIMIT :n""")


def changes_after(conn: Connection, position: tuple[int, int] = START,
                  limit: int = 1000) -> list[Change]:
    """Up to ``limit`` changes after ``position`` that no running transaction can precede.

    Two statements, in this order: the horizon first, then the changes with a newer snapshot
    (READ COMMITTED), so a transaction that ended in between is read, not skipped."""
    h = horizon(conn)
    rows = conn.execute(_AFTER, {"pos": position[0], "seq": position[1], "horizon": h,
                                 "n": limit})
    return [Change(pos, seq, table, row_id, op, tuple(fields) if fields is not None
                   else None, site, mutation)
            for pos, seq, table, row_id, op, fields, site, mutation in rows]


def horizon(conn: Connection) -> int:
    """The oldest transaction of this database still running (or the next to start):
    changes at or above it may still be added."""
    return int(conn.execute(_HORIZON).scalar_one())


def snapshot_xmin(conn: Connection) -> int:
    """As the first statement of a REPEATABLE READ transaction: a cursor for the data its
    snapshot shows. Every transaction of this database below it had ended when the snapshot
    was taken, so its changes are in it; those above it may or may not be, and are pulled
    again (a pull is idempotent)."""
    return horizon(conn)


def pruned_below(conn: Connection) -> int:
    """Log entries at or below this position have been removed (0: none)."""
    return int(conn.execute(text(
        "SELECT coalesce((SELECT below_pos FROM sync_log_pruned WHERE id = 1), 0)"))
        .scalar_one())


def prune(conn: Connection, keep_days: int) -> int:
    """Remove the log entries of transactions older than ``keep_days`` days (in the caller's
    transaction; the schema owner's right). A replica that last pulled before the cut reads
    everything again at its next sync. Returns how many entries went."""
    cut = conn.execute(text(
        "SELECT max(pos) FROM sync_change_log WHERE pos < coalesce("
        " (SELECT min(pos) FROM sync_change_log WHERE at >= now() - make_interval(days => :d)),"
        " (SELECT max(pos) + 1 FROM sync_change_log))"), {"d": keep_days}).scalar()
    if cut is None:
        return 0
    gone = conn.execute(text("DELETE FROM sync_change_log WHERE pos <= :c"), {"c": cut}).rowcount
    # the idempotency ledger of the same age: a batch whose acknowledgement was lost that
    # long ago and is sent again meets the three-way check (the server has its values)
    conn.execute(text("DELETE FROM sync_applied_mutations "
                      "WHERE applied_at < now() - make_interval(days => :d)"), {"d": keep_days})
    conn.execute(text(
        "INSERT INTO sync_log_pruned (id, below_pos) VALUES (1, :c) ON CONFLICT (id) DO UPDATE "
        "SET below_pos = greatest(sync_log_pruned.below_pos, excluded.below_pos), "
        "pruned_at = now()"), {"c": cut})
    return gone
