"""The History tabs of the record dialogs and the admins' audit log window, driven as a user
would (pytest-qt, offscreen), on a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt, QThreadPool

from desktop_crm.services.container import Services
from desktop_crm.views.customers_section import CustomersSection

from .conftest import type_into

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def services(db_url):
    svc = Services.open(db_url, upgrade=True)
    yield svc
    QThreadPool.globalInstance().waitForDone(10000)
    svc.close()


def test_customer_dialog_history_tab(qtbot, services):
    anna = services.users.create("anna", "安娜", "sales")
    made = services.customers.create({"name": "张三", "tier": "basic", "city": "北京",
                                      "owner_id": anna.id})
    one = services.as_user(anna).customers.update(made.id, {"city": "上海"}, made.version)
    services.customers.update(made.id, {"tier": "growth"}, one.version)

    section = CustomersSection(services)
    qtbot.addWidget(section)
    section.resize(1200, 800)
    section.show()
    section.select_row(0)
    dlg = section.edit_customer()
    qtbot.addWidget(dlg)
    assert dlg.tabs.count() == 2 and dlg.tabs.currentIndex() == 0  # the form comes first
    assert dlg.history.rows() == []  # nothing read until the tab is opened
    with qtbot.waitSignal(dlg.history.loaded, timeout=10000) as got:
        dlg.tabs.setCurrentWidget(dlg.history)
    assert got.args == [3]
    rows = dlg.history.rows()
    who = services.user.display_name
    assert rows[0][1:] == [who, "Tier", "Basic → Growth"]
    assert rows[1][1:] == ["安娜", "City", "北京 → 上海"]
    assert rows[2][1:] == [who, "Created", ""]
    assert rows[0][0] >= rows[1][0] >= rows[2][0]


def test_new_customer_dialog_has_no_history_tab(qtbot, services):
    section = CustomersSection(services)
    qtbot.addWidget(section)
    dlg = section.new_customer()
    qtbot.addWidget(dlg)
    assert dlg.history is None and not hasattr(dlg, "tabs")


def open_history(qtbot, dlg) -> list[list[str]]:
    with qtbot.waitSignal(dlg.history.loaded, timeout=10000):
        dlg.tabs.setCurrentWidget(dlg.history)
    return dlg.history.rows()


def test_opportunity_dialog_history_tab(qtbot, services):
    from desktop_crm.views.opportunity_dialog import OpportunityDialog

    hw = services.customers.create({"name": "北京华为科技有限公司"}).id
    card = services.pipeline.create({"title": "服务器采购", "customer_id": hw,
                                     "amount": "100000"})
    services.pipeline.update(card.id, {"amount": "120000", "title": "服务器扩容"}, card.version)
    dlg = OpportunityDialog(services, detail=services.pipeline.get(card.id))
    qtbot.addWidget(dlg)
    dlg.show()
    rows = open_history(qtbot, dlg)
    changes = {r[2]: r[3] for r in rows}
    assert changes["Title"] == "服务器采购 → 服务器扩容"
    # the service writes the new amount as given ("120000"), the old one as stored
    assert changes["Amount"] == "100,000.00 → 120,000.00"
    assert rows[-1][2] == "Created"
    new = OpportunityDialog(services, stage_id=None)
    qtbot.addWidget(new)
    assert new.history is None


def test_ticket_dialog_history_tab(qtbot, services):
    from desktop_crm.views.ticket_dialog import TicketDialog

    cid = services.customers.create({"name": "张三"}).id
    t = services.tickets.create({"customer_id": cid, "subject": "打印机坏了"})
    services.tickets.set_priority(t.id, t.version, "urgent")
    dlg = TicketDialog(services, t.id)
    qtbot.addWidget(dlg)
    dlg.show()
    rows = open_history(qtbot, dlg)
    assert ["Priority", "Normal → Urgent"] in [r[2:] for r in rows]
    assert rows[-1][2] == "Created"
    # times in the ticket window's zone, as its conversation shows them
    item = dlg.history.items[-1]
    assert rows[-1][0] == item.at.astimezone(dlg.tz).strftime("%Y-%m-%d %H:%M:%S")


def _fill_log(services, anna, n=460):
    """``n`` audit rows, four per minute from T0 (UTC), by root and anna in turn, over
    customers and tickets; every tenth new value is 北京."""
    import uuid

    from desktop_crm.models import AuditEntry

    who = [services.user.id, anna.id]
    with services.db.session() as s:
        for i in range(n):
            s.add(AuditEntry(at=T0 + dt.timedelta(minutes=i // 4), user_id=who[i % 2],
                             table_name="tickets" if (i // 4) % 2 else "customers",
                             row_id=uuid.uuid4(), action="update", field="city",
                             old_value=f"old {i}", new_value="北京" if i % 10 == 0 else f"n{i}"))


def all_rows(dlg) -> list:
    m = dlg.model
    while m.canFetchMore():
        m.fetchMore()
    return [m.row_at(r) for r in range(m.rowCount())]


def test_audit_log_window_filters_pages_and_exports(qtbot, services, tmp_path):
    from openpyxl import load_workbook

    from desktop_crm.views.audit_log import AuditLogDialog, open_audit_log
    from desktop_crm.views.itemmodels.audit_table import PAGE_SIZE

    anna = services.users.create("anna", "安娜", "sales")
    _fill_log(services, anna)
    made = services.as_user(anna).customers.create({"name": "北京华为科技有限公司"})

    dlg = open_audit_log(None, services)
    qtbot.addWidget(dlg)
    assert isinstance(dlg, AuditLogDialog)
    assert dlg.model.rowCount() == PAGE_SIZE and dlg.model.canFetchMore()
    assert "200" in dlg.count_label.text()
    # newest first: anna's new customer, then the filled rows from the last minute back
    first = dlg.model.row_at(0)
    assert first.row_id == made.id and first.record.endswith("北京华为科技有限公司")
    assert dlg.model.data(dlg.model.index(0, 2)) == "Customers"
    assert dlg.model.data(dlg.model.index(0, 4)) == "Created"
    rows = all_rows(dlg)
    assert len(rows) == 461 and len({r.id for r in rows}) == 461
    assert dlg.count_label.text() == "461 entries"

    dlg.user_combo.setCurrentIndex(dlg.user_combo.findText("安娜"))
    mine = all_rows(dlg)
    assert len(mine) == 231 and {r.user for r in mine} == {"安娜"}

    dlg.table_combo.setCurrentIndex(dlg.table_combo.findText("Tickets"))
    both = all_rows(dlg)
    assert both and {(r.user, r.table) for r in both} == {("安娜", "tickets")}
    dlg.user_combo.setCurrentIndex(0)
    dlg.table_combo.setCurrentIndex(0)

    # whole days in local time: T0 is 2026-03-01 08:00 UTC; the rows run for 115 minutes
    tz = dlg.service.tz
    day = T0.astimezone(tz).date()
    dlg.to_date.setDate(QDate(day.year, day.month, day.day))
    dlg.to_check.setChecked(True)
    days = all_rows(dlg)
    assert all(r.at.astimezone(tz).date() <= day for r in days) and made.id not in {
        r.row_id for r in days}
    assert len(days) == 460 - sum(1 for i in range(460) if (
        T0 + dt.timedelta(minutes=i // 4)).astimezone(tz).date() > day)
    dlg.to_check.setChecked(False)

    type_into(qtbot, dlg.text_edit, "北京")
    qtbot.waitUntil(lambda: dlg.model.query.text == "北京", timeout=5000)
    beijing = all_rows(dlg)
    assert len(beijing) == 46 and {r.new_value for r in beijing} == {"北京"}
    shown = dlg.model.data(dlg.model.index(0, 7))
    assert shown == "北京"

    # export what the filters select, in the user's language
    dlg.text_edit.clear()
    dlg.user_combo.setCurrentIndex(dlg.user_combo.findText("安娜"))
    target = tmp_path / "审计日志.xlsx"
    with qtbot.waitSignal(dlg.exported, timeout=20000) as got:
        dlg.export_to(str(target))
    assert got.args == [str(target), 231]
    book = load_workbook(target)
    assert book.sheetnames == ["Audit log"]
    values = list(book.active.iter_rows(values_only=True))
    assert values[0] == ("Time", "User", "Record type", "Record", "Action", "Field", "Old value",
                         "New value")
    assert values[1][1:5] == ("安娜", "Customers", f"{made.code} 北京华为科技有限公司",
                              "Created")
    assert ("安娜", "City", "old 1", "n1") in {(v[1], v[5], v[6], v[7]) for v in values[2:]}
    assert len(values) == 232


def test_audit_log_window_refused_to_a_salesperson(qtbot, services, message_boxes):
    from desktop_crm.views.audit_log import open_audit_log

    anna = services.users.create("anna", "安娜", "sales")
    assert open_audit_log(None, services.as_user(anna)) is None
    assert message_boxes and "administrator" in message_boxes[-1][1]


def test_tab_key_walks_the_form_not_the_tab_bar(qtbot, services):
    from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTabBar

    from desktop_crm.views.opportunity_dialog import OpportunityDialog

    hw = services.customers.create({"name": "北京华为科技有限公司"}).id
    card = services.pipeline.create({"title": "服务器采购", "customer_id": hw})
    dlg = OpportunityDialog(services, detail=services.pipeline.get(card.id))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    for edit in dlg.findChildren(QPlainTextEdit):  # as the ui-polish branch makes them
        edit.setTabChangesFocus(True)
    dlg.title_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.title_edit, timeout=5000)
    seen = []
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert dlg.customer in seen and dlg.notes in seen
    assert not any(isinstance(w, QTabBar) for w in seen)
    assert dlg.history.table not in seen  # the hidden tab's table is not in the walk
    # Ctrl+Tab from a field opens the History
    with qtbot.waitSignal(dlg.history.loaded, timeout=10000):
        qtbot.keyClick(dlg.title_edit, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert dlg.tabs.currentWidget() is dlg.history
