"""Live updates: other connections' changes reach a listener (PostgreSQL NOTIFY of revision
0015, SQLite ``data_version``) and, through the bridge, the main window's lists."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services.errors import ChangeSet
from desktop_crm.services.live import (
    RESYNC, RESYNC_KIND, ChangeListener, DataVersionPoller, make_listener,
)
from desktop_crm.models.customer import Customer

WAIT = 20000  # ms: generous, never a measure


class Received:
    """The change sets a listener reported, from its thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._items: list[ChangeSet] = []

    def __call__(self, changes: ChangeSet) -> None:
        with self._lock:
            self._items.append(changes)

    @property
    def items(self) -> list[ChangeSet]:
        with self._lock:
            return list(self._items)

    def kinds(self) -> set[str]:
        return set().union(*(c.kinds for c in self.items))


@pytest.fixture
def two_sessions(pg_url):
    """Two app sessions on one PostgreSQL database, each with its own engine."""
    first = Services.open(pg_url, upgrade=True)
    second = Services.open(pg_url)
    yield first, second
    second.close()
    first.close()


@pytest.fixture
def listening(qtbot, two_sessions):
    first, second = two_sessions
    got = Received()
    listener = ChangeListener(first.db, got, coalesce=0.3, backoff=(0.1, 1.0))
    listener.start()
    qtbot.waitUntil(lambda: listener.backend_pid is not None, timeout=WAIT)
    yield listener, got, first, second
    listener.stop()
    assert not listener.running


def bulk_insert(db, n: int, prefix: str = "bulk") -> None:
    """``n`` customers in ONE statement (INSERT ... SELECT), as an import's COPY would."""
    columns = [c for c in Customer.__table__.columns if not c.nullable]
    values = {"id": "gen_random_uuid()", "created_at": "now()", "updated_at": "now()",
              "version": "1", "custom_fields": "'{}'",
              "code": f"'{prefix[:1].upper()}' || lpad(g::text, 6, '0')",
              "name": f"'{prefix} ' || lpad(g::text, 5, '0')",
              "sort_name": f"'{prefix} ' || lpad(g::text, 5, '0')", "kind": "'company'"}
    select = ", ".join(values.get(c.name, "''") for c in columns)
    with db.engine.begin() as conn:
        conn.execute(text(
            f"INSERT INTO customers ({', '.join(c.name for c in columns)}) "
            f"SELECT {select} FROM generate_series(1, {n}) g"))


def test_make_listener_picks_the_engine(two_sessions, sqlite_url):
    first, _ = two_sessions
    assert isinstance(make_listener(first.db, print), ChangeListener)
    local = Services.open(sqlite_url)
    try:
        assert isinstance(make_listener(local.db, print), DataVersionPoller)
    finally:
        local.close()


def test_a_change_from_another_session_reaches_the_listener(qtbot, listening):
    listener, got, first, second = listening
    rec = second.customers.create({"name": "张三贸易"})
    qtbot.waitUntil(lambda: len(got.items) >= 1, timeout=WAIT)
    assert got.items[0] == ChangeSet.of("customers")
    second.customers.update(rec.id, {"city": "上海"}, rec.version)
    qtbot.waitUntil(lambda: len(got.items) >= 2, timeout=WAIT)
    assert got.items[1] == ChangeSet.of("customers")
    assert RESYNC_KIND not in got.kinds()
    assert listener.connects == 1


def test_a_thousand_row_statement_sends_one_notice(qtbot, listening):
    listener, got, first, second = listening
    bulk_insert(second.db, 1000)
    qtbot.waitUntil(lambda: len(got.items) >= 1, timeout=WAIT)
    assert got.items[0] == ChangeSet.of("customers")
    # a marker on another table: notices arrive in commit order, so once it is here every
    # notice of the insert is too
    with second.db.engine.begin() as conn:
        conn.execute(text("UPDATE pipeline_stages SET name = name"))
    qtbot.waitUntil(lambda: "stages" in got.kinds(), timeout=WAIT)
    assert listener.notices == 2
    assert got.items[-1] == ChangeSet.of("stages")
    with first.db.read() as s:
        assert s.scalar(text("SELECT count(*) FROM customers WHERE name LIKE 'bulk %'")) == 1000


def test_the_listener_survives_a_terminated_backend_and_resyncs(qtbot, listening):
    listener, got, first, second = listening
    pid = listener.backend_pid
    with second.db.engine.begin() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    qtbot.waitUntil(lambda: RESYNC_KIND in got.kinds(), timeout=WAIT)
    assert got.items[-1] == RESYNC
    assert listener.connects == 2 and listener.backend_pid not in (None, pid)
    # and it listens again
    second.customers.create({"name": "李四"})
    qtbot.waitUntil(lambda: got.items[-1] == ChangeSet.of("customers"), timeout=WAIT)


def test_notices_carry_no_row_data(qtbot, two_sessions):
    """A notice goes to every listener whatever rows they may see: table, login, pid only."""
    import json

    import psycopg

    first, second = two_sessions
    url = first.db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("LISTEN crm_changes")
        second.customers.create({"name": "王五机密客户", "phone": "13800138000"})
        notices = list(conn.notifies(timeout=10, stop_after=1))
    assert len(notices) == 1
    payload = json.loads(notices[0].payload)
    assert set(payload) == {"t", "u", "p"}
    assert payload["t"] == "customers" and "王五" not in notices[0].payload


def test_the_sqlite_poller_sees_another_connections_write(qtbot, sqlite_url):
    first = Services.open(sqlite_url)
    second = Services.open(sqlite_url)  # its own engine: another connection to the file
    got = Received()
    poller = DataVersionPoller(first.db, got, interval=0.1)
    poller.start()
    try:
        qtbot.waitUntil(lambda: poller.polls >= 1, timeout=WAIT)
        # this app's own writes are already on its screen: not reported
        first.customers.create({"name": "自己的客户"})
        polls = poller.polls
        qtbot.waitUntil(lambda: poller.polls >= polls + 4, timeout=WAIT)
        assert got.items == []
        second.customers.create({"name": "同事的客户"})
        qtbot.waitUntil(lambda: len(got.items) >= 1, timeout=WAIT)
        assert got.items == [RESYNC]
    finally:
        poller.stop()
        second.close()
        first.close()
    assert not poller.running


def test_a_customer_added_elsewhere_appears_in_the_list_keeping_its_place(qtbot, two_sessions):
    from desktop_crm.views.live_updates import attach_live_updates
    from desktop_crm.views.main_window import MainWindow

    first, second = two_sessions
    bulk_insert(second.db, 600)
    w = MainWindow(first)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    w.show_section("customers")
    qtbot.waitExposed(w)
    section = w.customers
    section.refresh()
    table, model = section.table, section.model
    while model.canFetchMore():  # scrolled down past the first page
        model.fetchMore()
    assert model.rowCount() >= 600
    table.scrollTo(model.index(350, 0), table.ScrollHint.PositionAtTop)
    section.select_row(355)
    top_row = table.rowAt(0)
    assert top_row > 300
    top_id = model.row_at(top_row).id
    selected = section.selected_id()
    assert selected == model.row_at(355).id

    live = attach_live_updates(w)
    try:
        qtbot.waitUntil(lambda: live.listener.backend_pid is not None, timeout=WAIT)
        new = second.customers.create({"name": "AAA 新客户"})  # sorts above everything
        qtbot.waitUntil(lambda: model.row_of(new.id) >= 0, timeout=WAIT)
        assert w.statusBar().currentMessage() != live.resync_message()
        # the server drops the connection: it comes back, everything reloads, the user is told
        with second.db.engine.begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:p)"),
                         {"p": live.listener.backend_pid})
        qtbot.waitUntil(lambda: w.statusBar().currentMessage() == live.resync_message(),
                        timeout=WAIT)
    finally:
        live.stop()
        wait_for_workers()
    assert section.selected_id() == selected
    assert model.row_of(selected) == 356
    assert model.row_at(table.rowAt(0)).id == top_id
    assert model.rowCount() == 600 and model.canFetchMore()  # as many as were loaded
    w.close()
    wait_for_workers()


def test_the_ticket_list_keeps_its_place_when_someone_changes_tickets(qtbot, sqlite_url):
    """What a live update does to the ticket list: reload what is loaded, keep the selected
    ticket selected and the top visible row at the top."""
    from desktop_crm.views.tickets_section import TicketsSection

    services = Services.open(sqlite_url)
    other = Services.open(sqlite_url)
    try:
        customer = services.customers.create({"name": "上海华信科技有限公司"}).id
        for i in range(320):
            services.tickets.create({"customer_id": customer, "subject": f"问题 {i:03d}",
                                     "priority": "normal"})
        section = TicketsSection(services)
        qtbot.addWidget(section)
        section.resize(1200, 700)
        section.show()
        qtbot.waitExposed(section)
        qtbot.waitUntil(lambda: section.model.rowCount() > 0, timeout=WAIT)
        table, model = section.table, section.model
        while model.canFetchMore():
            model.fetchMore()
        assert model.rowCount() == 320
        table.scrollTo(model.index(260, 0), table.ScrollHint.PositionAtTop)
        assert section.select(model.row_at(265).id, scroll=False)
        top_id = model.row_at(table.rowAt(0)).id
        selected = section.selected_id()
        assert table.rowAt(0) > 200

        added = other.tickets.create({"customer_id": customer, "subject": "新的问题",
                                      "priority": "urgent"})
        with qtbot.waitSignal(section.loaded, timeout=WAIT):
            section.refresh(ChangeSet.of("tickets"))
        assert model.row_of(added.id) >= 0
        assert model.rowCount() >= 320
        assert section.selected_id() == selected
        assert model.row_at(table.rowAt(0)).id == top_id
    finally:
        wait_for_workers()
        other.close()
        services.close()


@pytest.fixture
def calendar_section(qtbot, sqlite_url):
    """The calendar on a SQLite file with 90 follow-ups this month (Beijing time)."""
    from desktop_crm.services.followups import FollowUpService
    from desktop_crm.views.calendar_section import CalendarSection

    from .test_calendar_view import BEIJING, NOW, Clock, bj

    services = Services.open(sqlite_url)
    services.followups = FollowUpService(services.db, services.user, BEIJING)
    cid = services.customers.create({"name": "上海华信科技有限公司",
                                     "owner_id": services.user.id}).id
    for i in range(90):
        services.followups.create({"subject": f"跟进 {i:02d}", "type": "call",
                                   "customer_id": cid,
                                   "start": bj(2026, 11, 3 + i // 4, 9 + i % 4 * 2, 0)},
                                  now=NOW)
    section = CalendarSection(services, now=Clock(NOW))
    qtbot.addWidget(section)
    section.resize(1300, 700)
    section.show()
    qtbot.waitExposed(section)
    qtbot.waitUntil(lambda: bool(section.today_panel.items), timeout=WAIT)
    section.customer_id = cid
    yield section
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(10000)
    services.close()


def test_the_agenda_keeps_its_place_when_someone_adds_a_follow_up(qtbot, calendar_section,
                                                                   sqlite_url):
    from PySide6.QtWidgets import QAbstractItemView, QApplication

    from desktop_crm.services.followups import FollowUpService
    from desktop_crm.views.calendar_pages import ID_ROLE
    from desktop_crm.views.calendar_section import AGENDA

    from .test_calendar_view import BEIJING, NOW, bj

    section = calendar_section
    with qtbot.waitSignal(section.loaded, timeout=WAIT):
        section.view_buttons[AGENDA].click()
    agenda = section.agenda
    rows = [agenda.topLevelItem(d).child(k) for d in range(agenda.topLevelItemCount())
            for k in range(agenda.topLevelItem(d).childCount())]
    assert len(rows) >= 90
    agenda.setCurrentItem(rows[42])
    agenda.scrollToItem(rows[40], QAbstractItemView.ScrollHint.PositionAtTop)
    QApplication.processEvents()  # the tree lays its items out late
    top_id = agenda.itemAt(1, 1).data(0, ID_ROLE)
    current_id = rows[42].data(0, ID_ROLE)
    assert top_id == rows[40].data(0, ID_ROLE)

    other = Services.open(sqlite_url)
    try:
        other.followups = FollowUpService(other.db, other.user, BEIJING)
        other.followups.create({"subject": "同事加的", "type": "visit",
                                "customer_id": section.customer_id,
                                "start": bj(2026, 11, 1, 8, 0)}, now=NOW)  # above them all
    finally:
        other.close()
    with qtbot.waitSignal(section.loaded, timeout=WAIT):
        section.refresh(ChangeSet.of("activities"))
    assert "同事加的" in {i.subject for i in section.items}
    assert agenda.currentItem().data(0, ID_ROLE) == current_id
    assert agenda.itemAt(1, 1).data(0, ID_ROLE) == top_id


def test_a_change_during_a_calendar_drag_reloads_after_the_drop(qtbot, calendar_section):
    from PySide6.QtCore import QPoint, Qt

    from desktop_crm.views.calendar_section import WEEK

    section = calendar_section
    with qtbot.waitSignal(section.loaded, timeout=WAIT):
        section.view_buttons[WEEK].click()
    grid = section.grid
    item = sorted(grid.items(), key=lambda i: i.start)[0]
    grid.ensure_visible(str(item.id))
    rect = grid.item_rect(str(item.id))
    start = QPoint(rect.center().x(), rect.top() + 8)
    vp = grid.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(vp, start + QPoint(0, 30))
    assert grid.dragging
    generation = section._generation
    section.refresh(ChangeSet.of("activities"))
    assert section._generation == generation  # no reload under the mouse
    assert grid.dragging
    qtbot.mouseMove(vp, start + QPoint(0, 10))
    with qtbot.waitSignal(section.loaded, timeout=WAIT):
        qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=start)
    assert not grid.dragging and section._generation > generation


def test_the_board_keeps_its_place_and_waits_for_a_drop(qtbot, sqlite_url):
    """A change from someone else reloads the kanban board keeping each column's scroll
    position and the chosen card; during a drag it waits for the drop."""
    import datetime as dt

    from PySide6.QtCore import Qt

    from desktop_crm.views.pipeline_section import PipelineSection

    services = Services.open(sqlite_url)
    other = Services.open(sqlite_url)
    try:
        cid = services.customers.create({"name": "北京华为科技有限公司"}).id
        lead = next(s.id for s in services.pipeline.stages() if s.code == "lead")
        for i in range(40):
            services.pipeline.create({"title": f"商机 {i:02d}", "customer_id": cid,
                                      "amount": "1000", "stage_id": lead,
                                      "expected_close": dt.date.today()})
        section = PipelineSection(services)
        qtbot.addWidget(section)
        section.resize(1600, 700)
        section.show()
        qtbot.waitExposed(section)
        qtbot.waitUntil(lambda: bool(section._loaded), timeout=WAIT)
        board = section.board
        ci = board.column_of_stage(lead)
        chosen = board.cards(ci)[35]
        board.ensure_visible(chosen.id)
        vp = board.viewport()
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=board.card_center(chosen.id))
        assert board.current is not None and board.current.id == chosen.id
        where = board.card_center(chosen.id)
        assert where.y() > 0 and board.card_rect(ci, 0).bottom() < 0  # scrolled down

        other.pipeline.create({"title": "同事的商机", "customer_id": cid, "amount": "500",
                               "stage_id": lead, "expected_close": dt.date.today()})
        # a drag has begun: the reload waits
        qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=where)
        assert board.dragging
        generation = section._generation
        section.refresh(ChangeSet.of("opportunities"))
        assert section._generation == generation
        with qtbot.waitSignal(section.board_loaded, timeout=WAIT):
            qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=where)
        assert "同事的商机" in {c.title for c in board.cards(ci)}
        assert board.current is not None and board.current.id == chosen.id
        assert board.card_rect(*board.find(chosen.id)).center() == where
        assert board.find(chosen.id)[1] == 36  # the new deal is above it
    finally:
        wait_for_workers()
        other.close()
        services.close()


def wait_for_workers() -> None:
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(10000)


def test_a_staff_login_listens_with_the_password_it_was_opened_with(qtbot, pg_url):
    """A salesperson's app (own login, password typed at the prompt: not in the URL) hears a
    colleague's change, which names the table and nothing of the row they may not see."""
    from sqlalchemy.engine import make_url

    from .test_access_pg import PASSWORD, Team

    team = Team(pg_url)
    anna = wang = None
    listener = None
    try:
        anna = Services.open(make_url(pg_url).set(username=f"anna_{team.sfx}")
                             .render_as_string(hide_password=False), password=PASSWORD)
        assert anna.db.engine.url.password is None
        wang = Services.open(team.login_url("wang"))
        got = Received()
        listener = ChangeListener(anna.db, got)
        listener.start()
        qtbot.waitUntil(lambda: listener.backend_pid is not None, timeout=WAIT)
        wang.customers.create({"name": "王五的新客户", "owner_id": team.ids["wang"]})
        qtbot.waitUntil(lambda: len(got.items) >= 1, timeout=WAIT)
        assert got.items[0] == ChangeSet.of("customers")
        # anna re-queries through her own rights: the new customer is not hers to see
        names = {r.name for r in anna.customers.page(CustomerQuery()).rows}
        assert "王五的新客户" not in names and "安娜客户" in names
    finally:
        if listener is not None:
            listener.stop()
        for s in (wang, anna):
            if s is not None:
                s.close()
        team.owner.close()


def test_the_fallback_reloads_when_writes_come_without_notices(qtbot, two_sessions):
    """Notices lost some other way (here: the trigger switched off by the schema owner): the
    periodic check sees the shared tables' write counters move without a notice."""
    first, second = two_sessions
    got = Received()
    listener = ChangeListener(first.db, got, fallback=0.5)
    listener.start()
    try:
        qtbot.waitUntil(lambda: listener.backend_pid is not None, timeout=WAIT)
        with second.db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE customers DISABLE TRIGGER crm_notify_change"))
        bulk_insert(second.db, 5, prefix="quiet")
        # the server publishes another backend's counters within seconds
        qtbot.waitUntil(lambda: RESYNC_KIND in got.kinds(), timeout=60000)
        assert listener.notices == 0 and got.items[0] == RESYNC
    finally:
        listener.stop()


def test_the_listener_ends_with_its_window(qtbot, sqlite_url):
    from desktop_crm.views.live_updates import attach_live_updates
    from desktop_crm.views.main_window import MainWindow

    services = Services.open(sqlite_url)
    try:
        w = MainWindow(services)
        live = attach_live_updates(w, interval=0.1)
        listener = live.listener
        qtbot.waitUntil(lambda: listener.polls >= 1, timeout=WAIT)
        assert listener.running
        w.deleteLater()
        qtbot.waitUntil(lambda: not listener.running, timeout=WAIT)
    finally:
        wait_for_workers()
        services.close()


def test_the_list_follows_the_chosen_customer_when_it_moves_away(qtbot, sqlite_url):
    """A reload keeps the top row, except that a chosen customer that was on screen and moved
    out of it (renamed, so it sorts elsewhere) is followed."""
    from desktop_crm.views.customers_section import CustomersSection

    services = Services.open(sqlite_url)
    try:
        ids = [services.customers.create({"name": f"客户 {i:03d}"}).id for i in range(120)]
        section = CustomersSection(services)
        qtbot.addWidget(section)
        section.resize(1300, 700)
        section.show()
        qtbot.waitExposed(section)
        table, model = section.table, section.model
        table.scrollTo(model.index(model.row_of(ids[80]), 0), table.ScrollHint.PositionAtTop)
        section.select_row(model.row_of(ids[85]))
        top_id = model.row_at(table.rowAt(0)).id
        assert top_id == ids[80]
        # someone else's change elsewhere: nothing moves
        services.customers.create({"name": "AAA 新客户"})
        section.refresh(ChangeSet.of("customers"))
        assert model.row_at(table.rowAt(0)).id == top_id and section.selected_id() == ids[85]
        # the chosen one renamed so that it sorts first: the list follows it
        rec = services.customers.get(ids[85])
        services.customers.update(ids[85], {"name": "AAAA 改名"}, rec.version)
        section.refresh(ChangeSet.of("customers"))
        row = model.row_of(ids[85])
        assert section.selected_id() == ids[85] and row <= 1
        assert table.viewport().rect().contains(table.visualRect(model.index(row, 1)).center())
    finally:
        wait_for_workers()
        services.close()


def test_the_public_pool_keeps_its_place_when_a_colleague_claims(qtbot, sqlite_url):
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    from desktop_crm.views.pool_section import PoolSection

    services = Services.open(sqlite_url)
    other = Services.open(sqlite_url)
    try:
        ids = [services.customers.create({"name": f"公海 {i:03d}", "owner_id": None}).id
               for i in range(150)]
        section = PoolSection(services)
        qtbot.addWidget(section)
        section.resize(1300, 700)
        section.show()
        qtbot.waitExposed(section)
        table, model = section.table, section.model
        table.scrollTo(model.index(model.row_of(ids[100]), 0),
                       table.ScrollHint.PositionAtTop)
        selection = QItemSelection()
        for i in (104, 106):
            r = model.row_of(ids[i])
            selection.select(model.index(r, 0), model.index(r, model.columnCount() - 1))
        table.selectionModel().select(selection,
                                      QItemSelectionModel.SelectionFlag.ClearAndSelect)
        assert model.row_at(table.rowAt(0)).id == ids[100]

        other.pool.claim(ids[104])  # a colleague was quicker
        other.pool.claim(ids[3])  # and took one above the screen
        section.refresh(ChangeSet.of("customers"))
        assert model.row_of(ids[104]) < 0
        chosen = {model.row_at(i.row()).id for i in table.selectionModel().selectedRows()}
        assert chosen == {ids[106]}
        assert model.row_at(table.rowAt(0)).id == ids[100]
    finally:
        wait_for_workers()
        other.close()
        services.close()
