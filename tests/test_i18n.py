"""Every user-visible string is translated, and the app shows Chinese with a Chinese font."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "desktop_crm_zh_CN.ts"
QM = ROOT / "desktop_crm" / "i18n" / "desktop_crm_zh_CN.qm"
BIN = Path(sys.executable).parent


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.find("name").text
        for m in ctx.iter("message"):
            out[(name, m.find("source").text)] = m.find("translation")
    return out


def text_of(tr) -> str:
    """A translation's text; plural messages (%n) hold theirs in <numerusform> elements."""
    forms = [f.text or "" for f in tr.iter("numerusform")]
    return " ".join(forms) if forms else (tr.text or "")


def test_every_string_has_a_chinese_translation():
    untranslated = [key for key, tr in messages(TS).items()
                    if not text_of(tr).strip() or tr.get("type") in ("unfinished", "vanished",
                                                                         "obsolete")]
    assert untranslated == []


def test_translation_file_covers_the_code(tmp_path):
    """lupdate over the code (the sources of scripts/translations) finds no string the
    committed .ts lacks."""
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "desktop_crm" / "views").rglob("*.py"))
    sources.append(str(ROOT / "desktop_crm" / "app.py"))
    sources += sorted(str(p) for p in (ROOT / "desktop_crm").glob("cli*.py"))
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources, "-ts", str(fresh), "-no-obsolete",
                    "-locations", "none"], check=True, capture_output=True)
    missing = set(messages(fresh)) - set(messages(TS))
    assert missing == set(), "run scripts/translations and translate the new strings"


def test_placeholders_survive_translation():
    for (ctx, src), tr in messages(TS).items():
        for ph in ("%1", "%2", "%3", "%4", "%5", "%n", "{title}", "{customer}", "{days}"):
            assert (ph in src) == (ph in text_of(tr)), (ctx, src)


def test_command_line_fields_survive_translation():
    """The command line's texts (context Cli) are str.format strings: a translation keeps
    every {field} of its source, format spec included, and adds none."""
    fields = re.compile(r"\{[^{}]*\}")
    cli = {src: tr for (ctx, src), tr in messages(TS).items() if ctx == "Cli"}
    assert len(cli) > 150, "the command line's texts are not in the .ts"
    for src, tr in cli.items():
        assert sorted(fields.findall(src)) == sorted(fields.findall(text_of(tr))), src


def test_compiled_translation_is_current(tmp_path):
    built = tmp_path / "zh.qm"
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(TS), "-qm", str(built)],
                   check=True)
    assert built.read_bytes() == QM.read_bytes(), "run scripts/translations"


@pytest.fixture
def chinese(qapp):
    from desktop_crm.app import install_translators

    translators = install_translators(qapp, "zh_CN")
    assert translators, "the Chinese .qm did not load"
    yield
    for t in translators:
        qapp.removeTranslator(t)


def test_main_window_speaks_chinese(qtbot, chinese, sqlite_url):
    from desktop_crm.services.container import Services
    from desktop_crm.views.main_window import MainWindow

    svc = Services.open(sqlite_url)
    svc.customers.create({"name": "张三", "tier": "strategic"})
    w = MainWindow(svc)
    qtbot.addWidget(w)
    assert w.nav.item(0).text() == "首页"
    assert w.nav.item(1).text() == "客户"
    model = w.customers.model
    from PySide6.QtCore import Qt

    assert model.headerData(0, Qt.Orientation.Horizontal) == "客户编号"
    assert model.data(model.index(0, 4)) == "战略级"
    assert w.customers.search.placeholderText().startswith("搜索")
    svc.close()


def test_a_chinese_font_is_installed_and_chosen(qapp):
    from PySide6.QtGui import QFontDatabase, QFontMetrics, QFont

    from desktop_crm.app import choose_cjk_font

    family = choose_cjk_font()
    assert family, "no CJK font: install fonts-noto-cjk (scripts/debian-packages.txt)"
    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)
    metrics = QFontMetrics(QFont(family))
    assert all(metrics.inFont(ch) for ch in "客户张三")


def test_lrelease_tools_are_installed():
    assert shutil.which("pyside6-lupdate", path=str(BIN))
