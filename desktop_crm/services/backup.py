"""Backup and restore of the local SQLite database (SQLite's online backup API).

A backup is a consistent copy taken while the app keeps writing (WAL): one read transaction
copies every page, into a temporary file that is renamed into place only once complete.
A restore first checks the file (a SQLite database, ours, a schema revision this app knows,
``PRAGMA integrity_check`` ok), keeps the current database as
``<name>.before-restore-<timestamp>`` and swaps the checked copy in with one rename; a copy from
an older version is upgraded before the swap. Whatever refuses leaves the target untouched.

An encrypted database (services/cipher.py) is copied with SQLCipher connections keyed with its
key, page by page as a plain one: its backup is encrypted with the same key. Checking or
restoring such a backup needs that key (the target database's, from the keyring, or given);
a restore into an encrypted database encrypts a plain backup on the way (``sqlcipher_export``),
so the file at rest stays encrypted.

A shared PostgreSQL database is backed up with the server's own tools (``pg_dump``).
No Qt here; errors carry a ``code`` that views translate.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from . import cipher
from .db import Database, resolve_url
from .errors import Cancelled, ServiceError

try:
    import sqlcipher3
except ImportError:  # pragma: no cover - a dependency; plain files work without it
    sqlcipher3 = None

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
# tables every desktop_crm database has had since revision 0001
OUR_TABLES = ("customers", "orders", "contacts", "users")
BACKUP_STEP_PAGES = 4096  # 16 MB of 4 KB pages per step of a backup with progress


class BackupError(ServiceError):
    """A backup or restore that cannot be done; nothing was changed. ``code`` says why:
    ``missing`` (no such file), ``not_sqlite``, ``not_ours`` (a SQLite file of another
    program), ``newer`` (made by a newer version of the app), ``corrupt``, ``server`` (a
    PostgreSQL database: use pg_dump), ``in_use`` (another program has the database open),
    ``wrong_key`` (an encrypted file that the key given or the database's key does not open:
    another key, or not a database at all)."""

    def __init__(self, code: str, message: str, path: str | os.PathLike = ""):
        self.code, self.path = code, str(path)
        super().__init__(message)


@dataclass(frozen=True)
class BackupInfo:
    path: str
    revision: str
    head: str
    customers: int
    orders: int
    size: int
    modified: dt.datetime  # of the file, UTC
    encrypted: bool = False

    @property
    def older(self) -> bool:
        """Made by an older version: upgraded when restored."""
        return self.revision != self.head


@dataclass(frozen=True)
class RestoreResult:
    info: BackupInfo
    target: str
    kept: str | None  # where the database that was replaced now is (None: there was none)
    upgraded_from: str | None  # the backup's revision when it was upgraded after restore


def sqlite_path(url: str | None) -> Path | None:
    """The file of a SQLite database URL (after ``--db`` / ``$DESKTOP_CRM_DB`` / default),
    None for a server database or an in-memory one."""
    u = make_url(resolve_url(url))
    if u.get_backend_name() != "sqlite":
        return None
    if not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _source_path(db_or_path: Database | str | os.PathLike | None) -> Path:
    return _source(db_or_path)[0]


def _source(db_or_path: Database | str | os.PathLike | None) -> tuple[Path, str | None]:
    """The file of a database (a Database, a URL, a path) and its key when it is encrypted
    (None for a plain file; a path is taken as plain). CipherError when the key is missing."""
    if isinstance(db_or_path, Database):
        url = db_or_path.url
    elif db_or_path is None or (isinstance(db_or_path, str) and "://" in db_or_path):
        url = db_or_path
    else:
        return Path(db_or_path), None
    path = sqlite_path(url)
    if path is None:
        raise BackupError("server", "backup and restore work on a local SQLite database; "
                                    "back up a PostgreSQL server with pg_dump (and restore "
                                    "with pg_restore)")
    if isinstance(db_or_path, Database):
        return path, db_or_path.cipher_key
    return path, database_key(url)


def database_key(db_or_url: Database | str | None) -> str | None:
    """The key of an encrypted local database (a Database, or a URL: from the keyring), None
    for a plain one or a server; CipherError when it is encrypted and the key is missing. What
    ``check_backup`` and ``restore`` need to read a backup of it."""
    if isinstance(db_or_url, Database):
        return db_or_url.cipher_key
    url = resolve_url(db_or_url)
    if not cipher.is_encrypted_url(url):
        return None
    path = sqlite_path(url)
    key = cipher.key_for(path) if path else None
    if path and not key:
        raise cipher.missing_key(path)
    return key


def _same_key(a: str | None, b: str | None) -> bool:
    return (a and cipher.pragma_value(a)) == (b and cipher.pragma_value(b))


def _connect(path: Path, key: str | None = None, *, ro: bool = False):
    """A sqlite3 connection to a plain file, or a SQLCipher one keyed with ``key`` (an empty
    key: a plain file through SQLCipher, for ``sqlcipher_export``)."""
    target = f"{path.resolve().as_uri()}?mode=ro" if ro else str(path)
    if key is None:
        return sqlite3.connect(target, uri=ro)
    cipher.quiet()
    conn = sqlcipher3.connect(target, uri=ro)
    if key:
        conn.execute(cipher.key_statement(key))
    return conn


def _connect_ro(path: Path, key: str | None = None):
    return _connect(path, key, ro=True)


# the errors of both drivers (sqlcipher3 is a copy of the sqlite3 module: classes of its own)
_Error = (sqlite3.Error,) + ((sqlcipher3.Error,) if sqlcipher3 else ())
_DatabaseError = (sqlite3.DatabaseError,) + ((sqlcipher3.DatabaseError,) if sqlcipher3 else ())
_OperationalError = (sqlite3.OperationalError,) + (
    (sqlcipher3.OperationalError,) if sqlcipher3 else ())


def _not_a_database(exc: BaseException) -> bool:
    return "not a database" in str(exc).lower()


def _export(src: Path, tmp: Path, src_key: str | None, dest_key: str | None) -> None:
    """Copy ``src`` into the new file ``tmp`` keyed otherwise (a plain backup restored into an
    encrypted database, or the other way round): SQLCipher's ``sqlcipher_export``."""
    source = _connect(src, src_key or "")  # an empty key: a plain file, through SQLCipher
    try:
        source.execute("PRAGMA busy_timeout=5000")
        key = cipher.pragma_value(dest_key).replace("'", "''") if dest_key else ""
        source.execute(f"ATTACH DATABASE ? AS crm_export KEY '{key}'", (str(tmp),))
        source.execute("SELECT sqlcipher_export('crm_export')")
        source.execute("DETACH DATABASE crm_export")
    finally:
        source.close()


def _copy(src: Path, dest: Path, progress=None, src_key: str | None = None,
          dest_key: str | None = None) -> None:
    """A consistent copy of ``src`` (even while others write) at ``dest``, as a single file
    (rollback journal, not WAL); written beside ``dest`` and renamed into place. Keys: those
    of an encrypted source and of the copy (the same for a backup)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        if not _same_key(src_key, dest_key):
            _export(src, tmp, src_key, dest_key)
            src, src_key = tmp, dest_key  # the journal mode below, on the exported copy
        source = _connect(src, src_key)
        try:
            source.execute("PRAGMA busy_timeout=5000")
            target = _connect(tmp, dest_key) if src != tmp else source
            try:
                if target is source:
                    pass
                elif progress is None:
                    source.backup(target)  # pages=-1: every page in one read transaction
                else:
                    # in steps, so a big file shows progress and can be cancelled; a write
                    # by another connection in between restarts the copy (still consistent)
                    def step(_status, remaining, total):
                        if progress("backup", total - remaining, total) is False:
                            raise Cancelled("backup cancelled")
                    source.backup(target, pages=BACKUP_STEP_PAGES, progress=step)
                target.execute("PRAGMA journal_mode=DELETE")
                target.commit()
            finally:
                if target is not source:
                    target.close()
        finally:
            source.close()
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def backup(db_or_path: Database | str | os.PathLike | None, dest: str | os.PathLike,
           progress=None) -> BackupInfo:
    """Copy the SQLite database (a Database, a URL or a file path) to ``dest``.
    ``progress("backup", pages_done, pages_total)`` after each step; returning False stops
    the copy (``Cancelled``) and leaves no file. The backup of an encrypted database is
    encrypted with its key."""
    src, key = _source(db_or_path)
    if not src.is_file():
        raise BackupError("missing", f"there is no database at {src}", src)
    dest = Path(dest)
    if dest.resolve() == src.resolve():
        raise BackupError("in_use", "the backup cannot replace the database itself", dest)
    _copy(src, dest, progress, key, key)
    info = check_backup(dest, integrity=False, key=key)
    log.info("backed up %s to %s (%d customers, %d orders, revision %s)", src, dest,
             info.customers, info.orders, info.revision)
    return info


def _head() -> tuple[str, object]:
    from alembic.script import ScriptDirectory

    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "desktop_crm:migrations")
    script = ScriptDirectory.from_config(cfg)
    return script.get_current_head(), script


def _count(conn, table: str) -> int:
    cols = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    where = " WHERE deleted_at IS NULL" if "deleted_at" in cols else ""
    return conn.execute(f"SELECT count(*) FROM {table}{where}").fetchone()[0]


def check_backup(path: str | os.PathLike, *, integrity: bool = True,
                 key: str | None = None) -> BackupInfo:
    """What a backup file holds, or a BackupError saying why it cannot be restored. An
    encrypted backup is read with ``key`` (the key of the database it is a backup of: see
    ``database_key``), else with a key the keyring keeps for the file itself."""
    path = Path(path)
    if not path.is_file():
        raise BackupError("missing", f"there is no file {path}", path)
    encrypted = not cipher.is_plain_sqlite(path)
    if encrypted:
        key = key or (cipher.key_for(path) if sqlcipher3 else None)
        if not key:
            raise BackupError("not_sqlite", f"{path} is not a Desktop CRM database "
                                            "(not a SQLite file)", path)
    else:
        key = None
    try:
        conn = _connect_ro(path, key)
    except _Error as exc:
        raise BackupError("corrupt", f"{path} cannot be opened: {exc}", path) from exc
    try:
        try:
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except _DatabaseError as exc:
            if encrypted and _not_a_database(exc):
                raise BackupError("wrong_key", f"{path} is not a Desktop CRM database, or is "
                                               "encrypted with another key", path) from exc
            raise BackupError("corrupt", f"{path} is damaged: {exc}", path) from exc
        if "alembic_version" not in tables or not set(OUR_TABLES) <= tables:
            raise BackupError("not_ours", f"{path} is a SQLite database, but not a Desktop CRM "
                                          "one", path)
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else ""
        head, script = _head()
        known = bool(revision)
        if known:
            try:
                known = script.get_revision(revision) is not None
            except Exception:  # noqa: BLE001 - alembic: unknown or ambiguous revision
                known = False
        if not known:
            raise BackupError("newer", f"{path} was made by a newer version of Desktop CRM "
                                       f"(schema revision {revision or 'none'}; this version "
                                       f"knows up to {head}); update the app first", path)
        if integrity:
            try:
                problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
            except _DatabaseError as exc:
                problems = [str(exc)]
            if problems != ["ok"]:
                raise BackupError("corrupt", f"{path} is damaged: {problems[0]}", path)
        try:
            customers, orders = _count(conn, "customers"), _count(conn, "orders")
        except _DatabaseError as exc:
            raise BackupError("corrupt", f"{path} is damaged: {exc}", path) from exc
    finally:
        conn.close()
    st = path.stat()
    return BackupInfo(str(path), revision, head, customers, orders, st.st_size,
                      dt.datetime.fromtimestamp(st.st_mtime, dt.timezone.utc), encrypted)


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-journal")]


def restore(src: str | os.PathLike, target: Database | str | os.PathLike | None = None,
            key: str | None = None) -> RestoreResult:
    """Replace the SQLite database ``target`` (a Database, a URL, a path; None: the default
    one) by the backup ``src``. Close every connection to the target first (a Database given
    here is disposed). Refused with a BackupError, target untouched, when the file is not a
    good backup of this app or another program has the database open. An encrypted target
    stays encrypted with its key; an encrypted backup is read with ``key`` (default: the
    target's key)."""
    target_path, target_key = _source(target)
    info = check_backup(src, key=key or target_key)
    src_key = (key or target_key) if info.encrypted else None
    if isinstance(target, Database):
        target.dispose()
    if target_path.exists() and Path(src).resolve() == target_path.resolve():
        raise BackupError("in_use", "the backup is the database itself", src)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    staged = target_path.with_name(f".{target_path.name}.restore-{os.getpid()}.tmp")
    try:
        _copy(Path(src), staged, src_key=src_key, dest_key=target_key)
        upgraded = None
        if info.older:
            staged_db = Database(cipher.encrypted_url(staged) if target_key
                                 else f"sqlite:///{staged}", password=target_key)
            try:
                staged_db.upgrade()
            finally:
                staged_db.dispose()
            with _connect(staged, target_key) as conn:  # back to a single file
                conn.execute("PRAGMA journal_mode=DELETE")
            conn.close()
            upgraded = info.revision
        kept = None
        if target_path.exists():
            # fold the write-ahead log into the file; with no one else connected SQLite then
            # removes it. A log that stays means another program has the database open.
            conn = _connect(target_path, target_key)
            try:
                conn.execute("PRAGMA busy_timeout=2000")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute("PRAGMA journal_mode=DELETE")
            except _OperationalError as exc:
                raise BackupError("in_use", f"the database {target_path} is in use by another "
                                            f"program ({exc}); close it and try again",
                                  target_path) from exc
            except _DatabaseError as exc:
                if target_key and _not_a_database(exc):
                    raise cipher.unreadable(target_path) from exc
                raise
            finally:
                conn.close()
            if any(p.exists() for p in _side_files(target_path)):
                raise BackupError("in_use", f"the database {target_path} is in use by another "
                                            "program; close it and try again", target_path)
            kept_path = target_path.with_name(f"{target_path.name}.before-restore-{stamp}")
            os.replace(target_path, kept_path)  # a rename: the old bytes as they were
            kept = str(kept_path)
        try:
            os.replace(staged, target_path)
        except OSError:
            if kept:
                os.replace(kept, target_path)
            raise
        with contextlib.suppress(FileNotFoundError):
            target_path.with_name(target_path.name + "-shm").unlink()
    finally:
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()
    log.info("restored %s from %s (revision %s%s); previous database kept as %s", target_path,
             src, info.revision, " upgraded" if upgraded else "", kept)
    return RestoreResult(info, str(target_path), kept, upgraded)
