"""``desktop-crm backup FILE`` and ``desktop-crm restore FILE``: the local SQLite database,
copied with SQLite's online backup API (services/backup.py)."""

from __future__ import annotations

import sys

from desktop_crm.cli_i18n import Cli

PROG = "desktop-crm restore"


def add_parsers(sub, common: list) -> None:
    b = sub.add_parser(
        "backup", parents=common, help="copy the local SQLite database to FILE",
        description="Copy the local SQLite database to FILE, consistently even while the app "
                    "is open and writing. FILE is replaced only once complete. (A PostgreSQL "
                    "database is backed up with pg_dump.)")
    b.add_argument("file", metavar="FILE", help="the backup file to write")

    r = sub.add_parser(
        "restore", parents=common, help="replace the local SQLite database by a backup",
        description="Check FILE (a Desktop CRM database of this version or an older one, "
                    "undamaged), keep the current database as <name>.before-restore-<time> and "
                    "put the backup in its place; a backup from an older version is upgraded. "
                    "A file that fails the check is refused and nothing changes. Close the app "
                    "first.")
    r.add_argument("file", metavar="FILE", help="the backup file to restore")
    r.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def _describe(info) -> str:
    return Cli.tr("{customers} customers, {orders} orders, schema revision {revision}, "
                  "{size:.1f} MB", customers=info.customers, orders=info.orders,
                  revision=info.revision, size=info.size / 1_048_576)


def _refused(text: str) -> int:
    print(f"{PROG}: " + Cli.tr("{reason}; nothing was changed", reason=text), file=sys.stderr)
    return 1


def _open_elsewhere(path) -> bool:
    """True when a Desktop CRM window holds the database's lock file."""
    try:
        from PySide6.QtCore import QLockFile
    except ImportError:  # pragma: no cover - PySide6 is a dependency
        return False
    lock = QLockFile(f"{path}.lock")
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        lock.unlock()
        return False
    if lock.error() == QLockFile.LockError.LockFailedError:
        return True
    return False


def cmd_backup(args) -> int:
    from desktop_crm.services.backup import backup, sqlite_path

    info = backup(args.db, args.file)
    print(Cli.tr("backed up {database} to {file}: {contents}", database=sqlite_path(args.db),
                 file=args.file, contents=_describe(info)))
    return 0


def cmd_restore(args) -> int:
    from desktop_crm.cli_errors import backup_text
    from desktop_crm.services.backup import (
        BackupError, check_backup, database_key, restore, sqlite_path,
    )

    target = sqlite_path(args.db)
    if target is None:
        raise BackupError("server", "restore works on a local SQLite database; restore a "
                                    "PostgreSQL server with pg_restore")
    key = database_key(args.db)  # an encrypted database: its backups have its key
    try:
        info = check_backup(args.file, key=key)
    except BackupError as exc:
        return _refused(backup_text(exc))
    print(Cli.tr("{file}: {contents} (from an older version: upgraded after restore)",
                 file=args.file, contents=_describe(info)) if info.older
          else Cli.tr("{file}: {contents}", file=args.file, contents=_describe(info)))
    if _open_elsewhere(target):
        return _refused(Cli.tr("{database} is open in Desktop CRM; close the app and try again",
                               database=target))
    if not args.yes:
        if not sys.stdin.isatty():
            return _refused(Cli.tr("add --yes to replace the database without asking"))
        answer = input(Cli.tr("Replace {database} by this backup? [y/N] ", database=target))
        if answer.strip().lower() not in ("y", "yes", "是"):
            print(Cli.tr("nothing was changed"))
            return 1
    try:
        result = restore(args.file, args.db)
    except BackupError as exc:
        return _refused(backup_text(exc))
    print(Cli.tr("restored {database} from {file} (upgraded from revision {revision})",
                 database=result.target, file=args.file, revision=result.upgraded_from)
          if result.upgraded_from else
          Cli.tr("restored {database} from {file}", database=result.target, file=args.file))
    if result.kept:
        print(Cli.tr("the previous database is kept as {path}", path=result.kept))
    return 0
