"""Choosing the database, and keeping its password out of files and logs."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from desktop_crm.services import db as dbmod


def test_default_is_sqlite_in_the_data_dir(_isolated_home):
    url = dbmod.resolve_url(None)
    assert url.startswith("sqlite:///")
    assert str(_isolated_home) in url


def test_env_and_flag_choose_the_database(monkeypatch):
    monkeypatch.setenv("DESKTOP_CRM_DB", "sqlite:////tmp/env.sqlite3")
    assert dbmod.resolve_url(None) == "sqlite:////tmp/env.sqlite3"
    assert dbmod.resolve_url("sqlite:////tmp/flag.sqlite3") == "sqlite:////tmp/flag.sqlite3"


def test_postgres_password_comes_from_the_keyring(memory_keyring):
    url = "postgresql+psycopg://alice@db.example:5433/crm"
    memory_keyring.set_password("desktop-crm", "alice@db.example:5433/crm", "s3cret!")
    engine = dbmod.make_engine(url)
    sent = {}

    class Stop(Exception):
        pass

    @event.listens_for(engine, "do_connect")
    def capture(_dialect, _record, _cargs, cparams):
        sent.update(cparams)
        raise Stop  # what the driver would get; no server needed

    with pytest.raises(Stop):
        engine.connect()
    assert sent["password"] == "s3cret!"
    assert engine.url.password is None  # never in the URL, so never in a log line
    assert "s3cret" not in engine.url.render_as_string(hide_password=False)
    assert dbmod.describe(url) == "PostgreSQL: alice@db.example:5433/crm"


def test_no_keyring_backend_means_no_password(monkeypatch):
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        assert dbmod.password_from_keyring(make_url("postgresql://bob@h/db")) is None
    finally:
        keyring.set_keyring(previous)


def test_plain_postgresql_url_uses_psycopg3(pg_url):
    url = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    engine = dbmod.make_engine(url)
    assert engine.url.drivername == "postgresql+psycopg"
    with engine.connect():
        pass
    engine.dispose()
