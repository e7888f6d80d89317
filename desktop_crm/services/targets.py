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
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from desktop_crm.models import (
    Customer, CustomerOrderStats, Opportunity, OpportunityStatus, Order, Role, SalesTarget,
    User,
)
from . import audit, shared_settings
from .db import Database
from .errors import FieldError, ValidationError
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
        try:
            amount = None if revenue in (None, "") else Decimal(str(revenue))
            if amount is not None and not Decimal(0) <= amount < Decimal("1e12"):
                errors.append(FieldError("revenue", "out_of_range", str(revenue), ">= 0"))
        except ArithmeticError:
            errors.append(FieldError("revenue", "invalid", str(revenue)))
            amount = None
        if new_customers is not None and (not isinstance(new_customers, int)
                                          or new_customers < 0):
            errors.append(FieldError("new_customers", "out_of_range", str(new_customers),
                                     ">= 0"))
        if errors:
            raise ValidationError(errors)
        with self.db.session() as s:
            row = s.scalars(select(SalesTarget).where(
                SalesTarget.period == period,
                SalesTarget.user_id.is_(None) if user_id is None
                else SalesTarget.user_id == user_id,
                SalesTarget.team == team.strip())).first()
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

    # -- attainment -----------------------------------------------------------------------------

    def _bounds(self, first: dt.date, after: dt.date) -> tuple[dt.datetime, dt.datetime]:
        tz = self.tz or local_zone()
        return local_midnight(first, tz), local_midnight(after, tz)

    def attainment(self, period: str, *, team: str | None = None,
                   today: dt.date | None = None) -> list[Attainment]:
        """Every active salesperson (of ``team``) and every team, for ``period``: actuals
        against targets. ``today`` decides what is left of the period for the coverage."""
        first, after = parse_period(period)
        period = period.strip().upper()
        today = today or dt.date.today()
        lo, hi = self._bounds(first, after)
        rest_from = min(max(today, first), after)
        o, c, op, st = Order, Customer, Opportunity, CustomerOrderStats
        with self.db.read() as s:
            people = [(u.id, u.display_name, u.team) for u in s.scalars(
                select(User).where(User.active.is_(True), User.deleted_at.is_(None),
                                   User.role.in_((Role.SALES.value, Role.MANAGER.value)))
                .order_by(User.display_name))]
            revenue = dict(s.execute(
                select(c.owner_id, func.sum(o.amount)).join(c, c.id == o.customer_id)
                .where(o.status == "paid", o.deleted_at.is_(None), o.order_date >= first,
                       o.order_date < after).group_by(c.owner_id)).all())
            won = dict(s.execute(
                select(op.owner_id, func.sum(op.amount)).where(
                    op.deleted_at.is_(None), op.status == OpportunityStatus.WON.value,
                    op.closed_at >= lo, op.closed_at < hi).group_by(op.owner_id)).all())
            new = dict(s.execute(
                select(c.owner_id, func.count()).select_from(st).join(
                    c, c.id == st.customer_id)
                .where(st.first_day >= first, st.first_day < after,
                       c.deleted_at.is_(None)).group_by(c.owner_id)).all())
            weighted = dict(s.execute(
                select(op.owner_id, func.sum(op.amount * op.probability / 100.0)).where(
                    op.deleted_at.is_(None), op.status == OpportunityStatus.OPEN.value,
                    op.expected_close >= rest_from, op.expected_close < after)
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
        for name in sorted(t for t in teams if t and (team is None or t == team)):
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


__all__ = ["Attainment", "TargetRow", "TargetService", "parse_period", "period_of"]
