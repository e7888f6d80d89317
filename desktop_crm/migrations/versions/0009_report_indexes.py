"""monthly report: indexes for month aggregates

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 16:00:00

The monthly report sums a month of paid orders (about 280,000 on the million-customer demo),
counts customers created before a date, first purchases in a month and follow-ups done in a
month. ``ix_orders_paid_date`` (order_date, customer_id, amount of paid, live orders) answers
the order sums from the index alone; the others make the counts index ranges.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

PAID = sa.text("status = 'paid' AND deleted_at IS NULL")
DONE = sa.text("done_at IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_orders_paid_date", "orders", ["order_date", "customer_id", "amount"],
                    unique=False, sqlite_where=PAID, postgresql_where=PAID)
    op.create_index("ix_customers_created", "customers", ["created_at", "deleted_at"],
                    unique=False)
    op.create_index("ix_customer_order_stats_first_day", "customer_order_stats",
                    ["first_day"], unique=False)
    op.create_index("ix_activities_done", "activities", ["done_at"], unique=False,
                    sqlite_where=DONE, postgresql_where=DONE)


def downgrade() -> None:
    op.drop_index("ix_activities_done", table_name="activities")
    op.drop_index("ix_customer_order_stats_first_day", table_name="customer_order_stats")
    op.drop_index("ix_customers_created", table_name="customers")
    op.drop_index("ix_orders_paid_date", table_name="orders")
