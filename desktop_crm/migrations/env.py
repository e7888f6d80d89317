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
        with engine.begin() as conn:
            _run(conn)
    else:
        _run(connection)


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
