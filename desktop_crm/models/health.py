"""The stored customer health score (客户健康度): one row per live customer, and when the
scores were last computed.

Derived data like ``customer_metrics``: each database computes its own from its orders,
tickets and history (``services/health.py``), so these tables are never synced. On SQLite
the table has no rowid (the customer id is the key): a million rows write in about 2 s.

The indexes this computation reads by on other tables are declared here too (revision 0011):
the last contact per customer (live interactions, completed follow-ups) from covering
indexes, and "which customers changed since the last run" as ranges on ``updated_at``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .history import Activity, Interaction
from .order import Order
from .ticket import Ticket


class CustomerHealth(Base):
    """A customer's health score (0-100) and its parts (0-100 each; NULL when the part does
    not apply to the customer), as computed at ``computed_at``."""

    __tablename__ = "customer_health"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    score: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    recency: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    trend: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    tickets: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    satisfaction: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    follow_up: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    alive: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    computed_at: Mapped[dt.datetime]

    __table_args__ = (
        # the list sorted by health, the most at-risk customers, band counts
        Index("ix_customer_health_score", "score", "customer_id"),
        {"sqlite_with_rowid": False},
    )


class HealthState(Base):
    """One row (id 1): the date the stored scores are as of (a full computation), when that
    ran, and up to when changed customers have been refreshed since."""

    __tablename__ = "customer_health_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    as_of: Mapped[dt.date | None] = mapped_column(default=None)
    full_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    checked_at: Mapped[dt.datetime | None] = mapped_column(default=None)


LIVE = text("deleted_at IS NULL")
DONE = text("done_at IS NOT NULL AND deleted_at IS NULL")

# The last contact of every customer from the index alone (deleted_at is a column of the
# index so that SQLite reads no table row).
Index("ix_interactions_customer_live", Interaction.__table__.c.customer_id,
      Interaction.__table__.c.occurred_at, Interaction.__table__.c.deleted_at,
      sqlite_where=LIVE, postgresql_where=LIVE)
Index("ix_activities_customer_done", Activity.__table__.c.customer_id,
      Activity.__table__.c.done_at, Activity.__table__.c.deleted_at,
      sqlite_where=DONE, postgresql_where=DONE)
# "Which customers changed since the last run": index ranges on updated_at.
Index("ix_orders_updated", Order.__table__.c.updated_at)
Index("ix_interactions_updated", Interaction.__table__.c.updated_at)
Index("ix_activities_updated", Activity.__table__.c.updated_at)
Index("ix_tickets_updated", Ticket.__table__.c.updated_at)
