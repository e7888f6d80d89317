"""The connection dialog, the start-up password prompt and the first-run welcome, against the
real PostgreSQL server and real settings and keyring files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWizard
from sqlalchemy.engine import make_url

from desktop_crm.services import connection
from desktop_crm.services.connection import Check, ServerConnection
from desktop_crm.services.db import Database
from desktop_crm.services.settings import Settings
from desktop_crm.views.connection_dialog import (
    ConnectionDialog, check_text, connect_at_start,
)
from desktop_crm.views.first_run import FirstRunWizard

SECRET = "Zz-s3cret-Passw0rd"


def fill(form, url: str, **changes) -> None:
    u = make_url(url)
    values = {"host": u.host, "port": u.port or 5432, "database": u.database,
              "user": u.username, **changes}
    form.host.setText(values["host"])
    form.port.setValue(values["port"])
    form.database.setText(values["database"])
    form.user.setText(values["user"])
    form.sslmode.setCurrentIndex(form.sslmode.findData("disable"))


@pytest.fixture
def ready_pg(pg_url):
    db = Database(pg_url)
    db.upgrade()
    db.dispose()
    return pg_url


@pytest.fixture
def app_log(_isolated_home):
    """The app's own log file, at DEBUG level, in the test's home folder (removed after)."""
    import logging

    from desktop_crm import logfile

    root = logging.getLogger()
    level = root.level
    path = logfile.install(logging.DEBUG)
    root.setLevel(logging.DEBUG)
    yield path
    for h in list(root.handlers):
        if getattr(h, "_desktop_crm", False):
            root.removeHandler(h)
            h.close()
    root.setLevel(level)


def files_hold(root: Path, needle: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


def test_every_outcome_reads_as_a_sentence():
    conn = ServerConnection("crm-server", 5432, "crm", "wang")
    codes = ("ok", "unknown_host", "unreachable", "timeout", "not_postgres", "login_failed",
             "password_required", "no_database", "ssl_unsupported", "no_access", "empty",
             "older", "newer")
    texts = {c: check_text(Check(c, revision="0005", head="0013", server_version="15.2"), conn)
             for c in codes}
    assert len(set(texts.values())) == len(codes)
    assert "crm-server" in texts["unreachable"] and "5432" in texts["unreachable"]
    assert "0005" in texts["older"] and "0013" in texts["older"]
    assert all("%" not in t for t in texts.values())


def test_connect_saves_the_choice_and_keeps_the_password_in_the_keyring(
        qtbot, ready_pg, memory_keyring, _isolated_home, app_log):
    dlg = ConnectionDialog(ServerConnection("", user=""))
    qtbot.addWidget(dlg)
    form = dlg.form
    assert form.remember.isVisibleTo(dlg) and form.keyring_note is None
    fill(form, ready_pg)
    form.password.setText(SECRET)
    dlg.connect_clicked()
    qtbot.waitUntil(lambda: dlg.result() == QDialog.DialogCode.Accepted, timeout=15000)
    assert "PostgreSQL" in form.message.text()
    saved = connection.saved()
    assert saved == form.connection()
    assert memory_keyring.secrets[("desktop-crm", saved.keyring_key)] == SECRET
    assert (_isolated_home / "settings.json").exists()
    assert files_hold(_isolated_home, SECRET) == []


def test_without_a_secure_keyring_nothing_is_stored_and_the_user_is_told(
        qtbot, ready_pg, no_keyring, _isolated_home):
    import keyring

    dlg = ConnectionDialog(ServerConnection("", user=""))
    qtbot.addWidget(dlg)
    form = dlg.form
    assert not form.remember.isVisibleTo(dlg)
    assert "each time" in form.keyring_note.text()
    fill(form, ready_pg)
    form.password.setText(SECRET)
    dlg.connect_clicked()
    qtbot.waitUntil(lambda: dlg.result() == QDialog.DialogCode.Accepted, timeout=15000)
    plaintext = Path(keyring.get_keyring().file_path)
    assert not plaintext.exists() or SECRET not in plaintext.read_text()
    assert files_hold(_isolated_home, SECRET) == []
    assert connection.saved() is not None


def test_a_failed_test_says_why_and_does_not_close(qtbot, ready_pg, memory_keyring):
    dlg = ConnectionDialog(ServerConnection("", user=""))
    qtbot.addWidget(dlg)
    dlg.show()
    form = dlg.form
    dlg.connect_clicked()  # nothing filled in
    assert "Fill in" in form.message.text() and "the server" in form.message.text()
    fill(form, ready_pg, database="no_such_crm_database")
    form.password.setText(SECRET)
    dlg.connect_clicked()
    assert not form.test_button.isEnabled()  # testing in the background
    qtbot.waitUntil(lambda: form.result is not None, timeout=15000)
    assert form.result.code == "no_database"
    assert "no_such_crm_database" in form.message.text()
    assert dlg.isVisible() and dlg.result() != QDialog.DialogCode.Accepted
    assert connection.saved() is None and memory_keyring.secrets == {}


def test_an_empty_database_can_be_set_up_from_the_dialog(qtbot, empty_pg_url, memory_keyring):
    dlg = ConnectionDialog(ServerConnection("", user=""))
    qtbot.addWidget(dlg)
    form = dlg.form
    fill(form, empty_pg_url)
    form.test()
    qtbot.waitUntil(lambda: form.result is not None, timeout=15000)
    assert form.result.code == "empty" and form.setup_button.isVisibleTo(dlg)
    form.setup_button.click()
    qtbot.waitUntil(lambda: form.result is not None and form.result.ok, timeout=60000)
    assert not form.setup_button.isVisibleTo(dlg)


def _answer_next_dialog(answers: list, seen: list) -> None:
    """Answer the modal dialogs connect_at_start opens, one answer each, in order."""
    def answer():
        dlg = QApplication.activeModalWidget()
        if dlg is None:
            QTimer.singleShot(20, answer)
            return
        seen.append((type(dlg).__name__, dlg))
        what = answers.pop(0)
        if what is None:
            dlg.reject()
        else:
            what(dlg)
        if answers:
            QTimer.singleShot(20, answer)
    QTimer.singleShot(20, answer)


def test_start_up_asks_for_the_password_and_says_why_it_asks_again(qtbot, ready_pg,
                                                                      memory_keyring):
    u = make_url(ready_pg)
    conn = ServerConnection(u.host, u.port or 5432, u.database, "nobody_here", "disable")
    seen: list = []

    def type_password(dlg):
        assert dlg.windowTitle()
        dlg.password.setText(SECRET)
        dlg.remember.setChecked(True)
        dlg.accept()

    _answer_next_dialog([type_password, None], seen)
    assert connect_at_start(conn) is None  # the second prompt is cancelled
    prompts = [d for name, d in seen if name == "PasswordDialog"]
    assert len(prompts) == 2
    # the first prompt just asks; the second says the server refused the login
    from PySide6.QtWidgets import QLabel
    first = " ".join(lb.text() for lb in prompts[0].findChildren(QLabel))
    second = " ".join(lb.text() for lb in prompts[1].findChildren(QLabel))
    assert "nobody_here" in first and "did not accept" not in first
    assert "did not accept" in second
    assert memory_keyring.secrets == {}  # a refused password is never remembered


def test_start_up_with_a_reachable_server_asks_nothing(qtbot, ready_pg, memory_keyring):
    u = make_url(ready_pg)
    conn = ServerConnection(u.host, u.port or 5432, u.database, u.username, "disable")
    assert connect_at_start(conn) == (conn, None)


def test_start_up_opens_the_connection_dialog_for_a_missing_database(qtbot, ready_pg,
                                                                     memory_keyring):
    u = make_url(ready_pg)
    wrong = ServerConnection(u.host, u.port or 5432, "no_such_crm_database", u.username,
                             "disable")
    seen: list = []

    def fix(dlg):
        assert isinstance(dlg, ConnectionDialog)
        assert "no_such_crm_database" in dlg.form.message.text()
        dlg.form.database.setText(u.database)
        dlg.connect_clicked()

    _answer_next_dialog([fix], seen)
    reached = connect_at_start(wrong)
    assert reached is not None and reached[0].database == u.database
    assert connection.saved() == reached[0]


def test_the_welcome_on_this_computer_with_demo_data(qtbot, _isolated_home):
    wizard = FirstRunWizard("en")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.language_page.en.setChecked(True)
    wizard.next()
    assert wizard.currentPage() is wizard.company_page
    wizard.company_page.name.setText("上海明远贸易有限公司")
    wizard.next()
    assert wizard.currentPage() is wizard.where_page
    assert wizard.where_page.local.isChecked() and wizard.where_page.isComplete()
    assert str(_isolated_home) in wizard.where_page.local_note.text()
    wizard.next()
    assert wizard.currentPage() is wizard.demo_page
    wizard.demo_page.demo.setChecked(True)
    wizard.accept()
    assert wizard.result() == QDialog.DialogCode.Accepted
    settings = Settings()
    assert settings.get("welcomed") and settings.get("language") == "en"
    assert settings.get("connection") == {"kind": "local"}
    assert wizard.company_name() == "上海明远贸易有限公司" and wizard.wants_demo()


def test_the_welcome_to_the_office_database_needs_a_working_connection(
        qtbot, ready_pg, memory_keyring, _isolated_home, app_log):
    wizard = FirstRunWizard("en")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.next()
    page = wizard.where_page
    page.server.setChecked(True)
    assert page.form.isVisible() and not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    fill(page.form, ready_pg)
    page.form.password.setText(SECRET)
    page.form.test()
    qtbot.waitUntil(page.isComplete, timeout=15000)
    assert page.nextId() == -1 and not wizard.wants_demo()
    wizard.accept()
    assert connection.saved() == page.form.connection()
    assert wizard.password() == SECRET
    assert memory_keyring.secrets[("desktop-crm", connection.saved().keyring_key)] == SECRET
    # the app then opens the database with the password: nothing of it in any file
    from desktop_crm.services.container import Services

    svc = Services.open(connection.saved().url_string(), password=wizard.password())
    svc.customers.create({"name": "甲公司"})
    svc.close()
    assert app_log.exists() and app_log.stat().st_size > 0
    assert files_hold(_isolated_home, SECRET) == []


def test_the_welcome_switches_language_on_the_spot(qtbot):
    from desktop_crm.app import install_translators

    app = QApplication.instance()
    wizard = FirstRunWizard("en", on_language=lambda lang: install_translators(app, lang))
    qtbot.addWidget(wizard)
    wizard.show()
    try:
        wizard.language_page.zh.setChecked(True)
        wizard.next()
        assert wizard.company_page.title() == "您的公司"
        assert wizard.buttonText(QWizard.WizardButton.NextButton) == "下一步 >"
        wizard.back()
        wizard.language_page.en.setChecked(True)
        wizard.next()
        assert wizard.company_page.title() == "Your company"
    finally:
        install_translators(app, "en")
