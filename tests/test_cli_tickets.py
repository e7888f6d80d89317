"""``desktop-crm tickets`` as a subprocess on a real SQLite file: the open tickets with their
SLA clocks, filters, formats, and a clear refusal of an unknown assignee."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess

from desktop_crm.services.container import Services

from .test_cli import run as cli

UTC = dt.timezone.utc


def run(*args: str) -> subprocess.CompletedProcess:
    return cli(*args, env_extra={"TZ": "Asia/Shanghai"}, check=False)


def test_tickets_list_filters_and_formats(sqlite_url):
    svc = Services.open(sqlite_url)
    agent = svc.users.create("kefu", "客服小王", "service")
    cid = svc.customers.create({"name": "上海华信科技有限公司"}).id
    now = dt.datetime.now(UTC)
    old = svc.tickets.create({"customer_id": cid, "subject": "打印机卡纸", "priority": "urgent",
                              "assignee_id": agent.id}, now=now - dt.timedelta(days=20))
    fresh = svc.tickets.create({"customer_id": cid, "subject": "发票抬头错误"}, now=now)
    done = svc.tickets.create({"customer_id": cid, "subject": "已解决的"}, now=now)
    svc.tickets.resolve(done.id, done.version, satisfaction=5, now=now)
    svc.close()

    table = run("tickets", "--db", sqlite_url)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["NUMBER", "SUBJECT", "CUSTOMER"]
    assert old.number in lines[1] and "breached" in lines[1]  # the most urgent first
    assert fresh.number in table.stdout and done.number not in table.stdout
    assert lines[-1] == "(2 tickets)"

    breached = json.loads(run("tickets", "--db", sqlite_url, "--breached",
                              "--format", "json").stdout)
    assert [t["number"] for t in breached["tickets"]] == [old.number]
    assert breached["tickets"][0]["left_minutes"] < 0

    every = run("tickets", "--db", sqlite_url, "--status", "all", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(every.stdout.lstrip("\ufeff"))))
    assert {r["number"] for r in rows} == {old.number, fresh.number, done.number}
    assert next(r for r in rows if r["number"] == done.number)["sla"] == "met"

    mine = json.loads(run("tickets", "--db", sqlite_url, "--assignee", "客服小王",
                          "--format", "json").stdout)
    assert [t["number"] for t in mine["tickets"]] == [old.number]

    escalated = json.loads(run("tickets", "--db", sqlite_url, "--escalate",
                               "--format", "json").stdout)
    assert escalated["escalated"] >= 1

    bad = run("tickets", "--db", sqlite_url, "--assignee", "nobody")
    assert bad.returncode == 2 and "nobody" in bad.stderr and "kefu" in bad.stderr
