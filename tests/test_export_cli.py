"""``desktop-crm export customers|contacts|orders|tickets FILE`` and ``export activities
--out FILE.xlsx|csv``, the real command run as a subprocess on both engines: filters,
columns, formats, English headers, and the refusals (exit code 2, no file)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from desktop_crm.services.container import Services
from desktop_crm.services.followups import FollowUpService

from .test_cli import run

BEIJING = ZoneInfo("Asia/Shanghai")
ENV = {"TZ": "Asia/Shanghai"}


@pytest.fixture
def crm(db_url):
    svc = Services.open(db_url, upgrade=True)
    try:
        anna = svc.users.create("anna", "安娜", "sales", team="华东")
        hx = svc.customers.create({"name": "上海华信科技有限公司", "tier": "strategic",
                                   "phone": "13812345678", "province": "上海市",
                                   "owner_id": anna.id})
        svc.customers.create({"name": "北京智远科技有限公司", "tier": "growth",
                              "province": "北京市", "owner_id": anna.id})
        ww = svc.customers.create({"name": "王伟", "tier": "strategic", "province": "广东省"})
        svc.customers.add_contact(hx.id, {"name": "张三", "phone": "13700001234"})
        from desktop_crm.models import Order  # set-up only
        with svc.db.session() as s:
            s.add_all([Order(customer_id=hx.id, order_no="SO1", order_date=dt.date(2026, 10, 2),
                             amount=Decimal("12000.5"), status="paid"),
                       Order(customer_id=ww.id, order_no="SO2", order_date=dt.date(2026, 11, 2),
                             amount=Decimal("3"), status="paid")])
        FollowUpService(svc.db, anna, BEIJING).create(
            {"subject": "回访报价", "start": dt.datetime(2026, 11, 3, 14, 0, tzinfo=BEIJING),
             "type": "visit", "customer_id": hx.id})
        svc.tickets.create({"customer_id": hx.id, "subject": "设备无法开机"})
        return db_url, hx.code
    finally:
        svc.close()


def read_csv(path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_customers_with_filters_and_columns(crm, tmp_path):
    url, code = crm
    out = tmp_path / "客户.csv"
    proc = run("export", "customers", str(out), "--db", url, "--tier", "strategic",
               "--owner", "安娜", "--columns", "code,name,phone,tier")
    assert proc.stdout == f"wrote 1 customer to {out}\n"
    assert read_csv(out) == [["客户编号", "客户名称", "手机", "客户分层"],
                             [code, "上海华信科技有限公司", "138 1234 5678", "战略级"]]
    xl = tmp_path / "c.xlsx"
    proc = run("export", "customers", str(xl), "--db", url, "--text", "科技", "--lang", "en")
    assert proc.stdout.startswith("wrote 2 customers to ")
    rows = list(openpyxl.load_workbook(xl).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("Customer code", "Customer name")
    assert sorted(r[1] for r in rows[1:]) == ["上海华信科技有限公司", "北京智远科技有限公司"]
    prov = tmp_path / "p.data"
    run("export", "customers", str(prov), "--db", url, "--province", "广东省", "--format", "csv",
        "--columns", "name")
    assert read_csv(prov) == [["客户名称"], ["王伟"]]


def test_contacts_orders_tickets_and_activities(crm, tmp_path):
    url, code = crm
    k = tmp_path / "k.csv"
    assert run("export", "contacts", str(k), "--db", url, "--tier", "strategic").stdout \
        .startswith("wrote 1 contact to ")
    assert read_csv(k)[1][:3] == [code, "上海华信科技有限公司", "张三"]
    o = tmp_path / "o.csv"
    run("export", "orders", str(o), "--db", url, "--from", "2026-10-01", "--to", "2026-10-31")
    assert read_csv(o)[1:] == [["SO1", code, "上海华信科技有限公司", "2026-10-02", "12000.50",
                                "已付款"]]
    run("export", "orders", str(o), "--db", url, "--province", "广东省")
    assert [r[0] for r in read_csv(o)[1:]] == ["SO2"]
    t = tmp_path / "t.xlsx"
    assert run("export", "tickets", str(t), "--db", url, "--status", "open").stdout \
        .startswith("wrote 1 ticket to ")
    assert run("export", "tickets", str(t), "--db", url, "--status", "closed").stdout \
        .startswith("wrote 0 tickets to ")
    a = tmp_path / "a.csv"
    proc = run("export", "activities", "--db", url, "--out", str(a), "--owner", "anna",
               "--from", "2026-11-01", "--to", "2026-11-30", env_extra=ENV)
    assert proc.stdout == f"wrote 1 follow-up to {a}\n"
    assert read_csv(a)[1][:3] == ["2026-11-03 14:00", "拜访", "回访报价"]
    ics = tmp_path / "a.ics"  # the calendar file is as before
    run("export", "activities", "--db", url, "--out", str(ics), "--owner", "anna",
        "--from", "2026-11-01", "--to", "2026-11-30", env_extra=ENV)
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_refusals_write_nothing(crm, tmp_path):
    url, _code = crm
    bad = run("export", "customers", str(tmp_path / "x.csv"), "--db", url, "--columns",
              "code,nope", check=False)
    assert bad.returncode == 2 and "unknown column 'nope'" in bad.stderr
    assert "code,name,kind" in bad.stderr
    who = run("export", "customers", str(tmp_path / "x.csv"), "--db", url, "--owner", "nobody",
              check=False)
    assert who.returncode == 2 and "no staff member called 'nobody'" in who.stderr
    missing = run("export", "orders", str(tmp_path / "no" / "o.xlsx"), "--db", url,
                  check=False)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    date = run("export", "orders", str(tmp_path / "o.xlsx"), "--db", url, "--from", "2026-13-01",
               check=False)
    assert date.returncode == 2 and "--from must be a date written YYYY-MM-DD" in date.stderr
    status = run("export", "tickets", str(tmp_path / "t.xlsx"), "--db", url, "--status", "done",
                 check=False)
    assert status.returncode == 2 and "unknown status 'done'" in status.stderr
    assert [p.name for p in tmp_path.iterdir()
            if not p.name.startswith("crm") and p.name != "home"] == []  # home: the log file
