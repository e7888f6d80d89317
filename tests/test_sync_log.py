"""The office server's change log for offline replicas (revision 0019), on the real server:
what is recorded, and that a reader by position never skips a transaction that committed
late (the trap of a cursor on a sequence number)."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import desktop_crm.models as models
from desktop_crm.models.base import SyncedMixin
from desktop_crm.services import sync_log
from desktop_crm.services.container import Services
from desktop_crm.services.staff import StaffService


@pytest.fixture
def crm(pg_url):
    svc = Services.open(pg_url, upgrade=True)
    yield svc
    svc.close()


def read_all(svc, position=sync_log.START):
    with svc.db.engine.connect() as conn:
        return sync_log.changes_after(conn, position, limit=10_000)


def test_every_synced_table_is_captured(crm):
    synced = {t.__tablename__ for t in models.Base.__subclasses__() if issubclass(t, SyncedMixin)}
    with crm.db.engine.connect() as conn:
        captured = set(conn.execute(text(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'crm_capture_change'")).scalars())
    # a table added later needs its trigger in its own revision
    assert synced == captured
    assert "sync_conflicts" in captured  # revision 0020


def test_inserts_updates_soft_and_hard_deletes_are_recorded(crm):
    before = read_all(crm)
    start = before[-1].position if before else sync_log.START
    rec = crm.customers.create({"name": "上海华信科技有限公司", "phone": "13812345678"})
    crm.customers.update(rec.id, {"city": "上海", "notes": "老客户"}, rec.version)
    crm.customers.update(rec.id, {"city": "上海"}, rec.version + 1)  # no change: nothing
    crm.customers.delete(rec.id)
    with crm.db.engine.begin() as conn:  # removed for good (what a purge does)
        conn.execute(text("DELETE FROM customer_tags WHERE customer_id = :c"), {"c": rec.id})
        conn.execute(text("DELETE FROM customers WHERE id = :c"), {"c": rec.id})
    mine = [c for c in read_all(crm, start) if c.table == "customers" and c.row_id == rec.id]
    assert [c.op for c in mine] == ["I", "U", "D", "X"]
    assert mine[0].fields is None and mine[3].fields is None
    assert set(mine[1].fields) >= {"city", "notes"}
    assert "version" not in mine[1].fields and "updated_at" not in mine[1].fields
    assert mine[2].fields == ("deleted_at",)
    assert all(c.site_id is None and c.mutation_id is None for c in mine)
    positions = [c.position for c in read_all(crm)]
    assert positions == sorted(positions)


def test_a_push_is_marked_with_its_replica_and_mutation(crm):
    import uuid

    site, mutation = uuid.uuid4(), uuid.uuid4()
    with crm.db.engine.begin() as conn:
        conn.execute(text("SELECT set_config('crm.sync_site', :s, true), "
                          "set_config('crm.sync_mutation', :m, true)"),
                     {"s": str(site), "m": str(mutation)})
        conn.execute(text("INSERT INTO tags (id, name, color, created_at, updated_at, version) "
                          "VALUES (:i, '重点', '', now(), now(), 1)"), {"i": uuid.uuid4()})
    last = read_all(crm)[-1]
    assert (last.table, last.op, last.site_id, last.mutation_id) == ("tags", "I", site, mutation)


def test_a_transaction_that_commits_late_is_not_skipped(crm, pg_url):
    """T1 writes first (smaller seq and position) but commits after T2: a reader between
    the two commits must not move past T1's change, or it never sees it."""
    url = make_url(pg_url)
    conninfo = dict(host=url.host, port=url.port or 5432, dbname=url.database,
                    user=url.username)
    base = read_all(crm)
    cursor = base[-1].position if base else sync_log.START
    insert = ("INSERT INTO tags (id, name, color, created_at, updated_at, version) "
              "VALUES (gen_random_uuid(), %s, '', now(), now(), 1)")
    with psycopg.connect(**conninfo) as t1, psycopg.connect(**conninfo) as t2:
        t1.execute(insert, ("先写后提交",))
        t2.execute(insert, ("后写先提交",))
        t2.commit()
        # the trap: by seq alone, T2's change is readable now and T1's is not yet
        with crm.db.engine.connect() as conn:
            by_seq = conn.execute(text(
                "SELECT seq FROM sync_change_log WHERE seq > :s ORDER BY seq"),
                {"s": cursor[1]}).scalars().all()
        assert len(by_seq) == 1  # a seq cursor would now jump past T1's smaller seq
        # by position: nothing yet, as T1 is still running below T2
        assert read_all(crm, cursor) == []
        t1.commit()
    got = read_all(crm, cursor)
    assert [c.op for c in got] == ["I", "I"]
    assert got[0].seq < got[1].seq  # T1's change first, as it took its place first
    again = read_all(crm, got[-1].position)
    assert again == []  # and reading on from there repeats nothing


def test_staff_read_the_log_but_cannot_write_it(crm, pg_url):
    member, password = StaffService(crm.db, crm.user).add(
        f"reader_{make_url(pg_url).database[-6:]}", "读者", "sales", "", "Passw0rd-Reader")
    crm.customers.create({"name": "看得见的变化", "owner_id": member.id})
    url = make_url(pg_url).set(username=member.username, password=password)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert sync_log.changes_after(conn)  # ids and column names, no values
        with pytest.raises(Exception) as refused, engine.begin() as conn:
            conn.execute(text("DELETE FROM sync_change_log"))
        assert "permission denied" in str(refused.value)
    finally:
        engine.dispose()
