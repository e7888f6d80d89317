"""The command line in Chinese: the language it picks (``--lang``, the setting, the
environment), its messages and errors in Chinese, machine output unchanged, and a check of
the code that every message it prints goes through ``Cli.tr``."""

from __future__ import annotations

import ast
import csv
import json
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_crm import cli_i18n
from desktop_crm.cli_i18n import Cli

from .test_cli import run

PKG = Path(__file__).resolve().parent.parent / "desktop_crm"
CLI_SOURCES = sorted(PKG.glob("cli*.py"))
ZH = {"LANG": "zh_CN.UTF-8"}


def settings(home: Path, language: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "settings.json").write_text(json.dumps({"language": language}), encoding="utf-8")


@pytest.fixture
def url(sqlite_url):
    run("init", "--db", sqlite_url)
    return sqlite_url


# -- which language ---------------------------------------------------------------------------

@pytest.mark.parametrize("env,setting,lang,expected", [
    ({"LANG": "zh_CN.UTF-8"}, "system", None, "zh_CN"),
    ({"LANG": "C.UTF-8"}, "system", None, "en"),
    ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "system", None, "en"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "system", None, "zh_CN"),
    ({"LANG": "C.UTF-8"}, "zh_CN", None, "zh_CN"),
    ({"LANG": "zh_CN.UTF-8"}, "en", None, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "system", "en", "en"),
    ({"LANG": "C.UTF-8"}, "en", "zh_CN", "zh_CN"),
])
def test_language_is_lang_then_setting_then_environment(monkeypatch, _isolated_home, env,
                                                        setting, lang, expected):
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    settings(_isolated_home, setting)
    assert cli_i18n.choose_language(lang) == expected


def test_english_never_imports_qt():
    """A command in English (or one that prints only JSON) does not pay for importing Qt."""
    code = ("import sys; from desktop_crm import cli_i18n; cli_i18n.setup('en'); "
            "print(cli_i18n.Cli.tr('({n:,} customers)', n=1200)); "
            "assert 'PySide6' not in sys.modules, 'Qt imported'")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout == "(1,200 customers)\n"


def test_a_translation_that_breaks_its_fields_falls_back_to_english(monkeypatch):
    class Broken:
        @staticmethod
        def translate(context, source, disambiguation=None, n=-1):
            return "已导出 {count} 行" if context == "Cli" else ""

    monkeypatch.setattr(cli_i18n, "_language", "zh_CN")
    monkeypatch.setattr(cli_i18n, "_translator", Broken())
    assert Cli.tr("wrote {n:,} customers to {path}", n=2, path="x") == "wrote 2 customers to x"
    assert Cli.tr("nothing was changed") == "已导出 {count} 行"  # no fields: as it is
    assert cli_i18n.lookup("Labels", "Strategic") == "Strategic"  # untranslated: the source


# -- the real command in Chinese --------------------------------------------------------------

def test_messages_and_errors_in_chinese_from_the_environment(url, tmp_path):
    init = run("init", "--db", url, env_extra=ZH)
    assert "数据库结构已是最新" in init.stdout and "管理员：" in init.stdout
    added = run("user", "add", "wang", "--team", "华东", "--db", url, env_extra=ZH)
    assert "已添加 wang（sales，团队 华东）" in added.stdout
    missing = run("user", "disable", "nobody", "--db", url, env_extra=ZH, check=False)
    assert missing.returncode == 2
    assert "desktop-crm user: 没有名为 'nobody' 的员工" in missing.stderr
    bad = run("user", "add", "Bad Name!", "--db", url, env_extra=ZH, check=False)
    assert bad.returncode == 1 and "用户名须为 2 到 63 个小写字母" in bad.stderr
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    refused = run("restore", str(junk), "--yes", "--db", url, env_extra=ZH, check=False)
    assert refused.returncode == 1
    assert f"{junk} 不是 Desktop CRM 数据库；未做任何更改" in refused.stderr
    assert "Traceback" not in refused.stderr
    unknown = run("export", "orders", str(tmp_path / "o.csv"), "--customer", "C999999",
                  "--db", url, env_extra=ZH, check=False)
    assert unknown.returncode == 2 and "没有编号为 'C999999' 的客户" in unknown.stderr
    pool = run("pool", "--db", url, env_extra=ZH)
    assert pool.stdout.startswith("公海：0 个客户\n")


def test_import_rows_rejected_in_chinese(url, tmp_path):
    path = tmp_path / "客户.csv"
    with open(path, "w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows([["客户名称", "手机"], ["上海华信", "138 1234 5678"],
                                 ["坏行", "12345"]])
    dry = run("import", "customers", str(path), "--dry-run", "--db", url, env_extra=ZH)
    assert "第 3 行：手机：电话号码无效（'12345'）" in dry.stderr
    assert "客户.csv：读取 2 行，将导入 1 行" in dry.stdout
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(128, 256)) * 50)
    bad = run("import", "customers", str(junk), "--db", url, env_extra=ZH, check=False)
    assert bad.returncode == 1 and "无法读取任何内容：junk.csv 的编码无法识别" in bad.stderr


def test_the_language_setting_and_lang_option_win(url, tmp_path, _isolated_home):
    settings(_isolated_home, "zh_CN")
    out = run("export", "customers", str(tmp_path / "c.csv"), "--db", url)  # LANG=C
    assert out.stdout == f"已导出 0 个客户到 {tmp_path / 'c.csv'}\n"
    english = run("export", "customers", str(tmp_path / "c.csv"), "--lang", "en", "--db", url)
    assert english.stdout == f"wrote 0 customers to {tmp_path / 'c.csv'}\n"
    settings(_isolated_home, "en")
    assert "added li (sales)" in run("user", "add", "li", "--db", url, env_extra=ZH).stdout


def test_english_with_a_c_locale(url):
    proc = run("user", "disable", "nobody", "--db", url, env_extra={"LANG": "C"},
               check=False)
    assert proc.returncode == 2 and "no staff member called 'nobody'" in proc.stderr
    assert run("pool", "--db", url, env_extra={"LANG": "C"}).stdout.startswith(
        "Public pool: 0 customers\n")


def test_machine_output_is_the_same_in_chinese(url):
    run("user", "add", "wang", "--team", "EAST", "--db", url)
    for args in (["user", "list", "--format", "json"], ["customers", "--format", "csv"],
                 ["pool", "--format", "json"], ["duplicates", "--format", "csv"]):
        english = run(*args, "--db", url).stdout
        assert run(*args, "--db", url, env_extra=ZH).stdout == english, args


# -- the code ---------------------------------------------------------------------------------

def _tr_calls(tree):
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "tr" and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "Cli"):
            yield node


@pytest.mark.parametrize("path", CLI_SOURCES + [PKG / "app.py"], ids=lambda p: p.name)
def test_every_cli_text_is_a_literal_with_its_fields_given(path):
    """lupdate reads ``Cli.tr("literal")`` and ``QT_TRANSLATE_NOOP("Cli", "literal")``: an
    f-string would reach the .ts with its braces as written. A literal's ``{fields}`` are all
    passed, so no message fails with a KeyError in a rarely taken branch."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for call in _tr_calls(tree):
        source = call.args[0]
        assert not isinstance(source, ast.JoinedStr), f"{path.name}:{call.lineno} f-string"
        if isinstance(source, ast.Constant):
            fields = {f for _t, f, _s, _c in string.Formatter().parse(source.value) if f}
            given = {k.arg for k in call.keywords}
            if None not in given:  # no **mapping
                assert fields <= given, f"{path.name}:{call.lineno} lacks {fields - given}"
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "QT_TRANSLATE_NOOP"
                and path.name.startswith("cli")):
            assert isinstance(node.args[1], ast.Constant), f"{path.name}:{node.lineno}"
            assert node.args[0].value == "Cli", f"{path.name}:{node.lineno}"


WORDS = re.compile(r"[A-Za-z]{3,}")
NOT_MESSAGES = {"disabled"}  # a cell of ``user list``'s table


@pytest.mark.parametrize("path", CLI_SOURCES, ids=lambda p: p.name)
def test_every_printed_text_goes_through_cli_tr(path):
    """No English words reach print / write / _stderr / _fail / input but through Cli.tr (the
    program name in front, JSON keys and compared codes are not words for the user)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def exempt(node) -> bool:
        while node in parents:
            up = parents[node]
            if isinstance(up, ast.Compare) or (isinstance(up, ast.Dict) and node in up.keys):
                return True
            if isinstance(up, ast.Call):
                name = getattr(up.func, "attr", getattr(up.func, "id", ""))
                if name in ("tr", "lookup", "dumps", "dump"):
                    return True
            node = up
        return False

    untranslated = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = getattr(call.func, "attr", getattr(call.func, "id", ""))
        if name not in ("print", "write", "_stderr", "_fail", "input"):
            continue
        for arg in call.args:
            for node in ast.walk(arg):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and WORDS.search(node.value) and not exempt(node)
                        and not node.value.startswith("desktop-crm")
                        and node.value not in NOT_MESSAGES):
                    untranslated.append((node.lineno, node.value))
    assert untranslated == []
