"""``desktop-crm replica create``, ``desktop-crm sync`` and ``desktop-crm conflicts``: a
laptop's offline replica of the office database (services/sync.py)."""

from __future__ import annotations

import json
import sys
import uuid

from desktop_crm.cli_i18n import QT_TRANSLATE_NOOP, Cli

# What a failed sync means and what to do, per SyncError code.
SYNC_ERRORS = {
    "not_replica": QT_TRANSLATE_NOOP(
        "Cli", "{database} is not an offline replica: make one with "
               "desktop-crm replica create --server URL"),
    "server_older": QT_TRANSLATE_NOOP(
        "Cli", "the office server is on schema revision {server}, this app on {app}: ask the "
               "administrator to upgrade the server (desktop-crm init), then sync. Nothing "
               "was changed; your changes are kept."),
    "app_older": QT_TRANSLATE_NOOP(
        "Cli", "the office server is on schema revision {server}, this app on {app}: install "
               "the newer app, then sync. Nothing was changed; your changes are kept."),
    "server_behind": QT_TRANSLATE_NOOP(
        "Cli", "the office server is older than this replica's last sync (restored from a "
               "backup?): ask the administrator. Nothing was changed; your changes are kept."),
    "unreachable": QT_TRANSLATE_NOOP(
        "Cli", "the office server {server} cannot be reached: your changes are kept on this "
               "computer; sync again when connected"),
    "cancelled": QT_TRANSLATE_NOOP(
        "Cli", "sync cancelled: what was sent is kept, the rest goes next time"),
    "login_failed": QT_TRANSLATE_NOOP(
        "Cli", "the office server did not accept the login {login}: keep its password in the "
               "keyring (the app's Settings, Database) and sync again; your changes are kept"),
    "not_staff": QT_TRANSLATE_NOOP(
        "Cli", "the login {login} is no user of this CRM: ask the administrator"),
    "exists": QT_TRANSLATE_NOOP(
        "Cli", "{path} already exists: choose another file, or remove it first"),
}


def sync_error_text(exc) -> str:
    template = SYNC_ERRORS.get(exc.code)
    if template is None:
        return exc.code
    return Cli.tr(template, **{k: v for k, v in exc.details.items()})


def add_parsers(sub, common: list) -> None:
    r = sub.add_parser(
        "replica", parents=common, help="make an offline replica of the office database",
        description="Make a local replica of the office PostgreSQL database holding what "
                    "your login may see, to work on offline (open it with --db, or from the "
                    "app); desktop-crm sync brings both sides up to date.")
    rsub = r.add_subparsers(dest="replica_command", required=True)
    c = rsub.add_parser("create", parents=common, help="copy the office database to a file")
    c.add_argument("--server", required=True, metavar="URL",
                   help="the office server, e.g. postgresql://me@office-pc/crm (the password "
                        "comes from the keyring)")
    c.add_argument("--file", metavar="PATH",
                   help="the replica to write (default: offline.sqlite3 in the data folder)")
    c.add_argument("--plain", action="store_true",
                   help="do not encrypt the file (for tests; a laptop's replica is encrypted "
                        "with a key kept in the system keyring)")

    s = sub.add_parser(
        "sync", parents=common, help="sync the offline replica (--db) with the office",
        description="Send this replica's changes to the office server, then receive the "
                    "office's. Conflicts are listed by desktop-crm conflicts.")
    s.add_argument("--json", action="store_true", help="print the result as JSON")
    s.add_argument("--redownload", action="store_true",
                   help="after sending your changes, read everything you may see again")

    lg = sub.add_parser(
        "sync-log", parents=common, help="keep the server's change log short",
        description="The office server's change log lets replicas pull what changed. "
                    "prune removes entries older than --keep-days (the schema owner's "
                    "login): a replica offline for longer reads everything again at its next "
                    "sync, after sending its own changes.")
    lsub = lg.add_subparsers(dest="log_command", required=True)
    pr = lsub.add_parser("prune", parents=common, help="remove old change log entries")
    pr.add_argument("--keep-days", type=int, required=True, metavar="N",
                    help="keep the entries of the last N days (more than the longest time "
                         "a laptop stays offline)")

    k = sub.add_parser("conflicts", parents=common, help="list or resolve sync conflicts",
                       description="List open sync conflicts (--db: a replica or the office "
                                   "server), or resolve one: theirs keeps the record as it "
                                   "is, mine writes your value back, dismiss closes a notice.")
    k.add_argument("--json", action="store_true", help="print the list as JSON")
    k.add_argument("--resolve", nargs=2, metavar=("ID", "CHOICE"),
                   help="resolve conflict ID with CHOICE (theirs, mine or dismiss)")


def cmd_replica(args) -> int:
    from desktop_crm.services.db import Database, default_data_dir
    from desktop_crm.services.sync import SyncError, create_replica

    path = args.file or str(default_data_dir() / "offline.sqlite3")
    server = Database(args.server)
    try:
        made = create_replica(server, path, encrypted=not args.plain)
    except SyncError as exc:
        print("desktop-crm replica create: " + sync_error_text(exc), file=sys.stderr)
        return 1
    finally:
        server.dispose()
    from sqlalchemy import text

    with made.engine.connect() as conn:
        customers = conn.execute(text("SELECT count(*) FROM customers")).scalar_one()
    made.dispose()
    print(Cli.tr("made the offline replica {file} ({customers} customers); open it with "
                 "--db {url}", file=path, customers=customers, url=made.url))
    return 0


def cmd_sync(args) -> int:
    from desktop_crm.services.db import Database
    from desktop_crm.services.sync import SyncError, SyncService

    db = Database(args.db)
    try:
        db.upgrade()
        try:
            service = SyncService(db)
        except SyncError as exc:
            print("desktop-crm sync: " + sync_error_text(exc), file=sys.stderr)
            return 1
        try:
            result = service.run(redownload=args.redownload)
        except SyncError as exc:
            print("desktop-crm sync: " + sync_error_text(exc), file=sys.stderr)
            return 1
        finally:
            service.close()
    finally:
        db.dispose()
    if args.json:
        print(json.dumps({"pushed": result.pushed, "pulled": result.pulled,
                          "removed": result.removed, "conflicts": result.conflicts,
                          "rejected": result.rejected,
                          "redownloaded": result.redownloaded}))
    else:
        print(Cli.tr("synced: {pushed} sent, {pulled} received, {conflicts} conflicts",
                     pushed=result.pushed, pulled=result.pulled, conflicts=result.conflicts))
    return 0


def cmd_conflicts(args) -> int:
    from desktop_crm.services.container import Services
    from desktop_crm.services.sync_conflicts import SyncConflictService

    svc = Services.open(args.db)
    try:
        service = SyncConflictService(svc.db, svc.user)
        if args.resolve:
            cid, choice = args.resolve
            service.resolve(uuid.UUID(cid), choice)
            print(Cli.tr("conflict {id} resolved: {choice}", id=cid, choice=choice))
            return 0
        items = service.list()
    finally:
        svc.close()
    if args.json:
        print(json.dumps([{
            "id": str(x.id), "kind": x.kind, "table": x.table, "row_id": str(x.row_id),
            "record": x.record, "field": x.field, "base": x.base, "mine": x.mine,
            "theirs": x.theirs, "user": x.user,
            "mine_at": x.mine_at.isoformat() if x.mine_at else None,
            "theirs_at": x.theirs_at.isoformat() if x.theirs_at else None,
            "message": x.message, "choices": list(x.choices)} for x in items],
            ensure_ascii=False, indent=1))
        return 0
    for x in items:
        print(f"{x.id}  {x.kind:9}  {x.record}  {x.field}  "
              f"{json.dumps(x.mine, ensure_ascii=False)} -> "
              f"{json.dumps(x.theirs, ensure_ascii=False)}")
    print(Cli.tr("{n} open conflicts", n=len(items)))
    return 0


def cmd_sync_log(args) -> int:
    from desktop_crm.services import sync_log
    from desktop_crm.services.db import Database

    if args.keep_days < 1:
        print("desktop-crm sync-log prune: " + Cli.tr("--keep-days must be 1 or more"),
              file=sys.stderr)
        return 2
    db = Database(args.db)
    try:
        if db.is_sqlite:
            print("desktop-crm sync-log prune: " + Cli.tr(
                "{database} is no office server: only a PostgreSQL server keeps a change log",
                database=db.describe()), file=sys.stderr)
            return 1
        with db.engine.begin() as conn:
            gone = sync_log.prune(conn, args.keep_days)
    finally:
        db.dispose()
    print(Cli.tr("removed {n} change log entries older than {days} days", n=gone,
                 days=args.keep_days))
    return 0
