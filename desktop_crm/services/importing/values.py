"""Reading one cell as a typed value: text, phone, email, date, time, money, counts.

Each parser returns the value or raises ``Bad(code, **params)``; the codes are what the
rejected-row report carries (views and the CLI translate them). Parsers are written for
speed (an import validates a million cells): the common forms take a regular expression
or a dictionary lookup, the rare ones the general library.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from .. import text as _text
from ..normalize import clean_text

# Excel's day 0 is 1899-12-30 (its 1900 leap-year bug folded in)
EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_TEXT = 20_000
MONEY_LIMIT = Decimal("1000000000000")  # Numeric(14, 2)
CENT = Decimal("0.01")


class Bad(ValueError):
    """A cell that cannot be taken: ``code`` says why, ``params`` fill the message."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffe\uffff]")


def cell_text(value: object) -> str:
    """A cell as the user sees it, for reports: numbers without a trailing .0, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds") if value.time() != dt.time() \
            else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def fast_clean(s: str) -> str:
    """``normalize.clean_text`` of a string, without its work when there is none to do
    (plain printable text already in NFKC form and single-spaced): most cells."""
    if s.isascii():  # NFKC leaves ASCII alone
        if "  " not in s and s.isprintable():
            return s.strip()
    elif s.isprintable() and "  " not in s and unicodedata.is_normalized("NFKC", s):
        return s.strip()
    return clean_text(s)


def text_value(value: object, limit: int) -> str:
    """Half-width, trimmed, single-spaced text without control characters; ``too_long`` past
    ``limit`` characters, ``formula`` for a spreadsheet formula (=...)."""
    s = value if type(value) is str else cell_text(value)
    s = fast_clean(s) if s.isprintable() else clean_text(_CONTROL.sub(" ", s))
    if len(s) > limit:
        raise Bad("too_long", limit=limit)
    if len(s) > 1 and s[0] == "=" and not s[1].isspace():
        raise Bad("formula")
    return s


def note_value(value: object, limit: int = MAX_TEXT) -> str:
    """Free text (notes, summaries): line breaks kept, other control characters dropped."""
    s = _CONTROL.sub("", cell_text(value)).replace("\r\n", "\n").strip()
    if len(s) > limit:
        raise Bad("too_long", limit=limit)
    if len(s) > 1 and s[0] == "=" and not s[1].isspace():
        raise Bad("formula")
    return s


# -- tags ---------------------------------------------------------------------------------------

# what separates the tags of a cell: the export's "," and what people type (，;；、/ and line
# breaks; full-width forms are half-width by then)
TAG_SEPARATORS = re.compile(r"[,;、/\r\n]+")
# with none of those in the cell, a space between two Latin words separates tags too ("VIP
# wholesale"); spaces next to Chinese stay inside a tag ("重点 客户" is one tag)
_LATIN_SPACE = re.compile(r"(?<=[0-9A-Za-z\u00c0-\u024f])\s+(?=[0-9A-Za-z\u00c0-\u024f])")


def tags_value(value: object, limit: int) -> tuple[str, ...] | None:
    """The tags of a cell, each ``clean_text``-ed, in the cell's order without repeats (None
    for none); ``too_long`` for a tag past ``limit`` characters, ``formula`` for a formula.
    Tags are compared as the app compares them: the exact text, case included."""
    s = unicodedata.normalize("NFKC", _CONTROL.sub(" ", cell_text(value))).strip()
    if len(s) > 1 and s[0] == "=" and not s[1].isspace():
        raise Bad("formula")
    parts = TAG_SEPARATORS.split(s) if TAG_SEPARATORS.search(s) else _LATIN_SPACE.split(s)
    out: dict[str, None] = {}
    for part in parts:
        tag = clean_text(part)
        if not tag:
            continue
        if len(tag) > limit:
            raise Bad("too_long", limit=limit)
        out[tag] = None
    return tuple(out) or None


# -- phones and emails ------------------------------------------------------------------------

_PHONE_JUNK = re.compile(r"[\s\-().·/]+")
_CN_MOBILE = re.compile(r"^(?:\+?86|0086)?(1[3-9]\d{9})$")


def phone_value(value: object) -> str:
    """E.164 ("+8613812345678"). Chinese mobiles written as 138 1234 5678, 138-1234-5678,
    +86 138..., 0086138..., (+86)138... are read by a pattern; anything else by phonenumbers
    (region CN)."""
    s = fast_clean(value if type(value) is str else cell_text(value))
    if not s:
        return ""
    m = _CN_MOBILE.match(_PHONE_JUNK.sub("", s))
    if m:
        return "+86" + m.group(1)
    return _slow_phone(s)


@lru_cache(maxsize=16384)
def _slow_phone(s: str) -> str:
    if len(s) > 40:
        raise Bad("invalid_phone")
    try:
        return _text.normalize_phone(s)
    except _text.PhoneError:
        raise Bad("invalid_phone") from None


_E164_CN_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")


def phone_digits(e164: str) -> str:
    """``text.phone_digits`` with the fast path for Chinese mobiles (same result)."""
    if _E164_CN_MOBILE.match(e164):
        return e164[3:]
    return _text.phone_digits(e164)


_EMAIL = re.compile(r"^[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*@"
                    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$")


def email_value(value: object) -> str:
    """An address as ``text.normalize_email`` gives it (domain lower-cased); plain ASCII
    addresses by a pattern, the rest by email-validator."""
    s = fast_clean(value if type(value) is str else cell_text(value))
    if not s:
        return ""
    if len(s) > 254:
        raise Bad("invalid_email")
    if _EMAIL.match(s):
        local, _, domain = s.rpartition("@")
        if len(local) <= 64:
            return f"{local}@{domain.lower()}"
    try:
        return _text.normalize_email(s)
    except _text.EmailError:
        raise Bad("invalid_email") from None


# -- dates and times --------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[\sT]+(上午|下午)?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*"
                   r"(?:[:：分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")  # 3/5/2024 (month first, as US Excel)


def _excel_serial(n: float) -> dt.datetime:
    if not 1 <= n < 2958466:  # Excel's range: 1900-01-01 .. 9999-12-31
        raise Bad("invalid_date")
    days = int(n)
    seconds = round((n - days) * 86400)
    return dt.datetime.combine(EXCEL_EPOCH + dt.timedelta(days=days), dt.time()) \
        + dt.timedelta(seconds=seconds)


def datetime_value(value: object) -> dt.datetime | None:
    """A naive wall-clock datetime (None for an empty cell) from a spreadsheet date, an Excel
    serial number, 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, 3/5/2024, each
    optionally with a time (14:30, 14:30:15, 下午2:30)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, bool):
        raise Bad("invalid_date")
    if isinstance(value, (int, float)):
        return _excel_serial(float(value))
    s = fast_clean(value) if type(value) is str else clean_text(value)
    if not s:
        return None
    return _parse_datetime(s)


@lru_cache(maxsize=65536)
def _parse_datetime(s: str) -> dt.datetime:
    m = _DATE.match(s)
    try:
        if m:
            y, mo, d, half, h, mi, sec = m.groups()
            hour = int(h or 0)
            if half == "下午" and hour < 12:
                hour += 12
            elif half == "上午" and hour == 12:
                hour = 0
            return dt.datetime(int(y), int(mo), int(d), hour, int(mi or 0), int(sec or 0))
        m = _COMPACT.match(s)
        if m:
            return dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _DMY.match(s)
        if m:
            return dt.datetime(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    except ValueError:
        raise Bad("invalid_date") from None
    if re.fullmatch(r"\d{4,5}(?:\.\d+)?", s):  # a serial number that became text in a CSV
        return _excel_serial(float(s))
    raise Bad("invalid_date")


def date_value(value: object) -> dt.date | None:
    got = datetime_value(value)
    if got is None:
        return None
    if not 1900 <= got.year <= 2200:
        raise Bad("invalid_date")
    return got.date()


# -- numbers ----------------------------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"^-?\d{1,13}(?:\.\d{1,2})?$")


def money_value(value: object) -> Decimal | str | None:
    """A money cell: a number, "120,000", "¥120000.00", "￥1,200", "12万" (x 10,000),
    "1.2亿", "1200元", "(1,200)" (negative). Text that is none of these is returned as it is,
    for the caller to refuse (targets import) - see ``amount_value`` for a raising version."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raw = str(value)
    if _PLAIN_NUMBER.match(raw):
        return Decimal(raw)
    s = clean_text(raw).replace(",", "").replace(" ", "").replace("'", "")
    s = s.lstrip("¥").removeprefix("RMB").removeprefix("CNY").lstrip("¥").removesuffix("元")
    if not s:
        return None
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1].lstrip("¥")
    scale = Decimal(1)
    if s.endswith("万"):
        s, scale = s[:-1], Decimal(10_000)
    elif s.endswith("亿"):
        s, scale = s[:-1], Decimal(100_000_000)
    try:
        d = Decimal(s) * scale
    except InvalidOperation:
        return str(value).strip()
    if not d.is_finite():
        return str(value).strip()
    return -d if negative else d


def amount_value(value: object) -> Decimal | None:
    got = money_value(value)
    if got is None:
        return None
    if isinstance(got, str):
        raise Bad("invalid_amount")
    if abs(got) >= MONEY_LIMIT:
        raise Bad("out_of_range")
    return got.quantize(CENT, rounding=ROUND_HALF_UP)


def int_value(value: object, low: int = 0, high: int = 10_000_000) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise Bad("invalid_number")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise Bad("invalid_number")
        n = int(value)
    else:
        s = clean_text(value).replace(",", "")
        try:
            d = Decimal(s)
        except InvalidOperation:
            raise Bad("invalid_number") from None
        if not d.is_finite() or d != d.to_integral_value():
            raise Bad("invalid_number")
        n = int(d)
    if not low <= n <= high:
        raise Bad("out_of_range", low=low, high=high)
    return n


_TRUE = {"1", "y", "yes", "true", "t", "是", "对", "√", "✓", "x", "主", "主要"}
_FALSE = {"0", "n", "no", "false", "f", "否", "不", ""}


def bool_value(value: object) -> bool:
    if isinstance(value, bool):
        return value
    s = clean_text(cell_text(value)).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise Bad("invalid_choice")


def choice_value(value: object, choices: dict[str, str]) -> str | None:
    """``choices``: what people write (lower case) -> the stored code."""
    s = fast_clean(value if type(value) is str else cell_text(value)).lower()
    if not s:
        return None
    got = choices.get(s) or choices.get(s.replace(" ", ""))
    if got is None:
        raise Bad("invalid_choice", choices=", ".join(sorted(set(choices.values()))))
    return got
