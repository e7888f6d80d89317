"""Customer service on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desktop_crm.models import AuditEntry, Customer, Order
from desktop_crm.services.customers import SORTS, CustomerQuery, CustomerService
from desktop_crm.services.errors import ConflictError, NotFound, ValidationError
from desktop_crm.services.health import HealthService
from desktop_crm.services.users import UserService


@pytest.fixture
def svc(db):
    user = UserService(db).ensure_local_user()
    return CustomerService(db, user.id)


NAMES = ["张三", "王伟", "北京华为科技有限公司", "上海王伟贸易有限公司", "Acme Trading Ltd",
         "李四", "深圳市腾讯计算机系统有限公司", "王小明"]


@pytest.fixture
def people(svc):
    phones = ["13812345678", "13900001111", "010-65529988", "021 6888 1234", "+1 650 253 0000",
              "13700002222", "0755-86013388", "18600003333"]
    return [svc.create({"name": n, "phone": p, "tier": "growth" if i % 2 else "basic"})
            for i, (n, p) in enumerate(zip(NAMES, phones))]


def names(svc, **q):
    return sorted(r.name for r in svc.page(CustomerQuery(**q), limit=100).rows)


def test_create_normalises_and_assigns_code(svc):
    rec = svc.create({"name": "  张三  ", "phone": "138-1234-5678", "email": " Zhang@Example.COM ",
                      "tags": ["VIP", "VIP", " 重点 "]})
    assert rec.name == "张三"
    assert rec.phone == "+8613812345678"
    assert rec.phone_display == "138 1234 5678"
    assert rec.email == "Zhang@example.com"
    assert rec.code == "C000001"
    assert rec.name_pinyin == "zhangsan"
    assert rec.tags == ("VIP", "重点")
    assert rec.version == 1
    assert rec.created_at.tzinfo is not None
    second = svc.create({"name": "李四"})
    assert second.code == "C000002"


def test_given_code_is_kept_and_must_be_unique(svc):
    svc.create({"name": "甲", "code": "c000100"})
    assert svc.get_by_code("C000100").name == "甲"
    with pytest.raises(ValidationError) as e:
        svc.create({"name": "乙", "code": "C000100"})
    assert e.value.for_field("code").code == "duplicate"


def test_validation_lists_every_bad_field(svc):
    with pytest.raises(ValidationError) as e:
        svc.create({"name": "  ", "phone": "12345", "email": "not-an-email", "tier": "gold"})
    codes = {err.field: err.code for err in e.value.errors}
    assert codes == {"name": "required", "phone": "invalid_phone", "email": "invalid_email",
                     "tier": "invalid_choice"}
    assert "phone" in str(e.value) and "12345" in str(e.value)
    with svc.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Customer)) == 0


@pytest.mark.parametrize("query,expected", [
    ("王伟", {"王伟", "上海王伟贸易有限公司"}),          # two Chinese characters
    ("王", {"王伟", "上海王伟贸易有限公司", "王小明"}),   # one character
    ("华为科技", {"北京华为科技有限公司"}),              # trigram index
    ("有限公司", {"北京华为科技有限公司", "上海王伟贸易有限公司", "深圳市腾讯计算机系统有限公司"}),
    ("zhangsan", {"张三"}),                              # pinyin
    ("zs", {"张三", "深圳市腾讯计算机系统有限公司"}),    # pinyin initials (szs... too)
    ("ww", {"王伟", "上海王伟贸易有限公司"}),
    ("bjhw", {"北京华为科技有限公司"}),
    ("ACME", {"Acme Trading Ltd"}),                      # case-insensitive
    ("138 1234", {"张三"}),                              # phone as typed
    ("6552", {"北京华为科技有限公司"}),
    ("c000003", {"北京华为科技有限公司"}),               # code
    ("王 贸易", {"上海王伟贸易有限公司"}),              # every term must match
    ("没有这个", set()),
    ("100%", set()),                                     # LIKE wildcards are literal
])
def test_search(svc, people, query, expected):
    assert set(names(svc, text=query)) == expected
    assert svc.count(CustomerQuery(text=query)) == len(expected)


def test_search_follows_edits(svc, people):
    zs = people[0]
    svc.update(zs.id, {"name": "赵六"}, zs.version)
    assert names(svc, text="zhangsan") == []
    assert names(svc, text="张三") == []  # the short-term index dropped the old name
    assert names(svc, text="张") == []
    assert names(svc, text="赵六") == ["赵六"]
    assert names(svc, text="zl") == ["赵六"]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_cover_everything_once_in_order(svc, people, sort, descending):
    if sort == "health":  # the health order lists scored customers
        HealthService(svc.db).recompute()
    q = CustomerQuery(sort=sort, descending=descending)
    seen, after = [], None
    while True:
        page = svc.page(q, after=after, limit=3)
        seen += page.rows
        if not page.has_more:
            break
        after = page.last_key
    assert len(seen) == len(people)
    assert len({r.id for r in seen}) == len(people)
    keys = [r.sort_key for r in seen]
    assert keys == sorted(keys, reverse=descending)


def test_health_column_sort_and_band_filter(svc, people):
    health = HealthService(svc.db)
    with svc.db.session() as s:  # the first customer bought long ago: its recency is 0
        s.add(Order(customer_id=people[0].id, order_date=dt.date(2020, 1, 1),
                    amount=Decimal("100"), status="paid"))
    health.recompute()
    scores = {r.id: r.health for r in svc.page(CustomerQuery(), limit=100).rows}
    assert all(v is not None for v in scores.values())
    assert scores[people[0].id] == min(scores.values()) < 40
    rows = svc.page(CustomerQuery(sort="health"), limit=100).rows
    assert [r.health for r in rows] == sorted(scores.values())
    assert rows[0].id == people[0].id
    assert [r.id for r in svc.page(CustomerQuery(health="red"), limit=100).rows] == [people[0].id]
    assert svc.count(CustomerQuery(health="red")) == 1
    assert svc.count(CustomerQuery(health="amber")) + svc.count(
        CustomerQuery(health="green")) == len(people) - 1
    assert names(svc, health="red", tier="growth") == []


def test_filters(svc, people):
    assert set(names(svc, tier="growth")) == {p.name for i, p in enumerate(people) if i % 2}
    other = UserService(svc.db).create("lisi", "李四", "sales")
    svc.update(people[2].id, {"owner_id": other.id, "province": "北京", "industry": "信息技术"},
               people[2].version)
    assert names(svc, owner_id=other.id) == ["北京华为科技有限公司"]
    assert names(svc, province="北京") == ["北京华为科技有限公司"]
    assert names(svc, industry="信息技术", tier="basic") == ["北京华为科技有限公司"]
    svc.update(people[1].id, {"owner_id": None, "tags": ["重点"]}, people[1].version)
    assert names(svc, unowned=True) == ["王伟"]
    assert names(svc, tag="重点") == ["王伟"]
    assert "北京" in svc.distinct_values("province")
    assert svc.tag_names() == ["重点"]


def test_stale_edit_raises_conflict_and_writes_nothing(svc):
    rec = svc.create({"name": "张三", "city": "北京"})
    mine = svc.get(rec.id)
    theirs = svc.get(rec.id)
    updated = svc.update(theirs.id, {"city": "上海"}, theirs.version)
    assert updated.version == 2
    with pytest.raises(ConflictError) as e:
        svc.update(mine.id, {"city": "广州"}, mine.version)
    assert e.value.expected == 1 and e.value.actual == 2
    assert svc.get(rec.id).city == "上海"
    with pytest.raises(ConflictError):
        svc.delete(rec.id, mine.version)
    assert svc.get(rec.id).deleted_at is None


def test_update_is_audited_per_field(svc):
    rec = svc.create({"name": "张三", "city": "北京"})
    svc.update(rec.id, {"city": "上海", "phone": "13812345678", "name": "张三"}, rec.version)
    with svc.db.read() as s:
        rows = s.execute(select(AuditEntry.action, AuditEntry.field, AuditEntry.old_value,
                                AuditEntry.new_value).where(AuditEntry.row_id == rec.id)
                         .order_by(AuditEntry.field)).all()
    assert sorted(map(tuple, rows)) == sorted([
        ("create", "", None, None), ("update", "city", "北京", "上海"),
        ("update", "phone", "", "+8613812345678")])


def test_failed_update_leaves_no_audit(svc):
    rec = svc.create({"name": "张三"})
    with pytest.raises(ValidationError):
        svc.update(rec.id, {"city": "上海", "email": "bad"}, rec.version)
    with svc.db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 1
    assert svc.get(rec.id).city == ""


def test_soft_delete_and_restore(svc, people):
    target = people[0]
    svc.delete(target.id, target.version)
    assert "张三" not in names(svc)
    assert names(svc, text="张三") == []
    assert names(svc, deleted=True) == ["张三"]
    assert svc.get(target.id).deleted_at is not None
    svc.restore(target.id)
    assert "张三" in names(svc)
    with pytest.raises(NotFound):
        svc.delete(uuid.uuid4())


def test_contacts(svc):
    c = svc.create({"name": "北京华为科技有限公司"})
    a = svc.add_contact(c.id, {"name": "王经理", "phone": "13900001111", "is_primary": True})
    svc.add_contact(c.id, {"name": "Li Lei", "email": "li@example.com"})
    assert [x.name for x in svc.contacts(c.id)] == ["王经理", "Li Lei"]
    with pytest.raises(ValidationError):
        svc.add_contact(c.id, {"name": "", "phone": "000"})
    b = svc.update_contact(a.id, {"title": "采购经理"}, a.version)
    with pytest.raises(ConflictError):
        svc.update_contact(a.id, {"title": "总监"}, a.version)
    assert b.title == "采购经理"
    svc.delete_contact(a.id)
    assert [x.name for x in svc.contacts(c.id)] == ["Li Lei"]


def test_names_sort_by_pinyin_among_latin_names(svc):
    for n in ["张三", "Zed", "安徽贸易", "Anderson"]:
        svc.create({"name": n})
    assert [r.name for r in svc.page(CustomerQuery(sort="name")).rows] == [
        "Anderson", "安徽贸易", "Zed", "张三"]


def test_search_candidates_follow_writes(svc, people):
    """A rare term's candidate set is cached; writes through the service must not hide rows."""
    assert names(svc, text="腾讯") == ["深圳市腾讯计算机系统有限公司"]
    assert names(svc, text="腾讯计算") == ["深圳市腾讯计算机系统有限公司"]
    svc.create({"name": "腾讯计算云"})
    assert names(svc, text="腾讯") == ["深圳市腾讯计算机系统有限公司", "腾讯计算云"]
    assert names(svc, text="腾讯计算") == ["深圳市腾讯计算机系统有限公司", "腾讯计算云"]


def test_common_terms_walk_the_sort_index(svc, monkeypatch):
    """Above the candidate limit a term is matched while walking the list in order."""
    import desktop_crm.services.customers as mod

    monkeypatch.setattr(mod, "CANDIDATE_LIMIT", 2)
    for i in range(6):
        svc.create({"name": f"华为分公司{i}"})
    svc.create({"name": "北京"})
    assert len(names(svc, text="华为")) == 6
    assert len(names(svc, text="华为分公司")) == 6
    assert names(svc, text="华为分公司3") == ["华为分公司3"]
    assert svc.count(CustomerQuery(text="分公司")) == 6


def test_first_code_continues_after_existing_codes(svc):
    from desktop_crm.models import Counter

    svc.create({"name": "甲", "code": "C000998"})
    with svc.db.session() as s:  # a database whose counter row is missing (e.g. an import)
        s.query(Counter).delete()
    assert svc.create({"name": "乙"}).code == "C000999"
    assert svc.create({"name": "丙"}).code == "C001000"
