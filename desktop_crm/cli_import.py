"""``desktop-crm import {customers,contacts,orders,interactions,activities} FILE``."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

PROG = "desktop-crm import"
SHOWN_PROBLEMS = 50

# The reasons a row is rejected, in the languages of the rejected-rows workbook (the GUI
# translates the same codes through views/labels.py).
REASONS = {
    "en": {
        "required": "required, but empty", "invalid_phone": "not a valid phone number",
        "invalid_email": "not a valid e-mail address",
        "invalid_date": "not a date (2024-03-05, 2024/3/5, 2024年3月5日)",
        "invalid_amount": "not an amount (1200, 1,200.50, ¥1,200, 12万)",
        "invalid_number": "not a whole number", "invalid_choice": "not one of the choices",
        "out_of_range": "out of range", "too_long": "too long",
        "formula": "a formula, not a value", "unknown_owner": "no such user",
        "ambiguous_owner": "more than one user has this name",
        "unknown_customer": "no such customer",
        "ambiguous_customer": "more than one customer has this name",
        "duplicate_in_file": "the same record as an earlier row",
        "duplicate_order_no": "this order number belongs to another customer's order",
        "duplicate": "already used", "unreadable": "the file cannot be read from here",
    },
    "zh_CN": {
        "required": "必填，但为空", "invalid_phone": "电话号码无效", "invalid_email": "邮箱地址无效",
        "invalid_date": "日期无法识别（如 2024-03-05、2024/3/5、2024年3月5日）",
        "invalid_amount": "金额无法识别（如 1200、1,200.50、¥1,200、12万）",
        "invalid_number": "不是整数", "invalid_choice": "不是可选的值", "out_of_range": "超出范围",
        "too_long": "内容过长", "formula": "是公式，不是值", "unknown_owner": "没有这个用户",
        "ambiguous_owner": "有多个同名用户", "unknown_customer": "没有这个客户",
        "ambiguous_customer": "有多个同名客户", "duplicate_in_file": "与前面某行是同一条记录",
        "duplicate_order_no": "该订单号已属于其他客户的订单", "duplicate": "已被使用",
        "unreadable": "文件从此处起无法读取",
    },
}
PARAMS = {"en": {"row": "row {}", "limit": "at most {} characters"},
          "zh_CN": {"row": "第 {} 行", "limit": "最多 {} 个字"}}
HEADERS = {"en": ("Row", "Reason"), "zh_CN": ("行号", "原因")}


def translator(lang: str):
    reasons, params = REASONS[lang], PARAMS[lang]

    def translate(p) -> str:
        text = reasons.get(p.code, p.code.replace("_", " "))
        extra = [params[k].format(v) for k, v in p.params.items() if k in params]
        if extra:
            text += (" (" if lang == "en" else "（") + ", ".join(extra) + \
                (")" if lang == "en" else "）")
        return f"{p.column}: {text}" if p.column else text

    return translate


def add_parser(sub, common) -> None:
    from desktop_crm.services.importing import KINDS, ON_DUPLICATE

    p = sub.add_parser(
        "import", parents=common, help="import customers, contacts, orders, ... from .xlsx/.csv",
        description="Import records from an Excel workbook (.xlsx, .xls) or a CSV file (UTF-8 "
                    "with or without BOM, GBK/GB18030 or UTF-16; delimiter detected). Columns "
                    "are recognised by their Chinese or English headers (客户名称, 手机, 负责人, "
                    "下单日期, 金额 ...) unless --mapping says otherwise. Each batch is one "
                    "transaction; records already there (customers by code, then phone, then "
                    "e-mail; orders by number) are skipped or updated, never duplicated. Prints "
                    "the counts; exits non-zero only when nothing could be read.")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--sheet", metavar="NAME", help="the workbook's sheet (default: the first "
                                                   "with data)")
    p.add_argument("--mapping", metavar="FILE.json",
                   help='columns to fields: {"kind": "customers", "fields": {"name": "客户名称", '
                        '"phone": "手机"}}')
    p.add_argument("--dry-run", action="store_true",
                   help="check every row and say what would happen; write nothing")
    p.add_argument("--on-duplicate", choices=ON_DUPLICATE, default="skip",
                   help="a record that is already there: skip it (default), update it, or "
                        "fill its empty fields only")
    p.add_argument("--report", metavar="FILE.xlsx",
                   help="write the rejected rows with a reason column, to fix and import again")
    p.add_argument("--lang", choices=("en", "zh_CN"), default="en",
                   help="language of the reasons in --report")
    p.add_argument("--format", choices=("text", "json"), default="text")


def cmd_import(args) -> int:
    from desktop_crm.services.container import Services
    from desktop_crm.services.errors import Cancelled, ValidationError
    from desktop_crm.services.importing import ImportService, UnreadableFile, load_json

    if not Path(args.file).is_file():
        print(f"{PROG}: no file {args.file!r}", file=sys.stderr)
        return 2
    svc = Services.open(args.db)
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> bool:
        now = time.monotonic()
        if sys.stderr.isatty() and (now - last[0] > 1 or done >= total):
            last[0] = now
            print(f"\r{stage}: {done:,}/{total:,} rows   ", end="", file=sys.stderr, flush=True)
        return True

    try:
        service = ImportService(svc.db, svc.user)
        try:
            source = service.read(args.file, args.sheet)
        except UnreadableFile as exc:
            print(f"{PROG}: nothing could be read: {exc}", file=sys.stderr)
            return 1
        try:
            mapping = (load_json(args.mapping, args.kind) if args.mapping
                       else service.guess_mapping(args.kind, source.headers))
            do = service.validate if args.dry_run else service.run
            result = do(args.kind, source, mapping, args.on_duplicate, progress)
        except ValidationError as err:
            for e in err.errors:
                print(f"{PROG}: {e}", file=sys.stderr)
            print(f"{PROG}: columns found: {', '.join(source.headers)}", file=sys.stderr)
            return 2
        except Cancelled:
            return 130
        if sys.stderr.isatty():
            print(file=sys.stderr)
        translate = translator("en")
        for p in result.problems[:SHOWN_PROBLEMS]:
            print(f"{PROG}: row {p.row}: {translate(p)}"
                  + (f" ({p.value[:60]!r})" if p.value else ""), file=sys.stderr)
        if len(result.problems) > SHOWN_PROBLEMS:
            print(f"{PROG}: ... and {len(result.problems) - SHOWN_PROBLEMS} more problems"
                  + ("" if args.report else " (--report FILE.xlsx lists them all)"),
                  file=sys.stderr)
        if args.report:
            row_h, reason_h = HEADERS[args.lang]
            service.write_rejected(result, args.report, translator(args.lang),
                                   reason_header=reason_h, row_header=row_h)
    finally:
        svc.close()
    counts = {"file": source.name, "sheet": source.sheet, "kind": args.kind,
              "dry_run": result.dry_run, "read": result.read, "imported": result.imported,
              "updated": result.updated, "skipped": result.skipped,
              "rejected": result.rejected,
              "import_id": str(result.import_id) if result.import_id else None,
              "seconds": round(result.seconds, 2)}
    if args.format == "json":
        print(json.dumps(counts, ensure_ascii=False))
    else:
        verb = "would import" if result.dry_run else "imported"
        print(f"{source.name}{' [' + source.sheet + ']' if source.sheet else ''}: "
              f"read {result.read:,}, {verb} {result.imported:,}, "
              f"{'would update' if result.dry_run else 'updated'} {result.updated:,}, "
              f"skipped {result.skipped:,}, rejected {result.rejected:,}"
              + (f"; report: {os.path.abspath(args.report)}" if args.report else ""))
    return 0 if result.read else 1
