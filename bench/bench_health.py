"""Benchmark the customer health score on the million-customer demo.

    python bench/bench_health.py --db sqlite:///bench/out/crm_1000000_health.sqlite3 [--runs 3]

Run it on a copy of the demo database (it upgrades it to this app's revision and rewrites
``customer_health``). Prints one JSON object: medians of ``--runs`` full computations (the
read and scoring, and the write, separately), a refresh of 10 customers, the Home queries
(at_risk, band_counts) and the first page of the customer list sorted by health, in
milliseconds, and the peak resident memory of this process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time

from benchlib import ms, peak_rss_mb


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    from desktop_crm.services.container import Services
    from desktop_crm.services.customers import CustomerQuery

    svc = Services.open(args.db)
    health = svc.health
    now = dt.datetime.now(dt.timezone.utc)
    compute, write, total = [], [], []
    n = 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        inp = health._read(now)
        out, _days, _cad = health._score(inp, now)
        t1 = time.perf_counter()
        health._write_all(inp, out, now)
        t2 = time.perf_counter()
        compute.append(t1 - t0)
        write.append(t2 - t1)
        total.append(t2 - t0)
        n = len(inp.ids)
        del inp, out
    t0 = time.perf_counter()
    health.recompute(now=now)  # the public call, once
    recompute_s = time.perf_counter() - t0

    rng = random.Random(1)
    page = svc.customers.page(CustomerQuery(), limit=2000).rows
    refresh = []
    for _ in range(5):
        ids = [r.id for r in rng.sample(page, 10)]
        t0 = time.perf_counter()
        health.refresh(ids, now)
        refresh.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    changed = health.changed_since(now - dt.timedelta(minutes=10), now)
    changed_s = time.perf_counter() - t0

    owners = [u.id for u in svc.users.list()]

    def timed(fn, repeat=5):
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return ms(times)

    figures = {
        "customers": n,
        "runs": args.runs,
        "full_compute_s": round(sorted(compute)[len(compute) // 2], 2),
        "full_write_s": round(sorted(write)[len(write) // 2], 2),
        "full_total_s": round(sorted(total)[len(total) // 2], 2),
        "recompute_call_s": round(recompute_s, 2),
        "refresh_10_ms": ms(refresh),
        "changed_since_10min_ms": round(changed_s * 1000, 1),
        "changed_since_10min_customers": len(changed),
        "at_risk_ms": timed(lambda: health.at_risk()),
        "at_risk_owner_ms": timed(lambda: [health.at_risk(owner_id=o) for o in owners[:5]],
                                  1) / 5,
        "at_risk_tier_strategic_ms": timed(lambda: health.at_risk(tier="strategic")),
        "band_counts_ms": timed(lambda: health.band_counts(), 3),
        "band_counts_owner_ms": timed(lambda: health.band_counts(owner_id=owners[-1]), 3),
        "band_counts_tier_strategic_ms": timed(lambda: health.band_counts(tier="strategic"), 3),
        "bands": health.band_counts(),
        "list_first_page_by_health_ms": timed(
            lambda: svc.customers.page(CustomerQuery(sort="health"))),
        "list_first_page_by_health_desc_ms": timed(
            lambda: svc.customers.page(CustomerQuery(sort="health", descending=True))),
        "list_first_page_red_by_name_ms": timed(
            lambda: svc.customers.page(CustomerQuery(health="red"))),
        "list_first_page_owner_by_health_ms": timed(
            lambda: svc.customers.page(CustomerQuery(owner_id=owners[-1], sort="health"))),
        "get_one_ms": timed(lambda: health.get(page[0].id)),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    svc.close()
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
