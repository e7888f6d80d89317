"""Follow-ups (activities) and the calendar (no Qt): planning, editing, completing,
rescheduling and cancelling; recurring series; the cadence per tier and the neglected
customers; reminders; the agenda and the ``.ics`` export.

Recurring follow-ups are an ``activity_series`` row (an RFC 5545 rule, expanded by dateutil
in the series' own time zone, so a weekly 09:00 call stays at 09:00 local across a
daylight-saving change) whose occurrences are generated as ordinary ``activities`` rows up to
``generated_until`` and further as the calendar or the reminders reach them. Each generated
occurrence's id is derived from its series and start, so two replicas generating the same
occurrence make the same row. Every view (calendar, overdue counts, reminders, the today list,
the export) then reads plain rows. An occurrence edited on its own is flagged
``series_edited``; editing "this and the following" ends the series before the occurrence and
starts a new one from it, so past occurrences keep the rule they were made by.

Completing a follow-up writes an interaction into the customer's history (its outcome) and,
when nothing else is planned for that customer, plans the next one by the cadence of the
customer's tier (``follow_up_cadence``), moved off weekends and holidays.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule as du_rrule
from sqlalchemy import case, exists, func, literal, select, true
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.models import (
    Activity, ActivitySeries, ActivityType, Channel, Contact, Customer, Interaction, Tier, User,
)

from . import audit, shared_settings
from .access import ScopedService, mask_address, mask_phone
from .calendar_items import ACTIVITY_TYPES, CalendarItem
from .db import Database
from .errors import ConflictError, FieldError, NotFound, PermissionDenied, ValidationError
from .holidays import HolidayService
from .periods import local_midnight, local_zone, to_utc, utc_param
from .text import display_phone
from .users import UserInfo

CADENCE_KEY = "follow_up_cadence"
TIER_KEYS = tuple(t.value for t in Tier) + ("",)  # "": customers without a tier
DEFAULT_CADENCE = {"strategic": 14, "growth": 30, "basic": 90, "dormant": 180, "": 60}
HORIZON = dt.timedelta(days=180)  # occurrences generated ahead of today
MAX_GENERATED = 2000  # occurrences one generation call writes at most (a daily rule: 5 years)
FREQS = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
MAX_DURATION = 24 * 60
SNOOZE_MAX = 7 * 24 * 60
MONTH_PER_DAY = 12  # follow-ups a month cell can list; the rest are counted
ONE = "one"  # edit or cancel this occurrence only
FOLLOWING = "following"  # this occurrence and the ones after it
CHANNEL_OF = {"call": Channel.PHONE.value, "visit": Channel.VISIT.value,
              "meeting": Channel.MEETING.value, "email": Channel.EMAIL.value,
              "wechat": Channel.WECHAT.value, "task": Channel.PHONE.value}
DEFAULT_TEXTS = {"cadence_subject": "Follow up with {customer}"}
EDITABLE = ("subject", "type", "notes", "customer_id", "owner_id", "start",
            "duration_minutes", "reminder_minutes")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("a naive datetime: give times with their time zone")
    return value.astimezone(dt.timezone.utc)


# -- recurrence ---------------------------------------------------------------------------------

def _rule(rrule_text: str, start_local: dt.datetime) -> du_rrule.rrule:
    """dateutil's rule for ``rrule_text`` from the naive local ``start_local``."""
    text = rrule_text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    rule = du_rrule.rrulestr(text, dtstart=start_local, forceset=False, ignoretz=True)
    if not isinstance(rule, du_rrule.rrule):
        raise ValueError("one RRULE only")
    return rule


def check_rrule(rrule_text: str, start: dt.datetime, tz: dt.tzinfo) -> str:
    """The rule normalised (``FREQ=...;...``, no ``RRULE:``); raises ValidationError when it
    is not a rule this app repeats by (daily, weekly, monthly or yearly, with at least one
    occurrence)."""
    text = rrule_text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = dict(p.split("=", 1) for p in text.upper().split(";") if "=" in p)
    err = None
    if len(text) > 400:
        err = FieldError("recurrence", "too_long", text[:40], "400")
    elif parts.get("FREQ") not in FREQS or "DTSTART" in text.upper():
        err = FieldError("recurrence", "invalid", text[:80],
                         "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY")
    else:
        try:
            rule = _rule(text, start.astimezone(tz).replace(tzinfo=None))
            if rule[0] is None:
                raise ValueError("no occurrence")
        except (ValueError, IndexError, TypeError) as exc:
            err = FieldError("recurrence", "invalid", text[:80], str(exc)[:80])
    if err:
        raise ValidationError([err])
    return text.upper()


def occurrences(rrule_text: str, starts_at: dt.datetime, tz_name: str, after: dt.datetime,
                until: dt.datetime, limit: int = MAX_GENERATED) -> list[dt.datetime]:
    """The UTC starts of the series' occurrences with ``after < start <= until`` (at most
    ``limit``). The rule runs on local wall-clock times in ``tz_name``; each is then placed
    in that zone (a time skipped by a daylight-saving change moves forward by the gap)."""
    tz = ZoneInfo(tz_name)
    local_start = starts_at.astimezone(tz).replace(tzinfo=None)
    rule = _rule(rrule_text, local_start)
    # local bounds one day wider than the UTC ones, then filtered exactly
    lo = after.astimezone(tz).replace(tzinfo=None) - dt.timedelta(days=1)
    hi = until.astimezone(tz).replace(tzinfo=None) + dt.timedelta(days=1)
    out = []
    for naive in rule.xafter(lo, inc=False):
        if naive > hi:
            break
        when = to_utc(naive, tz)
        if after < when <= until:
            out.append(when)
            if len(out) >= limit:
                break
    return out


def _offset_segments(lo: dt.datetime, hi: dt.datetime, tz: dt.tzinfo
                     ) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """``[lo, hi)`` cut where ``tz`` changes its UTC offset: (from, to, offset in minutes),
    one offset each (a daylight-saving change is found to the second)."""
    def offset(t: dt.datetime) -> int:
        return int(t.astimezone(tz).utcoffset().total_seconds()) // 60

    step, out, a = dt.timedelta(days=1), [], lo
    while a < hi:
        off = offset(a)
        b = a
        while b < hi and offset(min(b + step, hi)) == off:
            b = min(b + step, hi)
        if b >= hi:
            out.append((a, hi, off))
            break
        left, right = b, min(b + step, hi)  # the change is in (left, right]
        while right - left > dt.timedelta(seconds=1):
            mid = left + (right - left) / 2
            if offset(mid) == off:
                left = mid
            else:
                right = mid
        out.append((a, right, off))
        a = right
    return out


def occurrence_id(series_id: uuid.UUID, start: dt.datetime) -> uuid.UUID:
    return uuid.uuid5(series_id, _utc(start).strftime("%Y%m%dT%H%M%SZ"))


def _until_before(rrule_text: str, at: dt.datetime, tz_name: str) -> str:
    """The rule ending just before ``at``; COUNT dropped. Rules run on the series' local
    wall-clock times, so UNTIL is a local time too."""
    parts = [p for p in rrule_text.split(";") if p and not p.upper().startswith(("UNTIL=",
                                                                               "COUNT="))]
    until = (at.astimezone(ZoneInfo(tz_name)) - dt.timedelta(seconds=1))
    return ";".join(parts + [f"UNTIL={until.strftime('%Y%m%dT%H%M%S')}"])


# -- values -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cadence:
    """Days between follow-ups per customer tier (``""``: no tier; 0: no cadence)."""

    days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_CADENCE))

    def days_for(self, tier: str) -> int:
        return self.days.get(tier if tier in TIER_KEYS else "", self.days.get("", 0))

    def validate(self) -> "Cadence":
        errors = [FieldError("cadence", "invalid_choice", str(k)) for k in self.days
                  if k not in TIER_KEYS]
        errors += [FieldError("cadence", "out_of_range", f"{k}={v}", "0-3650")
                   for k, v in self.days.items()
                   if k in TIER_KEYS and (not isinstance(v, int) or not 0 <= v <= 3650)]
        if errors:
            raise ValidationError(errors)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"days": dict(self.days)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Cadence":
        days = dict(DEFAULT_CADENCE)
        days.update({str(k): int(v) for k, v in dict(d.get("days") or {}).items()})
        return cls(days)


@dataclass(frozen=True)
class ActivityDetail:
    """What the activity form shows and edits."""

    item: CalendarItem
    notes: str
    outcome: str
    opportunity_id: uuid.UUID | None
    done_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    series_id: uuid.UUID | None
    rrule: str  # the series' rule, "" for a single follow-up
    series_tz: str
    customer_code: str = ""
    customer_phone: str = ""
    customer_address: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class Completion:
    item: CalendarItem
    interaction_id: uuid.UUID | None
    next: CalendarItem | None  # planned by the cadence (or the caller's date)


@dataclass(frozen=True)
class TodayList:
    today: list[CalendarItem]  # today's open follow-ups, by time
    overdue: list[CalendarItem]  # open ones from before today, the latest first
    overdue_total: int  # all of them (``overdue`` may hold only the latest)

    @property
    def items(self) -> list[CalendarItem]:
        return self.today + self.overdue


@dataclass(frozen=True)
class Reminder:
    item: CalendarItem
    remind_at: dt.datetime


@dataclass(frozen=True)
class Neglected:
    customer_id: uuid.UUID
    code: str
    name: str
    tier: str
    owner_id: uuid.UUID | None
    owner_name: str
    last_contact: dt.datetime | None
    due: dt.datetime  # last contact (or creation) + the tier's cadence
    next_planned: dt.datetime | None  # the first open follow-up, if any (after ``due``)


@dataclass(frozen=True)
class AgendaEntry:
    """One line of a printed agenda: the follow-up and where and how to reach the
    customer."""

    item: CalendarItem
    customer_code: str
    phone: str
    address: str
    contact_name: str
    contact_phone: str
    notes: str


CADENCE_NEXT = object()  # complete(): plan the next follow-up by the tier's cadence


class FollowUpService(ScopedService):
    def __init__(self, db: Database, user: UserInfo, tz: dt.tzinfo | None = None):
        """``tz``: the user's time zone (days, "tomorrow", new series; default: this
        computer's)."""
        self.db = db
        self.user = user
        self.tz = tz or local_zone()
        self.holidays = HolidayService(db, user)

    @property
    def tz_name(self) -> str:
        return getattr(self.tz, "key", None) or "UTC"

    # -- reading --------------------------------------------------------------------------------

    def _scope(self, q, owner_id: uuid.UUID | None, team: str | None, col=Activity.owner_id):
        # what this user may see at all (the same rules as the server's policies)
        acc = self.access()
        visible = (acc.customer_filter() if col.class_ is Customer else
                   acc.activity_filter(col.class_))
        if visible is not None:
            q = q.where(visible)
        if owner_id is not None:
            q = q.where(col == owner_id)
        if team:
            q = q.where(col.in_(select(User.id).where(User.team == team)))
        return q

    def _item_query(self):
        a, c, u = Activity, Customer, User
        return (select(a.id, a.version, a.type, a.subject, a.due_at, a.duration_minutes,
                       a.customer_id, c.name, a.owner_id, u.display_name, a.done_at,
                       a.series_id, a.reminder_minutes)
                .outerjoin(c, c.id == a.customer_id).outerjoin(u, u.id == a.owner_id))

    @staticmethod
    def _to_item(row, now: dt.datetime) -> CalendarItem:
        (aid, version, type_, subject, due, dur, cid, cname, oid, oname, done_at, sid,
         rem) = row
        return CalendarItem(aid, version, type_, subject, due, dur, cid, cname or "", oid,
                            oname or "", done_at is not None,
                            done_at is None and due + dt.timedelta(minutes=dur) < now,
                            sid is not None, rem)

    def items(self, start: dt.datetime, end: dt.datetime, *, owner_id: uuid.UUID | None = None,
              team: str | None = None, types: Iterable[str] | None = None,
              include_done: bool = True, now: dt.datetime | None = None,
              limit: int | None = None) -> list[CalendarItem]:
        """The follow-ups starting in ``[start, end)`` (cancelled ones left out), by start
        (the first ``limit``). Recurring series are generated that far first."""
        now = now or _now()
        start, end = _utc(start), _utc(end)
        self.ensure_generated(end, owner_id=owner_id, team=team)
        a = Activity
        q = self._item_query().where(a.due_at >= utc_param(start), a.due_at < utc_param(end),
                                     a.deleted_at.is_(None), a.cancelled_at.is_(None))
        q = self._scope(q, owner_id, team)
        if types is not None:
            q = q.where(a.type.in_(list(types)))
        if not include_done:
            q = q.where(a.done_at.is_(None))
        q = q.order_by(a.due_at, a.id)
        if limit is not None:
            q = q.limit(limit)
        with self.db.read() as s:
            return [self._to_item(r, now) for r in s.execute(q)]

    def month_items(self, start: dt.date, end: dt.date, *, per_day: int = MONTH_PER_DAY,
                    owner_id: uuid.UUID | None = None, team: str | None = None,
                    types: Iterable[str] | None = None, now: dt.datetime | None = None
                    ) -> tuple[list[CalendarItem], dict[dt.date, int]]:
        """What a month grid shows for the local days ``[start, end)``: each day's first
        ``per_day`` follow-ups by start, and how many the day has in all (the cell's "N
        more"). The cost follows the days shown, not the follow-ups: a company's month of
        30,000 follow-ups reads 42 x ``per_day`` rows."""
        now = now or _now()
        lo = local_midnight(start, self.tz)
        hi = local_midnight(end, self.tz)
        self.ensure_generated(hi, owner_id=owner_id, team=team)
        a = Activity
        live = (a.cancelled_at.is_(None), a.deleted_at.is_(None))
        type_filter = [a.type.in_(list(types))] if types is not None else []
        counts: dict[dt.date, int] = {}
        items: list[CalendarItem] = []
        with self.db.read() as s:
            # each day's total straight from the (owner, due) index of live follow-ups
            for seg_lo, seg_hi, offset in _offset_segments(lo, hi, self.tz):
                day = self._local_day(a.due_at, offset)
                q = self._scope(select(day, func.count()).where(
                    *live, *type_filter, a.due_at >= utc_param(seg_lo),
                    a.due_at < utc_param(seg_hi))
                    .group_by(day), owner_id, team)
                for d, n in s.execute(q):
                    counts[dt.date.fromisoformat(str(d)[:10])] = n
            # then the first few of each busy day, each an index range with a LIMIT
            for d in sorted(counts):
                d_lo = local_midnight(d, self.tz)
                d_hi = local_midnight(d + dt.timedelta(days=1), self.tz)
                q = self._scope(self._item_query().where(
                    *live, *type_filter, a.due_at >= utc_param(d_lo), a.due_at < utc_param(d_hi)),
                    owner_id, team).order_by(a.due_at, a.id).limit(per_day)
                items.extend(self._to_item(r, now) for r in s.execute(q))
        return items, counts

    def _local_day(self, col, offset_minutes: int):
        """The local date of a UTC time column, at a fixed UTC offset."""
        if self.db.is_sqlite:
            return func.date(col, f"{offset_minutes:+d} minutes")
        return func.date(func.timezone("UTC", col) + dt.timedelta(minutes=offset_minutes))

    def item(self, activity_id: uuid.UUID, now: dt.datetime | None = None) -> CalendarItem:
        with self.db.read() as s:
            row = s.execute(self._item_query().where(Activity.id == activity_id)).first()
            if row is None:
                raise NotFound("activities", activity_id)
            return self._to_item(row, now or _now())

    def get(self, activity_id: uuid.UUID) -> ActivityDetail:
        now = _now()
        with self.db.read() as s:
            a = s.get(Activity, activity_id)
            if a is None or a.deleted_at is not None:
                raise NotFound("activities", activity_id)
            series = s.get(ActivitySeries, a.series_id) if a.series_id else None
            c = s.get(Customer, a.customer_id) if a.customer_id else None
            contact = None
            if c is not None:
                contact = s.scalars(select(Contact).where(
                    Contact.customer_id == c.id, Contact.deleted_at.is_(None))
                    .order_by(Contact.is_primary.desc(), Contact.created_at).limit(1)).first()
            row = s.execute(self._item_query().where(Activity.id == activity_id)).first()
            return ActivityDetail(
                self._to_item(row, now), a.notes, a.outcome, a.opportunity_id, a.done_at,
                a.cancelled_at, a.series_id,
                series.rrule if series is not None and series.deleted_at is None else "",
                series.tz if series is not None else "",
                c.code if c else "", self._phone(c, c.phone) if c else "", self._address(c),
                contact.name if contact else "",
                self._phone(c, contact.phone) if contact else "")

    def overdue_count(self, owner_id: uuid.UUID | None = None, team: str | None = None,
                      now: dt.datetime | None = None) -> int:
        """Open follow-ups whose time has passed (the navigation shows the number)."""
        now = now or _now()
        a = Activity
        q = select(func.count()).select_from(a).where(
            a.done_at.is_(None), a.cancelled_at.is_(None), a.deleted_at.is_(None),
            a.due_at < utc_param(now))
        q = self._scope(q, owner_id, team)
        # the end, not the start, decides; the start bound lets the open index answer
        with self.db.read() as s:
            late = s.execute(q).scalar_one()
            running = s.execute(self._scope(
                select(a.due_at, a.duration_minutes).where(
                    a.done_at.is_(None), a.cancelled_at.is_(None), a.deleted_at.is_(None),
                    a.due_at < utc_param(now), a.due_at >= utc_param(now - dt.timedelta(
                        minutes=MAX_DURATION))), owner_id, team)).all()
        return late - sum(1 for due, dur in running if due + dt.timedelta(minutes=dur) >= now)

    def today(self, owner_id: uuid.UUID | None = None, team: str | None = None,
              now: dt.datetime | None = None, overdue_limit: int = 200,
              limit: int = 500) -> "TodayList":
        """The today list: the open follow-ups of today (the user's day, by time, at most
        ``limit``) and the overdue ones from before today (the latest first, at most
        ``overdue_limit``, with their total)."""
        now = now or _now()
        local = now.astimezone(self.tz)
        day_start = local_midnight(local.date(), self.tz)
        end = local_midnight(local.date() + dt.timedelta(days=1), self.tz)
        self.ensure_generated(end, owner_id=owner_id, team=team)
        a = Activity
        is_open = (a.done_at.is_(None), a.cancelled_at.is_(None), a.deleted_at.is_(None))
        q_today = self._scope(self._item_query().where(
            *is_open, a.due_at >= utc_param(day_start), a.due_at < utc_param(end)), owner_id, team)
        q_late = self._scope(self._item_query().where(
            *is_open, a.due_at < utc_param(day_start)), owner_id, team)
        q_count = self._scope(select(func.count()).select_from(a).where(
            *is_open, a.due_at < utc_param(day_start)), owner_id, team)
        with self.db.read() as s:
            today = [self._to_item(r, now) for r in s.execute(
                q_today.order_by(a.due_at, a.id).limit(limit))]
            late = [self._to_item(r, now) for r in s.execute(
                q_late.order_by(a.due_at.desc(), a.id).limit(overdue_limit))]
            total = s.execute(q_count).scalar_one()
        return TodayList(today, late, total)

    def agenda(self, start: dt.datetime, end: dt.datetime, *, owner_id: uuid.UUID | None = None,
               team: str | None = None, types: Iterable[str] | None = None
               ) -> list[AgendaEntry]:
        """The follow-ups of a period with each customer's phone, address and main contact
        (for a printed agenda)."""
        items = self.items(start, end, owner_id=owner_id, team=team, types=types)
        cids = list({i.customer_id for i in items if i.customer_id})
        info: dict[uuid.UUID, tuple] = {}
        with self.db.read() as s:
            for chunk in range(0, len(cids), 500):
                part = cids[chunk:chunk + 500]
                masked: set[uuid.UUID] = set()  # phones and addresses this user may not see
                for c in s.scalars(select(Customer).where(Customer.id.in_(part))):
                    info[c.id] = (c.code, self._phone(c, c.phone), self._address(c), "", "")
                    if not self._sees_sensitive(c):
                        masked.add(c.id)
                for ct in s.scalars(select(Contact).where(
                        Contact.customer_id.in_(part), Contact.deleted_at.is_(None))
                        .order_by(Contact.is_primary, Contact.created_at.desc())):
                    code, phone, addr, _n, _p = info.get(ct.customer_id, ("", "", "", "", ""))
                    ct_phone = display_phone(ct.phone)
                    info[ct.customer_id] = (code, phone, addr, ct.name,
                                            mask_phone(ct_phone) if ct.customer_id in masked
                                            else ct_phone)
            notes = dict(s.execute(select(Activity.id, Activity.notes).where(
                Activity.id.in_([i.id for i in items]))).all()) if len(items) <= 5000 else {}
        return [AgendaEntry(i, *info.get(i.customer_id, ("", "", "", "", "")),
                            notes.get(i.id, "")) for i in items]

    # -- sensitive fields -----------------------------------------------------------------------

    def _sees_sensitive(self, c: Customer) -> bool:
        return self.access().sees_sensitive(c.owner_id)

    def _phone(self, c: Customer | None, phone: str | None) -> str:
        """A customer's (or its contact's) phone as shown: masked (138****1234) for a user
        without see_sensitive on a customer not their own, as everywhere."""
        shown = display_phone(phone)
        return shown if c is None or self._sees_sensitive(c) else mask_phone(shown)

    def _address(self, c: Customer | None) -> str:
        shown = _address(c)
        return shown if c is None or self._sees_sensitive(c) else mask_address(shown)

    # -- writing --------------------------------------------------------------------------------

    def _check(self, fields: Mapping[str, Any], s: Session, *, new: bool) -> dict[str, Any]:
        errors: list[FieldError] = []
        out: dict[str, Any] = {}
        if "subject" in fields or new:
            subject = str(fields.get("subject") or "").strip()
            if not subject:
                errors.append(FieldError("subject", "required"))
            out["subject"] = subject[:200]
        if "type" in fields or new:
            type_ = fields.get("type") or ActivityType.CALL.value
            if type_ not in ACTIVITY_TYPES:
                errors.append(FieldError("type", "invalid_choice", str(type_)))
            out["type"] = type_
        if "notes" in fields:
            out["notes"] = str(fields["notes"] or "")
        if "start" in fields or new:
            start = fields.get("start")
            if not isinstance(start, dt.datetime) or start.tzinfo is None:
                errors.append(FieldError("start", "required"))
            else:
                out["start"] = _utc(start)
        if "duration_minutes" in fields or new:
            dur = fields.get("duration_minutes", 30)
            if not isinstance(dur, int) or not 5 <= dur <= MAX_DURATION:
                errors.append(FieldError("duration_minutes", "out_of_range", str(dur),
                                         f"5-{MAX_DURATION}"))
            out["duration_minutes"] = dur
        if "reminder_minutes" in fields:
            rem = fields["reminder_minutes"]
            if rem is not None and (not isinstance(rem, int) or not 0 <= rem <= 7 * 24 * 60):
                errors.append(FieldError("reminder_minutes", "out_of_range", str(rem),
                                         "0-10080"))
            out["reminder_minutes"] = rem
        if "customer_id" in fields:
            cid = fields["customer_id"]
            if cid is not None:
                c = s.get(Customer, cid)
                if c is None or c.deleted_at is not None:
                    errors.append(FieldError("customer_id", "invalid_choice", str(cid)))
            out["customer_id"] = cid
        if "owner_id" in fields or new:
            oid = fields.get("owner_id") or self.user.id
            u = s.get(User, oid)
            if u is None or not u.active:
                errors.append(FieldError("owner_id", "invalid_choice", str(oid)))
            elif oid != self.user.id and self.user.role not in shared_settings.MANAGER_ROLES:
                raise PermissionDenied(f"{self.user.username} ({self.user.role}) may plan "
                                       "follow-ups for themselves only")
            out["owner_id"] = oid
        if errors:
            raise ValidationError(errors)
        return out

    @staticmethod
    def _remind_at(start: dt.datetime, minutes: int | None, now: dt.datetime):
        return start - dt.timedelta(minutes=minutes) if minutes is not None and start > now \
            else None

    def create(self, fields: Mapping[str, Any], *, rrule: str = "",
               now: dt.datetime | None = None) -> CalendarItem:
        """Plan a follow-up (``rrule``: make it recurring; the first occurrence comes back).
        Fields: subject, start (aware), type, duration_minutes, customer_id, owner_id,
        notes, reminder_minutes, opportunity_id."""
        now = now or _now()
        with self.db.session() as s:
            v = self._check(fields, s, new=True)
            v.setdefault("reminder_minutes", fields.get("reminder_minutes"))
            v.setdefault("customer_id", fields.get("customer_id"))
            v.setdefault("notes", str(fields.get("notes") or ""))
            if rrule.strip():
                rule = check_rrule(rrule, v["start"], self.tz)
                series = ActivitySeries(
                    owner_id=v["owner_id"], customer_id=v["customer_id"],
                    opportunity_id=fields.get("opportunity_id"), type=v["type"],
                    subject=v["subject"], notes=v["notes"], starts_at=v["start"],
                    tz=self.tz_name, rrule=rule, duration_minutes=v["duration_minutes"],
                    reminder_minutes=v["reminder_minutes"],
                    generated_until=v["start"] - dt.timedelta(seconds=1))
                s.add(series)
                s.flush()
                audit.record(s, table="activity_series", row_id=series.id, action="create",
                             user_id=self.user.id)
                self._generate(s, series, max(now, v["start"]) + HORIZON, now)
                first = s.scalars(select(Activity.id).where(Activity.series_id == series.id)
                                  .order_by(Activity.due_at).limit(1)).first()
                s.flush()
                row = s.execute(self._item_query().where(Activity.id == first)).first()
                return self._to_item(row, now)
            act = Activity(customer_id=v["customer_id"],
                           opportunity_id=fields.get("opportunity_id"), owner_id=v["owner_id"],
                           type=v["type"], subject=v["subject"], notes=v["notes"],
                           due_at=v["start"], duration_minutes=v["duration_minutes"],
                           reminder_minutes=v["reminder_minutes"],
                           remind_at=self._remind_at(v["start"], v["reminder_minutes"], now))
            s.add(act)
            s.flush()
            audit.record(s, table="activities", row_id=act.id, action="create",
                         user_id=self.user.id)
            return self._to_item(s.execute(self._item_query().where(
                Activity.id == act.id)).first(), now)

    def _live(self, s: Session, activity_id: uuid.UUID,
              expected_version: int | None = None) -> Activity:
        a = s.get(Activity, activity_id, with_for_update=not self.db.is_sqlite)
        if a is None or a.deleted_at is not None:
            raise NotFound("activities", activity_id)
        if expected_version is not None and a.version != expected_version:
            raise ConflictError("activities", activity_id, expected_version, a.version)
        if a.owner_id not in (None, self.user.id) and \
                self.user.role not in shared_settings.MANAGER_ROLES:
            raise PermissionDenied(f"{self.user.username} may change their own follow-ups "
                                   "only")
        return a

    def _finish(self, s: Session, a: Activity, old: dict[str, Any], now: dt.datetime,
                action: str = "update") -> CalendarItem:
        try:
            s.flush()
        except StaleDataError:  # the optimistic lock: someone saved in between
            raise ConflictError("activities", a.id, old.get("version"), None) from None
        new = {k: getattr(a, k) for k in old if k != "version"}
        audit.record(s, table="activities", row_id=a.id, action=action, user_id=self.user.id,
                     old={k: v for k, v in old.items() if k != "version"}, new=new)
        return self._to_item(s.execute(self._item_query().where(Activity.id == a.id)).first(),
                             now)

    @staticmethod
    def _snapshot(a: Activity, names: Iterable[str]) -> dict[str, Any]:
        return {"version": a.version, **{n: getattr(a, n) for n in names}}

    def move(self, activity_id: uuid.UUID, expected_version: int, start: dt.datetime,
             duration_minutes: int | None = None, *, now: dt.datetime | None = None
             ) -> CalendarItem:
        """Drag or resize in the calendar: a new start and/or duration, saved and audited. An
        occurrence of a series moves on its own."""
        now = now or _now()
        fields: dict[str, Any] = {"start": start}
        if duration_minutes is not None:
            fields["duration_minutes"] = duration_minutes
        with self.db.session() as s:
            v = self._check(fields, s, new=False)
            a = self._live(s, activity_id, expected_version)
            if a.done_at is not None or a.cancelled_at is not None:
                raise ValidationError([FieldError("start", "invalid", "closed")])
            old = self._snapshot(a, ("due_at", "duration_minutes", "remind_at"))
            a.due_at = v["start"]
            if duration_minutes is not None:
                a.duration_minutes = v["duration_minutes"]
            a.remind_at = self._remind_at(a.due_at, a.reminder_minutes, now)
            if a.series_id is not None:
                a.series_edited = True
            return self._finish(s, a, old, now)

    def reschedule(self, activity_id: uuid.UUID, expected_version: int, start: dt.datetime,
                   *, now: dt.datetime | None = None) -> CalendarItem:
        return self.move(activity_id, expected_version, start, now=now)

    def tomorrow(self, activity_id: uuid.UUID, expected_version: int, *,
                 now: dt.datetime | None = None) -> CalendarItem:
        """Reschedule to tomorrow (the user's day) at the follow-up's own time of day."""
        now = now or _now()
        item = self.item(activity_id, now)
        local_time = item.start.astimezone(self.tz).time()
        day = now.astimezone(self.tz).date() + dt.timedelta(days=1)
        return self.move(activity_id, expected_version,
                         to_utc(dt.datetime.combine(day, local_time), self.tz), now=now)

    def update(self, activity_id: uuid.UUID, expected_version: int, fields: Mapping[str, Any],
               *, scope: str = ONE, rrule: str | None = None,
               now: dt.datetime | None = None) -> CalendarItem:
        """Edit a follow-up from its form. For an occurrence of a series, ``scope`` ONE
        changes it alone; FOLLOWING changes it and every later occurrence (the series is
        split there: ``rrule`` the new rule, "" to end the series with this occurrence made
        a single follow-up). ``rrule`` on a single follow-up makes it recurring."""
        now = now or _now()
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        with self.db.session() as s:
            v = self._check(fields, s, new=False)
            a = self._live(s, activity_id, expected_version)
            names = ("subject", "type", "notes", "customer_id", "owner_id", "due_at",
                     "duration_minutes", "reminder_minutes", "remind_at", "series_id")
            old = self._snapshot(a, names)
            for k, val in v.items():
                setattr(a, "due_at" if k == "start" else k, val)
            a.remind_at = self._remind_at(a.due_at, a.reminder_minutes, now) \
                if a.done_at is None else None
            if a.series_id is None and rrule:
                self._start_series(s, a, rrule, now)
            elif a.series_id is not None and scope == FOLLOWING:
                self._split(s, a, rrule, now)
            elif a.series_id is not None:
                a.series_edited = True
            return self._finish(s, a, old, now)

    def _start_series(self, s: Session, a: Activity, rrule: str, now: dt.datetime) -> None:
        """``a`` becomes the first occurrence of a new series with rule ``rrule``."""
        rule = check_rrule(rrule, a.due_at, self.tz)
        series = ActivitySeries(
            owner_id=a.owner_id, customer_id=a.customer_id, opportunity_id=a.opportunity_id,
            type=a.type, subject=a.subject, notes=a.notes, starts_at=a.due_at,
            tz=self.tz_name, rrule=rule, duration_minutes=a.duration_minutes,
            reminder_minutes=a.reminder_minutes, generated_until=a.due_at)
        s.add(series)
        s.flush()
        a.series_id, a.occurrence_at, a.series_edited = series.id, a.due_at, False
        audit.record(s, table="activity_series", row_id=series.id, action="create",
                     user_id=self.user.id)
        self._generate(s, series, max(now, a.due_at) + HORIZON, now)

    def _end_series_before(self, s: Session, series: ActivitySeries, at: dt.datetime,
                           keep: uuid.UUID | None, now: dt.datetime) -> None:
        """The series stops before ``at``: its rule gets an UNTIL, and its untouched later
        occurrences (not done, cancelled or edited on their own; ``keep`` aside) go."""
        old_rule = series.rrule
        series.rrule = _until_before(series.rrule, at, series.tz)
        if at <= series.starts_at:
            series.deleted_at = now
        later = s.scalars(select(Activity).where(
            Activity.series_id == series.id, Activity.occurrence_at >= utc_param(at),
            Activity.done_at.is_(None), Activity.cancelled_at.is_(None),
            Activity.deleted_at.is_(None), Activity.series_edited.is_(False),
            *([Activity.id != keep] if keep else [])))
        for occ in later:
            occ.deleted_at = now
            occ.remind_at = None
        s.flush()
        audit.record(s, table="activity_series", row_id=series.id, action="update",
                     user_id=self.user.id, old={"rrule": old_rule},
                     new={"rrule": series.rrule})

    def _split(self, s: Session, a: Activity, rrule: str | None, now: dt.datetime) -> None:
        series = s.get(ActivitySeries, a.series_id)
        rule_text = series.rrule if rrule is None else rrule
        at = a.occurrence_at or a.due_at
        self._end_series_before(s, series, at, a.id, now)
        if not rule_text.strip():  # the series ends here; this one stays, on its own
            a.series_id, a.occurrence_at, a.series_edited = None, None, False
            return
        a.series_id = None
        self._start_series(s, a, rule_text, now)

    def cancel(self, activity_id: uuid.UUID, expected_version: int, *, scope: str = ONE,
               now: dt.datetime | None = None) -> CalendarItem:
        """Cancel a follow-up (FOLLOWING: and the rest of its series)."""
        now = now or _now()
        with self.db.session() as s:
            a = self._live(s, activity_id, expected_version)
            if a.done_at is not None:
                raise ValidationError([FieldError("status", "invalid", "done")])
            old = self._snapshot(a, ("cancelled_at", "remind_at"))
            a.cancelled_at, a.remind_at = now, None
            if a.series_id is not None and scope == FOLLOWING:
                self._end_series_before(s, s.get(ActivitySeries, a.series_id),
                                        a.occurrence_at or a.due_at, a.id, now)
            return self._finish(s, a, old, now, action="cancel")

    def complete(self, activity_id: uuid.UUID, expected_version: int, outcome: str = "", *,
                 next_due: Any = CADENCE_NEXT, texts: Mapping[str, str] | None = None,
                 now: dt.datetime | None = None) -> Completion:
        """Mark a follow-up done. Its outcome becomes an interaction in the customer's
        history. ``next_due``: CADENCE_NEXT plans the next follow-up by the tier's cadence
        when nothing else is planned for the customer; a datetime plans it then; None plans
        none. ``texts``: the next follow-up's subject in the user's language
        (``cadence_subject`` with ``{customer}``)."""
        now = now or _now()
        outcome = outcome.strip()
        if next_due is CADENCE_NEXT:  # the holiday calendar of the years a cadence reaches
            year = now.astimezone(self.tz).year
            self.holidays.ensure_years([year, year + 1, year + 2])
        with self.db.session() as s:
            a = self._live(s, activity_id, expected_version)
            if a.done_at is not None or a.cancelled_at is not None:
                raise ValidationError([FieldError("status", "invalid",
                                                  "done" if a.done_at else "cancelled")])
            old = self._snapshot(a, ("done_at", "outcome", "remind_at"))
            a.done_at, a.outcome, a.remind_at = now, outcome, None
            interaction_id = None
            customer = s.get(Customer, a.customer_id) if a.customer_id else None
            if customer is not None:
                summary = a.subject + (f": {outcome}" if outcome else "")
                inter = Interaction(customer_id=customer.id, user_id=self.user.id,
                                    channel=CHANNEL_OF.get(a.type, Channel.PHONE.value),
                                    occurred_at=now, summary=summary)
                s.add(inter)
                s.flush()
                interaction_id = inter.id
                audit.record(s, table="interactions", row_id=inter.id, action="create",
                             user_id=self.user.id)
            item = self._finish(s, a, old, now, action="complete")
            nxt = None
            if customer is not None and next_due is not None:
                due = self._cadence_due(s, a, customer, now) if next_due is CADENCE_NEXT \
                    else _utc(next_due)
                if due is not None:
                    template = (texts or {}).get("cadence_subject") or \
                        DEFAULT_TEXTS["cadence_subject"]
                    follow = Activity(customer_id=customer.id, owner_id=a.owner_id,
                                      opportunity_id=a.opportunity_id, type=a.type,
                                      subject=template.format(customer=customer.name)[:200],
                                      due_at=due, duration_minutes=a.duration_minutes,
                                      reminder_minutes=a.reminder_minutes,
                                      remind_at=self._remind_at(due, a.reminder_minutes, now))
                    s.add(follow)
                    s.flush()
                    audit.record(s, table="activities", row_id=follow.id, action="create",
                                 user_id=self.user.id)
                    nxt = self._to_item(s.execute(self._item_query().where(
                        Activity.id == follow.id)).first(), now)
            return Completion(item, interaction_id, nxt)

    def _cadence_due(self, s: Session, a: Activity, customer: Customer,
                     now: dt.datetime) -> dt.datetime | None:
        """When the next follow-up is due by the cadence of the customer's tier: that many
        days after today, at the completed one's time of day, moved to the next working day;
        None when the tier has no cadence or something is already planned ahead."""
        days = self.cadence()[0].days_for(customer.tier)
        if not days:
            return None
        planned = s.execute(select(func.count()).select_from(Activity).where(
            Activity.customer_id == customer.id, Activity.id != a.id,
            Activity.done_at.is_(None), Activity.cancelled_at.is_(None),
            Activity.deleted_at.is_(None), Activity.due_at >= utc_param(now))).scalar_one()
        if planned:
            return None
        day = now.astimezone(self.tz).date() + dt.timedelta(days=days)
        for _ in range(31):
            if self.holidays.is_working_day(day, s):
                break
            day += dt.timedelta(days=1)
        return to_utc(dt.datetime.combine(day, a.due_at.astimezone(self.tz).time()), self.tz)

    # -- recurring series -----------------------------------------------------------------------

    def _generate(self, s: Session, series: ActivitySeries, until: dt.datetime,
                  now: dt.datetime) -> int:
        """Write the series' occurrences after ``generated_until`` up to ``until``; returns
        how many."""
        if series.deleted_at is not None or series.generated_until >= until:
            return 0
        starts = occurrences(series.rrule, series.starts_at, series.tz,
                             series.generated_until, until)
        have = set(s.scalars(select(Activity.occurrence_at).where(
            Activity.series_id == series.id,
            Activity.occurrence_at > utc_param(series.generated_until))))
        added = 0
        for when in starts:
            if when in have:
                continue
            s.add(Activity(
                id=occurrence_id(series.id, when), customer_id=series.customer_id,
                opportunity_id=series.opportunity_id, owner_id=series.owner_id,
                type=series.type, subject=series.subject, notes=series.notes, due_at=when,
                duration_minutes=series.duration_minutes,
                reminder_minutes=series.reminder_minutes,
                remind_at=self._remind_at(when, series.reminder_minutes, now),
                series_id=series.id, occurrence_at=when))
            added += 1
        series.generated_until = starts[-1] if len(starts) >= MAX_GENERATED else until
        s.flush()
        return added

    def ensure_generated(self, until: dt.datetime, *, owner_id: uuid.UUID | None = None,
                         team: str | None = None, now: dt.datetime | None = None) -> int:
        """Generate the occurrences of the series (in scope) up to ``until``."""
        until = _utc(until)
        q = select(ActivitySeries.id).where(ActivitySeries.deleted_at.is_(None),
                                            ActivitySeries.generated_until < utc_param(until))
        q = self._scope(q, owner_id, team, ActivitySeries.owner_id)
        with self.db.read() as s:
            ids = list(s.scalars(q))
        if not ids:
            return 0
        added = 0
        with self.db.session() as s:
            for sid in ids:
                series = s.get(ActivitySeries, sid, with_for_update=not self.db.is_sqlite)
                if series is not None:
                    added += self._generate(s, series, until, now or _now())
        return added

    # -- reminders ------------------------------------------------------------------------------

    def due_reminders(self, now: dt.datetime | None = None) -> list[Reminder]:
        """The user's reminders due by ``now`` (open follow-ups only), oldest first."""
        now = now or _now()
        self.ensure_generated(now + dt.timedelta(days=8), owner_id=self.user.id, now=now)
        a = Activity
        q = (self._item_query().add_columns(a.remind_at)
             .where(a.owner_id == self.user.id, a.remind_at.is_not(None),
                    a.remind_at <= utc_param(now), a.done_at.is_(None), a.cancelled_at.is_(None),
                    a.deleted_at.is_(None))
             .order_by(a.remind_at, a.id).limit(200))
        with self.db.read() as s:
            return [Reminder(self._to_item(r[:-1], now), r[-1]) for r in s.execute(q)]

    def next_reminder_at(self) -> dt.datetime | None:
        """When the user's next reminder fires (the app's timer sleeps until then)."""
        a = Activity
        with self.db.read() as s:
            return s.execute(select(func.min(a.remind_at)).where(
                a.owner_id == self.user.id, a.remind_at.is_not(None), a.done_at.is_(None),
                a.cancelled_at.is_(None), a.deleted_at.is_(None))).scalar_one()

    def snooze(self, activity_id: uuid.UUID, minutes: int, *,
               now: dt.datetime | None = None) -> dt.datetime:
        """Remind again ``minutes`` from now; returns when."""
        if not 1 <= minutes <= SNOOZE_MAX:
            raise ValidationError([FieldError("snooze", "out_of_range", str(minutes),
                                              f"1-{SNOOZE_MAX}")])
        now = now or _now()
        with self.db.session() as s:
            a = self._live(s, activity_id)
            a.remind_at = now + dt.timedelta(minutes=minutes)
            return a.remind_at

    def dismiss(self, activity_id: uuid.UUID) -> None:
        """No more reminders for this follow-up."""
        with self.db.session() as s:
            self._live(s, activity_id).remind_at = None

    # -- cadence --------------------------------------------------------------------------------

    def cadence(self) -> tuple[Cadence, int]:
        return shared_settings.load_rules(self.db, CADENCE_KEY, Cadence)

    def save_cadence(self, cadence: Cadence, expected_version: int) -> int:
        return shared_settings.save_rules(self.db, self.user, CADENCE_KEY, cadence,
                                          expected_version, "the follow-up cadence")

    def neglected(self, *, owner_id: uuid.UUID | None = None, team: str | None = None,
                  now: dt.datetime | None = None, within_days: int = 7,
                  limit: int = 500) -> list[Neglected]:
        """Owned customers due for a follow-up by their tier's cadence within
        ``within_days`` (last contact, or creation, plus the cadence) with nothing planned
        by then: the most valuable tiers first (strategic, growth, basic, dormant, none),
        the most overdue first within a tier (the first ``limit``).

        All in SQL: the tier's cut-off (``within_days`` from now minus its cadence) is a
        CASE, and "no contact since the cut-off" and "nothing planned" are index seeks per
        customer, so only the rows shown reach Python (a salesperson's 20,000 customers took
        a second of Python before)."""
        now = now or _now()
        cad = self.cadence()[0]
        c, i, a, u = Customer, Interaction, Activity, User
        days = {t: cad.days_for(t) for t in TIER_KEYS}
        on = [t for t in TIER_KEYS if t and days[t]]
        off = [t for t in TIER_KEYS if t and not days[t]]
        if days[""]:  # tiers without a cadence of their own use the "" one
            in_force = c.tier.not_in(off) if off else true()
        elif on:
            in_force = c.tier.in_(on)
        else:
            return []
        horizon = now + dt.timedelta(days=within_days)
        default = utc_param(horizon - dt.timedelta(days=days[""] or 0))
        cut = case({t: utc_param(horizon - dt.timedelta(days=days[t])) for t in on},
                   value=c.tier, else_=default) if on else default
        span = case({t: days[t] for t in on}, value=c.tier, else_=days[""]) if on \
            else literal(days[""])
        last_i = (select(func.max(i.occurred_at)).where(i.customer_id == c.id,
                                                        i.deleted_at.is_(None))
                  .scalar_subquery())
        last_a = (select(func.max(a.done_at)).where(a.customer_id == c.id,
                                                    a.deleted_at.is_(None))
                  .scalar_subquery())
        first_open = (select(func.min(a.due_at)).where(
            a.customer_id == c.id, a.done_at.is_(None), a.cancelled_at.is_(None),
            a.deleted_at.is_(None)).scalar_subquery())
        last = self._greatest(func.coalesce(last_i, c.created_at),
                              func.coalesce(last_a, c.created_at))
        q = (select(c.id, c.code, c.name, c.tier, c.owner_id, u.display_name, c.created_at,
                    last_i.label("li"), last_a.label("la"), first_open.label("fo"))
             .outerjoin(u, u.id == c.owner_id)
             .where(c.owner_id.is_not(None), c.deleted_at.is_(None), in_force,
                    c.created_at <= cut,
                    ~exists().where(i.customer_id == c.id, i.occurred_at > cut,
                                    i.deleted_at.is_(None)),
                    ~exists().where(a.customer_id == c.id, a.done_at > cut,
                                    a.deleted_at.is_(None)),
                    # nothing planned by then (the open follow-ups' own index)
                    ~exists().where(a.customer_id == c.id, a.done_at.is_(None),
                                    a.cancelled_at.is_(None), a.deleted_at.is_(None),
                                    a.due_at <= utc_param(horizon)))
             .order_by(case({t: k for k, t in enumerate(TIER_KEYS)}, value=c.tier,
                            else_=len(TIER_KEYS)),
                       self._days_since_epoch(last) + span, c.code)
             .limit(limit))
        q = self._scope(q, owner_id, team, c.owner_id)
        out = []
        with self.db.read() as s:
            for cid, code, name, tier, oid, oname, created, li, la, fo in s.execute(q):
                when = max((t for t in (li, la) if t is not None), default=None)
                due = (when or created) + dt.timedelta(days=cad.days_for(tier))
                out.append(Neglected(cid, code, name, tier, oid, oname or "", when, due, fo))
        return out

    def _greatest(self, *cols):
        return func.max(*cols) if self.db.is_sqlite else func.greatest(*cols)

    def _days_since_epoch(self, col):
        """A time column as a number of days (only for ordering)."""
        if self.db.is_sqlite:
            return func.julianday(col)
        return func.extract("epoch", col) / 86400.0

    # -- export ---------------------------------------------------------------------------------

    def export_ics(self, start: dt.datetime, end: dt.datetime, *,
                   owner_id: uuid.UUID | None = None, team: str | None = None,
                   labels: Mapping[str, str] | None = None, now: dt.datetime | None = None
                   ) -> bytes:
        """The follow-ups of ``[start, end)`` as an iCalendar file (RFC 5545) that Outlook,
        Google, Apple and phone calendars import; each event's UID is the activity's id, so
        importing again updates instead of duplicating. ``labels``: type -> name in the
        user's language."""
        from icalendar import Alarm, Calendar, Event

        now = now or _now()
        cal = Calendar()
        cal.add("prodid", "-//desktop-crm//follow-ups//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", "desktop-crm")
        for e in self.agenda(start, end, owner_id=owner_id, team=team):
            it = e.item
            ev = Event()
            ev.add("uid", f"{it.id}@desktop-crm")
            ev.add("dtstamp", now)
            ev.add("dtstart", it.start)
            ev.add("dtend", it.end)
            kind = (labels or {}).get(it.type, it.type)
            ev.add("summary", f"[{kind}] {it.customer_name}: {it.subject}" if it.customer_name
                   else f"[{kind}] {it.subject}")
            lines = [x for x in (e.notes, it.customer_name and f"{it.customer_name} "
                                 f"{e.customer_code}".strip(), e.phone,
                                 e.contact_name and f"{e.contact_name} {e.contact_phone}"
                                 .strip()) if x]
            if lines:
                ev.add("description", "\n".join(lines))
            if e.address:
                ev.add("location", e.address)
            ev.add("categories", [kind])
            ev.add("status", "CONFIRMED")
            if it.done:
                ev.add("x-desktop-crm-done", "TRUE")
            if it.reminder_minutes is not None and not it.done:
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", it.subject)
                alarm.add("trigger", -dt.timedelta(minutes=it.reminder_minutes))
                ev.add_component(alarm)
            cal.add_component(ev)
        return cal.to_ical()


def _address(c: Customer | None) -> str:
    """Province, city and street as one line (what the street already names left out)."""
    if c is None:
        return ""
    street = c.address or ""
    head: list[str] = []
    for part in (c.province, c.city):
        if part and part not in head and part not in street:
            head.append(part)
    return "".join(head) + street
