"""The encrypted SQLite file of an offline replica (SQLCipher, through ``sqlcipher3``).

The URL is ``sqlite+pysqlcipher:///<absolute path>`` and never holds the key: the key is a
random 256-bit value kept in the secure system keyring (``connection._secure_backend``, the
same that keeps the server passwords), under ``replica-key:<resolved path>``. There is no
fallback: without a secure keyring no encrypted file is made, and the key is never written to
a plain file. ``db.make_engine`` looks the key up and hands it to the driver only.

SQLCipher gets the key as a raw key (``x'<64 hex digits>'``): it is already random, so the
per-connection key derivation (PBKDF2, about 0.1 s a connection) would add nothing. Any other
text (a key given by hand) is used as a passphrase, with SQLCipher's key derivation.

Opening the file without its key, with another key, or a plain SQLite file as an encrypted one
raises a ``CipherError`` whose ``code`` says which (views and the CLI put it into words).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from .errors import ServiceError

log = logging.getLogger(__name__)

DRIVER = "sqlite+pysqlcipher"
KEY_PREFIX = "replica-key:"
SQLITE_MAGIC = b"SQLite format 3\x00"
_RAW_KEY = re.compile(r"[0-9a-fA-F]{64}")


class CipherError(ServiceError):
    """An encrypted database that cannot be opened or made; nothing was changed. ``code``:
    ``no_keyring`` (no secure system keyring to keep a key in), ``no_key`` (the keyring has no
    key for this file), ``wrong_key`` (the key does not open it, or it is not a database),
    ``not_encrypted`` (a plain SQLite file opened as an encrypted one), ``keyring_failed``
    (the keyring refused to store the key)."""

    def __init__(self, code: str, message: str, path: str | os.PathLike = ""):
        self.code, self.path = code, str(path)
        super().__init__(message)


def _resolved(path: str | os.PathLike) -> Path:
    return Path(path).expanduser().resolve()


def encrypted_url(path: str | os.PathLike) -> str:
    """The URL of the encrypted file at ``path`` (made absolute); no key in it, ever."""
    return f"{DRIVER}:///{_resolved(path)}"


def is_encrypted_url(url: str | URL | None) -> bool:
    if not url:
        return False
    try:
        u = make_url(url)
    except Exception:  # noqa: BLE001 - not a URL at all
        return False
    return u.get_backend_name() == "sqlite" and u.get_driver_name() == "pysqlcipher"


def _entry(path: str | os.PathLike) -> str:
    return f"{KEY_PREFIX}{_resolved(path)}"


def _backend():
    from .connection import _secure_backend

    return _secure_backend()


def new_key(path: str | os.PathLike) -> str:
    """A new random key for the file at ``path``, kept in the secure keyring (replacing any
    key it had: the file must not exist yet or be made anew). CipherError ``no_keyring``, and
    nothing written anywhere, when there is no secure keyring."""
    from .db import KEYRING_SERVICE

    b = _backend()
    if b is None:
        raise CipherError("no_keyring", f"cannot encrypt {_resolved(path)}: this computer has no "
                                        "secure keyring to keep its key in", path)
    key = secrets.token_hex(32)
    try:
        b.set_password(KEYRING_SERVICE, _entry(path), key)
    except Exception as exc:  # noqa: BLE001 - a locked or failing keyring
        raise CipherError("keyring_failed", f"cannot keep the key of {_resolved(path)} in the "
                                            f"keyring ({type(exc).__name__})", path) from exc
    log.info("new database key for %s kept in the keyring", _resolved(path))
    return key


def key_for(path: str | os.PathLike) -> str | None:
    """The key of the encrypted file at ``path`` from the secure keyring, None when there is
    none (or no secure keyring, or it cannot be read)."""
    from .db import KEYRING_SERVICE

    b = _backend()
    if b is None:
        return None
    try:
        return b.get_password(KEYRING_SERVICE, _entry(path))
    except Exception as exc:  # noqa: BLE001 - a locked keyring: no key
        log.info("keyring read failed: %s", type(exc).__name__)
        return None


def forget_key(path: str | os.PathLike) -> None:
    """Take the key of ``path`` out of the keyring (the file can no longer be opened)."""
    from .db import KEYRING_SERVICE

    b = _backend()
    if b is None:
        return
    try:
        b.delete_password(KEYRING_SERVICE, _entry(path))
    except Exception:  # noqa: BLE001 - nothing stored is fine
        pass


def pragma_value(key: str) -> str:
    """What SQLCipher's ``PRAGMA key`` gets for ``key``: a raw key for 64 hex digits (what
    ``new_key`` makes), else the text as a passphrase. The dialect quotes it as an
    identifier (``"x'...'"``), which SQLCipher takes as the raw-key form."""
    return f"x'{key}'" if _RAW_KEY.fullmatch(key) else key


def key_statement(key: str) -> str:
    """``PRAGMA key = ...`` for a connection of our own (backup, restore, check)."""
    value = pragma_value(key).replace('"', '""')
    return f'PRAGMA key = "{value}"'


def is_plain_sqlite(path: str | os.PathLike) -> bool:
    """Whether ``path`` starts like an unencrypted SQLite file (an encrypted one starts with
    random bytes)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


_quiet = False


def quiet() -> None:
    """SQLCipher logs a failed page check to stderr (a wrong key); say it in our errors
    instead. The level is the library's, for the whole process: set once."""
    global _quiet
    if _quiet:
        return
    _quiet = True
    try:
        import sqlcipher3

        conn = sqlcipher3.connect(":memory:")
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
        finally:
            conn.close()
    except Exception:  # noqa: BLE001 - an older SQLCipher without the pragma: noisy, works
        pass


def unreadable(path: str | os.PathLike) -> CipherError:
    """The error for an encrypted file that its key does not open."""
    if is_plain_sqlite(path):
        return CipherError("not_encrypted", f"{path} is a plain SQLite file, not an encrypted "
                                            "one; open it with a sqlite:/// URL", path)
    return CipherError("wrong_key", f"the key in the keyring does not open {path} (another "
                                    "key, or not a Desktop CRM database)", path)


def missing_key(path: str | os.PathLike) -> CipherError:
    if _backend() is None:
        return CipherError("no_keyring", f"{path} is encrypted and this computer has no "
                                         "secure keyring holding its key", path)
    return CipherError("no_key", f"{path} is encrypted and the keyring has no key for it "
                                 "(a copy from another computer, or its key was removed)", path)


def check_connection(dbapi_conn, path: str | os.PathLike) -> None:
    """After ``PRAGMA key``: read the schema once, so a wrong key is a ``CipherError`` here
    and not "file is not a database" on whatever statement comes first."""
    import sqlcipher3

    try:
        dbapi_conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        if "not a database" in str(exc).lower():
            raise unreadable(path) from exc
        raise
