"""When the office database cannot be reached: a banner over the sections, retries with
back-off (2, 4, 8 ... 60 s, or at once with "Retry now"), and, once the server answers again,
the saves that were waiting (a form keeps what the user typed and registers its save here),
then a refresh of everything on screen.

Who reports a lost connection: any background worker (``workers.notices()``), the exception
hook (a slot that failed), and forms whose save failed (``ConnectionWatch.report``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_crm.services.db import is_connection_error

from .workers import Worker, guarded, notices

log = logging.getLogger(__name__)

BACKOFF = (2, 4, 8, 16, 30, 60)  # seconds between attempts; then every 60 s
OK_SHOWN_MS = 4000

current: "ConnectionWatch | None" = None  # the main window's, for the exception hook


class ConnectionBanner(QFrame):
    retry_clicked = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("connectionBanner")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.retry = QPushButton(self.tr("Retry now"))
        self.retry.clicked.connect(self.retry_clicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.retry)
        self.hide()

    def show_lost(self, seconds: int, waiting: int) -> None:
        self.setStyleSheet("#connectionBanner { background: #fef3c7; border-bottom: 1px solid "
                           "#f59e0b; } QLabel { color: #78350f; }")
        text = self.tr("The database server cannot be reached. Trying again in %1 s; your "
                       "work stays as it is.").replace("%1", str(seconds))
        if waiting:
            text += " " + self.tr("%n change(s) will be saved when it is back.", "", waiting)
        self.label.setText(text)
        self.retry.show()
        self.show()

    def show_trying(self) -> None:
        self.label.setText(self.tr("Connecting to the database server…"))
        self.retry.hide()

    def show_back(self, saved: int) -> None:
        self.setStyleSheet("#connectionBanner { background: #dcfce7; border-bottom: 1px solid "
                           "#22c55e; } QLabel { color: #14532d; }")
        text = self.tr("Connected again.")
        if saved:
            text += " " + self.tr("%n waiting change(s) saved.", "", saved)
        self.label.setText(text)
        self.retry.hide()
        self.show()


class ConnectionWatch(QObject):
    """``lost`` when a connection problem is reported, ``restored`` once a ping succeeds."""

    lost = Signal()
    restored = Signal()

    def __init__(self, db, banner: ConnectionBanner, parent=None):
        super().__init__(parent)
        global current
        current = self
        self.db = db
        self.banner = banner
        self.down = False
        self.attempt = 0
        self.pending: list[Callable[[], bool]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.try_now)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._countdown)
        self._left = 0
        self._trying = False
        self._hide = QTimer(self)
        self._hide.setSingleShot(True)
        self._hide.timeout.connect(banner.hide)
        banner.retry_clicked.connect(self.try_now)
        notices().lost.connect(self.report)

    def report(self, exc: BaseException | None = None) -> bool:
        """A call failed: True when it was the connection (then the banner is up)."""
        if exc is not None and not is_connection_error(exc):
            return False
        if not self.down:
            log.warning("database connection lost: %s", str(exc).splitlines()[0] if exc else "")
            self.down = True
            self.attempt = 0
            self._hide.stop()
            self.lost.emit()
            self._schedule()
        return True

    def save_when_back(self, save: Callable[[], bool]) -> None:
        """``save()`` runs once the server answers again (it returns whether it saved)."""
        self.pending.append(save)
        if self.down:
            self.banner.show_lost(self._left, len(self.pending))

    def _schedule(self) -> None:
        delay = BACKOFF[min(self.attempt, len(BACKOFF) - 1)]
        self._left = delay
        self.banner.show_lost(delay, len(self.pending))
        self._timer.start(delay * 1000)
        self._tick.start()

    def _countdown(self) -> None:
        if self._left > 1:
            self._left -= 1
            self.banner.show_lost(self._left, len(self.pending))

    def try_now(self) -> None:
        if self._trying:
            return
        self._timer.stop()
        self._tick.stop()
        self._trying = True
        self.banner.show_trying()
        worker = Worker(self.db.ping)
        worker.signals.finished.connect(guarded(self, lambda _r: self._answered(True)))
        worker.signals.failed.connect(guarded(self, lambda _e: self._answered(False)))
        self._worker = worker  # its signals must outlive this call
        QThreadPool.globalInstance().start(worker)

    def _answered(self, ok: bool) -> None:
        self._trying = False
        if not ok:
            self.attempt += 1
            self._schedule()
            return
        self.down = False
        waiting, self.pending = self.pending, []
        saved = 0
        for save in waiting:
            try:
                saved += bool(save())
            except Exception:  # noqa: BLE001 - a form says its own error
                log.exception("a waiting save failed")
        log.info("database connection back; %d waiting save(s) done", saved)
        self.banner.show_back(saved)
        self._hide.start(OK_SHOWN_MS)
        self.restored.emit()


def keep_until_back(form: QWidget, exc: BaseException, save_again: Callable[[], object],
                    show: Callable[[str], None]) -> bool:
    """A form's save failed with ``exc``. When it is the office database that cannot be
    reached: the banner goes up, the form stays open as typed, ``show`` tells the user, and
    ``save_again()`` runs once the server answers (the form closes when that saved). False
    when ``exc`` is something else (the caller re-raises it)."""
    import shiboken6

    watch = current
    if not is_connection_error(exc) or watch is None or not shiboken6.isValid(watch):
        return False
    watch.report(exc)
    show(QCoreApplication.translate(
        "ConnectionBanner", "Not saved yet: the database server cannot be reached. Your "
        "changes stay in this form and are saved as soon as it answers again."))
    if form.property("waitingForServer") is not True:
        form.setProperty("waitingForServer", True)

        def again() -> bool:
            if not shiboken6.isValid(form):
                return False
            form.setProperty("waitingForServer", False)
            if not form.isVisible():  # closed meanwhile: the user gave up on it
                return False
            save_again()
            return not form.isVisible()  # a form closes once it saved
        watch.save_when_back(again)
    return True
