"""The ``desktop-crm`` command line: the GUI, and the same services for scripting and support.

Every subcommand takes ``--db URL`` before or after its name. Without it the app uses
``$DESKTOP_CRM_DB``, then its own SQLite file in the user data directory.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import logging
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from desktop_crm.cli_i18n import QT_TRANSLATE_NOOP, Cli

log = logging.getLogger(__name__)

SECTIONS = ("home", "customers", "calendar", "pool", "pipeline", "tickets", "tiers", "reports")
CALENDAR_VIEWS = ("today", "day", "week", "month", "agenda")
DEMO_STAGES = {"customers": QT_TRANSLATE_NOOP("Cli", "Demo customers")}


def _stderr(prog: str, message: str) -> None:
    """``prog: message`` on stderr: an error, or what a command did besides its output (the
    message already in the user's language)."""
    print(f"{prog}: {message}", file=sys.stderr)


def _db_parent(suppress: bool) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--db", metavar="URL", default=argparse.SUPPRESS if suppress else None,
        help="database URL: sqlite:///path/file.sqlite3, "
             "sqlite+pysqlcipher:///path/file.sqlite3 (encrypted, key from the system keyring) "
             "or postgresql+psycopg://user@host:5432/dbname (password from the system keyring)",
    )
    p.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS if suppress
                   else False, help="log more detail to stderr")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-crm", parents=[_db_parent(False)],
        description="Desktop CRM. Without a command, starts the app.",
    )
    from desktop_crm import __version__

    parser.add_argument("--version", action="version", version=f"desktop-crm {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (same as the self-test command)")
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

    t = sub.add_parser(
        "tiers", parents=common,
        help="compute customer tiers (RFM, lifetime value, churn) and optionally apply them",
        description="Compute RFM scores, BG/NBD + Gamma-Gamma lifetime value and tiers for "
                    "every customer from the paid orders up to --as-of, with the team's tier "
                    "rules; print one row per customer (or the fitted model parameters).")
    t.add_argument("--as-of", metavar="YYYY-MM-DD",
                   help="count paid orders dated up to this day (default: today)")
    t.add_argument("--apply", action="store_true",
                   help="also store the result, give every customer its computed tier "
                        "(audited) and take this month's tier snapshot (manager or admin)")
    t.add_argument("--format", choices=("table", "csv", "json"), default="table")
    t.add_argument("--out", metavar="FILE",
                   help="write to FILE (UTF-8; CSV with a BOM for Excel) instead of stdout; "
                        "replaced only once complete")
    t.add_argument("--fit-report", action="store_true",
                   help="print the fitted model parameters as one JSON object instead of rows")

    p = sub.add_parser(
        "pipeline", parents=common,
        help="the sales funnel: per stage count, amount and weighted amount, win rate, forecast",
        description="Open opportunities per pipeline stage (count, amount, amount x "
                    "probability), the win rate and mean sales cycle of deals closed in the "
                    "last --days days, and the weighted forecast by month of expected close.")
    p.add_argument("--owner", metavar="NAME", help="one salesperson's deals (user name or "
                                                    "display name)")
    p.add_argument("--days", type=int, default=365, metavar="N",
                   help="period for the win rate and sales cycle (default 365)")
    p.add_argument("--format", choices=("table", "json"), default="table")

    pl = sub.add_parser(
        "pool", parents=common,
        help="the public pool: its size, your claims left today; return due customers",
        description="How many customers are in the public pool (公海) and how many more the "
                    "current user may claim today. With --return-due, first return to the pool "
                    "every customer due by the team's rules (no follow-up for N days for its "
                    "tier, or its last deal lost M days ago), tell their owners and managers, "
                    "and list them.")
    pl.add_argument("--return-due", action="store_true",
                    help="return the customers that are due, and list them")
    pl.add_argument("--format", choices=("table", "json"), default="table")

    tk = sub.add_parser(
        "tickets", parents=common, help="list service tickets with their SLA clocks",
        description="List service tickets with the time left to their first-response or "
                    "resolution deadline, in the team's business hours (a negative time: "
                    "overdue by that much). By default the open ones (new, in progress, "
                    "waiting on the customer), most urgent deadline first. With --escalate, "
                    "first apply the escalation rules (as the app does every few minutes).")
    tk.add_argument("--status", action="append", metavar="STATUS",
                    choices=("new", "in_progress", "waiting", "resolved", "closed", "open",
                             "all"),
                    help="new, in_progress, waiting, resolved, closed, open (the three open "
                         "ones) or all; repeat for several")
    tk.add_argument("--breached", action="store_true", help="only tickets past a deadline")
    tk.add_argument("--due-soon", action="store_true",
                    help="only tickets within the warning margin of a deadline")
    tk.add_argument("--assignee", metavar="NAME", help="user name or display name")
    tk.add_argument("--limit", type=int, default=1000, help="at most this many rows")
    tk.add_argument("--escalate", action="store_true", help="apply the escalation rules first")
    tk.add_argument("--format", choices=("table", "csv", "json"), default="table")
    tk.add_argument("--out", metavar="FILE", help="write to FILE instead of the screen")

    rp = sub.add_parser(
        "report", parents=common, help="the monthly management report as PDF (and Excel)",
        description="Write the monthly management report of a month: customers, revenue, "
                    "pipeline, follow-ups, tiers and service, each against the month before "
                    "and the same month a year earlier, as an A4 PDF (--out) and/or the "
                    "figures as an Excel workbook (--xlsx). For scheduled use.")
    rp.add_argument("--month", metavar="YYYY-MM", help="the month (default: last month)")
    rp.add_argument("--lang", choices=("zh_CN", "en"), help="the report's language")
    who_r = rp.add_mutually_exclusive_group()
    who_r.add_argument("--owner", metavar="NAME", help="one salesperson's report")
    who_r.add_argument("--team", metavar="TEAM", help="one team's report")
    rp.add_argument("--company", metavar="NAME", help="the company name on the title page")
    rp.add_argument("--out", metavar="FILE.pdf", help="write the PDF here")
    rp.add_argument("--xlsx", metavar="FILE.xlsx", help="write the figures here")
    rp.add_argument("--format", choices=("text", "json"), default="text",
                    help="what to print: a line per file, or the figures as JSON")

    tg = sub.add_parser(
        "targets", parents=common, help="sales targets and their attainment for a period",
        description="Each salesperson's and each team's revenue (paid orders of their "
                    "customers), won deals and new customers (first purchase) in a month or "
                    "quarter, against their targets, with the pipeline coverage (weighted "
                    "open deals expected to close in what is left of the period, over the "
                    "revenue still missing).")
    tg.add_argument("--period", metavar="YYYY-MM|YYYY-Qn",
                    help="a month (2026-10) or a quarter (2026-Q4); with --import, the "
                         "period of rows that name none")
    tg.add_argument("--team", metavar="TEAM", help="only this team and its members")
    tg.add_argument("--format", choices=("table", "json"), default="table")
    tg_do = tg.add_mutually_exclusive_group()
    tg_do.add_argument("--import", dest="import_file", metavar="FILE",
                       help="set targets from an Excel (.xlsx) or CSV file (columns: period, "
                            "salesperson or team, revenue target, new customers target; "
                            "Chinese or English headers); every row is checked first and "
                            "nothing is written if one is wrong")
    tg_do.add_argument("--template", metavar="FILE.xlsx",
                       help="write a workbook to fill in for --period: the active "
                            "salespeople and teams with their current targets")

    ex = sub.add_parser("export", parents=common, help="export data to other programs",
                        description="Export data for other programs.")
    exsub = ex.add_subparsers(dest="what", metavar="WHAT", required=True)
    ea = exsub.add_parser(
        "activities", parents=common,
        help="the follow-ups of a period as an iCalendar (.ics) file",
        description="Write one salesperson's (or one team's) follow-ups of a period as an "
                    "iCalendar file (RFC 5545) that Outlook, Google, Apple and phone calendars "
                    "import; importing it again updates the events instead of duplicating "
                    "them. Recurring follow-ups give one event per occurrence. Dates are in "
                    "this computer's time zone.")
    who = ea.add_mutually_exclusive_group()
    who.add_argument("--owner", metavar="NAME",
                     help="whose follow-ups: user name or display name (default: you)")
    who.add_argument("--team", metavar="TEAM", help="the follow-ups of this team's members")
    ea.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                    help="first day (default: the first day of this month)")
    ea.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD",
                    help="last day, included (default: one year after --from, excluded)")
    ea.add_argument("--out", required=True, metavar="FILE.ics",
                    help="the file to write; replaced only once complete")
    from desktop_crm import cli_export

    cli_export.add_parsers(exsub, common, ea)

    from desktop_crm.cli_import import add_parser as add_import_parser

    add_import_parser(sub, common)

    s = sub.add_parser("screenshot", parents=common,
                       help="render a section of the main window to a PNG")
    s.add_argument("section", choices=SECTIONS)
    s.add_argument("--out", required=True, metavar="FILE.png")
    s.add_argument("--size", default="1400x900", metavar="WxH")
    s.add_argument("--lang", choices=("zh_CN", "en"), help="UI language of the picture")
    s.add_argument("--select", metavar="CODE", help="open this customer's 360° view")
    s.add_argument("--view", choices=CALENDAR_VIEWS, help="the calendar's view (default: week)")
    s.add_argument("--date", metavar="YYYY-MM-DD", help="the calendar's day (default: today)")
    s.add_argument("--owner", metavar="NAME", help="the calendar shows this person's follow-ups; the home section is shown as this person sees it")

    from desktop_crm import cli_duplicates

    cli_duplicates.add_parser(sub, common)
    from desktop_crm import cli_backup

    cli_backup.add_parsers(sub, common)
    from desktop_crm import cli_users

    cli_users.add_parser(sub, common)
    from desktop_crm import cli_sync

    cli_sync.add_parsers(sub, common)

    sub.add_parser(
        "self-test", parents=common, help="check this installation and exit",
        description="In a new temporary folder: open a fresh SQLite database, run the "
                    "migrations, create, find and delete a customer, render every section "
                    "of the main window offscreen and write a one-page PDF. Prints a line "
                    "per step; exits 0 if all passed, else 1. Never touches your data.")
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
        print(Cli.tr("{database}: schema is up to date (revision {revision})",
                     database=db.describe(), revision=after))
    else:
        print(Cli.tr("{database}: schema upgraded from {before} to revision {after}",
                     database=db.describe(), before=before or Cli.tr("empty"), after=after))
    print(Cli.tr("administrator: {user}", user=user.username))
    db.dispose()
    return 0


def cmd_demo(args) -> int:
    from desktop_crm.services.demo import generate_demo

    if args.customers < 1:
        _stderr("desktop-crm demo", Cli.tr("--customers must be at least 1"))
        return 2
    svc = _services(args, upgrade=True)
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> bool:
        now = time.monotonic()
        if now - last[0] > 1 or done >= total:
            last[0] = now
            name = DEMO_STAGES.get(stage)
            print("\r" + Cli.tr("{stage}: {done:,}/{total:,}",
                                 stage=Cli.tr(name) if name else stage, done=done, total=total)
                  + "   ", end="", file=sys.stderr, flush=True)
        return True

    summary = generate_demo(svc.db, args.customers, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    print(Cli.tr("{database}: added {customers:,} customers, {orders:,} orders, {contacts:,} "
                 "contacts, {interactions:,} interactions, {activities:,} activities, "
                 "{opportunities:,} opportunities, {tickets:,} tickets, {users:,} staff in "
                 "{seconds:.1f} s", database=svc.db.describe(), customers=summary.customers,
                 orders=summary.orders, contacts=summary.contacts,
                 interactions=summary.interactions, activities=summary.activities,
                 opportunities=summary.opportunities, tickets=summary.tickets,
                 users=summary.users, seconds=summary.seconds))
    svc.close()
    return 0


def cmd_customers(args) -> int:
    from desktop_crm.services.customers import CustomerQuery

    svc = _services(args)
    owner_id = None
    if args.owner:
        owner = svc.users.by_name(args.owner)
        if owner is None:
            _stderr("desktop-crm customers", Cli.tr("no staff member called {name}",
                                                   name=repr(args.owner)))
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


def cmd_pipeline(args) -> int:
    from desktop_crm.services.pipeline import BoardFilter

    svc = _services(args)
    try:
        owner_id = None
        if args.owner:
            owner = svc.users.by_name(args.owner)
            if owner is None:
                _stderr("desktop-crm pipeline", Cli.tr("no staff member called {name}",
                                                      name=repr(args.owner)))
                return 2
            owner_id = owner.id
        if args.days < 1:
            _stderr("desktop-crm pipeline", Cli.tr("--days must be at least 1, not {days}",
                                                  days=args.days))
            return 2
        end = dt.datetime.now(dt.timezone.utc)
        funnel = svc.pipeline.funnel(end - dt.timedelta(days=args.days), end,
                                     owner_id=owner_id)
        # the board's columns: open deals, and Won / Lost closed in the period
        board = svc.pipeline.board(BoardFilter(owner_id=owner_id, closed_days=args.days))
    finally:
        svc.close()
    figures = {f.stage.id: f for f in funnel.stages}
    stages = []
    for col in board:
        f = figures[col.stage.id]
        closed = col.stage.is_won or col.stage.is_lost
        stages.append({
            "stage": col.stage.name or col.stage.code, "count": col.count,
            "amount": float(col.total), "weighted": 0.0 if closed else float(col.weighted),
            "conversion": None if f.conversion is None else round(f.conversion, 4),
            "avg_days_in_stage": None if f.avg_days is None else round(f.avg_days, 1),
        })
    summary = {
        "stages": stages,
        "period_days": args.days,
        "won": funnel.won, "lost": funnel.lost,
        "win_rate": None if funnel.win_rate is None else round(funnel.win_rate, 4),
        "won_amount": float(funnel.won_amount),
        "avg_sales_cycle_days": None if funnel.avg_cycle_days is None
        else round(funnel.avg_cycle_days, 1),
        "forecast": {m: round(float(v), 2) for m, v in funnel.forecast.items()},
    }
    out = sys.stdout
    if args.format == "json":
        json.dump(summary, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    heads = ["STAGE", "COUNT", "AMOUNT", "WEIGHTED", "CONVERSION", "AVG DAYS"]
    rows = [[r["stage"], r["count"], f"{r['amount']:,.2f}", f"{r['weighted']:,.2f}",
             "" if r["conversion"] is None else f"{r['conversion']:.1%}",
             "" if r["avg_days_in_stage"] is None else f"{r['avg_days_in_stage']:.1f}"]
            for r in stages]
    _write_table(lambda: iter(rows), heads, out, right=[False, True, True, True, True, True])
    rate = "-" if summary["win_rate"] is None else f"{summary['win_rate']:.1%}"
    cycle = ("-" if summary["avg_sales_cycle_days"] is None
             else Cli.tr("{days:.1f} days", days=summary["avg_sales_cycle_days"]))
    out.write("\n" + Cli.tr("Last {days} days: won {won}, lost {lost}, win rate {rate}, mean "
                            "sales cycle {cycle}", days=args.days, won=funnel.won,
                            lost=funnel.lost, rate=rate, cycle=cycle) + "\n")
    out.write(Cli.tr("Forecast (amount x probability) by month of expected close:") + "\n")
    if not summary["forecast"]:
        out.write("  " + Cli.tr("(no open deal has an expected close date)") + "\n")
    for month, value in summary["forecast"].items():
        out.write(f"  {month}  {value:>16,.2f}\n")
    return 0


def _find_user(svc, name: str, prog: str):
    """The staff member called ``name`` (user name or display name), or None after saying
    on stderr which names exist."""
    who = svc.users.by_name(name.strip())
    if who is None:
        known = sorted(u.username for u in svc.users.list(include_inactive=True))
        _stderr(prog, Cli.tr("no staff member called {name}; known user names: {names}",
                            name=repr(name), names=", ".join(known)))
    return who


def _find_team(svc, name: str, prog: str) -> str | None:
    """``name`` when it is a team, else None after listing the teams on stderr."""
    team = name.strip()
    teams = sorted({u.team for u in svc.users.list(include_inactive=True) if u.team})
    if team not in teams:
        _stderr(prog, Cli.tr("no team called {name}; teams: {teams}", name=repr(name),
                            teams=", ".join(teams) or Cli.tr("(none)")))
        return None
    return team


def _left_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes = int(abs(seconds) // 60)
    text = f"{minutes // 60}h{minutes % 60:02d}m"
    return f"-{text}" if seconds < 0 else text


def cmd_tickets(args) -> int:
    from desktop_crm.services.tickets import OPEN, STATUSES, TicketQuery, clock_of

    statuses: set[str] = set()
    for st in args.status or ["open"]:
        statuses |= set(OPEN) if st == "open" else set(STATUSES) if st == "all" else {st}
    if args.limit < 1:
        _stderr("desktop-crm tickets", Cli.tr("--limit must be at least 1, not {limit}",
                                             limit=args.limit))
        return 2
    svc = _services(args)
    try:
        assignee = None
        if args.assignee:
            assignee = _find_user(svc, args.assignee, "desktop-crm tickets")
            if assignee is None:
                return 2
        now = dt.datetime.now(dt.timezone.utc)
        escalated = svc.tickets.escalate_due(now) if args.escalate else []
        query = TicketQuery(statuses=tuple(sorted(statuses)), breached=args.breached,
                            due_soon=args.due_soon,
                            assignee_id=assignee.id if assignee else None)
        rows = svc.tickets.page(query, limit=args.limit, now=now)
        total = svc.tickets.count(query, now=now)
        cal = svc.tickets.calendar(now)
        warn = svc.tickets.warn_seconds()
        tz = ZoneInfo(cal.hours.tz)
        records = []
        for r in rows:
            c = clock_of(r, cal, now, warn)
            records.append({
                "number": r.number, "subject": r.subject, "customer": r.customer_name,
                "priority": r.priority, "status": r.status, "assignee": r.assignee_name,
                "opened": r.opened_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                "deadline": c.target or "",
                "due": c.due.astimezone(tz).strftime("%Y-%m-%d %H:%M") if c.due else "",
                "left_minutes": None if c.seconds_left is None
                else round(c.seconds_left / 60, 1),
                "sla": c.state, "paused": c.paused})
    finally:
        svc.close()
    fields = ["number", "subject", "customer", "priority", "status", "assignee", "opened",
              "deadline", "due", "left_minutes", "sla", "paused"]

    def write(out) -> None:
        if args.format == "json":
            json.dump({"total": total, "shown": len(records), "escalated": len(escalated),
                       "tickets": records}, out, ensure_ascii=False, indent=2)
            out.write("\n")
        elif args.format == "csv":
            w = csv.DictWriter(out, fieldnames=fields)
            w.writeheader()
            w.writerows(records)
        else:
            heads = ["NUMBER", "SUBJECT", "CUSTOMER", "PRIORITY", "STATUS", "ASSIGNEE",
                     "OPENED", "DUE", "LEFT", "SLA"]
            _write_table(lambda: ([r["number"], r["subject"], r["customer"], r["priority"],
                                   r["status"], r["assignee"], r["opened"], r["due"],
                                   _left_text(None if r["left_minutes"] is None
                                              else r["left_minutes"] * 60)
                                   + (" (paused)" if r["paused"] else ""), r["sla"]]
                                  for r in records), heads, out)
            shown = (Cli.tr("{shown:,} of {total:,} tickets", shown=len(records), total=total)
                     if total > len(records) else
                     Cli.tr("{shown:,} tickets", shown=len(records)))
            if args.escalate:
                shown = Cli.tr("{tickets}; {n} escalated", tickets=shown, n=len(escalated))
            out.write(Cli.tr("({summary})", summary=shown) + "\n")

    try:
        _write_output(args.out, write, bom=args.format == "csv")
    except OSError as exc:
        _stderr("desktop-crm tickets", Cli.tr("could not write {path}: {error}", path=args.out,
                                             error=exc))
        return 1
    return 0


def cmd_report(args) -> int:
    from desktop_crm.services.periods import add_months, month_start
    from desktop_crm.services.report import ReportService, report_values
    from desktop_crm.services.report_model import Scope

    prog = "desktop-crm report"
    if not args.out and not args.xlsx and args.format != "json":
        _stderr(prog, Cli.tr("say where to write it: --out FILE.pdf and/or --xlsx FILE.xlsx (or "
                            "--format json)"))
        return 2
    if args.month:
        try:
            month = dt.datetime.strptime(args.month, "%Y-%m").date()
        except ValueError:
            _stderr(prog, Cli.tr("--month must be written YYYY-MM, not {value}",
                                value=repr(args.month)))
            return 2
    else:
        month = add_months(month_start(dt.date.today()), -1)
    for option, path in (("--out", args.out), ("--xlsx", args.xlsx)):
        if path and not Path(path).resolve().parent.is_dir():
            _stderr(prog, Cli.tr("{option}: the folder of {path} does not exist", option=option,
                                path=path))
            return 2
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop_crm.app import make_app

    _app, _language, font = make_app(args.lang)
    if font is None:
        _stderr(prog, Cli.tr("no Chinese font is installed: Chinese text would print as boxes. "
                            "Install fonts-noto-cjk or fonts-wqy-microhei (Windows has "
                            "Microsoft YaHei)."))
    svc = _services(args)
    try:
        scope = Scope()
        if args.owner:
            who = _find_user(svc, args.owner, prog)
            if who is None:
                return 2
            scope = Scope(owner_id=who.id, label=who.display_name)
        elif args.team:
            team = _find_team(svc, args.team, prog)
            if team is None:
                return 2
            scope = Scope(team=team, label=team)
        report = ReportService(svc.db, svc.user).build(month, scope, company=args.company)
    finally:
        svc.close()
    if args.out:
        from desktop_crm.views.report_document import ReportDocument

        pages = ReportDocument(report).save_pdf(args.out)
        if args.format == "text":
            print(Cli.tr("wrote 1 page to {path}", path=Path(args.out).resolve()) if pages == 1
                  else Cli.tr("wrote {n} pages to {path}", n=pages,
                              path=Path(args.out).resolve()))
    if args.xlsx:
        from desktop_crm.services.report_xlsx import write_xlsx
        from desktop_crm.views import labels
        from desktop_crm.views.report_labels import report_tr

        write_xlsx(report, args.xlsx, report_tr, lambda code: labels.label(labels.TIERS, code))
        if args.format == "text":
            print(Cli.tr("wrote the figures to {path}", path=Path(args.xlsx).resolve()))
    if args.format == "json":
        json.dump({"month": month.strftime("%Y-%m"), "scope": scope.label or "company",
                   "sections": [s.key for s in report.sections],
                   "figures": report_values(report)}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return 0


def cmd_targets(args) -> int:
    from desktop_crm.services.errors import ValidationError
    from desktop_crm.services.targets import TargetService, parse_period

    prog = "desktop-crm targets"
    if args.period is None and not args.import_file:
        _stderr(prog, Cli.tr("--period is required (a month, 2026-10, or a quarter, 2026-Q4)"))
        return 2
    if args.period is not None:
        try:
            parse_period(args.period)
        except ValidationError:
            _stderr(prog, Cli.tr("--period must be a month (2026-10) or a quarter (2026-Q4), "
                                "not {value}", value=repr(args.period)))
            return 2
    if args.import_file or args.template:
        return _targets_file(args, prog)
    svc = _services(args)
    try:
        if args.team and _find_team(svc, args.team, prog) is None:
            return 2
        rows = TargetService(svc.db, svc.user).attainment(args.period, team=args.team)
    finally:
        svc.close()

    def num(v):
        return None if v is None else float(v)

    records = [{"name": a.name, "kind": "person" if a.user_id else "team", "team": a.team,
                "revenue_target": num(a.revenue_target), "revenue": num(a.revenue),
                "revenue_attainment": a.revenue_attainment, "won_amount": num(a.won_amount),
                "new_customers_target": a.new_customers_target,
                "new_customers": a.new_customers,
                "new_customers_attainment": a.new_customers_attainment,
                "weighted_open": num(a.weighted_open), "coverage": a.coverage}
               for a in rows]
    out = sys.stdout
    if args.format == "json":
        json.dump({"period": args.period.upper(), "rows": records}, out, ensure_ascii=False,
                  indent=2)
        out.write("\n")
        return 0

    def pct(v):
        return "" if v is None else f"{v:.0%}"

    def money(v):
        return "" if v is None else f"{v:,.0f}"

    heads = ["NAME", "TEAM", "REVENUE TARGET", "REVENUE", "%", "WON", "NEW TARGET", "NEW",
             "%", "WEIGHTED OPEN", "COVERAGE"]
    _write_table(lambda: ([r["name"] + ("" if r["kind"] == "person" else " (team)"),
                           r["team"], money(r["revenue_target"]), money(r["revenue"]),
                           pct(r["revenue_attainment"]), money(r["won_amount"]),
                           "" if r["new_customers_target"] is None
                           else r["new_customers_target"], r["new_customers"],
                           pct(r["new_customers_attainment"]), money(r["weighted_open"]),
                           "" if r["coverage"] is None else f"{r['coverage']:.1f}x"]
                          for r in records), heads, out,
                 right=[False, False] + [True] * 9)
    return 0


def _targets_file(args, prog: str) -> int:
    """``targets --import FILE`` and ``targets --template FILE.xlsx``."""
    from desktop_crm.services.errors import ValidationError
    from desktop_crm.services.targets import TargetService
    from desktop_crm.services.targets_import import import_targets, write_template

    if args.import_file and not Path(args.import_file).is_file():
        _stderr(prog, Cli.tr("no file {path}", path=repr(args.import_file)))
        return 2
    svc = _services(args)
    try:
        service = TargetService(svc.db, svc.user)
        if args.template:
            n = write_template(service, args.template, args.period)
            print(Cli.tr("{path}: {n} rows for {period}", path=os.path.abspath(args.template),
                         n=n, period=args.period.upper()))
            return 0
        try:
            summary = import_targets(service, args.import_file, period=args.period)
        except ValidationError as err:
            from desktop_crm.cli_errors import target_error_text

            for e in err.errors:
                _stderr(prog, target_error_text(e))
            _stderr(prog, Cli.tr("1 error; nothing was imported") if len(err.errors) == 1
                   else Cli.tr("{n} errors; nothing was imported", n=len(err.errors)))
            return 1
    finally:
        svc.close()
    if args.format == "json":
        json.dump({"file": args.import_file, "created": summary.created,
                   "updated": summary.updated, "unchanged": summary.unchanged,
                   "periods": list(summary.periods)}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(Cli.tr("{file}: {created} created, {updated} updated, {unchanged} unchanged "
                     "({periods})", file=args.import_file, created=summary.created,
                     updated=summary.updated, unchanged=summary.unchanged,
                     periods=", ".join(summary.periods) or Cli.tr("no rows")))
    return 0


def cmd_pool(args) -> int:
    svc = _services(args)
    try:
        returned = svc.pool.return_due() if args.return_due else None
        rules = svc.pool.rules()[0]
        summary: dict = {
            "pool_size": svc.pool.pool_size(),
            "user": svc.user.username,
            "claim_limit_per_day": rules.claim_limit_per_day or None,
            "claims_left_today": svc.pool.claims_left_today(),
        }
    finally:
        svc.close()
    if returned is not None:
        summary["returned"] = [
            {"code": r.code, "name": r.name, "tier": r.tier, "owner": r.owner_name,
             "reason": r.reason, "days": r.days} for r in returned]
    out = sys.stdout
    if args.format == "json":
        json.dump(summary, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    left = summary["claims_left_today"]
    out.write(Cli.tr("Public pool: {n:,} customers", n=summary["pool_size"]) + "\n")
    out.write((Cli.tr("Claims left today for {user}: no limit", user=summary["user"])
               if left is None else
               Cli.tr("Claims left today for {user}: {left} of {limit}", user=summary["user"],
                      left=left, limit=summary["claim_limit_per_day"])) + "\n")
    if returned is not None:
        out.write(Cli.tr("Returned to the pool now: {n:,}", n=len(returned)) + "\n")
        if returned:
            heads = ["CODE", "NAME", "TIER", "OWNER", "REASON", "DAYS"]
            _write_table(lambda: ([r[k] for k in ("code", "name", "tier", "owner", "reason",
                                                  "days")] for r in summary["returned"]),
                         heads, out, right=[False] * 5 + [True])
    return 0


def _text_width(s: str) -> int:
    """Terminal columns of ``s``: CJK (wide and full-width) characters take two."""
    from unicodedata import east_asian_width

    if s.isascii():
        return len(s)
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in s)


def _print_table(records, fields, out) -> None:
    _write_table(lambda: ([r[f] for f in fields] for r in records),
                 [f.upper() for f in fields], out)
    out.write(Cli.tr("({n:,} customers)", n=len(records)) + "\n")


def _write_table(rows: Callable[[], Iterable[Sequence]], heads: Sequence[str], out,
                 right: Sequence[bool] = ()) -> None:
    """Aligned plain-text columns. ``rows()`` is called twice (widths, then lines), so a
    million rows need not be held as text; ``None`` prints as an empty cell; ``right`` says
    which columns are right-aligned (numbers)."""
    right = list(right) or [False] * len(heads)
    widths = [_text_width(h) for h in heads]
    for row in rows():
        for i, v in enumerate(row):
            w = _text_width("" if v is None else str(v))
            if w > widths[i]:
                widths[i] = w

    def line(values) -> str:
        parts = []
        for v, w, r in zip(values, widths, right):
            v = "" if v is None else str(v)
            pad = " " * (w - _text_width(v))
            parts.append(pad + v if r else v + pad)
        return "  ".join(parts).rstrip() + "\n"

    out.write(line(heads))
    for row in rows():
        out.write(line(row))


def _write_output(path: str | None, write: Callable, *, bom: bool = False) -> None:
    """Call ``write(stream)`` on stdout, or on a temporary file next to ``path`` that then
    replaces ``path`` (so a failure halfway leaves no half-written file, and an old file
    stays as it was)."""
    if path is None:
        write(sys.stdout)
        sys.stdout.flush()
        return
    target = Path(path)
    try:  # mkstemp makes the file private (0600): give it the mode a plain open() would
        mode = target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with contextlib.suppress(OSError):  # not every file system has modes
            os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _report_rows(frame, chunk: int = 50_000) -> Iterator[tuple]:
    """The report frame's rows as tuples of plain Python values (None where missing), made a
    chunk at a time (a million rows as Python objects would take a gigabyte)."""
    import numpy as np

    for start in range(0, len(frame), chunk):
        part = frame.iloc[start:start + chunk]
        columns = []
        for name in part.columns:
            col = part[name]
            if col.dtype.kind == "f":
                values = col.to_numpy()
                obj = values.astype(object)
                obj[~np.isfinite(values)] = None
            else:  # ints, nullable ints (pd.NA) and strings
                obj = col.to_numpy(dtype=object, na_value=None)
            columns.append(obj.tolist())
        yield from zip(*columns)


def _json_safe(obj):
    """Non-finite floats (which JSON cannot hold) become null."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    return obj


def cmd_tiers(args) -> int:
    as_of = None
    if args.as_of is not None:
        try:
            as_of = dt.datetime.strptime(args.as_of.strip(), "%Y-%m-%d").date()
        except ValueError:
            _stderr("desktop-crm tiers", Cli.tr("{option} must be a date written YYYY-MM-DD, "
                                               "not {value}", option="--as-of",
                                               value=repr(args.as_of)))
            return 2
    if args.out is not None and not Path(args.out).parent.is_dir():
        _stderr("desktop-crm tiers", Cli.tr("{option}: the folder {path} does not exist",
                                           option="--out", path=repr(str(Path(args.out).parent))))
        return 2
    from desktop_crm.services.tiers import TierService

    svc = _services(args)
    try:
        tiers = TierService(svc.db, svc.user)
        result = tiers.compute(as_of)
        if args.fit_report:
            report = _json_safe(result.fits.report())
            _write_output(args.out, lambda f: f.write(
                json.dumps(report, ensure_ascii=False, allow_nan=False) + "\n"))
        else:
            frame = tiers.report(result)
            fields = list(frame.columns)
            if args.format == "json":
                def write(f) -> None:
                    f.write("[")
                    for i, row in enumerate(_report_rows(frame)):
                        f.write(",\n" if i else "\n")
                        f.write(json.dumps(dict(zip(fields, row)), ensure_ascii=False,
                                           allow_nan=False))
                    f.write("\n]\n" if len(frame) else "]\n")
            elif args.format == "csv":
                def write(f) -> None:
                    w = csv.writer(f, lineterminator="\n")
                    w.writerow(fields)
                    w.writerows(["" if v is None else v for v in row]
                                for row in _report_rows(frame))
            else:
                right = [frame[c].dtype.kind in "iuf" for c in fields]

                def write(f) -> None:
                    _write_table(lambda: _report_rows(frame), fields, f, right)
                    f.write(Cli.tr("({n:,} customers)", n=len(frame)) + "\n")
            _write_output(args.out, write, bom=args.format == "csv")
        if args.apply:
            run = tiers.save(result)
            applied = tiers.apply(run.id)
            _stderr("desktop-crm tiers", Cli.tr(
                "applied the tiers as of {day}: {changed:,} customers changed tier; snapshot "
                "{month} ({rows:,} customers)", day=result.as_of.isoformat(),
                changed=applied.changed, month=applied.month, rows=applied.snapshot_rows))
    finally:
        svc.close()
    return 0


ACTIVITY_LABELS = {"call": "Call", "visit": "Visit", "meeting": "Meeting", "email": "Email",
                   "task": "Task", "wechat": "WeChat"}


def _local_date(value: str, option: str, prog: str) -> dt.date | None:
    """``value`` as a date, or None after saying on stderr why it is not one."""
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        _stderr(prog, Cli.tr("{option} must be a date written YYYY-MM-DD, not {value}",
                            option=option, value=repr(value)))
        return None


def _year_later(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28) + dt.timedelta(days=1)


def _count_events(data: bytes) -> int:
    """VEVENTs in an iCalendar file (a component line never starts a folded or escaped
    value, so counting the lines is exact)."""
    return sum(1 for line in data.splitlines() if line == b"BEGIN:VEVENT")


def cmd_export(args) -> int:
    if args.what == "activities":
        return cmd_export_activities(args)
    from desktop_crm.cli_export import cmd_export_table

    return cmd_export_table(args, _services)


def cmd_export_activities(args) -> int:
    from desktop_crm import cli_export
    from desktop_crm.services.followups import local_zone

    prog = "desktop-crm export activities"
    tz = local_zone()
    first = last = None
    if args.date_from is not None:
        first = _local_date(args.date_from, "--from", prog)
        if first is None:
            return 2
    if args.date_to is not None:
        last = _local_date(args.date_to, "--to", prog)
        if last is None:
            return 2
    if first is None:
        first = dt.datetime.now(tz).date().replace(day=1)
    end_day = _year_later(first) if last is None else last + dt.timedelta(days=1)
    if end_day <= first:
        _stderr(prog, Cli.tr("--to {last} is before --from {first}", last=last.isoformat(),
                            first=first.isoformat()))
        return 2
    out = Path(args.out)
    if not out.parent.is_dir():
        _stderr(prog, Cli.tr("{option}: the folder {path} does not exist", option="--out",
                            path=repr(str(out.parent))))
        return 2
    if out.is_dir():
        _stderr(prog, Cli.tr("{option}: {path} is a folder, not a file", option="--out",
                            path=repr(str(out))))
        return 2

    svc = _services(args)
    try:
        owner_id, team = None, None
        if args.team is not None:
            team = _find_team(svc, args.team, prog)
            if team is None:
                return 2
        elif args.owner is not None:
            owner = _find_user(svc, args.owner, prog)
            if owner is None:
                return 2
            owner_id = owner.id
        else:
            owner_id = svc.user.id
        start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
        end = dt.datetime.combine(end_day, dt.time(), tzinfo=tz)
        fmt = cli_export.activities_format(args)
        if fmt != "ics":
            return cli_export.export_activities_table(args, svc, start, end, owner_id, team,
                                                      fmt)
        data = svc.followups.export_ics(start, end, owner_id=owner_id, team=team,
                                        labels=ACTIVITY_LABELS)
    finally:
        svc.close()
    text = data.decode("utf-8")
    _write_output(str(out), lambda f: f.write(text))
    n = _count_events(data)
    print(Cli.tr("wrote 1 follow-up to {path}", path=os.path.abspath(out)) if n == 1
          else Cli.tr("wrote {n:,} follow-ups to {path}", n=n, path=os.path.abspath(out)))
    return 0


def cmd_screenshot(args) -> int:
    try:
        w, h = (int(x) for x in args.size.lower().split("x"))
    except ValueError:
        _stderr("desktop-crm screenshot", Cli.tr("--size must look like 1400x900, not {value}",
                                                value=repr(args.size)))
        return 2
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop_crm.app import screenshot

    day = None
    if args.date:
        try:
            day = dt.date.fromisoformat(args.date)
        except ValueError:
            _stderr("desktop-crm screenshot", Cli.tr(
                "{option} must be a date written YYYY-MM-DD, not {value}", option="--date",
                value=repr(args.date)))
            return 2
    return screenshot(args.db, args.section, args.out, (w, h), lang=args.lang,
                      select_code=args.select, view=args.view, day=day, owner=args.owner)


def cmd_duplicates(args) -> int:
    from desktop_crm.cli_duplicates import cmd_duplicates as run

    services = _services(args)
    try:
        return run(args, services)
    finally:
        services.close()


def cmd_import(args) -> int:
    from desktop_crm.cli_import import cmd_import as run_import

    return run_import(args)


def cmd_backup(args) -> int:
    from desktop_crm.cli_backup import cmd_backup as run

    return run(args)


def cmd_restore(args) -> int:
    from desktop_crm.cli_backup import cmd_restore as run

    return run(args)


def cmd_user(args) -> int:
    from desktop_crm.cli_users import cmd_user as run

    return run(args)


def cmd_replica(args) -> int:
    from desktop_crm.cli_sync import cmd_replica as run

    return run(args)


def cmd_sync(args) -> int:
    from desktop_crm.cli_sync import cmd_sync as run

    return run(args)


def cmd_sync_log(args) -> int:
    from desktop_crm.cli_sync import cmd_sync_log as run

    return run(args)


def cmd_conflicts(args) -> int:
    from desktop_crm.cli_sync import cmd_conflicts as run

    return run(args)


def cmd_gui(args) -> int:
    from desktop_crm.app import run_gui

    return run_gui(args.db, lang=getattr(args, "lang", None))


def cmd_self_test(args) -> int:
    from desktop_crm.selftest import run

    return run()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    verbose = getattr(args, "verbose", False)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    for h in logging.getLogger().handlers:  # the console shows what it did before the log file
        if type(h) is logging.StreamHandler and h.level == logging.NOTSET:
            h.setLevel(logging.DEBUG if verbose else logging.WARNING)
    from desktop_crm import logfile

    logfile.install(logging.DEBUG if verbose else logging.INFO)
    from desktop_crm import cli_i18n

    cli_i18n.setup(getattr(args, "lang", None))
    command = "self-test" if args.self_test else (args.command or "gui")
    handler = {
        "gui": cmd_gui, "init": cmd_init, "demo": cmd_demo, "customers": cmd_customers,
        "tiers": cmd_tiers, "pipeline": cmd_pipeline, "pool": cmd_pool,
        "tickets": cmd_tickets, "report": cmd_report, "targets": cmd_targets,
        "screenshot": cmd_screenshot, "export": cmd_export, "duplicates": cmd_duplicates,
        "import": cmd_import, "self-test": cmd_self_test, "backup": cmd_backup,
        "restore": cmd_restore, "user": cmd_user, "replica": cmd_replica, "sync": cmd_sync,
        "conflicts": cmd_conflicts, "sync-log": cmd_sync_log,
    }[command]
    if command == "export":
        command = f"export {args.what}"
    elif command == "user":
        command = f"user {args.user_command}"
    from desktop_crm.services.db import resolve_url, safe_url

    log.info("desktop-crm %s on %s", command, safe_url(resolve_url(getattr(args, "db", None))))
    from desktop_crm.services.container import SchemaError
    from desktop_crm.services.errors import ServiceError

    try:
        return handler(args)
    except (ServiceError, SchemaError) as exc:
        from desktop_crm.cli_errors import error_text

        log.info("desktop-crm %s: %s", command, exc)
        for line in error_text(exc).splitlines():
            _stderr(f"desktop-crm {command}", line)
        return 1
    except KeyboardInterrupt:
        _stderr(f"desktop-crm {command}", Cli.tr("interrupted"))
        return 130
    except BrokenPipeError:
        # the reader went away (``desktop-crm tiers | head``): stop quietly, and keep Python
        # from complaining again when it flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as exc:  # noqa: BLE001 - one clear line for database trouble
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            from desktop_crm.services.db import safe_url

            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            _stderr(f"desktop-crm {command}", Cli.tr(
                "cannot use the database {database}: {detail}",
                database=safe_url(args.db or "") or Cli.tr("(default)"), detail=detail))
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
