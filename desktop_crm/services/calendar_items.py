"""What the calendar views draw: plain values, no database and no Qt, so the widgets and the
follow-up service share them (``services/followups.py`` fills them)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

# ActivityType values in the order the calendar lists them (legend, type filter).
ACTIVITY_TYPES = ("call", "visit", "meeting", "email", "task", "wechat")


@dataclass(frozen=True, slots=True)
class CalendarItem:
    """One activity (a follow-up) as the calendar shows it. ``start`` is UTC (timezone-aware);
    views convert it to the user's time zone."""

    id: uuid.UUID
    version: int
    type: str  # one of ACTIVITY_TYPES
    subject: str
    start: dt.datetime
    duration_minutes: int
    customer_id: uuid.UUID | None = None
    customer_name: str = ""
    owner_id: uuid.UUID | None = None
    owner_name: str = ""
    done: bool = False
    overdue: bool = False  # not done and its start has passed
    recurring: bool = False  # an occurrence of a recurring series
    reminder_minutes: int | None = None

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True, slots=True)
class DayMark:
    """A day that is not an ordinary one in the company's holiday calendar: ``kind``
    ``holiday`` (a public holiday or a day off in lieu) or ``workday`` (a weekend day worked
    instead, 调休). ``estimate``: the year's schedule is not yet announced, the day is a
    library's guess."""

    day: dt.date
    kind: str
    name: str = ""
    estimate: bool = False

    @property
    def is_holiday(self) -> bool:
        return self.kind == "holiday"
