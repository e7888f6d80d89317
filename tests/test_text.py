"""Normalising names, pinyin, phone numbers and search terms."""

from __future__ import annotations

import phonenumbers
from hypothesis import assume, given, strategies as st

from desktop_crm.services.text import (
    clean, display_phone, normalize_phone, phone_digits, pinyin_of, search_terms,
)


def test_pinyin_and_initials():
    assert pinyin_of("张三") == ("zhangsan", "zs")
    assert pinyin_of("北京华为科技有限公司")[1] == "bjhwkjyxgs"
    assert pinyin_of("Acme") == ("", "")


def test_clean_collapses_full_width_spaces():
    assert clean("\u3000张\u3000 三 ") == "张 三"


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mobile_display_matches_phonenumbers(number):
    assume(phonenumbers.is_valid_number(phonenumbers.parse(number, "CN")))
    e164 = normalize_phone(number)
    assert e164 == "+86" + number
    expected = phonenumbers.format_number(phonenumbers.parse(e164, "CN"),
                                          phonenumbers.PhoneNumberFormat.NATIONAL)
    assert display_phone(e164) == expected
    assert phone_digits(e164) == number


def test_landline_and_foreign_numbers():
    assert display_phone(normalize_phone("010-6552 9988")) == "010 6552 9988"
    assert display_phone(normalize_phone("+1 650 253 0000")) == "+1 650-253-0000"


def test_search_terms():
    assert search_terms(" 张三  138-1234 ") == ["张三", "1381234"]
    assert search_terms("+86 138 1234 5678") == ["13812345678"]
    assert search_terms("010-6552 9988") == ["01065529988"]
    assert search_terms("王 贸易") == ["王", "贸易"]
    assert search_terms("ZS") == ["zs"]
