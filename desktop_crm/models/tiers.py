"""Customer tiers: the last computed per-customer metrics, each computation run, monthly tier
snapshots, and team-wide settings (the tier rules among them).

``customer_metrics`` and ``tier_runs`` are derived data: each database recomputes them from its
orders, so they are not synced rows (no ``SyncedMixin``). ``tier_snapshots`` keeps one tier per
customer per month, so tier migration can be shown.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id, utcnow


class SharedSetting(Base):
    """A team-wide setting (JSON value), e.g. ``tier_rules``. Per-user settings live in the
    user's settings file instead."""

    __tablename__ = "shared_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class CustomerOrderStats(Base):
    """Paid-order aggregates per customer, kept in step with ``orders`` by triggers (revision
    0003; see ``services/order_stats.py``)."""

    __tablename__ = "customer_order_stats"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    orders: Mapped[int] = mapped_column(Integer)
    total_spend: Mapped[float] = mapped_column(Float)
    first_day: Mapped[dt.date] = mapped_column(index=True)  # first purchases of a month
    last_day: Mapped[dt.date] = mapped_column(index=True)  # max(): the latest paid order
    purchase_days: Mapped[int] = mapped_column(Integer)
    first_day_spend: Mapped[float | None] = mapped_column(Float, default=None)
    # paid spend dated after OrderStatsWindow.since (the last 365 days of a computation)
    recent_spend: Mapped[float | None] = mapped_column(Float, default=None)


class OrderStatsWindow(Base):
    """One row: the (exclusive) start date of ``customer_order_stats.recent_spend``."""

    __tablename__ = "order_stats_window"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    since: Mapped[dt.date | None] = mapped_column(default=None)


class CustomerMetrics(Base):
    """One row per customer from the last tier computation (``tier_runs``)."""

    __tablename__ = "customer_metrics"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    total_spend: Mapped[float] = mapped_column(Float, default=0.0)
    spend_365: Mapped[float] = mapped_column(Float, default=0.0)
    recency_days: Mapped[int | None] = mapped_column(Integer, default=None)
    frequency: Mapped[int] = mapped_column(Integer, default=0)
    recency: Mapped[float | None] = mapped_column(Float, default=None)
    t_days: Mapped[float | None] = mapped_column(Float, default=None)
    monetary_value: Mapped[float] = mapped_column(Float, default=0.0)
    r: Mapped[int] = mapped_column(SmallInteger, default=0)
    f: Mapped[int] = mapped_column(SmallInteger, default=0)
    m: Mapped[int] = mapped_column(SmallInteger, default=0)
    segment: Mapped[str] = mapped_column(String(24), default="")
    p_alive: Mapped[float | None] = mapped_column(Float, default=None)
    predicted_clv: Mapped[float | None] = mapped_column(Float, default=None)
    clv_rank: Mapped[float | None] = mapped_column(Float, default=None)
    spend_rank: Mapped[float | None] = mapped_column(Float, default=None)
    tier: Mapped[str] = mapped_column(String(16), default="")
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    risk_reason: Mapped[str] = mapped_column(String(32), default="")
    usual_interval_days: Mapped[float | None] = mapped_column(Float, default=None)


class TierRun(Base):
    """One computation: when, as of which date, the fitted parameters and settings used, and
    the aggregates the Tiers section draws (so it opens without recomputing)."""

    __tablename__ = "tier_runs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    as_of: Mapped[dt.date]
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    computed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    customers: Mapped[int] = mapped_column(Integer, default=0)
    buyers: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict] = mapped_column(JSON)
    charts: Mapped[dict] = mapped_column(JSON)
    applied_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class TierSnapshot(Base):
    """The tier each customer had when tiers were applied in a month ('YYYY-MM')."""

    __tablename__ = "tier_snapshots"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tier: Mapped[str] = mapped_column(String(16))
