"""The audit log: ``record()`` / ``history()`` work inside the caller's transaction;
``AuditService`` reads it for people (a record's History tab, the admins' log viewer, export)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from desktop_crm.models import AuditEntry, User

from .access import SENSITIVE, may, require


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


# -- reading the log: one record's history, and the admins' view of the whole log -------------

AUDIT_RIGHT = "audit"  # services/access.py: admins have it; it can be granted one by one
_ILLEGAL_TITLE = re.compile(r"[\\/*?:\[\]]")  # characters Excel refuses in a sheet name
MAX_PAGE = 1000

# header keys of the export, in order, with their Chinese and English names
EXPORT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("at", "时间", "Time"),
    ("user", "用户", "User"),
    ("table", "记录类型", "Record type"),
    ("record", "记录", "Record"),
    ("action", "操作", "Action"),
    ("field", "字段", "Field"),
    ("old", "原值", "Old value"),
    ("new", "新值", "New value"),
)
# names of tables and actions in each export language: code -> (Chinese, English)
EXPORT_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "table": {
        "customers": ("客户", "Customers"), "contacts": ("联系人", "Contacts"),
        "opportunities": ("商机", "Opportunities"), "tickets": ("工单", "Tickets"),
        "activities": ("跟进", "Follow-ups"), "activity_series": ("重复跟进", "Repeating follow-ups"),
        "interactions": ("沟通记录", "Interactions"), "pipeline_stages": ("销售阶段", "Pipeline stages"),
        "sales_targets": ("销售目标", "Sales targets"), "holidays": ("节假日", "Holidays"),
        "sla_policies": ("SLA 规则", "SLA policies"), "users": ("用户", "Users"),
    },
    "action": {
        "create": ("新建", "Created"), "update": ("修改", "Changed"),
        "delete": ("删除", "Deleted"), "restore": ("恢复", "Restored"),
        "merge": ("合并", "Merged"),
    },
}


@dataclass(frozen=True)
class AuditQuery:
    """A filter of the whole log. ``since`` (inclusive) and ``until`` (exclusive) are aware
    datetimes; ``text`` is looked for in the field name and the old and new values."""

    user_id: uuid.UUID | None = None
    table: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    row_id: uuid.UUID | None = None
    text: str | None = None


@dataclass(frozen=True)
class AuditItem:
    """One audit row as the history tab and the log viewer show it.

    ``record``: a readable name of the changed row (customer code and name, ticket number and
    subject, ...), "" when it cannot be told. ``old_text`` / ``new_text``: the values, with
    ids of users, stages and customers replaced by their names (codes such as tiers and
    statuses stay codes: views translate them)."""

    id: uuid.UUID
    at: dt.datetime
    user_id: uuid.UUID | None
    user: str
    table: str
    row_id: uuid.UUID
    record: str
    action: str
    field: str
    old_value: str | None
    new_value: str | None
    old_text: str | None
    new_text: str | None

    @property
    def key(self) -> tuple[dt.datetime, uuid.UUID]:
        """The keyset position of this row: pass it as ``after`` for the next page."""
        return (self.at, self.id)


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditItem, ...]
    has_more: bool


@dataclass(frozen=True)
class AuditUser:
    id: uuid.UUID
    display_name: str
    active: bool


def _record_names(session: Session, table: str, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Readable names of rows of ``table`` (one query per table and page)."""
    from desktop_crm.models import (
        Activity, ActivitySeries, Contact, Customer, Opportunity, PipelineStage, SlaPolicy,
        Ticket,
    )

    if not ids:
        return {}
    ids_ = list(ids)
    if table == "customers":
        rows = session.execute(select(Customer.id, Customer.code, Customer.name)
                               .where(Customer.id.in_(ids_)))
        return {i: f"{code} {name}".strip() for i, code, name in rows}
    if table == "tickets":
        rows = session.execute(select(Ticket.id, Ticket.number, Ticket.subject)
                               .where(Ticket.id.in_(ids_)))
        return {i: f"{num} {subject}".strip() for i, num, subject in rows}
    simple = {"opportunities": (Opportunity, Opportunity.title),
              "contacts": (Contact, Contact.name),
              "activities": (Activity, Activity.subject),
              "activity_series": (ActivitySeries, ActivitySeries.subject),
              "pipeline_stages": (PipelineStage, PipelineStage.name),
              "sla_policies": (SlaPolicy, SlaPolicy.name),
              "users": (User, User.display_name)}
    if table in simple:
        model, col = simple[table]
        return dict(session.execute(select(model.id, col).where(model.id.in_(ids_))).all())
    return {}


# fields whose values are ids of another table's rows: shown by name
_ID_FIELDS = {"owner_id": "users", "assignee_id": "users", "user_id": "users",
              "manager_id": "users", "stage_id": "pipeline_stages",
              "customer_id": "customers", "merged_into": "customers"}


def _as_uuid(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _items(session: Session, rows) -> list[AuditItem]:
    """AuditItems of (AuditEntry, user name) rows, with record names and id values resolved
    in one query per table involved."""
    wanted: dict[str, set[uuid.UUID]] = {}
    for a, _name in rows:
        wanted.setdefault(a.table_name, set()).add(a.row_id)
        target = _ID_FIELDS.get(a.field)
        if target:
            for v in (a.old_value, a.new_value):
                u = _as_uuid(v)
                if u:
                    wanted.setdefault(target, set()).add(u)
    names: dict[str, dict[uuid.UUID, str]] = {
        t: _record_names(session, t, ids) for t, ids in wanted.items()}

    def shown(field: str, value: str | None) -> str | None:
        target = _ID_FIELDS.get(field)
        u = _as_uuid(value) if target else None
        if u is None:
            return value
        return names.get(target, {}).get(u, value)

    out = []
    for a, name in rows:
        out.append(AuditItem(
            a.id, a.at, a.user_id, name or "", a.table_name, a.row_id,
            names.get(a.table_name, {}).get(a.row_id, ""), a.action, a.field or "",
            a.old_value, a.new_value, shown(a.field, a.old_value), shown(a.field, a.new_value)))
    return out


def _where(q: AuditQuery) -> list:
    cond = []
    if q.user_id is not None:
        cond.append(AuditEntry.user_id == q.user_id)
    if q.table:
        cond.append(AuditEntry.table_name == q.table)
    if q.row_id is not None:
        cond.append(AuditEntry.row_id == q.row_id)
    if q.since is not None:
        cond.append(AuditEntry.at >= q.since)
    if q.until is not None:
        cond.append(AuditEntry.at < q.until)
    text_ = (q.text or "").strip().lower()
    if text_:
        cond.append(or_(*(func.lower(c).contains(text_, autoescape=True)
                          for c in (AuditEntry.field, AuditEntry.old_value,
                                    AuditEntry.new_value))))
    return cond


def _mask(field: str, value: str | None) -> str | None:
    from .access import mask_value
    from .text import display_phone

    if not value:
        return value
    if field in ("phone", "phone2"):
        value = display_phone(value) if value.startswith("+") else value
    return mask_value(field, value)


class AuditService:
    """The audit log as people read it: a record's history (anyone who may open the record)
    and the whole log, filtered, paged and exported (administrators only)."""

    def __init__(self, db, user, tz: dt.tzinfo | None = None):
        self.db = db
        self.user = user
        self._tz = tz

    @property
    def tz(self) -> dt.tzinfo:
        """The company's time zone: export times are written in it."""
        if self._tz is None:
            from .periods import local_zone

            self._tz = local_zone()
        return self._tz

    def day_range(self, first: dt.date | None, last: dt.date | None
                  ) -> tuple[dt.datetime | None, dt.datetime | None]:
        """``since`` / ``until`` of an AuditQuery for whole days in the company's time zone:
        from the start of ``first`` to the end of ``last`` (None: open)."""
        from .periods import local_midnight

        since = local_midnight(first, self.tz) if first else None
        until = local_midnight(last + dt.timedelta(days=1), self.tz) if last else None
        return since, until

    @property
    def may_search(self) -> bool:
        """Whether this user may read the whole log (the ``audit`` right)."""
        return may(self.user, AUDIT_RIGHT)

    def _require_admin(self, _what: str) -> None:
        """Refuse without the ``audit`` right: PermissionDenied("permission:audit", ...)."""
        require(self.user, AUDIT_RIGHT)

    def _masked(self, session: Session, items: list[AuditItem]) -> list[AuditItem]:
        """Items with the old and new phones, e-mails and addresses of customers and their
        contacts masked as the customer form masks them for this user (services/access.py:
        shown to the owner and to whoever has ``see_sensitive``)."""
        if may(self.user, "see_sensitive"):
            return items
        hidden = [it for it in items
                  if it.table in ("customers", "contacts") and it.field in SENSITIVE]
        if not hidden:
            return items
        from desktop_crm.models import Contact, Customer

        owners: dict[uuid.UUID, uuid.UUID | None] = {}
        ids = {it.row_id for it in hidden if it.table == "customers"}
        if ids:
            owners.update(session.execute(select(Customer.id, Customer.owner_id)
                                          .where(Customer.id.in_(list(ids)))).all())
        ids = {it.row_id for it in hidden if it.table == "contacts"}
        if ids:
            owners.update(session.execute(
                select(Contact.id, Customer.owner_id)
                .join(Customer, Customer.id == Contact.customer_id)
                .where(Contact.id.in_(list(ids)))).all())
        out, hidden_ids = [], {it.id for it in hidden}
        for it in items:
            if it.id in hidden_ids and owners.get(it.row_id) != self.user.id:
                def m(v: str | None, field: str = it.field) -> str | None:
                    return _mask(field, v)
                it = replace(it, old_value=m(it.old_value), new_value=m(it.new_value),
                             old_text=m(it.old_text), new_text=m(it.new_text))
            out.append(it)
        return out

    # -- one record ---------------------------------------------------------------------------

    def record_history(self, table: str, row_id: uuid.UUID, limit: int = 500
                       ) -> list[AuditItem]:
        """The changes of one row, newest first."""
        with self.db.read() as s:
            rows = s.execute(
                select(AuditEntry, User.display_name)
                .outerjoin(User, User.id == AuditEntry.user_id)
                .where(AuditEntry.table_name == table, AuditEntry.row_id == row_id)
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(limit)
            ).all()
            return self._masked(s, _items(s, rows))

    # -- the whole log (administrators) --------------------------------------------------------

    def search(self, query: AuditQuery = AuditQuery(), *,
               after: tuple[dt.datetime, uuid.UUID] | None = None,
               limit: int = 200) -> AuditPage:
        """A page of the log, newest first (keyset on ``(at, id)``): ``after`` is the
        ``key`` of the last row of the page before."""
        self._require_admin("search the audit log")
        limit = max(1, min(limit, MAX_PAGE))
        with self.db.read() as s:
            rows = s.execute(self._select(query, after).limit(limit + 1)).all()
            return AuditPage(tuple(self._masked(s, _items(s, rows[:limit]))), len(rows) > limit)

    @staticmethod
    def _select(query: AuditQuery, after: tuple[dt.datetime, uuid.UUID] | None = None):
        cond = _where(query)
        if after is not None:
            at, id_ = after
            # "at <= :at" first gives the planner a range on an index over (at, id)
            cond.append(AuditEntry.at <= at)
            cond.append(or_(AuditEntry.at < at,
                            and_(AuditEntry.at == at, AuditEntry.id < id_)))
        return (select(AuditEntry, User.display_name)
                .outerjoin(User, User.id == AuditEntry.user_id)
                .where(*cond)
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))

    def tables(self) -> list[str]:
        """The tables the log has rows for (a loose scan of the (table, row, at) index)."""
        self._require_admin("list the audited tables")
        from .db import loose_distinct

        with self.db.read() as s:
            return [r[0] for r in s.execute(loose_distinct("audit_log", "table_name"))]

    def users(self) -> list[AuditUser]:
        """Everyone who can have changed something (inactive staff too), by name."""
        self._require_admin("list the users of the audit log")
        with self.db.read() as s:
            rows = s.execute(select(User.id, User.display_name, User.active)
                             .where(User.deleted_at.is_(None))
                             .order_by(User.display_name)).all()
        return [AuditUser(i, name, bool(active)) for i, name, active in rows]

    # -- export ---------------------------------------------------------------------------------

    def export(self, query: AuditQuery, path: str | os.PathLike, *, lang: str = "zh_CN",
               headers: Mapping[str, str] | None = None,
               names: Mapping[tuple[str, str], str] | None = None,
               values: Callable[[str, str, str | None], str] | None = None,
               title: str | None = None,
               progress: Callable[[str, int, int], Any] | None = None) -> int:
        """Write the filtered log to ``path`` (.xlsx, else .csv: UTF-8 with a BOM so Excel
        reads Chinese right), newest first, times in the company's time zone.

        ``lang`` ("zh_CN" or "en") names the columns, tables and actions; ``headers`` (column
        key -> text) and ``names`` ((kind, code) -> text, kind "table", "action" or "field";
        a field as "table.field" wins over a plain "field") override them, e.g. with the
        user's language from the GUI; ``values(table, field, text)`` shows a value (codes by
        their names), else values are written as stored; ``title``: the sheet's name. Written to a temporary file
        renamed over ``path`` at the end, so a failed export leaves no half file. Returns the
        number of rows; a progress callback returning False stops it (``Cancelled``)."""
        from .errors import Cancelled
        from .exporting import _atomic, format_of

        self._require_admin("export the audit log")
        path = Path(path)
        fmt = format_of(path, "csv")
        en = lang == "en"
        heads = [(headers or {}).get(k) or (e if en else z) for k, z, e in EXPORT_COLUMNS]
        names = dict(names or {})

        def name(kind: str, code: str) -> str:
            got = names.get((kind, code))
            if got is not None:
                return got
            pair = EXPORT_NAMES.get(kind, {}).get(code)
            return (pair[1] if en else pair[0]) if pair else code

        def field_name(table: str, field: str) -> str:
            got = names.get(("field", f"{table}.{field}"))
            return got if got is not None else name("field", field)

        def shown(table: str, field: str, value: str | None) -> str:
            return (values(table, field, value) if values else value) or ""

        tz = self.tz
        n = 0
        with _atomic(path) as tmp:
            sheet = title or ("Audit log" if en else "审计日志")
            sink = _XlsxAudit(tmp, heads, sheet) if fmt == "xlsx" else _CsvAudit(tmp, heads)
            try:
                after = None
                while True:
                    page = self._export_page(query, after)
                    rows = []
                    for r in page.rows:
                        rows.append([r.at.astimezone(tz).replace(tzinfo=None, microsecond=0), r.user,
                                     name("table", r.table), r.record or str(r.row_id),
                                     name("action", r.action),
                                     field_name(r.table, r.field) if r.field else "",
                                     shown(r.table, r.field, r.old_text),
                                     shown(r.table, r.field, r.new_text)])
                    sink.write(rows)
                    n += len(rows)
                    if progress is not None and progress("write", n, 0) is False:
                        raise Cancelled(f"audit export stopped after {n} rows")
                    if not page.has_more:
                        break
                    after = page.rows[-1].key
                sink.close()
            except BaseException:
                sink.abort()
                raise
        return n

    def _export_page(self, query, after) -> AuditPage:
        with self.db.read() as s:
            rows = s.execute(self._select(query, after).limit(MAX_PAGE + 1)).all()
            return AuditPage(tuple(self._masked(s, _items(s, rows[:MAX_PAGE]))),
                             len(rows) > MAX_PAGE)


class _CsvAudit:
    def __init__(self, path: Path, headers: list[str]):
        # utf-8-sig: the BOM tells Excel the file is UTF-8, so Chinese opens right
        self.f = open(path, "w", encoding="utf-8-sig", newline="")
        self.w = csv.writer(self.f)
        self.w.writerow(headers)

    def write(self, rows: list[list[Any]]) -> None:
        for r in rows:
            r[0] = r[0].isoformat(" ", "seconds")
        self.w.writerows(rows)

    def close(self) -> None:
        self.f.close()

    def abort(self) -> None:
        self.f.close()


class _XlsxAudit:
    """A write-only workbook (rows stream to a temporary file): bold frozen header, times as
    Excel date-times, text that Excel would take for a formula kept as text."""

    def __init__(self, path: Path, headers: list[str], title: str):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        from .exporting import XLSX_MAX_ROWS

        self.path = path
        self.wb = Workbook(write_only=True)
        self._cell = WriteOnlyCell
        self.ws = self.wb.create_sheet(_ILLEGAL_TITLE.sub(" ", title)[:31] or "Audit log")
        for letter, width in zip("ABCDEFGH", (20, 14, 14, 28, 10, 16, 30, 30)):
            self.ws.column_dimensions[letter].width = width
        self.ws.freeze_panes = "A2"
        head = []
        for h in headers:
            c = WriteOnlyCell(self.ws, value=h)
            c.font = Font(bold=True)
            head.append(c)
        self.ws.append(head)
        self.left = XLSX_MAX_ROWS - 1

    def _text(self, value: str):
        from .exporting import _ILLEGAL, XLSX_MAX_TEXT

        value = _ILLEGAL.sub("", value)[:XLSX_MAX_TEXT]
        if value.startswith("="):
            c = self._cell(self.ws, value=value)
            c.data_type = "s"
            return c
        return value

    def write(self, rows: list[list[Any]]) -> None:
        for r in rows:
            if self.left == 0:  # Excel's row limit: the rest is not written
                raise ValueError("more audit rows than one Excel sheet holds; filter the log")
            when = self._cell(self.ws, value=r[0])
            when.number_format = "yyyy-mm-dd hh:mm:ss"
            self.ws.append([when, *(self._text(v) if isinstance(v, str) else v
                                    for v in r[1:])])
            self.left -= 1

    def close(self) -> None:
        self.wb.save(self.path)

    def abort(self) -> None:
        writer = getattr(self.ws, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                self.ws.close()
            with contextlib.suppress(Exception):
                writer.cleanup()
