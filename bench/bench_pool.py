"""Benchmark the public pool and lead scoring on a demo database.

    python bench/bench_pool.py --db bench/out/crm_1000000.sqlite3 [--runs 3]
    python bench/bench_pool.py --customers 100000      # makes a demo database first

``return_due`` writes, so every run works on a fresh copy of the database (``cp
--reflink=auto``; the copy is not timed) and the runs are comparable: the first call returns
every customer that is due on the demo data (the demo's history was not made under pool rules,
so most are: the first day the rules are switched on); a second call on the same copy is the
daily run (nothing or little due). One more run, not counted in the medians, measures Python's
peak allocations with tracemalloc. ``scores()`` reads 5,000 open opportunities of the source
database; ``claim()`` is timed on the last copy. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from desktop_crm.models import Customer, Opportunity, User  # noqa: E402
from desktop_crm.services.db import Database  # noqa: E402
from desktop_crm.services.leads import LeadScoringService  # noqa: E402
from desktop_crm.services.pool import PoolRules, PoolService  # noqa: E402
from desktop_crm.services.users import UserService  # noqa: E402


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def copy_db(src: Path, dst: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    if shutil.which("cp"):
        subprocess.run(["cp", "--reflink=auto", str(src), str(dst)], check=True)
    else:
        shutil.copyfile(src, dst)


def checkpoint(url: str) -> None:
    """Upgrade to this app's schema and fold the WAL into the file, so a copy is complete."""
    db = Database(url)
    db.upgrade()
    UserService(db).ensure_local_user()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def return_due_run(src: Path, work: Path, trace: bool = False) -> dict:
    copy_db(src, work)
    db = Database(f"sqlite:///{work}")
    admin = UserService(db).ensure_local_user()
    svc = PoolService(db, admin)
    out: dict = {}
    with db.read() as s:
        out["owned_before"] = s.scalar(select(func.count()).select_from(Customer)
                                       .where(Customer.owner_id.is_not(None)))
    out["select_s"], out["due"] = timed(svc.count_due)
    if trace:
        tracemalloc.start()
    out["first_s"], returned = timed(svc.return_due)
    if trace:
        out["first_traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    out["returned"] = len(returned)
    out["reasons"] = {r: sum(x.reason == r for x in returned) for r in ("no_follow_up", "lost")}
    del returned
    out["daily_s"], again = timed(svc.return_due)
    out["daily_returned"] = len(again)
    db.dispose()
    return out


def scores_bench(url: str, n: int, runs: int) -> dict:
    db = Database(url)
    admin = UserService(db).ensure_local_user()
    with db.read() as s:
        ids = list(s.scalars(select(Opportunity.id).where(Opportunity.status == "open",
                                                          Opportunity.deleted_at.is_(None))
                             .limit(n)))
    svc = LeadScoringService(db, admin)
    svc.scores(ids[:10])  # connect, warm the statement cache
    times = []
    for _ in range(runs):
        t, scores = timed(lambda: svc.scores(ids))
        times.append(t)
    db.dispose()
    return {"opportunities": len(ids), "scored": len(scores),
            "median_ms": round(statistics.median(times) * 1000, 1),
            "min_ms": round(min(times) * 1000, 1)}


def claim_bench(work: Path, n: int) -> dict:
    db = Database(f"sqlite:///{work}")
    admin = UserService(db).ensure_local_user()
    with db.read() as s:
        sales = s.scalars(select(User).where(User.role == "sales", User.active.is_(True))
                          .order_by(User.username)).first()
        pool_ids = list(s.scalars(select(Customer.id).where(Customer.owner_id.is_(None),
                                                            Customer.deleted_at.is_(None))
                                  .limit(n)))
    manager = PoolService(db, admin)
    manager.save_rules(PoolRules(claim_limit_per_day=1000), manager.rules()[1])
    user = UserService(db).get(sales.id)
    svc = PoolService(db, user)
    times = [timed(lambda: svc.claim(cid))[0] for cid in pool_ids]
    t_soon, soon = timed(lambda: svc.due_soon(user.id, 7))
    t_page, page = timed(lambda: svc.pool_page(limit=200))
    t_size, size = timed(svc.pool_size)
    t_hist, _h = timed(lambda: svc.history(pool_ids[0]))
    db.dispose()
    return {"claims": len(times), "claim_median_ms": round(statistics.median(times) * 1000, 2),
            "claim_max_ms": round(max(times) * 1000, 2),
            "due_soon_ms": round(t_soon * 1000, 1), "due_soon_customers": len(soon),
            "pool_page_ms": round(t_page * 1000, 1), "pool_size_ms": round(t_size * 1000, 1),
            "pool_size": size, "history_ms": round(t_hist * 1000, 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="a demo SQLite file (left unchanged but for the upgrade)")
    ap.add_argument("--customers", type=int, default=100_000,
                    help="without --db: size of the demo database to make")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", help="folder for the copies (default: next to the database)")
    args = ap.parse_args(argv)
    tmp = None
    if args.db:
        src = Path(args.db)
    else:
        from desktop_crm.services.demo import generate_demo

        tmp = Path(tempfile.mkdtemp(prefix="bench_pool_"))
        src = tmp / "demo.sqlite3"
        db = Database(f"sqlite:///{src}")
        db.upgrade()
        generate_demo(db, args.customers, seed=1)
        db.dispose()
    work_dir = Path(args.work) if args.work else src.parent
    work = work_dir / f".bench_pool_{src.stem}.sqlite3"
    try:
        url = f"sqlite:///{src}"
        checkpoint(url)
        with Database(url).engine.connect() as conn:
            customers = conn.exec_driver_sql("SELECT count(*) FROM customers").scalar()
        runs = [return_due_run(src, work) for _ in range(args.runs)]
        traced = return_due_run(src, work, trace=True)
        result = {
            "customers": customers,
            "return_due": {
                "runs": args.runs,
                "owned_before": runs[0]["owned_before"],
                "returned_first": runs[0]["returned"],
                "reasons": runs[0]["reasons"],
                "select_median_s": round(statistics.median(r["select_s"] for r in runs), 2),
                "first_median_s": round(statistics.median(r["first_s"] for r in runs), 2),
                "first_all_s": [round(r["first_s"], 2) for r in runs],
                "daily_median_s": round(statistics.median(r["daily_s"] for r in runs), 2),
                "daily_returned": runs[0]["daily_returned"],
                "first_traced_peak_mb": traced["first_traced_peak_mb"],
            },
            "scores": scores_bench(url, 5000, 7),
            "claim": claim_bench(work, 30),
            "peak_rss_mb": peak_rss_mb(),
        }
        print(json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
