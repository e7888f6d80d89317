"""duplicates: pairs marked "not duplicates", phone and e-mail look-up indexes

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 23:00:00

``duplicate_ignores`` holds the pairs of customers a user said are different (the smaller
id first), so the duplicate finder does not offer them again; synced like other rows.
Partial indexes on ``customers.phone``, ``phone2`` and ``email`` (non-empty values only) let
the new-customer form warn "a customer with this phone already exists" in a millisecond at
a million customers (a scan takes ~0.2 s). On the million-customer demo the upgrade takes
a few seconds.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEXES = (("ix_customers_phone", "phone"), ("ix_customers_phone2", "phone2"),
           ("ix_customers_email", "email"))


def upgrade() -> None:
    op.create_table(
        "duplicate_ignores",
        sa.Column("customer_a", sa.Uuid(), nullable=False),
        sa.Column("customer_b", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["customer_a"], ["customers.id"],
                                name=op.f("fk_duplicate_ignores_customer_a_customers")),
        sa.ForeignKeyConstraint(["customer_b"], ["customers.id"],
                                name=op.f("fk_duplicate_ignores_customer_b_customers")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_duplicate_ignores_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_ignores")),
        sa.UniqueConstraint("customer_a", "customer_b",
                            name=op.f("uq_duplicate_ignores_customer_a")),
    )
    for name, column in INDEXES:
        where = sa.text(f"{column} <> ''")
        op.create_index(name, "customers", [column], sqlite_where=where,
                        postgresql_where=where)


def downgrade() -> None:
    for name, _column in INDEXES:
        op.drop_index(name, table_name="customers")
    op.drop_table("duplicate_ignores")
