"""The import wizard and the import history, walked as a user would, in Chinese: a messy
Chinese workbook (a title row above the headers, 张总-style contacts, phones written every
way, a bad e-mail, an unknown owner, a column the guess does not know), a changed mapping
saved as a template, the check with its reasons, the rejected rows saved, fixed and imported
again; importing the same file again; a cancel that keeps its batches and carries on; undo
from the history and its refusal. Real SQLite, real service."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWizard
from sqlalchemy import func, select

from desktop_crm.models import Customer, ImportRun
from desktop_crm.services.container import Services
from desktop_crm.services.importing import ImportService
from desktop_crm.views.import_history import ImportHistoryDialog
from desktop_crm.views.import_wizard import ImportWizard

HEADERS = ["客户名称", "联系人", "手机", "电话", "邮箱", "地址", "所在地区", "市", "行业", "来源",
           "负责人"]
ROWS = [
    ["上海华信科技有限公司", "张总", "138 1234 5678", "021-6211 2233", "info@huaxin.cn",
     "浦东新区世纪大道1号", "上海", "上海", "软件", "展会", "李娜"],
    ["深圳鹏程贸易有限公司", "王先生", "+86 139-0000-1111", "", "", "", "广东", "深圳", "贸易",
     "转介绍", ""],
    ["北京长城餐饮", "刘经理", "１３７００００２２２２", "", "", "", "北京", "", "餐饮", "", "李娜"],
    ["杭州西湖茶业", "陈女士", 13811112222, "", "chen@@xihu", "", "浙江", "杭州", "茶叶", "",
     ""],
    ["成都天府物流有限公司", "赵总", "0086 138 0000 3333", "", "", "", "四川", "成都", "物流",
     "", "没这个人"],
    ["广州白云家具厂", "黄总", "13922223333", "020-8888 6666", "", "", "广东", "广州", "家具",
     "展会", ""],
]


@pytest.fixture
def services(sqlite_url):
    svc = Services.open(sqlite_url)
    svc.users.create("lina", "李娜", "sales")
    yield svc
    svc.close()


@pytest.fixture
def chinese(qapp):
    from desktop_crm.app import install_translators

    translators = install_translators(qapp, "zh_CN")
    assert translators, "the Chinese .qm did not load"
    yield
    for t in translators:
        qapp.removeTranslator(t)


@pytest.fixture
def messy(tmp_path):
    """客户名单.xlsx: a notes sheet first, then the list with a title row above its headers."""
    path = tmp_path / "客户名单.xlsx"
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "说明"
    notes.append(["这份名单来自 2024 年展会"])
    sheet = book.create_sheet("客户")
    sheet.append(["2024年展会客户名单"])
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def count(services, model=Customer) -> int:
    with services.db.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(
            *(() if model is not Customer else (Customer.deleted_at.is_(None),))))


def names(services) -> set[str]:
    with services.db.read() as s:
        return set(s.scalars(select(Customer.name).where(Customer.deleted_at.is_(None))))


def click(qtbot, wizard, which=QWizard.WizardButton.NextButton) -> None:
    button = wizard.button(which)
    assert button.isEnabled(), f"{which} is disabled on page {wizard.currentId()}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_wizard(qtbot, services, path, **kw) -> ImportWizard:
    w = ImportWizard(services, path=str(path), **kw)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(w.file_page.isComplete, timeout=10000)
    return w


def choose_sheet(qtbot, w, name: str) -> None:
    combo = w.file_page.sheet_combo
    combo.setCurrentIndex(combo.findText(name))
    combo.activated.emit(combo.currentIndex())  # what a user's pick emits
    qtbot.waitUntil(lambda: w.file_page.isComplete() and w.source.sheet == name,
                    timeout=10000)


def checked(qtbot, w) -> None:
    qtbot.waitUntil(lambda: w.check_page.worker is None and w.check_page.result is not None,
                    timeout=20000)


def imported(qtbot, w) -> None:
    qtbot.waitUntil(lambda: w.import_page.worker is None and w.import_page.isComplete()
                    and w.import_page.status.text() != "", timeout=60000)


def save_as(monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))


def test_messy_chinese_workbook_checked_imported_fixed_and_imported_again(
        qtbot, services, messy, tmp_path, monkeypatch, chinese):
    w = open_wizard(qtbot, services, messy)
    page = w.file_page
    # the notes sheet in front is passed over for the list; either can be chosen
    assert w.source.sheet == "客户"
    assert page.sheet_combo.count() == 2 and page.form.isRowVisible(page.sheet_combo)
    choose_sheet(qtbot, w, "说明")
    assert "客户名称" not in page.info.text()
    choose_sheet(qtbot, w, "客户")
    assert "第 2 行" in page.info.text() and "客户名称" in page.info.text()
    click(qtbot, w)

    # mapping: guessed from the Chinese headers; 所在地区 is not known until the user says so
    m = w.mapping_page
    assert m.chosen["name"] == "客户名称" and m.chosen["contact"] == "联系人"
    assert m.chosen["phone"] == "手机" and m.chosen["phone2"] == "电话"
    assert m.chosen["owner"] == "负责人"
    assert "province" not in m.chosen
    assert m.preview.rowCount() == len(ROWS)
    assert m.preview.horizontalHeaderItem(0).text() == "客户名称"
    row = [f.name for f in m.fields].index("province")
    assert m.table.item(row, 0).text() == "省份"
    combo = m.table.cellWidget(row, 1)
    combo.setCurrentIndex(combo.findText("所在地区"))
    assert m.chosen["province"] == "所在地区"
    assert m.table.item(row, 2).text() == "上海"
    # a column chosen twice is flagged and stops the wizard
    city = m.combos["city"]
    city.setCurrentIndex(city.findText("所在地区"))
    assert m.issues.isVisible() and "所在地区" in m.issues.text()
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled()
    city.setCurrentIndex(city.findText("市"))
    assert not m.issues.isVisible()
    # saved as a template for the team
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: ("展会名单", True)))
    qtbot.mouseClick(m.save_template_button, Qt.MouseButton.LeftButton)
    assert ImportService(services.db, services.user).templates("customers")[
        "展会名单"].fields["province"] == "所在地区"
    assert m.template_combo.currentText() == "展会名单"
    assert m.dup_buttons["skip"].isChecked()
    click(qtbot, w)

    # the check writes nothing and says why each rejected row is rejected, in Chinese
    checked(qtbot, w)
    c = w.check_page
    assert count(services) == 0
    assert (c.result.read, c.result.imported, c.result.rejected) == (6, 4, 2)
    assert c.counts.numbers["imported"].text() == "4"
    assert c.counts.numbers["rejected"].text() == "2"
    shown = {(c.model.data(c.model.index(r, 0)), c.model.data(c.model.index(r, 1)),
              c.model.data(c.model.index(r, 2)), c.model.data(c.model.index(r, 3)))
             for r in range(c.model.rowCount())}
    assert shown == {(6, "邮箱", "chen@@xihu", "邮箱地址无效"),
                     (7, "负责人", "没这个人", "没有这个名字的用户")}
    assert c.model.headerData(3, Qt.Orientation.Horizontal) == "原因"
    assert w.button(QWizard.WizardButton.CommitButton).text() == "导入"

    # the rejected rows saved as a workbook with a reason column
    rejected = tmp_path / "未导入.xlsx"
    save_as(monkeypatch, rejected)
    qtbot.mouseClick(c.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.saver is None and rejected.exists(), timeout=10000)
    assert str(rejected) in c.saved.text()
    sheet = openpyxl.load_workbook(rejected).active
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert got[0] == HEADERS + ["行号", "原因"]
    assert [r[0] for r in got[1:]] == ["杭州西湖茶业", "成都天府物流有限公司"]
    assert got[1][-1] == "邮箱：邮箱地址无效" and got[2][-1] == "负责人：没有这个名字的用户"

    # import
    results = []
    w.imported.connect(results.append)
    click(qtbot, w, QWizard.WizardButton.CommitButton)
    imported(qtbot, w)
    r = w.import_page.result
    assert (r.imported, r.rejected) == (4, 2)
    assert results and results[0].import_id == r.import_id
    assert w.import_page.undo_note.isVisible()
    assert names(services) == {"上海华信科技有限公司", "深圳鹏程贸易有限公司", "北京长城餐饮",
                               "广州白云家具厂"}
    with services.db.read() as s:
        hx = s.scalars(select(Customer).where(Customer.name == "上海华信科技有限公司")).one()
        assert hx.province == "上海市" and hx.phone2
    assert w.button(QWizard.WizardButton.FinishButton).isEnabled()
    w.close()

    # fixed in the saved workbook and imported again: the template maps 所在地区 by itself
    book = openpyxl.load_workbook(rejected)
    sheet = book.active
    sheet.cell(2, HEADERS.index("邮箱") + 1, "chen@xihu-tea.cn")
    sheet.cell(3, HEADERS.index("负责人") + 1, "李娜")
    fixed = tmp_path / "未导入_已改.xlsx"
    book.save(fixed)
    w2 = open_wizard(qtbot, services, fixed)
    click(qtbot, w2)
    assert w2.mapping_page.chosen["province"] == "所在地区"
    assert w2.mapping_page.template_combo.currentText() == "展会名单"
    click(qtbot, w2)
    checked(qtbot, w2)
    assert (w2.check_page.result.imported, w2.check_page.result.rejected) == (2, 0)
    click(qtbot, w2, QWizard.WizardButton.CommitButton)
    imported(qtbot, w2)
    assert count(services) == 6
    assert {"杭州西湖茶业", "成都天府物流有限公司"} <= names(services)

    # the first file once more: every row is already there, nothing to import
    w3 = open_wizard(qtbot, services, messy)
    click(qtbot, w3)
    click(qtbot, w3)
    checked(qtbot, w3)
    res = w3.check_page.result
    assert (res.imported, res.updated, res.skipped) == (0, 0, 4)
    assert not w3.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert "不会导入" in w3.check_page.status.text() or "没有" in w3.check_page.status.text()
    assert count(services) == 6


def test_unreadable_and_wrong_files_say_why(qtbot, services, tmp_path, chinese):
    bad = tmp_path / "名单.xlsx"
    bad.write_bytes(b"this is not a workbook")
    w = ImportWizard(services, path=str(bad))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.file_page.error.isVisible(), timeout=10000)
    assert "名单.xlsx" in w.file_page.error.text() and "无法读取" in w.file_page.error.text()
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled()
    (tmp_path / "名单.pdf").write_bytes(b"%PDF-1.4")
    w.file_page.open_file(str(tmp_path / "名单.pdf"))
    qtbot.waitUntil(lambda: w.file_page.worker is None, timeout=10000)
    assert "不是表格" in w.file_page.error.text()
    gbk = tmp_path / "联系人.csv"
    with open(gbk, "w", encoding="gb18030", newline="") as f:
        csv.writer(f, delimiter=";").writerows([["客户名称", "联系人", "手机"],
                                                ["上海华信", "张总", "13812345678"]])
    w.file_page.open_file(str(gbk))
    qtbot.waitUntil(w.file_page.isComplete, timeout=10000)
    assert not w.file_page.error.isVisible()
    assert "GBK" in w.file_page.info.text() and "分号" in w.file_page.info.text()
    assert not w.file_page.form.isRowVisible(w.file_page.sheet_combo)


def big_csv(path, n: int):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(["客户编号", "客户名称", "手机"])
        for i in range(n):
            out.writerow([f"T{i:06d}", f"测试客户{i}有限公司", f"139{i:08d}"])
    return path


def test_cancel_keeps_the_batches_written_and_can_carry_on(qtbot, services, tmp_path):
    path = big_csv(tmp_path / "big.csv", 10000)
    w = open_wizard(qtbot, services, path)
    click(qtbot, w)
    click(qtbot, w)
    checked(qtbot, w)
    assert w.check_page.result.imported == 10000
    page = w.import_page
    stopped = []

    def stop_after_first_batch(_stage, done, _total):
        # the batch being reported may still see the cancel: the one before it is kept
        if done >= 4000 and not stopped:
            stopped.append(done)
            qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)

    kept_results = []
    w.imported.connect(kept_results.append)
    click(qtbot, w, QWizard.WizardButton.CommitButton)
    page.worker.signals.progressed.connect(stop_after_first_batch)
    imported(qtbot, w)
    assert stopped
    kept = count(services)
    assert 2000 <= kept < 10000 and kept % 2000 == 0
    assert str(kept) in page.status.text().replace(",", "")
    assert page.again_button.isVisible()
    assert kept_results and kept_results[0].imported == kept
    with services.db.read() as s:
        assert s.scalar(select(ImportRun.status)) == "cancelled"
    # carry on from the first row not written
    qtbot.mouseClick(page.again_button, Qt.MouseButton.LeftButton)
    imported(qtbot, w)
    assert count(services) == 10000
    assert page.result is not None and page.result.rejected == 0
    with services.db.read() as s:
        assert s.scalar(select(ImportRun.status)) == "done"


def test_history_undoes_an_import_and_names_why_it_cannot(qtbot, services, messy,
                                                         message_boxes, chinese):
    imp = ImportService(services.db, services.user)
    src = imp.read(messy, "客户")
    mapping = imp.guess_mapping("customers", src.headers)
    first = imp.run("customers", src, mapping)
    assert first.imported == 4
    dlg = ImportHistoryDialog(services)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 1
    assert dlg.table.item(0, 2).text() == "客户名单.xlsx [客户]"
    assert dlg.table.item(0, 3).text() == "客户"
    assert dlg.table.item(0, 5).text() == "4"
    assert dlg.table.item(0, 9).text() == "已完成"
    # a record changed since: refused, with the reason named
    with services.db.read() as s:
        cid = s.scalars(select(Customer.id).where(Customer.name == "北京长城餐饮")).one()
    services.customers.update(cid, {"industry": "火锅"}, services.customers.get(cid).version)
    dlg.table.selectRow(0)
    qtbot.mouseClick(dlg.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.worker is None and dlg.message.text() != "撤销中…",
                    timeout=10000)
    assert "1" in dlg.message.text() and "修改" in dlg.message.text()
    assert message_boxes[-1][0] == "warning"
    assert count(services) == 4
    # a later import nobody touched since is undone as a whole
    services.customers.delete(cid)
    second = big_csv(messy.parent / "more.csv", 3)
    w = open_wizard(qtbot, services, second)
    click(qtbot, w)
    click(qtbot, w)
    checked(qtbot, w)
    click(qtbot, w, QWizard.WizardButton.CommitButton)
    imported(qtbot, w)
    assert count(services) == 3 + 3
    dlg.reload()
    assert dlg.table.rowCount() == 2
    assert dlg.table.item(0, 2).text() == "more.csv"
    dlg.table.selectRow(0)
    undone = []
    dlg.undone.connect(undone.append)
    qtbot.mouseClick(dlg.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(undone), timeout=10000)
    assert "customers" in undone[0].kinds
    assert count(services) == 3
    assert dlg.table.item(0, 9).text().startswith("已撤销")
    assert not dlg.undo_button.isEnabled()
