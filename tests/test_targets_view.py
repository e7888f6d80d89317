"""The sales-targets grid with real widgets: a manager types targets into cells and saves
them (checked in the database), a refused save keeps the typed values, copying the previous
month, importing a file with errors, the template; a salesperson sees it read-only; the
Reports section opens it for managers only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from PySide6.QtCore import QThreadPool, Qt
from PySide6.QtWidgets import QLineEdit

from desktop_crm.services.container import Services
from desktop_crm.services.targets import TargetEdit, TargetService
from desktop_crm.views.targets_dialog import (
    COL_NEW_T, COL_REV, COL_REV_PCT, COL_REV_T, TargetsDialog,
)

TODAY = dt.date(2026, 10, 15)


@pytest.fixture
def team(sqlite_url):
    svc = Services.open(sqlite_url)
    anna = svc.users.create("anna", "安娜", "sales", team="华东")
    bo = svc.users.create("bo", "柏林", "sales", team="华东")
    chen = svc.users.create("chen", "陈晨", "sales", team="华北")
    cid = svc.customers.create({"name": "甲公司", "owner_id": anna.id}).id
    from desktop_crm.models import Order  # test set-up only: the dialog never sees it
    with svc.db.session() as s:
        s.add(Order(customer_id=cid, order_date=dt.date(2026, 10, 2), amount=Decimal("30000"),
                    status="paid"))
    yield svc, anna, bo, chen
    QThreadPool.globalInstance().waitForDone(10000)
    svc.close()


def dialog(qtbot, services, **kw) -> TargetsDialog:
    dlg = TargetsDialog(services, today=TODAY, **kw)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: bool(dlg.rows) and dlg.table.isEnabled(), timeout=20000)
    return dlg


def type_cell(qtbot, dlg, name: str, col: int, text: str) -> None:
    """Click the cell, press F2, type, press Enter: as a user does."""
    row = dlg.row_of(name)
    assert row >= 0, name
    table = dlg.table
    if not dlg.isVisible():
        dlg.show()
        qtbot.waitExposed(dlg)
    rect = table.visualItemRect(table.item(row, col))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert (table.currentRow(), table.currentColumn()) == (row, col)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.indexWidget(table.currentIndex())
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, text)
    index = table.currentIndex()
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits it from the event loop
    qtbot.waitUntil(lambda: table.indexWidget(index) is None, timeout=5000)


def test_a_manager_types_targets_and_saves(qtbot, team):
    svc, anna, bo, chen = team
    dlg = dialog(qtbot, svc)
    dlg.show()
    assert dlg.period == "2026-10"
    names = [r.name for r in dlg.rows]
    assert names.index("华东") < names.index("安娜") < names.index("华北")  # grouped by team
    assert not dlg.save_button.isEnabled()
    type_cell(qtbot, dlg, "安娜", COL_REV_T, "100000")
    type_cell(qtbot, dlg, "柏林", COL_REV_T, "50,000.5")
    type_cell(qtbot, dlg, "安娜", COL_NEW_T, "3")
    type_cell(qtbot, dlg, "陈晨", COL_REV_T, "-5x")  # the validator takes only the 5
    assert dlg.table.item(dlg.row_of("陈晨"), COL_REV_T).text() == "¥5"
    type_cell(qtbot, dlg, "陈晨", COL_REV_T, "")  # emptied again: no target
    r = dlg.row_of("安娜")
    assert dlg.table.item(r, COL_REV_T).text() == "¥100,000"
    assert dlg.table.item(r, COL_REV).text() == "¥30,000"
    assert dlg.table.item(r, COL_REV_PCT).text() == "30%"
    t = dlg.row_of("华东")
    assert dlg.table.item(t, COL_REV_T).text() == ""  # no own target: the members' sum
    assert "150,000.50" in dlg.table.item(t, COL_REV_T).data(Qt.ItemDataRole.UserRole + 1)
    assert dlg.table.item(t, COL_REV_PCT).text() == "20%"
    assert dlg.save_button.isEnabled() and dlg.windowTitle().endswith("*")
    with qtbot.waitSignal(dlg.saved) as saved:
        dlg.save_button.click()
    assert (saved.args[0].created, saved.args[0].updated) == (2, 0)
    got = {t.user_id: t for t in TargetService(svc.db, svc.user).targets("2026-10")}
    assert got[anna.id].revenue == Decimal("100000") and got[anna.id].new_customers == 3
    assert got[bo.id].revenue == Decimal("50000.50") and chen.id not in got
    qtbot.waitUntil(lambda: not dlg.dirty() and dlg.table.isEnabled(), timeout=20000)
    assert not dlg.save_button.isEnabled()


def test_a_refused_save_keeps_the_typed_values(qtbot, team):
    svc, anna, bo, chen = team
    dlg = dialog(qtbot, svc)
    type_cell(qtbot, dlg, "安娜", COL_REV_T, "90000")
    wang = svc.users.create("wang", "王经理", "manager", team="华东")
    TargetService(svc.db, wang).set_targets("2026-10", [TargetEdit(anna.id, revenue=70000)])
    with qtbot.waitSignal(dlg.loaded, timeout=20000):
        assert dlg.save() is False
    assert "王经理" in dlg.message.text() and "安娜" in dlg.message.text()
    r = dlg.row_of("安娜")
    assert dlg.table.item(r, COL_REV_T).text() == "¥90,000"  # still what was typed
    assert "70,000" in dlg.table.item(r, COL_REV_T).toolTip()  # theirs
    assert dlg.dirty()
    assert dlg.save() is True  # saving again keeps mine
    got = {t.user_id: t for t in TargetService(svc.db, svc.user).targets("2026-10")}
    assert got[anna.id].revenue == Decimal("90000")


def test_copy_previous_and_period_choice(qtbot, team, message_boxes):
    svc, anna, bo, chen = team
    TargetService(svc.db, svc.user).set_targets("2026-09", [
        TargetEdit(anna.id, revenue=80000, new_customers=2), TargetEdit(team="华北",
                                                                         revenue=5000)])
    dlg = dialog(qtbot, svc)
    assert dlg.copy_previous() == 2
    assert dlg.table.item(dlg.row_of("安娜"), COL_REV_T).text() == "¥80,000"
    assert dlg.dirty()
    # another period: the unsaved copy is given up after asking (the test answers Yes)
    with qtbot.waitSignal(dlg.loaded, timeout=20000):
        dlg.period_box.setCurrentIndex(dlg.period_box.findData("2026-11"))
    assert message_boxes and message_boxes[-1][0] == "question"
    assert dlg.period == "2026-11" and not dlg.dirty()
    with qtbot.waitSignal(dlg.loaded, timeout=20000):
        dlg.kind.setCurrentIndex(1)
    assert dlg.period == "2026-Q4"


def test_import_with_errors_then_a_good_file(qtbot, team, tmp_path, message_boxes):
    svc, anna, bo, chen = team
    dlg = dialog(qtbot, svc)
    bad = tmp_path / "targets.xlsx"
    book = openpyxl.Workbook()
    sh = book.active
    sh.append(["销售", "销售额目标", "新客户目标"])
    for row in (["安娜", 1000, 1], ["柏林", 1000, 1], ["陈晨", 1000, 1], ["张三丰", 1000, 1],
                ["柏林", -1, 1]):
        sh.append(row)
    book.save(bad)
    dlg.import_file(str(bad))
    qtbot.waitUntil(lambda: dlg.import_button.isEnabled(), timeout=20000)
    text = dlg.message.text()
    assert "targets.xlsx, row 5" in text and "张三丰" in text and "row 6" in text
    assert message_boxes[-1][0] == "warning"
    assert TargetService(svc.db, svc.user).targets("2026-10") == []
    tpl = dlg.save_template(str(tmp_path / "template.xlsx"))
    book = openpyxl.load_workbook(tpl)
    for cells in book.active.iter_rows(min_row=2):
        if cells[1].value == "柏林":
            cells[3].value = 66000
    book.save(tpl)
    with qtbot.waitSignal(dlg.saved, timeout=20000):
        dlg.import_file(tpl)
    qtbot.waitUntil(lambda: dlg.table.item(dlg.row_of("柏林"), COL_REV_T).text()
                    == "¥66,000", timeout=20000)


def test_a_salesperson_sees_it_read_only(qtbot, team):
    svc, anna, bo, chen = team
    svc.user = anna  # 安娜 is using the app
    dlg = dialog(qtbot, svc)
    assert not dlg.save_button.isVisible() and dlg.save_button.isHidden()
    assert dlg.import_button.isHidden() and dlg.copy_button.isHidden()
    assert {r.team for r in dlg.rows} == {"华东"}  # the own team
    r = dlg.row_of("安娜")
    assert not dlg.table.item(r, COL_REV_T).flags() & Qt.ItemFlag.ItemIsEditable
    dlg.show()
    rect = dlg.table.visualItemRect(dlg.table.item(r, COL_REV_T))
    qtbot.mouseClick(dlg.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(dlg.table, Qt.Key.Key_F2)
    qtbot.keyClicks(dlg.table, "5")
    assert dlg.table.viewport().findChild(QLineEdit) is None
    assert dlg.save() is False


def test_the_reports_section_opens_it_for_managers(qtbot, team):
    from desktop_crm.views.reports_section import ReportsSection

    svc, anna, bo, chen = team
    w = ReportsSection(svc)
    qtbot.addWidget(w)
    assert not w.targets_button.isHidden()
    dlg = w.open_targets()
    qtbot.waitUntil(lambda: bool(dlg.rows), timeout=20000)
    assert w.open_targets() is dlg  # one window at a time
    with qtbot.waitSignal(w.targets_saved, timeout=5000):
        dlg.set_value(dlg.row_of("安娜"), COL_REV_T, "1000")
        assert dlg.save()
    dlg.reject()
    svc.user = anna
    w2 = ReportsSection(svc)
    qtbot.addWidget(w2)
    assert w2.targets_button.isHidden()
