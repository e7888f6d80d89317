"""The audit log as people read it: a record's history, the admins' search and export, on a
real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from desktop_crm.models import AuditEntry
from desktop_crm.services.audit import AuditQuery, AuditService
from desktop_crm.services.customers import CustomerService
from desktop_crm.services.errors import PermissionDenied
from desktop_crm.services.users import UserService

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def people(db):
    users = UserService(db)
    admin = users.ensure_local_user()
    anna = users.create("anna", "安娜", "sales")
    bob = users.create("bob", "Bob", "manager")
    return admin, anna, bob


def test_history_of_a_customer_edited_twice(db, people):
    admin, anna, _bob = people
    made = CustomerService(db, admin.id).create({"name": "张三", "tier": "basic"})
    one = CustomerService(db, anna.id).update(made.id, {"name": "张三丰"}, made.version)
    CustomerService(db, admin.id).update(made.id, {"tier": "growth", "owner_id": anna.id},
                                         one.version)

    # anyone may read a record's history: here a salesperson
    rows = AuditService(db, anna).record_history("customers", made.id)
    changes = [(r.action, r.field, r.old_value, r.new_value, r.user) for r in rows]
    assert ("update", "name", "张三", "张三丰", "安娜") in changes
    assert ("update", "tier", "basic", "growth", admin.display_name) in changes
    assert changes[-1][0] == "create"  # newest first: the creation is last
    assert [r.at for r in rows] == sorted((r.at for r in rows), reverse=True)
    owner = next(r for r in rows if r.field == "owner_id")
    assert owner.new_value == str(anna.id) and owner.new_text == "安娜"
    assert all(r.record.endswith("张三丰") for r in rows)
    # another customer's history is not mixed in
    other = CustomerService(db, admin.id).create({"name": "李四"})
    assert [r.row_id for r in AuditService(db, anna).record_history("customers", made.id)
            ] == [made.id] * len(rows)
    assert len(AuditService(db, anna).record_history("customers", other.id)) == 1


def _fill(db, people, n=460):
    """``n`` audit rows over ``n // 4`` minutes: four rows share each time (one save of four
    fields), so pages must break ties on the id. Users, tables and texts rotate."""
    admin, anna, bob = people
    who = [admin.id, anna.id, bob.id]
    tables = ["customers", "tickets", "opportunities", "contacts"]
    with db.session() as s:
        for i in range(n):
            s.add(AuditEntry(at=T0 + dt.timedelta(minutes=i // 4), user_id=who[i % 3],
                             table_name=tables[(i // 4) % 4], row_id=uuid.uuid4(),
                             action="update", field=f"f{i % 4}", old_value=f"old {i}",
                             new_value="北京" if i % 10 == 0 else f"new {i}"))


def _all(svc, query, limit):
    rows, after, pages = [], None, 0
    while True:
        page = svc.search(query, after=after, limit=limit)
        rows.extend(page.rows)
        pages += 1
        if not page.has_more:
            return rows, pages
        after = page.rows[-1].key


def test_search_pages_and_filters(db, people):
    admin, anna, bob = people
    _fill(db, people)
    svc = AuditService(db, admin)
    rows, pages = _all(svc, AuditQuery(), 200)
    assert len(rows) == 460 and pages == 3
    assert len({r.id for r in rows}) == 460  # no row twice, none skipped
    keys = [r.key for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert {r.new_value for r in rows[:4]} == {f"new {i}" for i in range(456, 460)}

    mine, _ = _all(svc, AuditQuery(user_id=anna.id), 50)
    assert len(mine) == len([i for i in range(460) if i % 3 == 1])
    assert {r.user for r in mine} == {"安娜"}

    tickets, _ = _all(svc, AuditQuery(table="tickets"), 37)
    assert len(tickets) == len([i for i in range(460) if (i // 4) % 4 == 1]) and {r.table for r in tickets} == {"tickets"}

    since, until = T0 + dt.timedelta(minutes=10), T0 + dt.timedelta(minutes=20)
    window, _ = _all(svc, AuditQuery(since=since, until=until), 7)
    assert len(window) == 40 and all(since <= r.at < until for r in window)

    both, _ = _all(svc, AuditQuery(user_id=bob.id, table="customers", since=since), 200)
    assert both and all(r.user == "Bob" and r.table == "customers" and r.at >= since
                        for r in both)

    beijing, _ = _all(svc, AuditQuery(text="北京"), 200)
    assert len(beijing) == 46 and {r.new_value for r in beijing} == {"北京"}
    assert len(_all(svc, AuditQuery(text="OLD 45"), 200)[0]) == 11  # 45, 450..459
    assert _all(svc, AuditQuery(text="100%"), 200)[0] == []  # % is not a wildcard

    one = rows[0]
    assert [r.id for r in svc.search(AuditQuery(row_id=one.row_id)).rows] == [one.id]
    assert set(svc.tables()) == {"customers", "tickets", "opportunities", "contacts"}
    assert {u.display_name for u in svc.users()} >= {"安娜", "Bob"}


def test_salesperson_may_not_search_or_export(db, people, tmp_path):
    _admin, anna, bob = people
    out = tmp_path / "out"
    out.mkdir()
    for user in (anna, bob):
        svc = AuditService(db, user)
        with pytest.raises(PermissionDenied) as e:
            svc.search(AuditQuery())
        assert e.value.args[0] == "permission:audit"
        with pytest.raises(PermissionDenied):
            svc.tables()
        with pytest.raises(PermissionDenied):
            svc.export(AuditQuery(), out / "log.csv")
    assert list(out.iterdir()) == []


def test_the_audit_right_can_be_granted(db, people):
    _admin, _anna, bob = people
    _fill(db, people, 8)
    granted = dataclasses.replace(bob, permissions=("audit",))
    assert len(AuditService(db, granted).search(AuditQuery()).rows) == 8


def test_sensitive_values_masked_as_on_the_form(db, people):
    """A salesperson reads a pool customer's history with its phones and e-mails masked (as
    the customer form shows them); the owner and whoever may see them read them whole."""
    admin, anna, bob = people
    svc = CustomerService(db, admin.id)
    pool = svc.create({"name": "公海客户", "phone": "13812345678"})
    svc.update(pool.id, {"phone": "13900001111", "email": "wang@example.com", "city": "北京"},
               pool.version)
    own = svc.create({"name": "安娜的客户", "phone": "13812345678", "owner_id": anna.id})
    svc.update(own.id, {"phone": "13700002222"}, own.version)

    def change(user, customer_id, field):
        rows = AuditService(db, user).record_history("customers", customer_id)
        r = next(r for r in rows if r.field == field)
        return r.old_text, r.new_text, r.old_value, r.new_value

    old, new, old_raw, new_raw = change(anna, pool.id, "phone")
    assert "1234" not in (old or "") + (old_raw or "") and old.endswith("5678")
    assert "*" in old and "*" in new and new_raw == new and "0000" not in new
    assert change(anna, pool.id, "email")[1] == "w***@example.com"
    assert change(anna, pool.id, "city")[1] == "北京"  # not a sensitive field
    assert change(anna, own.id, "phone")[:2] == ("+8613812345678", "+8613700002222")
    assert change(bob, pool.id, "phone")[1] == "+8613900001111"  # a manager sees phones
    assert change(admin, pool.id, "email")[1] == "wang@example.com"


def test_export_csv_and_xlsx(db, people, tmp_path):
    admin, anna, _bob = people
    made = CustomerService(db, anna.id).create({"name": "北京华为科技有限公司"})
    CustomerService(db, anna.id).update(made.id, {"city": "深圳", "notes": "=1+1"},
                                        made.version)
    svc = AuditService(db, admin, tz=SHANGHAI)
    query = AuditQuery(user_id=anna.id)

    n = svc.export(query, tmp_path / "log.csv")
    assert n == 3
    raw = (tmp_path / "log.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert lines[0] == ["时间", "用户", "记录类型", "记录", "操作", "字段", "原值", "新值"]
    city = next(r for r in lines[1:] if r[5] == "city")
    assert city[1:] == ["安娜", "客户", f"{made.code} 北京华为科技有限公司", "修改", "city",
                        "", "深圳"]
    rows = svc.record_history("customers", made.id)
    local = rows[0].at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
    assert lines[1][0] == local
    assert lines[-1][4] == "新建"

    n = svc.export(query, tmp_path / "log.xlsx", lang="en",
                   names={("field", "city"): "城市"})
    assert n == 3
    book = load_workbook(tmp_path / "log.xlsx")
    assert book.sheetnames == ["Audit log"]
    ws = book.active
    values = list(ws.iter_rows(values_only=True))
    assert values[0] == ("Time", "User", "Record type", "Record", "Action", "Field", "Old value",
                         "New value")
    by_field = {v[5]: v for v in values[1:]}
    assert by_field["城市"][1:] == ("安娜", "Customers", f"{made.code} 北京华为科技有限公司",
                                   "Changed", "城市", None, "深圳")
    assert by_field["notes"][7] == "=1+1"  # text, not a formula
    assert by_field["城市"][0] == rows[0].at.astimezone(SHANGHAI).replace(tzinfo=None,
                                                                     microsecond=0)
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".log")] == []


def test_failed_export_leaves_no_file(db, people, tmp_path):
    admin, anna, _bob = people
    _fill(db, people, 40)
    svc = AuditService(db, admin)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "log.xlsx"
    target.write_bytes(b"the old file")

    def stop(_stage, done, _total):
        return False

    from desktop_crm.services.errors import Cancelled

    with pytest.raises(Cancelled):
        svc.export(AuditQuery(), target, progress=stop)
    assert target.read_bytes() == b"the old file"
    assert sorted(f.name for f in out.iterdir()) == ["log.xlsx"]
