"""``desktop-crm tiers``, the real command run as a subprocess on a SQLite demo database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import sqlite3

import pytest

from desktop_crm.cli import _text_width
from desktop_crm.services.tiers import TierService

from .test_cli import run

CUSTOMERS = 80
COLUMNS = ["code", "name", "recency_days", "orders", "total_spend", "frequency", "recency", "T",
           "R", "F", "M", "segment", "tier", "p_alive", "predicted_clv"]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """One demo database for the tests that only read it (made once: ~3 s)."""
    root = tmp_path_factory.mktemp("tiers_cli")
    path = root / "demo.sqlite3"
    run("demo", "--db", f"sqlite:///{path}", "--customers", str(CUSTOMERS), "--seed", "6",
        env_extra={"DESKTOP_CRM_HOME": str(root / "home")})
    return path


@pytest.fixture
def demo_url(demo_file, tmp_path):
    """A copy of the demo database for one test (so writing tests do not disturb others)."""
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_file, path)
    return f"sqlite:///{path}"


def codes(url: str) -> list[str]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return [r[0] for r in conn.execute(
            "SELECT code FROM customers WHERE deleted_at IS NULL ORDER BY code")]


def test_csv_to_a_file(demo_url, tmp_path):
    out = tmp_path / "tiers.csv"
    proc = run("tiers", "--db", demo_url, "--format", "csv", "--out", str(out))
    assert proc.stdout == ""
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")       # UTF-8 BOM: Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == COLUMNS == list(TierService.REPORT_COLUMNS)
    body = [dict(zip(COLUMNS, r)) for r in rows[1:]]
    assert [r["code"] for r in body] == codes(demo_url)
    assert all(len(r) == len(COLUMNS) for r in rows)
    assert any("\u4e00" <= ch <= "\u9fff" for r in body for ch in r["name"])
    buyers = [r for r in body if r["orders"] != "0"]
    none = [r for r in body if r["orders"] == "0"]
    assert buyers and none
    for r in none:                                 # no purchases: empty cells, not "nan"
        assert r["segment"] == "no_purchase"
        assert r["recency_days"] == r["T"] == r["R"] == r["p_alive"] == ""
    for r in buyers:
        assert int(r["recency_days"]) >= 0 and 1 <= int(r["R"]) <= 5
        assert float(r["T"]) >= float(r["recency"]) >= 0
        assert int(r["frequency"]) <= int(r["orders"])
        assert 0 <= float(r["p_alive"]) <= 1 and float(r["predicted_clv"]) >= 0
    assert not list(tmp_path.glob(".tiers.csv.*"))   # no temporary file left behind

    # a failing run leaves the file as it was
    before = out.read_bytes()
    proc = run("tiers", "--db", demo_url, "--as-of", "yesterday", "--format", "csv", "--out",
               str(out), check=False)
    assert proc.returncode == 2 and out.read_bytes() == before


def test_json_and_table(demo_file):
    url = f"sqlite:///{demo_file}"
    data = json.loads(run("tiers", "--db", url, "--format", "json").stdout)
    assert isinstance(data, list) and len(data) == CUSTOMERS
    assert all(list(d) == COLUMNS for d in data)
    assert [d["code"] for d in data] == codes(url)
    lone = next(d for d in data if d["orders"] == 0)
    assert lone["recency_days"] is None and lone["p_alive"] is None and lone["R"] is None
    buyer = next(d for d in data if d["orders"] > 1)
    assert isinstance(buyer["recency_days"], int) and isinstance(buyer["total_spend"], float)
    assert isinstance(buyer["R"], int) and isinstance(buyer["p_alive"], float)

    table = run("--db", url, "tiers").stdout.splitlines()
    header = table[0]
    assert header.split() == COLUMNS
    assert table[-1] == f"({CUSTOMERS} customers)" and len(table) == CUSTOMERS + 2
    # columns line up on screen although names are Chinese (two columns a character):
    # right-aligned recency_days ends where its heading ends
    end = _text_width(header[:header.index("recency_days") + len("recency_days")])
    lined = 0
    for line in table[1:-1]:
        m = re.match(r"(C\d+\s+\S+\s+\d+)\s+[1-9]\d*\s", line)   # buyers: orders >= 1
        if m:
            assert _text_width(m.group(1)) == end, line
            lined += 1
    assert lined > CUSTOMERS // 2


def test_fit_report(demo_file):
    proc = run("tiers", "--db", f"sqlite:///{demo_file}", "--fit-report")
    report = json.loads(proc.stdout)               # exactly one JSON object
    assert isinstance(report, dict)
    assert report["time_unit"] == "day"
    assert set(report["bgnbd"]) == {"r", "alpha", "a", "b"}
    assert set(report["gamma_gamma"]) == {"p", "q", "v"}
    assert all(v > 0 for v in report["bgnbd"].values())
    assert all(v > 0 for v in report["gamma_gamma"].values())
    assert set(report) <= {"bgnbd", "gamma_gamma", "time_unit", "problem"}


def test_too_few_orders_still_lists_customers(tmp_path):
    url = f"sqlite:///{tmp_path / 'few.sqlite3'}"
    run("demo", "--db", url, "--customers", "3", "--seed", "1")
    report = json.loads(run("tiers", "--db", url, "--fit-report").stdout)
    assert report["bgnbd"] is None and report["gamma_gamma"] is None and report["problem"]
    data = json.loads(run("tiers", "--db", url, "--format", "json").stdout)
    assert len(data) == 3 and all(d["predicted_clv"] is None for d in data)
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"         # created on the spot
    assert run("tiers", "--db", empty, "--format", "csv").stdout.splitlines() == [
        ",".join(COLUMNS)]


def test_apply_stores_tiers_and_a_snapshot(demo_url):
    path = demo_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM tier_snapshots").fetchone() == (0,)
    as_of = dt.date.today() - dt.timedelta(days=40)
    month = f"{as_of:%Y-%m}"
    proc = run("tiers", "--db", demo_url, "--apply", "--as-of", as_of.isoformat(),
               "--format", "csv")
    assert len(proc.stdout.splitlines()) == CUSTOMERS + 1
    assert f"snapshot {month}" in proc.stderr and "changed tier" in proc.stderr
    with sqlite3.connect(path) as conn:
        snaps = conn.execute("SELECT month, count(*) FROM tier_snapshots GROUP BY 1").fetchall()
        runs = conn.execute("SELECT as_of, applied_at IS NOT NULL FROM tier_runs").fetchall()
        metrics = conn.execute("SELECT count(*) FROM customer_metrics").fetchone()[0]
        mismatched = conn.execute(
            "SELECT count(*) FROM customers c JOIN customer_metrics m ON m.customer_id = c.id "
            "WHERE c.tier <> m.tier").fetchone()[0]
    assert snaps == [(month, CUSTOMERS)]
    assert runs == [(as_of.isoformat(), 1)] and metrics == CUSTOMERS and mismatched == 0
    again = run("tiers", "--db", demo_url, "--apply", "--as-of", as_of.isoformat(),
                "--fit-report")
    assert "0 customers changed tier" in again.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM tier_snapshots").fetchone() == (CUSTOMERS,)


@pytest.mark.parametrize("value", ["2026-02-30", "yesterday", ""])
def test_bad_as_of_is_a_clear_error(demo_file, value):
    proc = run("tiers", "--db", f"sqlite:///{demo_file}", "--as-of", value, check=False)
    assert proc.returncode == 2
    assert "--as-of" in proc.stderr and repr(value) in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_out_in_a_missing_folder(demo_file, tmp_path):
    proc = run("tiers", "--db", f"sqlite:///{demo_file}", "--out",
               str(tmp_path / "nope" / "t.csv"), "--format", "csv", check=False)
    assert proc.returncode == 2 and "--out" in proc.stderr


def test_help_lists_tiers():
    assert "tiers" in run("--help").stdout
    assert "--fit-report" in run("tiers", "--help").stdout
