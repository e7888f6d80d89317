"""The export dialog with real widgets: pick columns and the format, export the list's filter
to a file in the background, the message at the end; cancel leaves no file; an unwritable
folder is said plainly; in Chinese its column names are the file's headers."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import QThreadPool, Qt

from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services.exporting import COLUMNS, ExportService
from desktop_crm.views.export_dialog import COLUMN_LABELS, ExportDialog, column_label


@pytest.fixture
def crm(sqlite_url):
    svc = Services.open(sqlite_url)
    for name, tier in [("上海华信科技有限公司", "strategic"), ("北京智远科技有限公司", "growth"),
                       ("王伟", "strategic")]:
        svc.customers.create({"name": name, "tier": tier, "phone": "13812345678"})
    yield svc
    QThreadPool.globalInstance().waitForDone(10000)
    svc.close()


@pytest.fixture
def chinese(qapp):
    from desktop_crm.app import install_translators

    translators = install_translators(qapp, "zh_CN")
    yield
    for t in translators:
        qapp.removeTranslator(t)


def check(dialog: ExportDialog, keys: list[str]) -> None:
    for i in range(dialog.columns.count()):
        item = dialog.columns.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in keys
                           else Qt.CheckState.Unchecked)


def test_choose_columns_and_export_the_filter_to_csv(qtbot, crm, tmp_path):
    d = ExportDialog(crm, kind="customers", query=CustomerQuery(tier="strategic"),
                     today=dt.date(2026, 11, 26))
    qtbot.addWidget(d)
    assert d.path.text().endswith("Customers_2026-11-26.xlsx")  # English UI in tests
    keys = [d.columns.item(i).data(Qt.ItemDataRole.UserRole) for i in range(d.columns.count())]
    assert keys == [c.key for c in COLUMNS["customers"]]  # in the listed order
    qtbot.mouseClick(d.none_button, Qt.MouseButton.LeftButton)
    assert d.chosen_columns() == [] and not d.export_button.isEnabled()
    check(d, ["tier", "name", "code"])
    assert d.chosen_columns() == ["code", "name", "tier"]  # the list's order, not the clicks'
    d.csv.setChecked(True)
    assert d.path.text().endswith(".csv")  # the suffix follows the format
    out = tmp_path / "strategic.csv"
    d.path.setText(str(out))
    with qtbot.waitSignal(d.exported, timeout=20000) as sig:
        qtbot.mouseClick(d.export_button, Qt.MouseButton.LeftButton)
    assert sig.args[0].rows == 2
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Customer code", "Customer name", "Tier"]
    assert sorted(r[1] for r in rows[1:]) == ["上海华信科技有限公司", "王伟"]
    assert {r[2] for r in rows[1:]} == {"Strategic"}
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert d.message.text() == f"Exported 2 rows to {out}"
    assert d.export_button.isEnabled() and d.cancel_button.text() == "Close"


def test_select_all_exports_every_column_to_xlsx(qtbot, crm, tmp_path):
    d = ExportDialog(crm, kind="customers")
    qtbot.addWidget(d)
    qtbot.mouseClick(d.all_button, Qt.MouseButton.LeftButton)
    assert d.chosen_columns() == [c.key for c in COLUMNS["customers"]]
    out = tmp_path / "all.xlsx"
    d.path.setText(str(out))
    with qtbot.waitSignal(d.exported, timeout=20000):
        d.start()
    rows = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert len(rows[0]) == len(COLUMNS["customers"]) and len(rows) == 4


def test_cancel_leaves_no_file(qtbot, crm, tmp_path):
    class Slow(ExportService):
        def export(self, *args, progress=None, **kwargs):
            def stop(stage, done, total):  # cancelled before the first window is written
                d.cancel_or_close()
                return progress(stage, done, total)
            return super().export(*args, progress=stop, **kwargs)

    d = ExportDialog(crm, kind="customers", service=Slow(crm.db, crm.user))
    qtbot.addWidget(d)
    out = tmp_path / "c.xlsx"
    d.path.setText(str(out))
    with qtbot.waitSignal(d.failed, timeout=20000) as sig:
        d.start()
    assert sig.args[0] == "Export cancelled; no file was written."
    assert list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob(".*.tmp")) == []
    assert d.export_button.isEnabled()


def test_missing_folder_is_said_plainly(qtbot, crm, tmp_path):
    d = ExportDialog(crm, kind="orders")
    qtbot.addWidget(d)
    out = tmp_path / "nowhere" / "o.xlsx"
    d.path.setText(str(out))
    with qtbot.waitSignal(d.failed, timeout=20000):
        d.start()
    assert d.message.text() == f"The folder of {out} does not exist."


def test_chinese_column_names_are_the_files_headers(qtbot, crm, tmp_path, chinese):
    """What the Chinese user ticks is what the importer will read: the Qt translations of
    the column names equal the service's Chinese headers."""
    for kind, specs in COLUMNS.items():
        assert set(COLUMN_LABELS[kind]) == {c.key for c in specs}, kind
        assert {c.key: column_label(kind, c.key) for c in specs} == \
            {c.key: c.zh for c in specs}, kind
        assert {c.key: COLUMN_LABELS[kind][c.key] for c in specs} == \
            {c.key: c.en for c in specs}, kind
    d = ExportDialog(crm, kind="customers", today=dt.date(2026, 11, 26))
    qtbot.addWidget(d)
    assert d.windowTitle() == "导出客户" and d.path.text().endswith("客户_2026-11-26.xlsx")
    out = tmp_path / "客户.xlsx"
    d.path.setText(str(out))
    with qtbot.waitSignal(d.exported, timeout=20000):
        d.start()
    rows = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("客户编号", "客户名称", "联系人", "手机")
    assert "战略级" in {r[-1] for r in rows[1:]}
    assert d.message.text() == f"已导出 3 行到 {out}"
