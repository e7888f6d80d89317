"""Benchmark the Home section on the 1,000,000-customer / 10,000,000-order demo, per role:
how soon the tiles show at start-up (from the cache of the last session), how long each tile's
fresh figures take, and how long until every tile is fresh (the workers, two at a time on this
machine).

    python bench/bench_home.py                       # bench/out/crm_1000000.sqlite3
    python bench/bench_home.py --db sqlite:///other.sqlite3 --runs 3 --roles sales manager

The database is the one ``bench/bench_demo.py --customers 1000000 --db
sqlite:///bench/out/crm_1000000.sqlite3`` writes (about six minutes); the at-risk tiles need
the stored health scores (``bench/bench_health.py`` computes them, or the app at start-up).
Figures (medians of ``--runs``): ``cached_ms`` from creating the section to its tiles on
screen from the cache file; ``cold_first_tile_ms`` without a cache, until the first tile
shows; ``all_fresh_s`` until every tile shows fresh figures; ``tiles_ms`` each tile's
``HomeService.load`` alone; the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchlib import ms, peak_rss_mb  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=f"sqlite:///{HERE / 'out' / 'crm_1000000.sqlite3'}")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--roles", nargs="+", default=["sales", "manager", "service"])
    ap.add_argument("--lang", default="zh_CN")
    args = ap.parse_args()

    from PySide6.QtCore import QThreadPool

    from desktop_crm.app import make_app
    from desktop_crm.services.container import Services
    from desktop_crm.services.home import HomeCache, HomeService
    from desktop_crm.views.home_section import HomeSection

    app, _lang, _font = make_app(args.lang)
    services = Services.open(args.db, upgrade=False)
    users = services.users.list()
    pool = QThreadPool.globalInstance()
    out: dict = {"database": args.db, "runs": args.runs, "roles": {}}
    tmp = Path(tempfile.mkdtemp(prefix="bench-home-"))

    def pump_until(cond, timeout_s: float = 600) -> float:
        start = time.perf_counter()
        while not cond():
            app.processEvents()
            time.sleep(0.002)
            if time.perf_counter() - start > timeout_s:
                raise TimeoutError("the home tiles did not load")
        return time.perf_counter() - start

    for role in args.roles:
        # the busiest member of the role: the most customers, tickets or reports
        candidates = [u for u in users if u.role == role]
        if not candidates:
            print(f"bench_home: no {role} in {args.db}", file=sys.stderr)
            continue
        user = candidates[0]
        home = HomeService(services.db, user)
        tiles: dict[str, list[float]] = {k: [] for k in home.tiles()}
        for _ in range(args.runs):
            for key in tiles:
                home.forget()  # each tile alone, nothing shared with the one before
                t = time.perf_counter()
                home.load(key)
                tiles[key].append(time.perf_counter() - t)

        cached, cold_first, all_fresh = [], [], []
        for run in range(args.runs):
            # a cold start: no cache file
            cache = HomeCache(services.db, user, tmp / f"{role}-{run}.json")
            home.forget()
            t = time.perf_counter()
            w = HomeSection(services, home=home, cache=cache)
            w.resize(1216, 660)
            w.show()
            pump_until(lambda: bool(w.visible_tiles()))
            cold_first.append(time.perf_counter() - t)
            pump_until(w.settled)
            all_fresh.append(time.perf_counter() - t)
            pool.waitForDone()
            w.close()
            w.deleteLater()
            app.processEvents()
            # the next start: the cache of that session shows first
            t = time.perf_counter()
            w = HomeSection(services, home=home, cache=cache)
            w.resize(1216, 660)
            w.show()
            app.processEvents()
            shown = w.visible_tiles()
            cached.append(time.perf_counter() - t)
            assert shown, "nothing came from the cache"
            pump_until(w.settled)
            pool.waitForDone()
            w.close()
            w.deleteLater()
            app.processEvents()
        out["roles"][role] = {
            "user": user.display_name,
            "tiles_shown": shown,
            "cached_ms": ms(cached),
            "cold_first_tile_ms": ms(cold_first),
            "all_fresh_s": round(statistics.median(all_fresh), 2),
            "tiles_ms": {k: ms(v) for k, v in tiles.items()},
        }
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    out["targets"] = {"cached_ms": 1000}
    services.close()
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
