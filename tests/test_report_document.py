"""The monthly report's PDF (ReportDocument) and Excel (write_xlsx) writers, on a report built
by hand: Chinese names, tier codes, a 60-row table that runs over pages, and an empty month."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest

from desktop_crm.services.report_model import (
    Chart, Figure, MonthlyReport, Scope, Section, Table,
)

COMPANY = "杭州云帆贸易有限公司"
CUSTOMERS = ["上海华信科技有限公司", "北京中科软件股份有限公司", "广州南方物流集团有限公司",
             "深圳市前海智能制造有限公司", "成都天府网络科技有限公司", "Acme Trading Ltd."]
REGIONS = ["华东", "华北", "华南", "西南", "华中", "东北"]
MONTHS = tuple(f"{y}-{m:02d}" for y, m in
               [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)])


def _top_customers(n: int) -> Table:
    rows = tuple((i + 1, f"C{i + 1:06d}", CUSTOMERS[i % len(CUSTOMERS)]
                  + ("（第二分公司）" if i % 7 == 3 else ""),
                  REGIONS[i % len(REGIONS)], ("strategic", "growth", "basic", "dormant", "")[i % 5],
                  Decimal(900000 - i * 12345) + Decimal("0.45"), 0.3 / (i + 1))
                 for i in range(n))
    return Table("revenue.top_customers",
                 ("column.rank", "column.code", "column.customer", "column.region",
                  "column.tier", "column.amount", "column.share"),
                 ("count", "text", "text", "text", "text", "money", "percent"), rows)


def sample_report(top_rows: int = 60) -> MonthlyReport:
    customers = Section("customers", (
        Figure("customers.new", "count", 128, 96, 110),
        Figure("customers.active", "count", 1840, 1795, 1602),
        Figure("customers.total", "count", 12450, 12322, 10980),
        Figure("customers.repurchase_rate", "percent", 0.342, 0.351, 0.298),
        Figure("customers.churned", "count", 37, 52, 41, higher_is_better=False),
        Figure("customers.arpu", "money", Decimal("6709.55"), Decimal("6512.10"), None),
    ))
    revenue = Section("revenue", (
        Figure("revenue.orders", "count", 2934, 2810, 2455),
        Figure("revenue.amount", "money", Decimal("1234567.40"), Decimal("1302000"),
               Decimal("1001000")),
        Figure("revenue.average_order", "money", Decimal("420.78"), Decimal("463.35"), None),
    ), tables=(
        Table("revenue.by_region", ("column.region", "column.orders", "column.amount",
                                    "column.share"),
              ("text", "count", "money", "percent"),
              tuple((r, 400 + i * 37, Decimal(300000 - i * 41000), 0.3 - i * 0.04)
                    for i, r in enumerate(REGIONS))),
        Table("revenue.by_owner", ("column.owner", "column.orders", "column.amount"),
              ("text", "count", "money"),
              (("张伟", 512, Decimal(402000)), ("李娜", 488, Decimal(377250)),
               ("王芳", 301, Decimal(188000)))),
        _top_customers(top_rows),
    ), chart=Chart("revenue.monthly", "bar", MONTHS,
                   (("column.amount", tuple(800000 + 40000 * i for i in range(12))),),
                   "money"))
    pipeline = Section("pipeline", (
        Figure("pipeline.new", "count", 64, 58, 49),
        Figure("pipeline.won", "count", 21, 18, 15),
        Figure("pipeline.won_amount", "money", Decimal(880000), Decimal(760000), Decimal(0)),
        Figure("pipeline.lost", "count", 9, 12, 10, higher_is_better=False),
        Figure("pipeline.lost_amount", "money", Decimal(210000), Decimal(250000), None,
               higher_is_better=False),
        Figure("pipeline.win_rate", "percent", 0.7, 0.6, 0.6),
        Figure("pipeline.cycle_days", "days", 34.5, 38.25, 41.0, higher_is_better=False),
    ), tables=(
        Table("pipeline.forecast", ("column.month", "column.amount", "column.weighted"),
              ("text", "money", "money"),
              (("2026-11", Decimal(1500000), Decimal(620000)),
               ("2026-12", Decimal(900000), Decimal(310000)))),
        Table("pipeline.lost_reasons", ("column.reason", "column.count", "column.amount"),
              ("text", "count", "money"),
              (("价格太高", 4, Decimal(90000)), ("选择了竞争对手", 3, Decimal(80000)))),
    ), chart=Chart("pipeline.forecast", "bar", ("2026-11", "2026-12"),
                   (("column.amount", (1500000.0, 900000.0)),
                    ("column.weighted", (620000.0, 310000.0))), "money"))
    followups = Section("followups", (
        Figure("followups.planned", "count", 410, 395, 350),
        Figure("followups.completed", "count", 362, 370, 301),
        Figure("followups.overdue", "count", 31, 22, 30, higher_is_better=False),
    ), tables=(
        Table("followups.by_owner", ("column.owner", "column.planned", "column.completed",
                                     "column.overdue"),
              ("text", "count", "count", "count"),
              (("张伟", 140, 128, 6), ("李娜", 150, 131, 12), ("王芳", 120, 103, 13))),
    ), chart=Chart("followups.by_owner", "bar", ("张伟", "李娜", "王芳"),
                   (("column.planned", (140.0, 150.0, 120.0)),
                    ("column.completed", (128.0, 131.0, 103.0))), "count"))
    tiers = Section("tiers", (
        Figure("tiers.strategic", "count", 120, 118, 101),
        Figure("tiers.growth", "count", 860, 842, 790),
        Figure("tiers.basic", "count", 5400, 5390, 5100),
        Figure("tiers.dormant", "count", 3100, 3050, 2700, higher_is_better=False),
        Figure("tiers.unrated", "count", 2970, 2922, 2289, higher_is_better=False),
    ), tables=(
        Table("tiers.migration", ("column.from_tier", "column.to_tier", "column.count"),
              ("text", "text", "count"),
              (("growth", "strategic", 4), ("basic", "growth", 31), ("", "basic", 80),
               ("strategic", "dormant", 1))),
        Table("tiers.at_risk", ("column.customer", "column.tier", "column.p_alive",
                                "column.clv"),
              ("text", "text", "percent", "money"),
              (("上海华信科技有限公司", "strategic", 0.31, Decimal(560000)),
               ("北京中科软件股份有限公司", "growth", 0.42, Decimal(230000)))),
    ), chart=Chart("tiers.distribution", "bar",
                   ("tier.strategic", "tier.growth", "tier.basic", "tier.dormant",
                    "tier.unrated"),
                   (("column.count", (120.0, 860.0, 5400.0, 3100.0, 2970.0)),), "count"))
    service = Section("service", (
        Figure("service.opened", "count", 240, 251, 198, higher_is_better=False),
        Figure("service.resolved", "count", 236, 240, 190),
        Figure("service.response_compliance", "percent", 0.962, 0.948, 0.9),
        Figure("service.resolve_compliance", "percent", 0.915, 0.93, 0.88),
        Figure("service.first_response_minutes", "minutes", 18, 22, 35,
               higher_is_better=False),
        Figure("service.satisfaction", "score", 4.61, 4.55, 4.3),
    ), tables=(
        Table("service.by_agent", ("column.agent", "column.resolved", "column.satisfaction"),
              ("text", "count", "score"),
              (("赵磊", 88, 4.7), ("孙丽", 80, 4.5), ("周杰", 68, None))),
    ), chart=Chart("service.monthly", "line", MONTHS,
                   (("service.opened", tuple(200.0 + 5 * i for i in range(12))),
                    ("service.resolved", tuple(195.0 + 5 * i for i in range(12)))), "count"))
    return MonthlyReport(
        month=dt.date(2026, 10, 1), scope=Scope(), company=COMPANY,
        generated_at=dt.datetime(2026, 11, 26, 10, 15),
        sections=(customers, revenue, pipeline, followups, tiers, service),
        summary=("revenue.amount", "revenue.orders", "customers.new", "customers.churned",
                 "pipeline.won_amount", "pipeline.win_rate", "followups.overdue",
                 "service.satisfaction"))


FIRST_FIGURES = {"customers": ("customers.new", "customers.arpu"),
                 "revenue": ("revenue.orders", "revenue.amount"),
                 "pipeline": ("pipeline.won", "pipeline.won_amount"),
                 "followups": ("followups.planned", "followups.completed"),
                 "tiers": ("tiers.strategic", "tiers.growth"),
                 "service": ("service.opened", "service.satisfaction")}


EMPTY_PARTS = {"revenue": ("revenue.by_region", "revenue.monthly"),
               "pipeline": ("pipeline.lost_reasons", "pipeline.forecast"),
               "followups": ("followups.by_owner", "followups.by_owner"),
               "tiers": ("tiers.migration", "tiers.distribution"),
               "service": ("service.by_agent", "service.monthly")}


def empty_report() -> MonthlyReport:
    """A month with no data: no figure has a value, every table and chart is empty."""
    sections = []
    for key, (count, other) in FIRST_FIGURES.items():
        table, chart = EMPTY_PARTS.get(key, (None, None))
        sections.append(Section(
            key, (Figure(count, "count", None), Figure(other, "money", None)),
            (Table(table, ("column.owner", "column.amount"), ("text", "money"), ()),)
            if table else (),
            Chart(chart, "bar", (), ()) if chart else None))
    return MonthlyReport(dt.date(2026, 10, 1), Scope(team="华东一组", label="华东一组"),
                         "Empty Co.", dt.datetime(2026, 11, 1, 8, 0), tuple(sections))


def pdf_pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdf(qapp, tmp_path_factory):
    from desktop_crm.views.report_document import ReportDocument

    doc = ReportDocument(sample_report())
    path = tmp_path_factory.mktemp("report") / "月报 2026-10.pdf"
    pages = doc.save_pdf(str(path))
    return doc, path, pages


def test_format_value():
    from desktop_crm.views.report_labels import format_value

    assert format_value("count", 1234) == "1,234"
    assert format_value("money", Decimal("1234567.40")) == "¥1,234,567"
    assert format_value("money", -5) == "-¥5"
    assert format_value("percent", 0.125) == "12.5%"
    assert format_value("days", 3.21) == "3.2"
    assert format_value("minutes", 94.6) == "95"
    assert format_value("score", 4.333) == "4.3"
    assert format_value("money", None) == "–"
    assert format_value("money", float("nan")) == "–"
    assert format_value("money", Decimal("-0.4")) == "¥0"  # no "-¥0"
    assert format_value("money", Decimal("0.5")) == "¥1"  # half up, as the figures are summed
    assert format_value("percent", -0.0001) == "0.0%"  # no "-0.0%"
    assert format_value("date", dt.date(2026, 1, 5)) == "2026-01-05"  # cells stay numeric


def test_a_chinese_report_reads_its_month_and_dates_the_chinese_way(qapp, tmp_path):
    from PySide6.QtCore import QLocale

    from desktop_crm.views.report_document import ReportDocument

    # conftest's _default_locale restores the locale afterwards
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    doc = ReportDocument(sample_report(top_rows=5))
    path = tmp_path / "zh.pdf"
    doc.save_pdf(str(path))
    text = pdf_text(path)
    assert "2026年10月" in text and "October" not in text
    assert "2026年11月26日 10:15" in text  # when it was generated
    assert "¥1,234,567" in text


def test_report_tr_passes_unknown_keys_through(qapp):
    from desktop_crm.views.report_labels import LABELS, report_tr

    assert report_tr("customers.new") == "New customers"
    assert report_tr("华东") == "华东"
    for key in ("customers", "revenue", "pipeline", "followups", "tiers", "service",
                "column.p_alive", "service.monthly", "tiers.at_risk", "report.page"):
        assert key in LABELS


def test_pdf_has_the_pages_it_counts_and_its_text(pdf):
    doc, path, pages = pdf
    assert pages == doc.page_count() == pdf_pages(path) >= 4
    text = pdf_text(path)
    assert COMPANY in text
    assert "上海华信科技有限公司" in text
    assert "¥1,234,567" in text
    assert "Monthly management report" in text and "October 2026" in text
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "▲" in text or "▼" in text
    assert "Strategic" in text  # tier codes in cells read as tier names
    assert not list(path.parent.glob(".*.tmp"))  # no temporary file left


def test_pdf_embeds_a_chinese_font(pdf):
    doc, path, _pages = pdf
    assert doc.has_cjk_font
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # embedded, every one


def test_long_table_continues_with_its_header_and_no_row_is_split(pdf):
    doc, _path, _pages = pdf
    pages = doc.layout()
    seen = []
    spread = set()
    for page in pages:
        for item in page.items:
            assert item.y >= 0 and item.y + item.height <= page.height + 1e-6, item
        rows = [i for i in page.items if i.kind == "row"]
        for key in {i.key for i in rows}:
            mine = [(n, i.kind) for n, i in enumerate(page.items) if i.key == key]
            first_row = next(n for n, kind in mine if kind == "row")
            headers = [n for n, kind in mine if kind == "header"]
            assert headers and headers[0] < first_row, (page.number, key)
        top = [i.index for i in rows if i.key == "revenue.top_customers"]
        if top:
            spread.add(page.number)
        seen += top
    assert seen == list(range(60))  # every row once, in order
    assert len(spread) >= 2


def test_sections_start_on_a_new_page_when_little_room_is_left(pdf):
    doc, _path, _pages = pdf
    pages = doc.layout()
    headings = [(p, i) for p in pages for i in p.items if i.kind == "heading"]
    assert [i.key for _p, i in headings] == ["summary", "customers", "revenue", "pipeline",
                                            "followups", "tiers", "service"]
    for page, item in headings:
        assert item.y <= page.height * 2 / 3
    # a caption or header never ends a page without a row under it
    for page in pages:
        kinds = [i.kind for i in page.items]
        assert kinds[-1] not in ("caption", "header", "heading")


def test_an_empty_month_renders_with_dashes(qapp, tmp_path):
    from desktop_crm.views.report_document import ReportDocument

    doc = ReportDocument(empty_report())
    path = tmp_path / "empty.pdf"
    assert doc.save_pdf(str(path)) == pdf_pages(path) == doc.page_count()
    text = pdf_text(path)
    assert "–" in text and "No data" in text and "Team 华东一组" in text


def test_a_failed_save_leaves_no_file(qapp, tmp_path):
    from desktop_crm.views.report_document import ReportDocument

    with pytest.raises(OSError):
        ReportDocument(empty_report()).save_pdf(str(tmp_path / "missing" / "r.pdf"))
    assert list(tmp_path.iterdir()) == []


def test_xlsx_round_trip(qapp, tmp_path):
    import openpyxl

    from desktop_crm.services.report_xlsx import write_xlsx
    from desktop_crm.views import labels
    from desktop_crm.views.report_labels import report_tr

    path = tmp_path / "report.xlsx"
    write_xlsx(sample_report(), str(path), report_tr,
               lambda code: labels.label(labels.TIERS, code))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Customers", "Revenue", "Sales funnel", "Follow-ups",
                             "Customer tiers", "Service"]
    summary = wb["Summary"]
    cells = {c.value: c for row in summary.iter_rows() for c in row if c.value is not None}
    assert COMPANY in cells and "Revenue" in cells
    revenue_row = cells["Revenue"].row
    amount = summary.cell(revenue_row, 2)
    assert amount.value == pytest.approx(1234567.40)
    assert amount.number_format == "#,##0.00"
    change = summary.cell(revenue_row, 5)
    assert change.number_format == "0.0%"
    assert change.value == pytest.approx(1234567.40 / 1302000 - 1)
    tiers = wb["Customer tiers"]
    values = [c.value for row in tiers.iter_rows() for c in row]
    assert "Strategic" in values and "Unrated" in values
    top = wb["Revenue"]
    names = [c.value for row in top.iter_rows() for c in row]
    assert "上海华信科技有限公司" in names and "Top customers by revenue" in names
    assert not list(tmp_path.glob(".*.tmp"))


def test_xlsx_sheet_names_are_short_and_unique(tmp_path):
    import openpyxl

    from desktop_crm.services.report_xlsx import write_xlsx

    report = empty_report()
    long = {s.key: "A very long section name: longer than thirty-one [characters]"
            for s in report.sections}
    path = tmp_path / "r.xlsx"
    write_xlsx(report, str(path), lambda key: long.get(key, key))
    names = openpyxl.load_workbook(path).sheetnames
    assert len(names) == len(set(names)) == 7
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_print_preview_paints_the_report(qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    from desktop_crm.views.report_document import ReportDocument

    doc = ReportDocument(sample_report(top_rows=5))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintPreviewDialog(printer)
    qtbot.addWidget(dialog)
    painted = []
    dialog.paintRequested.connect(lambda p: (doc.paint(p), painted.append(p)))
    QTimer.singleShot(200, dialog.reject)
    dialog.exec()
    assert painted
    assert not dialog.isVisible()


def test_a_long_text_column_gives_way_short_ones_keep_their_width():
    from desktop_crm.views.report_document import MM, column_widths

    widths = column_widths([10 * MM, 300 * MM, 20 * MM, 25 * MM],
                           ("text", "text", "text", "money"), 180 * MM)
    assert widths[0] == 10 * MM and widths[2] == 20 * MM and widths[3] == 25 * MM
    assert sum(widths) == pytest.approx(180 * MM)
    # narrow enough: every column stretched alike
    assert column_widths([10.0, 30.0], ("text", "count"), 80.0) == [20.0, 60.0]


def test_chart_categories_read_as_tier_names(qapp):
    from desktop_crm.views.report_document import category_text

    chart = Chart("tiers.distribution", "bar", (), ())
    assert [category_text(chart, x) for x in ("tier.strategic", "tier.unrated", "label.growth",
                                             "dormant", "华东", "2026-10")] == \
        ["Strategic", "Unrated", "Growth", "Dormant", "华东", "2026-10"]
