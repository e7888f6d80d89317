"""The public pool in the GUI, with real widgets on a real SQLite file: claim (and the daily
limit), assign, release with a reason, the rules dialog, notifications, new customers assigned
by the rules, the company-size field of the customer form."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QItemSelectionModel, QThreadPool
from sqlalchemy import select

from desktop_crm.models import Customer, CustomerAssignment
from desktop_crm.services.container import Services
from desktop_crm.services.pool import PoolRules
from desktop_crm.views.customers_section import CustomersSection
from desktop_crm.views.main_window import MainWindow
from desktop_crm.views.notifications_view import NotificationsDialog
from desktop_crm.views.pool_section import PoolRulesDialog, PoolSection, ReleaseDialog

from .conftest import answer_dialog


@pytest.fixture
def services(sqlite_url):
    svc = Services.open(sqlite_url)
    svc.users.create("wangfang", "王芳", "sales", team="华东组")
    for name, region in (("北京蓝天科技有限公司", "华北"), ("上海东方贸易有限公司", "华东"),
                         ("广州南方电器有限公司", "华南")):
        svc.customers.create({"name": name, "region": region, "owner_id": None})
    svc.customers.create({"name": "我的老客户", "region": "华东"})  # owned by the local user
    yield svc
    QThreadPool.globalInstance().waitForDone(10000)
    svc.close()


def as_user(services, username):
    """The same database seen by another member of staff."""
    user = services.users.by_name(username)
    from desktop_crm.services.leads import LeadScoringService
    from desktop_crm.services.notifications import NotificationService
    from desktop_crm.services.pipeline import PipelineService
    from desktop_crm.services.pool import PoolService
    return dataclasses.replace(
        services, user=user, pool=PoolService(services.db, user),
        pipeline=PipelineService(services.db, user), leads=LeadScoringService(services.db, user),
        notifications=NotificationService(services.db, user))


def owner_of(services, name):
    with services.db.read() as s:
        return s.scalar(select(Customer.owner_id).where(Customer.name == name))


def select_rows(view, rows):
    model, sel = view.model(), view.selectionModel()
    sel.clearSelection()
    for r in rows:
        sel.select(model.index(r, 1), QItemSelectionModel.SelectionFlag.Select
                   | QItemSelectionModel.SelectionFlag.Rows)
    sel.setCurrentIndex(model.index(rows[0], 1), QItemSelectionModel.SelectionFlag.NoUpdate)


def names(section):
    return [section.model.row_at(r).name for r in range(section.model.rowCount())]


def test_a_salesperson_claims_from_the_pool_up_to_the_daily_limit(qtbot, services,
                                                                    message_boxes):
    services.pool.save_rules(PoolRules(claim_limit_per_day=1), 0)
    sales = as_user(services, "wangfang")
    w = PoolSection(sales)
    qtbot.addWidget(w)
    assert sorted(names(w)) == sorted(["北京蓝天科技有限公司", "上海东方贸易有限公司",
                                       "广州南方电器有限公司"])
    assert "1" in w.claims_left.text()
    row = names(w).index("上海东方贸易有限公司")
    select_rows(w.table, [row])
    w.claim_button.click()
    assert owner_of(services, "上海东方贸易有限公司") == sales.user.id
    assert "上海东方贸易有限公司" not in names(w)
    assert not w.claim_button.isEnabled()  # none left today
    # the limit holds even when the button is pressed another way
    select_rows(w.table, [0])
    assert w.claim_selected() == 0
    assert message_boxes and "1" in message_boxes[-1][1]
    assert sum(1 for n in names(w) if owner_of(services, n) is None) == 2
    # the history shows the claim
    services.customers.invalidate_search_cache()
    w.show_history(services.customers.get_by_code(
        next(r.code for r in services.customers.page(
            dataclasses.replace(w.model.query, unowned=False, text="上海东方")).rows)).id,
        "上海东方贸易有限公司")
    assert w.history.rowCount() == 1 and "王芳" in w.history.item(0, 2).text()


def test_service_staff_cannot_claim(qtbot, services):
    services.users.create("zhaomin", "赵敏", "service")
    w = PoolSection(as_user(services, "zhaomin"))
    qtbot.addWidget(w)
    w.show()
    assert not w.claim_button.isVisible() and not w.assign_button.isVisible()
    assert w.model.rowCount() == 3  # they can still look customers up


def test_a_manager_assigns_pool_customers(qtbot, services):
    w = PoolSection(services)
    qtbot.addWidget(w)
    select_rows(w.table, [0, 1])
    w.assign_to.setCurrentIndex(w.assign_to.findText("王芳"))
    assert w.assign_selected() == 2
    assert w.model.rowCount() == 1
    with services.db.read() as s:
        rows = s.scalars(select(CustomerAssignment.reason)
                         .where(CustomerAssignment.action == "assign")).all()
    assert rows == ["manual", "manual"]


def test_release_to_the_pool_needs_a_reason(qtbot, services):
    w = CustomersSection(services)
    qtbot.addWidget(w)
    row = w.model.row_of(services.customers.page(
        dataclasses.replace(w.model.query, text="我的老客户")).rows[0].id)
    w.select_row(row)
    assert w.release_button.isEnabled()

    def fill(dlg):
        dlg._accept()  # no reason: stays open
        assert dlg.error.isVisible()
        dlg.reason.setPlainText("客户今年没有预算")
        dlg._accept()
    seen = answer_dialog(ReleaseDialog, fill)
    assert w.release_to_pool()
    assert seen and owner_of(services, "我的老客户") is None
    with services.db.read() as s:
        reason = s.scalar(select(CustomerAssignment.reason)
                          .where(CustomerAssignment.action == "release"))
    assert reason == "客户今年没有预算"


def test_new_customers_without_owner_follow_the_assignment_rules(qtbot, services):
    wang = services.users.by_name("wangfang")
    services.pool.save_rules(PoolRules(by_region={"华南": wang.id}), 0)
    w = CustomersSection(services)
    qtbot.addWidget(w)
    dlg = w.new_customer()
    dlg.edits["name"].setText("深圳新线索科技有限公司")
    dlg.edits["region"].setCurrentIndex(dlg.edits["region"].findData("华南"))
    dlg.edits["owner_id"].setCurrentIndex(0)  # (public pool)
    dlg.edits["employees"].setText("abc")
    assert not dlg.try_save()
    assert dlg.errors["employees"].isVisible()
    dlg.edits["employees"].setText("1,200")
    assert dlg.try_save()
    assert owner_of(services, "深圳新线索科技有限公司") == wang.id
    record = services.customers.get(services.customers.page(
        dataclasses.replace(w.model.query, text="深圳新线索")).rows[0].id)
    assert record.employees == 1200


def test_the_rules_dialog_saves_for_managers_and_is_read_only_for_sales(qtbot, services):
    dlg = PoolRulesDialog(services)
    qtbot.addWidget(dlg)
    row = next(r for r in range(dlg.by_region.rowCount())
               if dlg.by_region.item(r, 0).text() == "华北")
    combo = dlg.by_region.cellWidget(row, 1)
    combo.setCurrentIndex(combo.findText("王芳"))
    dlg.limit.setValue(3)
    dlg.return_days["strategic"].setValue(90)
    dlg.save()
    rules, version = services.pool.rules()
    assert version == 1 and rules.claim_limit_per_day == 3
    assert rules.by_region == {"华北": services.users.by_name("wangfang").id}
    assert rules.return_days["strategic"] == 90
    ro = PoolRulesDialog(as_user(services, "wangfang"))
    qtbot.addWidget(ro)
    assert not ro.limit.isEnabled()


def test_customers_returned_to_the_pool_are_told_in_the_notifications(qtbot, services):
    import datetime as dt
    services.pool.save_rules(PoolRules(return_days={"": 1}), 0)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    returned = services.pool.return_due(now=later)
    assert [r.name for r in returned] == ["我的老客户"]
    window = MainWindow(services)
    qtbot.addWidget(window)
    assert "(1)" in window.notifications_button.text()
    dlg = window.open_notifications()
    assert dlg.list.count() == 1
    text = dlg.list.item(0).text()
    assert "我的老客户" in text and "public pool" in text and "1 day" in text
    dlg.mark_all_read()
    assert "(" not in window.notifications_button.text()
    assert isinstance(dlg, NotificationsDialog)


def test_a_manager_applies_the_return_rules_in_the_background(qtbot, services, message_boxes):
    import datetime as dt

    from desktop_crm.models import Interaction
    services.pool.save_rules(PoolRules(return_days={"": 30}), 0)
    w = PoolSection(services)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.returned, timeout=10000) as got:
        w.return_due()  # nothing due yet: told so, nothing runs
    assert got.args == [0] and "No customer" in message_boxes[-1][1]
    with services.db.session() as s:  # the owned customer got its owner 40 days ago
        c = s.scalars(select(Customer).where(Customer.name == "我的老客户")).one()
        c.created_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=40)
        s.add(Interaction(customer_id=c.id, occurred_at=c.created_at, summary="电话"))
    with qtbot.waitSignal(w.returned, timeout=10000) as got:
        w.return_due()
        assert not w.return_button.isEnabled()
    assert got.args == [1]
    assert "1" in message_boxes[-1][1]  # the question said how many
    assert owner_of(services, "我的老客户") is None
    assert w.return_button.isEnabled() and "我的老客户" in names(w)
