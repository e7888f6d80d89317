"""Stored health scores on both engines: the full computation, refresh of changed customers,
what makes the scores stale, and the dashboard's queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop_crm.models import Order
from desktop_crm.services.container import Services
from desktop_crm.services.health import HealthService, weakest_part

NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def svc(db_url):
    s = Services.open(db_url, upgrade=True)
    yield s
    s.close()


def _orders(svc, customer_id, *days_amounts):
    with svc.db.session() as s:
        for day, amount in days_amounts:
            s.add(Order(customer_id=customer_id, order_date=day, amount=Decimal(amount),
                        status="paid"))


def _setup(svc):
    good = svc.customers.create({"name": "好客户", "tier": "growth"}).id
    lapsed = svc.customers.create({"name": "流失客户", "tier": "growth"}).id
    _orders(svc, good, (dt.date(2026, 5, 1), "1000"), (dt.date(2026, 10, 20), "3000"),
            (dt.date(2026, 11, 20), "3000"))
    _orders(svc, lapsed, (dt.date(2024, 1, 1), "5000"), (dt.date(2024, 3, 1), "5000"))
    svc.profiles.add_interaction(good, {"summary": "回访", "occurred_at": NOW - dt.timedelta(days=2)})
    return good, lapsed


def test_recompute_stores_every_live_customer(svc):
    good, lapsed = _setup(svc)
    gone = svc.customers.create({"name": "已删除"}).id
    svc.customers.delete(gone)
    health = svc.health
    assert health.stale(NOW)
    assert health.recompute(now=NOW) == 2
    assert not health.stale(NOW)
    assert health.stale(NOW + dt.timedelta(days=1))  # recency moves with the date
    assert health.stored(good) >= 70 and health.stored(lapsed) < 40
    assert health.stored(gone) is None
    assert health.band_counts() == {"red": 1, "amber": 0, "green": 1}
    assert health.band_counts(tier="growth") == {"red": 1, "amber": 0, "green": 1}
    assert health.band_counts(owner_id=svc.user.id)["red"] == 1
    risky = health.at_risk()
    assert [r.customer_id for r in risky] == [lapsed]
    assert risky[0].name == "流失客户" and risky[0].tier == "growth" and risky[0].weakest
    assert health.at_risk(tier="strategic") == []
    # the frame API and the stored scores agree
    frame = health.compute(NOW)
    assert frame.loc[lapsed.hex].score == health.stored(lapsed)


def test_refresh_after_a_new_order_and_a_ticket(svc):
    good, lapsed = _setup(svc)
    health = svc.health
    health.recompute(now=NOW)
    before = health.stored(lapsed)
    later = NOW + dt.timedelta(minutes=5)
    clock = dt.datetime.now(dt.timezone.utc)  # rows are stamped with the real time
    _orders(svc, lapsed, (dt.date(2026, 11, 25), "8000"))
    assert health.changed_since(clock) == {lapsed}
    assert health.refresh_changed(later) == 1
    assert health.stored(lapsed) > before
    # a ticket for the good customer, breached a day later: its tickets part drops
    svc.tickets.create({"customer_id": good, "subject": "坏了"}, now=later)
    score = health.stored(good)
    assert health.refresh_changed(later + dt.timedelta(minutes=1)) >= 1
    assert health.stored(good) < score
    detail = health.get(good, later + dt.timedelta(minutes=1))
    assert detail.open_tickets == 1 and detail.parts["tickets"] == 80
    # nothing changed since: nothing to refresh, and stored scores stay
    assert health.refresh_changed(later + dt.timedelta(minutes=30)) == 0
    # a refresh of a deleted customer removes its row
    svc.customers.delete(good)
    health.refresh([good], later + dt.timedelta(minutes=31))
    assert health.stored(good) is None


def test_get_explains_the_parts(svc):
    good, lapsed = _setup(svc)
    d = svc.health.get(lapsed, NOW)
    assert d.days_since_order == (NOW.date() - dt.date(2024, 3, 1)).days
    assert d.interval_source == "own" and d.usual_interval == 60.0
    assert d.spend_recent == 0 and d.spend_before == 0  # both orders before the last year
    assert d.parts["trend"] is None and d.parts["satisfaction"] is None
    assert d.cadence_days == 30 and d.days_since_contact is None and d.parts["follow_up"] == 0
    assert d.band == "red" and d.weakest == "recency"  # 30 points lost, against 15
    g = svc.health.get(good, NOW)
    assert g.days_since_contact == 2 and g.parts["follow_up"] == 100
    assert svc.health.get(svc.user.id, NOW) is None  # not a customer


def test_stale_after_a_tiers_run_and_keep_current(svc):
    good, _lapsed = _setup(svc)
    health = svc.health
    assert health.keep_current(now=NOW) == 2  # first run: full
    assert not health.stale(NOW)
    svc.tiers.save(svc.tiers.compute(NOW.date()))
    assert health.stale(dt.datetime.now(dt.timezone.utc))


def test_weakest_part():
    assert weakest_part({"recency": 50, "trend": 100, "tickets": 40, "alive": None}) == "recency"
    assert weakest_part({"recency": 100}) is None


def test_health_service_without_user(svc):
    # the profile builds one without a user: the default cadence is read all the same
    assert HealthService(svc.db).get(svc.customers.create({"name": "甲"}).id, NOW) is not None
