"""User settings: each declared once with its type, default and description.

Stored as JSON in the platformdirs config location (or $DESKTOP_CRM_HOME), so the
CLI, the GUI and tests read the same file. Unknown keys are kept; bad values fall
back to the default.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    description: str
    choices: tuple = ()


SETTINGS = {
    s.key: s
    for s in (
        Setting("language", str, "system", "UI language: system, zh_CN or en",
                ("system", "zh_CN", "en")),
        Setting("demo_offered", bool, False, "The first-start demo-data offer was shown"),
        Setting("welcomed", bool, False, "The first-run welcome was completed"),
        Setting("connection", dict, {"kind": "local"},
                "Where the data lives: {kind: local}, {kind: server, host, port, database, "
                "user, sslmode} or {kind: replica, url} (an offline copy); never a password "
                "(that is in the system keyring)"),
        Setting("week_start", str, "monday", "First day of the week in the calendar",
                ("monday", "sunday", "saturday")),
    )
}


def config_path() -> Path:
    override = os.environ.get("DESKTOP_CRM_HOME")
    if override:
        return Path(override) / "settings.json"
    import platformdirs

    return Path(platformdirs.user_config_dir("desktop-crm", appauthor=False)) / "settings.json"


class Settings:
    def __init__(self, path: Path | None = None):
        self.path = path or config_path()
        self._data: dict[str, Any] = {}
        try:
            self._data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(self._data, dict):
                raise ValueError("settings file is not a JSON object")
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable settings file %s: %s", self.path, exc)
            self._data = {}

    def get(self, key: str) -> Any:
        spec = SETTINGS[key]
        value = self._data.get(key, spec.default)
        if not isinstance(value, spec.type) or (spec.choices and value not in spec.choices):
            value = spec.default
        return dict(value) if isinstance(value, dict) else value

    def set(self, key: str, value: Any) -> None:
        spec = SETTINGS[key]
        if not isinstance(value, spec.type) or (spec.choices and value not in spec.choices):
            raise ValueError(f"bad value for setting {key}: {value!r}")
        self._data[key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)  # never a half-written settings file
