"""The calendar's painted views: where items go, dragging and resizing them with the mouse,
double clicks, the current-time line, the month grid's cells, "more" and holidays."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from desktop_crm.services.calendar_items import CalendarItem, DayMark
from desktop_crm.views.calendar_views import (
    HOUR_HEIGHT, TYPE_COLOURS, MonthGrid, TimeGrid,
)

UTC = dt.timezone.utc
TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 26, 6, 40, tzinfo=UTC)  # Thursday 14:40 in Shanghai
MONDAY = dt.date(2026, 11, 23)
ZH = QLocale(QLocale.Language.Chinese, QLocale.Country.China)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A Shanghai wall-clock time as aware UTC."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).astimezone(UTC)


def day(n: int) -> dt.date:
    """Day ``n`` of the week shown (0 = Monday 23 November 2026)."""
    return MONDAY + dt.timedelta(days=n)


def make(start: dt.datetime, minutes: int = 60, type: str = "call",
         customer: str = "上海华信科技有限公司", subject: str = "回访报价", **kw) -> CalendarItem:
    return CalendarItem(uuid.uuid4(), 1, type, subject, start, minutes, customer_name=customer,
                        owner_name="王磊", **kw)


def show(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def week(qtbot):
    grid = TimeGrid(tz=TZ, now=lambda: NOW)
    grid.set_range(MONDAY, 7)
    return show(qtbot, grid)


@pytest.fixture
def month(qtbot):
    grid = MonthGrid(tz=TZ, now=lambda: NOW)
    grid.set_month(2026, 10)
    return show(qtbot, grid)


def drag(qtbot, target, start: QPoint, to: QPoint, *, release: bool = True) -> None:
    """Press at ``start``, move there in steps (past the drag distance), release at ``to``."""
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 7):
        QTest.mouseMove(target, start + (to - start) * i / 6)
    if release:
        qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=to)


# -- the week and day views ---------------------------------------------------------------------


def test_type_colours_cover_the_activity_types_and_differ():
    from desktop_crm.services.calendar_items import ACTIVITY_TYPES

    assert set(TYPE_COLOURS) == set(ACTIVITY_TYPES)
    colours = [QColor(c) for c in TYPE_COLOURS.values()]
    for i, a in enumerate(colours):
        for b in colours[i + 1:]:
            # far enough apart to tell on screen (RGB distance)
            assert sum((x - y) ** 2 for x, y in zip(a.getRgb()[:3], b.getRgb()[:3])) > 60 ** 2


def test_week_opens_at_eight_and_puts_an_item_in_its_day_and_hours(week):
    assert week.verticalScrollBar().value() == 8 * HOUR_HEIGHT
    item = make(at(day(2), 10, 0), 60)
    week.set_items([item])
    r = week.item_rect(item.id)
    top, bottom = week.point_for(item.start), week.point_for(item.end)
    assert abs(r.top() - top.y()) <= 1
    assert abs(r.bottom() + 1 - bottom.y()) <= 2
    col = week.column_rect(2)
    assert col.left() <= r.left() and r.right() <= col.right()
    assert r.height() == pytest.approx(HOUR_HEIGHT, abs=2)
    assert week.items() == [item]


def test_items_outside_the_range_are_not_shown_and_a_short_one_keeps_a_minimum_height(week):
    short = make(at(day(0), 9, 0), 5)
    before = make(at(MONDAY - dt.timedelta(days=1), 9, 0))
    week.set_items([short, before])
    assert week.item_rect(before.id).isEmpty()
    assert week.item_rect(short.id).height() >= 17


def test_an_item_crossing_midnight_is_drawn_to_the_end_of_its_day(week):
    late = make(at(day(6), 23, 0), 120)
    week.set_items([late])
    week.scroll_to_hour(20)
    r = week.item_rect(late.id)
    assert r.height() == pytest.approx(HOUR_HEIGHT, abs=2)  # 23:00-24:00 of Sunday
    assert not week.grab().isNull()


def test_dragging_an_item_to_another_day_and_time_emits_the_snapped_utc_start(qtbot, week):
    item = make(at(day(0), 10, 0), 90)
    week.set_items([item])
    r = week.item_rect(item.id)
    start = r.topLeft() + QPoint(20, 6)
    # released 6 minutes past 14:00 (the grab point counted): snapped back to 14:00
    to = week.point_for(at(day(3), 14, 0)) + QPoint(0, 6 + 5)
    with qtbot.waitSignal(week.item_moved, timeout=1000) as moved:
        drag(qtbot, week.viewport(), start, to)
    assert moved.args == [str(item.id), at(day(3), 14, 0), 90]
    # shown there at once
    shown = week.items()[0]
    assert shown.start == at(day(3), 14, 0) and shown.duration_minutes == 90
    r2 = week.item_rect(item.id)
    assert week.column_rect(3).contains(r2.center())
    assert abs(r2.top() - week.point_for(at(day(3), 14, 0)).y()) <= 1


def test_a_move_that_could_not_be_saved_is_put_back(qtbot, week):
    item = make(at(day(1), 11, 0), 30)
    week.set_items([item])
    before = week.item_rect(item.id)
    with qtbot.waitSignal(week.item_moved, timeout=1000):
        drag(qtbot, week.viewport(), before.center(),
             week.point_for(at(day(4), 15, 0)))
    assert week.items()[0].start != item.start
    week.restore_item(item)
    assert week.items() == [item]
    assert week.item_rect(item.id) == before


def test_replace_and_remove_lay_out_only_what_changed(week):
    a = make(at(day(1), 9, 0), 60, customer="A")
    b = make(at(day(1), 9, 30), 60, customer="B")
    week.set_items([a])
    wide = week.item_rect(a.id)
    week.replace_item(b)  # not shown yet: added
    assert week.item_rect(a.id).width() < wide.width()  # now they share the column
    week.remove_item(b.id)
    assert week.item_rect(a.id) == wide
    assert week.items() == [a]


def test_without_a_time_zone_the_computer_zone_is_used(qtbot):
    grid = show(qtbot, TimeGrid(now=lambda: NOW))
    local_now = NOW.astimezone()
    grid.set_range(local_now.date(), 1)
    start = NOW.replace(minute=0)
    with qtbot.waitSignal(grid.slot_activated, timeout=1000) as slot:
        qtbot.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton,
                          pos=grid.point_for(start) + QPoint(0, 5))
    assert slot.args == [start]
    assert grid.now_y() == grid.point_for(NOW).y()


def test_dragging_the_bottom_edge_changes_the_duration_in_quarter_hours(qtbot, week):
    item = make(at(day(1), 9, 0), 60)
    week.set_items([item])
    r = week.item_rect(item.id)
    start = QPoint(r.center().x(), r.bottom() - 2)
    to = QPoint(r.center().x(), week.point_for(at(day(1), 10, 35)).y())
    with qtbot.waitSignal(week.item_moved, timeout=1000) as moved:
        drag(qtbot, week.viewport(), start, to)
    assert moved.args == [str(item.id), item.start, 90]  # 95 minutes: 90 in 15-minute steps
    assert week.items()[0].duration_minutes == 90


def test_resizing_never_goes_below_fifteen_minutes(qtbot, week):
    item = make(at(day(1), 13, 0), 60)
    week.set_items([item])
    r = week.item_rect(item.id)
    start = QPoint(r.center().x(), r.bottom() - 2)
    with qtbot.waitSignal(week.item_moved, timeout=1000) as moved:
        drag(qtbot, week.viewport(), start, QPoint(start.x(), r.top() - 30))
    assert moved.args[2] == 15


def test_escape_cancels_a_drag(qtbot, week):
    item = make(at(day(2), 9, 30), 60)
    week.set_items([item])
    before = week.item_rect(item.id)
    to = week.point_for(at(day(5), 16, 0))
    with qtbot.assertNotEmitted(week.item_moved):
        drag(qtbot, week.viewport(), before.center(), to, release=False)
        qtbot.keyClick(week, Qt.Key.Key_Escape)
        qtbot.mouseRelease(week.viewport(), Qt.MouseButton.LeftButton, pos=to)
    assert week.items() == [item]
    assert week.item_rect(item.id) == before


def test_dragging_near_the_bottom_scrolls_and_the_cursor_shows_the_action(qtbot, week):
    item = make(at(day(2), 3, 0), 60)
    week.set_items([item])
    week.scroll_to_hour(0)
    r = week.item_rect(item.id)
    vp = week.viewport()
    QTest.mouseMove(vp, QPoint(r.center().x(), r.bottom() - 2))
    assert vp.cursor().shape() == Qt.CursorShape.SizeVerCursor
    QTest.mouseMove(vp, r.center())
    assert vp.cursor().shape() == Qt.CursorShape.OpenHandCursor
    before = week.verticalScrollBar().value()
    drag(qtbot, vp, r.center(), QPoint(r.center().x(), vp.height() - 5), release=False)
    assert vp.cursor().shape() == Qt.CursorShape.ClosedHandCursor
    qtbot.waitUntil(lambda: week.verticalScrollBar().value() > before + HOUR_HEIGHT,
                    timeout=2000)
    qtbot.keyClick(week, Qt.Key.Key_Escape)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=QPoint(r.center().x(), 100))
    assert week.items() == [item]


def test_the_grid_opens_at_the_hour_asked_before_it_is_shown(qtbot):
    grid = TimeGrid(tz=TZ, now=lambda: NOW)
    grid.scroll_to_hour(6)
    show(qtbot, grid)
    assert grid.verticalScrollBar().value() == 6 * HOUR_HEIGHT


def test_a_click_without_moving_only_chooses_the_item(qtbot, week):
    item = make(at(day(2), 9, 30), 60)
    week.set_items([item])
    with qtbot.assertNotEmitted(week.item_moved):
        with qtbot.waitSignal(week.current_changed, timeout=1000) as chosen:
            qtbot.mouseClick(week.viewport(), Qt.MouseButton.LeftButton,
                             pos=week.item_rect(item.id).center())
    assert chosen.args == [str(item.id)]
    assert week.current() == str(item.id)
    with qtbot.waitSignal(week.item_activated, timeout=1000) as activated:
        qtbot.keyClick(week, Qt.Key.Key_Return)
    assert activated.args == [str(item.id)]


def test_double_click_on_an_empty_slot_proposes_its_half_hour(qtbot, week):
    week.set_items([make(at(day(0), 9, 0))])
    pos = week.point_for(at(day(4), 15, 40))
    with qtbot.waitSignal(week.slot_activated, timeout=1000) as slot:
        qtbot.mouseDClick(week.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert slot.args == [at(day(4), 15, 30)]


def test_double_click_on_an_item_opens_it(qtbot, week):
    item = make(at(day(4), 11, 0), 45)
    week.set_items([item])
    with qtbot.assertNotEmitted(week.slot_activated):
        with qtbot.waitSignal(week.item_activated, timeout=1000) as activated:
            qtbot.mouseDClick(week.viewport(), Qt.MouseButton.LeftButton,
                              pos=week.item_rect(item.id).center())
    assert activated.args == [str(item.id)]


def test_overlapping_items_sit_side_by_side(week):
    a = make(at(day(2), 9, 0), 60, customer="A")
    b = make(at(day(2), 9, 30), 60, customer="B")
    c = make(at(day(2), 10, 0), 60, customer="C")
    tiny = make(at(day(2), 11, 0), 5, customer="D")  # drawn taller than it lasts
    next_one = make(at(day(2), 11, 10), 30, customer="E")
    alone = make(at(day(2), 14, 0), 60, customer="F")
    week.set_items([a, b, c, tiny, next_one, alone])
    rects = {it.customer_name: week.item_rect(it.id) for it in week.items()}
    names = sorted(rects)
    for i, x in enumerate(names):
        for y in names[i + 1:]:
            assert not rects[x].intersects(rects[y]), (x, y)
    assert rects["A"].left() < rects["B"].left()
    assert rects["C"].left() == rects["A"].left()  # A's lane is free again at 10:00
    assert rects["D"].left() != rects["E"].left()  # D's minimum height reaches past 11:10
    assert rects["F"].width() > 1.8 * rects["A"].width()


def test_a_dense_week_lays_out_without_overlaps(qtbot):
    grid = TimeGrid(tz=TZ, now=lambda: NOW)
    qtbot.addWidget(grid)
    grid.resize(1100, 800)
    grid.set_range(MONDAY, 7)
    items = [make(at(day(k % 7), 8 + k % 11, (k * 7) % 60), 15 + (k * 13) % 90,
                  type=list(TYPE_COLOURS)[k % 6], customer=f"客户{k}")
             for k in range(1500)]
    grid.set_items(items)  # not shown: nothing is painted, only laid out
    by_day: dict[int, list] = {}
    for it in items:
        by_day.setdefault((it.start.astimezone(TZ).date() - MONDAY).days, []).append(
            grid._placed[str(it.id)])
    for placed in by_day.values():
        placed.sort(key=lambda p: p.top)
        for i, p in enumerate(placed):
            for q in placed[i + 1:]:
                if q.top >= p.bottom:
                    break
                assert p.lane != q.lane  # overlapping in time: different lanes
                assert p.lanes == q.lanes  # of one cluster


def test_the_current_time_line_follows_the_injected_clock(qtbot):
    clock = [NOW]
    grid = show(qtbot, TimeGrid(tz=TZ, now=lambda: clock[0]))
    grid.set_range(MONDAY, 7)
    assert grid.now_y() == grid.point_for(NOW).y()
    image = grid.viewport().grab().toImage()
    x = grid.column_rect(3).center().x()
    assert image.pixelColor(x, grid.now_y()).red() > 200
    assert image.pixelColor(x, grid.now_y()).green() < 120
    clock[0] = NOW + dt.timedelta(minutes=90)
    assert grid.now_y() == grid.point_for(clock[0]).y()
    grid.set_range(MONDAY + dt.timedelta(days=7), 7)
    assert grid.now_y() is None


def test_day_view_shows_one_day(qtbot):
    grid = show(qtbot, TimeGrid(tz=TZ, now=lambda: NOW))
    grid.set_range(day(3), 1)
    inside, outside = make(at(day(3), 9, 0)), make(at(day(4), 9, 0))
    grid.set_items([inside, outside])
    assert grid.days() == 1 and grid.first_day() == day(3)
    r = grid.item_rect(inside.id)
    assert r.width() > 800  # the whole width
    assert grid.item_rect(outside.id).isEmpty()
    with pytest.raises(ValueError):
        grid.set_range(day(3), 3)


def test_item_tooltip_and_holiday_header(week):
    item = make(at(day(0), 10, 0), 60, recurring=True, overdue=True)
    week.set_items([item])
    week.set_marks({day(5): DayMark(day(5), "holiday", "感恩节调休"),
                    day(6): DayMark(day(6), "workday", estimate=True)})
    tip = week.tooltip_at(week.item_rect(item.id).center())
    for part in ("Call", "10:00–11:00", "上海华信科技有限公司", "王磊", "回访报价", "Overdue",
                 "Recurring"):
        assert part in tip
    assert "感恩节调休" in week.tooltip_at(week.header_rect(5).center())
    assert "estimated" in week.tooltip_at(week.header_rect(6).center())
    assert week.tooltip_at(week.header_rect(2).center()) == ""
    image = week.viewport().grab().toImage()
    header = week.header_rect(5)
    tint = image.pixelColor(header.left() + 3, header.bottom() - 3)
    assert tint.red() > tint.green() + 10  # light red


# -- the month view -----------------------------------------------------------------------------


def test_month_starts_on_the_monday_before_the_first(month):
    assert month.first_day() == dt.date(2026, 9, 28)
    assert month.last_day() == dt.date(2026, 11, 8)
    first = month.day_rect(dt.date(2026, 9, 28))
    assert first.left() == 0 and first.top() > 0
    assert month.day_rect(dt.date(2026, 10, 5)).top() > first.bottom()
    assert month.day_rect(dt.date(2026, 11, 9)).isEmpty()
    month.set_month(2026, 6)  # 1 June 2026 is a Monday
    assert month.first_day() == dt.date(2026, 6, 1)


def test_month_items_land_in_their_local_day(month):
    morning = make(at(dt.date(2026, 10, 15), 9, 30))
    # 23:30 UTC on the 14th is 07:30 on the 15th in Shanghai
    early = make(dt.datetime(2026, 10, 14, 23, 30, tzinfo=UTC), customer="杭州云帆贸易")
    month.set_items([morning, early])
    cell = month.day_rect(dt.date(2026, 10, 15))
    for it in (morning, early):
        assert cell.contains(month.item_rect(it.id))
    # sorted by time: the 07:30 line first
    assert month.item_rect(early.id).top() < month.item_rect(morning.id).top()


def test_a_full_cell_says_how_many_more_and_the_link_works(qtbot, month):
    busy = dt.date(2026, 10, 20)
    items = [make(at(busy, 8 + k, 0), customer=f"客户{k}") for k in range(12)]
    month.set_items(items)
    hidden = month.hidden_count(busy)
    shown = [it for it in items if not month.item_rect(it.id).isEmpty()]
    assert hidden > 0 and len(shown) + hidden == 12
    more = month.more_rect(busy)
    assert month.day_rect(busy).contains(more)
    assert "客户11" in month.tooltip_at(more.center())
    with qtbot.waitSignal(month.more_clicked, timeout=1000) as clicked:
        qtbot.mouseClick(month, Qt.MouseButton.LeftButton, pos=more.center())
    assert clicked.args == [busy]
    assert month.more_rect(dt.date(2026, 10, 21)).isEmpty()


def test_dragging_a_month_line_to_another_day_keeps_its_time_of_day(qtbot, month):
    item = make(at(dt.date(2026, 10, 8), 9, 30), 45)
    month.set_items([item])
    start = month.item_rect(item.id).center()
    to = month.day_rect(dt.date(2026, 10, 22)).center()
    with qtbot.waitSignal(month.item_moved, timeout=1000) as moved:
        drag(qtbot, month, start, to)
    assert moved.args == [str(item.id), at(dt.date(2026, 10, 22), 9, 30), 45]
    assert month.day_rect(dt.date(2026, 10, 22)).contains(month.item_rect(item.id))
    month.restore_item(item)
    assert month.day_rect(dt.date(2026, 10, 8)).contains(month.item_rect(item.id))


def test_a_month_drag_cancelled_or_dropped_on_its_own_day_emits_nothing(qtbot, month):
    item = make(at(dt.date(2026, 10, 8), 9, 30), 45)
    month.set_items([item])
    start = month.item_rect(item.id).center()
    with qtbot.assertNotEmitted(month.item_moved):
        drag(qtbot, month, start, month.day_rect(dt.date(2026, 10, 8)).bottomRight()
             - QPoint(8, 8))
        drag(qtbot, month, start, month.day_rect(dt.date(2026, 10, 9)).center(),
             release=False)
        qtbot.keyClick(month, Qt.Key.Key_Escape)
        qtbot.mouseRelease(month, Qt.MouseButton.LeftButton,
                           pos=month.day_rect(dt.date(2026, 10, 9)).center())
    assert month.items() == [item]


def test_month_clicks_on_days_and_items(qtbot, month):
    item = make(at(dt.date(2026, 10, 13), 14, 0))
    month.set_items([item])
    empty = month.day_rect(dt.date(2026, 10, 16)).bottomLeft() + QPoint(10, -6)
    with qtbot.waitSignal(month.day_clicked, timeout=1000) as clicked:
        qtbot.mouseClick(month, Qt.MouseButton.LeftButton, pos=empty)
    assert clicked.args == [dt.date(2026, 10, 16)]
    with qtbot.waitSignal(month.day_activated, timeout=1000) as activated:
        qtbot.mouseDClick(month, Qt.MouseButton.LeftButton, pos=empty)
    assert activated.args == [dt.date(2026, 10, 16)]
    with qtbot.assertNotEmitted(month.day_activated):
        with qtbot.waitSignal(month.item_activated, timeout=1000) as opened:
            qtbot.mouseDClick(month, Qt.MouseButton.LeftButton,
                              pos=month.item_rect(item.id).center())
    assert opened.args == [str(item.id)]
    assert month.current() == str(item.id)


def test_month_holidays_show(month):
    marks = {dt.date(2026, 10, d): DayMark(dt.date(2026, 10, d), "holiday", "国庆节")
             for d in range(1, 8)}
    marks[dt.date(2026, 10, 10)] = DayMark(dt.date(2026, 10, 10), "workday")
    marks[dt.date(2026, 11, 1)] = DayMark(dt.date(2026, 11, 1), "holiday", "估计的假日",
                                          estimate=True)
    month.set_marks(marks)
    top = QPoint(30, 8)
    assert "国庆节" in month.tooltip_at(month.day_rect(dt.date(2026, 10, 1)).topLeft() + top)
    assert "Work" in month.tooltip_at(month.day_rect(dt.date(2026, 10, 10)).topLeft() + top)
    estimate = month.tooltip_at(month.day_rect(dt.date(2026, 11, 1)).topLeft() + top)
    assert "估计的假日" in estimate and "Not yet announced: estimated" in estimate
    assert month.tooltip_at(month.day_rect(dt.date(2026, 10, 12)).topLeft() + top) == ""
    image = month.grab().toImage()
    cell = month.day_rect(dt.date(2026, 10, 2))
    tint = image.pixelColor(cell.right() - 6, cell.bottom() - 6)
    assert tint.red() > tint.green() + 10  # light red
    plain = image.pixelColor(month.day_rect(dt.date(2026, 10, 14)).bottomRight()
                             - QPoint(6, 6))
    assert plain.red() == plain.green()


def test_month_cells_share_the_widget_size(month):
    month.resize(700, 500)
    cells = [month.day_rect(month.first_day() + dt.timedelta(days=i)) for i in range(42)]
    assert {c.width() for c in cells} <= {99, 100, 101}
    assert cells[-1].right() == 699 and cells[-1].bottom() == 499


# -- pictures -----------------------------------------------------------------------------------


def sample_week() -> list[CalendarItem]:
    return [
        make(at(day(0), 9, 30), 60, "call", "上海华信科技有限公司", "回访报价"),
        make(at(day(0), 10, 0), 30, "wechat", "杭州云帆贸易", "确认发货时间", done=True),
        make(at(day(0), 14, 0), 90, "meeting", "北京中科创达", "方案评审会"),
        make(at(day(1), 8, 0), 45, "visit", "苏州工业园区管委会", "上门拜访", overdue=True),
        make(at(day(1), 9, 0), 120, "task", "", "整理季度销售报表", recurring=True),
        make(at(day(1), 9, 30), 30, "email", "深圳前海微众", "发送合同草稿"),
        make(at(day(1), 10, 0), 60, "call", "成都天府软件园", "跟进付款"),
        make(at(day(2), 11, 0), 15, "call", "广州白云机场", "简短确认"),
        make(at(day(2), 11, 15), 15, "email", "南京紫金山实验室", "会议纪要"),
        make(at(day(3), 13, 0), 60, "visit", "上海华信科技有限公司", "现场演示", overdue=True),
        make(at(day(3), 16, 0), 60, "meeting", "武汉光谷生物城", "季度复盘", recurring=True),
        make(at(day(4), 9, 0), 240, "task", "", "投标文件准备"),
        make(at(day(4), 10, 0), 60, "call", "西安交大科技园", "报价澄清"),
        make(at(day(5), 10, 0), 60, "wechat", "厦门鼓浪屿文旅", "周末活动确认"),
        make(at(day(6), 23, 0), 120, "call", "海外客户 Acme Ltd.", "跨午夜电话"),
    ]


def test_pictures_with_chinese_data(qtbot):
    """Grabs for a person to look at: /tmp/cal_week.png, /tmp/cal_day.png, /tmp/cal_month.png."""
    marks = {day(5): DayMark(day(5), "holiday", "调休"),
             day(6): DayMark(day(6), "workday", estimate=True)}
    items = sample_week()
    grid = TimeGrid(tz=TZ, now=lambda: NOW)
    grid.setLocale(ZH)
    show(qtbot, grid)
    grid.set_range(MONDAY, 7)
    grid.set_items(items)
    grid.set_marks(marks)
    grid.set_current(items[2].id)
    assert grid.grab().save("/tmp/cal_week.png")
    grid.set_range(day(1), 1)
    assert grid.grab().save("/tmp/cal_day.png")
    grid.close()

    cal = MonthGrid(tz=TZ, now=lambda: NOW)
    cal.setLocale(ZH)
    show(qtbot, cal)
    cal.set_month(2026, 11)
    busy = [make(at(dt.date(2026, 11, 12), 8 + k, 0), 30, list(TYPE_COLOURS)[k % 6],
                 f"客户{k}号有限公司", "回访报价", done=k == 1) for k in range(9)]
    cal.set_items(items + busy)
    cal.set_marks({**marks, dt.date(2026, 11, 1): DayMark(dt.date(2026, 11, 1), "workday")})
    cal.set_current(items[0].id)
    assert cal.grab().save("/tmp/cal_month.png")
