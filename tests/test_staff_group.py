"""A database that reached the newest schema as a copy (CREATE DATABASE ... TEMPLATE, or a
restore under another name) gets its own staff group with exactly the privileges the
migrations give the group of a database migrated in place."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from desktop_crm.services.db import Database

PRIVILEGES = text("""
SELECT 'table ' || c.relname || ' ' || p.priv
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p(priv)
 WHERE n.nspname = 'public'
   AND CASE WHEN c.relkind IN ('r', 'p', 'v') THEN has_table_privilege(:role, c.oid, p.priv) END
UNION ALL
SELECT 'sequence ' || c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public'
   AND CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(:role, c.oid, 'USAGE') END
UNION ALL
SELECT 'function ' || p.oid::regprocedure::text
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public' AND p.proname LIKE 'crm%'
   AND has_function_privilege(:role, p.oid, 'EXECUTE')
UNION ALL
SELECT 'schema usage' WHERE has_schema_privilege(:role, 'public', 'USAGE')
UNION ALL
SELECT 'connect' WHERE has_database_privilege(:role, current_database(), 'CONNECT')
ORDER BY 1""")


def staff_privileges(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        role = conn.execute(text("SELECT current_database() || '_staff'")).scalar()
        return list(conn.execute(PRIVILEGES, {"role": role}).scalars())


def test_a_copied_database_gets_the_same_staff_privileges_as_one_migrated_in_place(
        empty_pg_url, pg_url):
    in_place = Database(empty_pg_url)
    # the migrations alone, not Database.upgrade (which also runs ensure_staff_group)
    command.upgrade(in_place.alembic_config(), "head")
    copied = Database(pg_url)  # a copy of the session's template, given its own group
    try:
        expected = staff_privileges(in_place)
        assert "table customers SELECT" in expected and "table audit_log INSERT" in expected
        assert "table audit_log UPDATE" not in expected  # nor may staff rewrite the log
        assert "table alembic_version INSERT" not in expected
        assert any(p.startswith("function crm_staff_login") for p in expected)
        assert staff_privileges(copied) == expected
        with copied.engine.connect() as conn:
            # and none of it is had through the template's group
            assert conn.execute(text(
                "SELECT count(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "WHERE g.rolname = current_database() || '_staff'")).scalar() == 0
    finally:
        in_place.dispose()
        copied.dispose()
