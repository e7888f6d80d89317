"""Sales pipeline: stages, opportunities and their stage history."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SyncedMixin, currency_column


class OpportunityStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class PipelineStage(SyncedMixin, Base):
    __tablename__ = "pipeline_stages"

    # Built-in stages have a code (lead, qualified, ...) whose label the UI
    # translates; ``name`` overrides it once a user renames the stage.
    code: Mapped[str] = mapped_column(String(32), default="")
    name: Mapped[str] = mapped_column(String(64), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    probability: Mapped[int] = mapped_column(Integer, default=0)  # percent
    is_won: Mapped[bool] = mapped_column(Boolean, default=False)
    is_lost: Mapped[bool] = mapped_column(Boolean, default=False)


class Opportunity(SyncedMixin, Base):
    __tablename__ = "opportunities"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    currency: Mapped[str] = currency_column()
    stage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pipeline_stages.id"), index=True)
    probability: Mapped[int] = mapped_column(Integer, default=0)
    expected_close: Mapped[dt.date | None] = mapped_column(default=None)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    status: Mapped[str] = mapped_column(String(8), default=OpportunityStatus.OPEN.value)
    lost_reason: Mapped[str] = mapped_column(String(200), default="")
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    stage_entered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    # when the won-deal automation ran (onboarding ticket, first follow-up): it runs once
    won_automation_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class OpportunityStageChange(SyncedMixin, Base):
    __tablename__ = "opportunity_stage_history"

    opportunity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("opportunities.id"))
    from_stage_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("pipeline_stages.id"), default=None
    )
    to_stage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pipeline_stages.id"))
    changed_at: Mapped[dt.datetime]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)

    __table_args__ = (Index("ix_opp_stage_history_opp_time", "opportunity_id", "changed_at"),)
