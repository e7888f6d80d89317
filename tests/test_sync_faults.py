"""Offline sync under faults (issue 9, ../shared/SYNC.md), on the real PostgreSQL server.

(a) A sync cut at every push batch boundary and inside a batch (the server connection
terminated, the local acknowledgement failing before or after its commit), at every pull page
(failing after the page is applied, the server connection terminated while a page is read),
and the sync process killed with SIGKILL: the next sync completes and ends in the state an
uninterrupted sync of an identical setup ends in (server rows, replica rows, conflicts).
(b) Idempotence: a second sync transfers nothing; a batch sent again after its
acknowledgement was lost changes nothing on the server."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select, text

from desktop_crm.models import Customer, SyncConflict
from desktop_crm.services import replica, sync
from desktop_crm.services.container import Services
from tests.conftest import _pg_admin_engine, _pg_database
from tests.test_sync_model import wait_for_horizon

FIELDS = ("code", "name", "phone", "notes", "email", "province", "city", "address")


class Setup:
    """An office with six customers, a replica, edits on both sides (three of them the same
    fields: conflicts) and three customers made on the laptop: nine outbox entries."""

    def __init__(self, url: str, path: str):
        self.url, self.path = url, path
        self.office = Services.open(url, upgrade=True)
        o = self.office.customers
        ids = [o.create({"name": f"客户{i}号", "phone": f"1380000000{i}"}).id for i in range(6)]
        self.ids = ids
        db = sync.create_replica(self.office.db, path, encrypted=False)
        db.dispose()
        self.rep = Services.open(db.url)
        r = self.rep.customers

        def edit(svc, i, changes):
            svc.update(ids[i], changes, expected_version=svc.get(ids[i]).version)

        edit(r, 0, {"phone": "13911110000"})
        edit(r, 1, {"notes": "笔记本上的备注"})
        edit(r, 2, {"province": "浙江", "city": "杭州", "address": "文一路1号"})
        edit(r, 3, {"name": "客户3号(笔记本)", "email": "c3@example.com"})
        r.delete(ids[4])
        for i in range(3):
            r.create({"name": f"笔记本新客户{i}", "phone": f"1370000000{i}"})
        edit(r, 0, {"notes": "一个条目里的第二次修改"})  # joins entry 1
        edit(o, 1, {"notes": "办公室的备注"})  # conflict
        edit(o, 2, {"city": "宁波"})  # conflict on the address unit
        edit(o, 3, {"phone": "13822223333"})  # another field: both kept
        edit(o, 5, {"email": "c5@example.com", "notes": "办公室改的"})  # pulled
        o.delete(ids[3])  # edited on the laptop, deleted at the office: a conflict
        self.entries = replica.pending_count(self.rep.db)
        self.service = sync.SyncService(self.rep.db, self.office.db)

    def sync(self, **kw):
        wait_for_horizon(self.office)
        return self.service.run(**kw)

    def caught_up(self) -> bool:
        """Whether the last pull read the whole change log: it cannot while a transaction of
        this database is still running below its newest change."""
        with self.office.db.engine.connect() as conn:
            last = conn.execute(text("SELECT pos, seq FROM sync_change_log "
                                     "ORDER BY pos DESC, seq DESC LIMIT 1")).first()
        return last is None or replica.state(self.rep.db).cursor >= tuple(last)

    def settled_sync(self):
        """A sync whose pull read everything (syncs again while the horizon was held)."""
        for _ in range(10):
            result = self.sync()
            if self.caught_up():
                return result
        pytest.fail("the database's horizon stayed behind the change log")

    def close(self):
        self.service.close()
        self.rep.close()
        self.office.close()

    def state(self) -> dict:
        """Server and replica rows and conflicts, by what a person sees (ids differ between
        two identical setups)."""
        return {"server": _state(self.office.db), "replica": _state(self.rep.db),
                "outbox": replica.pending_count(self.rep.db)}


def _state(db) -> dict:
    c, k = Customer.__table__, SyncConflict.__table__
    with db.engine.connect() as conn:
        rows = conn.execute(select(c.c.id, c.c.deleted_at, *[c.c[f] for f in FIELDS]))\
            .mappings().all()
        names = {r["id"]: r["name"] for r in rows}
        custs = sorted(tuple(r[f] for f in FIELDS) + (r["deleted_at"] is not None,)
                       for r in rows)
        conflicts = sorted(
            (x["kind"], x["table_name"], names.get(x["row_id"], "?"), x["field"],
             json.dumps(x["base_value"], sort_keys=True, ensure_ascii=False),
             json.dumps(x["mine_value"], sort_keys=True, ensure_ascii=False),
             json.dumps(_timeless(x["theirs_value"]), sort_keys=True, ensure_ascii=False),
             x["resolution"])
            for x in conn.execute(select(k)).mappings())
    return {"customers": custs, "conflicts": conflicts}


def _timeless(v):
    """A deletion time differs between two setups; that there is one does not."""
    if isinstance(v, dict) and v.get("deleted_at"):
        return dict(v, deleted_at="<time>")
    return v


@pytest.fixture
def setups(_pg_template, tmp_path):
    """Makes identical setups, each on a database of its own; closes and drops them."""
    with contextlib.ExitStack() as stack:
        made = []

        def make() -> Setup:
            url = stack.enter_context(_pg_database(_pg_template))
            s = Setup(url, str(tmp_path / f"r{len(made)}.sqlite3"))
            stack.callback(s.close)
            made.append(s)
            return s

        yield make


@pytest.fixture
def reference(setups):
    """What an uninterrupted sync (and one more) ends in."""
    s = setups()
    first = s.sync()
    assert first.pushed == s.entries and first.conflicts == 3, first
    s.settled_sync()
    out = s.state()
    assert out["outbox"] == 0
    server = {r[1]: r for r in out["server"]["customers"]}
    assert server["客户0号"][2:4] == ("+8613911110000", "一个条目里的第二次修改")
    assert server["客户1号"][3] == "办公室的备注"
    assert server["客户2号"][5:8] == ("", "宁波", "")
    assert server["客户3号(笔记本)"][2] == "+8613822223333" and not server["客户3号(笔记本)"][-1]
    assert server["客户4号"][-1] and server["客户5号"][4] == "c5@example.com"
    assert {"笔记本新客户0", "笔记本新客户1", "笔记本新客户2"} <= set(server)
    assert out["server"] == out["replica"]
    return out


def _finish(s: Setup, expected: dict) -> None:
    """After the cut: a sync completes, one more transfers nothing, the end state is the
    uninterrupted one."""
    s.settled_sync()
    again = s.sync()
    assert (again.pushed, again.pulled) == (0, 0), again
    assert s.state() == expected


def _kill_own_backend(conn) -> None:
    pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    admin = _pg_admin_engine()
    with admin.connect() as a:
        a.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    admin.dispose()


class Cut(Exception):
    pass


# -- (a) cut at every point -------------------------------------------------------------------

def test_push_cut_inside_and_between_batches(setups, reference, monkeypatch):
    """The server connection terminated before the k-th entry is applied, two entries per
    batch: k odd is inside a batch, k even at its start."""
    monkeypatch.setattr(sync, "PUSH_BATCH", 2)
    apply = sync._Push.apply
    k = 0
    while True:
        k += 1
        s = setups()
        calls = [0]

        def cut(self, e, calls=calls, k=k):
            calls[0] += 1
            if calls[0] == k:
                _kill_own_backend(self.conn)
            return apply(self, e)

        monkeypatch.setattr(sync._Push, "apply", cut)
        try:
            s.sync()
            cut_happened = False
        except sync.SyncError as exc:
            assert exc.code == "unreachable", exc
            cut_happened = True
        monkeypatch.setattr(sync._Push, "apply", apply)
        _finish(s, reference)
        if not cut_happened:
            break
    assert k > s.entries


@pytest.mark.parametrize("when", ["before", "after"])
def test_acknowledgement_fails_before_or_after_its_commit(setups, reference, monkeypatch, when):
    """The server committed the k-th batch; the laptop's acknowledgement fails before its
    commit (the acknowledgement is lost: the batch goes again) or after it."""
    monkeypatch.setattr(sync, "PUSH_BATCH", 2)
    ack = sync.SyncService._acknowledge
    k = 0
    while True:
        k += 1
        s = setups()
        calls = [0]

        def cut(self, batch, outcomes, calls=calls, k=k):
            calls[0] += 1
            if calls[0] == k and when == "before":
                raise Cut(k)
            ack(self, batch, outcomes)
            if calls[0] == k:
                raise Cut(k)

        monkeypatch.setattr(sync.SyncService, "_acknowledge", cut)
        try:
            s.sync()
            cut_happened = False
        except Cut:
            cut_happened = True
        monkeypatch.setattr(sync.SyncService, "_acknowledge", ack)
        _finish(s, reference)
        if not cut_happened:
            break
    assert k > 1


@pytest.mark.parametrize("how", ["after_page", "while_reading"])
def test_pull_cut_at_every_page(setups, reference, monkeypatch, how):
    """Pages of two changes; the sync fails after the k-th page is applied, or the server
    connection is terminated while the k-th page's rows are read."""
    monkeypatch.setattr(sync, "PULL_PAGE", 2)
    apply_page, fetch = sync.SyncService._apply_page, sync._fetch
    k = 0
    while True:
        k += 1
        s = setups()
        calls = [0]

        def after_page(self, *a, calls=calls, k=k, **kw):
            out = apply_page(self, *a, **kw)
            calls[0] += 1
            if calls[0] == k:
                raise Cut(k)
            return out

        def reading(conn, t, ids, calls=calls, k=k):
            calls[0] += 1
            if calls[0] == k:
                _kill_own_backend(conn)
            return fetch(conn, t, ids)

        if how == "after_page":
            monkeypatch.setattr(sync.SyncService, "_apply_page", after_page)
        else:
            monkeypatch.setattr(sync, "_fetch", reading)
        try:
            s.sync()
            cut_happened = False
        except Cut:
            cut_happened = True
        except sync.SyncError as exc:
            assert exc.code == "unreachable", exc
            cut_happened = True
        monkeypatch.setattr(sync.SyncService, "_apply_page", apply_page)
        monkeypatch.setattr(sync, "_fetch", fetch)
        _finish(s, reference)
        if not cut_happened:
            break
    assert k > 2


CHILD = textwrap.dedent("""
    import sys, time
    from desktop_crm.services import sync
    from desktop_crm.services.db import Database
    sync.PUSH_BATCH, sync.PULL_PAGE = 1, 2
    def progress(phase, done, total):
        print(phase, done, flush=True)
        time.sleep(0.3)
    service = sync.SyncService(Database(sys.argv[1]), Database(sys.argv[2]))
    service.run(progress=progress)
    print("finished", flush=True)
""")


@pytest.mark.parametrize("phase, marks", [("push", 6), ("pull", 2)])
def test_sync_process_killed(setups, reference, phase, marks):
    """The sync process killed with SIGKILL after its n-th progress report of a phase (one
    entry per push batch, pages of two changes); the next sync in this process finishes the
    work."""
    s = setups()
    wait_for_horizon(s.office)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, s.rep.db.url, s.url], stdout=subprocess.PIPE,
        text=True, env=dict(os.environ, PYTHONPATH=os.getcwd()))
    seen = []
    try:
        for line in child.stdout:
            seen.append(line.strip())
            if sum(1 for x in seen if x.startswith(phase)) == marks:
                child.send_signal(signal.SIGKILL)
                break
    finally:
        child.wait(30)
        child.stdout.close()
    assert "finished" not in seen and seen[-1].startswith(phase), seen
    _finish(s, reference)


# -- (b) idempotence --------------------------------------------------------------------------

def _server_snapshot(office) -> dict:
    with office.db.engine.connect() as conn:
        return {
            "customers": sorted(tuple(r) for r in conn.execute(text(
                "SELECT id, version, code, name, phone, notes, email, province, city, address,"
                " deleted_at FROM customers"))),
            "conflicts": sorted(tuple(map(str, r)) for r in conn.execute(text(
                "SELECT id, version, kind, row_id, field, mine_value::text FROM sync_conflicts"
            ))),
            "ledger": conn.execute(text("SELECT count(*) FROM sync_applied_mutations"))
            .scalar(),
            "changes": conn.execute(text("SELECT count(*) FROM sync_change_log")).scalar(),
        }


def test_a_second_sync_transfers_nothing(setups):
    s = setups()
    first = s.sync()
    assert first.pushed == s.entries and first.pulled > 0
    caught_up = s.caught_up()
    before = _server_snapshot(s.office)
    second = s.sync()
    assert (second.pushed, second.conflicts) == (0, 0), second
    if caught_up:  # (else the first pull could not read its own push back yet)
        assert second.pulled == 0, second
    s.settled_sync()
    third = s.sync()
    assert (third.pushed, third.pulled, third.conflicts) == (0, 0, 0), third
    assert _server_snapshot(s.office) == before


def test_a_batch_sent_again_after_a_lost_acknowledgement_changes_nothing(setups, reference,
                                                                         monkeypatch):
    """The whole outbox in one batch: the server commits it, the acknowledgement is lost.
    The same batch sent again finds its mutation ids in the ledger: no row, version,
    conflict or change-log entry more."""
    s = setups()
    ack = sync.SyncService._acknowledge

    def lost(self, batch, outcomes):
        raise Cut("acknowledgement lost")

    monkeypatch.setattr(sync.SyncService, "_acknowledge", lost)
    with pytest.raises(Cut):
        s.sync()
    monkeypatch.setattr(sync.SyncService, "_acknowledge", ack)
    assert replica.pending_count(s.rep.db) == s.entries  # still to be acknowledged
    before = _server_snapshot(s.office)
    assert len(before["conflicts"]) == 3
    sent = []
    send = sync.SyncService._send

    def spy(self, batch, result):
        sent.append(len(batch))
        return send(self, batch, result)

    monkeypatch.setattr(sync.SyncService, "_send", spy)
    result = s.sync()
    assert sent == [s.entries] and result.pushed == s.entries
    assert result.conflicts == 0, result  # nothing new decided
    assert _server_snapshot(s.office) == before
    assert replica.pending_count(s.rep.db) == 0
    _finish(s, reference)
