"""The sync windows (issue 9), driven as a user would (pytest-qt, offscreen), on a real office
PostgreSQL database and a real offline copy of it (an SQLite file under tmp_path)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QThreadPool

from desktop_crm.services import connection, replica
from desktop_crm.services.container import Services
from desktop_crm.services.db import Database
from desktop_crm.services.sync import create_replica
from desktop_crm.services.sync_conflicts import SyncConflictService
from desktop_crm.views.sync_conflicts_dialog import SyncConflictsDialog
from desktop_crm.views.sync_dialog import SyncDialog
from desktop_crm.views.sync_history_dialog import SyncHistoryDialog

WAIT = 60000


@pytest.fixture
def office(pg_url):
    svc = Services.open(pg_url, upgrade=True)
    yield svc
    QThreadPool.globalInstance().waitForDone(WAIT)
    svc.close()


@pytest.fixture
def customer(office):
    return office.customers.create({"name": "上海甲有限公司", "phone": "13812345678",
                                    "city": "上海"})


@pytest.fixture
def laptop(office, customer, tmp_path):
    made = create_replica(office.db, str(tmp_path / "copy.sqlite3"), encrypted=False)
    url = made.url
    made.dispose()
    svc = Services.open(url)
    yield svc
    QThreadPool.globalInstance().waitForDone(WAIT)
    svc.close()


def edit(services, cid, **values):
    current = services.customers.get(cid)
    return services.customers.update(cid, values, expected_version=current.version)


def run_sync(qtbot, dlg: SyncDialog) -> None:
    with qtbot.waitSignal(dlg.ended, timeout=WAIT):
        dlg.start()


def sync_until(qtbot, dlg: SyncDialog, arrived) -> None:
    """One more sync brings what ``arrived()`` waits for (the pull's horizon is this
    database's oldest running transaction: other databases' work does not hold it back)."""
    if not arrived():
        run_sync(qtbot, dlg)
        assert dlg.error is None, dlg.message.text()
    assert arrived()


def sync_dialog(qtbot, laptop, office, **kw) -> SyncDialog:
    dlg = SyncDialog(laptop, server=kw.pop("server", office.db), start=False)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def test_sync_dialog_runs_a_sync_and_shows_the_summary(qtbot, office, laptop, customer):
    edit(laptop, customer.id, phone="13811112222")
    edit(office, customer.id, city="杭州")
    dlg = sync_dialog(qtbot, laptop, office)
    run_sync(qtbot, dlg)
    assert dlg.error is None, dlg.message.text()
    assert dlg.result.pushed == 1 and dlg.result.conflicts == 0
    assert dlg.phase.text() == "Done"
    text = dlg.message.text()
    assert "1 change(s) sent" in text and "0 conflict(s)" in text
    assert not dlg.conflicts_button.isVisible()
    assert dlg.close_button.isVisible() and not dlg.cancel_button.isVisible()
    assert office.customers.get(customer.id).phone.endswith("13811112222")
    assert replica.pending_count(laptop.db) == 0

    history = SyncHistoryDialog(laptop)
    qtbot.addWidget(history)
    rows = history.rows()
    assert len(rows) == 1
    assert rows[0][2] == "1" and rows[0][5] == "Finished" and rows[0][6] == ""
    sync_until(qtbot, dlg, lambda: laptop.customers.get(customer.id).city == "杭州")


def test_cancel_stops_the_sync_and_keeps_the_changes(qtbot, office, laptop, customer):
    edit(laptop, customer.id, phone="13811112222")
    dlg = sync_dialog(qtbot, laptop, office)
    dlg.cancel()  # at once: the sync stops at its first check
    run_sync(qtbot, dlg)
    assert dlg.result is None
    assert dlg.phase.text() == "Sync cancelled"
    assert dlg.message.text() == ("Sync cancelled: what was sent is kept; the rest goes next "
                                  "time.")
    assert replica.pending_count(laptop.db) == 1
    assert office.customers.get(customer.id).phone.endswith("13812345678")
    assert dlg.again_button.isVisible()
    run_sync(qtbot, dlg)  # Sync again: not cancelled any more
    assert dlg.error is None and replica.pending_count(laptop.db) == 0

    history = SyncHistoryDialog(laptop)
    qtbot.addWidget(history)
    assert [r[5] for r in history.rows()] == ["Finished", "Cancelled"]
    assert history.rows()[1][6] == "Cancelled by you"


def test_an_unreachable_server_is_said_in_plain_words(qtbot, office, laptop, customer,
                                                      memory_keyring):
    edit(laptop, customer.id, phone="13811112222")
    closed = Database("postgresql+psycopg://nobody@127.0.0.1:1/x")
    try:
        dlg = sync_dialog(qtbot, laptop, office, server=closed)
        run_sync(qtbot, dlg)
    finally:
        closed.dispose()
    assert dlg.message.text() == (
        "The office server cannot be reached. Your changes are kept on this computer; sync "
        "again when you are connected.")
    assert dlg.phase.text() == "The sync did not finish"
    assert replica.pending_count(laptop.db) == 1
    history = SyncHistoryDialog(laptop)
    qtbot.addWidget(history)
    assert history.rows()[0][5:] == ["Failed", "Office server not reachable"]


def test_a_same_field_conflict_is_listed_and_use_mine_reaches_the_office(
        qtbot, office, laptop, customer):
    edit(laptop, customer.id, name="上海甲有限公司（笔记本）")
    edit(office, customer.id, name="上海甲有限公司（办公室）")
    dlg = sync_dialog(qtbot, laptop, office)
    run_sync(qtbot, dlg)
    assert dlg.result.conflicts == 1
    assert dlg.conflicts_button.isVisible()
    assert office.customers.get(customer.id).name == "上海甲有限公司（办公室）"  # theirs kept

    sync_until(qtbot, dlg, lambda: SyncConflictService(laptop.db, laptop.user).open_count())
    conflicts = SyncConflictsDialog(laptop, start=False)
    qtbot.addWidget(conflicts)
    conflicts.show()
    with qtbot.waitSignal(conflicts.loaded, timeout=WAIT) as got:
        conflicts.reload()
    assert got.args == [1]
    record, field, base, mine, theirs, who, when, kind = conflicts.rows()[0]
    assert field == "Name" and kind == "Both changed"
    assert (base, mine, theirs) == ("上海甲有限公司", "上海甲有限公司（笔记本）",
                                    "上海甲有限公司（办公室）")
    assert who == laptop.user.display_name and when
    assert not conflicts.mine_button.isEnabled()  # nothing chosen yet
    conflicts.select_row(0)
    assert conflicts.mine_button.isEnabled() and conflicts.theirs_button.isEnabled()
    assert not conflicts.dismiss_button.isVisible()
    assert "changed at the office" in conflicts.detail.text()
    with qtbot.waitSignal(conflicts.loaded, timeout=WAIT) as got:
        with qtbot.waitSignal(conflicts.resolved, timeout=WAIT):
            qtbot.mouseClick(conflicts.mine_button, Qt.MouseButton.LeftButton)
    assert got.args == [0]
    assert conflicts.stack.currentWidget() is conflicts.empty
    assert laptop.customers.get(customer.id).name == "上海甲有限公司（笔记本）"
    assert replica.pending_count(laptop.db) >= 1  # the choice waits for the next sync

    run_sync(qtbot, dlg)
    assert dlg.error is None, dlg.message.text()
    assert office.customers.get(customer.id).name == "上海甲有限公司（笔记本）"

    assert SyncConflictService(office.db, office.user).open_count() == 0

    with qtbot.waitSignal(conflicts.loaded, timeout=WAIT) as got:
        conflicts.show_resolved.setChecked(True)
    assert got.args == [1]
    assert conflicts.rows()[0][7] == "Both changed · Used mine"
    conflicts.select_row(0)
    assert not conflicts.mine_button.isEnabled() and not conflicts.theirs_button.isEnabled()


def test_the_main_window_on_an_offline_copy(qtbot, office, laptop, customer, message_boxes):
    from desktop_crm.views.main_window import MainWindow

    edit(laptop, customer.id, phone="13811112222")
    edit(laptop, customer.id, city="杭州")  # the same record again: still one change
    other = laptop.customers.create({"name": "新客户丙"})
    assert other
    w = MainWindow(laptop)
    qtbot.addWidget(w)
    w.sync_server = office.db
    # the customer's edits are one; the new customer comes with its owner history (and the
    # pipeline section makes the default stages when the office has none yet)
    waiting = replica.pending_count(laptop.db)
    assert waiting >= 2
    text = w.sync_label.text()
    assert text.startswith("Offline copy · last synced ")
    assert text.endswith(f"· {waiting} change(s) waiting")
    names = {a.objectName() for a in w.findChildren(type(w.menuBar().actions()[0]))}
    assert {"sync", "sync_conflicts", "sync_history"} <= names
    assert "take_offline" not in names
    sync = next(a for a in w.findChildren(type(w.menuBar().actions()[0]))
                if a.objectName() == "sync")
    assert sync.shortcut().toString() == "Ctrl+Shift+S"
    sync.trigger()
    dlg = w._sync_dialog
    with qtbot.waitSignal(dlg.ended, timeout=WAIT):
        pass
    assert dlg.error is None, dlg.message.text()
    assert w.sync_label.text().endswith("· 0 change(s) waiting")
    assert office.customers.get(other.id).name == "新客户丙"
    w.close()


def test_taking_the_office_database_offline(qtbot, office, customer, tmp_path, message_boxes):
    from desktop_crm.views.main_window import MainWindow

    w = MainWindow(office)
    qtbot.addWidget(w)
    w.replica_encrypted = False
    names = {a.objectName() for a in w.findChildren(type(w.menuBar().actions()[0]))}
    assert {"take_offline", "sync_conflicts"} <= names and "sync" not in names
    path = tmp_path / "offline.sqlite3"
    progress = w.take_offline(str(path))
    qtbot.waitUntil(lambda: any("is ready" in t for _k, t in message_boxes), timeout=WAIT)
    assert not progress.isVisible()
    assert path.exists()
    assert connection.replica_choice() == f"sqlite:///{path}"  # the question was answered Yes
    assert connection.chosen_url() == f"sqlite:///{path}"
    copy = Services.open(connection.chosen_url())
    try:
        assert copy.customers.get(customer.id).name == customer.name
        assert replica.state(copy.db) is not None
    finally:
        copy.close()
    # a file already there is never overwritten
    message_boxes.clear()
    assert w.take_offline(str(path)) is None
    assert message_boxes and "already a file" in message_boxes[0][1]
