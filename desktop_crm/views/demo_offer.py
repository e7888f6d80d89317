"""On first start with an empty database, offer demo data to try the app with."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QThreadPool, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services.errors import ChangeSet
from desktop_crm.services.settings import Settings

from . import fmt
from .workers import Worker

log = logging.getLogger(__name__)

DEMO_CUSTOMERS = 1000


def offer_demo_data(window, settings: Settings | None = None) -> QMessageBox | None:
    """Ask once, on an empty database, whether to add demo customers."""
    settings = settings or Settings()
    services = window.services
    if services.customers.page(CustomerQuery(), limit=1).rows or services.customers.page(
            CustomerQuery(deleted=True), limit=1).rows:
        return None
    if settings.get("demo_offered"):
        return None
    settings.set("demo_offered", True)
    box = QMessageBox(
        QMessageBox.Icon.Question, QCoreApplication.translate("DemoOffer", "Welcome"),
        QCoreApplication.translate("DemoOffer", "Your customer database is empty. Add %1 demo customers with orders, "
            "follow-ups and tickets to try the app? You can delete them later by starting "
            "with a new database.").replace("%1", fmt.number(DEMO_CUSTOMERS)),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    box.button(QMessageBox.StandardButton.Yes).setText(QCoreApplication.translate("DemoOffer", "Add demo data"))
    box.button(QMessageBox.StandardButton.No).setText(QCoreApplication.translate("DemoOffer", "Start empty"))
    box.finished.connect(lambda result: result == QMessageBox.StandardButton.Yes
                         and run_demo(window, DEMO_CUSTOMERS))
    box.open()
    return box


def run_demo(window, customers: int) -> Worker:
    """Generate demo data in the background with a progress dialog and Cancel."""
    from desktop_crm.services.demo import Cancelled, generate_demo

    services = window.services
    dlg = QProgressDialog(QCoreApplication.translate("DemoOffer", "Creating demo data…"), QCoreApplication.translate("DemoOffer", "Cancel"), 0, 100, window)
    dlg.setWindowTitle(QCoreApplication.translate("DemoOffer", "Demo data"))
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    dlg.setMinimumDuration(0)
    worker = Worker(lambda progress: generate_demo(services.db, customers, progress=progress),
                    with_progress=True)

    def progressed(_stage: str, done: int, total: int) -> None:
        dlg.setLabelText(QCoreApplication.translate(
            "DemoOffer", "Creating demo customers with their history: %1 of %2")
            .replace("%1", fmt.number(done)).replace("%2", fmt.number(total)))
        dlg.setValue(int(100 * done / total) if total else 0)

    def finished(summary) -> None:
        dlg.reset()
        window.statusBar().showMessage(
            QCoreApplication.translate("DemoOffer", "Added %1 demo customers").replace("%1", fmt.number(summary.customers)), 8000)
        window.customers.refresh()
        window.data_changed.emit(ChangeSet.of("customers", "orders", "activities",
                                              "opportunities", "tickets"))

    def failed(exc) -> None:
        dlg.reset()
        window.customers.refresh()
        if not isinstance(exc, Cancelled):
            QMessageBox.warning(window, QCoreApplication.translate("DemoOffer", "Demo data"),
                                QCoreApplication.translate("DemoOffer", "Demo data could not be created: %1").replace("%1", str(exc)))

    worker.signals.progressed.connect(progressed)
    worker.signals.finished.connect(finished)
    worker.signals.failed.connect(failed)
    dlg.canceled.connect(worker.cancel)
    QThreadPool.globalInstance().start(worker)
    return worker
