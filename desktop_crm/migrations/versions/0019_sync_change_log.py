"""sync change log: on PostgreSQL every insert, update, soft and hard delete of a synced
table is recorded with the position of its transaction, for offline replicas to pull

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-26 12:30:00

PostgreSQL only (the office server; a replica's own outbox comes with the replica).

``sync_change_log``: one row per changed row: ``pos`` is the writing transaction's id
(``pg_current_xact_id()``, the 64-bit xid8, kept as bigint: it cannot overflow one), ``seq`` its order within the log, ``op`` I(nsert),
U(pdate), D (soft delete: ``deleted_at`` set) or X (row removed for good), ``fields`` the
columns an update changed (NULL for an insert or a removal: the whole row), ``site_id`` and
``mutation_id`` the replica and the pushed mutation that made it (from the session settings
``crm.sync_site`` / ``crm.sync_mutation`` a push sets; NULL for the office's own edits).

Why the transaction id and not ``seq``: a sequence number is taken when the row is written,
not when the transaction commits, so a reader that remembers "the last seq I read" skips for
good a transaction that took a smaller number but committed later. A reader instead takes
only changes below ``pg_snapshot_xmin(pg_current_snapshot())``, the oldest transaction still
running: every transaction below it has ended, so nothing can appear there later, and the
cursor (pos, seq) never passes a change it did not see.

The log holds ids and column names, no values (a replica reads the rows themselves, through
row-level security): staff may read it, only the capture trigger (SECURITY DEFINER, the
schema owner's) writes it. ``version`` and ``updated_at`` alone are not a change.
"""
from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# every table with the synced columns (models.base.SyncedMixin) at this revision
SYNCED = ("activities", "activity_series", "contacts", "customer_assignments", "customer_tags",
          "customers", "duplicate_ignores", "holidays", "interactions", "notifications",
          "opportunities", "opportunity_stage_history", "orders", "pipeline_stages",
          "sales_targets", "sla_policies", "tags", "ticket_events", "tickets", "users")

CAPTURE = """
CREATE FUNCTION crm_capture_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  kind "char";
  changed text[];
  rid uuid;
BEGIN
  IF TG_OP = 'INSERT' THEN
    kind := 'I';
    rid := NEW.id;
  ELSIF TG_OP = 'DELETE' THEN
    kind := 'X';
    rid := OLD.id;
  ELSE
    SELECT array_agg(n.key ORDER BY n.key) INTO changed
      FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)
     WHERE n.value IS DISTINCT FROM o.value AND n.key NOT IN ('version', 'updated_at');
    IF changed IS NULL THEN
      RETURN NULL;
    END IF;
    kind := CASE WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 'D' ELSE 'U' END;
    rid := NEW.id;
  END IF;
  INSERT INTO sync_change_log (pos, table_name, row_id, op, fields, site_id, mutation_id)
  VALUES (pg_current_xact_id()::text::bigint, TG_TABLE_NAME, rid, kind, changed,
          nullif(current_setting('crm.sync_site', true), '')::uuid,
          nullif(current_setting('crm.sync_mutation', true), '')::uuid);
  RETURN NULL;
END
$$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
CREATE TABLE sync_change_log (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pos bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  table_name text NOT NULL,
  row_id uuid NOT NULL,
  op "char" NOT NULL CHECK (op IN ('I', 'U', 'D', 'X')),
  fields text[],
  site_id uuid,
  mutation_id uuid
)""")
    op.execute("CREATE INDEX ix_sync_change_log_pos ON sync_change_log (pos, seq)")
    op.execute("CREATE INDEX ix_sync_change_log_row ON sync_change_log (table_name, row_id, pos)")
    op.execute(CAPTURE)
    for table in SYNCED:
        op.execute(f"CREATE TRIGGER crm_capture_change AFTER INSERT OR UPDATE OR DELETE "
                   f"ON {table} FOR EACH ROW EXECUTE FUNCTION crm_capture_change()")
    # staff read the log (ids and column names); only the trigger writes it
    op.execute("""
DO $$
DECLARE staff text := current_database() || '_staff';
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = staff) THEN
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON sync_change_log FROM %I', staff);
    EXECUTE format('GRANT SELECT ON sync_change_log TO %I', staff);
  END IF;
END
$$""")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in SYNCED:
        op.execute(f"DROP TRIGGER IF EXISTS crm_capture_change ON {table}")
    op.execute("DROP FUNCTION IF EXISTS crm_capture_change()")
    op.execute("DROP TABLE IF EXISTS sync_change_log")
