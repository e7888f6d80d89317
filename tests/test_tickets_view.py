"""The Tickets section in the GUI, with real widgets on a real SQLite file and a controllable
clock: the list's SLA colours, the per-minute clock refresh (no reload), the filters, the
detail form (reply, wait, resolve with satisfaction, only legal workflow steps, a conflict),
a new ticket, and the SLA settings dialog."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QThreadPool, QTime, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialogButtonBox

from desktop_crm.services import shared_settings
from desktop_crm.services.business_hours import (
    BUSINESS_HOURS_KEY, BusinessCalendar, BusinessHours,
)
from desktop_crm.services.container import Services
from desktop_crm.services.holidays import library_days
from desktop_crm.services.tickets import TicketQuery, TicketService
from desktop_crm.views.itemmodels.ticket_table import TicketTableModel
from desktop_crm.views.sla_settings import SlaSettingsDialog
from desktop_crm.views.ticket_dialog import NewTicketDialog, ResolveDialog, TicketDialog
from desktop_crm.views.tickets_section import TicketsSection

BJ = ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=BJ)  # a Tuesday, in working hours


def bj(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BJ)


def calendar() -> BusinessCalendar:
    kinds = {h.day: h.kind for h in library_days(2026)}
    return BusinessCalendar(BusinessHours(), kinds.get)


class Clock:
    """The section's ``now()``: aware UTC, moved by the test."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at.astimezone(UTC)

    def advance(self, **delta) -> None:
        self.at += dt.timedelta(**delta)


class Desk:
    """Staff, two customers and five tickets at NOW: one breached, one due soon, one far
    from its deadline, one waiting on the customer, one resolved."""

    def __init__(self, services: Services):
        t = services.tickets
        self.agent = services.users.create("kefu", "客服小王", "service")
        self.huaxin = services.customers.create({"name": "上海华信科技有限公司"}).id
        self.lantian = services.customers.create({"name": "北京蓝天贸易有限公司"}).id
        self.breached = t.create({"customer_id": self.huaxin, "subject": "系统无法登录",
                                  "priority": "urgent"}, now=bj(2026, 3, 9, 10, 0))
        self.soon = t.create({"customer_id": self.lantian, "subject": "发票抬头错误",
                              "priority": "urgent", "assignee_id": self.agent.id},
                             now=bj(2026, 3, 10, 9, 30))
        self.far = t.create({"customer_id": self.lantian, "subject": "打印机无法连接网络",
                             "priority": "low", "description": "型号 HP M428，换了路由器以后"},
                            now=NOW)
        waiting = t.create({"customer_id": self.huaxin, "subject": "等待客户提供日志",
                            "priority": "normal"}, now=bj(2026, 3, 10, 9, 0))
        self.waiting = t.set_status(waiting.id, waiting.version, "waiting",
                                    now=bj(2026, 3, 10, 9, 30))
        done = t.create({"customer_id": self.huaxin, "subject": "退货流程咨询",
                         "priority": "normal"}, now=bj(2026, 3, 2, 10, 0))
        self.resolved = t.resolve(done.id, done.version, satisfaction=4,
                                  now=bj(2026, 3, 3, 10, 0))


@pytest.fixture
def services(sqlite_url):
    svc = Services.open(sqlite_url)
    svc.tickets = TicketService(svc.db, svc.user, calendar())
    yield svc
    QThreadPool.globalInstance().waitForDone(10000)
    svc.close()


@pytest.fixture
def desk(services):
    return Desk(services)


@pytest.fixture
def clock():
    return Clock(NOW)


def open_section(qtbot, services, clock) -> TicketsSection:
    """The section, once its first load is shown."""
    section = TicketsSection(services, now=clock)
    qtbot.addWidget(section)
    qtbot.waitUntil(lambda: section.count_label.text() not in ("", "Loading…"), timeout=5000)
    return section


def reloaded(qtbot, section, change) -> None:
    with qtbot.waitSignal(section.loaded, timeout=5000):
        change()


def numbers(section) -> list[str]:
    m = section.model
    return [m.row_at(i).number for i in range(m.rowCount())]


def row_index(section, ticket) -> int:
    r = section.model.row_of(ticket.id)
    assert r >= 0, f"{ticket.number} is not listed"
    return r


def cell(section, ticket, column: str, role=Qt.ItemDataRole.DisplayRole):
    m = section.model
    return m.data(m.index(row_index(section, ticket), m.COLUMNS.index(column)), role)


def test_the_list_colours_breached_and_due_soon_tickets(qtbot, services, desk, clock):
    section = open_section(qtbot, services, clock)
    assert sorted(numbers(section)) == sorted(
        t.number for t in (desk.breached, desk.soon, desk.far, desk.waiting))
    assert section.count_label.text() == "4 ticket(s)"
    bg = Qt.ItemDataRole.BackgroundRole
    for column in ("number", "subject", "left"):  # the whole row
        assert cell(section, desk.breached, column, bg) == QColor("#f8d7da")
        assert cell(section, desk.soon, column, bg) == QColor("#fff3cd")
        assert cell(section, desk.far, column, bg) is None
    assert cell(section, desk.soon, "left") == "30 min left"
    assert cell(section, desk.breached, "left").startswith("overdue ")
    assert cell(section, desk.far, "left") == "3 working day(s) left"  # low: 24 business h
    # waiting on the customer: grey, the clock stands still at the pause
    assert cell(section, desk.waiting, "left") == "paused · 7 h 30 min left"
    assert cell(section, desk.waiting, "subject", Qt.ItemDataRole.ForegroundRole) \
        == QColor("#8a8f98")
    assert cell(section, desk.waiting, "subject", bg) is None
    assert cell(section, desk.far, "opened") == "2026-03-10 10:00"  # business time zone
    assert cell(section, desk.far, "priority") == "Low"
    assert cell(section, desk.waiting, "status") == "Waiting on customer"
    assert cell(section, desk.soon, "assignee") == "客服小王"
    # sorted by the running deadline: the breached one first
    assert numbers(section)[0] == desk.breached.number


def test_the_clock_refresh_recomputes_time_left_without_a_reload(qtbot, services, desk, clock,
                                                                 monkeypatch):
    section = open_section(qtbot, services, clock)
    model = section.model
    rows = [model.row_at(i) for i in range(model.rowCount())]

    def no_database(*_a, **_k):
        raise AssertionError("the clock refresh must not read the database")
    monkeypatch.setattr(services.tickets, "page", no_database)
    monkeypatch.setattr(services.tickets, "count", no_database)
    changed = []
    model.dataChanged.connect(lambda a, b, _roles: changed.append((a.column(), b.column())))

    clock.advance(minutes=20)
    section.clock_timer.timeout.emit()  # what the timer does every minute
    assert cell(section, desk.soon, "left") == "10 min left"
    assert cell(section, desk.soon, "left", Qt.ItemDataRole.BackgroundRole) == QColor("#fff3cd")
    left = model.COLUMNS.index("left")
    assert changed == [(left, left)]  # one signal, the time-left column only

    clock.advance(minutes=25)
    section.tick()
    assert cell(section, desk.soon, "left") == "overdue 15 min"
    assert cell(section, desk.soon, "number", Qt.ItemDataRole.BackgroundRole) \
        == QColor("#f8d7da")
    assert changed[-1] == (0, left)  # a row changed colour: whole rows repaint, still one signal
    assert cell(section, desk.waiting, "left") == "paused · 7 h 30 min left"
    assert [model.row_at(i) for i in range(model.rowCount())] == rows
    assert all(model.row_at(i) is rows[i] for i in range(len(rows)))
    assert section.clock_timer.interval() == 60_000 and section.clock_timer.isActive()


def test_refreshing_the_clocks_of_a_thousand_rows_is_cheap(qtbot, services, desk):
    model = TicketTableModel(services.tickets)
    base = services.tickets.page(TicketQuery(statuses=()), now=NOW)
    rows = [dataclasses.replace(base[i % len(base)], number=f"T{i:06d}",
                                opened_at=NOW - dt.timedelta(hours=i % 300))
            for i in range(1000)]
    model.set_page(TicketQuery(), rows, calendar=services.tickets.calendar(),
                   warn_seconds=3600.0, now=NOW)
    best = 1.0
    for minutes in range(1, 6):
        start = time.perf_counter()
        model.refresh_clocks(NOW + dt.timedelta(minutes=minutes))
        best = min(best, time.perf_counter() - start)
    assert best < 0.02, f"{best * 1000:.1f} ms"


def test_filters_change_the_rows(qtbot, services, desk, clock):
    section = open_section(qtbot, services, clock)
    reloaded(qtbot, section, lambda: section.status.setCurrentIndex(
        section.status.findData("resolved")))
    assert numbers(section) == [desk.resolved.number]
    assert cell(section, desk.resolved, "left") == "met"
    assert section.count_label.text() == "1 ticket(s)"
    reloaded(qtbot, section, lambda: section.status.setCurrentIndex(
        section.status.findData("open")))
    reloaded(qtbot, section, lambda: section.breached.setChecked(True))
    assert numbers(section) == [desk.breached.number]
    reloaded(qtbot, section, lambda: section.due_soon.setChecked(True))
    assert sorted(numbers(section)) == sorted([desk.breached.number, desk.soon.number])
    reloaded(qtbot, section, lambda: section.breached.setChecked(False))
    assert numbers(section) == [desk.soon.number]
    reloaded(qtbot, section, lambda: section.due_soon.setChecked(False))
    # the search waits for the typing to stop (one reload), by subject or customer
    reloaded(qtbot, section, lambda: section.search.setText("打印机"))
    assert numbers(section) == [desk.far.number]
    reloaded(qtbot, section, lambda: section.search.setText("华信"))
    assert sorted(numbers(section)) == sorted([desk.breached.number, desk.waiting.number])
    reloaded(qtbot, section, lambda: section.search.setText(desk.soon.number))
    assert numbers(section) == [desk.soon.number]
    reloaded(qtbot, section, lambda: section.search.clear())
    reloaded(qtbot, section, lambda: section.priority.setCurrentIndex(
        section.priority.findData("urgent")))
    assert sorted(numbers(section)) == sorted([desk.breached.number, desk.soon.number])
    reloaded(qtbot, section, lambda: section.assignee.setCurrentIndex(
        section.assignee.findData(str(desk.agent.id))))
    assert numbers(section) == [desk.soon.number]
    reloaded(qtbot, section, lambda: section.assignee.setCurrentIndex(
        section.assignee.findData("none")))
    assert numbers(section) == [desk.breached.number]
    # a header click sorts by that column and reloads
    reloaded(qtbot, section, lambda: section.priority.setCurrentIndex(0))
    reloaded(qtbot, section, lambda: section.assignee.setCurrentIndex(0))
    header = section.table.horizontalHeader()
    reloaded(qtbot, section, lambda: header.setSortIndicator(
        section.model.COLUMNS.index("opened"), Qt.SortOrder.DescendingOrder))
    assert section.model.query.sort == "opened" and section.model.query.descending
    assert numbers(section)[0] == desk.far.number
    header.setSortIndicator(section.model.COLUMNS.index("subject"),
                            Qt.SortOrder.AscendingOrder)  # not sortable: stays as it was
    assert header.sortIndicatorSection() == section.model.COLUMNS.index("opened")


def test_the_detail_form_replies_waits_and_resolves(qtbot, services, desk, clock):
    section = open_section(qtbot, services, clock)
    dlg = section.open_ticket(desk.far.id)
    assert isinstance(dlg, TicketDialog)
    offered = lambda: {a for a, b in dlg.actions.items() if not b.isHidden()}  # noqa: E731
    assert offered() == {"start", "wait", "resolve"}  # a new ticket cannot be closed
    assert dlg.title.text() == f"{desk.far.number} · 打印机无法连接网络"
    assert "型号 HP M428" in dlg.log.toPlainText()
    assert dlg.tier.text() == "Unrated" and dlg.customer_button.text() == "北京蓝天贸易有限公司"
    assert desk.soon.number in [dlg.others.item(r, 0).text() for r in range(dlg.others.rowCount())]

    # an internal note is not the first response
    clock.advance(minutes=5)
    dlg.reply_edit.setPlainText("客户的路由器是新的，先查 DHCP")
    dlg.note_button.click()
    assert services.tickets.row(desk.far.id).first_response_at is None
    assert "Internal note" in dlg.log.toPlainText()

    clock.advance(minutes=10)
    with qtbot.waitSignal(section.loaded, timeout=5000):
        dlg.reply_edit.setPlainText("您好，请重启打印机后再试一次。")
        dlg.reply_button.click()
    row = services.tickets.row(desk.far.id)
    assert row.first_response_at == clock()
    assert row.status == "in_progress"  # a reply starts the work
    assert dlg.reply_edit.toPlainText() == ""
    assert "Reply to customer" in dlg.log.toPlainText()
    assert "answered 2026-03-10 10:15, in time" in dlg.response.text()
    assert offered() == {"wait", "resolve"}

    dlg.actions["wait"].click()
    row = services.tickets.row(desk.far.id)
    assert row.status == "waiting" and row.paused_at == clock()
    assert dlg.time_left.text().startswith("paused (waiting on customer)")
    assert "In progress → Waiting on customer" in dlg.log.toPlainText()
    assert offered() == {"resume", "resolve"}

    resolve = dlg.do("resolve")
    assert isinstance(resolve, ResolveDialog)
    resolve.scores[5].setChecked(True)
    resolve.comment.setPlainText("很快就解决了")
    resolve.note.setPlainText("更换了网线")
    changed = []
    dlg.changed.connect(lambda: changed.append(1))
    resolve.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    row = services.tickets.row(desk.far.id)
    assert row.status == "resolved" and row.satisfaction == 5
    assert changed == [1]
    assert "Satisfaction 5/5: 很快就解决了" in dlg.log.toPlainText()
    assert dlg.satisfaction.text().startswith("★★★★★")
    assert offered() == {"close", "reopen"}
    assert dlg.time_left.text() == "met"

    with qtbot.waitSignal(section.customer_requested, timeout=1000) as blocker:
        dlg.customer_button.click()
    assert blocker.args == [desk.lantian]


def test_the_detail_form_reloads_after_a_conflict_and_keeps_the_reply(qtbot, services, desk,
                                                                       clock):
    dlg = TicketDialog(services, desk.soon.id, now=clock)
    qtbot.addWidget(dlg)
    # a colleague takes the ticket meanwhile
    services.tickets.assign(desk.soon.id, desk.soon.version, None)
    dlg.reply_edit.setPlainText("马上为您处理")
    assert not dlg.send()
    assert "Someone else changed this ticket" in dlg.message.text()
    assert dlg.reply_edit.toPlainText() == "马上为您处理"  # kept to send again
    assert dlg.assignee.currentData() == ""  # the reloaded ticket
    assert dlg.send()
    assert services.tickets.row(desk.soon.id).first_response_at == clock()
    # the priority is saved as soon as it is chosen
    dlg.priority.setCurrentIndex(dlg.priority.findData("high"))
    assert services.tickets.row(desk.soon.id).priority == "high"
    dlg.assignee.setCurrentIndex(dlg.assignee.findData(str(desk.agent.id)))
    assert services.tickets.row(desk.soon.id).assignee_id == desk.agent.id
    assert "Assigned: Unassigned → 客服小王" in dlg.log.toPlainText()


def test_a_new_ticket_is_created_from_the_form(qtbot, services, desk, clock):
    section = open_section(qtbot, services, clock)
    dlg = section.new_ticket(customer_id=desk.huaxin, customer_name="上海华信科技有限公司")
    assert isinstance(dlg, NewTicketDialog)
    assert dlg.priority.currentData() == "normal"
    dlg.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dlg.errors["subject"].text() == "This field is required."
    assert dlg.isVisible()
    dlg.subject.setText("合同附件打不开")
    dlg.description.setPlainText("PDF 提示已损坏")
    dlg.priority.setCurrentIndex(dlg.priority.findData("high"))
    dlg.assignee.setCurrentIndex(dlg.assignee.findData(str(desk.agent.id)))
    saved = []
    dlg.saved.connect(saved.append)
    with qtbot.waitSignal(section.loaded, timeout=5000):
        dlg.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    row = services.tickets.row(saved[0].id)
    assert (row.subject, row.priority, row.assignee_id, row.customer_id, row.opened_at) == (
        "合同附件打不开", "high", desk.agent.id, desk.huaxin, clock())
    assert row.number in numbers(section)
    assert section.selected_id() == row.id


def test_sla_settings_save_business_hours_targets_and_escalation(qtbot, services, desk):
    dlg = SlaSettingsDialog(services)
    qtbot.addWidget(dlg)
    assert [b.isChecked() for b in dlg.days] == [True] * 5 + [False] * 2
    assert [r.value() for r in dlg.intervals] == [("09:00", "12:00"), ("13:00", "18:00")]
    assert dlg.tz.currentData() == "Asia/Shanghai"
    dlg.days[4].setChecked(False)  # no Fridays
    dlg.intervals[0].start.setTime(QTime(8, 30))
    dlg.add_interval("19:00", "00:00")  # until midnight
    dlg.response["normal"].setValue(2)
    dlg.resolve["normal"].setValue(16)
    dlg.tier.setCurrentIndex(dlg.tier.findData("strategic"))
    assert not dlg.own["urgent"].isChecked() and not dlg.response["urgent"].isEnabled()
    dlg.own["urgent"].setChecked(True)
    dlg.response["urgent"].setValue(0.5)
    dlg.warn.setValue(30)
    dlg.raise_priority.setChecked(False)
    dlg.reassign.setCurrentIndex(dlg.reassign.findData(str(desk.agent.id)))
    assert dlg.save()

    hours, version = shared_settings.load_rules(services.db, BUSINESS_HOURS_KEY, BusinessHours)
    assert version == 1
    assert hours.days == (0, 1, 2, 3)
    assert hours.intervals == (("08:30", "12:00"), ("13:00", "18:00"), ("19:00", "24:00"))
    targets = {(p.priority, p.tier): (p.response_minutes, p.resolve_minutes)
               for p in services.tickets.policies()}
    assert targets[("normal", "")] == (120, 960)
    assert targets[("urgent", "strategic")] == (30, 480)
    assert targets[("high", "")] == (240, 1440)  # untouched
    rules, _v = services.tickets.rules()
    assert (rules.warn_minutes, rules.raise_priority, rules.reassign_to) == (
        30, False, desk.agent.id)
    # the service reloaded its calendar from the new hours
    assert services.tickets.calendar().hours.days == (0, 1, 2, 3)
    assert services.tickets.warn_seconds() == 1800

    again = SlaSettingsDialog(services)
    qtbot.addWidget(again)
    again.tier.setCurrentIndex(again.tier.findData("strategic"))
    assert again.own["urgent"].isChecked() and again.response["urgent"].value() == 0.5
    # overlapping intervals are refused, nothing saved
    again.intervals[1].start.setTime(QTime(11, 0))
    assert not again.save()
    assert "Working hours" in again.message.text()
    assert shared_settings.load_rules(services.db, BUSINESS_HOURS_KEY, BusinessHours)[1] == 1


def test_service_staff_see_their_own_tickets_and_read_only_settings(qtbot, services, desk,
                                                                    clock):
    agent = desk.agent
    staff = dataclasses.replace(services, user=agent,
                                tickets=TicketService(services.db, agent, calendar()))
    section = open_section(qtbot, staff, clock)
    assert section.assignee.currentData() == str(agent.id)
    assert numbers(section) == [desk.soon.number]
    dlg = SlaSettingsDialog(staff, section)
    assert not dlg.tabs.widget(0).isEnabled()
    assert not dlg.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert "Only a manager" in dlg.note.text()
    new = section.new_ticket()
    assert new.assignee.currentData() == str(agent.id)  # their own by default


def test_turn_a_call_in_the_customers_history_into_a_ticket(qtbot, services, desk):
    from desktop_crm.models import Ticket
    from desktop_crm.views.main_window import MainWindow

    services.profiles.add_interaction(desk.huaxin, {
        "channel": "phone", "occurred_at": bj(2026, 11, 24, 9, 0),
        "summary": "客户来电：发票金额不对\n需要重开一张"})
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.escalation_timer.stop()
    w.show_section("customers")
    w.customers.show_customer(desk.huaxin)
    qtbot.waitUntil(lambda: w.customers.profile.profile is not None, timeout=10000)
    profile = w.customers.profile
    row = next(i for i, e in enumerate(profile.profile.timeline) if e.kind == "interaction")
    call_id = profile.profile.timeline[row].ref_id
    profile.ticket_requested.emit(call_id)  # the history's "Turn into a ticket…"
    assert w.stack.currentWidget() is w.tickets
    dlg = next(d for d in w.tickets.findChildren(NewTicketDialog) if d.isVisible())
    assert dlg.subject.text() == "客户来电：发票金额不对"
    assert "需要重开一张" in dlg.description.toPlainText()
    saved = []
    dlg.saved.connect(saved.append)
    dlg.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert saved and saved[0].customer_id == desk.huaxin
    with services.db.read() as s:
        assert s.get(Ticket, saved[0].id).interaction_id == call_id
    QThreadPool.globalInstance().waitForDone(10000)
