"""The ticket list model: a page of rows at a time, and each row's SLA clock.

The clocks are computed from the loaded rows and the business calendar, never from the
database: ``refresh_clocks(now)`` (the section calls it every minute) recomputes the time left
of every loaded row and repaints that column, which costs a few milliseconds for a thousand rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal,
)
from PySide6.QtGui import QColor

from desktop_crm.services.business_hours import BusinessCalendar
from desktop_crm.services.tickets import SlaClock, TicketQuery, TicketRow, clock_of

from .. import fmt, labels

PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the TicketRow
CLOCK_ROLE = Qt.ItemDataRole.UserRole + 3  # the SlaClock

SOON_BACKGROUND = "#fff3cd"
BREACHED_BACKGROUND = "#f8d7da"
PAUSED_TEXT = "#8a8f98"
STATE_TEXT = {"soon": "#8a5a00", "breached": "#b42318", "met": "#2e7d32", "missed": "#b42318"}
PRIORITY_TEXT = {"urgent": "#b42318", "high": "#c2410c", "low": "#64748b"}
# sort key of each sortable column (TicketQuery.sort)
SORT_KEYS = {"number": "number", "customer": "customer", "priority": "priority",
             "status": "status", "opened": "opened", "left": "due"}


def duration_text(seconds: float, day_seconds: float | None = None) -> str:
    """Business time as "2 h 15 min", "45 min", "38 h" (rounded down to the minute; whole
    hours from 24 h up), or "5 working days" from two working days up when ``day_seconds``
    (the working time of a day) is given."""
    if day_seconds and abs(seconds) >= 2 * day_seconds:
        days = int(abs(seconds) // day_seconds)
        return QCoreApplication.translate("Tickets", "%n working day(s)", "", days)
    minutes = int(abs(seconds) // 60)
    hours, mins = divmod(minutes, 60)
    if hours >= 24 or (hours and not mins):
        return QCoreApplication.translate("Tickets", "%1 h").replace("%1", str(hours))
    if hours:
        return QCoreApplication.translate("Tickets", "%1 h %2 min").replace(
            "%1", str(hours)).replace("%2", str(mins))
    return QCoreApplication.translate("Tickets", "%1 min").replace("%1", str(mins))


def time_left_text(clock: SlaClock, day_seconds: float | None = None) -> str:
    """"2 h 15 min left", "overdue 3 h 5 min", "paused · 1 h left", "met", "missed" (see
    ``duration_text`` for ``day_seconds``)."""
    if clock.state == "met":
        return QCoreApplication.translate("Tickets", "met")
    if clock.state == "missed":
        return QCoreApplication.translate("Tickets", "missed")
    if clock.seconds_left is None:
        return QCoreApplication.translate("Tickets", "no target")
    if clock.seconds_left < 0 or clock.state == "breached":
        text = QCoreApplication.translate("Tickets", "overdue %1").replace(
            "%1", duration_text(clock.seconds_left, day_seconds))
    else:
        text = QCoreApplication.translate("Tickets", "%1 left").replace(
            "%1", duration_text(clock.seconds_left, day_seconds))
    if clock.paused:
        return QCoreApplication.translate("Tickets", "paused · %1").replace("%1", text)
    return text


def target_text(target: str | None) -> str:
    if target == "response":
        return QCoreApplication.translate("Tickets", "first response")
    if target == "resolve":
        return QCoreApplication.translate("Tickets", "resolution")
    return ""


def working_day_seconds(calendar: BusinessCalendar) -> float | None:
    """The working time of an ordinary working day of ``calendar``, in seconds."""
    return calendar.hours.minutes_per_day() * 60.0 or None


def state_background(clock: SlaClock | None) -> QColor | None:
    """The row colour of a clock: amber when due soon, red when breached."""
    if clock is None:
        return None
    if clock.state == "soon":
        return QColor(SOON_BACKGROUND)
    if clock.state == "breached":
        return QColor(BREACHED_BACKGROUND)
    return None


def _advanced(c: SlaClock, elapsed: float, now: dt.datetime, warn: float) -> SlaClock:
    """A running clock ``elapsed`` working seconds later."""
    left = c.seconds_left - elapsed
    state = "breached" if c.due is not None and now > c.due else "soon" if left <= warn \
        else "ok"
    return dataclasses.replace(c, seconds_left=left, state=state)


class TicketTableModel(QAbstractTableModel):
    """Rows of the ticket list for a TicketQuery.

    Holds only the rows fetched so far (200 at a time, by offset, as the view scrolls) and
    their SLA clocks; painting never touches the database.

    ``reload``: called with a new query when a header is clicked (the section loads it in a
    worker and hands the result to ``set_page``); without one the model loads it itself.

    Signals:
        reloaded(): a new query's first page was applied
    """

    reloaded = Signal()

    COLUMNS = ("number", "subject", "customer", "priority", "status", "assignee", "opened",
               "left")

    def __init__(self, service, parent=None, *,
                 reload: Callable[[TicketQuery], None] | None = None):
        super().__init__(parent)
        self._service = service
        self._reload = reload
        self._query = TicketQuery()
        self._rows: list[TicketRow] = []
        self._clocks: list[SlaClock] = []
        self._has_more = False
        self._now = dt.datetime.now(dt.timezone.utc)  # the time the page was read at
        self._calendar: BusinessCalendar | None = None
        self._warn = 0.0
        self._day_seconds: float | None = None
        self._tz: dt.tzinfo = dt.timezone.utc
        self._headers = [self.tr("Number"), self.tr("Subject"), self.tr("Customer"),
                         self.tr("Priority"), self.tr("Status"), self.tr("Assignee"),
                         self.tr("Opened"), self.tr("Time left")]

    # -- loading ------------------------------------------------------------------------------

    @property
    def query(self) -> TicketQuery:
        return self._query

    @property
    def tz(self) -> dt.tzinfo:
        """The business-hours time zone every time is shown in."""
        return self._tz

    def set_page(self, query: TicketQuery, rows: list[TicketRow], *,
                 calendar: BusinessCalendar, warn_seconds: float, now: dt.datetime) -> None:
        """Show the first page of ``query`` (read at ``now``; more pages follow when
        ``rows`` is a full page)."""
        self.beginResetModel()
        self._query = query
        self._rows = list(rows)
        self._has_more = len(rows) >= PAGE_SIZE
        self._now = now
        self._calendar = calendar
        self._warn = warn_seconds
        self._tz = ZoneInfo(calendar.hours.tz)
        self._day_seconds = working_day_seconds(calendar)
        self._clocks = [clock_of(r, calendar, now, warn_seconds) for r in self._rows]
        self.endResetModel()
        self.reloaded.emit()

    def set_query(self, query: TicketQuery, now: dt.datetime | None = None) -> None:
        """Load the first page of ``query`` here, in the calling thread."""
        now = now or dt.datetime.now(dt.timezone.utc)
        service = self._service
        rows = service.page(query, offset=0, limit=PAGE_SIZE, now=now)
        self.set_page(query, rows, calendar=service.calendar(now),
                      warn_seconds=service.warn_seconds(), now=now)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._has_more

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or not self._has_more or self._calendar is None:
            return
        rows = self._service.page(self._query, offset=len(self._rows), limit=PAGE_SIZE,
                                  now=self._now)
        self._has_more = len(rows) >= PAGE_SIZE
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self._clocks.extend(clock_of(r, self._calendar, self._now, self._warn) for r in rows)
        self.endInsertRows()

    def refresh_clocks(self, now: dt.datetime) -> None:
        """Recompute the time left of the loaded rows at ``now`` (no database access) and
        repaint: the time-left column, or whole rows where a row's colour changed."""
        if not self._rows or self._calendar is None:
            return
        cal, warn = self._calendar, self._warn
        old = self._clocks
        # business time adds up: every running clock loses the same working time since the
        # last refresh (one difference for all rows, not one per row over its whole age)
        elapsed = cal.seconds_between(self._now, now) if self._now is not None else None
        self._clocks = new = [
            clock_of(r, cal, now, warn) if elapsed is None or c.seconds_left is None
            else c if c.paused else _advanced(c, elapsed, now, warn)
            for r, c in zip(self._rows, old)]
        self._now = now
        recoloured = any(a.state != b.state for a, b in zip(old, new))
        last = len(self._rows) - 1
        left = self.COLUMNS.index("left")
        self.dataChanged.emit(self.index(0, 0 if recoloured else left),
                              self.index(last, left),
                              [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole,
                               Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole])

    def row_at(self, row: int) -> TicketRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def clock_at(self, row: int) -> SlaClock | None:
        return self._clocks[row] if 0 <= row < len(self._clocks) else None

    def row_of(self, ticket_id) -> int:
        for i, r in enumerate(self._rows):
            if r.id == ticket_id:
                return i
        return -1

    @property
    def loaded(self) -> int:
        return len(self._rows)

    # -- Qt model -----------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            col = self.COLUMNS[section]
            if col == "opened":
                return self.tr("Times in the business-hours time zone (%1)").replace(
                    "%1", str(self._tz))
            if col == "left":
                return self.tr("Business time left to the running SLA deadline (the first "
                               "response, then the resolution)")
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "number":
                return row.number
            if col == "subject":
                return row.subject
            if col == "customer":
                return row.customer_name
            if col == "priority":
                return labels.label(labels.PRIORITIES, row.priority)
            if col == "status":
                return labels.label(labels.TICKET_STATUS, row.status)
            if col == "assignee":
                return row.assignee_name or self.tr("Unassigned")
            if col == "opened":
                return fmt.datetime_cell(row.opened_at, self._tz)
            return time_left_text(self._clocks[index.row()], self._day_seconds)
        if role == Qt.ItemDataRole.BackgroundRole:
            return state_background(self._clocks[index.row()])
        if role == Qt.ItemDataRole.ForegroundRole:
            clock = self._clocks[index.row()]
            if clock.paused:
                return QColor(PAUSED_TEXT)
            if col == "left" and clock.state in STATE_TEXT:
                return QColor(STATE_TEXT[clock.state])
            if col == "priority" and row.priority in PRIORITY_TEXT:
                return QColor(PRIORITY_TEXT[row.priority])
            if col == "assignee" and not row.assignee_name:
                return QColor(PAUSED_TEXT)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == "subject":
                return row.subject
            if col == "left":
                clock = self._clocks[index.row()]
                if clock.due is None:
                    return None
                due = fmt.datetime_long(clock.due, self._tz)
                if clock.target is None:
                    return self.tr("Resolution was due %1").replace("%1", due)
                return self.tr("%1 due %2").replace("%1", target_text(clock.target)) \
                    .replace("%2", due)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in ("number", "opened", "left"):
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return str(row.id)
        if role == ROW_ROLE:
            return row
        if role == CLOCK_ROLE:
            return self._clocks[index.row()]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sortable(self, column: int) -> bool:
        return 0 <= column < len(self.COLUMNS) and self.COLUMNS[column] in SORT_KEYS

    def sort_column(self) -> int:
        """The column the current query is sorted by."""
        for col, key in SORT_KEYS.items():
            if key == self._query.sort:
                return self.COLUMNS.index(col)
        return self.COLUMNS.index("left")

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column the service can sort by, and reload (number, customer, priority,
        status, opened; the time-left column sorts by the running due time)."""
        if not self.sortable(column):
            return
        query = dataclasses.replace(self._query, sort=SORT_KEYS[self.COLUMNS[column]],
                                    descending=order == Qt.SortOrder.DescendingOrder)
        if query == self._query:
            return
        if self._reload is not None:
            self._reload(query)
        else:
            self.set_query(query)
