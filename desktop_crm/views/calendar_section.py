"""The Calendar section: the today list (the start page), day, week and month grids and the
agenda; navigation (today, previous, next, jump to a date); filters by owner and type; drag
and resize saved at once; the follow-up form; print and .ics export; the cadence and the
holiday calendar.

Loading runs in the background with a generation number (a late answer for an older period
is dropped); a drag or resize is saved on the UI thread (one small write) and the item is
replaced by the stored one, or put back when the save is refused.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from dataclasses import dataclass

from PySide6.QtCore import QDate, QLocale, QThreadPool, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap, QIcon
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QButtonGroup, QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QLabel, QMenu, QMessageBox,
    QPushButton, QStackedWidget, QToolButton, QVBoxLayout, QWidget,
)

from desktop_crm.services.calendar_items import ACTIVITY_TYPES, CalendarItem
from desktop_crm.services.container import Services
from desktop_crm.services.errors import ChangeSet, ConflictError, ServiceError
from desktop_crm.services.followups import TodayList
from desktop_crm.services.periods import add_months, local_midnight, month_start, to_utc
from desktop_crm.services.shared_settings import MANAGER_ROLES

from . import calendar_views, fmt, labels
from .activity_dialog import ActivityDialog, CompleteDialog
from .calendar_pages import AgendaView, TodayPanel, agenda_document
from .calendar_settings import CadenceDialog, HolidaysDialog
from .calendar_views import TYPE_COLOURS, MonthGrid, TimeGrid, week_start
from .workers import Worker, guarded
from .widgets import font_px

TODAY, DAY, WEEK, MONTH, AGENDA = "today", "day", "week", "month", "agenda"
VIEWS = (TODAY, DAY, WEEK, MONTH, AGENDA)
AGENDA_LIMIT = 2000  # rows the agenda lists; a busier period asks for a narrower filter


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Loaded:
    generation: int
    view: str
    start: dt.date
    end: dt.date  # exclusive
    items: list
    marks: dict
    extra: object  # the month's day totals, or the today list's neglected customers
    now: dt.datetime


def period(view: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the days a view shows around ``anchor`` (weeks start on the user's
    first weekday; the month grid shows six whole weeks)."""
    if view == DAY:
        return anchor, anchor + dt.timedelta(days=1)
    if view == WEEK:
        start = week_start(anchor)
        return start, start + dt.timedelta(days=7)
    if view == MONTH:
        first = month_start(anchor)
        start = week_start(first)
        return start, start + dt.timedelta(days=42)
    if view == AGENDA:
        return month_start(anchor), add_months(anchor, 1)
    return anchor, anchor + dt.timedelta(days=1)


def _swatch(colour: str) -> QIcon:
    pm = QPixmap(12, 12)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(colour))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(1, 1, 10, 10)
    p.end()
    return QIcon(pm)


class CalendarSection(QWidget):
    """Signals:
        data_changed(object): a ChangeSet after a change (activities, interactions)
        status_message(str): a line for the status bar
        loaded(): the current view shows the current filter's follow-ups
        neglected_loaded(): the today page lists the neglected customers
        overdue_changed(int): the user's (or team's) overdue follow-ups
        customer_requested(object): open this customer id
    """

    data_changed = Signal(object)
    status_message = Signal(str)
    loaded = Signal()
    neglected_loaded = Signal()
    overdue_changed = Signal(int)
    customer_requested = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None, *, now=None):
        super().__init__(parent)
        from desktop_crm.services.settings import Settings

        calendar_views.set_first_weekday(Settings().get("week_start"))
        self.services = services
        self.f = services.followups
        self.tz = self.f.tz
        self.now = now or _utcnow
        self.manager = services.user.role in MANAGER_ROLES
        self.view = TODAY
        self.anchor = self.now().astimezone(self.tz).date()
        self._generation = 0
        self._neglected_generation = 0
        self._neglected: tuple[str, list] | None = None  # (owner filter, rows) while valid
        self._workers: set[Worker] = set()
        self.items: list[CalendarItem] = []
        self.marks: dict = {}

        # -- navigation
        self.today_button = QPushButton(self.tr("Today"))
        self.today_button.clicked.connect(self.go_today)
        self.prev_button = QToolButton()
        self.prev_button.setText("‹")
        self.prev_button.setToolTip(self.tr("Previous"))
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QToolButton()
        self.next_button.setText("›")
        self.next_button.setToolTip(self.tr("Next"))
        self.next_button.clicked.connect(lambda: self.step(1))
        for b in (self.prev_button, self.next_button):
            b.setStyleSheet(f"QToolButton {{ font-size: {font_px(1.5)}px; padding: 0 10px; }}")
        self.title = QLabel()
        font = self.title.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.title.setFont(font)
        self.jump = QDateEdit()
        self.jump.setCalendarPopup(True)
        self.jump.setDisplayFormat("yyyy-MM-dd")
        self.jump.setToolTip(self.tr("Go to date"))
        self.jump.calendarWidget().setFirstDayOfWeek(Qt.DayOfWeek(calendar_views.FIRST_WEEKDAY + 1))
        self.jump.dateChanged.connect(self._jumped)

        self.view_buttons: dict[str, QToolButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        view_row = QHBoxLayout()
        view_row.setSpacing(0)
        for code, text in zip(VIEWS, (self.tr("Today list"), self.tr("Day"), self.tr("Week"),
                                      self.tr("Month"), self.tr("Agenda"))):
            b = QToolButton()
            b.setText(text)
            b.setCheckable(True)
            b.setObjectName(f"view-{code}")
            b.setStyleSheet("QToolButton { padding: 4px 12px; }"
                            "QToolButton:checked { background: #2563eb; color: white; }")
            b.clicked.connect(lambda _c=False, v=code: self.set_view(v))
            group.addButton(b)
            view_row.addWidget(b)
            self.view_buttons[code] = b

        # -- filters
        self.owner = QComboBox()
        self.owner.addItem(self.tr("My follow-ups"), str(services.user.id))
        team = services.user.team
        if team and self.manager:
            self.owner.addItem(self.tr("My team (%1)").replace("%1", team), f"team:{team}")
        if self.manager:
            self.owner.addItem(self.tr("Everyone"), "")
        for u in services.users.list():
            if u.id != services.user.id:
                self.owner.addItem(u.display_name, str(u.id))
        # a salesperson sees their own, a manager their team, an admin (also the one person
        # of a single-desk install) everyone's
        default = f"team:{team}" if self.manager and team else (
            "" if services.user.role == "admin" else str(services.user.id))
        self.owner.setCurrentIndex(max(0, self.owner.findData(default)))
        self.owner.currentIndexChanged.connect(lambda _i: self.reload())
        self.types = QToolButton()
        self.types.setText(self.tr("Types"))
        self.types.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.types)
        self.type_actions = {}
        for code in ACTIVITY_TYPES:
            act = menu.addAction(_swatch(TYPE_COLOURS[code]),
                                 labels.label(labels.ACTIVITY_TYPES, code))
            act.setCheckable(True)
            act.setChecked(True)
            act.toggled.connect(lambda _on: self._types_changed())
            self.type_actions[code] = act
        self.types.setMenu(menu)

        self.new_button = QPushButton(self.tr("New follow-up"))
        self.new_button.clicked.connect(lambda: self.new_activity())
        self.more = QToolButton()
        self.more.setText(self.tr("More"))
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more = QMenu(self.more)
        more.addAction(self.tr("Print agenda…"), self.print_agenda)
        more.addAction(self.tr("Save agenda as PDF…"), self.save_agenda_pdf)
        more.addAction(self.tr("Export to calendar file (.ics)…"), self.export_ics)
        more.addSeparator()
        more.addAction(self.tr("Follow-up cadence…"), self.edit_cadence)
        more.addAction(self.tr("Holiday calendar…"), self.edit_holidays)
        self.more.setMenu(more)

        # two rows, so the section fits a 1200-pixel window
        top = QHBoxLayout()
        for w in (self.today_button, self.prev_button, self.next_button):
            top.addWidget(w)
        top.addWidget(self.title, 1)
        top.addWidget(self.jump)
        top.addSpacing(12)
        top.addLayout(view_row)
        second = QHBoxLayout()
        second.addWidget(self.owner)
        second.addWidget(self.types)
        second.addSpacing(12)

        # -- pages
        self.today_panel = TodayPanel(self.tz)
        self.grid = TimeGrid(tz=self.tz, now=self.now)
        self.month = MonthGrid(tz=self.tz, now=self.now)
        self.agenda = AgendaView(self.tz)
        self.stack = QStackedWidget()
        for w in (self.today_panel, self.grid, self.month, self.agenda):
            self.stack.addWidget(w)
        overdue, off, holiday = self.tr("Overdue"), self.tr("Off"), self.tr("Holiday")
        work, worked = self.tr("Work"), self.tr("Weekend working day")
        self.legend = QLabel("&nbsp;&nbsp;".join(
            [f"<span style='color:{TYPE_COLOURS[c]}'>●</span> "
             f"{labels.label(labels.ACTIVITY_TYPES, c)}" for c in ACTIVITY_TYPES]
            + [f"<span style='color:#c62828'>▮</span> {overdue}",
               f"<span style='color:#dc2626'>{off}</span> {holiday}",
               f"<span style='color:#2563eb'>{work}</span> {worked}"]))
        self.legend.setStyleSheet("color: #475569;")
        self.message = QLabel()
        self.message.setStyleSheet("color: #c62828;")
        self.message.setWordWrap(True)
        self.message.hide()

        second.addWidget(self.legend, 1)
        second.addWidget(self.new_button)
        second.addWidget(self.more)
        self.title.setMinimumWidth(80)
        self.owner.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.owner.setMinimumContentsLength(10)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(second)
        lay.addWidget(self.message)
        lay.addWidget(self.stack, 1)

        for grid in (self.grid, self.month):
            grid.item_activated.connect(lambda aid: self.open_activity(uuid.UUID(aid)))
            grid.item_moved.connect(self._moved)
        self.grid.slot_activated.connect(lambda start: self.new_activity(start=start))
        self.month.day_activated.connect(self._new_on_day)
        self.month.more_clicked.connect(lambda day: self.show_day(day))
        self.agenda.item_activated.connect(lambda aid: self.open_activity(uuid.UUID(aid)))
        tp = self.today_panel
        tp.done_requested.connect(self.quick_done)
        tp.note_requested.connect(self.complete_with_note)
        tp.tomorrow_requested.connect(self.to_tomorrow)
        tp.open_requested.connect(self.open_activity)
        tp.plan_requested.connect(self._plan_for)
        tp.customer_requested.connect(self.customer_requested)

        self._clock = QTimer(self)  # the today list turns over at midnight, overdue by the minute
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._day = self.anchor
        self.set_view(TODAY)

    # -- filters ----------------------------------------------------------------------------------

    def scope(self) -> tuple[uuid.UUID | None, str | None]:
        data = self.owner.currentData()
        if data.startswith("team:"):
            return None, data[5:]
        return (uuid.UUID(data) if data else None), None

    def selected_types(self) -> list[str] | None:
        chosen = [c for c, a in self.type_actions.items() if a.isChecked()]
        return None if len(chosen) == len(ACTIVITY_TYPES) else chosen

    def _types_changed(self) -> None:
        chosen = self.selected_types()
        self.types.setText(self.tr("Types") if chosen is None else
                           self.tr("Types (%1)").replace("%1", str(len(chosen))))
        self.reload()

    # -- navigation -------------------------------------------------------------------------------

    def set_view(self, view: str) -> None:
        self.view = view
        self.view_buttons[view].setChecked(True)
        page = {TODAY: self.today_panel, DAY: self.grid, WEEK: self.grid, MONTH: self.month,
                AGENDA: self.agenda}[view]
        self.stack.setCurrentWidget(page)
        for w in (self.prev_button, self.next_button, self.jump):
            w.setEnabled(view != TODAY)
        self.reload()

    def go_today(self) -> None:
        self.anchor = self.now().astimezone(self.tz).date()
        self.reload()

    def step(self, direction: int) -> None:
        if self.view == DAY:
            self.anchor += dt.timedelta(days=direction)
        elif self.view == WEEK:
            self.anchor += dt.timedelta(days=7 * direction)
        elif self.view in (MONTH, AGENDA):
            self.anchor = add_months(self.anchor, direction)
        self.reload()

    def go_to(self, day: dt.date) -> None:
        self.anchor = day
        self.reload()

    def show_day(self, day: dt.date) -> None:
        self.anchor = day
        self.set_view(DAY)

    def _jumped(self, qdate: QDate) -> None:
        day = qdate.toPython()
        if day != self.anchor and self.view != TODAY:
            self.go_to(day)

    def _title(self, start: dt.date, end: dt.date) -> str:
        if self.view == TODAY:
            return self.tr("Today")
        if self.view == DAY:
            return fmt.weekday_date_long(start)
        if self.view == WEEK:
            last = end - dt.timedelta(days=1)
            return self.tr("%1 – %2").replace("%1", fmt.day_month(start)) \
                .replace("%2", fmt.date_long(last))
        return fmt.month_long(self.anchor)

    # -- loading ----------------------------------------------------------------------------------

    def refresh(self, changes: ChangeSet | None = None) -> None:
        if changes is None or changes.kinds & {"activities", "customers", "interactions",
                                               "opportunities"}:
            self._neglected = None
            self.reload()

    def reload(self) -> None:
        """Load what the current view shows, in the background."""
        self._generation += 1
        generation, view, anchor = self._generation, self.view, self.anchor
        start, end = period(view, anchor)
        self.title.setText(self._title(start, end))
        self.jump.blockSignals(True)
        self.jump.setDate(QDate(anchor.year, anchor.month, anchor.day))
        self.jump.blockSignals(False)
        owner_id, team = self.scope()
        types = self.selected_types()
        now = self.now()
        f, tz = self.f, self.tz
        language = QLocale().name()
        holidays = self.services.holidays

        def work() -> Loaded:
            if view == TODAY:
                items = f.today(owner_id=owner_id, team=team, now=now)
                if types is not None:
                    items = TodayList([i for i in items.today if i.type in types],
                                      [i for i in items.overdue if i.type in types],
                                      items.overdue_total)
                return Loaded(generation, view, start, end, items, {}, None, now)
            marks = holidays.marks(start, end - dt.timedelta(days=1), language)
            if view == MONTH:  # a few per day and the day's total: cost by days, not items
                items, counts = f.month_items(start, end, owner_id=owner_id, team=team,
                                              types=types, now=now)
                return Loaded(generation, view, start, end, items, marks, counts, now)
            lo = local_midnight(start, tz)
            hi = local_midnight(end, tz)
            limit = AGENDA_LIMIT if view == AGENDA else None
            items = f.items(lo, hi, owner_id=owner_id, team=team, types=types, now=now,
                            limit=limit)
            return Loaded(generation, view, start, end, items, marks, None, now)

        self._run(work, self._loaded)

    def _run(self, fn, done) -> None:
        worker = Worker(fn)
        self._workers.add(worker)
        worker.signals.finished.connect(guarded(self, done))
        worker.signals.failed.connect(guarded(self, self._failed))
        worker.signals.finished.connect(lambda _r: self._workers.discard(worker))
        worker.signals.failed.connect(lambda _e: self._workers.discard(worker))
        QThreadPool.globalInstance().start(worker)

    def _failed(self, exc) -> None:
        self.message.setText(self.tr("Could not load the calendar: %1").replace("%1", str(exc)))
        self.message.show()

    def _loaded(self, got: Loaded) -> None:
        if got.generation != self._generation:
            return  # an answer for a period no longer shown
        self.message.hide()
        self.marks = got.marks
        self.items = got.items.items if got.view == TODAY else got.items
        if got.view == TODAY:
            self.today_panel.set_items(got.items, got.now)
            self._load_neglected(got.now)
        elif got.view in (DAY, WEEK):
            self.grid.set_range(got.start, (got.end - got.start).days)
            self.grid.set_marks(got.marks)
            self.grid.set_items(got.items)
        elif got.view == MONTH:
            self.month.set_month(self.anchor.year, self.anchor.month)
            self.month.set_marks(got.marks)
            self.month.set_items(got.items, got.extra)
        else:
            self.agenda.set_items(got.items, got.marks, limited=len(got.items) >= AGENDA_LIMIT)
        self.loaded.emit()
        self.update_overdue()

    def _load_neglected(self, now: dt.datetime) -> None:
        """The neglected customers beside the today list: their own worker, after the list
        (a salesperson's 20,000 customers take a second), and kept until something changes."""
        key = self.owner.currentData()
        if self._neglected is not None and self._neglected[0] == key:
            self.today_panel.set_neglected(self._neglected[1], now)
            return
        self._neglected_generation += 1
        generation = self._neglected_generation
        owner_id, team = self.scope()
        f = self.f

        def done(rows) -> None:
            if generation != self._neglected_generation:
                return
            self._neglected = (key, rows)
            self.today_panel.set_neglected(rows, now)
            self.neglected_loaded.emit()

        self.today_panel.neglected_note.setText(self.tr("Looking for neglected customers…"))
        self._run(lambda: f.neglected(owner_id=owner_id, team=team, now=now), done)

    def update_overdue(self) -> None:
        """The navigation counts what needs this user, whatever the filter shows: their own
        overdue follow-ups, or their team's for a manager of a team."""
        user = self.services.user
        owner_id, team = (None, user.team) if user.role == "manager" and user.team \
            else (user.id, None)
        now = self.now()
        self._run(lambda: self.f.overdue_count(owner_id=owner_id, team=team, now=now),
                  self.overdue_changed.emit)

    def _tick(self) -> None:
        today = self.now().astimezone(self.tz).date()
        if today != self._day:
            self._day = today
            if self.view == TODAY:
                self.anchor = today
            self.reload()
        else:
            self.update_overdue()

    # -- changes ----------------------------------------------------------------------------------

    def _changed(self, text: str = "") -> None:
        self._neglected = None
        if text:
            self.status_message.emit(text)
        self.data_changed.emit(ChangeSet.of("activities", "interactions"))
        self.reload()

    def _refused(self, err: Exception) -> None:
        if isinstance(err, ConflictError):
            text = self.tr("Someone else changed this follow-up meanwhile; the calendar was "
                           "reloaded. Try again.")
        else:
            text = str(err)
        self.message.setText(text)
        self.message.show()
        self.reload()

    def _moved(self, activity_id: str, start: dt.datetime, duration: int) -> None:
        """A drag or resize in a grid: save it at once."""
        aid = uuid.UUID(activity_id)
        item = next((i for i in self.items if i.id == aid), None)
        if item is None:
            return
        try:
            saved = self.f.move(aid, item.version, start, duration, now=self.now())
        except ServiceError as err:
            self._refused(err)
            return
        self.items = [saved if i.id == aid else i for i in self.items]
        widget = self.month if self.view == MONTH else self.grid
        widget.replace_item(saved)
        self.status_message.emit(self.tr("“%1” moved to %2").replace("%1", saved.subject)
                                 .replace("%2", fmt.datetime_long(saved.start, self.tz)))
        self.data_changed.emit(ChangeSet.of("activities"))
        self.update_overdue()

    def quick_done(self, item: CalendarItem) -> None:
        try:
            res = self.f.complete(item.id, item.version, now=self.now(), texts={
                "cadence_subject": self.tr("Follow up with {customer}")})
        except ServiceError as err:
            self._refused(err)
            return
        text = self.tr("“%1” done").replace("%1", item.subject)
        if res.next is not None:
            text += self.tr("; next follow-up on %1").replace(
                "%1", fmt.date_long(res.next.start, tz=self.tz))
        self._changed(text)

    def complete_with_note(self, item: CalendarItem) -> CompleteDialog:
        dlg = CompleteDialog(self.services, item, parent=self, now=self.now)
        dlg.accepted.connect(lambda: self._changed(self.tr("“%1” done").replace(
            "%1", item.subject)))
        dlg.open()
        return dlg

    def to_tomorrow(self, item: CalendarItem) -> None:
        try:
            moved = self.f.tomorrow(item.id, item.version, now=self.now())
        except ServiceError as err:
            self._refused(err)
            return
        self._changed(self.tr("“%1” moved to %2").replace("%1", item.subject).replace(
            "%2", fmt.datetime_long(moved.start, self.tz)))

    # -- the form ---------------------------------------------------------------------------------

    def new_activity(self, start: dt.datetime | None = None,
                     customer: tuple[uuid.UUID, str] | None = None) -> ActivityDialog:
        dlg = ActivityDialog(self.services, start=start, customer=customer, parent=self)
        dlg.changed.connect(lambda: self._changed(self.tr("Follow-up saved")))
        dlg.open()
        return dlg

    def _new_on_day(self, day: dt.date) -> None:
        self.new_activity(start=to_utc(dt.datetime.combine(day, dt.time(9, 0)), self.tz))

    def _plan_for(self, n) -> None:
        start = max(self.now(), n.due).astimezone(self.tz).replace(minute=0, second=0,
                                                                   microsecond=0)
        start = to_utc(dt.datetime.combine(start.date(), dt.time(10, 0)), self.tz) \
            if start.hour >= 17 or start.hour < 9 else start + dt.timedelta(hours=1)
        self.new_activity(start=start, customer=(n.customer_id, n.name))

    def open_activity(self, activity_id: uuid.UUID) -> ActivityDialog | None:
        try:
            detail = self.f.get(activity_id)
        except ServiceError as err:
            self._refused(err)
            return None
        dlg = ActivityDialog(self.services, detail=detail, parent=self)
        dlg.changed.connect(lambda: self._changed(self.tr("Follow-up saved")))
        dlg.open()
        return dlg

    # -- print and export -------------------------------------------------------------------------

    def print_period(self) -> tuple[dt.date, dt.date]:
        """What Print and Export cover: the month in the month and agenda views, else the
        week shown (the today list: this week)."""
        if self.view in (MONTH, AGENDA):
            return month_start(self.anchor), add_months(self.anchor, 1)
        return period(WEEK, self.anchor)

    def _bounds(self, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return (local_midnight(start, self.tz),
                local_midnight(end, self.tz))

    def agenda_doc(self):
        start, end = self.print_period()
        lo, hi = self._bounds(start, end)
        owner_id, team = self.scope()
        entries = self.f.agenda(lo, hi, owner_id=owner_id, team=team,
                                types=self.selected_types())
        marks = self.services.holidays.marks(start, end - dt.timedelta(days=1),
                                             QLocale().name())
        title = self.tr("Agenda: %1").replace("%1", self.owner.currentText())
        subtitle = self.tr("%1 to %2 · %n follow-up(s)", "", len(entries)).replace(
            "%1", fmt.date_long(start)).replace("%2", fmt.date_long(end - dt.timedelta(days=1)))
        return agenda_document(entries, marks, self.tz, title=title, subtitle=subtitle)

    def print_agenda(self) -> None:
        doc = self.agenda_doc()
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        preview = QPrintPreviewDialog(printer, self)
        preview.setWindowTitle(self.tr("Print agenda"))
        preview.paintRequested.connect(doc.print_)
        preview.exec()

    def save_agenda_pdf(self, path: str | None = None) -> str | None:
        if path is None:
            start, _end = self.print_period()
            path, _f = QFileDialog.getSaveFileName(
                self, self.tr("Save agenda as PDF"), f"agenda-{start:%Y-%m}.pdf",
                self.tr("PDF files (*.pdf)"))
            if not path:
                return None
        doc = self.agenda_doc()
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        tmp = _temp_beside(path)
        printer.setOutputFileName(tmp)
        doc.print_(printer)
        os.replace(tmp, path)
        self.status_message.emit(self.tr("Agenda saved to %1").replace("%1", path))
        return path

    def export_ics(self, path: str | None = None) -> str | None:
        start, end = self.print_period()
        if path is None:
            path, _f = QFileDialog.getSaveFileName(
                self, self.tr("Export follow-ups"), f"follow-ups-{start:%Y-%m}.ics",
                self.tr("Calendar files (*.ics)"))
            if not path:
                return None
        lo, hi = self._bounds(start, end)
        owner_id, team = self.scope()
        names = {c: labels.label(labels.ACTIVITY_TYPES, c) for c in ACTIVITY_TYPES}
        try:
            data = self.f.export_ics(lo, hi, owner_id=owner_id, team=team, labels=names)
            tmp = _temp_beside(path)
            with open(tmp, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except (OSError, ServiceError) as err:
            QMessageBox.warning(self, self.tr("Export follow-ups"),
                                self.tr("Could not write %1: %2").replace("%1", path)
                                .replace("%2", str(err)))
            return None
        self.status_message.emit(self.tr("Follow-ups exported to %1").replace("%1", path))
        return path

    # -- settings ---------------------------------------------------------------------------------

    def edit_cadence(self) -> CadenceDialog:
        dlg = CadenceDialog(self.services, parent=self)
        dlg.accepted.connect(self.reload)
        dlg.open()
        return dlg

    def edit_holidays(self) -> HolidaysDialog:
        dlg = HolidaysDialog(self.services, self.anchor.year, parent=self)
        dlg.finished.connect(lambda _r: self.reload())
        dlg.open()
        return dlg


def _temp_beside(path: str) -> str:
    """A new temporary file in the target's folder (so the final rename is atomic)."""
    fd, tmp = tempfile.mkstemp(prefix=".desktop-crm-", suffix=".part",
                               dir=os.path.dirname(os.path.abspath(path)))
    os.close(fd)
    return tmp
