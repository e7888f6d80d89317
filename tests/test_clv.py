"""CLV models: RFM summaries, BG/NBD, Gamma-Gamma and predicted CLV.

The model fits are checked against the published maximum-likelihood estimates for the CDNOW
sample (Fader, Hardie & Lee 2005; Fader & Hardie 2013), read from the installed ``lifetimes``
distribution by :mod:`tests.cdnow`; expected purchases against an independent numerical integral.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import quad
from scipy.special import betaincinv

from desktop_crm.services.clv import (
    SUMMARY_COLUMNS, BetaGeoFit, GammaGammaFit, expected_average_value, expected_purchases,
    fit_bgnbd, fit_gamma_gamma, p_alive, predicted_clv, summary_from_aggregates,
    summary_from_transactions,
)

from .cdnow import (
    CALIBRATION_END, load_cdnow_summary, load_cdnow_summary_with_monetary_value,
    load_cdnow_transactions,
)

# Published CDNOW estimates (FHL 2005, weeks; Fader & Hardie 2013).
CDNOW_BG = {"r": 0.2425, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}
CDNOW_BG_LL = -9582.4
CDNOW_GG = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return load_cdnow_summary()


@pytest.fixture(scope="module")
def cdnow_money() -> pd.DataFrame:
    return load_cdnow_summary_with_monetary_value()


@pytest.fixture(scope="module")
def cdnow_fit(cdnow: pd.DataFrame) -> BetaGeoFit:
    return fit_bgnbd(cdnow["frequency"], cdnow["recency"], cdnow["T"], time_unit="W")


@pytest.fixture(scope="module")
def cdnow_gg(cdnow_money: pd.DataFrame) -> GammaGammaFit:
    repeat = cdnow_money[cdnow_money["frequency"] > 0]
    return fit_gamma_gamma(repeat["frequency"], repeat["monetary_value"])


def simulate_bgnbd(n: int, r: float, alpha: float, a: float, b: float,
                   rng: np.random.Generator, max_days: int = 1500
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, t_x, T) of n customers from the BG/NBD process, in whole days.

    Each customer has a rate λ ~ Gamma(r, α) and a drop-out probability p ~ Beta(a, b); they make
    K ~ Geometric(p) repeat purchases before dropping out, and N(T) ~ Poisson(λT) purchase
    opportunities arrive in (0, T]; x = min(K, N) and t_x is the x-th of N uniform arrival times
    (the x-th order statistic of N uniforms is Beta(x, N - x + 1)).
    """
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    T = rng.integers(0, max_days + 1, n).astype(np.float64)
    N = rng.poisson(lam * T)
    x = np.minimum(rng.geometric(p), N)
    tx = np.zeros(n)
    pos = x > 0
    tx[pos] = np.floor(T[pos] * rng.beta(x[pos], N[pos] - x[pos] + 1))
    return x.astype(np.float64), tx, T


def expected_purchases_by_quadrature(fit: BetaGeoFit, t: float, x: float, tx: float,
                                     T: float) -> float:
    """E[Y(t) | x, t_x, T] by integrating over the drop-out probability p numerically.

    Alive at T with rate λ and drop-out probability p, a customer expects (1 - e^(-λpt))/p
    purchases in the next t (FHL 2005 eq. 7). The posterior weight of "alive at T" is
    (1-p)^x λ^x e^(-λT); integrating λ ~ Gamma(r, α) analytically leaves::

        E = E_{p ~ Beta(a, b+x)} [ (1 - (1 + p t/(α+T))^-(r+x)) / p ] · P(alive)
        P(alive) = 1 / (1 + δ(x>0) a/(b+x-1) ((α+T)/(α+t_x))^(r+x))

    The expectation is integrated over the Beta quantile u (p = F⁻¹(u)), where the integrand is
    bounded and monotone whatever a and b+x are. Independent of hyp2f1 and of the module's own
    fallback quadrature.
    """
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    k = r + x

    def g(u: float) -> float:
        p = betaincinv(a, b + x, u)
        if p == 0.0:
            return k * t / (alpha + T)
        return -np.expm1(-k * np.log1p(p * t / (alpha + T))) / p

    growth, _ = quad(g, 0.0, 1.0, epsabs=0.0, epsrel=1e-10, limit=500)
    odds = a / (b + x - 1.0) * ((alpha + T) / (alpha + tx)) ** k if x > 0 else 0.0
    return growth / (1.0 + odds)


# ------------------------------------------------------------------------------------------------
# Summaries
# ------------------------------------------------------------------------------------------------

END = dt.date(2024, 3, 31)

# Day numbers (days since 1970-01-01): 2024-01-01 is day 19723 (54 years of 365 days = 19710,
# plus 13 leap days 1972..2020 = 19723). January has 31 days and February 29 (2024 is a leap
# year), so 2024-01-05 = 19727, 01-10 = 19732, 01-15 = 19737, 02-10 = 19723+31+9 = 19763,
# 03-01 = 19723+31+29 = 19783, 03-10 = 19792, 03-31 (END) = 19813.
HAND_MADE = pd.DataFrame(
    [
        ("alice", "2024-01-01", Decimal("100.00")),
        ("alice", "2024-01-15", Decimal("50.00")),
        ("alice", "2024-03-01", Decimal("30.00")),
        ("bob", "2024-02-10", Decimal("20.00")),
        ("bob", "2024-02-10", Decimal("30.00")),   # same day as the order above: one purchase
        ("bob", "2024-03-10", Decimal("40.00")),
        ("carol", "2024-03-31", Decimal("75.50")),  # single order, on observation_end itself
        ("dave", "2024-01-05", Decimal("10.00")),
        ("dave", "2024-04-02", Decimal("99.00")),   # after observation_end: ignored
        ("erin", "2024-04-15", Decimal("12.00")),   # only order after observation_end: dropped
        ("frank", "2024-01-10", Decimal("5.00")),
        ("frank", "2024-01-10", Decimal("15.00")),  # two orders, one day: frequency 0
    ],
    columns=["customer_id", "date", "amount"],
)

HAND_MADE_EXPECTED_DAYS = pd.DataFrame(
    {
        # alice: days 19723, 19737, 19783 -> 3 orders, 3 purchase days
        # bob:   days 19763 (twice), 19792 -> 3 orders, 2 purchase days
        # carol: day 19813; dave: day 19727 (the April order is ignored); frank: day 19732 twice
        "first_day": [19723, 19763, 19813, 19727, 19732],
        "last_day": [19783, 19792, 19813, 19727, 19732],
        "orders": [3, 3, 1, 1, 2],
        # alice 100+50+30 = 180; bob 20+30+40 = 90; carol 75.5; dave 10; frank 5+15 = 20
        "total_spend": [180.0, 90.0, 75.5, 10.0, 20.0],
        # 180/3 = 60; 90/3 = 30; 75.5/1; 10/1; 20/2 = 10
        "avg_spend": [60.0, 30.0, 75.5, 10.0, 10.0],
        # 19813 - last_day: 19813-19783 = 30; 19813-19792 = 21; 0; 19813-19727 = 86;
        # 19813-19732 = 81
        "recency_days": [30, 21, 0, 86, 81],
        # purchase days - 1: 3-1 = 2; 2-1 = 1; 0; 0; 0
        "frequency": [2, 1, 0, 0, 0],
        # last_day - first_day: 19783-19723 = 60; 19792-19763 = 29; 0; 0; 0
        "recency": [60.0, 29.0, 0.0, 0.0, 0.0],
        # 19813 - first_day: 90; 50; 0; 86; 81
        "T": [90.0, 50.0, 0.0, 86.0, 81.0],
        # (total - first day's spend) / frequency: alice (180-100)/2 = 40; bob (90-(20+30))/1 = 40;
        # 0 for the customers without repeat purchases
        "monetary_value": [40.0, 40.0, 0.0, 0.0, 0.0],
    },
    index=pd.Index(["alice", "bob", "carol", "dave", "frank"], name="customer_id"),
)


def test_hand_made_summary_in_days():
    summary = summary_from_transactions(HAND_MADE, END)
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    assert summary.index.name == "customer_id"
    assert list(summary.index) == ["alice", "bob", "carol", "dave", "frank"]
    for column in ("first_day", "last_day", "orders", "recency_days", "frequency"):
        assert summary[column].dtype == np.int64, column
    for column in ("total_spend", "avg_spend", "recency", "T", "monetary_value"):
        assert summary[column].dtype == np.float64, column
    pd.testing.assert_frame_equal(summary, HAND_MADE_EXPECTED_DAYS, check_index_type=False)


def test_hand_made_summary_in_weeks():
    summary = summary_from_transactions(HAND_MADE, END, time_unit="W")
    expected = HAND_MADE_EXPECTED_DAYS.copy()
    expected["recency"] /= 7  # alice 60/7 weeks, bob 29/7
    expected["T"] /= 7        # alice 90/7, bob 50/7, dave 86/7, frank 81/7
    pd.testing.assert_frame_equal(summary, expected, check_index_type=False)


def test_summary_accepts_dates_datetimes_and_other_column_names():
    base = summary_from_transactions(HAND_MADE, END)
    as_dates = HAND_MADE.assign(date=[dt.date.fromisoformat(d) for d in HAND_MADE["date"]])
    as_datetime64 = HAND_MADE.assign(date=pd.to_datetime(HAND_MADE["date"]) + pd.Timedelta("13h"))
    as_floats = HAND_MADE.assign(amount=HAND_MADE["amount"].astype(float))
    for variant in (as_dates, as_datetime64, as_floats):
        pd.testing.assert_frame_equal(summary_from_transactions(variant, END), base)
    renamed = HAND_MADE.rename(columns={"customer_id": "cust", "date": "day", "amount": "value"})
    other = summary_from_transactions(renamed, dt.datetime(2024, 3, 31, 23, 59),
                                      customer_col="cust", date_col="day", amount_col="value")
    assert other.index.name == "cust"
    pd.testing.assert_frame_equal(other.rename_axis("customer_id"), base)


def test_summary_with_nothing_before_observation_end_is_empty():
    summary = summary_from_transactions(HAND_MADE, dt.date(2023, 12, 31))
    assert summary.empty
    assert tuple(summary.columns) == SUMMARY_COLUMNS


def test_summary_rejects_bad_input():
    with pytest.raises(ValueError, match="amount"):
        summary_from_transactions(HAND_MADE.drop(columns="amount"), END)
    with pytest.raises(ValueError, match="time_unit"):
        summary_from_transactions(HAND_MADE, END, time_unit="M")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="missing dates"):
        summary_from_transactions(HAND_MADE.assign(date=None), END)


def random_transactions(seed: int, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01")
    return pd.DataFrame({
        "customer_id": rng.integers(0, 400, n) * 7 + 1000,
        # few distinct days per customer, so same-day purchases are common
        "date": start + rng.integers(0, 120, n).astype("timedelta64[D]") * 4,
        "amount": np.round(rng.gamma(2.0, 30.0, n), 2),
    })


def aggregates_like_sql(transactions: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """What the SQL aggregate query computes, done independently with pandas groupby."""
    tx = transactions.assign(day=(transactions["date"] - pd.Timestamp("1970-01-01")).dt.days)
    tx = tx[tx["date"] <= pd.Timestamp(end)]
    grouped = tx.groupby("customer_id")
    agg = pd.DataFrame({
        "orders": grouped.size(),
        "total_spend": grouped["amount"].sum(),
        "first_day": grouped["day"].min(),
        "last_day": grouped["day"].max(),
        "purchase_days": grouped["day"].nunique(),
    })
    on_first = tx["day"] == tx["customer_id"].map(agg["first_day"])
    agg["first_day_spend"] = tx[on_first].groupby("customer_id")["amount"].sum()
    return agg


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("time_unit", ["D", "W"])
def test_summary_from_aggregates_equals_summary_from_transactions(seed, time_unit):
    transactions = random_transactions(seed)
    end = dt.date(2023, 11, 15)  # some transactions fall after it
    from_transactions = summary_from_transactions(transactions, end, time_unit=time_unit)
    from_aggregates = summary_from_aggregates(aggregates_like_sql(transactions, end), end,
                                              time_unit=time_unit)
    assert len(from_transactions) > 300
    assert (from_transactions["frequency"] == 0).any()
    assert (from_transactions["orders"] > from_transactions["frequency"] + 1).any()
    pd.testing.assert_frame_equal(from_aggregates, from_transactions, check_exact=False,
                                  rtol=1e-12)


def test_summary_from_aggregates_accepts_decimals_and_drops_customers_without_orders():
    agg = pd.DataFrame(
        {"orders": [3, 0, 1], "total_spend": [Decimal("180.00"), None, Decimal("75.50")],
         "first_day": [19723, None, 19813], "last_day": [19783, None, 19813],
         "purchase_days": [3, 0, 1], "first_day_spend": [Decimal("100"), None, Decimal("75.5")]},
        index=pd.Index(["alice", "nobody", "carol"], name="customer_id"),
    )
    summary = summary_from_aggregates(agg, END)
    expected = HAND_MADE_EXPECTED_DAYS.loc[["alice", "carol"]]
    pd.testing.assert_frame_equal(summary, expected, check_index_type=False)


def test_summary_from_aggregates_rejects_purchases_after_observation_end():
    agg = aggregates_like_sql(random_transactions(0), dt.date(2023, 12, 31))
    with pytest.raises(ValueError, match="after observation_end"):
        summary_from_aggregates(agg, dt.date(2023, 6, 30))


def test_cdnow_transactions_reproduce_the_published_summary(cdnow_money):
    transactions = load_cdnow_transactions()
    summary = summary_from_transactions(transactions, CALIBRATION_END, time_unit="W")
    assert len(summary) == len(cdnow_money)  # every customer bought in the first quarter
    joined = summary.join(cdnow_money.add_suffix("_published"))
    assert (joined["frequency"] == joined["frequency_published"]).all()
    for column in ("recency", "T", "monetary_value"):  # published to 2 decimals
        diff = (joined[column] - joined[f"{column}_published"]).abs()
        assert diff.max() <= 0.005 + 1e-9, column


# ------------------------------------------------------------------------------------------------
# BG/NBD
# ------------------------------------------------------------------------------------------------

def test_cdnow_bgnbd_matches_published_estimates(cdnow_fit):
    for name, published in CDNOW_BG.items():
        assert abs(getattr(cdnow_fit, name) - published) < 0.005, name
    assert abs(cdnow_fit.log_likelihood - CDNOW_BG_LL) < 0.05
    assert cdnow_fit.n_customers == 2357
    assert cdnow_fit.time_unit == "W"


def test_cdnow_conditional_expectation_of_the_published_example(cdnow_fit):
    # FHL 2005, section 5: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks
    expected = expected_purchases(cdnow_fit, 39, [2], [30.43], [38.86])
    assert isinstance(expected, np.ndarray) and expected.dtype == np.float64
    assert round(float(expected[0]), 3) == 1.226


def test_cdnow_p_alive(cdnow_fit):
    r, alpha, a, b = cdnow_fit.r, cdnow_fit.alpha, cdnow_fit.a, cdnow_fit.b
    direct = 1 / (1 + a / (b + 2 - 1) * ((alpha + 38.86) / (alpha + 30.43)) ** (r + 2))
    alive = p_alive(cdnow_fit, [2], [30.43], [38.86])
    assert alive[0] == pytest.approx(direct, rel=1e-12)
    assert 0 < alive[0] < 1
    T = np.linspace(30.43, 500.0, 50)
    along_T = p_alive(cdnow_fit, np.full(50, 2), np.full(50, 30.43), T)
    assert (np.diff(along_T) < 0).all() and (along_T > 0).all() and along_T[0] < 1
    assert p_alive(cdnow_fit, [0, 0], [0, 0], [1.0, 50.0]).tolist() == [1.0, 1.0]
    # extreme inputs neither overflow nor warn
    extreme = p_alive(cdnow_fit, [500], [0.0], [1e6])
    assert 0 <= extreme[0] < 1e-100


def test_expected_purchases_match_numerical_integration(cdnow_fit):
    cases = [  # (x, t_x, T, t) in weeks
        (0, 0.0, 38.86, 39.0), (2, 30.43, 38.86, 39.0), (1, 1.71, 38.86, 52.0),
        (7, 35.0, 36.0, 10.0), (20, 5.0, 30.0, 100.0), (3, 12.0, 12.0, 0.5),
    ]
    x, tx, T, t = (np.array(c, dtype=float) for c in zip(*cases, strict=True))
    for i in range(len(cases)):
        got = expected_purchases(cdnow_fit, t[i], x, tx, T)[i]
        want = expected_purchases_by_quadrature(cdnow_fit, t[i], x[i], tx[i], T[i])
        assert got == pytest.approx(want, rel=1e-8), cases[i]


@pytest.mark.parametrize("a", [0.35, 1.0, 1.00002, 1.7, 4.0])
def test_expected_purchases_daily_scale_and_a_near_one(a):
    fit = BetaGeoFit(r=0.8, alpha=80.0, a=a, b=2.5, log_likelihood=0.0, n_customers=0,
                     time_unit="D")
    cases = [(0, 0, 0, 360), (0, 0, 1500, 30), (1, 3, 400, 30), (12, 700, 710, 360),
             (60, 1400, 1500, 360), (150, 20, 1500, 90), (5, 0, 0, 1)]
    x, tx, T, t = (np.array(c, dtype=float) for c in zip(*cases, strict=True))
    for i in range(len(cases)):
        got = expected_purchases(fit, t[i], x, tx, T)[i]
        want = expected_purchases_by_quadrature(fit, t[i], x[i], tx[i], T[i])
        assert got == pytest.approx(want, rel=1e-6, abs=1e-12), (a, cases[i])


@pytest.mark.parametrize("params, case", [
    # the Poisson limit: no rate heterogeneity (r and alpha huge), scipy's hyp2f1 returns nan
    ((58908.557, 4760675.3, 0.0030657, 1349.626), (3, 80.0, 100.0, 30 / 7)),
    # extreme heterogeneity and a long horizon: hyp2f1 returns nan
    ((175.98218694792325, 0.14670684708650636, 11.090798968154319, 0.384861329529232),
     (188, 0.0, 0.0, 71.62386771289435)),
])
def test_expected_purchases_where_hyp2f1_fails(params, case):
    r, alpha, a, b = params
    fit = BetaGeoFit(r=r, alpha=alpha, a=a, b=b, log_likelihood=0.0, n_customers=0,
                     time_unit="W")
    x, tx, T, t = case
    got = expected_purchases(fit, t, [x, x], [tx, tx], [T, T])
    want = expected_purchases_by_quadrature(fit, t, x, tx, T)
    np.testing.assert_allclose(got, [want, want], rtol=1e-8)


def test_expected_purchases_shape_and_monotonicity(cdnow_fit, cdnow):
    x, tx, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    zero = expected_purchases(cdnow_fit, 0, x, tx, T)
    assert zero.shape == (len(cdnow),) and (zero == 0).all()
    week = expected_purchases(cdnow_fit, 1, x, tx, T)
    year = expected_purchases(cdnow_fit, 52, x, tx, T)
    assert (week > 0).all() and (year > week).all()
    # evaluated on distinct (x, T) pairs, mapped back in input order
    order = np.random.default_rng(3).permutation(len(cdnow))
    shuffled = expected_purchases(cdnow_fit, 52, x.to_numpy()[order], tx.to_numpy()[order],
                                  T.to_numpy()[order])
    np.testing.assert_array_equal(shuffled, year[order])


def test_weighted_fit_equals_fit_on_duplicated_rows(cdnow):
    part = cdnow.iloc[:800]
    weights = np.random.default_rng(5).integers(1, 4, len(part))
    weighted = fit_bgnbd(part["frequency"], part["recency"], part["T"], weights=weights,
                         time_unit="W")
    repeated = part.loc[part.index.repeat(weights)]
    duplicated = fit_bgnbd(repeated["frequency"], repeated["recency"], repeated["T"],
                           time_unit="W")
    assert weighted.n_customers == duplicated.n_customers == int(weights.sum())
    for name in ("r", "alpha", "a", "b"):
        assert getattr(weighted, name) == pytest.approx(getattr(duplicated, name), rel=1e-6)
    assert weighted.log_likelihood == pytest.approx(duplicated.log_likelihood, rel=1e-10)


def test_fit_is_invariant_to_the_time_unit():
    summary_days = summary_from_transactions(load_cdnow_transactions(), CALIBRATION_END)
    summary_weeks = summary_from_transactions(load_cdnow_transactions(), CALIBRATION_END,
                                              time_unit="W")
    days = fit_bgnbd(summary_days["frequency"], summary_days["recency"], summary_days["T"])
    weeks = fit_bgnbd(summary_weeks["frequency"], summary_weeks["recency"], summary_weeks["T"],
                      time_unit="W")
    assert days.time_unit == "D"
    assert days.alpha == pytest.approx(7 * weeks.alpha, rel=1e-5)
    for name in ("r", "a", "b"):
        assert getattr(days, name) == pytest.approx(getattr(weeks, name), rel=1e-5)
    # each customer's likelihood scales by 7^-x when time is counted in days
    total_x = summary_days["frequency"].sum()
    assert days.log_likelihood == pytest.approx(weeks.log_likelihood - total_x * np.log(7),
                                                rel=1e-9)


def test_fit_recovers_simulated_parameters():
    x, tx, T = simulate_bgnbd(200_000, r=0.8, alpha=80.0, a=0.8, b=2.5,
                              rng=np.random.default_rng(11))
    fit = fit_bgnbd(x, tx, T)
    assert fit.r == pytest.approx(0.8, rel=0.05)
    assert fit.alpha == pytest.approx(80.0, rel=0.05)
    assert fit.a == pytest.approx(0.8, rel=0.1)
    assert fit.b == pytest.approx(2.5, rel=0.1)


def test_fit_rejects_data_that_cannot_identify_the_model(cdnow):
    with pytest.raises(ValueError, match="at least 10"):
        fit_bgnbd([1, 0, 2], [3.0, 0.0, 5.0], [10.0, 10.0, 10.0])
    with pytest.raises(ValueError, match="repeat purchases"):
        fit_bgnbd(np.zeros(50), np.zeros(50), np.full(50, 20.0))
    with pytest.raises(ValueError, match="between 0 and T"):
        fit_bgnbd([1] * 20, [30.0] * 20, [10.0] * 20)
    with pytest.raises(ValueError, match="whole numbers"):
        fit_bgnbd(cdnow["frequency"] + 0.5, cdnow["recency"], cdnow["T"])
    with pytest.raises(ValueError, match="time_unit"):
        fit_bgnbd(cdnow["frequency"], cdnow["recency"], cdnow["T"], time_unit="M")


# ------------------------------------------------------------------------------------------------
# Gamma-Gamma
# ------------------------------------------------------------------------------------------------

def test_cdnow_gamma_gamma_matches_published_estimates(cdnow_gg):
    for name, published in CDNOW_GG.items():
        assert round(getattr(cdnow_gg, name), 1) == round(published, 1), name
        assert abs(getattr(cdnow_gg, name) - published) < 0.01, name
    assert cdnow_gg.n_customers == 946
    assert np.isfinite(cdnow_gg.log_likelihood)


def test_gamma_gamma_ignores_customers_without_repeat_spend(cdnow_money, cdnow_gg):
    everyone = fit_gamma_gamma(cdnow_money["frequency"], cdnow_money["monetary_value"])
    assert everyone == cdnow_gg


def test_cdnow_expected_average_value(cdnow_gg, cdnow_money):
    head = cdnow_money.iloc[:5]  # customers 1, 2 repeat; 3, 4, 5 did not
    value = expected_average_value(cdnow_gg, head["frequency"], head["monetary_value"])
    # published with lifetimes' documentation: 24.66, 18.91, then the population mean 35.17
    np.testing.assert_allclose(value, [24.66, 18.91, 35.17, 35.17, 35.17], atol=0.01)
    p, q, v = cdnow_gg.p, cdnow_gg.q, cdnow_gg.v
    assert value[2] == pytest.approx(v * p / (q - 1), rel=1e-12)
    x, m = 2, 22.35
    assert value[0] == pytest.approx((q - 1) / (p * x + q - 1) * v * p / (q - 1)
                                     + p * x / (p * x + q - 1) * m, rel=1e-12)


def test_gamma_gamma_recovers_simulated_parameters():
    rng = np.random.default_rng(21)
    n, p, q, v = 100_000, 6.0, 3.5, 15.0
    x = rng.integers(1, 15, n).astype(float)
    nu = rng.gamma(q, 1.0 / v, n)
    m = rng.gamma(p * x, 1.0 / (nu * x))  # mean of x Gamma(p, nu) amounts
    fit = fit_gamma_gamma(x, m * 1000.0)  # in another currency unit: v scales, p and q do not
    assert fit.p == pytest.approx(p, rel=0.05)
    assert fit.q == pytest.approx(q, rel=0.05)
    assert fit.v == pytest.approx(v * 1000.0, rel=0.08)


def test_gamma_gamma_weights_and_errors(cdnow_money):
    repeat = cdnow_money[cdnow_money["frequency"] > 0].iloc[:300]
    weights = np.random.default_rng(8).integers(1, 4, len(repeat))
    weighted = fit_gamma_gamma(repeat["frequency"], repeat["monetary_value"], weights=weights)
    repeated = repeat.loc[repeat.index.repeat(weights)]
    duplicated = fit_gamma_gamma(repeated["frequency"], repeated["monetary_value"])
    for name in ("p", "q", "v"):
        assert getattr(weighted, name) == pytest.approx(getattr(duplicated, name), rel=1e-6)
    with pytest.raises(ValueError, match="at least 10"):
        fit_gamma_gamma([0, 0, 1], [0.0, 0.0, 5.0])
    with pytest.raises(ValueError, match="q > 1"):
        expected_average_value(GammaGammaFit(p=2.0, q=0.9, v=10.0, log_likelihood=0.0,
                                             n_customers=0), [0], [0.0])


# ------------------------------------------------------------------------------------------------
# CLV
# ------------------------------------------------------------------------------------------------

def test_one_undiscounted_month_is_expected_purchases_times_average_value(
        cdnow_fit, cdnow_gg, cdnow_money):
    x, tx, T, m = (cdnow_money[c] for c in ("frequency", "recency", "T", "monetary_value"))
    clv = predicted_clv(cdnow_fit, cdnow_gg, x, tx, T, m, months=1, monthly_discount=0.0)
    month_in_weeks = 30 / 7
    want = (expected_purchases(cdnow_fit, month_in_weeks, x, tx, T)
            * expected_average_value(cdnow_gg, x, m))
    np.testing.assert_allclose(clv, want, rtol=1e-12)
    assert isinstance(clv, np.ndarray) and clv.shape == (len(x),) and (clv > 0).all()


def test_undiscounted_clv_telescopes_to_expected_purchases(cdnow_fit, cdnow_gg, cdnow_money):
    x, tx, T, m = (cdnow_money[c] for c in ("frequency", "recency", "T", "monetary_value"))
    clv = predicted_clv(cdnow_fit, cdnow_gg, x, tx, T, m, months=12, monthly_discount=0.0)
    want = (expected_purchases(cdnow_fit, 12 * 30 / 7, x, tx, T)
            * expected_average_value(cdnow_gg, x, m))
    np.testing.assert_allclose(clv, want, rtol=1e-9)


def test_daily_fit_months_are_30_days(cdnow_gg):
    fit = BetaGeoFit(r=0.8, alpha=80.0, a=0.8, b=2.5, log_likelihood=0.0, n_customers=0,
                     time_unit="D")
    x, tx, T, m = [0, 3, 10], [0, 200, 390], [30, 400, 400], [0.0, 25.0, 60.0]
    clv = predicted_clv(fit, cdnow_gg, x, tx, T, m, months=1, monthly_discount=0.0)
    want = expected_purchases(fit, 30, x, tx, T) * expected_average_value(cdnow_gg, x, m)
    np.testing.assert_allclose(clv, want, rtol=1e-12)


def test_discounting_and_horizon(cdnow_fit, cdnow_gg, cdnow_money):
    x, tx, T, m = (cdnow_money[c] for c in ("frequency", "recency", "T", "monetary_value"))

    def clv(**kwargs):
        return predicted_clv(cdnow_fit, cdnow_gg, x, tx, T, m, **kwargs)

    base = clv()  # 12 months, 1 % a month
    assert (clv(monthly_discount=0.05) < base).all()
    assert (clv(monthly_discount=0.0) > base).all()
    assert (clv(months=24) > base).all()
    assert (clv(months=0) == 0).all()
    # a month's discounting: month i's revenue is divided by 1.01^i
    one = clv(months=1, monthly_discount=0.01)
    np.testing.assert_allclose(one, clv(months=1, monthly_discount=0.0) / 1.01, rtol=1e-12)
    with pytest.raises(ValueError, match="monthly_discount"):
        clv(monthly_discount=-1.0)


def test_large_synthetic_population_is_consistent():
    rng = np.random.default_rng(4)
    x, tx, T = simulate_bgnbd(50_000, r=0.8, alpha=80.0, a=0.8, b=2.5, rng=rng)
    fit = fit_bgnbd(x, tx, T)
    alive = p_alive(fit, x, tx, T)
    assert ((alive > 0) & (alive <= 1)).all()
    gg = GammaGammaFit(p=6.0, q=3.5, v=15.0, log_likelihood=0.0, n_customers=0)
    m = np.where(x > 0, 30.0, 0.0)
    clv = predicted_clv(fit, gg, x, tx, T, m)
    assert np.isfinite(clv).all() and (clv > 0).all()
    # customers alive for sure (no repeat purchase) with a short history are worth more than
    # long-silent ones
    young = (x == 0) & (T < 30)
    old = (x == 0) & (T > 1400)
    assert clv[young].min() > clv[old].max()
