"""The duplicate finder on constructed customers: phones written differently, legal forms,
names that sound the same, a pair that is not similar enough; "not duplicates"; the create
warning; the CLI."""

from __future__ import annotations

import json

import pytest

from desktop_crm.services.customers import CustomerService
from desktop_crm.services.duplicates import (
    SAME_EMAIL, SAME_NAME, SAME_PHONE, SAME_PINYIN, SIMILAR_NAME, DuplicateService,
)
from desktop_crm.services.errors import Cancelled
from desktop_crm.services.normalize import company_core, pinyin_key, place_stems
from desktop_crm.services.users import UserService

from .test_cli import run


@pytest.fixture
def svc(db):
    user = UserService(db).ensure_local_user()
    return DuplicateService(db, user), CustomerService(db, user.id)


def make(customers, **fields):
    fields.setdefault("kind", "company")
    return customers.create(fields)


def group_of(groups, customer_id):
    return next((g for g in groups if customer_id in g.ids), None)


def test_normalize_additions():
    assert pinyin_key("华信科技") == pinyin_key("华鑫科技") == "huaxinkeji"
    assert pinyin_key("ABC") == "ABC"
    stems = place_stems("上海市", "上海市")
    assert stems == ("上海市", "上海")
    assert company_core("上海华信科技", stems) == "华信科技"
    assert company_core("华信科技上海", stems) == "华信科技"
    assert company_core("上海", stems) == "上海"  # nothing but the place: kept


def test_finder_groups_constructed_duplicates(svc):
    dups, customers = svc
    # the same phone written two ways (stored E.164 either way), different names
    a = make(customers, name="张三", kind="person", phone="138 1234 5678", city="北京市")
    b = make(customers, name="张三丰", kind="person", phone="+86 13812345678", city="天津市")
    # a legal form more or less
    c = make(customers, name="上海华信科技有限公司", city="上海市", province="上海市")
    d = make(customers, name="上海华信科技", city="上海市", province="上海市")
    # names that sound the same (华鑫 / 华信) in the same city
    e = make(customers, name="杭州华鑫电子有限公司", city="杭州市", province="浙江省")
    f = make(customers, name="杭州华信电子有限公司", city="杭州市", province="浙江省")
    # a personal e-mail address shared
    g = make(customers, name="王五", kind="person", email="wangwu@example.com")
    h = make(customers, name="王武", kind="person", email="WangWu@Example.com", city="广州市")
    # similar, not the same: one character more
    i = make(customers, name="深圳市腾飞精密机械制造有限公司", city="深圳市", province="广东省")
    j = make(customers, name="深圳市腾飞精密机械制造厂有限公司", city="深圳市", province="广东省")
    # not duplicates: another company of the same kind in the same city
    k = make(customers, name="上海华为科技有限公司", city="上海市", province="上海市")
    # the same name in another city is not enough on its own
    m = make(customers, name="北京华信科技有限公司", city="北京市", province="北京市")

    seen = []
    groups = dups.find(lambda stage, done, total: seen.append(stage) or True)
    assert {"reading", "comparing", "grouping"} <= set(seen)

    ab = group_of(groups, a.id)
    assert ab and set(ab.ids) == {a.id, b.id} and SAME_PHONE in ab.reasons
    cd = group_of(groups, c.id)
    assert cd and set(cd.ids) == {c.id, d.id} and cd.score >= 95 and SAME_NAME in cd.reasons
    ef = group_of(groups, e.id)
    assert ef and set(ef.ids) == {e.id, f.id} and SAME_PINYIN in ef.reasons
    gh = group_of(groups, g.id)
    assert gh and set(gh.ids) == {g.id, h.id} and SAME_EMAIL in gh.reasons
    ij = group_of(groups, i.id)
    assert ij and set(ij.ids) == {i.id, j.id} and SIMILAR_NAME in ij.reasons
    assert 80 <= ij.score < 100
    assert group_of(groups, k.id) is None
    assert group_of(groups, m.id) is None
    member = next(x for x in ab.members if x.id == a.id)
    assert member.match == b.id and member.score == ab.score and member.code == a.code
    assert groups == sorted(groups, key=lambda g: -g.score)
    assert dups.last_stats["customers"] == 12

    # a higher bar leaves out the similar names; a limit cuts the list
    strict = dups.find(min_score=95)
    assert group_of(strict, i.id) is None and group_of(strict, c.id) is not None
    assert len(dups.find(limit=2)) == 2


def test_deleted_customers_are_left_out(svc):
    dups, customers = svc
    a = make(customers, name="上海华信科技有限公司", city="上海市")
    make(customers, name="上海华信科技", city="上海市")
    customers.delete(a.id)
    assert dups.find() == []


def test_not_duplicates_is_remembered(svc):
    dups, customers = svc
    a = make(customers, name="上海华信科技有限公司", city="上海市")
    b = make(customers, name="上海华信科技", city="上海市")
    c = make(customers, name="上海华信科技(有限公司)", city="上海市")
    assert len(dups.find()) == 1
    dups.ignore(a.id, b.id)
    dups.ignore(b.id, a.id)  # the same pair again: stored once
    assert len(dups.ignored_pairs()) == 1
    g = dups.find()
    assert len(g) == 1 and set(g[0].ids) == {a.id, b.id, c.id}  # c still links both
    dups.ignore_group([a.id, b.id, c.id])
    assert len(dups.ignored_pairs()) == 3
    assert dups.find() == []


def test_cancel_stops_the_search(svc):
    dups, customers = svc
    make(customers, name="上海华信科技有限公司")
    with pytest.raises(Cancelled):
        dups.find(lambda stage, done, total: stage != "comparing")


def test_check_new_warns_on_phone_email_and_name(svc):
    dups, customers = svc
    a = make(customers, name="上海华信科技有限公司", phone="021 6123 4567", city="上海市",
             email="info@huaxin.com")
    p = make(customers, name="李四", kind="person", phone="13912345678",
             email="lisi@example.com", city="北京市")
    # the phone typed another way
    found = dups.check_new({"name": "新客户", "phone": "+86 21 6123 4567"})
    assert [m.id for m in found] == [a.id] and SAME_PHONE in found[0].reasons
    assert found[0].code == a.code and found[0].name == "上海华信科技有限公司"
    # the name without legal form
    found = dups.check_new({"name": "上海华信科技", "city": "上海市"})
    assert [m.id for m in found] == [a.id] and SAME_NAME in found[0].reasons
    # e-mail, upper case
    found = dups.check_new({"name": "x", "kind": "person", "email": "LiSi@example.com"})
    assert [m.id for m in found] == [p.id] and SAME_EMAIL in found[0].reasons
    # nothing alike, bad input ignored, and the record itself excluded when editing
    assert dups.check_new({"name": "完全不同的公司", "phone": "12", "email": "bad@"}) == []
    assert dups.check_new({"name": "上海华信科技"}, exclude=a.id) == []
    assert dups.check_new({}) == []
    customers.delete(a.id)
    assert dups.check_new({"phone": "021 6123 4567"}) == []


@pytest.fixture
def cli_db(tmp_path, sqlite_url):
    from desktop_crm.services.container import Services

    services = Services.open(sqlite_url)
    customers = services.customers
    make(customers, name="上海华信科技有限公司", city="上海市", phone="021 6123 4567")
    make(customers, name="上海华信科技", city="上海市")
    make(customers, name="张三", kind="person", phone="13812345678")
    make(customers, name="张三丰", kind="person", phone="138 1234 5678")
    services.close()
    return sqlite_url


def test_cli_duplicates_csv_and_json(cli_db):
    out = run("duplicates", "--db", cli_db, "--format", "json").stdout
    data = json.loads(out)
    assert len(data["groups"]) == 2
    first = data["groups"][0]
    assert {"score", "reasons", "members"} <= first.keys()
    assert {m["name"] for g in data["groups"] for m in g["members"]} == {
        "上海华信科技有限公司", "上海华信科技", "张三", "张三丰"}
    csv_out = run("duplicates", "--db", cli_db, "--format", "csv").stdout
    lines = csv_out.strip().splitlines()
    assert lines[0].startswith("group,score,")
    assert len(lines) == 5
    strict = json.loads(run("duplicates", "--db", cli_db, "--format", "json",
                            "--min-score", "99").stdout)
    assert len(strict["groups"]) < 2
