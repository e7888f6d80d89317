"""First start on an empty database: the app offers demo data and builds it in the background."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from desktop_crm.services.container import Services
from desktop_crm.services.settings import Settings
from desktop_crm.views.demo_offer import offer_demo_data, run_demo
from desktop_crm.views.main_window import MainWindow


def test_offer_once_on_empty_database(qtbot, sqlite_url):
    svc = Services.open(sqlite_url)
    w = MainWindow(svc)
    qtbot.addWidget(w)
    box = offer_demo_data(w)
    assert isinstance(box, QMessageBox) and box.isVisible()
    box.button(QMessageBox.StandardButton.No).click()
    assert Settings().get("demo_offered") is True
    assert offer_demo_data(w) is None  # asked once only
    svc.close()


def test_no_offer_when_there_are_customers(qtbot, sqlite_url):
    svc = Services.open(sqlite_url)
    svc.customers.create({"name": "张三"})
    w = MainWindow(svc)
    qtbot.addWidget(w)
    assert offer_demo_data(w) is None
    svc.close()


def test_demo_runs_in_background_and_fills_the_list(qtbot, sqlite_url):
    svc = Services.open(sqlite_url)
    w = MainWindow(svc)
    qtbot.addWidget(w)
    w.show()
    # every message the status bar showed (the escalation check may speak after the demo's)
    shown: list[str] = []
    w.statusBar().messageChanged.connect(shown.append)
    worker = run_demo(w, 120)
    with qtbot.waitSignal(worker.signals.finished, timeout=60000):
        pass
    qtbot.waitUntil(lambda: w.customers.model.rowCount() == 120, timeout=5000)
    assert any("120" in m for m in shown), shown
    svc.close()
