"""Follow-ups on both engines: planning, moving, completing (history + cadence), recurring
series (expansion across a month boundary and a daylight-saving change, editing one or the
following occurrences, cancelling), overdue detection, reminders, neglected customers, the
holiday calendar and the .ics export."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import func, select, update

from desktop_crm.models import Activity, ActivitySeries, AuditEntry, Customer, Interaction
from desktop_crm.services.customers import CustomerService
from desktop_crm.services.errors import ConflictError, PermissionDenied, ValidationError
from desktop_crm.services.followups import (
    FOLLOWING, Cadence, FollowUpService, check_rrule, occurrences,
)
from desktop_crm.services.holidays import HolidayService, library_days
from desktop_crm.services.users import UserService

UTC = dt.timezone.utc
BEIJING = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # Friday 10:00 in Beijing


def bj(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


@pytest.fixture
def staff(db):
    users = UserService(db)
    admin = users.ensure_local_user()
    return admin, users.create("anna", "安娜", "sales", team="华东"), \
        users.create("bo", "柏林", "sales", team="华东")


def svc(db, user, tz=BEIJING) -> FollowUpService:
    return FollowUpService(db, user, tz)


def new_customer(db, user, name="上海华信科技有限公司", tier="", days_old=0, **kw):
    rec = CustomerService(db, user.id).create({"name": name, "owner_id": user.id, **kw})
    with db.session() as s:
        s.execute(update(Customer).where(Customer.id == rec.id).values(
            tier=tier, created_at=NOW - dt.timedelta(days=days_old)))
    return rec.id


def test_plan_move_and_conflict(db, staff):
    _admin, anna, _bo = staff
    f = svc(db, anna)
    cid = new_customer(db, anna)
    item = f.create({"subject": "回访报价", "start": bj(2026, 11, 23, 9, 30), "type": "visit",
                     "customer_id": cid, "duration_minutes": 60}, now=NOW)
    assert item.customer_name == "上海华信科技有限公司" and item.owner_id == anna.id
    week = f.items(bj(2026, 11, 23), bj(2026, 11, 30), owner_id=anna.id, now=NOW)
    assert [i.id for i in week] == [item.id]
    assert f.items(bj(2026, 11, 23), bj(2026, 11, 30), owner_id=anna.id, types=["call"]) == []

    moved = f.move(item.id, item.version, bj(2026, 11, 26, 14, 0), 90, now=NOW)  # Thursday
    assert moved.start == bj(2026, 11, 26, 14, 0) and moved.duration_minutes == 90
    with db.read() as s:
        fields = set(s.scalars(select(AuditEntry.field).where(
            AuditEntry.row_id == item.id, AuditEntry.action == "update")))
    assert {"due_at", "duration_minutes"} <= fields
    with pytest.raises(ConflictError):  # the drag saw an older version
        f.move(item.id, item.version, bj(2026, 11, 27, 9, 0), now=NOW)
    with pytest.raises(ValidationError) as err:
        f.create({"subject": " ", "start": bj(2026, 11, 23, 9), "type": "fax"}, now=NOW)
    assert {e.field for e in err.value.errors} == {"subject", "type"}


def test_salesperson_plans_for_themselves_only(db, staff):
    admin, anna, bo = staff
    with pytest.raises(PermissionDenied):
        svc(db, anna).create({"subject": "x", "start": bj(2026, 11, 23, 9), "owner_id": bo.id})
    item = svc(db, admin).create({"subject": "x", "start": bj(2026, 11, 23, 9),
                                  "owner_id": bo.id}, now=NOW)
    assert item.owner_id == bo.id
    with pytest.raises(PermissionDenied):  # someone else's follow-up
        svc(db, anna).cancel(item.id, item.version, now=NOW)


def test_recurrence_across_a_month_boundary_and_daylight_saving():
    # every Monday 09:00 in Berlin: 08:00 UTC in winter, 07:00 UTC from 29 March (CEST)
    start = dt.datetime(2026, 3, 16, 9, 0, tzinfo=BERLIN)
    got = occurrences("FREQ=WEEKLY;BYDAY=MO", start, "Europe/Berlin",
                      start - dt.timedelta(seconds=1), start + dt.timedelta(days=28))
    assert [g.astimezone(BERLIN).strftime("%m-%d %H:%M") for g in got] == \
        ["03-16 09:00", "03-23 09:00", "03-30 09:00", "04-06 09:00", "04-13 09:00"]
    assert [g.hour for g in got] == [8, 8, 7, 7, 7]
    # the first Monday of each month, across month (and year) boundaries
    start = bj(2026, 10, 5, 10, 0)
    got = occurrences("FREQ=MONTHLY;BYDAY=1MO", start, "Asia/Shanghai",
                      start - dt.timedelta(seconds=1), bj(2027, 2, 1))
    assert [g.astimezone(BEIJING).date().isoformat() for g in got] == \
        ["2026-10-05", "2026-11-02", "2026-12-07", "2027-01-04"]
    # a wall-clock time skipped by the spring-forward change (02:30) moves past the gap
    start = dt.datetime(2026, 3, 28, 2, 30, tzinfo=BERLIN)
    got = occurrences("FREQ=DAILY;COUNT=3", start, "Europe/Berlin",
                      start - dt.timedelta(seconds=1), start + dt.timedelta(days=5))
    assert [g.astimezone(BERLIN).strftime("%d %H:%M") for g in got] == \
        ["28 02:30", "29 03:30", "30 02:30"]
    with pytest.raises(ValidationError):
        check_rrule("FREQ=SECONDLY", start, BERLIN)
    with pytest.raises(ValidationError):
        check_rrule("FREQ=WEEKLY;BYDAY=XX", start, BERLIN)
    assert check_rrule("RRULE:freq=weekly;interval=2", start, BERLIN) == \
        "FREQ=WEEKLY;INTERVAL=2"


def test_recurring_series_complete_edit_one_and_following(db, staff):
    _admin, anna, _bo = staff
    f = svc(db, anna)
    cid = new_customer(db, anna, tier="strategic")
    first = f.create({"subject": "周例会", "start": bj(2026, 11, 23, 9, 0), "type": "meeting",
                      "customer_id": cid, "reminder_minutes": 15},
                     rrule="FREQ=WEEKLY;INTERVAL=2", now=NOW)
    assert first.recurring and first.start == bj(2026, 11, 23, 9, 0)
    dec = f.items(bj(2026, 12, 1), bj(2027, 1, 1), owner_id=anna.id, now=NOW)
    assert [i.start.astimezone(BEIJING).day for i in dec] == [7, 21]
    # a far month is generated when the calendar reaches it
    later = f.items(bj(2027, 9, 1), bj(2027, 10, 1), owner_id=anna.id, now=NOW)
    assert later and all(i.recurring for i in later)

    done = f.complete(first.id, first.version, "客户同意试用", now=bj(2026, 11, 23, 10))
    assert done.item.done and done.next is None  # the series already plans the next one
    with db.read() as s:
        summary = s.scalar(select(Interaction.summary).where(
            Interaction.id == done.interaction_id))
    assert summary == "周例会: 客户同意试用"
    nxt = f.items(bj(2026, 12, 7), bj(2026, 12, 8), owner_id=anna.id, now=NOW)[0]
    assert not nxt.done

    # one occurrence alone: moved, the others stay
    one = f.update(nxt.id, nxt.version, {"subject": "周例会(改到周二)",
                                         "start": bj(2026, 12, 8, 9, 0)}, now=NOW)
    assert one.start == bj(2026, 12, 8, 9, 0)
    dec = f.items(bj(2026, 12, 1), bj(2027, 1, 1), owner_id=anna.id, now=NOW)
    assert [(i.start.astimezone(BEIJING).day, i.subject) for i in dec] == \
        [(8, "周例会(改到周二)"), (21, "周例会")]

    # this and the following: a new rule from 21 December on, 14:00
    dec21 = dec[1]
    f.update(dec21.id, dec21.version, {"subject": "月度回顾", "start": bj(2026, 12, 21, 14)},
             scope=FOLLOWING, rrule="FREQ=MONTHLY;BYDAY=3MO", now=NOW)
    got = f.items(bj(2026, 12, 1), bj(2027, 3, 1), owner_id=anna.id, now=NOW)
    assert [(i.start.astimezone(BEIJING).strftime("%m-%d %H"), i.subject) for i in got] == [
        ("12-08 09", "周例会(改到周二)"), ("12-21 14", "月度回顾"), ("01-18 14", "月度回顾"),
        ("02-15 14", "月度回顾")]
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ActivitySeries)
                        .where(ActivitySeries.deleted_at.is_(None))) == 2
    # cancel the following: nothing after January's
    jan = got[2]
    f.cancel(jan.id, jan.version, scope=FOLLOWING, now=NOW)
    got = f.items(bj(2026, 12, 1), bj(2027, 12, 1), owner_id=anna.id, now=NOW)
    assert [i.start.astimezone(BEIJING).strftime("%m-%d") for i in got] == ["12-08", "12-21"]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
def test_ending_a_series_keeps_the_occurrence_as_a_single_follow_up(db, staff, zone):
    _admin, anna, _bo = staff
    tz = ZoneInfo(zone)
    f = svc(db, anna, tz)
    first = f.create({"subject": "daily", "start": dt.datetime(2026, 11, 23, 9, tzinfo=tz)},
                     rrule="FREQ=DAILY", now=NOW)
    third = f.items(dt.datetime(2026, 11, 25, tzinfo=tz), dt.datetime(2026, 11, 26, tzinfo=tz),
                    owner_id=anna.id, now=NOW)[0]
    single = f.update(third.id, third.version, {}, scope=FOLLOWING, rrule="", now=NOW)
    assert not single.recurring
    got = f.items(dt.datetime(2026, 11, 1, tzinfo=tz), dt.datetime(2027, 2, 1, tzinfo=tz),
                  owner_id=anna.id, now=NOW)
    assert [i.start.astimezone(tz).day for i in got] == [23, 24, 25]
    assert got[0].id == first.id


def test_overdue_detection(db, staff):
    _admin, anna, _bo = staff
    f = svc(db, anna)
    late = f.create({"subject": "late", "start": bj(2026, 11, 19, 9, 0)}, now=NOW)
    running = f.create({"subject": "running", "start": bj(2026, 11, 20, 9, 30),
                        "duration_minutes": 60}, now=NOW)
    f.create({"subject": "later", "start": bj(2026, 11, 20, 15, 0)}, now=NOW)
    done = f.create({"subject": "done", "start": bj(2026, 11, 18, 9, 0)}, now=NOW)
    f.complete(done.id, done.version, now=NOW)
    assert f.overdue_count(owner_id=anna.id, now=NOW) == 1
    listed = f.today(owner_id=anna.id, now=NOW)
    assert [i.subject for i in listed.today] == ["running", "later"]
    assert [i.subject for i in listed.overdue] == ["late"] and listed.overdue_total == 1
    by_subject = {i.subject: i for i in listed.items}
    assert by_subject["late"].overdue and not by_subject["running"].overdue
    moved = f.tomorrow(late.id, late.version, now=NOW)
    assert moved.start == bj(2026, 11, 21, 9, 0) and not moved.overdue
    assert f.overdue_count(owner_id=anna.id, now=NOW) == 0
    assert by_subject["running"].id == running.id


def test_reminders_fire_snooze_and_stop(db, staff):
    _admin, anna, bo = staff
    f = svc(db, anna)
    item = f.create({"subject": "call back", "start": bj(2026, 11, 20, 11, 0),
                     "reminder_minutes": 15}, now=NOW)
    svc(db, bo).create({"subject": "not anna's", "start": bj(2026, 11, 20, 11, 0),
                        "reminder_minutes": 15}, now=NOW)
    assert f.due_reminders(now=bj(2026, 11, 20, 10, 44)) == []
    assert f.next_reminder_at() == bj(2026, 11, 20, 10, 45)
    due = f.due_reminders(now=bj(2026, 11, 20, 10, 45))
    assert [r.item.id for r in due] == [item.id]
    f.snooze(item.id, 10, now=bj(2026, 11, 20, 10, 46))
    assert f.due_reminders(now=bj(2026, 11, 20, 10, 50)) == []
    assert len(f.due_reminders(now=bj(2026, 11, 20, 10, 56))) == 1
    f.dismiss(item.id)
    assert f.due_reminders(now=bj(2026, 11, 20, 12, 0)) == []
    # completing stops it; a past start gets no reminder at all
    again = f.create({"subject": "again", "start": bj(2026, 11, 20, 11, 0),
                      "reminder_minutes": 30}, now=NOW)
    f.complete(again.id, again.version, now=NOW)
    old = f.create({"subject": "past", "start": bj(2026, 11, 19, 11, 0),
                    "reminder_minutes": 30}, now=NOW)
    assert f.due_reminders(now=bj(2026, 11, 20, 12, 0)) == []
    assert old.reminder_minutes == 30


def test_cadence_plans_the_next_follow_up_off_holidays(db, staff):
    _admin, anna, _bo = staff
    f = svc(db, anna)
    cid = new_customer(db, anna, tier="strategic")
    item = f.create({"subject": "回访", "start": bj(2026, 11, 20, 9, 0), "customer_id": cid},
                    now=NOW)
    res = f.complete(item.id, item.version, "ok", now=NOW,
                     texts={"cadence_subject": "跟进 {customer}"})
    assert res.next.start == bj(2026, 12, 4, 9, 0)  # strategic: 14 days, a Friday
    assert res.next.subject == "跟进 上海华信科技有限公司"
    # nothing more is planned while that one is open
    item2 = f.create({"subject": "again", "start": bj(2026, 11, 21, 9, 0),
                      "customer_id": cid}, now=NOW)
    assert f.complete(item2.id, item2.version, now=NOW).next is None
    # 14 days after 17 September is National Day: the next working day is 8 October
    cid2 = new_customer(db, anna, name="北京远航贸易", tier="strategic")
    sept = dt.datetime(2026, 9, 17, 1, 0, tzinfo=UTC)
    it = f.create({"subject": "x", "start": bj(2026, 9, 17, 9, 0), "customer_id": cid2},
                  now=sept)
    assert f.complete(it.id, it.version, now=sept).next.start == bj(2026, 10, 8, 9, 0)
    # a manager changes the cadence; a salesperson may not
    cad, version = f.cadence()
    with pytest.raises(PermissionDenied):
        f.save_cadence(Cadence({**cad.days, "strategic": 7}), version)
    admin_f = svc(db, staff[0])
    admin_f.save_cadence(Cadence({**cad.days, "strategic": 7}), version)
    it = f.create({"subject": "y", "start": bj(2026, 9, 17, 9, 0), "customer_id": cid2},
                  now=sept)
    with db.session() as s:  # nothing else open for the customer
        s.execute(update(Activity).where(Activity.customer_id == cid2,
                                         Activity.id != it.id).values(cancelled_at=sept))
    assert f.complete(it.id, it.version, now=sept).next.start == bj(2026, 9, 24, 9, 0)
    with pytest.raises(ValidationError):
        admin_f.save_cadence(Cadence({"strategic": -1}), version + 1)


def test_neglected_customers(db, staff):
    _admin, anna, bo = staff
    f = svc(db, anna)
    new_customer(db, anna, "久未联系", tier="strategic", days_old=40)
    planned = new_customer(db, anna, "已安排", tier="strategic", days_old=40)
    recent = new_customer(db, anna, "刚联系", tier="growth", days_old=40)
    new_customer(db, anna, "休眠不管", tier="dormant", days_old=40)
    late_plan = new_customer(db, anna, "安排太晚", tier="strategic", days_old=40)
    new_customer(db, bo, "别人的", tier="strategic", days_old=40)
    new_customer(db, anna, "基础老客", tier="basic", days_old=400)
    f.create({"subject": "p", "start": NOW + dt.timedelta(days=3), "customer_id": planned},
             now=NOW)
    f.create({"subject": "p", "start": NOW + dt.timedelta(days=30), "customer_id": late_plan},
             now=NOW)
    with db.session() as s:
        s.add(Interaction(customer_id=recent, user_id=anna.id, channel="phone",
                          occurred_at=NOW - dt.timedelta(days=10), summary="called"))
    got = f.neglected(owner_id=anna.id, now=NOW)
    # strategic ones first, though the basic one is far more overdue
    assert sorted(n.name for n in got[:2]) == sorted(["久未联系", "安排太晚"])
    assert [n.name for n in got[2:]] == ["基础老客"]
    by_name = {n.name: n for n in got}
    assert by_name["久未联系"].due == NOW - dt.timedelta(days=26)
    assert by_name["安排太晚"].next_planned == NOW + dt.timedelta(days=30)
    # the team's view shows what the user may see: a salesperson their own, an admin all
    assert "别人的" not in {n.name for n in f.neglected(team="华东", now=NOW)}
    assert {n.name for n in svc(db, _admin).neglected(team="华东", now=NOW)} >= \
        {"别人的", "久未联系"}


def test_ics_export_parses_back(db, staff):
    _admin, anna, _bo = staff
    f = svc(db, anna)
    cid = new_customer(db, anna, phone="13812345678", province="上海", city="上海",
                       address="浦东新区世纪大道100号")
    a = f.create({"subject": "拜访", "start": bj(2026, 11, 24, 14, 0), "type": "visit",
                  "customer_id": cid, "duration_minutes": 90, "reminder_minutes": 30,
                  "notes": "带样品"}, now=NOW)
    f.create({"subject": "月报", "start": bj(2026, 11, 2, 9, 0)}, rrule="FREQ=MONTHLY",
             now=NOW)
    data = f.export_ics(bj(2026, 11, 1), bj(2027, 1, 1), owner_id=anna.id,
                        labels={"visit": "拜访", "call": "电话"}, now=NOW)
    cal = icalendar.Calendar.from_ical(data)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert len(events) == 3  # the visit, and November's and December's reports
    ev = events[f"{a.id}@desktop-crm"]
    assert str(ev["summary"]) == "[拜访] 上海华信科技有限公司: 拜访"
    assert ev.decoded("dtstart") == bj(2026, 11, 24, 14, 0)
    assert ev.decoded("dtend") - ev.decoded("dtstart") == dt.timedelta(minutes=90)
    assert str(ev["location"]) == "上海浦东新区世纪大道100号"
    assert "138 1234 5678" in str(ev["description"]) and "带样品" in str(ev["description"])
    alarm = ev.walk("VALARM")[0]
    assert alarm.decoded("trigger") == -dt.timedelta(minutes=30)


def test_holiday_calendar_seeded_edited_and_never_failing(db, staff):
    admin, anna, _bo = staff
    h = HolidayService(db, anna)
    marks = h.marks(dt.date(2026, 9, 28), dt.date(2026, 10, 11), "zh_CN")
    assert marks[dt.date(2026, 10, 1)].kind == "holiday"
    assert marks[dt.date(2026, 10, 1)].name == "国庆节"
    assert marks[dt.date(2026, 10, 10)].kind == "workday"  # a Saturday worked instead
    assert not h.is_working_day(dt.date(2026, 10, 2))
    assert h.is_working_day(dt.date(2026, 10, 10))
    assert h.is_working_day(dt.date(2026, 10, 9)) and not h.is_working_day(dt.date(2026, 10, 11))
    # a year no library has announced: an estimate, never an error
    far = h.marks(dt.date(2030, 1, 1), dt.date(2030, 12, 31), "en")
    assert far[dt.date(2030, 10, 1)].estimate and far[dt.date(2030, 10, 1)].kind == "holiday"
    assert h.seeded_years()[2026] == "chinese-calendar"
    assert library_days(2030)[0].source == "holidays"
    with pytest.raises(PermissionDenied):
        h.set_day(dt.date(2026, 12, 31), "holiday", "Company day")
    boss = HolidayService(db, admin)
    boss.set_day(dt.date(2026, 12, 31), "holiday", "Company day", "公司年会")
    assert not h.is_working_day(dt.date(2026, 12, 31))
    assert boss.clear_day(dt.date(2026, 10, 10))
    assert not h.is_working_day(dt.date(2026, 10, 10))
    assert boss.reseed_year(2026) > 20
    assert h.is_working_day(dt.date(2026, 10, 10))  # the library's day is back
    assert h.marks(dt.date(2026, 12, 31), dt.date(2026, 12, 31), "zh")[
        dt.date(2026, 12, 31)].name == "公司年会"  # a day set by hand stays
    assert boss.ensure_years([2026]) == []
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.table_name == "holidays")) >= 3


def test_generated_occurrence_ids_are_the_same_everywhere(db, staff):
    _admin, anna, _bo = staff
    f = svc(db, anna)
    first = f.create({"subject": "weekly", "start": bj(2026, 11, 23, 9, 0)},
                     rrule="FREQ=WEEKLY", now=NOW)
    with db.read() as s:
        sid = s.scalar(select(Activity.series_id).where(Activity.id == first.id))
        rows = s.execute(select(Activity.id, Activity.occurrence_at)
                         .where(Activity.series_id == sid)).all()
    assert all(aid == uuid.uuid5(sid, at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
               for aid, at in rows)
    assert f.ensure_generated(NOW + dt.timedelta(days=100), owner_id=anna.id) == 0


def test_month_cells_list_a_few_and_count_the_rest(db, staff):
    _admin, anna, _bo = staff
    f = svc(db, anna, BERLIN)
    for h in range(8, 18):  # ten on the day daylight saving ends, around its small hours
        f.create({"subject": f"s{h}", "start": dt.datetime(2026, 10, 25, h, tzinfo=BERLIN)},
                 now=NOW)
    f.create({"subject": "late", "start": dt.datetime(2026, 10, 24, 23, 30, tzinfo=BERLIN)},
             now=NOW)
    f.create({"subject": "early", "start": dt.datetime(2026, 10, 26, 0, 30, tzinfo=BERLIN)},
             now=NOW)
    items, counts = f.month_items(dt.date(2026, 9, 28), dt.date(2026, 11, 9), per_day=4,
                                  owner_id=anna.id, now=NOW)
    assert counts == {dt.date(2026, 10, 24): 1, dt.date(2026, 10, 25): 10,
                      dt.date(2026, 10, 26): 1}
    assert [i.subject for i in items] == ["late", "s8", "s9", "s10", "s11", "early"]
