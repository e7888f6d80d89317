"""Sales targets (业绩目标) and their attainment (no Qt).

A manager sets, per month ("2026-10") or quarter ("2026-Q4"), a revenue target and a
new-customer target for a salesperson or a team. Attainment for a period:

* revenue: the paid orders of the person's customers in the period (the team's: its members'
  customers), with the amount of deals they won in the period beside it;
* new customers: the person's customers whose first paid order falls in the period;
* pipeline coverage: the weighted open pipeline (amount x probability) expected to close in
  what is left of the period, over the revenue still missing to reach the target (None when
  there is no target or it is reached).

A team without a target of its own is measured against the sum of its members' targets.

The grid editor saves many targets at once (``set_targets``: one transaction, refused with
``TargetConflict`` when another manager changed one of them since it was loaded), copies a
period's targets to another (``copied_targets`` / ``copy_targets``); importing from Excel or CSV
is in ``targets_import``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desktop_crm.models import (
    Customer, CustomerOrderStats, Opportunity, OpportunityStatus, Order, Role, SalesTarget,
    User,
)
from . import audit, shared_settings
from .db import Database
from .order_stats import PAID_SQL
from .errors import ConflictError, FieldError, ValidationError
from .periods import add_months, local_midnight, local_zone
from .users import UserInfo

PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


def parse_period(period: str) -> tuple[dt.date, dt.date]:
    """[first day, first day after) of "2026-10" or "2026-Q4"; ValidationError otherwise."""
    m = PERIOD.match(period.strip().upper())
    if not m:
        raise ValidationError([FieldError("period", "invalid", period,
                                          "YYYY-MM or YYYY-Q1..Q4")])
    year = int(m.group(1))
    if m.group(2):
        first = dt.date(year, int(m.group(2)), 1)
        return first, add_months(first, 1)
    first = dt.date(year, (int(m.group(3)) - 1) * 3 + 1, 1)
    return first, add_months(first, 3)


def period_of(day: dt.date, quarter: bool = False) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}" if quarter else day.strftime("%Y-%m")


@dataclass(frozen=True)
class TargetRow:
    period: str
    user_id: uuid.UUID | None
    team: str
    revenue: Decimal | None
    new_customers: int | None
    version: int


@dataclass(frozen=True)
class TargetEdit:
    """A target as the editor (or an import) wants it: for ``user_id`` or ``team``;
    ``version``: the version loaded (0: there was no target then). ``set_revenue`` /
    ``set_new_customers`` False leaves that measure as it is (a column missing from a file)."""

    user_id: uuid.UUID | None = None
    team: str = ""
    revenue: Decimal | int | str | None = None
    new_customers: int | None = None
    version: int = 0
    set_revenue: bool = True
    set_new_customers: bool = True


@dataclass(frozen=True)
class TargetSummary:
    """What a bulk save, a copy or an import did: targets created, changed, left as they
    were, and the periods written."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    periods: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConflictingTarget:
    """A target someone else created or changed after the editor loaded it."""

    period: str
    user_id: uuid.UUID | None
    team: str
    name: str  # the salesperson's display name, or the team
    expected: int  # the version loaded (0: none)
    actual: int
    changed_by: str  # who changed it last (from the audit log), "" when unknown
    revenue: Decimal | None  # their values
    new_customers: int | None


class TargetConflict(ConflictError):
    """Targets changed since they were loaded; nothing was saved. ``conflicts`` says which
    and who changed them."""

    def __init__(self, conflicts: list[ConflictingTarget]):
        self.conflicts = tuple(conflicts)
        first = self.conflicts[0]
        super().__init__("sales_targets", first.user_id or first.team, first.expected,
                         first.actual)
        who = "; ".join(f"{c.period} {c.name}" + (f" (by {c.changed_by})" if c.changed_by
                                                     else "") for c in self.conflicts)
        self.args = (f"sales targets changed by someone else since you loaded them: {who}; "
                     "nothing was saved",)


def clean_revenue(value: object, field: str = "revenue") -> tuple[Decimal | None,
                                                                    FieldError | None]:
    """A revenue target: None (no target) or 0 <= amount < 10^12, two decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        return None, FieldError(field, "invalid", str(value))
    if not amount.is_finite():
        return None, FieldError(field, "invalid", str(value))
    if not Decimal(0) <= amount < Decimal("1e12"):
        return None, FieldError(field, "out_of_range", str(value), ">= 0")
    return amount.quantize(Decimal("0.01")), None


def clean_count(value: object, field: str = "new_customers") -> tuple[int | None,
                                                                      FieldError | None]:
    """A new-customer target: None or a whole number >= 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool) or not isinstance(value, int):
        return None, FieldError(field, "invalid", str(value), "a whole number")
    if not 0 <= value < 10**9:
        return None, FieldError(field, "out_of_range", str(value), ">= 0")
    return value, None


def previous_period(period: str) -> str:
    """The month or quarter before ``period``."""
    first, after = parse_period(period)
    quarter = (after.year * 12 + after.month) - (first.year * 12 + first.month) == 3
    return period_of(add_months(first, -3 if quarter else -1), quarter)


@dataclass(frozen=True)
class Attainment:
    """One salesperson's (``user_id``) or one team's (``team``) period against its targets."""

    period: str
    user_id: uuid.UUID | None
    team: str
    name: str
    revenue_target: Decimal | None
    revenue: Decimal
    won_amount: Decimal
    new_customers_target: int | None
    new_customers: int
    weighted_open: Decimal  # expected to close in what is left of the period

    @property
    def revenue_attainment(self) -> float | None:
        return float(self.revenue / self.revenue_target) if self.revenue_target else None

    @property
    def new_customers_attainment(self) -> float | None:
        return self.new_customers / self.new_customers_target \
            if self.new_customers_target else None

    @property
    def remaining(self) -> Decimal | None:
        if self.revenue_target is None:
            return None
        return max(Decimal(0), self.revenue_target - self.revenue)

    @property
    def coverage(self) -> float | None:
        """Weighted open pipeline / revenue still missing (None: no target, or reached)."""
        rest = self.remaining
        return float(self.weighted_open / rest) if rest else None


class TargetService:
    def __init__(self, db: Database, user: UserInfo, tz: dt.tzinfo | None = None):
        self.db = db
        self.user = user
        self.tz = tz

    def targets(self, period: str) -> list[TargetRow]:
        parse_period(period)
        with self.db.read() as s:
            return [TargetRow(t.period, t.user_id, t.team, t.revenue, t.new_customers,
                              t.version)
                    for t in s.scalars(select(SalesTarget).where(
                        SalesTarget.period == period.upper(),
                        SalesTarget.deleted_at.is_(None)))]

    def set_target(self, period: str, *, user_id: uuid.UUID | None = None, team: str = "",
                   revenue: Decimal | int | str | None = None,
                   new_customers: int | None = None) -> None:
        """Set (or clear, with both None) the targets of a salesperson or a team (managers
        and admins)."""
        shared_settings.require_manager(self.user, "sales targets")
        parse_period(period)
        period = period.strip().upper()
        errors = []
        if (user_id is None) == (not team.strip()):
            errors.append(FieldError("user_id", "required", "", "a salesperson or a team"))
        amount, err = clean_revenue(revenue)
        if err:
            errors.append(err)
        new_customers, err = clean_count(new_customers)
        if err:
            errors.append(err)
        if errors:
            raise ValidationError(errors)
        with self.db.session() as s:
            self._lock(s, [period])
            row = _find(s, period, user_id, team.strip())
            old = None
            if row is None:
                row = SalesTarget(period=period, user_id=user_id, team=team.strip())
                s.add(row)
            else:
                old = {"revenue": row.revenue, "new_customers": row.new_customers}
            row.revenue, row.new_customers, row.deleted_at = amount, new_customers, None
            s.flush()
            audit.record(s, table="sales_targets", row_id=row.id,
                         action="create" if old is None else "update", user_id=self.user.id,
                         old=old, new={"revenue": amount, "new_customers": new_customers})

    # -- many at once ---------------------------------------------------------------------------

    def _lock(self, s: Session, periods: list[str]) -> None:
        """Serialise writers of the same periods, so that two managers saving at once cannot
        both find "no target yet" and both create one: PostgreSQL takes a transaction-level
        advisory lock per period; SQLite takes its write lock now (pysqlite begins the
        transaction at the first write, so reads before it could be stale)."""
        if self.db.is_sqlite:
            s.execute(text("UPDATE sales_targets SET team = team WHERE 0"))
            return
        for p in sorted(set(periods)):
            s.execute(select(func.pg_advisory_xact_lock(
                func.hashtext("sales_targets:" + p))))

    def set_targets(self, period: str, rows: list[TargetEdit]) -> TargetSummary:
        """Save many targets of ``period`` in one transaction (managers and admins). Each
        row's ``version`` is the one the editor loaded: when another manager created or
        changed that target since (to other values than these), ``TargetConflict`` names
        them all and nothing is written. Invalid values raise ``ValidationError`` whose
        errors are ``RowError``s with ``row`` = the index in ``rows``."""
        shared_settings.require_manager(self.user, "sales targets")
        parse_period(period)
        period = period.strip().upper()
        return self.apply_edits([(period, r, i) for i, r in enumerate(rows)],
                                check_versions=True)

    def apply_edits(self, items: list[tuple[str, TargetEdit, int]], *, check_versions: bool,
                    file: str = "") -> TargetSummary:
        """Validate then write ``(period, edit, row number)`` items in one transaction, with
        an audit row per change. Rows are told apart by ``row`` in the errors."""
        shared_settings.require_manager(self.user, "sales targets")
        errors: list[FieldError] = []
        clean: list[tuple[str, TargetEdit, Decimal | None, int | None, int]] = []
        seen: dict[tuple[str, uuid.UUID | None, str], int] = {}
        for period, r, n in items:
            team = "" if r.user_id is not None else r.team.strip()
            if (r.user_id is None) == (not team):
                errors.append(RowError("user_id", "required", "", "a salesperson or a team",
                                       file=file, row=n))
            amount, err = clean_revenue(r.revenue) if r.set_revenue else (None, None)
            if err:
                errors.append(RowError.of(err, file, n))
            count, err = clean_count(r.new_customers) if r.set_new_customers else (None, None)
            if err:
                errors.append(RowError.of(err, file, n))
            key = (period, r.user_id, team)
            if key in seen:
                errors.append(RowError("user_id" if r.user_id else "team", "duplicate",
                                       str(r.user_id or team), f"also in row {seen[key]}",
                                       file=file, row=n))
            seen[key] = n
            clean.append((period, TargetEdit(r.user_id, team, r.revenue, r.new_customers,
                                             r.version, r.set_revenue, r.set_new_customers),
                          amount, count, n))
        if errors:
            raise ValidationError(errors)
        created = updated = unchanged = 0
        conflicts: list[ConflictingTarget] = []
        with self.db.session() as s:
            self._lock(s, [p for p, *_ in clean])
            known = {u.id: u for u in s.scalars(select(User).where(
                User.id.in_({e.user_id for _p, e, *_ in clean if e.user_id})))}
            for period, e, amount, count, n in clean:
                if e.user_id is not None and e.user_id not in known:
                    errors.append(RowError("user_id", "invalid", str(e.user_id),
                                           "no such user", file=file, row=n))
                    continue
                row = _find(s, period, e.user_id, e.team)
                live = row is not None and row.deleted_at is None
                actual = row.version if live else 0
                before = ((row.revenue, row.new_customers) if live else (None, None))
                after = (amount if e.set_revenue else before[0],
                         count if e.set_new_customers else before[1])
                if after == before and (live or after == (None, None)):
                    unchanged += 1
                    continue
                if check_versions and actual != e.version:
                    changed_by = ""
                    if row is not None:
                        last = audit.history(s, "sales_targets", row.id, limit=1)
                        changed_by = last[0].user if last else ""
                    conflicts.append(ConflictingTarget(
                        period, e.user_id, e.team,
                        known[e.user_id].display_name if e.user_id else e.team,
                        e.version, actual, changed_by, before[0], before[1]))
                    continue
                if row is None:
                    row = SalesTarget(period=period, user_id=e.user_id, team=e.team)
                    s.add(row)
                row.revenue, row.new_customers, row.deleted_at = after[0], after[1], None
                s.flush()
                audit.record(s, table="sales_targets", row_id=row.id,
                             action="update" if live else "create", user_id=self.user.id,
                             old={"revenue": before[0], "new_customers": before[1]}
                             if live else None,
                             new={"revenue": after[0], "new_customers": after[1]})
                if live:
                    updated += 1
                else:
                    created += 1
            if errors:
                raise ValidationError(errors)
            if conflicts:
                raise TargetConflict(conflicts)
        return TargetSummary(created, updated, unchanged,
                             tuple(sorted({p for p, *_ in clean})))

    def copied_targets(self, source: str, dest: str) -> list[TargetEdit]:
        """The targets of ``source`` as edits of ``dest`` for the people and teams that have
        no target in ``dest`` yet (the editor shows them unsaved; ``copy_targets`` saves)."""
        parse_period(dest)
        have = {(t.user_id, t.team) for t in self.targets(dest)
                if t.revenue is not None or t.new_customers is not None}
        with self.db.read() as s:
            active = set(s.scalars(select(User.id).where(User.active.is_(True),
                                                         User.deleted_at.is_(None))))
        return [TargetEdit(t.user_id, t.team, t.revenue, t.new_customers, 0)
                for t in self.targets(source)
                if (t.user_id, t.team) not in have and (t.user_id is None or t.user_id in active)
                and (t.revenue is not None or t.new_customers is not None)]

    def copy_targets(self, source: str, dest: str) -> TargetSummary:
        """Copy the targets of one period to another where the other has none (managers)."""
        shared_settings.require_manager(self.user, "sales targets")
        dest = dest.strip().upper()
        versions = {(t.user_id, t.team): t.version for t in self.targets(dest)}
        edits = [TargetEdit(e.user_id, e.team, e.revenue, e.new_customers,
                            versions.get((e.user_id, e.team), 0))
                 for e in self.copied_targets(source, dest)]
        return self.set_targets(dest, edits)

    # -- attainment -----------------------------------------------------------------------------

    def _bounds(self, first: dt.date, after: dt.date) -> tuple[dt.datetime, dt.datetime]:
        tz = self.tz or local_zone()
        return local_midnight(first, tz), local_midnight(after, tz)

    def attainment(self, period: str, *, team: str | None = None,
                   today: dt.date | None = None,
                   owner_id: uuid.UUID | None = None) -> list[Attainment]:
        """Every active salesperson (of ``team``) and every team, for ``period``: actuals
        against targets. ``today`` decides what is left of the period for the coverage.
        ``owner_id``: that salesperson alone (no team rows), read from their own customers'
        orders only (a salesperson's Home section)."""
        first, after = parse_period(period)
        period = period.strip().upper()
        today = today or dt.date.today()
        lo, hi = self._bounds(first, after)
        rest_from = min(max(today, first), after)
        o, c, op, st = Order, Customer, Opportunity, CustomerOrderStats
        mine_c = [] if owner_id is None else [c.owner_id == owner_id]
        mine_op = [] if owner_id is None else [op.owner_id == owner_id]
        with self.db.read() as s:
            people = [(u.id, u.display_name, u.team) for u in s.scalars(
                select(User).where(User.active.is_(True), User.deleted_at.is_(None),
                                   User.role.in_((Role.SALES.value, Role.MANAGER.value)),
                                   *([] if owner_id is None else [User.id == owner_id]))
                .order_by(User.display_name))]
            # the paid condition as a literal: the partial indexes' own, so SQLite uses them
            revenue = dict(s.execute(
                select(c.owner_id, func.sum(o.amount)).join(c, c.id == o.customer_id)
                .where(PAID_SQL, o.deleted_at.is_(None), o.order_date >= first,
                       o.order_date < after, *mine_c).group_by(c.owner_id)).all())
            won = dict(s.execute(
                select(op.owner_id, func.sum(op.amount)).where(
                    op.deleted_at.is_(None), op.status == OpportunityStatus.WON.value,
                    op.closed_at >= lo, op.closed_at < hi, *mine_op)
                .group_by(op.owner_id)).all())
            new = dict(s.execute(
                select(c.owner_id, func.count()).select_from(st).join(
                    c, c.id == st.customer_id)
                .where(st.first_day >= first, st.first_day < after,
                       c.deleted_at.is_(None), *mine_c).group_by(c.owner_id)).all())
            weighted = dict(s.execute(
                select(op.owner_id, func.sum(op.amount * op.probability / 100.0)).where(
                    op.deleted_at.is_(None), op.status == OpportunityStatus.OPEN.value,
                    op.expected_close >= rest_from, op.expected_close < after, *mine_op)
                .group_by(op.owner_id)).all())
        targets = {(t.user_id, t.team): t for t in self.targets(period)}
        out: list[Attainment] = []
        teams: dict[str, list[Attainment]] = {}
        for uid, name, user_team in people:
            t = targets.get((uid, ""))
            a = Attainment(period, uid, user_team, name, t.revenue if t else None,
                           Decimal(revenue.get(uid) or 0), Decimal(won.get(uid) or 0),
                           t.new_customers if t else None, int(new.get(uid) or 0),
                           Decimal(str(weighted.get(uid) or 0)))
            teams.setdefault(user_team, []).append(a)
            if team is None or user_team == team:
                out.append(a)
        for name in sorted(t for t in teams if t and owner_id is None
                           and (team is None or t == team)):
            members = teams[name]
            own = targets.get((None, name))
            member_rev = [m.revenue_target for m in members if m.revenue_target is not None]
            member_new = [m.new_customers_target for m in members
                          if m.new_customers_target is not None]
            out.append(Attainment(
                period, None, name, name,
                own.revenue if own and own.revenue is not None
                else (sum(member_rev, Decimal(0)) if member_rev else None),
                sum((m.revenue for m in members), Decimal(0)),
                sum((m.won_amount for m in members), Decimal(0)),
                own.new_customers if own and own.new_customers is not None
                else (sum(member_new) if member_new else None),
                sum(m.new_customers for m in members),
                sum((m.weighted_open for m in members), Decimal(0))))
        return out


def _find(s: Session, period: str, user_id: uuid.UUID | None, team: str) -> SalesTarget | None:
    """The target row of a person or team (a live one before a deleted one)."""
    return s.scalars(select(SalesTarget).where(
        SalesTarget.period == period,
        SalesTarget.user_id.is_(None) if user_id is None else SalesTarget.user_id == user_id,
        SalesTarget.team == ("" if user_id is not None else team))
        .order_by(SalesTarget.deleted_at.is_not(None), SalesTarget.created_at)).first()


@dataclass(frozen=True)
class RowError(FieldError):
    """A FieldError of one row: of a file (``file``, ``row`` as the spreadsheet shows it) or
    of the rows given to ``set_targets`` (``row`` = index)."""

    file: str = ""
    row: int = 0

    @classmethod
    def of(cls, err: FieldError, file: str, row: int) -> "RowError":
        return cls(err.field, err.code, err.value, err.detail, file=file, row=row)

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" if self.file else f"row {self.row}"
        return f"{where}: {FieldError.__str__(self)}"


__all__ = ["Attainment", "ConflictingTarget", "RowError", "TargetConflict", "TargetEdit",
           "TargetRow", "TargetService", "TargetSummary", "clean_count", "clean_revenue",
           "parse_period", "period_of", "previous_period"]
