"""The Customers section driven as a user would, checked on screen and in the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.views.customers_section import CustomersSection
from desktop_crm.views.itemmodels.customer_table import PAGE_SIZE, CustomerTableModel
from desktop_crm.views.main_window import MainWindow

from .conftest import type_into


@pytest.fixture
def services(sqlite_url):
    svc = Services.open(sqlite_url)
    for name, phone in [("张三", "13812345678"), ("王伟", "13900001111"),
                        ("北京华为科技有限公司", "010-65529988"), ("Acme Trading Ltd", "")]:
        svc.customers.create({"name": name, "phone": phone, "city": "北京"})
    yield svc
    svc.close()


@pytest.fixture
def section(qtbot, services):
    w = CustomersSection(services)
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    return w


def shown_names(section) -> list[str]:
    m = section.model
    return [m.data(m.index(r, 1)) for r in range(m.rowCount())]


def save_button(dlg):
    return dlg.buttons.button(QDialogButtonBox.StandardButton.Save)


def test_search_as_you_type(qtbot, section):
    assert len(shown_names(section)) == 4
    type_into(qtbot, section.search, "zs")
    qtbot.waitUntil(lambda: shown_names(section) == ["张三"], timeout=3000)
    section.search.clear()
    type_into(qtbot, section.search, "华为")
    qtbot.waitUntil(lambda: shown_names(section) == ["北京华为科技有限公司"], timeout=3000)
    qtbot.waitUntil(lambda: "1 of 1" in section.count_label.text(), timeout=3000)


def test_open_customer_shows_profile(qtbot, section):
    row = shown_names(section).index("王伟")
    section.select_row(row)
    assert section.profile.body.isVisible()
    assert "王伟" in section.profile.title.text()
    assert "139 0000 1111" in section.profile.facts.text()


def test_edit_and_save_reaches_database_and_history(qtbot, section, services):
    section.select_row(shown_names(section).index("张三"))
    dlg = section.edit_customer()
    city = dlg.edits["city"]
    city.clear()
    type_into(qtbot, city, "上海")
    qtbot.mouseClick(save_button(dlg), Qt.MouseButton.LeftButton)
    assert dlg.result() == QDialog.DialogCode.Accepted
    record = services.customers.get_by_code("C000001")
    assert record.city == "上海" and record.version == 2
    timeline = section.profile.timeline
    details = [timeline.item(r, 2).text() for r in range(timeline.rowCount())]
    assert "北京 → 上海" in details


def test_bad_phone_shows_message_and_saves_nothing(qtbot, section, services):
    dlg = section.new_customer()
    type_into(qtbot, dlg.edits["name"], "李四")
    type_into(qtbot, dlg.edits["phone"], "12345")
    qtbot.mouseClick(save_button(dlg), Qt.MouseButton.LeftButton)
    assert dlg.isVisible()
    err = dlg.errors["phone"]
    assert err.isVisible()
    assert "Not a valid phone number" in err.text() and "12345" in err.text()
    assert services.customers.page(CustomerQuery(text="李四")).rows == []
    dlg.edits["phone"].clear()
    type_into(qtbot, dlg.edits["phone"], "13700002222")
    qtbot.mouseClick(save_button(dlg), Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    assert "李四" in shown_names(section)
    assert "李四" in section.profile.title.text()


def test_name_required_message(qtbot, section):
    dlg = section.new_customer()
    qtbot.mouseClick(save_button(dlg), Qt.MouseButton.LeftButton)
    assert dlg.errors["name"].isVisible()
    assert dlg.errors["name"].text() == "This field is required."


def test_stale_edit_keeps_the_form_and_overwrites_nothing(qtbot, section, services,
                                                          message_boxes):
    section.select_row(shown_names(section).index("王伟"))
    dlg = section.edit_customer()
    other = services.customers.get_by_code("C000002")
    services.customers.update(other.id, {"city": "广州"}, other.version)  # someone else saves
    dlg.edits["city"].clear()
    type_into(qtbot, dlg.edits["city"], "深圳")
    qtbot.mouseClick(save_button(dlg), Qt.MouseButton.LeftButton)
    assert dlg.isVisible()
    # both changed the address: the conflict dialog asks (tests/test_conflict_dialog.py);
    # Cancel there comes back to the form as it was
    assert dlg.conflict_dialog is not None and dlg.conflict_dialog.isVisible()
    qtbot.mouseClick(dlg.conflict_dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible()
    assert dlg.edits["city"].text() == "深圳"
    assert dlg.general_error.isVisible()
    assert services.customers.get(other.id).city == "广州"


def test_add_interaction_appears_in_history(qtbot, section, services):
    section.select_row(shown_names(section).index("张三"))
    dlg = section.add_interaction()
    dlg.channel.setCurrentIndex(dlg.channel.findData("wechat"))
    type_into(qtbot, dlg.summary, "确认了下周拜访")
    qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    timeline = section.profile.timeline
    assert any("确认了下周拜访" in timeline.item(r, 2).text() for r in range(timeline.rowCount()))
    p = services.profiles.profile(services.customers.get_by_code("C000001").id)
    assert [i.summary for i in p.interactions] == ["确认了下周拜访"]


def test_delete_to_recycle_bin_and_restore(qtbot, section, services, message_boxes):
    section.select_row(shown_names(section).index("王伟"))
    qtbot.mouseClick(section.profile.delete_button, Qt.MouseButton.LeftButton)
    assert "王伟" not in shown_names(section)
    assert services.customers.get_by_code("C000002").deleted_at is not None
    section.deleted_toggle.setChecked(True)
    assert shown_names(section) == ["王伟"]
    section.select_row(0)
    assert section.profile.delete_button.text() == "Restore"
    qtbot.mouseClick(section.profile.delete_button, Qt.MouseButton.LeftButton)
    assert services.customers.get_by_code("C000002").deleted_at is None


def choose_rows(qtbot, section, names) -> None:
    """Ctrl+click each of ``names`` in the list, as a user picks several."""
    section.table.clearSelection()
    for name in names:
        rect = section.table.visualRect(section.model.index(shown_names(section).index(name), 1))
        qtbot.mouseClick(section.table.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier, rect.center())


def test_several_customers_deleted_and_restored_together(qtbot, section, services,
                                                          message_boxes):
    assert section.bulk_button.isHidden()
    choose_rows(qtbot, section, ["张三", "王伟", "Acme Trading Ltd"])
    assert section.bulk_button.isVisible() and section.bulk_button.isEnabled()
    assert section.bulk_button.text() == "Delete 3 customers…"
    qtbot.mouseClick(section.bulk_button, Qt.MouseButton.LeftButton)
    assert message_boxes[-1][0] == "question" and "3 chosen customers" in message_boxes[-1][1]
    assert shown_names(section) == ["北京华为科技有限公司"]
    section.deleted_toggle.setChecked(True)
    assert sorted(shown_names(section)) == sorted(["张三", "王伟", "Acme Trading Ltd"])
    choose_rows(qtbot, section, ["张三", "王伟"])
    assert section.bulk_button.text() == "Restore 2 customers"
    section.table.setFocus()
    qtbot.keyClick(section.table, Qt.Key.Key_Delete)  # the Delete key does the same
    assert shown_names(section) == ["Acme Trading Ltd"]
    section.deleted_toggle.setChecked(False)
    assert len(shown_names(section)) == 3


def test_several_at_once_needs_the_right(qtbot, services, message_boxes):
    from desktop_crm.services.staff import StaffService

    rep = StaffService(services.db, services.user).add("xiaoli", "小李", "sales")[0]
    as_rep = services.as_user(services.users.get(rep.id))
    for name in ("甲公司", "乙公司"):
        as_rep.customers.create({"name": name, "owner_id": rep.id})
    w = CustomersSection(as_rep)
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    choose_rows(qtbot, w, ["甲公司", "乙公司"])
    assert w.bulk_button.isVisible() and not w.bulk_button.isEnabled()
    assert "several records at once" in w.bulk_button.toolTip()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key.Key_Delete)  # the key is refused the same way
    assert message_boxes == [("warning", w.bulk_button.toolTip())]  # not asked first
    assert sorted(shown_names(w)) == ["乙公司", "甲公司"]


def test_filters_and_sort(qtbot, section, services):
    section.tier_filter.setCurrentIndex(section.tier_filter.findData("strategic"))
    assert shown_names(section) == []
    section.tier_filter.setCurrentIndex(0)
    section.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    m = section.model
    assert [m.data(m.index(r, 0)) for r in range(m.rowCount())] == [
        "C000004", "C000003", "C000002", "C000001"]


def test_list_pages_in_as_it_scrolls(qtbot, sqlite_url):
    svc = Services.open(sqlite_url)
    from desktop_crm.services.demo import generate_demo

    generate_demo(svc.db, PAGE_SIZE * 2 + 50, seed=3)
    w = CustomersSection(svc)
    qtbot.addWidget(w)
    w.show()
    assert w.model.rowCount() == PAGE_SIZE
    w.table.scrollToBottom()
    qtbot.waitUntil(lambda: w.model.rowCount() > PAGE_SIZE, timeout=3000)
    while w.model.canFetchMore():
        w.model.fetchMore()
    assert w.model.rowCount() == PAGE_SIZE * 2 + 50
    qtbot.waitUntil(lambda: f"{PAGE_SIZE * 2 + 50:,} of" in w.count_label.text(), timeout=3000)
    svc.close()


def test_model_passes_qt_model_tester(qtmodeltester, services):
    model = CustomerTableModel(services.customers)
    model.set_query(CustomerQuery())
    qtmodeltester.check(model)


def test_main_window_status_bar_names_the_database(qtbot, services):
    w = MainWindow(services)
    qtbot.addWidget(w)
    assert "SQLite" in w.db_label.text()
    assert w.nav.count() == len(w.sections)
    assert list(w.sections) == ["home", "customers", "calendar", "pool", "pipeline", "tickets", "tiers", "reports"]


def test_edit_form_shows_the_owner_and_keeps_it(qtbot, section, services):
    other = services.users.create("wangfang", "王芳", "sales")
    rec = services.customers.get_by_code("C000003")
    services.customers.update(rec.id, {"owner_id": other.id}, rec.version)
    section.refresh()
    section.select_row(shown_names(section).index("北京华为科技有限公司"))
    dlg = section.edit_customer()
    assert dlg.edits["owner_id"].currentText() == "王芳"
    dlg.edits["city"].clear()
    type_into(qtbot, dlg.edits["city"], "天津")
    assert "owner_id" not in dlg.values()
    qtbot.mouseClick(save_button(dlg), Qt.MouseButton.LeftButton)
    after = services.customers.get(rec.id)
    assert after.owner_id == other.id and after.city == "天津"
    # and a new customer's owner defaults to the person using the app
    new = section.new_customer()
    assert new.edits["owner_id"].currentText() == services.user.display_name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_profile_shows_money_to_the_cent_and_dates_in_the_language(qtbot, section, services,
                                                                   lang):
    import datetime as dt
    from decimal import Decimal

    from PySide6.QtCore import QLocale

    from desktop_crm.models import Order

    # conftest's _default_locale restores the locale afterwards
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    c = services.customers.get_by_code("C000002")  # 王伟
    with services.db.session() as s:
        s.add_all([
            Order(customer_id=c.id, order_no="SO1", order_date=dt.date(2026, 1, 5),
                  amount=Decimal("1000.25")),
            Order(customer_id=c.id, order_no="SO2", order_date=dt.date(2026, 11, 23),
                  amount=Decimal("234.25")),
            Order(customer_id=c.id, order_no="SO3", order_date=dt.date(2026, 11, 20),
                  amount=Decimal("-12.30"), currency="USD", status="cancelled"),
        ])
    section.select_row(shown_names(section).index("王伟"))
    figures = section.profile.figures.text()
    assert "¥1,234.50" in figures  # paid orders only
    if lang == "zh":
        assert "2026年1月5日" in figures and "2026年11月23日" in figures
    else:
        assert "Jan 5, 2026" in figures and "Nov 23, 2026" in figures
    orders = section.profile.orders
    cells = {orders.item(r, 1).text(): (orders.item(r, 0).text(), orders.item(r, 2).text())
             for r in range(orders.rowCount())}
    assert cells["SO1"] == ("2026-01-05", "¥1,000.25")  # table cells stay numeric
    assert cells["SO3"] == ("2026-11-20", "-US$12.30" if lang == "zh" else "-$12.30")
