"""Staff accounts."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SyncedMixin


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    SALES = "sales"
    SERVICE = "service"


class User(SyncedMixin, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16), default=Role.SALES.value)
    team: Mapped[str] = mapped_column(String(64), default="")
    manager_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    email: Mapped[str] = mapped_column(String(254), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # rights granted beyond the role's (services/access.py PERMISSIONS), e.g. ["export"]
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # scrypt hash for several people sharing one PC on SQLite; empty: no password asked.
    # On PostgreSQL each person logs in with their own server role instead.
    password_hash: Mapped[str] = mapped_column(String(200), default="", server_default="")
