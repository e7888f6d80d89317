"""The public pool (公海): who got which customer when and why, and notifications to staff."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SyncedMixin


class CustomerAssignment(SyncedMixin, Base):
    """One change of a customer's owner: assigned by the rules or by hand, claimed from the
    pool, released (given back) by its owner or a manager, or returned by the pool rules."""

    __tablename__ = "customer_assignments"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    action: Mapped[str] = mapped_column(String(16))  # assign, claim, release, return
    from_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    to_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    # rule:region, rule:industry, round_robin, manual, claim, no_follow_up, lost, or the text a
    # user gave when releasing
    reason: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[dt.datetime]
    # who did it; None: the pool rules, by themselves
    by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)

    __table_args__ = (
        Index("ix_customer_assignments_customer_at", "customer_id", "at"),
        # today's claims of one salesperson (the daily claim limit)
        Index("ix_customer_assignments_by_action_at", "by_user_id", "action", "at"),
    )


class Notification(SyncedMixin, Base):
    """Something a user should know (a customer returned to the pool, ...). Only the kind and
    its parameters are stored; the app renders the text in the reader's language."""

    __tablename__ = "notifications"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"),
                                                          default=None)
    read_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)
