"""The Tickets section: the service desk's list with SLA clocks, its filters, and the ticket
forms.

The list loads in a worker thread (the first page of 200 and the count); the newest request
wins (a generation counter) and a result arriving after the section is gone is dropped. Every
minute the time left of the loaded rows is recomputed from the rows and the business calendar
(no database access), so the colours follow the clock without reloading.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QThreadPool, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableView,
    QVBoxLayout, QWidget,
)

from desktop_crm.services.container import Services
from desktop_crm.services.errors import ChangeSet
from desktop_crm.services.shared_settings import MANAGER_ROLES
from desktop_crm.services.tickets import OPEN, PRIORITIES, STATUSES, TicketQuery

from . import labels
from .itemmodels.ticket_table import PAGE_SIZE, TicketTableModel
from .sla_settings import SlaSettingsDialog
from .ticket_dialog import NewTicketDialog, TicketDialog
from .workers import Worker, guarded
from . import ui_state
from .widgets import row_height, scaled

CLOCK_INTERVAL_MS = 60_000
SEARCH_DELAY_MS = 250


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclasses.dataclass(frozen=True)
class Loaded:
    generation: int
    query: TicketQuery
    rows: list
    total: int
    calendar: object
    warn_seconds: float
    now: dt.datetime


class TicketsSection(QWidget):
    """Signals:
        data_changed(object): a ChangeSet ("tickets") after a new ticket or a saved action
        status_message(str): a line for the status bar
        loaded(): the list shows the current filter's tickets
        customer_requested(object): a customer id to show (from a ticket's form)
    """

    data_changed = Signal(object)
    status_message = Signal(str)
    loaded = Signal()
    customer_requested = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None, *,
                 now: Callable[[], dt.datetime] | None = None):
        super().__init__(parent)
        self.services = services
        self.now = now or _utcnow
        self.manager = services.user.role in MANAGER_ROLES
        self._generation = 0
        self._workers: set[Worker] = set()
        self.total = 0
        self.dialogs: list[TicketDialog] = []

        # -- filters
        self.status = QComboBox()
        self.status.addItem(self.tr("Open"), "open")
        for code in STATUSES:
            self.status.addItem(labels.label(labels.TICKET_STATUS, code), code)
        self.status.addItem(self.tr("All statuses"), "all")
        self.status.setToolTip(self.tr("Open: new, in progress and waiting on the customer"))
        self.priority = QComboBox()
        self.priority.addItem(self.tr("All priorities"), "")
        for code in reversed(PRIORITIES):
            self.priority.addItem(labels.label(labels.PRIORITIES, code), code)
        self.assignee = QComboBox()
        self.assignee.addItem(self.tr("Everyone"), "")
        self.assignee.addItem(self.tr("Unassigned"), "none")
        self.assignee.addItem(self.tr("Me"), str(services.user.id))
        for u in services.users.list():
            if u.id != services.user.id:
                self.assignee.addItem(u.display_name, str(u.id))
        # service staff see their own tickets first, everyone else the whole desk
        if services.user.role == "service":
            self.assignee.setCurrentIndex(self.assignee.findData(str(services.user.id)))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search number, subject or customer"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.breached = QCheckBox(self.tr("Breached"))
        self.breached.setToolTip(self.tr("Open tickets past their SLA deadline"))
        self.due_soon = QCheckBox(self.tr("Due soon"))
        self.due_soon.setToolTip(self.tr("Open tickets within the warning time of their "
                                         "SLA deadline"))
        self.count_label = QLabel()
        self.count_label.setObjectName("ticketCount")
        self.new_button = QPushButton(self.tr("New ticket…"))
        self.new_button.clicked.connect(lambda: self.new_ticket())
        self.settings_button = QPushButton(self.tr("SLA settings…"))
        self.settings_button.setToolTip(
            self.tr("Business hours, targets and escalation") if self.manager else
            self.tr("Business hours, targets and escalation (a manager changes them)"))
        self.settings_button.clicked.connect(self.edit_settings)

        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addSpacing(12)
        for w in (self.status, self.priority, self.assignee, self.search, self.breached,
                  self.due_soon):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addSpacing(12)
        bar.addWidget(self.settings_button)

        # -- the list
        self.model = TicketTableModel(services.tickets, self, reload=self._sorted)
        self.table = QTableView()
        self.table.setObjectName("ticketTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(row_height(self.table, 26))
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort_clicked)
        header.setStretchLastSection(False)
        for col, width in enumerate((90, 380, 240, 70, 120, 110, 130, 170)):
            self.table.setColumnWidth(col, scaled(self.table, width))
        header.setSectionResizeMode(1, header.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._activated)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.open_current,
                  context=Qt.ShortcutContext.WidgetShortcut)
        hint = QLabel(self.tr("Time left counts business hours. Amber: due soon; red: past "
                              "the deadline; grey: waiting on the customer (the clock is "
                              "paused). Double-click a ticket to open it."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #64748b;")

        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(hint)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.status, self.priority, self.assignee):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        for box in (self.breached, self.due_soon):
            box.toggled.connect(lambda _on: self.reload())

        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(CLOCK_INTERVAL_MS)
        self.clock_timer.timeout.connect(self.tick)
        self.clock_timer.start()
        self.reload()
        ui_state.install_column_menu(self.table.horizontalHeader())
        ui_state.remember_header(self.table.horizontalHeader(), "tickets/table")

    # -- loading ------------------------------------------------------------------------------

    def show_filtered(self, *, assignee_id: uuid.UUID | None = None, status: str = "open",
                      breached: bool = False, due_soon: bool = False) -> None:
        """Show the tickets of one assignee (None: everyone) in a status ("open", a status
        code or "all"), breached or due soon only; the other filters are cleared (the Home
        section's tiles open the tickets behind them this way)."""
        widgets = (self.status, self.priority, self.assignee, self.search, self.breached,
                   self.due_soon)
        for w in widgets:
            w.blockSignals(True)
        self.status.setCurrentIndex(max(0, self.status.findData(status)))
        self.priority.setCurrentIndex(0)
        self.assignee.setCurrentIndex(max(0, self.assignee.findData(
            str(assignee_id) if assignee_id else "")))
        self.search.clear()
        self.breached.setChecked(breached)
        self.due_soon.setChecked(due_soon)
        for w in widgets:
            w.blockSignals(False)
        self.reload()

    def current_query(self) -> TicketQuery:
        code = self.status.currentData()
        statuses = OPEN if code == "open" else () if code == "all" else (code,)
        priority = self.priority.currentData()
        assignee = self.assignee.currentData()
        return TicketQuery(
            statuses=statuses, priorities=(priority,) if priority else (),
            assignee_id=uuid.UUID(assignee) if assignee and assignee != "none" else None,
            unassigned=assignee == "none", text=self.search.text().strip(),
            breached=self.breached.isChecked(), due_soon=self.due_soon.isChecked(),
            sort=self.model.query.sort, descending=self.model.query.descending)

    def reload(self, query: TicketQuery | None = None) -> None:
        """Load the first page and the count for the current filters (or ``query``) in a
        worker; the newest request wins."""
        self._search_timer.stop()
        self._generation += 1
        generation = self._generation
        query = query or self.current_query()
        tickets = self.services.tickets
        now = self.now()

        def work() -> Loaded:
            calendar = tickets.calendar(now)
            warn = tickets.warn_seconds()
            rows = tickets.page(query, offset=0, limit=PAGE_SIZE, now=now)
            total = len(rows) if len(rows) < PAGE_SIZE else tickets.count(query, now=now)
            return Loaded(generation, query, rows, total, calendar, warn, now)

        self.count_label.setText(self.tr("Loading…"))
        worker = Worker(work)
        worker.signals.finished.connect(guarded(self, self._loaded))
        worker.signals.failed.connect(guarded(self, lambda exc: self._failed(generation, exc)))
        self._workers.add(worker)
        worker.signals.finished.connect(lambda _r: self._workers.discard(worker))
        worker.signals.failed.connect(lambda _e: self._workers.discard(worker))
        QThreadPool.globalInstance().start(worker)

    def _loaded(self, got: Loaded) -> None:
        if got.generation != self._generation:
            return  # an answer for an older filter
        selected = self.selected_id()
        self.model.set_page(got.query, got.rows, calendar=got.calendar,
                            warn_seconds=got.warn_seconds, now=got.now)
        self._show_sort()
        self.total = got.total
        self.count_label.setText(self.tr("%n ticket(s)", "", got.total))
        if selected is not None:
            self.select(selected)
        self.loaded.emit()

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self.count_label.setText(self.tr("Could not load the tickets"))
            self.status_message.emit(self.tr("Could not load the tickets: %1")
                                     .replace("%1", str(exc)))

    def _sorted(self, query: TicketQuery) -> None:
        """A header was clicked: reload with the filters and that sort order."""
        self.reload(dataclasses.replace(self.current_query(), sort=query.sort,
                                        descending=query.descending))

    def _sort_clicked(self, column: int, order: Qt.SortOrder) -> None:
        if self.model.sortable(column):
            self.model.sort(column, order)
        else:
            self._show_sort()

    def _show_sort(self) -> None:
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(self.model.sort_column(),
                                Qt.SortOrder.DescendingOrder if self.model.query.descending
                                else Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    def tick(self) -> None:
        """Every minute: the time left of the loaded rows, without a reload."""
        self.model.refresh_clocks(self.now())

    def refresh(self, changes: ChangeSet | None = None) -> None:
        """Another part of the app changed data: reload when it concerns tickets, customers
        (names) or the team's settings."""
        if changes is None or changes.kinds & {"tickets", "customers", "users", "settings"}:
            self.reload()

    # -- selection ----------------------------------------------------------------------------

    def selected_id(self) -> uuid.UUID | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() \
            else []
        row = self.model.row_at(rows[0].row()) if rows else None
        return row.id if row else None

    def select(self, ticket_id: uuid.UUID) -> bool:
        """Select the ticket's row when it is listed."""
        r = self.model.row_of(ticket_id)
        if r < 0:
            return False
        index = self.model.index(r, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def _activated(self, index) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_ticket(row.id)

    def open_current(self) -> TicketDialog | None:
        ticket_id = self.selected_id()
        return self.open_ticket(ticket_id) if ticket_id else None

    # -- forms --------------------------------------------------------------------------------

    def open_ticket(self, ticket_id: uuid.UUID) -> TicketDialog:
        """The ticket's form; whatever is saved there reloads the list."""
        dlg = TicketDialog(self.services, ticket_id, self, now=self.now)
        dlg.changed.connect(self._ticket_changed)
        dlg.customer_requested.connect(self._customer_requested)
        dlg.ticket_requested.connect(self.open_ticket)
        dlg.finished.connect(lambda _r: self.dialogs.remove(dlg) if dlg in self.dialogs
                             else None)
        self.dialogs.append(dlg)
        dlg.open()
        return dlg

    def show_ticket(self, ticket_id: uuid.UUID) -> TicketDialog:
        """Select the ticket in the list (when the filters show it) and open its form."""
        self.select(ticket_id)
        return self.open_ticket(ticket_id)

    def new_ticket(self, customer_id: uuid.UUID | None = None, customer_name: str = "",
                   interaction_id: uuid.UUID | None = None, subject: str = "",
                   description: str = "") -> NewTicketDialog:
        dlg = NewTicketDialog(self.services, self, customer_id=customer_id,
                              customer_name=customer_name, interaction_id=interaction_id,
                              subject=subject, description=description, now=self.now)
        dlg.saved.connect(self._created)
        dlg.open()
        return dlg

    def _created(self, row) -> None:
        self.status_message.emit(self.tr("Ticket %1 opened for %2").replace("%1", row.number)
                                 .replace("%2", row.customer_name))
        self.data_changed.emit(ChangeSet.of("tickets"))
        self._reselect_after_load(row.id)
        self.reload()

    def _ticket_changed(self) -> None:
        self.data_changed.emit(ChangeSet.of("tickets"))
        self.reload()

    def _reselect_after_load(self, ticket_id: uuid.UUID) -> None:
        def once() -> None:
            self.loaded.disconnect(once)
            self.select(ticket_id)
        self.loaded.connect(once)

    def _customer_requested(self, customer_id) -> None:
        self.customer_requested.emit(customer_id)

    def edit_settings(self) -> SlaSettingsDialog:
        dlg = SlaSettingsDialog(self.services, self)
        dlg.accepted.connect(self._settings_saved)
        dlg.open()
        return dlg

    def _settings_saved(self) -> None:
        self.status_message.emit(self.tr("SLA settings saved"))
        self.reload()
