"""Benchmark the import (issue 7): a 100,000-row customer workbook and CSV with messy Chinese
data checked and imported into a new SQLite file, and a 1,000,000-row order CSV imported
into it.

    python bench/bench_import.py                      # writes bench/RESULTS-import.json
    python bench/bench_import.py --customers 20000 --orders 200000 --runs 1 --no-save

The customer file has what real sheets have: phone numbers written five ways (138 1234 5678,
138-1234-5678, +86 138..., full-width digits, 0086...), 张总 / 王先生 style contacts,
provinces as 广东 / 广东省 / 粤, cities with and without 市, owners by display name, codes on
70% of the rows, e-mail addresses in mixed case, 1% bad rows (a broken phone, an unknown
owner). Figures (seconds, medians of ``--runs``, each into a new database): ``validate_s``
the check pass, ``import_s`` the import, ``total_s`` both, as the wizard runs them; the same
for the CSV once; then the orders CSV (customer code, order number, dates and amounts in
several forms) imported once, and checked again (``validate_again_s``: every row found).
``peak_rss_mb``: the peak resident memory of the importing process (the files are made in
another).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import peak_rss_mb

HERE = Path(__file__).resolve().parent
STAFF = [("zhangwei", "张伟"), ("wangfang", "王芳"), ("lina", "李娜"), ("liuyang", "刘洋"),
         ("chenjing", "陈静"), ("yangli", "杨丽"), ("zhaolei", "赵磊"), ("huangmin", "黄敏")]
PROVINCES = [("广东", "深圳"), ("广东省", "广州市"), ("粤", "东莞"), ("浙江", "杭州"),
             ("浙江省", "宁波市"), ("江苏", "南京"), ("江苏省", "苏州"), ("上海", "上海"),
             ("北京市", "北京"), ("四川", "成都"), ("湖北省", "武汉市"), ("山东", "青岛")]
SALUTATIONS = ["总", "先生", "女士", "经理", "老板", "主任"]
INDUSTRIES = ["制造", "软件", "贸易", "餐饮", "教育", "医疗", "物流", "建材"]
SOURCES = ["展会", "转介绍", "官网", "电话营销", "百度推广", "老客户"]
HEADERS = ["客户编号", "客户名称", "联系人", "手机", "电话", "邮箱", "地址", "省", "市",
           "行业", "来源", "负责人", "备注"]
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def phone_forms(rng: random.Random, number: str) -> str:
    form = rng.randrange(5)
    if form == 0:
        return number
    if form == 1:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if form == 2:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if form == 3:
        return f"+86 {number}"
    return number.translate(FULL)


def customer_rows(n: int, seed: int = 7) -> list[list]:
    from faker import Faker

    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    companies = list({fake.company() for _ in range(30000)})
    surnames = list({fake.last_name() for _ in range(2000)})
    streets = [fake.street_address() for _ in range(5000)]
    numbers = rng.sample(range(10_000_000, 100_000_000), n)
    prefixes = ["138", "139", "137", "136", "135", "150", "151", "186", "187", "188", "189"]
    rows = []
    for i in range(n):
        province, city = PROVINCES[rng.randrange(len(PROVINCES))]
        mobile = f"{prefixes[i % len(prefixes)]}{numbers[i]:08d}"
        phone = phone_forms(rng, mobile)
        email = f"Sales{i}@Example{i % 97}.COM" if rng.random() < 0.4 else ""
        owner = STAFF[rng.randrange(len(STAFF))][1] if rng.random() < 0.8 else ""
        name = f"{companies[rng.randrange(len(companies))]}"
        if rng.random() < 0.3:
            name = "  " + name.replace("有限公司", " 有限公司 ")
        bad = rng.random()
        if bad < 0.005:
            phone = "12345"
        elif bad < 0.01:
            owner = "不存在的人"
        rows.append([
            f"K{i:07d}" if rng.random() < 0.7 else "", name,
            surnames[rng.randrange(len(surnames))] + SALUTATIONS[rng.randrange(len(SALUTATIONS))],
            phone, f"0755-{rng.randrange(20000000, 89999999)}" if rng.random() < 0.2 else "",
            email, streets[rng.randrange(len(streets))], province, city,
            INDUSTRIES[rng.randrange(len(INDUSTRIES))], SOURCES[rng.randrange(len(SOURCES))],
            owner, "重点客户" if rng.random() < 0.1 else ""])
    return rows


def write_xlsx(path: Path, rows: list[list]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("客户")
    sheet.append(["客户名单（2026年导出）"])
    sheet.append(HEADERS)
    for r in rows:
        sheet.append(r)
    book.save(path)


def write_csv(path: Path, rows: list[list], encoding: str = "gb18030") -> None:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        w.writerows(rows)


def order_rows(codes: list[str], n: int, seed: int = 11):
    rng = random.Random(seed)
    yield ["客户编号", "订单号", "下单日期", "金额", "状态", "备注"]
    statuses = ["已付款"] * 8 + ["paid", "已取消", "待付款"]
    for i in range(n):
        y, m, d = 2022 + rng.randrange(4), 1 + rng.randrange(12), 1 + rng.randrange(28)
        form = i % 3
        date = (f"{y}/{m}/{d}" if form == 0 else f"{y}-{m:02d}-{d:02d}" if form == 1
                else f"{y}年{m}月{d}日")
        amount = rng.randrange(100, 5_000_000) / 100
        a_form = i % 4
        amount_text = (f"{amount:,.2f}" if a_form == 0 else f"￥{amount:.2f}" if a_form == 1
                       else f"{amount:.2f}" if a_form == 2 else f"¥{amount:,.0f}")
        yield [codes[rng.randrange(len(codes))], f"SO{i:08d}", date, amount_text,
               statuses[rng.randrange(len(statuses))], ""]


def generate(tmp: Path, customers: int, orders: int) -> None:
    rows = customer_rows(customers)
    write_xlsx(tmp / "customers.xlsx", rows)
    write_csv(tmp / "customers.csv", rows)
    codes = [r[0] for r in rows if r[0]]
    with open(tmp / "orders.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(order_rows(codes, orders))


def fresh(tmp: Path, name: str):
    from desktop_crm.services.container import Services

    url = f"sqlite:///{tmp / name}"
    svc = Services.open(url, upgrade=True)
    for username, display in STAFF:
        svc.users.create(username, display, "sales")
    return svc


def timed_pass(svc, path: Path):
    from desktop_crm.services.importing import ImportService

    imp = ImportService(svc.db, svc.user)
    t = time.perf_counter()
    src = imp.read(path)
    mapping = imp.guess_mapping("customers", src.headers)
    checked = imp.validate("customers", src, mapping)
    t_check = time.perf_counter() - t
    t = time.perf_counter()
    result = imp.run("customers", src, mapping)
    t_run = time.perf_counter() - t
    return t_check, t_run, checked, result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-save", action="store_true", help="print only")
    ap.add_argument("--generate-into", metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate_into:
        generate(Path(args.generate_into), args.customers, args.orders)
        return 0

    with tempfile.TemporaryDirectory(dir=HERE / "out" if (HERE / "out").is_dir() else None) \
            as tmpdir:
        tmp = Path(tmpdir)
        t = time.perf_counter()
        # in a process of its own, so the peak memory below is the import's
        subprocess.run([sys.executable, __file__, "--generate-into", str(tmp), "--customers",
                        str(args.customers), "--orders", str(args.orders)], check=True)
        xlsx, gbk, orders = tmp / "customers.xlsx", tmp / "customers.csv", tmp / "orders.csv"
        generated = time.perf_counter() - t

        checks, runs, totals = [], [], []
        for i in range(args.runs):
            svc = fresh(tmp, f"xlsx{i}.sqlite3")
            c, r, checked, result = timed_pass(svc, xlsx)
            checks.append(c)
            runs.append(r)
            totals.append(c + r)
            if i < args.runs - 1:
                svc.close()
        counts = {"read": result.read, "imported": result.imported, "updated": result.updated,
                  "skipped": result.skipped, "rejected": result.rejected,
                  "would_import": checked.imported}
        csv_svc = fresh(tmp, "csv.sqlite3")
        c_csv, r_csv, _checked, csv_result = timed_pass(csv_svc, gbk)
        csv_svc.close()

        from desktop_crm.services.importing import ImportService

        imp = ImportService(svc.db, svc.user)
        t = time.perf_counter()
        src = imp.read(orders)
        o_result = imp.run("orders", src, imp.guess_mapping("orders", src.headers))
        o_run = time.perf_counter() - t
        t = time.perf_counter()
        again = imp.validate("orders", src, imp.guess_mapping("orders", src.headers))
        o_check_again = time.perf_counter() - t
        svc.close()

    out = {
        "machine": "2 cores, SQLite " + __import__("sqlite3").sqlite_version,
        "customers": args.customers, "runs": args.runs,
        "generate_files_s": round(generated, 1),
        "customers_xlsx": {"validate_s": round(statistics.median(checks), 2),
                           "import_s": round(statistics.median(runs), 2),
                           "total_s": round(statistics.median(totals), 2),
                           "all_totals_s": [round(x, 2) for x in totals], **counts},
        "customers_csv_gbk": {"validate_s": round(c_csv, 2), "import_s": round(r_csv, 2),
                              "total_s": round(c_csv + r_csv, 2),
                              "imported": csv_result.imported,
                              "rejected": csv_result.rejected},
        "orders_csv": {"rows": args.orders, "import_s": round(o_run, 2),
                       "imported": o_result.imported, "rejected": o_result.rejected,
                       "validate_again_s": round(o_check_again, 2),
                       "again_would_import": again.imported, "again_skipped": again.skipped},
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "targets": {"customers_total_s": 30, "orders_import_s": 60},
    }
    text = json.dumps(out, indent=2, ensure_ascii=False)
    print(text)
    if not args.no_save:
        (HERE / "RESULTS-import.json").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
