"""A stale save in the customer form (issue 8): the conflict dialog shows both versions, saves
exactly what the user chose, and notices a third person saving while it is open. Real
databases (SQLite and PostgreSQL), driven with clicks and typing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from desktop_crm.models import AuditEntry
from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerService
from desktop_crm.views import conflict_dialog as cd
from desktop_crm.views.customers_section import CustomersSection

from .conftest import type_into


@pytest.fixture
def services(db_url):
    svc = Services.open(db_url, upgrade=True)
    svc.customers.create({"name": "深圳华为", "phone": "13812345678", "city": "深圳",
                          "address": "坂田", "notes": "老客户", "tier": "basic"})
    yield svc
    svc.close()


@pytest.fixture
def li(services):
    """Someone else: 李四, with their own service."""
    user = services.users.create("lisi", "李四", "manager")
    return user, CustomerService(services.db, actor_id=user.id)


@pytest.fixture
def section(qtbot, services):
    w = CustomersSection(services)
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    return w


def _open_form(section):
    section.select_row(0)
    return section.edit_customer()


def _retype(qtbot, edit, text):
    edit.clear()
    type_into(qtbot, edit, text)


def _save(qtbot, dlg):
    qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def _rows(conflict):
    t = conflict.table
    return {t.item(r, cd.COL_FIELD).data(Qt.ItemDataRole.UserRole):
            [t.item(r, c).text() for c in (cd.COL_FIELD, cd.COL_BASE, cd.COL_MINE,
                                           cd.COL_THEIRS)]
            for r in range(t.rowCount())}


def _stale_edit(qtbot, section, li):
    """I open the form; 李四 saves notes and phone; I change notes, name and tier and save."""
    dlg = _open_form(section)
    _user, their = li
    record = their.get(dlg._record.id)
    their.update(record.id, {"notes": "老客户，要发票", "phone": "13900001111"}, record.version)
    _retype(qtbot, dlg.edits["notes"], "老客户，已回访")
    _retype(qtbot, dlg.edits["name"], "华为技术")
    dlg.edits["tier"].setCurrentIndex(dlg.edits["tier"].findData("strategic"))
    _save(qtbot, dlg)
    return dlg


def test_stale_save_opens_the_conflict_dialog_with_both_versions(qtbot, section, services,
                                                                   li):
    dlg = _stale_edit(qtbot, section, li)
    conflict = dlg.conflict_dialog
    assert conflict is not None and conflict.isVisible() and dlg.isVisible()
    assert conflict.heading.text() == "Someone else changed this customer"
    rows = _rows(conflict)
    assert list(rows) == ["notes"]  # the only field both changed
    field, base, mine, theirs = rows["notes"]
    assert (field, base, mine) == ("Notes", "老客户", "老客户，已回访")
    assert theirs.startswith("老客户，要发票\n(李四, ")
    auto = conflict.auto_list.text()
    assert "Name</b>: 华为技术 — yours" in auto and "Tier</b>: Strategic — yours" in auto
    assert "Phone</b>: 139 0000 1111 — theirs (李四, " in auto
    assert not conflict.save_button.isEnabled()  # nothing is saved without a choice
    assert services.customers.get(dlg._record.id).name == "深圳华为"


@pytest.mark.parametrize("choice", ["theirs", "mine", "edited"])
def test_the_choice_is_saved_and_both_edits_are_audited(qtbot, section, services, li, choice):
    dlg = _stale_edit(qtbot, section, li)
    conflict = dlg.conflict_dialog
    combo = conflict.choices["notes"]
    if choice == "theirs":
        combo.setCurrentIndex(cd.THEIRS)
        expected = "老客户，要发票"
    elif choice == "mine":
        combo.setCurrentIndex(cd.MINE)
        expected = "老客户，已回访"
    else:
        combo.setCurrentIndex(cd.EDIT)
        edit = conflict.merged_edits["notes"]
        assert not edit.isReadOnly() and cd.text_of(edit) == "老客户，已回访"
        _retype(qtbot, edit, "已回访，要发票")
        expected = "已回访，要发票"
    assert conflict.save_button.isEnabled()
    qtbot.mouseClick(conflict.save_button, Qt.MouseButton.LeftButton)
    assert conflict.result() == cd.SAVED and not dlg.isVisible()
    saved = services.customers.get(dlg._record.id)
    assert (saved.notes, saved.name, saved.tier, saved.phone) == (
        expected, "华为技术", "strategic", "+8613900001111")
    li_user, _their = li
    with services.db.read() as s:
        rows = set(s.execute(select(AuditEntry.field, AuditEntry.user_id, AuditEntry.new_value)
                             .where(AuditEntry.row_id == saved.id,
                                    AuditEntry.action == "update")).all())
    me = services.user.id
    assert ("phone", li_user.id, "+8613900001111") in rows
    assert ("notes", li_user.id, "老客户，要发票") in rows
    assert ("name", me, "华为技术") in rows and ("tier", me, "strategic") in rows
    mine_notes = {v for f, u, v in rows if f == "notes" and u == me}
    assert mine_notes == (set() if choice == "theirs" else {expected})
    assert not any(f == "phone" and u == me for f, u, _v in rows)


def test_a_third_save_while_choosing_is_detected_again(qtbot, section, services, li):
    dlg = _stale_edit(qtbot, section, li)
    conflict = dlg.conflict_dialog
    wang = services.users.create("wangwu", "王五", "manager")
    third = CustomerService(services.db, actor_id=wang.id)
    now = third.get(dlg._record.id)
    third.update(now.id, {"notes": "王五的备注", "tier": "growth", "city": "东莞"}, now.version)
    conflict.choices["notes"].setCurrentIndex(cd.MINE)
    qtbot.mouseClick(conflict.save_button, Qt.MouseButton.LeftButton)
    assert conflict.isVisible() and conflict.rounds == 2 and conflict.again.isVisible()
    rows = _rows(conflict)
    assert set(rows) == {"notes", "tier"}  # my side now: my kept notes and my tier
    assert rows["notes"][1:3] == ["老客户，要发票", "老客户，已回访"]
    assert rows["notes"][3].startswith("王五的备注\n(王五, ")
    assert rows["tier"][2] == "Strategic" and rows["tier"][3].startswith("Growth\n(王五, ")
    assert "Address</b>: 东莞 坂田 — theirs (王五, " in conflict.auto_list.text()
    assert not conflict.save_button.isEnabled()
    conflict.choices["notes"].setCurrentIndex(cd.THEIRS)
    conflict.choices["tier"].setCurrentIndex(cd.MINE)
    qtbot.mouseClick(conflict.save_button, Qt.MouseButton.LeftButton)
    assert conflict.result() == cd.SAVED
    saved = services.customers.get(dlg._record.id)
    assert (saved.notes, saved.tier, saved.city, saved.name, saved.phone) == (
        "王五的备注", "strategic", "东莞", "华为技术", "+8613900001111")


def test_discard_keeps_theirs_and_cancel_keeps_my_form(qtbot, section, services, li):
    dlg = _stale_edit(qtbot, section, li)
    qtbot.mouseClick(dlg.conflict_dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and dlg.general_error.isVisible()
    assert (dlg.edits["notes"].toPlainText(), dlg.edits["name"].text()) == (
        "老客户，已回访", "华为技术")
    stored = services.customers.get(dlg._record.id)
    assert (stored.notes, stored.name) == ("老客户，要发票", "深圳华为")
    _save(qtbot, dlg)  # again: compared again
    conflict = dlg.conflict_dialog
    assert conflict.isVisible()
    qtbot.mouseClick(conflict.discard_button, Qt.MouseButton.LeftButton)
    assert conflict.result() == cd.DISCARDED and not dlg.isVisible()
    after = services.customers.get(dlg._record.id)
    assert (after.version, after.notes, after.name, after.tier) == (
        stored.version, "老客户，要发票", "深圳华为", "basic")


def test_stale_opportunity_save_after_a_move_on_the_board(qtbot, services, li):
    """I edit a deal while a colleague moves it on the board and edits its notes: the move's
    probability and their notes are theirs, my amount is mine, and I choose for the rest."""
    from decimal import Decimal

    from desktop_crm.services.pipeline import PipelineService
    from desktop_crm.views.opportunity_dialog import OpportunityDialog

    cid = services.customers.get_by_code("C000001").id
    pipe = services.pipeline
    card = pipe.create({"title": "服务器采购", "customer_id": cid, "amount": "100000",
                        "notes": "两台"})
    dlg = OpportunityDialog(services, detail=pipe.get(card.id), owners=[])
    qtbot.addWidget(dlg)
    dlg.show()
    li_user, _ = li
    their = PipelineService(services.db, li_user)
    proposal = next(s for s in their.stages() if s.code == "proposal")
    moved = their.move(card.id, proposal.id, expected_version=card.version)
    their.update(card.id, {"notes": "两台，含安装"}, moved.version)
    _retype(qtbot, dlg.amount, "120000")
    dlg.probability.setValue(45)
    dlg.notes.setPlainText("两台，下周报价")
    dlg.plan.setChecked(False)
    dlg.save()
    conflict = dlg.conflict_dialog
    assert conflict is not None and conflict.isVisible()
    assert conflict.heading.text() == "Someone else changed this opportunity"
    rows = _rows(conflict)
    assert set(rows) == {"probability", "notes"}
    assert rows["probability"][:3] == ["Win probability", "10 %", "45 %"]
    assert rows["probability"][3].startswith(f"{proposal.probability} %\n(李四, ")
    assert "Amount (¥)</b>: ¥120,000.00 — yours" in conflict.auto_list.text()
    conflict.choose("probability", cd.MINE)
    conflict.choose("notes", cd.EDIT, "两台，含安装，下周报价")
    qtbot.mouseClick(conflict.save_button, Qt.MouseButton.LeftButton)
    assert conflict.result() == cd.SAVED and not dlg.isVisible()
    saved = pipe.get(card.id)
    assert (saved.card.amount, saved.card.probability, saved.notes, saved.card.stage_id) == (
        Decimal("120000.00"), 45, "两台，含安装，下周报价", proposal.id)


def test_a_merged_value_the_service_refuses_keeps_the_dialog_open(qtbot, section, services,
                                                                  li):
    dlg = _open_form(section)
    _user, their = li
    record = their.get(dlg._record.id)
    their.update(record.id, {"email": "li@huawei.com"}, record.version)
    _retype(qtbot, dlg.edits["email"], "me@huawei.com")
    _save(qtbot, dlg)
    conflict = dlg.conflict_dialog
    conflict.choose("email", cd.EDIT, "not an address")
    qtbot.mouseClick(conflict.save_button, Qt.MouseButton.LeftButton)
    assert conflict.isVisible() and conflict.error.isVisible()
    assert services.customers.get(record.id).email == "li@huawei.com"
    conflict.choose("email", cd.EDIT, "sales@huawei.com")
    qtbot.mouseClick(conflict.save_button, Qt.MouseButton.LeftButton)
    assert conflict.result() == cd.SAVED
    assert services.customers.get(record.id).email == "sales@huawei.com"
