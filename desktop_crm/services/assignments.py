"""Writing the owner history of customers (``customer_assignments``), inside the caller's
transaction. Used by the public pool (services/pool.py) and by a customer edit that changes
the owner (services/customers.py), so every change of owner is in the history."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import Uuid, and_, insert, literal, literal_column, null, select
from sqlalchemy.orm import Session

from desktop_crm.models import AuditEntry, Customer, CustomerAssignment
from desktop_crm.models.base import UTCDateTime

ASSIGN, CLAIM, RELEASE, RETURN = "assign", "claim", "release", "return"
ACTIONS = (ASSIGN, CLAIM, RELEASE, RETURN)
# reasons the app sets (a release carries the text the user typed instead)
BY_REGION, BY_INDUSTRY = "rule:region", "rule:industry"
ROUND_ROBIN, MANUAL = "round_robin", "manual"
NO_FOLLOW_UP, LOST = "no_follow_up", "lost"
CHUNK = 500

# A version-4 UUID made by the database, so history rows for thousands of customers are one
# INSERT ... SELECT instead of as many Python rows (SQLite stores the 32 hex digits).
_SQLITE_UUID4 = ("lower(hex(randomblob(6)) || '4' || substr(hex(randomblob(2)), 2) || "
                 "substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || "
                 "hex(randomblob(6)))")


def new_uuid_sql(dialect: str):
    """An SQL expression giving a new random (version 4) UUID on this engine."""
    return literal_column("gen_random_uuid()" if dialect == "postgresql" else _SQLITE_UUID4)


def _user(value: uuid.UUID | None):
    return null() if value is None else literal(value, Uuid())


def record(session: Session, customer_ids: Sequence[uuid.UUID], *, action: str,
           from_user: uuid.UUID | None, to_user: uuid.UUID | None, reason: str,
           by_user_id: uuid.UUID | None, at: dt.datetime, audit: bool = True) -> None:
    """For each customer, one ``customer_assignments`` row (``from_user`` -> ``to_user``) and,
    with ``audit``, one audit row for its ``owner_id``: one INSERT ... SELECT per table and
    500 customers, whatever their number."""
    if action not in ACTIONS:
        raise ValueError(f"unknown assignment action {action!r}")
    dialect = session.get_bind().dialect.name

    def when():  # a new bound value each time: a select may drop a repeated column object
        return literal(at, UTCDateTime())

    a, e, c = CustomerAssignment.__table__, AuditEntry.__table__, Customer.__table__
    for start in range(0, len(customer_ids), CHUNK):
        part = list(customer_ids[start:start + CHUNK])
        session.execute(insert(a).from_select(
            ["id", "created_at", "updated_at", "version", "customer_id", "action",
             "from_user_id", "to_user_id", "reason", "at", "by_user_id"],
            select(new_uuid_sql(dialect), when(), when(), literal(1), c.c.id, literal(action),
                   _user(from_user), _user(to_user), literal(reason[:200]), when(),
                   _user(by_user_id)).where(c.c.id.in_(part))))
        if audit:
            session.execute(insert(e).from_select(
                ["id", "at", "user_id", "table_name", "row_id", "action", "field", "old_value",
                 "new_value"],
                select(new_uuid_sql(dialect), when(), _user(by_user_id), literal("customers"),
                       c.c.id,
                       literal("update"), literal("owner_id"),
                       null() if from_user is None else literal(str(from_user)),
                       null() if to_user is None else literal(str(to_user)))
                .where(c.c.id.in_(part))))


def _uuid_text(column: str, dialect: str):
    """``str(uuid)`` of a UUID column in SQL (audit values are text): SQLite keeps 32 hex
    digits."""
    if dialect == "postgresql":
        return literal_column(f"CAST({column} AS TEXT)")
    parts = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    return literal_column(" || '-' || ".join(f"substr({column}, {a}, {n})" for a, n in parts))


def record_from_owners(session: Session, customer_ids: Sequence[uuid.UUID], where, *,
                       action: str, reason: str, by_user_id: uuid.UUID | None,
                       at: dt.datetime) -> None:
    """History rows from each customer's *current* owner to nobody, for the customers among
    ``customer_ids`` (at most 500) that match ``where`` (a condition on ``customers``), and an
    audit row for each: call it before clearing their owner (``cleared`` finds them again).
    Two INSERT ... SELECTs, so a batch of customers of many owners is two statements."""
    dialect = session.get_bind().dialect.name
    a, e, c = CustomerAssignment.__table__, AuditEntry.__table__, Customer.__table__
    session.execute(insert(a).from_select(
        ["id", "created_at", "updated_at", "version", "customer_id", "action",
         "from_user_id", "to_user_id", "reason", "at", "by_user_id"],
        select(new_uuid_sql(dialect), literal(at, UTCDateTime()), literal(at, UTCDateTime()),
               literal(1), c.c.id, literal(action), c.c.owner_id, null(),
               literal(reason[:200]), literal(at, UTCDateTime()), _user(by_user_id))
        .where(c.c.id.in_(list(customer_ids)), c.c.owner_id.is_not(None), where)))
    session.execute(insert(e).from_select(
        ["id", "at", "user_id", "table_name", "row_id", "action", "field", "old_value",
         "new_value"],
        select(new_uuid_sql(dialect), a.c.at, a.c.by_user_id, literal("customers"),
               a.c.customer_id, literal("update"), literal("owner_id"),
               _uuid_text("customer_assignments.from_user_id", dialect), null())
        .where(cleared(customer_ids, action, at))))


def cleared(customer_ids: Sequence[uuid.UUID], action: str, at: dt.datetime):
    """The condition on ``customer_assignments`` rows that ``record_from_owners`` just wrote
    for these customers."""
    a = CustomerAssignment.__table__
    return and_(a.c.customer_id.in_(list(customer_ids)), a.c.action == action,
                a.c.at == literal(at, UTCDateTime()))
