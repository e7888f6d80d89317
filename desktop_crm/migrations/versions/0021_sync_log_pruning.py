"""sync change log pruning: how far the server's change log has been cut back

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-26 16:00:00

PostgreSQL only. ``desktop-crm sync-log prune --keep-days N`` (the schema owner) removes log
entries older than N days, the tombstones of deleted records among them, and records in
``sync_log_pruned`` the position up to which entries are gone. A replica whose pull cursor
is at or below it missed changes it can no longer read: its sync pushes its own changes
first, then reads everything its user may see again (services/sync.py ``redownload``).
Keep N above the longest time a laptop stays offline.
"""
from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
CREATE TABLE sync_log_pruned (
  id integer PRIMARY KEY CHECK (id = 1),
  below_pos bigint NOT NULL,
  pruned_at timestamptz NOT NULL DEFAULT now()
)""")
    op.execute("""
DO $$
DECLARE staff text := current_database() || '_staff';
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = staff) THEN
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON sync_log_pruned FROM %I', staff);
    EXECUTE format('GRANT SELECT ON sync_log_pruned TO %I', staff);
  END IF;
END
$$""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE IF EXISTS sync_log_pruned")
