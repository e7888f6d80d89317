"""The office database going away and coming back: the banner, the retries, the saves that
waited, against the real PostgreSQL server (connections refused, then allowed again)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services.db import is_connection_error
from tests.conftest import PG_ADMIN_URL

# A connection the server cut is dropped by SQLAlchemy's pool without psycopg's close() having
# run (it is invalidated, "terminated"); psycopg then warns when the object is collected. That
# is the point of these tests, so the warning is expected here, and the garbage is collected
# before each test ends (so no later test is blamed for it).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning",
                                        "ignore::ResourceWarning")


@pytest.fixture(autouse=True)
def _collect_cut_connections():
    import gc

    yield
    gc.collect()


class Outage:
    """Refuse new connections to the database and cut the ones it has (as a server restart
    or a pulled network cable would), then let them in again."""

    def __init__(self, url: str):
        self.name = make_url(url).database
        self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")

    def start(self) -> None:
        with self.admin.connect() as c:
            c.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false'))
            c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": self.name})

    def end(self) -> None:
        with self.admin.connect() as c:
            c.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true'))

    def close(self) -> None:
        self.end()
        self.admin.dispose()


@pytest.fixture
def outage(pg_url):
    o = Outage(pg_url)
    yield o
    o.close()


class Office:
    """The app's services on the test database and the windows a test opened on them."""

    def __init__(self, url: str):
        self.svc = Services.open(url, upgrade=True)
        self.windows = []

    def window(self, qtbot):
        from desktop_crm.views.main_window import MainWindow

    
        w = MainWindow(self.svc)
        qtbot.addWidget(w)
        self.windows.append(w)
        return w

    def close(self) -> None:
        for w in self.windows:
            w.close()  # stops its live-updates listener before the database goes
        self.svc.close()


@pytest.fixture
def office(pg_url, outage):
    o = Office(pg_url)
    yield o
    outage.end()  # the server back before the windows and the services close
    o.close()


def test_a_lost_server_is_told_apart_from_a_bad_statement(office, outage):
    svc = office.svc
    with pytest.raises(DBAPIError) as bad:
        with svc.db.engine.connect() as c:
            c.execute(text("SELECT * FROM no_such_table"))
    assert not is_connection_error(bad.value)
    outage.start()
    with pytest.raises(DBAPIError) as lost:
        svc.customers.page(CustomerQuery())
    assert is_connection_error(lost.value)


def test_the_banner_retries_and_the_waiting_save_lands_when_the_server_is_back(
        qtbot, office, outage):
    svc = office.svc
    w = office.window(qtbot)
    w.show()
    watch, banner = w.connection_watch, w.connection_banner
    assert not banner.isVisible()
    outage.start()
    with pytest.raises(DBAPIError) as lost:
        svc.customers.create({"name": "断网时新建"})
    assert watch.report(lost.value) is True
    watch.save_when_back(lambda: bool(svc.customers.create({"name": "断网时新建"})))
    assert banner.isVisible() and "cannot be reached" in banner.label.text()
    assert "1 change" in banner.label.text()
    watch.try_now()  # still down: the next try is further off
    qtbot.waitUntil(lambda: watch.attempt == 1 and not watch._trying, timeout=20000)
    assert watch.down and "Trying again in 4 s" in banner.label.text()
    outage.end()
    watch.try_now()
    qtbot.waitUntil(lambda: not watch.down, timeout=20000)
    assert "Connected again" in banner.label.text() and "1 waiting change" in \
        banner.label.text()
    names = {r.name for r in svc.customers.page(CustomerQuery()).rows}
    assert "断网时新建" in names


def test_a_background_worker_that_loses_the_server_raises_the_banner(qtbot, office, outage):
    from PySide6.QtCore import QThreadPool

    from desktop_crm.views.workers import Worker

    svc = office.svc
    w = office.window(qtbot)
    QThreadPool.globalInstance().waitForDone(20000)
    outage.start()
    worker = Worker(lambda: svc.customers.count(CustomerQuery()))
    QThreadPool.globalInstance().start(worker)
    qtbot.waitUntil(lambda: w.connection_watch.down, timeout=20000)
    assert w.connection_banner.isVisibleTo(w)


def test_a_customer_form_saved_during_an_outage_keeps_its_values_and_saves_when_back(
        qtbot, office, outage):
    svc = office.svc
    rec = svc.customers.create({"name": "老客户", "notes": ""})
    w = office.window(qtbot)
    w.show()
    qtbot.waitUntil(lambda: w.customers.model.row_of(rec.id) >= 0, timeout=20000)
    w.customers.select_row(w.customers.model.row_of(rec.id))
    dlg = w.customers.edit_customer()
    dlg.edits["notes"].setPlainText("断网时写的备注")
    outage.start()
    assert dlg.try_save() is False
    assert dlg.isVisible() and dlg.edits["notes"].toPlainText() == "断网时写的备注"
    assert "Not saved yet" in dlg.general_error.text()
    assert w.connection_watch.down and "1 change" in w.connection_banner.label.text()
    outage.end()
    w.connection_watch.try_now()
    qtbot.waitUntil(lambda: not w.connection_watch.down, timeout=20000)
    assert svc.customers.get(rec.id).notes == "断网时写的备注"
    assert not dlg.isVisible()


def test_the_other_forms_also_wait_for_the_server_and_save_once(qtbot, office, outage):
    """A new follow-up, ticket and opportunity saved while the server is away: each form
    stays open as typed, and each is saved exactly once when the server is back."""
    import datetime as dt

    from desktop_crm.services.tickets import TicketQuery
    from desktop_crm.views.activity_dialog import ActivityDialog
    from desktop_crm.views.opportunity_dialog import OpportunityDialog
    from desktop_crm.views.ticket_dialog import NewTicketDialog

    svc = office.svc
    rec = svc.customers.create({"name": "断网客户"})
    w = office.window(qtbot)
    w.show()
    follow_up = ActivityDialog(svc, customer=(rec.id, rec.name), parent=w,
                               start=dt.datetime.now().astimezone() + dt.timedelta(days=1))
    follow_up.subject.setText("断网时约的回访")
    ticket = NewTicketDialog(svc, parent=w, customer_id=rec.id, customer_name=rec.name,
                             subject="断网时报的故障")
    deal = OpportunityDialog(svc, parent=w)
    deal.title_edit.setText("断网时的商机")
    deal.customer.set_customer(rec.id, rec.name)
    deal.plan.setChecked(False)
    forms = (follow_up, ticket, deal)
    for form in forms:
        form.show()
    outage.start()
    follow_up.save()
    ticket.save()
    deal.save()
    deal.save()  # pressed twice: still one waiting save
    for form in forms:
        assert form.isVisible() and "Not saved yet" in form.message.text()
    assert "3 change" in w.connection_banner.label.text()
    outage.end()
    w.connection_watch.try_now()
    qtbot.waitUntil(lambda: not w.connection_watch.down, timeout=20000)
    assert not any(form.isVisible() for form in forms)
    assert "3 waiting change" in w.connection_banner.label.text()
    now = dt.datetime.now(dt.timezone.utc)
    assert [i.subject for i in svc.followups.items(now, now + dt.timedelta(days=3))] == \
        ["断网时约的回访"]
    assert [t.subject for t in svc.tickets.page(TicketQuery())] == ["断网时报的故障"]
    assert [c.title for col in svc.pipeline.board() for c in col.cards] == ["断网时的商机"]
