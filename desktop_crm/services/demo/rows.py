"""Column-oriented batches of rows, in the storage format of each engine."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

# --------------------------------------------------------------------------------------
# Table layouts (column order of the generated tuples)

SYNC_COLS = ("id", "created_at", "updated_at", "version", "deleted_at")
TABLES: dict[str, tuple[str, ...]] = {
    "customers": ("code", "kind", "name", "name_pinyin", "name_initials", "sort_name", "phone",
                  "phone2", "email", "region", "province", "city", "address", "industry",
                  "source", "employees", "owner_id", "tier", "notes", "custom_fields",
                  "search_text"),
    "contacts": ("customer_id", "name", "name_pinyin", "title", "phone", "email", "wechat",
                 "is_primary", "notes"),
    "orders": ("customer_id", "order_no", "order_date", "amount", "currency", "status", "notes"),
    "interactions": ("customer_id", "contact_id", "user_id", "channel", "occurred_at", "summary"),
    "opportunities": ("customer_id", "title", "amount", "currency", "stage_id", "probability",
                      "expected_close", "owner_id", "status", "lost_reason", "closed_at",
                      "stage_entered_at", "position", "notes", "won_automation_at"),
    "opportunity_stage_history": ("opportunity_id", "from_stage_id", "to_stage_id",
                                  "changed_at", "user_id"),
    "activities": ("customer_id", "opportunity_id", "owner_id", "type", "subject", "notes",
                   "due_at", "duration_minutes", "done_at", "reminder_minutes", "outcome",
                   "cancelled_at", "series_id", "occurrence_at", "series_edited", "remind_at"),
    "customer_assignments": ("customer_id", "action", "from_user_id", "to_user_id", "reason",
                             "at", "by_user_id"),
    "tickets": ("number", "customer_id", "contact_id", "subject", "description", "priority",
                "status", "assignee_id", "sla_policy_id", "opened_at", "first_response_at",
                "resolved_at", "closed_at", "response_due", "resolve_due", "satisfaction",
                "opportunity_id", "interaction_id", "satisfaction_comment", "paused_at",
                "paused_seconds", "sla_due", "response_escalation", "resolve_escalation"),
}


class _Rows:
    """Columns of one table for one batch: lists (or ``itertools.repeat`` for constants)."""

    def __init__(self, table: str, n: int, cols: dict[str, Any], ids: list[str],
                 created: list, updated: list):
        self.table = table
        self.n = n
        self.names = TABLES[table] + SYNC_COLS
        order = [cols[c] for c in TABLES[table]]
        self.columns = order + [ids, created, updated, itertools.repeat(1), itertools.repeat(None)]

    def set(self, column: str, values: list) -> None:
        self.columns[self.names.index(column)] = values

    def tuples(self) -> Iterable[tuple]:
        return zip(*self.columns) if self.n else iter(())
