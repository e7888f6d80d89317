"""Benchmark the monthly report on the 1,000,000-customer / 10,000,000-order demo: the figures
and the PDF of one month.

    python bench/bench_report.py                       # bench/out/crm_1000000.sqlite3
    python bench/bench_report.py --db sqlite:///other.sqlite3 --month 2026-10 --runs 3

The database is the one ``bench/bench_demo.py --customers 1000000 --db
sqlite:///bench/out/crm_1000000.sqlite3`` writes (about six minutes). Figures (seconds,
medians of ``--runs``): ``figures_s`` the report service for the whole company (every section,
three months each), ``pdf_s`` laying out and writing the PDF, ``total_s`` both, as
``desktop-crm report --out`` does; ``pages``; the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchlib import peak_rss_mb  # noqa: E402

HERE = Path(__file__).resolve().parent




def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=f"sqlite:///{HERE / 'out' / 'crm_1000000.sqlite3'}")
    ap.add_argument("--month", help="YYYY-MM (default: last month)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lang", default="zh_CN")
    args = ap.parse_args()

    from desktop_crm.app import make_app
    from desktop_crm.services.container import Services
    from desktop_crm.services.periods import add_months, month_start
    from desktop_crm.services.report import ReportService
    from desktop_crm.views.report_document import ReportDocument

    make_app(args.lang)
    month = (dt.datetime.strptime(args.month, "%Y-%m").date() if args.month
             else add_months(month_start(dt.date.today()), -1))
    svc = Services.open(args.db)
    figures, pdfs, pages = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            t = time.perf_counter()
            report = ReportService(svc.db, svc.user).build(month)
            figures.append(time.perf_counter() - t)
            t = time.perf_counter()
            pages = ReportDocument(report).save_pdf(os.path.join(tmp, f"report{i}.pdf"))
            pdfs.append(time.perf_counter() - t)
        size = os.path.getsize(os.path.join(tmp, "report0.pdf"))
    svc.close()
    out = {
        "database": args.db, "month": month.strftime("%Y-%m"), "runs": args.runs,
        "sections": [s.key for s in report.sections],
        "figures_s": round(statistics.median(figures), 2),
        "pdf_s": round(statistics.median(pdfs), 2),
        "total_s": round(statistics.median(a + b for a, b in zip(figures, pdfs)), 2),
        "pages": pages, "pdf_kb": round(size / 1024),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "targets": {"total_s": 20, "peak_rss_mb": 1536},
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
