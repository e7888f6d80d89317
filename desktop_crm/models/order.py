"""Orders: purchases, the basis of RFM and lifetime value."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SyncedMixin, currency_column


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class Order(SyncedMixin, Base):
    __tablename__ = "orders"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    order_no: Mapped[str] = mapped_column(String(32), default="")
    order_date: Mapped[dt.date]
    amount: Mapped[Decimal]
    currency: Mapped[str] = currency_column()
    status: Mapped[str] = mapped_column(String(16), default=OrderStatus.PAID.value)
    notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        # Covering index for per-customer aggregates (RFM, 360 totals).
        Index("ix_orders_customer_date_amount", "customer_id", "order_date", "amount"),
        Index("ix_orders_date", "order_date"),
    )
