"""Business hours for the SLA clock (no Qt; no database inside the arithmetic).

``BusinessHours`` is the team setting (shared setting ``business_hours``): the weekdays
worked, the working intervals of a day in local wall-clock time, the time zone, and whether
the company's holiday calendar applies (public holidays off, adjusted weekend days worked).

``BusinessCalendar`` does the arithmetic: is an instant open, when has a budget of working
seconds passed, how many working seconds lie between two instants. Everything is exact to
the microsecond. Each local working interval is turned into real (UTC) instants, so a day
with a daylight-saving change counts the hours that really elapse: an interval from 01:00 to
04:00 on the Berlin spring-forward day lasts 2 hours, on the autumn day 4 hours. A local
time that does not exist (inside the spring-forward gap) stands for the first instant the
clock shows a later time; a local time that occurs twice stands for its first occurrence.

Per-day open intervals are kept in an LRU cache of each calendar, as integer microseconds
since the epoch, so the list view can recompute the time left of many rows every minute.
``load_calendar`` builds the team's calendar from the database.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import shared_settings
from .errors import FieldError, ValidationError

BUSINESS_HOURS_KEY = "business_hours"  # shared setting

HOLIDAY = "holiday"  # the kinds of the holiday calendar (holidays.HOLIDAY / WORKDAY)
WORKDAY = "workday"

UTC = dt.timezone.utc
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_US = 1_000_000  # microseconds per second
_DAY_US = 86_400 * _US
_ONE_US = dt.timedelta(microseconds=1)
_IDLE_LIMIT_DAYS = 3 * 366  # no working time for this long: give up instead of looping
_CACHE_DAYS = 4096

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _minutes(text: object, *, end: bool = False) -> int | None:
    """Minutes after midnight of ``"HH:MM"`` (``"24:00"`` only as an end), None if invalid."""
    if not isinstance(text, str):
        return None
    if end and text == "24:00":
        return 24 * 60
    m = _HHMM.match(text)
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def _zone(name: object) -> ZoneInfo | None:
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return None


@dataclass(frozen=True)
class BusinessHours:
    """The team's working time (shared setting ``business_hours``; managers edit it).

    ``days``: the weekdays worked, Monday = 0. ``intervals``: the working intervals of a
    working day as ``("HH:MM", "HH:MM")`` pairs of local time, sorted and not overlapping,
    each ending after it starts (``"24:00"`` allowed as an end); an interval includes its
    start and excludes its end. ``tz``: the IANA zone the intervals are in.
    ``chinese_holidays``: follow the company's holiday calendar (public holidays are off,
    adjusted weekend days are worked)."""

    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    intervals: tuple[tuple[str, str], ...] = (("09:00", "12:00"), ("13:00", "18:00"))
    tz: str = "Asia/Shanghai"
    chinese_holidays: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.days, list):
            object.__setattr__(self, "days", tuple(self.days))
        if isinstance(self.intervals, list):
            object.__setattr__(self, "intervals", tuple(
                tuple(iv) if isinstance(iv, list) else iv for iv in self.intervals))

    def validate(self) -> "BusinessHours":
        """Raise ``ValidationError`` listing every problem; return self when all is well.

        ``days``: "invalid" (not a list), "required" (no day), "out_of_range" (not a whole
        number 0-6), "duplicate". ``intervals``: "invalid" (not a list, not a pair of
        "HH:MM" times, or unsorted / overlapping), "required" (none), "out_of_range" (end not
        after start). ``tz``: "required" (empty), "invalid" (unknown zone).
        ``chinese_holidays``: "invalid" (not a true/false value)."""
        errors: list[FieldError] = []
        days = self.days if isinstance(self.days, tuple) else ()
        if not isinstance(self.days, tuple):
            errors.append(FieldError("days", "invalid", str(self.days)[:40],
                                     "a list of weekdays"))
        elif not days:
            errors.append(FieldError("days", "required", "", "at least one weekday"))
        seen: set[int] = set()
        for d in days:
            if isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6:
                errors.append(FieldError("days", "out_of_range", str(d), "0-6 (Monday = 0)"))
            elif d in seen:
                errors.append(FieldError("days", "duplicate", str(d)))
            else:
                seen.add(d)
        intervals = self.intervals if isinstance(self.intervals, tuple) else ()
        if not isinstance(self.intervals, tuple):
            errors.append(FieldError("intervals", "invalid", str(self.intervals)[:40],
                                     "a list of intervals"))
        elif not intervals:
            errors.append(FieldError("intervals", "required", "", "at least one interval"))
        previous_end: int | None = None
        for iv in intervals:
            pair = tuple(iv) if isinstance(iv, (tuple, list)) else ()
            start = _minutes(pair[0]) if len(pair) == 2 else None
            end = _minutes(pair[1], end=True) if len(pair) == 2 else None
            if start is None or end is None:
                errors.append(FieldError("intervals", "invalid", str(iv),
                                         'a pair of "HH:MM" times'))
                previous_end = None
                continue
            if end <= start:
                errors.append(FieldError("intervals", "out_of_range", f"{pair[0]}-{pair[1]}",
                                         "the end must be after the start"))
            elif previous_end is not None and start < previous_end:
                errors.append(FieldError("intervals", "invalid", f"{pair[0]}-{pair[1]}",
                                         "intervals must be sorted and not overlap"))
            previous_end = max(end, previous_end or 0)
        if not isinstance(self.tz, str) or not self.tz.strip():
            errors.append(FieldError("tz", "required"))
        elif _zone(self.tz) is None:
            errors.append(FieldError("tz", "invalid", self.tz[:64], "unknown time zone"))
        if not isinstance(self.chinese_holidays, bool):
            errors.append(FieldError("chinese_holidays", "invalid", str(self.chinese_holidays)))
        if errors:
            raise ValidationError(errors)
        return self

    def minutes_per_day(self) -> int:
        """Working minutes of an ordinary working day (by the clock, ignoring DST)."""
        return sum(_minutes(e, end=True) - _minutes(s)  # type: ignore[operator]
                   for s, e in self.validate().intervals)

    def to_dict(self) -> dict[str, Any]:
        return {"days": list(self.days),
                "intervals": [[s, e] for s, e in self.intervals],
                "tz": self.tz,
                "chinese_holidays": self.chinese_holidays}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "BusinessHours":
        """From the stored JSON; missing keys take the defaults."""
        known: dict[str, Any] = {}
        if "days" in d:
            known["days"] = tuple(int(x) for x in d["days"] or ())
        if "intervals" in d:
            known["intervals"] = tuple(tuple(str(t) for t in iv) for iv in d["intervals"] or ())
        if "tz" in d:
            known["tz"] = str(d["tz"])
        if "chinese_holidays" in d:
            known["chinese_holidays"] = bool(d["chinese_holidays"])
        return cls(**known)


def _to_us(when: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime (ValueError when naive)."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is needed, got {when!r}")
    return (when - _EPOCH) // _ONE_US


def _from_us(us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=us)


class BusinessCalendar:
    """Working-time arithmetic for one ``BusinessHours`` and holiday calendar."""

    def __init__(self, hours: BusinessHours,
                 day_kind: Callable[[dt.date], str | None] = lambda d: None):
        """``day_kind(day)`` -> "holiday", "workday" or None (an ordinary day), from the
        company's holiday calendar; ignored when ``hours.chinese_holidays`` is False.
        Raises ``ValidationError`` when ``hours`` is not valid."""
        self.hours = hours.validate()
        self.zone = ZoneInfo(hours.tz)
        self._day_kind = day_kind if hours.chinese_holidays else None
        self._weekdays = frozenset(hours.days)
        self._intervals = tuple((_minutes(s), _minutes(e, end=True))
                                for s, e in hours.intervals)
        # ordinal -> (day start, day end, ((open, close), ...), open microseconds)
        self._cache: OrderedDict[int, tuple[int, int, tuple[tuple[int, int], ...], int]] = \
            OrderedDict()

    # -- days -----------------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        """A weekday worked that is not a holiday, or an adjusted working day."""
        kind = self._day_kind(day) if self._day_kind is not None else None
        if kind == WORKDAY:
            return True
        return kind != HOLIDAY and day.weekday() in self._weekdays

    def _local_us(self, ordinal: int, minutes: int) -> int:
        """The first instant (microseconds since the epoch) at which the local clock shows
        ``minutes`` after midnight of the day ``ordinal`` or later."""
        naive = dt.datetime.fromordinal(ordinal) + dt.timedelta(minutes=minutes)
        aware = naive.replace(tzinfo=self.zone)  # fold=0: the first of a repeated time
        us = _to_us(aware)
        if _from_us(us).astimezone(self.zone).replace(tzinfo=None) == naive:
            return us
        # a time skipped by a daylight-saving change: find the first instant showing later
        other = _to_us(naive.replace(tzinfo=self.zone, fold=1))
        lo, hi = min(us, other), max(us, other)
        while lo < hi:
            mid = (lo + hi) // 2
            if _from_us(mid).astimezone(self.zone).replace(tzinfo=None) >= naive:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _day(self, ordinal: int) -> tuple[int, int, tuple[tuple[int, int], ...], int]:
        """(start, end, open intervals, open microseconds) of a local day, in microseconds
        since the epoch; cached."""
        cache = self._cache
        hit = cache.get(ordinal)
        if hit is not None:
            cache.move_to_end(ordinal)
            return hit
        zone = self.zone
        midnight = dt.datetime.fromordinal(ordinal)
        next_midnight = midnight + dt.timedelta(days=1)
        offset = zone.utcoffset(midnight)
        base = (ordinal - _EPOCH_ORDINAL) * _DAY_US
        if offset == zone.utcoffset(next_midnight) and offset is not None:
            # no change of offset this day: local time maps to UTC by one shift
            shift = offset // _ONE_US
            start, end = base - shift, base + _DAY_US - shift

            def at(minutes: int) -> int:
                return base + minutes * 60 * _US - shift
        else:
            start = self._local_us(ordinal, 0)
            end = self._local_us(ordinal + 1, 0)

            def at(minutes: int) -> int:
                return end if minutes == 1440 else self._local_us(ordinal, minutes)
        opens: list[tuple[int, int]] = []
        if self.is_working_day(midnight.date()):
            for a, b in self._intervals:
                s, e = at(a), at(b)
                if e > s:
                    opens.append((s, e))
        value = (start, end, tuple(opens), sum(e - s for s, e in opens))
        cache[ordinal] = value
        if len(cache) > _CACHE_DAYS:
            cache.popitem(last=False)
        return value

    def _ordinal_of(self, us: int, when: dt.datetime | None = None) -> int:
        """The local day whose span holds the instant ``us``."""
        local = (when if when is not None else _from_us(us)).astimezone(self.zone)
        ordinal = local.toordinal()
        while us < self._day(ordinal)[0]:
            ordinal -= 1
        while us >= self._day(ordinal)[1]:
            ordinal += 1
        return ordinal

    # -- instants -------------------------------------------------------------------------------

    def is_open(self, when: dt.datetime) -> bool:
        """Whether the aware instant ``when`` is inside a working interval of a working day."""
        us = _to_us(when)
        for s, e in self._day(self._ordinal_of(us, when))[2]:
            if s <= us < e:
                return True
        return False

    def _add_us(self, us: int, budget: int) -> int:
        ordinal = self._ordinal_of(us)
        idle = 0
        first = True
        while True:
            _start, _end, opens, total = self._day(ordinal)
            if total:
                idle = 0
                if not first and budget > total:
                    budget -= total  # a whole day used: skip it
                else:
                    for s, e in opens:
                        if e <= us:
                            continue
                        begin = s if s > us else us
                        if e - begin >= budget:
                            return begin + budget
                        budget -= e - begin
            else:
                idle += 1
                if idle > _IDLE_LIMIT_DAYS:
                    raise ValueError(
                        f"no working time in the {_IDLE_LIMIT_DAYS} days after "
                        f"{dt.date.fromordinal(ordinal - idle + 1).isoformat()}: check the "
                        "business hours and the holiday calendar")
            first = False
            ordinal += 1

    def add(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The instant when ``seconds`` of working time have passed from ``start`` (aware;
        the result is aware UTC), exact to the microsecond.

        ``seconds == 0``: ``start`` itself when open, else the next opening. For
        ``seconds > 0`` the result is the end of the last working moment used, so it is
        never inside a closed period: a budget ending exactly at 12:00 returns 12:00, not
        13:00. Raises ValueError for a negative or non-finite budget, and when no working
        time exists in the next three years."""
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"the working-time budget must be 0 or more seconds, "
                             f"got {seconds!r}")
        us = _to_us(start)
        return _from_us(self._add_us(us, round(seconds * _US)))

    def next_open(self, when: dt.datetime) -> dt.datetime:
        """``when`` itself (in UTC) if open, else the next opening instant (UTC)."""
        return _from_us(self._add_us(_to_us(when), 0))

    def seconds_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Working seconds in [a, b); negative when b < a (minus the working seconds of
        [b, a))."""
        ua, ub = _to_us(a), _to_us(b)
        if ub < ua:
            return -self._between_us(ub, ua, b) / _US
        return self._between_us(ua, ub, a) / _US

    def _between_us(self, ua: int, ub: int, a: dt.datetime | None = None) -> int:
        if ua == ub:
            return 0
        ordinal = self._ordinal_of(ua, a)
        total = 0
        while True:
            start, end, opens, day_total = self._day(ordinal)
            if start >= ub:
                return total
            if ua <= start and end <= ub:
                total += day_total
            else:
                for s, e in opens:
                    lo = s if s > ua else ua
                    hi = e if e < ub else ub
                    if hi > lo:
                        total += hi - lo
            ordinal += 1


def holiday_lookup(holidays_service: Any, start: dt.date,
                   end: dt.date) -> Callable[[dt.date], str | None]:
    """A ``day_kind`` function from the company's holiday calendar for ``start`` to ``end``
    inclusive (the years are seeded first, as ``HolidayService.days`` does); days outside
    the range answer None."""
    holidays_service.ensure_years(range(start.year, end.year + 1))
    kinds = {h.day: h.kind for h in holidays_service.days(start, end)}
    return kinds.get


def load_calendar(db: Any, user: Any, *, now: dt.datetime | None = None,
                  years_ahead: int = 1) -> BusinessCalendar:
    """The team's ``BusinessCalendar``: the shared ``BusinessHours`` and, when they follow
    the holiday calendar, its days from last year to this year + ``years_ahead`` (this year
    in the team's zone at ``now``, default the current time)."""
    hours, _version = shared_settings.load_rules(db, BUSINESS_HOURS_KEY, BusinessHours)
    hours.validate()
    if not hours.chinese_holidays:
        return BusinessCalendar(hours)
    from .holidays import HolidayService  # only the loader needs the database layer

    if now is None:
        now = dt.datetime.now(UTC)
    _to_us(now)  # refuses a naive datetime
    year = now.astimezone(ZoneInfo(hours.tz)).year
    lookup = holiday_lookup(HolidayService(db, user), dt.date(year - 1, 1, 1),
                            dt.date(year + years_ahead, 12, 31))
    return BusinessCalendar(hours, lookup)
