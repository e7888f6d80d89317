"""The Calendar section with real widgets on a real SQLite file and a controllable clock:
switching views, dragging a visit to Thursday, creating by double-click, the today list's
one-click Done and Tomorrow, a reminder firing, the .ics export and the printed agenda."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from zoneinfo import ZoneInfo

import icalendar
import pytest
from PySide6.QtCore import QPoint, Qt, QThreadPool
from sqlalchemy import select

from desktop_crm.models import Activity, AuditEntry, Interaction
from desktop_crm.services.container import Services
from desktop_crm.services.followups import FollowUpService
from desktop_crm.views.activity_dialog import ActivityDialog, RecurrenceEditor, split_end
from desktop_crm.views.calendar_section import AGENDA, DAY, MONTH, WEEK, CalendarSection
from desktop_crm.views.reminders import ReminderCenter, RemindersDialog

from .conftest import type_into

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.timezone.utc)  # Tuesday 10:00 in Beijing


def bj(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


class Clock:
    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def services(sqlite_url):
    svc = Services.open(sqlite_url)
    svc.followups = FollowUpService(svc.db, svc.user, BEIJING)
    cid = svc.customers.create({"name": "上海华信科技有限公司", "phone": "13812345678",
                                "province": "上海", "address": "浦东新区世纪大道100号",
                                "owner_id": svc.user.id}).id
    f = svc.followups
    f.create({"subject": "拜访演示", "type": "visit", "customer_id": cid,
              "start": bj(2026, 11, 24, 14, 0), "duration_minutes": 60}, now=NOW)
    f.create({"subject": "报价跟进", "type": "call", "customer_id": cid,
              "start": bj(2026, 11, 23, 9, 0)}, now=NOW)  # overdue
    f.create({"subject": "周会", "type": "meeting", "start": bj(2026, 11, 2, 9, 0)},
             rrule="FREQ=WEEKLY;BYDAY=MO", now=NOW)
    svc.customer_id = cid
    yield svc
    QThreadPool.globalInstance().waitForDone(10000)
    svc.close()


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def section(qtbot, services, clock):
    w = CalendarSection(services, now=clock)
    qtbot.addWidget(w)
    w.resize(1300, 900)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: bool(w.today_panel.items), timeout=10000)
    return w


def switch(qtbot, section, view: str) -> None:
    with qtbot.waitSignal(section.loaded, timeout=10000):
        section.view_buttons[view].click()


def subjects(items) -> list[str]:
    return sorted(i.subject for i in items)


def test_today_list_then_switching_views(qtbot, section):
    # the weekly meeting since 2 November was never marked done: four overdue Mondays
    listed = section.today_panel.listed
    assert subjects(listed.today) == ["拜访演示"]
    assert subjects(listed.overdue) == ["周会"] * 4 + ["报价跟进"]
    assert listed.overdue_total == 5 and "5" in section.today_panel.summary.text()
    assert all(i.overdue for i in listed.overdue)
    switch(qtbot, section, WEEK)
    assert section.grid.days() == 7 and section.grid.first_day() == dt.date(2026, 11, 23)
    assert {"拜访演示", "报价跟进", "周会"} <= {i.subject for i in section.grid.items()}
    switch(qtbot, section, MONTH)
    assert section.month.first_day() == dt.date(2026, 10, 26)
    # the Mondays shown from the series start (2 November) to 30 November
    assert sum(i.subject == "周会" for i in section.month.items()) == 5
    with qtbot.waitSignal(section.loaded, timeout=10000):
        section.next_button.click()
    assert "2026" in section.title.text() and section.anchor.month == 12
    switch(qtbot, section, DAY)
    assert section.grid.days() == 1
    switch(qtbot, section, AGENDA)
    assert section.agenda.topLevelItemCount() > 0
    with qtbot.waitSignal(section.loaded, timeout=10000):
        section.today_button.click()
    assert section.anchor == dt.date(2026, 11, 24)


def test_drag_a_visit_to_thursday_saves_it(qtbot, section, services):
    switch(qtbot, section, WEEK)
    grid = section.grid
    visit = next(i for i in grid.items() if i.subject == "拜访演示")
    grid.ensure_visible(str(visit.id))
    rect = grid.item_rect(str(visit.id))
    start = rect.center()
    target = grid.point_for(bj(2026, 11, 26, 15, 0))  # Thursday 15:00
    rect = grid.item_rect(str(visit.id))  # point_for may have scrolled
    start = QPoint(rect.center().x(), rect.top() + 8)
    to = QPoint(target.x(), target.y() + 8)
    vp = grid.viewport()
    with qtbot.waitSignal(grid.item_moved, timeout=5000):
        qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
        for i in range(1, 8):
            qtbot.mouseMove(vp, start + (to - start) * i / 7)
        qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=to)
    stored = services.followups.item(visit.id)
    assert stored.start.astimezone(BEIJING).date() == dt.date(2026, 11, 26)
    assert stored.start.astimezone(BEIJING).hour == 15
    assert stored.duration_minutes == 60
    with services.db.read() as s:
        assert s.scalar(select(AuditEntry.new_value).where(
            AuditEntry.row_id == visit.id, AuditEntry.field == "due_at"))
    assert next(i for i in grid.items() if i.id == visit.id).version == stored.version


def test_double_click_an_empty_slot_creates_a_follow_up(qtbot, section, services):
    switch(qtbot, section, WEEK)
    grid = section.grid
    pos = grid.point_for(bj(2026, 11, 27, 16, 0))  # Friday 16:00, empty
    dialogs = []
    section.grid.slot_activated.connect(lambda _s: dialogs.append(
        next(w for w in section.findChildren(ActivityDialog) if w.isVisible())))
    qtbot.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=pos + QPoint(0, 5))
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    dlg = dialogs[0]
    assert dlg.values()["start"] == bj(2026, 11, 27, 16, 0)
    type_into(qtbot, dlg.subject, "电话回访")
    with qtbot.waitSignal(section.loaded, timeout=10000):
        dlg.save()
    with services.db.read() as s:
        act = s.scalars(select(Activity).where(Activity.subject == "电话回访")).one()
    assert act.due_at == bj(2026, 11, 27, 16, 0)
    assert "电话回访" in {i.subject for i in grid.items()}


def test_today_list_one_click_done_and_tomorrow(qtbot, section, services):
    panel = section.today_panel
    late = next(i for i in panel.items if i.subject == "报价跟进")
    visit = next(i for i in panel.items if i.subject == "拜访演示")
    vp = panel.tree.viewport()
    with qtbot.waitSignal(section.loaded, timeout=10000):
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=panel.action_point(late.id, "done"))
    with services.db.read() as s:
        assert s.get(Activity, late.id).done_at is not None
        assert s.scalar(select(Interaction.summary).where(
            Interaction.customer_id == services.customer_id)) == "报价跟进"
    with qtbot.waitSignal(section.loaded, timeout=10000):
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton,
                         pos=panel.action_point(visit.id, "tomorrow"))
    assert services.followups.item(visit.id).start == bj(2026, 11, 25, 14, 0)
    assert "报价跟进" not in {i.subject for i in panel.items}
    assert "拜访演示" not in {i.subject for i in panel.items}


def test_a_reminder_fires_with_the_clock_and_snoozes(qtbot, services, clock):
    f = services.followups
    item = f.create({"subject": "回电话", "start": bj(2026, 11, 24, 11, 0),
                     "reminder_minutes": 15}, now=NOW)
    center = ReminderCenter(services, now=clock, interval_ms=50)
    dlg = RemindersDialog(center)
    qtbot.addWidget(dlg)
    seen = []
    center.reminders_due.connect(seen.append)
    center.start()
    qtbot.wait(200)
    assert seen == []  # 10:00: not yet
    clock.at = bj(2026, 11, 24, 10, 45)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert [r.item.id for r in seen[-1]] == [item.id]
    assert dlg.tree.topLevelItemCount() == 1
    assert "回电话" in dlg.tree.topLevelItem(0).text(3)
    n = len(seen)
    qtbot.wait(200)
    assert len(seen) == n  # announced once, not on every poll
    dlg._snooze(15)
    assert dlg.tree.topLevelItemCount() == 0
    clock.at = bj(2026, 11, 24, 11, 1)
    qtbot.waitUntil(lambda: len(seen) > n, timeout=5000)
    dlg.tree.setCurrentItem(dlg.tree.topLevelItem(0))
    dlg._done()
    assert f.item(item.id).done
    center.timer.stop()
    QThreadPool.globalInstance().waitForDone(5000)


def test_export_ics_and_print_the_agenda(qtbot, section, services, tmp_path):
    switch(qtbot, section, MONTH)
    path = section.export_ics(str(tmp_path / "nov.ics"))
    cal = icalendar.Calendar.from_ical((tmp_path / "nov.ics").read_bytes())
    summaries = [str(e["summary"]) for e in cal.walk("VEVENT")]
    assert path and any("拜访演示" in s for s in summaries)
    assert sum("周会" in s for s in summaries) == 5  # the Mondays of November
    pdf = section.save_agenda_pdf(str(tmp_path / "agenda.pdf"))
    assert (tmp_path / "agenda.pdf").read_bytes()[:5] == b"%PDF-"
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".part"]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
        assert "上海华信科技有限公司" in text and "138 1234 5678" in text
        assert "浦东新区世纪大道100号" in text


def test_recurrence_editor_presets_and_ends(qtbot):
    ed = RecurrenceEditor(dt.date(2026, 11, 2))  # the first Monday of November
    qtbot.addWidget(ed)
    rules = [ed.preset.itemData(i) for i in range(ed.preset.count())]
    assert "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO" in rules
    assert "FREQ=MONTHLY;BYDAY=1MO" in rules
    ed.preset.setCurrentIndex(rules.index("FREQ=MONTHLY;BYDAY=1MO"))
    ed.end_count.setChecked(True)
    ed.count.setValue(6)
    assert ed.rule() == "FREQ=MONTHLY;BYDAY=1MO;COUNT=6"
    assert ed.changed()
    assert split_end("FREQ=DAILY;UNTIL=20261231T235959") == ("FREQ=DAILY", "until",
                                                            dt.date(2026, 12, 31))
    custom = RecurrenceEditor(dt.date(2026, 11, 2), "FREQ=MONTHLY;BYMONTHDAY=15,30")
    qtbot.addWidget(custom)
    assert custom.preset.currentData() == "custom" and not custom.changed()


def test_complete_a_call_with_a_note_then_get_reminded_of_the_next(qtbot, section, services,
                                                                   clock):
    from desktop_crm.views.activity_dialog import CompleteDialog

    f = services.followups
    call = f.create({"subject": "回访报价", "type": "call", "customer_id": services.customer_id,
                     "start": bj(2026, 11, 24, 11, 0), "reminder_minutes": 15}, now=NOW)
    visit = next(i for i in section.today_panel.items if i.subject == "拜访演示")
    f.cancel(visit.id, visit.version, now=NOW)  # so nothing else is planned ahead
    with qtbot.waitSignal(section.loaded, timeout=10000):
        section.reload()
    item = next(i for i in section.today_panel.items if i.id == call.id)
    dlg = section.complete_with_note(item)
    assert isinstance(dlg, CompleteDialog) and dlg.by_cadence.isChecked()
    type_into(qtbot, dlg.outcome, "客户同意下周签约")
    with qtbot.waitSignal(section.loaded, timeout=10000):
        dlg.save()
    history = services.profiles.profile(services.customer_id).interactions
    assert any(i.summary == "回访报价: 客户同意下周签约" for i in history)
    # the next call, planned by the cadence (no tier: 60 days) on a working day, reminds too
    with services.db.read() as s:
        nxt = s.scalars(select(Activity).where(
            Activity.customer_id == services.customer_id, Activity.done_at.is_(None),
            Activity.subject.like("%上海华信科技有限公司%"))).one()
    assert nxt.due_at == bj(2027, 1, 25, 11, 0)  # 60 days on is Saturday 23 January
    assert nxt.reminder_minutes == 15
    assert [r.item.id for r in f.due_reminders(nxt.due_at)] == [nxt.id]


def test_plan_a_recurring_follow_up_and_edit_the_following_in_the_form(qtbot, section,
                                                                       services):
    from PySide6.QtWidgets import QMessageBox

    from .conftest import answer_dialog

    dlg = section.new_activity(start=bj(2026, 11, 27, 15, 0))  # a Friday
    type_into(qtbot, dlg.subject, "双周例会")
    rec = dlg.recurrence
    rec.preset.setCurrentIndex(rec.preset.findData("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"))
    with qtbot.waitSignal(section.loaded, timeout=10000):
        dlg.save()
    f = services.followups
    dec = f.items(bj(2026, 12, 1), bj(2027, 1, 1), owner_id=services.user.id)
    assert [(i.start.astimezone(BEIJING).day, i.subject) for i in dec
            if i.recurring and i.subject.startswith("双周")] == [(11, "双周例会"), (25, "双周例会")]
    # open the 11 December one, rename it: for it and the following ones
    occ = next(i for i in dec if i.start.astimezone(BEIJING).day == 11)
    form = section.open_activity(occ.id)
    assert form.recurrence.preset.currentData() == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"
    form.subject.setText("双周例会（新议程）")
    answer_dialog(QMessageBox, lambda box: next(
        b for b in box.buttons() if b.text() == "This and the following").click())
    with qtbot.waitSignal(section.loaded, timeout=10000):
        form.save()
    got = f.items(bj(2026, 11, 27), bj(2027, 1, 9), owner_id=services.user.id)
    assert [(i.start.astimezone(BEIJING).strftime("%m-%d"), i.subject) for i in got
            if i.recurring and i.subject.startswith("双周")] == [
        ("11-27", "双周例会"), ("12-11", "双周例会（新议程）"), ("12-25", "双周例会（新议程）"),
        ("01-08", "双周例会（新议程）")]


def test_plan_a_follow_up_from_the_customers_360_view(qtbot, services):
    from desktop_crm.views.main_window import MainWindow

    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show_section("customers")
    w.customers.show_customer(services.customer_id)
    qtbot.waitUntil(lambda: w.customers.profile.profile is not None, timeout=10000)
    w.customers.profile.follow_up_button.click()
    assert w.stack.currentWidget() is w.calendar
    dlg = next(d for d in w.calendar.findChildren(ActivityDialog) if d.isVisible())
    assert dlg.customer.customer_id == services.customer_id
    assert dlg.customer.text() == "上海华信科技有限公司"
    dlg.reject()
    QThreadPool.globalInstance().waitForDone(10000)
