"""The one place that formats values for display: dates, numbers, percentages and money.

Everything follows ``QLocale()``, which the app sets from the UI language at start-up
(``app.install_translators``: zh_CN or en_US). The policy:

* Long dates in prose, titles, headings, tooltips and the printed report read as the language
  writes them: ``2026年11月23日`` / ``Nov 23, 2026``, ``2026年11月`` / ``November 2026``,
  ``11月23日 周一`` / ``Mon, Nov 23``.
* Compact dates and date-times in table cells and dense lists stay numeric and sortable in both
  languages (the norm in Chinese business software): ``2026-11-23``, ``2026-11-23 14:05``.
* Money: ``¥1,234.50``; negatives ``-¥1,234.50``; CNY and RMB are ``¥``, USD ``US$`` in Chinese
  and ``$`` in English, EUR ``€``, HKD ``HK$``, JPY ``JP¥`` (no decimals); any other currency
  ``1,234.50 XXX``. Amounts are rounded half up (四舍五入) in ``Decimal``, never through float,
  so ``Decimal("0.005")`` reads ``¥0.01``. A compact form for tiles and chart axes counts in the
  language's steps: ``¥12.3万`` / ``¥1.2亿`` in Chinese, ``¥123K`` / ``¥1.2M`` in English.
* Numbers and percentages take the group separator, decimal point, minus and percent signs
  from the locale; the digits are formatted here, so no locale rounds or drops a separator.

``None`` (and NaN) reads as ``dash`` ("" unless the caller passes its own).

Time zones: a datetime is shown in ``tz`` when given, else in the computer's zone (as the views
did before); a naive datetime is shown as it is.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from PySide6.QtCore import QDate, QLocale

# (symbol in Chinese, symbol in English, decimals); a symbol goes before the amount
CURRENCIES: dict[str, tuple[str, str, int]] = {
    "CNY": ("¥", "¥", 2),
    "RMB": ("¥", "¥", 2),
    "USD": ("US$", "$", 2),
    "EUR": ("€", "€", 2),
    "HKD": ("HK$", "HK$", 2),
    "JPY": ("JP¥", "JP¥", 0),
}

# the steps a compact amount counts in: 万 and 亿 in Chinese, thousands in English
_UNITS_ZH = ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))
_UNITS_EN = ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "K"))

# date patterns: (Chinese, any other language)
_PATTERNS = {
    "date_long": ("yyyy年M月d日", "MMM d, yyyy"),
    "month_long": ("yyyy年M月", "MMMM yyyy"),
    "day_month": ("M月d日", "MMM d"),
    "weekday_day": ("M月d日 ddd", "ddd, MMM d"),
    "weekday_day_long": ("M月d日 dddd", "dddd, MMMM d"),
    "weekday_date_long": ("yyyy年M月d日 dddd", "dddd, MMMM d, yyyy"),
    "datetime_long": ("yyyy年M月d日 HH:mm", "MMM d, yyyy HH:mm"),
}


def _locale(locale: QLocale | None) -> QLocale:
    return locale if locale is not None else QLocale()


def is_chinese(locale: QLocale | None = None) -> bool:
    return _locale(locale).language() == QLocale.Language.Chinese


# ---- numbers ------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    """``value`` as a Decimal; a float through its shortest repr (2.675 stays 2.675), so
    rounding happens once, half up. None, NaN and what is no number give None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return None if value.is_nan() else value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return Decimal(str(float(value)))  # numpy's float64 too
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return None if d.is_nan() or d.is_infinite() else d


def _digits(d: Decimal, decimals: int, loc: QLocale, group: bool = True) -> tuple[bool, str]:
    """(negative, the absolute value rounded half up to ``decimals`` with the locale's group
    separator and decimal point). A value that rounds to zero is not negative."""
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    negative = q < 0 and q != 0
    text = f"{abs(q):f}"
    whole, _dot, frac = text.partition(".")
    if group and len(whole) > 3:
        sep = loc.groupSeparator()
        head = len(whole) % 3 or 3
        whole = whole[:head] + "".join(sep + whole[i:i + 3] for i in range(head, len(whole), 3))
    return negative, whole + (loc.decimalPoint() + frac if decimals > 0 else "")


def number(value, decimals: int = 0, dash: str = "", signed: bool = False,
           locale: QLocale | None = None) -> str:
    """1,234,567 (or 1,234.5 with ``decimals``); ``signed`` puts + before a positive value."""
    d = _decimal(value)
    if d is None:
        return dash
    loc = _locale(locale)
    negative, text = _digits(d, decimals, loc)
    if negative:
        return loc.negativeSign() + text
    return (loc.positiveSign() + text) if signed and text.strip("0.,") else text


def number_trimmed(value, decimals: int = 1, dash: str = "", locale: QLocale | None = None) -> str:
    """A number with at most ``decimals`` decimals and no trailing zeros: 12.5, 12, 1,234.5."""
    d = _decimal(value)
    if d is None:
        return dash
    loc = _locale(locale)
    text = number(d, decimals, dash, locale=loc)
    point = loc.decimalPoint()
    if decimals > 0 and point in text:
        text = text.rstrip("0").rstrip(point)
    return text


def percent(fraction, decimals: int = 0, dash: str = "", signed: bool = False,
            locale: QLocale | None = None) -> str:
    """A fraction as a percentage: 0.125 -> "13%" (``decimals=1``: "12.5%"); ``signed``: "+13%"."""
    d = _decimal(fraction)
    if d is None:
        return dash
    loc = _locale(locale)
    return number(d * 100, decimals, dash, signed, loc) + loc.percent()


# ---- money --------------------------------------------------------------------------------


def currency_symbol(currency: str = "CNY", locale: QLocale | None = None) -> str | None:
    """The symbol written before an amount, None for a currency written after it by code."""
    entry = CURRENCIES.get((currency or "CNY").upper())
    if entry is None:
        return None
    return entry[0] if is_chinese(locale) else entry[1]


def money(value, currency: str = "CNY", decimals: int = 2, dash: str = "",
          locale: QLocale | None = None) -> str:
    """¥1,234.50, -¥1,234.50, US$12.00 (Chinese) / $12.00 (English), JP¥1,235, 12.00 CHF."""
    d = _decimal(value)
    if d is None:
        return dash
    loc = _locale(locale)
    code = (currency or "CNY").upper()
    entry = CURRENCIES.get(code)
    if entry is not None:
        decimals = min(decimals, entry[2])
    negative, text = _digits(d, decimals, loc)
    sign = loc.negativeSign() if negative else ""
    if entry is None:
        return f"{sign}{text} {code}"
    return sign + (entry[0] if is_chinese(loc) else entry[1]) + text


def money_short(value, currency: str = "CNY", dash: str = "",
                locale: QLocale | None = None) -> str:
    """An amount for tight places (tiles, chart axes): ¥12.5万 / ¥3.2亿 in Chinese,
    ¥125K / ¥3.2M / ¥1.2B in English; below the first step the whole amount, ¥9,800.
    Under 100 of a step one decimal shows (trailing zero dropped), from 100 none."""
    d = _decimal(value)
    if d is None:
        return dash
    loc = _locale(locale)
    code = (currency or "CNY").upper()
    symbol = currency_symbol(code, loc)
    for size, unit in (_UNITS_ZH if is_chinese(loc) else _UNITS_EN):
        if abs(d) >= size:
            n = d / size
            digits = 0 if abs(n) >= 100 else 1
            negative, text = _digits(n, digits, loc)
            if digits:
                text = text.rstrip("0").rstrip(loc.decimalPoint())
            break
    else:
        negative, text = _digits(d, 0, loc)
        unit = ""
    sign = loc.negativeSign() if negative else ""
    if symbol is None:
        return f"{sign}{text}{unit} {code}"
    return f"{sign}{symbol}{text}{unit}"


# ---- dates and times ----------------------------------------------------------------------


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pattern(key: str, loc: QLocale) -> str:
    zh, other = _PATTERNS[key]
    return zh if is_chinese(loc) else other


def _local(when: dt.datetime, tz: dt.tzinfo | None) -> dt.datetime:
    """An aware datetime in ``tz`` (else the computer's zone); a naive one as it is."""
    if when.tzinfo is None:
        return when
    return when.astimezone(tz) if tz is not None else when.astimezone()


def _day(value, tz: dt.tzinfo | None = None) -> dt.date:
    return _local(value, tz).date() if isinstance(value, dt.datetime) else value


def _long(key: str, day, dash: str, tz, locale) -> str:
    if day is None:
        return dash
    loc = _locale(locale)
    return loc.toString(_qdate(_day(day, tz)), _pattern(key, loc))


def date_long(day, dash: str = "", tz: dt.tzinfo | None = None,
              locale: QLocale | None = None) -> str:
    """2026年11月23日 / Nov 23, 2026 (prose, titles, tooltips, the printed report)."""
    return _long("date_long", day, dash, tz, locale)


def month_long(day, dash: str = "", locale: QLocale | None = None) -> str:
    """2026年11月 / November 2026."""
    return _long("month_long", day, dash, None, locale)


def day_month(day, dash: str = "", locale: QLocale | None = None) -> str:
    """11月23日 / Nov 23 (a day when the year is plain from the context)."""
    return _long("day_month", day, dash, None, locale)


def weekday_day(day, dash: str = "", locale: QLocale | None = None) -> str:
    """11月23日 周一 / Mon, Nov 23."""
    return _long("weekday_day", day, dash, None, locale)


def weekday_day_long(day, dash: str = "", locale: QLocale | None = None) -> str:
    """11月23日 星期一 / Monday, November 23 (a day's heading)."""
    return _long("weekday_day_long", day, dash, None, locale)


def weekday_date_long(day, dash: str = "", locale: QLocale | None = None) -> str:
    """2026年11月23日 星期一 / Monday, November 23, 2026."""
    return _long("weekday_date_long", day, dash, None, locale)


def datetime_long(when: dt.datetime | None, tz: dt.tzinfo | None = None, dash: str = "",
                  locale: QLocale | None = None) -> str:
    """2026年11月23日 14:05 / Nov 23, 2026 14:05 (prose and the printed report)."""
    if when is None:
        return dash
    loc = _locale(locale)
    local = _local(when, tz)
    text = loc.toString(_qdate(local.date()), _pattern("date_long", loc))
    return f"{text} {local:%H:%M}"


def date_cell(day, dash: str = "", tz: dt.tzinfo | None = None) -> str:
    """2026-11-23 in both languages (table cells, dense lists): sortable, numeric."""
    if day is None:
        return dash
    return _day(day, tz).strftime("%Y-%m-%d")


def datetime_cell(when: dt.datetime | None, tz: dt.tzinfo | None = None, dash: str = "") -> str:
    """2026-11-23 14:05 in both languages (table cells, dense lists)."""
    return dash if when is None else _local(when, tz).strftime("%Y-%m-%d %H:%M")


def month_day_time(when: dt.datetime | None, tz: dt.tzinfo | None = None, dash: str = "") -> str:
    """11-23 14:05 (a dense list where the year is plain)."""
    return dash if when is None else _local(when, tz).strftime("%m-%d %H:%M")


def month_day_cell(day, dash: str = "") -> str:
    """11-23 (a dense list where the year is plain)."""
    return dash if day is None else day.strftime("%m-%d")


def time_cell(when: dt.datetime | dt.time | None, tz: dt.tzinfo | None = None,
              dash: str = "") -> str:
    """14:05, 24-hour in both languages."""
    if when is None:
        return dash
    if isinstance(when, dt.datetime):
        when = _local(when, tz)
    return when.strftime("%H:%M")
