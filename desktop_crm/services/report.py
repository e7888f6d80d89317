"""The monthly management report's figures (no Qt): for a month, each figure for that month,
the month before and the same month a year earlier, for the whole company, a team or one
salesperson. Every figure is one SQL aggregate (indexes on order dates, opportunity and
activity times, ticket times), so a month of a million customers and ten million orders is
seconds, not minutes. A section whose data does not exist is left out (tiers before any tier
run), not faked; a month without data gives zeros and None (a dash), never an error.

Definitions:

* customers: new = created in the month; active = with a paid order in the month; total =
  existing at the month's end; repurchase rate = active customers who had bought before the
  month / active; churned = customers whose last paid order was twelve months before (they
  crossed the twelve-month line this month and have not bought since); ARPU = revenue / active.
* revenue: paid orders of the month (count, amount, average), by region, industry and owner
  (the customer's), the top 10 customers; the last twelve months for the chart.
* pipeline: opportunities created in the month; won / lost closed in the month (count,
  amount); win rate = won / (won + lost); sales cycle = mean days from creation to winning;
  the weighted forecast (amount x probability) of open deals by expected close in the three
  months after; the lost reasons of the month.
* follow-ups: planned = due in the month (not cancelled); completed = done in the month;
  overdue = due in the month and not done by its end; per salesperson.
* tiers: the tiers applied in the month (tier snapshots), the migration from the month
  before, the at-risk customers of the last tier computation.
* service: the ticket service's month figures (SLA compliance, first response, satisfaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from desktop_crm.models import (
    Activity, Customer, CustomerMetrics, CustomerOrderStats, Opportunity, OpportunityStatus,
    Order, OrderStatus, Ticket, TierSnapshot, User,
)

from . import company, shared_settings
from .db import Database
from .errors import PermissionDenied
from .order_stats import PAID_SQL
from .periods import add_months, local_midnight, local_zone, month_start, utc_param
from .report_model import Chart, Figure, MonthlyReport, Scope, Section, Table
from .users import UserInfo

TOP = 10
TIER_ORDER = ("strategic", "growth", "basic", "dormant", "")
PAID = OrderStatus.PAID.value
SUMMARY = ("revenue.amount", "revenue.orders", "customers.active", "customers.new",
           "customers.arpu", "customers.churned", "pipeline.won_amount", "pipeline.win_rate",
           "followups.completed", "followups.overdue", "service.resolve_compliance",
           "service.satisfaction")



def _num(v) -> float | None:
    return None if v is None else float(v)


class ReportService:
    def __init__(self, db: Database, user: UserInfo, tz: dt.tzinfo | None = None):
        """``tz``: the company's time zone, which decides when a month begins (default:
        the computer's)."""
        self.db = db
        self.user = user
        self.tz = tz

    def company_name(self) -> str:
        return company.load(self.db).name

    def company(self) -> tuple[str, int]:
        """The company name on reports and its settings version (0: never saved)."""
        c = company.load(self.db)
        return c.name, c.version

    def save_company(self, name: str, expected_version: int) -> int:
        """Set the company name (managers and admins; at most 100 characters); the
        currency stays as it is."""
        return company.save(self.db, self.user, name, company.load(self.db).currency,
                            expected_version)

    def allowed_scopes(self) -> list[Scope]:
        """What this user may report on: a salesperson themselves, a manager their team
        and its people (and the company), an admin everything."""
        from .users import UserService

        me = Scope(owner_id=self.user.id, label=self.user.display_name)
        if self.user.role not in shared_settings.MANAGER_ROLES:
            return [me]
        people = UserService(self.db).list()
        teams = sorted({u.team for u in people if u.team})
        if self.user.role != "admin" and self.user.team:
            teams = [self.user.team]
            people = [u for u in people if u.team == self.user.team]
        return ([Scope()] + [Scope(team=t, label=t) for t in teams]
                + [Scope(owner_id=u.id, label=u.display_name) for u in people])

    # -- time -----------------------------------------------------------------------------------

    def _bounds(self, month: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The month as UTC instants (its first and the next month's first local midnight)."""
        tz = self.tz or local_zone()
        return local_midnight(month, tz), local_midnight(add_months(month, 1), tz)

    # -- scope ----------------------------------------------------------------------------------

    @staticmethod
    def _owner_filter(col, scope: Scope) -> list:
        if scope.owner_id is not None:
            return [col == scope.owner_id]
        if scope.team:
            return [col.in_(select(User.id).where(User.team == scope.team))]
        return []

    def _customer_scope(self, scope: Scope, customer_col) -> list:
        """Rows whose customer is in scope (the customer's owner)."""
        cond = self._owner_filter(Customer.owner_id, scope)
        if not cond:
            return []
        return [customer_col.in_(select(Customer.id).where(*cond))]

    # -- the report -----------------------------------------------------------------------------

    def build(self, month: dt.date, scope: Scope = Scope(), *, company: str | None = None,
              now: dt.datetime | None = None,
              progress: Callable[[str, int, int], bool] | None = None) -> MonthlyReport:
        """The whole report for ``month`` (any day of it). ``progress(stage, done, total)``
        is told after each section."""
        if (scope.owner_id, scope.team) not in {(a.owner_id, a.team)
                                                for a in self.allowed_scopes()}:
            # a salesperson reports on themselves, a manager on their team and its people
            raise PermissionDenied("permission:report_scope", self.user.username,
                                   self.user.role)
        month = month_start(month)
        months = (month, add_months(month, -1), add_months(month, -12))
        steps = [("customers", self._customers), ("revenue", self._revenue),
                 ("pipeline", self._pipeline), ("followups", self._followups),
                 ("tiers", self._tiers), ("service", self._service)]
        sections = []
        with self.db.read() as s:
            for i, (key, fn) in enumerate(steps):
                section = fn(s, months, scope, now or dt.datetime.now(dt.timezone.utc))
                if section is not None:
                    sections.append(section)
                if progress is not None:
                    progress(key, i + 1, len(steps))
        return MonthlyReport(month, scope, self.company_name() if company is None else company,
                             now or dt.datetime.now(dt.timezone.utc), tuple(sections),
                             SUMMARY)

    def _three(self, s: Session, months, fn) -> tuple:
        return tuple(fn(s, *self._bounds(m), m) for m in months)

    # -- customers ------------------------------------------------------------------------------

    def _paid_orders(self, scope: Scope, lo_day: dt.date, hi_day: dt.date):
        """Paid, live orders of [lo_day, hi_day): written as the partial index's own
        condition (a literal, not a parameter), so SQLite answers from the index alone."""
        o = Order
        return [PAID_SQL, o.deleted_at.is_(None), o.order_date >= lo_day,
                o.order_date < hi_day, *self._customer_scope(scope, o.customer_id)]

    def _customers(self, s: Session, months, scope: Scope, now) -> Section:
        c, o = Customer, Order
        cs = self._owner_filter(c.owner_id, scope)

        def figures(s, lo, hi, m):
            nxt = add_months(m, 1)
            new = s.scalar(select(func.count()).select_from(c).where(
                c.deleted_at.is_(None), c.created_at >= utc_param(lo),
                c.created_at < utc_param(hi), *cs))
            total = s.scalar(select(func.count()).select_from(c).where(
                c.deleted_at.is_(None), c.created_at < utc_param(hi), *cs))
            active = s.scalar(select(func.count(o.customer_id.distinct())).where(
                *self._paid_orders(scope, m, nxt)))
            # first purchases in the month are the active customers who had not bought
            # before: the rest repurchased
            st = CustomerOrderStats
            first = s.scalar(select(func.count()).select_from(st).where(
                st.first_day >= m, st.first_day < nxt,
                *self._customer_scope(scope, st.customer_id)))
            repeat = max(0, active - first)
            revenue = s.scalar(select(func.coalesce(func.sum(o.amount), 0)).where(
                *self._paid_orders(scope, m, nxt)))
            churned = s.scalar(select(func.count()).select_from(st).where(
                st.last_day >= m - dt.timedelta(days=365),
                st.last_day < nxt - dt.timedelta(days=365),
                *self._customer_scope(scope, st.customer_id)))
            return (new, active, total, repeat / active if active else None, churned,
                    Decimal(revenue) / active if active else None)

        a, b, y = self._three(s, months, figures)
        keys = (("customers.new", "count", True), ("customers.active", "count", True),
                ("customers.total", "count", True), ("customers.repurchase_rate", "percent", True),
                ("customers.churned", "count", False), ("customers.arpu", "money", True))
        return Section("customers", tuple(
            Figure(k, kind, a[i], b[i], y[i], better) for i, (k, kind, better) in enumerate(keys)))

    # -- revenue --------------------------------------------------------------------------------

    def _revenue(self, s: Session, months, scope: Scope, now) -> Section:
        o, c = Order, Customer

        def figures(s, lo, hi, m):
            row = s.execute(select(func.count(), func.coalesce(func.sum(o.amount), 0)).where(
                *self._paid_orders(scope, m, add_months(m, 1)))).one()
            n, amount = row[0], Decimal(row[1])
            return n, amount, amount / n if n else None

        a, b, y = self._three(s, months, figures)
        month = months[0]
        paid = self._paid_orders(scope, month, add_months(month, 1))
        total = a[1]

        # one pass: the month's paid orders summed per customer (from the index), joined to
        # the customers once; regions, industries, owners and the top list add those up
        per = (select(o.customer_id.label("cid"), func.count().label("n"),
                      func.sum(o.amount).label("amt")).where(*paid)
               .group_by(o.customer_id).subquery())
        owner = aliased(User)
        rows = s.execute(select(c.region, c.industry, owner.display_name, c.name, c.code,
                                per.c.n, per.c.amt)
                         .select_from(per).join(c, c.id == per.c.cid)
                         .outerjoin(owner, owner.id == c.owner_id)).all()
        groups: dict[str, dict[str, list]] = {"region": {}, "industry": {}, "owner": {}}
        for region, industry, owner_name, _name, _code, n, amt in rows:
            for key, name in (("region", region), ("industry", industry),
                              ("owner", owner_name)):
                g = groups[key].setdefault(name or "–", [0, Decimal(0)])
                g[0] += n
                g[1] += Decimal(amt)

        def by(key: str, table: str, column: str) -> Table:
            ranked = sorted(groups[key].items(), key=lambda kv: (-kv[1][1], kv[0]))
            return Table(table, (column, "column.orders", "column.amount", "column.share"),
                         ("text", "count", "money", "percent"),
                         tuple((name, n, amt, float(amt / total) if total else None)
                               for name, (n, amt) in ranked))

        top = sorted(rows, key=lambda r: (-Decimal(r[6]), r[4]))[:TOP]
        top_table = Table("revenue.top_customers", ("column.rank", "column.customer",
                                                    "column.code", "column.orders",
                                                    "column.amount"),
                          ("count", "text", "text", "count", "money"),
                          tuple((i + 1, r[3], r[4], r[5], Decimal(r[6]))
                                for i, r in enumerate(top)))
        # the chart: the twelve months up to this one
        first = add_months(month, -11)
        monthly = {}
        for k in range(12):  # twelve index ranges
            m0 = add_months(first, k)
            monthly[m0.strftime("%Y-%m")] = s.scalar(select(
                func.coalesce(func.sum(o.amount), 0)).where(
                *self._paid_orders(scope, m0, add_months(m0, 1))))
        labels = tuple(add_months(first, k).strftime("%Y-%m") for k in range(12))
        chart = Chart("revenue.monthly", "bar", labels,
                      (("column.amount", tuple(float(monthly.get(m) or 0) for m in labels)),),
                      "money")
        keys = (("revenue.orders", "count"), ("revenue.amount", "money"),
                ("revenue.average_order", "money"))
        return Section("revenue", tuple(Figure(k, kind, a[i], b[i], y[i])
                                        for i, (k, kind) in enumerate(keys)),
                       (by("region", "revenue.by_region", "column.region"),
                        by("industry", "revenue.by_industry", "column.industry"),
                        by("owner", "revenue.by_owner", "column.owner"), top_table), chart)

    # -- pipeline -------------------------------------------------------------------------------

    def _pipeline(self, s: Session, months, scope: Scope, now) -> Section:
        o = Opportunity
        own = [o.deleted_at.is_(None), *self._owner_filter(o.owner_id, scope)]

        def figures(s, lo, hi, m):
            new = s.scalar(select(func.count()).select_from(o).where(
                *own, o.created_at >= utc_param(lo), o.created_at < utc_param(hi)))
            closed = [*own, o.closed_at >= utc_param(lo), o.closed_at < utc_param(hi)]
            won = s.execute(select(func.count(), func.coalesce(func.sum(o.amount), 0)).where(
                *closed, o.status == OpportunityStatus.WON.value)).one()
            lost = s.execute(select(func.count(), func.coalesce(func.sum(o.amount), 0)).where(
                *closed, o.status == OpportunityStatus.LOST.value)).one()
            spans = s.execute(select(o.created_at, o.closed_at).where(
                *closed, o.status == OpportunityStatus.WON.value)).all()
            cycle = (sum((b_ - a_).total_seconds() for a_, b_ in spans) / len(spans) / 86400
                     if spans else None)
            decided = won[0] + lost[0]
            return (new, won[0], Decimal(won[1]), lost[0], Decimal(lost[1]),
                    won[0] / decided if decided else None, cycle)

        a, b, y = self._three(s, months, figures)
        month = months[0]
        lo, hi = self._bounds(month)
        forecast = []
        for k in (1, 2, 3):
            m0, m1 = add_months(month, k), add_months(month, k + 1)
            w = s.scalar(select(func.coalesce(func.sum(o.amount * o.probability / 100.0), 0))
                         .where(*own, o.status == OpportunityStatus.OPEN.value,
                                o.expected_close >= m0, o.expected_close < m1))
            forecast.append((m0.strftime("%Y-%m"), Decimal(str(w))))
        reasons = s.execute(select(o.lost_reason, func.count()).where(
            *own, o.status == OpportunityStatus.LOST.value, o.closed_at >= utc_param(lo),
            o.closed_at < utc_param(hi)).group_by(o.lost_reason)
            .order_by(func.count().desc(), o.lost_reason).limit(TOP)).all()
        keys = (("pipeline.new", "count", True), ("pipeline.won", "count", True),
                ("pipeline.won_amount", "money", True), ("pipeline.lost", "count", False),
                ("pipeline.lost_amount", "money", False), ("pipeline.win_rate", "percent", True),
                ("pipeline.cycle_days", "days", False))
        return Section(
            "pipeline",
            tuple(Figure(k, kind, a[i], b[i], y[i], better)
                  for i, (k, kind, better) in enumerate(keys)),
            (Table("pipeline.forecast", ("column.month", "column.weighted"), ("text", "money"),
                   tuple(forecast)),
             Table("pipeline.lost_reasons", ("column.reason", "column.count"),
                   ("text", "count"), tuple((r or "–", n) for r, n in reasons))),
            Chart("pipeline.forecast", "bar", tuple(m for m, _w in forecast),
                  (("column.weighted", tuple(float(w) for _m, w in forecast)),), "money"))

    # -- follow-ups -----------------------------------------------------------------------------

    def _followups(self, s: Session, months, scope: Scope, now) -> Section:
        a = Activity
        own = [a.deleted_at.is_(None), *self._owner_filter(a.owner_id, scope)]

        def counts(s, lo, hi, group=None) -> dict:
            """{group: [planned, completed, overdue]}: planned and overdue from the live
            follow-ups' due-time index, completed from the done-time index."""
            cols = [] if group is None else [group]
            due = [*own, a.cancelled_at.is_(None), a.due_at >= utc_param(lo),
                   a.due_at < utc_param(hi)]
            late = case(((a.done_at.is_(None)) | (a.done_at >= utc_param(hi)), 1), else_=0)
            out: dict = {}
            q = select(*cols, func.count(), func.coalesce(func.sum(late), 0)).where(*due)
            for row in s.execute(q.group_by(group) if group is not None else q):
                key = row[0] if group is not None else None
                out.setdefault(key, [0, 0, 0])
                out[key][0], out[key][2] = int(row[-2]), int(row[-1])
            q = select(*cols, func.count()).where(*own, a.done_at >= utc_param(lo),
                                                  a.done_at < utc_param(hi))
            for row in s.execute(q.group_by(group) if group is not None else q):
                key = row[0] if group is not None else None
                out.setdefault(key, [0, 0, 0])[1] = int(row[-1])
            return out

        def figures(s, lo, hi, m):
            return tuple(counts(s, lo, hi).get(None, [0, 0, 0]))

        a3, b3, y3 = self._three(s, months, figures)
        lo, hi = self._bounds(months[0])
        u = aliased(User)
        per = counts(s, lo, hi, a.owner_id)
        names = dict(s.execute(select(u.id, u.display_name)).all())
        rows = sorted(((names.get(oid, "–"), p, d, late) for oid, (p, d, late) in per.items()),
                      key=lambda r: (-r[1], r[0]))
        keys = (("followups.planned", True), ("followups.completed", True),
                ("followups.overdue", False))
        return Section(
            "followups",
            tuple(Figure(k, "count", a3[i], b3[i], y3[i], better)
                  for i, (k, better) in enumerate(keys)),
            (Table("followups.by_owner", ("column.owner", "column.planned",
                                          "column.completed", "column.overdue"),
                   ("text", "count", "count", "count"), tuple(rows)),),
            Chart("followups.by_owner", "bar", tuple(r[0] for r in rows[:12]),
                  (("column.planned", tuple(float(r[1]) for r in rows[:12])),
                   ("column.completed", tuple(float(r[2]) for r in rows[:12])))))

    # -- tiers ----------------------------------------------------------------------------------

    def _tiers(self, s: Session, months, scope: Scope, now) -> Section | None:
        t = TierSnapshot
        labels = [m.strftime("%Y-%m") for m in months]
        have = set(s.scalars(select(t.month).where(t.month.in_(labels)).distinct()))
        if labels[0] not in have:
            return None  # no tiers were applied in the month: the section is left out
        sc = self._customer_scope(scope, t.customer_id)

        def dist(label):
            if label not in have:
                return {}
            return dict(s.execute(select(t.tier, func.count()).where(
                t.month == label, *sc).group_by(t.tier)).all())

        d = [dist(x) for x in labels]
        figures = tuple(Figure(f"tiers.{code or 'unrated'}", "count", d[0].get(code, 0),
                               d[1].get(code, 0) if labels[1] in have else None,
                               d[2].get(code, 0) if labels[2] in have else None)
                        for code in TIER_ORDER)
        tables = []
        if labels[1] in have:
            t2 = aliased(TierSnapshot)
            moves = s.execute(select(t2.tier, t.tier, func.count())
                              .select_from(t).join(t2, and_(t2.customer_id == t.customer_id,
                                                            t2.month == labels[1]))
                              .where(t.month == labels[0], t2.tier != t.tier, *sc)
                              .group_by(t2.tier, t.tier).order_by(func.count().desc())).all()
            tables.append(Table("tiers.migration", ("column.from_tier", "column.to_tier",
                                                    "column.count"),
                                ("text", "text", "count"), tuple(moves)))
        cm, c = CustomerMetrics, Customer
        risk = s.execute(select(c.name, c.code, cm.tier, cm.p_alive, cm.predicted_clv)
                         .join(c, c.id == cm.customer_id)
                         .where(cm.at_risk.is_(True), c.deleted_at.is_(None),
                                *self._owner_filter(c.owner_id, scope))
                         .order_by(cm.predicted_clv.desc().nulls_last()
                                   if not self.db.is_sqlite else cm.predicted_clv.desc(),
                                   c.code).limit(20)).all()
        tables.append(Table("tiers.at_risk", ("column.customer", "column.code", "column.tier",
                                              "column.p_alive", "column.clv"),
                            ("text", "text", "text", "percent", "money"),
                            tuple((n, code, tier, p, None if v is None else
                                   Decimal(str(round(v, 2)))) for n, code, tier, p, v in risk)))
        return Section("tiers", figures, tuple(tables),
                       Chart("tiers.distribution", "bar",
                             tuple(f"tier.{code or 'unrated'}" for code in TIER_ORDER),
                             (("column.count", tuple(float(d[0].get(code, 0))
                                                     for code in TIER_ORDER)),)))

    # -- service --------------------------------------------------------------------------------

    def _service(self, s: Session, months, scope: Scope, now) -> Section | None:
        from .tickets import TicketService

        tickets = TicketService(self.db, self.user)
        have = s.scalar(select(func.count()).select_from(Ticket).where(
            Ticket.deleted_at.is_(None)))
        if not have:
            return None
        customers = None
        cond = self._owner_filter(Customer.owner_id, scope)
        if cond:
            customers = select(Customer.id).where(*cond)
        stats = [tickets.month_stats(m, now, customers=customers) for m in months]

        def values(st):
            return (st.opened, st.resolved, st.response_compliance, st.resolve_compliance,
                    st.first_response_minutes_avg, st.satisfaction_avg)

        a, b, y = (values(x) for x in stats)
        keys = (("service.opened", "count", True), ("service.resolved", "count", True),
                ("service.response_compliance", "percent", True),
                ("service.resolve_compliance", "percent", True),
                ("service.first_response_minutes", "minutes", False),
                ("service.satisfaction", "score", True))
        agents = Table("service.by_agent", ("column.agent", "column.resolved",
                                            "column.satisfaction"),
                       ("text", "count", "score"),
                       tuple((g.name or "–", g.resolved, g.satisfaction_avg)
                             for g in stats[0].by_agent))
        return Section("service", tuple(Figure(k, kind, a[i], b[i], y[i], better)
                                        for i, (k, kind, better) in enumerate(keys)),
                       (agents,),
                       Chart("service.monthly", "bar",
                             tuple(m.strftime("%Y-%m") for m in reversed(months)),
                             (("service.opened", tuple(float(x.opened)
                                                       for x in reversed(stats))),
                              ("service.resolved", tuple(float(x.resolved)
                                                         for x in reversed(stats))))))


def report_values(report: MonthlyReport) -> dict[str, Any]:
    """The figures as plain numbers keyed by figure key (for the CLI's JSON and the tests)."""
    return {f.key: {"value": _num(f.value), "previous": _num(f.previous),
                    "year_ago": _num(f.year_ago)}
            for sec in report.sections for f in sec.figures}


__all__ = ["ReportService", "report_values"]
