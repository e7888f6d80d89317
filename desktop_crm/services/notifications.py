"""Notifications to staff: a kind (``pool_return``, ...) and its parameters, never a text, so
the app renders them in the reader's language. Other services add them inside their own
transaction with :func:`notify` / :func:`notify_many`; :class:`NotificationService` is what
the reader's app lists and marks as read.

Kinds written so far (params are JSON: ids as strings, times as ISO 8601 UTC):

* ``pool_assigned`` - a customer was given to you: ``customer_id``, ``customer_code``,
  ``customer_name``, ``reason`` (``rule:region``, ``rule:industry``, ``round_robin``,
  ``manual``), ``by_name`` (the user who assigned it or ran the rules).
* ``pool_assigned_summary`` - more than ``EACH_MAX`` at once: ``count``, ``reasons``
  ({reason: count}), ``by_name``.
* ``pool_return`` - a customer went back to the pool: ``customer_id``, ``customer_code``,
  ``customer_name``, ``reason`` (``no_follow_up`` or ``lost``), ``days`` (the rule's N or M),
  ``owner_id``, ``owner_name`` (the former owner), ``to`` (``owner``: you were the owner;
  ``manager``: one of your team's customers).
* ``pool_return_summary`` - more than ``EACH_MAX`` for one reader in one run: ``count``,
  ``reasons`` ({reason: count}), ``owners`` ({owner name: count}), ``to``.
* ``pool_released`` - someone else (a manager) gave your customer back to the pool:
  ``customer_id``, ``customer_code``, ``customer_name``, ``reason`` (their text), ``by_name``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from desktop_crm.models import Notification

from .db import Database
from .users import UserInfo

# More than this many notifications of one kind for one reader from one call become one
# summary (the first pool run on an old database may return thousands of customers).
EACH_MAX = 20

Item = tuple[uuid.UUID, str, dict[str, Any], uuid.UUID | None]  # user, kind, params, customer
# (kind, the params of each notification) -> (summary kind, summary params)
Summary = Callable[[str, list[dict[str, Any]]], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class NotificationInfo:
    id: uuid.UUID
    kind: str
    params: dict[str, Any]
    customer_id: uuid.UUID | None
    created_at: dt.datetime
    read_at: dt.datetime | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def notify(session: Session, user_id: uuid.UUID, kind: str, params: dict[str, Any],
           customer_id: uuid.UUID | None = None) -> None:
    """Add one notification for ``user_id`` in the caller's transaction."""
    session.add(Notification(user_id=user_id, kind=kind, params=dict(params),
                             customer_id=customer_id))


def notify_many(session: Session, items: Iterable[Item], now: dt.datetime | None = None) -> int:
    """Add many notifications ``(user_id, kind, params, customer_id)`` with one bulk insert;
    returns how many."""
    now = now or _now()
    rows = [{"id": uuid.uuid4(), "created_at": now, "updated_at": now, "version": 1,
             "deleted_at": None, "user_id": user_id, "kind": kind, "params": params,
             "customer_id": customer_id, "read_at": None}
            for user_id, kind, params, customer_id in items]
    if rows:
        session.execute(insert(Notification.__table__), rows)
    return len(rows)


# A summary being built: {"count": n, ...}; ``fold(summary, params)`` adds one notification.
Fold = Callable[[dict[str, Any], dict[str, Any]], None]


class Outbox:
    """The notifications of one service call, written at the end with one bulk insert. A
    reader who gets more than ``EACH_MAX`` of one kind gets one summary instead: ``summaries``
    maps a kind to (summary kind, fold). Memory stays bounded by readers x EACH_MAX, however
    many customers the call touched."""

    def __init__(self, summaries: dict[str, tuple[str, Fold]] | None = None):
        self.summaries = summaries or {}
        self.each: dict[tuple[uuid.UUID, str], list[Item]] = {}
        self.folded: dict[tuple[uuid.UUID, str], dict[str, Any]] = {}

    def add(self, user_id: uuid.UUID, kind: str, params: dict[str, Any],
            customer_id: uuid.UUID | None = None) -> None:
        key = (user_id, kind)
        if key in self.folded:
            self.summaries[kind][1](self.folded[key], params)
            return
        items = self.each.setdefault(key, [])
        items.append((user_id, kind, params, customer_id))
        if len(items) > EACH_MAX and kind in self.summaries:
            summary: dict[str, Any] = {"count": 0}
            for _u, _k, p, _c in items:
                self.summaries[kind][1](summary, p)
            self.folded[key] = summary
            del self.each[key]

    def items(self) -> list[Item]:
        out = [item for items in self.each.values() for item in items]
        out += [(user_id, self.summaries[kind][0], summary, None)
                for (user_id, kind), summary in self.folded.items()]
        return out

    def send(self, session: Session, now: dt.datetime | None = None) -> int:
        return notify_many(session, self.items(), now)


class NotificationService:
    """The current user's notifications."""

    def __init__(self, db: Database, user: UserInfo):
        self.db = db
        self.user = user

    def _query(self, limit: int, unread: bool):
        q = (select(Notification)
             .where(Notification.user_id == self.user.id, Notification.deleted_at.is_(None))
             .order_by(Notification.created_at.desc(), Notification.id).limit(limit))
        return q.where(Notification.read_at.is_(None)) if unread else q

    @staticmethod
    def _info(n: Notification) -> NotificationInfo:
        return NotificationInfo(n.id, n.kind, dict(n.params or {}), n.customer_id, n.created_at,
                                n.read_at)

    def unread(self, limit: int = 50) -> list[NotificationInfo]:
        """The newest unread notifications first."""
        with self.db.read() as s:
            return [self._info(n) for n in s.scalars(self._query(limit, True))]

    def list(self, limit: int = 200) -> list[NotificationInfo]:
        """The newest notifications, read or not."""
        with self.db.read() as s:
            return [self._info(n) for n in s.scalars(self._query(limit, False))]

    def count_unread(self) -> int:
        with self.db.read() as s:
            return int(s.scalar(select(func.count()).select_from(Notification).where(
                Notification.user_id == self.user.id, Notification.read_at.is_(None),
                Notification.deleted_at.is_(None))) or 0)

    def mark_read(self, ids: Iterable[uuid.UUID]) -> int:
        """Mark the user's own notifications read; returns how many changed (others' ids and
        ones already read are left alone)."""
        ids = list(ids)
        if not ids:
            return 0
        now = _now()
        n = 0
        with self.db.session() as s:
            for start in range(0, len(ids), 500):
                n += s.execute(
                    update(Notification)
                    .where(Notification.id.in_(ids[start:start + 500]),
                           Notification.user_id == self.user.id,
                           Notification.read_at.is_(None))
                    .values(read_at=now, updated_at=now, version=Notification.version + 1)
                    .execution_options(synchronize_session=False)).rowcount
        return n
