"""Normalising what people type: names, pinyin, phone numbers, emails, search text."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "CN"
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACES = re.compile(r"\s+")


def clean(value: object) -> str:
    """Trimmed text with inner runs of white space (including full-width) collapsed."""
    if value is None:
        return ""
    return _SPACES.sub(" ", str(value).replace("\u3000", " ")).strip()


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


@lru_cache(maxsize=65536)
def pinyin_of(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of the Chinese characters in ``text``, lower case, no spaces.

    张三 -> ("zhangsan", "zs"). Text without Chinese gives ("", "").
    """
    if not has_han(text):
        return "", ""
    from pypinyin import lazy_pinyin

    full: list[str] = []
    initials: list[str] = []
    for syllable in lazy_pinyin(text, errors=lambda s: list(s)):
        s = syllable.lower().strip()
        if not s or not s.isalnum():
            continue
        full.append(s)
        initials.append(s[0])
    return "".join(full), "".join(initials)


def sort_name_of(name: str) -> str:
    """The key the customer list sorts names by: pinyin of Chinese names, lower case otherwise."""
    full, _ = pinyin_of(name)
    return full or clean(name).lower()


def short_tokens(name: str | None, initials: str | None = "") -> str:
    """Every 1- and 2-character piece of a name and its pinyin initials, as space-separated
    tokens for the short-term index (SQLite FTS5, unicode61): 张三 -> "张 三 张三 z s zs".

    Trigram indexes cannot find one- or two-character terms, and most Chinese names are two
    characters; this index can. Pieces are cut inside runs of letters, digits and Chinese
    characters only, as the tokenizer would split on anything else.
    """
    pieces: dict[str, None] = {}
    for text in ((name or "").lower(), (initials or "").lower()):
        for run in re.findall(r"[^\W_]+", text):
            for i, ch in enumerate(run):
                pieces[ch] = None
                if i + 1 < len(run):
                    pieces[run[i:i + 2]] = None
    return " ".join(pieces)


def is_short_token(term: str) -> bool:
    """Whether the short-term index can answer ``term`` (1-2 letters, digits or characters)."""
    return 1 <= len(term) <= 2 and bool(re.fullmatch(r"[^\W_]+", term))


class PhoneError(ValueError):
    pass


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form of a phone number ("+8613812345678"); "" for empty input.

    Raises PhoneError when the text is not a valid number for ``region``.
    """
    raw = clean(raw)
    if not raw:
        return ""
    try:
        num = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(str(exc)) from exc
    if not phonenumbers.is_valid_number(num):
        raise PhoneError("not a valid phone number")
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


_CN_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")


def display_phone(e164: str, region: str = DEFAULT_REGION) -> str:
    """National form for numbers of ``region`` ("138 1234 5678"), international otherwise.

    Called for every row of a list page, so the common case (a Chinese mobile) is
    formatted by slicing, and the rest is cached: phonenumbers takes ~0.2 ms a number.
    """
    if not e164:
        return ""
    if region == "CN" and _CN_MOBILE.match(e164):
        return f"{e164[3:6]} {e164[6:10]} {e164[10:]}"
    return _display_phone(e164, region)


@lru_cache(maxsize=65536)
def _display_phone(e164: str, region: str) -> str:
    try:
        num = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(num) == region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(num, fmt)


def phone_digits(e164: str, region: str = DEFAULT_REGION) -> str:
    """Digits of the national number ("13812345678", "01012345678") for search."""
    if not e164:
        return ""
    try:
        num = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", e164)
    national = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.sub(r"\D", "", national)


class EmailError(ValueError):
    pass


def normalize_email(raw: str) -> str:
    raw = clean(raw)
    if not raw:
        return ""
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise EmailError(str(exc)) from exc


def search_text(*, name: str, code: str = "", phones: tuple[str, ...] = (), email: str = "",
                extra: tuple[str, ...] = ()) -> str:
    """The lower-cased text that customer search matches against."""
    full, initials = pinyin_of(name)
    parts = [name, full, initials, code, *(phone_digits(p) for p in phones), email, *extra]
    return " ".join(p for p in (clean(x).lower() for x in parts) if p)


def search_terms(query: str) -> list[str]:
    """Terms of a search box query: lower-cased, split on white space, phone-like
    terms reduced to their digits."""
    query = clean(query)
    if re.fullmatch(r"[\d\s\-+()]+", query):  # a phone number typed with spaces or dashes
        digits = re.sub(r"\D", "", query)
        if query.lstrip().startswith("+86") or (digits.startswith("86") and len(digits) > 11):
            digits = digits[2:]
        return [digits] if len(digits) >= 3 else ([query] if query else [])
    terms = []
    for t in query.lower().split(" "):
        if not t:
            continue
        digits = re.sub(r"[\s\-()+]", "", t)
        if digits.isdigit() and len(digits) >= 3:
            t = digits
            if t.startswith("86") and len(t) > 11:
                t = t[2:]
        terms.append(t)
    return terms
