"""The Settings dialog: this computer's choices, the company's, the team rules, the database."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_crm.services import company, connection
from desktop_crm.services.connection import ServerConnection
from desktop_crm.services.container import Services
from desktop_crm.services.settings import Settings
from desktop_crm.views import calendar_views
from desktop_crm.views.settings_dialog import SettingsDialog


@pytest.fixture
def window(qtbot, sqlite_url):
    from desktop_crm.views.main_window import MainWindow

    svc = Services.open(sqlite_url)
    w = MainWindow(svc)
    qtbot.addWidget(w)
    yield w
    svc.close()


def test_general_page_saves_language_week_start_company_and_currency(qtbot, window):
    dlg = SettingsDialog(window, services=window.services)
    qtbot.addWidget(dlg)
    dlg.language.setCurrentIndex(dlg.language.findData("zh_CN"))
    dlg.week_start.setCurrentIndex(dlg.week_start.findData("sunday"))
    dlg.company.setText("示例科技有限公司")
    dlg.currency.setCurrentIndex(dlg.currency.findData("HKD"))
    dlg.save()
    settings = Settings()
    assert settings.get("language") == "zh_CN" and settings.get("week_start") == "sunday"
    stored = company.load(window.services.db)
    assert (stored.name, stored.currency) == ("示例科技有限公司", "HKD")
    # the company's currency is what a new opportunity gets
    cust = window.services.customers.create({"name": "甲公司"})
    card = window.services.pipeline.create({"title": "年度采购", "customer_id": cust.id,
                                            "amount": "1000"})
    assert card.currency == "HKD"


def test_a_salesperson_sees_the_company_settings_read_only(qtbot, window):
    sales = window.services.users.create("anna", "安娜", "sales")
    svc = window.services.as_user(sales)
    dlg = SettingsDialog(services=svc)
    qtbot.addWidget(dlg)
    assert not dlg.company.isEnabled() and not dlg.currency.isEnabled()
    dlg.week_start.setCurrentIndex(dlg.week_start.findData("saturday"))
    dlg.save()  # their own choices are saved; the company's untouched
    assert Settings().get("week_start") == "saturday"
    assert company.load(svc.db).version == 0


def test_a_stale_company_save_is_refused(qtbot, window):
    first = SettingsDialog(window, services=window.services)
    second = SettingsDialog(window, services=window.services)
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    first.company.setText("甲")
    first.save()
    second.company.setText("乙")
    second.save()
    assert second.message.isVisibleTo(second) and "Someone else" in second.message.text()
    assert company.load(window.services.db).name == "甲"


def test_team_rules_open_through_their_sections(qtbot, window):
    dlg = SettingsDialog(window, services=window.services)
    qtbot.addWidget(dlg)
    assert set(dlg.rule_buttons) >= {"tickets.edit_settings", "tiers.edit_rules",
                                     "pipeline.edit_stages", "calendar.edit_cadence",
                                     "calendar.edit_holidays", "pool.edit_rules"}
    from desktop_crm.views.pipeline_settings import StagesDialog

    dlg.rule_buttons["pipeline.edit_stages"].click()
    opened = [w for w in window.pipeline.findChildren(StagesDialog) if w.isVisible()]
    assert len(opened) == 1
    opened[0].reject()


def test_database_page_changes_the_choice_for_the_next_start(qtbot, window):
    dlg = SettingsDialog(window, services=window.services)
    qtbot.addWidget(dlg)
    assert "SQLite" in dlg.current.text()
    assert not dlg.go_local.isEnabled()  # already on this computer
    connection.save_choice(ServerConnection("crm.office.lan", 5432, "crm", "wang"))
    dlg._choice_changed()
    assert "crm.office.lan" in dlg.choice.text() and dlg.go_local.isEnabled()
    dlg.go_local.click()
    assert connection.saved() is None
    assert "next time" in dlg.message.text()


def test_weeks_start_on_the_chosen_day(qtbot, sqlite_url):
    from desktop_crm.views.calendar_section import MONTH, WEEK, CalendarSection, period

    Settings().set("week_start", "sunday")
    svc = Services.open(sqlite_url)
    try:
        section = CalendarSection(svc)
        qtbot.addWidget(section)
        wednesday = dt.date(2026, 11, 25)
        assert period(WEEK, wednesday) == (dt.date(2026, 11, 22), dt.date(2026, 11, 29))
        start, _end = period(MONTH, wednesday)
        assert start == dt.date(2026, 11, 1)  # 1 November 2026 is a Sunday
        assert calendar_views.week_start(dt.date(2026, 11, 28)) == dt.date(2026, 11, 22)
        Settings().set("week_start", "monday")
        CalendarSection(svc).deleteLater()
        assert period(WEEK, wednesday)[0] == dt.date(2026, 11, 23)
    finally:
        calendar_views.set_first_weekday("monday")
        svc.close()
