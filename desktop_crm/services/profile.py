"""The customer 360° view: everything about one customer on one screen, and its history."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.models import (
    Activity, Channel, Contact, Customer, Interaction, Opportunity, Order, OrderStatus,
    PipelineStage, Ticket, User,
)

from . import audit
from .customers import ContactRecord, CustomerRecord, CustomerService
from .db import Database
from .errors import FieldError, NotFound, ValidationError
from .health import HealthDetail, HealthService
from .text import clean

CHANNELS = tuple(c.value for c in Channel)
RECENT = 200  # rows per section of the 360 view


@dataclass(frozen=True)
class OrderSummary:
    count: int
    total: Decimal
    first_date: dt.date | None
    last_date: dt.date | None


@dataclass(frozen=True)
class OrderLine:
    id: uuid.UUID
    order_no: str
    order_date: dt.date
    amount: Decimal
    currency: str
    status: str


@dataclass(frozen=True)
class InteractionLine:
    id: uuid.UUID
    channel: str
    occurred_at: dt.datetime
    summary: str
    user: str
    contact: str


@dataclass(frozen=True)
class OpportunityLine:
    id: uuid.UUID
    title: str
    amount: Decimal
    stage_code: str
    stage_name: str
    probability: int
    status: str
    expected_close: dt.date | None
    owner: str


@dataclass(frozen=True)
class ActivityLine:
    id: uuid.UUID
    type: str
    subject: str
    due_at: dt.datetime
    done_at: dt.datetime | None
    owner: str


@dataclass(frozen=True)
class TicketLine:
    id: uuid.UUID
    number: str
    subject: str
    priority: str
    status: str
    opened_at: dt.datetime
    assignee: str


@dataclass(frozen=True)
class TimelineEvent:
    """One entry of the history timeline. ``kind`` says what it is; views label it."""

    at: dt.datetime
    kind: str  # interaction, order, activity, opportunity, ticket, change
    subkind: str  # channel, order status, activity type, stage, field name / action
    title: str
    detail: str
    user: str
    amount: Decimal | None = None  # orders: the amount, formatted by the view
    date_only: bool = False  # orders have a date, not a time
    ref_id: uuid.UUID | None = None  # the interaction, follow-up or ticket it shows


@dataclass(frozen=True)
class Profile:
    customer: CustomerRecord
    contacts: list[ContactRecord]
    orders: OrderSummary
    recent_orders: list[OrderLine]
    interactions: list[InteractionLine]
    opportunities: list[OpportunityLine]
    activities: list[ActivityLine]
    tickets: list[TicketLine]
    timeline: list[TimelineEvent]
    health: HealthDetail | None = None  # None for a deleted customer


def _midnight(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc)


class ProfileService:
    def __init__(self, db: Database, actor_id: uuid.UUID | None = None, user=None):
        """``user`` (a UserInfo): whose rules apply to the customer shown (visibility,
        masked phones); None: no rules (the engine's own tests)."""
        self.db = db
        self.actor_id = actor_id if actor_id is not None else (user.id if user else None)
        self.customers = CustomerService(db, self.actor_id, user)
        self.health = HealthService(db)

    def profile(self, customer_id: uuid.UUID) -> Profile:
        customer = self.customers.get(customer_id)
        contacts = self.customers.contacts(customer_id)
        with self.db.read() as s:
            summary = self._order_summary(s, customer_id)
            orders = [
                OrderLine(o.id, o.order_no, o.order_date, o.amount, o.currency, o.status)
                for o in s.scalars(
                    select(Order).where(Order.customer_id == customer_id,
                                        Order.deleted_at.is_(None))
                    .order_by(Order.order_date.desc()).limit(RECENT)
                )
            ]
            interactions = [
                InteractionLine(i.id, i.channel, i.occurred_at, i.summary, u or "", c or "")
                for i, u, c in s.execute(
                    select(Interaction, User.display_name, Contact.name)
                    .outerjoin(User, User.id == Interaction.user_id)
                    .outerjoin(Contact, Contact.id == Interaction.contact_id)
                    .where(Interaction.customer_id == customer_id,
                           Interaction.deleted_at.is_(None))
                    .order_by(Interaction.occurred_at.desc()).limit(RECENT)
                )
            ]
            opportunities = [
                OpportunityLine(o.id, o.title, o.amount, st.code, st.name, o.probability,
                                o.status, o.expected_close, u or "")
                for o, st, u in s.execute(
                    select(Opportunity, PipelineStage, User.display_name)
                    .join(PipelineStage, PipelineStage.id == Opportunity.stage_id)
                    .outerjoin(User, User.id == Opportunity.owner_id)
                    .where(Opportunity.customer_id == customer_id,
                           Opportunity.deleted_at.is_(None))
                    .order_by(Opportunity.created_at.desc()).limit(RECENT)
                )
            ]
            activities = [
                ActivityLine(a.id, a.type, a.subject, a.due_at, a.done_at, u or "")
                for a, u in s.execute(
                    select(Activity, User.display_name)
                    .outerjoin(User, User.id == Activity.owner_id)
                    .where(Activity.customer_id == customer_id, Activity.deleted_at.is_(None),
                           Activity.cancelled_at.is_(None))
                    .order_by(Activity.due_at.desc()).limit(RECENT)
                )
            ]
            tickets = [
                TicketLine(t.id, t.number, t.subject, t.priority, t.status, t.opened_at, u or "")
                for t, u in s.execute(
                    select(Ticket, User.display_name)
                    .outerjoin(User, User.id == Ticket.assignee_id)
                    .where(Ticket.customer_id == customer_id, Ticket.deleted_at.is_(None))
                    .order_by(Ticket.opened_at.desc()).limit(RECENT)
                )
            ]
            changes = audit.history(s, "customers", customer_id, limit=RECENT)
        timeline = self._timeline(orders, interactions, opportunities, activities, tickets, changes)
        health = self.health.get(customer_id) if customer.deleted_at is None else None
        return Profile(customer, contacts, summary, orders, interactions, opportunities,
                       activities, tickets, timeline, health)

    @staticmethod
    def _order_summary(s: Session, customer_id: uuid.UUID) -> OrderSummary:
        row = s.execute(
            select(func.count(), func.coalesce(func.sum(Order.amount), 0),
                   func.min(Order.order_date), func.max(Order.order_date))
            .where(Order.customer_id == customer_id, Order.deleted_at.is_(None),
                   Order.status == OrderStatus.PAID.value)
        ).one()
        return OrderSummary(int(row[0]), Decimal(row[1]).quantize(Decimal("0.01")), row[2], row[3])

    @staticmethod
    def _timeline(orders, interactions, opportunities, activities, tickets, changes
                  ) -> list[TimelineEvent]:
        events: list[TimelineEvent] = []
        events += [TimelineEvent(i.occurred_at, "interaction", i.channel, i.summary,
                                 i.contact, i.user, ref_id=i.id) for i in interactions]
        events += [TimelineEvent(_midnight(o.order_date), "order", o.status, o.order_no,
                                 o.currency, "", amount=o.amount, date_only=True)
                   for o in orders]
        events += [TimelineEvent(a.done_at or a.due_at, "activity", a.type, a.subject,
                                 "done" if a.done_at else "planned", a.owner, ref_id=a.id)
                   for a in activities]
        events += [TimelineEvent(t.opened_at, "ticket", t.status, f"{t.number} {t.subject}",
                                 t.priority, t.assignee, ref_id=t.id) for t in tickets]
        for c in changes:
            if c.action == "update":
                events.append(TimelineEvent(c.at, "change", c.field, c.field,
                                            f"{c.old_value or ''} → {c.new_value or ''}", c.user))
            else:
                events.append(TimelineEvent(c.at, "change", c.action, c.action, "", c.user))
        events.sort(key=lambda e: e.at, reverse=True)
        return events

    def add_interaction(self, customer_id: uuid.UUID, data: Mapping[str, Any]) -> InteractionLine:
        """Record a past call, visit, WeChat message, email or meeting with the customer."""
        errors: list[FieldError] = []
        channel = clean(data.get("channel", Channel.PHONE.value))
        if channel not in CHANNELS:
            errors.append(FieldError("channel", "invalid_choice", channel))
        summary = str(data.get("summary") or "").strip()
        if not summary:
            errors.append(FieldError("summary", "required"))
        occurred = data.get("occurred_at") or dt.datetime.now(dt.timezone.utc)
        if not isinstance(occurred, dt.datetime) or occurred.tzinfo is None:
            errors.append(FieldError("occurred_at", "invalid_datetime", str(occurred)))
        elif occurred > dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5):
            errors.append(FieldError("occurred_at", "in_future", occurred.isoformat()))
        contact_id = data.get("contact_id")
        if errors:
            raise ValidationError(errors)
        with self.db.session() as s:
            if s.get(Customer, customer_id) is None:
                raise NotFound("customers", customer_id)
            i = Interaction(customer_id=customer_id, contact_id=contact_id,
                            user_id=self.actor_id, channel=channel, occurred_at=occurred,
                            summary=summary)
            s.add(i)
            s.flush()
            audit.record(s, table="interactions", row_id=i.id, action="create",
                         user_id=self.actor_id)
            user = s.scalar(select(User.display_name).where(User.id == self.actor_id)) or ""
            contact = (s.scalar(select(Contact.name).where(Contact.id == contact_id)) or ""
                       if contact_id else "")
            return InteractionLine(i.id, i.channel, i.occurred_at, i.summary, user, contact)
