"""ExportService on both engines: the columns chosen and their order, the customer list's
filter honoured (text search included), orders by period and customer filter, follow-ups,
tickets by status; .csv with a BOM and .xlsx read back with Chinese intact, dates, money
and phones in the forms the importer reads; a cancelled export and an unwritable path leave
no file; windows stream (progress per window)."""

from __future__ import annotations

import csv
import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services.errors import Cancelled, ValidationError
from desktop_crm.services.exporting import (
    COLUMNS, ActivityQuery, ExportError, ExportService, OrderQuery, default_file_name,
    format_of, national_phone,
)
from desktop_crm.services.followups import FollowUpService
from desktop_crm.services.text import display_phone
from desktop_crm.services.tickets import TicketQuery

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def crm(db_url):
    """安娜 owns 上海华信科技 (strategic, two contacts, a tag, two orders) and 北京智远
    (growth); 柏林 owns 深圳=公式 (basic; a name that looks like a formula); 王伟 has no
    owner. A follow-up and two tickets (one resolved)."""
    svc = Services.open(db_url, upgrade=True)
    anna = svc.users.create("anna", "安娜", "sales", team="华东")
    bo = svc.users.create("bo", "柏林", "sales", team="华东")
    c = svc.customers
    hx = c.create({"name": "上海华信科技有限公司", "phone": "13812345678",
                   "phone2": "021-65529988", "email": "info@huaxin.cn", "province": "上海市",
                   "city": "上海市", "address": "浦东新区张江路1号", "industry": "信息技术",
                   "source": "展会", "tier": "strategic", "owner_id": anna.id,
                   "tags": ["重点"], "notes": "第一行\n第二行"})
    zy = c.create({"name": "北京智远科技有限公司", "phone": "010-65529988", "tier": "growth",
                   "province": "北京市", "owner_id": anna.id})
    sz = c.create({"name": "=深圳公式", "tier": "basic", "owner_id": bo.id,
                   "province": "广东省"})
    ww = c.create({"name": "王伟", "phone": "13900001111", "owner_id": None})
    c.add_contact(hx.id, {"name": "张三", "title": "采购经理", "phone": "13700001234",
                          "is_primary": True})
    c.add_contact(hx.id, {"name": "李四", "email": "lisi@huaxin.cn"})
    from desktop_crm.models import Order  # set-up only
    with svc.db.session() as s:
        s.add_all([
            Order(customer_id=hx.id, order_no="SO1", order_date=dt.date(2026, 10, 2),
                  amount=Decimal("12000.5"), status="paid"),
            Order(customer_id=hx.id, order_no="SO2", order_date=dt.date(2026, 11, 3),
                  amount=Decimal("800"), status="refunded"),
            Order(customer_id=sz.id, order_no="SO3", order_date=dt.date(2026, 10, 20),
                  amount=Decimal("99.99"), status="paid"),
        ])
    FollowUpService(svc.db, anna, BEIJING).create(
        {"subject": "回访报价", "start": dt.datetime(2026, 11, 3, 14, 0, tzinfo=BEIJING),
         "type": "visit", "customer_id": hx.id, "duration_minutes": 90})
    t1 = svc.tickets.create({"customer_id": hx.id, "subject": "设备无法开机",
                             "priority": "high"})
    svc.tickets.create({"customer_id": ww.id, "subject": "发票问题"})
    yield svc, {"anna": anna, "bo": bo, "hx": hx, "zy": zy, "sz": sz, "ww": ww, "t1": t1}
    svc.close()


@pytest.fixture
def out_dir(tmp_path):
    """A folder of its own for the files (the SQLite database lives in tmp_path)."""
    d = tmp_path / "out"
    d.mkdir()
    return d


def exporter(svc) -> ExportService:
    return ExportService(svc.db, svc.user, tz=BEIJING)


def read_csv(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM: Excel would garble Chinese"
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def read_xlsx(path) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return [tuple(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def test_default_columns_and_chinese_headers_csv(crm, tmp_path):
    svc, ids = crm
    out = tmp_path / "客户.csv"
    result = exporter(svc).export("customers", out)
    rows = read_csv(out)
    assert rows[0] == ["客户编号", "客户名称", "联系人", "手机", "其他电话", "邮箱", "地址", "省",
                       "市", "行业", "来源", "负责人", "客户分层"]
    assert result.rows == 4 and len(rows) == 5 and result.fmt == "csv"
    by_name = {r[1]: r for r in rows[1:]}
    hx = by_name["上海华信科技有限公司"]
    assert hx == [ids["hx"].code, "上海华信科技有限公司", "张三", "138 1234 5678",
                  "021 6552 9988", "info@huaxin.cn", "浦东新区张江路1号", "上海市", "上海市",
                  "信息技术", "展会", "安娜", "战略级"]
    assert by_name["王伟"][11] == "" and by_name["王伟"][12] == ""  # no owner, no tier
    # the list's order: by name (pinyin), as the customer list shows it
    shown = [r.name for r in svc.customers.page(CustomerQuery()).rows]
    assert [r[1] for r in rows[1:]] == shown  # in the list's order


def test_columns_chosen_in_order_english_xlsx(crm, tmp_path):
    svc, ids = crm
    out = tmp_path / "c.xlsx"
    exporter(svc).export("customers", out, columns=["tier", "name", "tags", "notes",
                                                    "created", "code"], headers="en",
                         query=CustomerQuery(owner_id=ids["anna"].id, sort="code"))
    rows = read_xlsx(out)
    assert rows[0] == ("Tier", "Customer name", "Tags", "Notes", "Created", "Customer code")
    assert rows[1][:4] == ("Strategic", "上海华信科技有限公司", "重点", "第一行\n第二行")
    assert rows[1][4].date() == dt.datetime.now(BEIJING).date()  # a date cell
    assert [r[5] for r in rows[1:]] == [ids["hx"].code, ids["zy"].code]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Customers"]
    assert wb.worksheets[0]["E2"].number_format == "yyyy-mm-dd"


def test_filter_honoured_text_tier_owner_province(crm, tmp_path):
    svc, ids = crm
    ex = exporter(svc)

    def names(query) -> list[str]:
        out = tmp_path / "f.csv"
        ex.export("customers", out, query=query, columns=["name"])
        return sorted(r[0] for r in read_csv(out)[1:])

    assert names(CustomerQuery(text="科技")) == ["上海华信科技有限公司", "北京智远科技有限公司"]
    assert names(CustomerQuery(text="ww")) == ["王伟"]  # pinyin initials, as the list finds
    assert names(CustomerQuery(tier="strategic")) == ["上海华信科技有限公司"]
    assert names(CustomerQuery(owner_id=ids["bo"].id)) == ["=深圳公式"]
    assert names(CustomerQuery(unowned=True)) == ["王伟"]
    assert names(CustomerQuery(province="北京市")) == ["北京智远科技有限公司"]
    assert names(CustomerQuery(tag="重点")) == ["上海华信科技有限公司"]
    for q in (CustomerQuery(text="科技"), CustomerQuery(owner_id=ids["anna"].id)):
        assert ex.count("customers", q) == svc.customers.count(q)


def test_formula_like_text_stays_text_in_xlsx(crm, tmp_path):
    svc, _ids = crm
    out = tmp_path / "f.xlsx"
    exporter(svc).export("customers", out, columns=["name"],
                         query=CustomerQuery(tier="basic"))
    wb = openpyxl.load_workbook(out)
    cell = wb.worksheets[0]["A2"]
    assert cell.value == "=深圳公式" and cell.data_type == "s"


def test_contacts_of_filtered_customers(crm, tmp_path):
    svc, ids = crm
    out = tmp_path / "k.xlsx"
    r = exporter(svc).export("contacts", out, query=CustomerQuery(tier="strategic"))
    rows = read_xlsx(out)
    assert r.rows == 2
    assert rows[0] == ("客户编号", "客户名称", "联系人", "职务", "手机", "邮箱", "微信号",
                       "主联系人")
    assert rows[1] == (ids["hx"].code, "上海华信科技有限公司", "张三", "采购经理",
                       "137 0000 1234", None, None, "是")
    assert rows[2][2] == "李四" and rows[2][5] == "lisi@huaxin.cn" and rows[2][7] == "否"


def test_orders_by_period_and_customer_filter(crm, tmp_path):
    svc, ids = crm
    ex = exporter(svc)
    out = tmp_path / "o.csv"
    ex.export("orders", out, query=OrderQuery(date_from=dt.date(2026, 10, 1),
                                              date_to=dt.date(2026, 10, 31)))
    rows = read_csv(out)
    assert rows[0] == ["订单编号", "客户编号", "客户名称", "下单日期", "金额", "订单状态"]
    assert rows[1:] == [["SO1", ids["hx"].code, "上海华信科技有限公司", "2026-10-02",
                         "12000.50", "已付款"],
                        ["SO3", ids["sz"].code, "=深圳公式", "2026-10-20", "99.99", "已付款"]]
    ex.export("orders", out, query=OrderQuery(customers=CustomerQuery(tier="strategic")))
    assert [r[0] for r in read_csv(out)[1:]] == ["SO1", "SO2"]
    ex.export("orders", out, query=OrderQuery(statuses=("refunded",)), headers="en")
    assert read_csv(out)[1][0] == "SO2" and read_csv(out)[1][5] == "Refunded"
    xl = tmp_path / "o.xlsx"
    ex.export("orders", xl, query=OrderQuery(date_to=dt.date(2026, 10, 2)))
    rows = read_xlsx(xl)
    assert rows[1][3] == dt.datetime(2026, 10, 2) and rows[1][4] == 12000.5
    wb = openpyxl.load_workbook(xl)
    assert wb.worksheets[0]["E2"].number_format == "#,##0.00"
    assert wb.worksheets[0]["D2"].number_format == "yyyy-mm-dd"


def test_activities_and_tickets(crm, tmp_path):
    svc, ids = crm
    ex = exporter(svc)
    out = tmp_path / "a.csv"
    ex.export("activities", out, query=ActivityQuery(
        start=dt.datetime(2026, 11, 1, tzinfo=BEIJING),
        end=dt.datetime(2026, 12, 1, tzinfo=BEIJING), owner_id=ids["anna"].id))
    rows = read_csv(out)
    assert rows[0][:3] == ["计划时间", "跟进方式", "主题"]
    assert rows[1] == ["2026-11-03 14:00", "拜访", "回访报价", ids["hx"].code,
                       "上海华信科技有限公司", "安娜", "90", "计划中"]
    ex.export("activities", out, query=ActivityQuery(owner_id=ids["bo"].id))
    assert len(read_csv(out)) == 1  # the header only

    t = tmp_path / "t.csv"
    assert ex.export("tickets", t).rows == 2  # every status by default
    r = ex.export("tickets", t, query=TicketQuery(priorities=("high",)),
                  columns=["number", "subject", "customer_name", "priority", "status"])
    rows = read_csv(t)
    assert r.rows == 1 and rows[0] == ["工单编号", "主题", "客户名称", "优先级", "工单状态"]
    assert rows[1][1:4] == ["设备无法开机", "上海华信科技有限公司", "高"]


def test_unknown_column_kind_or_format_is_refused(crm, out_dir):
    svc, _ids = crm
    ex = exporter(svc)
    with pytest.raises(ValidationError) as err:
        ex.export("customers", out_dir / "x.csv", columns=["code", "nope"])
    assert err.value.errors[0].value == "nope"
    with pytest.raises(ValidationError):
        ex.export("customers", out_dir / "x.csv", columns=[])
    with pytest.raises(ValidationError):
        ex.export("deals", out_dir / "x.csv")
    with pytest.raises(ValidationError):
        ex.export("customers", out_dir / "x.pdf", fmt="pdf")
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_cancelled_export_leaves_no_file_and_keeps_an_old_one(crm, out_dir, fmt):
    svc, _ids = crm
    calls = []

    def progress(stage, done, total):
        calls.append((stage, done, total))
        return done == 0  # go on at the start, stop after the first window

    out = out_dir / f"c.{fmt}"
    with pytest.raises(Cancelled):
        exporter(svc).export("customers", out, progress=progress)
    assert list(out_dir.iterdir()) == []
    assert calls == [("export", 0, 4), ("export", 4, 4)]
    out.write_text("old", encoding="utf-8")
    with pytest.raises(Cancelled):
        exporter(svc).export("customers", out, progress=lambda *a: False)
    assert list(out_dir.iterdir()) == [out] and out.read_text(encoding="utf-8") == "old"


def test_unwritable_paths_are_clear_errors(crm, out_dir):
    svc, _ids = crm
    ex = exporter(svc)
    with pytest.raises(ExportError) as err:
        ex.export("customers", out_dir / "missing" / "c.xlsx")
    assert err.value.code == "no_folder" and "does not exist" in str(err.value)
    with pytest.raises(ExportError) as err:
        ex.export("customers", out_dir)
    assert err.value.code == "is_folder"
    locked = out_dir / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        # root may write anywhere but in sysfs
        target = locked / "c.csv" if not os.access(locked, os.W_OK) else Path("/sys/c.csv")
        if not target.parent.is_dir():
            pytest.skip("no folder this user cannot write to")
        with pytest.raises(ExportError) as err:
            ex.export("customers", target)
        assert err.value.code == "not_writable" and str(target) in str(err.value)
        assert "Permission denied" in str(err.value)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_rename_failure_leaves_no_temporary_file(crm, out_dir, monkeypatch):
    """The last step (replacing the target) failing, as when Excel holds the file open on
    Windows: a clear error, the temporary file gone."""
    svc, _ids = crm

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ExportError) as err:
        exporter(svc).export("customers", out_dir / "c.xlsx")
    assert err.value.code == "not_writable" and "Permission denied" in str(err.value)
    assert list(out_dir.iterdir()) == []


def test_streams_in_windows(crm, tmp_path, monkeypatch):
    """Rows are fetched and written a window at a time (progress after each)."""
    svc, _ids = crm
    import desktop_crm.services.exporting as exporting

    monkeypatch.setattr(exporting, "WINDOW", 3)
    seen = []
    exporter(svc).export("customers", tmp_path / "c.csv",
                         progress=lambda s, d, t: seen.append(d) or True)
    assert seen == [0, 3, 4]


def test_xlsx_starts_another_sheet_past_the_row_limit(crm, tmp_path, monkeypatch):
    svc, _ids = crm
    import desktop_crm.services.exporting as exporting

    monkeypatch.setattr(exporting, "XLSX_MAX_ROWS", 3)  # a header and two rows a sheet
    out = tmp_path / "c.xlsx"
    exporter(svc).export("customers", out, columns=["name"])
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["客户", "客户 (2)"]
    assert [ws.max_row for ws in wb.worksheets] == [3, 3]
    assert wb.worksheets[1]["A1"].value == "客户名称"


def test_helpers():
    assert default_file_name("customers", dt.date(2026, 11, 26)) == "客户_2026-11-26.xlsx"
    assert default_file_name("tickets", dt.date(2026, 11, 26), "csv", "en") == \
        "Tickets_2026-11-26.csv"
    assert format_of("a.CSV") == "csv" and format_of("a.txt") == "xlsx"
    for kind, specs in COLUMNS.items():
        assert len({c.key for c in specs}) == len(specs), kind


@pytest.mark.parametrize("e164", [
    "+8613812345678", "+861065529988", "+862165529988", "+8657188886666", "+8675512345678",
    "+862087654321", "+14155550123", "+85223456789", "+8631187654321", "",
])
def test_national_phone_is_the_apps_display_form(e164):
    assert national_phone(e164) == display_phone(e164)
