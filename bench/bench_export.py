"""Benchmark the export of every customer of the 1,000,000-customer demo to .xlsx and .csv.

    python bench/bench_export.py                      # bench/out/crm_1000000.sqlite3, read-only
    python bench/bench_export.py --db sqlite:///other.sqlite3 --formats csv --limit-text 科技

The database is the one ``bench/bench_demo.py --customers 1000000 --db
sqlite:///bench/out/crm_1000000.sqlite3`` writes; it is opened read-only (no upgrade, no user
created). Each format runs in a child process of its own, so each peak memory is that export's:
``seconds`` (the whole ``ExportService.export`` call: count, query, conversion, writing,
rename), ``rows``, ``rows_per_s``, ``mb`` (file size), ``peak_rss_mb`` (the child's peak
resident memory) and ``rss_before_mb`` (the same child with the app's modules loaded, before
the export). The default columns, the list's default order (by name). Writes
``bench/RESULTS-export-1m.json`` unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def readonly_url(url: str) -> str:
    """A SQLite URL opened with mode=ro (nothing can be written by mistake)."""
    if url.startswith("sqlite:///") and "?" not in url:
        return f"sqlite:///file:{url[len('sqlite:///'):]}?mode=ro&uri=true"
    return url


def child(args) -> int:
    """One export in this process; prints its figures as JSON."""
    from benchlib import peak_rss_mb

    from sqlalchemy import select

    from desktop_crm.models import User
    from desktop_crm.services.customers import CustomerQuery
    from desktop_crm.services.db import Database
    from desktop_crm.services.exporting import ExportService
    from desktop_crm.services.users import UserInfo

    db = Database(readonly_url(args.db))
    with db.read() as s:
        u = s.scalars(select(User).where(User.role == "admin")).first() or \
            s.scalars(select(User)).first()
        user = UserInfo(u.id, u.username, u.display_name, u.role, u.team, u.active)
    before = peak_rss_mb()
    svc = ExportService(db, user)
    query = CustomerQuery(text=args.text) if args.text else CustomerQuery()
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        path = Path(tmp) / f"customers.{args.child}"
        t = time.perf_counter()
        result = svc.export("customers", path, fmt=args.child, query=query)
        seconds = time.perf_counter() - t
        size = path.stat().st_size
    print(json.dumps({
        "format": args.child, "rows": result.rows, "columns": list(result.columns),
        "seconds": round(seconds, 1), "rows_per_s": round(result.rows / seconds),
        "mb": round(size / 1e6, 1), "rss_before_mb": round(before),
        "peak_rss_mb": round(peak_rss_mb()),
    }))
    db.dispose()
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=f"sqlite:///{HERE / 'out' / 'crm_1000000.sqlite3'}")
    ap.add_argument("--formats", default="csv,xlsx")
    ap.add_argument("--text", default="", help="export only the customers this search finds")
    ap.add_argument("--tmp", default=None, help="folder for the files (default: the system's)")
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)

    out = {"database": args.db.rsplit("/", 1)[-1], "python": sys.version.split()[0],
           "filter": args.text or None, "exports": []}
    for fmt in args.formats.split(","):
        cmd = [sys.executable, __file__, "--db", args.db, "--child", fmt]
        if args.text:
            cmd += ["--text", args.text]
        if args.tmp:
            cmd += ["--tmp", args.tmp]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE,
                              env=dict(os.environ, PYTHONPATH=str(HERE)))
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        out["exports"].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    if not args.no_save:
        (HERE / "RESULTS-export-1m.json").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
