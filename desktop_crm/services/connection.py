"""Where this computer's data lives: the embedded SQLite file or the office PostgreSQL server.

The choice is a user setting (``connection`` in settings.json): host, port, database, user and
SSL mode, never the password. The password lives in the system keyring (Windows Credential
Locker, macOS Keychain, Secret Service) when there is a secure one; otherwise the app asks for
it each session and keeps it in memory only. A plain-text keyring (``keyrings.alt``) is never
used on its own: it is what the keyring library falls back to on a headless Linux box.

``check()`` connects once and says in a code what is wrong (server not reachable, wrong user
or password, database missing, schema older or newer than this app) so the dialogs can explain
it in plain words; the server's own message goes along as detail, without the password.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import URL

from .db import KEYRING_SERVICE, default_sqlite_url
from .settings import Settings

log = logging.getLogger(__name__)

SSL_MODES = ("disable", "prefer", "require", "verify-ca", "verify-full")
CONNECT_TIMEOUT = 5  # seconds; a test that hangs longer than this is "not reachable"


@dataclass(frozen=True)
class ServerConnection:
    """The office database, as the user typed it; no password."""

    host: str
    port: int = 5432
    database: str = "crm"
    user: str = ""
    sslmode: str = "prefer"

    def url(self) -> URL:
        """The SQLAlchemy URL without a password (the password goes in ``connect_args``)."""
        query = {} if self.sslmode == "prefer" else {"sslmode": self.sslmode}
        return URL.create("postgresql+psycopg", username=self.user or None,
                          host=self.host, port=self.port, database=self.database, query=query)

    def url_string(self) -> str:
        return self.url().render_as_string(hide_password=False)

    @property
    def keyring_key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def describe(self) -> str:
        return f"PostgreSQL: {self.user}@{self.host}:{self.port}/{self.database}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "server", "host": self.host, "port": self.port,
                "database": self.database, "user": self.user, "sslmode": self.sslmode}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ServerConnection":
        sslmode = str(d.get("sslmode") or "prefer")
        return cls(host=str(d.get("host") or "").strip(), port=int(d.get("port") or 5432),
                   database=str(d.get("database") or "").strip(),
                   user=str(d.get("user") or "").strip(),
                   sslmode=sslmode if sslmode in SSL_MODES else "prefer")

    def problems(self) -> list[str]:
        """Fields that cannot be right, before trying: host, port, database, user."""
        out = []
        if not self.host:
            out.append("host")
        if not 0 < self.port < 65536:
            out.append("port")
        if not self.database:
            out.append("database")
        if not self.user:
            out.append("user")
        return out


# -- the saved choice ------------------------------------------------------------------------

def saved(settings: Settings | None = None) -> ServerConnection | None:
    """The office database this computer connects to, or None for the local file."""
    value = (settings or Settings()).get("connection")
    if value.get("kind") == "server":
        conn = ServerConnection.from_dict(value)
        return None if conn.problems() else conn
    return None


def save_choice(conn: ServerConnection | None, settings: Settings | None = None) -> None:
    """Remember the office database (or the local file when None). No password here."""
    (settings or Settings()).set("connection", conn.to_dict() if conn else {"kind": "local"})


def save_replica_choice(url: str, settings: Settings | None = None) -> None:
    """Open this offline copy of the office database (its SQLite URL) at the next start."""
    (settings or Settings()).set("connection", {"kind": "replica", "url": url})


def replica_choice(settings: Settings | None = None) -> str | None:
    """The offline copy chosen to open at the next start (its URL), or None."""
    value = (settings or Settings()).get("connection")
    if value.get("kind") == "replica" and value.get("url"):
        return str(value["url"])
    return None


def chosen_url(settings: Settings | None = None) -> str:
    """The database URL the app opens when no ``--db`` / ``$DESKTOP_CRM_DB`` is given."""
    settings = settings or Settings()
    copy = replica_choice(settings)
    if copy:
        return copy
    conn = saved(settings)
    return conn.url_string() if conn else default_sqlite_url()


# -- the keyring -----------------------------------------------------------------------------

def _secure_backend():
    """The keyring backend if it keeps secrets safely, else None. The plain-text and
    "encrypted with a password typed at a prompt" files of keyrings.alt, the null and the
    failing backends do not count."""
    try:
        import keyring
        from keyring.backends import chainer, fail

        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - a broken keyring is no keyring
        log.info("no keyring: %s", type(exc).__name__)
        return None

    def ok(b) -> bool:
        mod = type(b).__module__
        if mod.startswith("keyrings.alt") or isinstance(b, fail.Keyring):
            return False
        if mod.startswith("keyring.backends.null"):
            return False
        try:
            return float(b.priority) >= 1
        except Exception:  # noqa: BLE001 - a backend that cannot say is not used
            return False

    if isinstance(backend, chainer.ChainerBackend):
        usable = [b for b in backend.backends if ok(b)]
        return usable[0] if usable else None
    return backend if ok(backend) else None


def keyring_name() -> str | None:
    """What keeps the passwords (for the settings page), or None when nothing secure does."""
    b = _secure_backend()
    if b is None:
        return None
    return getattr(b, "name", None) or type(b).__name__


def stored_password(conn: ServerConnection) -> str | None:
    b = _secure_backend()
    if b is None:
        return None
    try:
        return b.get_password(KEYRING_SERVICE, conn.keyring_key)
    except Exception as exc:  # noqa: BLE001 - a locked keyring: ask instead
        log.info("keyring read failed: %s", type(exc).__name__)
        return None


def store_password(conn: ServerConnection, password: str) -> bool:
    """Keep the password in the secure keyring; False (and nothing written anywhere) when
    there is none."""
    b = _secure_backend()
    if b is None:
        return False
    try:
        b.set_password(KEYRING_SERVICE, conn.keyring_key, password)
        return True
    except Exception as exc:  # noqa: BLE001
        log.warning("could not store the password in the keyring: %s", type(exc).__name__)
        return False


def forget_password(conn: ServerConnection) -> None:
    b = _secure_backend()
    if b is None:
        return
    try:
        b.delete_password(KEYRING_SERVICE, conn.keyring_key)
    except Exception:  # noqa: BLE001 - nothing stored is fine
        pass


# -- testing a connection --------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """The outcome of one connection attempt.

    ``code``: ok, unreachable, unknown_host, timeout, login_failed, password_required,
    no_database, ssl_unsupported, not_postgres, empty (no Desktop CRM schema yet), older
    (schema to upgrade), newer (app to upgrade), no_access (cannot read the schema), failed.
    """

    code: str
    detail: str = ""
    revision: str | None = None
    head: str | None = None
    server_version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.code == "ok"


def _classify(message: str, pgconn) -> str:
    m = message.lower()
    if "failed to resolve host" in m or "could not translate host name" in m or \
            "name or service not known" in m or "nodename nor servname" in m:
        return "unknown_host"
    if "timeout expired" in m or "timed out" in m:
        return "timeout"
    if "connection refused" in m or "no route to host" in m or "network is unreachable" in m:
        return "unreachable"
    if "server does not support ssl" in m:
        return "ssl_unsupported"
    if "invalid response to ssl negotiation" in m or "received invalid response" in m:
        return "not_postgres"
    if "password authentication failed" in m or ("role" in m and "does not exist" in m) or \
            "not permitted to log in" in m or "no pg_hba.conf entry" in m:
        return "login_failed"
    if "no password supplied" in m or (pgconn is not None and
                                       getattr(pgconn, "needs_password", False)):
        return "password_required"
    if "database" in m and "does not exist" in m:
        return "no_database"
    if "permission denied for database" in m:
        return "no_access"
    return "failed"


def _server_line(message: str, password: str | None) -> str:
    """The server's words, one line, without the password (libpq never echoes it, but a
    message is built from parts we do not control)."""
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()]
    line = next((ln.split("FATAL:", 1)[1].strip() for ln in lines if "FATAL:" in ln),
                lines[0] if lines else "")
    line = line.removeprefix("connection failed: ")
    if password:
        line = line.replace(password, "***")
    return line[:300]


def check(conn: ServerConnection, password: str | None,
          timeout: int = CONNECT_TIMEOUT) -> Check:
    """Connect once and read the schema revision. Never raises for a connection problem."""
    import psycopg

    kwargs: dict[str, Any] = dict(host=conn.host, port=conn.port, dbname=conn.database,
                                  user=conn.user, sslmode=conn.sslmode,
                                  connect_timeout=timeout, application_name="desktop-crm")
    if password:
        kwargs["password"] = password
    try:
        socket.getaddrinfo(conn.host, conn.port)
    except OSError as exc:
        return Check("unknown_host", str(exc.strerror or exc))
    try:
        pg = psycopg.connect(**kwargs)
    except psycopg.Error as exc:
        message = str(exc)
        return Check(_classify(message, getattr(exc, "pgconn", None)),
                     _server_line(message, password))
    try:
        with pg:
            version = pg.info.parameter_status("server_version") or ""
            try:
                row = pg.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
            except psycopg.errors.UndefinedTable:
                return Check("empty", server_version=version)
            except psycopg.errors.InsufficientPrivilege as exc:
                return Check("no_access", _server_line(str(exc), password),
                             server_version=version)
    except psycopg.Error as exc:
        return Check("failed", _server_line(str(exc), password))
    head, known = _revisions()
    if revision is None:
        return Check("empty", server_version=version, head=head)
    if revision == head:
        return Check("ok", revision=revision, head=head, server_version=version)
    if revision in known:
        return Check("older", revision=revision, head=head, server_version=version)
    return Check("newer", revision=revision, head=head, server_version=version)


def _revisions() -> tuple[str, set[str]]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", "desktop_crm:migrations")
    script = ScriptDirectory.from_config(cfg)
    return script.get_current_head(), {s.revision for s in script.walk_revisions()}


def set_up(conn: ServerConnection, password: str | None) -> None:
    """Create the Desktop CRM schema on an empty office database (what ``desktop-crm init``
    does), or bring an older one up to this app's revision."""
    from .db import Database

    db = Database(conn.url_string(), password=password)
    try:
        db.upgrade()
    finally:
        db.dispose()
