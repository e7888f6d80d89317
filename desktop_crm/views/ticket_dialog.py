"""The ticket forms: a new ticket, the detail form (the conversation, the workflow, the SLA
clocks and the customer's context) and the resolve question (satisfaction).

Every action in the detail form is saved at once with the version the form holds, then the
form reloads; a refused save keeps what the user typed and says why (someone else changed the
ticket, the workflow does not allow the step, or a value is wrong).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
    QFrame, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QRadioButton, QSplitter, QTableWidget, QTableWidgetItem,
    QTextBrowser, QVBoxLayout, QWidget,
)

from desktop_crm.services.errors import ConflictError, NotFound, ServiceError, ValidationError
from desktop_crm.services.tickets import (
    PRIORITIES, TRANSITIONS, SlaClock, TicketDetail, TicketEventInfo, TicketRow, TransitionError,
    clock_of,
)

from . import fmt, labels
from .itemmodels.ticket_table import (
    BREACHED_BACKGROUND, PAUSED_TEXT, SOON_BACKGROUND, STATE_TEXT, target_text,
    time_left_text, working_day_seconds,
)
from .connection_banner import keep_until_back
from .opportunity_dialog import CustomerPicker, customer_search
from .widgets import dialog_buttons, error_label, field_row, tab_moves_focus, row_height, font_px
from . import ui_state

# the workflow buttons: action, target status, the statuses it is offered in
WORKFLOW = (
    ("start", "in_progress", ("new",)),
    ("wait", "waiting", ("new", "in_progress")),
    ("resume", "in_progress", ("waiting",)),
    ("resolve", "resolved", ("new", "in_progress", "waiting")),
    ("close", "closed", ("resolved",)),
    ("reopen", "in_progress", ("resolved", "closed")),
)
ESCALATIONS = {
    "response:breached": QT_TRANSLATE_NOOP("Tickets", "Escalated: response deadline breached"),
    "resolve:breached": QT_TRANSLATE_NOOP("Tickets",
                                          "Escalated: resolution deadline breached"),
    "response:due_soon": QT_TRANSLATE_NOOP("Tickets",
                                           "Warning: the response deadline is near"),
    "resolve:due_soon": QT_TRANSLATE_NOOP("Tickets",
                                          "Warning: the resolution deadline is near"),
}
NOTE_BACKGROUND = "#eceff3"
REPLY_BACKGROUND = "#e8f0fe"
EVENT_BACKGROUND = "#ffffff"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _user_choices(services) -> list[tuple[str, uuid.UUID]]:
    """Service staff first, then everyone else (active users, by name)."""
    users = services.users.list()
    return [(u.display_name, u.id) for u in users if u.role == "service"] + \
        [(u.display_name, u.id) for u in users if u.role != "service"]


def _fill_assignees(combo: QComboBox, services) -> None:
    combo.addItem(QCoreApplication.translate("Tickets", "Unassigned"), "")
    service_ids = {u.id for u in services.users.list() if u.role == "service"}
    previous_service = True
    for name, uid in _user_choices(services):
        if previous_service and uid not in service_ids and combo.count() > 1:
            combo.insertSeparator(combo.count())
        previous_service = uid in service_ids
        combo.addItem(name, str(uid))


def ticket_error_text(err: ServiceError) -> str:
    """Why a ticket action was not saved, in the user's language."""
    if isinstance(err, ConflictError):
        return QCoreApplication.translate(
            "Tickets", "Someone else changed this ticket after you opened it; nothing was "
            "saved. The ticket has been reloaded: check it and try again.")
    if isinstance(err, TransitionError):
        return QCoreApplication.translate(
            "Tickets", "The ticket is “%1” now and cannot go to “%2”; nothing was saved.") \
            .replace("%1", labels.label(labels.TICKET_STATUS, err.from_status)) \
            .replace("%2", labels.label(labels.TICKET_STATUS, err.to_status))
    if isinstance(err, NotFound):
        return QCoreApplication.translate("Tickets", "This ticket no longer exists.")
    if isinstance(err, ValidationError):
        return "\n".join(labels.error_text(e) for e in err.errors)
    return str(err)


class NewTicketDialog(QDialog):
    """Open a ticket: customer, subject, description, priority and assignee.

    Signals:
        saved(TicketRow): the ticket as stored
    """

    saved = Signal(object)

    def __init__(self, services, parent=None, *, customer_id: uuid.UUID | None = None,
                 customer_name: str = "", interaction_id: uuid.UUID | None = None,
                 subject: str = "", description: str = "",
                 now: Callable[[], dt.datetime] | None = None):
        super().__init__(parent)
        self.services = services
        self.now = now or _utcnow
        self.interaction_id = interaction_id
        self.setWindowTitle(self.tr("New ticket"))
        self.setMinimumWidth(560)
        ui_state.remember_size(self, "new_ticket")
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.customer = CustomerPicker(customer_search(services))
        if customer_id is not None:
            self.customer.set_customer(customer_id, customer_name)
        self._row(form, "customer_id", self.tr("Customer"), self.customer)
        self.subject = QLineEdit(subject)
        self.subject.setMaxLength(200)
        self.subject.setPlaceholderText(self.tr("e.g. Printer shows error E05 after the update"))
        self._row(form, "subject", self.tr("Subject"), self.subject)
        self.description = QPlainTextEdit(description)
        self.description.setPlaceholderText(self.tr("What the customer reported, order number, "
                                                    "steps already tried"))
        self.description.setMinimumHeight(120)
        self._row(form, "description", self.tr("Description"), self.description)
        self.priority = QComboBox()
        for code in PRIORITIES:
            self.priority.addItem(labels.label(labels.PRIORITIES, code), code)
        self.priority.setCurrentIndex(self.priority.findData("normal"))
        self._row(form, "priority", self.tr("Priority"), self.priority)
        self.assignee = QComboBox()
        _fill_assignees(self.assignee, services)
        if services.user.role == "service":
            self.assignee.setCurrentIndex(max(0, self.assignee.findData(str(services.user.id))))
        self._row(form, "assignee_id", self.tr("Assignee"), self.assignee)
        self.message = error_label()
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.message)
        self.buttons = dialog_buttons(self, self.save)
        lay.addWidget(self.buttons)
        tab_moves_focus(self)

    def _row(self, form: QFormLayout, key: str, text: str, field) -> None:
        field_row(form, self.errors, key, text, field)

    def values(self) -> dict[str, Any]:
        assignee = self.assignee.currentData()
        return {"customer_id": self.customer.customer_id, "subject": self.subject.text(),
                "description": self.description.toPlainText(),
                "priority": self.priority.currentData(),
                "assignee_id": uuid.UUID(assignee) if assignee else None,
                "interaction_id": self.interaction_id}

    def save(self) -> TicketRow | None:
        for label in [*self.errors.values(), self.message]:
            label.hide()
        if self.customer.customer_id is None and self.customer.text().strip():
            self.customer.refresh()  # a full name typed without picking it from the list
        try:
            row = self.services.tickets.create(self.values(), now=self.now())
        except ValidationError as err:
            for e in err.errors:
                label = self.errors.get(e.field, self.message)
                label.setText(labels.error_text(e))
                label.show()
            return None
        except ServiceError as err:
            self.message.setText(ticket_error_text(err))
            self.message.show()
            return None
        except Exception as exc:  # noqa: BLE001 - only a lost server is handled here
            if not keep_until_back(self, exc, self.save, self._say):
                raise
            return None
        self.saved.emit(row)
        self.accept()
        return row

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()


class ResolveDialog(QDialog):
    """Resolve a ticket: the customer's satisfaction (1-5, or not asked), their comment and a
    resolution note for the log.

    Signals:
        saved(TicketRow): the resolved ticket
        failed(object): the ServiceError that refused it (the dialog closes: the ticket changed)
    """

    saved = Signal(object)
    failed = Signal(object)

    def __init__(self, services, row: TicketRow, parent=None, *,
                 now: Callable[[], dt.datetime] | None = None):
        super().__init__(parent)
        self.services = services
        self.row = row
        self.now = now or _utcnow
        self.setWindowTitle(self.tr("Resolve ticket %1").replace("%1", row.number))
        self.setMinimumWidth(560)
        intro = QLabel(self.tr("Resolve “%1” for %2.").replace("%1", row.subject)
                       .replace("%2", row.customer_name))
        intro.setWordWrap(True)
        form = QFormLayout()
        scores = QGridLayout()
        self.group = QButtonGroup(self)
        self.scores: dict[int, QRadioButton] = {}
        for n in range(1, 6):
            b = QRadioButton("★" * n + "☆" * (5 - n))
            b.setToolTip(self.tr("%1 of 5").replace("%1", str(n)))
            self.group.addButton(b, n)
            self.scores[n] = b
            scores.addWidget(b, (n - 1) // 3, (n - 1) % 3)
        self.not_asked = QRadioButton(self.tr("Not asked"))
        self.not_asked.setChecked(True)
        self.group.addButton(self.not_asked, 0)
        scores.addWidget(self.not_asked, 1, 2)
        form.addRow(self.tr("Customer satisfaction"), scores)
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText(self.tr("What the customer said (optional)"))
        self.comment.setMaximumHeight(70)
        self.comment.setEnabled(False)
        self.group.idToggled.connect(lambda _id, _on: self.comment.setEnabled(
            self.satisfaction is not None))
        form.addRow(self.tr("Customer's comment"), self.comment)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("How it was solved (written in the ticket's log)"))
        self.note.setMaximumHeight(90)
        form.addRow(self.tr("Resolution"), self.note)
        self.message = error_label()
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.message)
        self.buttons = dialog_buttons(self, self.save, save=False)
        lay.addWidget(self.buttons)
        tab_moves_focus(self)

    @property
    def satisfaction(self) -> int | None:
        n = self.group.checkedId()
        return n if n > 0 else None

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def save(self) -> TicketRow | None:
        self.message.hide()
        score = self.satisfaction
        try:
            row = self.services.tickets.resolve(
                self.row.id, self.row.version, satisfaction=score,
                comment=self.comment.toPlainText() if score else "",
                note=self.note.toPlainText().strip(), now=self.now())
        except ValidationError as err:
            self.message.setText(ticket_error_text(err))
            self.message.show()
            return None
        except ServiceError as err:
            self.failed.emit(err)
            self.reject()
            return None
        except Exception as exc:  # noqa: BLE001 - only a lost server is handled here
            if not keep_until_back(self, exc, self.save, self._say):
                raise
            return None
        self.saved.emit(row)
        self.accept()
        return row


class TicketDialog(QDialog):
    """One ticket: the header (customer, priority, status, assignee, SLA clocks), its log
    (replies, internal notes, status and priority changes, assignments, escalations,
    satisfaction), a reply box, the workflow buttons the ticket's status allows, and the
    customer's tier, phone, recent orders and other tickets.

    Signals:
        changed(): something was saved (the list reloads)
        customer_requested(object): the customer's id (the customer name was clicked)
        ticket_requested(object): the id of another ticket of the customer (double-clicked)
    """

    changed = Signal()
    customer_requested = Signal(object)
    ticket_requested = Signal(object)

    def __init__(self, services, ticket_id: uuid.UUID, parent=None, *,
                 now: Callable[[], dt.datetime] | None = None):
        super().__init__(parent)
        self.services = services
        self.ticket_id = ticket_id
        self.now = now or _utcnow
        self.detail: TicketDetail | None = None
        self.clock: SlaClock | None = None
        self.tz = ZoneInfo(services.tickets.calendar(self.now()).hours.tz)
        self._names = {u.id: u.display_name
                       for u in services.users.list(include_inactive=True)}
        self.setWindowTitle(self.tr("Ticket"))
        self.resize(1180, 780)
        ui_state.remember_size(self, "ticket")

        self.title = QLabel()
        self.title.setObjectName("ticketTitle")
        self.title.setStyleSheet(f"font-size: {font_px(1.33)}px; font-weight: 600;")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = error_label()

        # -- header
        self.customer_button = QPushButton()
        self.customer_button.setObjectName("customerLink")
        self.customer_button.setFlat(True)
        self.customer_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.customer_button.setStyleSheet(
            "QPushButton { color: #1d4ed8; text-decoration: underline; border: none; "
            "text-align: left; padding: 0; }")
        self.customer_button.setToolTip(self.tr("Open the customer"))
        self.customer_button.clicked.connect(self._customer_clicked)
        self.priority = QComboBox()
        for code in PRIORITIES:
            self.priority.addItem(labels.label(labels.PRIORITIES, code), code)
        self.priority.currentIndexChanged.connect(self._priority_chosen)
        self.status = QLabel()
        self.status.setObjectName("ticketStatus")
        self.assignee = QComboBox()
        _fill_assignees(self.assignee, services)
        self.assignee.currentIndexChanged.connect(self._assignee_chosen)
        self.opened = QLabel()
        header = QGridLayout()
        header.setHorizontalSpacing(14)
        for r, (text, widget) in enumerate(((self.tr("Customer"), self.customer_button),
                                            (self.tr("Status"), self.status),
                                            (self.tr("Opened"), self.opened))):
            header.addWidget(QLabel(text), r, 0)
            header.addWidget(widget, r, 1)
        for r, (text, widget) in enumerate(((self.tr("Priority"), self.priority),
                                            (self.tr("Assignee"), self.assignee))):
            header.addWidget(QLabel(text), r, 2)
            header.addWidget(widget, r, 3)
        for combo in (self.priority, self.assignee):
            combo.setMinimumWidth(160)
        header.setColumnStretch(1, 2)
        header.setColumnStretch(4, 1)

        # -- the SLA clocks
        sla = QGroupBox(self.tr("Service level"))
        sf = QFormLayout(sla)
        self.response = QLabel()
        self.resolution = QLabel()
        self.time_left = QLabel()
        self.time_left.setObjectName("ticketTimeLeft")
        self.satisfaction = QLabel()
        self.satisfaction.setWordWrap(True)
        sf.addRow(self.tr("First response"), self.response)
        sf.addRow(self.tr("Resolution"), self.resolution)
        sf.addRow(self.tr("Time left"), self.time_left)
        sf.addRow(self.tr("Satisfaction"), self.satisfaction)

        # -- the log and the reply box
        self.log = QTextBrowser()
        self.log.setObjectName("ticketLog")
        self.log.setOpenLinks(False)
        self.reply_edit = QPlainTextEdit()
        self.reply_edit.setPlaceholderText(self.tr("Write a reply to the customer, or an "
                                                   "internal note for colleagues"))
        self.reply_edit.setMaximumHeight(110)
        self.note_button = QPushButton(self.tr("Add internal note"))
        self.note_button.clicked.connect(lambda: self.send(internal=True))
        self.reply_button = QPushButton(self.tr("Reply to customer"))
        self.reply_button.setDefault(False)
        self.reply_button.setAutoDefault(False)
        self.reply_button.clicked.connect(lambda: self.send(internal=False))
        reply_row = QHBoxLayout()
        reply_row.addStretch(1)
        reply_row.addWidget(self.note_button)
        reply_row.addWidget(self.reply_button)

        # -- the workflow
        texts = {"start": self.tr("Start work"), "wait": self.tr("Wait for customer"),
                 "resume": self.tr("Resume"), "resolve": self.tr("Resolve…"),
                 "close": self.tr("Close ticket"), "reopen": self.tr("Reopen")}
        tips = {"wait": self.tr("The SLA clock stops until the ticket resumes"),
                "close": self.tr("Nothing more to do: the customer confirmed the solution"),
                "reopen": self.tr("The problem came back: work on it again")}
        self.actions: dict[str, QPushButton] = {}
        flow = QHBoxLayout()
        flow.addWidget(QLabel(self.tr("Workflow")))
        for action, _to, _from in WORKFLOW:
            b = QPushButton(texts[action])
            b.setAutoDefault(False)
            b.setToolTip(tips.get(action, ""))
            b.clicked.connect(lambda _c=False, a=action: self.do(a))
            self.actions[action] = b
            flow.addWidget(b)
        flow.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(
            QCoreApplication.translate("Buttons", "Close"))
        close.rejected.connect(self.reject)
        flow.addWidget(close)

        main = QWidget()
        ml = QVBoxLayout(main)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addLayout(header)
        ml.addWidget(sla)
        ml.addWidget(QLabel(self.tr("Conversation and history")))
        ml.addWidget(self.log, 1)
        ml.addWidget(self.reply_edit)
        ml.addLayout(reply_row)

        # -- the customer's context
        side = QWidget()
        side.setMinimumWidth(300)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox(self.tr("Customer"))
        cf = QFormLayout(box)
        self.customer_code = QLabel()
        self.tier = QLabel()
        self.phone = QLabel()
        self.phone.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.contact = QLabel()
        cf.addRow(self.tr("Code"), self.customer_code)
        cf.addRow(self.tr("Tier"), self.tier)
        cf.addRow(self.tr("Phone"), self.phone)
        cf.addRow(self.tr("Contact"), self.contact)
        sl.addWidget(box)
        sl.addWidget(QLabel(self.tr("Recent orders")))
        self.orders = self._table([self.tr("Order"), self.tr("Date"), self.tr("Amount"),
                                   self.tr("Status")])
        sl.addWidget(self.orders, 1)
        sl.addWidget(QLabel(self.tr("Other tickets")))
        self.others = self._table([self.tr("Number"), self.tr("Subject"), self.tr("Status")])
        self.others.setToolTip(self.tr("Double-click to open"))
        self.others.cellDoubleClicked.connect(self._other_chosen)
        sl.addWidget(self.others, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        from .history_tab import HistoryWidget, with_history

        self.history = HistoryWidget.for_record(services, "tickets", ticket_id, tz=self.tz)
        self.tabs = with_history(main, self.history, self.tr("Conversation"))
        split.addWidget(self.tabs)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([820, 340])
        ui_state.remember_splitter(split, "ticket/splitter")
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.message)
        lay.addWidget(split, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        lay.addWidget(line)
        lay.addLayout(flow)

        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(60_000)
        self._clock_timer.timeout.connect(self._show_clock)
        self._clock_timer.start()
        self.load()
        tab_moves_focus(self)

    @staticmethod
    def _table(headers: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.verticalHeader().hide()
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.horizontalHeader().setStretchLastSection(True)
        t.verticalHeader().setDefaultSectionSize(row_height(t, 24))
        return t

    # -- showing ------------------------------------------------------------------------------

    @property
    def row(self) -> TicketRow | None:
        return self.detail.row if self.detail else None

    def _time(self, when: dt.datetime | None) -> str:
        return fmt.datetime_cell(when, self.tz)

    def load(self) -> None:
        """Read the ticket again and show it (after every save, and after a refusal)."""
        try:
            self.detail = self.services.tickets.get(self.ticket_id)
        except NotFound as err:
            self.detail = None
            self._show_message(ticket_error_text(err))
            for w in (self.reply_button, self.note_button, self.priority, self.assignee,
                      *self.actions.values()):
                w.setEnabled(False)
            return
        d = self.detail
        row = d.row
        self.setWindowTitle(self.tr("Ticket %1").replace("%1", row.number))
        self.title.setText(f"{row.number} · {row.subject}")
        self.customer_button.setText(row.customer_name)
        self.status.setText(labels.label(labels.TICKET_STATUS, row.status))
        for combo, value in ((self.priority, row.priority),
                             (self.assignee, str(row.assignee_id) if row.assignee_id else "")):
            combo.blockSignals(True)
            i = combo.findData(value)
            if i < 0 and value:  # an inactive user still holds it
                combo.addItem(row.assignee_name or value, value)
                i = combo.count() - 1
            combo.setCurrentIndex(max(0, i))
            combo.blockSignals(False)
        self.opened.setText(self._time(row.opened_at))
        open_ = row.status not in ("resolved", "closed")
        for action, _to, offered in WORKFLOW:
            self.actions[action].setVisible(row.status in offered
                                            and _to in TRANSITIONS.get(row.status, ()))
        self.priority.setEnabled(open_)
        self._show_sla()
        self._show_log()
        self._show_customer()

    def _show_sla(self) -> None:
        row = self.row
        response = self.tr("due %1").replace("%1", self._time(row.response_due)) \
            if row.response_due else self.tr("no target")
        if row.first_response_at is not None:
            late = row.response_due is not None and row.first_response_at > row.response_due
            response += " · " + (self.tr("answered %1, late") if late
                                 else self.tr("answered %1, in time")).replace(
                "%1", self._time(row.first_response_at))
        else:
            response += " · " + self.tr("not answered yet")
        self.response.setText(response)
        resolution = self.tr("due %1").replace("%1", self._time(row.resolve_due)) \
            if row.resolve_due else self.tr("no target")
        if row.resolved_at is not None:
            resolution += " · " + self.tr("resolved %1").replace(
                "%1", self._time(row.resolved_at))
        self.resolution.setText(resolution)
        if row.satisfaction:
            text = "★" * row.satisfaction + "☆" * (5 - row.satisfaction) + " " + \
                self.tr("%1/5").replace("%1", str(row.satisfaction))
            if self.detail.satisfaction_comment:
                text += ": " + self.detail.satisfaction_comment
            self.satisfaction.setText(text)
        elif row.status in ("resolved", "closed"):
            self.satisfaction.setText(self.tr("not asked"))
        else:
            self.satisfaction.setText("—")
        self._show_clock()

    def _show_clock(self) -> None:
        if self.detail is None:
            return
        tickets = self.services.tickets
        now = self.now()
        cal = tickets.calendar(now)
        clock = clock_of(self.row, cal, now, tickets.warn_seconds())
        day = working_day_seconds(cal)
        if clock.paused:
            text = self.tr("paused (waiting on customer) · %1").replace(
                "%1", time_left_text(dataclasses.replace(clock, paused=False), day))
        else:
            text = time_left_text(clock, day)
        if clock.target:
            text += " (" + target_text(clock.target) + ")"
        self.time_left.setText(text)
        self.clock = clock
        background = {"soon": SOON_BACKGROUND, "breached": BREACHED_BACKGROUND}.get(
            clock.state, "transparent")
        colour = PAUSED_TEXT if clock.paused else STATE_TEXT.get(clock.state, "#1f2937")
        self.time_left.setStyleSheet(f"background: {background}; color: {colour}; "
                                     "padding: 2px 6px; font-weight: 600;")

    def _event_title(self, e: TicketEventInfo) -> tuple[str, str]:
        """(what happened, its text) of one log entry."""
        if e.kind == "created":
            return self.tr("Ticket opened"), self.detail.description or e.body
        if e.kind == "reply":
            return self.tr("Reply to customer"), e.body
        if e.kind == "note":
            return self.tr("Internal note"), e.body
        if e.kind == "status":
            return (labels.label(labels.TICKET_STATUS, e.from_value) + " → "
                    + labels.label(labels.TICKET_STATUS, e.to_value)), e.body
        if e.kind == "priority":
            return self.tr("Priority: %1 → %2").replace(
                "%1", labels.label(labels.PRIORITIES, e.from_value)).replace(
                "%2", labels.label(labels.PRIORITIES, e.to_value)), ""
        if e.kind == "assign":
            return self.tr("Assigned: %1 → %2").replace(
                "%1", self._user_name(e.from_value)).replace(
                "%2", self._user_name(e.to_value)), ""
        if e.kind == "escalation":
            text = ESCALATIONS.get(e.body)
            return (QCoreApplication.translate("Tickets", text) if text else e.body), ""
        if e.kind == "satisfaction":
            title = self.tr("Satisfaction %1/5").replace("%1", e.to_value)
            return (title + ": " + e.body) if e.body else title, ""
        return e.kind, e.body

    def _user_name(self, value: str) -> str:
        if not value:
            return self.tr("Unassigned")
        try:
            return self._names.get(uuid.UUID(value), value)
        except ValueError:
            return value

    def _show_log(self) -> None:
        parts = []
        staff_only = html.escape(self.tr("only staff see this"))
        events = list(self.detail.events)
        if not any(e.kind == "created" for e in events):  # tickets older than the log
            events.insert(0, TicketEventInfo(self.row.opened_at, "", "created", "", "", ""))
        for e in events:
            title, body = self._event_title(e)
            # escalations are the system's; a ticket older than its log has no author
            who = e.user_name or (self.tr("System") if e.kind != "created" else "")
            background = {"note": NOTE_BACKGROUND, "reply": REPLY_BACKGROUND}.get(
                e.kind, EVENT_BACKGROUND)
            head_colour = "#b42318" if e.kind == "escalation" else "#475569"
            stamp = f"{self._time(e.at)} · {who}" if who else self._time(e.at)
            head = (f"<span style='color:#64748b'>{html.escape(stamp)}</span> &nbsp; "
                    f"<b style='color:{head_colour}'>{html.escape(title)}</b>")
            text = html.escape(body).replace("\n", "<br>") if body else ""
            if e.kind == "note":
                head += f" <span style='color:#64748b'>({staff_only})</span>"
            parts.append(
                f"<table width='100%' cellspacing='0' cellpadding='6' bgcolor='{background}'"
                f" style='margin-bottom:6px'><tr><td>{head}"
                + (f"<br>{text}" if text else "") + "</td></tr></table>")
        self.log.setHtml("".join(parts))
        self.log.verticalScrollBar().setValue(self.log.verticalScrollBar().maximum())

    def _show_customer(self) -> None:
        d = self.detail
        self.customer_code.setText(d.customer_code)
        self.tier.setText(labels.label(labels.TIERS, d.customer_tier or ""))
        self.phone.setText(d.customer_phone or "—")
        self.contact.setText(d.contact_name or "—")
        self.orders.setRowCount(0)
        for order_no, day, amount, status in d.recent_orders:
            self._add(self.orders, [order_no, fmt.date_cell(day), labels.money(amount),
                                    labels.label(labels.ORDER_STATUS, status)])
        self.others.setRowCount(0)
        for t in d.other_tickets:
            self._add(self.others, [t.number, t.subject,
                                    labels.label(labels.TICKET_STATUS, t.status)], t.id)
        for table in (self.orders, self.others):
            table.resizeColumnsToContents()
            table.horizontalHeader().setSectionResizeMode(
                table.columnCount() - 1, QHeaderView.ResizeMode.Stretch)

    @staticmethod
    def _add(table: QTableWidget, cells: list[str], key: Any = None) -> None:
        r = table.rowCount()
        table.insertRow(r)
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if key is not None:
                item.setData(Qt.ItemDataRole.UserRole, str(key))
            table.setItem(r, c, item)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    # -- actions ------------------------------------------------------------------------------

    def _save(self, call: Callable[[uuid.UUID, int], Any]) -> bool:
        """Run ``call(ticket id, version)``; then reload. False (and why, shown) when the
        service refused it."""
        self.message.hide()
        if self.detail is None:
            return False
        try:
            call(self.row.id, self.row.version)
        except ServiceError as err:
            self._show_message(ticket_error_text(err))
            if not isinstance(err, ValidationError):
                self.load()
            else:
                self.load_combos()
            return False
        self.load()
        self.changed.emit()
        return True

    def load_combos(self) -> None:
        """Put the priority and assignee choices back to the ticket's (a refused change)."""
        row = self.row
        for combo, value in ((self.priority, row.priority),
                             (self.assignee, str(row.assignee_id) if row.assignee_id else "")):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)

    def send(self, internal: bool = False) -> bool:
        """Reply to the customer (the first reply is the first response) or add an internal
        note; the text stays in the box when it was not saved."""
        body = self.reply_edit.toPlainText().strip()
        if not body:
            self._show_message(self.tr("Write the reply or the note first."))
            return False
        tickets, now = self.services.tickets, self.now()
        ok = self._save(lambda tid, v: tickets.reply(tid, v, body, internal=internal, now=now))
        if ok:
            self.reply_edit.clear()
        return ok

    def do(self, action: str) -> bool | ResolveDialog:
        """A workflow button: "resolve" opens the resolve question (returned); the others
        save at once."""
        if action == "resolve":
            return self.resolve()
        to = next(t for a, t, _f in WORKFLOW if a == action)
        tickets, now = self.services.tickets, self.now()
        return self._save(lambda tid, v: tickets.set_status(tid, v, to, now=now))

    def resolve(self) -> ResolveDialog | None:
        if self.detail is None:
            return None
        dlg = ResolveDialog(self.services, self.row, self, now=self.now)
        dlg.saved.connect(self._resolved)
        dlg.failed.connect(self._resolve_failed)
        dlg.open()
        return dlg

    def _resolved(self, _row: TicketRow) -> None:
        self.message.hide()
        self.load()
        self.changed.emit()

    def _resolve_failed(self, err: ServiceError) -> None:
        self._show_message(ticket_error_text(err))
        self.load()

    def _priority_chosen(self, _i: int) -> None:
        priority = self.priority.currentData()
        if self.detail is None or priority == self.row.priority:
            return
        tickets, now = self.services.tickets, self.now()
        self._save(lambda tid, v: tickets.set_priority(tid, v, priority, now=now))

    def _assignee_chosen(self, _i: int) -> None:
        value = self.assignee.currentData()
        if self.detail is None or value is None:
            return
        user = uuid.UUID(value) if value else None
        if user == self.row.assignee_id:
            return
        tickets, now = self.services.tickets, self.now()
        self._save(lambda tid, v: tickets.assign(tid, v, user, now=now))

    def _customer_clicked(self) -> None:
        if self.detail is not None:
            self.customer_requested.emit(self.row.customer_id)

    def _other_chosen(self, r: int, _c: int) -> None:
        item = self.others.item(r, 0)
        if item is not None:
            self.ticket_requested.emit(uuid.UUID(item.data(Qt.ItemDataRole.UserRole)))
