"""The Home section's figures (首页): what needs each person today, by role (no Qt).

A salesperson sees their follow-ups of today and the overdue ones, the deals they expect to
close this month, their target attainment for the month and the quarter, their at-risk
customers and the customers going back to the public pool soon. A manager (and an admin) sees
the team's attainment by person, the pipeline coverage of what is left of the targets, revenue
this month against last month and the same month last year, the tickets breaching their SLA,
the tier migration of the latest tier run and the most at-risk strategic customers. Service
staff see their open tickets by deadline, what is breached or due soon, and this month's
satisfaction.

Each tile is computed on its own (``load``) into plain JSON values (numbers, strings, lists,
dicts), so the figures can be kept in a small cache file and shown at the next start before
any query runs (``HomeCache``). ``load`` returns None for a tile whose data does not exist yet
(no tier runs to compare, no health scores computed): the view leaves it out.

``DEPENDS`` says which kinds of change (the ChangeSet kinds the services return) make a tile
out of date, so the view reloads only those.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import and_, column, func, or_, select, table, text
from sqlalchemy.orm import aliased

from desktop_crm.models import (
    Customer, Opportunity, OpportunityStatus, Order, TierSnapshot, User,
)

from .db import Database, default_data_dir
from .order_stats import PAID_SQL
from .followups import FollowUpService
from .periods import add_months, local_zone, month_start
from .pool import PoolService
from .targets import Attainment, TargetService, parse_period, period_of
from .tickets import TicketQuery, TicketService
from .users import UserInfo

log = logging.getLogger(__name__)

SALES_TILES = ("followups", "closing", "attainment", "at_risk", "pool_due")
MANAGER_TILES = ("team_attainment", "coverage", "revenue", "breaching", "tier_migration",
                 "strategic_risk")
SERVICE_TILES = ("my_tickets", "sla", "satisfaction")
ROLE_TILES = {"sales": SALES_TILES, "manager": MANAGER_TILES, "admin": MANAGER_TILES,
              "service": SERVICE_TILES}

# which ChangeSet kinds make a tile out of date
_SALES = frozenset({"orders", "opportunities", "customers", "targets"})
_HEALTH = frozenset({"health", "customers", "orders", "tickets", "activities", "interactions"})
DEPENDS: dict[str, frozenset[str]] = {
    "followups": frozenset({"activities"}),
    "closing": frozenset({"opportunities", "stages", "customers"}),
    "attainment": _SALES,
    "at_risk": _HEALTH,
    "pool_due": frozenset({"customers", "activities", "interactions", "opportunities"}),
    "team_attainment": _SALES,
    "coverage": _SALES | {"stages"},
    "revenue": frozenset({"orders", "customers"}),
    "breaching": frozenset({"tickets"}),
    "tier_migration": frozenset({"tiers", "customers"}),
    "strategic_risk": _HEALTH,
    "my_tickets": frozenset({"tickets"}),
    "sla": frozenset({"tickets"}),
    "satisfaction": frozenset({"tickets"}),
}
LIST_LIMIT = 5  # rows a list tile shows; its count says how many there are in all
POOL_ITEMS = 200  # customers going back to the pool the tile's list window shows
TIER_RANK = {"strategic": 4, "growth": 3, "basic": 2, "dormant": 1, "": 0}



def tiles_for(role: str) -> tuple[str, ...]:
    return ROLE_TILES.get(role, SALES_TILES)


def stale_tiles(keys: Iterable[str], kinds: Iterable[str] | None) -> list[str]:
    """The tiles among ``keys`` that a change of ``kinds`` makes out of date (all of them
    for None: a change of unknown kind)."""
    if kinds is None:
        return list(keys)
    kinds = set(kinds)
    return [k for k in keys if DEPENDS.get(k, frozenset()) & kinds]


def _money(v) -> float:
    return float(Decimal(v or 0))


def _iso(t: dt.datetime | dt.date | None) -> str | None:
    return None if t is None else t.isoformat()


def _elapsed(period: str, today: dt.date) -> float:
    """The share of ``period`` gone by the end of ``today`` (0..1): the pace to compare
    attainment with."""
    first, after = parse_period(period)
    done = (min(max(today + dt.timedelta(days=1), first), after) - first).days
    return done / (after - first).days


def _attainment(a: Attainment, today: dt.date) -> dict[str, Any]:
    return {
        "elapsed": _elapsed(a.period, today),
        "period": a.period, "user_id": a.user_id and str(a.user_id), "team": a.team,
        "name": a.name,
        "revenue_target": None if a.revenue_target is None else _money(a.revenue_target),
        "revenue": _money(a.revenue), "won": _money(a.won_amount),
        "revenue_pct": a.revenue_attainment,
        "new_target": a.new_customers_target, "new": a.new_customers,
        "new_pct": a.new_customers_attainment,
        "weighted_open": _money(a.weighted_open),
        "remaining": None if a.remaining is None else _money(a.remaining),
        "coverage": a.coverage,
    }


class HomeService:
    """The tiles of one user's Home section. ``tz``: the user's time zone (the computer's
    by default) decides what "today" and "this month" are."""

    MEMO_SECONDS = 30.0  # how long tiles loaded together share a computed attainment

    def __init__(self, db: Database, user: UserInfo, tz: dt.tzinfo | None = None):
        self.db = db
        self.user = user
        self.tz = tz
        self._memo: dict[tuple, tuple[float, Any]] = {}
        self._memo_lock = threading.Lock()
        self._key_locks: dict[tuple, threading.Lock] = {}

    def _shared(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()``, shared by the tiles loading at the same time (the team attainment
        and the coverage read the same month): the second caller waits for the first one's
        result instead of running the same queries beside it."""
        with self._memo_lock:
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:
            hit = self._memo.get(key)
            if hit is not None and time.monotonic() - hit[0] < self.MEMO_SECONDS:
                return hit[1]
            value = compute()
            self._memo[key] = (time.monotonic(), value)
            return value

    def forget(self) -> None:
        """Drop shared results (after a change, the next loads read afresh)."""
        with self._memo_lock:
            self._memo.clear()

    @property
    def zone(self) -> dt.tzinfo:
        return self.tz or local_zone()

    def tiles(self) -> tuple[str, ...]:
        return tiles_for(self.user.role)

    @property
    def team(self) -> str | None:
        """The manager's own team (None for an admin: the whole company)."""
        if self.user.role == "manager" and self.user.team:
            return self.user.team
        return None

    def people(self) -> set[uuid.UUID] | None:
        """Whom a manager's tiles cover: the manager, the people who report to them and the
        members of their team (None for an admin: everyone)."""
        if self.user.role != "manager":
            return None
        u = User
        cond = [u.id == self.user.id, u.manager_id == self.user.id]
        if self.user.team:
            cond.append(u.team == self.user.team)
        with self.db.read() as s:
            return set(s.scalars(select(u.id).where(or_(*cond), u.deleted_at.is_(None))))

    def _scope(self, s, people: set[uuid.UUID] | None, col) -> list:
        """Rows whose customer (``col``) is owned by ``people``, for several queries in one
        session. SQLite would build the set of those customers again for every query (a
        second each at a million customers): there it is kept once in a temporary table
        whose key the queries probe."""
        if people is None or not self.db.is_sqlite:
            return self._owned_by(col, people)
        s.execute(text("CREATE TEMP TABLE IF NOT EXISTS home_scope "
                       "(id CHAR(32) PRIMARY KEY) WITHOUT ROWID"))
        s.execute(text("DELETE FROM home_scope"))
        s.execute(text("INSERT INTO home_scope SELECT id FROM customers WHERE owner_id IN "
                       "(SELECT value FROM json_each(:people))"),
                  {"people": json.dumps([p.hex for p in people])})
        return [col.in_(select(column("id")).select_from(table("home_scope")))]

    def _owned_by(self, col, people: set[uuid.UUID] | None) -> list:
        """Rows whose customer (``col``: a customer id) is owned by ``people``."""
        if people is None:
            return []
        return [col.in_(select(Customer.id).where(Customer.owner_id.in_(people)))]

    def load(self, key: str, now: dt.datetime | None = None) -> dict[str, Any] | None:
        """One tile's figures as JSON values, or None when its data does not exist yet."""
        if key not in DEPENDS:
            raise ValueError(f"unknown tile {key!r}")
        now = now or dt.datetime.now(dt.timezone.utc)
        return getattr(self, f"_{key}")(now)

    def load_all(self, keys: Iterable[str] | None = None, now: dt.datetime | None = None,
                 progress: Callable[[str, dict | None], None] | None = None
                 ) -> dict[str, dict | None]:
        """Several tiles (the role's by default); ``progress(key, figures)`` is told as each
        one is ready, so a view can show them one by one."""
        now = now or dt.datetime.now(dt.timezone.utc)
        out = {}
        for key in (self.tiles() if keys is None else keys):
            out[key] = self.load(key, now)
            if progress is not None:
                progress(key, out[key])
        return out

    def _today(self, now: dt.datetime) -> dt.date:
        return now.astimezone(self.zone).date()

    # -- salesperson ----------------------------------------------------------------------------

    def _followups(self, now):
        today = FollowUpService(self.db, self.user, tz=self.zone).today(
            owner_id=self.user.id, now=now, overdue_limit=LIST_LIMIT, limit=200)

        def item(i):
            return {"id": str(i.id), "start": _iso(i.start), "subject": i.subject,
                    "type": i.type, "customer": i.customer_name,
                    "customer_id": i.customer_id and str(i.customer_id),
                    "overdue": i.overdue}

        return {"today": len(today.today), "overdue": today.overdue_total,
                "open_today": sum(1 for i in today.today if not i.done),
                "items": [item(i) for i in (today.today[:LIST_LIMIT]
                                            + today.overdue)[:LIST_LIMIT]]}

    def _closing(self, now):
        today = self._today(now)
        first = today.replace(day=1)
        after = add_months(first, 1)
        op, c = Opportunity, Customer
        cond = (op.deleted_at.is_(None), op.status == OpportunityStatus.OPEN.value,
                op.owner_id == self.user.id, op.expected_close >= first,
                op.expected_close < after)
        with self.db.read() as s:
            n, amount, weighted = s.execute(select(
                func.count(), func.coalesce(func.sum(op.amount), 0),
                func.coalesce(func.sum(op.amount * op.probability / 100.0), 0))
                .where(*cond)).one()
            rows = s.execute(select(op.id, op.title, c.name, op.amount, op.probability,
                                    op.expected_close).join(c, c.id == op.customer_id)
                             .where(*cond)
                             .order_by(op.expected_close, op.amount.desc())
                             .limit(LIST_LIMIT)).all()
        return {"count": n, "amount": _money(amount), "weighted": float(weighted or 0),
                "month": first.isoformat(),
                "items": [{"id": str(i), "title": t, "customer": name, "amount": _money(a),
                           "probability": p, "expected_close": _iso(d)}
                          for i, t, name, a, p, d in rows]}

    def _attainment(self, now):
        today = self._today(now)
        svc = TargetService(self.db, self.user, tz=self.zone)
        out = {}
        for label, period in (("month", period_of(today)),
                              ("quarter", period_of(today, quarter=True))):
            mine = [a for a in svc.attainment(period, today=today, owner_id=self.user.id)
                    if a.user_id == self.user.id]
            out[label] = _attainment(mine[0], today) if mine else None
        if out["month"] is None and out["quarter"] is None:
            return None  # not a salesperson the targets know (an inactive account)
        return out

    def _health(self):
        from .health import HealthService

        return HealthService(self.db, self.user)

    def _risk(self, now, *, owner_id=None, tier=None):
        health = self._health()
        counts = health.band_counts(owner_id=owner_id, tier=tier)
        if not sum(counts.values()):
            return None  # no scores computed yet
        rows = health.at_risk(owner_id=owner_id, tier=tier, limit=LIST_LIMIT)
        return {"bands": counts, "tier": tier, "items": [
            {"id": str(r.customer_id), "code": r.code, "name": r.name, "tier": r.tier,
             "owner": r.owner_name, "score": r.score, "weakest": r.weakest}
            for r in rows]}

    def _at_risk(self, now):
        return self._risk(now, owner_id=self.user.id)

    def _pool_due(self, now):
        pool = PoolService(self.db, self.user, tz=self.zone)
        if pool.rules()[1] == 0:
            return None  # no pool rules saved yet: nobody's customers go back
        due = pool.due_soon(self.user.id, 7, now=now)
        return {"count": len(due), "days": 7, "items": [
            {"id": str(d.customer_id), "code": d.code, "name": d.name, "due_at": _iso(d.due_at),
             "reason": d.reason} for d in due[:POOL_ITEMS]]}

    # -- manager --------------------------------------------------------------------------------

    def _team_rows(self, now, quarter: bool = False) -> list[Attainment]:
        """The attainment of the manager's people, then of their teams."""
        today = self._today(now)
        period = period_of(today, quarter=quarter)
        rows = self._shared(("attainment", period, today), lambda: TargetService(
            self.db, self.user, tz=self.zone).attainment(period, today=today))
        people = self.people()
        if people is None:
            return rows
        mine = [a for a in rows if a.user_id in people]
        teams = {a.team for a in mine}
        return mine + [a for a in rows if a.user_id is None and a.team in teams]

    def _team_attainment(self, now):
        rows = self._team_rows(now)
        today = self._today(now)
        # people with nothing to show (a manager without customers, no target) are left out
        people = [_attainment(a, today) for a in rows if a.user_id is not None and (
            a.revenue_target is not None or a.revenue or a.weighted_open)]
        if not people:
            return None
        teams = [_attainment(a, today) for a in rows if a.user_id is None]
        people.sort(key=lambda p: (p["revenue_pct"] is None, -(p["revenue_pct"] or 0),
                                   p["name"]))
        return {"period": rows[0].period, "team": self.team or "", "people": people,
                "elapsed": _elapsed(rows[0].period, today),
                "teams": teams}

    def _coverage(self, now):
        out = {}
        for label, quarter in (("month", False), ("quarter", True)):
            people = [a for a in self._team_rows(now, quarter) if a.user_id is not None]
            targets = [a.revenue_target for a in people if a.revenue_target is not None]
            weighted = sum((a.weighted_open for a in people), Decimal(0))
            revenue = sum((a.revenue for a in people), Decimal(0))
            target = sum(targets, Decimal(0)) if targets else None
            remaining = None if target is None else max(Decimal(0), target - revenue)
            out[label] = {
                "period": people[0].period if people else "",
                "target": None if target is None else _money(target),
                "revenue": _money(revenue), "weighted_open": _money(weighted),
                "remaining": None if remaining is None else _money(remaining),
                "coverage": float(weighted / remaining) if remaining else None}
        return out

    def _revenue(self, now):
        """Paid revenue of the last 13 months (this month so far first) of the manager's
        team's customers (an admin's: everyone's)."""
        today = self._today(now)
        this = month_start(today)
        months = [add_months(this, -i) for i in range(13)]
        o = Order
        people = self.people()
        series = []
        with self.db.read() as s:
            scope = self._scope(s, people, o.customer_id)
            for m in months:
                q = (select(func.coalesce(func.sum(o.amount), 0))
                     .where(PAID_SQL, o.deleted_at.is_(None), o.order_date >= m,
                            o.order_date < add_months(m, 1), *scope))
                if scope:  # the month's slice of the date index, each row's customer probed
                    q = q.with_hint(o, "INDEXED BY ix_orders_paid_date", "sqlite")
                series.append(_money(s.scalar(q)))
        return {"months": [m.isoformat() for m in months], "amounts": series,
                "this": series[0], "last": series[1], "last_year": series[12],
                "day": today.day, "team": self.team or ""}

    def _breaching(self, now):
        tickets = TicketService(self.db, self.user)
        breached = tickets.count(TicketQuery(breached=True), now)
        due_soon = tickets.count(TicketQuery(due_soon=True), now)
        rows = tickets.page(TicketQuery(breached=True, sort="due"), limit=LIST_LIMIT, now=now)
        return {"breached": breached, "due_soon": due_soon,
                "items": [_ticket(r) for r in rows]}

    def _tier_migration(self, now):
        """Customers that moved between the two latest tier runs' snapshots."""
        t, t2 = TierSnapshot, aliased(TierSnapshot)
        with self.db.read() as s:
            months = list(s.scalars(select(t.month).group_by(t.month)
                                    .order_by(t.month.desc()).limit(2)))
            if len(months) < 2:
                return None
            scope = self._owned_by(t.customer_id, self.people())
            moves = s.execute(select(t2.tier, t.tier, func.count())
                              .select_from(t).join(t2, and_(t2.customer_id == t.customer_id,
                                                            t2.month == months[1]))
                              .where(t.month == months[0], t2.tier != t.tier, *scope)
                              .group_by(t2.tier, t.tier)).all()
        up = sum(n for a, b, n in moves if TIER_RANK.get(b or "", 0) > TIER_RANK.get(a or "", 0))
        down = sum(n for a, b, n in moves
                   if TIER_RANK.get(b or "", 0) < TIER_RANK.get(a or "", 0))
        moves = sorted(moves, key=lambda m: -m[2])
        return {"from": months[1], "to": months[0], "up": up, "down": down,
                "moves": [{"from": a or "", "to": b or "", "count": n}
                          for a, b, n in moves[:6]]}

    def _strategic_risk(self, now):
        return self._risk(now, tier="strategic")

    # -- service --------------------------------------------------------------------------------

    def _my_tickets(self, now):
        tickets = TicketService(self.db, self.user)
        q = TicketQuery(assignee_id=self.user.id, sort="due")
        return {"count": tickets.count(q, now),
                "items": [_ticket(r) for r in tickets.page(q, limit=LIST_LIMIT, now=now)]}

    def _sla(self, now):
        tickets = TicketService(self.db, self.user)
        me = self.user.id
        return {
            "mine_breached": tickets.count(TicketQuery(assignee_id=me, breached=True), now),
            "mine_due_soon": tickets.count(TicketQuery(assignee_id=me, due_soon=True), now),
            "unassigned": tickets.count(TicketQuery(unassigned=True), now),
            "breached": tickets.count(TicketQuery(breached=True), now),
            "due_soon": tickets.count(TicketQuery(due_soon=True), now)}

    def _satisfaction(self, now):
        stats = TicketService(self.db, self.user).month_stats(self._today(now), now)
        mine = next((a for a in stats.by_agent if a.user_id == self.user.id), None)
        return {"month": stats.month.isoformat(), "avg": stats.satisfaction_avg,
                "count": stats.satisfaction_count, "resolved": stats.resolved,
                "mine_avg": mine.satisfaction_avg if mine else None,
                "mine_count": mine.satisfaction_count if mine else 0,
                "mine_resolved": mine.resolved if mine else 0,
                "response_compliance": stats.response_compliance,
                "resolve_compliance": stats.resolve_compliance}


def _ticket(r) -> dict[str, Any]:
    running = r.response_due if r.first_response_at is None else r.resolve_due
    return {"id": str(r.id), "number": r.number, "subject": r.subject,
            "customer": r.customer_name, "priority": r.priority, "status": r.status,
            "due": _iso(running), "paused": r.paused_at is not None,
            "assignee": r.assignee_name}


class HomeCache:
    """The last figures shown, per user and database, in a small JSON file, so the next
    start shows them at once. A missing or unreadable file is no cache."""

    VERSION = 1

    def __init__(self, db: Database, user: UserInfo, path: Path | None = None):
        if path is None:
            key = hashlib.sha1(f"{db.describe()}|{user.id}".encode()).hexdigest()[:16]
            path = default_data_dir() / "cache" / f"home-{key}.json"
        self.path = path

    def read(self) -> tuple[dict[str, dict | None], dt.datetime | None]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") != self.VERSION:
                return {}, None
            return dict(data["tiles"]), dt.datetime.fromisoformat(data["at"])
        except FileNotFoundError:
            return {}, None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable home cache %s: %s", self.path, exc)
            return {}, None

    def write(self, tiles: dict[str, dict | None], at: dt.datetime | None = None) -> None:
        """Write atomically (a temporary file renamed over the old one)."""
        at = at or dt.datetime.now(dt.timezone.utc)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"version": self.VERSION, "at": at.isoformat(),
                                       "tiles": tiles}, ensure_ascii=False),
                           encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("could not write the home cache %s: %s", self.path, exc)


__all__ = ["DEPENDS", "HomeCache", "HomeService", "ROLE_TILES", "stale_tiles", "tiles_for"]
