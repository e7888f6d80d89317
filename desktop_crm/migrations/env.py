"""Alembic environment. Run through ``Database.upgrade()`` or ``desktop-crm init``."""

from __future__ import annotations

from alembic import context

import desktop_crm.models as models
from desktop_crm.migrations.filters import include_object

def run_migrations_online() -> None:
    config = context.config
    engine = config.attributes.get("engine")
    connection = config.attributes.get("connection")
    if connection is None:
        if engine is None:
            from desktop_crm.services.db import make_engine, resolve_url

            engine = make_engine(resolve_url(config.get_main_option("sqlalchemy.url")))
        if engine.dialect.name == "sqlite":
            _run_sqlite(engine)
        else:
            with engine.begin() as conn:
                _run(conn)
    else:
        _run(connection)


def _run_sqlite(engine) -> None:
    """Batch migrations rebuild a table (create a copy, drop the old one, rename), which with
    foreign keys on deletes or refuses rows that other tables point at. The checks are off
    while the migration runs (PRAGMA foreign_keys cannot change inside a transaction) and the
    whole database is checked before it commits."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()  # ends SQLAlchemy's autobegun transaction; the pragma stays
        try:
            with conn.begin():
                _run(conn)
                bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if bad:
                    raise RuntimeError(f"migration left rows with broken foreign keys: {bad[:5]}")
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()


def _run(conn) -> None:
    context.configure(
        connection=conn,
        target_metadata=models.Base.metadata,
        render_as_batch=conn.dialect.name == "sqlite",
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
