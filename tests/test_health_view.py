"""The health score on screen: the list's column, colour, sort and band filter, the 360
view's parts in words, the Home tiles' entry point, and the keeper with qtbot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from desktop_crm.models import Order
from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services.errors import ChangeSet
from desktop_crm.views import labels
from desktop_crm.views.customers_section import CustomersSection
from desktop_crm.views.health_keeper import HealthKeeper


@pytest.fixture
def services(sqlite_url):
    svc = Services.open(sqlite_url)
    for name in ("张三", "王伟", "北京华为科技有限公司"):
        svc.customers.create({"name": name, "tier": "growth"})
    yield svc
    svc.close()


def lapse(svc, name):
    """An order long ago: the customer's recency falls to 0 (red)."""
    cid = next(r.id for r in svc.customers.page(CustomerQuery(text=name)).rows)
    with svc.db.session() as s:
        s.add(Order(customer_id=cid, order_date=dt.date(2020, 1, 1), amount=Decimal("100"),
                    status="paid"))
    return cid


@pytest.fixture
def section(qtbot, services):
    services.health.recompute()
    w = CustomersSection(services)
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    return w


def column(section, name):
    m = section.model
    c = m.COLUMNS.index(name)
    return [m.data(m.index(r, c)) for r in range(m.rowCount())]


def test_health_column_colour_sort_and_filter(qtbot, services):
    red = lapse(services, "王伟")
    services.health.recompute()
    w = CustomersSection(services)
    qtbot.addWidget(w)
    w.show()
    m = w.model
    c = m.COLUMNS.index("health")
    assert m.headerData(c, Qt.Orientation.Horizontal) == "Health"
    row = m.row_of(red)
    score = int(m.data(m.index(row, c)))
    assert score < 40
    bg = m.data(m.index(row, c), Qt.ItemDataRole.BackgroundRole)
    assert bg.name() == labels.HEALTH_COLOURS["red"][0]
    w.table.sortByColumn(c, Qt.SortOrder.AscendingOrder)
    assert m.query.sort == "health" and m.row_at(0).id == red
    w.health_filter.setCurrentIndex(w.health_filter.findData("red"))
    assert [r.id for r in (m.row_at(i) for i in range(m.rowCount()))] == [red]
    w.health_filter.setCurrentIndex(w.health_filter.findData("green"))
    assert red not in [m.row_at(i).id for i in range(m.rowCount())]


def test_show_filtered_resets_the_other_filters(qtbot, services):
    red = lapse(services, "张三")
    services.health.recompute()
    w = CustomersSection(services)
    qtbot.addWidget(w)
    w.search.setText("华为")
    w.apply_filters()
    w.show_filtered(owner_id=services.user.id, tier="growth", health="red", sort="health")
    q = w.model.query
    assert (q.text, q.owner_id, q.tier, q.health, q.sort) == (
        "", services.user.id, "growth", "red", "health")
    assert w.search.text() == "" and w.owner_filter.currentData() == "me"
    assert [w.model.row_at(i).id for i in range(w.model.rowCount())] == [red]
    w.show_filtered()
    assert w.model.query.health is None and w.model.rowCount() == 3


def test_profile_explains_the_parts(qtbot, section, services):
    red = lapse(services, "王伟")
    row = section.model.row_of(red)
    section.select_row(row)
    text = section.profile.health.text()
    assert section.profile.health.isVisible()
    assert "Last purchase" in text and "days ago" in text
    assert "Never contacted (follow up every 30 days)" in text
    assert "No open tickets" in text and "Known once the tiers are computed" in text


def test_keeper_recomputes_when_stale_and_refreshes_changes(qtbot, services):
    keeper = HealthKeeper(services)
    assert services.health.stale()
    with qtbot.waitSignal(keeper.updated, timeout=10000):
        keeper.start()
    qtbot.waitUntil(lambda: not keeper.running, timeout=5000)
    assert not services.health.stale()
    red = lapse(services, "北京华为")
    assert services.health.stored(red) >= 40
    with qtbot.assertNotEmitted(keeper.updated, wait=50):
        keeper.on_data_changed(ChangeSet.of("stages"))  # cannot move a score
    with qtbot.waitSignal(keeper.updated, timeout=10000):
        keeper.on_data_changed(ChangeSet.of("orders"))
    assert services.health.stored(red) < 40
    keeper.stop()
