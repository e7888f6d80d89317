"""staff access: per-user permissions, shared-PC passwords, and on PostgreSQL the staff group
role, its grants and the row-level security policies

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 09:00:00

Both engines: ``users.permissions`` (extra rights an admin granted beyond the role's, a JSON
list) and ``users.password_hash`` (scrypt; only for several people sharing one PC on SQLite:
on PostgreSQL the server checks each person's own login).

PostgreSQL: every staff member logs in with their own role (its name is their user name),
member of the group role ``<database>_staff`` made here. The group may read and write the
tables; row-level security policies decide which rows:

- customers: an admin sees all; anyone sees the public pool (no owner) and their own; a
  manager sees their team's and their reports' (``crm_people()``); service staff see the
  customers of tickets assigned to them or waiting unassigned (``crm_ticket_customers()``).
  Service staff do not edit customers; only managers and admins delete rows; a row saved
  must stay within what the saver may see (a salesperson can release to the pool, not hand a
  customer to a colleague).
- everything hanging off a customer (contacts, orders, interactions, opportunities, tickets,
  activities, tiers, health ...) is visible and writable when its customer is; activities
  without a customer by their owner; notifications by their addressee.
- audit_log: insert only as yourself; read by admins, by the author, or for a visible
  customer; no staff role may update or delete it (not granted).
- users: everyone reads (names on every list); only admins write.

The identity functions read ``users`` by ``current_user`` and are called as scalar subqueries
``(SELECT crm_uid())`` in the policies, so PostgreSQL evaluates them once per statement, not
per row. Two of them are SECURITY DEFINER: tickets' policy refers to customers, so customers'
policy cannot refer back to tickets without recursion; and creating a login needs CREATEROLE,
which the schema owner (who runs ``desktop-crm init``) has and an admin's own login does not.
The table owner is not subject to the policies (``desktop-crm init``, the demo, maintenance).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

STAFF = "current_database() || '_staff'"

# tables whose rows belong to a customer through customer_id (NOT NULL)
BY_CUSTOMER = ("contacts", "customer_assignments", "customer_health", "customer_metrics",
               "customer_order_stats", "customer_tags", "opportunities", "orders",
               "interactions", "tier_snapshots")
ME = "(SELECT crm_uid())"
ROLE = "(SELECT crm_role())"
PEOPLE = "(SELECT crm_people())::uuid[]"
# the owner rule: who may own what this user saves or sees
OWNS = (f"({ROLE} = 'admin' OR owner_id IS NULL OR owner_id = {ME} "
        f"OR owner_id = ANY ({PEOPLE}))")
CUSTOMER_VISIBLE = (f"({OWNS} OR ({ROLE} = 'service' AND "
                    f"id = ANY ((SELECT crm_ticket_customers())::uuid[])))")


def _visible_customer(column: str) -> str:
    return f"EXISTS (SELECT 1 FROM customers c WHERE c.id = {column})"


FUNCTIONS = """
CREATE FUNCTION crm_uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT id FROM users WHERE username = current_user AND active AND deleted_at IS NULL
$$;
CREATE FUNCTION crm_role() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT role FROM users WHERE username = current_user AND active
                   AND deleted_at IS NULL), '')
$$;
CREATE FUNCTION crm_people() RETURNS uuid[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(u.id), '{}') FROM users u, users me
   WHERE me.username = current_user AND me.role = 'manager' AND me.active
     AND u.deleted_at IS NULL
     AND (u.id = me.id OR u.manager_id = me.id OR (me.team <> '' AND u.team = me.team))
$$;
CREATE FUNCTION crm_ticket_customers() RETURNS uuid[] LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
  SELECT coalesce(array_agg(DISTINCT t.customer_id), '{}') FROM tickets t
   WHERE t.deleted_at IS NULL
     AND (t.assignee_id = (SELECT id FROM users WHERE username = session_user)
          OR (t.assignee_id IS NULL AND t.status NOT IN ('resolved', 'closed')))
$$;
REVOKE ALL ON FUNCTION crm_ticket_customers() FROM PUBLIC;

-- Staff logins: created, changed and disabled by an admin (their own login has no CREATEROLE)
-- or by the schema owner. The password arrives as a SCRAM verifier made by the app, never in
-- clear text, so no server log can hold it.
CREATE FUNCTION crm_staff_login(login text, verifier text, can_login boolean, create_it boolean)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  staff text := current_database() || '_staff';
  caller_admin boolean;
BEGIN
  SELECT EXISTS (SELECT 1 FROM users WHERE username = session_user AND role = 'admin'
                 AND active AND deleted_at IS NULL)
      OR session_user = (SELECT pg_get_userbyid(datdba) FROM pg_database
                          WHERE datname = current_database())
      OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
    INTO caller_admin;
  IF NOT caller_admin THEN
    RAISE EXCEPTION 'only an admin may manage staff logins' USING ERRCODE = '42501';
  END IF;
  IF verifier IS NOT NULL AND verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
    RAISE EXCEPTION 'the password must come as a SCRAM verifier' USING ERRCODE = '22023';
  END IF;
  IF create_it THEN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
      RAISE EXCEPTION 'the login % already exists on this server', login
        USING ERRCODE = '42710';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', login, verifier, staff);
    RETURN;
  END IF;
  IF NOT pg_has_role(login, staff, 'MEMBER') THEN
    RAISE EXCEPTION '% is not a staff login of this database', login USING ERRCODE = '42501';
  END IF;
  IF verifier IS NOT NULL THEN
    EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
  END IF;
  IF can_login IS NOT NULL THEN
    EXECUTE format('ALTER ROLE %I %s', login, CASE WHEN can_login THEN 'LOGIN' ELSE 'NOLOGIN' END);
  END IF;
END
$$;
REVOKE ALL ON FUNCTION crm_staff_login(text, text, boolean, boolean) FROM PUBLIC;
"""


def _postgresql() -> None:
    op.execute(f"""
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {STAFF}) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN', {STAFF});
  END IF;
END
$$""")
    op.execute(FUNCTIONS)
    grants = f"""
DO $$
DECLARE staff text := {STAFF};
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), staff);
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', staff);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I',
                 staff);
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', staff);
  -- tables and sequences later revisions add (created by the same owner) are granted too
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, '
                 'DELETE ON TABLES TO %I', staff);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES '
                 'TO %I', staff);
  EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM %I', staff);
  EXECUTE format('REVOKE UPDATE, DELETE ON audit_log FROM %I', staff);
  EXECUTE format('GRANT EXECUTE ON FUNCTION crm_ticket_customers() TO %I', staff);
  EXECUTE format('GRANT EXECUTE ON FUNCTION crm_staff_login(text, text, boolean, boolean) '
                 'TO %I', staff);
END
$$"""
    op.execute(grants)
    staff_to = "TO PUBLIC"  # policies apply to every role but the owner (and superusers)

    def policy(table: str, name: str, command: str, using: str | None,
               check: str | None = None) -> None:
        sql = f"CREATE POLICY {name} ON {table} FOR {command} {staff_to}"
        if using is not None:
            sql += f" USING ({using})"
        if check is not None:
            sql += f" WITH CHECK ({check})"
        op.execute(sql)

    op.execute("ALTER TABLE customers ENABLE ROW LEVEL SECURITY")
    policy("customers", "crm_see", "SELECT", CUSTOMER_VISIBLE)
    policy("customers", "crm_add", "INSERT", None, f"{ROLE} <> '' AND {OWNS}")
    policy("customers", "crm_edit", "UPDATE", f"{ROLE} NOT IN ('', 'service') AND {OWNS}",
           OWNS)
    policy("customers", "crm_remove", "DELETE", f"{ROLE} IN ('admin', 'manager') AND {OWNS}")

    for table in BY_CUSTOMER:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        policy(table, "crm_by_customer", "ALL", _visible_customer(f"{table}.customer_id"),
               _visible_customer(f"{table}.customer_id"))

    op.execute("ALTER TABLE tickets ENABLE ROW LEVEL SECURITY")
    tickets = (f"({_visible_customer('tickets.customer_id')} OR assignee_id = {ME} "
               f"OR ({ROLE} = 'service' AND assignee_id IS NULL))")
    policy("tickets", "crm_by_customer", "ALL", tickets, tickets)
    for table in ("activities", "activity_series"):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        rule = (f"(CASE WHEN {table}.customer_id IS NULL THEN {OWNS} "
                f"ELSE {_visible_customer(f'{table}.customer_id')} END)")
        policy(table, "crm_by_customer", "ALL", rule, rule)
    for table, parent in (("opportunity_stage_history", "opportunities o WHERE o.id = "
                                                          "opportunity_stage_history.opportunity_id"),
                          ("ticket_events", "tickets t WHERE t.id = ticket_events.ticket_id")):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        rule = f"EXISTS (SELECT 1 FROM {parent})"
        policy(table, "crm_by_parent", "ALL", rule, rule)
    op.execute("ALTER TABLE duplicate_ignores ENABLE ROW LEVEL SECURITY")
    rule = (f"{_visible_customer('duplicate_ignores.customer_a')} AND "
            f"{_visible_customer('duplicate_ignores.customer_b')}")
    policy("duplicate_ignores", "crm_by_customer", "ALL", rule, rule)
    op.execute("ALTER TABLE notifications ENABLE ROW LEVEL SECURITY")
    rule = f"(user_id = {ME} OR {ROLE} = 'admin')"
    policy("notifications", "crm_addressee", "ALL", rule, f"{ROLE} <> ''")

    op.execute("ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY")
    policy("audit_log", "crm_read", "SELECT",
           f"{ROLE} = 'admin' OR user_id = {ME} OR (table_name = 'customers' AND "
           f"{_visible_customer('audit_log.row_id')})")
    policy("audit_log", "crm_write", "INSERT", None, f"user_id = {ME}")

    op.execute("ALTER TABLE users ENABLE ROW LEVEL SECURITY")
    policy("users", "crm_read", "SELECT", "true")
    policy("users", "crm_admin", "ALL", f"{ROLE} = 'admin'", f"{ROLE} = 'admin'")


RLS_TABLES = ("customers", *BY_CUSTOMER, "tickets", "activities", "activity_series",
              "opportunity_stage_history", "ticket_events", "duplicate_ignores",
              "notifications", "audit_log", "users")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("permissions", sa.JSON(), nullable=False,
                                   server_default="[]"))
        batch.add_column(sa.Column("password_hash", sa.String(length=200), nullable=False,
                                   server_default=""))
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in RLS_TABLES:
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
            for name in ("crm_see", "crm_add", "crm_edit", "crm_remove", "crm_by_customer",
                         "crm_by_parent", "crm_addressee", "crm_read", "crm_write",
                         "crm_admin"):
                op.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS crm_staff_login(text, text, boolean, boolean)")
        for fn in ("crm_ticket_customers", "crm_people", "crm_role", "crm_uid"):
            op.execute(f"DROP FUNCTION IF EXISTS {fn}()")
        op.execute(f"""
DO $$
DECLARE staff text := {STAFF};
BEGIN
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM %I', staff);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM %I', staff);
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', staff);
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', staff);
  EXECUTE format('REVOKE ALL ON SCHEMA public FROM %I', staff);
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', current_database(), staff);
END
$$""")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_hash")
        batch.drop_column("permissions")
