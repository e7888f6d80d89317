"""Offline sync at size (issue 9): making a laptop's replica of a big office database, and an
incremental sync of 1,000 changes each way.

    python bench/bench_sync.py --db postgresql+psycopg://root@127.0.0.1/crm_bench_sync \
        [--prepare 100000] [--small-db postgresql+psycopg://root@127.0.0.1/crm_bench_sync_10k \
        [--prepare-small 10000]] [--runs 3] [--edits 1000] [--out bench/RESULTS-sync-100k.json]

``--db`` is the schema owner's URL of the bench database. ``--prepare N`` (once) creates that
database if it does not exist (through the server's ``postgres`` database), upgrades it and
fills it with N demo customers (``generate_demo``: orders, contacts, interactions, activities,
opportunities, tickets); later runs reuse it. ``--small-db`` / ``--prepare-small`` the same
for a smaller database, measured by the incremental round only, to show that a sync's cost
follows the changes, not the database's size.

Measured:

1. ``create_replica`` (``encrypted=False``; ``encrypted=True`` only when this tree has
   ``services/cipher.py``): median of ``--runs``, peak memory of the process, the replica
   file's size and rows per table.
2. Incremental: ``--edits`` customers edited on the replica through ``CustomerService.update``
   (notes, phone2, city: three fields each, the outbox triggers capture them) and ``--edits``
   other customers edited at the office by one SQL ``UPDATE`` (the server's triggers write the
   change log), then one ``SyncService.run``, timed; median of ``--runs`` rounds on one
   replica, with pushed / pulled counts and the rows the sync read from the server (change
   log entries, fetched rows) and the server's own counters (``pg_stat_database``
   tup_returned / tup_fetched of the bench database during the sync).

Prints one JSON object and writes it to ``--out``. The bench keeps to 3 server connections.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import peak_rss_mb  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _log(*a) -> None:
    print(*a, file=sys.stderr, flush=True)


# -- preparing a bench database ------------------------------------------------------------

def prepare(url: str, customers: int) -> None:
    """Create (if missing), upgrade and fill the bench database with demo data, once."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from desktop_crm.services.container import Services
    from desktop_crm.services.demo import generate_demo

    u = make_url(url)
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          poolclass=__import__("sqlalchemy.pool", fromlist=["NullPool"])
                          .NullPool)
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": u.database}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{u.database}"'))
    admin.dispose()
    svc = Services.open(url, upgrade=True)  # migrates; makes the first admin user
    try:
        with svc.db.engine.connect() as conn:
            have = conn.execute(text("SELECT count(*) FROM customers")).scalar_one()
            conn.rollback()
        if have >= customers:
            _log(f"{u.database}: {have} customers already, nothing to prepare")
            return
        last = [time.perf_counter()]

        def progress(stage, done, total):
            if time.perf_counter() - last[0] > 20 or done == total:
                last[0] = time.perf_counter()
                _log(f"  {stage} {done}/{total}")

        t = time.perf_counter()
        s = generate_demo(svc.db, customers - have, seed=1, progress=progress)
        _log(f"{u.database}: {s.customers} customers, {s.orders} orders, {s.activities} "
             f"activities, {s.opportunities} opportunities in {time.perf_counter() - t:.0f}s")
        with svc.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
    finally:
        svc.close()


# -- 1. making a replica ---------------------------------------------------------------------

def _replica_rows(path: Path) -> dict[str, int]:
    from desktop_crm.services import replica

    conn = sqlite3.connect(str(path))
    try:
        return {t.name: conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
                for t in replica.synced_tables()}
    finally:
        conn.close()


def _create_child(url: str, path: str, encrypted: bool, profile: str | None) -> dict:
    """One create_replica in a process of its own (its peak memory is its own)."""
    from desktop_crm.services import sync as S
    from desktop_crm.services.db import Database

    server = Database(url)
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    t = time.perf_counter()
    rep = S.create_replica(server, path, encrypted=encrypted, name="bench")
    seconds = time.perf_counter() - t
    if prof is not None:
        prof.disable()
        prof.dump_stats(profile)
    rep.dispose()
    server.dispose()
    return {"seconds": seconds, "peak_rss_mb": round(peak_rss_mb(), 1)}


def _in_child(fn, *args):
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(fn, args)


def bench_create(url: str, workdir: Path, runs: int, encrypted: bool,
                 profile: str | None, label: str = "large") -> tuple[dict, Path]:
    """create_replica ``runs`` times; returns the figures and the last replica's path."""
    results, path = [], None
    for i in range(runs):
        if path is not None:
            path.unlink()
        path = workdir / f"replica-{label}-{'enc' if encrypted else 'plain'}.sqlite3"
        r = _in_child(_create_child, url, str(path), encrypted,
                      profile if i == runs - 1 else None)
        _log(f"  create_replica encrypted={encrypted}: {r['seconds']:.1f}s "
             f"peak {r['peak_rss_mb']} MB")
        results.append(r)
    rows = _replica_rows(path) if not encrypted else {}
    return {
        "runs": [round(r["seconds"], 2) for r in results],
        "median_s": round(statistics.median(r["seconds"] for r in results), 2),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "rows": rows,
        "rows_total": sum(rows.values()),
    }, path


# -- 2. an incremental round -----------------------------------------------------------------

class _Counting:
    """Counts what a sync reads from the server through sync_log.changes_after and the
    row fetches of sync.py (pulled rows and the rows of records new to the replica)."""

    def __init__(self):
        from desktop_crm.services import sync as S
        from desktop_crm.services import sync_log

        self.S, self.sync_log = S, sync_log
        self.log_entries = 0
        self.fetched = 0
        self._orig = (sync_log.changes_after, S._fetch)

        def changes_after(conn, position=sync_log.START, limit=1000):
            out = self._orig[0](conn, position, limit)
            self.log_entries += len(out)
            return out

        def fetch(conn, t, ids):
            out = self._orig[1](conn, t, ids)
            self.fetched += len(out)
            return out

        sync_log.changes_after = changes_after
        S._fetch = fetch

    def reset(self) -> None:
        self.log_entries = self.fetched = 0

    def close(self) -> None:
        self.sync_log.changes_after, self.S._fetch = self._orig


def _server_reads(conn) -> dict[str, int]:
    """The bench database's own table counters (all sessions on it; nobody else uses it)."""
    from sqlalchemy import text

    conn.execute(text("SELECT pg_stat_clear_snapshot()"))
    r = conn.execute(text(
        "SELECT coalesce(sum(seq_scan), 0), coalesce(sum(seq_tup_read), 0), "
        "coalesce(sum(idx_scan), 0), coalesce(sum(idx_tup_fetch), 0) "
        "FROM pg_stat_user_tables")).one()
    return {"seq_scans": int(r[0]), "seq_rows_read": int(r[1]), "index_scans": int(r[2]),
            "index_rows_fetched": int(r[3])}


def _big_scans(conn) -> dict[str, int]:
    from sqlalchemy import text

    conn.execute(text("SELECT pg_stat_clear_snapshot()"))
    return {r[0]: int(r[1]) for r in conn.execute(text(
        "SELECT relname, seq_tup_read FROM pg_stat_user_tables"))}


def bench_incremental(url: str, replica_path: Path, rounds: int, edits: int,
                      profile: str | None, label: str) -> dict:
    """``rounds`` rounds of: ``edits`` edits on the replica through the services, ``edits``
    edits at the office, one sync (timed)."""
    import random

    from sqlalchemy import select, text

    from desktop_crm.models import Customer
    from desktop_crm.services import replica
    from desktop_crm.services import sync as S
    from desktop_crm.services.container import Services
    from desktop_crm.services.db import Database

    office = Database(url)
    rep = Services.open(f"sqlite:///{replica_path}")
    with rep.db.engine.connect() as lc:
        ids = list(lc.execute(select(Customer.id).where(Customer.deleted_at.is_(None)))
                   .scalars())
    rnd = random.Random(9)
    counting = _Counting()
    out_rounds = []
    try:
        # a sync with nothing to do first: what a sync costs by itself
        svc = S.SyncService(rep.db)
        t = time.perf_counter()
        idle = svc.run()
        idle_s = time.perf_counter() - t
        svc.close()
        for rnd_no in range(rounds):
            pick = rnd.sample(ids, 2 * edits)
            mine, theirs = pick[:edits], pick[edits:]
            t = time.perf_counter()
            for n, cid in enumerate(mine):
                rec = rep.customers.get(cid)
                rep.customers.update(cid, {
                    "notes": f"laptop {rnd_no}-{n} {uuid.uuid4().hex[:6]}",
                    "phone2": f"139{rnd.randrange(10**8):08d}",
                    "address": f"笔记本路 {rnd_no}-{n} 号"}, expected_version=rec.version)
            replica_edit_s = time.perf_counter() - t
            outbox = replica.pending_count(rep.db)
            t = time.perf_counter()
            with office.engine.begin() as conn:
                conn.execute(text(
                    "UPDATE customers SET notes = 'office ' || left(md5(random()::text), 8), "
                    "phone = '138' || lpad((floor(random() * 1e8))::bigint::text, 8, '0'), "
                    "version = version + 1, updated_at = now() WHERE id = ANY(:ids)"),
                    {"ids": theirs})
            office_edit_s = time.perf_counter() - t
            with office.engine.connect() as conn:
                before = _server_reads(conn)
                scans_before = _big_scans(conn)
                conn.rollback()
            office.dispose()  # its stats are flushed; the sync has the server to itself
            counting.reset()
            prof = None
            if profile and rnd_no == rounds - 1:
                import cProfile

                prof = cProfile.Profile()
                prof.enable()
            t = time.perf_counter()
            svc = S.SyncService(rep.db)
            res = svc.run()
            svc.close()  # its connections end: their counters reach pg_stat
            seconds = time.perf_counter() - t
            if prof is not None:
                prof.disable()
                prof.dump_stats(profile)
            time.sleep(0.2)
            with office.engine.connect() as conn:
                after = _server_reads(conn)
                scans_after = _big_scans(conn)
                conn.rollback()
            big = {k: v - scans_before.get(k, 0) for k, v in scans_after.items()
                   if v - scans_before.get(k, 0) > 10000}
            r = {"sync_s": round(seconds, 3), "pushed": res.pushed, "pulled": res.pulled,
                 "conflicts": res.conflicts, "rejected": res.rejected, "pages": res.pages,
                 "outcomes": dict(res.outcomes), "outbox_before": outbox,
                 "outbox_after": replica.pending_count(rep.db),
                 "change_log_entries_read": counting.log_entries,
                 "rows_fetched_for_pull": counting.fetched,
                 "server_reads": {k: after[k] - before[k] for k in after},
                 "tables_scanned_over_10k_rows": big,
                 "replica_edit_s": round(replica_edit_s, 2),
                 "office_edit_s": round(office_edit_s, 2)}
            _log(f"  [{label}] round {rnd_no + 1}: {json.dumps(r)}")
            out_rounds.append(r)
    finally:
        counting.close()
        rep.close()
        office.dispose()
    return {
        "edits_each_way": edits,
        "median_sync_s": round(statistics.median(r["sync_s"] for r in out_rounds), 3),
        "idle_sync_s": round(idle_s, 3),
        "idle_sync": {"pushed": idle.pushed, "pulled": idle.pulled},
        "rounds": out_rounds,
    }


# -- main ------------------------------------------------------------------------------------

def _customers(url: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    e = create_engine(url, poolclass=NullPool)
    with e.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM customers WHERE deleted_at IS NULL"))\
            .scalar_one()
    e.dispose()
    return int(n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="schema owner's URL of the bench database")
    ap.add_argument("--prepare", type=int, metavar="N", help="fill --db with N customers first")
    ap.add_argument("--small-db", help="a smaller bench database (incremental round only)")
    ap.add_argument("--prepare-small", type=int, metavar="N")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--skip-create", action="store_true",
                    help="no create_replica timings (one replica is still made)")
    ap.add_argument("--profile", metavar="DIR", help="cProfile the last run of each phase")
    ap.add_argument("--workdir", help="where the replicas go (default: a temporary folder)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS-sync-100k.json"))
    args = ap.parse_args(argv)

    if args.prepare:
        prepare(args.db, args.prepare)
    if args.small_db and args.prepare_small:
        prepare(args.small_db, args.prepare_small)
    prof_dir = Path(args.profile) if args.profile else None
    if prof_dir:
        prof_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench_sync_"))
    workdir.mkdir(parents=True, exist_ok=True)
    from sqlalchemy.engine import make_url

    out: dict = {"scenario": "sync", "database": make_url(args.db).database,
                 "customers": _customers(args.db)}
    try:
        runs = 1 if args.skip_create else args.runs
        _log("create_replica, plain")
        out["create_replica"], path = bench_create(
            args.db, workdir, runs, False, str(prof_dir / "create.prof") if prof_dir else None)
        if (ROOT / "desktop_crm" / "services" / "cipher.py").exists():
            _log("create_replica, encrypted")
            enc, enc_path = bench_create(args.db, workdir, runs, True, None)
            out["create_replica_encrypted"] = enc
            enc_path.unlink()
        else:
            out["create_replica_encrypted"] = {
                "skipped": "desktop_crm/services/cipher.py is not in this tree"}
        _log("incremental")
        out["incremental"] = bench_incremental(
            args.db, path, args.runs, args.edits,
            str(prof_dir / "incremental.prof") if prof_dir else None, "large")
        if args.small_db:
            small: dict = {"database": make_url(args.small_db).database,
                           "customers": _customers(args.small_db)}
            _log("small database: one replica, then the incremental rounds")
            c, spath = bench_create(args.small_db, workdir, 1, False, None, "small")
            small["create_replica"] = c
            small["incremental"] = bench_incremental(args.small_db, spath, args.runs,
                                                     args.edits, None, "small")
            out["small"] = small
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    out["targets"] = {
        "create_replica_under_60s": out["create_replica"]["median_s"] < 60,
        "incremental_1000_each_way_under_5s": out["incremental"]["median_sync_s"] < 5,
    }
    if "small" in out:
        a, b = out["incremental"], out["small"]["incremental"]
        out["targets"]["incremental_time_ratio_large_to_small"] = round(
            a["median_sync_s"] / b["median_sync_s"], 2) if b["median_sync_s"] else None
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(out, ensure_ascii=False), flush=True)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
