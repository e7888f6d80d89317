"""Backup and restore of the local SQLite database, the log file, the single-instance lock and
the unexpected-error dialog (issue 10)."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from desktop_crm.services import backup as backups
from desktop_crm.services.container import Services
from desktop_crm.services.db import Database
from tests.test_cli import run


def names(url: str) -> set[str]:
    svc = Services.open(url)
    try:
        with svc.db.read() as s:
            from sqlalchemy import text

            return {r[0] for r in s.execute(text(
                "SELECT name FROM customers WHERE deleted_at IS NULL"))}
    finally:
        svc.close()


def path_of(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def connect(path, **kw) -> sqlite3.Connection:
    """A plain sqlite3 connection that can write customers (their search-index triggers)."""
    from desktop_crm.services.text import short_tokens

    conn = sqlite3.connect(path, **kw)
    conn.create_function("crm_short_tokens", 2, short_tokens, deterministic=True)
    return conn


@pytest.fixture
def filled(sqlite_url) -> str:
    svc = Services.open(sqlite_url)
    for name in ("张三", "李四", "王伟"):
        svc.customers.create({"name": name, "phone": "13812345678"})
    svc.close()
    return sqlite_url


def test_backup_while_another_connection_writes(filled, tmp_path):
    path = path_of(filled)
    writer = connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("BEGIN IMMEDIATE")  # a write in progress, not committed
    writer.execute("UPDATE customers SET name = name || '-changing'")
    info = backups.backup(filled, tmp_path / "during.sqlite3")
    writer.execute("COMMIT")
    writer.close()
    assert info.customers == 3 and info.revision == info.head
    # the copy is the committed state, a single file, and passes the full check
    assert backups.check_backup(tmp_path / "during.sqlite3").customers == 3
    assert not (tmp_path / "during.sqlite3-wal").exists()
    copy = sqlite3.connect(tmp_path / "during.sqlite3")
    assert {r[0] for r in copy.execute("SELECT name FROM customers")} == {"张三", "李四", "王伟"}
    copy.close()

    # and under a stream of committed writes from a thread
    db = Database(filled)
    stop = threading.Event()
    writes: list[int] = []

    def write():
        conn = connect(path, timeout=10)
        while not stop.is_set():
            conn.execute("UPDATE customers SET version = version + 1")
            conn.commit()
            writes.append(1)
        conn.close()

    t = threading.Thread(target=write)
    t.start()
    try:
        while not writes and t.is_alive():
            time.sleep(0.01)
        for i in range(3):
            got = backups.backup(db, tmp_path / f"busy{i}.sqlite3")
            assert backups.check_backup(got.path).customers == 3
    finally:
        stop.set()
        t.join()
        db.dispose()
    assert writes


def test_round_trip(filled, tmp_path):
    dest = tmp_path / "backups" / "b.sqlite3"
    info = backups.backup(filled, dest)
    assert info.customers == 3 and dest.is_file()
    svc = Services.open(filled)
    svc.customers.create({"name": "新客户"})
    svc.db.dispose()
    assert "新客户" in names(filled)
    before = path_of(filled).read_bytes()
    result = backups.restore(dest, svc.db)  # the open Database is disposed first
    svc.close()
    assert names(filled) == {"张三", "李四", "王伟"}
    kept = Path(result.kept)
    assert kept.name.startswith("crm.sqlite3.before-restore-") and kept.parent == path_of(
        filled).parent
    # the replaced database is kept whole: it still has the customer added after the backup
    assert "新客户" in {r[0] for r in sqlite3.connect(kept).execute("SELECT name FROM customers")}
    assert len(kept.read_bytes()) >= len(before) - 4096 * 4
    assert result.upgraded_from is None


def _not_ours(tmp_path) -> Path:
    p = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()
    return p


def _newer(filled, tmp_path) -> Path:
    p = tmp_path / "newer.sqlite3"
    backups.backup(filled, p)
    conn = sqlite3.connect(p)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    return p


def _corrupt(filled, tmp_path) -> Path:
    p = tmp_path / "corrupt.sqlite3"
    backups.backup(filled, p)
    data = bytearray(p.read_bytes())
    page = 4096
    for i in range(2 * page, len(data) - page, page):  # scribble over every page but the first
        data[i + 100:i + 300] = b"\xff" * 200
    p.write_bytes(bytes(data))
    return p


@pytest.mark.parametrize("kind, code", [
    ("junk", "not_sqlite"), ("empty", "not_sqlite"), ("not_ours", "not_ours"),
    ("newer", "newer"), ("corrupt", "corrupt"), ("missing", "missing"),
])
def test_a_bad_file_is_refused_and_changes_nothing(filled, tmp_path, kind, code):
    src = {
        "junk": lambda: (tmp_path / "junk.sqlite3").write_bytes(b"not a database\n" * 50)
        and tmp_path / "junk.sqlite3",
        "empty": lambda: (tmp_path / "empty.sqlite3").write_bytes(b"") or tmp_path
        / "empty.sqlite3",
        "not_ours": lambda: _not_ours(tmp_path),
        "newer": lambda: _newer(filled, tmp_path),
        "corrupt": lambda: _corrupt(filled, tmp_path),
        "missing": lambda: tmp_path / "nothing-here.sqlite3",
    }[kind]()
    target = path_of(filled)
    before = target.read_bytes()
    listing = sorted(p.name for p in target.parent.iterdir())
    with pytest.raises(backups.BackupError) as err:
        backups.restore(src, filled)
    assert err.value.code == code
    assert str(src) in str(err.value)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == listing
    assert names(filled) == {"张三", "李四", "王伟"}


def test_an_older_backup_is_upgraded_when_restored(tmp_path, sqlite_url):
    from alembic import command

    old = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    command.upgrade(old.alembic_config(), "0012")
    old.dispose()
    info = backups.check_backup(tmp_path / "old.sqlite3")
    assert info.revision == "0012" and info.older
    Services.open(sqlite_url).close()
    result = backups.restore(tmp_path / "old.sqlite3", sqlite_url)
    assert result.upgraded_from == "0012"
    db = Database(sqlite_url)
    assert db.current_revision() == db.head_revision()
    db.dispose()
    # the backup itself is left as it was
    assert backups.check_backup(tmp_path / "old.sqlite3").revision == "0012"


def test_restore_into_a_new_place_and_server_databases(filled, tmp_path):
    backups.backup(filled, tmp_path / "b.sqlite3")
    fresh = f"sqlite:///{tmp_path / 'new' / 'crm.sqlite3'}"
    assert backups.restore(tmp_path / "b.sqlite3", fresh).kept is None
    assert names(fresh) == {"张三", "李四", "王伟"}
    with pytest.raises(backups.BackupError) as err:
        backups.backup("postgresql+psycopg://u:secret@db.example/crm", tmp_path / "x.sqlite3")
    assert err.value.code == "server" and "pg_dump" in str(err.value)
    assert "secret" not in str(err.value)
    with pytest.raises(backups.BackupError) as err:
        backups.restore(tmp_path / "b.sqlite3", "postgresql+psycopg://u@db.example/crm")
    assert err.value.code == "server"


def test_cli_backup_and_restore(filled, tmp_path, _isolated_home):
    dest = tmp_path / "cli-backup.sqlite3"
    out = run("backup", str(dest), "--db", filled)
    assert "3 customers" in out.stdout and dest.is_file()
    svc = Services.open(filled)
    svc.customers.create({"name": "后来的"})
    svc.close()

    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00junk" * 100)
    before = path_of(filled).read_bytes()
    bad = run("restore", str(junk), "--db", filled, "--yes", check=False)
    assert bad.returncode == 1
    assert "not a Desktop CRM database" in bad.stderr and "nothing was changed" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert path_of(filled).read_bytes() == before

    unasked = run("restore", str(dest), "--db", filled, check=False)  # no terminal, no --yes
    assert unasked.returncode == 1 and "--yes" in unasked.stderr
    assert path_of(filled).read_bytes() == before

    ok = run("restore", str(dest), "--db", filled, "--yes")
    assert "restored" in ok.stdout and "before-restore-" in ok.stdout
    assert names(filled) == {"张三", "李四", "王伟"}

    server = run("backup", str(dest), "--db", "postgresql+psycopg://u:hunter2@127.0.0.1:1/x",
                 check=False)
    assert server.returncode == 1 and "pg_dump" in server.stderr

    # every command logs to $DESKTOP_CRM_HOME/logs, and never a password
    log = (_isolated_home / "logs" / "desktop-crm.log").read_text(encoding="utf-8")
    assert "desktop-crm restore" in log and "restored" in log
    assert "hunter2" not in log


def test_log_file_rotates_in_the_home_logs(tmp_path, _isolated_home):
    from desktop_crm import logfile

    root = logging.getLogger()
    path = logfile.install()
    try:
        assert path == _isolated_home / "logs" / "desktop-crm.log"
        assert logfile.install() == path  # once only
        handler = next(h for h in root.handlers if getattr(h, "_desktop_crm", False))
        assert handler.maxBytes == 1_000_000 and handler.backupCount == 5
        logging.getLogger("desktop_crm.test").info("written to the file")
        handler.flush()
        assert "written to the file" in path.read_text(encoding="utf-8")
    finally:
        for h in [h for h in root.handlers if getattr(h, "_desktop_crm", False)]:
            root.removeHandler(h)
            h.close()


def test_a_second_instance_is_refused_and_a_stale_lock_taken_over(qtbot, sqlite_url):
    from desktop_crm.app import instance_lock

    first = instance_lock(sqlite_url)
    assert first and first.isLocked()
    assert instance_lock(sqlite_url) is False  # a second window on the same file
    first.unlock()
    again = instance_lock(sqlite_url)
    assert again and again.isLocked()
    again.unlock()
    # a lock left by a process that crashed (its pid no longer runs) is taken over
    lock_file = Path(f"{path_of(sqlite_url)}.lock")
    lock_file.write_text("999999999\ndesktop-crm\n\n", encoding="utf-8")
    taken = instance_lock(sqlite_url)
    assert taken and taken.isLocked()
    taken.unlock()
    assert instance_lock("postgresql+psycopg://u@db.example/crm") is None


def test_unexpected_error_shows_a_box_and_keeps_the_form(qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QLineEdit, QMessageBox

    from desktop_crm import app as app_module
    from desktop_crm import logfile

    shown = []
    monkeypatch.setattr(QMessageBox, "exec",
                        lambda box: shown.append((box.text(), box.detailedText())) or 0)
    form = QLineEdit()
    qtbot.addWidget(form)
    form.setText("half-typed customer")
    form.show()
    path = logfile.install()
    try:
        try:
            raise ValueError("boom in a slot")
        except ValueError as exc:
            app_module._excepthook(type(exc), exc, exc.__traceback__)
    finally:
        root = logging.getLogger()
        for h in [h for h in root.handlers if getattr(h, "_desktop_crm", False)]:
            root.removeHandler(h)
            h.close()
    assert len(shown) == 1
    text, details = shown[0]
    assert "ValueError: boom in a slot" in text and str(path) in text
    assert "Traceback" in details
    assert form.isVisible() and form.text() == "half-typed customer"
    assert "boom in a slot" in path.read_text(encoding="utf-8")


def test_file_menu_backup_and_restore(qtbot, filled, tmp_path, message_boxes):
    from desktop_crm.views.main_window import MainWindow

    svc = Services.open(filled)
    w = MainWindow(svc)
    qtbot.addWidget(w)
    w.show()
    texts = [a.text() for a in w.menuBar().actions()[0].menu().actions()]
    assert "&Back up database…" in texts and "Res&tore from backup…" in texts
    dest = tmp_path / "menu.sqlite3"
    assert w.back_up_database(str(dest)) == str(dest)  # in the background
    qtbot.waitUntil(lambda: "menu.sqlite3" in w.statusBar().currentMessage(), timeout=20000)
    assert backups.check_backup(dest).customers == 3
    svc.customers.create({"name": "后来的"})

    junk = tmp_path / "junk.sqlite3"
    junk.write_text("hello", encoding="utf-8")
    assert w.restore_database(str(junk)) is False
    assert message_boxes[-1][0] == "warning" and "not a Desktop CRM database" in \
        message_boxes[-1][1]
    assert w.isVisible()

    assert w.restore_database(str(dest)) is True
    kinds = [k for k, _t in message_boxes]
    assert kinds[-2:] == ["question", "information"]
    assert not w.isVisible()  # the app closes; it starts again on the restored data
    svc.close()
    assert names(filled) == {"张三", "李四", "王伟"}


def test_a_backup_with_progress_can_be_cancelled_and_leaves_no_file(filled, tmp_path):
    from desktop_crm.services.errors import Cancelled

    seen = []

    def progress(stage, done, total):
        seen.append((stage, done, total))
        return False  # the user clicked Cancel

    dest = tmp_path / "cancelled.sqlite3"
    with pytest.raises(Cancelled):
        backups.backup(filled, dest, progress=progress)
    assert seen and seen[0][0] == "backup" and not dest.exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".cancelled")] == []
    done = []
    info = backups.backup(filled, dest, progress=lambda *a: done.append(a) or True)
    assert info.customers == 3 and done[-1][1] == done[-1][2]
