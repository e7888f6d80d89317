"""Sync conflicts: what a replica's push could not apply as it was, kept for a person to
decide (issue 9). A synced table itself, so the office and every laptop list the same ones."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SyncedMixin


class ConflictKind(StrEnum):
    FIELD = "field"  # both sides changed the same field (or change unit) since the base
    DELETE = "delete"  # one side deleted the record, the other edited it
    UNIQUE = "unique"  # the replica's new record clashed with a unique key (a customer code)
    DUPLICATE = "duplicate"  # a new customer looks like another one: for the merge tool
    REJECTED = "rejected"  # the server's rules refused the change (permissions, validity)


class SyncConflict(SyncedMixin, Base):
    __tablename__ = "sync_conflicts"

    kind: Mapped[str] = mapped_column(String(16))
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID]
    # the field, or the change unit ("address": province, city and address together)
    field: Mapped[str] = mapped_column(String(64), default="")
    # {column: value} as JSON-ready text values; None: the record did not exist / was deleted
    base_value: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    mine_value: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    theirs_value: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # who pushed the losing value, from which replica, when they typed it (their clock)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    site_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    mine_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # who made the value that was kept, and when (the server's clock)
    theirs_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    theirs_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    other_row_id: Mapped[uuid.UUID | None] = mapped_column(default=None)  # the look-alike
    message: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    resolution: Mapped[str] = mapped_column(String(16), default="")  # mine / theirs / value

    __table_args__ = (
        Index("ix_sync_conflicts_open", "resolved_at", "created_at"),
        Index("ix_sync_conflicts_row", "table_name", "row_id"),
    )
