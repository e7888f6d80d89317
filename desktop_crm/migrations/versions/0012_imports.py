"""import log: imports, the records each import created or updated, orders by number

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 22:00:00

``imports`` is one row per import of a file (kind, file, user, times, counts, status, the
column mapping used, the next row to write); ``import_rows`` the records it created or
updated, with their version after the import and the values an update replaced, so the
import can be undone while nothing changed them since (no rowid on SQLite: keyed by import
and record). ``ix_orders_order_no`` lets an import find the orders it already has by number without
scanning the table.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("sheet", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("on_duplicate", sa.String(length=8), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("next_row", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.Uuid(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_imports_user_id_users")),
        sa.ForeignKeyConstraint(["undone_by"], ["users.id"],
                                name=op.f("fk_imports_undone_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_index("ix_imports_started", "imports", ["started_at"])
    op.create_table(
        "import_rows",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"],
                                name=op.f("fk_import_rows_import_id_imports")),
        sa.PrimaryKeyConstraint("import_id", "row_id", name=op.f("pk_import_rows")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_orders_order_no", "orders", ["order_no"])


def downgrade() -> None:
    op.drop_index("ix_orders_order_no", table_name="orders")
    op.drop_table("import_rows")
    op.drop_index("ix_imports_started", table_name="imports")
    op.drop_table("imports")
