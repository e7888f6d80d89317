"""Benchmark the duplicate finder and the create warning on the million-customer demo.

    python bench/bench_duplicates.py --db bench/out/crm_1000000.sqlite3 [--runs 2]

The demo database is only read (opened with ``mode=ro``): the finder needs no table of its
own. ``check_new`` needs revision 0013's phone and e-mail indexes, which an older demo file
lacks, so its latency is measured on a temporary copy of the customers table with the
indexes the app has at head (sort name, phone, phone2, e-mail). Recall is checked on a
temporary sample of 20,000 demo customers with planted duplicates of known kinds (legal
form dropped, phone shared, e-mail in other case, a homophone character, one character
more); the demo has many duplicates of its own, so only recall is measured there. Prints
one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import peak_rss_mb  # noqa: E402

from desktop_crm.services.db import Database  # noqa: E402
from desktop_crm.services.duplicates import DuplicateService  # noqa: E402

COLUMNS = ("id", "code", "kind", "name", "sort_name", "phone", "phone2", "email", "province",
           "city", "deleted_at")


def ro_url(path: Path) -> str:
    return f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"


def find_runs(path: Path, runs: int) -> dict:
    times, out = [], {}
    for _ in range(runs):
        db = Database(ro_url(path))
        svc = DuplicateService(db)
        t = time.perf_counter()
        groups = svc.find()
        times.append(time.perf_counter() - t)
        out = dict(svc.last_stats)
        out["largest_group"] = max((len(g.members) for g in groups), default=0)
        db.dispose()
        del groups, svc
    out.update(runs_s=[round(x, 1) for x in times], median_s=round(statistics.median(times), 1),
               peak_rss_mb=round(peak_rss_mb(), 1))
    return out


def customers_copy(src: Path, dst: Path, where: str = "") -> None:
    """A file with only the customers table (and the indexes check_new uses)."""
    dst.unlink(missing_ok=True)
    con = sqlite3.connect(dst)
    con.execute(f"ATTACH DATABASE 'file:{src.resolve()}?mode=ro' AS src")
    con.execute(f"CREATE TABLE customers AS SELECT {', '.join(COLUMNS)} FROM src.customers "
                + where)
    con.commit()
    con.execute("DETACH DATABASE src")
    for name, cols, part in (("ix_customers_sort_name_id", "sort_name, id", ""),
                             ("ix_customers_phone", "phone", "WHERE phone <> ''"),
                             ("ix_customers_phone2", "phone2", "WHERE phone2 <> ''"),
                             ("ix_customers_email", "email", "WHERE email <> ''")):
        con.execute(f"CREATE INDEX {name} ON customers ({cols}) {part}")
    con.commit()
    con.close()


def check_new_latency(path: Path, work: Path) -> dict:
    t = time.perf_counter()
    customers_copy(path, work)
    copy_s = time.perf_counter() - t
    con = sqlite3.connect(work)
    rows = con.execute("SELECT kind, name, phone, email, city FROM customers "
                       "ORDER BY random() LIMIT 200").fetchall()
    con.close()
    db = Database(f"sqlite:///{work}")
    svc = DuplicateService(db)
    svc.check_new({"name": "预热", "phone": "13800000000"})
    times, hits = [], 0
    for kind, name, phone, email, city in rows:
        fields = {"kind": kind, "name": name, "phone": phone, "email": email, "city": city}
        t = time.perf_counter()
        found = svc.check_new(fields)
        times.append(time.perf_counter() - t)
        hits += bool(found)
    db.dispose()
    times.sort()
    return {"copy_s": round(copy_s, 1), "calls": len(times),
            "median_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(times[int(len(times) * 0.95)] * 1000, 2),
            "max_ms": round(times[-1] * 1000, 2), "calls_with_matches": hits}


HOMOPHONES = {"信": "鑫", "华": "桦", "达": "大", "远": "源", "科": "可", "源": "元", "盛": "胜"}


def planted_recall(path: Path, work: Path, sample: int = 20000, plant: int = 300) -> dict:
    customers_copy(path, work, f"WHERE rowid % {1_000_000 // sample} = 0")
    con = sqlite3.connect(work)
    base = con.execute("SELECT id, code, kind, name, sort_name, phone, phone2, email, "
                       "province, city FROM customers WHERE kind = 'company' AND name GLOB "
                       "'*有限公司' ORDER BY random() LIMIT ?", (plant,)).fetchall()
    rng = random.Random(7)
    kinds = ("legal_form", "phone", "email", "homophone", "extra_char")
    planted = []
    for n, row in enumerate(base):
        cid, code, kind, name, sort_name, phone, phone2, email, province, city = row
        how = kinds[n % len(kinds)]
        new = {"name": name, "phone": "", "email": "", "city": city, "province": province}
        if how == "legal_form":
            new["name"] = name.removesuffix("有限公司")
        elif how == "phone":
            new["name"] = f"客户{n}"
            new["phone"] = phone
        elif how == "email":  # a personal address (a shared info@ alone is not enough)
            personal = f"boss{n}@example.com"
            con.execute("UPDATE customers SET email = ? WHERE id = ?", (personal, cid))
            new["name"] = f"联系{n}"
            new["email"] = personal.upper()
        elif how == "homophone":
            swap = next((ch for ch in name if ch in HOMOPHONES), None)
            if swap is None:
                continue
            new["name"] = name.replace(swap, HOMOPHONES[swap], 1)
        else:
            core = name.removesuffix("有限公司")
            new["name"] = core + rng.choice("宏新") + "有限公司"
        new_id = f"{n:032x}"
        con.execute("INSERT INTO customers (id, code, kind, name, sort_name, phone, phone2, "
                    "email, province, city, deleted_at) VALUES (?, ?, 'company', ?, '', ?, '', "
                    "?, ?, ?, NULL)", (new_id, f"P{n:06d}", new["name"], new["phone"],
                                      new["email"], new["province"], new["city"]))
        planted.append((how, cid, new_id))
    con.commit()
    con.close()
    db = Database(f"sqlite:///{work}")
    svc = DuplicateService(db)
    t = time.perf_counter()
    groups = svc.find()
    seconds = time.perf_counter() - t
    db.dispose()
    group_of = {m.id.hex: n for n, g in enumerate(groups) for m in g.members}
    found: dict[str, list[int]] = {}
    for how, a, b in planted:
        ok = a in group_of and group_of.get(a) == group_of.get(b)
        found.setdefault(how, [0, 0])
        found[how][0] += ok
        found[how][1] += 1
    total = sum(v[1] for v in found.values())
    hit = sum(v[0] for v in found.values())
    return {"customers": svc.last_stats["customers"], "planted": total,
            "recall": round(hit / total, 3) if total else None,
            "by_kind": {k: f"{v[0]}/{v[1]}" for k, v in found.items()},
            "seconds": round(seconds, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="bench/out/crm_1000000.sqlite3")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--out", default=None, help="also write the JSON here")
    args = ap.parse_args()
    path = Path(args.db)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        result = {"database": str(path), "finder": find_runs(path, args.runs)}
        result["check_new"] = check_new_latency(path, Path(tmp) / "customers.sqlite3")
        result["planted"] = planted_recall(path, Path(tmp) / "sample.sqlite3")
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
