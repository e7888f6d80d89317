"""public pool and lead scoring: customer_assignments, notifications, customers.employees

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 10:00:00

``customer_assignments`` is the history of every owner change of a customer (assigned by the
rules or by hand, claimed from the pool, released, returned by the pool rules);
``notifications`` tells staff about them (kind + parameters; the app writes the text in the
reader's language). ``customers.employees`` is the company size that lead scoring uses;
``ix_customers_pool_name`` a partial index of the pool's customers (owner_id IS NULL).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _synced() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"))


IN_POOL = sa.text("owner_id IS NULL AND deleted_at IS NULL")


def upgrade() -> None:
    # a plain ALTER TABLE ... ADD COLUMN on SQLite too (batch mode does not rebuild the table
    # for an added column): a million customers take no time, and the search triggers stay
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("employees", sa.Integer(), nullable=True))
    op.create_index("ix_customers_pool_name", "customers", ["sort_name", "id"], unique=False,
                    sqlite_where=IN_POOL, postgresql_where=IN_POOL)
    op.create_table(
        "customer_assignments",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_user_id", sa.Uuid(), nullable=True),
        sa.Column("to_user_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_user_id", sa.Uuid(), nullable=True),
        *_synced(),
        _fk("customer_assignments", "customer_id", "customers"),
        *(_fk("customer_assignments", column, "users")
          for column in ("from_user_id", "to_user_id", "by_user_id")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_assignments")),
    )
    op.create_index("ix_customer_assignments_customer_at", "customer_assignments",
                    ["customer_id", "at"], unique=False)
    op.create_index("ix_customer_assignments_by_action_at", "customer_assignments",
                    ["by_user_id", "action", "at"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        *_synced(),
        _fk("notifications", "user_id", "users"),
        _fk("notifications", "customer_id", "customers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_user_read", "notifications", ["user_id", "read_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_notifications_user_read", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_customer_assignments_by_action_at", table_name="customer_assignments")
    op.drop_index("ix_customer_assignments_customer_at", table_name="customer_assignments")
    op.drop_table("customer_assignments")
    op.drop_index("ix_customers_pool_name", table_name="customers")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite 3.35+ drops a column in place; batch mode would rebuild the customers table,
        # which drops the search index triggers of revisions 0001 and 0002 with it
        op.execute("ALTER TABLE customers DROP COLUMN employees")
    else:
        op.drop_column("customers", "employees")
