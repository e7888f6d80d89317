"""Notifications in the reader's language: the status-bar button with the unread count, and the
list it opens. Services store a kind and its parameters, never a text (see
services/notifications.py); ``notification_text`` writes the sentence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QToolButton,
    QVBoxLayout,
)

from desktop_crm.services.notifications import NotificationInfo

from . import fmt, labels, ui_state


_C = "Notifications"
REASONS = {
    "rule:region": QT_TRANSLATE_NOOP("Notifications", "by region"),
    "rule:industry": QT_TRANSLATE_NOOP("Notifications", "by industry"),
    "round_robin": QT_TRANSLATE_NOOP("Notifications", "in turn within the team"),
    "manual": QT_TRANSLATE_NOOP("Notifications", "by hand"),
    "no_follow_up": QT_TRANSLATE_NOOP("Notifications", "no follow-up"),
    "lost": QT_TRANSLATE_NOOP("Notifications", "last deal lost"),
}
TEXTS = {
    "assigned": QT_TRANSLATE_NOOP("Notifications", "Customer %1 was assigned to you %2."),
    "by": QT_TRANSLATE_NOOP("Notifications", "By %1."),
    "assigned_summary": QT_TRANSLATE_NOOP("Notifications",
                                          "%1 customers were assigned to you (%2)."),
    "lost": QT_TRANSLATE_NOOP("Notifications", "its last deal was lost %n day(s) ago"),
    "no_follow_up": QT_TRANSLATE_NOOP("Notifications", "no follow-up for %n day(s)"),
    "return_manager": QT_TRANSLATE_NOOP("Notifications",
                                        "%1 of %2 went back to the public pool: %3."),
    "return_owner": QT_TRANSLATE_NOOP("Notifications",
                                      "Your customer %1 went back to the public pool: %2."),
    "return_summary": QT_TRANSLATE_NOOP("Notifications",
                                        "%1 customers went back to the public pool (%2)."),
    "released": QT_TRANSLATE_NOOP("Notifications",
                                  "%1 gave your customer %2 back to the public pool: %3."),
    "onboarding": QT_TRANSLATE_NOOP("Notifications",
                                    "Deal “%1” with %2 was won by %3: onboarding ticket %4 "
                                    "is waiting for the service team."),
    "response_soon": QT_TRANSLATE_NOOP("Notifications",
                                       "Ticket %1 “%2” (%3) is about to miss its first-response "
                                       "deadline (%4)."),
    "resolve_soon": QT_TRANSLATE_NOOP("Notifications",
                                      "Ticket %1 “%2” (%3) is about to miss its resolution "
                                      "deadline (%4)."),
    "response_breached": QT_TRANSLATE_NOOP("Notifications",
                                           "Ticket %1 “%2” (%3) missed its first-response "
                                           "deadline (%4): escalated, priority now %5."),
    "resolve_breached": QT_TRANSLATE_NOOP("Notifications",
                                          "Ticket %1 “%2” (%3) missed its resolution deadline "
                                          "(%4): escalated, priority now %5."),
    "unassigned": QT_TRANSLATE_NOOP("Notifications", "unassigned"),
}


def _t(key: str, *values: str, n: int = -1) -> str:
    text = QCoreApplication.translate(_C, TEXTS[key], None, n)
    for i, v in enumerate(values, 1):
        text = text.replace(f"%{i}", v)
    return text


def _reason(code: str) -> str:
    return QCoreApplication.translate(_C, REASONS[code]) if code in REASONS else code


def _counts(table: dict[str, Any], name=lambda k: k) -> str:
    return ", ".join(f"{name(k)} {fmt.number(v)}" for k, v in sorted(table.items(),
                                                          key=lambda kv: -kv[1]))


def notification_text(n: NotificationInfo) -> str:
    """One notification as a sentence in the UI language."""
    p = n.params
    customer = f"{p.get('customer_name', '')} ({p.get('customer_code', '')})"
    if n.kind == "pool_assigned":
        text = _t("assigned", customer, _reason(p.get("reason", "")))
        return text + (" " + _t("by", p["by_name"]) if p.get("by_name") else "")
    if n.kind == "pool_assigned_summary":
        return _t("assigned_summary", fmt.number(p.get('count', 0)),
                  _counts(p.get("reasons", {}), _reason))
    if n.kind == "pool_return":
        why = _t("lost" if p.get("reason") == "lost" else "no_follow_up",
                 n=int(p.get("days", 0)))
        if p.get("to") == "manager":
            return _t("return_manager", customer, p.get("owner_name", ""), why)
        return _t("return_owner", customer, why)
    if n.kind == "pool_return_summary":
        text = _t("return_summary", fmt.number(p.get('count', 0)),
                  _counts(p.get("reasons", {}), _reason))
        if p.get("to") == "manager" and p.get("owners"):
            text += " " + _counts(p["owners"])
        return text
    if n.kind == "pool_released":
        return _t("released", p.get("by_name", ""), customer, p.get("reason", ""))
    if n.kind == "onboarding_ticket":
        return _t("onboarding", p.get("title", ""), p.get("customer_name", ""),
                  p.get("owner_name", ""), p.get("ticket_number", ""))
    if n.kind in ("ticket_due_soon", "ticket_breached"):
        late = n.kind == "ticket_breached"
        key = f"{p.get('target', 'resolve')}_{'breached' if late else 'soon'}"
        if key not in TEXTS:
            key = "resolve_breached" if late else "resolve_soon"
        due = p.get("due", "")
        try:
            due = fmt.datetime_long(dt.datetime.fromisoformat(due))
        except (TypeError, ValueError):
            pass
        return _t(key, p.get("number", ""), p.get("subject", ""),
                  p.get("assignee_name") or _t("unassigned"), due,
                  labels.label(labels.PRIORITIES, p.get("priority", "")))
    return f"{n.kind}: {p}"


class NotificationsButton(QToolButton):
    """The status-bar button: the unread count; a click opens the list."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("notificationsButton")
        self.setAutoRaise(True)
        self.set_count(0)

    def set_count(self, n: int) -> None:
        self.setText(self.tr("Notifications (%1)").replace("%1", fmt.number(n)) if n
                     else self.tr("Notifications"))
        self.setStyleSheet("QToolButton { color: #c62828; font-weight: bold; }" if n else "")


class NotificationsDialog(QDialog):
    """The newest notifications, unread ones in bold; opening one with a customer shows it.

    Signals:
        open_customer(object): the customer id of the notification chosen
        changed(): some were marked read
    """

    open_customer = Signal(object)
    changed = Signal()

    def __init__(self, service, parent=None):
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(self.tr("Notifications"))
        self.resize(640, 460)
        ui_state.remember_size(self, "notifications")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activated)
        self.empty = QLabel(self.tr("No notifications."))
        read_all = QPushButton(self.tr("Mark all as read"))
        read_all.clicked.connect(self.mark_all_read)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(read_all)
        row.addStretch(1)
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.empty)
        lay.addWidget(self.list, 1)
        lay.addLayout(row)
        self.load()

    def load(self) -> None:
        self.items = self.service.list(200)
        self.list.clear()
        for n in self.items:
            when = fmt.datetime_cell(n.created_at)
            item = QListWidgetItem(f"{when}  {notification_text(n)}")
            item.setData(Qt.ItemDataRole.UserRole, n)
            if n.read_at is None:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            if n.customer_id:
                item.setToolTip(self.tr("Double-click to open the customer"))
            self.list.addItem(item)
        self.empty.setVisible(not self.items)

    def mark_all_read(self) -> None:
        if self.service.mark_read([n.id for n in self.items if n.read_at is None]):
            self.changed.emit()
        self.load()

    def _activated(self, item: QListWidgetItem) -> None:
        n: NotificationInfo = item.data(Qt.ItemDataRole.UserRole)
        if n.read_at is None and self.service.mark_read([n.id]):
            self.changed.emit()
        if n.customer_id:
            self.open_customer.emit(n.customer_id)
            self.accept()
        else:
            self.load()

