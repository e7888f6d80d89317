"""The real ``desktop-crm`` command, run as a subprocess."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from desktop_crm.services.container import Services

EXE = shutil.which("desktop-crm", path=str(Path(sys.executable).parent)) or "desktop-crm"


def run(*args, env_extra=None, check=True, timeout=300, input_text=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env_extra or {}))
    proc = subprocess.run([EXE, *args], capture_output=True, text=True, env=env,
                          timeout=timeout, encoding="utf-8", input=input_text)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def filled(db_url):
    run("init", "--db", db_url)
    svc = Services.open(db_url)
    for name, phone, tier in [("张三", "13812345678", "strategic"), ("王伟", "13900001111", "basic"),
                              ("北京华为科技有限公司", "010-65529988", "growth")]:
        svc.customers.create({"name": name, "phone": phone, "tier": tier})
    svc.close()
    return db_url


def test_init_creates_then_reports_up_to_date(empty_db_url):
    first = run("init", "--db", empty_db_url)
    assert "upgraded from empty to revision" in first.stdout
    second = run("--db", empty_db_url, "init")  # --db before the subcommand works too
    assert "up to date" in second.stdout


def test_init_default_database_in_data_dir(_isolated_home):
    out = run("init", env_extra={"DESKTOP_CRM_HOME": str(_isolated_home)})
    assert (_isolated_home / "crm.sqlite3").exists()
    assert "SQLite" in out.stdout


def test_customers_formats(filled):
    table = run("customers", "--db", filled).stdout
    assert "张三" in table and "(3 customers)" in table
    data = json.loads(run("customers", "--db", filled, "--search", "zs", "--format", "json").stdout)
    assert [d["name"] for d in data] == ["张三"]
    assert data[0]["phone"] == "138 1234 5678" and data[0]["tier"] == "strategic"
    assert set(data[0]) == {"code", "name", "phone", "owner", "tier", "region"}
    rows = list(csv.DictReader(io.StringIO(
        run("--db", filled, "customers", "--search", "华为", "--format", "csv").stdout)))
    assert [r["name"] for r in rows] == ["北京华为科技有限公司"]
    tiers = json.loads(run("customers", "--db", filled, "--tier", "basic", "--format",
                           "json").stdout)
    assert [d["name"] for d in tiers] == ["王伟"]
    limited = json.loads(run("customers", "--db", filled, "--limit", "2", "--format",
                             "json").stdout)
    assert len(limited) == 2


def test_customers_unknown_owner_is_a_clear_error(filled):
    proc = run("customers", "--db", filled, "--owner", "nobody", check=False)
    assert proc.returncode == 2
    assert "no staff member called 'nobody'" in proc.stderr


def test_unreachable_database_is_one_clear_line(tmp_path):
    proc = run("customers", "--db", "postgresql+psycopg://nobody:pw@127.0.0.1:1/none",
               check=False, timeout=60)
    assert proc.returncode == 1
    assert "cannot use the database" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert ":pw@" not in proc.stderr


def test_demo_fills_the_database(db_url):
    out = run("demo", "--db", db_url, "--customers", "60", "--seed", "7")
    assert "added 60 customers" in out.stdout
    data = json.loads(run("customers", "--db", db_url, "--limit", "1000", "--format",
                          "json").stdout)
    assert len(data) == 60


def test_screenshot_renders_png(filled, tmp_path):
    out = tmp_path / "customers.png"
    run("screenshot", "customers", "--db", filled, "--out", str(out), "--size", "1200x800",
        "--lang", "zh_CN")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert (img.width(), img.height()) == (1200, 800)


def test_screenshot_of_the_pipeline_board(filled, tmp_path):
    out = tmp_path / "pipeline.png"
    run("screenshot", "pipeline", "--db", filled, "--out", str(out), "--size", "1400x900")
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert (img.width(), img.height()) == (1400, 900)


def test_pipeline_figures_as_table_and_json(filled):
    svc = Services.open(filled)
    cid = svc.customers.get_by_code("C000003").id
    stages = {s.code: s.id for s in svc.pipeline.stages()}
    svc.pipeline.create({"title": "服务器", "customer_id": cid, "amount": "100000",
                         "stage_id": stages["proposal"], "expected_close": dt.date(2030, 3, 9)})
    card = svc.pipeline.create({"title": "软件", "customer_id": cid, "amount": "30000"})
    svc.pipeline.move(card.id, stages["won"], expected_version=card.version,
                      final_amount=Decimal("28000"), close_date=dt.date.today())
    svc.close()
    data = json.loads(run("pipeline", "--db", filled, "--format", "json").stdout)
    by = {s["stage"]: s for s in data["stages"]}
    assert by["proposal"]["count"] == 1 and by["proposal"]["weighted"] == 50000.0
    assert by["won"]["amount"] == 28000.0 and by["won"]["conversion"] is None
    assert data["won"] == 1 and data["win_rate"] == 1.0
    assert data["forecast"] == {"2030-03": 50000.0}
    table = run("pipeline", "--db", filled).stdout
    assert "proposal" in table and "2030-03" in table and "win rate 100.0%" in table
    bad = run("pipeline", "--db", filled, "--owner", "nobody", check=False)
    assert bad.returncode == 2 and "nobody" in bad.stderr


def test_version_is_printed():
    from desktop_crm import __version__

    proc = run("--version")
    assert proc.stdout.strip() == f"desktop-crm {__version__}"
