"""Many sales targets at once, on both engines: the grid editor's bulk save (one transaction,
refused whole when another manager changed a row since it was loaded), copying a period,
importing from Excel and from a GBK CSV with Chinese headers, a bad file that writes nothing
and names the row and the field, the template round trip, and the CLI."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop_crm.models import AuditEntry
from desktop_crm.services.container import Services
from desktop_crm.services.errors import ConflictError, PermissionDenied, ValidationError
from desktop_crm.services.targets import (
    RowError, TargetConflict, TargetEdit, TargetService, previous_period,
)
from desktop_crm.services.targets_import import (
    import_targets, money_value, parse_targets, period_text, write_template,
)


@pytest.fixture
def team(db_url):
    svc = Services.open(db_url, upgrade=True)
    anna = svc.users.create("anna", "安娜", "sales", team="华东")
    bo = svc.users.create("bo", "柏林", "sales", team="华东")
    chen = svc.users.create("chen", "陈晨", "sales", team="华北")
    wang = svc.users.create("wang", "王经理", "manager", team="华东")
    yield svc, anna, bo, chen, wang
    svc.close()


def stored(svc, period):
    return {(t.user_id, t.team): (t.revenue, t.new_customers)
            for t in TargetService(svc.db, svc.user).targets(period)}


def audit_rows(svc) -> int:
    with svc.db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.table_name == "sales_targets"))


def test_bulk_save_and_a_conflict(team):
    svc, anna, bo, chen, wang = team
    admin = TargetService(svc.db, svc.user)
    got = admin.set_targets("2026-10", [
        TargetEdit(anna.id, revenue="100000", new_customers=3),
        TargetEdit(bo.id, revenue=Decimal("80000.5")),
        TargetEdit(team="华东", revenue=200000),
        TargetEdit(chen.id)])  # no target and none before: nothing to do
    assert (got.created, got.updated, got.unchanged) == (3, 0, 1)
    assert stored(svc, "2026-10")[(anna.id, "")] == (Decimal("100000"), 3)
    assert stored(svc, "2026-10")[(None, "华东")] == (Decimal("200000"), None)
    assert audit_rows(svc) == 3
    loaded = {(t.user_id, t.team): t.version for t in admin.targets("2026-10")}

    # another manager changes 安娜's target, and creates 陈晨's, after the editor loaded
    TargetService(svc.db, wang).set_targets("2026-10", [
        TargetEdit(anna.id, revenue=120000, new_customers=3, version=loaded[(anna.id, "")]),
        TargetEdit(chen.id, new_customers=2)])
    edits = [TargetEdit(anna.id, revenue=110000, new_customers=3,
                        version=loaded[(anna.id, "")]),
             TargetEdit(bo.id, revenue=90000, version=loaded[(bo.id, "")]),
             TargetEdit(chen.id, new_customers=4, version=0)]
    with pytest.raises(TargetConflict) as exc:
        admin.set_targets("2026-10", edits)
    assert isinstance(exc.value, ConflictError)
    who = {c.name: c for c in exc.value.conflicts}
    assert set(who) == {"安娜", "陈晨"}
    assert who["安娜"].changed_by == "王经理" and who["安娜"].revenue == Decimal("120000")
    assert who["陈晨"].expected == 0 and who["陈晨"].actual == 1
    assert "安娜" in str(exc.value) and "nothing was saved" in str(exc.value)
    # nothing written: 柏林's change was refused too
    assert stored(svc, "2026-10")[(bo.id, "")] == (Decimal("80000.50"), None)

    # the same value as the colleague's is no conflict; with the new versions it saves
    now = {(t.user_id, t.team): t.version for t in admin.targets("2026-10")}
    got = admin.set_targets("2026-10", [
        TargetEdit(anna.id, revenue=120000, new_customers=3, version=loaded[(anna.id, "")]),
        TargetEdit(bo.id, revenue=90000, version=now[(bo.id, "")]),
        TargetEdit(chen.id, new_customers=4, version=now[(chen.id, "")])])
    assert (got.created, got.updated, got.unchanged) == (0, 2, 1)
    assert stored(svc, "2026-10")[(chen.id, "")] == (None, 4)

    with pytest.raises(ValidationError) as bad:
        admin.set_targets("2026-10", [TargetEdit(anna.id, revenue=-1, version=99),
                                      TargetEdit(bo.id, new_customers=1.5)])
    assert [(e.row, e.field, e.code) for e in bad.value.errors] == [
        (0, "revenue", "out_of_range"), (1, "new_customers", "invalid")]
    with pytest.raises(PermissionDenied):
        TargetService(svc.db, anna).set_targets("2026-10", [TargetEdit(anna.id, revenue=1)])


def test_copy_a_period(team):
    svc, anna, bo, chen, wang = team
    t = TargetService(svc.db, svc.user)
    t.set_target("2026-09", user_id=anna.id, revenue=50000, new_customers=2)
    t.set_target("2026-09", user_id=bo.id, revenue=40000)
    t.set_target("2026-09", team="华东", revenue=100000)
    t.set_target("2026-10", user_id=bo.id, revenue=45000)  # already set: kept
    assert previous_period("2026-10") == "2026-09"
    assert previous_period("2026-01") == "2025-12"
    assert previous_period("2026-Q1") == "2025-Q4"
    plan = t.copied_targets("2026-09", "2026-10")
    assert {(e.user_id, e.team) for e in plan} == {(anna.id, ""), (None, "华东")}
    got = t.copy_targets("2026-09", "2026-10")
    assert got.created == 2
    now = stored(svc, "2026-10")
    assert now[(anna.id, "")] == (Decimal("50000"), 2)
    assert now[(bo.id, "")] == (Decimal("45000"), None)
    assert t.copy_targets("2026-09", "2026-10").created == 0


def test_import_xlsx_with_chinese_headers(team, tmp_path):
    svc, anna, bo, chen, wang = team
    path = tmp_path / "十月目标.xlsx"
    book = openpyxl.Workbook()
    sh = book.active
    sh.append(["2026年10月销售目标"])  # a title row above the header
    sh.append(["期间", "销售员", "团队", "销售额目标（元）", "新客户目标"])
    sh.append(["2026-10", "安娜", "华东", 100000, 3])
    sh.append(["2026年10月", "bo", "华东", "8万", None])
    sh.append([None, None, "华东", "¥200,000", 6])  # the team's own target, period given
    sh.append([None, "王经理", None, 1000.25, 1])
    book.save(path)
    t = TargetService(svc.db, svc.user)
    t.set_target("2026-10", user_id=anna.id, revenue=100000, new_customers=3)
    got = import_targets(t, path, period="2026-10")
    assert (got.created, got.updated, got.unchanged) == (3, 0, 1)
    assert got.periods == ("2026-10",)
    now = stored(svc, "2026-10")
    assert now[(bo.id, "")] == (Decimal("80000"), None)
    assert now[(None, "华东")] == (Decimal("200000"), 6)
    assert now[(wang.id, "")] == (Decimal("1000.25"), 1)


def test_import_gbk_csv_and_a_missing_column_leaves_the_measure(team, tmp_path):
    svc, anna, bo, chen, wang = team
    t = TargetService(svc.db, svc.user)
    t.set_target("2026-Q4", user_id=chen.id, revenue=1, new_customers=7)
    text = "负责人,收入目标\r\n陈晨,\"300,000\"\r\nANNA,250000\r\n"
    path = tmp_path / "q4.csv"
    path.write_bytes(text.encode("gbk"))
    got = import_targets(t, path, period="2026-q4")
    assert (got.created, got.updated) == (1, 1)
    now = stored(svc, "2026-Q4")
    assert now[(chen.id, "")] == (Decimal("300000"), 7)  # no new-customers column: kept
    assert now[(anna.id, "")] == (Decimal("250000"), None)
    # UTF-8 with a BOM, English headers, semicolons, a period column
    path2 = tmp_path / "en.csv"
    path2.write_bytes("\ufeffPeriod;Salesperson;Revenue;New customers\n"
                      "2026-Q4;chen@example.com;;\n".encode("utf-8"))
    with pytest.raises(ValidationError) as exc:  # nobody has that email
        import_targets(t, path2)
    assert exc.value.errors[0].row == 2 and exc.value.errors[0].field == "salesperson"


def test_a_bad_file_writes_nothing_and_names_row_and_field(team, tmp_path):
    svc, anna, bo, chen, wang = team
    path = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    sh = book.active
    sh.append(["Period", "Salesperson", "Revenue target", "New customers target"])
    sh.append(["2026-11", "安娜", 1000, 1])  # row 2: fine
    sh.append(["2026-11", "柏林", -500, 1])  # row 3: negative revenue
    sh.append(["2026-11", "陈晨", 1000, "three"])  # row 4: not a number
    sh.append(["2026-11", "张三丰", 1000, 1])  # row 5: nobody of that name
    sh.append(["2026-11", "anna", 2000, 1])  # row 6: 安娜 again
    sh.append(["2026-13", "wang", 2000, 1])  # row 7: no such month
    book.save(path)
    t = TargetService(svc.db, svc.user)
    with pytest.raises(ValidationError) as exc:
        import_targets(t, path)
    errors = [(e.file, e.row, e.field, e.code) for e in exc.value.errors]
    assert errors == [("bad.xlsx", 3, "revenue", "out_of_range"),
                      ("bad.xlsx", 4, "new_customers", "invalid"),
                      ("bad.xlsx", 5, "salesperson", "unknown"),
                      ("bad.xlsx", 6, "salesperson", "duplicate"),
                      ("bad.xlsx", 7, "period", "invalid")]
    assert all(isinstance(e, RowError) for e in exc.value.errors)
    assert "bad.xlsx, row 5: salesperson" in str(exc.value)
    assert stored(svc, "2026-11") == {} and audit_rows(svc) == 0
    with pytest.raises(PermissionDenied):
        import_targets(TargetService(svc.db, anna), path)


def test_template_round_trip(team, tmp_path):
    svc, anna, bo, chen, wang = team
    t = TargetService(svc.db, svc.user)
    t.set_target("2026-12", user_id=bo.id, revenue=12345)
    zh = {"period": "期间", "salesperson": "销售", "team": "团队", "revenue": "销售额目标",
          "new_customers": "新客户目标"}
    path = tmp_path / "template.xlsx"
    assert write_template(t, path, "2026-12", headers=zh) == 6  # 4 people, 2 teams
    sh = openpyxl.load_workbook(path).active
    assert [c.value for c in sh[1]] == list(zh.values())
    rows = {r[1] or f"team {r[2]}": r for r in sh.iter_rows(min_row=2, values_only=True)}
    assert rows["柏林"][3] == 12345 and rows["柏林"][0] == "2026-12"
    assert "team 华北" in rows
    book = openpyxl.load_workbook(path)
    row = next(r for r in book.active.iter_rows(min_row=2) if r[1].value == "安娜")
    row[3].value = 5000  # filled in
    book.save(path)
    got = import_targets(t, path)
    assert got.created == 1 and got.unchanged == 5


def test_values_people_write():
    assert period_text("2026年第四季度") == "2026-Q4"
    assert period_text("2026Q1") == "2026-Q1"
    assert period_text("2026/3") == "2026-03"
    assert period_text("Oct 2026") is None
    assert money_value("1.5万") == Decimal("15000")
    assert money_value("￥1,200.50元") == Decimal("1200.50")
    assert money_value("lots") == "lots"
    rows = [(1, ["销售", "业绩目标"]), (2, ["nobody", "1"])]
    from desktop_crm.services.targets_import import People
    with pytest.raises(ValidationError) as exc:
        parse_targets(rows, People([]), name="x.csv")
    assert {(e.row, e.field) for e in exc.value.errors} == {(2, "period"),
                                                          (2, "salesperson")}


def test_the_cli_imports_and_reports_errors(sqlite_url, tmp_path):
    from .test_cli import run

    svc = Services.open(sqlite_url)
    svc.users.create("anna", "安娜", "sales", team="华东")
    svc.close()
    good = tmp_path / "good.csv"
    good.write_bytes("销售,销售额目标,新客户目标\n安娜,50000,2\n".encode("gbk"))
    out = run("targets", "--db", sqlite_url, "--import", str(good), "--period", "2026-Q4")
    assert "1 created" in out.stdout and "2026-Q4" in out.stdout
    table = run("targets", "--db", sqlite_url, "--period", "2026-Q4", "--format", "json")
    person = next(r for r in json.loads(table.stdout)["rows"] if r["name"] == "安娜")
    assert person["revenue_target"] == 50000.0 and person["new_customers_target"] == 2
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerows([["Period", "Salesperson", "Revenue"], ["2026-Q4", "安娜", "60000"],
                 ["2026-Q4", "nobody", "1"], ["2026-Q4", "安娜", "-5"]])
    bad = tmp_path / "bad.csv"
    bad.write_text(buf.getvalue(), encoding="utf-8")
    proc = run("targets", "--db", sqlite_url, "--import", str(bad), check=False)
    assert proc.returncode == 1
    assert "bad.csv, row 3: Salesperson: No active salesperson is called “nobody”" \
        in proc.stderr
    assert "bad.csv, row 4: Revenue target: Must be zero or more: -5" in proc.stderr
    assert "nothing was imported" in proc.stderr
    table = run("targets", "--db", sqlite_url, "--period", "2026-Q4", "--format", "json")
    person = next(r for r in json.loads(table.stdout)["rows"] if r["name"] == "安娜")
    assert person["revenue_target"] == 50000.0  # unchanged
    tpl = tmp_path / "t.xlsx"
    run("targets", "--db", sqlite_url, "--period", "2026-Q4", "--template", str(tpl))
    assert openpyxl.load_workbook(tpl).active.max_row == 3  # header, 安娜, 华东
    assert run("targets", "--db", sqlite_url, check=False).returncode == 2
