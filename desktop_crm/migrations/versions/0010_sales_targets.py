"""sales targets: revenue and new customers per salesperson or team, per month or quarter

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 18:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sales_targets",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("revenue", sa.Numeric(14, 2), nullable=True),
        sa.Column("new_customers", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_sales_targets_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_targets")),
    )
    op.create_index("ix_sales_targets_period", "sales_targets", ["period", "user_id", "team"])


def downgrade() -> None:
    op.drop_index("ix_sales_targets_period", table_name="sales_targets")
    op.drop_table("sales_targets")
