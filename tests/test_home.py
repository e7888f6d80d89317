"""The Home section's figures on both engines, against a small hand-made company: which tiles
each role gets, a salesperson's follow-ups, deals closing, attainment and pool returns, a
manager's people (their reports and their team, not another team), revenue against last month
and last year, tier migration, a service agent's tickets; which tiles a change makes out of
date; the cache file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from desktop_crm.models import Order, TierSnapshot, User
from desktop_crm.services.container import Services
from desktop_crm.services.followups import FollowUpService
from desktop_crm.services.home import (
    DEPENDS, HomeCache, HomeService, ROLE_TILES, stale_tiles, tiles_for,
)
from desktop_crm.services.targets import TargetService
from desktop_crm.services.tickets import TicketService

BJ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=BJ)


def bj(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BJ)


class Company:
    """A manager (米娅, team 华东) with one salesperson reporting to her (安娜, 华东); another
    salesperson of another team (柏林, 华北, no manager); a service agent (小王); an admin."""

    def __init__(self, url: str):
        self.svc = svc = Services.open(url, upgrade=True)
        self.admin = svc.user
        self.mia = svc.users.create("mia", "米娅", "manager", team="华东")
        self.anna = svc.users.create("anna", "安娜", "sales", team="华东")
        self.bo = svc.users.create("bo", "柏林", "sales", team="华北")
        self.agent = svc.users.create("kefu", "客服小王", "service", team="客服")
        with svc.db.session() as s:
            s.execute(update(User).where(User.id == self.anna.id)
                      .values(manager_id=self.mia.id))
        c = svc.customers
        self.a1 = c.create({"name": "甲公司", "owner_id": self.anna.id}).id
        self.a2 = c.create({"name": "乙公司", "owner_id": self.anna.id}).id
        self.b1 = c.create({"name": "丙公司", "owner_id": self.bo.id}).id
        with svc.db.session() as s:
            for cid, day, amount, status in (
                    (self.a1, dt.date(2026, 11, 3), "1000", "paid"),
                    (self.a1, dt.date(2026, 11, 18), "500", "paid"),
                    (self.a2, dt.date(2026, 11, 5), "800", "cancelled"),  # not revenue
                    (self.a2, dt.date(2026, 10, 15), "2000", "paid"),  # last month
                    (self.a1, dt.date(2025, 11, 9), "3000", "paid"),  # a year ago
                    (self.b1, dt.date(2026, 11, 10), "7000", "paid")):  # another team
                s.add(Order(customer_id=cid, order_date=day, amount=Decimal(amount),
                            status=status))
        stage = svc.pipeline.stages()[1].id
        for title, cid, owner, amount, close in (
                ("一期", self.a1, self.anna.id, 10000, dt.date(2026, 11, 28)),
                ("二期", self.a2, self.anna.id, 4000, dt.date(2026, 11, 30)),
                ("三期", self.a2, self.anna.id, 9000, dt.date(2026, 12, 15)),  # next month
                ("四期", self.b1, self.bo.id, 5000, dt.date(2026, 11, 25))):  # bo's
            svc.pipeline.create({"title": title, "customer_id": cid, "amount": amount,
                                 "stage_id": stage, "owner_id": owner,
                                 "expected_close": close})
        targets = TargetService(svc.db, svc.user, tz=BJ)
        targets.set_target("2026-11", user_id=self.anna.id, revenue=3000, new_customers=2)
        targets.set_target("2026-Q4", user_id=self.anna.id, revenue=10000)
        f = FollowUpService(svc.db, self.anna, tz=BJ)
        f.create({"subject": "回访", "start": bj(2026, 11, 20, 16), "type": "call",
                  "customer_id": self.a1}, now=NOW - dt.timedelta(days=5))
        f.create({"subject": "送样品", "start": bj(2026, 11, 18, 10), "type": "visit",
                  "customer_id": self.a2}, now=NOW - dt.timedelta(days=5))
        tickets = TicketService(svc.db, self.agent)
        self.late = tickets.create({"customer_id": self.a1, "subject": "打印机卡纸",
                                    "priority": "urgent", "assignee_id": self.agent.id},
                                   now=bj(2026, 11, 16, 10)).id
        tickets.create({"customer_id": self.b1, "subject": "发票抬头",
                        "priority": "low", "assignee_id": self.agent.id},
                       now=bj(2026, 11, 20, 14))

    def home(self, user) -> HomeService:
        return HomeService(self.svc.db, user, tz=BJ)


@pytest.fixture
def co(db_url):
    company = Company(db_url)
    yield company
    company.svc.close()


def test_each_role_has_its_tiles():
    assert tiles_for("sales")[:3] == ("followups", "closing", "attainment")
    assert "team_attainment" in tiles_for("manager") and tiles_for("admin") == \
        tiles_for("manager")
    assert tiles_for("service") == ("my_tickets", "sla", "satisfaction")
    assert set(DEPENDS) == {k for keys in ROLE_TILES.values() for k in keys}


def test_salesperson_tiles(co):
    home = co.home(co.anna)
    f = home.load("followups", NOW)
    assert (f["today"], f["overdue"]) == (1, 1)
    assert [i["subject"] for i in f["items"]] == ["回访", "送样品"]
    assert [i["overdue"] for i in f["items"]] == [False, True]

    c = home.load("closing", NOW)
    assert (c["count"], c["amount"]) == (2, 14000.0)  # not next month's, not bo's
    stage_probability = c["items"][0]["probability"]
    assert c["weighted"] == pytest.approx(14000 * stage_probability / 100)
    assert [i["title"] for i in c["items"]] == ["一期", "二期"]

    a = home.load("attainment", NOW)
    month, quarter = a["month"], a["quarter"]
    assert (month["period"], month["revenue"], month["revenue_target"]) == \
        ("2026-11", 1500.0, 3000.0)
    assert month["revenue_pct"] == pytest.approx(0.5)
    assert (month["new"], month["new_target"]) == (0, 2)  # 甲 and 乙 bought before
    assert quarter["period"] == "2026-Q4" and quarter["revenue"] == 3500.0
    assert quarter["remaining"] == 6500.0

    # nobody's customers go back to the pool until a manager saved the pool rules
    assert home.load("pool_due", NOW) is None
    pool = co.svc.pool
    rules = pool.rules()[0]
    pool.save_rules(dataclasses.replace(rules, return_days={"": 3}), 0)
    # three days after anna got them (the real clock: when the fixture created them)
    p = home.load("pool_due", dt.datetime.now(dt.timezone.utc))
    assert p["days"] == 7 and p["count"] == len(p["items"]) == 2  # no follow-up since
    assert {i["name"] for i in p["items"]} == {"甲公司", "乙公司"}


def test_a_salesperson_without_a_target(co):
    a = co.home(co.bo).load("attainment", NOW)
    assert a["month"]["revenue_target"] is None and a["month"]["revenue_pct"] is None
    assert a["month"]["revenue"] == 7000.0


def test_manager_sees_their_people_not_another_team(co):
    home = co.home(co.mia)
    assert home.people() == {co.mia.id, co.anna.id}
    t = home.load("team_attainment", NOW)
    # 米娅 has no target, no customers and no deals: nothing to show
    assert [p["name"] for p in t["people"]] == ["安娜"]
    assert t["people"][0]["revenue_pct"] == pytest.approx(0.5)
    assert [x["team"] for x in t["teams"]] == ["华东"]

    r = home.load("revenue", NOW)
    assert (r["this"], r["last"], r["last_year"]) == (1500.0, 2000.0, 3000.0)
    assert r["months"][0] == "2026-11-01" and len(r["amounts"]) == 13

    cov = home.load("coverage", NOW)
    q = cov["quarter"]
    assert (q["target"], q["revenue"], q["remaining"]) == (10000.0, 3500.0, 6500.0)
    # 一期 and 二期 close this quarter, 三期 (Dec 15) too: all of anna's open deals
    assert q["weighted_open"] == pytest.approx(23000 * c_probability(co) / 100)
    assert q["coverage"] == pytest.approx(q["weighted_open"] / 6500)

    # an admin sees everyone's revenue
    r = co.home(co.admin).load("revenue", NOW)
    assert r["this"] == 8500.0


def c_probability(co) -> int:
    return co.svc.pipeline.stages()[1].probability


def test_tier_migration_needs_two_tier_runs(co):
    home = co.home(co.admin)
    assert home.load("tier_migration", NOW) is None  # left out: no data yet
    with co.svc.db.session() as s:
        for month, tiers in (("2026-10", ("growth", "basic", "basic")),
                             ("2026-11", ("strategic", "dormant", "basic"))):
            for cid, tier in zip((co.a1, co.a2, co.b1), tiers):
                s.add(TierSnapshot(month=month, customer_id=cid, tier=tier))
    m = home.load("tier_migration", NOW)
    assert (m["from"], m["to"], m["up"], m["down"]) == ("2026-10", "2026-11", 1, 1)
    assert {(x["from"], x["to"], x["count"]) for x in m["moves"]} == {
        ("growth", "strategic", 1), ("basic", "dormant", 1)}


def test_service_agent_tiles(co):
    home = co.home(co.agent)
    mine = home.load("my_tickets", NOW)
    assert mine["count"] == 2
    assert mine["items"][0]["id"] == str(co.late)  # the most urgent deadline first
    sla = home.load("sla", NOW)
    assert sla["mine_breached"] == 1 and sla["breached"] == 1
    b = co.home(co.mia).load("breaching", NOW)
    assert b["breached"] == 1 and b["items"][0]["number"]
    s = home.load("satisfaction", NOW)
    assert s["month"] == "2026-11-01" and s["mine_count"] == 0 and s["avg"] is None


def test_figures_are_plain_json(co):
    for user in (co.anna, co.mia, co.agent):
        home = co.home(user)
        keys = [k for k in home.tiles() if k not in ("at_risk", "strategic_risk")]
        json.dumps(home.load_all(keys, NOW))


def test_a_change_reloads_only_the_tiles_it_touches():
    keys = tiles_for("sales")
    assert stale_tiles(keys, {"activities"}) == ["followups", "at_risk", "pool_due"]
    assert stale_tiles(keys, {"targets"}) == ["attainment"]
    assert stale_tiles(keys, {"notifications"}) == []
    assert stale_tiles(keys, None) == list(keys)
    assert stale_tiles(tiles_for("service"), {"tickets"}) == list(tiles_for("service"))


def test_cache_round_trip_and_a_broken_file(sqlite_url, tmp_path):
    svc = Services.open(sqlite_url)
    try:
        cache = HomeCache(svc.db, svc.user, tmp_path / "cache" / "home.json")
        assert cache.read() == ({}, None)
        at = dt.datetime(2026, 11, 20, 7, tzinfo=dt.timezone.utc)
        cache.write({"followups": {"today": 2}, "tier_migration": None}, at)
        assert cache.read() == ({"followups": {"today": 2}, "tier_migration": None}, at)
        cache.path.write_text("{not json", encoding="utf-8")
        assert cache.read() == ({}, None)
        # the default place is per database and user, under the data directory
        default = HomeCache(svc.db, svc.user).path
        assert default.name.startswith("home-") and default.parent.name == "cache"
    finally:
        svc.close()
