"""Benchmark the demo-data generator.

    python bench/bench_demo.py --customers 1000000 [--runs 1] [--seed 1] [--db URL]

Without --db each run generates into a fresh SQLite file in a temporary directory (removed
afterwards; --keep keeps it). With --db it generates into that database (upgraded first),
adding to what is there. Prints one JSON object per run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_crm.services.db import Database  # noqa: E402
from desktop_crm.services.demo import generate_demo  # noqa: E402


def peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def file_size_mb(path: Path) -> float:
    total = 0
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            total += p.stat().st_size
    return round(total / (1024 * 1024), 1)


def run_once(url: str, customers: int, seed: int, db_file: Path | None) -> dict:
    db = Database(url)
    t = time.perf_counter()
    db.upgrade()
    upgrade_s = time.perf_counter() - t
    last = [time.perf_counter()]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 30 or done == total:
            last[0] = now
            print(f"  {stage} {done}/{total}", file=sys.stderr, flush=True)

    summary = generate_demo(db, customers, seed=seed, progress=progress)
    db.dispose()
    rows = (summary.customers + summary.contacts + summary.orders + summary.interactions
            + summary.activities + summary.opportunities + summary.tickets + summary.users)
    out = {
        "engine": db.dialect,
        "customers": summary.customers,
        "orders": summary.orders,
        "contacts": summary.contacts,
        "interactions": summary.interactions,
        "activities": summary.activities,
        "opportunities": summary.opportunities,
        "tickets": summary.tickets,
        "users": summary.users,
        "rows": rows,
        "seconds": round(summary.seconds, 2),
        "rows_per_second": round(rows / summary.seconds) if summary.seconds else None,
        "upgrade_seconds": round(upgrade_s, 2),
        "peak_rss_mb": peak_rss_mb(),
    }
    if db_file is not None:
        out["file_mb"] = file_size_mb(db_file)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", help="database URL (default: a fresh temporary SQLite file)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    args = ap.parse_args(argv)
    for run in range(args.runs):
        if args.db:
            path = None
            if args.db.startswith("sqlite:///"):
                path = Path(args.db.removeprefix("sqlite:///"))
            result = run_once(args.db, args.customers, args.seed + run, path)
        else:
            tmp = Path(tempfile.mkdtemp(prefix="bench_demo_"))
            path = tmp / "crm.sqlite3"
            try:
                result = run_once(f"sqlite:///{path}", args.customers, args.seed + run, path)
            finally:
                if args.keep:
                    print(f"kept {path}", file=sys.stderr)
                else:
                    for p in tmp.iterdir():
                        p.unlink()
                    os.rmdir(tmp)
        result["run"] = run + 1
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
