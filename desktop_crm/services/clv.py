"""Customer lifetime value: buy-till-you-die models (BG/NBD and Gamma-Gamma).

Everything here is plain numpy / pandas / scipy and works on whole columns at once: there is no
Python loop over customers anywhere.

* :func:`summary_from_transactions` and :func:`summary_from_aggregates` turn purchase history into
  the per-customer RFM summary the models need (``frequency``, ``recency``, ``T``,
  ``monetary_value``), following the Fader-Hardie / ``lifetimes`` conventions: purchases on the
  same calendar day count as one purchase, ``frequency`` counts *repeat* purchase days, ``recency``
  is the age of the customer at their last purchase and ``T`` their age at the end of the
  observation period.
* :func:`fit_bgnbd` fits the BG/NBD model of Fader, Hardie & Lee (2005), "Counting your customers
  the easy way: an alternative to the Pareto/NBD model", *Marketing Science* 24(2), by maximum
  likelihood; :func:`expected_purchases` and :func:`p_alive` use a fit to score customers.
* :func:`fit_gamma_gamma` fits the Gamma-Gamma spend model of Fader & Hardie (2013), "The
  Gamma-Gamma model of monetary value"; :func:`expected_average_value` gives each customer's
  expected spend per purchase.
* :func:`predicted_clv` combines the two into discounted expected revenue over the next months
  (the ``lifetimes`` ``customer_lifetime_value`` convention).

Speed: the fits collapse customers to their distinct ``(frequency, recency, T)`` triples (counts
become weights) and evaluate everything that depends on ``frequency`` alone once per distinct
frequency; expected purchases are ``P(alive)`` (elementwise, cheap) times a hypergeometric term
that depends only on ``(frequency, T)``, evaluated once per distinct pair. With daily data ``T`` is
a whole number of days, so a million customers have fewer distinct triples than customers (all
non-repeat customers with the same T are one) and only tens of thousands of distinct pairs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ._lazy import lazy, lazy_function

pd = lazy("pandas")  # pandas and scipy: imported on first use (start-up time)
eigh_tridiagonal = lazy_function("scipy.linalg", "eigh_tridiagonal")
minimize = lazy_function("scipy.optimize", "minimize")
digamma = lazy_function("scipy.special", "digamma")
expit = lazy_function("scipy.special", "expit")
gammaln = lazy_function("scipy.special", "gammaln")
hyp2f1 = lazy_function("scipy.special", "hyp2f1")


__all__ = [
    "AGGREGATE_COLUMNS",
    "MIN_CUSTOMERS",
    "SUMMARY_COLUMNS",
    "BetaGeoFit",
    "GammaGammaFit",
    "TimeUnit",
    "expected_average_value",
    "expected_purchases",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "p_alive",
    "predicted_clv",
    "summary_from_aggregates",
    "summary_from_transactions",
]

TimeUnit = Literal["D", "W"]
"""Time unit of ``recency``, ``T`` and model time: days (``"D"``) or weeks of 7 days (``"W"``)."""

SUMMARY_COLUMNS = ("first_day", "last_day", "orders", "total_spend", "avg_spend", "recency_days",
                   "frequency", "recency", "T", "monetary_value")

AGGREGATE_COLUMNS = ("orders", "total_spend", "first_day", "last_day", "purchase_days",
                     "first_day_spend")
"""Columns :func:`summary_from_aggregates` expects (per-customer aggregates computed in SQL)."""

MIN_CUSTOMERS = 10
"""Fewer customers than this (total weight) cannot identify a model: the fits raise ValueError."""

_DAYS_PER_UNIT: dict[str, float] = {"D": 1.0, "W": 7.0}
_DAYS_PER_MONTH = 30.0
_EPOCH = dt.date(1970, 1, 1)
_LOG_BOUNDS = (-23.0, 23.0)  # parameters stay within exp(±23) ~ 1e±10 during optimisation
_A_NEAR_ONE = 1e-4  # |a - 1| below this: interpolate across the removable singularity at a = 1
_QUAD_NODES = 128  # Gauss nodes of the fallback for expected purchases
_QUAD_BLOCK = 1 << 14  # customers per block in that fallback


# ------------------------------------------------------------------------------------------------
# Summaries
# ------------------------------------------------------------------------------------------------

def _days_per_unit(time_unit: str) -> float:
    try:
        return _DAYS_PER_UNIT[time_unit]
    except KeyError:
        raise ValueError(
            f"time_unit must be 'D' (days) or 'W' (weeks), not {time_unit!r}") from None


def _day_number(day: Any) -> int:
    """Days since 1970-01-01 of a date, datetime (its calendar date), Timestamp or ISO string."""
    if isinstance(day, dt.datetime):
        day = day.date()
    elif not isinstance(day, dt.date):
        try:
            day = pd.Timestamp(day).date()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"observation_end is not a date: {day!r}") from exc
    return (day - _EPOCH).days


def _day_numbers(values: pd.Series, what: str) -> np.ndarray:
    """Day numbers (days since 1970-01-01, int64) of a column of dates.

    Accepts datetime64 columns (any resolution; time zone-aware ones use their local calendar
    date), python ``date`` / ``datetime`` objects, ISO 8601 strings (``'YYYY-MM-DD'``, optionally
    with a time) and integer columns, which are taken to be day numbers already.
    """
    if values.dtype.kind in "iu":
        return values.to_numpy(dtype=np.int64)
    if values.dtype.kind != "M" and not isinstance(values.dtype, pd.DatetimeTZDtype):
        try:
            values = pd.to_datetime(values, format="ISO8601")
        except (TypeError, ValueError) as exc:
            raise ValueError(f"column {what!r} does not hold dates: {exc}") from exc
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    arr = values.to_numpy()
    if np.isnat(arr).any():
        raise ValueError(f"column {what!r} has missing dates")
    # datetime64 -> day resolution floors (also before 1970), which is the calendar date
    return arr.astype("datetime64[D]").astype(np.int64)


def _float_array(values: Any, what: str) -> np.ndarray:
    """A float64 copy/view of numbers (ints, floats, Decimals or numeric strings); finite."""
    try:
        if isinstance(values, pd.Series | pd.Index) and values.dtype.kind in "biuf":
            arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be numbers: {exc}") from exc
    if not np.isfinite(arr).all():
        raise ValueError(f"{what} has missing or infinite values")
    return arr


def _int_array(values: Any, what: str) -> np.ndarray:
    """An int64 array of whole numbers (ints, or floats / Decimals with no fractional part)."""
    if isinstance(values, pd.Series) and values.dtype.kind in "iu":
        return values.to_numpy(dtype=np.int64)
    arr = _float_array(values, what)
    if len(arr) and np.abs(arr).max() >= 2.0**53:
        raise ValueError(f"{what} has values out of range")
    out = arr.astype(np.int64)
    if not np.array_equal(out, arr):
        raise ValueError(f"{what} must be whole numbers")
    return out


def _assemble_summary(index: pd.Index, orders: np.ndarray, total_spend: np.ndarray,
                      first_day: np.ndarray, last_day: np.ndarray, purchase_days: np.ndarray,
                      first_day_spend: np.ndarray, end_day: int, time_unit: str) -> pd.DataFrame:
    """The summary frame (SUMMARY_COLUMNS) from per-customer aggregates, all validated."""
    unit = _days_per_unit(time_unit)
    frequency = purchase_days - 1
    monetary = np.zeros(len(frequency), dtype=np.float64)
    np.divide(total_spend - first_day_spend, frequency, out=monetary, where=frequency > 0)
    columns = {
        "first_day": first_day,
        "last_day": last_day,
        "orders": orders,
        "total_spend": total_spend,
        "avg_spend": total_spend / orders,
        "recency_days": end_day - last_day,
        "frequency": frequency,
        "recency": (last_day - first_day) / unit,
        "T": (end_day - first_day) / unit,
        "monetary_value": monetary,
    }
    return pd.DataFrame(columns, index=index, columns=list(SUMMARY_COLUMNS))


def summary_from_transactions(transactions: pd.DataFrame, observation_end: dt.date, *,
                              customer_col: str = "customer_id", date_col: str = "date",
                              amount_col: str = "amount", time_unit: TimeUnit = "D"
                              ) -> pd.DataFrame:
    """Per-customer RFM summary of a transaction table, as of ``observation_end``.

    ``transactions`` has one row per transaction with a customer id, a date (datetime64 column,
    python dates, ``'YYYY-MM-DD'`` strings or integer day numbers) and an amount (anything float()
    accepts, e.g. Decimal). Transactions dated after ``observation_end`` are ignored; customers
    left with none are dropped. All transactions of a customer on the same calendar day make one
    purchase.

    Returns one row per customer, indexed by customer id (index named ``customer_col``, sorted),
    with the columns of :data:`SUMMARY_COLUMNS`:

    ``first_day``, ``last_day`` (int64)
        day numbers (days since 1970-01-01) of the first and the last purchase;
    ``orders`` (int64), ``total_spend``, ``avg_spend`` (float64)
        number of transactions, their total amount, and total / number;
    ``recency_days`` (int64)
        days from the last purchase to ``observation_end`` (the classic RFM recency);
    ``frequency`` (int64)
        repeat purchases: distinct purchase days minus one;
    ``recency``, ``T`` (float64, in ``time_unit``)
        last purchase day minus first purchase day, and ``observation_end`` minus first purchase
        day (the BG/NBD ``t_x`` and ``T``);
    ``monetary_value`` (float64)
        mean spend per repeat purchase day: (total spend - spend on the first purchase day) /
        frequency; 0.0 when frequency is 0.

    Raises ValueError for missing columns, missing customer ids or dates, or non-numeric amounts.
    """
    _days_per_unit(time_unit)
    missing = [c for c in (customer_col, date_col, amount_col) if c not in transactions.columns]
    if missing:
        raise ValueError(f"transactions lack the column(s) {missing}")
    end_day = _day_number(observation_end)
    days = _day_numbers(transactions[date_col], date_col)
    customers = transactions[customer_col]
    amounts_col = transactions[amount_col]
    keep = days <= end_day
    if not keep.all():
        days = days[keep]
        customers = customers.iloc[keep]
        amounts_col = amounts_col.iloc[keep]
    amounts = _float_array(amounts_col, f"column {amount_col!r}")

    try:
        codes, uniques = pd.factorize(customers, sort=True)
    except TypeError:  # ids of mixed, unorderable types
        codes, uniques = pd.factorize(customers, sort=False)
    if len(codes) and codes.min() < 0:
        raise ValueError(f"column {customer_col!r} has missing customer ids")
    index = pd.Index(uniques, name=customer_col)
    n = len(index)

    orders = np.bincount(codes, minlength=n).astype(np.int64)
    total_spend = np.bincount(codes, weights=amounts, minlength=n)
    first_day = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_day, codes, days)
    last_day = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last_day, codes, days)
    on_first_day = days == first_day[codes]
    first_day_spend = np.bincount(codes, weights=np.where(on_first_day, amounts, 0.0),
                                  minlength=n)

    # Distinct purchase days: one for customers whose first and last day coincide; for the
    # rest, sort the (customer, day) keys of their rows and count the distinct keys.
    several_days = first_day < last_day
    purchase_days = np.ones(n, dtype=np.int64)
    rows = several_days[codes]
    if rows.any():
        c_rows, d_rows = codes[rows].astype(np.int64), days[rows]
        d_min = int(d_rows.min())
        span = int(d_rows.max()) - d_min + 1
        keys = c_rows * span + (d_rows - d_min)
        if n * span < 2**32:  # 32-bit keys sort about twice as fast
            keys = keys.astype(np.uint32)
        keys.sort()
        distinct = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        counts = np.bincount(distinct // keys.dtype.type(span), minlength=n)
        purchase_days = np.where(several_days, counts, 1).astype(np.int64)
    return _assemble_summary(index, orders, total_spend, first_day, last_day, purchase_days,
                             first_day_spend, end_day, time_unit)


def summary_from_aggregates(aggregates: pd.DataFrame, observation_end: dt.date, *,
                            time_unit: TimeUnit = "D") -> pd.DataFrame:
    """The :func:`summary_from_transactions` frame from per-customer aggregates computed in SQL.

    ``aggregates`` is indexed by customer id and has the columns of :data:`AGGREGATE_COLUMNS`,
    over the transactions dated on or before ``observation_end``:

    ``orders``
        number of transactions; ``total_spend`` their total amount;
    ``first_day``, ``last_day``
        day numbers (days since 1970-01-01) of the first and last purchase;
    ``purchase_days``
        number of distinct purchase days; ``first_day_spend`` total amount on ``first_day``.

    Numbers may arrive as floats or Decimals (e.g. PostgreSQL ``numeric``); whole-number columns
    must hold whole numbers. Rows with ``orders`` missing or 0 (customers without purchases,
    e.g. from an outer join) are dropped; the others keep their order and index. Raises ValueError
    for missing columns or inconsistent rows (a purchase after ``observation_end``,
    ``first_day > last_day``, ``purchase_days`` not within 1..orders, or more than one purchase
    day while ``first_day == last_day``).
    """
    _days_per_unit(time_unit)
    missing = [c for c in AGGREGATE_COLUMNS if c not in aggregates.columns]
    if missing:
        raise ValueError(f"aggregates lack the column(s) {missing}")
    end_day = _day_number(observation_end)
    frame = aggregates
    orders_col = frame["orders"]
    if orders_col.dtype.kind not in "iu":
        has_orders = pd.to_numeric(orders_col).fillna(0).to_numpy(dtype=np.float64) > 0
        if not has_orders.all():
            frame = frame.iloc[has_orders]
    orders = _int_array(frame["orders"], "orders")
    if (orders <= 0).any():
        frame = frame.iloc[orders > 0]
        orders = orders[orders > 0]
    total_spend = _float_array(frame["total_spend"], "total_spend")
    first_day = _int_array(frame["first_day"], "first_day")
    last_day = _int_array(frame["last_day"], "last_day")
    purchase_days = _int_array(frame["purchase_days"], "purchase_days")
    first_day_spend = _float_array(frame["first_day_spend"], "first_day_spend")

    problems = {
        "a purchase after observation_end": last_day > end_day,
        "first_day after last_day": first_day > last_day,
        "purchase_days not within 1..orders": (purchase_days < 1) | (purchase_days > orders),
        "several purchase days but first_day == last_day":
            (purchase_days > 1) & (first_day == last_day),
    }
    for what, bad in problems.items():
        if bad.any():
            example = frame.index[np.flatnonzero(bad)[0]]
            raise ValueError(f"{int(bad.sum())} aggregate row(s) have {what} "
                             f"(e.g. customer {example!r})")
    return _assemble_summary(frame.index, orders, total_spend, first_day, last_day,
                             purchase_days, first_day_spend, end_day, time_unit)


# ------------------------------------------------------------------------------------------------
# Shared helpers for the models
# ------------------------------------------------------------------------------------------------

def _group_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by their distinct value tuples (hash-based, no sort).

    Returns ``inverse`` (group number of each row) and ``rep`` (one row index per group); all rows
    of a group hold the same values, so ``column[rep]`` are the distinct tuples.
    """
    inverse, uniques = pd.factorize(columns[0])
    inverse = inverse.astype(np.int64)
    n_groups = len(uniques)
    for i, column in enumerate(columns[1:], start=2):
        codes, uniques = pd.factorize(column)
        inverse = inverse * len(uniques) + codes
        n_groups *= len(uniques)
        if i == len(columns) or n_groups * len(inverse) >= 2**62:
            # compact the combined codes (also keeps the next product from overflowing)
            inverse, uniques = pd.factorize(inverse)
            n_groups = len(uniques)
    rep = np.empty(n_groups, dtype=np.intp)
    rep[inverse] = np.arange(len(inverse))
    return inverse, rep


def _weights(weights: Any, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n, dtype=np.float64)
    w = _float_array(weights, "weights")
    if w.ndim != 1 or len(w) != n:
        raise ValueError(f"weights must be one number per customer ({n}), got shape {w.shape}")
    if (w < 0).any():
        raise ValueError("weights must not be negative")
    return w


def _bgnbd_arrays(frequency: Any, recency: Any, T: Any
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated float64 (x, t_x, T); t_x is set to 0 where x == 0 (it plays no part there)."""
    x = _float_array(frequency, "frequency")
    tx = _float_array(recency, "recency")
    age = _float_array(T, "T")
    if x.ndim != 1 or x.shape != tx.shape or x.shape != age.shape:
        raise ValueError("frequency, recency and T must be 1-D and of the same length "
                         f"(got {x.shape}, {tx.shape}, {age.shape})")
    if (x < 0).any() or not np.array_equal(x, np.floor(x)):
        raise ValueError("frequency must hold non-negative whole numbers (repeat purchases)")
    if (tx < 0).any() or (tx > age).any():
        raise ValueError("recency must lie between 0 and T")
    return x, np.where(x > 0, tx, 0.0), age


# ------------------------------------------------------------------------------------------------
# BG/NBD
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BetaGeoFit:
    """A fitted BG/NBD model (Fader, Hardie & Lee 2005).

    Purchase rates while alive are Gamma(shape ``r``, rate ``alpha``) across customers; after each
    purchase a customer drops out with a probability that is Beta(``a``, ``b``) across customers.
    ``alpha`` is in ``time_unit`` ("D" days or "W" weeks); r, a and b have no unit.
    ``log_likelihood`` is the maximised (weighted) log-likelihood over ``n_customers`` customers
    (the total weight, rounded).
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int
    time_unit: str


@dataclass(frozen=True)
class _BGData:
    """Distinct customer triples, split for the likelihood.

    Terms depending on x alone are evaluated per distinct x (``X``, total weight ``WX``); x == 0
    customers (only T matters) are collapsed by T (``T0``, ``w0``); repeat customers keep their
    distinct triples (``xp``, ``txp``, ``Tp``, weight ``wp``, index ``xi`` into ``Xp``).
    ``scratch`` holds five work arrays the size of ``xp``, reused by every evaluation (fresh
    temporaries of that size cost more than the arithmetic).
    """

    X: np.ndarray
    WX: np.ndarray
    T0: np.ndarray
    w0: np.ndarray
    Xp: np.ndarray
    xi: np.ndarray
    xp: np.ndarray
    txp: np.ndarray
    Tp: np.ndarray
    wp: np.ndarray
    wpxp: np.ndarray
    total_weight: float
    scratch: tuple[np.ndarray, ...]

    @classmethod
    def build(cls, x: np.ndarray, tx: np.ndarray, age: np.ndarray, w: np.ndarray) -> _BGData:
        xi_all, X = pd.factorize(x)
        WX = np.bincount(xi_all, weights=w, minlength=len(X))
        zero = x == 0
        T0_codes, T0 = pd.factorize(age[zero])
        w0 = np.bincount(T0_codes, weights=w[zero], minlength=len(T0))
        pos = ~zero
        xi, Xp = pd.factorize(x[pos])
        xp, wp = x[pos], w[pos]
        return cls(X=np.asarray(X, dtype=np.float64), WX=WX,
                   T0=np.asarray(T0, dtype=np.float64), w0=w0,
                   Xp=np.asarray(Xp, dtype=np.float64), xi=xi, xp=xp, txp=tx[pos],
                   Tp=age[pos], wp=wp, wpxp=wp * xp, total_weight=float(w.sum()),
                   scratch=tuple(np.empty(len(xp)) for _ in range(5)))


def _bgnbd_loglik(params: np.ndarray, d: _BGData, gradient: bool = True
                  ) -> tuple[float, np.ndarray]:
    """Weighted BG/NBD log-likelihood at (r, alpha, a, b) and its gradient in those parameters.

    Per customer (FHL 2005, eq. 6, in log form)::

        ln L = lnΓ(r+x) - lnΓ(r) + r ln α + ln B(a, b+x) - ln B(a, b)
               + ln[ (α+T)^-(r+x) + δ(x>0) a/(b+x-1) (α+t_x)^-(r+x) ]

    The last term is ``-(r+x) ln(α+T) + softplus(d)`` with
    ``d = ln a - ln(b+x-1) + (r+x)(ln(α+T) - ln(α+t_x))`` when x > 0, ``-r ln(α+T)`` otherwise.
    Sums over the repeat customers are written with ``out=`` buffers and dot products
    (``Σ w (r+x) u = r Σ w u + Σ (w x) u``) to keep the passes over the data few.
    """
    r, alpha, a, b = (float(v) for v in params)
    X, WX, xp, wp = d.X, d.WX, d.xp, d.wp
    # terms in x alone
    ll = WX @ (gammaln(r + X) + gammaln(b + X) - gammaln(a + b + X)) \
        + d.total_weight * (r * np.log(alpha) - gammaln(r) + gammaln(a + b) - gammaln(b))
    # x == 0 customers
    w0u0 = d.w0 @ np.log(alpha + d.T0)
    ll -= r * w0u0
    # repeat customers
    u, diff, dd, e, sp = d.scratch
    np.add(d.Tp, alpha, out=u)
    np.log(u, out=u)                                   # u = ln(α+T)
    np.add(d.txp, alpha, out=diff)
    np.log(diff, out=diff)
    np.subtract(u, diff, out=diff)                     # diff = ln(α+T) - ln(α+t_x) >= 0
    c = np.log(a) - np.log(b + d.Xp - 1.0)
    np.take(c, d.xi, out=dd)
    np.add(xp, r, out=e)
    np.multiply(e, diff, out=e)
    np.add(dd, e, out=dd)                              # d = c_x + (r+x) diff
    np.abs(dd, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.log1p(e, out=e)
    np.maximum(dd, 0.0, out=sp)
    np.add(sp, e, out=sp)                              # softplus(d), no overflow
    wpu = wp @ u
    ll += wp @ sp - r * wpu - d.wpxp @ u
    if not gradient:
        return float(ll), np.empty(0)

    psi_ab = digamma(a + b)
    g_r = WX @ digamma(r + X) + d.total_weight * (np.log(alpha) - digamma(r)) - w0u0
    g_alpha = d.total_weight * r / alpha - r * (d.w0 @ (1.0 / (alpha + d.T0)))
    g_a = WX @ (psi_ab - digamma(a + b + X))
    g_b = WX @ (psi_ab + digamma(b + X) - digamma(b) - digamma(a + b + X))

    ws = e
    np.subtract(dd, sp, out=ws)
    np.exp(ws, out=ws)                                 # sigmoid(d) = exp(d - softplus(d))
    np.multiply(ws, wp, out=ws)                        # weight × P(dead | data)
    g_r += ws @ diff - wpu
    inv_T = dd
    np.add(d.Tp, alpha, out=inv_T)
    np.divide(1.0, inv_T, out=inv_T)                   # 1/(α+T)
    delta = sp
    np.add(d.txp, alpha, out=delta)
    np.divide(1.0, delta, out=delta)
    np.subtract(inv_T, delta, out=delta)               # 1/(α+T) - 1/(α+t_x)
    wsx = u
    np.multiply(ws, xp, out=wsx)
    g_alpha += r * (ws @ delta) + wsx @ delta - r * (wp @ inv_T) - d.wpxp @ inv_T
    s_x = np.bincount(d.xi, weights=ws, minlength=len(d.Xp))
    g_a += s_x.sum() / a
    g_b -= s_x @ (1.0 / (b + d.Xp - 1.0))
    return float(ll), np.array([g_r, g_alpha, g_a, g_b])


def _maximise(loglik: Any, start: np.ndarray, what: str) -> np.ndarray:
    """Maximise a log-likelihood over the logs of its (positive) parameters with L-BFGS-B.

    ``loglik(params) -> (value, gradient)`` should be per unit weight, so tolerances mean the
    same for any number of customers. Returns the natural parameters; RuntimeError when the
    optimiser fails and the (projected) gradient is not small either.
    """
    lower, upper = _LOG_BOUNDS

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(theta)
        ll, grad = loglik(params)
        if not np.isfinite(ll):
            return np.inf, np.zeros_like(theta)
        return -ll, -grad * params

    def projected_gradient(theta: np.ndarray) -> float:
        value, grad = objective(theta)
        if not np.isfinite(value):
            return np.inf
        # at a bound, a gradient pushing further out of the box is not a failure
        grad = np.where(((theta <= lower) & (grad > 0)) | ((theta >= upper) & (grad < 0)),
                        0.0, grad)
        return float(np.max(np.abs(grad)))

    theta = np.log(start)
    for _attempt in range(2):  # a restart refreshes L-BFGS's curvature memory
        res = minimize(objective, theta, jac=True, method="L-BFGS-B",
                       bounds=[_LOG_BOUNDS] * len(start),
                       options={"maxiter": 5000, "ftol": 1e-14, "gtol": 1e-9})
        theta = np.clip(res.x, lower, upper)
        if res.success:
            break
    # L-BFGS-B may also stop with a line-search failure (status 2) at an optimum it cannot
    # improve in floating point, or on a nearly flat ridge: with few customers, or data the model
    # fits badly, the maximum can lie at infinity (e.g. BG/NBD r and alpha both unbounded with
    # r/alpha fixed). Accept that when the gradient per customer is small, i.e. no meaningful
    # gain in likelihood is left; fail on anything else (iteration limit, non-finite values).
    if not (res.success or (res.status == 2 and projected_gradient(theta) < 1e-2)):
        raise RuntimeError(f"{what} fit did not converge: {res.message}")
    return np.exp(theta)


def fit_bgnbd(frequency: Any, recency: Any, T: Any, *, weights: Any = None,
              time_unit: TimeUnit = "D") -> BetaGeoFit:
    """Fit the BG/NBD model by maximum likelihood.

    ``frequency`` (repeat purchases x), ``recency`` (t_x) and ``T`` are array-likes of one customer
    each, with ``recency`` and ``T`` in ``time_unit`` (as :func:`summary_from_transactions`
    gives them). ``weights`` (optional, non-negative) count each row as that many customers; the
    fit on a row with weight k equals the fit on k copies of it.

    Raises ValueError when the data cannot identify the model: fewer than
    :data:`MIN_CUSTOMERS` customers or nobody with a repeat purchase; RuntimeError if the
    optimiser does not converge.
    """
    _days_per_unit(time_unit)
    x, tx, age = _bgnbd_arrays(frequency, recency, T)
    w = _weights(weights, len(x))
    total = float(w.sum())
    if total < MIN_CUSTOMERS:
        raise ValueError(f"BG/NBD needs at least {MIN_CUSTOMERS} customers, got {total:g}")
    if not (w[x > 0] > 0).any():
        raise ValueError("BG/NBD needs customers with repeat purchases (all frequencies are 0)")

    inverse, rep = _group_rows(x, tx, age)
    wd = np.bincount(inverse, weights=w, minlength=len(rep))
    used = wd > 0
    x, tx, age, wd = x[rep][used], tx[rep][used], age[rep][used], wd[used]

    # Fit on a time axis where the mean customer age is 1 (alpha scales with the time axis).
    scale = float(wd @ age) / total
    if not scale > 0:
        scale = 1.0
    data = _BGData.build(x, tx / scale, age / scale, wd)

    def loglik(params: np.ndarray) -> tuple[float, np.ndarray]:
        ll, grad = _bgnbd_loglik(params, data)
        return ll / total, grad / total

    r, alpha_s, a, b = _maximise(loglik, np.array([1.0, 1.0, 1.0, 1.0]), "BG/NBD")
    alpha = alpha_s * scale
    # time rescaling multiplies each customer's likelihood by scale^x
    ll_scaled, _ = _bgnbd_loglik(np.array([r, alpha_s, a, b]), data, gradient=False)
    log_likelihood = ll_scaled - float(wd @ x) * np.log(scale)
    return BetaGeoFit(r=float(r), alpha=float(alpha), a=float(a), b=float(b),
                      log_likelihood=float(log_likelihood), n_customers=int(round(total)),
                      time_unit=time_unit)


def _p_alive(fit: BetaGeoFit, x: np.ndarray, tx: np.ndarray, age: np.ndarray) -> np.ndarray:
    repeat = x > 0
    log_odds = (np.log(fit.a) - np.log(fit.b + np.where(repeat, x, 1.0) - 1.0)
                + (fit.r + x) * (np.log(fit.alpha + age) - np.log(fit.alpha + tx)))
    return np.where(repeat, expit(-log_odds), 1.0)


def p_alive(fit: BetaGeoFit, frequency: Any, recency: Any, T: Any) -> np.ndarray:
    """Probability that each customer is still alive at T (FHL 2005, eq. 11).

    ``1 / (1 + δ(x>0) a/(b+x-1) ((α+T)/(α+t_x))^(r+x))``, evaluated as a logistic function of the
    log-odds so it neither overflows nor loses precision. Customers without repeat purchases are
    alive with probability 1 under BG/NBD (drop-out only happens right after a purchase).
    """
    _check_fit(fit)
    x, tx, age = _bgnbd_arrays(frequency, recency, T)
    return _p_alive(fit, x, tx, age)


def _beta_gauss_rule(n: int, A: float, B: float) -> tuple[np.ndarray, np.ndarray]:
    """n-point Gauss rule for expectations over p ~ Beta(A, B): nodes in (0, 1), weights sum to 1.

    Golub-Welsch on the Jacobi matrix of the Jacobi polynomials for the weight
    (1-u)^(B-1) (1+u)^(A-1) on [-1, 1], p = (1+u)/2. (scipy's ``roots_jacobi`` overflows for
    large B and may warn.)
    """
    al, be = B - 1.0, A - 1.0
    k = np.arange(1, n, dtype=np.float64)
    s = 2.0 * k + al + be
    diag = np.empty(n)
    diag[0] = (be - al) / (al + be + 2.0)
    diag[1:] = (be - al) * (be + al) / (s * (s + 2.0))
    off2 = np.empty(n - 1)
    off2[0] = 4.0 * (1.0 + al) * (1.0 + be) / ((2.0 + al + be) ** 2 * (3.0 + al + be))
    k2, s2 = k[1:], s[1:]
    off2[1:] = 4.0 * k2 * (k2 + al) * (k2 + be) * (k2 + al + be) / (s2 * s2 * (s2 + 1.0)
                                                                       * (s2 - 1.0))
    u, vectors = eigh_tridiagonal(diag, np.sqrt(off2))
    weights = vectors[0] ** 2
    return (1.0 + u) / 2.0, weights / weights.sum()


def _growth_by_quadrature(fit: BetaGeoFit, a: float, x: np.ndarray, age: np.ndarray,
                          t: float) -> np.ndarray:
    """:func:`_growth` as an expectation over the drop-out probability, by Gauss quadrature.

    Alive at T, a customer with rate λ and drop-out probability p expects (1 - e^(-λpt))/p
    purchases in the next t (FHL 2005, eq. 7); integrating λ over its posterior leaves::

        E_{p ~ Beta(a, b+x)} [ (1 - (1 + p t/(α+T))^-(r+x)) / p ]

    a smooth integrand. A fallback for the (extreme) parameters where hyp2f1 fails; one Gauss
    rule per distinct x, applied to blocks of customers.
    """
    out = np.empty(len(x))
    codes, distinct = pd.factorize(x)
    for k, xk in enumerate(distinct):  # distinct frequencies, not customers
        nodes, weights = _beta_gauss_rule(_QUAD_NODES, a, fit.b + xk)
        rows = np.flatnonzero(codes == k)
        for start in range(0, len(rows), _QUAD_BLOCK):
            block = rows[start:start + _QUAD_BLOCK]
            y = (t / (fit.alpha + age[block]))[:, np.newaxis] * nodes
            out[block] = (-np.expm1(-(fit.r + xk) * np.log1p(y)) / nodes) @ weights
    return out


def _growth(fit: BetaGeoFit, a: float, x: np.ndarray, age: np.ndarray, t: float) -> np.ndarray:
    """Expected purchases in (T, T+t] of a customer alive at T (FHL 2005 eq. 10 without P(alive)).

    ``(a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x-1; z)]``, z = t/(α+T+t),
    evaluated through Euler's transformation ``₂F₁(A,B;C;z) = (1-z)^(C-A-B) ₂F₁(C-A,C-B;C;z)`` as
    ``[1 - (1-z)^(a-1) ₂F₁(a+b-1-r, a-1; a+b+x-1; z)]``: no overflow for z near 1, and scipy's
    hyp2f1 is far more accurate on it across parameter space. Valid for any a != 1 (a < 1 too).

    The result lies in [0, (r+x) t/(α+T)]; values hyp2f1 gets wrong (nan, inf or out of those
    bounds, which happens for extreme parameters such as r and α both huge) are recomputed by
    :func:`_growth_by_quadrature`.
    """
    if t == 0:
        return np.zeros(len(x))
    r, alpha, b = fit.r, fit.alpha, fit.b
    with np.errstate(all="ignore"):  # failures are detected below and recomputed
        z = t / (alpha + age + t)
        c = a + b + x - 1.0
        f = hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
        # 1 - (1-z)^(a-1) f, written to avoid cancelling two numbers close to 1
        growth = c / (a - 1.0) * ((1.0 - f) - f * np.expm1((a - 1.0) * np.log1p(-z)))
    upper = (r + x) * (t / (alpha + age))
    wrong = ~((growth >= -1e-9 * upper) & (growth <= upper * (1.0 + 1e-9)))
    if wrong.any():
        growth[wrong] = _growth_by_quadrature(fit, a, x[wrong], age[wrong], t)
    return np.clip(growth, 0.0, upper)


def _expected_growth(fit: BetaGeoFit, x: np.ndarray, age: np.ndarray, t: float) -> np.ndarray:
    """:func:`_growth`, interpolated linearly across a = 1 (0/0 there) when a is that close."""
    if abs(fit.a - 1.0) >= _A_NEAR_ONE:
        return _growth(fit, fit.a, x, age, t)
    lo = _growth(fit, 1.0 - _A_NEAR_ONE, x, age, t)
    hi = _growth(fit, 1.0 + _A_NEAR_ONE, x, age, t)
    return lo + (hi - lo) * ((fit.a - (1.0 - _A_NEAR_ONE)) / (2.0 * _A_NEAR_ONE))


def _check_fit(fit: BetaGeoFit) -> None:
    for name in ("r", "alpha", "a", "b"):
        value = getattr(fit, name)
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"BG/NBD parameter {name} must be positive, got {value!r}")
    _days_per_unit(fit.time_unit)


def expected_purchases(fit: BetaGeoFit, t: float, frequency: Any, recency: Any, T: Any
                       ) -> np.ndarray:
    """Expected purchases of each customer in the next ``t`` time units (of ``fit.time_unit``).

    The conditional expectation E[Y(t) | x, t_x, T] of FHL 2005, eq. (10)::

        (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x-1; t/(α+T+t))]
        / (1 + δ(x>0) a/(b+x-1) ((α+T)/(α+t_x))^(r+x))

    computed as P(alive) times the hypergeometric part, which depends on (x, T) only and is
    evaluated once per distinct pair. The formula holds for a < 1 too; at a = 1 (a removable
    singularity) values are interpolated from a = 1 ± 1e-4. Where scipy's hyp2f1 fails (extreme
    parameters, e.g. r and alpha both huge) the value is recomputed by Gauss quadrature over the
    drop-out probability.
    """
    _check_fit(fit)
    t = float(t)
    if not (np.isfinite(t) and t >= 0):
        raise ValueError(f"t must be a non-negative number of time units, got {t!r}")
    x, tx, age = _bgnbd_arrays(frequency, recency, T)
    if len(x) == 0:
        return np.zeros(0)
    inverse, rep = _group_rows(x, age)
    growth = _expected_growth(fit, x[rep], age[rep], t)
    return _p_alive(fit, x, tx, age) * growth[inverse]


# ------------------------------------------------------------------------------------------------
# Gamma-Gamma
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GammaGammaFit:
    """A fitted Gamma-Gamma spend model (Fader & Hardie 2013).

    A customer's purchase amounts are Gamma(shape ``p``, rate ν); ν is Gamma(shape ``q``, rate
    ``v``) across customers, so the mean spend per purchase is ``v p / (q - 1)``. ``v`` is in the
    currency of the amounts. ``log_likelihood`` is the maximised (weighted) log-likelihood over
    the ``n_customers`` customers (total weight, rounded) with repeat purchases and positive spend.
    """

    p: float
    q: float
    v: float
    log_likelihood: float
    n_customers: int


def _gg_arrays(frequency: Any, monetary_value: Any) -> tuple[np.ndarray, np.ndarray]:
    x = _float_array(frequency, "frequency")
    m = _float_array(monetary_value, "monetary_value")
    if x.ndim != 1 or x.shape != m.shape:
        raise ValueError("frequency and monetary_value must be 1-D and of the same length "
                         f"(got {x.shape}, {m.shape})")
    if (x < 0).any():
        raise ValueError("frequency must not be negative")
    return x, m


def fit_gamma_gamma(frequency: Any, monetary_value: Any, *, weights: Any = None
                    ) -> GammaGammaFit:
    """Fit the Gamma-Gamma model of spend per purchase by maximum likelihood.

    Uses only customers with ``frequency > 0`` and ``monetary_value > 0`` (mean spend over the
    ``frequency`` repeat purchases). Per customer::

        ln L = lnΓ(px+q) - lnΓ(px) - lnΓ(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(x m + v)

    Terms in x alone are evaluated per distinct x; amounts are rescaled to mean 1 during the fit.
    Raises ValueError with fewer than :data:`MIN_CUSTOMERS` usable customers.
    """
    x, m = _gg_arrays(frequency, monetary_value)
    w = _weights(weights, len(x))
    use = (x > 0) & (m > 0) & (w > 0)
    x, m, w = x[use], m[use], w[use]
    total = float(w.sum())
    if total < MIN_CUSTOMERS:
        raise ValueError(f"Gamma-Gamma needs at least {MIN_CUSTOMERS} customers with repeat "
                         f"purchases and positive spend, got {total:g}")

    scale = float(w @ m) / total
    ms = m / scale
    xi, X = pd.factorize(x)
    X = np.asarray(X, dtype=np.float64)
    k = len(X)
    WX = np.bincount(xi, weights=w, minlength=k)
    log_m = np.bincount(xi, weights=w * np.log(ms), minlength=k)
    log_X = np.log(X)
    xm = x * ms

    def loglik_scaled(params: np.ndarray, gradient: bool = True) -> tuple[float, np.ndarray]:
        p, q, v = (float(val) for val in params)
        denom = xm + v
        s_log = np.bincount(xi, weights=w * np.log(denom), minlength=k)
        pX = p * X
        ll = WX @ (gammaln(pX + q) - gammaln(pX) + pX * log_X) \
            + total * (q * np.log(v) - gammaln(q)) + (pX - 1.0) @ log_m - (pX + q) @ s_log
        if not gradient:
            return float(ll), np.empty(0)
        s_inv = np.bincount(xi, weights=w / denom, minlength=k)
        psi = digamma(pX + q)
        g_p = (WX * X) @ (psi - digamma(pX) + log_X) + X @ log_m - X @ s_log
        g_q = WX @ psi + total * (np.log(v) - digamma(q)) - s_log.sum()
        g_v = total * q / v - (pX + q) @ s_inv
        return float(ll), np.array([g_p, g_q, g_v])

    def loglik(params: np.ndarray) -> tuple[float, np.ndarray]:
        ll, grad = loglik_scaled(params)
        return ll / total, grad / total

    p, q, v_s = _maximise(loglik, np.array([1.0, 2.0, 1.0]), "Gamma-Gamma")
    ll_scaled, _ = loglik_scaled(np.array([p, q, v_s]), gradient=False)
    # rescaling the amounts multiplies each customer's density by 1/scale
    log_likelihood = ll_scaled - total * np.log(scale)
    return GammaGammaFit(p=float(p), q=float(q), v=float(v_s * scale),
                         log_likelihood=float(log_likelihood), n_customers=int(round(total)))


def expected_average_value(fit: GammaGammaFit, frequency: Any, monetary_value: Any
                           ) -> np.ndarray:
    """Expected spend per purchase of each customer, E[M | x, m_x] (Fader & Hardie 2013, eq. 5).

    ``(q-1)/(px+q-1) · vp/(q-1) + px/(px+q-1) · m_x``: a weighted mean of the population mean
    ``vp/(q-1)`` and the customer's own mean ``m_x``; the population mean when x == 0.
    Raises ValueError when q <= 1 (the population mean would be infinite).
    """
    p, q, v = fit.p, fit.q, fit.v
    if not (p > 0 and v > 0 and q > 1):
        raise ValueError(f"Gamma-Gamma needs p > 0, v > 0 and q > 1, got p={p}, q={q}, v={v}")
    x, m = _gg_arrays(frequency, monetary_value)
    px = p * x
    return (v * p + px * m) / (px + q - 1.0)


# ------------------------------------------------------------------------------------------------
# CLV
# ------------------------------------------------------------------------------------------------

def predicted_clv(bg: BetaGeoFit, gg: GammaGammaFit, frequency: Any, recency: Any, T: Any,
                  monetary_value: Any, *, months: int = 12, monthly_discount: float = 0.01
                  ) -> np.ndarray:
    """Discounted expected revenue of each customer over the next ``months`` months.

    The ``lifetimes`` ``customer_lifetime_value`` convention: with M = 30 days in the BG/NBD
    time unit (30 for "D", 30/7 for "W")::

        Σ_{i=1..months} (E[Y(i·M)] - E[Y((i-1)·M)]) · E[M | x, m_x] / (1 + monthly_discount)^i

    where E[Y(t)] is :func:`expected_purchases` and E[M | x, m_x] :func:`expected_average_value`.
    The hypergeometric part is evaluated once per distinct (frequency, T) pair and month.
    """
    x, _tx, _age = _bgnbd_arrays(frequency, recency, T)
    spend = expected_average_value(gg, x, monetary_value)
    _total, discounted = discounted_purchases(bg, frequency, recency, T, months=months,
                                              monthly_discount=monthly_discount)
    return discounted * spend


def discounted_purchases(bg: BetaGeoFit, frequency: Any, recency: Any, T: Any, *,
                         months: int = 12, monthly_discount: float = 0.01
                         ) -> tuple[np.ndarray, np.ndarray]:
    """(expected purchases over the next ``months`` months, the same discounted monthly:
    Σ_i (E[Y(i·M)] - E[Y((i-1)·M)]) / (1 + monthly_discount)^i). Times a spend per purchase,
    the second is the predicted lifetime value (:func:`predicted_clv`); one pass serves both
    and any spend estimate."""
    _check_fit(bg)
    months = int(months)
    if months < 0:
        raise ValueError(f"months must not be negative, got {months}")
    if not (np.isfinite(monthly_discount) and monthly_discount > -1):
        raise ValueError(f"monthly_discount must be > -1, got {monthly_discount!r}")
    x, tx, age = _bgnbd_arrays(frequency, recency, T)
    if len(x) == 0 or months == 0:
        return np.zeros(len(x)), np.zeros(len(x))
    month = _DAYS_PER_MONTH / _days_per_unit(bg.time_unit)
    inverse, rep = _group_rows(x, age)
    xu, Tu = x[rep], age[rep]
    discounted = np.zeros(len(rep))
    previous = np.zeros(len(rep))
    for i in range(1, months + 1):  # months, not customers: each step is one vector operation
        current = _expected_growth(bg, xu, Tu, i * month)
        discounted += (current - previous) / (1.0 + monthly_discount) ** i
        previous = current
    alive = _p_alive(bg, x, tx, age)
    return alive * previous[inverse], alive * discounted[inverse]
