"""``desktop-crm export activities``, the real command run as a subprocess (SQLite): whose
follow-ups, recurring series expanded per occurrence, ``--team``, the period and its
defaults, and the refusals (exit code 2, no file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from desktop_crm.services.container import Services
from desktop_crm.services.followups import FollowUpService

from .test_cli import run

BEIJING = ZoneInfo("Asia/Shanghai")
ENV = {"TZ": "Asia/Shanghai"}  # the computer's time zone, as the command sees it


def bj(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


@pytest.fixture(scope="module")
def crm(tmp_path_factory):
    """One database for the module: 安娜 (anna) and 柏林 (bo) in 华东, 赵六 (zhao) in 华北,
    each with follow-ups in November 2026; the local administrator with follow-ups around
    today. Returns the URL and the administrator's login."""
    base = tmp_path_factory.mktemp("export")
    url = f"sqlite:///{base / 'crm.sqlite3'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DESKTOP_CRM_HOME", str(base / "home"))
        mp.delenv("DESKTOP_CRM_DB", raising=False)
        svc = Services.open(url, upgrade=True)
        try:
            anna = svc.users.create("anna", "安娜", "sales", team="华东")
            bo = svc.users.create("bo", "柏林", "sales", team="华东")
            zhao = svc.users.create("zhao", "赵六", "sales", team="华北")
            cid = svc.customers.create({"name": "上海华信科技有限公司", "owner_id": anna.id}).id
            fa = FollowUpService(svc.db, anna, BEIJING)
            fa.create({"subject": "回访报价", "start": bj(2026, 11, 3, 14, 0), "type": "visit",
                       "customer_id": cid, "duration_minutes": 90})
            # Mondays 09:00 from 2 November: 2, 9, 16, 23 and 30 November
            fa.create({"subject": "周例会", "start": bj(2026, 11, 2, 9, 0), "type": "meeting"},
                      rrule="FREQ=WEEKLY")
            FollowUpService(svc.db, bo, BEIJING).create(
                {"subject": "柏林的电话", "start": bj(2026, 11, 5, 10, 0), "type": "call"})
            FollowUpService(svc.db, zhao, BEIJING).create(
                {"subject": "赵六的微信", "start": bj(2026, 11, 6, 10, 0), "type": "wechat"})

            fl = FollowUpService(svc.db, svc.user, BEIJING)
            first = dt.datetime.now(BEIJING).date().replace(day=1)
            year_on = first.replace(year=first.year + 1)
            for subject, day, hour in [
                ("soon", dt.datetime.now(BEIJING).date() + dt.timedelta(days=2), 10),
                ("last month", first - dt.timedelta(days=1), 12),
                ("last day of the year", year_on - dt.timedelta(days=1), 23),
                ("a year on", year_on, 0),
            ]:
                fl.create({"subject": subject, "type": "task",
                           "start": dt.datetime.combine(day, dt.time(hour), tzinfo=BEIJING)})
            admin = svc.user.username
        finally:
            svc.close()
    return url, admin


def export(url: str, out: Path, *args, check=True):
    return run("export", "activities", "--db", url, "--out", str(out), *args,
               env_extra=ENV, check=check)


def events(path: Path) -> list:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))


def test_owner_by_login_with_series_and_period(crm, tmp_path):
    url, _admin = crm
    out = tmp_path / "anna.ics"
    proc = export(url, out, "--owner", "anna", "--from", "2026-11-01", "--to", "2026-11-30")
    assert proc.stdout == f"wrote 6 follow-ups to {out}\n"
    evs = events(out)
    assert [str(e["summary"]) for e in evs] == [
        "[Meeting] 周例会", "[Visit] 上海华信科技有限公司: 回访报价"] + ["[Meeting] 周例会"] * 4
    meetings = [e.decoded("dtstart") for e in evs if "周例会" in str(e["summary"])]
    assert meetings == [bj(2026, 11, d, 9, 0) for d in (2, 9, 16, 23, 30)]  # --to included
    assert len({str(e["uid"]) for e in evs}) == 6
    visit = evs[1]
    assert visit.decoded("dtend") - visit.decoded("dtstart") == dt.timedelta(minutes=90)
    assert [str(c) for c in visit["categories"].cats] == ["Visit"]
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file became the .ics


def test_owner_by_display_name_and_period_limits(crm, tmp_path):
    url, _admin = crm
    out = tmp_path / "sub.ics"
    proc = export(url, out, "--owner", "安娜", "--from", "2026-11-09", "--to", "2026-11-29")
    assert proc.stdout.startswith("wrote 3 follow-ups to ")
    assert [e.decoded("dtstart") for e in events(out)] == [
        bj(2026, 11, 9, 9, 0), bj(2026, 11, 16, 9, 0), bj(2026, 11, 23, 9, 0)]


def test_team(crm, tmp_path):
    url, _admin = crm
    out = tmp_path / "team.ics"
    proc = export(url, out, "--team", "华东", "--from", "2026-11-01", "--to", "2026-11-08")
    assert proc.stdout == f"wrote 3 follow-ups to {out}\n"  # anna's two and bo's call
    assert [str(e["summary"]) for e in events(out)] == [
        "[Meeting] 周例会", "[Visit] 上海华信科技有限公司: 回访报价", "[Call] 柏林的电话"]
    north = tmp_path / "north.ics"
    one = export(url, north, "--team", "华北", "--from", "2026-11-01", "--to", "2026-11-30")
    assert one.stdout == f"wrote 1 follow-up to {north}\n"
    assert [str(e["summary"]) for e in events(north)] == ["[WeChat] 赵六的微信"]


def test_default_owner_and_period(crm, tmp_path):
    """Without options: the local user's follow-ups from the first of this month (local time)
    for one year."""
    url, _admin = crm
    out = tmp_path / "mine.ics"
    proc = export(url, out)
    assert proc.stdout == f"wrote 2 follow-ups to {out}\n"
    assert [str(e["summary"]) for e in events(out)] == ["[Task] soon",
                                                        "[Task] last day of the year"]


def test_unknown_owner_or_team_writes_nothing(crm, tmp_path):
    url, admin = crm
    out = tmp_path / "nobody.ics"
    proc = export(url, out, "--owner", "nobody", check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "'nobody'" in proc.stderr
    assert f"known user names: {', '.join(sorted(['anna', 'bo', 'zhao', admin]))}" \
        in proc.stderr
    team = export(url, out, "--team", "华南", check=False)
    assert team.returncode == 2 and "'华南'" in team.stderr and "华东, 华北" in team.stderr
    assert [p for p in tmp_path.iterdir() if p.name != "home"] == []  # home: the log file


@pytest.mark.parametrize("option,value", [("--from", "2026-13-01"), ("--to", "2026-02-30")])
def test_bad_date_writes_nothing(crm, tmp_path, option, value):
    url, _admin = crm
    proc = export(url, tmp_path / "bad.ics", option, value, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert f"{option} must be a date written YYYY-MM-DD, not {value!r}" in proc.stderr
    assert [p for p in tmp_path.iterdir() if p.name != "home"] == []  # home: the log file


def test_to_before_from_writes_nothing(crm, tmp_path):
    url, _admin = crm
    proc = export(url, tmp_path / "x.ics", "--from", "2026-11-10", "--to", "2026-11-09",
                  check=False)
    assert proc.returncode == 2 and "--to 2026-11-09 is before --from 2026-11-10" in proc.stderr
    assert [p for p in tmp_path.iterdir() if p.name != "home"] == []  # home: the log file
