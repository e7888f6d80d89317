"""Service tickets and SLA policies."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SyncedMixin


class TicketPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TicketStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


class SlaPolicy(SyncedMixin, Base):
    __tablename__ = "sla_policies"

    name: Mapped[str] = mapped_column(String(100))
    priority: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(16), default="")  # "" = any tier
    response_minutes: Mapped[int] = mapped_column(Integer)
    resolve_minutes: Mapped[int] = mapped_column(Integer)
    business_hours: Mapped[bool] = mapped_column(Boolean, default=True)


class Ticket(SyncedMixin, Base):
    __tablename__ = "tickets"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contacts.id"), default=None)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(16), default=TicketPriority.NORMAL.value)
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.NEW.value, index=True)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    sla_policy_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sla_policies.id"), default=None
    )
    opened_at: Mapped[dt.datetime]
    first_response_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    response_due: Mapped[dt.datetime | None] = mapped_column(default=None)
    resolve_due: Mapped[dt.datetime | None] = mapped_column(default=None)
    satisfaction: Mapped[int | None] = mapped_column(Integer, default=None)  # 1..5
    # the won deal an onboarding ticket was opened for (pipeline automation)
    opportunity_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("opportunities.id"), default=None, index=True)
    # the call (or other interaction) the ticket was opened from
    interaction_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("interactions.id"), default=None)
    satisfaction_comment: Mapped[str] = mapped_column(Text, default="")
    # the SLA clock: stopped since paused_at while waiting on the customer; paused_seconds of
    # working time spent waiting before (the due times already include them)
    paused_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    paused_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    # the deadline running now: response_due until the first response, then resolve_due;
    # NULL once resolved (kept by the ticket service; the list sorts and filters on it)
    sla_due: Mapped[dt.datetime | None] = mapped_column(default=None)
    # escalation done per target: 0 none, 1 warned (about to breach), 2 breached
    response_escalation: Mapped[int] = mapped_column(Integer, default=0)
    resolve_escalation: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        # the list's counts by status and priority, from the index alone
        Index("ix_tickets_status_priority", "status", "priority", "deleted_at"),
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_opened", "opened_at"),
        Index("ix_tickets_sla_due", "sla_due", "number"),
    )


class TicketEvent(SyncedMixin, Base):
    """The ticket's log: replies to the customer and internal notes (the conversation), and
    what happened to it (status, priority, assignee, escalation, satisfaction), each timed
    and attributed."""

    __tablename__ = "ticket_events"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[dt.datetime]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    kind: Mapped[str] = mapped_column(String(16))  # reply, note, status, priority, ...
    body: Mapped[str] = mapped_column(Text, default="")
    from_value: Mapped[str] = mapped_column(String(64), default="")
    to_value: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (Index("ix_ticket_events_ticket_at", "ticket_id", "at"),)
