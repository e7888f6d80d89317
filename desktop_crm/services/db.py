"""Engines, sessions, database location and schema upgrades."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

APP_NAME = "desktop-crm"
KEYRING_SERVICE = "desktop-crm"
ENV_DB = "DESKTOP_CRM_DB"


def default_data_dir() -> Path:
    import platformdirs

    override = os.environ.get("DESKTOP_CRM_HOME")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_sqlite_url() -> str:
    path = default_data_dir() / "crm.sqlite3"
    return f"sqlite:///{path}"


def resolve_url(url: str | None) -> str:
    """``--db`` first, then ``$DESKTOP_CRM_DB``, then the database chosen in the welcome or
    the settings (the office server, or the SQLite file in the user data dir)."""
    if url or os.environ.get(ENV_DB):
        return url or os.environ[ENV_DB]
    from .connection import chosen_url

    return chosen_url()


def password_from_keyring(url: URL) -> str | None:
    """The password kept for this server in a secure system keyring (never a plain-text
    file), if there is one: see ``connection.stored_password``."""
    from .connection import ServerConnection, stored_password

    return stored_password(ServerConnection(host=url.host or "localhost", port=url.port or 5432,
                                            database=url.database or "",
                                            user=url.username or ""))


def safe_url(url: str | URL) -> str:
    """The URL as it may appear in a window title, a log line or an error: no password."""
    return make_url(url).render_as_string(hide_password=True) if url else ""


# libpq / psycopg words for "the server went away or cannot be reached" (psycopg 3 gives no
# SQLSTATE for these); a lost connection is retried, every other database error is a bug
_LOST = ("server closed the connection", "terminating connection", "connection refused",
         "could not connect", "connection is closed", "the connection is lost",
         "consuming input failed", "ssl syscall", "connection timed out", "timeout expired",
         "no route to host", "network is unreachable", "not currently accepting connections",
         "the database system is shutting down", "the database system is starting up",
         "connection to server at", "server conn crashed", "broken pipe",
         "connection reset by peer", "failed to resolve host")


def is_connection_error(exc: BaseException) -> bool:
    """Whether ``exc`` means the database server could not be reached (retry later), not
    that a statement was wrong."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        exc = exc.orig or exc
    try:
        import psycopg

        if isinstance(exc, psycopg.errors.AdminShutdown):
            return True
        if not isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
            return False
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    text_ = str(exc).lower()
    return any(w in text_ for w in _LOST)


def describe(url: str | URL) -> str:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.get_driver_name() == "pysqlcipher":
            return f"SQLite (encrypted): {u.database}"
        return f"SQLite: {u.database or ':memory:'}"
    return f"PostgreSQL: {u.username or ''}@{u.host or 'localhost'}:{u.port or 5432}/{u.database}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    from .text import short_tokens

    # Used by the triggers that keep the short-term search index (revision 0002) in step:
    # every connection that writes customers must have it.
    dbapi_conn.create_function("crm_short_tokens", 2, short_tokens, deterministic=True)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-16384")  # 16 MiB page cache per connection
    cur.close()


def _encrypted_engine(u: URL, key: str | None) -> Engine:
    """An encrypted SQLite file (services/cipher.py): the key from the keyring (or given)
    goes on the URL handed to the driver only. The dialect's own connect listener runs
    ``PRAGMA key`` first; ours come after it (a wrong key is a CipherError there, then the
    same pragmas and functions as a plain file)."""
    from sqlalchemy.pool import QueuePool

    from . import cipher

    if not u.database or u.database == ":memory:":
        raise ValueError("an encrypted database is a file: sqlite+pysqlcipher:///path")
    if u.password:
        raise ValueError("the key of an encrypted database is never part of its URL")
    path = Path(u.database)
    key = key or cipher.key_for(path)
    if not key:
        raise cipher.missing_key(path)
    cipher.quiet()
    path.parent.mkdir(parents=True, exist_ok=True)
    # QueuePool as for a plain file (the dialect's default, SingletonThreadPool, keeps one
    # connection per thread and closes them behind the workers' backs)
    engine = create_engine(u.set(password=cipher.pragma_value(key)), poolclass=QueuePool,
                           connect_args={"check_same_thread": False})
    event.listen(engine, "connect", lambda conn, _r: cipher.check_connection(conn, path))
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_engine(url: str, password: str | None = None) -> Engine:
    """``password`` (a server password typed at a prompt or read from the keyring; for an
    encrypted SQLite file, its key) goes to the driver only: it is never part of the URL, so
    no URL shown or logged can hold it."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.get_driver_name() == "pysqlcipher":
            return _encrypted_engine(u, password)
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(u, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if u.get_backend_name() == "postgresql":
        if u.drivername == "postgresql":
            u = u.set(drivername="postgresql+psycopg")
        if password is None and u.password is None:
            password = password_from_keyring(u)
        args = {"password": password} if password and u.password is None else {}
        return create_engine(u, pool_pre_ping=True, connect_args=args)
    raise ValueError(f"unsupported database URL: {safe_url(u)}")


class Database:
    """One engine and its session factory; created at start-up, never at import."""

    def __init__(self, url: str | None = None, password: str | None = None):
        self.url = resolve_url(url)
        self.engine = make_engine(self.url, password)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def is_encrypted(self) -> bool:
        return self.engine.url.get_driver_name() == "pysqlcipher"

    @property
    def cipher_key(self) -> str | None:
        """The key of an encrypted SQLite file, as ``PRAGMA key`` takes it (for the backup's
        own connections: ``cipher.key_statement`` accepts it as it is); None otherwise."""
        return self.engine.url.password if self.is_encrypted else None

    def describe(self) -> str:
        return describe(self.url)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on error."""
        s = self._factory()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work. Closing ends the transaction without expiring what was
        loaded, so returned values stay readable."""
        s = self._factory()
        try:
            yield s
        finally:
            s.close()

    # -- schema -----------------------------------------------------------------

    def alembic_config(self):
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", "desktop_crm:migrations")
        cfg.attributes["engine"] = self.engine
        return cfg

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self.alembic_config()).get_current_head()

    def upgrade(self) -> None:
        """Create the schema or bring it to the newest revision."""
        from alembic import command

        command.upgrade(self.alembic_config(), "head")
        if self.dialect == "postgresql":
            from .staff import ensure_staff_group

            ensure_staff_group(self)

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def dispose(self) -> None:
        self.engine.dispose()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))


def loose_distinct(table: str, column: str, *, descending: bool = False):
    """The distinct values of an indexed column by a loose index scan: one index seek per
    value instead of reading every row (a plain DISTINCT over a million rows takes ~0.2 s).
    NULLs are left out. ``table`` and ``column`` are trusted identifiers, never user input."""
    first, step, cmp = ("max", "max", "<") if descending else ("min", "min", ">")
    return text(
        f"WITH RECURSIVE v(x) AS ("
        f" SELECT {first}({column}) FROM {table}"
        f" UNION ALL SELECT (SELECT {step}({column}) FROM {table} WHERE {column} {cmp} v.x)"
        f" FROM v WHERE v.x IS NOT NULL"
        f") SELECT x FROM v WHERE x IS NOT NULL")
