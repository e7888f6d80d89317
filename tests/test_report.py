"""The monthly report's figures against a hand-computed fixture, on both engines: customers,
revenue (by region, owner, top customers), pipeline, follow-ups, tiers, service; a
salesperson's scope; a month with no data; a January (the month before is last year's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, update

from desktop_crm.models import (
    Activity, Customer, Opportunity, Order, TierSnapshot, Ticket,
)
from desktop_crm.services.container import Services
from desktop_crm.services.report import ReportService, report_values
from desktop_crm.services.report_model import Scope

BJ = ZoneInfo("Asia/Shanghai")


def bj(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BJ)


@pytest.fixture
def shop(db_url):
    svc = Services.open(db_url, upgrade=True)
    a = svc.users.create("anna", "安娜", "sales", team="华东")
    b = svc.users.create("bo", "柏林", "sales", team="华北")
    made = {}
    for key, name, region, industry, owner, created in (
            ("c1", "甲公司", "华东", "制造", a.id, bj(2025, 6, 1)),
            ("c2", "乙公司", "华北", "零售", b.id, bj(2026, 10, 5)),
            ("c3", "丙公司", "华东", "制造", a.id, bj(2026, 9, 10)),
            ("c4", "丁公司", "华南", "物流", b.id, bj(2025, 1, 1))):
        cid = svc.customers.create({"name": name, "region": region, "industry": industry,
                                    "owner_id": owner}).id
        with svc.db.session() as s:
            s.execute(update(Customer).where(Customer.id == cid).values(created_at=created))
        made[key] = cid
    orders = (("c1", dt.date(2025, 10, 15), "1000", "paid"), ("c1", dt.date(2026, 9, 20), "2000",
                                                                "paid"),
              ("c1", dt.date(2026, 10, 3), "3000", "paid"), ("c1", dt.date(2026, 10, 20), "1000",
                                                              "paid"),
              ("c2", dt.date(2026, 10, 10), "5000", "paid"),
              ("c2", dt.date(2026, 10, 11), "999", "cancelled"),
              ("c3", dt.date(2026, 9, 15), "500", "paid"), ("c4", dt.date(2025, 10, 8), "800",
                                                            "paid"))
    with svc.db.session() as s:
        for i, (key, day, amount, status) in enumerate(orders):
            s.add(Order(customer_id=made[key], order_no=f"SO{i}", order_date=day,
                        amount=Decimal(amount), status=status))
    stages = {st.code: st.id for st in svc.pipeline.stages()}
    for title, key, owner, amount, status, created, closed, reason, close, prob in (
            ("扩容", "c1", a.id, 10000, "won", bj(2026, 9, 1, 10), bj(2026, 10, 11, 10), "", None,
             100),
            ("软件", "c2", b.id, 3000, "lost", bj(2026, 10, 2), bj(2026, 10, 20), "价格偏高", None,
             0),
            ("二期", "c1", a.id, 20000, "open", bj(2026, 10, 5), None, "", dt.date(2026, 11, 15),
             50)):
        oid = svc.pipeline.create({"title": title, "customer_id": made[key], "amount": amount,
                                   "stage_id": stages["lead"], "owner_id": owner}).id
        with svc.db.session() as s:
            s.execute(update(Opportunity).where(Opportunity.id == oid).values(
                status=status, created_at=created, closed_at=closed, lost_reason=reason,
                expected_close=close, probability=prob))
    with svc.db.session() as s:
        for subject, due, done, cancelled in (
                ("a1", bj(2026, 10, 10, 10), bj(2026, 10, 10, 11), None),
                ("a2", bj(2026, 10, 20, 10), None, None),
                ("a3", bj(2026, 9, 28, 10), bj(2026, 10, 2, 10), None),
                ("a4", bj(2026, 10, 25, 10), None, bj(2026, 10, 1))):
            s.add(Activity(customer_id=made["c1"], owner_id=a.id, type="call", subject=subject,
                           due_at=due, done_at=done, cancelled_at=cancelled))
        s.execute(insert(TierSnapshot), [
            {"month": "2026-10", "customer_id": made["c1"], "tier": "strategic"},
            {"month": "2026-10", "customer_id": made["c2"], "tier": "basic"},
            {"month": "2026-09", "customer_id": made["c1"], "tier": "growth"}])
    t = svc.tickets.create({"customer_id": made["c1"], "subject": "打印机卡纸",
                            "assignee_id": a.id}, now=bj(2026, 10, 12, 9, 0))
    t = svc.tickets.reply(t.id, t.version, "收到", now=bj(2026, 10, 12, 9, 30))
    svc.tickets.resolve(t.id, t.version, satisfaction=5, now=bj(2026, 10, 13, 10, 0))
    yield svc, made, a
    svc.close()


def values(report) -> dict:
    return {k: (v["value"], v["previous"], v["year_ago"])
            for k, v in report_values(report).items()}


def test_a_month_against_the_hand_computed_figures(shop):
    svc, made, _a = shop
    r = ReportService(svc.db, svc.user, BJ).build(dt.date(2026, 10, 1), company="示例公司")
    v = values(r)
    assert [s.key for s in r.sections] == ["customers", "revenue", "pipeline", "followups",
                                           "tiers", "service"]
    assert v["customers.new"] == (1, 1, 0)
    assert v["customers.total"] == (4, 3, 2)
    assert v["customers.active"] == (2, 2, 2)
    assert v["customers.repurchase_rate"] == (0.5, 0.5, 0.0)
    assert v["customers.churned"] == (1, 0, 0)  # 丁公司: last order 8 October 2025
    assert v["customers.arpu"] == (4500.0, 1250.0, 900.0)
    assert v["revenue.orders"] == (3, 2, 2)
    assert v["revenue.amount"] == (9000.0, 2500.0, 1800.0)  # the cancelled order left out
    revenue = r.section("revenue")
    by_region = {row[0]: row[1:] for row in revenue.tables[0].rows}
    assert by_region["华北"] == (1, Decimal("5000"), pytest.approx(5 / 9))
    assert by_region["华东"][:2] == (2, Decimal("4000"))
    assert [row[1] for row in revenue.tables[3].rows] == ["乙公司", "甲公司"]
    assert dict(zip(revenue.chart.labels, revenue.chart.series[0][1]))["2026-10"] == 9000.0
    assert v["pipeline.new"][0] == 2 and v["pipeline.won"][0] == 1
    assert v["pipeline.won_amount"][0] == 10000.0 and v["pipeline.lost_amount"][0] == 3000.0
    assert v["pipeline.win_rate"][0] == 0.5 and v["pipeline.cycle_days"][0] == 40.0
    pipe = r.section("pipeline")
    assert pipe.tables[0].rows[0] == ("2026-11", Decimal("10000"))
    assert pipe.tables[1].rows == (("价格偏高", 1),)
    assert v["followups.planned"][0] == 2 and v["followups.completed"][0] == 2
    assert v["followups.overdue"][0] == 1
    assert r.section("followups").tables[0].rows == (("安娜", 2, 2, 1),)
    assert v["tiers.strategic"] == (1, 0, None) and v["tiers.basic"][0] == 1
    assert r.section("tiers").tables[0].rows == (("growth", "strategic", 1),)
    assert v["service.opened"][0] == 1 and v["service.resolve_compliance"][0] == 1.0
    assert v["service.first_response_minutes"][0] == 30.0
    assert v["service.satisfaction"][0] == 5.0
    assert r.figure("revenue.amount").change_previous == pytest.approx(2.6)
    assert r.company == "示例公司"


def test_a_salespersons_scope(shop):
    svc, made, a = shop
    r = ReportService(svc.db, svc.user, BJ).build(
        dt.date(2026, 10, 1), Scope(owner_id=a.id, label="安娜"))
    v = values(r)
    assert v["customers.total"][0] == 2 and v["customers.new"][0] == 0
    assert v["revenue.amount"][0] == 4000.0 and v["revenue.orders"][0] == 2
    assert v["pipeline.lost"][0] == 0 and v["pipeline.won"][0] == 1
    team = ReportService(svc.db, svc.user, BJ).build(dt.date(2026, 10, 1), Scope(team="华北"))
    assert values(team)["revenue.amount"][0] == 5000.0


def test_a_month_without_data_and_a_january(shop):
    svc, _made, _a = shop
    rs = ReportService(svc.db, svc.user, BJ)
    empty = rs.build(dt.date(2026, 7, 1))
    v = values(empty)
    assert v["revenue.amount"][0] == 0.0 and v["customers.arpu"][0] is None
    assert v["pipeline.win_rate"][0] is None and v["pipeline.cycle_days"][0] is None
    assert empty.section("tiers") is None  # no tiers applied that month: left out
    assert empty.figure("revenue.amount").change_previous is None
    jan = rs.build(dt.date(2026, 1, 20))
    assert jan.month == dt.date(2026, 1, 1)
    assert values(jan)["customers.total"] == (2, 2, 1)  # Dec 2025 and Jan 2025
    assert values(jan)["customers.new"] == (0, 0, 1)
    with svc.db.read() as s:
        assert s.query(Ticket).count() == 1
