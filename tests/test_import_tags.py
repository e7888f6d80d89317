"""Customers' tags from a file (both engines): how a cell is split into tags, new customers
linked to new and existing tags, each on-duplicate mode, and undo putting the tags back."""

from __future__ import annotations

import csv
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from desktop_crm.models import AuditEntry, Customer, CustomerTag, Tag
from desktop_crm.services.container import Services
from desktop_crm.services.importing import ImportService
from desktop_crm.services.importing.fields import guess_fields
from desktop_crm.services.importing.values import Bad, tags_value

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("cell, tags", [
    ("重点,VIP", ("重点", "VIP")),  # the export's separator
    ("重点，VIP；老客户;华东、华南/华北", ("重点", "VIP", "老客户", "华东", "华南", "华北")),
    ("重点\n老客户", ("重点", "老客户")),
    ("VIP wholesale", ("VIP", "wholesale")),  # spaces between Latin words
    ("Key Account, VIP", ("Key Account", "VIP")),  # ... but not in a list with separators
    ("Key Account,", ("Key Account",)),
    ("重点 客户", ("重点 客户",)),  # Chinese is not split on spaces
    ("VIP 重点", ("VIP 重点",)),
    ("  ＶＩＰ ，  重点   客户 ", ("VIP", "重点 客户")),  # half-width, single-spaced
    ("vip, VIP, vip", ("vip", "VIP")),  # exact text, as the app compares tags
    (",，、 ", None),
    (2024, ("2024",)),
])
def test_a_cell_split_into_tags(cell, tags):
    assert tags_value(cell, 64) == tags


def test_a_cell_that_is_not_tags():
    with pytest.raises(Bad) as exc:
        tags_value("重点," + "长" * 65, 64)
    assert (exc.value.code, exc.value.params) == ("too_long", {"limit": 64})
    with pytest.raises(Bad) as exc:
        tags_value("=A1&B1", 64)
    assert exc.value.code == "formula"


def test_tag_headers():
    for header in ("标签", "客户标签", "Tags", "labels", "标签（多个）"):
        assert guess_fields("customers", ["客户名称", header]) == {"name": "客户名称",
                                                                   "tags": header}
    assert "tags" not in guess_fields("contacts", ["客户名称", "联系人", "标签"])


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.fixture
def svc(db_url):
    s = Services.open(db_url, upgrade=True)
    yield s
    s.close()


@pytest.fixture
def imp(svc):
    return ImportService(svc.db, svc.user, tz=SH)


def run_file(imp, path, on_duplicate="skip", **kw):
    src = imp.read(path)
    return imp.run("customers", src, imp.guess_mapping("customers", src.headers), on_duplicate,
                   **kw)


def tags_of(svc) -> dict[str, tuple[str, ...]]:
    with svc.db.read() as s:
        names = s.execute(select(Customer.name, Customer.id)).all()
    return {name: svc.customers.get(cid).tags for name, cid in names}


def tag_names(svc) -> set[str]:
    with svc.db.read() as s:
        return set(s.scalars(select(Tag.name)))


def links(svc) -> int:
    with svc.db.read() as s:
        return s.scalar(select(func.count()).select_from(CustomerTag))


def version(svc, name):
    with svc.db.read() as s:
        return s.scalar(select(Customer.version).where(Customer.name == name))


FIRST = [["客户名称", "手机", "标签"],
         ["华信科技", "13800000001", "重点,VIP"],
         ["智远科技", "13800000002", "VIP wholesale、重点 客户"],  # a separator: not split
         ["鹏程贸易", "13800000003", ""],
         ["长城餐饮", "13800000004", "老客户，老客户"],
         ["坏标签", "13800000005", "重点," + "长" * 65]]


def test_new_customers_linked_to_new_and_existing_tags(svc, imp, tmp_path):
    svc.customers.create({"name": "已有客户", "phone": "13900000000", "tags": ["VIP"]})
    result = run_file(imp, write_csv(tmp_path / "c.csv", FIRST), batch_size=2)
    assert (result.imported, result.rejected) == (4, 1)
    problem = result.rejected_rows[0].problems[0]
    assert (problem.row, problem.column, problem.code) == (6, "标签", "too_long")
    assert tags_of(svc) == {
        "已有客户": ("VIP",), "华信科技": ("VIP", "重点"),
        "智远科技": ("VIP wholesale", "重点 客户"), "鹏程贸易": (), "长城餐饮": ("老客户",)}
    # one row per tag, the existing VIP reused
    assert tag_names(svc) == {"VIP", "重点", "VIP wholesale", "重点 客户", "老客户"}
    assert links(svc) == 1 + 2 + 2 + 1
    assert svc.customers.tag_names() == sorted(tag_names(svc))

    # a check reads the tags without writing them
    checked = imp.validate("customers", imp.read(tmp_path / "c.csv"),
                           imp.guess_mapping("customers", FIRST[0]), "update")
    assert (checked.imported, checked.updated, checked.rejected) == (0, 0, 1)


def test_skip_fill_update(svc, imp, tmp_path):
    run_file(imp, write_csv(tmp_path / "c.csv", FIRST[:5]))
    before = tags_of(svc)
    second = [["客户名称", "手机", "标签"],
              ["华信科技", "13800000001", "战略, VIP"],  # has tags
              ["智远科技", "13800000002", ""],  # an empty cell changes nothing
              ["鹏程贸易", "13800000003", "新客户"],  # has none
              ["长城餐饮", "13800000004", "老客户"]]  # the same tags
    path = write_csv(tmp_path / "c2.csv", second)

    skip = run_file(imp, path, "skip")
    assert (skip.imported, skip.updated, skip.skipped) == (0, 0, 4)
    assert tags_of(svc) == before

    checked = imp.validate("customers", imp.read(path),
                           imp.guess_mapping("customers", second[0]), "fill")
    assert (checked.updated, checked.skipped) == (1, 3)
    v = version(svc, "鹏程贸易")
    fill = run_file(imp, path, "fill")
    assert (fill.imported, fill.updated, fill.skipped) == (0, 1, 3)
    got = tags_of(svc)
    assert got["华信科技"] == ("VIP", "重点")  # had tags: left alone
    assert got["鹏程贸易"] == ("新客户",) and version(svc, "鹏程贸易") == v + 1

    update = run_file(imp, path, "update")
    assert (update.imported, update.updated, update.skipped) == (0, 1, 3)
    got = tags_of(svc)
    assert got["华信科技"] == ("VIP", "战略")  # replaced by the file's
    assert got["智远科技"] == before["智远科技"] and got["长城餐饮"] == ("老客户",)
    assert "重点" in tag_names(svc)  # unused now, and kept (as the app keeps tags)
    with svc.db.read() as s:
        audited = s.scalar(select(AuditEntry.old_value).where(
            AuditEntry.table_name == "customers", AuditEntry.field == "tags",
            AuditEntry.new_value == "VIP, 战略"))
    assert audited == "VIP, 重点"

    # the same file again changes nothing; without the tags column nothing either
    assert run_file(imp, path, "update").updated == 0
    no_tags = write_csv(tmp_path / "c3.csv", [row[:2] for row in second])
    assert run_file(imp, no_tags, "update").updated == 0
    assert tags_of(svc)["华信科技"] == ("VIP", "战略")


def test_undo_restores_tags(svc, imp, tmp_path):
    run_file(imp, write_csv(tmp_path / "c.csv", FIRST[:5]))
    hx = svc.customers.create({"name": "手工客户", "phone": "13900000009", "tags": ["手工"]})
    second = [["客户名称", "手机", "标签"],
              ["华信科技", "13800000001", "战略,重点"],
              ["鹏程贸易", "13800000003", "新客户,手工"],
              ["新华贸易", "13800000006", "战略,新品"]]
    upd = run_file(imp, write_csv(tmp_path / "c2.csv", second), "update")
    assert (upd.imported, upd.updated) == (1, 2)
    assert tag_names(svc) >= {"战略", "新客户", "新品"}

    done = imp.undo(upd.import_id)
    assert done == {"deleted": 1, "restored": 2}
    got = tags_of(svc)
    assert got["华信科技"] == ("VIP", "重点") and got["鹏程贸易"] == ()
    assert "新华贸易" not in got and got["手工客户"] == ("手工",)
    # the tags that import made are gone; the older ones stay
    assert tag_names(svc) == {"VIP", "重点", "VIP wholesale", "重点 客户", "老客户", "手工"}
    with svc.db.read() as s:
        restored = s.scalar(select(AuditEntry.old_value).where(
            AuditEntry.table_name == "customers", AuditEntry.field == "tags",
            AuditEntry.old_value == "VIP, 重点", AuditEntry.new_value.is_(None)))
    assert restored == "VIP, 重点"

    # a tag an import made that another customer uses since stays when it is undone
    third = run_file(imp, write_csv(tmp_path / "c3.csv", [["客户名称", "手机", "标签"],
                                                          ["东方贸易", "13800000007",
                                                           "东方,手工"]]))
    svc.customers.update(hx.id, {"tags": ["手工", "东方"]}, svc.customers.get(hx.id).version)
    n = links(svc)
    imp.undo(third.import_id)
    assert "东方贸易" not in tags_of(svc) and tags_of(svc)["手工客户"] == ("东方", "手工")
    assert "东方" in tag_names(svc) and links(svc) == n - 2
