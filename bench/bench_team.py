"""Fifty people on one PostgreSQL server: each its own staff login (row-level security on),
a mixed workload for a few minutes, then a check that every write is accounted for.

    python bench/bench_team.py --db postgresql+psycopg://postgres@127.0.0.1/crm_bench_1m \
        [--clients 50] [--seconds 300] [--think 1.0] [--prepare]

``--db`` is the schema owner's URL of a database filled by ``bench/bench_demo.py --db``.
``--prepare`` (once per database) makes the staff: 5 teams, each a manager, 8 salespeople
and a service agent (50 logins), and shares the customers and deals out among the
salespeople, so every client sees about 1/40 of the company plus the pool.

Each client is a process with its own login and ``Services`` (as the app would be), doing
with exponential think time (mean ``--think`` s): search 60% (a name, pinyin initials or a
phone fragment, first page of 200), open a customer's 360° view 20%, edit 15% (the notes of
one of 20 "hot" customers of each salesperson, which their manager edits too, with a pause
between reading and saving, as a person types: stale saves are expected and must be
refused), move a deal to another stage 5%.

After the run: every successful edit's value is in the audit log, the final notes equal the
last successful write, no two successful saves share a version (no lost update); errors and
deadlocks are counted. Prints one JSON object (latency median / p95 per operation, counts,
peak memory of a client).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import statistics
import sys
import time
import uuid
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSWORD = "Bench-Passw0rd"
TEAMS = ("EAST", "WEST", "NORTH", "SOUTH", "CENTRAL")
SALES_PER_TEAM = 8
HOT_PER_REP = 20  # each salesperson's customers that they and their manager edit
MIX = (("search", 0.60), ("open", 0.20), ("edit", 0.15), ("move", 0.05))
TERMS = ("北京", "上海", "科技", "贸易", "zx", "bj", "138", "有限", "深圳", "hz", "wl", "电子",
         "王", "李", "张", "sh", "gz", "139", "物流", "医疗")


def login_name(db_name: str, key: str) -> str:
    """Logins belong to the server: prefixed by the database so two bench databases on one
    server do not share them."""
    return f"b{zlib.crc32(db_name.encode()) % 1000:03d}_{key}"


def prepare(owner_url: str) -> None:
    """Staff logins and a fair share of the customers and deals for each salesperson."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from desktop_crm.services.container import Services
    from desktop_crm.services.staff import StaffService

    svc = Services.open(owner_url)
    db_name = make_url(owner_url).database
    staff = StaffService(svc.db, svc.user)
    existing = {m.username for m in staff.list()}
    sales_ids = []
    for team in TEAMS:
        key = f"{team.lower()}_boss"
        name = login_name(db_name, key)
        if name not in existing:
            boss = staff.add(name, f"{team} manager", "manager", team, PASSWORD)[0]
        else:
            boss = next(m for m in staff.list() if m.username == name)
        for i in range(SALES_PER_TEAM):
            name = login_name(db_name, f"{team.lower()}_s{i}")
            if name not in existing:
                m = staff.add(name, f"{team} sales {i}", "sales", team, PASSWORD, boss.id)[0]
            else:
                m = next(m for m in staff.list() if m.username == name)
            sales_ids.append(m.id)
        name = login_name(db_name, f"{team.lower()}_desk")
        if name not in existing:
            staff.add(name, f"{team} service", "service", team, PASSWORD)
    with svc.db.engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE bench_owner (n int PRIMARY KEY, id uuid)"))
        conn.execute(text("INSERT INTO bench_owner VALUES (:n, :id)"),
                     [{"n": n, "id": i} for n, i in enumerate(sales_ids)])
        # every owned customer to a bench salesperson (the pool stays the pool)
        conn.execute(text(
            "UPDATE customers c SET owner_id = b.id FROM bench_owner b "
            "WHERE c.owner_id IS NOT NULL AND b.n = abs(hashtext(c.id::text)) % :k"),
            {"k": len(sales_ids)})
        conn.execute(text(
            "UPDATE opportunities o SET owner_id = c.owner_id FROM customers c "
            "WHERE c.id = o.customer_id AND c.owner_id IS NOT NULL"))
    # fresh planner statistics, and the visibility map set again after rewriting most
    # customers (index-only scans of the search indexes need it; autovacuum would do it
    # later, in the middle of a run)
    with svc.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) customers"))
        conn.execute(text("VACUUM (ANALYZE) opportunities"))
        conn.execute(text("ANALYZE"))
    svc.close()


def client(args) -> dict:
    """One person's session: returns latencies, counts and the writes that succeeded."""
    owner_url, login, seconds, think, seed, hot_ids = args
    from sqlalchemy.engine import make_url

    from desktop_crm.services.container import Services
    from desktop_crm.services.customers import CustomerQuery
    from desktop_crm.services.errors import ConflictError, ServiceError
    from desktop_crm.services.pipeline import BoardFilter

    rnd = random.Random(seed)
    url = make_url(owner_url).set(username=login, password=PASSWORD) \
        .render_as_string(hide_password=False)
    svc = Services.open(url)
    times: dict[str, list[float]] = {k: [] for k, _ in MIX}
    counts = {"conflicts": 0, "errors": 0, "deadlocks": 0, "refused": 0}
    writes: list[tuple[str, str, int]] = []  # (customer id, notes written, new version)
    error_samples: list[str] = []
    mine = [r.id for r in svc.customers.page(CustomerQuery(owner_id=svc.user.id),
                                             limit=500).rows] or \
        [r.id for r in svc.customers.page(CustomerQuery(), limit=500).rows]
    hot = [uuid.UUID(h) for h in hot_ids]
    stages = svc.pipeline.stages()
    open_stage_ids = [s.id for s in stages if not (s.is_won or s.is_lost)]
    cards = [c for col in svc.pipeline.board(BoardFilter(owner_id=svc.user.id))
             for c in col.cards][:300]
    ops = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(rnd.expovariate(1 / think))
        op = rnd.choices(ops, weights)[0]
        t0 = time.perf_counter()
        try:
            if op == "search":
                svc.customers.page(CustomerQuery(text=rnd.choice(TERMS)), limit=200)
            elif op == "open" and mine:
                svc.profiles.profile(rnd.choice(mine))
            elif op == "edit" and hot:
                cid = rnd.choice(hot)
                rec = svc.customers.get(cid)
                time.sleep(rnd.uniform(0.2, 1.5))  # typing
                note = f"{login} {uuid.uuid4().hex[:8]}"
                t0 = time.perf_counter()
                saved = svc.customers.update(cid, {"notes": note}, rec.version)
                writes.append((str(cid), note, saved.version))
            elif op == "move" and cards:
                card = rnd.choice(cards)
                target = rnd.choice([s for s in open_stage_ids if s != card.stage_id] or
                                    open_stage_ids)
                moved = svc.pipeline.move(card.id, target, expected_version=card.version)
                cards[cards.index(card)] = moved
            else:
                continue
        except ConflictError:
            counts["conflicts"] += 1
            if op == "move":  # reload the card, as the board would
                cards = [c for col in svc.pipeline.board(BoardFilter(owner_id=svc.user.id))
                         for c in col.cards][:300]
            continue
        except ServiceError as exc:
            counts["refused"] += 1
            if len(error_samples) < 3:
                error_samples.append(f"{op}: {type(exc).__name__}: {exc}"[:200])
            continue
        except Exception as exc:  # noqa: BLE001 - counted, the run goes on
            text = f"{type(exc).__name__}: {exc}"
            counts["deadlocks" if "deadlock" in text.lower() else "errors"] += 1
            if len(error_samples) < 3:
                error_samples.append(f"{op}: {text}"[:300])
            continue
        times[op].append(time.perf_counter() - t0)
    svc.close()
    import resource
    return {"login": login, "times": times, "counts": counts, "writes": writes,
            "errors": error_samples,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, int(len(s) * q))] * 1000, 1)


def verify(owner_url: str, writes: list[tuple[str, str, int]]) -> dict:
    """Every acknowledged write is in the audit log; the last one by version is current;
    no version was acknowledged twice."""
    from sqlalchemy import create_engine, text

    by_customer: dict[str, list[tuple[int, str]]] = {}
    for cid, note, version in writes:
        by_customer.setdefault(cid, []).append((version, note))
    dup_versions = sum(len(v) - len({ver for ver, _ in v}) for v in by_customer.values())
    missing_audit = stale_final = 0
    engine = create_engine(owner_url)
    with engine.connect() as conn:
        for cid, entries in by_customer.items():
            audited = set(conn.execute(text(
                "SELECT new_value FROM audit_log WHERE table_name = 'customers' "
                "AND row_id = :id AND field = 'notes'"), {"id": cid}).scalars())
            missing_audit += sum(1 for _v, note in entries if note not in audited)
            final = conn.execute(text("SELECT notes FROM customers WHERE id = :id"),
                                 {"id": cid}).scalar()
            if final != max(entries)[1]:
                stale_final += 1
    engine.dispose()
    return {"edited_customers": len(by_customer), "acknowledged_writes": len(writes),
            "writes_missing_from_audit": missing_audit, "final_not_last_write": stale_final,
            "versions_acknowledged_twice": dup_versions}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="the schema owner's URL")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    ap.add_argument("--prepare", action="store_true")
    args = ap.parse_args()
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if args.prepare:
        t0 = time.perf_counter()
        prepare(args.db)
        print(json.dumps({"prepared_s": round(time.perf_counter() - t0, 1)}), file=sys.stderr)
    db_name = make_url(args.db).database
    logins = []
    for team in TEAMS:
        logins.append(login_name(db_name, f"{team.lower()}_boss"))
        logins += [login_name(db_name, f"{team.lower()}_s{i}") for i in range(SALES_PER_TEAM)]
        logins.append(login_name(db_name, f"{team.lower()}_desk"))
    logins = logins[:args.clients]
    engine = create_engine(args.db)
    hot_by_login: dict[str, list[str]] = {}
    with engine.connect() as conn:
        customers = conn.execute(text("SELECT count(*) FROM customers")).scalar()
        for login in logins:
            if login.endswith("_boss") or login.endswith("_desk"):
                continue
            hot_by_login[login] = [str(i) for i in conn.execute(text(
                "SELECT c.id FROM customers c JOIN users u ON u.id = c.owner_id "
                "WHERE u.username = :u AND c.deleted_at IS NULL ORDER BY c.id LIMIT :n"),
                {"u": login, "n": HOT_PER_REP}).scalars()]
        audit_before = conn.execute(text("SELECT count(*) FROM audit_log")).scalar()
    engine.dispose()

    def team_of(login: str) -> str:  # b123_east_s4 -> east
        return login.split("_")[1]

    for login in logins:  # a manager edits the customers their people edit
        if login.endswith("_boss"):
            hot_by_login[login] = [h for other, hs in hot_by_login.items()
                                   if team_of(other) == team_of(login) for h in hs]
    jobs = [(args.db, login, args.seconds, args.think, n, hot_by_login.get(login, []))
            for n, login in enumerate(logins)]
    started = time.perf_counter()
    with mp.get_context("spawn").Pool(len(jobs)) as pool:
        results = pool.map(client, jobs)
    wall = time.perf_counter() - started
    times: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    writes = []
    samples = []
    for r in results:
        for k, v in r["times"].items():
            times.setdefault(k, []).extend(v)
        for k, v in r["counts"].items():
            counts[k] = counts.get(k, 0) + v
        writes += r["writes"]
        samples += r["errors"]
    check = verify(args.db, writes)
    out = {
        "scenario": "team", "customers": customers, "clients": len(jobs),
        "seconds": args.seconds, "think_s": args.think, "wall_s": round(wall, 1),
        "ops": {k: {"n": len(v), "median_ms": round(statistics.median(v) * 1000, 1)
                    if v else None, "p95_ms": pct(v, 0.95)} for k, v in times.items()},
        "ops_per_s": round(sum(len(v) for v in times.values()) / args.seconds, 1),
        **counts, "error_samples": samples[:5], "audit_rows_before": audit_before,
        "check": check,
        "client_peak_rss_mb": round(max(r["rss_mb"] for r in results), 1),
    }
    print(json.dumps(out, ensure_ascii=False))
    ok = (counts.get("errors", 0) == 0 and counts.get("deadlocks", 0) == 0 and
          check["writes_missing_from_audit"] == 0 and check["final_not_last_write"] == 0 and
          check["versions_acknowledged_twice"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
