"""Customer tiers on the database: compute RFM / lifetime value / churn for every customer,
store the result, apply the tiers, snapshot them monthly, list customers behind a chart cell,
and create win-back follow-ups.

The heavy lifting is set-based: one SQL aggregate over the paid orders (a partial covering
index, ``ix_orders_paid_customer_date_amount``) gives one row per customer; pandas / numpy /
scipy do the rest (``rfm.compute_metrics``); results go back with one bulk insert, and applying
tiers is one ``UPDATE ... FROM``.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import func, select, text

from desktop_crm.models import (
    Activity, ActivityType, AuditEntry, Customer, CustomerMetrics, TierRun,
    TierSnapshot, User,
)

from . import clv, order_stats, rfm, shared_settings
from .db import Database, loose_distinct
from .errors import Cancelled, ConflictError, NotFound
from .rfm import TierSettings
from .users import UserInfo
from ._lazy import lazy

pd = lazy("pandas")  # imported on first use (start-up time)


Progress = Callable[[str, int, int], bool | None]
SETTINGS_KEY = "tier_rules"
STAGES = ("read", "summary", "scores", "fit", "predict", "tiers", "save")


@dataclass(frozen=True)
class TierResult:
    """One computation, not yet stored."""

    as_of: dt.date
    metrics: pd.DataFrame          # rfm.METRIC_COLUMNS, indexed by customer id (raw key)
    fits: rfm.Fits
    settings: TierSettings
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def buyers(self) -> int:
        return int((self.metrics["orders"] > 0).sum())


@dataclass(frozen=True)
class RunInfo:
    id: uuid.UUID
    as_of: dt.date
    computed_at: dt.datetime
    computed_by: str
    customers: int
    buyers: int
    params: dict[str, Any]
    charts: dict[str, Any]
    applied_at: dt.datetime | None


@dataclass(frozen=True)
class ApplyResult:
    month: str
    changed: int
    snapshot_rows: int
    migration: dict[str, Any]


@dataclass(frozen=True)
class Selection:
    """Which customers a chart element stands for. Every field set narrows the list."""

    tier: str | None = None
    segment: str | None = None
    r: int | None = None
    f: int | None = None
    at_risk: bool | None = None
    clv_min: float | None = None
    clv_max: float | None = None
    top_share: float | None = None      # the top x (0-1] of buyers by total spend
    migration: tuple[str, str, str, str] | None = None  # (month_from, tier_from, month_to, tier_to)


@dataclass(frozen=True)
class MetricRow:
    customer_id: uuid.UUID
    code: str
    name: str
    owner: str
    tier: str            # the customer's tier now
    computed_tier: str   # what the rules give
    segment: str
    r: int
    f: int
    m: int
    orders: int
    total_spend: float
    spend_365: float
    recency_days: int | None
    p_alive: float | None
    predicted_clv: float | None
    risk_reason: str
    usual_interval_days: float | None


@dataclass(frozen=True)
class WinbackResult:
    created: int
    skipped: int


def _uuid(raw: Any) -> uuid.UUID:
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(hex=str(raw))


def _fetch_chunks(conn, sql: str, size: int = 100_000):
    """Rows as plain tuples straight from the driver, ``size`` at a time: SQLAlchemy's row
    objects cost ~5 µs each (seconds for a million), and a million tuples at once ~400 MB."""
    raw = conn.connection.dbapi_connection
    cur = raw.cursor()
    try:
        cur.execute(sql)
        while True:
            rows = cur.fetchmany(size)
            if not rows:
                return
            yield rows
    finally:
        cur.close()


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


class TierService:
    def __init__(self, db: Database, user: UserInfo):
        self.db = db
        self.user = user

    # -- settings ---------------------------------------------------------------------------

    def settings(self) -> tuple[TierSettings, int]:
        """The team's tier settings and their version (0: never saved, the defaults)."""
        value, version = shared_settings.load(self.db, SETTINGS_KEY)
        return (rfm.DEFAULT_SETTINGS if value is None else TierSettings.from_dict(value)), version

    def save_settings(self, settings: TierSettings, expected_version: int) -> int:
        """Store the tier settings for the team; returns the new version. Refuses (and writes
        nothing) when someone saved since ``expected_version`` was read."""
        self._require_manager()
        settings.validate()
        return shared_settings.save(self.db, SETTINGS_KEY, settings.to_dict(), expected_version,
                                    self.user.id)

    def _require_manager(self) -> None:
        shared_settings.require_manager(self.user, "tiers")

    # -- compute ------------------------------------------------------------------------------

    def compute(self, as_of: dt.date | None = None, *, settings: TierSettings | None = None,
                progress: Progress | None = None) -> TierResult:
        """Summary, model fit, scores, tiers and churn flags for every customer, from the paid
        orders dated up to ``as_of`` (default today). Nothing is written."""
        as_of = as_of or self.default_as_of()
        settings = (settings or self.settings()[0]).validate()
        seconds: dict[str, float] = {}

        def step(stage: str) -> None:
            if progress is not None and progress(stage, STAGES.index(stage), len(STAGES)) is False:
                raise Cancelled(f"tier computation cancelled at {stage}")

        step("read")
        t = time.perf_counter()
        customers, aggregates, positions, spend_365 = self._read(as_of, progress)
        seconds["read"] = time.perf_counter() - t

        step("summary")
        t = time.perf_counter()
        summary = clv.summary_from_aggregates(aggregates, as_of, time_unit="D")
        seconds["summary"] = time.perf_counter() - t

        t = time.perf_counter()
        metrics, fits = rfm.compute_metrics(summary, customers, spend_365, settings, step,
                                            positions=positions)
        seconds["metrics"] = time.perf_counter() - t
        seconds.update({f"metrics.{k}": v for k, v in fits.seconds.items()})
        return TierResult(as_of, metrics, fits, settings, seconds)

    def default_as_of(self) -> dt.date:
        """Today on this computer, or tomorrow when the latest paid order is dated tomorrow:
        orders are dated in the company's time zone (Beijing for the demo), which can be a day
        ahead of this computer's. Orders dated further ahead stay out (planned or mistyped)."""
        today = dt.date.today()
        with self.db.engine.connect() as conn:
            latest = conn.exec_driver_sql(
                "SELECT max(last_day) FROM customer_order_stats").scalar()
        if latest is not None:
            day = dt.date.fromisoformat(str(latest)[:10])
            if today < day <= today + dt.timedelta(days=1):
                return day
        return today

    def _read(self, as_of: dt.date, progress: Progress | None
              ) -> tuple[pd.Index, pd.DataFrame, np.ndarray, np.ndarray]:
        """(every customer's id, the purchase aggregates of the buyers, each buyer's position
        among the customers, the paid spend of the 365 days up to ``as_of`` per customer).

        One statement: customers joined to their order stats. The aggregates come from
        ``customer_order_stats`` (its recent-spend window slid to ``as_of`` - 365 days first)
        when no paid order is dated after ``as_of``; for an earlier date they are rebuilt from
        the orders into a temporary table (~10 s a million customers)."""
        since = as_of - dt.timedelta(days=365)
        if self.db.is_sqlite:
            day_no = "CAST(julianday({}) - 2440587.5 AS INTEGER)"
        else:
            day_no = "({} - DATE '1970-01-01')"
        with self.db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            if self.db.is_sqlite and progress is not None:
                last = [time.monotonic()]

                def handler() -> int:
                    now = time.monotonic()
                    if now - last[0] < 0.2:
                        return 0
                    last[0] = now
                    return 1 if progress("read", 0, len(STAGES)) is False else 0

                raw.set_progress_handler(handler, 200_000)
            try:
                # the latest paid order (the stats hold every paid order; a scan of one row a
                # buyer, where max(order_date) WHERE status = 'paid' reads every order)
                latest = conn.exec_driver_sql(
                    "SELECT max(last_day) FROM customer_order_stats").scalar()
                table = "customer_order_stats"
                if latest is not None and str(latest)[:10] > as_of.isoformat():
                    table = order_stats.build_as_of(conn, as_of.isoformat(),
                                                    since.isoformat())
                else:
                    order_stats.slide_window(conn, since.isoformat())
                    conn.commit()
                ids: list[np.ndarray] = []
                parts: list[np.ndarray] = []
                for chunk in _fetch_chunks(
                        conn,
                        f"""SELECT c.id, coalesce(s.orders, 0), coalesce(s.total_spend, 0),
                           coalesce({day_no.format('s.first_day')}, 0),
                           coalesce({day_no.format('s.last_day')}, 0),
                           coalesce(s.purchase_days, 0), coalesce(s.first_day_spend, 0),
                           coalesce(s.recent_spend, 0)
                        FROM customers c LEFT JOIN {table} s ON s.customer_id = c.id
                        WHERE c.deleted_at IS NULL"""):
                    block = np.array(chunk, dtype=object).reshape(len(chunk), 8)
                    ids.append(block[:, 0])
                    parts.append(block[:, 1:].astype(float))
            except Exception as exc:
                if "interrupted" in str(exc):
                    raise Cancelled("tier computation cancelled while reading orders") from exc
                raise
            finally:
                if self.db.is_sqlite and progress is not None:
                    raw.set_progress_handler(None, 0)
            conn.rollback()

        customers = pd.Index(np.concatenate(ids) if ids else np.array([], dtype=object),
                             dtype=object, name="customer_id")
        values = np.concatenate(parts) if parts else np.zeros((0, 7))
        del ids, parts
        positions = np.flatnonzero(values[:, 0] > 0)
        cols = ["orders", "total_spend", "first_day", "last_day", "purchase_days",
                "first_day_spend"]
        kinds = [np.int64, float, np.int64, np.int64, np.int64, float]
        # a RangeIndex (rows are matched by ``positions``): pandas would hash a million ids
        # on first use of an object index (0.3 s)
        frame = pd.DataFrame({c: values[positions, i].astype(k)
                              for i, (c, k) in enumerate(zip(cols, kinds))})
        return customers, frame, positions, values[:, 6].copy()

    # -- store and read back ------------------------------------------------------------------

    def save(self, result: TierResult, progress: Progress | None = None) -> RunInfo:
        """Replace the stored metrics with this result and record the run (its chart
        aggregates and fitted parameters), in one transaction."""
        if progress is not None and progress("save", STAGES.index("save"), len(STAGES)) is False:
            raise Cancelled("tier computation cancelled before saving")
        m = result.metrics
        cols = ["customer_id", "orders", "total_spend", "spend_365", "recency_days",
                "frequency", "recency", "t_days", "monetary_value", "r", "f", "m", "segment",
                "p_alive", "predicted_clv", "clv_rank", "spend_rank", "tier", "at_risk",
                "risk_reason", "usual_interval_days"]
        source = {"customer_id": m.index, "t_days": m["T"]}
        columns = []
        for c in cols:
            arr = np.asarray(source[c] if c in source else m[c])
            if arr.dtype.kind == "f":
                obj = arr.astype(object)
                obj[np.isnan(arr)] = None
                if c == "recency_days":
                    obj[~np.isnan(arr)] = arr[~np.isnan(arr)].astype(np.int64).tolist()
                columns.append(obj.tolist())
            else:
                columns.append(arr.tolist())
        rows = list(zip(*columns))
        charts = rfm.chart_data(m)
        params = {"fit": result.fits.report(), "settings": result.settings.to_dict(),
                  "seconds": {k: round(v, 3) for k, v in result.seconds.items()}}
        run_id = uuid.uuid4()
        with self.db.session() as s:
            conn = s.connection()
            conn.execute(CustomerMetrics.__table__.delete())
            if self.db.is_sqlite:
                marks = ", ".join("?" * len(cols))
                raw = conn.connection.dbapi_connection
                raw.executemany(
                    f"INSERT INTO customer_metrics ({', '.join(cols)}) VALUES ({marks})", rows)
            else:
                raw = conn.connection.dbapi_connection
                with raw.cursor() as cur:
                    with cur.copy(f"COPY customer_metrics ({', '.join(cols)}) FROM STDIN") as cp:
                        for row in rows:
                            cp.write_row(row)
            s.add(TierRun(id=run_id, as_of=result.as_of, computed_by=self.user.id,
                          customers=len(m), buyers=result.buyers, params=params,
                          charts=charts))
        return self.run(run_id)

    def run(self, run_id: uuid.UUID) -> RunInfo:
        with self.db.read() as s:
            row = s.execute(select(TierRun, User.display_name)
                            .outerjoin(User, User.id == TierRun.computed_by)
                            .where(TierRun.id == run_id)).one()
            return self._run_info(*row)

    def last_run(self) -> RunInfo | None:
        """The latest stored computation (what the Tiers section opens with)."""
        with self.db.read() as s:
            row = s.execute(select(TierRun, User.display_name)
                            .outerjoin(User, User.id == TierRun.computed_by)
                            .order_by(TierRun.computed_at.desc()).limit(1)).first()
            return None if row is None else self._run_info(*row)

    @staticmethod
    def _run_info(r: TierRun, name: str | None) -> RunInfo:
        return RunInfo(r.id, r.as_of, r.computed_at, name or "", r.customers, r.buyers,
                       dict(r.params), dict(r.charts), r.applied_at)

    # -- apply --------------------------------------------------------------------------------

    def apply(self, run_id: uuid.UUID | None = None) -> ApplyResult:
        """Give every customer the tier of the stored computation (the latest, which must be
        ``run_id`` when given), audit each change, and store this month's snapshot (one per
        month: applying again in the same month replaces it). One transaction."""
        self._require_manager()
        last = self.last_run()
        if last is None:
            raise NotFound("tier_runs", "latest (compute the tiers first)")
        if run_id is not None and last.id != run_id:
            raise ConflictError("tier_runs", run_id, None, None)
        now = dt.datetime.now(dt.timezone.utc)
        month = _month(last.as_of)
        with self.db.session() as s:
            conn = s.connection()
            changed = conn.execute(text(
                "SELECT c.id, c.tier, m.tier FROM customers c "
                "JOIN customer_metrics m ON m.customer_id = c.id "
                "WHERE c.deleted_at IS NULL AND c.tier <> m.tier")).fetchall()
            if changed:
                audit = AuditEntry.__table__
                batch = [{"id": uuid.uuid4(), "at": now, "user_id": self.user.id,
                          "table_name": "customers", "row_id": _uuid(cid), "action": "update",
                          "field": "tier", "old_value": old, "new_value": new}
                         for cid, old, new in changed]
                for i in range(0, len(batch), 50_000):
                    conn.execute(audit.insert(), batch[i:i + 50_000])
                conn.execute(text(
                    "UPDATE customers SET tier = m.tier, version = customers.version + 1, "
                    "updated_at = :now FROM customer_metrics m "
                    "WHERE m.customer_id = customers.id AND customers.deleted_at IS NULL "
                    "AND customers.tier <> m.tier"), {"now": now})
            conn.execute(TierSnapshot.__table__.delete().where(TierSnapshot.month == month))
            snap = conn.execute(text(
                "INSERT INTO tier_snapshots (month, customer_id, tier) "
                "SELECT :month, id, tier FROM customers WHERE deleted_at IS NULL"),
                {"month": month}).rowcount
            before = conn.execute(select(func.max(TierSnapshot.month))
                                  .where(TierSnapshot.month < month)).scalar()
            migration = self._migration(conn, before, month) if before else {}
            run = s.get(TierRun, last.id)
            run.applied_at = now
            charts = dict(run.charts)
            charts["migration"] = migration
            run.charts = charts
        return ApplyResult(month, len(changed), snap, migration)

    def snapshot_months(self) -> list[str]:
        with self.db.read() as s:
            return list(s.scalars(loose_distinct("tier_snapshots", "month", descending=True)))

    def migration(self, month_from: str, month_to: str) -> dict[str, Any]:
        """Customers per (tier in ``month_from``, tier in ``month_to``); "" stands for no
        snapshot (a new customer, or one deleted since)."""
        with self.db.engine.connect() as conn:
            return self._migration(conn, month_from, month_to)

    @staticmethod
    def _migration(conn, month_from: str, month_to: str) -> dict[str, Any]:
        rows = conn.execute(text(
            "SELECT coalesce(a.tier, ''), coalesce(b.tier, ''), count(*) "
            "FROM (SELECT customer_id, tier FROM tier_snapshots WHERE month = :a) a "
            "FULL OUTER JOIN (SELECT customer_id, tier FROM tier_snapshots WHERE month = :b) b "
            "ON a.customer_id = b.customer_id GROUP BY 1, 2"),
            {"a": month_from, "b": month_to}).fetchall()
        return {"from": month_from, "to": month_to,
                "cells": [[a, b, int(n)] for a, b, n in rows]}

    # -- customers behind a chart element -------------------------------------------------------

    def list_customers(self, sel: Selection, *, limit: int = 500,
                       order: str = "value") -> tuple[list[MetricRow], int]:
        """The customers a chart element stands for, most valuable first (``order``: "value"
        = predicted lifetime value, "spend" = spend in the last 12 months), and how many there
        are in all."""
        m = CustomerMetrics
        conds = [Customer.deleted_at.is_(None)]
        if sel.tier is not None:
            conds.append(m.tier == sel.tier)
        if sel.segment is not None:
            conds.append(m.segment == sel.segment)
        if sel.r is not None:
            conds.append(m.r == sel.r)
        if sel.f is not None:
            conds.append(m.f == sel.f)
        if sel.at_risk is not None:
            conds.append(m.at_risk.is_(sel.at_risk))
        if sel.clv_min is not None:
            conds.append(m.predicted_clv >= sel.clv_min)
        if sel.clv_max is not None:
            conds.append(m.predicted_clv < sel.clv_max)
        if sel.top_share is not None:
            conds.append(m.spend_rank <= sel.top_share)
        base = select(m, Customer.code, Customer.name, Customer.tier, User.display_name) \
            .join(Customer, Customer.id == m.customer_id) \
            .outerjoin(User, User.id == Customer.owner_id)
        count_q = select(func.count()).select_from(m).join(Customer, Customer.id == m.customer_id)
        if sel.migration is not None:
            a_month, a_tier, b_month, b_tier = sel.migration
            a = TierSnapshot.__table__.alias("a")
            b = TierSnapshot.__table__.alias("b")
            for snap, month, tier in ((a, a_month, a_tier), (b, b_month, b_tier)):
                if tier:
                    on = (snap.c.customer_id == m.customer_id) & (snap.c.month == month)
                    base = base.join(snap, on)
                    count_q = count_q.join(snap, on)
                    conds.append(snap.c.tier == tier)
                else:
                    on = (snap.c.customer_id == m.customer_id) & (snap.c.month == month)
                    base = base.outerjoin(snap, on)
                    count_q = count_q.outerjoin(snap, on)
                    conds.append(snap.c.customer_id.is_(None))
        key = m.spend_365 if order == "spend" else m.predicted_clv
        q = base.where(*conds).order_by(key.desc().nulls_last(), m.total_spend.desc(),
                                        m.customer_id).limit(limit)
        with self.db.read() as s:
            total = s.execute(count_q.where(*conds)).scalar_one()
            rows = [
                MetricRow(x.customer_id, code, name, owner or "", tier, x.tier, x.segment,
                          x.r, x.f, x.m, x.orders, x.total_spend, x.spend_365, x.recency_days,
                          x.p_alive, x.predicted_clv, x.risk_reason, x.usual_interval_days)
                for x, code, name, tier, owner in s.execute(q)]
        return rows, total

    # -- win-back -----------------------------------------------------------------------------

    def create_winback(self, customer_ids: list[uuid.UUID], *, subject: str,
                       due_at: dt.datetime, notes: str = "",
                       activity_type: str = ActivityType.CALL.value) -> WinbackResult:
        """One follow-up per customer for its owner (the current user where it has none),
        skipping customers that already have an open follow-up planned. One transaction."""
        if due_at.tzinfo is None:
            raise ValueError("due_at must be timezone-aware")
        from . import audit

        ids = list(dict.fromkeys(customer_ids))
        created = skipped = 0
        with self.db.session() as s:
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                owners = dict(s.execute(select(Customer.id, Customer.owner_id)
                                        .where(Customer.id.in_(chunk),
                                               Customer.deleted_at.is_(None))).all())
                busy = set(s.scalars(select(Activity.customer_id).where(
                    Activity.customer_id.in_(chunk), Activity.done_at.is_(None),
                    Activity.cancelled_at.is_(None), Activity.deleted_at.is_(None))))
                for cid in chunk:
                    if cid not in owners or cid in busy:
                        skipped += 1
                        continue
                    # the key set here, so no flush (a round trip) per follow-up
                    act = Activity(id=uuid.uuid4(), customer_id=cid,
                                   owner_id=owners[cid] or self.user.id, type=activity_type,
                                   subject=subject, notes=notes, due_at=due_at)
                    s.add(act)
                    audit.record(s, table="activities", row_id=act.id, action="create",
                                 user_id=self.user.id)
                    created += 1
        return WinbackResult(created, skipped)

    # -- report (CLI) -----------------------------------------------------------------------

    REPORT_COLUMNS = ("code", "name", "recency_days", "orders", "total_spend", "frequency",
                      "recency", "T", "R", "F", "M", "segment", "tier", "p_alive",
                      "predicted_clv")

    def report(self, result: TierResult) -> pd.DataFrame:
        """One row per customer in ``REPORT_COLUMNS`` (recency and T in days, as Fader and
        Hardie define them; empty where a customer bought nothing), sorted by code."""
        with self.db.engine.connect() as conn:
            names = conn.exec_driver_sql(
                "SELECT id, code, name FROM customers WHERE deleted_at IS NULL").fetchall()
        ids = pd.DataFrame.from_records(names, columns=["customer_id", "code", "name"]) \
            .set_index("customer_id")
        m = result.metrics.join(ids, how="left")
        out = pd.DataFrame({
            "code": m["code"], "name": m["name"],
            "recency_days": m["recency_days"].astype("Int64"),
            "orders": m["orders"], "total_spend": m["total_spend"].round(2),
            "frequency": m["frequency"].where(m["orders"] > 0).astype("Int64"),
            "recency": m["recency"], "T": m["T"],
            "R": m["r"].where(m["r"] > 0).astype("Int64"),
            "F": m["f"].where(m["f"] > 0).astype("Int64"),
            "M": m["m"].where(m["m"] > 0).astype("Int64"),
            "segment": m["segment"], "tier": m["tier"],
            "p_alive": m["p_alive"].round(4), "predicted_clv": m["predicted_clv"].round(2),
        })
        return out.sort_values("code", kind="stable").reset_index(drop=True)
