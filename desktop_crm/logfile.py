"""The log file: rotating, in the user log directory (platformdirs) or $DESKTOP_CRM_HOME/logs.

Installed by the command line and by the GUI start; plain Python (no Qt), so the CLI does not
load Qt for it. Database URLs reach a log line only through ``services.db.safe_url``.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

LOG_NAME = "desktop-crm.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


def log_dir() -> Path:
    override = os.environ.get("DESKTOP_CRM_HOME")
    if override:
        return Path(override) / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir("desktop-crm", appauthor=False))


def _ours() -> logging.handlers.RotatingFileHandler | None:
    for h in logging.getLogger().handlers:
        if isinstance(h, logging.handlers.RotatingFileHandler) and getattr(h, "_desktop_crm",
                                                                            False):
            return h
    return None


def log_path() -> Path | None:
    """The file this process logs to, once installed."""
    h = _ours()
    return Path(h.baseFilename) if h is not None else None


def install(level: int = logging.INFO) -> Path | None:
    """Log ``level`` and above to the rotating file (1 MB x 5); the root logger is opened to
    that level (give a console handler its own level first). Idempotent; None when the
    directory cannot be written (the app runs on without a log file)."""
    path = log_dir() / LOG_NAME
    current = _ours()
    root = logging.getLogger()
    if current is not None:
        if Path(current.baseFilename) == path.resolve():
            return path
        root.removeHandler(current)
        current.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    except OSError as exc:
        logging.getLogger(__name__).warning("no log file in %s: %s", path.parent, exc)
        return None
    handler._desktop_crm = True  # type: ignore[attr-defined]
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return path
