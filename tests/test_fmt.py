"""views/fmt.py: dates, numbers, percentages and money in Chinese and in English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale

from desktop_crm.views import fmt

ZH = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
EN = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
DE = QLocale(QLocale.Language.German, QLocale.Country.Germany)
CST = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 11, 23)  # a Monday


@pytest.fixture
def zh():
    before = QLocale()
    QLocale.setDefault(ZH)
    yield
    QLocale.setDefault(before)


@pytest.fixture
def en():
    before = QLocale()
    QLocale.setDefault(EN)
    yield
    QLocale.setDefault(before)


@pytest.fixture(params=["zh", "en"])
def either(request):
    request.getfixturevalue(request.param)
    return request.param


# ---- money --------------------------------------------------------------------------------


def test_money_in_yuan_reads_the_same_in_both_languages(either):
    assert fmt.money(Decimal("1234.5")) == "¥1,234.50"
    assert fmt.money(Decimal("1234.5"), "RMB") == "¥1,234.50"
    assert fmt.money(Decimal("-1234.5")) == "-¥1,234.50"
    assert fmt.money(1234567890123.45) == "¥1,234,567,890,123.45"
    assert fmt.money(0) == "¥0.00"
    assert fmt.money(Decimal("999.999")) == "¥1,000.00"
    assert fmt.money(Decimal("1234.5"), decimals=0) == "¥1,235"


@pytest.mark.parametrize("value, text", [
    (Decimal("0.005"), "¥0.01"),   # half up, as a till rounds; no binary float on the way
    (Decimal("0.004"), "¥0.00"),
    (Decimal("2.675"), "¥2.68"),   # as a float 2.675 is 2.67499999..., here it is exact
    (2.675, "¥2.68"),              # a float through its shortest repr
    (Decimal("-0.005"), "-¥0.01"),
    (Decimal("-0.004"), "¥0.00"),  # no "-¥0.00"
    (Decimal("1.10"), "¥1.10"),
    ("19.99", "¥19.99"),
    (10**15 + Decimal("0.015"), "¥1,000,000,000,000,000.02"),
])
def test_money_keeps_exact_cents(en, value, text):
    assert fmt.money(value) == text


def test_currencies_in_chinese(zh):
    assert fmt.money(Decimal("1234.5"), "USD") == "US$1,234.50"
    assert fmt.money(Decimal("1234.5"), "EUR") == "€1,234.50"
    assert fmt.money(Decimal("1234.5"), "HKD") == "HK$1,234.50"
    assert fmt.money(Decimal("1234.5"), "JPY") == "JP¥1,235"
    assert fmt.money(Decimal("-1234.5"), "CHF") == "-1,234.50 CHF"
    assert fmt.money(Decimal("5"), "usd") == "US$5.00"


def test_currencies_in_english(en):
    assert fmt.money(Decimal("1234.5"), "USD") == "$1,234.50"
    assert fmt.money(Decimal("-1234.5"), "USD") == "-$1,234.50"
    assert fmt.money(Decimal("1234.5"), "JPY") == "JP¥1,235"
    assert fmt.money(Decimal("1234.5"), "XYZ") == "1,234.50 XYZ"


def test_nothing_reads_as_the_callers_dash(either):
    assert fmt.money(None) == ""
    assert fmt.money(None, dash="–") == "–"
    assert fmt.money(float("nan"), dash="-") == "-"
    assert fmt.money_short(None, dash="–") == "–"
    assert fmt.number(None) == ""
    assert fmt.percent(None, dash="–") == "–"
    assert fmt.date_long(None, dash="-") == "-"
    assert fmt.datetime_cell(None) == ""


def test_group_separators_come_from_the_locale():
    assert fmt.money(Decimal("1234567.5"), locale=DE) == "¥1.234.567,50"
    assert fmt.number(1234567, locale=DE) == "1.234.567"
    assert fmt.percent(0.125, 1, locale=DE) == "12,5%"


def test_compact_money_counts_in_wan_and_yi_in_chinese(zh):
    assert fmt.money_short(123456) == "¥12.3万"
    assert fmt.money_short(Decimal("123456789")) == "¥1.2亿"
    assert fmt.money_short(10000) == "¥1万"
    assert fmt.money_short(1234567) == "¥123万"
    assert fmt.money_short(9800) == "¥9,800"
    assert fmt.money_short(-1234567) == "-¥123万"
    assert fmt.money_short(Decimal("1234567890123")) == "¥12,346亿"
    assert fmt.money_short(0) == "¥0"


def test_compact_money_counts_in_thousands_in_english(en):
    assert fmt.money_short(123456) == "¥123K"
    assert fmt.money_short(Decimal("1234567")) == "¥1.2M"
    assert fmt.money_short(Decimal("3200000000")) == "¥3.2B"
    assert fmt.money_short(980) == "¥980"
    assert fmt.money_short(-12500) == "-¥12.5K"
    assert fmt.money_short(12500, "USD") == "$12.5K"


# ---- numbers ------------------------------------------------------------------------------


def test_numbers(either):
    assert fmt.number(1234567) == "1,234,567"
    assert fmt.number(-1234567) == "-1,234,567"
    assert fmt.number(Decimal("1234.565"), 2) == "1,234.57"
    assert fmt.number(999) == "999"
    assert fmt.number(5, signed=True) == "+5"
    assert fmt.number(0, signed=True) == "0"
    assert fmt.number(-0.4) == "0"
    assert fmt.number_trimmed(12.0) == "12"
    assert fmt.number_trimmed(1234.56) == "1,234.6"
    assert fmt.number_trimmed(1234.56, 2) == "1,234.56"


def test_numpy_values_format_like_python_ones(either):
    np = pytest.importorskip("numpy")
    assert fmt.percent(np.float64(0.2), 1) == "20.0%"
    assert fmt.number(np.int64(1234567)) == "1,234,567"
    assert fmt.money(np.float32(12.5)) == "¥12.50"
    assert fmt.money(np.float64("nan"), dash="–") == "–"


def test_percentages(either):
    assert fmt.percent(0.125) == "13%"
    assert fmt.percent(0.125, 1) == "12.5%"
    assert fmt.percent(Decimal("0.0005"), 1) == "0.1%"
    assert fmt.percent(-0.0001, 1) == "0.0%"
    assert fmt.percent(0.12, signed=True) == "+12%"
    assert fmt.percent(-0.12, signed=True) == "-12%"
    assert fmt.percent(12.5) == "1,250%"


# ---- dates --------------------------------------------------------------------------------


def test_long_dates_in_chinese(zh):
    assert fmt.date_long(DAY) == "2026年11月23日"
    assert fmt.month_long(DAY) == "2026年11月"
    assert fmt.weekday_day(DAY) == "11月23日 周一"
    assert fmt.weekday_day_long(DAY) == "11月23日 星期一"
    assert fmt.weekday_date_long(DAY) == "2026年11月23日 星期一"
    assert fmt.day_month(DAY) == "11月23日"


def test_long_dates_in_english(en):
    assert fmt.date_long(DAY) == "Nov 23, 2026"
    assert fmt.month_long(DAY) == "November 2026"
    assert fmt.weekday_day(DAY) == "Mon, Nov 23"
    assert fmt.weekday_day_long(DAY) == "Monday, November 23"
    assert fmt.weekday_date_long(DAY) == "Monday, November 23, 2026"
    assert fmt.day_month(DAY) == "Nov 23"


def test_a_datetime_is_shown_in_the_time_zone_given(either):
    late = dt.datetime(2026, 11, 23, 20, 5, tzinfo=dt.timezone.utc)  # 04:05 next day in Beijing
    assert fmt.datetime_cell(late, CST) == "2026-11-24 04:05"
    assert fmt.date_cell(late, tz=CST) == "2026-11-24"
    assert fmt.date_cell(late, tz=dt.timezone.utc) == "2026-11-23"
    assert fmt.time_cell(late, CST) == "04:05"
    assert fmt.month_day_time(late, CST) == "11-24 04:05"
    naive = dt.datetime(2026, 11, 23, 9, 30)
    assert fmt.datetime_cell(naive, CST) == "2026-11-23 09:30"
    long = fmt.datetime_long(late, CST)
    assert long == ("2026年11月24日 04:05" if either == "zh" else "Nov 24, 2026 04:05")
    assert fmt.date_long(late, tz=CST) == ("2026年11月24日" if either == "zh" else "Nov 24, 2026")


def test_compact_dates_stay_numeric_in_both_languages(either):
    assert fmt.date_cell(DAY) == "2026-11-23"
    assert fmt.date_cell(dt.date(2026, 1, 5)) == "2026-01-05"
    assert fmt.month_day_cell(dt.date(2026, 1, 5)) == "01-05"
    assert fmt.time_cell(dt.time(7, 5)) == "07:05"
