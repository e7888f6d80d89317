"""The Home section with pytest-qt: each role's tiles, the cached figures shown before any
query, a change that reloads only the tiles it touches, and a tile click that opens the
filtered list behind it (in the main window)."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_crm.services.errors import ChangeSet
from desktop_crm.services.home import HomeCache
from desktop_crm.views.home_section import HomeSection
from desktop_crm.views.main_window import MainWindow
from desktop_crm.views.pipeline_section import PipelineSection
from tests.test_home import NOW, Company


@pytest.fixture
def co(sqlite_url):
    company = Company(sqlite_url)
    yield company
    company.svc.close()


def home_for(qtbot, co, user, tmp_path, cache=None) -> HomeSection:
    cache = cache or HomeCache(co.svc.db, user, tmp_path / f"home-{user.username}.json")
    w = HomeSection(co.svc, home=co.home(user), cache=cache, now=NOW)
    qtbot.addWidget(w)
    qtbot.waitUntil(w.settled, timeout=20000)
    return w


def test_each_role_sees_its_own_tiles(qtbot, co, tmp_path):
    sales = home_for(qtbot, co, co.anna, tmp_path)
    # no health scores computed, no pool rules saved yet: those tiles are left out, not faked
    assert sales.visible_tiles() == ["followups", "closing", "attainment"]
    assert sales.tiles["followups"].list.count() == 2
    assert not sales.targets_button.isVisibleTo(sales)

    manager = home_for(qtbot, co, co.mia, tmp_path)
    assert manager.visible_tiles() == ["team_attainment", "coverage", "revenue", "breaching"]
    assert manager.targets_button.isVisibleTo(manager)
    revenue = manager.tiles["revenue"]
    assert revenue.chart is not None
    texts = [revenue.figures.itemAt(i).widget().value.text()
             for i in range(revenue.figures.count()) if revenue.figures.itemAt(i).widget()]
    assert texts[1:] == ["-25%", "-50%"]  # 1,500 against 2,000 and 3,000

    service = home_for(qtbot, co, co.agent, tmp_path)
    assert service.visible_tiles() == ["my_tickets", "sla", "satisfaction"]
    assert service.tiles["my_tickets"].list.count() == 2


def test_cached_figures_show_before_any_query_and_are_written_back(qtbot, co, tmp_path):
    first = home_for(qtbot, co, co.agent, tmp_path)
    cache = first.cache
    tiles, at = cache.read()
    assert set(tiles) == set(first.keys) and at == NOW
    # the next start: the tiles are there at once, before the workers answered
    w = HomeSection(co.svc, home=co.home(co.agent), cache=cache, now=NOW)
    qtbot.addWidget(w)
    assert w.visible_tiles() == ["my_tickets", "sla", "satisfaction"]
    assert w.fresh == set()
    assert "updating" in w.stamp.text()
    qtbot.waitUntil(w.settled, timeout=20000)
    assert "Updated" in w.stamp.text()


def test_a_change_reloads_only_the_tiles_that_show_it(qtbot, co, tmp_path):
    w = home_for(qtbot, co, co.anna, tmp_path)
    before = dict(w._generation)
    with qtbot.waitSignal(w.loaded, timeout=10000):
        w.refresh(ChangeSet.of("tickets"))  # of a salesperson's tiles, only at-risk
    assert {k for k in w.keys if w._generation[k] != before[k]} == {"at_risk"}
    before = dict(w._generation)
    with qtbot.waitSignal(w.loaded, timeout=10000) as got:
        w.refresh(ChangeSet.of("targets"))
    assert got.args == ["attainment"]
    assert {k for k in w.keys if w._generation[k] != before[k]} == {"attainment"}


def test_a_salespersons_tile_opens_their_deals_closing_this_month(qtbot, co, tmp_path):
    w = home_for(qtbot, co, co.anna, tmp_path)
    with qtbot.waitSignal(w.open_requested) as got:
        w.tiles["closing"].open_button.click()
    target, args = got.args
    assert target == "pipeline" and args == {"owner_id": co.anna.id, "period": "this_month"}
    board = PipelineSection(co.svc)
    qtbot.addWidget(board)
    board.show_filtered(**args)
    flt = board.current_filter()
    assert flt.owner_id == co.anna.id and flt.close_from == dt.date.today().replace(day=1)
    # a row of the follow-up list opens that follow-up
    with qtbot.waitSignal(w.open_requested) as got:
        tile = w.tiles["followups"]
        tile.list.itemClicked.emit(tile.list.item(0))
    assert got.args[0] == "activity"


def test_tiles_open_the_filtered_lists_in_the_main_window(qtbot, co, tmp_path):
    window = MainWindow(co.svc)  # the local admin: the manager's tiles
    qtbot.addWidget(window)
    home = window.home
    assert window.stack.currentWidget() is home  # the start page
    qtbot.waitUntil(lambda: "breaching" in home.fresh, timeout=20000)

    home.tiles["breaching"].open_button.click()
    assert window.stack.currentWidget() is window.tickets
    assert window.tickets.breached.isChecked()
    assert window.tickets.current_query().breached

    window.show_section("home")
    home.open_requested.emit("tickets", {"assignee_id": co.agent.id})
    q = window.tickets.current_query()
    assert q.assignee_id == co.agent.id and not q.breached

    qtbot.waitUntil(lambda: "team_attainment" in home.fresh, timeout=20000)
    home.tiles["team_attainment"].open_button.click()
    dialogs = [d for d in window.findChildren(object) if type(d).__name__ == "TargetsDialog"]
    assert dialogs and dialogs[-1].isVisible()
    dialogs[-1].close()


def test_at_risk_customers_show_once_scored_and_open_the_red_list(qtbot, co, tmp_path):
    from decimal import Decimal

    from desktop_crm.models import Order
    from desktop_crm.services.health import HealthService

    # 丁 bought once, two years ago, and nobody has called since: red
    ding = co.svc.customers.create({"name": "丁公司", "owner_id": co.anna.id,
                                    "tier": "strategic"}).id
    with co.svc.db.session() as s:
        s.add(Order(customer_id=ding, order_date=dt.date(2024, 11, 1), amount=Decimal(900),
                    status="paid"))
    HealthService(co.svc.db, co.svc.user).recompute(now=NOW)

    sales = home_for(qtbot, co, co.anna, tmp_path)
    assert "at_risk" in sales.visible_tiles()
    tile = sales.tiles["at_risk"]
    assert tile.list.count() >= 1 and tile.list.item(0).text().startswith("丁公司")
    with qtbot.waitSignal(sales.open_requested) as got:
        tile.list.itemClicked.emit(tile.list.item(0))
    assert got.args == ["customer", {"id": ding}]

    window = MainWindow(co.svc)  # the admin: the strategic customers at risk
    qtbot.addWidget(window)
    home = window.home
    qtbot.waitUntil(lambda: "strategic_risk" in home.fresh, timeout=20000)
    assert "strategic_risk" in home.visible_tiles()
    home.tiles["strategic_risk"].open_button.click()
    assert window.stack.currentWidget() is window.customers
    q = window.customers.current_query()
    assert (q.tier, q.health, q.sort) == ("strategic", "red", "health")
    qtbot.waitUntil(lambda: window.customers.model.rowCount() == 1, timeout=10000)


def test_a_new_day_reloads_every_tile(qtbot, co, tmp_path):
    w = home_for(qtbot, co, co.agent, tmp_path)
    before = dict(w._generation)
    w._check_day()  # the same day: nothing
    assert w._generation == before
    w._now = NOW + dt.timedelta(days=1)
    w._check_day()
    assert all(w._generation[k] == before[k] + 1 for k in w.keys)
    qtbot.waitUntil(lambda: all(w._generation[k] == before[k] + 1 for k in w.keys)
                    and w.settled(), timeout=20000)
    w._now = None


def test_data_menu_opens_export_with_the_list_filter_and_duplicates(qtbot, co, tmp_path):
    window = MainWindow(co.svc)
    qtbot.addWidget(window)
    window.customers.show_filtered(owner_id=co.anna.id)
    dialog = window.open_export("customers")
    assert dialog.query.owner_id == co.anna.id
    dialog.close()
    dup = window.open_duplicates()
    assert dup.isVisible()
    dup.close()
    actions = {a.objectName() for a in window.findChildren(type(window.menuBar().actions()[0]))}
    assert {"import", "import_history", "export_customers", "export_tickets",
            "find_duplicates"} <= actions
    wizard = window.open_import()
    assert wizard.isVisible()
    wizard.close()
    history = window.open_import_history()
    assert history.isVisible()
    history.close()


def figure_texts(tile) -> list[tuple[str, str]]:
    return [(w.value.text(), w.caption.text()) for w in
            (tile.figures.itemAt(i).widget() for i in range(tile.figures.count())) if w]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_amounts_and_the_date_read_as_the_language_writes_them(qtbot, co, tmp_path, lang):
    from PySide6.QtCore import QLocale

    # conftest's _default_locale restores the locale afterwards
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    sales = home_for(qtbot, co, co.anna, tmp_path)
    closing = figure_texts(sales.tiles["closing"])
    assert closing[1][0] == ("¥1.4万" if lang == "zh" else "¥14K")  # 10,000 + 4,000 closing
    rows = [sales.tiles["closing"].list.item(i).text()
            for i in range(sales.tiles["closing"].list.count())]
    assert any("¥10,000" in r for r in rows), rows
    assert sales.date_label.text() == ("2026年11月20日 星期五" if lang == "zh"
                                       else "Friday, November 20, 2026")
    assert sales.tiles["attainment"].subtitle.text() == ("2026年11月" if lang == "zh"
                                                         else "November 2026")

    manager = home_for(qtbot, co, co.mia, tmp_path)
    revenue = figure_texts(manager.tiles["revenue"])
    if lang == "zh":  # under 10,000 yuan: the whole amount
        assert revenue[0][0] == "¥1,500"
        assert "¥2,000" in revenue[1][1] and "¥3,000" in revenue[2][1]
    else:
        assert revenue[0][0] == "¥1.5K"
        assert "¥2K" in revenue[1][1] and "¥3K" in revenue[2][1]
