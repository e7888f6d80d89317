"""Alembic: an empty database goes to head on both engines, and the models match it."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import desktop_crm.models as models
from desktop_crm.migrations.filters import include_object
from desktop_crm.services.db import Database


def test_empty_to_head_and_models_match(empty_db_url):
    db = Database(empty_db_url)
    assert db.current_revision() is None
    db.upgrade()
    assert db.current_revision() == db.head_revision()
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_object": include_object, "compare_type": True})
        assert compare_metadata(ctx, models.Base.metadata) == []
    tables = set(inspect(db.engine).get_table_names())
    assert set(models.Base.metadata.tables) <= tables
    if db.is_sqlite:
        assert "customer_fts" in tables
    else:
        with db.engine.connect() as conn:
            assert conn.execute(text(
                "SELECT 1 FROM pg_indexes WHERE indexname = 'ix_customers_search_trgm'")).scalar()
    db.upgrade()  # a second run changes nothing
    assert db.current_revision() == db.head_revision()
    db.dispose()


def test_downgrade_to_base_and_up_again(empty_db_url):
    db = Database(empty_db_url)
    db.upgrade()
    command.downgrade(db.alembic_config(), "base")
    assert "customers" not in inspect(db.engine).get_table_names()
    db.upgrade()
    assert "customers" in inspect(db.engine).get_table_names()
    if db.is_sqlite:  # the migration switched foreign keys off while it ran, and back on
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_sqlite_connection_settings(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
