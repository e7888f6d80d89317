"""``desktop-crm import {customers,contacts,orders,interactions,activities} FILE``."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from desktop_crm.cli_i18n import Cli

PROG = "desktop-crm import"
SHOWN_PROBLEMS = 50


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
    p.add_argument("--lang", choices=("en", "zh_CN"),
                   help="language of the messages and of the reasons in --report (default: "
                        "the app's language setting)")
    p.add_argument("--format", choices=("text", "json"), default="text")


def cmd_import(args) -> int:
    from desktop_crm import cli_errors
    from desktop_crm.cli_i18n import lookup
    from desktop_crm.services.container import Services
    from desktop_crm.services.errors import Cancelled, ValidationError
    from desktop_crm.services.importing import ImportService, UnreadableFile, load_json
    from desktop_crm.views import import_labels

    if not Path(args.file).is_file():
        print(f"{PROG}: " + Cli.tr("no file {path}", path=repr(args.file)), file=sys.stderr)
        return 2
    svc = Services.open(args.db)
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> bool:
        now = time.monotonic()
        if sys.stderr.isatty() and (now - last[0] > 1 or done >= total):
            last[0] = now
            text = (Cli.tr("Checked {done:,} of {total:,} rows…", done=done, total=total)
                    if stage == "validate" else
                    Cli.tr("Imported {done:,} of {total:,} rows…", done=done, total=total))
            print("\r" + text + "   ", end="", file=sys.stderr, flush=True)
        return True

    try:
        service = ImportService(svc.db, svc.user)
        try:
            source = service.read(args.file, args.sheet)
        except UnreadableFile as exc:
            print(f"{PROG}: " + Cli.tr("nothing could be read: {reason}",
                                       reason=import_labels.unreadable_text(exc, lookup)),
                  file=sys.stderr)
            return 1
        try:
            mapping = (load_json(args.mapping, args.kind) if args.mapping
                       else service.guess_mapping(args.kind, source.headers))
            do = service.validate if args.dry_run else service.run
            result = do(args.kind, source, mapping, args.on_duplicate, progress)
        except ValidationError as err:
            from desktop_crm.services.importing.fields import FIELDS

            def name(field: str) -> str:  # a column of the kind (kind: customer type), or not
                return (import_labels.field_name(args.kind, field, lookup)
                        if field in FIELDS.get(args.kind, ()) else cli_errors.field_name(field))

            for e in err.errors:
                print(f"{PROG}: " + cli_errors.field_error_text(e, name), file=sys.stderr)
            print(f"{PROG}: " + Cli.tr("columns found: {columns}",
                                       columns=", ".join(source.headers)), file=sys.stderr)
            return 2
        except Cancelled:
            return 130
        if sys.stderr.isatty():
            print(file=sys.stderr)
        reasons = import_labels.Reasons(lookup)  # the import wizard's words
        for p in result.problems[:SHOWN_PROBLEMS]:
            print(f"{PROG}: " + (Cli.tr("row {row}: {reason} ({value})", row=p.row,
                                        reason=reasons(p), value=repr(p.value[:60]))
                                 if p.value else
                                 Cli.tr("row {row}: {reason}", row=p.row, reason=reasons(p))),
                  file=sys.stderr)
        more = len(result.problems) - SHOWN_PROBLEMS
        if more > 0:
            print(f"{PROG}: " + (Cli.tr("... and {n} more problems", n=more) if args.report
                                 else Cli.tr("... and {n} more problems (--report FILE.xlsx "
                                             "lists them all)", n=more)), file=sys.stderr)
        if args.report:  # the same headers as the workbook the wizard writes
            service.write_rejected(result, args.report, reasons,
                                   reason_header=lookup("ImportWizard", "Reason"),
                                   row_header=lookup("ImportWizard", "Row"))
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
        fields = {"file": f"{source.name} [{source.sheet}]" if source.sheet else source.name,
                  "read": result.read, "imported": result.imported, "updated": result.updated,
                  "skipped": result.skipped, "rejected": result.rejected}
        text = (Cli.tr("{file}: read {read:,}, would import {imported:,}, would update "
                       "{updated:,}, skipped {skipped:,}, rejected {rejected:,}", **fields)
                if result.dry_run else
                Cli.tr("{file}: read {read:,}, imported {imported:,}, updated {updated:,}, "
                       "skipped {skipped:,}, rejected {rejected:,}", **fields))
        if args.report:
            text = Cli.tr("{counts}; report: {path}", counts=text,
                          path=os.path.abspath(args.report))
        print(text)
    return 0 if result.read else 1
