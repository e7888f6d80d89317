"""Connecting to the office database: what a failed attempt means, the keyring, the choice."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from desktop_crm.services import connection
from desktop_crm.services.connection import ServerConnection, check
from desktop_crm.services.db import Database, resolve_url
from desktop_crm.services.settings import Settings


def server_of(url: str, **changes) -> ServerConnection:
    u = make_url(url)
    conn = ServerConnection(host=u.host, port=u.port or 5432, database=u.database,
                            user=u.username, sslmode="disable")
    return ServerConnection(**{**conn.__dict__, **changes})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_upgraded_database_is_ready(empty_pg_url):
    db = Database(empty_pg_url)
    db.upgrade()
    head = db.head_revision()
    db.dispose()
    result = check(server_of(empty_pg_url), None)
    assert result.ok and result.revision == head
    assert result.server_version.split(".")[0].isdigit()


def test_an_empty_database_is_set_up_on_request(empty_pg_url):
    conn = server_of(empty_pg_url)
    assert check(conn, None).code == "empty"
    connection.set_up(conn, None)
    assert check(conn, None).ok


def test_older_and_newer_schemas_are_told_apart(pg_url):
    conn = server_of(pg_url)
    engine = create_engine(pg_url)
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    older = check(conn, None)
    assert older.code == "older" and older.revision == "0005" and older.head > "0005"
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    assert check(conn, None).code == "newer"
    engine.dispose()


@pytest.mark.parametrize("changes, code", [
    ({"user": "nobody_here"}, "login_failed"),
    ({"database": "no_such_crm_database"}, "no_database"),
    ({"port": None}, "unreachable"),
    ({"host": "crm-server.invalid"}, "unknown_host"),
    ({"sslmode": "require"}, "ssl_unsupported"),
])
def test_each_failure_has_its_own_code(pg_url, changes, code):
    if changes.get("port", 0) is None:
        changes = {"port": free_port()}
    result = check(server_of(pg_url, **changes), "s3cret-Passw0rd")
    assert result.code == code, result
    assert "s3cret-Passw0rd" not in result.detail


def test_the_server_words_come_along_without_the_password(pg_url):
    result = check(server_of(pg_url, user="nobody_here"), "s3cret-Passw0rd")
    assert 'role "nobody_here" does not exist' in result.detail
    assert "s3cret" not in result.detail


def test_the_choice_is_saved_without_a_password(tmp_path):
    settings = Settings(tmp_path / "settings.json")
    assert connection.saved(settings) is None
    conn = ServerConnection("crm.office.lan", 5433, "crm", "wang", "require")
    connection.save_choice(conn, settings)
    again = Settings(tmp_path / "settings.json")
    assert connection.saved(again) == conn
    assert connection.chosen_url(again) == \
        "postgresql+psycopg://wang@crm.office.lan:5433/crm?sslmode=require"
    connection.save_choice(None, again)
    assert connection.saved(Settings(tmp_path / "settings.json")) is None


def test_resolve_url_follows_the_saved_choice():
    conn = ServerConnection("crm.office.lan", 5432, "crm", "wang")
    connection.save_choice(conn)
    assert resolve_url(None) == "postgresql+psycopg://wang@crm.office.lan:5432/crm"
    assert resolve_url("sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"
    connection.save_choice(None)
    assert resolve_url(None).startswith("sqlite:///")


def test_a_secure_keyring_keeps_the_password(memory_keyring):
    conn = ServerConnection("crm.office.lan", 5432, "crm", "wang")
    assert connection.keyring_name() == "test keyring"
    assert connection.store_password(conn, "s3cret-Passw0rd")
    assert connection.stored_password(conn) == "s3cret-Passw0rd"
    assert memory_keyring.secrets == {("desktop-crm", "wang@crm.office.lan:5432/crm"):
                                      "s3cret-Passw0rd"}
    connection.forget_password(conn)
    assert connection.stored_password(conn) is None


def test_a_plain_text_keyring_is_never_used(no_keyring, tmp_path):
    import keyring

    backend = keyring.get_keyring()
    conn = ServerConnection("crm.office.lan", 5432, "crm", "wang")
    assert connection.keyring_name() is None
    assert connection.store_password(conn, "s3cret-Passw0rd") is False
    assert connection.stored_password(conn) is None
    assert backend.get_password("desktop-crm", conn.keyring_key) is None


def test_the_password_goes_to_the_driver_not_the_url(pg_url, memory_keyring):
    conn = server_of(pg_url)
    db = Database(conn.url_string(), password="s3cret-Passw0rd")
    try:
        assert "s3cret" not in db.url
        assert "s3cret" not in db.engine.url.render_as_string(hide_password=False)
        db.ping()  # trust authentication: the server ignores the password
    finally:
        db.dispose()
