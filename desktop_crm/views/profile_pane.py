"""The customer 360° view: profile, figures, and the whole history on one screen."""

from __future__ import annotations

import datetime as dt
import html
import logging

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDateTimeEdit, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QMenu,
    QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout,
    QWidget,
)

from desktop_crm.services.errors import ValidationError
from desktop_crm.services.profile import Profile

from . import fmt, labels
from .connection_banner import keep_until_back
from .widgets import dialog_buttons, error_label, font_px

log = logging.getLogger(__name__)


def local(ts: dt.datetime | None) -> str:
    return fmt.datetime_cell(ts)


def money(value, currency: str = "CNY") -> str:
    return fmt.money(value, currency)


class InteractionDialog(QDialog):
    """Record a call, visit, WeChat message, email or meeting with a customer.

    Signals:
        saved(object): the InteractionLine as stored
    """

    saved = Signal(object)

    def __init__(self, save, contacts=(), parent=None):
        super().__init__(parent)
        self._save = save
        self.setWindowTitle(self.tr("Add interaction"))
        self.setMinimumWidth(440)
        self.channel = QComboBox()
        for code in labels.CHANNELS:
            self.channel.addItem(labels.label(labels.CHANNELS, code), code)
        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.contact = QComboBox()
        self.contact.addItem(self.tr("(none)"), None)
        for c in contacts:
            self.contact.addItem(c.name, c.id)
        self.summary = QPlainTextEdit()
        self.summary.setPlaceholderText(self.tr("What was discussed, what was agreed"))
        self.error = error_label()
        form = QFormLayout()
        form.addRow(labels.label(labels.FIELDS, "channel"), self.channel)
        form.addRow(labels.label(labels.FIELDS, "occurred_at"), self.when)
        form.addRow(self.tr("Contact"), self.contact)
        form.addRow(labels.label(labels.FIELDS, "summary") + " *", self.summary)
        buttons = self.buttons = dialog_buttons(self, self.try_save)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def values(self) -> dict:
        when = self.when.dateTime().toPython()
        if when.tzinfo is None:
            when = when.astimezone()
        return {"channel": self.channel.currentData(), "summary": self.summary.toPlainText(),
                "occurred_at": when.astimezone(dt.timezone.utc),
                "contact_id": self.contact.currentData()}

    def try_save(self) -> bool:
        try:
            line = self._save(self.values())
        except ValidationError as exc:
            self.error.setText("\n".join(
                f"{labels.label(labels.FIELDS, e.field)}: {labels.error_text(e)}"
                for e in exc.errors))
            self.error.show()
            return False
        except Exception as exc:  # noqa: BLE001 - only a lost server is handled here
            if not keep_until_back(self, exc, self.try_save, self._say):
                raise
            return False
        self.saved.emit(line)
        self.accept()
        return True

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class ProfilePane(QWidget):
    """Everything about one customer. Buttons ask the section to act.

    Signals:
        edit_requested(): the Edit button was clicked
        delete_requested(): Delete (or Restore, for a deleted customer) was clicked
        interaction_requested(): Add interaction was clicked
        ticket_requested(object): New ticket (None), or "Turn into a ticket" on an
            interaction of the history (its id)
        follow_up_requested(): Plan follow-up was clicked
        open_ticket(object), open_activity(object): a ticket or follow-up double-clicked
    """

    edit_requested = Signal()
    delete_requested = Signal()
    interaction_requested = Signal()
    ticket_requested = Signal(object)  # the interaction to open it from, or None
    follow_up_requested = Signal()
    open_ticket = Signal(object)  # a ticket id (double-click in History or Tickets)
    open_activity = Signal(object)  # a follow-up id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.profile: Profile | None = None
        self.title = QLabel()
        self.title.setObjectName("profileTitle")
        self.title.setStyleSheet(f"font-size: {font_px(1.5)}px; font-weight: 600;")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.health = QLabel()
        self.health.setObjectName("profileHealth")
        self.health.setWordWrap(True)
        self.health.setTextFormat(Qt.TextFormat.RichText)
        self.health.setStyleSheet("border: 1px solid #e2e8f0; border-radius: 4px; padding: 6px;")
        self.figures = QLabel()
        self.figures.setObjectName("profileFigures")
        self.figures.setStyleSheet(
            "background: #f1f5f9; border-radius: 4px; padding: 6px; color: #1e293b;")

        self.edit_button = QPushButton(self.tr("Edit"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.interaction_button = QPushButton(self.tr("Add interaction"))
        self.edit_button.clicked.connect(self.edit_requested)
        self.delete_button.clicked.connect(self.delete_requested)
        self.interaction_button.clicked.connect(self.interaction_requested)
        self.follow_up_button = QPushButton(self.tr("Plan follow-up…"))
        self.follow_up_button.clicked.connect(self.follow_up_requested)
        self.ticket_button = QPushButton(self.tr("New ticket…"))
        self.ticket_button.clicked.connect(lambda: self.ticket_requested.emit(None))
        buttons = QHBoxLayout()
        buttons.addWidget(self.interaction_button)
        buttons.addWidget(self.follow_up_button)
        buttons.addWidget(self.ticket_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)

        self.tabs = QTabWidget()
        self.timeline = self._table([self.tr("Time"), self.tr("What"), self.tr("Details"),
                                     self.tr("By")])
        self.timeline.horizontalHeader().setStretchLastSection(False)
        self.timeline.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.contacts = self._table([self.tr("Name"), self.tr("Job title"), self.tr("Phone"),
                                     self.tr("Email"), self.tr("WeChat ID")])
        self.orders = self._table([self.tr("Date"), self.tr("Order no."), self.tr("Amount"),
                                   self.tr("Status")])
        self.opportunities = self._table([self.tr("Title"), self.tr("Stage"), self.tr("Amount"),
                                          self.tr("Expected close"), self.tr("Owner")])
        self.activities = self._table([self.tr("Due"), self.tr("Type"), self.tr("Subject"),
                                       self.tr("Status"), self.tr("Owner")])
        self.tickets = self._table([self.tr("Opened"), self.tr("Number"), self.tr("Subject"),
                                    self.tr("Priority"), self.tr("Status")])
        self.timeline.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.timeline.customContextMenuRequested.connect(self._timeline_menu)
        self.timeline.cellDoubleClicked.connect(self._timeline_open)
        self.tickets.cellDoubleClicked.connect(
            lambda r, _c: self.profile and self.open_ticket.emit(self.profile.tickets[r].id))
        self.activities.cellDoubleClicked.connect(
            lambda r, _c: self.profile and self.open_activity.emit(
                self.profile.activities[r].id))
        self.tabs.addTab(self.timeline, self.tr("History"))
        self.tabs.addTab(self.contacts, self.tr("Contacts"))
        self.tabs.addTab(self.orders, self.tr("Orders"))
        self.tabs.addTab(self.opportunities, self.tr("Opportunities"))
        self.tabs.addTab(self.activities, self.tr("Follow-ups"))
        self.tabs.addTab(self.tickets, self.tr("Tickets"))

        self.placeholder = QLabel(self.tr("Select a customer to see their profile and history."))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #64748b;")
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.title)
        body.addWidget(self.facts)
        body.addWidget(self.health)
        body.addWidget(self.figures)
        body.addLayout(buttons)
        body.addWidget(self.tabs, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.placeholder)
        lay.addWidget(self.body)
        self.body.hide()

    def _timeline_event(self, row: int):
        if self.profile is None or not 0 <= row < len(self.profile.timeline):
            return None
        return self.profile.timeline[row]

    def _timeline_menu(self, pos) -> None:
        e = self._timeline_event(self.timeline.rowAt(pos.y()))
        if e is None or e.kind != "interaction" or e.ref_id is None:
            return
        menu = QMenu(self.timeline)
        menu.addAction(self.tr("Turn into a ticket…"),
                       lambda: self.ticket_requested.emit(e.ref_id))
        menu.exec(self.timeline.viewport().mapToGlobal(pos))

    def _timeline_open(self, row: int, _col: int) -> None:
        e = self._timeline_event(row)
        if e is not None and e.ref_id is not None:
            if e.kind == "ticket":
                self.open_ticket.emit(e.ref_id)
            elif e.kind == "activity":
                self.open_activity.emit(e.ref_id)

    def _table(self, headers: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.verticalHeader().hide()
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        t.setWordWrap(False)
        t.horizontalHeader().setStretchLastSection(True)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return t

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        header.setResizeContentsPrecision(50)  # measure a few rows, not all of them
        for c in range(table.columnCount()):
            if header.sectionResizeMode(c) != QHeaderView.ResizeMode.Stretch:
                table.resizeColumnToContents(c)
                table.setColumnWidth(c, min(table.columnWidth(c), 260))

    def clear(self) -> None:
        self.profile = None
        self.body.hide()
        self.placeholder.show()

    def show_profile(self, p: Profile) -> None:
        self.profile = p
        c = p.customer
        deleted = c.deleted_at is not None
        title = (f"{html.escape(c.name)}  <span style='color:#64748b;font-size:13px'>"
                 f"{html.escape(c.code)}</span>")
        if deleted:
            mark = self.tr("(deleted)")
            title += f"  <span style='color:#c62828;font-size:13px'>{mark}</span>"
        self.title.setText(title)
        facts = [
            (labels.label(labels.FIELDS, "kind"), labels.label(labels.KINDS, c.kind)),
            (labels.label(labels.FIELDS, "tier"), labels.label(labels.TIERS, c.tier)),
            (labels.label(labels.FIELDS, "owner"), c.owner or self.tr("(public pool)")),
            (labels.label(labels.FIELDS, "phone"),
             " / ".join(x for x in (c.phone_display, c.phone2_display) if x)),
            (labels.label(labels.FIELDS, "email"), c.email),
            (labels.label(labels.FIELDS, "region"),
             " ".join(x for x in (c.region, c.province, c.city) if x)),
            (labels.label(labels.FIELDS, "address"), c.address),
            (labels.label(labels.FIELDS, "industry"), c.industry),
            (labels.label(labels.FIELDS, "source"), c.source),
            (labels.label(labels.FIELDS, "tags"), ", ".join(c.tags)),
            (labels.label(labels.FIELDS, "notes"), c.notes),
        ]
        self.facts.setText("<table cellspacing=2>" + "".join(
            f"<tr><td style='color:#64748b;padding-right:10px'>{html.escape(k)}</td>"
            f"<td>{html.escape(v)}</td></tr>" for k, v in facts if v) + "</table>")
        self._show_health(p.health)
        o = p.orders
        self.figures.setText(self.tr(
            "Orders: %1   Total: %2   First: %3   Last: %4   Open opportunities: %5"
        ).replace("%1", fmt.number(o.count)).replace("%2", money(o.total))
         .replace("%3", fmt.date_long(o.first_date, "-"))
         .replace("%4", fmt.date_long(o.last_date, "-"))
         .replace("%5", str(sum(1 for x in p.opportunities if x.status == "open"))))
        self.delete_button.setText(self.tr("Restore") if deleted else self.tr("Delete"))
        self.edit_button.setEnabled(not deleted)
        self.interaction_button.setEnabled(not deleted)
        self.follow_up_button.setEnabled(not deleted)
        self.ticket_button.setEnabled(not deleted)

        self._fill(self.timeline, [
            [fmt.date_cell(e.at.date()) if e.date_only else local(e.at), self._event_what(e),
             self._event_detail(e), e.user] for e in p.timeline])
        self._fill(self.contacts, [[x.name + (" ★" if x.is_primary else ""), x.title,
                                    x.phone_display, x.email, x.wechat] for x in p.contacts])
        self._fill(self.orders, [[fmt.date_cell(x.order_date), x.order_no,
                                  money(x.amount, x.currency),
                                  labels.label(labels.ORDER_STATUS, x.status)]
                                 for x in p.recent_orders])
        self._fill(self.opportunities, [
            [x.title, x.stage_name or labels.label(labels.STAGES, x.stage_code), money(x.amount),
             fmt.date_cell(x.expected_close), x.owner]
            for x in p.opportunities])
        self._fill(self.activities, [
            [local(x.due_at), labels.label(labels.ACTIVITY_TYPES, x.type), x.subject,
             labels.label(labels.ACTIONS, "done" if x.done_at else "planned"), x.owner]
            for x in p.activities])
        self._fill(self.tickets, [
            [local(x.opened_at), x.number, x.subject, labels.label(labels.PRIORITIES, x.priority),
             labels.label(labels.TICKET_STATUS, x.status)] for x in p.tickets])
        self.tabs.setTabText(1, self.tr("Contacts (%1)").replace("%1", str(len(p.contacts))))
        self.placeholder.hide()
        self.body.show()

    def _show_health(self, h) -> None:
        """The score in its band's colour, and each part with why it is what it is."""
        if h is None or h.score is None:
            self.health.hide()
            return
        bg, fg = labels.HEALTH_COLOURS[h.band]
        title = html.escape(self.tr("Health"))
        head = (f"<span style='background-color:{bg};color:{fg};font-weight:600'>"
                f"&nbsp;{title} {h.score}&nbsp;</span>&nbsp; "
                f"<span style='color:{fg}'>{html.escape(labels.label(labels.HEALTH_BANDS, h.band))}"
                "</span>")
        rows = []
        for part in h.weights:
            value = h.parts.get(part)
            band = labels.health_band(value)
            colour = labels.HEALTH_COLOURS[band][1] if band else "#94a3b8"
            shown = "–" if value is None else str(value)
            rows.append(
                f"<tr><td style='color:#64748b;padding-right:8px'>"
                f"{html.escape(labels.label(labels.HEALTH_PARTS, part))}</td>"
                f"<td style='color:{colour};font-weight:600;padding-right:8px' align=right>"
                f"{shown}</td><td>{html.escape(self.explain(h, part))}</td></tr>")
        self.health.setText(head + "<table cellspacing=1>" + "".join(rows) + "</table>")
        self.health.show()

    def explain(self, h, part: str) -> str:
        """One line in words: why this part of the health score is what it is."""
        if part == "recency":
            if h.days_since_order is None:
                return self.tr("No paid order yet")
            if h.interval_source == "default":
                return self.tr("Last purchase %1 days ago (bought once: measured against "
                               "%2 days)").replace("%1", str(h.days_since_order)).replace(
                    "%2", f"{h.usual_interval:.0f}")
            return self.tr("Last purchase %1 days ago (usually every %2 days)").replace(
                "%1", str(h.days_since_order)).replace("%2", f"{h.usual_interval:.0f}")
        if part == "trend":
            if h.parts.get("trend") is None:
                return self.tr("No paid orders in the last twelve months")
            return self.tr("Last six months %1, the six months before %2").replace(
                "%1", money(h.spend_recent)).replace("%2", money(h.spend_before))
        if part == "tickets":
            if not h.open_tickets:
                return self.tr("No open tickets")
            return self.tr("%1 open tickets, %2 past their deadline").replace(
                "%1", str(h.open_tickets)).replace("%2", str(h.breached_tickets))
        if part == "satisfaction":
            if h.satisfaction is None:
                return self.tr("No ratings in the last twelve months")
            return self.tr("Mean rating %1 of 5 in the last twelve months").replace(
                "%1", f"{h.satisfaction:.1f}")
        if part == "follow_up":
            if not h.cadence_days:
                return self.tr("No follow-up cadence for this tier")
            if h.days_since_contact is None:
                return self.tr("Never contacted (follow up every %1 days)").replace(
                    "%1", str(h.cadence_days))
            return self.tr("Last contact %1 days ago (follow up every %2 days)").replace(
                "%1", str(h.days_since_contact)).replace("%2", str(h.cadence_days))
        if part == "alive":
            if h.p_alive is None:
                return self.tr("Known once the tiers are computed")
            return self.tr("Probability the customer is still active: %1%").replace(
                "%1", f"{h.p_alive * 100:.0f}")
        return ""

    # What the subkind of each timeline kind is a code of.
    SUBKINDS = {"interaction": labels.CHANNELS, "order": labels.ORDER_STATUS,
                "activity": labels.ACTIVITY_TYPES, "ticket": labels.TICKET_STATUS,
                "change": labels.FIELDS}

    def _event_what(self, e) -> str:
        if e.kind == "change" and e.subkind in labels.ACTIONS:
            return labels.label(labels.ACTIONS, e.subkind)  # created, deleted, restored
        kind = labels.label(labels.TIMELINE, e.kind)
        table = self.SUBKINDS.get(e.kind)
        return f"{kind} · {labels.label(table, e.subkind)}" if table else kind

    def _event_detail(self, e) -> str:
        if e.kind == "interaction":
            return f"{e.title}" + (f" ({e.detail})" if e.detail else "")
        if e.kind == "order":
            return f"{e.title}  {money(e.amount, e.detail)}"
        if e.kind == "activity":
            return f"{e.title} ({labels.label(labels.ACTIONS, e.detail)})"
        if e.kind == "ticket":
            return f"{e.title} ({labels.label(labels.PRIORITIES, e.detail)})"
        if e.kind == "change":
            if e.subkind == "tier":
                old, _, new = e.detail.partition(" → ")
                return f"{labels.label(labels.TIERS, old)} → {labels.label(labels.TIERS, new)}"
            return e.detail
        return e.title
