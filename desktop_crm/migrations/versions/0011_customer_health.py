"""customer health score: stored scores, their state, and change indexes

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 20:00:00

``customer_health`` holds each live customer's score and parts (derived data: every database
computes its own, nothing here is synced); on SQLite without rowid, keyed by the customer.
``customer_health_state`` is one row: when the scores were last computed in full and up to
when changed customers were refreshed. Two covering indexes give every customer's last
contact (live interactions, completed follow-ups) without reading the tables; the
``updated_at`` indexes on orders, interactions, activities and tickets answer "which
customers changed since then" as index ranges. On the million-customer demo the upgrade
takes about 25 s (the orders index: 10M rows).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")
DONE = sa.text("done_at IS NOT NULL AND deleted_at IS NULL")
CHANGE_INDEXES = (("ix_orders_updated", "orders"), ("ix_interactions_updated", "interactions"),
                  ("ix_activities_updated", "activities"), ("ix_tickets_updated", "tickets"))


def upgrade() -> None:
    op.create_table(
        "customer_health",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=True),
        sa.Column("recency", sa.SmallInteger(), nullable=True),
        sa.Column("trend", sa.SmallInteger(), nullable=True),
        sa.Column("tickets", sa.SmallInteger(), nullable=True),
        sa.Column("satisfaction", sa.SmallInteger(), nullable=True),
        sa.Column("follow_up", sa.SmallInteger(), nullable=True),
        sa.Column("alive", sa.SmallInteger(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_customer_health_customer_id_customers")),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_health")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_customer_health_score", "customer_health", ["score", "customer_id"])
    op.create_table(
        "customer_health_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("full_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_health_state")),
    )
    op.create_index("ix_interactions_customer_live", "interactions",
                    ["customer_id", "occurred_at", "deleted_at"],
                    sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_index("ix_activities_customer_done", "activities",
                    ["customer_id", "done_at", "deleted_at"],
                    sqlite_where=DONE, postgresql_where=DONE)
    for name, table in CHANGE_INDEXES:
        op.create_index(name, table, ["updated_at"])


def downgrade() -> None:
    for name, table in CHANGE_INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_activities_customer_done", table_name="activities")
    op.drop_index("ix_interactions_customer_live", table_name="interactions")
    op.drop_table("customer_health_state")
    op.drop_index("ix_customer_health_score", table_name="customer_health")
    op.drop_table("customer_health")
