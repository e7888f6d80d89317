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

Everything is computed for all customers at once: a few grouped SQL queries and vectorised
pandas, so a million customers take seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sqlalchemy import String, case, func, select, type_coerce

from desktop_crm.models import (
    Activity, Customer, CustomerMetrics, CustomerOrderStats, Interaction, Order, Ticket,
)

from .db import Database
from .followups import DEFAULT_CADENCE, FollowUpService
from .users import UserInfo

WEIGHTS = {"recency": 30, "trend": 20, "tickets": 15, "satisfaction": 10, "follow_up": 15,
           "alive": 10}
PARTS = tuple(WEIGHTS)
DEFAULT_INTERVAL = 90.0  # days: the rhythm of a customer who bought once
RED, AMBER = 40, 70  # below RED: red; below AMBER: amber; else green


def raw(col):
    """The column as the driver returns it (a hex id, an ISO time on SQLite)."""
    return type_coerce(col, String)


def band(score: float | None) -> str:
    """red, amber or green (the list's and the 360 view's colour); "" without a score."""
    if score is None or np.isnan(score):
        return ""
    return "red" if score < RED else "amber" if score < AMBER else "green"


def _falling(ratio: pd.Series) -> pd.Series:
    """100 up to 1, then linearly down to 0 at 3."""
    return (100 * (1 - (ratio - 1) / 2)).clip(0, 100).where(ratio > 1, 100.0)


def score_frame(f: pd.DataFrame, today: dt.date,
                cadence: Mapping[str, int] | None = None) -> pd.DataFrame:
    """The parts and the score for a frame of inputs, one row per customer (index: its id).
    Columns read (missing values as NaN / NaT): ``tier``, ``last_day`` and ``first_day``
    (dates of the first and last paid order), ``purchase_days``, ``interval`` (the tiers
    model's usual interval, days), ``spend_recent`` and ``spend_before`` (the last six months
    and the six before), ``open_tickets``, ``breached_tickets``, ``satisfaction`` (mean),
    ``last_contact`` (date), ``p_alive``."""
    cad = {**DEFAULT_CADENCE, **(cadence or {})}
    out = pd.DataFrame(index=f.index)
    today_ts = pd.Timestamp(today)
    last = pd.to_datetime(f["last_day"])
    first = pd.to_datetime(f["first_day"])
    own = (last - first).dt.days / (f["purchase_days"] - 1).where(f["purchase_days"] > 1)
    interval = f["interval"].where(f["interval"] > 0, own).fillna(DEFAULT_INTERVAL)
    interval = interval.clip(lower=7)
    since = (today_ts - last).dt.days
    out["recency"] = _falling(since / interval).where(last.notna())
    recent, before = f["spend_recent"].fillna(0), f["spend_before"].fillna(0)
    ratio = recent / before.where(before > 0)
    trend = (50 * ratio).clip(0, 100)
    trend = trend.where(before > 0, np.where(recent > 0, 100.0, np.nan))
    out["trend"] = trend.where(last.notna())
    open_t, breached = f["open_tickets"].fillna(0), f["breached_tickets"].fillna(0)
    out["tickets"] = (100 - 20 * open_t - 40 * breached).clip(0, 100)
    out["satisfaction"] = ((f["satisfaction"] - 1) * 25).clip(0, 100)
    days = f["tier"].fillna("").map(lambda t: cad.get(t, cad.get("", 0))).astype(float)
    contact = pd.to_datetime(f["last_contact"])
    gap = (today_ts - contact).dt.days
    out["follow_up"] = _falling(gap / days.where(days > 0)).where(contact.notna() & (days > 0))
    out.loc[contact.isna() & (days > 0), "follow_up"] = 0.0
    out["alive"] = (f["p_alive"] * 100).clip(0, 100)
    weights = pd.Series(WEIGHTS, dtype=float)
    parts = out[list(PARTS)]
    have = parts.notna()
    total = (parts.fillna(0) * weights).sum(axis=1)
    weight = (have * weights).sum(axis=1)
    out["score"] = (total / weight.where(weight > 0)).round()
    return out


class HealthService:
    def __init__(self, db: Database, user: UserInfo):
        self.db = db
        self.user = user

    def _frame(self, s, stmt, columns: list[str]) -> pd.DataFrame:
        """A query's rows as a frame indexed by the customer id as 32 hex digits (ids and
        times come raw, without a Python object per value: a million rows)."""
        f = pd.DataFrame(s.execute(stmt).all(), columns=columns)
        if len(f) and not isinstance(f["id"].iloc[0], str):  # PostgreSQL: uuid objects
            f["id"] = f["id"].map(lambda u: u.hex)
        elif len(f):
            f["id"] = f["id"].str.replace("-", "", regex=False)
        return f.set_index("id")

    def inputs(self, now: dt.datetime | None = None) -> pd.DataFrame:
        """One row of score inputs per live customer (index: the id as 32 hex digits), from
        grouped queries."""
        now = now or dt.datetime.now(dt.timezone.utc)
        today = now.date()
        six = today - dt.timedelta(days=182)
        twelve = today - dt.timedelta(days=364)
        c, st, cm, o, t = Customer, CustomerOrderStats, CustomerMetrics, Order, Ticket
        with self.db.read() as s:
            base = self._frame(s, select(
                raw(c.id), c.tier, raw(st.first_day), raw(st.last_day), st.purchase_days,
                cm.usual_interval_days, cm.p_alive)
                .outerjoin(st, st.customer_id == c.id)
                .outerjoin(cm, cm.customer_id == c.id)
                .where(c.deleted_at.is_(None)),
                ["id", "tier", "first_day", "last_day", "purchase_days", "interval",
                 "p_alive"])
            spend = self._frame(s, (
                select(raw(o.customer_id),
                       func.sum(case((o.order_date >= six, o.amount), else_=0)),
                       func.sum(case((o.order_date < six, o.amount), else_=0)))
                .where(o.status == "paid", o.deleted_at.is_(None), o.order_date >= twelve)
                .group_by(o.customer_id)), ["id", "spend_recent", "spend_before"])
            tickets = self._frame(s, (
                select(raw(t.customer_id),
                       func.sum(case((t.status.in_(("new", "in_progress", "waiting")), 1),
                                     else_=0)),
                       func.sum(case(((t.sla_due.is_not(None)) & (t.sla_due < now)
                                      & (t.paused_at.is_(None)), 1), else_=0)),
                       func.avg(case((t.resolved_at >= now - dt.timedelta(days=365),
                                      t.satisfaction))))
                .where(t.deleted_at.is_(None)).group_by(t.customer_id)),
                ["id", "open_tickets", "breached_tickets", "satisfaction"])
            talked = self._frame(s, (
                select(raw(Interaction.customer_id), raw(func.max(Interaction.occurred_at)))
                .where(Interaction.deleted_at.is_(None))
                .group_by(Interaction.customer_id)), ["id", "talked"])
            done = self._frame(s, (
                select(raw(Activity.customer_id), raw(func.max(Activity.done_at)))
                .where(Activity.done_at.is_not(None), Activity.deleted_at.is_(None),
                       Activity.customer_id.is_not(None))
                .group_by(Activity.customer_id)), ["id", "done"])
        f = base.join(spend).join(tickets).join(talked).join(done)
        for col in ("spend_recent", "spend_before", "satisfaction"):
            f[col] = pd.to_numeric(f[col], errors="coerce").astype(float)
        f["p_alive"] = pd.to_numeric(f["p_alive"], errors="coerce").astype(float)
        f["interval"] = pd.to_numeric(f["interval"], errors="coerce").astype(float)
        f["purchase_days"] = pd.to_numeric(f["purchase_days"], errors="coerce").astype(float)
        contact = pd.concat([pd.to_datetime(f["talked"], utc=True, format="mixed"),
                             pd.to_datetime(f["done"], utc=True, format="mixed")],
                            axis=1).max(axis=1)
        f["last_contact"] = contact.dt.tz_convert(None).dt.normalize()
        return f

    def compute(self, now: dt.datetime | None = None) -> pd.DataFrame:
        """The parts and the score of every live customer (index: customer id)."""
        now = now or dt.datetime.now(dt.timezone.utc)
        cadence = FollowUpService(self.db, self.user).cadence()[0].days
        return score_frame(self.inputs(now), now.date(), cadence)
