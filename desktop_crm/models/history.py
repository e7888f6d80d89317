"""What happened with a customer: interactions (past) and activities (planned follow-ups)."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SyncedMixin


OPEN = text("done_at IS NULL AND cancelled_at IS NULL AND deleted_at IS NULL")
LIVE = text("cancelled_at IS NULL AND deleted_at IS NULL")


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
    # an occurrence of a recurring follow-up: its series and the start the series gave it
    # (its id is derived from both, so two replicas generating it make the same row)
    series_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("activity_series.id"), default=None)
    occurrence_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    series_edited: Mapped[bool] = mapped_column(Boolean, default=False)  # changed on its own
    # when the reminder fires next (due_at - reminder_minutes, or the snoozed time); NULL
    # when there is none, or it was dismissed
    remind_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_activities_customer_due", "customer_id", "due_at"),
        Index("ix_activities_owner_due", "owner_id", "due_at"),
        Index("ix_activities_series", "series_id", "occurrence_at"),
        Index("ix_activities_owner_remind", "owner_id", "remind_at",
              sqlite_where=text("remind_at IS NOT NULL"),
              postgresql_where=text("remind_at IS NOT NULL")),
        Index("ix_activities_owner_open", "owner_id", "due_at", sqlite_where=OPEN,
              postgresql_where=OPEN),
        Index("ix_activities_customer_open", "customer_id", "due_at", sqlite_where=OPEN,
              postgresql_where=OPEN),
        Index("ix_activities_owner_live", "owner_id", "due_at", sqlite_where=LIVE,
              postgresql_where=LIVE),
        Index("ix_activities_live_due", "due_at", sqlite_where=LIVE, postgresql_where=LIVE),
        Index("ix_activities_open_due", "due_at", sqlite_where=OPEN, postgresql_where=OPEN),
        Index("ix_activities_done", "done_at", sqlite_where=text("done_at IS NOT NULL"),
              postgresql_where=text("done_at IS NOT NULL")),
    )


class ActivitySeries(SyncedMixin, Base):
    """A recurring follow-up: an RFC 5545 recurrence rule (``FREQ=WEEKLY;INTERVAL=2``) from
    ``starts_at`` in the time zone ``tz`` (so 09:00 stays 09:00 across a daylight-saving
    change). Its occurrences are ``activities`` rows, generated up to ``generated_until``
    and further as the calendar reaches them."""

    __tablename__ = "activity_series"

    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"),
                                                         default=None)
    opportunity_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("opportunities.id"), default=None)
    type: Mapped[str] = mapped_column(String(16), default=ActivityType.CALL.value)
    subject: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[dt.datetime]
    tz: Mapped[str] = mapped_column(String(64))
    rrule: Mapped[str] = mapped_column(String(400))
    duration_minutes: Mapped[int] = mapped_column(Integer, default=30)
    reminder_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    generated_until: Mapped[dt.datetime]


class Holiday(SyncedMixin, Base):
    """The company's holiday calendar, one row per day that is not an ordinary one: ``kind``
    ``holiday`` (a public holiday or a day off in lieu) or ``workday`` (a weekend day worked
    instead, 调休). Seeded from a library, editable by an admin. ``estimate``: the year's
    schedule is not yet announced and the day is the library's guess."""

    __tablename__ = "holidays"

    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    name_zh: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(32), default="manual")
    estimate: Mapped[bool] = mapped_column(Boolean, default=False)
