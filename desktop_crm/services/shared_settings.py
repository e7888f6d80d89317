"""Team-wide settings (``shared_settings``): one JSON value per key, versioned like a synced
row, so two managers editing the same settings cannot silently overwrite each other."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError

from desktop_crm.models import SharedSetting

from .db import Database
from .errors import ConflictError, PermissionDenied
from .users import UserInfo

MANAGER_ROLES = ("admin", "manager")


def require_manager(user: UserInfo, what: str) -> None:
    if user.role not in MANAGER_ROLES:
        raise PermissionDenied(f"{user.username} ({user.role}) may not change {what}; "
                               "a manager or admin can")


def load(db: Database, key: str) -> tuple[dict[str, Any] | None, int]:
    """(the stored value, its version); (None, 0) when never saved."""
    with db.read() as s:
        row = s.get(SharedSetting, key)
        return (None, 0) if row is None else (dict(row.value), row.version)


def save(db: Database, key: str, value: dict[str, Any], expected_version: int,
         user_id: uuid.UUID | None) -> int:
    """Store ``value``; returns the new version. Refuses (writes nothing) when someone saved
    since ``expected_version`` was read."""
    with db.session() as s:
        row = s.get(SharedSetting, key, with_for_update=not db.is_sqlite)
        actual = row.version if row is not None else 0
        if actual != expected_version:
            raise ConflictError("shared_settings", key, expected_version, actual)
        if row is None:
            row = SharedSetting(key=key, value=value, updated_by=user_id)
            s.add(row)
        else:
            row.value = value
            row.updated_by = user_id
        try:
            s.flush()
        except IntegrityError as exc:  # another first save committed in between
            raise ConflictError("shared_settings", key, expected_version, None) from exc
        return row.version


class Rules(Protocol):
    """Team settings kept as a frozen dataclass: ``to_dict`` / ``from_dict`` for the stored
    JSON, ``validate`` raising ``ValidationError``; ``cls()`` gives the defaults."""

    def to_dict(self) -> dict[str, Any]: ...
    def validate(self) -> Any: ...


R = TypeVar("R", bound=Rules)


def load_rules(db: Database, key: str, cls: type[R]) -> tuple[R, int]:
    """The team's settings under ``key`` and their version; the defaults (``cls()``) and 0
    when never saved."""
    value, version = load(db, key)
    return (cls() if value is None else cls.from_dict(value)), version  # type: ignore[attr-defined]


def save_rules(db: Database, user: UserInfo, key: str, rules: Rules, expected_version: int,
               what: str, check: Callable[[], None] | None = None) -> int:
    """Store team settings (managers and admins only; ``what`` names them in the refusal):
    validated, then ``check()`` (checks that need the database), then saved as ``save``
    does. Returns the new version."""
    require_manager(user, what)
    rules.validate()
    if check is not None:
        check()
    return save(db, key, rules.to_dict(), expected_version, user.id)
