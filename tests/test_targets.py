"""Sales targets and attainment against a hand-computed fixture, on both engines: revenue
from paid orders, won deals, new customers by first purchase, pipeline coverage, a team
measured by its members' targets, a salesperson with no target, a fourth quarter ending at
the year's end, and who may set targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from desktop_crm.models import Customer, Opportunity, Order
from desktop_crm.services.container import Services
from desktop_crm.services.errors import PermissionDenied, ValidationError
from desktop_crm.services.targets import TargetService, parse_period

BJ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def sales(db_url):
    svc = Services.open(db_url, upgrade=True)
    anna = svc.users.create("anna", "安娜", "sales", team="华东")
    bo = svc.users.create("bo", "柏林", "sales", team="华东")
    chen = svc.users.create("chen", "陈晨", "sales", team="华北")
    c1 = svc.customers.create({"name": "甲公司", "owner_id": anna.id}).id
    c2 = svc.customers.create({"name": "乙公司", "owner_id": anna.id}).id
    c3 = svc.customers.create({"name": "丙公司", "owner_id": bo.id}).id
    with svc.db.session() as s:
        for cid, day, amount, status in (
                (c1, dt.date(2026, 9, 30), "700", "paid"),  # before the quarter
                (c1, dt.date(2026, 10, 5), "1000", "paid"),
                (c1, dt.date(2026, 12, 31), "2000", "paid"),  # the quarter's last day
                (c2, dt.date(2026, 11, 2), "3000", "paid"),  # 乙's first purchase
                (c2, dt.date(2026, 11, 3), "500", "cancelled"),
                (c3, dt.date(2027, 1, 1), "9000", "paid")):  # next year: not in Q4
            s.add(Order(customer_id=cid, order_date=day, amount=Decimal(amount),
                        status=status))
    stage = svc.pipeline.stages()[0].id
    for title, cid, owner, amount, status, closed, close, prob in (
            ("一期", c1, anna.id, 5000, "won", dt.datetime(2026, 10, 9, 2, tzinfo=dt.timezone.utc),
             None, 100),
            ("二期", c1, anna.id, 8000, "open", None, dt.date(2026, 12, 20), 50),
            ("三期", c2, anna.id, 9000, "open", None, dt.date(2027, 1, 20), 50),  # after Q4
            ("四期", c3, bo.id, 2000, "open", None, dt.date(2026, 11, 10), 50)):  # passed
        oid = svc.pipeline.create({"title": title, "customer_id": cid, "amount": amount,
                                   "stage_id": stage, "owner_id": owner}).id
        with svc.db.session() as s:
            s.execute(update(Opportunity).where(Opportunity.id == oid).values(
                status=status, closed_at=closed, expected_close=close, probability=prob))
    yield svc, anna, bo, chen
    svc.close()


def test_periods():
    assert parse_period("2026-Q4") == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))
    assert parse_period("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    assert parse_period("2026-q1") == (dt.date(2026, 1, 1), dt.date(2026, 4, 1))
    for bad in ("2026-13", "2026-Q5", "26-10", "2026/10"):
        with pytest.raises(ValidationError):
            parse_period(bad)


def test_attainment_of_a_fourth_quarter(sales):
    svc, anna, bo, chen = sales
    t = TargetService(svc.db, svc.user, BJ)  # the local admin sets targets
    t.set_target("2026-Q4", user_id=anna.id, revenue="10000", new_customers=2)
    t.set_target("2026-Q4", user_id=bo.id, revenue=5000)
    with pytest.raises(PermissionDenied):
        TargetService(svc.db, anna, BJ).set_target("2026-Q4", user_id=anna.id, revenue=1)
    with pytest.raises(ValidationError):
        t.set_target("2026-Q4", revenue=1)  # neither a person nor a team
    got = {a.name: a for a in t.attainment("2026-Q4", today=dt.date(2026, 11, 26))}
    a = got["安娜"]
    assert a.revenue == Decimal("6000")  # 1000 + 3000 + 2000, not September's nor cancelled
    assert a.won_amount == Decimal("5000")
    assert a.revenue_attainment == pytest.approx(0.6)
    assert a.new_customers == 1 and a.new_customers_attainment == pytest.approx(0.5)
    assert a.weighted_open == Decimal("4000")  # 二期 closes in December; 三期 in January
    assert a.remaining == Decimal("4000") and a.coverage == pytest.approx(1.0)
    b = got["柏林"]
    assert b.revenue == 0 and b.revenue_attainment == 0.0
    assert b.weighted_open == 0  # 四期 was expected before today: not in what is left
    c = got["陈晨"]  # no target: attainment undefined, not zero
    assert c.revenue_target is None and c.revenue_attainment is None and c.coverage is None
    team = got["华东"]  # no team target: the members' targets add up
    assert team.user_id is None and team.revenue_target == Decimal("15000")
    assert team.revenue == Decimal("6000") and team.new_customers_target == 2
    t.set_target("2026-Q4", team="华东", revenue=20000)
    team = next(x for x in t.attainment("2026-Q4", team="华东", today=dt.date(2026, 11, 26))
                if x.user_id is None)
    assert team.revenue_target == Decimal("20000")
    month = {x.name: x for x in t.attainment("2026-10")}
    assert month["安娜"].revenue == Decimal("1000") and month["安娜"].revenue_target is None
    with svc.db.read() as s:
        assert s.query(Customer).count() == 3 and s.query(Order).count() == 6


def test_the_cli_prints_attainment(sqlite_url):
    import json

    from .test_cli import run

    svc = Services.open(sqlite_url)
    anna = svc.users.create("anna", "安娜", "sales", team="华东")
    cid = svc.customers.create({"name": "甲公司", "owner_id": anna.id}).id
    with svc.db.session() as s:
        s.add(Order(customer_id=cid, order_date=dt.date(2026, 11, 2), amount=Decimal("3000"),
                    status="paid"))
    TargetService(svc.db, svc.user).set_target("2026-Q4", user_id=anna.id, revenue=12000)
    svc.close()
    got = json.loads(run("targets", "--db", sqlite_url, "--period", "2026-Q4",
                         "--format", "json").stdout)
    person = next(r for r in got["rows"] if r["name"] == "安娜")
    assert person["revenue"] == 3000.0 and person["revenue_attainment"] == 0.25
    team = next(r for r in got["rows"] if r["kind"] == "team")
    assert team["name"] == "华东" and team["revenue_target"] == 12000.0
    table = run("targets", "--db", sqlite_url, "--period", "2026-Q4").stdout
    assert "安娜" in table and "25%" in table
    bad = run("targets", "--db", sqlite_url, "--period", "2026-Q5", check=False)
    assert bad.returncode == 2 and "2026-Q5" in bad.stderr
