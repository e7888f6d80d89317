"""Other people's changes reach the screen: runs the listener of ``services.live`` and hands
each ChangeSet to the main window on the GUI thread (no widgets)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from desktop_crm.services.container import Services
from desktop_crm.services.errors import ChangeSet
from desktop_crm.services.live import RESYNC_KIND, make_listener

log = logging.getLogger(__name__)


class LiveUpdates(QObject):
    """Listens for changes made by other connections (PostgreSQL NOTIFY, or SQLite's
    ``data_version``) in a thread of its own.

    Signals:
        changed(object): a ChangeSet, emitted on the GUI thread
        resynced(): the connection came back (or notices were lost): everything reloads
    """

    changed = Signal(object)
    resynced = Signal()
    _arrived = Signal(object)  # from the listener's thread; queued to this object's thread

    def __init__(self, services: Services, parent: QObject | None = None, **options):
        super().__init__(parent)
        self.services = services
        self._arrived.connect(self._deliver)
        self.listener = make_listener(services.db, self._arrived.emit, **options)

    def start(self) -> None:
        self.listener.start()

    def stop(self) -> None:
        """End the listener's thread (promptly: it wakes every fraction of a second)."""
        self.listener.stop()

    @property
    def running(self) -> bool:
        return self.listener.running

    def resync_message(self) -> str:
        """What the status bar says after a reload of everything (the connection came back,
        notices were lost, or on SQLite another program wrote to the file)."""
        return self.tr("Updated with changes made elsewhere")

    def _deliver(self, changes: ChangeSet) -> None:
        if RESYNC_KIND in changes.kinds:
            self.resynced.emit()
        self.changed.emit(changes)


def attach_live_updates(window, **options) -> LiveUpdates:
    """Start live updates for a main window: each ChangeSet goes to ``window.broadcast``
    (every section reloads what it shows of it, then ``data_changed`` reaches Home, the
    reports, the notifications and the health keeper). Stops when the application quits;
    the window's ``closeEvent`` should call ``stop()`` too."""
    from PySide6.QtCore import QCoreApplication

    live = LiveUpdates(window.services, window, **options)
    live.changed.connect(window.broadcast)
    live.resynced.connect(lambda: window.statusBar().showMessage(live.resync_message(), 5000))
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(live.stop)
    listener = live.listener
    window.destroyed.connect(lambda *_: listener.stop())  # deleted without a closeEvent
    live.start()
    return live
