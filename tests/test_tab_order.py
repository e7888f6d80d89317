"""Tab order of the forms, walked with real Tab key presses: the first field has focus when
the dialog opens, Tab follows the fields from top to bottom (left to right in a row), leaves
multi-line text boxes instead of typing a tab into them, and ends at the dialog's buttons."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QThreadPool, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox

from desktop_crm.services.container import Services
from desktop_crm.views.activity_dialog import ActivityDialog
from desktop_crm.views.customer_dialog import CustomerDialog
from desktop_crm.views.opportunity_dialog import OpportunityDialog
from desktop_crm.views.targets_dialog import TargetsDialog
from desktop_crm.views.ticket_dialog import NewTicketDialog


@pytest.fixture
def services(sqlite_url):
    svc = Services.open(sqlite_url)
    svc.users.create("anna", "安娜", "sales", team="华东")
    svc.customers.create({"name": "张三", "phone": "13812345678"})
    yield svc
    QThreadPool.globalInstance().waitForDone(10000)
    svc.close()


def opened(qtbot, dlg):
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    # the dialog is the active window and one of its fields has the focus (a dialog of an
    # earlier test may still be open)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and QApplication.focusWidget().window() is dlg, timeout=5000)
    return dlg


def tab_walk(qtbot, dlg) -> list:
    """The widgets Tab visits from the one focused at opening, until it comes back round. A
    date edit takes a Tab per section (day, month, ...) before it lets go."""
    start = QApplication.focusWidget()
    seen = [start]
    for _ in range(200):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is seen[-1]:
            continue
        if now is start:
            return seen
        assert now not in seen, f"Tab went back to {now!r} before the end"
        seen.append(now)
    raise AssertionError(f"Tab stays in {seen[-1]!r}")


def buttons(box: QDialogButtonBox) -> list[QAbstractButton]:
    sb = QDialogButtonBox.StandardButton
    return [b for b in (box.button(sb.Save), box.button(sb.Ok), box.button(sb.Cancel)) if b]


def in_visual_order(widgets) -> bool:
    """Top to bottom, and left to right within a row (same top within a few pixels)."""
    spots = [w.mapTo(w.window(), w.rect().topLeft()) for w in widgets]
    for a, b in zip(spots, spots[1:]):
        if b.y() < a.y() - 6 or (abs(b.y() - a.y()) <= 6 and b.x() < a.x()):
            return False
    return True


def test_customer_form(qtbot, services):
    dlg = opened(qtbot, CustomerDialog(services.customers.create))
    fields = ["kind", "code", "name", "phone", "phone2", "email", "region", "province",
              "city", "address", "industry", "employees", "source", "owner_id", "tier", "tags",
              "notes"]
    walked = tab_walk(qtbot, dlg)
    assert walked == [dlg.edits[f] for f in fields] + buttons(dlg.buttons)
    assert in_visual_order(walked)
    # the notes box is left by Tab, not filled with a tab character
    assert "\t" not in dlg.edits["notes"].toPlainText()


def test_follow_up_form(qtbot, services):
    dlg = opened(qtbot, ActivityDialog(services))
    walked = tab_walk(qtbot, dlg)
    assert walked[:6] == [dlg.type, dlg.subject, dlg.customer, dlg.owner, dlg.start,
                          dlg.duration]
    assert dlg.notes in walked and walked.index(dlg.notes) == len(walked) - 3
    assert [w.text() for w in walked[-2:]] == ["Save", "Cancel"]
    assert in_visual_order(walked)
    assert "\t" not in dlg.notes.toPlainText()


def test_opportunity_form_with_delete_before_save(qtbot, services):
    cid = services.customers.create({"name": "北京华为科技有限公司"}).id
    stage = services.pipeline.stages()[0].id
    card = services.pipeline.create({"title": "服务器采购", "customer_id": cid,
                                     "amount": "100000", "stage_id": stage,
                                     "expected_close": dt.date.today()})
    dlg = opened(qtbot, OpportunityDialog(services, detail=services.pipeline.get(card.id)))
    walked = tab_walk(qtbot, dlg)
    assert walked[:4] == [dlg.title_edit, dlg.customer, dlg.amount, dlg.probability]
    assert walked.index(dlg.notes) < walked.index(dlg.plan)
    assert walked[-3] is dlg.delete_button  # left of Save and Cancel
    assert [w.text() for w in walked[-2:]] == ["Save", "Cancel"]
    assert in_visual_order(walked)


def test_new_ticket_form(qtbot, services):
    dlg = opened(qtbot, NewTicketDialog(services))
    walked = tab_walk(qtbot, dlg)
    assert walked == [dlg.customer, dlg.subject, dlg.description, dlg.priority, dlg.assignee,
                      *buttons(dlg.buttons)]
    assert "\t" not in dlg.description.toPlainText()


def test_targets_grid(qtbot, services):
    dlg = TargetsDialog(services, today=dt.date(2026, 10, 15))
    qtbot.waitUntil(lambda: bool(dlg.rows) and dlg.table.isEnabled(), timeout=20000)
    opened(qtbot, dlg)
    assert QApplication.focusWidget() is dlg.kind
    walked = tab_walk(qtbot, dlg)
    assert walked[:3] == [dlg.kind, dlg.period_box, dlg.table]
    assert walked[-1] is dlg.close_button
    assert dlg.copy_button in walked and walked.index(dlg.copy_button) == 3
    assert in_visual_order(walked)
    # Tab went through every cell of the grid before leaving it
    assert (dlg.table.currentRow(), dlg.table.currentColumn()) == \
        (dlg.table.rowCount() - 1, dlg.table.columnCount() - 1)
