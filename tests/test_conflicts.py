"""Concurrent edits (issue 8): the three-way comparison and merge of services/conflicts.py, as
properties over random edits, and a stale customer save resolved on both real engines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from desktop_crm.models import AuditEntry
from desktop_crm.services import conflicts as cf
from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerService
from desktop_crm.services.errors import ConflictError

FIELDS = ("name", "notes", "region", "city", "address", "tier", "tags")
GROUPS = {"place": ("region", "city", "address")}
BASE = {"name": "华为", "notes": "", "region": "华南", "city": "深圳", "address": "坂田",
        "tier": "basic", "tags": ["VIP"]}
VALUES = {"name": st.sampled_from(["华为", "华为技术", "Huawei", "华为科技"]),
          "notes": st.sampled_from(["", "a", "b", "长备注"]),
          "region": st.sampled_from(["华南", "华东"]),
          "city": st.sampled_from(["深圳", "上海", "广州"]),
          "address": st.sampled_from(["坂田", "张江", "天河"]),
          "tier": st.sampled_from(["basic", "growth", "strategic"]),
          "tags": st.sampled_from([["VIP"], ["VIP", "外贸"], []])}
edits = st.fixed_dictionaries({}, optional=VALUES)


def _unit(values, f):
    """The value of a field or of its group."""
    for g, members in GROUPS.items():
        if f == g:
            return tuple(values[m] for m in members)
    return values[f]


def _units():
    grouped = {m for ms in GROUPS.values() for m in ms}
    return [f for f in FIELDS if f not in grouped] + list(GROUPS)


def _n(f, v):
    return tuple(cf._normal(m, x) for m, x in zip(GROUPS[f], v)) if f in GROUPS \
        else cf._normal(f, v)


@settings(max_examples=300, deadline=None)
@given(mine_edit=edits, theirs_edit=edits, pick=st.lists(st.booleans(), min_size=8, max_size=8))
def test_merge_keeps_every_change_nobody_disputes(mine_edit, theirs_edit, pick):
    mine = {**BASE, **mine_edit}
    theirs = {**BASE, **theirs_edit}
    diffs = cf.compare(BASE, mine_edit, theirs, FIELDS, GROUPS)
    by_unit = {d.field: d for d in diffs}
    assert set(by_unit) == set(_units())
    choices = {d.field: cf.KEEP_MINE if pick[i % len(pick)] else cf.TAKE_THEIRS
               for i, d in enumerate(diffs) if d.state == cf.CONFLICT}
    merged = cf.merge(diffs, choices)
    assert set(merged) == set(FIELDS)
    for u in _units():
        b, m, t, r = (_n(u, _unit(x, u)) for x in (BASE, mine, theirs, merged))
        state = by_unit[u].state
        if m != b and t == b:
            assert state == cf.MINE and r == m  # only mine changed: mine is kept
        elif t != b and m == b:
            assert state == cf.THEIRS and r == t  # only theirs changed: theirs is kept
        elif m == b and t == b:
            assert state == cf.UNCHANGED and r == b
        elif m == t:
            assert state == cf.SAME and r == m
        else:  # both changed it differently: exactly the user's choice
            assert state == cf.CONFLICT
            assert r == (m if choices[u] == cf.KEEP_MINE else t)
    # what an update sends is exactly what differs from the stored values
    changes = cf.changes_against(merged, diffs)
    assert all(cf._normal(k, v) != cf._normal(k, theirs[k]) for k, v in changes.items())
    assert {k: cf._normal(k, v) for k, v in {**theirs, **changes}.items()} == {
        k: cf._normal(k, merged[k]) for k in FIELDS}


def test_a_conflict_needs_a_choice_and_an_edited_value_only_for_text():
    diffs = cf.compare({"notes": "a", "tier": "basic"}, {"notes": "b", "tier": "growth"},
                       {"notes": "c", "tier": "strategic"}, ("notes", "tier"))
    with pytest.raises(KeyError):
        cf.merge(diffs, {"notes": cf.KEEP_MINE})  # tier has no choice: nothing is saved
    assert cf.merge(diffs, {"notes": cf.Edited("b + c"), "tier": cf.TAKE_THEIRS}) == {
        "notes": "b + c", "tier": "strategic"}
    with pytest.raises(ValueError):
        cf.merge(diffs, {"notes": cf.KEEP_MINE, "tier": cf.Edited("x")})


def test_values_are_compared_in_their_normal_form():
    diffs = cf.compare({"phone": "138 1234 5678", "tags": ["a", "b"], "name": "X"},
                       {"phone": "13812345678", "tags": ["b", "a"], "name": " X "},
                       {"phone": "+8613812345678", "tags": "b, a", "name": "X"},
                       ("phone", "tags", "name"))
    assert [d.state for d in diffs] == [cf.UNCHANGED] * 3


@pytest.fixture
def svc(db_url):
    services = Services.open(db_url, upgrade=True)
    yield services
    services.close()


def test_stale_customer_save_is_compared_merged_and_saved_with_both_edits_audited(svc):
    zhang = svc.users.create("zhangsan", "张三", "manager")
    li = svc.users.create("lisi", "李四", "manager")
    wang = svc.users.create("wangwu", "王五", "manager")
    mine_svc = CustomerService(svc.db, actor_id=zhang.id)
    their_svc = CustomerService(svc.db, actor_id=li.id)
    created = mine_svc.create({"name": "深圳华为", "phone": "13812345678", "city": "深圳",
                               "address": "坂田", "notes": "老客户", "tags": ["VIP"]})
    base = mine_svc.get(created.id)  # what my form loaded
    their_svc.update(base.id, {"phone": "13900001111", "notes": "老客户，要发票",
                               "address": "坂田基地", "tags": ["VIP", "外贸"]}, base.version)
    mine = {"name": "华为技术", "notes": "老客户，已回访", "tier": "strategic"}
    with pytest.raises(ConflictError):
        mine_svc.update(base.id, mine, base.version)

    cmp = cf.compare_customer(mine_svc, base, mine)
    states = {d.field: d.state for d in cmp.diffs if d.state != cf.UNCHANGED}
    assert states == {"name": cf.MINE, "tier": cf.MINE, "notes": cf.CONFLICT,
                      "phone": cf.THEIRS, "address_group": cf.THEIRS, "tags": cf.THEIRS}
    notes = next(d for d in cmp.diffs if d.field == "notes")
    assert (notes.base, notes.mine, notes.theirs) == ("老客户", "老客户，已回访", "老客户，要发票")
    assert notes.author.name == "李四" and notes.author.at is not None
    assert next(d for d in cmp.diffs if d.field == "address_group").author.name == "李四"
    with pytest.raises(KeyError):
        cmp.changes({})  # no choice for the notes: nothing to save

    saved = cf.save_customer(mine_svc, cmp, {"notes": cf.Edited("老客户，已回访，要发票")})
    assert (saved.name, saved.tier, saved.notes) == ("华为技术", "strategic", "老客户，已回访，要发票")
    assert (saved.phone, saved.address, saved.tags) == ("+8613900001111", "坂田基地",
                                                        ("VIP", "外贸"))
    with svc.db.read() as s:
        rows = s.execute(select(AuditEntry.field, AuditEntry.user_id, AuditEntry.new_value)
                         .where(AuditEntry.row_id == base.id, AuditEntry.action == "update")
                         ).all()
    assert ("phone", li.id, "+8613900001111") in rows and ("notes", li.id, "老客户，要发票") in rows
    assert ("name", zhang.id, "华为技术") in rows
    assert ("notes", zhang.id, "老客户，已回访，要发票") in rows
    assert not any(f == "phone" and u == zhang.id for f, u, _v in rows)  # theirs kept as is

    # a third person saves while I am choosing: detected again, and only their change asked
    base2 = mine_svc.get(base.id)
    their_svc.update(base.id, {"notes": "李四的备注"}, base2.version)
    mine2 = {"notes": "我的备注", "city": "东莞"}
    cmp2 = cf.compare_customer(mine_svc, base2, mine2)
    CustomerService(svc.db, actor_id=wang.id).update(
        base.id, {"notes": "王五的备注", "email": "hw@example.com"}, cmp2.current_version)
    with pytest.raises(ConflictError):
        cf.save_customer(mine_svc, cmp2, {"notes": cf.KEEP_MINE})
    cmp3 = cf.compare_customer(mine_svc, cmp2.current, cmp2.merge({"notes": cf.KEEP_MINE}))
    states3 = {d.field: d.state for d in cmp3.diffs if d.state != cf.UNCHANGED}
    assert states3 == {"notes": cf.CONFLICT, "email": cf.THEIRS, "address_group": cf.MINE}
    assert next(d for d in cmp3.diffs if d.field == "notes").author.name == "王五"
    final = cf.save_customer(mine_svc, cmp3, {"notes": cf.TAKE_THEIRS})
    assert (final.notes, final.email, final.city) == ("王五的备注", "hw@example.com", "东莞")


def test_a_customer_deleted_meanwhile_has_nothing_to_merge_into(svc):
    from desktop_crm.services.errors import NotFound

    base = svc.customers.create({"name": "华为"})
    svc.customers.delete(base.id, base.version)
    with pytest.raises(NotFound):
        cf.compare_customer(svc.customers, base, {"name": "华为技术"})
