"""What happened with a customer: interactions (past) and activities (planned follow-ups)."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SyncedMixin


class Channel(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    WECHAT = "wechat"
    EMAIL = "email"
    MEETING = "meeting"


class ActivityType(StrEnum):
    CALL = "call"
    VISIT = "visit"
    MEETING = "meeting"
    EMAIL = "email"
    TASK = "task"
    WECHAT = "wechat"


class Interaction(SyncedMixin, Base):
    __tablename__ = "interactions"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contacts.id"), default=None)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    channel: Mapped[str] = mapped_column(String(16), default=Channel.PHONE.value)
    occurred_at: Mapped[dt.datetime]
    summary: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_interactions_customer_time", "customer_id", "occurred_at"),)


class Activity(SyncedMixin, Base):
    __tablename__ = "activities"

    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"), default=None)
    opportunity_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("opportunities.id"), default=None
    )
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    type: Mapped[str] = mapped_column(String(16), default=ActivityType.CALL.value)
    subject: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[dt.datetime]
    duration_minutes: Mapped[int] = mapped_column(Integer, default=30)
    done_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    reminder_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    outcome: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_activities_customer_due", "customer_id", "due_at"),
        Index("ix_activities_owner_due", "owner_id", "due_at"),
    )
