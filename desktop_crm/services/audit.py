"""Writing and reading the audit log. Always inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import AuditEntry, User


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    if isinstance(value, (dt.date, Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def record(session: Session, *, table: str, row_id: uuid.UUID, action: str,
           user_id: uuid.UUID | None, old: Mapping[str, Any] | None = None,
           new: Mapping[str, Any] | None = None) -> int:
    """Add audit rows: one per changed field for updates, one row for other actions.

    Returns the number of rows added.
    """
    at = dt.datetime.now(dt.timezone.utc)
    if action != "update":
        session.add(AuditEntry(at=at, user_id=user_id, table_name=table, row_id=row_id,
                               action=action))
        return 1
    n = 0
    old = old or {}
    for field, value in (new or {}).items():
        before, after = _text(old.get(field)), _text(value)
        if before == after:
            continue
        session.add(AuditEntry(at=at, user_id=user_id, table_name=table, row_id=row_id,
                               action=action, field=field, old_value=before, new_value=after))
        n += 1
    return n


@dataclass(frozen=True)
class AuditRecord:
    at: dt.datetime
    user: str
    table: str
    row_id: uuid.UUID
    action: str
    field: str
    old_value: str | None
    new_value: str | None


def history(session: Session, table: str, row_id: uuid.UUID, limit: int = 500) -> list[AuditRecord]:
    rows = session.execute(
        select(AuditEntry, User.display_name)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .where(AuditEntry.table_name == table, AuditEntry.row_id == row_id)
        .order_by(AuditEntry.at.desc())
        .limit(limit)
    ).all()
    return [
        AuditRecord(a.at, name or "", a.table_name, a.row_id, a.action, a.field,
                    a.old_value, a.new_value)
        for a, name in rows
    ]
