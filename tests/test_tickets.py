"""Tickets on both engines: SLA due times in business hours (nights, weekends, Chinese
holidays), first response, the workflow (pauses while waiting, an illegal step refused),
escalation with a controllable clock, satisfaction, the list's filters and the month's
figures for the report."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from desktop_crm.models import (
    Customer, Interaction, Notification, Ticket, TicketEvent, User,
)
from desktop_crm.services.business_hours import BusinessCalendar, BusinessHours
from desktop_crm.services.customers import CustomerService
from desktop_crm.services.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from desktop_crm.services.holidays import library_days
from desktop_crm.services.tickets import (
    EscalationRules, TicketQuery, TicketService, TransitionError, clock_of,
)
from desktop_crm.services.users import UserService

BJ = ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc


def bj(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BJ)


def calendar() -> BusinessCalendar:
    kinds = {h.day: h.kind for h in library_days(2026)}
    return BusinessCalendar(BusinessHours(), kinds.get)


class Staff:
    def __init__(self, db):
        users = UserService(db)
        self.admin = users.ensure_local_user()
        self.boss = users.create("lead", "客服主管", "manager", team="客服")
        self.agent = users.create("kefu", "客服小王", "service", team="客服")
        self.other = users.create("kefu2", "客服小李", "service", team="客服")
        with db.session() as s:
            s.execute(update(User).where(User.role == "service")
                      .values(manager_id=self.boss.id))
        self.customer = CustomerService(db, self.admin.id).create(
            {"name": "上海华信科技有限公司", "phone": "13812345678"}).id


@pytest.fixture
def staff(db):
    return Staff(db)


def svc(db, user) -> TicketService:
    return TicketService(db, user, calendar())


def open_ticket(db, staff, at, priority="normal", **kw):
    return svc(db, staff.agent).create({"customer_id": staff.customer, "subject": "打印机卡纸",
                                        "priority": priority, "assignee_id": staff.agent.id,
                                        **kw}, now=at)


def test_due_times_are_business_hours(db, staff):
    t = open_ticket(db, staff, bj(2026, 11, 23, 10, 0))  # Monday 10:00, normal: 8 h / 48 h
    assert t.number.startswith("T") and t.status == "new"
    assert t.response_due == bj(2026, 11, 24, 10, 0)  # 7 h on Monday, 1 h on Tuesday
    assert t.resolve_due == bj(2026, 12, 1, 10, 0)  # six working days later
    # Friday evening: the night and the weekend do not count
    late = open_ticket(db, staff, bj(2026, 11, 27, 17, 0), priority="urgent")  # 1 h / 8 h
    assert late.response_due == bj(2026, 11, 27, 18, 0)  # the end of Friday, not Monday
    assert late.resolve_due == bj(2026, 11, 30, 17, 0)
    # before National Day: 2 h on 30 September, then 1-7 October are holidays
    holiday = open_ticket(db, staff, bj(2026, 9, 30, 16, 0))
    assert holiday.response_due == bj(2026, 10, 8, 16, 0)


def test_first_reply_and_the_workflow(db, staff):
    f = svc(db, staff.agent)
    t = open_ticket(db, staff, bj(2026, 11, 23, 10, 0))
    t = f.reply(t.id, t.version, "内部：先查保修", internal=True, now=bj(2026, 11, 23, 10, 30))
    assert t.first_response_at is None and t.status == "new"
    t = f.reply(t.id, t.version, "您好，我们已收到，正在处理", now=bj(2026, 11, 23, 11, 0))
    assert t.first_response_at == bj(2026, 11, 23, 11, 0) and t.status == "in_progress"
    with pytest.raises(TransitionError) as err:  # resolved tickets close; in progress not
        f.set_status(t.id, t.version, "closed", now=bj(2026, 11, 23, 11, 5))
    assert "in_progress" in str(err.value) and f.row(t.id).version == t.version
    with pytest.raises(ConflictError):
        f.reply(t.id, t.version - 1, "stale", now=bj(2026, 11, 23, 11, 6))
    with pytest.raises(ValidationError):
        f.resolve(t.id, t.version, satisfaction=6)
    t = f.resolve(t.id, t.version, satisfaction=4, comment="响应很快",
                  now=bj(2026, 11, 24, 15, 0))
    assert t.status == "resolved" and t.satisfaction == 4
    t = f.set_status(t.id, t.version, "in_progress", note="客户说又卡了",
                     now=bj(2026, 11, 25, 9, 0))  # reopened
    assert t.resolved_at is None and t.satisfaction is None
    t = f.resolve(t.id, t.version, now=bj(2026, 11, 25, 10, 0))
    t = f.set_status(t.id, t.version, "closed", now=bj(2026, 11, 26, 10, 0))
    detail = f.get(t.id)
    kinds = [e.kind for e in detail.events]
    assert kinds[0] == "created" and kinds.count("reply") == 1 and kinds.count("note") == 1
    assert [(e.from_value, e.to_value) for e in detail.events if e.kind == "status"] == [
        ("new", "in_progress"), ("in_progress", "resolved"), ("resolved", "in_progress"),
        ("in_progress", "resolved"), ("resolved", "closed")]
    assert detail.events[1].user_name == "客服小王" and detail.customer_phone == "138 1234 5678"


def test_waiting_on_the_customer_pauses_the_clock(db, staff):
    f = svc(db, staff.agent)
    cal = calendar()
    t = open_ticket(db, staff, bj(2026, 11, 23, 10, 0))
    t = f.reply(t.id, t.version, "请提供序列号", now=bj(2026, 11, 23, 11, 0))
    t = f.set_status(t.id, t.version, "waiting", now=bj(2026, 11, 24, 9, 0))
    frozen = clock_of(t, cal, bj(2026, 11, 24, 9, 0), 3600)
    later = clock_of(t, cal, bj(2026, 11, 26, 17, 0), 3600)
    assert frozen.paused and later.seconds_left == frozen.seconds_left
    # a whole working day waited (Tuesday 09:00 to Wednesday 09:00): due one day later
    t = f.set_status(t.id, t.version, "in_progress", now=bj(2026, 11, 25, 9, 0))
    assert t.resolve_due == bj(2026, 12, 2, 10, 0) and t.paused_at is None
    assert clock_of(t, cal, bj(2026, 11, 25, 9, 0), 3600).seconds_left == \
        frozen.seconds_left


def test_clock_states_and_list_filters(db, staff):
    f = svc(db, staff.agent)
    cal = calendar()
    a = open_ticket(db, staff, bj(2026, 11, 23, 10, 0))  # response due Tue 10:00
    b = open_ticket(db, staff, bj(2026, 11, 24, 9, 30), subject="发票抬头错误")  # due Wed 09:30
    c = open_ticket(db, staff, bj(2026, 11, 24, 9, 30), priority="low")
    now = bj(2026, 11, 24, 9, 15)
    assert clock_of(a, cal, now, 3600).state == "soon"
    assert clock_of(a, cal, bj(2026, 11, 24, 10, 1), 3600).state == "breached"
    assert clock_of(b, cal, now, 3600).state == "ok"
    q = TicketQuery()
    assert {r.id for r in f.page(q, now=now)} == {a.id, b.id, c.id}
    assert [r.id for r in f.page(TicketQuery(due_soon=True), now=now)] == [a.id]
    assert [r.id for r in f.page(TicketQuery(breached=True),
                                 now=bj(2026, 11, 24, 10, 1))] == [a.id]
    assert f.count(TicketQuery(breached=True), now=bj(2026, 11, 24, 10, 1)) == 1
    assert [r.id for r in f.page(TicketQuery(text="发票"), now=now)] == [b.id]
    assert {r.id for r in f.page(TicketQuery(text="华信"), now=now)} == {a.id, b.id, c.id}
    assert [r.id for r in f.page(TicketQuery(text=b.number), now=now)] == [b.id]
    assert [r.id for r in f.page(TicketQuery(priorities=("low",)), now=now)] == [c.id]
    first = f.page(TicketQuery(sort="due"), now=now)
    assert first[0].id == a.id  # the most urgent deadline first
    assert f.page(TicketQuery(statuses=("closed",)), now=now) == []


def test_escalation_with_a_controllable_clock(db, staff):
    f = svc(db, staff.agent)
    t = open_ticket(db, staff, bj(2026, 11, 23, 10, 0))  # normal, response due Tue 10:00
    boss = svc(db, staff.boss)
    assert boss.escalate_due(now=bj(2026, 11, 23, 17, 0)) == []  # 2 working hours left
    warned = boss.escalate_due(now=bj(2026, 11, 24, 9, 5))
    assert [(e.target, e.level) for e in warned] == [("response", 1)]
    assert boss.escalate_due(now=bj(2026, 11, 24, 9, 30)) == []  # once per level
    breached = boss.escalate_due(now=bj(2026, 11, 24, 10, 5))
    assert [(e.target, e.level, e.priority) for e in breached] == [("response", 2, "high")]
    row = f.row(t.id)
    assert row.priority == "high"  # and its due times follow the high policy (4 h / 24 h)
    assert row.resolve_due == bj(2026, 11, 26, 10, 0)
    with db.read() as s:
        kinds = [n.kind for n in s.scalars(select(Notification).where(
            Notification.user_id == staff.boss.id).order_by(Notification.created_at))]
        log = list(s.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == t.id)))
    assert kinds == ["ticket_due_soon", "ticket_breached"]
    assert log.count("escalation") == 2 and "priority" in log
    # a rule may hand breached tickets to someone else; managers only change the rules
    rules, version = boss.rules()
    with pytest.raises(PermissionDenied):
        f.save_rules(EscalationRules(30, False, staff.other.id), version)
    boss.save_rules(EscalationRules(30, False, staff.other.id), version)
    t2 = open_ticket(db, staff, bj(2026, 11, 23, 10, 0), priority="low")  # response 24 h
    boss.escalate_due(now=bj(2026, 11, 26, 10, 5))
    row2 = boss.row(t2.id)  # the manager sees the tickets of the people who report to them
    assert row2.assignee_id == staff.other.id and row2.priority == "low"
    with pytest.raises(NotFound):  # handed on: no longer the agent's to see
        f.row(t2.id)


def test_ticket_from_a_call_and_the_months_figures(db, staff):
    f = svc(db, staff.agent)
    with db.session() as s:
        call = Interaction(customer_id=staff.customer, user_id=staff.agent.id,
                           channel="phone", occurred_at=bj(2026, 11, 2, 9, 0),
                           summary="客户来电：发票金额不对\n需要重开")
        s.add(call)
        s.flush()
        call_id = call.id
    t1 = f.create_from_interaction(call_id, now=bj(2026, 11, 2, 9, 5))
    assert t1.subject == "客户来电：发票金额不对" and t1.assignee_id == staff.agent.id
    # responded in 30 minutes, resolved in time, satisfaction 5
    f.reply(t1.id, t1.version, "已重开", now=bj(2026, 11, 2, 9, 35))
    f.resolve(t1.id, f.row(t1.id).version, satisfaction=5, now=bj(2026, 11, 3, 9, 0))
    # responded late (normal: 8 h), resolved late, satisfaction 2, by the other agent
    t2 = svc(db, staff.other).create({"customer_id": staff.customer, "subject": "退货",
                                      "assignee_id": staff.other.id},
                                     now=bj(2026, 11, 9, 9, 0))
    g = svc(db, staff.other)
    g.reply(t2.id, t2.version, "收到", now=bj(2026, 11, 10, 12, 0))  # 11 h later
    g.resolve(t2.id, g.row(t2.id).version, satisfaction=2, now=bj(2026, 11, 30, 9, 0))
    open_ticket(db, staff, bj(2026, 10, 31, 9, 0))  # October: not in November's figures
    m = f.month_stats(dt.date(2026, 11, 1))
    assert (m.opened, m.responded, m.response_met, m.resolved, m.resolve_met) == \
        (2, 2, 1, 2, 1)
    assert m.first_response_minutes_avg == pytest.approx((30 + 11 * 60) / 2)
    assert m.satisfaction_avg == pytest.approx(3.5) and m.satisfaction_count == 2
    assert {(a.name, a.resolved, a.satisfaction_avg) for a in m.by_agent} == {
        ("客服小王", 1, 5.0), ("客服小李", 1, 2.0)}
    assert m.response_compliance == pytest.approx(0.5)
    with db.read() as s:
        assert s.scalar(select(Ticket.interaction_id).where(Ticket.id == t1.id)) == call_id
        assert s.scalar(select(func.count()).select_from(Customer)) == 1
