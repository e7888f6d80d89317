"""audit_log: indexes for reading the whole log newest first, and one person's entries

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26 10:00:00

The admin's audit log window pages the whole log by (at, id) descending, optionally for one
user. Without an index each page scanned and sorted every row (about 1 s a page at 300,000
entries on SQLite; 15 ms with it). One record's history keeps using (table_name, row_id, at).
"""
from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_at", "audit_log", ["at", "id"])
    op.create_index("ix_audit_log_user_at", "audit_log", ["user_id", "at", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_user_at", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
