"""Reading the office server's change log (revision 0019): what changed after a position,
only as far as no running transaction can still add to it.

A position is ``(pos, seq)``: the writing transaction's id and the entry's order in the log.
``changes_after`` returns entries above the cursor and below the horizon (the oldest
transaction still running, ``pg_snapshot_xmin``), in (pos, seq) order; every transaction
below the horizon has ended, so a later read never finds an entry below a cursor it returned.
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


_AFTER = text("""
SELECT pos, seq, table_name, row_id, op, fields, site_id, mutation_id
  FROM sync_change_log
 WHERE (pos, seq) > (:pos, :seq)
   AND pos < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
 ORDER BY pos, seq
 LIMIT :n""")


def changes_after(conn: Connection, position: tuple[int, int] = START,
                  limit: int = 1000) -> list[Change]:
    """Up to ``limit`` changes after ``position`` that no running transaction can precede."""
    rows = conn.execute(_AFTER, {"pos": position[0], "seq": position[1], "n": limit})
    return [Change(pos, seq, table, row_id, op, tuple(fields) if fields is not None
                   else None, site, mutation)
            for pos, seq, table, row_id, op, fields, site, mutation in rows]


def horizon(conn: Connection) -> int:
    """The oldest transaction still running: changes at or above it may still be added."""
    return int(conn.execute(text(
        "SELECT pg_snapshot_xmin(pg_current_snapshot())::text")).scalar_one())
