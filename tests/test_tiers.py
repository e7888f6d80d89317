"""Customer tiers on real databases: the kept order stats, the computation (checked against
figures worked out by hand), RFM scores / segments / tier rules / churn flags, storing and
applying tiers, the customers behind a chart element, and win-back follow-ups."""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from desktop_crm.models import (
    Activity, AuditEntry, Customer, CustomerMetrics, CustomerOrderStats, Order, TierRun,
    TierSnapshot,
)
from desktop_crm.services import order_stats, rfm
from desktop_crm.services.customers import CustomerService
from desktop_crm.services.demo import generate_demo
from desktop_crm.services.errors import ConflictError, PermissionDenied, ValidationError
from desktop_crm.services.rfm import PRESETS, TierRule, TierSettings
from desktop_crm.services.tiers import Selection, TierService
from desktop_crm.services.users import UserService

DEMO_CUSTOMERS = 120
DEMO_SEED = 11


@pytest.fixture
def admin(db):
    return UserService(db).ensure_local_user()


@pytest.fixture
def tiers(db, admin):
    return TierService(db, admin)


@pytest.fixture
def demo(db):
    generate_demo(db, DEMO_CUSTOMERS, seed=DEMO_SEED)
    return db


# -- helpers ------------------------------------------------------------------------------------

def expected_stats(db, customer_ids=None) -> dict[uuid.UUID, dict]:
    """The per-customer aggregates recomputed from the orders with pandas."""
    q = select(Order.customer_id, Order.order_date, Order.amount).where(
        Order.status == "paid", Order.deleted_at.is_(None))
    if customer_ids is not None:
        q = q.where(Order.customer_id.in_(list(customer_ids)))
    with db.read() as s:
        rows = s.execute(q).all()
    frame = pd.DataFrame(rows, columns=["customer_id", "day", "amount"])
    frame["amount"] = frame["amount"].astype(float)
    out = {}
    for cid, g in frame.groupby("customer_id", sort=False):
        first = g["day"].min()
        out[cid] = {"orders": len(g), "total_spend": g["amount"].sum(), "first_day": first,
                    "last_day": g["day"].max(), "purchase_days": g["day"].nunique(),
                    "first_day_spend": g.loc[g["day"] == first, "amount"].sum()}
    return out


def stored_stats(db, customer_ids=None) -> dict[uuid.UUID, dict]:
    q = select(CustomerOrderStats)
    if customer_ids is not None:
        q = q.where(CustomerOrderStats.customer_id.in_(list(customer_ids)))
    with db.read() as s:
        return {r.customer_id: {"orders": r.orders, "total_spend": r.total_spend,
                                "first_day": r.first_day, "last_day": r.last_day,
                                "purchase_days": r.purchase_days,
                                "first_day_spend": r.first_day_spend}
                for r in s.scalars(q)}


def assert_same_stats(got: dict, want: dict) -> None:
    assert set(got) == set(want)
    for cid, w in want.items():
        g = got[cid]
        assert g["orders"] == w["orders"], cid
        assert g["first_day"] == w["first_day"], cid
        assert g["last_day"] == w["last_day"], cid
        assert g["purchase_days"] == w["purchase_days"], cid
        assert g["total_spend"] == pytest.approx(w["total_spend"], abs=0.005), cid
        assert g["first_day_spend"] == pytest.approx(w["first_day_spend"], abs=0.005), cid


def check_stats(db, customer_ids) -> None:
    assert_same_stats(stored_stats(db, customer_ids), expected_stats(db, customer_ids))


def add_order(db, customer_id, day: dt.date, amount: str, status: str = "paid") -> uuid.UUID:
    with db.session() as s:
        o = Order(customer_id=customer_id, order_date=day, amount=Decimal(amount),
                  status=status)
        s.add(o)
        s.flush()
        return o.id


def metrics_of(result, customer_id) -> pd.Series:
    """One customer's row of a result (the frame is keyed by the raw driver value)."""
    index = result.metrics.index
    key = next(k for k in index if uuid.UUID(hex=str(k)) == customer_id)
    return result.metrics.loc[key]


# -- the kept order stats -------------------------------------------------------------------------

def test_order_stats_match_a_full_recompute_and_follow_every_change(demo):
    db = demo
    # after the bulk load: the stats equal a recompute from the orders (pandas), and the
    # as-of aggregation over all orders builds the same rows
    assert_same_stats(stored_stats(db), expected_stats(db))
    with db.engine.connect() as conn:
        table = order_stats.build_as_of(conn, "2999-12-31")
        n = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
        conn.rollback()
    assert n == len(expected_stats(db))

    # a full refresh changes nothing
    before = stored_stats(db)
    with db.engine.begin() as conn:
        order_stats.refresh(conn, None)
    assert_same_stats(stored_stats(db), before)

    with db.read() as s:
        buyers = s.execute(
            select(CustomerOrderStats.customer_id, CustomerOrderStats.first_day)
            .where(CustomerOrderStats.purchase_days >= 3)
            .order_by(CustomerOrderStats.customer_id).limit(2)).all()
        no_orders = s.scalar(select(Customer.id).where(
            Customer.id.not_in(select(CustomerOrderStats.customer_id))).limit(1))
    (a, a_first), (b, _) = buyers
    assert no_orders is not None

    # a new paid order (before the first one: first day and first-day spend move)
    new_id = add_order(db, a, a_first - dt.timedelta(days=3), "123.45")
    check_stats(db, [a])
    assert stored_stats(db, [a])[a]["first_day"] == a_first - dt.timedelta(days=3)
    # a pending order does not count
    add_order(db, a, a_first, "999.00", status="pending")
    check_stats(db, [a])

    with db.session() as s:
        order = s.get(Order, new_id)
        order.status = "cancelled"
    check_stats(db, [a])
    assert stored_stats(db, [a])[a]["first_day"] == a_first

    with db.session() as s:  # a paid order moves to another customer
        order = s.scalars(select(Order).where(Order.customer_id == a, Order.status == "paid")
                          .order_by(Order.order_date.desc()).limit(1)).one()
        moved_id = order.id
        order.customer_id = b
    check_stats(db, [a, b])

    with db.session() as s:  # amount and date edited
        order = s.get(Order, moved_id)
        order.amount = Decimal("1.00")
        order.order_date = order.order_date - dt.timedelta(days=1)
    check_stats(db, [a, b])

    with db.session() as s:  # soft delete, then a hard delete
        s.get(Order, moved_id).deleted_at = dt.datetime.now(dt.timezone.utc)
    check_stats(db, [b])
    with db.session() as s:
        victim = s.scalars(select(Order).where(Order.customer_id == b, Order.status == "paid")
                           .limit(1)).one()
        s.delete(victim)
    check_stats(db, [a, b])

    # a customer's first (and only) paid order: a row appears; cancelled: it goes again
    only = add_order(db, no_orders, dt.date(2025, 5, 5), "50.00")
    assert stored_stats(db, [no_orders])[no_orders]["orders"] == 1
    check_stats(db, [no_orders])
    with db.session() as s:
        s.get(Order, only).status = "refunded"
    assert stored_stats(db, [no_orders]) == {}

    # and the whole table still equals the full recompute
    assert_same_stats(stored_stats(db), expected_stats(db))


# -- the computation on a small database, worked out by hand ----------------------------------------

@pytest.fixture
def hand(db, admin):
    """Five customers with orders whose figures are worked out in the tests below.

    A: paid 2025-01-10 100 + 50 (one purchase day), 2025-03-01 200, 2025-05-31 300; also a
       cancelled, a pending and a deleted paid order (none of them count).
    B: one order on 2025-06-30 (80).   C: 2024-07-01 1000, 2024-12-31 500.
    D: no orders.                       E: one order on 2024-01-01 (70).
    """
    svc = CustomerService(db, admin.id)
    c = {k: svc.create({"name": n}) for k, n in
         [("A", "张三"), ("B", "李四"), ("C", "北京华为科技有限公司"), ("D", "王五"),
          ("E", "Acme Trading")]}
    for key, day, amount in [("A", "2025-01-10", "100.00"), ("A", "2025-01-10", "50.00"),
                             ("A", "2025-03-01", "200.00"), ("A", "2025-05-31", "300.00"),
                             ("B", "2025-06-30", "80.00"), ("C", "2024-07-01", "1000.00"),
                             ("C", "2024-12-31", "500.00"), ("E", "2024-01-01", "70.00")]:
        add_order(db, c[key].id, dt.date.fromisoformat(day), amount)
    add_order(db, c["A"].id, dt.date(2025, 6, 15), "999.00", status="cancelled")
    add_order(db, c["A"].id, dt.date(2025, 6, 20), "999.00", status="pending")
    gone = add_order(db, c["A"].id, dt.date(2025, 6, 25), "999.00")
    with db.session() as s:
        s.get(Order, gone).deleted_at = dt.datetime.now(dt.timezone.utc)
    return {k: v.id for k, v in c.items()}


def by_amount(fallback: str = "growth") -> TierSettings:
    return TierSettings(rules=PRESETS["annual_amount"], fallback=fallback)


def test_compute_figures_by_hand(tiers, hand):
    result = tiers.compute(dt.date(2025, 6, 30), settings=by_amount())
    assert result.as_of == dt.date(2025, 6, 30)
    assert len(result.metrics) == 5 and result.buyers == 4
    assert list(result.metrics.columns) == list(rfm.METRIC_COLUMNS)

    a = metrics_of(result, hand["A"])
    assert a["orders"] == 4 and a["total_spend"] == pytest.approx(650.0)
    assert a["recency_days"] == 30                  # 2025-05-31 -> 06-30
    assert a["frequency"] == 2                      # three purchase days
    assert a["recency"] == 141                      # 2025-01-10 -> 05-31
    assert a["T"] == 171                            # 2025-01-10 -> 06-30
    assert a["monetary_value"] == pytest.approx(250.0)   # (650 - 150) / 2
    assert a["spend_365"] == pytest.approx(650.0)
    assert a["usual_interval_days"] == pytest.approx(70.5)

    b = metrics_of(result, hand["B"])
    assert (b["orders"], b["frequency"], b["recency"], b["T"], b["recency_days"]) == \
        (1, 0, 0, 0, 0)
    assert b["monetary_value"] == 0.0

    c = metrics_of(result, hand["C"])
    assert c["orders"] == 2 and c["total_spend"] == pytest.approx(1500.0)
    assert c["frequency"] == 1
    assert c["recency"] == 183                      # 2024-07-01 -> 12-31 (leap year)
    assert c["T"] == 364                            # 2024-07-01 -> 2025-06-30
    assert c["recency_days"] == 181
    assert c["spend_365"] == pytest.approx(1500.0)  # both after 2024-06-30

    d = metrics_of(result, hand["D"])
    assert d["orders"] == 0 and d["total_spend"] == 0.0 and d["spend_365"] == 0.0
    assert d["segment"] == rfm.NO_PURCHASE and (d["r"], d["f"], d["m"]) == (0, 0, 0)
    assert math.isnan(d["recency_days"]) and math.isnan(d["p_alive"])
    assert d["tier"] == "growth"                    # the fallback: no rule can match
    assert not d["at_risk"]

    e = metrics_of(result, hand["E"])
    assert e["recency_days"] == 546 and e["spend_365"] == 0.0
    assert e["tier"] == "dormant"                   # no order for more than 365 days
    assert a["tier"] == b["tier"] == c["tier"] == "growth"   # little spend: the fallback

    # four buyers cannot identify the models: no fits, no values, and the reason says so
    assert result.fits.bgnbd is None and result.fits.gamma_gamma is None
    report = result.fits.report()
    assert report["bgnbd"] is None and report["gamma_gamma"] is None
    assert "BG/NBD" in report["problem"] and report["time_unit"] == "day"
    assert result.metrics["predicted_clv"].isna().all()

    # the CLI's report: one row per customer, by code, recency and T in days
    rep = tiers.report(result)
    assert tuple(rep.columns) == TierService.REPORT_COLUMNS
    assert list(rep["name"]) == ["张三", "李四", "北京华为科技有限公司", "王五", "Acme Trading"]
    row_a = rep.iloc[0]
    assert (row_a["recency_days"], row_a["orders"], row_a["frequency"], row_a["recency"],
            row_a["T"]) == (30, 4, 2, 141.0, 171.0)
    row_d = rep.iloc[3]
    assert row_d["orders"] == 0 and row_d["segment"] == "no_purchase"
    assert pd.isna(row_d["recency_days"]) and pd.isna(row_d["R"]) and pd.isna(row_d["T"])


def test_compute_as_of_a_past_date_ignores_later_orders(tiers, hand):
    result = tiers.compute(dt.date(2025, 3, 15), settings=by_amount())
    assert result.buyers == 3                       # B's only order is later
    a = metrics_of(result, hand["A"])
    assert a["orders"] == 3 and a["total_spend"] == pytest.approx(350.0)
    assert (a["frequency"], a["recency"], a["T"], a["recency_days"]) == (1, 50, 64, 14)
    assert a["monetary_value"] == pytest.approx(200.0)
    assert a["spend_365"] == pytest.approx(350.0)
    b = metrics_of(result, hand["B"])
    assert b["orders"] == 0 and b["segment"] == rfm.NO_PURCHASE
    c = metrics_of(result, hand["C"])
    assert (c["orders"], c["frequency"], c["recency"], c["T"], c["recency_days"]) == \
        (2, 1, 183, 257, 74)
    e = metrics_of(result, hand["E"])
    assert (e["orders"], e["recency_days"], e["T"]) == (1, 439, 439)
    assert e["spend_365"] == 0.0 and e["tier"] == "dormant"

    # the same figures as on a database that never had the later orders
    with tiers.db.session() as s:
        for o in s.scalars(select(Order).where(Order.order_date > dt.date(2025, 3, 15))):
            s.delete(o)
    again = tiers.compute(dt.date(2025, 3, 15), settings=by_amount())
    cols = ["orders", "total_spend", "spend_365", "recency_days", "frequency", "recency", "T",
            "monetary_value", "r", "f", "m", "segment", "tier"]
    pd.testing.assert_frame_equal(result.metrics[cols].sort_index(),
                                  again.metrics[cols].sort_index())


# -- RFM scores, segments, tier rules --------------------------------------------------------------

def test_quintile_scores():
    ten = np.arange(1, 11)
    assert rfm.quintile_scores(ten).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert rfm.quintile_scores(ten, higher_is_better=False).tolist() == \
        [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert rfm.quintile_scores([]).tolist() == []
    for n in (1, 2, 7, 50):                         # all equal values share one score
        assert len(set(rfm.quintile_scores([3.0] * n).tolist())) == 1
        assert len(set(rfm.quintile_scores([3.0] * n, higher_is_better=False).tolist())) == 1
    # ties anywhere share a score; order of the input does not matter
    values = [5, 1, 5, 2, 5, 3, 9, 9]
    scores = rfm.quintile_scores(values)
    assert len({s for v, s in zip(values, scores) if v == 5}) == 1
    assert len({s for v, s in zip(values, scores) if v == 9}) == 1
    assert scores[1] == 1                           # the lowest value
    order = np.argsort(values, kind="stable")
    assert (np.diff(scores[order]) >= 0).all()      # never lower for a higher value


def test_quintile_scores_tied_majority_at_the_bottom_scores_1():
    # six of ten customers bought once: they are the bottom of the frequency scale (with
    # scores by average rank they scored 2, and nobody scored 1)
    scores = rfm.quintile_scores([1, 1, 1, 1, 1, 1, 2, 3, 4, 5])
    assert scores[:6].tolist() == [1] * 6
    assert rfm.quintile_scores([1, 1, 1, 1, 1, 1, 2, 3, 4, 5],
                               higher_is_better=False)[:6].tolist() == [5] * 6
    # a value held by 40% at the bottom scores 1
    assert rfm.quintile_scores([0, 0, 0, 0, 1, 2, 3, 4, 5, 6])[:4].tolist() == [1] * 4


# 62 buyers of an 80-customer demo database (seed 5) on which the BG/NBD fit stopped with
# "ABNORMAL" (L-BFGS-B line search; the likelihood's maximum lies at infinity) and the whole
# computation failed: repeat purchase days, first-to-last and first-to-end days
NO_FIT_X = [29, 10, 23, 11, 9, 39, 9, 1, 3, 23, 17, 4, 6, 0, 9, 0, 12, 0, 0, 0, 2, 4, 14, 0, 23,
            2, 4, 14, 1, 18, 10, 3, 5, 5, 3, 21, 65, 35, 0, 4, 16, 6, 9, 32, 7, 3, 16, 15, 14,
            5, 30, 3, 9, 19, 20, 1, 4, 7, 6, 3, 18, 30]
NO_FIT_TX = [727, 1531, 890, 618, 820, 565, 938, 3, 102, 1536, 921, 240, 1641, 0, 368, 0, 814,
             0, 0, 0, 64, 438, 1673, 0, 1074, 272, 124, 356, 502, 1043, 493, 465, 818, 389, 937,
             682, 1576, 1067, 0, 234, 441, 370, 122, 1498, 511, 203, 613, 713, 293, 389, 693,
             59, 749, 532, 459, 307, 64, 201, 1064, 25, 517, 388]
NO_FIT_T = [748, 1600, 933, 624, 874, 585, 1058, 29, 1220, 1601, 926, 261, 1670, 96, 392, 51,
            842, 205, 61, 1268, 125, 783, 1690, 238, 1128, 1059, 133, 372, 1217, 1343, 639, 488,
            890, 497, 1188, 1312, 1611, 1310, 69, 245, 464, 393, 128, 1519, 1315, 1211, 1377,
            833, 474, 515, 700, 59, 835, 534, 485, 1129, 629, 217, 1085, 76, 1128, 416]


def test_compute_metrics_survives_a_fit_that_does_not_converge():
    as_of = dt.date(2026, 11, 25)
    end = (as_of - dt.date(1970, 1, 1)).days
    x, tx, big_t = (np.array(v, dtype=np.int64) for v in (NO_FIT_X, NO_FIT_TX, NO_FIT_T))
    ids = pd.Index([f"c{i}" for i in range(len(x))], name="customer_id")
    aggregates = pd.DataFrame({
        "orders": x + 1, "total_spend": 100.0 * (x + 1), "first_day": end - big_t,
        "last_day": end - big_t + tx, "purchase_days": x + 1, "first_day_spend": 100.0},
        index=ids)
    summary = rfm.clv.summary_from_aggregates(aggregates, as_of)
    metrics, fits = rfm.compute_metrics(summary, ids.append(pd.Index(["none"])),
                                        np.zeros(len(ids) + 1), rfm.DEFAULT_SETTINGS)
    assert len(metrics) == len(ids) + 1
    assert fits.bgnbd is not None or fits.problem      # no model, and why
    assert metrics.loc["none", "segment"] == rfm.NO_PURCHASE


def test_segments_of():
    pairs = {(5, 5): "champions", (5, 4): "champions", (1, 1): "hibernating",
             (2, 2): "hibernating", (5, 1): "new_customers", (4, 1): "promising",
             (1, 5): "cant_lose", (1, 3): "at_risk", (3, 3): "need_attention",
             (3, 1): "about_to_sleep", (4, 4): "loyal", (4, 2): "potential_loyalists",
             (0, 0): "no_purchase", (0, 3): "no_purchase", (3, 0): "no_purchase"}
    r, f = np.array(list(pairs)).T
    assert rfm.segments_of(r, f).tolist() == list(pairs.values())
    assert set(rfm.segments_of(*np.divmod(np.arange(25), 5) + np.array([[1], [1]]))) == \
        set(rfm.SEGMENTS)


def rule_frame(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {"predicted_clv": [np.nan] * n, "clv_rank": [np.nan] * n, "p_alive": [np.nan] * n,
            "spend_365": [0.0] * n, "total_spend": [0.0] * n, "recency_days": [np.nan] * n,
            "orders": [0] * n, "segment": ["no_purchase"] * n}
    base.update(cols)
    return pd.DataFrame(base)


def test_assign_tiers_with_each_preset():
    amount = rule_frame(spend_365=[6_000_000.0, 5_000_000.0, 2_000_000.0, 1_000_000.0,
                                   10_000.0, 0.0, 0.0],
                        recency_days=[3, 10, 20, 30, 40, 400, np.nan])
    assert rfm.assign_tiers(amount, PRESETS["annual_amount"], "basic").tolist() == \
        ["strategic", "strategic", "growth", "growth", "basic", "dormant", "basic"]

    clv = rule_frame(p_alive=[0.1, 0.9, 0.9, 0.9, 0.9, np.nan],
                     clv_rank=[0.99, 0.97, 0.95, 0.8, 0.5, np.nan])
    assert rfm.assign_tiers(clv, PRESETS["clv"], "basic").tolist() == \
        ["dormant", "strategic", "strategic", "growth", "basic", "basic"]

    segs = ["champions", "loyal", "cant_lose", "new_customers", "promising", "need_attention",
            "potential_loyalists", "hibernating", "at_risk", "about_to_sleep", "no_purchase"]
    assert rfm.assign_tiers(rule_frame(segment=segs), PRESETS["rfm"], "basic").tolist() == \
        ["strategic"] * 3 + ["growth"] * 4 + ["dormant", "basic", "basic", "basic"]
    # the fallback is what no rule matched
    assert rfm.assign_tiers(rule_frame(segment=["at_risk"]), PRESETS["rfm"],
                            "growth").tolist() == ["growth"]
    # the first matching rule decides
    rules = (TierRule("growth", "orders", ">=", 1.0), TierRule("strategic", "orders", ">=", 5.0))
    assert rfm.assign_tiers(rule_frame(orders=[7, 0]), rules, "basic").tolist() == \
        ["growth", "basic"]


def test_settings_validate_and_round_trip():
    good = TierSettings(rules=PRESETS["rfm"] + (TierRule("growth", "orders", ">=", 3.0),),
                        fallback="dormant", horizon_months=6, monthly_discount=0.02,
                        churn_p_alive=0.3, churn_interval_factor=2.5, min_interval_days=10.0)
    assert good.validate() is good
    for s in [good, rfm.DEFAULT_SETTINGS] + [TierSettings(rules=r) for r in PRESETS.values()]:
        back = TierSettings.from_dict(json.loads(json.dumps(s.to_dict())))
        assert back == s

    bad = TierSettings(rules=(PRESETS["clv"][0], TierRule("strategic", "shoe_size", ">=", 1.0),
                              TierRule("growth", "clv_rank", ">=", 1.5),
                              TierRule("basic", "orders", "in", ("champions",))))
    with pytest.raises(ValidationError) as e:
        bad.validate()
    assert e.value.for_field("rule 2.metric").code == "invalid_choice"
    assert e.value.for_field("rule 3.value").code == "out_of_range"
    assert e.value.for_field("rule 4.op") is not None
    assert e.value.for_field("rule 1.metric") is None
    assert "rule 2" in str(e.value)
    with pytest.raises(ValidationError) as e:
        TierSettings(rules=(TierRule("platinum", "orders", ">=", 1.0),),
                     fallback="gold").validate()
    assert {x.field for x in e.value.errors} == {"rule 1.tier", "fallback"}
    with pytest.raises(ValidationError) as e:
        TierSettings(rules=(TierRule("growth", "segment", "in", ("champs",)),)).validate()
    assert e.value.for_field("rule 1.value").value == "champs"


def test_churn_flags():
    frame = pd.DataFrame({
        #             low p   overdue both   1 buy  none    min-gap min-gap
        "frequency": [4, 2, 2, 0, 0, 1, 1],
        "recency": [120.0, 60.0, 60.0, 0.0, np.nan, 1.0, 1.0],
        "recency_days": [10.0, 100.0, 200.0, 1000.0, np.nan, 20.0, 22.0],
        "p_alive": [0.3, 0.9, 0.2, 1.0, np.nan, 0.9, 0.9],
    })
    at_risk, reason, interval = rfm.churn_flags(frame, rfm.DEFAULT_SETTINGS)
    assert reason.tolist() == ["p_alive", "overdue", "p_alive,overdue", "", "", "", "overdue"]
    assert at_risk.tolist() == [True, True, True, False, False, False, True]
    assert interval[:3].tolist() == [30.0, 30.0, 30.0] and np.isnan(interval[3])
    # a single-purchase customer is never overdue, however long ago
    lone = pd.DataFrame({"frequency": [0], "recency": [0.0], "recency_days": [5000.0],
                         "p_alive": [np.nan]})
    assert rfm.churn_flags(lone, rfm.DEFAULT_SETTINGS)[1].tolist() == [""]
    # the factor and threshold come from the settings
    strict = TierSettings(rules=(), churn_p_alive=0.95, churn_interval_factor=1.0)
    assert rfm.churn_flags(frame, strict)[1].tolist()[:3] == [
        "p_alive", "p_alive,overdue", "p_alive,overdue"]


# -- store, apply, settings ------------------------------------------------------------------------

def counts(db) -> dict[str, int]:
    with db.read() as s:
        return {
            "snapshots": s.scalar(select(func.count()).select_from(TierSnapshot)),
            "audit": s.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.table_name == "customers", AuditEntry.field == "tier")),
            "runs": s.scalar(select(func.count()).select_from(TierRun)),
        }


def test_save_last_run_and_apply(demo, tiers, admin):
    db = demo
    assert tiers.last_run() is None
    result = tiers.compute()
    run = tiers.save(result)
    assert tiers.last_run() == run and run.applied_at is None
    assert run.customers == DEMO_CUSTOMERS and run.buyers == result.buyers
    assert run.computed_by == admin.display_name and run.as_of == dt.date.today()
    assert run.params["fit"] == json.loads(json.dumps(result.fits.report()))
    assert sum(t["count"] for t in run.charts["tiers"].values()) == DEMO_CUSTOMERS
    with db.read() as s:
        stored = {m.customer_id: m for m in s.scalars(select(CustomerMetrics))}
        before = {c.id: (c.tier, c.version) for c in s.scalars(select(Customer))}
    assert len(stored) == DEMO_CUSTOMERS
    computed = {uuid.UUID(hex=str(k)): t for k, t in result.metrics["tier"].items()}
    assert {k: m.tier for k, m in stored.items()} == computed
    will_change = {k for k, (tier, _) in before.items() if tier != computed[k]}
    assert will_change

    applied = tiers.apply(run.id)
    month = f"{dt.date.today():%Y-%m}"
    assert applied.month == month and applied.changed == len(will_change)
    assert applied.snapshot_rows == DEMO_CUSTOMERS
    with db.read() as s:
        after = {c.id: (c.tier, c.version) for c in s.scalars(select(Customer))}
        audit = s.execute(select(AuditEntry.row_id, AuditEntry.old_value, AuditEntry.new_value,
                                 AuditEntry.user_id)
                          .where(AuditEntry.table_name == "customers",
                                 AuditEntry.field == "tier")).all()
        snap = dict(s.execute(select(TierSnapshot.customer_id, TierSnapshot.tier)
                              .where(TierSnapshot.month == month)).all())
    assert {k: t for k, (t, _) in after.items()} == computed
    for k, (tier, version) in before.items():
        assert after[k][1] == version + (1 if k in will_change else 0)
    assert {r.row_id for r in audit} == will_change and len(audit) == len(will_change)
    assert all(r.old_value == before[r.row_id][0] and r.new_value == computed[r.row_id]
               and r.user_id == admin.id for r in audit)
    assert snap == computed
    assert tiers.last_run().applied_at is not None

    # applying again in the same month: nothing changes, still one snapshot per customer
    again = tiers.apply()
    assert again.changed == 0 and again.snapshot_rows == DEMO_CUSTOMERS
    c = counts(db)
    assert c["snapshots"] == DEMO_CUSTOMERS and c["audit"] == len(will_change)

    # a customer edited by hand gets its computed tier back, audited
    someone = next(iter(computed))
    other = "dormant" if computed[someone] != "dormant" else "growth"
    _set_tier(db, someone, other)
    third = tiers.apply(run.id)
    assert third.changed == 1
    assert counts(db)["snapshots"] == DEMO_CUSTOMERS
    assert counts(db)["audit"] == len(will_change) + 1

    # apply insists on the latest run
    newer = tiers.save(tiers.compute())
    with pytest.raises(ConflictError):
        tiers.apply(run.id)
    assert tiers.apply(newer.id).changed == 0


def _set_tier(db, customer_id, tier) -> None:
    with db.session() as s:
        s.get(Customer, customer_id).tier = tier


def test_only_managers_apply_or_change_settings(db, tiers):
    sales = UserService(db).create("xiaoli", "小李", role="sales")
    manager = UserService(db).create("laowang", "老王", role="manager")
    svc = CustomerService(db, sales.id)
    for name in ("甲", "乙"):
        svc.create({"name": name})
    as_sales = TierService(db, sales)
    as_sales.save(as_sales.compute())            # anyone may compute and store
    with pytest.raises(PermissionDenied):
        as_sales.apply()
    with pytest.raises(PermissionDenied):
        as_sales.save_settings(TierSettings(rules=PRESETS["rfm"]), 0)
    assert counts(db)["snapshots"] == 0 and tiers.settings()[1] == 0
    with db.read() as s:
        assert set(s.scalars(select(Customer.tier))) == {""}
    assert TierService(db, manager).apply().snapshot_rows == 2


def test_save_settings_refuses_a_stale_version(tiers):
    assert tiers.settings() == (rfm.DEFAULT_SETTINGS, 0)
    first = TierSettings(rules=PRESETS["annual_amount"], fallback="basic")
    v1 = tiers.save_settings(first, 0)
    assert v1 == 1 and tiers.settings() == (first, 1)
    second = TierSettings(rules=PRESETS["rfm"], horizon_months=24)
    with pytest.raises(ConflictError):
        tiers.save_settings(second, 0)           # someone saved since version 0 was read
    assert tiers.settings() == (first, 1)
    v2 = tiers.save_settings(second, v1)
    assert v2 == 2 and tiers.settings() == (second, 2)
    with pytest.raises(ValidationError):
        tiers.save_settings(TierSettings(rules=(TierRule("x", "orders", ">=", 1.0),)), v2)
    assert tiers.settings() == (second, 2)
    # compute uses the stored settings
    assert tiers.compute().settings == second


# -- the customers behind a chart element ----------------------------------------------------------

def test_list_customers_and_migration(demo, tiers):
    db = demo
    result = tiers.compute()
    tiers.save(result)
    m = result.metrics
    buyers = m[m["orders"] > 0]

    def check(sel: Selection, mask: pd.Series) -> list:
        rows, total = tiers.list_customers(sel, limit=1000)
        want = {uuid.UUID(hex=str(k)) for k in m.index[mask.to_numpy()]}
        assert total == len(want) == len(rows), sel
        assert {r.customer_id for r in rows} == want, sel
        return rows

    cell = buyers.groupby(["r", "f"]).size().idxmax()
    rows = check(Selection(r=int(cell[0]), f=int(cell[1])), (m["r"] == cell[0]) & (m["f"] == cell[1]))
    assert all((r.r, r.f) == tuple(cell) for r in rows)
    clv = [r.predicted_clv for r in rows]
    assert clv == sorted(clv, reverse=True)      # most valuable first
    check(Selection(r=5, f=5), (m["r"] == 5) & (m["f"] == 5))
    for tier in rfm.TIERS:
        check(Selection(tier=tier), m["tier"] == tier)
    rows = check(Selection(at_risk=True), m["at_risk"])
    assert rows and all(r.risk_reason for r in rows)
    check(Selection(at_risk=False), ~m["at_risk"])
    top = check(Selection(top_share=0.2), m["spend_rank"] <= 0.2)
    assert len(top) == math.floor(0.2 * len(buyers) + 1e-9)   # demo spends have no ties
    assert min(r.total_spend for r in top) >= buyers["total_spend"].quantile(0.75)
    check(Selection(segment="champions", tier="strategic"),
          (m["segment"] == "champions") & (m["tier"] == "strategic"))
    limited, total = tiers.list_customers(Selection(), limit=7, order="spend")
    assert len(limited) == 7 and total == DEMO_CUSTOMERS
    assert [r.spend_365 for r in limited] == sorted(buyers["spend_365"], reverse=True)[:7]

    # migration between an earlier month (a snapshot inserted by hand) and this one
    applied = tiers.apply()
    month = applied.month
    computed = {uuid.UUID(hex=str(k)): t for k, t in m["tier"].items()}
    ids = sorted(computed)
    earlier = {cid: ("basic" if i % 3 else "strategic") for i, cid in enumerate(ids[:-10])}
    with db.session() as s:
        s.add_all(TierSnapshot(month="2000-01", customer_id=cid, tier=t)
                  for cid, t in earlier.items())
    cells = {(a, b): n for a, b, n in tiers.migration("2000-01", month)["cells"]}
    assert sum(cells.values()) == DEMO_CUSTOMERS
    assert tiers.snapshot_months() == [month, "2000-01"]
    for (a, b), n in cells.items():
        want = {cid for cid in ids if earlier.get(cid, "") == a and computed[cid] == b}
        assert n == len(want)
        rows, total = tiers.list_customers(Selection(migration=("2000-01", a, month, b)),
                                           limit=1000)
        assert total == n and {r.customer_id for r in rows} == want
    assert cells.get(("", computed[ids[-1]]), 0) >= 1     # no earlier snapshot: ""
    # applying again compares with the month before and stores that in the run's charts
    again = tiers.apply()
    assert again.migration["from"] == "2000-01" and again.migration["to"] == month
    assert tiers.last_run().charts["migration"] == again.migration


# -- win-back follow-ups ------------------------------------------------------------------------------

def test_create_winback(db, admin, tiers):
    sales = UserService(db).create("xiaoli", "小李", role="sales")
    svc = CustomerService(db, admin.id)
    owned = CustomerService(db, sales.id).create({"name": "老客户"})
    orphan = svc.create({"name": "无主客户", "owner_id": None})
    busy = svc.create({"name": "已有跟进"})
    fine = svc.create({"name": "新客户"})
    # overdue: two purchase days ten days apart, the last 100 days ago
    today = dt.date.today()
    for c in (owned, orphan, busy):
        add_order(db, c.id, today - dt.timedelta(days=110), "100.00")
        add_order(db, c.id, today - dt.timedelta(days=100), "100.00")
    add_order(db, fine.id, today - dt.timedelta(days=2), "100.00")
    due = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    with db.session() as s:
        s.add(Activity(customer_id=busy.id, owner_id=admin.id, subject="回访", due_at=due))
        s.add(Activity(customer_id=owned.id, owner_id=sales.id, subject="已完成", due_at=due,
                       done_at=dt.datetime.now(dt.timezone.utc)))   # done: not open
    tiers.save(tiers.compute())
    rows, total = tiers.list_customers(Selection(at_risk=True))
    assert {r.customer_id for r in rows} == {owned.id, orphan.id, busy.id} and total == 3
    assert all(r.risk_reason == "overdue" for r in rows)

    result = tiers.create_winback([r.customer_id for r in rows], subject="挽回老客户",
                                  due_at=due, notes="tiers")
    assert (result.created, result.skipped) == (2, 1)
    with db.read() as s:
        acts = s.execute(select(Activity.customer_id, Activity.owner_id)
                         .where(Activity.subject == "挽回老客户")).all()
        audited = s.scalar(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.table_name == "activities"))
    assert sorted(acts, key=str) == sorted([(owned.id, sales.id), (orphan.id, admin.id)],
                                           key=str)
    assert audited == 2
    again = tiers.create_winback([r.customer_id for r in rows], subject="挽回老客户",
                                 due_at=due)
    assert (again.created, again.skipped) == (0, 3)
    with pytest.raises(ValueError):
        tiers.create_winback([owned.id], subject="x", due_at=dt.datetime(2030, 1, 1))


def test_upgrade_fills_the_stats_of_existing_orders(db):
    """Revision 0003 on a database that already has orders: the stats start out right."""
    from alembic import command

    generate_demo(db, 30, seed=3)
    want = expected_stats(db)
    command.downgrade(db.alembic_config(), "0002")
    assert "customer_order_stats" not in db.table_names()
    db.upgrade()
    assert_same_stats(stored_stats(db), want)
    check_stats_after_insert = next(iter(want))
    add_order(db, check_stats_after_insert, dt.date(2025, 1, 1), "10.00")   # triggers are back
    check_stats(db, [check_stats_after_insert])


def recent_expected(db, since: dt.date) -> dict[uuid.UUID, float]:
    with db.read() as s:
        rows = s.execute(select(Order.customer_id, func.sum(Order.amount))
                         .where(Order.status == "paid", Order.deleted_at.is_(None),
                                Order.order_date > since)
                         .group_by(Order.customer_id)).all()
    return {cid: float(v) for cid, v in rows}


def recent_stored(db) -> dict[uuid.UUID, float]:
    with db.read() as s:
        return {r.customer_id: r.recent_spend for r in s.scalars(select(CustomerOrderStats))
                if r.recent_spend}


def slide(db, since: dt.date) -> None:
    with db.engine.begin() as conn:
        order_stats.slide_window(conn, since.isoformat())


def test_recent_spend_window_slides_and_follows_new_orders(demo):
    db = demo
    with db.read() as s:
        latest = s.scalar(select(func.max(Order.order_date)))
    since = latest - dt.timedelta(days=365)
    slide(db, since)  # first time: every customer
    assert recent_stored(db) == pytest.approx(recent_expected(db, since))
    for days in (1, 3, -2, 40):  # small slides touch only the customers in between
        since += dt.timedelta(days=days)
        slide(db, since)
        assert recent_stored(db) == pytest.approx(recent_expected(db, since))
    since -= dt.timedelta(days=200)  # a long slide recomputes everyone
    slide(db, since)
    assert recent_stored(db) == pytest.approx(recent_expected(db, since))
    # the triggers count a new order against the window in force
    with db.read() as s:
        cid = s.scalar(select(CustomerOrderStats.customer_id).limit(1))
    add_order(db, cid, since + dt.timedelta(days=1), "123.45")
    add_order(db, cid, since, "1000.00")  # on the boundary: not recent
    assert recent_stored(db) == pytest.approx(recent_expected(db, since))


def test_default_as_of_follows_orders_dated_a_day_ahead(tiers, hand):
    today = dt.date.today()
    assert tiers.default_as_of() == today  # the hand-made orders are all in the past
    # orders are dated in the company's time zone, which can be a day ahead of this computer
    add_order(tiers.db, hand["B"], today + dt.timedelta(days=1), "10.00")
    assert tiers.default_as_of() == today + dt.timedelta(days=1)
    # an order dated further ahead is planned or mistyped: the default stays today
    add_order(tiers.db, hand["D"], today + dt.timedelta(days=5), "10.00")
    assert tiers.default_as_of() == today


def test_apply_before_any_computation_says_so(tiers):
    from desktop_crm.services.errors import NotFound

    with pytest.raises(NotFound, match="compute the tiers first"):
        tiers.apply()
