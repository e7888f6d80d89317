"""live updates: on PostgreSQL, a NOTIFY on channel ``crm_changes`` after every statement that
changes a shared table

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 10:00:00

One trigger function, ``crm_notify_change()``, fired AFTER INSERT OR UPDATE OR DELETE ... FOR
EACH STATEMENT (a 10,000-row import sends one notice, not 10,000) on the tables other people's
screens show. The payload is tiny JSON: the table, the saver's login (``current_user``) and
backend pid, e.g. ``{"t": "customers", "u": "zhang", "p": 4711}``; never row contents, because
row-level security (revision 0014) decides who may see which rows and a notice goes to every
listener: the listeners re-query through their own permissions. PostgreSQL drops duplicate
notices of one transaction itself (same channel and payload), so a transaction that writes
customers a hundred times sends one.

``services/live.py`` listens. SQLite has no NOTIFY: nothing here (the app polls
``PRAGMA data_version`` instead).
"""
from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

CHANNEL = "crm_changes"
TABLES = ("customers", "contacts", "orders", "interactions", "opportunities",
          "opportunity_stage_history", "activities", "tickets", "ticket_events",
          "pipeline_stages", "shared_settings", "sales_targets", "users")

FUNCTION = f"""
CREATE FUNCTION crm_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', json_build_object(
    't', TG_TABLE_NAME, 'u', current_user, 'p', pg_backend_pid())::text);
  RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for table in TABLES:
        op.execute(f"CREATE TRIGGER crm_notify_change AFTER INSERT OR UPDATE OR DELETE "
                   f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION crm_notify_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS crm_notify_change ON {table}")
    op.execute("DROP FUNCTION IF EXISTS crm_notify_change()")
