"""The set of services one run of the app (GUI or CLI) works with."""

from __future__ import annotations

from dataclasses import dataclass

from .customers import CustomerService
from .db import Database
from .followups import FollowUpService
from .health import HealthService
from .holidays import HolidayService
from .leads import LeadScoringService
from .notifications import NotificationService
from .pipeline import PipelineService
from .pool import PoolService
from .profile import ProfileService
from .tickets import TicketService
from .tiers import TierService
from .users import UserInfo, UserService


class SchemaError(Exception):
    """The database schema is not the one this version of the app expects: ``database``
    (described, no password) is at revision ``current`` (None: no schema), the app needs
    ``head``."""

    def __init__(self, database: str, current: str | None, head: str):
        self.database, self.current, self.head = database, current, head
        super().__init__(f"the database {database} is at schema revision {current or 'none'}, "
                         f"this app needs {head}; run: desktop-crm init --db URL")


@dataclass
class Services:
    db: Database
    user: UserInfo
    users: UserService
    customers: CustomerService
    profiles: ProfileService
    tiers: TierService
    pipeline: PipelineService
    leads: LeadScoringService
    pool: PoolService
    notifications: NotificationService
    followups: FollowUpService
    holidays: HolidayService
    tickets: TicketService
    health: HealthService

    @classmethod
    def open(cls, url: str | None = None, *, upgrade: bool | None = None,
             password: str | None = None) -> "Services":
        """Open the database. A local SQLite database is created or upgraded on the spot
        (``upgrade=None``); a shared server must already be at this app's revision
        (its admin runs ``desktop-crm init``). ``password``: a server password typed at a
        prompt (else the keyring's)."""
        db = Database(url, password=password)
        if upgrade is None:
            upgrade = db.is_sqlite
        if upgrade:
            db.upgrade()
        else:
            current, head = db.current_revision(), db.head_revision()
            if current != head:
                db.dispose()
                raise SchemaError(db.describe(), current, head)
        users = UserService(db)
        from .staff import server_user

        from .replica import prepare

        try:
            # an offline replica works as the staff member it was made for; on PostgreSQL a
            # staff member's own login; else the first admin (created on a new database
            # from the OS login)
            st = prepare(db) if db.is_sqlite else None
            user = (users.get(st.user_id) if st is not None and st.user_id else
                    server_user(db) or users.ensure_local_user())
        except Exception:
            db.dispose()
            raise
        return cls.for_user(db, user, users)

    @classmethod
    def for_user(cls, db: Database, user: UserInfo, users: UserService | None = None
                 ) -> "Services":
        """The services of one staff member on an open database."""
        users = users or UserService(db)
        return cls(db, user, users, CustomerService(db, user.id, user), ProfileService(db, user.id, user),
                   TierService(db, user), PipelineService(db, user),
                   LeadScoringService(db, user), PoolService(db, user),
                   NotificationService(db, user), FollowUpService(db, user),
                   HolidayService(db, user), TicketService(db, user), HealthService(db, user))

    def as_user(self, user: UserInfo) -> "Services":
        """The same database seen by another staff member (screenshots, tests)."""
        return self.for_user(self.db, user, self.users)

    def close(self) -> None:
        self.db.dispose()
