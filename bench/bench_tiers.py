"""Benchmark the tier computation at scale, and the CLV models on the CDNOW sample.

    python bench/bench_tiers.py                                  # the 1M-customer demo file
    python bench/bench_tiers.py --db sqlite:///bench/out/small.sqlite3 --runs 5
    python bench/bench_tiers.py --apply                          # also apply (changes the DB)

Calls the services the Tiers section and ``desktop-crm tiers`` use (``TierService``), so a
figure is what a user waits for. Prints one JSON object: medians of ``--runs`` runs in seconds
(``compute`` with its per-stage breakdown, ``save``, ``report``, loading the last run's chart
data, listing the customers of one RFM cell), ``apply`` once with ``--apply`` (it writes every
changed customer and the month's snapshot), one computation as of a year before (the
temporary-table path), the CDNOW timings, and the peak resident memory of this process.
``save`` stores a run each time (derived data: the latest run is what the app shows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DB = f"sqlite:///{HERE / 'out' / 'crm_1000000.sqlite3'}"


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def timed(fn, runs: int) -> tuple[list[float], object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def med(times: list[float]) -> float:
    return round(statistics.median(times), 4)


def cdnow_part() -> dict:
    """summary_from_transactions on the CDNOW transactions, and the BG/NBD + Gamma-Gamma fits
    on the published CDNOW summary (weeks), with the estimates to compare with FHL 2005."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    import cdnow

    from desktop_crm.services import clv

    tx = cdnow.load_cdnow_transactions()
    calib = tx[tx["date"] <= "1997-09-30"]
    t_summary, summary = timed(lambda: clv.summary_from_transactions(
        calib, cdnow.CALIBRATION_END, amount_col="amount", time_unit="W"), 5)
    published = cdnow.load_cdnow_summary()
    t_fit, bg = timed(lambda: clv.fit_bgnbd(published["frequency"], published["recency"],
                                            published["T"], time_unit="W"), 5)
    money = cdnow.load_cdnow_summary_with_monetary_value()
    rep = money[money["frequency"] > 0]
    t_gg, gg = timed(lambda: clv.fit_gamma_gamma(rep["frequency"], rep["monetary_value"]), 5)
    return {
        "transactions": len(tx),
        "calibration_transactions": len(calib),
        "customers": len(summary),
        "summary_from_transactions_s": med(t_summary),
        "fit_bgnbd_s": med(t_fit),
        "fit_gamma_gamma_s": med(t_gg),
        "bgnbd": {k: round(getattr(bg, k), 4) for k in ("r", "alpha", "a", "b")}
        | {"log_likelihood": round(bg.log_likelihood, 2)},
        "bgnbd_published": {"r": 0.2425, "alpha": 4.4136, "a": 0.7929, "b": 2.4259,
                            "log_likelihood": -9582.4},
        "gamma_gamma": {k: round(getattr(gg, k), 4) for k in ("p", "q", "v")},
        "gamma_gamma_published": {"p": 6.25, "q": 3.74, "v": 15.44},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=DEFAULT_DB, metavar="URL")
    ap.add_argument("--as-of", metavar="YYYY-MM-DD",
                    help="default: the latest paid order (max(last_day) of the order stats)")
    ap.add_argument("--runs", type=int, default=3, metavar="N")
    ap.add_argument("--apply", action="store_true",
                    help="also time apply (once): changes customers' tiers and the snapshot")
    ap.add_argument("--no-past", action="store_true",
                    help="skip the computation as of a year before (the slower path)")
    args = ap.parse_args()
    if args.db.startswith("sqlite:///") and not Path(args.db[len("sqlite:///"):]).exists():
        print(f"no database at {args.db}; make one with: desktop-crm demo --db {args.db} "
              "--customers 1000000 --seed 1", file=sys.stderr)
        return 2

    from desktop_crm.services.container import Services
    from desktop_crm.services.tiers import Selection, TierService

    t0 = time.perf_counter()
    svc = Services.open(args.db)
    open_s = time.perf_counter() - t0
    tiers = TierService(svc.db, svc.user)
    if args.as_of:
        as_of = dt.date.fromisoformat(args.as_of)
    else:
        with svc.db.engine.connect() as conn:
            latest = conn.exec_driver_sql(
                "SELECT max(last_day) FROM customer_order_stats").scalar()
        as_of = dt.date.fromisoformat(str(latest)[:10]) if latest else dt.date.today()

    # 1. compute: the figures a user waits for after pressing "Compute"
    seconds = []
    compute_times = []
    result = None
    for _ in range(args.runs):
        result = None  # one result alive at a time, as in the app
        t = time.perf_counter()
        result = tiers.compute(as_of)
        compute_times.append(time.perf_counter() - t)
        seconds.append(result.seconds)
    stages = {k: med([r.get(k, 0.0) for r in seconds]) for k in result.seconds}
    compute_peak = peak_rss_mb()  # the memory target covers the computation

    # 2. save (one transaction: metrics replaced, run recorded)
    save_times, run = timed(lambda: tiers.save(result), args.runs)

    # 3. the CLI's report frame
    report_times, frame = timed(lambda: tiers.report(result), args.runs)

    # 4. opening the Tiers section: the last run with its stored chart data (no recompute)
    load_times, last = timed(tiers.last_run, max(args.runs, 5))
    charts_kb = len(json.dumps(last.charts)) / 1024

    # 5. the customers behind one heat-map cell
    list_times, (rows, total) = timed(
        lambda: tiers.list_customers(Selection(r=5, f=5)), max(args.runs, 5))
    risk_times, (_, at_risk) = timed(
        lambda: tiers.list_customers(Selection(at_risk=True)), max(args.runs, 1))

    applied = None
    if args.apply:
        t = time.perf_counter()
        a = tiers.apply(run.id)
        applied = {"seconds": round(time.perf_counter() - t, 3), "month": a.month,
                   "changed": a.changed, "snapshot_rows": a.snapshot_rows}

    past = None
    if not args.no_past:
        t = time.perf_counter()
        earlier = tiers.compute(as_of - dt.timedelta(days=365))
        past = {"as_of": earlier.as_of.isoformat(),
                "seconds": round(time.perf_counter() - t, 3),
                "stages": {k: round(v, 3) for k, v in earlier.seconds.items()},
                "buyers": earlier.buyers}
        del earlier

    out = {
        "database": svc.db.describe(),
        "as_of": as_of.isoformat(),
        "runs": args.runs,
        "customers": int(len(result.metrics)),
        "buyers": result.buyers,
        "open_services_s": round(open_s, 3),
        "peak_rss_after_compute_mb": round(compute_peak, 1),
        "compute_s": {"median": med(compute_times),
                      "runs": [round(t, 3) for t in compute_times],
                      "stages_median": stages},
        "save_s": med(save_times),
        "report_s": med(report_times),
        "report_rows": len(frame),
        "last_run_with_charts_s": med(load_times),
        "charts_json_kb": round(charts_kb, 1),
        "list_customers_r5_f5_s": med(list_times),
        "list_customers_r5_f5_total": total,
        "list_customers_at_risk_s": med(risk_times),
        "at_risk_total": at_risk,
        "apply": applied,
        "compute_one_year_earlier": past,
        "fits": result.fits.report(),
        "tiers": {t: v["count"] for t, v in last.charts["tiers"].items()},
        "cdnow": cdnow_part(),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    svc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
