"""Staff accounts as the rest of the app sees them."""

from __future__ import annotations

import getpass
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from desktop_crm.models import Role, User

from .db import Database
from .errors import FieldError, NotFound, ValidationError


@dataclass(frozen=True)
class UserInfo:
    id: uuid.UUID
    username: str
    display_name: str
    role: str
    team: str
    active: bool
    permissions: tuple[str, ...] = ()  # granted beyond the role's (services/access.py)
    manager_id: uuid.UUID | None = None


def _info(u: User) -> UserInfo:
    return UserInfo(u.id, u.username, u.display_name, u.role, u.team, u.active,
                    tuple(u.permissions or ()), u.manager_id)


class UserService:
    def __init__(self, db: Database):
        self.db = db

    def list(self, include_inactive: bool = False) -> list[UserInfo]:
        with self.db.read() as s:
            q = select(User).where(User.deleted_at.is_(None)).order_by(User.display_name)
            if not include_inactive:
                q = q.where(User.active.is_(True))
            return [_info(u) for u in s.scalars(q)]

    def get(self, user_id: uuid.UUID) -> UserInfo:
        with self.db.read() as s:
            u = s.get(User, user_id)
            if u is None:
                raise NotFound("users", user_id)
            return _info(u)

    def by_name(self, name: str) -> UserInfo | None:
        """A user by login name or display name (case-insensitive for login names)."""
        with self.db.read() as s:
            u = s.scalars(
                select(User).where(User.deleted_at.is_(None))
                .where((User.username == name.lower()) | (User.display_name == name))
            ).first()
            return _info(u) if u else None

    def create(self, username: str, display_name: str, role: str = Role.SALES.value,
               team: str = "") -> UserInfo:
        username = username.strip().lower()
        errors = []
        if not username:
            errors.append(FieldError("username", "required"))
        if role not in {r.value for r in Role}:
            errors.append(FieldError("role", "invalid_choice", role))
        if errors:
            raise ValidationError(errors)
        with self.db.session() as s:
            if s.scalar(select(User.id).where(User.username == username)):
                raise ValidationError([FieldError("username", "duplicate", username)])
            u = User(username=username, display_name=display_name.strip() or username,
                     role=role, team=team)
            s.add(u)
            s.flush()
            return _info(u)

    def ensure_local_user(self) -> UserInfo:
        """The single-desk user: the first admin, created from the OS login on first start."""
        with self.db.session() as s:
            u = s.scalars(
                select(User).where(User.role == Role.ADMIN.value, User.active.is_(True))
                .order_by(User.created_at)
            ).first()
            if u is None:
                try:
                    login = getpass.getuser()
                except Exception:  # noqa: BLE001 - no login name in some sandboxes
                    login = "admin"
                login = (login or "admin").lower()
                u = User(username=login, display_name=login, role=Role.ADMIN.value)
                s.add(u)
                s.flush()
            return _info(u)
