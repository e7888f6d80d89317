"""Lead assignment and the public pool (公海), the way Chinese sales teams work (no Qt).

A customer is in the pool when it has no owner (``owner_id IS NULL``, not deleted).

* ``assign`` gives pool customers (new leads) an owner by the team's rules, tried in order: by
  region, by industry, then round robin among the active salespeople of one team; otherwise
  they stay in the pool.
* A salesperson ``claim``\\ s a pool customer, up to the team's daily limit (days in the
  user's time zone); an owner or a manager ``release``\\ s one back.
* ``return_due`` returns every customer whose owner has not followed it up for N days (N per
  tier), or whose last deal was lost M days ago with nothing open, and tells the former owner
  and their manager. The app runs it at start-up and daily; it is set-based SQL.

Every change of owner is one ``customer_assignments`` row (the history) and one audit row, in
the same transaction as the change. Owner changes are conditional UPDATEs (``WHERE owner_id IS
NULL`` for a claim), so two people claiming the same customer cannot both get it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement, and_, case, exists, func, select, text, true, update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from desktop_crm.models import (
    Activity, Counter, Customer, CustomerAssignment, Interaction, Opportunity,
    OpportunityStatus, Role, Tier, User,
)
from desktop_crm.models.customer import IN_POOL

from . import assignments, counters, notifications, shared_settings
from .assignments import (
    ASSIGN, BY_INDUSTRY, BY_REGION, CLAIM, LOST, MANUAL, NO_FOLLOW_UP, RELEASE, RETURN,
    ROUND_ROBIN,
)
from .customers import CustomerQuery, CustomerService, Page
from .db import Database
from .periods import utc_param
from .errors import (
    AlreadyOwned, ChangeSet, ClaimLimitReached, ConflictError, FieldError, NotFound, NotOwned,
    PermissionDenied, ValidationError,
)
from .users import UserInfo

SETTINGS_KEY = "pool_rules"
RR_COUNTER = "pool_round_robin"
CHUNK = 500
TIER_KEYS = tuple(t.value for t in Tier) + ("",)  # "": no tier (and any other value)
DEFAULT_RETURN_DAYS = {"strategic": 60, "growth": 45, "basic": 30, "dormant": 30, "": 30}
CLAIM_ROLES = (Role.SALES.value, Role.MANAGER.value, Role.ADMIN.value)


@dataclass(frozen=True)
class PoolRules:
    """The team's assignment and pool rules (``shared_settings`` ``pool_rules``).

    ``by_region`` / ``by_industry``: customers.region / industry value -> the user who gets
    those leads; then round robin among the active salespeople of ``round_robin_team``
    ("": none); else the lead stays in the pool. ``claim_limit_per_day``: customers one
    person may claim a day (0: no limit). ``return_days``: days without a follow-up after
    which a customer of that tier goes back to the pool ("" for customers without a tier;
    0: never). ``lost_return_days``: days after the customer's last deal was lost, with no
    open deal, after which it goes back (0: never)."""

    by_region: dict[str, uuid.UUID] = field(default_factory=dict)
    by_industry: dict[str, uuid.UUID] = field(default_factory=dict)
    round_robin_team: str = ""
    claim_limit_per_day: int = 10
    return_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_RETURN_DAYS))
    lost_return_days: int = 30

    def days_for(self, tier: str) -> int:
        """N for a customer of ``tier`` (0: never returns for lack of follow-up)."""
        if tier in self.return_days and tier in TIER_KEYS:
            return self.return_days[tier]
        return self.return_days.get("", 0)

    def validate(self) -> "PoolRules":
        errors: list[FieldError] = []
        for name, table, width in (("by_region", self.by_region, 32),
                                   ("by_industry", self.by_industry, 64)):
            for k, v in table.items():
                if not str(k).strip() or len(str(k)) > width:
                    errors.append(FieldError(name, "invalid", str(k), f"1-{width} characters"))
                if not isinstance(v, uuid.UUID):
                    errors.append(FieldError(name, "invalid_choice", f"{k}={v}"))
        if len(self.round_robin_team) > 64:
            errors.append(FieldError("round_robin_team", "too_long", self.round_robin_team[:40],
                                     "64"))
        if not isinstance(self.claim_limit_per_day, int) or not (
                0 <= self.claim_limit_per_day <= 1000):
            errors.append(FieldError("claim_limit_per_day", "out_of_range",
                                     str(self.claim_limit_per_day), "0-1000"))
        for k, v in self.return_days.items():
            if k not in TIER_KEYS:
                errors.append(FieldError("return_days", "invalid_choice", str(k)))
            elif not isinstance(v, int) or not 0 <= v <= 3650:
                errors.append(FieldError("return_days", "out_of_range", f"{k}={v}", "0-3650"))
        if not isinstance(self.lost_return_days, int) or not 0 <= self.lost_return_days <= 3650:
            errors.append(FieldError("lost_return_days", "out_of_range",
                                     str(self.lost_return_days), "0-3650"))
        if errors:
            raise ValidationError(errors)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"by_region": {k: str(v) for k, v in self.by_region.items()},
                "by_industry": {k: str(v) for k, v in self.by_industry.items()},
                "round_robin_team": self.round_robin_team,
                "claim_limit_per_day": self.claim_limit_per_day,
                "return_days": dict(self.return_days),
                "lost_return_days": self.lost_return_days}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "PoolRules":
        known: dict[str, Any] = {k: d[k] for k in ("round_robin_team", "claim_limit_per_day",
                                                   "return_days", "lost_return_days") if k in d}
        for name in ("by_region", "by_industry"):
            if name in d:
                known[name] = {k: uuid.UUID(str(v)) for k, v in d[name].items()}
        return cls(**known)


@dataclass(frozen=True)
class ClaimResult:
    customer_id: uuid.UUID
    owner_id: uuid.UUID
    claims_left: int | None  # today, after this claim; None: no limit


@dataclass(frozen=True, slots=True)
class Returned:
    """A customer ``return_due`` gave back to the pool."""

    customer_id: uuid.UUID
    code: str
    name: str
    tier: str
    owner_id: uuid.UUID
    owner_name: str
    manager_id: uuid.UUID | None
    reason: str  # no_follow_up or lost
    days: int    # the rule's N (no follow-up) or M (lost)


@dataclass(frozen=True)
class DueSoon:
    """One of an owner's customers that goes back to the pool at ``due_at`` unless followed
    up (``days_left`` may be <= 0 when the pool rules have not run since)."""

    customer_id: uuid.UUID
    code: str
    name: str
    tier: str
    reason: str
    days: int
    due_at: dt.datetime
    days_left: int
    last_follow_up: dt.datetime | None  # latest interaction or completed follow-up


@dataclass(frozen=True)
class AssignmentRecord:
    at: dt.datetime
    action: str
    reason: str
    from_user_id: uuid.UUID | None
    from_name: str
    to_user_id: uuid.UUID | None
    to_name: str
    by_user_id: uuid.UUID | None
    by_name: str  # "" when the pool rules did it by themselves


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)



def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _customer_params(code: str, name: str, customer_id: uuid.UUID) -> dict[str, Any]:
    return {"customer_id": str(customer_id), "customer_code": code, "customer_name": name}


def _tally(summary: dict[str, Any], key: str, value: str) -> None:
    counts = summary.setdefault(key, {})
    counts[value] = counts.get(value, 0) + 1


def _fold_return(summary: dict[str, Any], params: dict[str, Any]) -> None:
    summary["count"] += 1
    _tally(summary, "reasons", params["reason"])
    _tally(summary, "owners", params["owner_name"])
    summary["to"] = params["to"]


def _fold_assigned(summary: dict[str, Any], params: dict[str, Any]) -> None:
    summary["count"] += 1
    _tally(summary, "reasons", params["reason"])
    summary["by_name"] = params["by_name"]


SUMMARIES = {"pool_return": ("pool_return_summary", _fold_return),
             "pool_assigned": ("pool_assigned_summary", _fold_assigned)}
BIG_BATCH = 20_000  # customers; above this a SQLite write gets a bigger page cache
BIG_CACHE_KIB = 262_144


@contextlib.contextmanager
def _page_cache_for(s: Session, rows: int):
    """A bigger SQLite page cache for a write of many customers (put back afterwards): each
    changed customer touches its row and two index pages in random places; at a million
    customers the default 16 MiB makes the first run after the rules are switched on a
    quarter slower."""
    if rows < BIG_BATCH or s.get_bind().dialect.name != "sqlite":
        yield
        return
    conn = s.connection()
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar())
    conn.exec_driver_sql(f"PRAGMA cache_size=-{BIG_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={before}")


def _ensure_counter(s: Session, name: str) -> None:
    """The counter row, created at 0 if missing (two PCs creating it at once is fine)."""
    ins = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    s.execute(ins(Counter.__table__).values(name=name, value=0).on_conflict_do_nothing())


class PoolService:
    def __init__(self, db: Database, user: UserInfo, tz: dt.tzinfo | None = None):
        """``tz``: the user's time zone, which decides when a day's claims start (default:
        this computer's)."""
        self.db = db
        self.user = user
        self.tz = tz

    # -- rules ----------------------------------------------------------------------------------

    def rules(self) -> tuple[PoolRules, int]:
        """The team's pool rules and their version (0: never saved, the defaults)."""
        return shared_settings.load_rules(self.db, SETTINGS_KEY, PoolRules)

    def save_rules(self, rules: PoolRules, expected_version: int) -> int:
        """Store the rules for the team (managers and admins); returns the new version.
        Refuses (writes nothing) when someone saved since ``expected_version`` was read, or
        when a rule names a user who is not an active member of staff, or a team without an
        active salesperson."""
        return shared_settings.save_rules(self.db, self.user, SETTINGS_KEY, rules,
                                          expected_version, "the public pool rules",
                                          lambda: self._check_users(rules))

    def _check_users(self, rules: PoolRules) -> None:
        with self.db.read() as s:
            active = set(s.scalars(select(User.id).where(User.active.is_(True),
                                                         User.deleted_at.is_(None))))
            team = list(s.scalars(self._team_query(rules.round_robin_team))) \
                if rules.round_robin_team else [None]
        errors = [FieldError(name, "invalid_choice", f"{k}={v}", "not an active user")
                  for name, table in (("by_region", rules.by_region),
                                      ("by_industry", rules.by_industry))
                  for k, v in table.items() if v not in active]
        if not team:
            errors.append(FieldError("round_robin_team", "invalid_choice",
                                     rules.round_robin_team, "no active salesperson"))
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _team_query(team: str):
        """The active salespeople of ``team``, in round-robin order."""
        return (select(User.id).where(User.team == team, User.role == Role.SALES.value,
                                      User.active.is_(True), User.deleted_at.is_(None))
                .order_by(User.username))

    # -- assignment -----------------------------------------------------------------------------

    def assign(self, customer_ids: Iterable[uuid.UUID], *,
               now: dt.datetime | None = None) -> dict[uuid.UUID, uuid.UUID | None]:
        """Give the pool customers among ``customer_ids`` an owner by the team's rules (region,
        industry, round robin); returns customer id -> new owner (None: left in the pool).
        Customers that have an owner (or are deleted) are left out of the result. Each new
        owner is told (``pool_assigned``)."""
        rules = self.rules()[0]
        now = now or _now()
        ids = list(dict.fromkeys(customer_ids))
        with self.db.session() as s:
            active = set(s.scalars(select(User.id).where(User.active.is_(True),
                                                         User.deleted_at.is_(None))))
            rows = []
            for part in _chunks(ids):
                rows += s.execute(select(Customer.id, Customer.region, Customer.industry)
                                  .where(Customer.id.in_(part), Customer.owner_id.is_(None),
                                         Customer.deleted_at.is_(None))).all()
            order = {cid: i for i, cid in enumerate(ids)}
            rows.sort(key=lambda r: order[r[0]])  # round-robin turns in the order given
            plan: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
            rest = []
            for cid, region, industry in rows:
                by_region = rules.by_region.get(region) if region else None
                by_industry = rules.by_industry.get(industry) if industry else None
                if by_region in active:
                    plan[cid] = (by_region, BY_REGION)
                elif by_industry in active:
                    plan[cid] = (by_industry, BY_INDUSTRY)
                else:
                    rest.append(cid)
            if rest and rules.round_robin_team:
                team = list(s.scalars(self._team_query(rules.round_robin_team)))
                if team:
                    # the cursor is a counter: two PCs assigning at once take different turns
                    _ensure_counter(s, RR_COUNTER)
                    first = counters.reserve(s.connection(), RR_COUNTER, len(rest))
                    for i, cid in enumerate(rest):
                        plan[cid] = (team[(first - 1 + i) % len(team)], ROUND_ROBIN)
            done = self._give(s, plan, ASSIGN, now)
        return {cid: done.get(cid) for cid, _r, _i in rows}

    def assign_to(self, customer_ids: Iterable[uuid.UUID], user_id: uuid.UUID, *,
                  now: dt.datetime | None = None) -> dict[uuid.UUID, uuid.UUID | None]:
        """A manager gives pool customers to ``user_id`` by hand (reason ``manual``); returns
        customer id -> new owner for the pool customers among ``customer_ids``."""
        shared_settings.require_manager(self.user, "who owns a customer")
        now = now or _now()
        ids = list(dict.fromkeys(customer_ids))
        with self.db.session() as s:
            target = s.get(User, user_id)
            if target is None or not target.active or target.deleted_at is not None:
                raise ValidationError([FieldError("user_id", "invalid_choice", str(user_id),
                                                  "not an active user")])
            pool = []
            for part in _chunks(ids):
                pool += s.scalars(select(Customer.id).where(
                    Customer.id.in_(part), Customer.owner_id.is_(None),
                    Customer.deleted_at.is_(None))).all()
            done = self._give(s, {cid: (user_id, MANUAL) for cid in pool}, ASSIGN, now)
        return {cid: done.get(cid) for cid in pool}

    def _give(self, s: Session, plan: Mapping[uuid.UUID, tuple[uuid.UUID, str]], action: str,
              now: dt.datetime) -> dict[uuid.UUID, uuid.UUID]:
        """Set the owners in ``plan`` (customer -> (user, reason)) on customers that are still
        in the pool; history, audit and a notification for each new owner. Returns customer
        -> owner for the ones given."""
        t = Customer.__table__
        groups: dict[tuple[uuid.UUID, str], list[uuid.UUID]] = {}
        for cid, owner_reason in plan.items():
            groups.setdefault(owner_reason, []).append(cid)
        done: dict[uuid.UUID, uuid.UUID] = {}
        outbox = notifications.Outbox(SUMMARIES)
        for (uid, reason), cids in groups.items():
            for part in _chunks(cids):
                given = s.execute(
                    update(t).where(t.c.id.in_(part), t.c.owner_id.is_(None),
                                    t.c.deleted_at.is_(None))
                    .values(owner_id=uid, version=t.c.version + 1, updated_at=now)
                    .returning(t.c.id, t.c.code, t.c.name)).all()
                assignments.record(s, [cid for cid, _c, _n in given], action=action,
                                   from_user=None, to_user=uid, reason=reason,
                                   by_user_id=self.user.id, at=now)
                for cid, code, name in given:
                    done[cid] = uid
                    if uid != self.user.id:
                        outbox.add(uid, "pool_assigned", {
                            **_customer_params(code, name, cid), "reason": reason,
                            "by_name": self.user.display_name}, cid)
        outbox.send(s, now)
        return done

    # -- claim and release ----------------------------------------------------------------------

    def _day(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """The start and end (UTC) of the user's calendar day that holds ``now``."""
        local = now.astimezone(self.tz) if self.tz else now.astimezone()
        start = dt.datetime.combine(local.date(), dt.time(), tzinfo=local.tzinfo)
        if self.tz is not None:  # a zone with DST: the day may not be 24 hours
            end = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(),
                                      tzinfo=self.tz)
        else:
            end = start + dt.timedelta(days=1)
        return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)

    def _claimed_today(self, s: Session, now: dt.datetime) -> int:
        start, end = self._day(now)
        a = CustomerAssignment
        return int(s.scalar(select(func.count()).select_from(a).where(
            a.by_user_id == self.user.id, a.action == CLAIM, a.at >= start, a.at < end)) or 0)

    def claims_left_today(self, now: dt.datetime | None = None) -> int | None:
        """How many more customers the user may claim today (None: no limit)."""
        limit = self.rules()[0].claim_limit_per_day
        if not limit:
            return None
        with self.db.read() as s:
            return max(0, limit - self._claimed_today(s, now or _now()))

    def claim(self, customer_id: uuid.UUID, *, now: dt.datetime | None = None) -> ClaimResult:
        """Take a customer from the pool. Refuses, writing nothing, when it has an owner
        (``AlreadyOwned``: someone was quicker) or the user has claimed the team's daily limit
        today (``ClaimLimitReached``)."""
        if self.user.role not in CLAIM_ROLES:
            raise PermissionDenied(f"{self.user.username} ({self.user.role}) may not claim "
                                   "customers from the public pool")
        limit = self.rules()[0].claim_limit_per_day
        now = now or _now()
        me = self.user.id
        t = Customer.__table__
        with self.db.session() as s:
            # first a write: on SQLite it takes the database's write lock, so the count below
            # cannot miss a claim committed meanwhile
            taken = s.execute(update(t).where(t.c.id == customer_id, t.c.owner_id.is_(None),
                                              t.c.deleted_at.is_(None))
                              .values(owner_id=me, version=t.c.version + 1, updated_at=now)
                              ).rowcount
            if not taken:
                row = s.execute(select(Customer.owner_id, Customer.deleted_at, User.display_name)
                                .outerjoin(User, User.id == Customer.owner_id)
                                .where(Customer.id == customer_id)).first()
                if row is None or row.deleted_at is not None:
                    raise NotFound("customers", customer_id)
                raise AlreadyOwned(customer_id, row.owner_id, row.display_name or "")
            used = 0
            if limit:
                if not self.db.is_sqlite:  # one claim of this user at a time on PostgreSQL
                    s.execute(select(User.id).where(User.id == me).with_for_update(key_share=True))
                used = self._claimed_today(s, now)
                if used >= limit:
                    raise ClaimLimitReached(limit, used)
            assignments.record(s, [customer_id], action=CLAIM, from_user=None, to_user=me,
                               reason=CLAIM, by_user_id=me, at=now)
        return ClaimResult(customer_id, me, limit - used - 1 if limit else None)

    def release(self, customer_id: uuid.UUID, reason: str, *,
                now: dt.datetime | None = None) -> ChangeSet:
        """Give a customer back to the pool (its owner, or a manager / admin); ``reason`` is
        required and kept in the history. A customer released by someone else tells its owner
        (``pool_released``)."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError([FieldError("reason", "required")])
        now = now or _now()
        t = Customer.__table__
        with self.db.session() as s:
            row = s.execute(select(Customer.owner_id, Customer.code, Customer.name,
                                   Customer.deleted_at).where(Customer.id == customer_id)).first()
            if row is None or row.deleted_at is not None:
                raise NotFound("customers", customer_id)
            owner = row.owner_id
            if owner is None:
                raise NotOwned(customer_id)
            if owner != self.user.id and self.user.role not in shared_settings.MANAGER_ROLES:
                raise PermissionDenied(f"{self.user.username} ({self.user.role}) may not "
                                       "release another salesperson's customer; its owner "
                                       "or a manager can")
            if not s.execute(update(t).where(t.c.id == customer_id, t.c.owner_id == owner)
                             .values(owner_id=None, version=t.c.version + 1, updated_at=now)
                             ).rowcount:
                raise ConflictError("customers", customer_id, None, None)
            assignments.record(s, [customer_id], action=RELEASE, from_user=owner, to_user=None,
                               reason=reason, by_user_id=self.user.id, at=now)
            if owner != self.user.id:
                notifications.notify(s, owner, "pool_released", {
                    **_customer_params(row.code, row.name, customer_id), "reason": reason,
                    "by_name": self.user.display_name}, customer_id)
        return ChangeSet.of("customers")

    # -- reading --------------------------------------------------------------------------------

    def pool_size(self) -> int:
        """How many customers are in the pool: a count of the partial index of pool customers
        (SQLite would rather walk the owner index and read every row: 0.17 s instead of 5 ms
        with 50,000 in the pool of a million customers)."""
        hint = " INDEXED BY ix_customers_pool_name" if self.db.is_sqlite else ""
        with self.db.read() as s:
            return int(s.scalar(text(
                f"SELECT count(*) FROM customers{hint} WHERE {IN_POOL.text}")) or 0)

    def pool_page(self, search: str = "", region: str | None = None,
                  industry: str | None = None, tier: str | None = None, limit: int = 200,
                  after: tuple | None = None) -> Page:
        """One window of the pool's customers in name order (keyset: pass the last page's
        ``last_key`` as ``after``), filtered like the customer list."""
        query = CustomerQuery(text=search, unowned=True, region=region, industry=industry,
                              tier=tier)
        return CustomerService(self.db, self.user.id, self.user).page(query, after=after, limit=limit)

    def history(self, customer_id: uuid.UUID, limit: int = 500) -> list[AssignmentRecord]:
        """The customer's owner history, newest first, with the users' names."""
        a = CustomerAssignment
        frm, to, by = aliased(User), aliased(User), aliased(User)
        with self.db.read() as s:
            rows = s.execute(
                select(a.at, a.action, a.reason, a.from_user_id, frm.display_name,
                       a.to_user_id, to.display_name, a.by_user_id, by.display_name)
                .outerjoin(frm, frm.id == a.from_user_id)
                .outerjoin(to, to.id == a.to_user_id)
                .outerjoin(by, by.id == a.by_user_id)
                .where(a.customer_id == customer_id, a.deleted_at.is_(None))
                .order_by(a.at.desc(), a.created_at.desc()).limit(limit)).all()
        return [AssignmentRecord(at, action, reason, f, fn or "", t_, tn or "", b, bn or "")
                for at, action, reason, f, fn, t_, tn, b, bn in rows]

    # -- returning to the pool ------------------------------------------------------------------

    def _due_conditions(self, rules: PoolRules, at: dt.datetime,
                        ids: list[uuid.UUID] | None = None) -> list[tuple[str, ColumnElement]]:
        """(reason, condition on ``customers``) for each return rule in force, as of
        ``at``: true for an owned customer that is due to go back to the pool by then.
        ``ids``: only these customers (the lost rule groups their deals only). The condition
        is all correlated index seeks, so it costs the same per customer whether the whole
        table or a few hundred rows are checked."""
        out: list[tuple[str, ColumnElement]] = []
        c = Customer
        days = {t: rules.days_for(t) for t in TIER_KEYS}
        if any(days.values()):
            named = [t for t in TIER_KEYS if t]
            cut = {t: utc_param(at - dt.timedelta(days=d)) for t, d in days.items() if d}
            off = [t for t in named if not days[t]]
            on = [t for t in named if days[t]]
            if days[""]:  # tiers without a rule of their own use the "" rule
                in_force = c.tier.not_in(off) if off else true()
                default = cut[""]
            else:
                in_force = c.tier.in_(on)
                default = utc_param(at)  # never used: those tiers are not in force
            cutoff = case({t: cut[t] for t in on}, value=c.tier, else_=default) if on \
                else default
            i, a, x = Interaction, Activity, CustomerAssignment
            out.append((NO_FOLLOW_UP, and_(
                in_force,
                c.created_at < cutoff,
                # the checks most likely to find something first (each is an index seek)
                ~exists().where(i.customer_id == c.id, i.occurred_at >= cutoff,
                                i.deleted_at.is_(None)),
                ~exists().where(a.customer_id == c.id, a.done_at >= cutoff,
                                a.deleted_at.is_(None)),
                # the current owner got it before the cutoff
                ~exists().where(x.customer_id == c.id, x.at >= cutoff),
            )))
        if rules.lost_return_days:
            cut_lost = utc_param(at - dt.timedelta(days=rules.lost_return_days))
            o, x = Opportunity, CustomerAssignment
            closed = func.max(o.closed_at)
            lost_deals = (
                select(o.customer_id)
                .where(o.deleted_at.is_(None), *([o.customer_id.in_(ids)] if ids else []))
                .group_by(o.customer_id)
                .having(func.sum(case((o.status == OpportunityStatus.OPEN.value, 1),
                                      else_=0)) == 0,
                        closed < cut_lost,
                        # the deal closed last was lost
                        func.max(case((o.status == OpportunityStatus.LOST.value, o.closed_at)))
                        == closed))
            out.append((LOST, and_(
                c.id.in_(lost_deals),
                ~exists().where(x.customer_id == c.id, x.at >= cut_lost))))
        return out

    def _due_rows(self, s: Session, rules: PoolRules, at: dt.datetime,
                  owner_id: uuid.UUID | None = None):
        """(reason, customer id, owner) of the owned customers due to return by ``at``, rule
        by rule (no follow-up first; a customer due for both comes twice). Only two columns
        per customer: at a million customers what Python does per row costs more than the
        SQL."""
        c = Customer
        for reason, cond in self._due_conditions(rules, at):
            q = (select(c.id, c.owner_id)
                 .where(c.owner_id.is_not(None) if owner_id is None else c.owner_id == owner_id,
                        c.deleted_at.is_(None), cond))
            for cid, owner in s.execute(q):
                yield reason, cid, owner

    def count_due(self, now: dt.datetime | None = None) -> int:
        """How many customers ``return_due`` would return now (nothing is written): for a
        confirmation before the rules run for the first time on an old database."""
        with self.db.read() as s:
            return len({cid for _r, cid, _o in self._due_rows(s, self.rules()[0],
                                                              now or _now())})

    def return_due(self, now: dt.datetime | None = None) -> list[Returned]:
        """Return to the pool every owned customer that is due (see ``PoolRules``): owner
        cleared, version and updated_at bumped, a ``return`` history row (by nobody: the
        rules), an audit row, and a ``pool_return`` notification for the former owner and
        their manager (a reader who would get more than ``notifications.EACH_MAX`` in one run
        gets one ``pool_return_summary`` instead). Returns what went back, by code.

        The customers are found with a read; then each batch of 500 (in table order, so a
        batch shares pages: 2.4 times faster than batches of one owner at a million
        customers) is checked again and returned under lock: history and audit rows from the
        customers that are still owned and due (INSERT ... SELECT), then their owner cleared.
        A customer followed up, reassigned or returned by another PC meanwhile is left alone."""
        rules = self.rules()[0]
        now = now or _now()
        by_reason: dict[str, list[uuid.UUID]] = {}
        seen: set[uuid.UUID] = set()
        with self.db.read() as s:
            for reason, cid, _owner in self._due_rows(s, rules, now):
                if cid not in seen:
                    seen.add(cid)
                    by_reason.setdefault(reason, []).append(cid)
        total = len(seen)
        del seen
        if not total:
            return []
        t, x = Customer.__table__, CustomerAssignment.__table__
        returned: list[Returned] = []
        outbox = notifications.Outbox(SUMMARIES)
        with self.db.session() as s, _page_cache_for(s, total):
            users = {u.id: u for u in s.execute(
                select(User.id, User.display_name, User.manager_id))}
            for reason, cids in by_reason.items():
                for part in _chunks(cids):
                    due = and_(t.c.deleted_at.is_(None),
                               dict(self._due_conditions(rules, now, part))[reason])
                    if not self.db.is_sqlite:  # SQLite: the first write took the write lock
                        s.execute(select(t.c.id).where(t.c.id.in_(part),
                                                       t.c.owner_id.is_not(None), due)
                                  .with_for_update())
                    assignments.record_from_owners(s, part, due, action=RETURN, reason=reason,
                                                   by_user_id=None, at=now)
                    owners = dict(s.execute(select(x.c.customer_id, x.c.from_user_id).where(
                        assignments.cleared(part, RETURN, now))).all())
                    gone = s.execute(
                        update(t).where(t.c.id.in_(list(owners)))
                        .values(owner_id=None, version=t.c.version + 1, updated_at=now)
                        .returning(t.c.id, t.c.code, t.c.name, t.c.tier)).all()
                    for cid, code, cname, tier in gone:
                        owner = owners[cid]
                        u = users.get(owner)
                        name, manager = (u.display_name, u.manager_id) if u else ("", None)
                        r = Returned(cid, code, cname, tier, owner, name, manager, reason,
                                     rules.days_for(tier) if reason == NO_FOLLOW_UP
                                     else rules.lost_return_days)
                        returned.append(r)
                        params = {**_customer_params(code, cname, cid), "reason": reason,
                                  "days": r.days, "owner_id": str(owner), "owner_name": name}
                        outbox.add(owner, "pool_return", {**params, "to": "owner"}, cid)
                        if manager is not None and manager != owner:
                            outbox.add(manager, "pool_return", {**params, "to": "manager"},
                                       cid)
            outbox.send(s, now)
        returned.sort(key=lambda r: r.code)
        return returned

    def due_soon(self, owner_id: uuid.UUID, within_days: int = 7, *,
                 now: dt.datetime | None = None) -> list[DueSoon]:
        """The owner's customers that go back to the pool within ``within_days`` unless they
        are followed up, soonest first, with when (for the home dashboard)."""
        rules = self.rules()[0]
        now = now or _now()
        c, i, a, x, o = Customer, Interaction, Activity, CustomerAssignment, Opportunity
        latest = (
            select(func.max(i.occurred_at)).where(i.customer_id == c.id, i.deleted_at.is_(None)),
            select(func.max(a.done_at)).where(a.customer_id == c.id, a.deleted_at.is_(None)),
            select(func.max(x.at)).where(x.customer_id == c.id),
            select(func.max(o.closed_at)).where(o.customer_id == c.id, o.deleted_at.is_(None)),
        )
        with self.db.read() as s:
            due: dict[uuid.UUID, list[str]] = {}
            for reason, cid, _owner in self._due_rows(
                    s, rules, now + dt.timedelta(days=within_days), owner_id):
                due.setdefault(cid, []).append(reason)
            rows = []
            for part in _chunks(list(due)):
                rows += s.execute(select(
                    c.id, c.code, c.name, c.tier, c.created_at,
                    *(q.scalar_subquery() for q in latest)).where(c.id.in_(part))).all()
        out = []
        for cid, code, name, tier, created, interaction, done, assigned, closed in rows:
            reasons = due[cid]
            follow = max((t for t in (interaction, done) if t is not None), default=None)
            # the same clocks as the return rules: since the last follow-up or since the
            # owner got the customer; since the lost deal closed or the owner got it
            when = {}
            for reason in reasons:
                if reason == NO_FOLLOW_UP:
                    days = rules.days_for(tier)
                    start = max(t for t in (created, assigned, follow) if t is not None)
                else:
                    days = rules.lost_return_days
                    start = max(t for t in (closed, assigned, created) if t is not None)
                when[reason] = (start + dt.timedelta(days=days), days)
            reason = min(reasons, key=lambda r: when[r][0])
            due_at, days = when[reason]
            left = math.floor((due_at - now).total_seconds() / 86400)
            out.append(DueSoon(cid, code, name, tier, reason, days, due_at, left, follow))
        out.sort(key=lambda d: (d.due_at, d.code))
        return out
