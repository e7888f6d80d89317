"""Orders: purchases, the basis of RFM and lifetime value."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SyncedMixin, currency_column


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


PAID = text("status = 'paid' AND deleted_at IS NULL")


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
        # Partial covering index of the orders that count as revenue: the tier computation
        # (RFM, lifetime value) reads only this, never the table.
        Index("ix_orders_paid_customer_date_amount", "customer_id", "order_date", "amount",
              sqlite_where=PAID, postgresql_where=PAID),
        # the same orders by date: a month's sums (the monthly report) from the index alone
        Index("ix_orders_paid_date", "order_date", "customer_id", "amount",
              sqlite_where=PAID, postgresql_where=PAID),
    )
