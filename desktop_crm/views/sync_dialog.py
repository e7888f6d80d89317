"""Syncing an offline copy with the office server (issue 9): the phase in plain words, the
records done, Cancel (the sync stops between batches, what was sent is kept), then a summary
or why it could not run and what to do."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP, QThreadPool, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QProgressBar, QPushButton, QVBoxLayout,
)

from desktop_crm.services.sync import SyncError, SyncResult, SyncService

from .workers import Worker, guarded

log = logging.getLogger(__name__)

_C = "SyncDialog"


def sync_error_text(exc: BaseException) -> str:
    """Why a sync (or making an offline copy) could not run, and what to do, in plain words."""
    tr = QCoreApplication
    if not isinstance(exc, SyncError):
        return tr.translate(
            "SyncDialog", "The sync stopped with an error: %1\n\nWhat was sent before it is "
            "kept; your other changes stay on this computer. Sync again later; if it happens "
            "again, tell your administrator.").replace(
            "%1", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    code, d = exc.code, exc.details
    app, server = str(d.get("app") or "-"), str(d.get("server") or "-")
    if code == "unreachable":
        return tr.translate(
            "SyncDialog", "The office server cannot be reached. Your changes are kept on this "
            "computer; sync again when you are connected.")
    if code == "cancelled":
        return tr.translate(
            "SyncDialog", "Sync cancelled: what was sent is kept; the rest goes next time.")
    if code == "server_older":
        return tr.translate(
            "SyncDialog", "This app (schema %1) and the office server (schema %2) are on "
            "different versions: ask the administrator to upgrade the server (desktop-crm "
            "init) before syncing. Nothing was changed.").replace("%1", app).replace(
            "%2", server)
    if code == "app_older":
        return tr.translate(
            "SyncDialog", "This app (schema %1) and the office server (schema %2) are on "
            "different versions: upgrade Desktop CRM on this computer before syncing. Nothing "
            "was changed.").replace("%1", app).replace("%2", server)
    if code == "server_behind":
        return tr.translate(
            "SyncDialog", "The office server is behind this computer: it was probably restored "
            "from an older backup. Contact your administrator before syncing again. Nothing "
            "was changed; your changes are kept on this computer.")
    if code == "login_failed":
        return tr.translate(
            "SyncDialog", "The office server did not accept your login (%1). Check the password "
            "under Settings → Database, then sync again. Your changes are kept on this "
            "computer.").replace("%1", str(d.get("login") or ""))
    if code == "not_staff":
        return tr.translate(
            "SyncDialog", "Your server login (%1) is not a Desktop CRM staff account. Ask your "
            "administrator for one. Nothing was changed.").replace(
            "%1", str(d.get("login") or ""))
    if code == "not_replica":
        return tr.translate(
            "SyncDialog", "This database is not an offline copy: there is nothing to sync.")
    if code == "exists":
        return tr.translate(
            "SyncDialog", "There is already a file at %1. Choose another name, or move that "
            "file away first.").replace("%1", str(d.get("path") or ""))
    return tr.translate("SyncDialog", "The sync stopped: %1").replace("%1", str(exc))


PHASES = {
    "connect": QT_TRANSLATE_NOOP("SyncDialog", "Connecting to the office server…"),
    "push": QT_TRANSLATE_NOOP("SyncDialog", "Sending your changes…"),
    "pull": QT_TRANSLATE_NOOP("SyncDialog", "Receiving changes…"),
    "done": QT_TRANSLATE_NOOP("SyncDialog", "Done"),
}


class SyncDialog(QDialog):
    """Runs one sync of the offline copy ``services.db`` in a worker.

    ``server`` / ``password``: as for SyncService (None: the server recorded in the copy,
    the keyring's password).

    Signals:
        synced(object): the SyncResult, after a sync that finished
        ended(): after every run, finished or not (the waiting count changed)
        conflicts_requested(): "Show conflicts" was clicked
    """

    synced = Signal(object)
    ended = Signal()
    conflicts_requested = Signal()

    def __init__(self, services, parent=None, *, server=None, password: str | None = None,
                 start: bool = True):
        super().__init__(parent)
        self.services = services
        self.server = server
        self.password = password
        self.result: SyncResult | None = None
        self.error: BaseException | None = None
        self.running = False
        self._cancelled = False
        self._worker: Worker | None = None
        self.setWindowTitle(self.tr("Sync with the office"))
        self.setMinimumWidth(520)

        self.phase = QLabel()
        self.phase.setObjectName("sync_phase")
        font = QFont(self.phase.font())
        font.setBold(True)
        self.phase.setFont(font)
        self.bar = QProgressBar()
        self.bar.setObjectName("sync_progress")
        self.bar.setTextVisible(False)
        self.count = QLabel()
        self.count.setObjectName("sync_count")
        self.message = QLabel()
        self.message.setObjectName("sync_message")
        self.message.setWordWrap(True)
        self.message.hide()

        self.buttons = QDialogButtonBox()
        self.conflicts_button = QPushButton(self.tr("Show conflicts"))
        self.conflicts_button.setObjectName("sync_show_conflicts")
        self.conflicts_button.clicked.connect(self._show_conflicts)
        self.conflicts_button.hide()
        self.again_button = QPushButton(self.tr("Sync again"))
        self.again_button.clicked.connect(self.start)
        self.again_button.hide()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("sync_cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.accept)
        self.close_button.hide()
        role = QDialogButtonBox.ButtonRole
        self.buttons.addButton(self.conflicts_button, role.ActionRole)
        self.buttons.addButton(self.again_button, role.ActionRole)
        self.buttons.addButton(self.cancel_button, role.RejectRole)
        self.buttons.addButton(self.close_button, role.AcceptRole)
        self._set_buttons(self.cancel_button)  # the box shows what it is given: set after

        lay = QVBoxLayout(self)
        lay.addWidget(self.phase)
        lay.addWidget(self.bar)
        lay.addWidget(self.count)
        lay.addWidget(self.message)
        lay.addStretch(1)
        lay.addWidget(self.buttons)
        if start:
            self.start()

    # -- running ----------------------------------------------------------------------

    def start(self) -> None:
        """Run a sync in the background (``cancel()`` before it to have it stop at once)."""
        if self.running:
            return
        self.running = True
        self.result = self.error = None
        self._show_phase("connect", 0, 0)
        self.bar.show()
        self.message.hide()
        self._set_buttons(self.cancel_button)
        self.cancel_button.setEnabled(not self._cancelled)
        db, server, password = self.services.db, self.server, self.password

        def work(progress):
            svc = SyncService(db, server=server, password=password)
            try:
                return svc.run(progress=progress, cancelled=lambda: self._cancelled)
            finally:
                svc.close()

        worker = Worker(work, with_progress=True)
        worker.signals.progressed.connect(guarded(self, self._show_phase))
        worker.signals.finished.connect(guarded(self, self._finished))
        worker.signals.failed.connect(guarded(self, self._failed))
        self._worker = worker  # its signals must outlive this call
        QThreadPool.globalInstance().start(worker)

    def cancel(self) -> None:
        """Stop the sync between two batches: what was sent is kept."""
        self._cancelled = True
        if self.running:
            self.cancel_button.setEnabled(False)
            self.count.setText(self.tr("Stopping after the current batch…"))

    def reject(self) -> None:  # Esc or the window's close button
        if self.running:
            self.cancel()
            return
        super().reject()

    def _show_phase(self, phase: str, done: int, total: int) -> None:
        text = PHASES.get(phase)
        if text is None:
            return
        self.phase.setText(self.tr(text))
        if phase == "done":
            self.bar.setRange(0, 1)
            self.bar.setValue(1)
            self.count.setText("")
        elif total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.count.setText(self.tr("%1 of %2 changes sent").replace("%1", str(done))
                               .replace("%2", str(total)))
        else:
            self.bar.setRange(0, 0)  # busy: nothing to count yet
            self.count.setText(self.tr("%n record(s) received", "", done)
                               if phase == "pull" and done else "")
        if self._cancelled and self.running:
            self.count.setText(self.tr("Stopping after the current batch…"))

    def _set_buttons(self, *shown: QPushButton) -> None:
        for b in (self.conflicts_button, self.again_button, self.cancel_button,
                  self.close_button):
            b.setVisible(b in shown)

    def _end(self, *buttons: QPushButton) -> None:
        self.running = False
        self._cancelled = False
        # self._worker stays: dropping it here, in a slot of its own signal, would delete
        # the signals object while Qt is still delivering
        self._set_buttons(self.close_button, *buttons)
        self.close_button.setDefault(True)
        self.message.show()

    def _finished(self, result: SyncResult) -> None:
        self.result = result
        self._end(*([self.conflicts_button] if result.conflicts else []))
        self._show_phase("done", 1, 1)
        text = self.tr("Sync finished: %1, %2, %3.").replace(
            "%1", self.tr("%n change(s) sent", "", result.pushed)).replace(
            "%2", self.tr("%n change(s) received", "", result.pulled)).replace(
            "%3", self.tr("%n conflict(s)", "", result.conflicts))
        if result.removed:
            text += "\n" + self.tr("%n record(s) no longer yours to see were removed from this "
                                   "computer.", "", result.removed)
        if result.conflicts:
            text += "\n" + self.tr("Where both sides changed the same thing, the office's "
                                   "value was kept: look at the conflicts and choose.")
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.synced.emit(result)
        self.ended.emit()

    def _failed(self, exc: BaseException) -> None:
        self.error = exc
        retry = not isinstance(exc, SyncError) or exc.code in ("unreachable", "cancelled")
        self._end(*([self.again_button] if retry else []))
        cancelled = isinstance(exc, SyncError) and exc.code == "cancelled"
        self.phase.setText(self.tr("Sync cancelled") if cancelled
                           else self.tr("The sync did not finish"))
        self.bar.hide()
        self.count.setText("")
        if not cancelled:
            log.info("sync failed: %r", exc)
        self.message.setStyleSheet("" if cancelled else "color: #b91c1c;")
        self.message.setText(sync_error_text(exc))
        self.ended.emit()

    def _show_conflicts(self) -> None:
        self.conflicts_requested.emit()
        self.accept()
