"""Choosing the database, and keeping its password out of files and logs."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy.engine import make_url

from desktop_crm.services import db as dbmod


class MemoryKeyring(KeyringBackend):
    """A real keyring backend kept in memory (the test machine has no Secret Service)."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


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
    assert engine.url.password == "s3cret!"
    assert "s3cret" not in repr(engine.url)
    assert "s3cret" not in dbmod.safe_url(engine.url)
    assert dbmod.describe(url) == "PostgreSQL: alice@db.example:5433/crm"
    engine.dispose()


def test_no_keyring_backend_means_no_password(monkeypatch):
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
