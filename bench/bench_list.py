"""Benchmark the customer list at scale: open, search-as-you-type, sort, memory.

    python bench/bench_list.py --db sqlite:///bench/out/crm_1m.sqlite3 [--runs 5]
    python bench/bench_list.py --customers 1000000     # makes (once) and reuses that file

Drives the real Qt widgets offscreen (MainWindow -> CustomersSection -> CustomerTableModel
-> CustomerService), so a figure is what a user waits for. Prints one JSON object:
medians (and p95 for search) in milliseconds, and the peak resident memory of this process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MiB."""
    cur = peak = 0.0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                cur = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return cur, peak


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def ensure_db(url: str | None, customers: int) -> str:
    if url:
        return url
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    path = out / f"crm_{customers}.sqlite3"
    url = f"sqlite:///{path}"
    if not path.exists():
        from desktop_crm.services.container import Services
        from desktop_crm.services.demo import generate_demo

        print(f"generating {customers:,} demo customers into {path} ...", file=sys.stderr)
        svc = Services.open(url)
        generate_demo(svc.db, customers, seed=1)
        svc.close()
    return url


def sample_queries(svc, n: int, rng: random.Random) -> dict[str, list[str]]:
    """Realistic things to type, taken from the data itself."""
    from sqlalchemy import func, select

    from desktop_crm.models import Customer
    from desktop_crm.services.text import phone_digits

    with svc.db.read() as s:
        total = s.scalar(select(func.count()).select_from(Customer))
        picks = []
        for _ in range(n):
            offset = rng.randrange(total)
            row = s.execute(select(Customer.name, Customer.name_initials, Customer.name_pinyin,
                                   Customer.phone, Customer.code, Customer.kind)
                            .order_by(Customer.id).offset(offset).limit(1)).one()
            picks.append(row)
    q: dict[str, list[str]] = {"chinese_2": [], "chinese_3plus": [], "initials": [],
                               "pinyin": [], "phone": [], "code": []}
    for name, initials, pinyin, phone, code, kind in picks:
        han = [ch for ch in name if "\u4e00" <= ch <= "\u9fff"]
        if len(han) >= 2:
            if kind == "person":
                q["chinese_2"].append("".join(han[:2]))
            else:  # a two-character fragment of a company name, e.g. 华为
                i = rng.randrange(max(1, len(han) - 1))
                q["chinese_2"].append("".join(han[i:i + 2]))
        if len(han) >= 4:
            i = rng.randrange(len(han) - 3)
            q["chinese_3plus"].append("".join(han[i:i + 4]))
        elif len(han) == 3:
            q["chinese_3plus"].append("".join(han))
        if initials:
            q["initials"].append(initials[: min(len(initials), 3)])
        if pinyin:
            q["pinyin"].append(pinyin[:8])
        if phone:
            d = phone_digits(phone)
            q["phone"].append(d[3:8])
        q["code"].append(code.lower())
    return {k: v for k, v in q.items() if v}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    url = ensure_db(args.db, args.customers)
    rng = random.Random(args.seed)

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from desktop_crm.services.container import Services
    from desktop_crm.services.customers import CustomerQuery

    svc = Services.open(url)
    from desktop_crm.views.main_window import MainWindow

    # 1. Opening the section: construction, first page fetched and painted.
    open_times = []
    count_times = []
    window = None
    for _ in range(args.runs):
        if window is not None:
            window.close()
            window.deleteLater()
            app.processEvents()
        t0 = time.perf_counter()
        window = MainWindow(svc)
        window.resize(1400, 900)
        window.show()
        window.customers.table.viewport().repaint()
        app.processEvents()
        open_times.append(time.perf_counter() - t0)
        t1 = time.perf_counter()
        svc.customers.count(CustomerQuery())
        count_times.append(time.perf_counter() - t1)
    QThreadPool.globalInstance().waitForDone()
    app.processEvents()
    section = window.customers
    rows_shown = section.model.rowCount()
    rss_open = rss_mb()[0]

    # 2. Search as you type: the debounced query -> first page in the model -> painted.
    queries = sample_queries(svc, args.queries, rng)
    search: dict[str, dict] = {}
    all_times = []
    for kind, texts in queries.items():
        times, hits = [], []
        for text in texts:
            svc.customers.invalidate_search_cache()  # a cold query, as when typed first
            section.search.blockSignals(True)
            section.search.setText(text)
            section.search.blockSignals(False)
            t0 = time.perf_counter()
            section.apply_filters()
            section.table.viewport().repaint()
            times.append(time.perf_counter() - t0)
            hits.append(section.model.rowCount())
        all_times += times
        search[kind] = {"n": len(times), "median_ms": ms(statistics.median(times)),
                        "p95_ms": ms(sorted(times)[int(0.95 * (len(times) - 1))]),
                        "max_ms": ms(max(times)), "median_rows_in_first_page":
                        statistics.median(hits), "example": texts[0]}
    section.search.setText("")
    section.apply_filters()

    # 3. Sorting by each column (first page shown), both directions.
    from PySide6.QtCore import Qt

    sort = {}
    for col, name in enumerate(section.model.COLUMNS):
        times = []
        for _ in range(max(1, args.runs // 2)):
            for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
                t0 = time.perf_counter()
                section.table.sortByColumn(col, order)
                section.table.viewport().repaint()
                times.append(time.perf_counter() - t0)
        sort[name] = ms(statistics.median(times))
    section.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)

    # 4. Scrolling: fetch 50 more pages as the user drags down.
    t0 = time.perf_counter()
    for _ in range(50):
        section.table.scrollToBottom()
        app.processEvents()
    scroll_s = time.perf_counter() - t0
    QThreadPool.globalInstance().waitForDone()
    cur, peak = rss_mb()

    result = {
        "database": svc.db.describe(),
        "customers": svc.customers.count(CustomerQuery()),
        "open_list_first_rows_ms": {"median": ms(statistics.median(open_times)),
                                    "runs": [ms(t) for t in open_times]},
        "rows_in_first_page": rows_shown,
        "count_all_ms_background": ms(statistics.median(count_times)),
        "search": search,
        "search_all_median_ms": ms(statistics.median(all_times)),
        "search_all_p95_ms": ms(sorted(all_times)[int(0.95 * (len(all_times) - 1))]),
        "sort_first_page_ms": sort,
        "scroll_50_pages": {"seconds": round(scroll_s, 3), "rows_loaded": section.model.rowCount()},
        "rss_mb_list_open": round(rss_open, 1),
        "rss_mb_after_scroll": round(cur, 1),
        "peak_rss_mb": round(peak, 1),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    window.close()
    svc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
