"""The customer health score (客户健康度, 0-100) and its parts (no Qt).

Each part is 0-100; the score is their weighted mean over the parts that exist for the
customer (a customer without tickets is not penalised for tickets; P(alive) counts only once
the tiers model ran):

* recency (30): days since the last paid order against the customer's own rhythm (its usual
  interval between purchases; 90 days when it bought once): 100 up to one interval, falling
  to 0 at three;
* trend (20): paid spend of the last six months against the six before: 50 when equal, 100
  when doubled or more, 0 when it stopped;
* tickets (15): 100 without open tickets, minus 20 per open ticket and 40 more per breached;
* satisfaction (10): the mean rating of the last twelve months, 1 -> 0 and 5 -> 100;
* follow-up (15): days since the last contact (a logged interaction or a completed
  follow-up) against the tier's follow-up cadence: 100 within it, 0 at three times it;
* alive (10): the tiers model's probability that the customer is still active.

Scores are stored in ``customer_health`` (derived data, never synced). ``recompute`` does
every live customer at once: five grouped queries that return day numbers rather than dates,
aligned by position (ids as integers), scored with numpy, written in one transaction (SQLite
``executemany`` on the raw connection, PostgreSQL ``COPY``). ``refresh`` recomputes a few
customers with the same queries restricted to their ids; ``refresh_changed`` finds the
customers whose orders, interactions, follow-ups, tickets or record changed since the last
run from ``updated_at`` indexes. ``stale`` says when a full run is due: the stored scores are
from another day (recency moves with the date), the tiers model ran since, or the follow-up
cadence changed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import delete, func, insert, select, union, update

from desktop_crm.models import (
    Activity, Customer, CustomerHealth, HealthState, Interaction, Order, SharedSetting,
    Ticket, TierRun, User,
)

from ._lazy import lazy
from .db import Database
from .errors import Cancelled
from .followups import CADENCE_KEY, DEFAULT_CADENCE, FollowUpService
from .users import UserInfo

pd = lazy("pandas")  # imported on first use (start-up time)

WEIGHTS = {"recency": 30, "trend": 20, "tickets": 15, "satisfaction": 10, "follow_up": 15,
           "alive": 10}
PARTS = tuple(WEIGHTS)
BANDS = ("red", "amber", "green")
DEFAULT_INTERVAL = 90.0  # days: the rhythm of a customer who bought once
RED, AMBER = 40, 70  # below RED: red; below AMBER: amber; else green
OPEN_TICKETS = ("new", "in_progress", "waiting")
# Changes are looked for from this long before the last check: a transaction that stamped
# updated_at before the check but committed after it, or a colleague's clock a little
# behind, is still seen. Refreshing a customer twice costs nothing.
CHANGE_OVERLAP = dt.timedelta(minutes=10)
# More changed customers than this (a tiers apply, an import) and a full run is cheaper.
REFRESH_LIMIT = 50_000
ID_BATCH = 500
EPOCH = dt.date(1970, 1, 1)

Progress = Callable[[str, int, int], object]

# input columns of the scoring (numbers; NaN where unknown), in the order the reads fill them
INPUTS = ("last_day", "first_day", "purchase_days", "interval", "p_alive", "spend_recent",
          "spend_before", "open_tickets", "breached_tickets", "satisfaction", "talked", "done")


def band(score: float | None) -> str:
    """red, amber or green (the list's and the 360 view's colour); "" without a score."""
    if score is None or np.isnan(score):
        return ""
    return "red" if score < RED else "amber" if score < AMBER else "green"


def band_range(name: str) -> tuple[int, int]:
    """The scores of a band, as a half-open range [low, high)."""
    return {"red": (0, RED), "amber": (RED, AMBER), "green": (AMBER, 101)}[name]


def _falling(ratio: np.ndarray) -> np.ndarray:
    """100 up to 1, then linearly down to 0 at 3 (NaN stays NaN)."""
    with np.errstate(invalid="ignore"):
        out = np.clip(100 * (1 - (ratio - 1) / 2), 0, 100)
        return np.where(ratio > 1, out, np.where(np.isnan(ratio), np.nan, 100.0))


def score_arrays(v: Mapping[str, np.ndarray], cadence_days: np.ndarray) -> dict[str, np.ndarray]:
    """The parts and the score from day counts, one element per customer (NaN: unknown).

    Reads ``since_last`` (days since the last paid order), ``span`` (days between the first
    and the last), ``purchase_days``, ``interval`` (the tiers model's usual interval),
    ``spend_recent``, ``spend_before``, ``open_tickets``, ``breached_tickets``,
    ``satisfaction``, ``contact_gap`` (days since the last contact), ``p_alive``; and each
    customer's follow-up cadence in days."""
    since = v["since_last"]
    bought = ~np.isnan(since)
    with np.errstate(invalid="ignore", divide="ignore"):
        pdays = v["purchase_days"]
        own = v["span"] / np.where(pdays > 1, pdays - 1, np.nan)
        interval = np.where(v["interval"] > 0, v["interval"], own)
        interval = np.clip(np.where(np.isnan(interval), DEFAULT_INTERVAL, interval), 7, None)
        out = {"recency": np.where(bought, _falling(since / interval), np.nan)}
        recent = np.nan_to_num(v["spend_recent"])
        before = np.nan_to_num(v["spend_before"])
        trend = np.clip(50 * recent / np.where(before > 0, before, np.nan), 0, 100)
        trend = np.where(before > 0, trend, np.where(recent > 0, 100.0, np.nan))
        out["trend"] = np.where(bought, trend, np.nan)
        out["tickets"] = np.clip(100 - 20 * np.nan_to_num(v["open_tickets"])
                                 - 40 * np.nan_to_num(v["breached_tickets"]), 0, 100)
        out["satisfaction"] = np.clip((v["satisfaction"] - 1) * 25, 0, 100)
        days = cadence_days.astype(float)
        gap = v["contact_gap"]
        follow = np.where(days > 0, _falling(gap / np.where(days > 0, days, np.nan)), np.nan)
        out["follow_up"] = np.where(np.isnan(gap) & (days > 0), 0.0, follow)
        out["alive"] = np.clip(v["p_alive"] * 100, 0, 100)
        total = np.zeros(len(since))
        weight = np.zeros(len(since))
        for name, w in WEIGHTS.items():
            have = ~np.isnan(out[name])
            total += np.where(have, out[name], 0) * w
            weight += have * w
        out["score"] = np.round(total / np.where(weight > 0, weight, np.nan))
    return out


def cadence_of(tiers: pd.Series | np.ndarray, cadence: Mapping[str, int] | None) -> np.ndarray:
    """Each customer's follow-up cadence in days, from its tier."""
    cad = {**DEFAULT_CADENCE, **(cadence or {})}
    tiers = pd.Series(np.asarray(tiers, dtype=object)).fillna("")
    return tiers.map(cad).fillna(cad.get("", 0)).to_numpy(dtype=float)


def score_frame(f: pd.DataFrame, today: dt.date,
                cadence: Mapping[str, int] | None = None) -> pd.DataFrame:
    """The parts and the score for a frame of inputs, one row per customer (index: its id).
    Columns read (missing values as NaN / NaT): ``tier``, ``last_day`` and ``first_day``
    (dates of the first and last paid order), ``purchase_days``, ``interval`` (the tiers
    model's usual interval, days), ``spend_recent`` and ``spend_before`` (the last six months
    and the six before), ``open_tickets``, ``breached_tickets``, ``satisfaction`` (mean),
    ``last_contact`` (date), ``p_alive``."""
    today_ts = pd.Timestamp(today)
    last = pd.to_datetime(f["last_day"])
    first = pd.to_datetime(f["first_day"])
    contact = pd.to_datetime(f["last_contact"])

    def num(col):
        return pd.to_numeric(f[col], errors="coerce").to_numpy(dtype=float)

    v = {"since_last": (today_ts - last).dt.days.to_numpy(dtype=float),
         "span": (last - first).dt.days.to_numpy(dtype=float),
         "contact_gap": (today_ts - contact).dt.days.to_numpy(dtype=float)}
    for col in ("purchase_days", "interval", "spend_recent", "spend_before", "open_tickets",
                "breached_tickets", "satisfaction", "p_alive"):
        v[col] = num(col)
    out = score_arrays(v, cadence_of(f["tier"], cadence))
    return pd.DataFrame(out, index=f.index)[list(PARTS) + ["score"]]


@dataclass(frozen=True)
class HealthDetail:
    """One customer's score, its parts and what they were computed from (the 360 view
    explains each part with these)."""

    customer_id: uuid.UUID
    score: int | None
    band: str
    parts: dict[str, int | None]  # name -> 0-100, None where the part does not apply
    computed_at: dt.datetime
    days_since_order: int | None  # None: never bought
    usual_interval: float  # days: the rhythm the recency is measured against
    interval_source: str  # "model" (tiers), "own" (its purchases), "default" (bought once)
    spend_recent: float  # paid, the last six months
    spend_before: float  # paid, the six months before
    open_tickets: int
    breached_tickets: int
    satisfaction: float | None  # mean rating (1-5) of the last twelve months
    days_since_contact: int | None  # None: never contacted
    cadence_days: int  # the tier's follow-up cadence (0: none)
    p_alive: float | None
    weights: dict[str, int] = field(default_factory=lambda: dict(WEIGHTS))

    @property
    def weakest(self) -> str | None:
        return weakest_part(self.parts)


@dataclass(frozen=True)
class AtRisk:
    customer_id: uuid.UUID
    code: str
    name: str
    tier: str
    owner_name: str
    score: int
    weakest: str | None  # the part that costs the most points


def weakest_part(parts: Mapping[str, float | None]) -> str | None:
    """The part that costs the score the most points (weight x shortfall), None if none."""
    best, lost = None, 0.0
    for name, w in WEIGHTS.items():
        value = parts.get(name)
        if value is not None and not (isinstance(value, float) and np.isnan(value)):
            if w * (100 - value) > lost:
                best, lost = name, w * (100 - value)
    return best


def _days(d: dt.date) -> int:
    return (d - EPOCH).days


class _Sql:
    """The reads, written once for both engines: dates as day numbers since 1970, ids in
    the form the table stores them (32 hex digits on SQLite, text on PostgreSQL)."""

    def __init__(self, sqlite: bool):
        self.sqlite = sqlite

    def p(self, name: str) -> str:
        return f":{name}" if self.sqlite else f"%({name})s"

    def day(self, col: str) -> str:
        if self.sqlite:
            return f"CAST(julianday({col}) - 2440587.5 AS INTEGER)"
        return f"({col} - DATE '1970-01-01')"

    def ts_day(self, col: str) -> str:
        if self.sqlite:
            return f"CAST(julianday(date({col})) - 2440587.5 AS INTEGER)"
        return f"(CAST({col} AT TIME ZONE 'UTC' AS DATE) - DATE '1970-01-01')"

    def id(self, col: str) -> str:
        return col if self.sqlite else f"{col}::text"

    def num(self, expr: str) -> str:
        return expr if self.sqlite else f"CAST({expr} AS DOUBLE PRECISION)"

    def index(self, name: str) -> str:
        return f" INDEXED BY {name}" if self.sqlite else ""

    def base(self, only: str) -> str:
        return f"""SELECT {self.id('c.id')}, c.tier, {self.day('s.last_day')},
            {self.day('s.first_day')}, s.purchase_days, m.usual_interval_days, m.p_alive
            FROM customers c
            LEFT JOIN customer_order_stats s ON s.customer_id = c.id
            LEFT JOIN customer_metrics m ON m.customer_id = c.id
            WHERE c.deleted_at IS NULL{only.format(col='c.id')}"""

    def spend(self, only: str) -> str:
        six = self.p("six")
        return f"""SELECT {self.id('customer_id')},
            {self.num(f'sum(CASE WHEN order_date >= {six} THEN amount ELSE 0 END)')},
            {self.num(f'sum(CASE WHEN order_date < {six} THEN amount ELSE 0 END)')}
            FROM orders{self.index('ix_orders_paid_customer_date_amount')}
            WHERE status = 'paid' AND deleted_at IS NULL AND order_date >= {self.p('twelve')}
            {only.format(col='customer_id')} GROUP BY customer_id"""

    def tickets(self, only: str) -> str:
        states = ", ".join(f"'{s}'" for s in OPEN_TICKETS)
        return f"""SELECT {self.id('customer_id')},
            sum(CASE WHEN status IN ({states}) THEN 1 ELSE 0 END),
            sum(CASE WHEN sla_due IS NOT NULL AND sla_due < {self.p('now')}
                     AND paused_at IS NULL THEN 1 ELSE 0 END),
            {self.num(f"avg(CASE WHEN resolved_at >= {self.p('year_ago')} THEN satisfaction END)")}
            FROM tickets WHERE deleted_at IS NULL{only.format(col='customer_id')}
            GROUP BY customer_id"""

    def talked(self, only: str) -> str:
        return f"""SELECT {self.id('customer_id')}, {self.ts_day('max(occurred_at)')}
            FROM interactions{self.index('ix_interactions_customer_live')}
            WHERE deleted_at IS NULL{only.format(col='customer_id')} GROUP BY customer_id"""

    def done(self, only: str) -> str:
        return f"""SELECT {self.id('customer_id')}, {self.ts_day('max(done_at)')}
            FROM activities{self.index('ix_activities_customer_done')}
            WHERE done_at IS NOT NULL AND deleted_at IS NULL AND customer_id IS NOT NULL
            {only.format(col='customer_id')} GROUP BY customer_id"""


def _rows(raw, sql: str, params: Mapping[str, object]) -> list[tuple]:
    cur = raw.cursor()
    try:
        cur.execute(sql, params)
        return cur.fetchall()
    finally:
        cur.close()


def _int_list(a: np.ndarray) -> list:
    """Rounded values as Python ints, None for NaN."""
    missing = np.isnan(a)
    out = np.where(missing, 0, np.round(a)).astype(np.int64).astype(object)
    out[missing] = None
    return out.tolist()


class _Keys:
    """Positions of customer ids in a list of them, by their first 64 bits as integers
    (a sorted array and a binary search: hashing a million id strings takes ~1 s), checked
    against the last 64; a list with two equal first halves falls back to a hash."""

    def __init__(self, ids: list[str]):
        self.ids = ids
        hi, self.lo = _halves(ids)
        self.order = np.argsort(hi, kind="stable")
        self.sorted = hi[self.order]
        self.unique = len(ids) < 2 or bool(np.all(np.diff(self.sorted) > 0))
        self.index = None if self.unique else pd.Index(ids, dtype=object)

    def positions(self, ids: list[str]) -> np.ndarray:
        """Each id's position, -1 if absent."""
        if self.index is not None:
            return self.index.get_indexer(ids)
        hi, lo = _halves(ids)
        at = np.minimum(np.searchsorted(self.sorted, hi), len(self.sorted) - 1)
        pos = self.order[at]
        return np.where((self.sorted[at] == hi) & (self.lo[pos] == lo), pos, -1)


def _halves(ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The first and last 64 bits of ids written as hex digits (dashes allowed)."""
    text = "".join(ids).replace("-", "")
    words = np.frombuffer(bytes.fromhex(text), dtype=">u8").astype(np.uint64)
    return words[0::2].copy(), words[1::2].copy()


@dataclass
class _Inputs:
    """Score inputs of a set of customers, aligned by position."""

    ids: list[str]  # as the database stores them
    tiers: np.ndarray
    values: dict[str, np.ndarray]


class HealthService:
    def __init__(self, db: Database, user: UserInfo | None = None):
        self.db = db
        self.user = user
        self._sql = _Sql(db.is_sqlite)

    # -- reading the inputs -------------------------------------------------------------

    def _params(self, now: dt.datetime) -> dict[str, object]:
        today = now.astimezone(dt.timezone.utc).date()
        six = today - dt.timedelta(days=182)
        twelve = today - dt.timedelta(days=364)
        year_ago = now - dt.timedelta(days=365)
        if self.db.is_sqlite:
            fmt = "%Y-%m-%d %H:%M:%S.%f"
            return {"six": six.isoformat(), "twelve": twelve.isoformat(),
                    "now": now.astimezone(dt.timezone.utc).strftime(fmt),
                    "year_ago": year_ago.astimezone(dt.timezone.utc).strftime(fmt)}
        return {"six": six, "twelve": twelve, "now": now, "year_ago": year_ago}

    def _db_id(self, customer_id: uuid.UUID):
        return customer_id.hex if self.db.is_sqlite else customer_id

    def _read(self, now: dt.datetime, ids: list[uuid.UUID] | None = None) -> _Inputs:
        """Every live customer's inputs (``ids`` None), or those of ``ids``."""
        params = self._params(now)
        sql = self._sql
        if ids is None:
            batches: list[tuple[str, dict]] = [("", params)]
        else:
            batches = []
            for i in range(0, len(ids), ID_BATCH):
                chunk = ids[i:i + ID_BATCH]
                names = {f"id{k}": self._db_id(c) for k, c in enumerate(chunk)}
                only = " AND {col} IN (" + ", ".join(sql.p(n) for n in names) + ")"
                batches.append((only, {**params, **names}))
        results: dict[str, list] = {k: [] for k in ("base", "spend", "tickets", "talked", "done")}
        for only, p in batches:
            self._read_batch(only, p, results)
        return self._align(results)

    def _read_batch(self, only: str, params: dict, results: dict[str, list]) -> None:
        sql = self._sql
        queries = {"base": sql.base(only), "spend": sql.spend(only),
                   "tickets": sql.tickets(only), "talked": sql.talked(only),
                   "done": sql.done(only)}

        def run(names: Iterable[str]) -> None:
            with self.db.engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                for name in names:
                    q = queries[name]
                    results[name].extend(_rows(raw, q, params))
                conn.rollback()

        run(queries)

    @staticmethod
    def _align(results: dict[str, list]) -> _Inputs:
        base = results["base"]
        n = len(base)
        ids = [r[0] for r in base]
        values = {k: np.full(n, np.nan) for k in INPUTS}
        if not n:
            return _Inputs(ids, np.array([], dtype=object), values)
        def column(rows: list[tuple], i: int) -> list:
            return [r[i] for r in rows]  # zip(*rows) is slow with a million rows

        tiers = np.array(column(base, 1), dtype=object)
        tiers[tiers == None] = ""  # noqa: E711 - elementwise
        for i, k in enumerate(("last_day", "first_day", "purchase_days", "interval",
                               "p_alive")):
            values[k] = np.array(column(base, 2 + i), dtype=float)
        keys = _Keys(ids)
        for name, names in (("spend", ("spend_recent", "spend_before")),
                            ("tickets", ("open_tickets", "breached_tickets", "satisfaction")),
                            ("talked", ("talked",)), ("done", ("done",))):
            rows = results[name]
            if not rows:
                continue
            pos = keys.positions(column(rows, 0))
            ok = pos >= 0  # rows of deleted customers are left out
            for i, col in enumerate(names):
                values[col][pos[ok]] = np.array(column(rows, 1 + i), dtype=float)[ok]
        return _Inputs(ids, tiers, values)

    @staticmethod
    def _day_values(inp: _Inputs, today: dt.date) -> dict[str, np.ndarray]:
        v = inp.values
        t = float(_days(today))
        out = {k: v[k] for k in ("purchase_days", "interval", "p_alive", "spend_recent",
                                 "spend_before", "open_tickets", "breached_tickets",
                                 "satisfaction")}
        out["since_last"] = t - v["last_day"]
        out["span"] = v["last_day"] - v["first_day"]
        contact = np.fmax(v["talked"], v["done"])  # NaN only when both are
        out["contact_gap"] = t - contact
        return out

    def _cadence(self) -> dict[str, int]:
        return FollowUpService(self.db, self.user).cadence()[0].days

    def _score(self, inp: _Inputs, now: dt.datetime
               ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
        today = now.astimezone(dt.timezone.utc).date()
        days = self._day_values(inp, today)
        cadence = cadence_of(inp.tiers, self._cadence())
        return score_arrays(days, cadence), days, cadence

    # -- the frame API (analysis, tests) --------------------------------------------------

    def inputs(self, now: dt.datetime | None = None) -> pd.DataFrame:
        """One row of score inputs per live customer (index: the id as 32 hex digits): day
        counts as of ``now``'s date."""
        now = now or dt.datetime.now(dt.timezone.utc)
        inp = self._read(now)
        days = self._day_values(inp, now.astimezone(dt.timezone.utc).date())
        f = pd.DataFrame(days, index=self._hex_index(inp.ids))
        f.insert(0, "tier", inp.tiers)
        return f

    def compute(self, now: dt.datetime | None = None) -> pd.DataFrame:
        """The parts and the score of every live customer (index: the id as 32 hex digits)."""
        now = now or dt.datetime.now(dt.timezone.utc)
        inp = self._read(now)
        out, _days, _cad = self._score(inp, now)
        return pd.DataFrame(out, index=self._hex_index(inp.ids))[list(PARTS) + ["score"]]

    def _hex_index(self, ids: list[str]) -> pd.Index:
        if self.db.is_sqlite:
            return pd.Index(ids, dtype=object)
        return pd.Index([i.replace("-", "") for i in ids], dtype=object)

    # -- storing ------------------------------------------------------------------------

    def _rows(self, inp: _Inputs, out: dict[str, np.ndarray], at) -> list[tuple]:
        cols = [_int_list(out["score"])] + [_int_list(out[p]) for p in PARTS]
        return list(zip(inp.ids, *cols, [at] * len(inp.ids)))

    def recompute(self, progress: Progress | None = None, now: dt.datetime | None = None
                  ) -> int:
        """Compute and store every live customer's score (replacing what was stored);
        returns how many. ``progress(stage, done, total)`` may return False to cancel."""
        now = now or dt.datetime.now(dt.timezone.utc)

        def step(stage: str, i: int) -> None:
            if progress is not None and progress(stage, i, 3) is False:
                raise Cancelled("health score computation cancelled")

        step("read", 0)
        inp = self._read(now)
        step("score", 1)
        out, _days, _cad = self._score(inp, now)
        step("save", 2)
        self._write_all(inp, out, now)
        return len(inp.ids)

    def _write_all(self, inp: _Inputs, out: dict[str, np.ndarray], now: dt.datetime) -> None:
        cols = ["customer_id", "score", *PARTS, "computed_at"]
        if self.db.is_sqlite:
            at = now.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        else:
            at = now
        rows = self._rows(inp, out, at)
        state = {"as_of": now.astimezone(dt.timezone.utc).date(), "full_at": now,
                 "checked_at": now}
        with self.db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            if self.db.is_sqlite:
                # Outside a transaction (PRAGMA foreign_keys is ignored inside one): with the
                # check on, SQLite deletes the million old rows one by one (1.9 s, not 0.1 s)
                # and looks up each new row's customer. The ids were just read from customers.
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            try:
                conn.exec_driver_sql("DELETE FROM customer_health")
                if self.db.is_sqlite:
                    marks = ", ".join("?" * len(cols))
                    raw.executemany(f"INSERT INTO customer_health ({', '.join(cols)}) "
                                    f"VALUES ({marks})", rows)
                else:
                    with raw.cursor() as cur:
                        with cur.copy(f"COPY customer_health ({', '.join(cols)}) "
                                      "FROM STDIN") as cp:
                            for row in rows:
                                cp.write_row(row)
                self._put_state(conn, state)
                conn.commit()
            finally:
                if self.db.is_sqlite:
                    conn.rollback()
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")

    @staticmethod
    def _put_state(conn, values: dict) -> None:
        st = HealthState.__table__
        if conn.execute(update(st).where(st.c.id == 1).values(**values)).rowcount == 0:
            conn.execute(insert(st).values(id=1, **values))

    def refresh(self, customer_ids: Iterable[uuid.UUID], now: dt.datetime | None = None
                ) -> int:
        """Recompute and store the scores of these customers (a deleted one loses its row);
        returns how many stored scores or parts changed."""
        now = now or dt.datetime.now(dt.timezone.utc)
        ids = sorted({c if isinstance(c, uuid.UUID) else uuid.UUID(str(c))
                      for c in customer_ids})
        if not ids:
            return 0
        inp = self._read(now, ids)
        out, _days, _cad = self._score(inp, now)
        new = {uuid.UUID(i): tuple(None if np.isnan(out[k][j]) else int(round(out[k][j]))
                                   for k in ("score", *PARTS))
               for j, i in enumerate(inp.ids)}
        keys = ("score", *PARTS)
        changed = 0
        h = CustomerHealth
        with self.db.session() as s:
            for i in range(0, len(ids), ID_BATCH):
                chunk = ids[i:i + ID_BATCH]
                old = {r[0]: tuple(r[1:]) for r in s.execute(
                    select(h.customer_id, h.score, *[getattr(h, p) for p in PARTS])
                    .where(h.customer_id.in_(chunk)))}
                changed += sum(1 for c in chunk if old.get(c) != new.get(c))
                s.execute(delete(h).where(h.customer_id.in_(chunk)))
                rows = [{"customer_id": c, **dict(zip(keys, new[c])), "computed_at": now}
                        for c in chunk if c in new]
                if rows:
                    s.execute(insert(h), rows)
        return changed

    # -- keeping current ------------------------------------------------------------------

    def state(self) -> HealthState | None:
        with self.db.read() as s:
            return s.get(HealthState, 1)

    def stale(self, now: dt.datetime | None = None) -> bool:
        """True when a full computation is due: never run, the stored scores are from
        another day, the tiers model ran since, or the follow-up cadence changed since."""
        now = now or dt.datetime.now(dt.timezone.utc)
        with self.db.read() as s:
            state = s.get(HealthState, 1)
            if state is None or state.full_at is None:
                return True
            if state.as_of != now.astimezone(dt.timezone.utc).date():
                return True
            tiers = s.scalar(select(func.max(TierRun.computed_at)))
            cadence = s.scalar(select(SharedSetting.updated_at)
                               .where(SharedSetting.key == CADENCE_KEY))
        return any(t is not None and t > state.full_at for t in (tiers, cadence))

    def changed_since(self, since: dt.datetime, now: dt.datetime | None = None
                      ) -> set[uuid.UUID]:
        """Customers whose orders, interactions, follow-ups, tickets or own record changed
        after ``since``, or with a ticket deadline passed in between (index ranges)."""
        now = now or dt.datetime.now(dt.timezone.utc)
        o, i, a, t, c = Order, Interaction, Activity, Ticket, Customer
        stmt = union(
            select(o.customer_id).where(o.updated_at > since),
            select(i.customer_id).where(i.updated_at > since),
            select(a.customer_id).where(a.updated_at > since, a.customer_id.is_not(None)),
            select(t.customer_id).where(t.updated_at > since),
            select(t.customer_id).where(t.sla_due > since, t.sla_due <= now),
            select(c.id).where(c.updated_at > since),
        )
        with self.db.read() as s:
            return set(s.scalars(stmt))

    def refresh_changed(self, now: dt.datetime | None = None) -> int:
        """Refresh the customers changed since the last run (a full run when there never
        was one, or when too many changed); returns how many stored scores changed."""
        now = now or dt.datetime.now(dt.timezone.utc)
        state = self.state()
        if state is None or state.checked_at is None:
            return self.recompute(now=now)
        ids = self.changed_since(state.checked_at - CHANGE_OVERLAP, now)
        if len(ids) > REFRESH_LIMIT:
            return self.recompute(now=now)
        changed = self.refresh(ids, now) if ids else 0
        with self.db.session() as s:
            self._put_state(s.connection(), {"checked_at": now})
        return changed

    def keep_current(self, progress: Progress | None = None, now: dt.datetime | None = None
                     ) -> int:
        """A full run when ``stale()``, else a refresh of the changed customers; returns how
        many stored scores changed (a full run: how many were written)."""
        now = now or dt.datetime.now(dt.timezone.utc)
        if self.stale(now):
            return self.recompute(progress, now)
        return self.refresh_changed(now)

    # -- what the views show ---------------------------------------------------------------

    def get(self, customer_id: uuid.UUID, now: dt.datetime | None = None
            ) -> HealthDetail | None:
        """The customer's score and parts as of now, with what they come from; None for an
        unknown or deleted customer."""
        now = now or dt.datetime.now(dt.timezone.utc)
        inp = self._read(now, [customer_id])
        if not inp.ids:
            return None
        out, days, cadence = self._score(inp, now)
        v = inp.values

        def val(a, j=0):
            x = a[j]
            return None if np.isnan(x) else x

        score = val(out["score"])
        model = val(v["interval"])
        pdays = val(v["purchase_days"]) or 0
        if model is not None and model > 0:
            interval, source = model, "model"
        elif pdays > 1:
            interval, source = days["span"][0] / (pdays - 1), "own"
        else:
            interval, source = DEFAULT_INTERVAL, "default"
        since = val(days["since_last"])
        gap = val(days["contact_gap"])
        return HealthDetail(
            customer_id=customer_id, score=None if score is None else int(score),
            band=band(score), computed_at=now,
            parts={p: None if val(out[p]) is None else int(round(out[p][0])) for p in PARTS},
            days_since_order=None if since is None else int(since),
            usual_interval=float(max(interval, 7.0)), interval_source=source,
            spend_recent=float(val(v["spend_recent"]) or 0.0),
            spend_before=float(val(v["spend_before"]) or 0.0),
            open_tickets=int(val(v["open_tickets"]) or 0),
            breached_tickets=int(val(v["breached_tickets"]) or 0),
            satisfaction=val(v["satisfaction"]),
            days_since_contact=None if gap is None else int(gap),
            cadence_days=int(cadence[0]), p_alive=val(v["p_alive"]),
        )

    def stored(self, customer_id: uuid.UUID) -> int | None:
        """The stored score of a customer (what the list shows), None if not scored."""
        with self.db.read() as s:
            return s.scalar(select(CustomerHealth.score)
                            .where(CustomerHealth.customer_id == customer_id))

    def at_risk(self, *, owner_id: uuid.UUID | None = None, tier: str | None = None,
                limit: int = 10) -> list[AtRisk]:
        """The live customers with the lowest stored scores in the red band, lowest first
        (walks the score index from 0)."""
        h, c = CustomerHealth, Customer
        stmt = (select(h.customer_id, c.code, c.name, c.tier,
                       func.coalesce(User.display_name, ""), h.score,
                       *[getattr(h, p) for p in PARTS])
                .join(c, c.id == h.customer_id)
                .outerjoin(User, User.id == c.owner_id)
                .where(h.score < RED, c.deleted_at.is_(None))
                .order_by(h.score, h.customer_id).limit(limit))
        if owner_id is not None:
            stmt = stmt.where(c.owner_id == owner_id)
        if tier is not None:
            stmt = stmt.where(c.tier == tier)
        with self.db.read() as s:
            rows = s.execute(stmt).all()
        return [AtRisk(r[0], r[1], r[2], r[3], r[4], int(r[5]),
                       weakest_part(dict(zip(PARTS, r[6:])))) for r in rows]

    def band_counts(self, *, owner_id: uuid.UUID | None = None, tier: str | None = None
                    ) -> dict[str, int]:
        """How many live customers are red, amber and green (stored scores)."""
        h, c = CustomerHealth, Customer
        cols = [func.count(h.score).filter(h.score.between(lo, hi - 1))
                for lo, hi in (band_range(b) for b in BANDS)]
        stmt = select(*cols)
        if owner_id is not None or tier is not None:
            # from the customers' owner / tier index, one key lookup each
            stmt = stmt.select_from(c).join(h, h.customer_id == c.id).where(
                c.deleted_at.is_(None))
            if owner_id is not None:
                stmt = stmt.where(c.owner_id == owner_id)
            if tier is not None:
                stmt = stmt.where(c.tier == tier)
        else:
            # the stored rows are the live customers (a deleted one's row goes at refresh)
            stmt = stmt.select_from(h)
        with self.db.read() as s:
            row = s.execute(stmt).one()
        return {b: int(n or 0) for b, n in zip(BANDS, row)}
