"""sync: conflicts (both engines), the server's replica and mutation ledgers (PostgreSQL),
a replica's state, outbox and history (SQLite)

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-26 15:00:00

``sync_conflicts`` (models/sync.py) is a synced table like the others: a push records one
on the server, the pull brings it to the laptop, a resolution made anywhere goes the same way.
Staff see the conflicts they made, the ones on values they made, and (managers) their people's.

PostgreSQL: ``sync_sites`` (one row per replica: whose, since when, last sync) and
``sync_applied_mutations`` (the idempotency ledger: a pushed mutation id is applied once, a
retried batch finds its ids there and changes nothing). Staff may add to both, never change
or remove a ledger entry.

SQLite (every local database; only a replica fills them): ``sync_state`` (one row: the
replica's site id, server, user, pull cursor), ``sync_outbox`` (local changes not yet
acknowledged by the server, written by triggers generated from the models at every start:
services/replica.py), ``sync_control`` (one row: 1 while pulled changes are applied, so they
do not echo back into the outbox), ``sync_refresh`` (rows a push did not change as sent, to read back at the next pull),
``sync_runs`` (the sync history).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

ME = "(SELECT crm_uid())"
ROLE = "(SELECT crm_role())"
PEOPLE = "(SELECT crm_people())::uuid[]"
SEES = (f"({ROLE} = 'admin' OR user_id = {ME} OR theirs_by = {ME} "
        f"OR user_id = ANY ({PEOPLE}))")


def _conflicts() -> None:
    dt = sa.DateTime(timezone=True)
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", dt, nullable=False),
        sa.Column("updated_at", dt, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", dt, nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("base_value", sa.JSON(), nullable=True),
        sa.Column("mine_value", sa.JSON(), nullable=True),
        sa.Column("theirs_value", sa.JSON(), nullable=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id",
                  name="fk_sync_conflicts_user_id_users"), nullable=True),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("mine_at", dt, nullable=True),
        sa.Column("theirs_by", sa.Uuid(), sa.ForeignKey("users.id",
                  name="fk_sync_conflicts_theirs_by_users"), nullable=True),
        sa.Column("theirs_at", dt, nullable=True),
        sa.Column("other_row_id", sa.Uuid(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("resolved_at", dt, nullable=True),
        sa.Column("resolved_by", sa.Uuid(), sa.ForeignKey("users.id",
                  name="fk_sync_conflicts_resolved_by_users"), nullable=True),
        sa.Column("resolution", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sync_conflicts"),
    )
    op.create_index("ix_sync_conflicts_open", "sync_conflicts", ["resolved_at", "created_at"])
    op.create_index("ix_sync_conflicts_row", "sync_conflicts", ["table_name", "row_id"])


def _server() -> None:
    op.execute("""
CREATE TABLE sync_sites (
  id uuid PRIMARY KEY,
  user_id uuid REFERENCES users (id),
  name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_sync_at timestamptz,
  schema_rev text NOT NULL DEFAULT ''
)""")
    op.execute("""
CREATE TABLE sync_applied_mutations (
  mutation_id uuid PRIMARY KEY,
  site_id uuid NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  outcome text NOT NULL
)""")
    op.execute("CREATE TRIGGER crm_capture_change AFTER INSERT OR UPDATE OR DELETE "
               "ON sync_conflicts FOR EACH ROW EXECUTE FUNCTION crm_capture_change()")
    op.execute("ALTER TABLE sync_conflicts ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY crm_see ON sync_conflicts FOR SELECT TO PUBLIC USING {SEES}")
    op.execute(f"CREATE POLICY crm_add ON sync_conflicts FOR INSERT TO PUBLIC "
               f"WITH CHECK ({ROLE} <> '')")
    op.execute(f"CREATE POLICY crm_resolve ON sync_conflicts FOR UPDATE TO PUBLIC "
               f"USING {SEES} WITH CHECK {SEES}")
    op.execute("""
DO $$
DECLARE staff text := current_database() || '_staff';
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = staff) THEN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON sync_conflicts, sync_sites TO %I', staff);
    EXECUTE format('REVOKE DELETE ON sync_conflicts, sync_sites FROM %I', staff);
    EXECUTE format('GRANT SELECT, INSERT ON sync_applied_mutations TO %I', staff);
    EXECUTE format('REVOKE UPDATE, DELETE ON sync_applied_mutations FROM %I', staff);
  END IF;
END
$$""")


def _replica() -> None:
    op.execute("""
CREATE TABLE sync_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  site_id CHAR(32) NOT NULL,
  server_url TEXT NOT NULL,
  server_login TEXT NOT NULL DEFAULT '',
  user_id CHAR(32),
  pull_pos BIGINT NOT NULL DEFAULT 0,
  pull_seq BIGINT NOT NULL DEFAULT 0,
  schema_rev TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  last_sync_at DATETIME,
  snapshot_done INTEGER NOT NULL DEFAULT 0
)""")
    op.execute("""
CREATE TABLE sync_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  mutation_id CHAR(32) NOT NULL UNIQUE,
  table_name TEXT NOT NULL,
  row_id CHAR(32) NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('I', 'U', 'X')),
  old_row TEXT,
  new_row TEXT,
  made_at DATETIME NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending'))
)""")
    op.execute("CREATE INDEX ix_sync_outbox_row ON sync_outbox (table_name, row_id, status)")
    op.execute("CREATE TABLE sync_control (id INTEGER PRIMARY KEY CHECK (id = 1), "
               "applying INTEGER NOT NULL DEFAULT 0)")
    op.execute("INSERT INTO sync_control (id, applying) VALUES (1, 0)")
    # rows to read back from the server at the next pull: the server kept its own value
    op.execute("CREATE TABLE sync_refresh (table_name TEXT NOT NULL, row_id CHAR(32) NOT NULL, "
               "PRIMARY KEY (table_name, row_id))")
    op.execute("""
CREATE TABLE sync_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at DATETIME NOT NULL,
  finished_at DATETIME,
  pushed INTEGER NOT NULL DEFAULT 0,
  pulled INTEGER NOT NULL DEFAULT 0,
  conflicts INTEGER NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL DEFAULT 'running',
  error TEXT NOT NULL DEFAULT ''
)""")


def upgrade() -> None:
    _conflicts()
    if op.get_bind().dialect.name == "postgresql":
        _server()
    else:
        _replica()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS crm_capture_change ON sync_conflicts")
        op.execute("DROP TABLE IF EXISTS sync_applied_mutations")
        op.execute("DROP TABLE IF EXISTS sync_sites")
    else:
        # the outbox triggers are made from the models by services/replica.py
        conn = op.get_bind()
        for (name,) in conn.execute(sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'crm_sync_%'")).all():
            op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        for table in ("sync_runs", "sync_refresh", "sync_control", "sync_outbox", "sync_state"):
            op.execute(f"DROP TABLE IF EXISTS {table}")
    op.drop_index("ix_sync_conflicts_row", "sync_conflicts")
    op.drop_index("ix_sync_conflicts_open", "sync_conflicts")
    op.drop_table("sync_conflicts")
