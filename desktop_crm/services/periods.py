"""Months, local days and time zones, shared by the calendar, tickets, targets and the report
(no Qt, no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, literal

from desktop_crm.models.base import UTCDateTime


def local_zone() -> ZoneInfo:
    """This computer's time zone as an IANA zone (UTC when it cannot be told)."""
    try:
        import tzlocal
        return ZoneInfo(tzlocal.get_localzone_name() or "UTC")
    except (ImportError, ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months after ``day``'s."""
    m = day.month - 1 + n
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


def to_utc(naive: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A local wall-clock time in ``tz`` as UTC. PEP 495: fold=0 reads a time skipped by a
    daylight-saving change with the offset before it, which lands past the gap; a repeated
    time (autumn) is its first occurrence."""
    return naive.replace(tzinfo=tz, fold=0).astimezone(dt.timezone.utc)


def local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The UTC instant ``day`` begins in ``tz``."""
    return to_utc(dt.datetime.combine(day, dt.time()), tz)


def utc_param(value: dt.datetime) -> ColumnElement:
    """An aware datetime as a bound value of the UTC column type (compared with a column
    inside an expression where SQLAlchemy cannot infer the type)."""
    return literal(value, UTCDateTime())
