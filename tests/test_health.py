"""The customer health score: its parts on constructed customers (hand-computed), and the
inputs gathered from a real database on both engines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd

from desktop_crm.models import Interaction, Order
from desktop_crm.services.container import Services
from desktop_crm.services.health import HealthService, band, score_frame

NaT = pd.NaT


def frame(rows):
    cols = ["tier", "first_day", "last_day", "purchase_days", "interval", "spend_recent",
            "spend_before", "open_tickets", "breached_tickets", "satisfaction",
            "last_contact", "p_alive"]
    return pd.DataFrame([r[1:] for r in rows], index=[r[0] for r in rows], columns=cols)


def test_parts_and_score_of_constructed_customers():
    f = frame([
        ("steady", "strategic", dt.date(2026, 1, 1), dt.date(2026, 11, 16), 11, np.nan,
         6000.0, 3000.0, 0, 0, 5.0, dt.date(2026, 11, 20), 0.9),
        ("lapsing", "growth", dt.date(2025, 1, 1), dt.date(2026, 9, 27), 8, 30.0,
         0.0, 5000.0, 2, 1, 2.0, dt.date(2026, 8, 28), np.nan),
        ("lead", "", NaT, NaT, np.nan, np.nan, np.nan, np.nan, 0, 0, np.nan, NaT, np.nan),
    ])
    got = score_frame(f, dt.date(2026, 11, 26))
    steady = got.loc["steady"]
    assert (steady.recency, steady.trend, steady.tickets, steady.satisfaction,
            steady.follow_up, steady.alive) == (100, 100, 100, 100, 100, 90)
    assert steady.score == 99 and band(steady.score) == "green"
    lapsing = got.loc["lapsing"]
    assert (lapsing.recency, lapsing.trend, lapsing.tickets, lapsing.satisfaction,
            lapsing.follow_up) == (50, 0, 20, 25, 0)
    assert np.isnan(lapsing.alive)  # no tiers model: the part is left out, not zero
    assert lapsing.score == 23 and band(lapsing.score) == "red"
    lead = got.loc["lead"]
    assert np.isnan(lead.recency) and np.isnan(lead.trend) and lead.follow_up == 0
    assert lead.score == 50 and band(lead.score) == "amber"
    assert band(None) == ""


def test_inputs_from_the_database(db_url):
    svc = Services.open(db_url, upgrade=True)
    try:
        now = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.timezone.utc)
        cid = svc.customers.create({"name": "甲公司", "owner_id": svc.user.id}).id
        quiet = svc.customers.create({"name": "乙公司"}).id
        with svc.db.session() as s:
            for day, amount in ((dt.date(2026, 3, 1), "1000"), (dt.date(2026, 9, 1), "3000"),
                                (dt.date(2026, 11, 1), "1000")):
                s.add(Order(customer_id=cid, order_date=day, amount=Decimal(amount),
                            status="paid"))
            s.add(Interaction(customer_id=cid, user_id=svc.user.id, channel="phone",
                              occurred_at=dt.datetime(2026, 11, 20, 2, tzinfo=dt.timezone.utc),
                              summary="call"))
        t = svc.tickets.create({"customer_id": cid, "subject": "坏了"},
                               now=now - dt.timedelta(days=30))
        health = HealthService(svc.db, svc.user)
        f = health.inputs(now)
        row = f.loc[cid.hex]
        assert row.spend_recent == 4000.0 and row.spend_before == 1000.0
        assert row.open_tickets == 1 and row.breached_tickets == 1
        assert row.contact_gap == 6 and row.since_last == 25 and row.span == 245
        scores = health.compute(now)
        assert scores.loc[cid.hex].tickets == 40 and scores.loc[cid.hex].trend == 100
        assert scores.loc[quiet.hex].follow_up == 0 and np.isnan(scores.loc[quiet.hex].recency)
        assert t.number
    finally:
        svc.close()
