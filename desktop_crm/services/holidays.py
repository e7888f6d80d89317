"""The company's holiday calendar (no Qt): public holidays, days off in lieu and the weekend
days worked instead (调休), kept as data in the database.

Libraries run out: ``chinese-calendar`` knows the published schedules up to its release year
and raises for later years; ``holidays`` knows the statutory days of any year but the working
weekends only once the State Council has announced them (around November-December for the
next year). So a year is seeded into the ``holidays`` table the first time someone needs it,
from ``chinese-calendar`` when it knows the year, else from ``holidays`` (its days marked
``estimate`` when the year has no announced working weekends yet); an admin or manager
corrects single days or re-seeds a year once the schedule is out. Every date answers, whatever
a library knows. The calendar marks the days; the SLA clock counts working days from them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from desktop_crm.models import Holiday

from . import audit, replica, shared_settings
from .calendar_items import DayMark
from .db import Database
from .errors import ConflictError, FieldError, ValidationError
from .users import UserInfo

HOLIDAY = "holiday"
WORKDAY = "workday"
KINDS = (HOLIDAY, WORKDAY)
SEEDED_KEY = "holiday_years"  # shared setting: {"2026": "chinese-calendar", ...}
MIN_YEAR, MAX_YEAR = 1990, 2100


@dataclass(frozen=True)
class HolidayDay:
    day: dt.date
    kind: str
    name_en: str
    name_zh: str
    source: str
    estimate: bool

    def mark(self, language: str = "en") -> DayMark:
        name = (self.name_zh or self.name_en) if language.startswith("zh") \
            else (self.name_en or self.name_zh)
        return DayMark(self.day, self.kind, name, self.estimate)


def library_days(year: int) -> list[HolidayDay]:
    """The year's special days as the libraries know them (nothing is written)."""
    try:
        return _from_chinese_calendar(year)
    except NotImplementedError:  # a year chinese-calendar has no data for
        return _from_holidays(year)


def _from_chinese_calendar(year: int) -> list[HolidayDay]:
    import chinese_calendar as cc

    zh = {h.value: h.chinese for h in cc.Holiday}
    out = []
    day, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cc.is_holiday(day)  # raises NotImplementedError for a year it does not know
    cc.is_holiday(end)
    while day <= end:
        weekend = day.weekday() >= 5
        on_holiday, name = cc.get_holiday_detail(day)
        if on_holiday and name:  # a named holiday (a plain weekend has no name)
            out.append(HolidayDay(day, HOLIDAY, name, zh.get(name, ""), "chinese-calendar",
                                  False))
        elif weekend and not on_holiday:  # a weekend day worked instead
            out.append(HolidayDay(day, WORKDAY, name or "", zh.get(name or "", ""),
                                  "chinese-calendar", False))
        day += dt.timedelta(days=1)
    return out


def _from_holidays(year: int) -> list[HolidayDay]:
    import holidays

    en = holidays.country_holidays("CN", years=year, language="en_US")
    zh = holidays.country_holidays("CN", years=year, language="zh_CN")
    worked = sorted(d for d in en.weekend_workdays if d.year == year)
    estimate = not worked  # the year's working weekends are not announced yet
    out = [HolidayDay(d, HOLIDAY, name, zh.get(d, ""), "holidays", estimate)
           for d, name in sorted(en.items()) if d.year == year]
    out += [HolidayDay(d, WORKDAY, "", "", "holidays", False) for d in worked]
    return sorted(out, key=lambda h: h.day)


class HolidayService:
    def __init__(self, db: Database, user: UserInfo):
        self.db = db
        self.user = user

    # -- reading --------------------------------------------------------------------------------

    def days(self, start: dt.date, end: dt.date) -> list[HolidayDay]:
        """The special days from ``start`` to ``end`` inclusive (seeding the years first)."""
        self.ensure_years(range(start.year, end.year + 1))
        with self.db.read() as s:
            rows = s.scalars(select(Holiday).where(
                Holiday.day >= start, Holiday.day <= end, Holiday.deleted_at.is_(None))
                .order_by(Holiday.day))
            return [HolidayDay(h.day, h.kind, h.name_en, h.name_zh, h.source, h.estimate)
                    for h in rows]

    def marks(self, start: dt.date, end: dt.date, language: str = "en") -> dict[dt.date, DayMark]:
        """What the calendar shows for the days from ``start`` to ``end``."""
        return {h.day: h.mark(language) for h in self.days(start, end)}

    def is_working_day(self, day: dt.date, session: Session | None = None) -> bool:
        """Monday to Friday unless a holiday; a weekend day only when worked instead.
        ``session``: read in the caller's transaction (its year must be seeded already,
        see ``ensure_years``)."""
        if session is None:
            self.ensure_years([day.year])
            with self.db.read() as s:
                return self.is_working_day(day, s)
        kind = session.scalar(select(Holiday.kind).where(Holiday.day == day,
                                                         Holiday.deleted_at.is_(None)))
        if kind is not None:
            return kind == WORKDAY
        return day.weekday() < 5

    def seeded_years(self) -> dict[int, str]:
        value, _v = shared_settings.load(self.db, SEEDED_KEY)
        return {int(k): str(v) for k, v in (value or {}).items()}

    # -- seeding --------------------------------------------------------------------------------

    def ensure_years(self, years: Iterable[int]) -> list[int]:
        """Seed each year not yet in the table from the libraries; returns the years seeded.
        Two people seeding at once both end with the same rows (the day is unique; the
        second insert skips what the first wrote)."""
        wanted = sorted({y for y in years if MIN_YEAR <= y <= MAX_YEAR})
        seeded = self.seeded_years()
        todo = [y for y in wanted if y not in seeded]
        if not todo:
            return []
        for _ in range(3):  # the settings row is versioned: retry when another seeder won
            value, version = shared_settings.load(self.db, SEEDED_KEY)
            value = dict(value or {})
            todo = [y for y in todo if str(y) not in value]
            if not todo:
                return []
            rows = {y: library_days(y) for y in todo}
            try:
                with self.db.session() as s, replica.local_only(s):
                    # on an offline replica the library's days stay on the laptop: the office
                    # seeds the same days itself, and its rows replace these when pulled
                    for y, days in rows.items():
                        self._insert_missing(s, days)
                        value[str(y)] = days[0].source if days else "none"
                shared_settings.save(self.db, SEEDED_KEY, value, version, self.user.id)
                return todo
            except ConflictError:  # someone else recorded a year meanwhile: look again
                continue
        return []

    def _insert_missing(self, s: Session, days: list[HolidayDay]) -> None:
        if not days:
            return
        now = dt.datetime.now(dt.timezone.utc)
        rows = [{"id": uuid.uuid4(), "created_at": now, "updated_at": now, "version": 1,
                 "deleted_at": None, "day": h.day, "kind": h.kind, "name_en": h.name_en[:100],
                 "name_zh": h.name_zh[:100], "source": h.source, "estimate": h.estimate}
                for h in days]
        insert = sqlite_insert if self.db.is_sqlite else pg_insert
        s.execute(insert(Holiday.__table__).values(rows).on_conflict_do_nothing(
            index_elements=["day"]))

    def reseed_year(self, year: int) -> int:
        """Replace the library's days of ``year`` with what the libraries know now (after
        the schedule is announced and the app updated); days an admin set by hand stay.
        Managers and admins only. Returns how many days the year has afterwards."""
        shared_settings.require_manager(self.user, "the holiday calendar")
        days = library_days(year)
        with self.db.session() as s:
            old = {h.day: h for h in s.scalars(select(Holiday).where(
                Holiday.day >= dt.date(year, 1, 1), Holiday.day <= dt.date(year, 12, 31)))}
            now = dt.datetime.now(dt.timezone.utc)
            new_days = {h.day: h for h in days}
            for day, row in old.items():
                if row.source == "manual" and row.deleted_at is None:
                    new_days.pop(day, None)
                elif day not in new_days and row.deleted_at is None:
                    row.deleted_at = now
            for day, h in new_days.items():
                row = old.get(day)
                if row is None:
                    s.add(Holiday(day=day, kind=h.kind, name_en=h.name_en, name_zh=h.name_zh,
                                  source=h.source, estimate=h.estimate))
                else:
                    row.kind, row.name_en, row.name_zh = h.kind, h.name_en, h.name_zh
                    row.source, row.estimate, row.deleted_at = h.source, h.estimate, None
            s.flush()
            audit.record(s, table="holidays", row_id=uuid.uuid5(uuid.NAMESPACE_URL,
                                                                f"holidays:{year}"),
                         action="reseed", user_id=self.user.id)
        value, version = shared_settings.load(self.db, SEEDED_KEY)
        value = dict(value or {})
        value[str(year)] = days[0].source if days else "none"
        shared_settings.save(self.db, SEEDED_KEY, value, version, self.user.id)
        return len(self.days(dt.date(year, 1, 1), dt.date(year, 12, 31)))

    # -- editing by hand ------------------------------------------------------------------------

    def set_day(self, day: dt.date, kind: str, name_en: str = "", name_zh: str = "") -> None:
        """Make ``day`` a holiday or a worked day (managers and admins)."""
        shared_settings.require_manager(self.user, "the holiday calendar")
        errors = []
        if kind not in KINDS:
            errors.append(FieldError("kind", "invalid_choice", kind))
        if kind == HOLIDAY and not (name_en.strip() or name_zh.strip()):
            errors.append(FieldError("name", "required"))
        if errors:
            raise ValidationError(errors)
        self.ensure_years([day.year])
        with self.db.session() as s:
            row = s.scalars(select(Holiday).where(Holiday.day == day)).first()
            old = None
            if row is None:
                row = Holiday(day=day, kind=kind)
                s.add(row)
            else:
                old = {"kind": row.kind if row.deleted_at is None else "",
                       "name_en": row.name_en, "name_zh": row.name_zh}
            row.kind, row.name_en, row.name_zh = kind, name_en.strip()[:100], \
                name_zh.strip()[:100]
            row.source, row.estimate, row.deleted_at = "manual", False, None
            s.flush()
            audit.record(s, table="holidays", row_id=row.id,
                         action="create" if old is None else "update", user_id=self.user.id,
                         old=old, new={"kind": kind, "name_en": row.name_en,
                                       "name_zh": row.name_zh})

    def clear_day(self, day: dt.date) -> bool:
        """Make ``day`` an ordinary day again (managers and admins); False if it was one."""
        shared_settings.require_manager(self.user, "the holiday calendar")
        self.ensure_years([day.year])
        with self.db.session() as s:
            row = s.scalars(select(Holiday).where(Holiday.day == day,
                                                  Holiday.deleted_at.is_(None))).first()
            if row is None:
                return False
            row.deleted_at = dt.datetime.now(dt.timezone.utc)
            s.flush()
            audit.record(s, table="holidays", row_id=row.id, action="delete",
                         user_id=self.user.id)
            return True
