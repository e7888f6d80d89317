"""Shared fixtures: a real SQLite file and a real PostgreSQL database per test."""

from __future__ import annotations

import os
import uuid

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


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'crm.sqlite3'}"


def _pg_admin_engine():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture
def pg_url():
    """A new, empty PostgreSQL database on the real server; dropped afterwards.

    The server must be reachable: these tests fail rather than skip (CI runs them).
    """
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
            ), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            # the staff group role of revision 0014 and the staff logins a test made: roles
            # belong to the server, not the database
            logins = conn.execute(text(
                "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = :g"),
                {"g": f"{name}_staff"}).scalars().all()
            for login in logins:
                conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}_staff"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db(db_url):
    """An upgraded database on each engine."""
    from desktop_crm.services.db import Database

    database = Database(db_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(sqlite_url):
    from desktop_crm.services.db import Database

    database = Database(sqlite_url)
    database.upgrade()
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
