"""Business hours for the SLA clock: the arithmetic (properties checked with hypothesis
against a plain reference), known cases (lunch, weekends, the 2026 National Day holiday,
Berlin daylight saving), the setting's validation and storage, and the loader."""

from __future__ import annotations

import datetime as dt
import json
import time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_crm.services import holidays as holidays_module
from desktop_crm.services import shared_settings
from desktop_crm.services.business_hours import (
    BUSINESS_HOURS_KEY, HOLIDAY, WORKDAY, BusinessCalendar, BusinessHours, holiday_lookup,
    load_calendar,
)
from desktop_crm.services.errors import ValidationError
from desktop_crm.services.holidays import library_days

UTC = dt.timezone.utc
BEIJING = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
H = 3600
US = dt.timedelta(microseconds=1)


def bj(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


def berlin(*args, fold=0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN, fold=fold)


def all_day(tz="Europe/Berlin", **kw) -> BusinessCalendar:
    return BusinessCalendar(BusinessHours(days=tuple(range(7)), intervals=(("00:00", "24:00"),),
                                          tz=tz, **kw))


# -- a plain reference: local wall-clock reading and one datetime conversion per interval -------

def _minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:])


def ref_working(hours: BusinessHours, kinds: dict, day: dt.date) -> bool:
    kind = kinds.get(day) if hours.chinese_holidays else None
    return kind == "workday" or (kind != "holiday" and day.weekday() in hours.days)


def ref_is_open(hours: BusinessHours, kinds: dict, when: dt.datetime) -> bool:
    """By the local clock's reading (right when no interval bound is in a skipped or
    repeated hour)."""
    local = when.astimezone(ZoneInfo(hours.tz))
    if not ref_working(hours, kinds, local.date()):
        return False
    minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
    return any(_minutes(s) <= minute < _minutes(e) for s, e in hours.intervals)


def ref_between_us(hours: BusinessHours, kinds: dict, a: dt.datetime, b: dt.datetime) -> int:
    zone = ZoneInfo(hours.tz)
    day = a.astimezone(zone).date() - dt.timedelta(days=1)
    last = b.astimezone(zone).date() + dt.timedelta(days=1)
    total = dt.timedelta()
    while day <= last:
        if ref_working(hours, kinds, day):
            for s, e in hours.intervals:
                start = dt.datetime.combine(day, dt.time.fromisoformat(s), zone)
                end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone) \
                    if e == "24:00" else dt.datetime.combine(day, dt.time.fromisoformat(e), zone)
                lo, hi = max(start, a).astimezone(UTC), min(end, b).astimezone(UTC)
                if hi > lo:  # in UTC: the same zone on both sides would subtract wall time
                    total += hi - lo
        day += dt.timedelta(days=1)
    return total // US


# -- strategies ---------------------------------------------------------------------------------

ZONES = ("Asia/Shanghai", "Europe/Berlin")
# no bound inside 02:00-03:00, the hour Berlin skips in spring and repeats in autumn, so the
# reference's reading of the local clock is right
SHAPES = (
    ((0, 1, 2, 3, 4), (("09:00", "12:00"), ("13:00", "18:00"))),
    ((0, 1, 2, 3, 4, 5), (("08:30", "12:00"), ("13:30", "17:45"))),
    (tuple(range(7)), (("00:00", "24:00"),)),
    ((0, 2, 4, 6), (("01:00", "04:00"), ("22:00", "24:00"))),
    ((5, 6), (("00:00", "01:30"), ("03:00", "09:00"), ("09:00", "12:00"), ("20:00", "24:00"))),
    ((1, 3), (("10:00", "10:01"), ("15:00", "21:00"))),
)
DST_DAYS = [dt.date(2025, 3, 30), dt.date(2025, 10, 26), dt.date(2026, 3, 29),
            dt.date(2026, 10, 25), dt.date(2027, 3, 28), dt.date(2027, 10, 31)]
BOUNDS = [dt.time(h, m) for h, m in ((0, 0), (1, 0), (4, 0), (9, 0), (12, 0), (13, 0),
                                     (17, 0), (18, 0), (22, 0))] + [dt.time(11, 59, 59)]

whole_times = st.builds(dt.time, st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
budgets = st.one_of(st.just(0), st.integers(0, 200).map(lambda h: h * H),
                    st.integers(0, 200 * H), st.floats(0, 200 * H, allow_nan=False))


@st.composite
def scenarios(draw):
    """(hours, holiday kinds, calendar, an aware start in 2025-2027)."""
    days, intervals = draw(st.sampled_from(SHAPES))
    hours = BusinessHours(days=days, intervals=intervals, tz=draw(st.sampled_from(ZONES)),
                          chinese_holidays=draw(st.booleans()))
    day = draw(st.one_of(st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
                         st.sampled_from(DST_DAYS).flatmap(
                             lambda d: st.integers(-3, 1).map(lambda k: d + dt.timedelta(k)))))
    clock = draw(st.one_of(st.sampled_from(BOUNDS), whole_times, st.times()))
    start = dt.datetime.combine(day, clock).replace(tzinfo=ZoneInfo(hours.tz),
                                                    fold=draw(st.integers(0, 1)))
    kinds = draw(st.dictionaries(
        st.integers(-2, 40).map(lambda k: day + dt.timedelta(days=k)),
        st.sampled_from([HOLIDAY, WORKDAY]), max_size=6))
    return hours, kinds, BusinessCalendar(hours, kinds.get), start


spans = st.one_of(st.integers(0, 40 * 86400).map(lambda s: dt.timedelta(seconds=s)),
                  st.integers(0, 40 * 86400 * 10**6).map(lambda u: dt.timedelta(microseconds=u)))

PROPERTY = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# -- properties -----------------------------------------------------------------------------

@PROPERTY
@given(scenarios(), budgets)
def test_add_then_count_gives_the_budget_back_and_never_ends_in_closed_time(sc, s):
    hours, kinds, cal, start = sc
    due = cal.add(start, s)
    assert due.tzinfo is UTC and due >= start
    assert abs(cal.seconds_between(start, due) - s) <= 1e-6
    if round(s * 1e6) == 0:
        assert cal.is_open(due) and due == cal.next_open(start)
    else:
        assert cal.is_open(due - US)  # the last working moment used is open
        if start.microsecond == 0 and s == int(s):
            assert cal.is_open(due - dt.timedelta(seconds=1))
    assert cal.is_open(due - US) == ref_is_open(hours, kinds, due - US)


@PROPERTY
@given(scenarios(), budgets, budgets)
def test_add_is_monotone(sc, s1, s2):
    _hours, _kinds, cal, start = sc
    s1, s2 = sorted((s1, s2))
    assert cal.add(start, s1) <= cal.add(start, s2)


@PROPERTY
@given(scenarios(), spans, spans)
def test_counting_is_additive_antisymmetric_and_matches_the_reference(sc, ab, bc):
    hours, kinds, cal, a = sc
    b = a.astimezone(UTC) + ab  # real elapsed time, not wall-clock arithmetic
    c = b + bc
    whole = cal.seconds_between(a, c)
    assert abs(whole - (cal.seconds_between(a, b) + cal.seconds_between(b, c))) <= 1e-6
    assert cal.seconds_between(c, a) == -whole
    assert cal.seconds_between(b, b) == 0
    assert round(whole * 1e6) == ref_between_us(hours, kinds, a, c)
    for t in (a, b, c):
        assert cal.is_open(t) == ref_is_open(hours, kinds, t)


@PROPERTY
@given(scenarios(), budgets.filter(lambda s: s >= 1))
def test_a_pause_never_counts(sc, s):
    _hours, _kinds, cal, start = sc
    stop = cal.add(start, s)  # the end of a working stretch
    resume = cal.next_open(stop)
    assert resume >= stop
    assert cal.seconds_between(stop, resume) == 0
    if resume > stop:
        assert not cal.is_open(stop)
        assert not cal.is_open(stop + (resume - stop) / 2)
        assert not cal.is_open(resume - US)
    assert cal.is_open(resume)
    # waiting through the pause changes nothing
    assert cal.add(resume, 60) == cal.add(stop, 60)


# -- known cases ----------------------------------------------------------------------------

def test_weekend_lunch_and_an_exact_end():
    cal = BusinessCalendar(BusinessHours(chinese_holidays=False))
    friday = bj(2026, 11, 20, 17)
    assert cal.add(friday, 2 * H) == bj(2026, 11, 23, 10)  # Monday 10:00
    assert cal.add(friday, 2 * H).tzinfo is UTC
    assert cal.add(bj(2026, 11, 20, 11, 30), H) == bj(2026, 11, 20, 13, 30)  # lunch skipped
    assert cal.add(bj(2026, 11, 20, 11), H) == bj(2026, 11, 20, 12)  # not 13:00
    assert cal.add(bj(2026, 11, 20, 8), 3 * H) == bj(2026, 11, 20, 12)
    assert cal.add(bj(2026, 11, 20, 12), 0) == bj(2026, 11, 20, 13)
    assert cal.add(bj(2026, 11, 20, 10), 0) == bj(2026, 11, 20, 10)
    assert cal.next_open(bj(2026, 11, 21, 10)) == bj(2026, 11, 23, 9)
    assert cal.next_open(bj(2026, 11, 20, 18)) == bj(2026, 11, 23, 9)
    assert cal.is_open(bj(2026, 11, 20, 9)) and not cal.is_open(bj(2026, 11, 20, 12))
    assert not cal.is_open(bj(2026, 11, 20, 8, 59, 59, 999999))
    assert cal.seconds_between(bj(2026, 11, 20, 0), bj(2026, 11, 27, 0)) == 5 * 8 * H
    assert cal.seconds_between(bj(2026, 11, 27, 0), bj(2026, 11, 20, 0)) == -5 * 8 * H
    assert cal.seconds_between(bj(2026, 11, 20, 11, 59, 59, 500000),
                               bj(2026, 11, 20, 13, 0, 0, 250000)) == 0.75
    assert cal.add(bj(2026, 11, 20, 11, 59, 59, 500000), 0.75) == bj(2026, 11, 20, 13, 0, 0, 250000)
    # two working weeks from a Wednesday afternoon
    assert cal.add(bj(2026, 11, 18, 15), 10 * 8 * H) == bj(2026, 12, 2, 15)
    assert cal.add(bj(2026, 11, 18, 15), 10 * 8 * H + 1) == bj(2026, 12, 2, 15, 0, 1)


def test_national_day_2026():
    kinds = {h.day: h.kind for h in library_days(2026)}
    cal = BusinessCalendar(BusinessHours(), kinds.get)
    # 30 Sep 16-18 (2 h); 1-7 Oct off; 8 Oct 9-12 (3 h) and 13-16 (3 h)
    assert cal.add(bj(2026, 9, 30, 16), 8 * H) == bj(2026, 10, 8, 16)
    assert cal.seconds_between(bj(2026, 9, 30, 16), bj(2026, 10, 8, 16)) == 8 * H
    assert not cal.is_working_day(dt.date(2026, 10, 1))
    assert not cal.is_working_day(dt.date(2026, 10, 5))  # a Monday, but a holiday
    assert cal.is_working_day(dt.date(2026, 10, 10))  # Saturday worked instead
    assert cal.is_working_day(dt.date(2026, 9, 20))  # Sunday worked instead
    assert cal.is_open(bj(2026, 10, 10, 9)) and not cal.is_open(bj(2026, 10, 1, 10))
    assert cal.next_open(bj(2026, 9, 30, 18)) == bj(2026, 10, 8, 9)

    plain = BusinessCalendar(BusinessHours(chinese_holidays=False), kinds.get)
    assert plain.is_working_day(dt.date(2026, 10, 1))
    assert not plain.is_working_day(dt.date(2026, 10, 10))
    assert not plain.is_working_day(dt.date(2026, 9, 20))
    assert plain.add(bj(2026, 9, 30, 16), 8 * H) == bj(2026, 10, 1, 16)


def test_berlin_daylight_saving():
    cal = all_day()
    assert cal.seconds_between(berlin(2026, 3, 29), berlin(2026, 3, 30)) == 23 * H
    assert cal.seconds_between(berlin(2026, 10, 25), berlin(2026, 10, 26)) == 25 * H
    assert cal.seconds_between(berlin(2026, 10, 26), berlin(2026, 10, 27)) == 24 * H
    assert cal.seconds_between(berlin(2026, 10, 26), berlin(2026, 10, 27) - US) == 24 * H - 1e-6
    assert cal.add(berlin(2026, 3, 29), 23 * H) == berlin(2026, 3, 30)
    # 01:00 CEST + 2 real hours = the second 02:00 (CET)
    assert cal.add(berlin(2026, 10, 25, 1), 2 * H) == dt.datetime(2026, 10, 25, 1, tzinfo=UTC)

    night = BusinessCalendar(BusinessHours(days=tuple(range(7)),
                                           intervals=(("01:00", "04:00"),), tz="Europe/Berlin"))
    assert night.seconds_between(berlin(2026, 3, 29), berlin(2026, 3, 30)) == 2 * H
    assert night.seconds_between(berlin(2026, 10, 25), berlin(2026, 10, 26)) == 4 * H
    assert night.is_open(berlin(2026, 10, 25, 2, 30, fold=1))  # the repeated half hour

    # a bound in the skipped hour stands for the first instant the clock shows later
    gap = BusinessCalendar(BusinessHours(days=tuple(range(7)),
                                         intervals=(("02:30", "05:00"),), tz="Europe/Berlin"))
    opens = dt.datetime(2026, 3, 29, 1, tzinfo=UTC)  # 03:00 CEST
    assert gap.next_open(berlin(2026, 3, 29)) == opens
    assert not gap.is_open(opens - US) and gap.is_open(opens)
    assert gap.seconds_between(berlin(2026, 3, 29), berlin(2026, 3, 30)) == 2 * H
    # and a repeated bound for its first occurrence: 02:30 CEST to 05:00 CET
    assert gap.seconds_between(berlin(2026, 10, 25), berlin(2026, 10, 26)) == 3.5 * H
    assert gap.next_open(berlin(2026, 10, 25)) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_inputs_and_limits():
    cal = BusinessCalendar(BusinessHours())
    naive = dt.datetime(2026, 11, 20, 10)
    for call in (lambda: cal.add(naive, 60), lambda: cal.is_open(naive),
                 lambda: cal.next_open(naive),
                 lambda: cal.seconds_between(naive, bj(2026, 11, 20, 10)),
                 lambda: cal.seconds_between(bj(2026, 11, 20, 10), naive)):
        with pytest.raises(ValueError, match="timezone-aware"):
            call()
    for bad in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="budget"):
            cal.add(bj(2026, 11, 20, 10), bad)
    # any aware zone in, UTC out
    assert cal.add(dt.datetime(2026, 11, 20, 2, tzinfo=UTC), H) == bj(2026, 11, 20, 11)

    never = BusinessCalendar(BusinessHours(), lambda d: HOLIDAY)
    with pytest.raises(ValueError, match="no working time"):
        never.add(bj(2026, 1, 1), 60)
    with pytest.raises(ValueError, match="no working time"):
        never.next_open(bj(2026, 1, 1))
    assert never.seconds_between(bj(2026, 1, 1), bj(2036, 1, 1)) == 0
    # a long budget far beyond three years is fine while working time exists
    slow = BusinessCalendar(BusinessHours(days=(0,), intervals=(("09:00", "09:01"),),
                                          chinese_holidays=False))
    assert slow.add(bj(2026, 1, 5, 9), 300 * 60) == bj(2031, 9, 29, 9, 1)  # 300 Mondays

    with pytest.raises(ValidationError):
        BusinessCalendar(BusinessHours(days=()))


def test_day_kind_is_asked_once_per_day_and_the_cache_stays_bounded():
    asked: list[dt.date] = []

    def kind(day):
        asked.append(day)
        return None

    cal = BusinessCalendar(BusinessHours(), kind)
    start = bj(2026, 11, 18, 15)
    for _ in range(50):
        cal.add(start, 80 * H)
        cal.seconds_between(start, start + dt.timedelta(days=30))
    assert len(asked) == len(set(asked)) <= 40
    cal.seconds_between(bj(2000, 1, 1), bj(2030, 1, 1))
    assert len(cal._cache) <= 4096
    assert cal.add(start, 80 * H) == bj(2026, 12, 2, 15)


def test_fast_enough_for_a_list_of_rows():
    cal = BusinessCalendar(BusinessHours(), {h.day: h.kind for h in library_days(2026)}.get)
    starts = [bj(2026, 9, 1, 9) + dt.timedelta(hours=7 * i) for i in range(200)]
    for s in starts:  # warm the per-day cache as the list view's first pass does
        cal.add(s, 80 * H)
    t0 = time.perf_counter()
    for s in starts:
        due = cal.add(s, 80 * H)
        cal.seconds_between(s, due)
    assert time.perf_counter() - t0 < 0.5  # typically a few milliseconds


# -- the setting ----------------------------------------------------------------------------

@pytest.mark.parametrize("kw, field, code", [
    ({"days": ()}, "days", "required"),
    ({"days": (0, 7)}, "days", "out_of_range"),
    ({"days": (-1,)}, "days", "out_of_range"),
    ({"days": (0, 0)}, "days", "duplicate"),
    ({"days": (True,)}, "days", "out_of_range"),
    ({"days": "0-4"}, "days", "invalid"),
    ({"intervals": ()}, "intervals", "required"),
    ({"intervals": (("9:00", "12:00"),)}, "intervals", "invalid"),
    ({"intervals": (("09:00", "12:60"),)}, "intervals", "invalid"),
    ({"intervals": (("24:00", "24:00"),)}, "intervals", "invalid"),
    ({"intervals": (("09:00",),)}, "intervals", "invalid"),
    ({"intervals": (("12:00", "12:00"),)}, "intervals", "out_of_range"),
    ({"intervals": (("13:00", "12:00"),)}, "intervals", "out_of_range"),
    ({"intervals": (("09:00", "12:00"), ("11:00", "14:00"))}, "intervals", "invalid"),
    ({"intervals": (("13:00", "18:00"), ("09:00", "12:00"))}, "intervals", "invalid"),
    ({"tz": "Mars/Olympus"}, "tz", "invalid"),
    ({"tz": "../etc/passwd"}, "tz", "invalid"),
    ({"tz": ""}, "tz", "required"),
    ({"chinese_holidays": "yes"}, "chinese_holidays", "invalid"),
])
def test_validate_refuses(kw, field, code):
    with pytest.raises(ValidationError) as err:
        BusinessHours(**kw).validate()
    found = err.value.for_field(field)
    assert found is not None and found.code == code, err.value.errors
    assert all(e.field == field for e in err.value.errors)


def test_validate_accepts_and_round_trips():
    default = BusinessHours()
    assert default.validate() is default
    assert default.minutes_per_day() == 8 * 60
    touching = BusinessHours(days=(6, 5), intervals=(("00:00", "12:00"), ("12:00", "24:00")),
                             tz="Europe/Berlin", chinese_holidays=False).validate()
    assert touching.minutes_per_day() == 24 * 60
    for hours in (default, touching):
        stored = json.loads(json.dumps(hours.to_dict()))
        assert BusinessHours.from_dict(stored) == hours
    assert BusinessHours.from_dict({}) == default
    assert BusinessHours.from_dict({"tz": "Europe/Berlin"}) == BusinessHours(tz="Europe/Berlin")
    assert BusinessHours(days=[0, 1], intervals=[["09:00", "17:00"]]) == \
        BusinessHours(days=(0, 1), intervals=(("09:00", "17:00"),))
    assert (HOLIDAY, WORKDAY) == (holidays_module.HOLIDAY, holidays_module.WORKDAY)


# -- the loader -----------------------------------------------------------------------------

class FakeHolidays:
    def __init__(self):
        self.seeded: list[int] = []

    def ensure_years(self, years):
        self.seeded += list(years)
        return []

    def days(self, start, end):
        return [h for y in range(start.year, end.year + 1) for h in library_days(y)
                if start <= h.day <= end]


def test_holiday_lookup():
    service = FakeHolidays()
    kind = holiday_lookup(service, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert service.seeded == [2026]
    assert kind(dt.date(2026, 10, 1)) == HOLIDAY and kind(dt.date(2026, 10, 10)) == WORKDAY
    assert kind(dt.date(2026, 10, 9)) is None and kind(dt.date(2025, 10, 1)) is None


def test_load_calendar(sqlite_db):
    from desktop_crm.services.users import UserService

    admin = UserService(sqlite_db).ensure_local_user()
    now = dt.datetime(2026, 6, 1, tzinfo=UTC)
    cal = load_calendar(sqlite_db, admin, now=now)
    assert cal.hours == BusinessHours()
    assert not cal.is_working_day(dt.date(2026, 10, 1)) and cal.is_working_day(
        dt.date(2026, 10, 10))
    assert not cal.is_working_day(dt.date(2025, 10, 1))  # last year
    assert cal.add(bj(2026, 9, 30, 16), 8 * H) == bj(2026, 10, 8, 16)
    with pytest.raises(ValueError):
        load_calendar(sqlite_db, admin, now=dt.datetime(2026, 6, 1))

    berlin_hours = BusinessHours(tz="Europe/Berlin", chinese_holidays=False)
    shared_settings.save_rules(sqlite_db, admin, BUSINESS_HOURS_KEY, berlin_hours, 0,
                               "the business hours")
    cal = load_calendar(sqlite_db, admin, now=now)
    assert cal.hours == berlin_hours and cal.is_working_day(dt.date(2026, 10, 1))
