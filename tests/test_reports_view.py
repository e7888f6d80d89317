"""The Reports section with real widgets on a small demo database: build last month's report
in the background, its figures on screen, the print preview opened offscreen and closed, the
PDF and the Excel workbook written."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from PySide6.QtCore import QThreadPool, QTimer

from desktop_crm.services.container import Services
from desktop_crm.services.demo import generate_demo
from desktop_crm.views.reports_section import ReportsSection

from .test_cli import run as cli


@pytest.fixture
def services(sqlite_url):
    svc = Services.open(sqlite_url)
    generate_demo(svc.db, 300, seed=4)
    yield svc
    QThreadPool.globalInstance().waitForDone(10000)
    svc.close()


def test_build_preview_and_save(qtbot, services, tmp_path):
    w = ReportsSection(services)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    assert not w.pdf_button.isEnabled()
    last = w.chosen_month()
    today = dt.date.today()
    assert last == (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    with qtbot.waitSignal(w.built, timeout=60000):
        w.build_button.click()
    assert w.report is not None and w.table.rowCount() > 20
    assert w.pdf_button.isEnabled()
    texts = [w.table.item(r, 0).text() for r in range(w.table.rowCount())]
    assert any("Revenue" in t for t in texts)
    dlg = w.preview()
    QTimer.singleShot(500, dlg.reject)
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=20000)
    pdf = w.save_pdf(str(tmp_path / "report.pdf"))
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
        pages = int(next(x for x in info.splitlines() if x.startswith("Pages:")).split()[1])
        assert pages >= 3
    w.save_xlsx(str(tmp_path / "report.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert len(book.sheetnames) >= 4


def test_the_cli_writes_the_pdf_and_the_workbook_in_chinese(sqlite_url, tmp_path):
    svc = Services.open(sqlite_url)
    generate_demo(svc.db, 300, seed=4)
    svc.close()
    out = cli("report", "--db", sqlite_url, "--month", "2026-10", "--lang", "zh_CN",
              "--company", "示例科技", "--out", str(tmp_path / "r.pdf"),
              "--xlsx", str(tmp_path / "r.xlsx"))
    assert "r.pdf" in out.stdout and (tmp_path / "r.xlsx").exists()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"],
                              capture_output=True, text=True).stdout
        assert "示例科技" in text and "月度经营报告" in text and "2026年10月" in text
    en = cli("report", "--db", sqlite_url, "--month", "2026-10", "--lang", "en",
             "--out", str(tmp_path / "en.pdf"))
    assert en.returncode == 0
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "en.pdf"), "-"],
                              capture_output=True, text=True).stdout
        assert "Monthly management report" in text and "October 2026" in text
    bad = cli("report", "--db", sqlite_url, "--month", "2026-13", "--out",
              str(tmp_path / "x.pdf"), check=False)
    assert bad.returncode == 2 and "2026-13" in bad.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_company_name_from_settings_heads_the_report(qtbot, sqlite_url):
    from desktop_crm.services.report import ReportService
    from desktop_crm.services.users import UserService
    from desktop_crm.views.settings_dialog import SettingsDialog

    svc = Services.open(sqlite_url)
    try:
        dlg = SettingsDialog(services=svc)
        qtbot.addWidget(dlg)
        assert dlg.company.isEnabled()  # the local user is the admin
        dlg.company.setText("示例科技有限公司")
        dlg.save()
        report = ReportService(svc.db, svc.user).build(dt.date(2026, 10, 1))
        assert report.company == "示例科技有限公司"
        sales = UserService(svc.db).create("anna", "安娜", "sales")
        svc.user = sales
        other = SettingsDialog(services=svc)
        qtbot.addWidget(other)
        assert other.company.text() == "示例科技有限公司" and not other.company.isEnabled()
    finally:
        svc.close()
