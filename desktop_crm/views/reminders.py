"""Reminders while the app runs: a timer asks the follow-up service for the user's due
reminders (off the UI thread), shows each new one as a system tray message where the desktop
has a tray, and lists them in a window with Snooze, Done, Open and Dismiss.

The clock is injectable (``now``), so tests fire a reminder by moving time, not by waiting.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QHeaderView, QLabel, QMenu, QPushButton, QSystemTrayIcon, QToolButton,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from desktop_crm.services.errors import ServiceError
from desktop_crm.services.followups import Reminder

from . import fmt, labels
from .workers import Worker, guarded

POLL_MS = 30_000
SNOOZES = (5, 15, 60, 24 * 60)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ReminderCenter(QObject):
    """Polls for due reminders. Signals:
        reminders_due(list): the due reminders (all of them) whenever a new one arrived
        changed(): a reminder was snoozed, done or dismissed (counts may change)
        failed(str): a snooze, done or dismiss was refused
    """

    reminders_due = Signal(list)
    changed = Signal()
    failed = Signal(str)

    def __init__(self, services, parent: QObject | None = None, *,
                 now: Callable[[], dt.datetime] | None = None, interval_ms: int = POLL_MS,
                 tray: QSystemTrayIcon | None = None):
        super().__init__(parent)
        self.services = services
        self.now = now or _utcnow
        self.tray = tray
        self.due: list[Reminder] = []
        self._announced: dict[uuid.UUID, dt.datetime] = {}  # id -> remind_at shown
        self._busy = False
        self._worker: Worker | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()
        self.check()

    def check(self) -> None:
        """Ask for the due reminders now (in the background)."""
        if self._busy:
            return
        self._busy = True
        at = self.now()
        worker = Worker(lambda: self.services.followups.due_reminders(at))
        self._worker = worker  # the Python object must outlive the run
        worker.signals.finished.connect(guarded(self, self._arrived))
        worker.signals.failed.connect(guarded(self, self._failed_check))
        QThreadPool.globalInstance().start(worker)

    def _failed_check(self, _exc) -> None:
        self._busy = False  # the database was busy or gone: the next tick tries again

    def _arrived(self, due: list[Reminder]) -> None:
        self._busy = False
        self.due = due
        new = [r for r in due if self._announced.get(r.item.id) != r.remind_at]
        for r in new:
            self._announced[r.item.id] = r.remind_at
        if new:
            self._tray_message(new)
            self.reminders_due.emit(due)

    def _tray_message(self, new: list[Reminder]) -> None:
        if self.tray is None or not QSystemTrayIcon.isSystemTrayAvailable():
            return
        first = new[0].item
        tz = self.services.followups.tz
        text = f"{first.start.astimezone(tz):%H:%M} " + " · ".join(
            x for x in (labels.label(labels.ACTIVITY_TYPES, first.type), first.customer_name,
                        first.subject) if x)
        if len(new) > 1:
            text += "\n" + self.tr("and %n more", "", len(new) - 1)
        self.tray.showMessage(self.tr("Follow-up reminder"), text,
                              QSystemTrayIcon.MessageIcon.Information, 15_000)

    def _forget(self, activity_id: uuid.UUID) -> None:
        self.due = [r for r in self.due if r.item.id != activity_id]
        self.changed.emit()

    def snooze(self, activity_id: uuid.UUID, minutes: int) -> bool:
        try:
            self.services.followups.snooze(activity_id, minutes, now=self.now())
        except ServiceError as err:
            self.failed.emit(str(err))
            return False
        self._forget(activity_id)
        return True

    def dismiss(self, activity_id: uuid.UUID) -> bool:
        try:
            self.services.followups.dismiss(activity_id)
        except ServiceError as err:
            self.failed.emit(str(err))
            return False
        self._forget(activity_id)
        return True

    def done(self, reminder: Reminder) -> bool:
        """Complete the follow-up (no outcome; the next one by the cadence)."""
        try:
            self.services.followups.complete(
                reminder.item.id, self.services.followups.item(reminder.item.id).version,
                now=self.now(), texts={"cadence_subject": self.tr("Follow up with {customer}")})
        except ServiceError as err:
            self.failed.emit(str(err))
            return False
        self._forget(reminder.item.id)
        return True


def snooze_text(minutes: int) -> str:
    days, hours = divmod(minutes, 24 * 60)[0], divmod(minutes, 60)[0]
    if minutes % (24 * 60) == 0:
        return QCoreApplication.translate("Reminders", "%n day(s)", "", days)
    if minutes % 60 == 0:
        return QCoreApplication.translate("Reminders", "%n hour(s)", "", hours)
    return QCoreApplication.translate("Reminders", "%n minute(s)", "", minutes)


class RemindersDialog(QDialog):
    """The in-app list of due reminders. Signals:
        open_requested(object): the activity id to open in its form
    """

    open_requested = Signal(object)

    def __init__(self, center: ReminderCenter, parent: QWidget | None = None):
        super().__init__(parent)
        self.center = center
        self.setWindowTitle(self.tr("Reminders"))
        self.setMinimumSize(620, 300)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        lay = QVBoxLayout(self)
        self.heading = QLabel()
        lay.addWidget(self.heading)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("Time"), self.tr("Type"), self.tr("Customer"),
                                   self.tr("Subject")])
        self.tree.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.tree.itemDoubleClicked.connect(lambda _i, _c: self._open())
        lay.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.snooze_button = QToolButton()
        self.snooze_button.setText(self.tr("Snooze"))
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.snooze_button)
        for minutes in SNOOZES:
            menu.addAction(snooze_text(minutes), lambda m=minutes: self._snooze(m))
        self.snooze_button.setMenu(menu)
        self.done_button = QPushButton(self.tr("Done"))
        self.done_button.clicked.connect(self._done)
        self.dismiss_button = QPushButton(self.tr("Dismiss"))
        self.dismiss_button.clicked.connect(self._dismiss)
        self.open_button = QPushButton(self.tr("Open…"))
        self.open_button.clicked.connect(self._open)
        for w in (self.snooze_button, self.done_button, self.dismiss_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.open_button)
        lay.addLayout(row)
        self.message = QLabel()
        self.message.setStyleSheet("color: #c62828;")
        self.message.hide()
        lay.addWidget(self.message)
        center.reminders_due.connect(self.refresh)
        center.changed.connect(lambda: self.refresh(center.due))
        center.failed.connect(self._failed)
        self.refresh(center.due)

    def refresh(self, due: list[Reminder]) -> None:
        tz = self.center.services.followups.tz
        current = self.selected()
        self.tree.clear()
        for r in due:
            it = r.item
            row = QTreeWidgetItem([fmt.month_day_time(it.start, tz),
                                   labels.label(labels.ACTIVITY_TYPES, it.type),
                                   it.customer_name, it.subject])
            row.setData(0, Qt.ItemDataRole.UserRole, str(it.id))
            self.tree.addTopLevelItem(row)
            if current is not None and current.item.id == it.id:
                self.tree.setCurrentItem(row)
        if self.tree.currentItem() is None and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        for i in range(3):
            self.tree.resizeColumnToContents(i)
        self.heading.setText(self.tr("%n follow-up(s) due", "", len(due)))
        for w in (self.snooze_button, self.done_button, self.dismiss_button, self.open_button):
            w.setEnabled(bool(due))

    def selected(self) -> Reminder | None:
        row = self.tree.currentItem()
        if row is None:
            return None
        aid = row.data(0, Qt.ItemDataRole.UserRole)
        return next((r for r in self.center.due if str(r.item.id) == aid), None)

    def _failed(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _snooze(self, minutes: int) -> None:
        r = self.selected()
        if r is not None:
            self.center.snooze(r.item.id, minutes)

    def _done(self) -> None:
        r = self.selected()
        if r is not None:
            self.center.done(r)

    def _dismiss(self) -> None:
        r = self.selected()
        if r is not None:
            self.center.dismiss(r.item.id)

    def _open(self) -> None:
        r = self.selected()
        if r is not None:
            self.open_requested.emit(r.item.id)
