"""The ``desktop-crm`` command line: the GUI, and the same services for scripting and support.

Every subcommand takes ``--db URL`` before or after its name. Without it the app uses
``$DESKTOP_CRM_DB``, then its own SQLite file in the user data directory.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
import time

log = logging.getLogger(__name__)

SECTIONS = ("customers",)


def _db_parent(suppress: bool) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--db", metavar="URL", default=argparse.SUPPRESS if suppress else None,
        help="database URL: sqlite:///path/file.sqlite3 or "
             "postgresql+psycopg://user@host:5432/dbname (password from the system keyring)",
    )
    p.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS if suppress
                   else False, help="log more detail to stderr")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-crm", parents=[_db_parent(False)],
        description="Desktop CRM. Without a command, starts the app.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = [_db_parent(True)]

    g = sub.add_parser("gui", parents=common, help="start the app (the default)")
    g.add_argument("--lang", choices=("zh_CN", "en"), help="UI language for this run")

    sub.add_parser("init", parents=common, help="create the database or upgrade its schema")

    d = sub.add_parser("demo", parents=common, help="fill the database with demo data")
    d.add_argument("--customers", type=int, default=1000, metavar="N")
    d.add_argument("--seed", type=int, default=None, metavar="S")

    c = sub.add_parser("customers", parents=common, help="list matching customers")
    c.add_argument("--search", default="", metavar="TEXT",
                   help="name, Chinese substring, pinyin or initials, code, phone, email")
    c.add_argument("--tier", choices=("strategic", "growth", "basic", "dormant"))
    c.add_argument("--owner", metavar="NAME", help="owner's login or display name")
    c.add_argument("--limit", type=int, default=50, metavar="N")
    c.add_argument("--format", choices=("table", "csv", "json"), default="table")

    s = sub.add_parser("screenshot", parents=common,
                       help="render a section of the main window to a PNG")
    s.add_argument("section", choices=SECTIONS)
    s.add_argument("--out", required=True, metavar="FILE.png")
    s.add_argument("--size", default="1400x900", metavar="WxH")
    s.add_argument("--lang", choices=("zh_CN", "en"), help="UI language of the picture")
    s.add_argument("--select", metavar="CODE", help="open this customer's 360° view")
    return parser


def _services(args, upgrade: bool | None = None):
    from desktop_crm.services.container import Services

    return Services.open(args.db, upgrade=upgrade)


def cmd_init(args) -> int:
    from desktop_crm.services.db import Database
    from desktop_crm.services.users import UserService

    db = Database(args.db)
    before = db.current_revision()
    db.upgrade()
    user = UserService(db).ensure_local_user()
    after = db.current_revision()
    if before == after:
        print(f"{db.describe()}: schema is up to date (revision {after})")
    else:
        print(f"{db.describe()}: schema upgraded from {before or 'empty'} to revision {after}")
    print(f"administrator: {user.username}")
    db.dispose()
    return 0


def cmd_demo(args) -> int:
    from desktop_crm.services.demo import generate_demo

    if args.customers < 1:
        print("desktop-crm demo: --customers must be at least 1", file=sys.stderr)
        return 2
    svc = _services(args, upgrade=True)
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> bool:
        now = time.monotonic()
        if now - last[0] > 1 or done >= total:
            last[0] = now
            print(f"\r{stage}: {done:,}/{total:,}   ", end="", file=sys.stderr, flush=True)
        return True

    summary = generate_demo(svc.db, args.customers, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    print(f"{svc.db.describe()}: added {summary.customers:,} customers, {summary.orders:,} "
          f"orders, {summary.contacts:,} contacts, {summary.interactions:,} interactions, "
          f"{summary.activities:,} activities, {summary.opportunities:,} opportunities, "
          f"{summary.tickets:,} tickets, {summary.users:,} staff in {summary.seconds:.1f} s")
    svc.close()
    return 0


def cmd_customers(args) -> int:
    from desktop_crm.services.customers import CustomerQuery

    svc = _services(args)
    owner_id = None
    if args.owner:
        owner = svc.users.by_name(args.owner)
        if owner is None:
            print(f"desktop-crm customers: no staff member called {args.owner!r}", file=sys.stderr)
            return 2
        owner_id = owner.id
    query = CustomerQuery(text=args.search, tier=args.tier, owner_id=owner_id)
    rows = []
    after = None
    while len(rows) < args.limit:
        page = svc.customers.page(query, after=after, limit=min(500, args.limit - len(rows)))
        rows += page.rows
        if not page.has_more:
            break
        after = page.last_key
    fields = ("code", "name", "phone", "owner", "tier", "region")
    records = [{f: getattr(r, f) for f in fields} for r in rows]
    out = sys.stdout
    if args.format == "json":
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.format == "csv":
        w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(records)
    else:
        _print_table(records, fields, out)
    svc.close()
    return 0


def _print_table(records, fields, out) -> None:
    from unicodedata import east_asian_width

    def width(s: str) -> int:
        return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in s)

    widths = {f: max([width(f)] + [width(str(r[f])) for r in records]) for f in fields}
    line = "  ".join(f.upper() + " " * (widths[f] - width(f)) for f in fields)
    out.write(line.rstrip() + "\n")
    for r in records:
        cells = [str(r[f]) + " " * (widths[f] - width(str(r[f]))) for f in fields]
        out.write("  ".join(cells).rstrip() + "\n")
    out.write(f"({len(records)} customers)\n")


def cmd_screenshot(args) -> int:
    try:
        w, h = (int(x) for x in args.size.lower().split("x"))
    except ValueError:
        print(f"desktop-crm screenshot: --size must look like 1400x900, not {args.size!r}",
              file=sys.stderr)
        return 2
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop_crm.app import screenshot

    return screenshot(args.db, args.section, args.out, (w, h), lang=args.lang,
                      select_code=args.select)


def cmd_gui(args) -> int:
    from desktop_crm.app import run_gui

    return run_gui(args.db, lang=getattr(args, "lang", None))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    command = args.command or "gui"
    handler = {
        "gui": cmd_gui, "init": cmd_init, "demo": cmd_demo, "customers": cmd_customers,
        "screenshot": cmd_screenshot,
    }[command]
    from desktop_crm.services.container import SchemaError
    from desktop_crm.services.errors import ServiceError

    try:
        return handler(args)
    except (ServiceError, SchemaError) as exc:
        print(f"desktop-crm {command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"desktop-crm {command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one clear line for database trouble
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            from desktop_crm.services.db import safe_url

            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            print(f"desktop-crm {command}: cannot use the database "
                  f"{safe_url(args.db or '') or '(default)'}: {detail}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
