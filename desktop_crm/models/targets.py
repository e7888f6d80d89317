"""Sales targets (业绩目标): revenue and new customers per salesperson or team, per month or
quarter."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SyncedMixin


class SalesTarget(SyncedMixin, Base):
    """One target: ``period`` "2026-10" (a month) or "2026-Q4" (a quarter); for one
    salesperson (``user_id``) or one team (``team``, user_id NULL). None: no target for that
    measure."""

    __tablename__ = "sales_targets"

    period: Mapped[str] = mapped_column(String(7))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    team: Mapped[str] = mapped_column(String(64), default="")
    revenue: Mapped[Decimal | None] = mapped_column(default=None)
    new_customers: Mapped[int | None] = mapped_column(Integer, default=None)

    __table_args__ = (Index("ix_sales_targets_period", "period", "user_id", "team"),)
