"""Standardising what people type: full-width text, forms of address, provinces and cities,
company names for matching; property tests that the rules are stable (applying them twice
changes nothing) and never fail on any text."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from desktop_crm.services.normalize import (
    city_name, clean_text, company_key, person_key, province_name, region_of,
    split_salutation,
)


def test_clean_text_half_width_and_single_spaces():
    assert clean_text("  ＡＢＣ　１２３  ") == "ABC 123"
    assert clean_text("华信\u00a0\u00a0科技") == "华信 科技"
    assert clean_text(None) == ""


def test_salutations_are_split_from_names():
    assert split_salutation("张总") == ("张", "总")
    assert split_salutation("王经理") == ("王", "经理")
    assert split_salutation("欧阳先生") == ("欧阳", "先生")
    assert split_salutation("李小姐") == ("李", "小姐")
    assert split_salutation("Mr. John Smith") == ("John Smith", "Mr.")
    # full names that only end like a form of address stay whole
    assert split_salutation("张总成") == ("张总成", "")
    assert split_salutation("诸葛亮") == ("诸葛亮", "")
    assert person_key("张 三") == person_key("张三") == "张三"


def test_provinces_and_cities():
    assert province_name("广东") == province_name("粤") == province_name("广东省") == "广东省"
    assert province_name("内蒙") == "内蒙古自治区"
    assert province_name("Guangdong") == "Guangdong"  # not ours to guess
    assert region_of("浙江") == "华东" and region_of("四川省") == "西南" and region_of("?") == ""
    assert city_name("深圳") == "深圳市" and city_name("北京") == "北京市"
    assert city_name("延边朝鲜族自治州") == "延边朝鲜族自治州"
    assert city_name("Shenzhen") == "Shenzhen"


def test_company_names_match_without_legal_form():
    same = ("上海华信科技有限公司", "上海 华信科技（有限公司）", "上海华信科技", "上海华信科技股份有限公司")
    assert {company_key(n) for n in same} == {"上海华信科技"}
    assert company_key("ACME Co., Ltd.") == company_key("Acme Inc") == "acme"
    assert company_key("有限公司") == "有限公司"  # nothing but a legal form: kept
    assert company_key("华为技术有限公司") != company_key("华为终端有限公司")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_rules_are_stable_on_any_text(text):
    once = clean_text(text)
    assert clean_text(once) == once
    key = company_key(text)
    assert isinstance(key, str)
    assert province_name(province_name(text)) == province_name(text)
    name, salutation = split_salutation(text)
    assert split_salutation(name)[0] == name or salutation == ""
    city_name(text)
    person_key(text)
