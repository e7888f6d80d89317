"""``desktop-crm pool``, the real command run as a subprocess, on both engines."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import update

from desktop_crm.models import Customer
from desktop_crm.services.container import Services

from .test_cli import run


def _fill(url: str) -> str:
    """A pool customer, a customer not followed up for 40 days and a new one (both owned by
    王芳); returns the login name the command runs as."""
    svc = Services.open(url, upgrade=True)
    try:
        sales = svc.users.create("wangfang", "王芳", "sales")
        old = svc.customers.create({"name": "久未跟进有限公司", "tier": "basic",
                                    "owner_id": sales.id})
        svc.customers.create({"name": "公海客户", "owner_id": None})
        svc.customers.create({"name": "新客户", "tier": "basic", "owner_id": sales.id})
        with svc.db.session() as s:
            s.execute(update(Customer).where(Customer.id == old.id).values(
                created_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=40)))
        return svc.user.username
    finally:
        svc.close()


def test_return_due_as_json(db_url):
    admin = _fill(db_url)
    out = json.loads(run("--db", db_url, "pool", "--return-due", "--format", "json").stdout)
    code = out["returned"][0].pop("code")
    assert code.startswith("C")
    assert out == {"pool_size": 2, "user": admin, "claim_limit_per_day": 10,
                   "claims_left_today": 10,
                   "returned": [{"name": "久未跟进有限公司", "tier": "basic", "owner": "王芳",
                                 "reason": "no_follow_up", "days": 30}]}


def test_pool_table(sqlite_url):
    admin = _fill(sqlite_url)
    lines = run("pool", "--db", sqlite_url, "--return-due").stdout.splitlines()
    assert lines[:3] == ["Public pool: 2 customers", f"Claims left today for {admin}: 10 of 10",
                         "Returned to the pool now: 1"]
    assert lines[3].split() == ["CODE", "NAME", "TIER", "OWNER", "REASON", "DAYS"]
    assert lines[4].split()[1:] == ["久未跟进有限公司", "basic", "王芳", "no_follow_up", "30"]
