"""``desktop-crm import`` as a user runs it: a GBK CSV with Chinese headers, --dry-run,
--on-duplicate, --mapping, --report, --sheet, and the exit codes (non-zero only when nothing
could be read)."""

from __future__ import annotations

import csv
import json

import openpyxl
from sqlalchemy import func, select

from desktop_crm.models import Customer, Order
from desktop_crm.services.container import Services

from .test_cli import run

ROWS = [["客户编号", "客户名称", "联系人", "手机", "邮箱", "省", "负责人"],
        ["C100001", "上海华信科技有限公司", "张总", "138 1234 5678", "a@huaxin.cn", "上海", ""],
        ["", "深圳鹏程贸易", "王先生", "+86 139-0000-1111", "", "广东", ""],
        ["", "坏行", "", "12345", "x@", "", "谁"]]


def counts(url):
    svc = Services.open(url)
    try:
        with svc.db.read() as s:
            return (s.scalar(select(func.count()).select_from(Customer)),
                    s.scalar(select(func.count()).select_from(Order)))
    finally:
        svc.close()


def test_import_customers_and_orders(db_url, tmp_path):
    run("init", "--db", db_url)
    path = tmp_path / "客户.csv"
    with open(path, "w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows(ROWS)

    dry = run("import", "customers", str(path), "--db", db_url, "--dry-run")
    assert "read 3, would import 2, would update 0, skipped 0, rejected 1" in dry.stdout
    assert "row 4: 手机: Not a valid phone number" in dry.stderr
    assert counts(db_url) == (0, 0)

    report = tmp_path / "rejected.xlsx"
    done = run("import", "customers", str(path), "--db", db_url, "--report", str(report),
               "--lang", "zh_CN", "--format", "json")
    got = json.loads(done.stdout)
    assert (got["read"], got["imported"], got["rejected"]) == (3, 2, 1)
    assert counts(db_url) == (2, 0)
    sheet = openpyxl.load_workbook(report).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-2:] == ("行号", "原因")
    assert rows[1][1] == "坏行" and "电话号码无效" in rows[1][-1]

    again = run("import", "customers", str(path), "--db", db_url, "--on-duplicate", "update")
    assert "imported 0, updated 0, skipped 2, rejected 1" in again.stdout
    assert counts(db_url) == (2, 0)

    orders = tmp_path / "orders.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "说明"
    sheet = book.create_sheet("订单")
    sheet.append(["Cust", "No.", "When", "Total"])
    sheet.append(["C100001", "SO-1", "2024年3月5日", "￥1,200.50"])
    sheet.append(["C100001", "SO-2", 45356, 88])
    book.save(orders)
    mapping = tmp_path / "orders.json"
    mapping.write_text(json.dumps({"kind": "orders", "fields": {
        "customer_code": "Cust", "order_no": "No.", "order_date": "When", "amount": "Total"}}),
        encoding="utf-8")
    out = run("import", "orders", str(orders), "--db", db_url, "--sheet", "订单",
              "--mapping", str(mapping))
    assert "orders.xlsx [订单]: read 2, imported 2" in out.stdout
    assert counts(db_url) == (2, 2)

    # nothing read: non-zero
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(128, 256)) * 50)
    bad = run("import", "customers", str(junk), "--db", db_url, check=False)
    assert bad.returncode == 1 and "nothing could be read" in bad.stderr
    header_only = tmp_path / "empty.csv"
    header_only.write_text("客户名称,手机\n", encoding="utf-8")
    empty = run("import", "customers", str(header_only), "--db", db_url, check=False)
    assert empty.returncode == 1 and "read 0" in empty.stdout
    missing = run("import", "orders", str(path), "--db", db_url, check=False)
    assert missing.returncode == 2 and "missing column" in missing.stderr
