"""RFM scores, segments, tier rules, churn warnings and the chart aggregates (pure pandas/numpy,
no database, no Qt).

``compute_metrics`` turns the per-customer purchase summary (``clv.summary_from_*``) into one
row per customer: RFM scores 1-5, a named segment, the BG/NBD P(alive), predicted lifetime
value, the tier the rules give, and whether the customer is at risk of churning (and why).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np

from . import clv
from .errors import FieldError, ValidationError
from ._lazy import lazy

pd = lazy("pandas")  # imported on first use (start-up time)


TIERS = ("strategic", "growth", "basic", "dormant")

# Segment of each (R, F) score pair, the usual RFM segment map (rows R 1-5, columns F 1-5).
SEGMENTS = ("champions", "loyal", "potential_loyalists", "new_customers", "promising",
            "need_attention", "about_to_sleep", "at_risk", "cant_lose", "hibernating")
NO_PURCHASE = "no_purchase"
_SEGMENT_GRID = np.array([
    # F: 1               2                      3                      4            5
    ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],                   # R1
    ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],                   # R2
    ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],            # R3
    ["promising", "potential_loyalists", "potential_loyalists", "loyal", "loyal"],       # R4
    ["new_customers", "potential_loyalists", "potential_loyalists", "champions", "champions"],
], dtype=object)

# Metrics a tier rule may test; "segment" takes a list of segment names with "in".
RULE_METRICS = ("predicted_clv", "clv_rank", "p_alive", "spend_365", "total_spend",
                "recency_days", "orders", "segment")
OPERATORS = (">=", ">", "<=", "<", "in")

# Risk reasons (comma-separated in ``risk_reason``)
RISK_P_ALIVE = "p_alive"
RISK_OVERDUE = "overdue"


@dataclass(frozen=True)
class TierRule:
    """``tier`` applies to a customer whose ``metric`` satisfies ``op value``. Rules are tried in
    order; the first that matches decides. A customer without the metric (no orders, no model)
    matches no numeric rule."""

    tier: str
    metric: str
    op: str
    value: float | tuple[str, ...]

    def matches(self, frame: pd.DataFrame) -> np.ndarray:
        col = frame[self.metric]
        if self.op == "in":
            return col.isin(list(self.value)).to_numpy()
        x = col.to_numpy(dtype=float, na_value=np.nan)
        v = float(self.value)  # type: ignore[arg-type]
        with np.errstate(invalid="ignore"):
            out = {">=": x >= v, ">": x > v, "<=": x <= v, "<": x < v}[self.op]
        return out & ~np.isnan(x)


@dataclass(frozen=True)
class TierSettings:
    rules: tuple[TierRule, ...]
    fallback: str = "basic"
    horizon_months: int = 12
    monthly_discount: float = 0.01
    churn_p_alive: float = 0.5
    churn_interval_factor: float = 3.0
    min_interval_days: float = 7.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rules"] = [
            {**asdict(r), "value": list(r.value) if isinstance(r.value, tuple) else r.value}
            for r in self.rules]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TierSettings":
        rules = tuple(
            TierRule(r["tier"], r["metric"], r["op"],
                     tuple(r["value"]) if isinstance(r["value"], list) else float(r["value"]))
            for r in d.get("rules", []))
        known = {k: d[k] for k in ("fallback", "horizon_months", "monthly_discount",
                                   "churn_p_alive", "churn_interval_factor",
                                   "min_interval_days") if k in d}
        return cls(rules=rules, **known)

    def validate(self) -> "TierSettings":
        errors: list[FieldError] = []
        for i, r in enumerate(self.rules, start=1):
            where = f"rule {i}"
            if r.tier not in TIERS:
                errors.append(FieldError(f"{where}.tier", "invalid_choice", str(r.tier)))
            if r.metric not in RULE_METRICS:
                errors.append(FieldError(f"{where}.metric", "invalid_choice", str(r.metric)))
            if r.op not in OPERATORS:
                errors.append(FieldError(f"{where}.op", "invalid_choice", str(r.op)))
            elif (r.op == "in") != (r.metric == "segment"):
                errors.append(FieldError(f"{where}.op", "invalid_choice", r.op,
                                         "segments take 'in', numbers a comparison"))
            elif r.op == "in":
                bad = [s for s in r.value if s not in SEGMENTS + (NO_PURCHASE,)]  # type: ignore[union-attr]
                if bad or not r.value:
                    errors.append(FieldError(f"{where}.value", "invalid_choice", ",".join(bad)))
            elif not isinstance(r.value, float) or not math.isfinite(r.value):
                errors.append(FieldError(f"{where}.value", "invalid", str(r.value)))
            elif r.metric in ("clv_rank", "p_alive") and not 0.0 <= r.value <= 1.0:
                errors.append(FieldError(f"{where}.value", "out_of_range", str(r.value),
                                         "between 0 and 1"))
        if self.fallback not in TIERS:
            errors.append(FieldError("fallback", "invalid_choice", self.fallback))
        if not 1 <= self.horizon_months <= 120:
            errors.append(FieldError("horizon_months", "out_of_range", str(self.horizon_months),
                                     "1 to 120"))
        if not 0.0 <= self.monthly_discount < 1.0:
            errors.append(FieldError("monthly_discount", "out_of_range",
                                     str(self.monthly_discount), "0 to 1"))
        if not 0.0 <= self.churn_p_alive <= 1.0:
            errors.append(FieldError("churn_p_alive", "out_of_range", str(self.churn_p_alive),
                                     "0 to 1"))
        if not self.churn_interval_factor > 0:
            errors.append(FieldError("churn_interval_factor", "out_of_range",
                                     str(self.churn_interval_factor), "above 0"))
        if errors:
            raise ValidationError(errors)
        return self


PRESETS: dict[str, tuple[TierRule, ...]] = {
    # By predicted 12-month lifetime value and P(alive): the default.
    "clv": (
        TierRule("dormant", "p_alive", "<", 0.2),
        TierRule("strategic", "clv_rank", ">=", 0.95),
        TierRule("growth", "clv_rank", ">=", 0.75),
    ),
    # By purchases in the last 12 months (the manufacturing example: >= 5,000,000 strategic,
    # 1,000,000-5,000,000 key, below that normal); no order for a year makes a customer dormant.
    "annual_amount": (
        TierRule("strategic", "spend_365", ">=", 5_000_000.0),
        TierRule("growth", "spend_365", ">=", 1_000_000.0),
        TierRule("dormant", "recency_days", ">", 365.0),
    ),
    # By RFM segment.
    "rfm": (
        TierRule("strategic", "segment", "in", ("champions", "loyal", "cant_lose")),
        TierRule("growth", "segment", "in",
                 ("potential_loyalists", "new_customers", "promising", "need_attention")),
        TierRule("dormant", "segment", "in", ("hibernating",)),
    ),
}

DEFAULT_SETTINGS = TierSettings(rules=PRESETS["clv"])


# -- scores and segments ----------------------------------------------------------------------

def quintile_scores(values: Any, *, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1-5 by quintile of rank. Tied values share one score: the quintile where their
    group starts, so the lowest values always score 1 (5 when lower is better) even when 40% of
    customers share them, and equal values never get different scores by chance."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return np.zeros(0, dtype=np.int8)
    start = _tie_bounds(v)[0] / v.size  # share of values below
    score = np.clip(np.floor(start * 5.0 + 1e-9) + 1, 1, 5).astype(np.int8)
    return score if higher_is_better else (6 - score).astype(np.int8)


def _tie_bounds(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each value: how many values are smaller, and how many are smaller or equal. One
    sort and linear passes (binary searches of unsorted queries miss the cache: 3x slower)."""
    order = np.argsort(values, kind="stable")
    srt = values[order]
    new_group = np.empty(values.size, dtype=bool)
    new_group[:1] = True
    np.not_equal(srt[1:], srt[:-1], out=new_group[1:])
    starts = np.flatnonzero(new_group)
    ends = np.append(starts[1:], values.size)
    group = np.cumsum(new_group) - 1
    left = np.empty(values.size, dtype=np.int64)
    right = np.empty(values.size, dtype=np.int64)
    left[order] = starts[group]
    right[order] = ends[group]
    return left, right


def share_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(average rank as a share, 0-1], share of values at least as large) of each value: the
    percentile pandas' ``rank(pct=True)`` gives, and the Pareto position (the largest value
    has 1/n). Values must not be NaN."""
    n = values.size
    left, right = _tie_bounds(values)
    return (left + right + 1) / (2.0 * n), (n - left) / n


def segments_of(r: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Segment names for R and F scores 1-5 (``no_purchase`` where a score is 0)."""
    r = np.asarray(r, dtype=np.int64)
    f = np.asarray(f, dtype=np.int64)
    ok = (r >= 1) & (f >= 1)
    out = np.full(len(r), NO_PURCHASE, dtype=object)
    out[ok] = _SEGMENT_GRID[r[ok] - 1, f[ok] - 1]
    return out


def assign_tiers(frame: pd.DataFrame, rules: tuple[TierRule, ...], fallback: str) -> np.ndarray:
    """The first matching rule's tier per row, else ``fallback``."""
    n = len(frame)
    tier = np.full(n, fallback, dtype=object)
    free = np.ones(n, dtype=bool)
    for rule in rules:
        hit = free & rule.matches(frame)
        tier[hit] = rule.tier
        free &= ~hit
    return tier


def churn_flags(frame: pd.DataFrame, settings: TierSettings
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(at_risk, reason, usual interval in days) per row.

    At risk when P(alive) is below ``churn_p_alive``, or when the days since the last order
    exceed ``churn_interval_factor`` times the customer's usual interval between purchase days
    (first to last purchase / repeat purchases; at least ``min_interval_days``, so two orders a
    day apart do not raise an alarm a week later)."""
    freq = frame["frequency"].to_numpy(dtype=float, na_value=0.0)
    span = frame["recency"].to_numpy(dtype=float, na_value=0.0)
    since = frame["recency_days"].to_numpy(dtype=float, na_value=np.nan)
    p = frame["p_alive"].to_numpy(dtype=float, na_value=np.nan)
    interval = np.full(len(frame), np.nan)
    rep = freq >= 1
    interval[rep] = span[rep] / freq[rep]
    with np.errstate(invalid="ignore"):
        low = p < settings.churn_p_alive
        overdue = rep & (since > settings.churn_interval_factor
                         * np.maximum(interval, settings.min_interval_days))
    low &= ~np.isnan(p)
    reason = np.full(len(frame), "", dtype=object)
    reason[low] = RISK_P_ALIVE
    reason[overdue & ~low] = RISK_OVERDUE
    reason[overdue & low] = RISK_P_ALIVE + "," + RISK_OVERDUE
    return low | overdue, reason, interval


# -- the whole computation ----------------------------------------------------------------------

METRIC_COLUMNS = ("orders", "total_spend", "spend_365", "recency_days", "frequency", "recency",
                  "T", "monetary_value", "avg_spend", "r", "f", "m", "segment", "p_alive",
                  "expected_purchases", "predicted_clv", "clv_rank", "spend_rank", "tier",
                  "at_risk", "risk_reason", "usual_interval_days")


@dataclass(frozen=True)
class Fits:
    bgnbd: clv.BetaGeoFit | None
    gamma_gamma: clv.GammaGammaFit | None
    problem: str = ""  # why a model could not be fitted ("" when both were)
    seconds: dict[str, float] = field(default_factory=dict)

    def report(self) -> dict[str, Any]:
        out: dict[str, Any] = {"time_unit": "day"}
        out["bgnbd"] = None if self.bgnbd is None else {
            "r": self.bgnbd.r, "alpha": self.bgnbd.alpha, "a": self.bgnbd.a, "b": self.bgnbd.b}
        out["gamma_gamma"] = None if self.gamma_gamma is None else {
            "p": self.gamma_gamma.p, "q": self.gamma_gamma.q, "v": self.gamma_gamma.v}
        if self.problem:
            out["problem"] = self.problem
        return out


def compute_metrics(summary: pd.DataFrame, customers: pd.Index, spend_365: Any,
                    settings: TierSettings,
                    step: Callable[[str], None] = lambda name: None, *,
                    positions: np.ndarray | None = None,
                    ) -> tuple[pd.DataFrame, Fits]:
    """Metrics for every customer in ``customers`` (those absent from ``summary`` bought
    nothing). ``summary`` is a daily purchase summary (``clv.SUMMARY_COLUMNS``) indexed by
    customer; ``spend_365`` the spend in the 365 days up to the observation date (a Series by
    customer, or an array aligned with ``customers``). ``positions`` may give each summary
    row's position in ``customers`` (-1: not a customer), which saves hashing a million ids.
    ``step`` is called before each stage (progress and cancellation)."""
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    n = len(customers)
    if positions is None:
        positions = customers.get_indexer(summary.index)
    keep = positions >= 0
    buyers = summary[keep] if not keep.all() else summary
    pos = positions[keep]
    cols: dict[str, np.ndarray] = {}
    cols["orders"] = np.zeros(n, dtype=np.int64)
    cols["frequency"] = np.zeros(n, dtype=np.int64)
    for col in ("orders", "frequency"):
        cols[col][pos] = buyers[col].to_numpy(dtype=np.int64)
    for col in ("total_spend", "monetary_value", "avg_spend"):
        cols[col] = np.zeros(n)
        cols[col][pos] = buyers[col].to_numpy(dtype=float)
    for col in ("recency_days", "recency", "T"):
        cols[col] = np.full(n, np.nan)
        cols[col][pos] = buyers[col].to_numpy(dtype=float)
    if isinstance(spend_365, pd.Series):
        cols["spend_365"] = spend_365.reindex(customers).fillna(0.0).to_numpy(dtype=float)
    else:
        cols["spend_365"] = np.asarray(spend_365, dtype=float)
    frame = pd.DataFrame(cols, index=customers)

    # RFM among buyers
    step("scores")
    r = np.zeros(n, dtype=np.int8)
    f = np.zeros(n, dtype=np.int8)
    m = np.zeros(n, dtype=np.int8)
    if len(pos):
        r[pos] = quintile_scores(buyers["recency_days"], higher_is_better=False)
        f[pos] = quintile_scores(buyers["orders"])
        m[pos] = quintile_scores(buyers["total_spend"])
    frame["r"], frame["f"], frame["m"] = r, f, m
    frame["segment"] = segments_of(r, f)
    seconds["scores"] = time.perf_counter() - t0

    # models
    step("fit")
    t1 = time.perf_counter()
    p_alive = np.full(n, np.nan)
    expected = np.full(n, np.nan)
    value = np.full(n, np.nan)
    bg = gg = None
    problem = ""
    if len(pos):
        x = buyers["frequency"].to_numpy(dtype=float)
        tx = buyers["recency"].to_numpy(dtype=float)
        big_t = buyers["T"].to_numpy(dtype=float)
        mv = buyers["monetary_value"].to_numpy(dtype=float)
        try:
            bg = clv.fit_bgnbd(x, tx, big_t, time_unit="D")
            gg = clv.fit_gamma_gamma(x, mv)
        except (ValueError, RuntimeError) as e:  # too little data, or no convergence
            problem = str(e)
            bg = gg = None
        seconds["fit"] = time.perf_counter() - t1
        if bg is not None and gg is not None:
            step("predict")
            t2 = time.perf_counter()
            p_alive[pos] = clv.p_alive(bg, x, tx, big_t)
            total, discounted = clv.discounted_purchases(
                bg, x, tx, big_t, months=settings.horizon_months,
                monthly_discount=settings.monthly_discount)
            expected[pos] = total
            if gg.q > 1:
                spend = clv.expected_average_value(gg, x, mv)
            else:
                # Spend so heavy-tailed that the fitted population has no mean (q <= 1): the
                # Gamma-Gamma expectation is undefined, so each customer's own average
                # order value stands in for it.
                problem = f"gamma-gamma q = {gg.q:.3f} <= 1: own average order values used"
                spend = np.where(x > 0, mv, buyers["avg_spend"].to_numpy(dtype=float))
            value[pos] = discounted * spend
            seconds["predict"] = time.perf_counter() - t2
    else:
        problem = "no paid orders"
    frame["p_alive"] = p_alive
    frame["expected_purchases"] = expected
    frame["predicted_clv"] = value

    step("tiers")
    t3 = time.perf_counter()
    clv_rank = np.full(n, np.nan)
    spend_rank = np.full(n, np.nan)
    if len(pos):
        if bg is not None:
            ok = np.isfinite(value[pos])
            clv_rank[pos[ok]] = share_ranks(value[pos][ok])[0]
        # share of buyers spending at least as much (1/n = the top customer): the Pareto axis
        spend_rank[pos] = share_ranks(frame["total_spend"].to_numpy()[pos])[1]
    frame["clv_rank"] = clv_rank
    frame["spend_rank"] = spend_rank
    frame["tier"] = assign_tiers(frame, settings.rules, settings.fallback)
    at_risk, reason, interval = churn_flags(frame, settings)
    frame["at_risk"] = at_risk
    frame["risk_reason"] = reason
    frame["usual_interval_days"] = interval
    seconds["tiers"] = time.perf_counter() - t3
    return frame[list(METRIC_COLUMNS)], Fits(bg, gg, problem, seconds)


# -- chart aggregates ---------------------------------------------------------------------------

def _f(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def chart_data(frame: pd.DataFrame) -> dict[str, Any]:
    """The aggregates the Tiers section draws, as plain JSON-able values."""
    tier = frame["tier"].to_numpy()
    spend365 = frame["spend_365"].to_numpy(dtype=float)
    total = frame["total_spend"].to_numpy(dtype=float)
    tiers = {t: {"count": int((tier == t).sum()), "revenue": float(spend365[tier == t].sum()),
                 "total_spend": float(total[tier == t].sum())} for t in TIERS}

    buyers = total > 0
    spend = np.sort(total[buyers])[::-1]
    pareto: dict[str, Any] = {"buyers": int(buyers.sum()), "x": [], "y": []}
    if len(spend):
        cum = np.cumsum(spend) / spend.sum()
        xs = np.linspace(0, 1, 201)
        idx = np.clip(np.ceil(xs * len(spend)).astype(np.int64) - 1, -1, len(spend) - 1)
        ys = np.where(idx < 0, 0.0, cum[np.maximum(idx, 0)])
        pareto["x"] = [round(float(v), 4) for v in xs]
        pareto["y"] = [round(float(v), 5) for v in ys]
        for share in (0.01, 0.05, 0.1, 0.2, 0.5):
            k = max(int(math.ceil(share * len(spend))), 1)
            pareto[f"top{int(share * 100)}"] = float(cum[k - 1])

    r = frame["r"].to_numpy(dtype=np.int64)
    f = frame["f"].to_numpy(dtype=np.int64)
    ok = (r > 0) & (f > 0)
    cell = (r[ok] - 1) * 5 + (f[ok] - 1)
    counts = np.bincount(cell, minlength=25)
    sums = np.bincount(cell, weights=total[ok], minlength=25)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    heat = {"count": counts.reshape(5, 5).tolist(),
            "mean_spend": [[_f(v) for v in row] for row in means.reshape(5, 5)]}

    value = frame["predicted_clv"].to_numpy(dtype=float)
    value = value[~np.isnan(value)]
    clv_hist: dict[str, Any] = {"edges": [], "counts": [], "customers": int(len(value))}
    if len(value):
        top = max(float(value.max()), 10.0)
        edges = np.concatenate([[0.0], np.geomspace(1.0, top * 1.0001, 40)])
        hist, _ = np.histogram(np.clip(value, 0, None), bins=edges)
        clv_hist.update(edges=[float(e) for e in edges], counts=hist.tolist(),
                        median=float(np.median(value)), total=float(value.sum()))

    seg = frame["segment"].value_counts()
    risk = frame["at_risk"].to_numpy(dtype=bool)
    return {
        "tiers": tiers,
        "pareto": pareto,
        "heatmap": heat,
        "clv": clv_hist,
        "segments": {str(k): int(v) for k, v in seg.items()},
        "at_risk": {"count": int(risk.sum()), "revenue": float(spend365[risk].sum()),
                    "by_tier": _risk_by_tier(tier, risk, frame["risk_reason"].to_numpy(),
                                             spend365)},
    }


def _risk_by_tier(tier: np.ndarray, risk: np.ndarray, reason: np.ndarray,
                  spend365: np.ndarray) -> dict[str, dict[str, float]]:
    """At-risk customers per tier, split by reason, and what they bought in 12 months."""
    out = {}
    for t in TIERS:
        hit = risk & (tier == t)
        r = reason[hit]
        both = int((r == RISK_P_ALIVE + "," + RISK_OVERDUE).sum())
        out[t] = {"p_alive": int((r == RISK_P_ALIVE).sum()),
                  "overdue": int((r == RISK_OVERDUE).sum()), "both": both,
                  "revenue": float(spend365[hit].sum())}
    return out
