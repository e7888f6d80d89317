"""The duplicates dialog, the merge dialog and the create warning, driven as a user would."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop_crm.services.container import Services
from desktop_crm.services.duplicates import DuplicateService
from desktop_crm.views.customer_dialog import CustomerDialog
from desktop_crm.views.duplicates_dialog import DuplicatesDialog
from desktop_crm.views.merge_dialog import MergeDialog

from .conftest import type_into


@pytest.fixture
def services(sqlite_url):
    svc = Services.open(sqlite_url)
    yield svc
    svc.close()


@pytest.fixture
def pair(services):
    c = services.customers
    keep = c.create({"name": "上海华信科技有限公司", "city": "上海市", "phone": "021 6123 4567"})
    other = c.create({"name": "上海华信科技", "city": "上海市", "email": "info@huaxin.com",
                      "address": "浦东新区张江路 1 号"})
    loner = c.create({"name": "完全不同贸易有限公司", "city": "北京市"})
    return keep, other, loner


def found(qtbot, dlg):
    qtbot.waitUntil(lambda: dlg._worker is None and dlg.status.text() != "", timeout=10000)
    qtbot.waitUntil(lambda: dlg.find_button.isEnabled(), timeout=10000)


def test_find_lists_groups_and_not_duplicates(qtbot, services, pair):
    keep, other, _loner = pair
    dlg = DuplicatesDialog(services)
    qtbot.addWidget(dlg)
    found(qtbot, dlg)
    assert dlg.tree.topLevelItemCount() == 1
    top = dlg.tree.topLevelItem(0)
    assert top.childCount() == 2
    assert {top.child(i).text(1) for i in range(2)} == {keep.code, other.code}
    assert int(top.text(0)) >= 95
    assert "same name" in top.text(5)
    dlg.select_group(0)
    assert dlg.ignore_button.isEnabled()
    qtbot.mouseClick(dlg.ignore_button, Qt.MouseButton.LeftButton)
    assert dlg.tree.topLevelItemCount() == 0
    assert DuplicateService(services.db).ignored_pairs() == [tuple(sorted((keep.id, other.id)))]
    # searching again finds nothing
    qtbot.mouseClick(dlg.find_button, Qt.MouseButton.LeftButton)
    found(qtbot, dlg)
    assert dlg.tree.topLevelItemCount() == 0
    assert dlg.status.text() == "No likely duplicates found."


def test_merge_through_the_dialogs_takes_a_field_from_the_other(qtbot, services, pair,
                                                                message_boxes):
    keep, other, _loner = pair
    dlg = DuplicatesDialog(services)
    qtbot.addWidget(dlg)
    found(qtbot, dlg)
    top = dlg.tree.topLevelItem(0)
    keep_row = next(i for i in range(2) if top.child(i).text(1) == keep.code)
    dlg.select_group(0, keep_row)
    merge = dlg.merge_selected()
    assert isinstance(merge, MergeDialog)
    qtbot.addWidget(merge)
    # the kept customer comes first; its empty e-mail defaults to the other's
    assert merge.preview.customers[0].id == keep.id
    email = merge.findChild(type(merge.choices["email"].button(0)), "choice_email_1")
    assert email.isChecked()
    # take the other's name too
    name_other = merge.choices["name"].button(1)
    qtbot.mouseClick(name_other, Qt.MouseButton.LeftButton)
    assert name_other.isChecked()
    assert "Orders" not in merge.moves.text()  # nothing of that kind to move
    with qtbot.waitSignal(dlg.merged, timeout=5000) as blocker:
        qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].merged_ids == (other.id,)
    assert any(kind == "question" for kind, _ in message_boxes)
    assert dlg.tree.topLevelItemCount() == 0
    stored = services.customers.get(keep.id)
    assert stored.name == "上海华信科技" and stored.email == "info@huaxin.com"
    assert services.customers.get(other.id).deleted_at is not None


def test_merge_refused_when_someone_edited_meanwhile(qtbot, services, pair, message_boxes):
    keep, other, _loner = pair
    merge = MergeDialog(services, keep.id, [other.id])
    qtbot.addWidget(merge)
    services.customers.update(other.id, {"city": "苏州市"}, other.version)
    qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    assert merge.result is None and merge.error.isVisibleTo(merge)
    assert any(kind == "warning" for kind, _ in message_boxes)
    assert services.customers.get(other.id).deleted_at is None
    # the window shows the new values and merges on the second try
    assert merge.preview.customers[1].values["city"] == "苏州市"
    assert merge.try_merge()
    assert services.customers.get(other.id).deleted_at is not None


def test_create_warning_names_the_existing_customer(qtbot, services, pair):
    keep, _other, _loner = pair
    host = QWidget()
    host.services = services
    opened = []
    host.show_customer = opened.append
    qtbot.addWidget(host)
    dlg = CustomerDialog(services.customers.create, parent=host)
    qtbot.addWidget(dlg)
    assert dlg.duplicate_warning.isHidden()
    type_into(qtbot, dlg.edits["phone"], "+86 21 6123 4567")
    qtbot.waitUntil(lambda: dlg.duplicate_warning.isVisibleTo(dlg), timeout=3000)
    text = dlg.duplicate_warning.text()
    assert "A customer with this phone already exists" in text and keep.code in text
    assert str(keep.id) in text
    # non-blocking: the form still saves
    type_into(qtbot, dlg.edits["name"], "新客户")
    with qtbot.waitSignal(dlg.open_existing) as blocker:
        dlg.duplicate_warning.linkActivated.emit(str(keep.id))
    assert blocker.args == [keep.id] and opened == [keep.id]


def test_create_warning_on_a_name_and_none_when_editing(qtbot, services, pair):
    keep, _other, _loner = pair
    calls = []

    def check(values):
        calls.append(values)
        return DuplicateService(services.db).check_new(values)

    dlg = CustomerDialog(services.customers.create, check_duplicates=check)
    qtbot.addWidget(dlg)
    type_into(qtbot, dlg.edits["name"], "上海华信科技")
    qtbot.waitUntil(lambda: dlg.duplicate_warning.isVisibleTo(dlg), timeout=3000)
    assert "A customer with this name already exists" in dlg.duplicate_warning.text()
    assert len(calls) == 1  # debounced: one check after typing paused
    record = services.customers.get(keep.id)
    edit = CustomerDialog(lambda v: record, record=record, check_duplicates=check)
    qtbot.addWidget(edit)
    type_into(qtbot, edit.edits["name"], "x")
    qtbot.wait(600)
    assert len(calls) == 1 and edit.duplicate_warning.isHidden()
    assert uuid.UUID(str(keep.id))
