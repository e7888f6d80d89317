"""Shared fixtures: a real SQLite file and a real PostgreSQL database per test."""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "DESKTOP_CRM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Nothing a test does touches the real user data dir, settings or database choice."""
    home = tmp_path / "home"
    monkeypatch.setenv("DESKTOP_CRM_HOME", str(home))
    monkeypatch.delenv("DESKTOP_CRM_DB", raising=False)
    # the command line speaks the environment's language (the setting's default, "system"):
    # the tests expect English whatever this machine's locale is
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return home


@pytest.fixture(autouse=True)
def _default_locale():
    """A test that starts the app in Chinese (make_app / install_translators) sets Qt's default
    locale; the next test starts from the one before."""
    import sys

    if "PySide6.QtCore" not in sys.modules:
        yield
        return
    from PySide6.QtCore import QLocale

    before = QLocale()
    yield
    QLocale.setDefault(before)


def _migrate(url: str) -> None:
    from desktop_crm.services.db import Database

    database = Database(url)
    database.upgrade()
    database.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory):
    """One SQLite file migrated to the newest schema per test session; tests get copies
    (migrating takes ~0.8 s, copying a few milliseconds)."""
    path = tmp_path_factory.mktemp("template") / "crm.sqlite3"
    _migrate(f"sqlite:///{path}")
    assert not Path(f"{path}-wal").exists(), "the template's WAL was not checkpointed"
    return path


@pytest.fixture
def empty_sqlite_url(tmp_path) -> str:
    """A SQLite file that does not exist yet (for what creates or migrates a database)."""
    return f"sqlite:///{tmp_path / 'crm.sqlite3'}"


@pytest.fixture
def sqlite_url(tmp_path, _sqlite_template) -> str:
    """A SQLite file of its own at the newest schema, with nothing in it."""
    path = tmp_path / "crm.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


def _pg_admin_engine():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _pg_database_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(admin, name: str) -> None:
    """Drop a test database, its staff group role and the staff logins a test made: roles
    belong to the server, not the database."""
    with admin.connect() as conn:
        conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
        ), {"n": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        logins = conn.execute(text(
            "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
            "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = :g"),
            {"g": f"{name}_staff"}).scalars().all()
        for login in logins:
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
        conn.execute(text(f'DROP ROLE IF EXISTS "{name}_staff"'))


@pytest.fixture(scope="session")
def _pg_template():
    """One PostgreSQL database migrated to the newest schema per test session, the template
    each test's database is created from (CREATE DATABASE ... TEMPLATE: ~0.2 s instead of
    ~1.8 s of migrations). Nobody connects to it after it is made (a template must be idle)."""
    name = f"crm_tpl_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _migrate(_pg_database_url(name))
        yield name
    finally:
        _drop_pg_database(admin, name)
        admin.dispose()


@contextlib.contextmanager
def _pg_database(template: str | None):
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'
                          + (f' TEMPLATE "{template}"' if template else "")))
    url = _pg_database_url(name)
    try:
        if template:
            # the copy's grants name the template's staff group: give it its own
            from desktop_crm.services.db import Database
            from desktop_crm.services.staff import ensure_staff_group

            database = Database(url)
            ensure_staff_group(database)
            database.dispose()
        yield url
    finally:
        _drop_pg_database(admin, name)
        admin.dispose()


@pytest.fixture
def empty_pg_url():
    """A new, empty PostgreSQL database on the real server; dropped afterwards.

    The server must be reachable: these tests fail rather than skip (CI runs them).
    """
    with _pg_database(None) as url:
        yield url


@pytest.fixture
def pg_url(_pg_template):
    """A new PostgreSQL database of its own at the newest schema, with nothing in it; dropped
    afterwards (with the staff logins the test made)."""
    with _pg_database(_pg_template) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request) -> str:
    """An empty database (nothing created yet) on each engine."""
    return request.getfixturevalue(
        "empty_sqlite_url" if request.param == "sqlite" else "empty_pg_url")


@pytest.fixture
def db(db_url):
    """A database at the newest schema on each engine."""
    from desktop_crm.services.db import Database

    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(sqlite_url):
    from desktop_crm.services.db import Database

    database = Database(sqlite_url)
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def _no_blocking_message_boxes(request, monkeypatch):
    """Static QMessageBox calls answer at once (Yes / OK) and are recorded, so no test blocks."""
    if "qtbot" not in request.fixturenames:
        yield []
        return
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []

    def answer(kind, result):
        def fn(_parent, title, text, *args, **kwargs):
            shown.append((kind, text))
            return result
        return fn

    monkeypatch.setattr(QMessageBox, "question", answer("question", QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "warning", answer("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "critical", answer("critical", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "information",
                        answer("information", QMessageBox.StandardButton.Ok))
    yield shown
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(10000)


@pytest.fixture
def message_boxes(_no_blocking_message_boxes):
    return _no_blocking_message_boxes


def type_into(qtbot, widget, text: str) -> None:
    """Type as a user does: ASCII key by key, Chinese as an input-method commit (拼音输入法)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    run = ""
    for ch in text + "\0":
        if ch != "\0" and ch.isascii():
            run += ch
            continue
        if run:
            qtbot.keyClicks(widget, run)
            run = ""
        if ch != "\0":
            ev = QInputMethodEvent("", [])
            ev.setCommitString(ch)
            QApplication.sendEvent(widget, ev)


def answer_dialog(cls, fn) -> list:
    """Run ``fn(dialog)`` on the next modal dialog of type ``cls`` once it is shown: a view
    that calls ``exec()`` blocks the test until then. Returns the dialogs seen."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    seen = []

    def poll():
        w = QApplication.activeModalWidget()
        if isinstance(w, cls):
            seen.append(w)
            fn(w)
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(0, poll)
    return seen


@pytest.fixture
def memory_keyring():
    """A secure keyring that keeps secrets in memory (what Windows or macOS would give);
    the machine's own keyring is put back afterwards."""
    import keyring

    from tests.keyring_backend import MemoryKeyring

    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring():
    """No secure keyring: the plain-text file keyrings.alt falls back to on a headless box."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    before = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    yield
    keyring.set_keyring(before)
