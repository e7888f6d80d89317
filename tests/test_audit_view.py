"""The History tabs of the record dialogs and the admins' audit log window, driven as a user
would (pytest-qt, offscreen), on a real database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool

from desktop_crm.services.container import Services
from desktop_crm.views.customers_section import CustomersSection


@pytest.fixture
def services(db_url):
    svc = Services.open(db_url, upgrade=True)
    yield svc
    QThreadPool.globalInstance().waitForDone(10000)
    svc.close()


def test_customer_dialog_history_tab(qtbot, services):
    anna = services.users.create("anna", "安娜", "sales")
    made = services.customers.create({"name": "张三", "tier": "basic", "city": "北京"})
    one = services.as_user(anna).customers.update(made.id, {"city": "上海"}, made.version)
    services.customers.update(made.id, {"tier": "growth"}, one.version)

    section = CustomersSection(services)
    qtbot.addWidget(section)
    section.resize(1200, 800)
    section.show()
    section.select_row(0)
    dlg = section.edit_customer()
    qtbot.addWidget(dlg)
    assert dlg.tabs.count() == 2 and dlg.tabs.currentIndex() == 0  # the form comes first
    assert dlg.history.rows() == []  # nothing read until the tab is opened
    with qtbot.waitSignal(dlg.history.loaded, timeout=10000) as got:
        dlg.tabs.setCurrentWidget(dlg.history)
    assert got.args == [3]
    rows = dlg.history.rows()
    who = services.user.display_name
    assert rows[0][1:] == [who, "Tier", "Basic → Growth"]
    assert rows[1][1:] == ["安娜", "City", "北京 → 上海"]
    assert rows[2][1:] == [who, "Created", ""]
    assert rows[0][0] >= rows[1][0] >= rows[2][0]


def test_new_customer_dialog_has_no_history_tab(qtbot, services):
    section = CustomersSection(services)
    qtbot.addWidget(section)
    dlg = section.new_customer()
    qtbot.addWidget(dlg)
    assert dlg.history is None and not hasattr(dlg, "tabs")


def open_history(qtbot, dlg) -> list[list[str]]:
    with qtbot.waitSignal(dlg.history.loaded, timeout=10000):
        dlg.tabs.setCurrentWidget(dlg.history)
    return dlg.history.rows()


def test_opportunity_dialog_history_tab(qtbot, services):
    from desktop_crm.views.opportunity_dialog import OpportunityDialog

    hw = services.customers.create({"name": "北京华为科技有限公司"}).id
    card = services.pipeline.create({"title": "服务器采购", "customer_id": hw,
                                     "amount": "100000"})
    services.pipeline.update(card.id, {"amount": "120000", "title": "服务器扩容"}, card.version)
    dlg = OpportunityDialog(services, detail=services.pipeline.get(card.id))
    qtbot.addWidget(dlg)
    dlg.show()
    rows = open_history(qtbot, dlg)
    changes = {r[2]: r[3] for r in rows}
    assert changes["Title"] == "服务器采购 → 服务器扩容"
    # the pipeline service writes the new amount as given (Decimal("120000")), not as stored
    assert changes["Amount"] in ("100000.00 → 120000", "100000.00 → 120000.00")
    assert rows[-1][2] == "Created"
    new = OpportunityDialog(services, stage_id=None)
    qtbot.addWidget(new)
    assert new.history is None


def test_ticket_dialog_history_tab(qtbot, services):
    from desktop_crm.views.ticket_dialog import TicketDialog

    cid = services.customers.create({"name": "张三"}).id
    t = services.tickets.create({"customer_id": cid, "subject": "打印机坏了"})
    services.tickets.set_priority(t.id, t.version, "urgent")
    dlg = TicketDialog(services, t.id)
    qtbot.addWidget(dlg)
    dlg.show()
    rows = open_history(qtbot, dlg)
    assert ["Priority", "Normal → Urgent"] in [r[2:] for r in rows]
    assert rows[-1][2] == "Created"
