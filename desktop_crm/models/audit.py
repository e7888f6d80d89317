"""The audit log: who changed which field of which row, when, from what to what."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID]
    action: Mapped[str] = mapped_column(String(16))  # create, update, delete, restore
    field: Mapped[str] = mapped_column(String(64), default="")
    old_value: Mapped[str | None] = mapped_column(Text, default=None)
    new_value: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (Index("ix_audit_log_row", "table_name", "row_id", "at"),
                      # the whole log newest first, and one person's entries (revision 0016)
                      Index("ix_audit_log_at", "at", "id"),
                      Index("ix_audit_log_user_at", "user_id", "at", "id"))
