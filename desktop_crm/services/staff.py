"""Staff accounts as an admin manages them: add, disable and enable, reset the password, set
the role, team and manager, grant extra permissions.

On PostgreSQL each person has their own login role (named as their user name, a member of the
database's staff group, revision 0014) and the server checks their password; the password is
sent as a SCRAM-SHA-256 verifier computed here, so the server (and its logs) never see it in
clear. On SQLite several people may share one PC: a password set here is kept as an scrypt
hash and asked at start-up; with no password set, nobody is asked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from desktop_crm.models import Role, User

from .access import PERMISSIONS, require
from .db import Database
from .errors import FieldError, NotFound, PermissionDenied, ValidationError
from .users import UserInfo, _info

USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{1,62}$")
ROLES = tuple(r.value for r in Role)
SCRAM_ITERATIONS = 4096  # PostgreSQL's default (scram_iterations)
SCRYPT = dict(n=2 ** 14, r=8, p=1)


@dataclass(frozen=True)
class StaffMember:
    id: uuid.UUID
    username: str
    display_name: str
    role: str
    team: str
    manager_id: uuid.UUID | None
    manager: str
    active: bool
    permissions: tuple[str, ...]
    has_password: bool  # SQLite: a shared-PC password is set


def scram_verifier(password: str, salt: bytes | None = None,
                   iterations: int = SCRAM_ITERATIONS) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802 / 7677)."""
    salt = salt or secrets.token_bytes(16)
    normalized = unicodedata.normalize("NFKC", password).encode("utf-8")
    salted = hashlib.pbkdf2_hmac("sha256", normalized, salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **SCRYPT)
    return f"scrypt${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_password(stored: str, password: str) -> bool:
    try:
        kind, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), **SCRYPT)
    return hmac.compare_digest(got, base64.b64decode(digest))


def new_password() -> str:
    """A first password to hand over (12 characters, no look-alikes)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class StaffService:
    """Admin-only changes to staff accounts (checked here, and by the server on PostgreSQL)."""

    def __init__(self, db: Database, user: UserInfo):
        self.db = db
        self.user = user

    # -- reading ------------------------------------------------------------------------

    def list(self, include_inactive: bool = True) -> list[StaffMember]:
        with self.db.read() as s:
            users = list(s.scalars(select(User).where(User.deleted_at.is_(None))
                                   .order_by(User.active.desc(), User.display_name)))
        names = {u.id: u.display_name for u in users}
        return [self._member(u, names) for u in users if include_inactive or u.active]

    def get(self, user_id: uuid.UUID) -> StaffMember:
        with self.db.read() as s:
            u = s.get(User, user_id)
            if u is None or u.deleted_at is not None:
                raise NotFound("users", user_id)
            manager = s.get(User, u.manager_id) if u.manager_id else None
            return self._member(u, {manager.id: manager.display_name} if manager else {})

    @staticmethod
    def _member(u: User, names: dict) -> StaffMember:
        return StaffMember(u.id, u.username, u.display_name, u.role, u.team, u.manager_id,
                           names.get(u.manager_id, "") if u.manager_id else "", u.active,
                           tuple(u.permissions or ()), bool(u.password_hash))

    def teams(self) -> list[str]:
        with self.db.read() as s:
            return sorted(t for t in s.scalars(select(User.team).distinct()) if t)

    # -- changes ------------------------------------------------------------------------

    def _check(self, role: str | None = None, team: str | None = None,
               permissions: list[str] | None = None) -> list[FieldError]:
        errors = []
        if role is not None and role not in ROLES:
            errors.append(FieldError("role", "invalid_choice", role))
        if team is not None and len(team) > 64:
            errors.append(FieldError("team", "too_long", team[:20], "64"))
        for p in permissions or ():
            if p not in PERMISSIONS:
                errors.append(FieldError("permissions", "invalid_choice", p))
        return errors

    def _login(self, s, login: str, password: str | None, can_login: bool | None,
               create: bool) -> None:
        """The server side of an account (PostgreSQL): create or change the login role."""
        if self.db.is_sqlite:
            return
        try:
            s.execute(text("SELECT crm_staff_login(:login, :verifier, :can_login, :create)"),
                      {"login": login,
                       "verifier": scram_verifier(password) if password else None,
                       "can_login": can_login, "create": create})
        except DBAPIError as exc:
            code = getattr(exc.orig, "sqlstate", None)
            if code == "42710":
                raise ValidationError([FieldError("username", "login_exists", login)]) from None
            if code == "42501":
                raise PermissionDenied("permission:manage_users", self.user.username,
                                       self.user.role) from None
            raise

    def add(self, username: str, display_name: str = "", role: str = "sales", team: str = "",
            password: str | None = None, manager_id: uuid.UUID | None = None
            ) -> tuple[StaffMember, str]:
        """A new staff member and their login. Returns the member and the password to hand
        over: ``password``, or on PostgreSQL a new one when not given (on SQLite a member
        without a password is not asked for one; "" is returned)."""
        require(self.user, "manage_users")
        username = username.strip().lower()
        team = team.strip()
        errors = self._check(role, team)
        if not USERNAME.match(username):
            errors.append(FieldError("username", "invalid_login", username))
        if password is not None and len(password) < 8:
            errors.append(FieldError("password", "too_short", "", "8"))
        if errors:
            raise ValidationError(errors)
        if not self.db.is_sqlite:
            password = password or new_password()  # a server login always has one
        with self.db.session() as s:
            if s.scalar(select(User.id).where(User.username == username)):
                raise ValidationError([FieldError("username", "duplicate", username)])
            u = User(username=username, display_name=display_name.strip() or username,
                     role=role, team=team, manager_id=manager_id, permissions=[],
                     password_hash=hash_password(password) if self.db.is_sqlite and password
                     else "")
            s.add(u)
            s.flush()
            self._login(s, username, password, True, True)
            from . import audit
            audit.record(s, table="users", row_id=u.id, action="create", user_id=self.user.id)
            member = self._member(u, {})
        return member, password or ""

    def _change(self, user_id: uuid.UUID, **values) -> StaffMember:
        require(self.user, "manage_users")
        with self.db.session() as s:
            u = s.get(User, user_id)
            if u is None or u.deleted_at is not None:
                raise NotFound("users", user_id)
            old = {k: getattr(u, k) for k in values}
            for k, v in values.items():
                setattr(u, k, v)
            from . import audit
            audit.record(s, table="users", row_id=u.id, action="update", user_id=self.user.id,
                         old={k: str(v) for k, v in old.items()},
                         new={k: str(v) for k, v in values.items()})
            if "active" in values:
                self._login(s, u.username, None, values["active"], False)
            s.flush()
            return self._member(u, {})

    def set_active(self, user_id: uuid.UUID, active: bool) -> StaffMember:
        """Disable (the login can no longer connect; their records stay) or enable again."""
        if user_id == self.user.id and not active:
            raise ValidationError([FieldError("active", "cannot_disable_self")])
        return self._change(user_id, active=active)

    def update(self, user_id: uuid.UUID, *, role: str | None = None, team: str | None = None,
               display_name: str | None = None, manager_id: uuid.UUID | None | str = "keep",
               permissions: list[str] | None = None) -> StaffMember:
        errors = self._check(role, team.strip() if team is not None else None, permissions)
        if manager_id == user_id:
            errors.append(FieldError("manager_id", "invalid_choice", str(manager_id)))
        if errors:
            raise ValidationError(errors)
        values: dict = {}
        if role is not None:
            if user_id == self.user.id and role != "admin":
                raise ValidationError([FieldError("role", "cannot_demote_self")])
            values["role"] = role
        if team is not None:
            values["team"] = team.strip()
        if display_name is not None and display_name.strip():
            values["display_name"] = display_name.strip()
        if manager_id != "keep":
            values["manager_id"] = manager_id
        if permissions is not None:
            values["permissions"] = sorted(set(permissions))
        return self._change(user_id, **values) if values else self.get(user_id)

    def reset_password(self, user_id: uuid.UUID, password: str | None = None) -> str:
        """A new password for the member (given, or made up); returns it to hand over."""
        require(self.user, "manage_users")
        if password is not None and len(password) < 8:
            raise ValidationError([FieldError("password", "too_short", "", "8")])
        password = password or new_password()
        with self.db.session() as s:
            u = s.get(User, user_id)
            if u is None or u.deleted_at is not None:
                raise NotFound("users", user_id)
            if self.db.is_sqlite:
                u.password_hash = hash_password(password)
            self._login(s, u.username, password, None, False)
            from . import audit
            audit.record(s, table="users", row_id=u.id, action="update", user_id=self.user.id,
                         old={"password": "***"}, new={"password": "***"})
        return password


# The staff group's privileges as the migrations leave them (0014 and later), restated so a
# database that reached the newest schema another way (restored or copied under another name,
# CREATE DATABASE ... TEMPLATE) gets its own group: roles belong to the server and grants name
# the role, so a copy's grants still point at the original's group. Idempotent. Revision 0014
# keeps its own copy of the first version of these grants: a migration is frozen history.
STAFF_GROUP = r"""
DO $$
DECLARE
  staff text := current_database() || '_staff';
  fn regprocedure;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = staff) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN', staff);
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), staff);
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', staff);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I',
                 staff);
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', staff);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, '
                 'DELETE ON TABLES TO %I', staff);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES '
                 'TO %I', staff);
  EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM %I', staff);
  EXECUTE format('REVOKE UPDATE, DELETE ON audit_log FROM %I', staff);
  IF to_regclass('sync_change_log') IS NOT NULL THEN  -- written by its trigger only
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON sync_change_log FROM %I', staff);
  END IF;
  IF to_regclass('sync_applied_mutations') IS NOT NULL THEN  -- revision 0020
    EXECUTE format('REVOKE UPDATE, DELETE ON sync_applied_mutations FROM %I', staff);
    EXECUTE format('REVOKE DELETE ON sync_conflicts, sync_sites FROM %I', staff);
  END IF;
  IF to_regclass('sync_log_pruned') IS NOT NULL THEN  -- revision 0021
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON sync_log_pruned FROM %I', staff);
  END IF;
  -- the functions revoked from PUBLIC that staff call (they check their caller themselves);
  -- the others revoked from PUBLIC are internal to these
  FOR fn IN SELECT p.oid::regprocedure FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND p.proname IN (
              'crm_ticket_customers', 'crm_staff_login',  -- revision 0014
              'crm_search_customers', 'crm_count_customers')  -- revision 0017
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, staff);
  END LOOP;
END
$$"""


def ensure_staff_group(db: Database) -> None:
    """Make sure a PostgreSQL database at the newest schema has its own staff group role with
    the group's privileges (run as the schema owner: ``desktop-crm init`` does it)."""
    if db.dialect != "postgresql":
        return
    with db.engine.begin() as conn:
        conn.execute(text(STAFF_GROUP))


def sign_in(db: Database, username: str, password: str) -> UserInfo | None:
    """SQLite, several people on one PC: the user whose password this is, else None."""
    with db.read() as s:
        u = s.scalar(select(User).where(User.username == username.strip().lower(),
                                        User.deleted_at.is_(None), User.active.is_(True)))
        if u is None:
            return None
        if not u.password_hash:  # an account without a password: nothing to type
            return _info(u) if password == "" else None
        return _info(u) if check_password(u.password_hash, password) else None


def needs_sign_in(db: Database) -> bool:
    """Whether this SQLite database has shared-PC passwords (then the app asks who is there)."""
    if not db.is_sqlite:
        return False
    with db.read() as s:
        return s.scalar(select(User.id).where(User.password_hash != "",
                                              User.active.is_(True)).limit(1)) is not None


def server_user(db: Database) -> UserInfo | None:
    """PostgreSQL: the staff member this connection logged in as (None for the schema owner
    or another maintenance login, which works as the first admin)."""
    if db.is_sqlite:
        return None
    with db.read() as s:
        login = s.scalar(text("SELECT current_user"))
        u = s.scalar(select(User).where(User.username == login, User.deleted_at.is_(None)))
        if u is None:
            return None
        if not u.active:
            raise PermissionDenied("account_disabled", login, u.role)
        return _info(u)
