"""The import engine on both engines: a GBK CSV with Chinese headers, what rows become
(standardised names, phones, provinces, owners, the pool), rejected rows and their workbook,
importing the same file again with each on-duplicate mode, contacts / orders / interactions /
follow-ups matched to their customers, cancel and resume, undo and its refusal."""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop_crm.models import (
    Activity, Contact, Customer, CustomerOrderStats, ImportRow, Interaction, Order,
)
from desktop_crm.services.container import Services
from desktop_crm.services.errors import Cancelled
from desktop_crm.services.importing import ImportService, Mapping, UndoRefused
from desktop_crm.services.text import search_text

SH = ZoneInfo("Asia/Shanghai")

CUSTOMER_ROWS = [
    ["客户编号", "客户名称", "联系人", "手机", "电话", "邮箱", "地址", "省", "市", "行业",
     "来源", "负责人"],
    ["", "  上海华信科技有限公司 ", "张总", "138 1234 5678", "021-6211 2233", "Info@HuaXin.CN",
     "浦东新区  世纪大道 1 号", "上海", "上海", "软件", "展会", "李娜"],
    ["C900001", "深圳鹏程贸易有限公司", "王先生", "+86 139-0000-1111", "", "", "", "广东",
     "深圳", "贸易", "转介绍", ""],
    ["", "北京长城餐饮", "刘经理", "１３７００００２２２２", "", "", "", "北京市", "", "餐饮",
     "", "li"],
    ["", "坏了的行", "", "12345", "", "not-an-email", "", "", "", "", "", "没这个人"],
    ["", "", "", "", "", "", "", "", "", "", "", ""],  # empty: not a row
    ["", "", "陈先生", "13811112222", "", "", "", "", "", "", "", ""],  # no name
    ["", "杭州西湖茶业", "", "0086 138 1234 5678", "", "", "", "浙江", "杭州", "", "", ""],
]


def write_csv(path, rows, encoding="gb18030", delimiter=","):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


@pytest.fixture
def svc(db_url):
    s = Services.open(db_url, upgrade=True)
    s.li = s.users.create("li", "李娜", "sales")
    yield s
    s.close()


@pytest.fixture
def imp(svc):
    return ImportService(svc.db, svc.user, tz=SH)


def customers(svc):
    with svc.db.read() as s:
        return {c.name: c for c in s.scalars(select(Customer))}


def count(svc, model):
    with svc.db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def run_file(imp, kind, path, on_duplicate="skip", mapping=None, **kw):
    src = imp.read(path)
    mapping = mapping or imp.guess_mapping(kind, src.headers)
    return imp.run(kind, src, mapping, on_duplicate, **kw)


def test_gbk_csv_with_chinese_headers(svc, imp, tmp_path):
    path = write_csv(tmp_path / "客户.csv", CUSTOMER_ROWS)
    src = imp.read(path)
    assert src.encoding == "gb18030" and src.delimiter == "," and src.header_row == 1
    assert src.headers[:4] == ("客户编号", "客户名称", "联系人", "手机")
    mapping = imp.guess_mapping("customers", src.headers)
    assert mapping.fields == {
        "code": "客户编号", "name": "客户名称", "contact": "联系人", "phone": "手机",
        "phone2": "电话", "email": "邮箱", "address": "地址", "province": "省", "city": "市",
        "industry": "行业", "source": "来源", "owner": "负责人"}

    checked = imp.validate("customers", src, mapping)
    assert (checked.read, checked.imported, checked.rejected) == (6, 3, 3)
    assert count(svc, Customer) == 0  # a check writes nothing

    result = imp.run("customers", src, mapping)
    assert (result.read, result.imported, result.updated, result.skipped, result.rejected) \
        == (6, 3, 0, 0, 3)
    got = customers(svc)
    hx = got["上海华信科技有限公司"]
    assert hx.phone == "+8613812345678" and hx.phone2 == "+862162112233"
    assert hx.email == "Info@huaxin.cn" and hx.address == "浦东新区 世纪大道 1 号"
    assert (hx.province, hx.city, hx.region) == ("上海市", "上海市", "华东")
    assert hx.owner_id == svc.li.id and hx.code.startswith("C")
    assert hx.search_text == search_text(name=hx.name, code=hx.code,
                                         phones=(hx.phone, hx.phone2), email=hx.email)
    sz = got["深圳鹏程贸易有限公司"]
    assert sz.code == "C900001" and sz.owner_id is None  # no owner: the public pool
    assert (sz.province, sz.city, sz.region) == ("广东省", "深圳市", "华南")
    bj = got["北京长城餐饮"]
    assert bj.phone == "+8613700002222" and bj.owner_id == svc.li.id  # by user name
    with svc.db.read() as s:
        contacts = {c.name: c for c in s.scalars(select(Contact))}
    assert contacts["张"].title == "总" and contacts["张"].customer_id == hx.id
    assert contacts["张"].is_primary and contacts["王"].title == "先生"

    rejected = {r.row: {(p.column, p.code) for p in r.problems} for r in result.rejected_rows}
    assert rejected == {
        5: {("手机", "invalid_phone"), ("邮箱", "invalid_email"), ("负责人", "unknown_owner")},
        7: {("客户名称", "required")},
        8: {("手机", "duplicate_in_file")},  # the same mobile as row 2
    }
    bad = next(r for r in result.rejected_rows if r.row == 5)
    assert bad.cells[1] == "坏了的行"
    assert next(p for p in bad.problems if p.code == "invalid_phone").value == "12345"
    dup = next(p for r in result.rejected_rows if r.row == 8 for p in r.problems)
    assert dup.params == {"row": 2}

    log = imp.history()[0]
    assert (log.file_name, log.kind, log.status, log.read, log.imported, log.rejected) == \
        ("客户.csv", "customers", "done", 6, 3, 3)
    assert log.user == svc.user.display_name and log.next_row == 9


def test_rejected_rows_workbook_fixed_and_imported_again(svc, imp, tmp_path):
    path = write_csv(tmp_path / "c.csv", CUSTOMER_ROWS)
    result = run_file(imp, "customers", path)
    out = tmp_path / "rejected.xlsx"
    n = imp.write_rejected(result, out, lambda p: f"{p.column}:{p.code}",
                           reason_header="原因", row_header="行号")
    assert n == 3
    book = openpyxl.load_workbook(out)
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == CUSTOMER_ROWS[0] + ["行号", "原因"]
    assert rows[1][1] == "坏了的行" and rows[1][12] == "5"
    assert set(rows[1][13].split("\n")) == {"手机:invalid_phone", "邮箱:invalid_email",
                                            "负责人:unknown_owner"}
    # the user fixes the rows in the workbook and imports it again
    sheet.cell(2, 4).value = "13900002222"
    sheet.cell(2, 6).value = "ok@example.com"
    sheet.cell(2, 12).value = "李娜"
    sheet.cell(3, 2).value = "陈记五金店"
    book.save(out)
    again = run_file(imp, "customers", out)
    # row 8 has the mobile of a customer imported before: that one is there now, so skipped
    assert (again.imported, again.skipped, again.rejected) == (2, 1, 0)
    assert customers(svc)["坏了的行"].email == "ok@example.com"


def test_import_twice_skip_update_fill(svc, imp, tmp_path):
    path = write_csv(tmp_path / "c.csv", CUSTOMER_ROWS[:4])
    first = run_file(imp, "customers", path)
    assert first.imported == 3
    before = count(svc, Customer), count(svc, Contact)

    again = run_file(imp, "customers", path, "skip")
    assert (again.imported, again.updated, again.skipped) == (0, 0, 3)
    same = run_file(imp, "customers", path, "update")
    assert (same.imported, same.updated, same.skipped) == (0, 0, 3)  # nothing differs

    hx = customers(svc)["上海华信科技有限公司"]
    svc.customers.update(hx.id, {"industry": "", "source": "网站"}, hx.version)
    changed = [row[:] for row in CUSTOMER_ROWS[:4]]
    changed[1][0] = hx.code  # matched by code now; the mobile changed
    changed[1][3] = "13912345678"
    changed[1][9] = "互联网"
    changed[1][10] = "展会"
    changed[2][3] = "13900001111"  # matched by phone
    changed[2][9] = "进出口"
    write_csv(path, changed)

    fill = run_file(imp, "customers", path, "fill")
    assert (fill.imported, fill.updated, fill.skipped) == (0, 1, 2)
    hx2 = customers(svc)["上海华信科技有限公司"]
    assert hx2.industry == "互联网" and hx2.source == "网站"  # only the empty field
    assert hx2.phone == "+8613812345678" and hx2.version == hx.version + 2

    upd = run_file(imp, "customers", path, "update")
    assert (upd.imported, upd.updated, upd.skipped) == (0, 2, 1)
    got = customers(svc)
    assert got["上海华信科技有限公司"].phone == "+8613912345678"
    assert got["上海华信科技有限公司"].source == "展会"
    assert "13912345678" in got["上海华信科技有限公司"].search_text
    assert got["深圳鹏程贸易有限公司"].industry == "进出口"
    assert (count(svc, Customer), count(svc, Contact)) == before

    # the update is undone: the values it replaced come back
    imp.undo(upd.import_id)
    got = customers(svc)
    assert got["上海华信科技有限公司"].phone == "+8613812345678"
    assert got["上海华信科技有限公司"].source == "网站"
    assert "13812345678" in got["上海华信科技有限公司"].search_text
    assert got["深圳鹏程贸易有限公司"].industry == "贸易"


def test_undo_and_refused_after_a_later_edit(svc, imp, tmp_path):
    path = write_csv(tmp_path / "c.csv", CUSTOMER_ROWS[:4])
    first = run_file(imp, "customers", path)
    orders = write_csv(tmp_path / "o.csv", [["客户编号", "订单号", "下单日期", "金额"],
                                           ["C900001", "SO-1", "2024/3/5", "￥1,200.50"]])
    sold = run_file(imp, "orders", orders)
    assert sold.imported == 1

    with pytest.raises(UndoRefused) as exc:  # the orders import refers to its customers
        imp.undo(first.import_id)
    assert exc.value.code == "referenced"
    assert count(svc, Customer) == 3

    imp.undo(sold.import_id)
    assert count(svc, Order) == 0
    with svc.db.read() as s:  # the stats follow the orders
        assert s.scalar(select(func.count()).select_from(CustomerOrderStats)) == 0
    with pytest.raises(UndoRefused) as exc:
        imp.undo(sold.import_id)
    assert exc.value.code == "already_undone"

    sz = customers(svc)["深圳鹏程贸易有限公司"]
    svc.customers.update(sz.id, {"industry": "物流"}, sz.version)  # a later edit
    with pytest.raises(UndoRefused) as exc:
        imp.undo(first.import_id)
    assert exc.value.code == "changed_since" and exc.value.rows == 1
    assert exc.value.sample == (("customers", sz.id),)
    assert count(svc, Customer) == 3  # nothing changed

    again = run_file(imp, "customers", path)
    assert again.imported == 0 and again.skipped == 3
    third = write_csv(tmp_path / "new.csv", [["客户名称", "手机"], ["新客户", "13566667777"]])
    new = run_file(imp, "customers", third)
    imp.undo(new.import_id)
    assert "新客户" not in customers(svc) and count(svc, Customer) == 3
    with svc.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ImportRow).where(
            ImportRow.import_id == new.import_id)) == 1
    assert imp.history()[0].status == "undone"


def test_contacts_file_replaces_the_contacts_a_customers_file_made(svc, imp, tmp_path):
    """A customer row's 联系人 makes a contact with the row's phone and e-mail (perhaps the
    company's): until someone changes it, a contacts file describing that person replaces
    it, in every duplicate mode; undone with that import."""
    run_file(imp, "customers", write_csv(tmp_path / "c.csv", CUSTOMER_ROWS[:4]))
    hx = customers(svc)["上海华信科技有限公司"]
    with svc.db.read() as s:
        wang = s.scalar(select(Contact).where(Contact.name == "王"))
    svc.customers.update_contact(wang.id, {"notes": "老朋友"}, wang.version)  # edited since
    contacts = [["客户编号", "联系人", "职务", "手机", "邮箱", "主联系人"],
                [hx.code, "张总", "采购总监", "13700001234", "", "是"],
                ["C900001", "王先生", "", "13911112222", "", ""]]
    path = write_csv(tmp_path / "k.csv", contacts)
    checked = imp.validate("contacts", imp.read(path), imp.guess_mapping("contacts",
                                                                         contacts[0]))
    assert (checked.imported, checked.updated, checked.skipped) == (0, 1, 1)
    result = run_file(imp, "contacts", path)  # skip
    assert (result.imported, result.updated, result.skipped) == (0, 1, 1)

    def people():
        with svc.db.read() as s:
            return {c.name: (c.title, c.phone, c.email, c.is_primary, c.version)
                    for c in s.scalars(select(Contact))}

    got = people()
    assert got["张"] == ("采购总监", "+8613700001234", "", True, 2)
    assert got["王"][:3] == ("先生", "+8613900001111", "")  # changed since: left alone
    assert count(svc, Contact) == 3
    # no longer the customers import's: the next file is matched as usual
    assert run_file(imp, "contacts", path).skipped == 2

    imp.undo(result.import_id)
    assert people()["张"][:4] == ("总", "+8613812345678", "Info@huaxin.cn", True)


def test_orders_contacts_interactions_activities(svc, imp, tmp_path):
    run_file(imp, "customers", write_csv(tmp_path / "c.csv", CUSTOMER_ROWS[:4]))
    hx = customers(svc)["上海华信科技有限公司"]

    orders = [["客户编号", "客户名称", "订单号", "下单日期", "金额(元)", "状态"],
              ["C900001", "", "SO-1", "2024/3/5", "1,200.50", "已付款"],
              ["C900001", "", "SO-2", "2024年3月6日", "¥3,000", ""],
              [hx.code, "", "", 45356, "12万", "已付款"],  # an Excel serial date
              ["", "上海华信科技", "", "2024-03-06", "88", "待付款"],  # by name, no suffix
              ["C999999", "", "SO-3", "2024-03-05", "10", ""],
              ["C900001", "", "SO-4", "2024-13-40", "abc", "飞了"],
              ["C900001", "", "SO-1", "2024-03-05", "5", ""]]
    path = write_csv(tmp_path / "o.csv", orders, encoding="utf-8-sig")
    result = run_file(imp, "orders", path)
    assert (result.imported, result.rejected) == (4, 3)
    codes = {r.row: sorted(p.code for p in r.problems) for r in result.rejected_rows}
    assert codes == {6: ["unknown_customer"],
                     7: ["invalid_amount", "invalid_choice", "invalid_date"],
                     8: ["duplicate_in_file"]}
    with svc.db.read() as s:
        got = {(o.order_no, o.order_date, o.amount, o.status) for o in s.scalars(select(Order))}
        stats = s.get(CustomerOrderStats, hx.id)
    assert ("SO-1", dt.date(2024, 3, 5), Decimal("1200.50"), "paid") in got
    assert ("", dt.date(2024, 3, 5), Decimal("120000.00"), "paid") in got
    assert ("", dt.date(2024, 3, 6), Decimal("88.00"), "pending") in got
    assert stats.orders == 1 and stats.total_spend == pytest.approx(120000)
    again = run_file(imp, "orders", path, "update")
    assert (again.imported, again.updated, again.skipped) == (0, 0, 4)
    assert count(svc, Order) == 4

    contacts = [["公司", "联系人", "职位", "手机号码", "邮箱", "微信"],
                ["上海华信科技（有限公司）", "李经理", "", "13611112222", "li@huaxin.cn", "lijl"],
                # there already: made by the customers import, which gave it the row's
                # e-mail; this file says it has none
                ["上海华信科技有限公司", "张总", "", "138-1234-5678", "", ""],
                ["不存在的公司", "赵女士", "", "", "", ""]]
    result = run_file(imp, "contacts", write_csv(tmp_path / "k.csv", contacts), "fill")
    assert (result.imported, result.updated, result.rejected) == (1, 1, 1)
    with svc.db.read() as s:
        li = s.scalar(select(Contact).where(Contact.name == "李"))
        zhang = s.scalar(select(Contact).where(Contact.name == "张"))
    assert li.title == "经理" and li.customer_id == hx.id and li.wechat == "lijl"
    assert (zhang.title, zhang.phone, zhang.email) == ("总", "+8613812345678", "")

    talks = [["客户编号", "沟通时间", "沟通方式", "跟进人", "沟通内容"],
             [hx.code, "2024-03-05 14:30", "电话", "李娜", "报价"],
             [hx.code, "2024/3/6 下午2:30", "拜访", "li", "面谈\n第二行"]]
    path = write_csv(tmp_path / "i.csv", talks)
    assert run_file(imp, "interactions", path).imported == 2
    assert run_file(imp, "interactions", path).skipped == 2
    with svc.db.read() as s:
        seen = {(i.occurred_at, i.channel, i.user_id, i.summary)
                for i in s.scalars(select(Interaction))}
    assert (dt.datetime(2024, 3, 6, 6, 30, tzinfo=dt.timezone.utc), "visit", svc.li.id,
            "面谈\n第二行") in seen

    plans = [["客户编号", "主题", "计划时间", "类型", "负责人", "已完成"],
             [hx.code, "回访", "2024-04-01 10:00", "电话", "李娜", "否"],
             ["", "整理报价单", "2024-04-02", "任务", "", "是"]]
    path = write_csv(tmp_path / "a.csv", plans)
    assert run_file(imp, "activities", path).imported == 2
    assert run_file(imp, "activities", path).skipped == 2
    with svc.db.read() as s:
        acts = {a.subject: a for a in s.scalars(select(Activity))}
    assert acts["回访"].owner_id == svc.li.id and acts["回访"].done_at is None
    assert acts["回访"].due_at == dt.datetime(2024, 4, 1, 2, 0, tzinfo=dt.timezone.utc)
    assert acts["整理报价单"].customer_id is None and acts["整理报价单"].done_at is not None
    assert acts["整理报价单"].owner_id == svc.user.id  # no owner: who imported it


def test_cancel_keeps_committed_batches_and_resume(svc, imp, tmp_path):
    rows = [["客户名称", "手机"]] + [[f"客户{i:03d}", f"1380000{i:04d}"] for i in range(25)]
    path = write_csv(tmp_path / "c.csv", rows)
    src = imp.read(path)
    mapping = imp.guess_mapping("customers", src.headers)
    seen = []

    def progress(stage, done, total):
        seen.append((stage, done, total))
        return done < 20  # stop while the third batch of 10 is written

    with pytest.raises(Cancelled):
        imp.run("customers", src, mapping, progress=progress, batch_size=10)
    assert seen[0] == ("import", 0, 25) and seen[-1] == ("import", 20, 25)
    assert count(svc, Customer) == 10  # the first batch; the second was rolled back
    log = imp.history()[0]
    assert (log.status, log.read, log.imported, log.next_row) == ("cancelled", 10, 10, 12)

    resumed = imp.run("customers", src, mapping, resume=log.id, batch_size=10)
    assert resumed.import_id == log.id and resumed.imported == 25
    assert count(svc, Customer) == 25
    assert imp.history()[0].status == "done"
    with svc.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ImportRow).where(
            ImportRow.import_id == log.id)) == 25
    imp.undo(log.id)
    assert count(svc, Customer) == 0


def test_templates_and_mapping_checks(svc, imp, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Firma", "Handy", "Verkäufer"],
                                          ["Acme GmbH", "13800001111", "李娜"]])
    src = imp.read(path)
    assert imp.guess_mapping("customers", src.headers).fields == {}
    from desktop_crm.services.errors import ValidationError

    with pytest.raises(ValidationError) as exc:
        imp.validate("customers", src, Mapping("customers", {}))
    assert [(e.field, e.code) for e in exc.value.errors] == [("name", "missing_column")]
    mapping = Mapping("customers", {"name": "Firma", "phone": "Handy", "owner": "Verkäufer"})
    imp.save_template("德国客户", "customers", mapping)
    assert imp.templates("customers") == {"德国客户": mapping}
    assert imp.templates("orders") == {}
    assert imp.guess_mapping("customers", src.headers) == mapping
    result = imp.run("customers", src, mapping)
    assert result.imported == 1 and customers(svc)["Acme GmbH"].owner_id == svc.li.id
    assert customers(svc)["Acme GmbH"].kind == "company"
    with pytest.raises(ValidationError):
        imp.run("customers", src, Mapping("customers", {"name": "Nope"}))
    imp.delete_template("德国客户")
    assert imp.templates() == {}


def test_person_customers_and_salutations(svc, imp, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["客户名称", "客户类型", "手机"],
                                          ["张总", "", "13800001111"],
                                          ["王伟", "个人", "13800002222"],
                                          ["Mr. John Smith", "person", "13800003333"]])
    assert run_file(imp, "customers", path).imported == 3
    got = customers(svc)
    assert got["张"].kind == "person" and got["张"].custom_fields == {"salutation": "总"}
    assert got["王伟"].kind == "person"
    assert got["John Smith"].custom_fields == {"salutation": "Mr."}
    assert uuid.UUID(str(got["张"].id))


def test_orders_resumed_after_a_crash_refresh_the_stats(svc, imp, tmp_path, monkeypatch):
    from desktop_crm.services.importing.engine import Importer

    run_file(imp, "customers", write_csv(tmp_path / "c.csv", CUSTOMER_ROWS[:4]))
    rows = [["客户编号", "订单号", "下单日期", "金额"]] + [
        ["C900001", f"SO-{i}", f"2024-03-{i + 1:02d}", "100"] for i in range(12)]
    path = write_csv(tmp_path / "o.csv", rows)
    src = imp.read(path)
    mapping = imp.guess_mapping("orders", src.headers)

    def crash(stage, done, total):
        if done >= 10:
            raise RuntimeError("power cut")  # as if the program died after the first batch
        return True

    monkeypatch.setattr(Importer, "_refresh_stats", lambda self: None)  # it never ran
    with pytest.raises(RuntimeError):
        imp.run("orders", src, mapping, progress=crash, batch_size=5)
    monkeypatch.undo()
    log = imp.history()[0]
    assert (log.status, log.imported, log.next_row) == ("failed", 5, 7)
    sz = customers(svc)["深圳鹏程贸易有限公司"]
    with svc.db.read() as s:
        assert s.get(CustomerOrderStats, sz.id) is None  # stale: the triggers were off

    done = imp.run("orders", src, mapping, resume=log.id, batch_size=5)
    assert done.imported == 12 and count(svc, Order) == 12
    with svc.db.read() as s:
        stats = s.get(CustomerOrderStats, sz.id)
    assert stats.orders == 12 and stats.total_spend == pytest.approx(1200)
