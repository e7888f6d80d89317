"""Customers, their contacts and tags."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SyncedMixin


class CustomerKind(StrEnum):
    COMPANY = "company"
    PERSON = "person"


class Tier(StrEnum):
    STRATEGIC = "strategic"
    GROWTH = "growth"
    BASIC = "basic"
    DORMANT = "dormant"


# The public pool (公海): customers without an owner, not deleted.
IN_POOL = text("owner_id IS NULL AND deleted_at IS NULL")


class Customer(SyncedMixin, Base):
    __tablename__ = "customers"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default=CustomerKind.COMPANY.value)
    name: Mapped[str] = mapped_column(String(200))
    name_pinyin: Mapped[str] = mapped_column(String(600), default="")
    name_initials: Mapped[str] = mapped_column(String(200), default="")
    # The list's name order: pinyin for Chinese names, lower case otherwise, so 安徽 sorts
    # next to Anderson as Chinese users expect, not after every Latin name.
    sort_name: Mapped[str] = mapped_column(String(600), default="", server_default="")
    # Phones in E.164 ("+8613812345678"); shown in national form.
    phone: Mapped[str] = mapped_column(String(32), default="")
    phone2: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    region: Mapped[str] = mapped_column(String(32), default="")  # 华东, 华北 ...
    province: Mapped[str] = mapped_column(String(32), default="")
    city: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    industry: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(64), default="")
    employees: Mapped[int | None] = mapped_column(Integer, default=None)  # company size
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    tier: Mapped[str] = mapped_column(String(16), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Lower-cased name, pinyin, initials, code, phone digits and email: what
    # search matches (SQLite FTS5 trigram table, PostgreSQL pg_trgm index).
    search_text: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_customers_sort_name_id", "sort_name", "id"),
        Index("ix_customers_owner_name", "owner_id", "sort_name", "id"),
        Index("ix_customers_tier_name", "tier", "sort_name", "id"),
        Index("ix_customers_province_name", "province", "sort_name", "id"),
        Index("ix_customers_industry_name", "industry", "sort_name", "id"),
        Index("ix_customers_source_name", "source", "sort_name", "id"),
        Index("ix_customers_updated_id", "updated_at", "id"),
        Index("ix_customers_created", "created_at", "deleted_at"),  # counts from the index
        # the pool's list and size: a few percent of the customers, whatever the table's size
        Index("ix_customers_pool_name", "sort_name", "id", sqlite_where=IN_POOL,
              postgresql_where=IN_POOL),
    )


class Contact(SyncedMixin, Base):
    __tablename__ = "contacts"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    name_pinyin: Mapped[str] = mapped_column(String(300), default="")
    title: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    wechat: Mapped[str] = mapped_column(String(64), default="")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")


class Tag(SyncedMixin, Base):
    __tablename__ = "tags"

    name: Mapped[str] = mapped_column(String(64), unique=True)
    color: Mapped[str] = mapped_column(String(9), default="#607d8b")


class CustomerTag(SyncedMixin, Base):
    __tablename__ = "customer_tags"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    tag_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tags.id"), index=True)

    __table_args__ = (UniqueConstraint("customer_id", "tag_id"),)
