"""Service tickets with SLA clocks, the workflow, escalation and satisfaction (no Qt).

The SLA targets are business time (``services/business_hours.py``: the team's working hours
and the company's holiday calendar). A ticket's due times are absolute instants computed from
its opening: ``due = calendar.add(opened_at, target + paused_seconds)``; business time adds
up, so a pause (waiting on the customer) simply moves both due times by the working time it
lasted, when the ticket resumes. While it waits, the clock shows the time left as it was when
the pause began. The first public reply by staff sets ``first_response_at``.

Workflow: new -> in progress -> waiting on customer -> resolved -> closed, and reopen (resolved
or closed -> in progress). Anything else is refused with ``TransitionError``.

Escalation (``escalate_due``, run by the app every few minutes): a ticket whose response or
resolution deadline is within the team's warning margin is "about to breach" (level 1: its
assignee's manager is told); one past it is breached (level 2: the priority goes up a step
and/or the ticket goes to the rule's user, the manager is told). Each level happens once per
target and is written in the ticket's log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.models import (
    Contact, Customer, Interaction, Order, Role, SlaPolicy, Ticket, TicketEvent,
    TicketPriority, TicketStatus, User,
)

from . import audit, counters, notifications, shared_settings
from .access import ScopedService
from .periods import add_months, utc_param
from .business_hours import BusinessCalendar, load_calendar
from .customers import CustomerQuery, CustomerService
from .demo.defaults import ensure_default_sla_policies
from .errors import ConflictError, FieldError, NotFound, ServiceError, ValidationError
from .text import display_phone
from .users import UserInfo

ESCALATION_KEY = "sla_escalation"
PRIORITIES = tuple(p.value for p in TicketPriority)  # low .. urgent
STATUSES = tuple(s.value for s in TicketStatus)
OPEN = (TicketStatus.NEW.value, TicketStatus.IN_PROGRESS.value, TicketStatus.WAITING.value)
DONE = (TicketStatus.RESOLVED.value, TicketStatus.CLOSED.value)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_progress", "waiting", "resolved"),
    "in_progress": ("waiting", "resolved"),
    "waiting": ("in_progress", "resolved"),
    "resolved": ("closed", "in_progress"),  # in progress again: reopened
    "closed": ("in_progress",),
}
# the log's kinds
REPLY, NOTE, STATUS, PRIORITY, ASSIGN, ESCALATION, SATISFACTION, CREATED = (
    "reply", "note", "status", "priority", "assign", "escalation", "satisfaction", "created")
RESPONSE, RESOLVE = "response", "resolve"
RECENT_ORDERS = 5
OTHER_TICKETS = 10


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)



class TransitionError(ServiceError):
    """A status change the workflow does not allow; nothing was written."""

    def __init__(self, number: str, from_status: str, to_status: str):
        self.number, self.from_status, self.to_status = number, from_status, to_status
        allowed = ", ".join(TRANSITIONS.get(from_status, ())) or "none"
        super().__init__(f"ticket {number} is {from_status}; it cannot go to {to_status} "
                         f"(allowed: {allowed})")


@dataclass(frozen=True)
class EscalationRules:
    """What happens near and past an SLA deadline (``shared_settings`` ``sla_escalation``).
    ``warn_minutes``: business minutes before a deadline when a ticket counts as "due soon"
    and its assignee's manager is told (0: no warning); at a breach the priority goes up a
    step (``raise_priority``) and/or the ticket goes to ``reassign_to`` (None: stays), and
    the manager is told."""

    warn_minutes: int = 60
    raise_priority: bool = True
    reassign_to: uuid.UUID | None = None

    def validate(self) -> "EscalationRules":
        if not isinstance(self.warn_minutes, int) or not 0 <= self.warn_minutes <= 7 * 24 * 60:
            raise ValidationError([FieldError("warn_minutes", "out_of_range",
                                              str(self.warn_minutes), "0-10080")])
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"warn_minutes": self.warn_minutes, "raise_priority": self.raise_priority,
                "reassign_to": str(self.reassign_to) if self.reassign_to else None}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "EscalationRules":
        to = d.get("reassign_to")
        return cls(int(d.get("warn_minutes", 60)), bool(d.get("raise_priority", True)),
                   uuid.UUID(str(to)) if to else None)


@dataclass(frozen=True)
class SlaClock:
    """Where a ticket stands against its SLA: the deadline running now (``response`` until
    the first reply, then ``resolve``; None once resolved), its due time, the business
    seconds left (negative: overdue by that much), paused or not, and ``state``: ok, soon,
    breached, met (resolved in time) or missed (resolved late)."""

    target: str | None
    due: dt.datetime | None
    seconds_left: float | None
    paused: bool
    state: str


@dataclass(frozen=True)
class TicketRow:
    id: uuid.UUID
    version: int
    number: str
    subject: str
    customer_id: uuid.UUID
    customer_name: str
    priority: str
    status: str
    assignee_id: uuid.UUID | None
    assignee_name: str
    opened_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    response_due: dt.datetime | None
    resolve_due: dt.datetime | None
    paused_at: dt.datetime | None
    satisfaction: int | None = None


@dataclass(frozen=True)
class TicketEventInfo:
    at: dt.datetime
    user_name: str
    kind: str
    body: str
    from_value: str
    to_value: str


@dataclass(frozen=True)
class TicketDetail:
    row: TicketRow
    description: str
    satisfaction_comment: str
    contact_name: str
    customer_code: str
    customer_tier: str
    customer_phone: str
    events: list[TicketEventInfo]
    recent_orders: list[tuple[str, dt.date, Any, str]]  # order no, date, amount, status
    other_tickets: list[TicketRow]
    opportunity_id: uuid.UUID | None
    interaction_id: uuid.UUID | None


@dataclass(frozen=True)
class TicketQuery:
    statuses: tuple[str, ...] = OPEN
    priorities: tuple[str, ...] = ()
    assignee_id: uuid.UUID | None = None
    unassigned: bool = False
    customer_id: uuid.UUID | None = None
    text: str = ""
    breached: bool = False
    due_soon: bool = False
    sort: str = "due"  # due, opened, priority, number, customer
    descending: bool = False


SORTS = ("due", "opened", "priority", "number", "customer", "status")


@dataclass(frozen=True)
class Escalated:
    ticket_id: uuid.UUID
    number: str
    target: str  # response or resolve
    level: int  # 1 about to breach, 2 breached
    priority: str  # after the escalation
    assignee_id: uuid.UUID | None


@dataclass(frozen=True)
class AgentStats:
    user_id: uuid.UUID | None
    name: str
    resolved: int
    satisfaction_avg: float | None
    satisfaction_count: int


@dataclass(frozen=True)
class MonthStats:
    """SLA compliance and satisfaction of the tickets of one month (for the monthly
    report): opened in the month; responded / resolved in the month and how many in time;
    the mean business minutes to the first response; satisfaction of those resolved."""

    month: dt.date
    opened: int
    responded: int
    response_met: int
    resolved: int
    resolve_met: int
    first_response_minutes_avg: float | None
    satisfaction_avg: float | None
    satisfaction_count: int
    by_agent: list[AgentStats] = field(default_factory=list)

    @property
    def response_compliance(self) -> float | None:
        return self.response_met / self.responded if self.responded else None

    @property
    def resolve_compliance(self) -> float | None:
        return self.resolve_met / self.resolved if self.resolved else None


def _sync_due(t: Ticket) -> None:
    """The deadline running now, kept on the row for the list's sort and filters."""
    t.sla_due = None if t.status in DONE else (
        t.response_due if t.first_response_at is None else t.resolve_due)


def clock_of(row: TicketRow, cal: BusinessCalendar, now: dt.datetime,
             warn_seconds: float) -> SlaClock:
    """The SLA clock of a ticket at ``now`` (cheap: one business-time difference)."""
    if row.status in DONE:
        due = row.resolve_due
        late = due is not None and row.resolved_at is not None and row.resolved_at > due
        return SlaClock(None, due, None, False, "missed" if late else "met")
    target = RESPONSE if row.first_response_at is None else RESOLVE
    due = row.response_due if target == RESPONSE else row.resolve_due
    if due is None:
        return SlaClock(target, None, None, row.paused_at is not None, "ok")
    ref = row.paused_at or now  # a waiting ticket's clock stands still
    left = cal.seconds_between(ref, due)  # negative once past the deadline
    state = "breached" if ref > due else "soon" if left <= warn_seconds else "ok"
    return SlaClock(target, due, left, row.paused_at is not None, state)


class TicketService(ScopedService):
    def __init__(self, db, user: UserInfo, calendar: BusinessCalendar | None = None):
        """``calendar``: the business calendar to use (tests pass one); default the team's
        working hours and holiday calendar, loaded when first needed."""
        self.db = db
        self.user = user
        self._calendar = calendar

    # -- the business calendar and the rules ---------------------------------------------------

    def calendar(self, now: dt.datetime | None = None) -> BusinessCalendar:
        if self._calendar is None:
            self._calendar = load_calendar(self.db, self.user, now=now)
        return self._calendar

    def reload_calendar(self) -> None:
        """Forget the loaded calendar (the working hours or holidays changed)."""
        self._calendar = None

    def rules(self) -> tuple[EscalationRules, int]:
        return shared_settings.load_rules(self.db, ESCALATION_KEY, EscalationRules)

    def save_rules(self, rules: EscalationRules, expected_version: int) -> int:
        return shared_settings.save_rules(self.db, self.user, ESCALATION_KEY, rules,
                                          expected_version, "the escalation rules")

    def warn_seconds(self) -> float:
        return self.rules()[0].warn_minutes * 60.0

    def policies(self) -> list[SlaPolicy]:
        with self.db.session() as s:
            out = ensure_default_sla_policies(s)
            s.expunge_all()
            return out

    def save_policy(self, priority: str, tier: str, response_minutes: int,
                    resolve_minutes: int) -> None:
        """Set the targets for a priority (and a customer tier, "" for any): managers."""
        shared_settings.require_manager(self.user, "the SLA policies")
        errors = []
        if priority not in PRIORITIES:
            errors.append(FieldError("priority", "invalid_choice", priority))
        for name, v in (("response_minutes", response_minutes),
                        ("resolve_minutes", resolve_minutes)):
            if not isinstance(v, int) or not 1 <= v <= 365 * 24 * 60:
                errors.append(FieldError(name, "out_of_range", str(v), "1-525600"))
        if errors:
            raise ValidationError(errors)
        with self.db.session() as s:
            ensure_default_sla_policies(s)
            p = s.scalars(select(SlaPolicy).where(
                SlaPolicy.priority == priority, SlaPolicy.tier == tier,
                SlaPolicy.deleted_at.is_(None))).first()
            if p is None:
                p = SlaPolicy(name=f"{priority}/{tier}" if tier else priority,
                              priority=priority, tier=tier, business_hours=True,
                              response_minutes=response_minutes,
                              resolve_minutes=resolve_minutes)
                s.add(p)
                old = None
            else:
                old = {"response_minutes": p.response_minutes,
                       "resolve_minutes": p.resolve_minutes}
                p.response_minutes, p.resolve_minutes = response_minutes, resolve_minutes
            s.flush()
            audit.record(s, table="sla_policies", row_id=p.id,
                         action="create" if old is None else "update", user_id=self.user.id,
                         old=old, new={"response_minutes": response_minutes,
                                       "resolve_minutes": resolve_minutes})

    @staticmethod
    def _policy(s: Session, priority: str, tier: str) -> SlaPolicy | None:
        policies = ensure_default_sla_policies(s)
        return next((p for p in policies if p.priority == priority and p.tier == tier
                     and tier), None) or next(
            (p for p in policies if p.priority == priority and not p.tier), None)

    def _set_dues(self, s: Session, t: Ticket, now: dt.datetime) -> None:
        """The due times from the ticket's policy (its priority and customer tier), its
        opening and the working time it waited."""
        tier = s.scalar(select(Customer.tier).where(Customer.id == t.customer_id)) or ""
        p = self._policy(s, t.priority, tier)
        t.sla_policy_id = p.id if p else None
        if p is None:
            t.response_due = t.resolve_due = None
            _sync_due(t)
            return
        cal = self.calendar(now)
        extra = t.paused_seconds or 0.0
        t.response_due = cal.add(t.opened_at, p.response_minutes * 60.0 + extra)
        t.resolve_due = cal.add(t.opened_at, p.resolve_minutes * 60.0 + extra)
        _sync_due(t)

    # -- reading --------------------------------------------------------------------------------

    def _row_query(self):
        t, c, u = Ticket, Customer, User
        return (select(t.id, t.version, t.number, t.subject, t.customer_id, c.name, t.priority,
                       t.status, t.assignee_id, u.display_name, t.opened_at,
                       t.first_response_at, t.resolved_at, t.response_due, t.resolve_due,
                       t.paused_at, t.satisfaction)
                # outer: a manager sees their agents' tickets about customers they may not see
                .outerjoin(c, c.id == t.customer_id).outerjoin(u, u.id == t.assignee_id))

    @staticmethod
    def _row(r) -> TicketRow:
        return TicketRow(r[0], r[1], r[2], r[3], r[4], r[5] or "", r[6], r[7], r[8], r[9] or "",
                         *r[10:])

    def _filtered(self, q, query: TicketQuery, now: dt.datetime):
        t = Ticket
        q = q.where(t.deleted_at.is_(None))
        visible = self.access().ticket_filter()
        if visible is not None:
            q = q.where(visible)
        if query.statuses:
            q = q.where(t.status.in_(list(query.statuses)))
        if query.priorities:
            q = q.where(t.priority.in_(list(query.priorities)))
        if query.unassigned:
            q = q.where(t.assignee_id.is_(None))
        elif query.assignee_id is not None:
            q = q.where(t.assignee_id == query.assignee_id)
        if query.customer_id is not None:
            q = q.where(t.customer_id == query.customer_id)
        text = query.text.strip()
        if text:
            like = f"%{text}%"
            ids = [r.id for r in CustomerService(self.db, self.user.id, self.user).page(
                CustomerQuery(text=text), limit=500).rows] if len(text) >= 2 else []
            q = q.where(or_(t.number.ilike(f"{text}%"), t.subject.ilike(like),
                            t.customer_id.in_(ids) if ids else literal(False)))
        # sla_due is the running deadline, NULL once resolved: open tickets only
        due = t.sla_due
        if query.breached and query.due_soon:
            soon = self.calendar(now).add(now, self.warn_seconds())
            q = q.where(due <= utc_param(soon), or_(
                due < func.coalesce(t.paused_at, utc_param(now)), t.paused_at.is_(None)))
        elif query.breached:  # a waiting ticket: only if it was late when the clock stopped
            q = q.where(due < utc_param(now), due < func.coalesce(t.paused_at, utc_param(now)))
        elif query.due_soon:
            soon = self.calendar(now).add(now, self.warn_seconds())
            q = q.where(t.paused_at.is_(None), due >= utc_param(now), due <= utc_param(soon))
        return q

    def _order(self, query: TicketQuery):
        t = Ticket
        rank = case({p: i for i, p in enumerate(PRIORITIES)}, value=t.priority, else_=0)
        key = {"due": t.sla_due, "opened": t.opened_at, "priority": rank,
               "number": t.number, "status": t.status}.get(query.sort)
        if key is None:  # by customer: the name, through a lookup of each ticket's customer
            key = select(Customer.sort_name).where(Customer.id == t.customer_id) \
                .scalar_subquery()
        first = key.desc() if query.descending else key.asc()
        return [first, t.number.desc() if query.descending else t.number.asc()]

    def _ids(self, s: Session, query: TicketQuery, now: dt.datetime, offset: int,
             limit: int) -> list[uuid.UUID]:
        """The ids of one window, from the tickets table alone (its indexes decide)."""
        t = Ticket
        base = self._filtered(select(t.id), query, now)
        if query.sort != "due" or query.descending:
            # descending, the running deadlines come first and the resolved (NULL) last
            q = base.order_by(*self._order(query)).offset(offset).limit(limit)
            return list(s.scalars(q))
        # ascending by deadline, resolved tickets (NULL) last: the index range of those
        # with a deadline, then the rest by number
        running = base.where(t.sla_due.is_not(None))
        ids = list(s.scalars(running.order_by(t.sla_due, t.number)
                             .offset(offset).limit(limit)))
        if len(ids) < limit:
            before = offset if ids else s.execute(
                select(func.count()).select_from(running.subquery())).scalar_one()
            rest = base.where(t.sla_due.is_(None)).order_by(t.number)
            ids += list(s.scalars(rest.offset(max(0, offset - before))
                                  .limit(limit - len(ids))))
        return ids

    def page(self, query: TicketQuery = TicketQuery(), *, offset: int = 0, limit: int = 200,
             now: dt.datetime | None = None) -> list[TicketRow]:
        """One window of the ticket list: the ids from the tickets' own indexes, then their
        rows (the customer and assignee names) for those ids only."""
        if query.sort not in SORTS:
            raise ValueError(f"unknown sort {query.sort!r}")
        now = now or _now()
        with self.db.read() as s:
            ids = self._ids(s, query, now, offset, limit)
            if not ids:
                return []
            rows = {r[0]: self._row(r) for r in s.execute(
                self._row_query().where(Ticket.id.in_(ids)))}
        return [rows[i] for i in ids if i in rows]

    def count(self, query: TicketQuery = TicketQuery(), now: dt.datetime | None = None) -> int:
        now = now or _now()
        q = self._filtered(select(func.count()).select_from(Ticket), query, now)
        with self.db.read() as s:
            return s.execute(q).scalar_one()

    def _one(self, ticket_id: uuid.UUID):
        """The ticket's list row query, if this user may see it."""
        q = self._row_query().where(Ticket.id == ticket_id)
        visible = self.access().ticket_filter()
        return q if visible is None else q.where(visible)

    def row(self, ticket_id: uuid.UUID) -> TicketRow:
        with self.db.read() as s:
            r = s.execute(self._one(ticket_id)).first()
            if r is None:
                raise NotFound("tickets", ticket_id)
            return self._row(r)

    def get(self, ticket_id: uuid.UUID) -> TicketDetail:
        """The detail form: the ticket, its log, and the customer's context (tier, recent
        orders, other tickets)."""
        with self.db.read() as s:
            t = s.get(Ticket, ticket_id)
            r = s.execute(self._one(ticket_id)).first()
            if t is None or t.deleted_at is not None or r is None:
                raise NotFound("tickets", ticket_id)
            row = self._row(r)
            c = s.get(Customer, t.customer_id)
            contact = s.get(Contact, t.contact_id) if t.contact_id else None
            u = aliased(User)
            events = [TicketEventInfo(e.at, name or "", e.kind, e.body, e.from_value,
                                      e.to_value)
                      for e, name in s.execute(
                          select(TicketEvent, u.display_name)
                          .outerjoin(u, u.id == TicketEvent.user_id)
                          .where(TicketEvent.ticket_id == ticket_id,
                                 TicketEvent.deleted_at.is_(None))
                          .order_by(TicketEvent.at, TicketEvent.created_at))]
            orders = [(o.order_no, o.order_date, o.amount, o.status) for o in s.scalars(
                select(Order).where(Order.customer_id == t.customer_id,
                                    Order.deleted_at.is_(None))
                .order_by(Order.order_date.desc()).limit(RECENT_ORDERS))]
            others_q = self._row_query().where(
                Ticket.customer_id == t.customer_id, Ticket.id != t.id,
                Ticket.deleted_at.is_(None))
            visible = self.access().ticket_filter()
            if visible is not None:
                others_q = others_q.where(visible)
            others = [self._row(r) for r in s.execute(
                others_q.order_by(Ticket.opened_at.desc()).limit(OTHER_TICKETS))]
            # c is None for a manager reading their agent's ticket about a customer they
            # may not see (row-level security on PostgreSQL)
            return TicketDetail(row, t.description, t.satisfaction_comment,
                                contact.name if contact else "", c.code if c else "",
                                c.tier if c else "", display_phone(c.phone) if c else "",
                                events, orders, others, t.opportunity_id, t.interaction_id)

    # -- writing --------------------------------------------------------------------------------

    def _event(self, s: Session, t: Ticket, kind: str, now: dt.datetime, body: str = "",
               from_value: str = "", to_value: str = "", user_id: Any = "me") -> None:
        s.add(TicketEvent(ticket_id=t.id, at=now, kind=kind, body=body,
                          from_value=from_value, to_value=to_value,
                          user_id=self.user.id if user_id == "me" else user_id))

    def create(self, fields: Mapping[str, Any], *, now: dt.datetime | None = None,
               session: Session | None = None) -> TicketRow:
        """Open a ticket. Fields: customer_id, subject (required), description, priority,
        assignee_id, contact_id, interaction_id (opened from a call...), opportunity_id
        (an onboarding ticket of a won deal). ``session``: open it in the caller's unit of
        work (the pipeline's won automation)."""
        now = now or _now()
        self.calendar(now)  # loaded (holiday years seeded) before the write transaction
        if session is not None:
            return self._create(session, fields, now)
        with self.db.session() as s:
            return self._create(s, fields, now)

    def _create(self, s: Session, fields: Mapping[str, Any], now: dt.datetime) -> TicketRow:
        errors = []
        subject = str(fields.get("subject") or "").strip()
        if not subject:
            errors.append(FieldError("subject", "required"))
        priority = fields.get("priority") or TicketPriority.NORMAL.value
        if priority not in PRIORITIES:
            errors.append(FieldError("priority", "invalid_choice", str(priority)))
        cid = fields.get("customer_id")
        c = s.get(Customer, cid) if cid else None
        if c is None or c.deleted_at is not None:
            errors.append(FieldError("customer_id", "required" if not cid else "invalid_choice",
                                     str(cid or "")))
        assignee = fields.get("assignee_id")
        if assignee is not None:
            u = s.get(User, assignee)
            if u is None or not u.active:
                errors.append(FieldError("assignee_id", "invalid_choice", str(assignee)))
        if errors:
            raise ValidationError(errors)
        t = Ticket(number=counters.next_ticket_number(s), customer_id=c.id,
                   contact_id=fields.get("contact_id"), subject=subject[:200],
                   description=str(fields.get("description") or ""), priority=priority,
                   status=TicketStatus.NEW.value, assignee_id=assignee, opened_at=now,
                   interaction_id=fields.get("interaction_id"),
                   opportunity_id=fields.get("opportunity_id"), paused_seconds=0.0)
        s.add(t)
        self._set_dues(s, t, now)
        s.flush()
        self._event(s, t, CREATED, now, body=t.description[:2000])
        audit.record(s, table="tickets", row_id=t.id, action="create", user_id=self.user.id)
        s.flush()
        return self._row(s.execute(self._row_query().where(Ticket.id == t.id)).one())

    def create_from_interaction(self, interaction_id: uuid.UUID, subject: str = "",
                                priority: str = TicketPriority.NORMAL.value, *,
                                now: dt.datetime | None = None) -> TicketRow:
        """"Turn this call into a ticket": the interaction's customer and summary."""
        draft = self.draft_from_interaction(interaction_id)
        return self.create({**draft, "subject": subject or draft["subject"] or "?",
                            "priority": priority,
                            "assignee_id": self.user.id
                            if self.user.role == Role.SERVICE.value else None}, now=now)

    def draft_from_interaction(self, interaction_id: uuid.UUID) -> dict[str, Any]:
        """A new ticket's fields from an interaction: its customer and contact, the first
        line of its summary as the subject, the whole summary as the description."""
        with self.db.read() as s:
            i = s.get(Interaction, interaction_id)
            if i is None or i.deleted_at is not None:
                raise NotFound("interactions", interaction_id)
            summary = i.summary.strip()
            return {"customer_id": i.customer_id, "contact_id": i.contact_id,
                    "subject": summary.splitlines()[0][:200] if summary else "",
                    "description": i.summary, "interaction_id": interaction_id}

    def _live(self, s: Session, ticket_id: uuid.UUID, expected_version: int | None) -> Ticket:
        t = s.get(Ticket, ticket_id, with_for_update=not self.db.is_sqlite)
        if t is None or t.deleted_at is not None:
            raise NotFound("tickets", ticket_id)
        if expected_version is not None and t.version != expected_version:
            raise ConflictError("tickets", ticket_id, expected_version, t.version)
        return t

    def _done(self, s: Session, t: Ticket, expected: int | None) -> TicketRow:
        try:
            s.flush()
        except StaleDataError:
            raise ConflictError("tickets", t.id, expected, None) from None
        return self._row(s.execute(self._row_query().where(Ticket.id == t.id)).one())

    def reply(self, ticket_id: uuid.UUID, expected_version: int, body: str, *,
              internal: bool = False, now: dt.datetime | None = None) -> TicketRow:
        """A reply to the customer (or an internal note). The first reply by staff is the
        first response; a new ticket replied to is in progress."""
        now = now or _now()
        body = body.strip()
        if not body:
            raise ValidationError([FieldError("body", "required")])
        self.calendar(now)
        with self.db.session() as s:
            t = self._live(s, ticket_id, expected_version)
            self._event(s, t, NOTE if internal else REPLY, now, body=body)
            if not internal and t.first_response_at is None:
                t.first_response_at = now
                _sync_due(t)
                audit.record(s, table="tickets", row_id=t.id, action="update",
                             user_id=self.user.id, old={"first_response_at": None},
                             new={"first_response_at": now})
            if not internal and t.status == TicketStatus.NEW.value:
                self._move(s, t, TicketStatus.IN_PROGRESS.value, now)
            if t.assignee_id is None and self.user.role == Role.SERVICE.value:
                t.assignee_id = self.user.id
            return self._done(s, t, expected_version)

    def _move(self, s: Session, t: Ticket, to: str, now: dt.datetime, note: str = "") -> None:
        frm = t.status
        if to not in TRANSITIONS.get(frm, ()):
            raise TransitionError(t.number, frm, to)
        if frm == TicketStatus.WAITING.value and t.paused_at is not None:
            # the clock runs again: the due times move by the working time it waited
            waited = self.calendar(now).seconds_between(t.paused_at, now)
            t.paused_seconds = (t.paused_seconds or 0.0) + max(0.0, waited)
            t.paused_at = None
            self._set_dues(s, t, now)
        if to == TicketStatus.WAITING.value:
            t.paused_at = now
        if to == TicketStatus.RESOLVED.value:
            t.resolved_at = now
        if to == TicketStatus.CLOSED.value:
            t.closed_at = now
        if to == TicketStatus.IN_PROGRESS.value and frm in DONE:  # reopened
            t.resolved_at = t.closed_at = None
            t.satisfaction, t.satisfaction_comment = None, ""
            t.resolve_escalation = 0
        t.status = to
        _sync_due(t)
        self._event(s, t, STATUS, now, body=note, from_value=frm, to_value=to)
        audit.record(s, table="tickets", row_id=t.id, action="update", user_id=self.user.id,
                     old={"status": frm}, new={"status": to})

    def set_status(self, ticket_id: uuid.UUID, expected_version: int, to: str, *,
                   note: str = "", now: dt.datetime | None = None) -> TicketRow:
        """Move the ticket in the workflow (an illegal step raises TransitionError)."""
        if to not in STATUSES:
            raise ValidationError([FieldError("status", "invalid_choice", to)])
        now = now or _now()
        self.calendar(now)
        with self.db.session() as s:
            t = self._live(s, ticket_id, expected_version)
            self._move(s, t, to, now, note)
            return self._done(s, t, expected_version)

    def resolve(self, ticket_id: uuid.UUID, expected_version: int, *,
                satisfaction: int | None = None, comment: str = "", note: str = "",
                now: dt.datetime | None = None) -> TicketRow:
        """Resolve, with the customer's satisfaction (1-5) and comment when given."""
        if satisfaction is not None and (not isinstance(satisfaction, int)
                                         or not 1 <= satisfaction <= 5):
            raise ValidationError([FieldError("satisfaction", "out_of_range",
                                              str(satisfaction), "1-5")])
        now = now or _now()
        self.calendar(now)
        with self.db.session() as s:
            t = self._live(s, ticket_id, expected_version)
            self._move(s, t, TicketStatus.RESOLVED.value, now, note)
            if satisfaction is not None:
                t.satisfaction, t.satisfaction_comment = satisfaction, comment.strip()
                self._event(s, t, SATISFACTION, now, body=t.satisfaction_comment,
                            to_value=str(satisfaction))
            return self._done(s, t, expected_version)

    def assign(self, ticket_id: uuid.UUID, expected_version: int, user_id: uuid.UUID | None,
               *, now: dt.datetime | None = None) -> TicketRow:
        now = now or _now()
        with self.db.session() as s:
            t = self._live(s, ticket_id, expected_version)
            if user_id is not None:
                u = s.get(User, user_id)
                if u is None or not u.active:
                    raise ValidationError([FieldError("assignee_id", "invalid_choice",
                                                      str(user_id))])
            old = t.assignee_id
            t.assignee_id = user_id
            self._event(s, t, ASSIGN, now, from_value=str(old or ""),
                        to_value=str(user_id or ""))
            audit.record(s, table="tickets", row_id=t.id, action="update",
                         user_id=self.user.id, old={"assignee_id": old},
                         new={"assignee_id": user_id})
            return self._done(s, t, expected_version)

    def set_priority(self, ticket_id: uuid.UUID, expected_version: int, priority: str, *,
                     now: dt.datetime | None = None) -> TicketRow:
        """A new priority; the due times follow its SLA policy from the opening."""
        if priority not in PRIORITIES:
            raise ValidationError([FieldError("priority", "invalid_choice", priority)])
        now = now or _now()
        self.calendar(now)
        with self.db.session() as s:
            t = self._live(s, ticket_id, expected_version)
            self._reprioritise(s, t, priority, now)
            return self._done(s, t, expected_version)

    def _reprioritise(self, s: Session, t: Ticket, priority: str, now: dt.datetime,
                      user_id: Any = "me") -> None:
        old = t.priority
        t.priority = priority
        self._set_dues(s, t, now)
        self._event(s, t, PRIORITY, now, from_value=old, to_value=priority, user_id=user_id)
        audit.record(s, table="tickets", row_id=t.id, action="update",
                     user_id=self.user.id if user_id == "me" else user_id,
                     old={"priority": old}, new={"priority": priority})

    # -- escalation -----------------------------------------------------------------------------

    def escalate_due(self, now: dt.datetime | None = None) -> list[Escalated]:
        """Escalate every open ticket that is about to breach or has breached an SLA
        deadline and was not escalated for that yet (see the module notes). One
        transaction; the managers' notifications are written with it."""
        now = now or _now()
        rules = self.rules()[0]
        cal = self.calendar(now)
        soon = cal.add(now, rules.warn_minutes * 60.0) if rules.warn_minutes else now
        t = Ticket
        out: list[Escalated] = []
        notes: list[notifications.Item] = []
        with self.db.session() as s:
            managers = dict(s.execute(select(User.id, User.manager_id)).all())
            names = dict(s.execute(select(User.id, User.display_name)).all())
            fallback = list(s.scalars(select(User.id).where(
                User.role.in_(shared_settings.MANAGER_ROLES), User.active.is_(True))))
            for target, due_col, level_col, pending in (
                    (RESPONSE, t.response_due, t.response_escalation,
                     t.first_response_at.is_(None)),
                    (RESOLVE, t.resolve_due, t.resolve_escalation, literal(True))):
                q = select(t).where(t.deleted_at.is_(None), t.status.in_(OPEN),
                                    t.paused_at.is_(None), pending, due_col.is_not(None),
                                    or_(and_(level_col < 2, due_col < utc_param(now)),
                                        and_(level_col < 1, due_col <= utc_param(soon))))
                if not self.db.is_sqlite:  # two apps escalating at once: each takes its own
                    q = q.with_for_update(skip_locked=True)
                for ticket in s.scalars(q):
                    due = getattr(ticket, f"{target}_due")
                    level = 2 if due < now else 1
                    self._escalate(s, ticket, target, level, rules, now)
                    setattr(ticket, f"{target}_escalation", level)
                    out.append(Escalated(ticket.id, ticket.number, target, level,
                                         ticket.priority, ticket.assignee_id))
                    readers = [managers.get(ticket.assignee_id)] if ticket.assignee_id \
                        and managers.get(ticket.assignee_id) else fallback
                    params = {"ticket_id": str(ticket.id), "number": ticket.number,
                              "subject": ticket.subject, "target": target, "level": level,
                              "priority": ticket.priority,
                              "assignee_name": names.get(ticket.assignee_id, ""),
                              "due": due.isoformat()}
                    notes += [(r, "ticket_breached" if level == 2 else "ticket_due_soon",
                               params, ticket.customer_id) for r in readers if r]
            notifications.notify_many(s, notes, now)
        return out

    def _escalate(self, s: Session, t: Ticket, target: str, level: int,
                  rules: EscalationRules, now: dt.datetime) -> None:
        body = f"{target}:{'breached' if level == 2 else 'due_soon'}"
        self._event(s, t, ESCALATION, now, body=body, to_value=str(level), user_id=None)
        if level < 2:
            return
        if rules.raise_priority and t.priority != PRIORITIES[-1]:
            self._reprioritise(s, t, PRIORITIES[PRIORITIES.index(t.priority) + 1], now,
                               user_id=None)
        if rules.reassign_to is not None and t.assignee_id != rules.reassign_to:
            old = t.assignee_id
            t.assignee_id = rules.reassign_to
            self._event(s, t, ASSIGN, now, from_value=str(old or ""),
                        to_value=str(rules.reassign_to), user_id=None)

    # -- figures for the monthly report ---------------------------------------------------------

    def month_stats(self, month: dt.date, now: dt.datetime | None = None, *,
                    customers=None) -> MonthStats:
        """SLA compliance and satisfaction of ``month`` (its first day), days in the working
        hours' time zone. ``customers``: only the tickets of these customers (a select of
        customer ids: a team's or a salesperson's)."""
        cal = self.calendar(now)
        tz = ZoneInfo(cal.hours.tz)
        first = month.replace(day=1)
        nxt = add_months(first, 1)
        lo = dt.datetime.combine(first, dt.time(), tz).astimezone(dt.timezone.utc)
        hi = dt.datetime.combine(nxt, dt.time(), tz).astimezone(dt.timezone.utc)
        t = Ticket
        live = t.deleted_at.is_(None)
        if customers is not None:
            live = and_(live, t.customer_id.in_(customers))
        with self.db.read() as s:
            opened = s.scalar(select(func.count()).select_from(t).where(
                live, t.opened_at >= utc_param(lo), t.opened_at < utc_param(hi)))
            responses = s.execute(select(t.opened_at, t.first_response_at, t.response_due,
                                         t.paused_seconds).where(
                live, t.first_response_at >= utc_param(lo),
                t.first_response_at < utc_param(hi))).all()
            resolved = s.execute(select(t.assignee_id, t.resolved_at, t.resolve_due,
                                        t.satisfaction).where(
                live, t.resolved_at >= utc_param(lo), t.resolved_at < utc_param(hi))).all()
            names = dict(s.execute(select(User.id, User.display_name)).all())
        met = sum(1 for _o, r, due, _p in responses if due is None or r <= due)
        minutes = [max(0.0, cal.seconds_between(o, r) - (p or 0.0)) / 60.0
                   for o, r, _d, p in responses]
        res_met = sum(1 for _a, r, due, _s in resolved if due is None or r <= due)
        sats = [x for _a, _r, _d, x in resolved if x is not None]
        per: dict[Any, list] = defaultdict(list)
        for a, _r, _d, x in resolved:
            per[a].append(x)
        agents = [AgentStats(a, names.get(a, ""), len(v),
                             (sum(x for x in v if x is not None)
                              / len([x for x in v if x is not None]))
                             if any(x is not None for x in v) else None,
                             len([x for x in v if x is not None]))
                  for a, v in per.items()]
        agents.sort(key=lambda g: (-g.resolved, g.name))
        return MonthStats(first, opened, len(responses), met, len(resolved), res_met,
                          sum(minutes) / len(minutes) if minutes else None,
                          sum(sats) / len(sats) if sats else None, len(sats), agents)
