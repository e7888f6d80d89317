"""Numbered codes from the ``counters`` table (customer codes C000123, ticket numbers T000123).

``UPDATE ... RETURNING`` takes numbers atomically on both engines; the first use in a database
starts after the highest number already there.
"""

from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from desktop_crm.models import Counter, Ticket

TICKET_COUNTER = "ticket_number"
TICKET_PREFIX = "T"


def max_numbered(s: Session, column, prefix: str) -> int:
    """The largest N of values "<prefix><digits>" in ``column`` (0 if none)."""
    table = column.table.name
    name = column.name
    if s.get_bind().dialect.name == "postgresql":
        sql = (f"SELECT max(CAST(substr({name}, {len(prefix) + 1}) AS bigint)) FROM {table} "
               f"WHERE {name} ~ :pat")
        params = {"pat": f"^{prefix}[0-9]{{1,18}}$"}
    else:
        sql = (f"SELECT max(CAST(substr({name}, {len(prefix) + 1}) AS INTEGER)) FROM {table} "
               f"WHERE {name} GLOB :pat AND substr({name}, {len(prefix) + 1}) NOT GLOB '*[^0-9]*'")
        params = {"pat": f"{prefix}[0-9]*"}
    return int(s.execute(text(sql), params).scalar() or 0)


def ensure_counter(s: Session, name: str, floor: int) -> None:
    row = s.get(Counter, name)
    if row is None:
        s.add(Counter(name=name, value=floor))
    elif row.value < floor:
        row.value = floor
    s.flush()


def reserve(conn, name: str, n: int) -> int:
    """Take ``n`` numbers from a counter (in the caller's transaction); returns the first."""
    t = Counter.__table__
    value = conn.execute(update(t).where(t.c.name == name).values(value=t.c.value + n)
                         .returning(t.c.value)).scalar_one()
    return value - n + 1


def next_code(s: Session, counter: str, column, prefix: str, width: int = 6) -> str:
    """The next free "<prefix><number>" code from ``counter``, in the caller's transaction.
    The first use in a database continues after the highest number already in ``column``;
    a number someone typed in by hand is skipped."""
    if s.get(Counter, counter) is None:
        ensure_counter(s, counter, max_numbered(s, column, prefix))
    while True:
        code = f"{prefix}{reserve(s.connection(), counter, 1):0{width}d}"
        if not s.scalar(select(column).where(column == code)):
            return code


def next_ticket_number(s: Session) -> str:
    """The next ticket number (T000001...), in the caller's transaction."""
    return next_code(s, TICKET_COUNTER, Ticket.number, TICKET_PREFIX)
