"""The calendar's painted views: ``TimeGrid`` (a week or a day, hour by hour) and ``MonthGrid``
(six weeks of day cells).

Like the kanban board, each is one widget that paints everything itself and only what is in
view: a busy manager's week holds thousands of follow-ups, which would be thousands of widgets
otherwise. Where each item goes is computed once when the items are set (grouped by local day,
overlapping items packed side by side), never while painting. Dragging is the widget's own
mouse handling (press, move past the drag distance, release), not ``QDrag``, so a test drags
with ``qtbot`` like a user; a move is shown at once and reported through ``item_moved`` for the
section to save (``restore_item`` puts the old item back when saving fails).

Times: ``CalendarItem.start`` is UTC; the views show it in the user's time zone (``tz``, None
for the computer's own zone) and report new times in UTC. Weeks start on the user's chosen
day (``FIRST_WEEKDAY``, Monday unless changed in Settings).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import heapq
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QLine, QLocale, QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen,
)
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QToolTip, QWidget

from desktop_crm.services.calendar_items import CalendarItem, DayMark

from . import labels

# One colour per activity type (legend, type filter, the items' bars and dots).
TYPE_COLOURS = {
    "call": "#2563eb",     # blue
    "visit": "#d97706",    # amber: out of the office
    "meeting": "#9333ea",  # purple
    "email": "#0891b2",    # cyan
    "task": "#64748b",     # slate
    "wechat": "#07c160",   # WeChat's own green
}
OTHER_TYPE = "#6b7280"  # a type this version does not know

DAY_MINUTES = 24 * 60
# The first day of the week (Python weekday: 0 Monday ... 6 Sunday), from the user's settings
# (Settings -> General -> Weeks start on); the Calendar section sets it when it is built.
FIRST_WEEKDAY = 0


def set_first_weekday(name: str) -> None:
    global FIRST_WEEKDAY
    FIRST_WEEKDAY = {"monday": 0, "saturday": 5, "sunday": 6}.get(name, 0)


def week_start(day: dt.date) -> dt.date:
    """The first day of the week ``day`` is in."""
    return day - dt.timedelta(days=(day.weekday() - FIRST_WEEKDAY) % 7)


HOUR_HEIGHT = 48  # pixels per hour in the week and day views
HEADER_HEIGHT = 50  # the day names above the time grid
GUTTER_WIDTH = 56  # the hour labels left of it
MIN_ITEM_HEIGHT = 18  # pixels, however short the activity
SNAP_MINUTES = 15  # moves and resizes go in these steps
SLOT_MINUTES = 30  # a double click on an empty slot starts on these steps
RESIZE_ZONE = 6  # pixels above an item's bottom edge that resize it
COLUMN_PAD = 8  # free pixels right of the items in a day column (room to click the slot)
AUTOSCROLL_ZONE = 28
AUTOSCROLL_STEP = HOUR_HEIGHT // 4
WORK_START, WORK_END = 9 * 60, 18 * 60  # the lighter working hours

MONTH_HEADER_HEIGHT = 28
CELL_TOP = 24  # the day number row of a month cell
MONTH_CELLS = 42

RED = "#dc2626"
BLUE = "#2563eb"
TEXT = "#1f2937"
MUTED = "#6b7280"
GRID_LINE = "#e5e7eb"
DONE_TEXT = "#9ca3af"

# Colours, pens and brushes made once: painting passes these very objects, so _Painter can tell
# when the painter already has them.
_RED, _INK, _DONE_INK, _DONE_FILL = QColor(RED), QColor(TEXT), QColor(DONE_TEXT), QColor("#f1f3f5")
_WHITE, _BLUE, _MUTED, _SLATE = QColor("white"), QColor(BLUE), QColor(MUTED), QColor("#475569")
_TIME_INK, _DIM, _WEEKEND_INK = QColor("#4b5563"), QColor("#b0b6bf"), QColor("#9a3412")
_NOW = QColor("#ef4444")
_GRID, _SEPARATOR, _HEADER_LINE = QColor(GRID_LINE), QColor("#d9dde3"), QColor("#cfd4da")
# the week's backgrounds: (off hours, working hours) of a working day, a weekend, a holiday
_OFF_HOURS = QColor("#f6f7f9")
_WEEKEND_OFF, _WEEKEND_ON = QColor("#eef0f3"), QColor("#f6f7f9")
_HOLIDAY_OFF, _HOLIDAY_ON, _HOLIDAY_HEADER = QColor("#fcecec"), QColor("#fff6f6"), QColor("#fde8e8")
# the month's cells
_HOLIDAY_CELL, _HOLIDAY_CELL_OUT = QColor("#fdeeee"), QColor("#fcf4f4")
_OUTSIDE_CELL, _WEEKEND_CELL, _DROP_TARGET = QColor("#f7f8fa"), QColor("#fafbfc"), QColor("#dbeafe")
_OVERDUE_PEN = QPen(_RED, 1.5)
_NOW_PEN = QPen(_NOW, 2)
_GRID_PEN = QPen(_GRID, 1)
_HALF_HOUR_PEN = QPen(QColor("#eef0f3"), 1, Qt.PenStyle.DotLine)
_NO_PEN = Qt.PenStyle.NoPen
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_NO_BRUSH = Qt.BrushStyle.NoBrush


class _Painter(QPainter):
    """A QPainter that does not set again the pen, brush, font or opacity it already has (the
    very same object), and that queues text (``text``) to draw it grouped by font and colour
    (``flush_text``): a busy week paints thousands of items, and every call into Qt costs."""

    def __init__(self, device):
        super().__init__(device)
        self._pen = self._brush = self._font = None
        self._opacity = 1.0
        self._queued: dict[tuple, tuple] = {}

    def text(self, rect: QRect, flags, text: str, font: QFont, colour: QColor) -> None:
        """Queue ``text`` (at the opacity set now) for the next ``flush_text``."""
        key = (id(font), id(colour), self._opacity)
        group = self._queued.get(key)
        if group is None:
            group = self._queued[key] = (font, colour, self._opacity, [])
        group[3].append((rect, flags, text))

    def flush_text(self) -> None:
        """Draw the queued text over what is painted so far."""
        opacity = self._opacity
        for font, colour, alpha, pieces in self._queued.values():
            self.setFont(font)
            self.setPen(colour)
            self.setOpacity(alpha)
            for rect, flags, text in pieces:
                self.drawText(rect, flags, text)
        self._queued.clear()
        self.setOpacity(opacity)

    def setPen(self, pen) -> None:
        if pen is not self._pen:
            super().setPen(pen)
            self._pen = pen

    def setBrush(self, brush) -> None:
        if brush is not self._brush:
            super().setBrush(brush)
            self._brush = brush

    def setFont(self, font) -> None:
        if font is not self._font:
            super().setFont(font)
            self._font = font

    def setOpacity(self, opacity: float) -> None:
        if opacity != self._opacity:
            super().setOpacity(opacity)
            self._opacity = opacity

    def restore(self) -> None:
        super().restore()
        self._pen = self._brush = self._font = None
        self._opacity = self.opacity()


def _tint(colour: QColor, strength: float) -> QColor:
    """``colour`` mixed into white: 0 is white, 1 the colour itself."""
    return QColor(round(255 + (colour.red() - 255) * strength),
                  round(255 + (colour.green() - 255) * strength),
                  round(255 + (colour.blue() - 255) * strength))


def type_colour(code: str) -> QColor:
    """The colour of an activity type (grey for one this version does not know)."""
    return QColor(TYPE_COLOURS.get(code, OTHER_TYPE))


@dataclass(frozen=True, slots=True)
class _Shades:
    """The colours an item of one type is painted with, made once (not per paint)."""

    base: QColor
    fill: QColor  # the item's body
    strong: QColor  # its body when chosen or dragged, a month line's highlight
    ink: QColor  # its start time
    border: QPen  # chosen or dragged
    done_bar: QColor


_SHADES: dict[str, _Shades] = {}


def _shades(code: str) -> _Shades:
    shades = _SHADES.get(code)
    if shades is None:
        base = type_colour(code)
        shades = _SHADES[code] = _Shades(base, _tint(base, 0.15), _tint(base, 0.26),
                                         base.darker(150), QPen(base.darker(120), 2),
                                         _tint(base, 0.45))
    return shades


def _hm(t: dt.datetime | dt.time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def _key(item_id) -> str:
    return str(item_id)


class _Clock:
    """The time zone and clock both views share: ``tz`` None is the computer's own zone."""

    def __init__(self, tz: dt.tzinfo | None, now: Callable[[], dt.datetime] | None):
        self.tz = tz
        self.now = now or (lambda: dt.datetime.now(dt.timezone.utc))

    def local(self, when: dt.datetime) -> dt.datetime:
        return when.astimezone(self.tz) if self.tz is not None else when.astimezone()

    def utc(self, local_naive: dt.datetime) -> dt.datetime:
        """A wall-clock time in the zone (naive) as an aware UTC datetime."""
        if self.tz is not None:
            local_naive = local_naive.replace(tzinfo=self.tz)
        return local_naive.astimezone(dt.timezone.utc)

    def today(self) -> dt.date:
        return self.local(self.now()).date()


def _line_pieces(x: int, y: int, width: int, height: int, runs) -> list[tuple]:
    """Pieces of text (text, font, metrics, colour) laid out left to right on one line, from
    (x, y) relative to what they are drawn in: the piece that does not fit is elided and the
    rest dropped. Returns (x, y, w, h, flags, text, font, colour) tuples for ``_queue``."""
    out = []
    right = x + width
    for text, font, fm, colour in runs:
        if not text:
            continue
        avail = right - x
        if avail < fm.averageCharWidth() * 2:
            break
        w = fm.horizontalAdvance(text)
        fits = w <= avail
        if not fits:
            text = fm.elidedText(text, Qt.TextElideMode.ElideRight, avail)
            w = avail
        out.append((x, y, w + 2, height, _LEFT, text, font, colour))
        if not fits:
            break
        x += w + fm.horizontalAdvance(" ")
    return out


def _queue(p: _Painter, origin: QPoint, pieces: list[tuple]) -> None:
    """Queue text pieces (from ``_line_pieces``) placed relative to ``origin``."""
    ox, oy = origin.x(), origin.y()
    for x, y, w, h, flags, text, font, colour in pieces:
        p.text(QRect(ox + x, oy + y, w, h), flags, text, font, colour)


def _set_fonts(w: QWidget) -> None:
    """The fonts (and their metrics) a calendar view paints with, from the widget's font."""
    base = w.font()
    w._font = QFont(base)
    w._bold = QFont(base)
    w._bold.setBold(True)
    w._small = QFont(base)
    w._small.setPointSizeF(max(base.pointSizeF() - 1, 7))
    w._small_bold = QFont(w._small)
    w._small_bold.setBold(True)
    w._small_struck = QFont(w._small)
    w._small_struck.setStrikeOut(True)
    w._small_bold_struck = QFont(w._small_bold)
    w._small_bold_struck.setStrikeOut(True)
    w._tiny = QFont(base)
    w._tiny.setPointSizeF(max(base.pointSizeF() - 2, 6.5))
    w._fm = QFontMetrics(w._font)
    w._fm_bold = QFontMetrics(w._bold)
    w._fm_small = QFontMetrics(w._small)
    w._fm_small_bold = QFontMetrics(w._small_bold)
    w._fm_tiny = QFontMetrics(w._tiny)


def _item_tooltip(item: CalendarItem, clock: _Clock, texts: dict[str, str]) -> str:
    """The item's tooltip: type, time, customer, owner, subject and state. ``texts`` holds the
    view's translated words (each view translates its own, so lupdate sees them)."""
    start, end = clock.local(item.start), clock.local(item.end)
    when = f"{start:%Y-%m-%d} {_hm(start)}–"
    when += _hm(end) if end.date() == start.date() else f"{end:%Y-%m-%d} {_hm(end)}"
    lines = [f"{labels.label(labels.ACTIVITY_TYPES, item.type)} · {when}"]
    if item.customer_name:
        lines.append(item.customer_name)
    lines.append(texts["owner"].replace("%1", item.owner_name or texts["unassigned"]))
    if item.subject:
        lines.append(item.subject)
    state = [texts[k] for k in ("done", "overdue", "recurring") if getattr(item, k)]
    if state:
        lines.append(" · ".join(state))
    return "\n".join(lines)


def _mark_tooltip(mark: DayMark, texts: dict[str, str]) -> str:
    kind = texts["off"] if mark.is_holiday else texts["work"]
    text = f"{mark.name} ({kind})" if mark.name else kind
    if mark.estimate:
        text += "\n" + texts["estimate"]
    return text


def _badge(p: _Painter, rect: QRect, text: str, bg: QColor, font: QFont) -> None:
    p.setPen(_NO_PEN)
    p.setBrush(bg)
    p.drawRoundedRect(QRectF(rect), 3, 3)
    p.text(rect, _CENTER, text, font, _WHITE)


def _badge_width(fm: QFontMetrics, text: str) -> int:
    return fm.horizontalAdvance(text) + 8


# -- the week and day views ---------------------------------------------------------------------


@dataclass(slots=True)
class _Placed:
    """Where an item sits in a TimeGrid: its day column, its local minutes from midnight
    (``bottom`` is at least the minimum height, clipped at midnight) and its lane among
    ``lanes`` side-by-side lanes of its overlap cluster."""

    item: CalendarItem
    key: str
    day: int
    top: float
    bottom: float
    start_label: str
    lane: int = 0
    lanes: int = 1


@dataclass(slots=True)
class _Drag:
    placed: _Placed  # the item where it was before the drag
    mode: str  # "move" or "resize"
    grab: float  # minutes between the item's top and the pointer when pressed
    day: int
    start: float  # local minutes from midnight of ``day``
    duration: int


def _pack(day: list[_Placed]) -> None:
    """Lanes for one day's items sorted by (top, -bottom): greedy, each item in the lowest
    free lane; a cluster of overlapping items shares its lane count. O(n log n)."""
    busy: list[tuple[float, int]] = []  # (bottom, lane) of the items still running
    free: list[int] = []
    cluster: list[_Placed] = []
    lanes = 0
    for pl in day:
        while busy and busy[0][0] <= pl.top:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if not busy and cluster:
            for q in cluster:
                q.lanes = lanes
            cluster, free, lanes = [], [], 0
        if free:
            pl.lane = heapq.heappop(free)
        else:
            pl.lane = lanes
            lanes += 1
        heapq.heappush(busy, (pl.bottom, pl.lane))
        cluster.append(pl)
    for q in cluster:
        q.lanes = lanes


class _ItemView:
    """What both grids do alike: the tooltip of what is under the mouse, Escape cancels a
    drag, Enter opens the current item. The grid has ``tooltip_at``, ``_drag``, ``_press``,
    ``_cancel_drag``, ``_current``, ``_items`` and the ``item_activated`` signal."""

    @property
    def dragging(self) -> bool:
        """A mouse button is down on an item (a drag may follow): a reload now would cancel
        it."""
        return self._drag is not None or self._press is not None

    def _tooltip(self, event, anchor: QWidget) -> bool:
        if event.type() != QEvent.Type.ToolTip:
            return False
        text = self.tooltip_at(event.pos())
        if text:
            QToolTip.showText(event.globalPos(), text, anchor)
        else:
            QToolTip.hideText()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape and (self._drag is not None or self._press is not None):
            self._cancel_drag()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._current in self._items:
            self.item_activated.emit(self._current)
            return
        super().keyPressEvent(event)


class TimeGrid(_ItemView, QAbstractScrollArea):
    """The week view (7 days) and the day view (1 day): a column per day, 24 hours down.

    Signals:
        current_changed(str): the chosen item's id ("" when none)
        item_activated(str): double click or Enter on an item
        item_moved(str, object, int): an item dragged to a new time or resized: id, new start
            (aware UTC datetime), duration in minutes; the grid already shows the new time
            (``restore_item`` puts the old one back if saving fails)
        slot_activated(object): double click on an empty slot: its start (aware UTC datetime,
            rounded down to 30 minutes)
    """

    current_changed = Signal(str)
    item_activated = Signal(str)
    item_moved = Signal(str, object, int)
    slot_activated = Signal(object)

    def __init__(self, parent=None, *, tz: dt.tzinfo | None = None,
                 now: Callable[[], dt.datetime] | None = None):
        super().__init__(parent)
        self.setObjectName("calendarTimeGrid")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.viewport().setMouseTracking(True)
        self._clock = _Clock(tz, now)
        today = self._clock.today()
        self._first = week_start(today)
        self._days = 7
        self._items: dict[str, CalendarItem] = {}
        self._placed: dict[str, _Placed] = {}
        self._by_day: list[list[_Placed]] = [[] for _ in range(self._days)]
        self._tops: list[list[float]] = [[] for _ in range(self._days)]
        self._reach: list[list[float]] = [[] for _ in range(self._days)]  # running max bottom
        self._marks: dict[dt.date, DayMark] = {}
        self._current = ""
        self._press: tuple[QPoint, _Placed, str, float] | None = None
        self._drag: _Drag | None = None
        self._drag_pos = QPoint()
        self._scrolled = False  # shown once: scrolled to the first hour
        self._first_hour = 8.0
        self._xs: list[int] = []  # the day columns' left edges (and the right edge)
        self._xs_for: tuple[int, int] | None = None  # (viewport width, days) they are for
        self._autoscroll = QTimer(self)
        self._autoscroll.setInterval(30)
        self._autoscroll.timeout.connect(self._autoscroll_step)
        self._minute_timer = QTimer(self)
        self._minute_timer.setInterval(60_000)
        self._minute_timer.timeout.connect(self.viewport().update)
        self._minute_timer.start()
        self._fonts()
        self._update_scrollbar()

    def _fonts(self) -> None:
        _set_fonts(self)
        self._text_cache: dict[str, tuple] = {}  # item id -> (size, its text laid out)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fonts()
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.LocaleChange):
            self.viewport().update()
        super().changeEvent(event)

    def _texts(self) -> dict[str, str]:
        return {"owner": self.tr("Owner: %1"), "unassigned": self.tr("Unassigned"),
                "done": self.tr("Done"), "overdue": self.tr("Overdue"),
                "recurring": self.tr("Recurring"), "off": self.tr("Off"),
                "work": self.tr("Work"), "estimate": self.tr("Not yet announced: estimated")}

    # -- data -----------------------------------------------------------------------------------

    def set_range(self, first_day: dt.date, days: int) -> None:
        """Show ``days`` days (1 or 7) from ``first_day``."""
        if days not in (1, 7):
            raise ValueError(f"a time grid shows 1 or 7 days, not {days}")
        self._first, self._days = first_day, days
        self._cancel_drag()
        self._relayout()

    def first_day(self) -> dt.date:
        return self._first

    def days(self) -> int:
        return self._days

    def set_items(self, items: list[CalendarItem]) -> None:
        """Show these items (those starting on a shown day); the chosen item stays chosen
        while it is among them."""
        self._cancel_drag()
        self._items = {_key(it.id): it for it in items}
        self._relayout()
        if self._current and self._current not in self._items:
            self._set_current("")

    def items(self) -> list[CalendarItem]:
        return list(self._items.values())

    def item(self, item_id) -> CalendarItem | None:
        return self._items.get(_key(item_id))

    def set_marks(self, marks: dict[dt.date, DayMark]) -> None:
        """Holidays and adjusted working days (by local date)."""
        self._marks = dict(marks)
        self.viewport().update()

    def replace_item(self, item: CalendarItem) -> None:
        """Show ``item`` in place of the item with its id (added if not shown yet); only the
        days concerned are laid out again."""
        key = _key(item.id)
        old = self._placed.pop(key, None)
        self._text_cache.pop(key, None)
        self._items[key] = item
        days = {old.day} if old is not None else set()
        if old is not None:
            self._by_day[old.day].remove(old)
        placed = self._place(item)
        if placed is not None:
            self._placed[key] = placed
            self._by_day[placed.day].append(placed)
            days.add(placed.day)
        for d in days:
            self._layout_day(d)
        self.viewport().update()

    def restore_item(self, item: CalendarItem) -> None:
        """Put back ``item`` as it was (a move that could not be saved)."""
        self.replace_item(item)

    def remove_item(self, item_id) -> None:
        key = _key(item_id)
        self._items.pop(key, None)
        self._text_cache.pop(key, None)
        old = self._placed.pop(key, None)
        if old is not None:
            self._by_day[old.day].remove(old)
            self._layout_day(old.day)
        if self._current == key:
            self._set_current("")
        self.viewport().update()

    def current(self) -> str:
        """The chosen item's id, "" when none."""
        return self._current

    def set_current(self, item_id) -> None:
        self._set_current(_key(item_id) if item_id else "")

    def _set_current(self, key: str) -> None:
        if key != self._current:
            self._current = key
            self.current_changed.emit(key)
        self.viewport().update()

    # -- layout ---------------------------------------------------------------------------------

    def _place(self, item: CalendarItem) -> _Placed | None:
        start = self._clock.local(item.start)
        day = (start.date() - self._first).days
        if not 0 <= day < self._days:
            return None
        top = start.hour * 60 + start.minute + start.second / 60
        bottom = min(DAY_MINUTES, top + max(item.duration_minutes, 0))
        bottom = max(bottom, top + MIN_ITEM_HEIGHT * 60 / HOUR_HEIGHT)
        return _Placed(item, _key(item.id), day, top, bottom, _hm(start))

    def _relayout(self) -> None:
        """Every item placed and packed: O(n log n), once per set of items."""
        self._placed = {}
        self._text_cache = {}
        self._by_day = [[] for _ in range(self._days)]
        for key, item in self._items.items():
            placed = self._place(item)
            if placed is not None:
                self._placed[key] = placed
                self._by_day[placed.day].append(placed)
        self._tops = [[] for _ in range(self._days)]
        self._reach = [[] for _ in range(self._days)]
        for d in range(self._days):
            self._layout_day(d)
        self.viewport().update()

    def _layout_day(self, d: int) -> None:
        day = self._by_day[d]
        day.sort(key=lambda pl: (pl.top, -pl.bottom, pl.item.customer_name))
        _pack(day)
        self._tops[d] = [pl.top for pl in day]
        reach, top = [], 0.0
        for pl in day:
            top = max(top, pl.bottom)
            reach.append(top)
        self._reach[d] = reach

    def _visible(self, d: int, first_min: float, last_min: float) -> list[_Placed]:
        """Day ``d``'s items that show between these local minutes: two binary searches."""
        lo = bisect.bisect_right(self._reach[d], first_min)
        hi = bisect.bisect_left(self._tops[d], last_min)
        return [pl for pl in self._by_day[d][lo:hi] if pl.bottom > first_min]

    # -- geometry -------------------------------------------------------------------------------

    def _scroll(self) -> int:
        return self.verticalScrollBar().value()

    def _y(self, minutes: float) -> int:
        return HEADER_HEIGHT + round(minutes * HOUR_HEIGHT / 60) - self._scroll()

    def _minutes_at(self, y: int) -> float:
        return (y - HEADER_HEIGHT + self._scroll()) * 60 / HOUR_HEIGHT

    def _col_x(self, d: int) -> int:
        vw = self.viewport().width()
        if self._xs_for != (vw, self._days):
            width = vw - GUTTER_WIDTH
            self._xs = [GUTTER_WIDTH + round(i * width / self._days)
                        for i in range(self._days + 1)]
            self._xs_for = (vw, self._days)
        return self._xs[d]

    def column_rect(self, d: int) -> QRect:
        """Day column ``d`` of the body, header excluded (viewport coordinates)."""
        return QRect(self._col_x(d), HEADER_HEIGHT, self._col_x(d + 1) - self._col_x(d),
                     self.viewport().height() - HEADER_HEIGHT)

    def header_rect(self, d: int) -> QRect:
        return QRect(self._col_x(d), 0, self._col_x(d + 1) - self._col_x(d), HEADER_HEIGHT)

    def _body_rect(self) -> QRect:
        return QRect(GUTTER_WIDTH, HEADER_HEIGHT, self.viewport().width() - GUTTER_WIDTH,
                     self.viewport().height() - HEADER_HEIGHT)

    def day_at(self, x: int) -> int | None:
        if x < GUTTER_WIDTH or x >= self.viewport().width():
            return None
        width = self.viewport().width() - GUTTER_WIDTH
        return min(self._days - 1, max(0, (x - GUTTER_WIDTH) * self._days // max(1, width)))

    def _rect(self, pl: _Placed, *, top: float | None = None, bottom: float | None = None,
              whole: bool = False) -> QRect:
        top = pl.top if top is None else top
        bottom = pl.bottom if bottom is None else bottom
        return self._rect_at(pl.day, top, bottom, 0 if whole else pl.lane,
                             1 if whole else pl.lanes)

    def _rect_at(self, d: int, top: float, bottom: float, lane: int, lanes: int) -> QRect:
        x0 = self._col_x(d) + 2
        width = self._col_x(d + 1) - x0 - COLUMN_PAD
        left = x0 + round(lane * width / lanes)
        right = x0 + round((lane + 1) * width / lanes) - (2 if lanes > 1 else 0)
        y0 = HEADER_HEIGHT + round(top * HOUR_HEIGHT / 60) - self.verticalScrollBar().value()
        height = max(MIN_ITEM_HEIGHT, round((bottom - top) * HOUR_HEIGHT / 60))
        return QRect(left, y0, max(2, right - left), height - 1)

    def item_at(self, pos: QPoint) -> CalendarItem | None:
        """The item painted at ``pos`` (viewport coordinates), if any."""
        pl = self._placed_at(pos)
        return pl.item if pl is not None else None

    def _placed_at(self, pos: QPoint) -> _Placed | None:
        d = self.day_at(pos.x())
        if d is None or pos.y() < HEADER_HEIGHT:
            return None
        m = self._minutes_at(pos.y())
        for pl in reversed(self._visible(d, m - 1, m + 1)):
            if self._rect(pl).contains(pos):
                return pl
        return None

    def _update_scrollbar(self) -> None:
        page = max(1, self.viewport().height() - HEADER_HEIGHT)
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, 24 * HOUR_HEIGHT + 1 - page))
        bar.setPageStep(page)
        bar.setSingleStep(HOUR_HEIGHT // 2)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_scrollbar()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._scrolled:
            self._scrolled = True
            self._update_scrollbar()
            self.scroll_to_hour(self._first_hour)

    def sizeHint(self) -> QSize:
        return QSize(GUTTER_WIDTH + 7 * 130, HEADER_HEIGHT + 12 * HOUR_HEIGHT)

    def minimumSizeHint(self) -> QSize:
        return QSize(GUTTER_WIDTH + 120, HEADER_HEIGHT + 3 * HOUR_HEIGHT)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        if self._drag is not None:
            self._drag_to(self._drag_pos)
        self.viewport().update()

    # -- helpers for the section and tests ------------------------------------------------------

    def scroll_to_hour(self, hour: float) -> None:
        """Scroll so ``hour`` (local) is at the top of the body (as far as it goes). Before
        the grid is first shown, this is where it opens (08:00 unless told)."""
        if not self._scrolled:
            self._first_hour = hour
        self.verticalScrollBar().setValue(round(hour * HOUR_HEIGHT))

    def _scroll_into_view(self, top: float, bottom: float) -> None:
        page = self.viewport().height() - HEADER_HEIGHT
        y0 = round(top * HOUR_HEIGHT / 60)
        y1 = round(bottom * HOUR_HEIGHT / 60)
        bar = self.verticalScrollBar()
        if y0 < bar.value() or y1 - y0 > page:
            bar.setValue(y0 - HOUR_HEIGHT // 4)
        elif y1 > bar.value() + page:
            bar.setValue(y1 - page + HOUR_HEIGHT // 4)

    def ensure_visible(self, item_id) -> None:
        """Scroll so the item is in view (its top, when it is taller than the view)."""
        pl = self._placed.get(_key(item_id))
        if pl is not None:
            self._scroll_into_view(pl.top, pl.bottom)

    def item_rect(self, item_id) -> QRect:
        """The item's rectangle as laid out now (viewport coordinates), scrolled into view
        first; an empty QRect when the item is not on a shown day."""
        pl = self._placed.get(_key(item_id))
        if pl is None:
            return QRect()
        self.ensure_visible(item_id)
        return self._rect(pl)

    def point_for(self, when_utc: dt.datetime) -> QPoint:
        """The viewport point of a time (aware) in the middle of its day column, scrolled into
        view first. ValueError when its day is not shown."""
        local = self._clock.local(when_utc)
        d = (local.date() - self._first).days
        if not 0 <= d < self._days:
            raise ValueError(f"{local.date()} is not shown")
        m = local.hour * 60 + local.minute + local.second / 60
        self._scroll_into_view(m, m)
        col = self.column_rect(d)
        return QPoint(col.center().x(), self._y(m))

    def now_y(self) -> int | None:
        """The viewport y of the current-time line; None when today is not shown."""
        now = self._clock.local(self._clock.now())
        if not 0 <= (now.date() - self._first).days < self._days:
            return None
        return self._y(now.hour * 60 + now.minute + now.second / 60)

    def tooltip_at(self, pos: QPoint) -> str:
        """What the tooltip at ``pos`` says: an item's details, or a header's holiday."""
        if pos.y() < HEADER_HEIGHT:
            d = self.day_at(pos.x())
            mark = self._marks.get(self._first + dt.timedelta(days=d)) if d is not None else None
            return _mark_tooltip(mark, self._texts()) if mark is not None else ""
        pl = self._placed_at(pos)
        return _item_tooltip(pl.item, self._clock, self._texts()) if pl is not None else ""

    # -- painting -------------------------------------------------------------------------------

    def _day_off(self, day: dt.date) -> bool:
        mark = self._marks.get(day)
        if mark is not None:
            return mark.is_holiday
        return day.weekday() >= 5

    def paintEvent(self, event: QPaintEvent) -> None:
        # painted in layers, no clipping: the body, then the gutter and the header over it
        p = _Painter(self.viewport())
        vw, vh = self.viewport().width(), self.viewport().height()
        first_min = max(0.0, self._minutes_at(HEADER_HEIGHT))
        last_min = min(float(DAY_MINUTES), self._minutes_at(vh) + 1)
        today = self._clock.today()
        self._paint_background(p, first_min, last_min)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        dragged = self._drag.placed if self._drag is not None else None
        for d in range(self._days):
            for pl in self._visible(d, first_min, last_min):
                if pl is dragged:
                    if self._drag.mode == "move":  # its old place, faded
                        p.setOpacity(0.35)
                        self._paint_item(p, self._rect(pl), pl)
                        p.setOpacity(1.0)
                    continue
                self._paint_item(p, self._rect(pl), pl)
        p.flush_text()
        self._paint_now(p, today)
        if self._drag is not None:
            self._paint_drag(p)
            p.flush_text()
        self._paint_gutter(p, vh, first_min, last_min)
        p.flush_text()  # before the header, which covers what scrolls up under it
        self._paint_header(p, vw, today)
        p.flush_text()
        p.end()

    def _paint_background(self, p: _Painter, first_min: float, last_min: float) -> None:
        vw, vh = self.viewport().width(), self.viewport().height()
        work = (self._y(WORK_START), self._y(WORK_END))
        for d in range(self._days):
            col = self.column_rect(d)
            day = self._first + dt.timedelta(days=d)
            mark = self._marks.get(day)
            if mark is not None and mark.is_holiday:
                off, on = _HOLIDAY_OFF, _HOLIDAY_ON
            elif self._day_off(day):
                off, on = _WEEKEND_OFF, _WEEKEND_ON
            else:
                off, on = _OFF_HOURS, _WHITE
            p.fillRect(col, off)
            p.fillRect(QRect(col.left(), work[0], col.width(), work[1] - work[0]), on)
        # the hour and half-hour lines, then the day separators
        hours = range(int(first_min // 60), min(24, int(last_min // 60) + 1) + 1)
        p.setPen(_GRID_PEN)
        p.drawLines([QLine(GUTTER_WIDTH, self._y(h * 60), vw, self._y(h * 60)) for h in hours])
        p.setPen(_HALF_HOUR_PEN)
        p.drawLines([QLine(GUTTER_WIDTH, self._y(h * 60 + 30), vw, self._y(h * 60 + 30))
                     for h in hours if h < 24])
        p.setPen(_SEPARATOR)
        p.drawLines([QLine(self._col_x(d), HEADER_HEIGHT, self._col_x(d), vh)
                     for d in range(self._days + 1)])

    def _paint_item(self, p: _Painter, r: QRect, pl: _Placed, *, lifted: bool = False) -> None:
        item = pl.item
        shades = _shades(item.type)
        chosen = pl.key == self._current
        if item.done:
            fill, bar, ink = _DONE_FILL, shades.done_bar, _DONE_INK
        else:
            fill = shades.strong if chosen or lifted else shades.fill
            bar, ink = shades.base, _INK
        if r.width() < 10:  # a sliver among many overlapping items: no room for more
            p.fillRect(r, bar)
            return
        rf = QRectF(r)
        p.setPen(_NO_PEN)
        p.setBrush(bar)
        p.drawRoundedRect(rf, 4, 4)
        p.setBrush(fill)
        p.drawRoundedRect(rf.adjusted(3, 0, 0, 0), 3, 3)
        overdue = item.overdue and not item.done
        if overdue or chosen or lifted:
            p.setPen(_OVERDUE_PEN if overdue else shades.border)
            p.setBrush(_NO_BRUSH)
            p.drawRoundedRect(rf.adjusted(0.75, 0.75, -0.75, -0.75), 4, 4)
        inner = r.adjusted(6, 1, -3, -1)
        if inner.width() < 16 or inner.height() < 10:
            return
        # state marks top right: the overdue dot (the repeat sign is text)
        marks_w = 0
        if overdue:
            lh = self._fm_small.height()
            p.setPen(_NO_PEN)
            p.setBrush(_RED)
            p.drawEllipse(QRectF(inner.right() - 6, inner.top() + lh / 2 - 3, 6, 6))
            marks_w += 9
        size = (inner.width(), inner.height())
        cached = None if lifted else self._text_cache.get(pl.key)
        if cached is not None and cached[0] == size:
            pieces = cached[1]
        else:  # laid out again only when the item or its size changed
            pieces = self._item_text(pl, inner.width(), inner.height(), marks_w, ink,
                                     shades.ink)
            if not lifted:
                self._text_cache[pl.key] = (size, pieces)
        _queue(p, inner.topLeft(), pieces)

    def _item_text(self, pl: _Placed, width: int, height: int, marks_w: int, ink: QColor,
                   time_ink: QColor) -> list[tuple]:
        """An item's text laid out in its rectangle (less its margins): the repeat sign,
        the start time, the customer in bold and the subject, as pieces for ``_queue``."""
        item = pl.item
        lh = self._fm_small.height()
        pieces = []
        if item.recurring:
            pieces.append((width - marks_w - 12, 0, 12, lh, _CENTER, "↻", self._small,
                           ink if item.done else time_ink))
            marks_w += 13
        lines = max(1, height // lh)
        name_font = self._small_bold_struck if item.done else self._small_bold
        text_font = self._small_struck if item.done else self._small
        time_ink = ink if item.done else time_ink
        # the customer (the subject when there is none) in bold, then the subject
        name, rest = (item.customer_name, item.subject) if item.customer_name \
            else (item.subject, "")
        when = (pl.start_label, self._small, self._fm_small, time_ink)
        bold = (name, name_font, self._fm_small_bold, ink)
        plain = (rest, text_font, self._fm_small, ink)
        first_w = width - marks_w
        wide = first_w >= (self._fm_small.horizontalAdvance(pl.start_label + " ")
                           + 4 * self._fm_small_bold.horizontalAdvance("中"))
        if wide:  # "09:30 customer" then the subject below (all on one line if one fits)
            rows = [[when, bold, plain]] if lines == 1 else [[when, bold], [plain]]
        elif lines >= 3:  # a narrow lane: the customer first, it says most
            rows = [[bold], [when], [plain]]
        else:
            rows = [[bold], [when, plain]]
        for i, row in enumerate(rows[:lines]):
            pieces += _line_pieces(0, i * lh, first_w if i == 0 else width, lh, row)
        return pieces

    def _paint_drag(self, p: _Painter) -> None:
        drag = self._drag
        pl = drag.placed
        bottom = min(float(DAY_MINUTES), drag.start + drag.duration)
        bottom = max(bottom, drag.start + MIN_ITEM_HEIGHT * 60 / HOUR_HEIGHT)
        start = (dt.datetime.combine(self._first, dt.time())
                 + dt.timedelta(days=drag.day, minutes=drag.start))
        shown = _Placed(pl.item, pl.key, drag.day, drag.start, bottom, _hm(start), pl.lane,
                        pl.lanes)
        r = (self._rect(shown) if drag.mode == "resize"
             else self._rect(shown, whole=True))
        p.setOpacity(0.92)
        self._paint_item(p, r, shown, lifted=True)
        p.setOpacity(1.0)

    def _paint_now(self, p: _Painter, today: dt.date) -> None:
        d = (today - self._first).days
        y = self.now_y()
        if y is None or not 0 <= d < self._days:
            return
        col = self.column_rect(d)
        p.setPen(_NOW_PEN)
        p.drawLine(col.left(), y, col.right(), y)
        p.setPen(_NO_PEN)
        p.setBrush(_NOW)
        p.drawEllipse(QRectF(col.left() - 4, y - 4, 9, 9))

    def _paint_gutter(self, p: _Painter, vh: int, first_min: float, last_min: float) -> None:
        p.fillRect(QRect(0, HEADER_HEIGHT, GUTTER_WIDTH, vh - HEADER_HEIGHT), _WHITE)
        fh = self._fm_small.height()
        for h in range(max(0, int(first_min // 60) - 1), min(24, int(last_min // 60) + 1)):
            y = self._y(h * 60)
            p.text(QRect(0, y + 2, GUTTER_WIDTH - 8, fh),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, f"{h:02d}:00",
                   self._small, _MUTED)
        now = self.now_y()
        lines = [QLine(GUTTER_WIDTH - 1, HEADER_HEIGHT, GUTTER_WIDTH - 1, vh)]
        if now is not None and HEADER_HEIGHT <= now <= vh:
            lines.append(QLine(GUTTER_WIDTH - 6, now, GUTTER_WIDTH - 1, now))
            p.setPen(_NOW_PEN)
            p.drawLines(lines[1:])
        p.setPen(_SEPARATOR)
        p.drawLines(lines[:1])

    def _paint_header(self, p: _Painter, vw: int, today: dt.date) -> None:
        p.fillRect(QRect(0, 0, vw, HEADER_HEIGHT), _WHITE)
        locale = self.locale()
        texts = self._texts()
        fm_tiny = self._fm_tiny
        for d in range(self._days):
            r = self.header_rect(d)
            day = self._first + dt.timedelta(days=d)
            mark = self._marks.get(day)
            holiday = mark is not None and mark.is_holiday
            if holiday:
                p.fillRect(r, _HOLIDAY_HEADER)
            elif self._day_off(day):
                p.fillRect(r, _WEEKEND_ON)
            name = locale.dayName(day.isoweekday(), QLocale.FormatType.ShortFormat)
            title = f"{name} {day.month}/{day.day}"
            line1 = QRect(r.left() + 6, 5, r.width() - 12, self._fm_bold.height() + 2)
            if day == today:  # white on a blue pill
                w = min(line1.width(), self._fm_bold.horizontalAdvance(title) + 14)
                pill = QRect(line1.left() + (line1.width() - w) // 2, line1.top(), w,
                             line1.height())
                p.setPen(_NO_PEN)
                p.setBrush(_BLUE)
                p.drawRoundedRect(QRectF(pill), pill.height() / 2, pill.height() / 2)
                p.text(pill, _CENTER, self._fm_bold.elidedText(
                    title, Qt.TextElideMode.ElideRight, pill.width() - 8), self._bold, _WHITE)
            else:
                p.text(line1, _CENTER, self._fm.elidedText(
                    title, Qt.TextElideMode.ElideRight, line1.width()), self._font,
                    _RED if holiday else _INK)
            if mark is not None:  # 休 or 班 (with ? when estimated), and the holiday's name
                badge_text = (texts["off"] if holiday else texts["work"]) + \
                    ("?" if mark.estimate else "")
                bw = _badge_width(fm_tiny, badge_text)
                line2 = QRect(r.left() + 6, line1.bottom() + 4, r.width() - 12,
                              fm_tiny.height() + 2)
                label = mark.name if holiday else ""
                lw = min(fm_tiny.horizontalAdvance(label), line2.width() - bw - 4) \
                    if label else 0
                x = line2.left() + (line2.width() - bw - (lw + 4 if lw > 0 else 0)) // 2
                _badge(p, QRect(x, line2.top(), bw, line2.height()), badge_text,
                       _RED if holiday else _SLATE, self._tiny)
                if lw > 0:
                    p.text(QRect(x + bw + 4, line2.top(), lw, line2.height()), _LEFT,
                           fm_tiny.elidedText(label, Qt.TextElideMode.ElideRight, lw),
                           self._tiny, _RED)
        p.setPen(_SEPARATOR)
        p.drawLines([QLine(self._col_x(d), 0, self._col_x(d), HEADER_HEIGHT)
                     for d in range(self._days)])
        p.setPen(_HEADER_LINE)
        p.drawLine(0, HEADER_HEIGHT - 1, vw, HEADER_HEIGHT - 1)

    # -- mouse ----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position().toPoint()
        pl = self._placed_at(pos)
        if pl is None:
            self._press = None
            self._set_current("")
            return
        self._set_current(_key(pl.item.id))
        r = self._rect(pl)
        mode = "resize" if r.bottom() - pos.y() < RESIZE_ZONE else "move"
        self._press = (pos, pl, mode, self._minutes_at(pos.y()) - pl.top)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._drag is not None:
            self._drag_pos = pos
            self._drag_to(pos)
            self._maybe_autoscroll()
            return
        if self._press is not None:
            start, pl, mode, grab = self._press
            if (pos - start).manhattanLength() >= QApplication.startDragDistance():
                self._drag = _Drag(pl, mode, grab, pl.day, pl.top,
                                   pl.item.duration_minutes)
                self._drag_pos = pos
                self.viewport().setCursor(Qt.CursorShape.SizeVerCursor if mode == "resize"
                                          else Qt.CursorShape.ClosedHandCursor)
                self._drag_to(pos)
            return
        pl = self._placed_at(pos)
        if pl is None:
            shape = Qt.CursorShape.ArrowCursor
        elif self._rect(pl).bottom() - pos.y() < RESIZE_ZONE:
            shape = Qt.CursorShape.SizeVerCursor
        else:
            shape = Qt.CursorShape.OpenHandCursor
        self.viewport().setCursor(shape)

    def _drag_to(self, pos: QPoint) -> None:
        """The dragged item's new day, start and duration for the pointer at ``pos``."""
        drag = self._drag
        m = min(float(DAY_MINUTES), max(0.0, self._minutes_at(pos.y())))
        if drag.mode == "resize":
            steps = round((m - drag.placed.top) / SNAP_MINUTES)
            room = int((DAY_MINUTES - drag.placed.top) // SNAP_MINUTES) * SNAP_MINUTES
            drag.duration = max(SNAP_MINUTES, min(steps * SNAP_MINUTES, room))
        else:
            d = self.day_at(min(max(GUTTER_WIDTH, pos.x()), self.viewport().width() - 1))
            drag.day = drag.placed.day if d is None else d
            start = round((m - drag.grab) / SNAP_MINUTES) * SNAP_MINUTES
            drag.start = float(max(0, min(start, DAY_MINUTES - SNAP_MINUTES)))
        self.viewport().update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        drag, self._drag = self._drag, None
        self._autoscroll.stop()
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
        if drag is None:
            return
        self.viewport().update()
        item = drag.placed.item
        if drag.mode == "resize":
            if drag.duration == item.duration_minutes:
                return
            start = item.start
        else:
            if drag.day == drag.placed.day and drag.start == drag.placed.top:
                return
            local = (dt.datetime.combine(self._first, dt.time())
                     + dt.timedelta(days=drag.day, minutes=drag.start))
            start = self._clock.utc(local)
        moved = dataclasses.replace(item, start=start, duration_minutes=drag.duration)
        self.replace_item(moved)
        self.item_moved.emit(_key(item.id), start, drag.duration)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mouseDoubleClickEvent(event)
        self._press = None
        pos = event.position().toPoint()
        pl = self._placed_at(pos)
        if pl is not None:
            self._set_current(_key(pl.item.id))
            self.item_activated.emit(_key(pl.item.id))
            return
        d = self.day_at(pos.x())
        if d is None or pos.y() < HEADER_HEIGHT:
            return
        m = int(self._minutes_at(pos.y()) // SLOT_MINUTES) * SLOT_MINUTES
        m = max(0, min(m, DAY_MINUTES - SLOT_MINUTES))
        local = (dt.datetime.combine(self._first, dt.time())
                 + dt.timedelta(days=d, minutes=m))
        self.slot_activated.emit(self._clock.utc(local))

    def _cancel_drag(self) -> None:
        self._press = None
        if self._drag is not None:
            self._drag = None
            self._autoscroll.stop()
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            self.viewport().update()

    def _maybe_autoscroll(self) -> None:
        y, vh = self._drag_pos.y(), self.viewport().height()
        near = y < HEADER_HEIGHT + AUTOSCROLL_ZONE or y > vh - AUTOSCROLL_ZONE
        if near and not self._autoscroll.isActive():
            self._autoscroll.start()
        elif not near:
            self._autoscroll.stop()

    def _autoscroll_step(self) -> None:
        if self._drag is None:
            self._autoscroll.stop()
            return
        up = self._drag_pos.y() < HEADER_HEIGHT + AUTOSCROLL_ZONE
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + (-AUTOSCROLL_STEP if up else AUTOSCROLL_STEP))

    def leaveEvent(self, event) -> None:
        QToolTip.hideText()
        super().leaveEvent(event)

    def viewportEvent(self, event) -> bool:
        if self._tooltip(event, self.viewport()):
            return True
        return super().viewportEvent(event)


# -- the month view -----------------------------------------------------------------------------


class MonthGrid(_ItemView, QWidget):
    """Six weeks of day cells, Monday first; each cell lists its items one per line, and a
    "%1 more" line when they do not fit.

    Signals:
        current_changed(str): the chosen item's id ("" when none)
        item_activated(str): double click or Enter on an item line
        item_moved(str, object, int): an item line dragged to another day: id, new start
            (aware UTC, same local time of day), duration in minutes (unchanged); the grid
            already shows it there (``restore_item`` puts the old one back)
        day_clicked(object): a click on an empty part of a cell: its date
        day_activated(object): a double click on an empty part of a cell: its date
        more_clicked(object): a click on a cell's "%1 more" line: its date
    """

    current_changed = Signal(str)
    item_activated = Signal(str)
    item_moved = Signal(str, object, int)
    day_clicked = Signal(object)
    day_activated = Signal(object)
    more_clicked = Signal(object)

    def __init__(self, parent=None, *, tz: dt.tzinfo | None = None,
                 now: Callable[[], dt.datetime] | None = None):
        super().__init__(parent)
        self.setObjectName("calendarMonthGrid")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._clock = _Clock(tz, now)
        today = self._clock.today()
        self._year, self._month = today.year, today.month
        self._first = self._grid_start(today.year, today.month)
        self._items: dict[str, CalendarItem] = {}
        self._counts: dict[dt.date, int] = {}
        self._by_date: dict[dt.date, list[CalendarItem]] = {}
        self._date_of: dict[str, dt.date] = {}
        self._time_of: dict[str, str] = {}  # local start "09:30"
        self._marks: dict[dt.date, DayMark] = {}
        self._current = ""
        self._press: tuple[QPoint, CalendarItem] | None = None
        self._press_more: dt.date | None = None
        self._drag: CalendarItem | None = None
        self._drag_pos = QPoint()
        self._fonts()

    def _fonts(self) -> None:
        _set_fonts(self)
        self._text_cache: dict[str, tuple] = {}  # item id -> (size, its text laid out)
        self._line_h = self._fm_small.height() + 3

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fonts()
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.LocaleChange):
            self.update()
        super().changeEvent(event)

    def _texts(self) -> dict[str, str]:
        return {"owner": self.tr("Owner: %1"), "unassigned": self.tr("Unassigned"),
                "done": self.tr("Done"), "overdue": self.tr("Overdue"),
                "recurring": self.tr("Recurring"), "off": self.tr("Off"),
                "work": self.tr("Work"), "estimate": self.tr("Not yet announced: estimated")}

    @staticmethod
    def _grid_start(year: int, month: int) -> dt.date:
        return week_start(dt.date(year, month, 1))

    # -- data -----------------------------------------------------------------------------------

    def set_month(self, year: int, month: int) -> None:
        """Show the 6 weeks from the first day of the week on or before the 1st."""
        self._year, self._month = year, month
        self._first = self._grid_start(year, month)
        self._cancel_drag()
        self._regroup()

    def month(self) -> tuple[int, int]:
        return self._year, self._month

    def first_day(self) -> dt.date:
        return self._first

    def last_day(self) -> dt.date:
        return self._first + dt.timedelta(days=MONTH_CELLS - 1)

    def set_items(self, items: list[CalendarItem],
                  counts: dict[dt.date, int] | None = None) -> None:
        """Show these items on their local days (those in the six weeks). ``counts``: how
        many each day has in all, when ``items`` holds only the first few of a busy day (the
        rest go into the cell's "more" line)."""
        self._cancel_drag()
        self._items = {_key(it.id): it for it in items}
        self._counts = dict(counts or {})
        self._regroup()
        if self._current and self._current not in self._items:
            self._set_current("")

    def items(self) -> list[CalendarItem]:
        return list(self._items.values())

    def item(self, item_id) -> CalendarItem | None:
        return self._items.get(_key(item_id))

    def set_marks(self, marks: dict[dt.date, DayMark]) -> None:
        self._marks = dict(marks)
        self.update()

    def replace_item(self, item: CalendarItem) -> None:
        """Show ``item`` in place of the item with its id (added if not shown yet)."""
        key = _key(item.id)
        old_day = self._unfile(key)
        self._text_cache.pop(key, None)
        self._items[key] = item
        day = self._file(key, item)
        self._recount(old_day, day)
        if day is not None:
            self._sort_day(day)
        self.update()

    def restore_item(self, item: CalendarItem) -> None:
        """Put back ``item`` as it was (a move that could not be saved)."""
        self.replace_item(item)

    def remove_item(self, item_id) -> None:
        key = _key(item_id)
        self._recount(self._unfile(key), None)
        self._text_cache.pop(key, None)
        self._items.pop(key, None)
        if self._current == key:
            self._set_current("")
        self.update()

    def current(self) -> str:
        return self._current

    def set_current(self, item_id) -> None:
        self._set_current(_key(item_id) if item_id else "")

    def _set_current(self, key: str) -> None:
        if key != self._current:
            self._current = key
            self.current_changed.emit(key)
        self.update()

    def _regroup(self) -> None:
        """Items grouped by local day and sorted by time: once per set of items."""
        self._by_date, self._date_of, self._time_of = {}, {}, {}
        self._text_cache = {}
        for key, item in self._items.items():
            self._file(key, item)
        for day in self._by_date:
            self._sort_day(day)
        self.update()

    def _file(self, key: str, item: CalendarItem) -> dt.date | None:
        local = self._clock.local(item.start)
        day = local.date()
        if not 0 <= (day - self._first).days < MONTH_CELLS:
            return None
        self._by_date.setdefault(day, []).append(item)
        self._date_of[key] = day
        self._time_of[key] = _hm(local)
        return day

    def _unfile(self, key: str) -> dt.date | None:
        day = self._date_of.pop(key, None)
        self._time_of.pop(key, None)
        if day is not None:
            self._by_date[day] = [it for it in self._by_date[day] if _key(it.id) != key]
        return day

    def _recount(self, old: dt.date | None, new: dt.date | None) -> None:
        """Keep the day totals true when an item moves between days (or goes)."""
        if old == new or not self._counts:
            return
        if old is not None and old in self._counts:
            self._counts[old] = max(0, self._counts[old] - 1)
        if new is not None:
            self._counts[new] = self._counts.get(new, 0) + 1

    def _sort_day(self, day: dt.date) -> None:
        self._by_date[day].sort(key=lambda it: (it.start, it.customer_name, it.subject))

    # -- geometry -------------------------------------------------------------------------------

    def day_rect(self, day: dt.date) -> QRect:
        """A day's cell (widget coordinates); empty when the day is not shown."""
        i = (day - self._first).days
        if not 0 <= i < MONTH_CELLS:
            return QRect()
        return self._cell(i)

    def _cell(self, i: int) -> QRect:
        row, col = divmod(i, 7)
        w, h = self.width(), self.height() - MONTH_HEADER_HEIGHT
        x0, x1 = round(col * w / 7), round((col + 1) * w / 7)
        y0 = MONTH_HEADER_HEIGHT + round(row * h / 6)
        y1 = MONTH_HEADER_HEIGHT + round((row + 1) * h / 6)
        return QRect(x0, y0, x1 - x0, y1 - y0)

    def day_at(self, pos: QPoint) -> dt.date | None:
        if pos.y() < MONTH_HEADER_HEIGHT or not self.rect().contains(pos):
            return None
        col = min(6, pos.x() * 7 // max(1, self.width()))
        row = min(5, (pos.y() - MONTH_HEADER_HEIGHT) * 6
                  // max(1, self.height() - MONTH_HEADER_HEIGHT))
        # the rounding of cell edges: step to the neighbour whose cell holds the point
        i = row * 7 + col
        cell = self._cell(i)
        if pos.x() < cell.left() and col > 0:
            i -= 1
        elif pos.x() > cell.right() and col < 6:
            i += 1
        cell = self._cell(i)
        if pos.y() < cell.top() and row > 0:
            i -= 7
        elif pos.y() > cell.bottom() and row < 5:
            i += 7
        return self._first + dt.timedelta(days=i)

    def _fit(self, cell: QRect) -> int:
        """How many lines a cell has room for (at least one)."""
        return max(1, (cell.height() - CELL_TOP - 2) // self._line_h)

    def _shown(self, day: dt.date, cell: QRect) -> tuple[list[CalendarItem], int]:
        """The items a cell shows and how many it leaves to its "more" line."""
        items = self._by_date.get(day, [])
        total = max(len(items), self._counts.get(day, 0))
        fit = self._fit(cell)
        if total <= fit:
            return items, 0
        shown = items[:fit - 1]
        return shown, total - len(shown)

    def _line_rect(self, cell: QRect, k: int) -> QRect:
        return QRect(cell.left() + 3, cell.top() + CELL_TOP + k * self._line_h,
                     cell.width() - 6, self._line_h - 1)

    def item_rect(self, item_id) -> QRect:
        """The item's line (widget coordinates); an empty QRect when its day is not shown
        or the line is folded into "more"."""
        key = _key(item_id)
        day = self._date_of.get(key)
        if day is None:
            return QRect()
        cell = self.day_rect(day)
        shown, _more = self._shown(day, cell)
        for k, it in enumerate(shown):
            if _key(it.id) == key:
                return self._line_rect(cell, k)
        return QRect()

    def more_rect(self, day: dt.date) -> QRect:
        """The cell's "%1 more" line; an empty QRect when everything fits."""
        cell = self.day_rect(day)
        if cell.isEmpty():
            return QRect()
        shown, more = self._shown(day, cell)
        return self._line_rect(cell, len(shown)) if more else QRect()

    def hidden_count(self, day: dt.date) -> int:
        """How many of the day's items are folded into its "more" line."""
        cell = self.day_rect(day)
        return self._shown(day, cell)[1] if not cell.isEmpty() else 0

    def _hit(self, pos: QPoint) -> tuple[str, dt.date, CalendarItem | None] | None:
        """("item", day, item), ("more", day, None), ("cell", day, None) or None (header)."""
        day = self.day_at(pos)
        if day is None:
            return None
        cell = self.day_rect(day)
        k = (pos.y() - cell.top() - CELL_TOP) // self._line_h
        shown, more = self._shown(day, cell)
        if pos.y() >= cell.top() + CELL_TOP and self._line_rect(cell, k).contains(pos):
            if k < len(shown):
                return "item", day, shown[k]
            if more and k == len(shown):
                return "more", day, None
        return "cell", day, None

    def tooltip_at(self, pos: QPoint) -> str:
        """What the tooltip at ``pos`` says: an item's details, the items behind "more", or
        the day's holiday."""
        hit = self._hit(pos)
        if hit is None:
            return ""
        kind, day, item = hit
        if kind == "item":
            return _item_tooltip(item, self._clock, self._texts())
        if kind == "more":
            shown, _more = self._shown(day, self.day_rect(day))
            rest = self._by_date[day][len(shown):]
            lines = [self._line_text(it) for it in rest[:20]]
            if len(rest) > 20:
                lines.append("…")
            return "\n".join(lines)
        mark = self._marks.get(day)
        return _mark_tooltip(mark, self._texts()) if mark is not None else ""

    def _line_text(self, item: CalendarItem) -> str:
        parts = [self._time_of.get(_key(item.id), ""), item.customer_name, item.subject]
        return " ".join(p for p in parts if p)

    def sizeHint(self) -> QSize:
        return QSize(900, 640)

    def minimumSizeHint(self) -> QSize:
        return QSize(7 * 60, MONTH_HEADER_HEIGHT + 6 * 48)

    # -- painting -------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        # no clipping: every cell keeps its text inside (lines that fit, names elided)
        p = _Painter(self)
        w = self.width()
        p.fillRect(self.rect(), _WHITE)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        today = self._clock.today()
        exposed = event.rect()
        target = self.day_at(self._drag_pos) if self._drag is not None else None
        locale = self.locale()
        xs = [round(col * w / 7) for col in range(8)]
        for col in range(7):
            weekday = (FIRST_WEEKDAY + col) % 7
            p.text(QRect(xs[col], 0, xs[col + 1] - xs[col], MONTH_HEADER_HEIGHT), _CENTER,
                   locale.dayName(weekday + 1, QLocale.FormatType.ShortFormat), self._small,
                   _MUTED if weekday < 5 else _WEEKEND_INK)
        texts = self._texts()
        for i in range(MONTH_CELLS):
            cell = self._cell(i)
            if cell.intersects(exposed):
                day = self._first + dt.timedelta(days=i)
                self._paint_cell(p, cell, day, today, day == target, texts)
        # the grid: one line under each week, one right of each weekday
        h = self.height()
        grid = [QLine(0, self._cell(r * 7).bottom(), w, self._cell(r * 7).bottom())
                for r in range(6)]
        grid += [QLine(xs[c] - 1, MONTH_HEADER_HEIGHT, xs[c] - 1, h) for c in range(1, 8)]
        p.setPen(_GRID)
        p.drawLines(grid)
        p.setPen(_HEADER_LINE)
        p.drawLine(0, MONTH_HEADER_HEIGHT - 1, w, MONTH_HEADER_HEIGHT - 1)
        p.flush_text()
        if self._drag is not None:
            self._paint_drag(p)
            p.flush_text()
        p.end()

    def _paint_cell(self, p: _Painter, cell: QRect, day: dt.date, today: dt.date,
                    target: bool, texts: dict[str, str]) -> None:
        mark = self._marks.get(day)
        inside = day.month == self._month
        holiday = mark is not None and mark.is_holiday
        if target:
            bg = _DROP_TARGET
        elif holiday:
            bg = _HOLIDAY_CELL if inside else _HOLIDAY_CELL_OUT
        elif not inside:
            bg = _OUTSIDE_CELL
        elif day.weekday() >= 5 and mark is None:
            bg = _WEEKEND_CELL
        else:
            bg = None  # white already
        if bg is not None:
            p.fillRect(cell, bg)
        # the top row: day number (today on a blue pill), holiday name, 休 / 班 badge
        number = str(day.day) if day.day != 1 else f"{day.month}/{day.day}"
        nw = max(self._fm_bold.horizontalAdvance(number) + 10, 22)
        num = QRect(cell.left() + 4, cell.top() + 3, nw, CELL_TOP - 5)
        if day == today:
            p.setPen(_NO_PEN)
            p.setBrush(_BLUE)
            p.drawRoundedRect(QRectF(num), num.height() / 2, num.height() / 2)
            ink = _WHITE
        else:
            ink = _DIM if not inside else _RED if holiday else _INK
        p.text(num, _CENTER, number, self._bold if day == today or inside else self._font, ink)
        shown, more = self._shown(day, cell)
        if not inside and (mark is not None or shown):
            p.setOpacity(0.6)
        if mark is not None:
            badge_text = (texts["off"] if holiday else texts["work"]) + \
                ("?" if mark.estimate else "")
            bw = _badge_width(self._fm_tiny, badge_text)
            b = QRect(cell.right() - 3 - bw, cell.top() + 5, bw, self._fm_tiny.height() + 2)
            _badge(p, b, badge_text, _RED if holiday else _SLATE, self._tiny)
            if holiday and mark.name:
                name = QRect(num.right() + 4, cell.top() + 3, b.left() - num.right() - 8,
                             CELL_TOP - 5)
                if name.width() > 12:
                    p.text(name, _LEFT, self._fm_tiny.elidedText(
                        mark.name, Qt.TextElideMode.ElideRight, name.width()), self._tiny, _RED)
        # the lines, and "%1 more" when they do not all fit
        for k, item in enumerate(shown):
            self._paint_line(p, self._line_rect(cell, k), item)
        if more:
            r = self._line_rect(cell, len(shown))
            p.text(r.adjusted(4, 0, 0, 0), _LEFT, self.tr("%1 more").replace("%1", str(more)),
                   self._small_bold, _SLATE)
        p.setOpacity(1.0)

    def _paint_line(self, p: _Painter, r: QRect, item: CalendarItem, *,
                    lifted: bool = False) -> None:
        key = _key(item.id)
        shades = _shades(item.type)
        if key == self._current or lifted:
            p.setPen(shades.base if lifted else _NO_PEN)
            p.setBrush(shades.strong)
            p.drawRoundedRect(QRectF(r), 3, 3)
        if item.done:
            ink = _DONE_INK
            name_font, text_font = self._small_bold_struck, self._small_struck
        else:
            ink = _RED if item.overdue else _INK
            name_font, text_font = self._small_bold, self._small
        p.setPen(_NO_PEN)
        p.setBrush(shades.done_bar if item.done else shades.base)
        p.drawEllipse(QRectF(r.left() + 3, r.center().y() - 2.5, 6, 6))
        time_ink = ink if item.done or item.overdue else _TIME_INK
        cached = None if lifted else self._text_cache.get(key)
        if cached is not None and cached[0] == r.width():
            pieces = cached[1]
        else:  # laid out again only when the item or the cell width changed
            pieces = _line_pieces(13, 0, r.width() - 15, r.height(), [
                (self._time_of.get(key, ""), self._small, self._fm_small, time_ink),
                (item.customer_name, name_font, self._fm_small_bold, ink),
                (item.subject, text_font, self._fm_small, ink),
            ])
            if not lifted:
                self._text_cache[key] = (r.width(), pieces)
        _queue(p, r.topLeft(), pieces)

    def _paint_drag(self, p: _Painter) -> None:
        w = max(120, min(240, self.width() // 7))
        r = QRect(self._drag_pos.x() - 12, self._drag_pos.y() - self._line_h // 2, w,
                  self._line_h)
        p.setPen(_NO_PEN)
        p.setBrush(_WHITE)
        p.drawRoundedRect(QRectF(r), 3, 3)
        p.setOpacity(0.95)
        self._paint_line(p, r, self._drag, lifted=True)
        p.setOpacity(1.0)

    # -- mouse ----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position().toPoint()
        self._press, self._press_more = None, None
        hit = self._hit(pos)
        if hit is None:
            return
        kind, day, item = hit
        if kind == "item":
            self._set_current(_key(item.id))
            self._press = (pos, item)
        elif kind == "more":
            self._press_more = day
        else:
            self._set_current("")
            self.day_clicked.emit(day)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._drag is not None:
            self._drag_pos = pos
            self.update()
            return
        if self._press is not None:
            start, item = self._press
            if (pos - start).manhattanLength() >= QApplication.startDragDistance():
                self._drag = item
                self._drag_pos = pos
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
                self.update()
            return
        hit = self._hit(pos)
        self.setCursor(Qt.CursorShape.PointingHandCursor if hit is not None
                       and hit[0] == "more" else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        more, self._press_more = self._press_more, None
        self._press = None
        dragged, self._drag = self._drag, None
        self.setCursor(Qt.CursorShape.ArrowCursor)
        if more is not None:
            hit = self._hit(pos)
            if hit is not None and hit[0] == "more" and hit[1] == more:
                self.more_clicked.emit(more)
            return
        if dragged is None:
            return
        self.update()
        target = self.day_at(pos)
        if target is None or target == self._date_of.get(_key(dragged.id)):
            return
        local = self._clock.local(dragged.start)
        start = self._clock.utc(dt.datetime.combine(target, local.time().replace(tzinfo=None)))
        self.replace_item(dataclasses.replace(dragged, start=start))
        self.item_moved.emit(_key(dragged.id), start, dragged.duration_minutes)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mouseDoubleClickEvent(event)
        self._press, self._press_more = None, None
        hit = self._hit(event.position().toPoint())
        if hit is None:
            return
        kind, day, item = hit
        if kind == "item":
            self._set_current(_key(item.id))
            self.item_activated.emit(_key(item.id))
        elif kind == "cell":
            self.day_activated.emit(day)

    def _cancel_drag(self) -> None:
        self._press, self._press_more = None, None
        if self._drag is not None:
            self._drag = None
            self.setCursor(Qt.CursorShape.ArrowCursor)
            self.update()

    def leaveEvent(self, event) -> None:
        QToolTip.hideText()
        super().leaveEvent(event)

    def event(self, event) -> bool:
        if self._tooltip(event, self):
            return True
        return super().event(event)



__all__ = ["TYPE_COLOURS", "HOUR_HEIGHT", "MonthGrid", "TimeGrid", "type_colour"]
