"""Offline replicas and sync (issue 9), on the real PostgreSQL server and real SQLite files:
field merges, same-field conflicts and their resolution, edit versus delete both ways, a
customer code taken twice, look-alike new customers, permissions and their changes, schema
versions, idempotence, and a week offline against a week at the office."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from desktop_crm.services import replica
from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services.staff import StaffService
from desktop_crm.services.sync import SyncError, SyncService, create_replica
from desktop_crm.services.sync_conflicts import SyncConflictService


@pytest.fixture
def office(pg_url):
    svc = Services.open(pg_url, upgrade=True)
    yield svc
    svc.close()


class Laptop:
    """A replica file and the app's services on it, as a salesperson's laptop has them."""

    def __init__(self, office: Services, path, server_url: str | None = None):
        from desktop_crm.services.db import Database

        server = Database(server_url) if server_url else office.db
        self.server = server
        create_replica(server, str(path), encrypted=False).dispose()
        self.svc = Services.open(f"sqlite:///{path}")
        self.sync_service = SyncService(self.svc.db, server=server)

    def sync(self, **kw):
        return self.sync_service.run(**kw)

    def pending(self) -> int:
        return replica.pending_count(self.svc.db)

    def conflicts(self):
        return SyncConflictService(self.svc.db, self.svc.user)

    def close(self):
        self.svc.close()


@pytest.fixture
def laptops(office, tmp_path):
    made: list[Laptop] = []

    def make(name="laptop", server_url=None):
        lp = Laptop(office, tmp_path / f"{name}.sqlite3", server_url)
        made.append(lp)
        return lp

    yield make
    for lp in made:
        lp.close()
        if lp.server is not office.db:
            lp.server.dispose()


def edit(svc: Services, cid, **changes):
    cur = svc.customers.get(cid)
    return svc.customers.update(cid, changes, expected_version=cur.version)


def server_conflicts(office: Services):
    return SyncConflictService(office.db, office.user).list()


def test_a_replica_holds_the_office_data_and_works_as_its_user(office, laptops):
    c = office.customers.create({"name": "上海甲有限公司", "phone": "13812345678", "city": "上海"})
    lp = laptops()
    assert lp.svc.user.id == office.user.id
    got = lp.svc.customers.get(c.id)
    assert (got.name, got.phone, got.city) == ("上海甲有限公司", "+8613812345678", "上海")
    st = replica.state(lp.svc.db)
    assert st is not None and st.user_id == office.user.id
    assert "***" not in st.server_url  # the password stays in the keyring
    # search works on the replica as at the office (Chinese, initials)
    for term in ("甲有限", "shjyxgs", "1381234"):
        assert [r.id for r in lp.svc.customers.page(CustomerQuery(text=term)).rows] == [c.id]
    assert lp.pending() == 0


def test_different_fields_merge_and_the_same_field_is_a_conflict_resolved_by_choice(
        office, laptops):
    a = office.customers.create({"name": "甲公司", "phone": "13812345678", "city": "上海"})
    b = office.customers.create({"name": "乙公司", "notes": "原始备注"})
    lp = laptops()
    edit(lp.svc, a.id, phone="13811112222")       # laptop: phone
    edit(office, a.id, city="杭州")               # office: the address unit
    edit(lp.svc, b.id, notes="笔记本上的备注")
    edit(office, b.id, notes="办公室的备注")
    assert lp.pending() == 2
    result = lp.sync()
    assert (result.pushed, result.conflicts) == (2, 1)
    assert lp.pending() == 0
    for svc in (office, lp.svc):
        got = svc.customers.get(a.id)
        assert (got.phone, got.city) == ("+8613811112222", "杭州")  # merged field by field
        assert svc.customers.get(b.id).notes == "办公室的备注"  # the server keeps its value
    [conflict] = lp.conflicts().list()
    assert (conflict.kind, conflict.field, conflict.record) == ("field", "notes", "乙公司")
    assert conflict.base == {"notes": "原始备注"}
    assert conflict.mine == {"notes": "笔记本上的备注"}
    assert conflict.theirs == {"notes": "办公室的备注"}
    assert conflict.mine_at is not None and conflict.user
    # the office sees it too, and the laptop's user resolves it by taking their value
    assert [x.id for x in server_conflicts(office)] == [conflict.id]
    lp.conflicts().resolve(conflict.id, "mine")
    lp.sync()
    assert office.customers.get(b.id).notes == "笔记本上的备注"
    assert server_conflicts(office) == []
    assert lp.conflicts().list() == []


def test_an_address_is_one_unit(office, laptops):
    c = office.customers.create({"name": "地址公司", "province": "江苏", "city": "南京",
                                 "address": "中山路1号"})
    lp = laptops()
    edit(lp.svc, c.id, address="中山路2号")
    edit(office, c.id, city="苏州")
    lp.sync()
    got = office.customers.get(c.id)
    assert (got.city, got.address) == ("苏州", "中山路1号")  # not a mix of two addresses
    [conflict] = lp.conflicts().list()
    assert conflict.field == "address"
    assert conflict.mine == {"province": "江苏", "city": "南京", "address": "中山路2号"}
    assert conflict.theirs == {"province": "江苏", "city": "苏州", "address": "中山路1号"}


def test_edit_versus_delete_keeps_the_record_both_ways(office, laptops):
    one = office.customers.create({"name": "笔记本删除的"})
    two = office.customers.create({"name": "办公室删除的"})
    lp = laptops()
    lp.svc.customers.delete(one.id)          # laptop deletes what the office edits
    edit(office, one.id, notes="办公室刚更新")
    edit(lp.svc, two.id, notes="笔记本上的拜访记录")  # laptop edits what the office deletes
    office.customers.delete(two.id)
    result = lp.sync()
    assert result.conflicts == 2
    for svc in (office, lp.svc):
        first, second = svc.customers.get(one.id), svc.customers.get(two.id)
        assert first.deleted_at is None and first.notes == "办公室刚更新"
        assert second.deleted_at is None and second.notes == "笔记本上的拜访记录"
    kinds = sorted((x.record, x.kind) for x in lp.conflicts().list())
    assert kinds == [("办公室删除的", "delete"), ("笔记本删除的", "delete")]
    # deciding: the office's delete stands after all
    which = {x.record: x for x in lp.conflicts().list()}
    lp.conflicts().resolve(which["办公室删除的"].id, "theirs")
    lp.conflicts().resolve(which["笔记本删除的"].id, "mine")
    lp.sync()
    assert office.customers.get(two.id).deleted_at is not None
    assert office.customers.get(one.id).deleted_at is not None


def test_two_laptops_take_the_same_customer_code(office, laptops):
    first, second = laptops("first"), laptops("second")
    a = first.svc.customers.create({"name": "甲方新客户"})
    b = second.svc.customers.create({"name": "乙方新客户"})
    assert a.code == b.code  # both continued the same counter offline
    first.sync()
    result = second.sync()
    assert result.conflicts == 1
    codes = {office.customers.get(a.id).code, office.customers.get(b.id).code}
    assert len(codes) == 2  # both kept, one under a new code
    [conflict] = second.conflicts().list()
    assert conflict.kind == "unique" and conflict.field == "code"
    assert conflict.mine == {"code": b.code}
    assert conflict.theirs == {"code": office.customers.get(b.id).code}
    assert second.svc.customers.get(b.id).code == office.customers.get(b.id).code
    second.conflicts().resolve(conflict.id, "dismiss")
    assert second.conflicts().list() == []


def test_two_new_customers_that_look_alike_are_flagged_not_merged(office, laptops):
    first, second = laptops("first"), laptops("second")
    a = first.svc.customers.create({"name": "杭州西湖茶叶有限公司", "phone": "13700001111"})
    b = second.svc.customers.create({"name": "杭州西湖茶叶有限公司", "phone": "13700001111"})
    first.sync()
    second.sync()
    assert office.customers.get(a.id) and office.customers.get(b.id)  # both kept
    flags = [x for x in server_conflicts(office) if x.kind == "duplicate"]
    assert [(x.row_id, x.other_row_id) for x in flags] == [(b.id, a.id)]


def test_a_replica_holds_only_what_its_user_may_see_and_follows_permission_changes(
        office, laptops, pg_url):
    staff = StaffService(office.db, office.user)
    suffix = make_url(pg_url).database[-6:]
    me, _ = staff.add(f"rep_{suffix}", "销售甲", "sales", "", "Passw0rd-Sales1")
    other, _ = staff.add(f"oth_{suffix}", "销售乙", "sales", "", "Passw0rd-Sales2")
    mine = office.customers.create({"name": "我的客户", "owner_id": me.id})
    office.customers.add_contact(mine.id, {"name": "王经理", "phone": "13600000000"})
    theirs = office.customers.create({"name": "别人的客户", "owner_id": other.id})
    lp = laptops("sales", server_url=make_url(pg_url).set(username=me.username)
                 .render_as_string(hide_password=False))
    assert lp.svc.user.id == me.id
    with lp.svc.db.engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM customers")).scalars())
    assert names == {"我的客户"}
    # the office hands the other customer to this salesperson and takes theirs away
    edit(office, theirs.id, owner_id=me.id)
    edit(lp.svc, mine.id, notes="离线写的备注")  # unsent when the customer is taken away
    edit(office, mine.id, owner_id=other.id)
    lp.sync()
    with lp.svc.db.engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM customers")).scalars())
        contacts = conn.execute(text("SELECT count(*) FROM contacts")).scalar()
    assert names == {"别人的客户"}
    assert contacts == 0  # the customer's rows left with it
    # the unsent note was not lost: the server refused it (no longer theirs) and says so
    flagged = [x for x in server_conflicts(office) if x.row_id == mine.id]
    assert flagged and flagged[0].mine and flagged[0].mine.get("notes") == "离线写的备注"
    # a salesperson's replica cannot write what the server's rules refuse
    with lp.svc.db.engine.begin() as conn:
        conn.execute(text("UPDATE customers SET owner_id = :o, notes = 'hijack'"),
                     {"o": other.id.hex})
    lp.sync()
    assert office.customers.get(theirs.id).notes != "hijack"


def test_a_replica_and_a_server_on_different_schemas_refuse_to_sync(office, laptops):
    lp = laptops()
    office.customers.create({"name": "升级前"})
    c = lp.svc.customers.create({"name": "离线新建"})
    with office.db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0019'"))
    try:
        with pytest.raises(SyncError) as refused:
            lp.sync()
        assert refused.value.code == "server_older"
        assert refused.value.details["server"] == "0019"
    finally:
        with office.db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :h"),
                         {"h": office.db.head_revision()})
    assert lp.pending() == 1  # kept for the sync after the upgrade
    assert replica.history(lp.svc.db)[0].outcome == "failed"
    lp.sync()
    assert office.customers.get(c.id).name == "离线新建"


def test_unsent_changes_survive_reopening_the_replica(office, laptops, tmp_path):
    lp = laptops()
    c = lp.svc.customers.create({"name": "重开之后"})
    lp.svc.close()
    lp.svc = Services.open(f"sqlite:///{tmp_path / 'laptop.sqlite3'}")  # an app upgrade
    lp.sync_service = SyncService(lp.svc.db, server=office.db)
    assert lp.pending() == 1
    lp.sync()
    assert office.customers.get(c.id).name == "重开之后"


def test_a_second_sync_transfers_nothing(office, laptops):
    lp = laptops()
    for i in range(5):
        lp.svc.customers.create({"name": f"离线客户{i}"})
        office.customers.create({"name": f"办公室客户{i}"})
    first = lp.sync()
    assert first.pushed == 5 and first.pulled >= 10
    again = lp.sync()
    assert (again.pushed, again.pulled) == (0, 0)


def test_an_edit_made_during_a_sync_survives_it(office, laptops):
    c = office.customers.create({"name": "同步中编辑"})
    lp = laptops()
    edit(lp.svc, c.id, notes="同步前")
    done = []

    def progress(phase, *_):
        if phase == "pull" and not done:  # the user types while the sync runs
            edit(lp.svc, c.id, phone="13522223333")
            done.append(1)

    lp.sync(progress=progress)
    assert office.customers.get(c.id).phone == "+8613522223333"
    assert lp.pending() == 0


def test_a_week_offline_against_a_week_at_the_office(office, laptops):
    """The scripted week: a salesperson's laptop and the office both edit, some of the same
    customers; after one sync both are one database and every conflict is listed."""
    customers = [office.customers.create({"name": f"客户{i:02d}", "notes": "周一"})
                 for i in range(20)]
    lp = laptops()
    # the laptop's clock is a year ahead: nothing is decided by it
    with lp.svc.db.engine.begin() as conn:
        conn.execute(text("SELECT 1"))
    for day, c in enumerate(customers[:10]):
        edit(lp.svc, c.id, notes=f"笔记本 第{day}天")
    for c in customers[5:15]:
        edit(office, c.id, notes="办公室")
    for c in customers[15:]:
        edit(office, c.id, phone="13300000000")
        edit(lp.svc, c.id, notes="拜访了")
    new = [lp.svc.customers.create({"name": f"新客户{i}"}) for i in range(3)]
    with lp.svc.db.engine.begin() as conn:  # a year ahead
        conn.execute(text("UPDATE sync_outbox SET made_at = datetime(made_at, '+1 year')"))
    result = lp.sync()
    assert result.conflicts == 5  # customers 5..9: the same field on both sides
    for c in customers + new:
        here, there = lp.svc.customers.get(c.id), office.customers.get(c.id)
        assert (here.name, here.notes, here.phone) == (there.name, there.notes, there.phone)
    conflicts = lp.conflicts().list()
    assert sorted(x.record for x in conflicts) == [f"客户{i:02d}" for i in range(5, 10)]
    assert all(x.mine_at.year == dt.datetime.now().year + 1 for x in conflicts)
    assert office.customers.get(customers[0].id).notes == "笔记本 第0天"
    assert office.customers.get(customers[15].id).phone == "+8613300000000"
    assert office.customers.get(customers[15].id).notes == "拜访了"
    assert uuid.UUID(str(new[0].id)) and office.customers.get(new[0].id).name == "新客户0"


def test_an_encrypted_replica_syncs_and_shows_nothing_readable(office, tmp_path,
                                                               memory_keyring):
    c = office.customers.create({"name": "保密客户有限公司", "phone": "13912345678",
                                 "notes": "Confidential Trading Co"})
    path = tmp_path / "secret.sqlite3"
    rep_db = create_replica(office.db, str(path), encrypted=True)
    rep_db.dispose()
    from desktop_crm.services.cipher import encrypted_url, key_for

    assert key_for(path)
    laptop = Services.open(encrypted_url(path))
    try:
        assert laptop.customers.get(c.id).name == "保密客户有限公司"
        assert [r.id for r in laptop.customers.page(CustomerQuery(text="保密")).rows] == [c.id]
        edit(laptop, c.id, notes="Visited Secretly Ltd")
        edit(office, c.id, city="深圳")
        sync = SyncService(laptop.db, server=office.db)
        sync.run()
        assert office.customers.get(c.id).notes == "Visited Secretly Ltd"
        assert laptop.customers.get(c.id).city == "深圳"
    finally:
        laptop.close()
    assert not path.with_name(path.name + ".part").exists()
    data = b"".join(p.read_bytes() for p in tmp_path.glob("secret.sqlite3*"))
    for secret in ("保密客户有限公司", "Confidential Trading", "Visited Secretly", "13912345678",
                   "深圳"):
        assert secret.encode("utf-8") not in data


def test_the_command_line_makes_a_replica_syncs_it_and_resolves_a_conflict(office, tmp_path):
    from tests.test_cli import run

    c = office.customers.create({"name": "命令行客户", "notes": "起初"})
    path = tmp_path / "cli.sqlite3"
    made = run("replica", "create", "--server", office.db.url, "--file", str(path), "--plain")
    assert "1 customers" in made.stdout
    url = f"sqlite:///{path}"
    laptop = Services.open(url)
    edit(laptop, c.id, notes="笔记本")
    laptop.close()
    edit(office, c.id, notes="办公室")
    synced = run("sync", "--db", url, "--json")
    result = json.loads(synced.stdout)
    assert (result["pushed"], result["conflicts"], result["rejected"]) == (1, 1, 0)
    [conflict] = json.loads(run("conflicts", "--db", url, "--json").stdout)
    assert (conflict["mine"], conflict["theirs"]) == ({"notes": "笔记本"}, {"notes": "办公室"})
    run("conflicts", "--db", url, "--resolve", conflict["id"], "mine")
    again = json.loads(run("sync", "--db", url, "--json").stdout)
    assert again["pushed"] == 2
    assert office.customers.get(c.id).notes == "笔记本"
    # an office database is no replica: a clear message, exit 1
    refused = run("sync", "--db", office.db.url, check=False)
    assert refused.returncode == 1 and "is not an offline replica" in refused.stderr


def _raw_connection(url: str):
    import psycopg

    u = make_url(url)
    return psycopg.connect(host=u.host or "127.0.0.1", port=u.port or 5432, dbname=u.database,
                           user=u.username or "root")


def test_a_late_committing_office_transaction_is_pulled_not_skipped(office, laptops, pg_url):
    early = office.customers.create({"name": "早开始的事务"})
    later = office.customers.create({"name": "晚开始的事务"})
    lp = laptops()
    slow = _raw_connection(pg_url)
    try:
        # T1 takes its place first and stays open ...
        slow.execute("UPDATE customers SET notes = '慢事务' WHERE id = %s", (early.id,))
        t1 = int(slow.execute("SELECT pg_current_xact_id()::text").fetchone()[0])
        # ... T2 starts after it and commits first
        edit(office, later.id, notes="快事务")
        lp.sync()
        # the cursor stays below T1, which could still add changes before T2's
        assert replica.state(lp.svc.db).cursor[0] < t1
        assert lp.svc.customers.get(early.id).notes == ""
        slow.commit()
    finally:
        slow.close()
    lp.sync()
    assert lp.svc.customers.get(early.id).notes == "慢事务"
    assert lp.svc.customers.get(later.id).notes == "快事务"


def test_a_long_transaction_in_another_database_does_not_hold_the_pull_back(
        office, laptops):
    c = office.customers.create({"name": "别的库不影响"})
    lp = laptops()
    other = _raw_connection(make_url(office.db.url).set(database="postgres")
                            .render_as_string(hide_password=False))
    try:
        other.execute("SELECT pg_current_xact_id()")  # a running transaction with an id
        edit(office, c.id, notes="办公室更新")
        lp.sync()
        assert lp.svc.customers.get(c.id).notes == "办公室更新"
    finally:
        other.rollback()
        other.close()


def test_a_replica_offline_longer_than_the_log_keeps_pushes_then_reads_everything_again(
        office, laptops):
    from tests.test_cli import run

    gone = office.customers.create({"name": "期间被删除"})
    kept = office.customers.create({"name": "期间被修改"})
    lp = laptops()
    mine = lp.svc.customers.create({"name": "离线新建的"})
    edit(lp.svc, kept.id, notes="笔记本")
    edit(office, kept.id, phone="13100000000")
    with office.db.engine.begin() as conn:  # a record removed for good at the office
        conn.execute(text("DELETE FROM customers WHERE id = :i"), {"i": gone.id})
        conn.execute(text("UPDATE sync_change_log SET at = at - interval '100 days'"))
    out = run("sync-log", "prune", "--keep-days", "30", "--db", office.db.url)
    assert "removed" in out.stdout
    result = lp.sync()
    assert result.redownloaded
    with lp.svc.db.engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM customers")).scalars())
    assert names == {"期间被修改", "离线新建的"}  # the removal reached the laptop anyway
    got = lp.svc.customers.get(kept.id)
    assert (got.notes, got.phone) == ("笔记本", "+8613100000000")
    assert office.customers.get(mine.id).name == "离线新建的"
    again = lp.sync()
    assert not again.redownloaded and (again.pushed, again.pulled) == (0, 0)


def test_a_new_team_changes_what_the_replica_holds(office, laptops, pg_url):
    staff = StaffService(office.db, office.user)
    suffix = make_url(pg_url).database[-6:]
    boss, _ = staff.add(f"mgr_{suffix}", "经理", "manager", "", "Passw0rd-Mgr1")
    seller, _ = staff.add(f"sel_{suffix}", "销售", "sales", "", "Passw0rd-Sel1")
    office.customers.create({"name": "经理的客户", "owner_id": boss.id})
    theirs = office.customers.create({"name": "销售的客户", "owner_id": seller.id})
    office.customers.add_contact(theirs.id, {"name": "联系人甲"})
    lp = laptops("boss", server_url=make_url(pg_url).set(username=boss.username)
                 .render_as_string(hide_password=False))
    with lp.svc.db.engine.connect() as conn:
        assert set(conn.execute(text("SELECT name FROM customers")).scalars()) == {"经理的客户"}
    staff.update(seller.id, manager_id=boss.id)
    result = lp.sync()
    assert result.redownloaded
    with lp.svc.db.engine.connect() as conn:
        assert set(conn.execute(text("SELECT name FROM customers")).scalars()) == {
            "经理的客户", "销售的客户"}
        assert conn.execute(text("SELECT name FROM contacts")).scalars().all() == ["联系人甲"]


def test_a_replica_of_a_new_office_database_makes_no_second_set_of_defaults(office, laptops):
    with office.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pipeline_stages")).scalar() == 0
    lp = laptops()
    # what the app does on first use: the board's stages, the calendar's holidays
    assert len(lp.svc.pipeline.stages()) == 6
    year = dt.date.today().year
    lp.svc.holidays.ensure_years([year, year + 1])
    assert lp.pending() == 0
    # a year the office has not seeded yet: the laptop's days stay on the laptop, and the
    # office's own replace them at the next sync
    assert lp.svc.holidays.ensure_years([year + 5]) == [year + 5]
    assert lp.pending() == 0
    office.holidays.ensure_years([year + 5])
    lp.sync()
    with office.db.engine.connect() as conn:
        theirs = set(conn.execute(text(
            "SELECT id FROM holidays WHERE day >= :d"), {"d": dt.date(year + 5, 1, 1)}).scalars())
    with lp.svc.db.engine.connect() as conn:
        mine = {uuid.UUID(hex=x) for x in conn.execute(text(
            "SELECT id FROM holidays WHERE day >= :d"), {"d": dt.date(year + 5, 1, 1)}).scalars()}
    assert mine == theirs and theirs
    with office.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pipeline_stages")).scalar() == 6


def test_a_customer_made_during_a_sync_keeps_its_code_until_the_server_gives_another(
        office, laptops, monkeypatch):
    from desktop_crm.services import sync

    office.customers.create({"name": "第一位"})
    lp = laptops()
    theirs = office.customers.create({"name": "办公室新客户"})  # takes the next code
    made = []
    fetch = sync._fetch

    def typed_meanwhile(conn, t, ids):
        if not made:  # typed in while the pull reads the office's rows: the same code
            made.append(lp.svc.customers.create({"name": "同步中新建"}))
        return fetch(conn, t, ids)

    monkeypatch.setattr(sync, "_fetch", typed_meanwhile)
    lp.sync()
    monkeypatch.setattr(sync, "_fetch", fetch)
    mine = made[0]
    assert mine.code == office.customers.get(theirs.id).code
    assert lp.svc.customers.get(mine.id).code == mine.code  # never a temporary "~" code
    lp.sync()
    for svc in (office, lp.svc):
        assert svc.customers.get(theirs.id).code == theirs.code
        assert svc.customers.get(mine.id).code not in (theirs.code, mine.code)
    assert lp.svc.customers.get(mine.id).code == office.customers.get(mine.id).code
    assert [(x.kind, x.field) for x in lp.conflicts().list()] == [("unique", "code")]
    again = lp.sync()
    assert (again.pushed, again.pulled) == (0, 0)
