"""A record's History tab: who changed what and when, read from the audit log off the UI
thread. Also the translated names of audited tables, actions, fields and values that the
audit log window shares."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QThreadPool, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QLabel, QLayout, QTableWidget, QTableWidgetItem,
    QTabWidget, QVBoxLayout, QWidget,
)

from desktop_crm.services.audit import AuditItem, AuditService
from desktop_crm.services.text import display_phone

from . import fmt, labels
from .widgets import row_height
from .workers import Worker, guarded

log = logging.getLogger(__name__)

_C = "AuditLabels"

TABLES = {
    "customers": QT_TRANSLATE_NOOP("AuditLabels", "Customers"),
    "contacts": QT_TRANSLATE_NOOP("AuditLabels", "Contacts"),
    "opportunities": QT_TRANSLATE_NOOP("AuditLabels", "Opportunities"),
    "tickets": QT_TRANSLATE_NOOP("AuditLabels", "Tickets"),
    "activities": QT_TRANSLATE_NOOP("AuditLabels", "Follow-ups"),
    "activity_series": QT_TRANSLATE_NOOP("AuditLabels", "Repeating follow-ups"),
    "interactions": QT_TRANSLATE_NOOP("AuditLabels", "Interactions"),
    "pipeline_stages": QT_TRANSLATE_NOOP("AuditLabels", "Pipeline stages"),
    "sales_targets": QT_TRANSLATE_NOOP("AuditLabels", "Sales targets"),
    "holidays": QT_TRANSLATE_NOOP("AuditLabels", "Holidays"),
    "sla_policies": QT_TRANSLATE_NOOP("AuditLabels", "SLA policies"),
    "users": QT_TRANSLATE_NOOP("AuditLabels", "Users"),
}
ACTIONS = {
    "create": QT_TRANSLATE_NOOP("AuditLabels", "Created"),
    "update": QT_TRANSLATE_NOOP("AuditLabels", "Changed"),
    "delete": QT_TRANSLATE_NOOP("AuditLabels", "Deleted"),
    "restore": QT_TRANSLATE_NOOP("AuditLabels", "Restored"),
    "merge": QT_TRANSLATE_NOOP("AuditLabels", "Merged"),
}
# fields of opportunities, tickets and follow-ups that labels.FIELDS (customers) lacks
FIELDS = {
    "title": QT_TRANSLATE_NOOP("AuditLabels", "Title"),
    "customer_id": QT_TRANSLATE_NOOP("AuditLabels", "Customer"),
    "amount": QT_TRANSLATE_NOOP("AuditLabels", "Amount"),
    "probability": QT_TRANSLATE_NOOP("AuditLabels", "Win probability"),
    "expected_close": QT_TRANSLATE_NOOP("AuditLabels", "Close date"),
    "stage_id": QT_TRANSLATE_NOOP("AuditLabels", "Stage"),
    "status": QT_TRANSLATE_NOOP("AuditLabels", "Status"),
    "priority": QT_TRANSLATE_NOOP("AuditLabels", "Priority"),
    "assignee_id": QT_TRANSLATE_NOOP("AuditLabels", "Assigned to"),
    "subject": QT_TRANSLATE_NOOP("AuditLabels", "Subject"),
    "first_response_at": QT_TRANSLATE_NOOP("AuditLabels", "First response"),
    "lost_reason": QT_TRANSLATE_NOOP("AuditLabels", "Reason lost"),
    "due_at": QT_TRANSLATE_NOOP("AuditLabels", "Due"),
    "merged_into": QT_TRANSLATE_NOOP("AuditLabels", "Merged into"),
}
# fields whose values are codes, and the table of their names
_CODES = {"tier": labels.TIERS, "kind": labels.KINDS, "priority": labels.PRIORITIES,
          "channel": labels.CHANNELS, "type": labels.ACTIVITY_TYPES}
_STATUS = {"tickets": labels.TICKET_STATUS, "opportunities": labels.OPPORTUNITY_STATUS}


def table_name(code: str) -> str:
    text = TABLES.get(code)
    return QCoreApplication.translate(_C, text) if text else code


def action_name(code: str) -> str:
    text = ACTIONS.get(code)
    return QCoreApplication.translate(_C, text) if text else labels.label(labels.ACTIONS, code)


def field_name(field: str, table: str = "") -> str:
    """A field's name: the customer form's labels for customers and contacts (a contact's
    title is a job title), else the other records' (an opportunity's title)."""
    if field in labels.FIELDS and (table in ("customers", "contacts") or field not in FIELDS):
        return labels.label(labels.FIELDS, field)
    text = FIELDS.get(field)
    return QCoreApplication.translate(_C, text) if text else field


def value_text(table: str, field: str, value: str | None) -> str:
    """A stored value as the user reads it: codes by their names, UTC times in local time,
    true/false as yes/no; anything else as it is."""
    if value is None or value == "":
        return ""
    codes = _STATUS.get(table) if field == "status" else _CODES.get(field)
    if codes and value in codes:
        return labels.label(codes, value)
    if field in ("phone", "phone2") and value.startswith("+"):
        return display_phone(value)
    if field == "amount":
        try:
            return fmt.number(Decimal(value), 2)
        except (InvalidOperation, ValueError):
            return value
    if field == "probability" and value.isdigit():
        return f"{value} %"
    if value in ("true", "false"):
        return (QCoreApplication.translate(_C, "Yes") if value == "true"
                else QCoreApplication.translate(_C, "No"))
    if len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if when.tzinfo is not None:
            return when.astimezone().strftime("%Y-%m-%d %H:%M")
    return value


def change_text(item: AuditItem) -> str:
    """``old → new`` of an update ("(empty)" for a blank side); "" for other actions."""
    if item.action != "update":
        return ""
    empty = QCoreApplication.translate(_C, "(empty)")
    old = value_text(item.table, item.field, item.old_text) or empty
    new = value_text(item.table, item.field, item.new_text) or empty
    return f"{old} → {new}"


def when_text(at: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """A time in ``tz`` (default: this computer's zone), to the second."""
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def audit_service(services) -> AuditService:
    """The window's AuditService (``services.audit`` when the container has one)."""
    svc = getattr(services, "audit", None)
    return svc if svc is not None else AuditService(services.db, services.user)


class HistoryWidget(QWidget):
    """The changes of one record, newest first: when, who, which field, old → new; a
    created / deleted / restored line for the other actions. Loaded on the thread pool the
    first time it is shown (or on ``reload()``).

    Signals:
        loaded(int): the number of entries shown
        failed(object): the error the load raised
    """

    loaded = Signal(int)
    failed = Signal(object)

    def __init__(self, load: Callable[[], list[AuditItem]], parent=None, *,
                 tz: dt.tzinfo | None = None):
        super().__init__(parent)
        self._load = load
        self.tz = tz
        self._started = False
        self.items: list[AuditItem] = []
        self.status = QLabel(self.tr("Loading…"))
        self.status.setObjectName("history_status")
        self.status.setStyleSheet("color: #666;")
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("history_table")
        self.table.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Who"), self.tr("Field"), self.tr("Change")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(row_height(self.table, 24))
        lay = QVBoxLayout(self)
        lay.addWidget(self.status)
        lay.addWidget(self.table, 1)

    @classmethod
    def for_record(cls, services, table: str, row_id: uuid.UUID, parent=None,
                   limit: int = 500, tz: dt.tzinfo | None = None) -> "HistoryWidget":
        """``tz``: the zone times are shown in (the ticket window's business-hours zone);
        default this computer's."""
        svc = audit_service(services)
        return cls(lambda: svc.record_history(table, row_id, limit), parent, tz=tz)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._started:
            self.reload()

    def reload(self) -> None:
        self._started = True
        self.status.setText(self.tr("Loading…"))
        self.status.show()
        worker = Worker(self._load)
        worker.signals.finished.connect(guarded(self, self._show))
        worker.signals.failed.connect(guarded(self, self._failed))
        self._worker = worker
        QThreadPool.globalInstance().start(worker)

    def _show(self, items: list[AuditItem]) -> None:
        self.items = list(items)
        self.table.setRowCount(len(self.items))
        grey = self.palette().placeholderText()
        for row, it in enumerate(self.items):
            update = it.action == "update"
            cells = [when_text(it.at, self.tz), it.user or self.tr("(system)"),
                     field_name(it.field, it.table) if update else action_name(it.action),
                     change_text(it)]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if col == 3 and update:
                    cell.setToolTip(
                        f"{value_text(it.table, it.field, it.old_text)}\n→\n"
                        f"{value_text(it.table, it.field, it.new_text)}")
                if not update:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                if col == 1 and not it.user:
                    cell.setForeground(grey)
                self.table.setItem(row, col, cell)
        if self.items:
            self.status.hide()
        else:
            self.status.setText(self.tr("No changes recorded yet."))
        self.loaded.emit(len(self.items))

    def _failed(self, exc: Exception) -> None:
        log.info("history failed to load: %r", exc)
        self.status.setText(self.tr("The history could not be read: %1").replace("%1", str(exc)))
        self.status.show()
        self.failed.emit(exc)

    def rows(self) -> list[list[str]]:
        """What the table shows, cell by cell (for tests and screenshots)."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]


def with_history(content: QWidget | QLayout, history: HistoryWidget,
                 title: str | None = None) -> QTabWidget:
    """Tabs: the form (``content``) first, then its History. The tab bar takes no Tab-key
    focus, so Tab walks the form's fields as before; Ctrl+Tab switches the tabs."""
    tabs = QTabWidget()
    tabs.setObjectName("record_tabs")
    tabs.setDocumentMode(True)
    tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if isinstance(content, QLayout):
        page = QWidget()
        page.setLayout(content)
        content = page
    tabs.addTab(content, title or QCoreApplication.translate("HistoryWidget", "Details"))
    tabs.addTab(history, QCoreApplication.translate("HistoryWidget", "History"))
    tabs.setTabToolTip(1, QCoreApplication.translate(
        "HistoryWidget", "Who changed what and when"))
    return tabs
