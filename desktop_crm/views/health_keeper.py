"""Keeps the stored customer health scores current while the app runs (no widgets)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from desktop_crm.services.container import Services

from .workers import Worker, guarded

log = logging.getLogger(__name__)

# Kinds of change (ChangeSet) that can move a customer's score.
KINDS = frozenset({"customers", "orders", "interactions", "activities", "tickets", "tiers"})
DEBOUNCE_MS = 1500
# Colleagues on a shared server change data this app is not told about; the date moves.
POLL_MS = 5 * 60 * 1000


class HealthKeeper(QObject):
    """Runs ``HealthService.keep_current`` in a worker: at start (a full computation when the
    stored scores are stale), shortly after this app changed data (only the changed
    customers), and every few minutes. One run at a time; a request during a run runs after.

    Signals:
        updated(): stored scores changed (the customer list and the Home tiles reload)
    """

    updated = Signal()

    def __init__(self, services: Services, parent=None):
        super().__init__(parent)
        self.services = services
        self._pool = QThreadPool.globalInstance()
        self._worker: Worker | None = None
        self._again = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.run)

    @property
    def running(self) -> bool:
        return self._worker is not None

    def start(self) -> None:
        """Bring the scores up to date now (in the background), then keep them so."""
        self._poll.start()
        self.run()

    def on_data_changed(self, changes) -> None:
        """A ChangeSet from a section: refresh the changed customers after a short pause
        (a burst of saves is one refresh)."""
        kinds = getattr(changes, "kinds", None)
        if kinds is not None and not (set(kinds) & KINDS):
            return
        self._debounce.start()

    def run(self) -> None:
        if self._worker is not None:
            self._again = True
            return
        health = self.services.health
        worker = Worker(health.keep_current)
        self._worker = worker
        worker.signals.finished.connect(guarded(self, self._finished))
        worker.signals.failed.connect(guarded(self, self._failed))
        self._pool.start(worker)

    def _finished(self, changed) -> None:
        self._worker = None
        if changed:
            self.updated.emit()
        self._next()

    def _failed(self, exc) -> None:
        self._worker = None
        log.warning("health score update failed: %r", exc)
        self._next()

    def _next(self) -> None:
        if self._again:
            self._again = False
            self.run()

    def stop(self) -> None:
        self._poll.stop()
        self._debounce.stop()
