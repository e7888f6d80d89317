"""Running long service calls off the UI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Signal

log = logging.getLogger(__name__)


class WorkerSignals(QObject):
    """Signals:
        progressed(str, int, int): stage, done, total
        finished(object): the function's result
        failed(object): the exception it raised
    """

    progressed = Signal(str, int, int)
    finished = Signal(object)
    failed = Signal(object)


class ConnectionNotices(QObject):
    """Any worker's "the database server cannot be reached" goes here too (queued to the GUI
    thread), so the main window's banner hears of it wherever it happened."""

    lost = Signal(object)


connection_notices: ConnectionNotices | None = None


def notices() -> ConnectionNotices:
    """The one notices object (made on first use, on the GUI thread)."""
    global connection_notices
    if connection_notices is None:
        connection_notices = ConnectionNotices()
    return connection_notices


class Worker(QRunnable):
    """Runs ``fn(progress=callback)`` on the thread pool; the callback returns False once
    ``cancel()`` was called, and services stop at their next check."""

    def __init__(self, fn: Callable[..., Any], *, with_progress: bool = False):
        super().__init__()
        self.fn = fn
        self.with_progress = with_progress
        self.signals = WorkerSignals()
        self._cancelled = False
        self.setAutoDelete(True)

    def cancel(self) -> None:
        self._cancelled = True

    def _progress(self, stage: str, done: int, total: int) -> bool:
        self.signals.progressed.emit(stage, done, total)
        return not self._cancelled

    def run(self) -> None:
        try:
            result = self.fn(progress=self._progress) if self.with_progress else self.fn()
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread
            log.info("background work failed: %r", exc)
            from desktop_crm.services.db import is_connection_error

            if connection_notices is not None and is_connection_error(exc):
                connection_notices.lost.emit(exc)
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


def guarded(owner: QObject, fn: Callable[..., Any]) -> Callable[..., None]:
    """A slot for a worker's signal that does nothing once ``owner`` is deleted: a lambda
    connected to a signal stays connected after the widget it uses is gone, and a result
    arriving late would touch a deleted widget."""
    def call(*args: Any) -> None:
        if shiboken6.isValid(owner):
            fn(*args)
    return call
