"""``desktop-crm export customers|contacts|orders|tickets FILE`` and the tabular form of
``export activities`` (.xlsx / .csv): the parsers and the commands, on ``ExportService``.

Headers are Chinese by default (the names the importer recognises, so an exported file
imports back as it is); ``--lang en`` writes English ones (and says its messages in English).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from desktop_crm.cli_i18n import QT_TRANSLATE_NOOP, Cli

TABULAR = ("xlsx", "csv")
TIERS = ("strategic", "growth", "basic", "dormant")
TICKET_STATUSES = ("new", "in_progress", "waiting", "resolved", "closed")
ORDER_STATUSES = ("pending", "paid", "cancelled", "refunded")
PRIORITIES = ("low", "normal", "high", "urgent")
SORTS = ("code", "name", "phone", "owner", "tier", "region", "industry", "source", "updated_at")


def _columns_help(kind: str) -> str:
    from desktop_crm.services.exporting import COLUMNS

    cols = COLUMNS[kind]
    return ("comma-separated column keys in the order to write (default: "
            + ",".join(c.key for c in cols if c.default) + "); all: "
            + ",".join(c.key for c in cols))


def _common(p: argparse.ArgumentParser, kind: str) -> None:
    p.add_argument("file", metavar="FILE", help="the file to write (.xlsx or .csv); replaced "
                                                "only once complete")
    p.add_argument("--format", choices=TABULAR,
                   help="xlsx or csv (UTF-8 with a BOM, for Excel); default: from the file "
                        "name, else xlsx")
    p.add_argument("--columns", metavar="A,B,C", help=_columns_help(kind))
    p.add_argument("--lang", choices=("zh_CN", "en"),
                   help="language of the header row and of names such as tiers and statuses "
                        "(default zh_CN: the headers the importer reads back), and of the "
                        "messages")


def _customer_filters(p: argparse.ArgumentParser, whose: str) -> None:
    g = p.add_argument_group(f"which customers{whose}")
    g.add_argument("--text", default="", metavar="TEXT",
                   help="search: name, Chinese substring, pinyin or initials, code, phone, "
                        "email")
    g.add_argument("--tier", choices=TIERS)
    who = g.add_mutually_exclusive_group()
    who.add_argument("--owner", metavar="NAME", help="owner's user name or display name")
    who.add_argument("--unowned", action="store_true", help="only customers in the pool")
    g.add_argument("--province", metavar="P", help="e.g. 广东省")
    g.add_argument("--region", metavar="R", help="e.g. 华东")
    g.add_argument("--industry", metavar="I")
    g.add_argument("--source", metavar="S")
    g.add_argument("--tag", metavar="TAG")


def add_parsers(exsub, common: list, activities: argparse.ArgumentParser) -> None:
    """The export subcommands besides ``activities``, and the tabular options of it."""
    c = exsub.add_parser(
        "customers", parents=common, help="customers to .xlsx or .csv",
        description="Write the customers matching the filters (as the customer list shows "
                    "them, in its order) to an Excel or CSV file.")
    _common(c, "customers")
    _customer_filters(c, "")
    c.add_argument("--sort", choices=SORTS, default="name", help="order of the rows")
    c.add_argument("--deleted", action="store_true", help="the recycle bin instead")

    k = exsub.add_parser(
        "contacts", parents=common, help="the contacts of customers to .xlsx or .csv",
        description="Write the contacts of the customers matching the filters.")
    _common(k, "contacts")
    _customer_filters(k, " (their contacts)")

    o = exsub.add_parser(
        "orders", parents=common, help="orders to .xlsx or .csv",
        description="Write the orders of a period (order dates, both included) and of the "
                    "customers matching the filters, by date.")
    _common(o, "orders")
    o.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first order date")
    o.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last order date")
    o.add_argument("--status", metavar="S[,S]",
                   help="order statuses: " + ", ".join(ORDER_STATUSES) + " (default: all)")
    o.add_argument("--customer", metavar="CODE", help="one customer's orders")
    _customer_filters(o, " (their orders)")

    t = exsub.add_parser(
        "tickets", parents=common, help="service tickets to .xlsx or .csv",
        description="Write the service tickets matching the filters, by number.")
    _common(t, "tickets")
    t.add_argument("--status", metavar="S[,S]",
                   help="statuses: " + ", ".join(TICKET_STATUSES) + ", open (the three open "
                        "ones) or all (the default)")
    t.add_argument("--priority", metavar="P[,P]", help="low, normal, high, urgent")
    t.add_argument("--assignee", metavar="NAME", help="user name or display name")
    t.add_argument("--customer", metavar="CODE", help="one customer's tickets")
    t.add_argument("--text", default="", metavar="TEXT",
                   help="number, subject or customer")

    activities.add_argument(
        "--format", choices=("ics",) + TABULAR,
        help="ics (the default), or a table: xlsx or csv (default: from the --out file name)")
    activities.add_argument("--columns", metavar="A,B,C",
                            help="with xlsx or csv: " + _columns_help("activities"))
    activities.add_argument("--lang", choices=("zh_CN", "en"),
                            help="with xlsx or csv: language of the headers (default zh_CN); "
                                 "and of the messages")


def activities_format(args) -> str:
    """ics unless --format or the --out file's suffix says xlsx or csv."""
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".")
    return suffix if suffix in TABULAR else "ics"


# -- running ---------------------------------------------------------------------------------

def _fail(prog: str, message: str, code: int = 2) -> int:
    print(f"{prog}: {message}", file=sys.stderr)
    return code


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _date(value: str | None, option: str, prog: str) -> dt.date | None | bool:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(prog, Cli.tr("{option} must be a date written YYYY-MM-DD, not {value}",
                           option=option, value=repr(value)))
        return False


def _user_id(svc, name: str, prog: str):
    who = svc.users.by_name(name.strip())
    if who is None:
        known = sorted(u.username for u in svc.users.list(include_inactive=True))
        _fail(prog, Cli.tr("no staff member called {name}; known user names: {names}",
                           name=repr(name), names=", ".join(known)))
    return who


def _customer_query(svc, args, prog: str, sort: str = "name"):
    """The CustomerQuery of the filter options, or None (after saying why) when an owner is
    unknown."""
    from desktop_crm.services.customers import CustomerQuery

    owner_id = None
    if getattr(args, "owner", None):
        who = _user_id(svc, args.owner, prog)
        if who is None:
            return None
        owner_id = who.id
    return CustomerQuery(text=args.text or "", tier=args.tier, owner_id=owner_id,
                         unowned=args.unowned, tag=args.tag or None, region=args.region,
                         province=args.province, industry=args.industry, source=args.source,
                         deleted=getattr(args, "deleted", False), sort=sort)


def _has_customer_filter(args) -> bool:
    return any((args.text, args.tier, args.owner, args.unowned, args.tag, args.region,
                args.province, args.industry, args.source))


def _check_columns(kind: str, value: str | None, prog: str) -> list[str] | None | bool:
    from desktop_crm.services.exporting import COLUMNS

    if value is None:
        return None
    keys = _split(value)
    known = [c.key for c in COLUMNS[kind]]
    unknown = [k for k in keys if k not in known]
    if unknown or not keys:
        fields = {"columns": ", ".join(repr(k) for k in unknown), "kind": kind,
                  "known": ",".join(known)}
        _fail(prog, Cli.tr("no columns given; the columns of {kind}: {known}", **fields)
              if not unknown else
              Cli.tr("unknown column {columns}; the columns of {kind}: {known}", **fields)
              if len(unknown) == 1 else
              Cli.tr("unknown columns {columns}; the columns of {kind}: {known}", **fields))
        return False
    return keys


def _check_file(path: str, prog: str) -> bool:
    p = Path(path)
    if p.is_dir():
        _fail(prog, Cli.tr("{path} is a folder, not a file", path=repr(path)))
        return False
    if not p.resolve().parent.is_dir():
        _fail(prog, Cli.tr("the folder {path} does not exist",
                           path=repr(str(p.resolve().parent))))
        return False
    return True


def _progress(prog: str):
    """A progress line on stderr when it is a terminal (once a second), else nothing."""
    if not sys.stderr.isatty():
        return None
    last = [0.0]

    def progress(_stage: str, done: int, total: int) -> bool:
        now = time.monotonic()
        if now - last[0] > 1 or done >= total:
            last[0] = now
            print(f"\r{prog}: " + Cli.tr("{done:,}/{total:,} rows", done=done, total=total)
                  + "   ", end="", file=sys.stderr, flush=True)
        return True
    return progress


def _write(svc, kind: str, args, path: str, fmt: str | None, columns, query,
           prog: str) -> int:
    from desktop_crm.cli_errors import error_text
    from desktop_crm.services.exporting import ExportError, ExportService

    progress = _progress(prog)
    try:
        result = ExportService(svc.db, svc.user).export(
            kind, path, fmt=fmt, columns=columns, query=query, headers=args.lang or "zh_CN",
            progress=progress)
    except ExportError as exc:
        if progress:
            print(file=sys.stderr)
        return _fail(prog, error_text(exc), 2 if exc.code in ("no_folder", "is_folder") else 1)
    if progress:
        print(file=sys.stderr)
    n = result.rows
    one, many = WROTE[kind]
    print(Cli.tr(one if n == 1 else many, n=n, path=os.path.abspath(result.path)))
    return 0


WROTE = {  # what an export says it wrote: one row, or n rows
    "customers": (QT_TRANSLATE_NOOP("Cli", "wrote 1 customer to {path}"),
                  QT_TRANSLATE_NOOP("Cli", "wrote {n:,} customers to {path}")),
    "contacts": (QT_TRANSLATE_NOOP("Cli", "wrote 1 contact to {path}"),
                 QT_TRANSLATE_NOOP("Cli", "wrote {n:,} contacts to {path}")),
    "orders": (QT_TRANSLATE_NOOP("Cli", "wrote 1 order to {path}"),
               QT_TRANSLATE_NOOP("Cli", "wrote {n:,} orders to {path}")),
    "tickets": (QT_TRANSLATE_NOOP("Cli", "wrote 1 ticket to {path}"),
                QT_TRANSLATE_NOOP("Cli", "wrote {n:,} tickets to {path}")),
    "activities": (QT_TRANSLATE_NOOP("Cli", "wrote 1 follow-up to {path}"),
                   QT_TRANSLATE_NOOP("Cli", "wrote {n:,} follow-ups to {path}")),
}


def cmd_export_table(args, services_factory) -> int:
    """``export customers|contacts|orders|tickets FILE``."""
    kind = args.what
    prog = f"desktop-crm export {kind}"
    columns = _check_columns(kind, args.columns, prog)
    if columns is False or not _check_file(args.file, prog):
        return 2
    fmt = args.format
    if fmt is None:
        suffix = Path(args.file).suffix.lower().lstrip(".")
        fmt = suffix if suffix in TABULAR else "xlsx"
    extra = {}
    if kind == "orders":
        first = _date(args.date_from, "--from", prog)
        last = _date(args.date_to, "--to", prog)
        if first is False or last is False:
            return 2
        if first and last and last < first:
            return _fail(prog, Cli.tr("--to {last} is before --from {first}", last=last,
                                      first=first))
        statuses = _split(args.status)
        bad = [s for s in statuses if s not in ORDER_STATUSES]
        if bad:
            return _fail(prog, Cli.tr("unknown status {status}; statuses: {statuses}",
                                      status=repr(bad[0]), statuses=", ".join(ORDER_STATUSES)))
        extra = {"date_from": first or None, "date_to": last or None,
                 "statuses": tuple(statuses)}
    if kind == "tickets":
        statuses = _split(args.status) or ["all"]
        if "all" in statuses:
            statuses = []
        if "open" in statuses:
            statuses = [s for s in statuses if s != "open"] + ["new", "in_progress", "waiting"]
        bad = [s for s in statuses if s not in TICKET_STATUSES]
        if bad:
            return _fail(prog, Cli.tr("unknown status {status}; statuses: {statuses}",
                                      status=repr(bad[0]),
                                      statuses=", ".join(TICKET_STATUSES + ("open", "all"))))
        priorities = _split(args.priority)
        bad = [p for p in priorities if p not in PRIORITIES]
        if bad:
            return _fail(prog, Cli.tr("unknown priority {priority}; priorities: {priorities}",
                                      priority=repr(bad[0]), priorities=", ".join(PRIORITIES)))
        extra = {"statuses": tuple(dict.fromkeys(statuses)), "priorities": tuple(priorities)}

    svc = services_factory(args)
    try:
        customer_id = None
        if getattr(args, "customer", None):
            from desktop_crm.services.errors import NotFound

            try:
                customer_id = svc.customers.get_by_code(args.customer).id
            except NotFound:
                return _fail(prog, Cli.tr("no customer with the code {code}",
                                          code=repr(args.customer)))
        if kind in ("customers", "contacts"):
            query = _customer_query(svc, args, prog, getattr(args, "sort", "name"))
            if query is None:
                return 2
        elif kind == "orders":
            from desktop_crm.services.exporting import OrderQuery

            customers = None
            if _has_customer_filter(args):
                customers = _customer_query(svc, args, prog)
                if customers is None:
                    return 2
            query = OrderQuery(customers=customers, customer_id=customer_id, **extra)
        else:
            from desktop_crm.services.tickets import TicketQuery

            assignee_id = None
            if args.assignee:
                who = _user_id(svc, args.assignee, prog)
                if who is None:
                    return 2
                assignee_id = who.id
            query = TicketQuery(assignee_id=assignee_id, customer_id=customer_id,
                                text=args.text or "", sort="number", **extra)
        return _write(svc, kind, args, args.file, fmt, columns, query, prog)
    finally:
        svc.close()


def export_activities_table(args, svc, start: dt.datetime, end: dt.datetime, owner_id,
                            team: str | None, fmt: str) -> int:
    """``export activities --out FILE.xlsx|csv``: the same follow-ups as the .ics, as a
    table."""
    from desktop_crm.services.exporting import ActivityQuery

    prog = "desktop-crm export activities"
    columns = _check_columns("activities", args.columns, prog)
    if columns is False:
        return 2
    query = ActivityQuery(start=start, end=end, owner_id=owner_id, team=team)
    return _write(svc, "activities", args, args.out, fmt, columns, query, prog)
