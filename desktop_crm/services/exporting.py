"""Export of customers, contacts, orders, follow-ups and tickets to .xlsx and .csv (no Qt).

A file is a format other programs and our own importer read back, so its column headers are
part of the data: each column has its Chinese and English header here (``ColumnSpec``), the
Chinese ones being the names the importer recognises (客户编号, 客户名称, 手机, 下单日期,
金额 ...). Views show the same names through Qt translation (tests keep the two equal); the
CLI writes Chinese headers unless told ``--lang en``.

Rows stream: one query read in windows (``yield_per``; a server-side cursor on PostgreSQL),
each window converted and written at once (openpyxl's write-only workbook, ``csv.writer``),
so a million customers never sit in memory. The file is written to a temporary file beside
the target and renamed over it only when complete: a cancel or an error leaves no half file
(and an older file of that name as it was).

Values: dates YYYY-MM-DD (a date cell in .xlsx), times in the user's time zone as
YYYY-MM-DD HH:MM, money as a plain number with two decimals (a number cell, ``#,##0.00``),
phones in the national form shown in the app ("138 1234 5678"; the importer parses it back
to E.164; Excel would turn "+8613812345678" in a CSV into 8.61E+12), codes (tiers, statuses,
types) as their names in the header language.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import logging
import os
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, literal_column, or_, select
from sqlalchemy.orm import aliased

from desktop_crm.models import (
    Activity, Contact, Customer, CustomerHealth, CustomerTag, Order, Tag, Ticket, User,
)

from . import access
from .customers import CustomerQuery, CustomerService
from .errors import Cancelled, FieldError, ServiceError, ValidationError
from .periods import local_zone, utc_param
from .text import display_phone
from .tickets import TicketQuery, TicketService
from .users import UserInfo

log = logging.getLogger(__name__)

KINDS = ("customers", "contacts", "orders", "activities", "tickets")
FORMATS = ("xlsx", "csv")
LANGUAGES = ("zh_CN", "en")
WINDOW = 2000  # rows fetched, converted and written at a time; progress is told per window
XLSX_MAX_ROWS = 1_048_576  # per sheet, the header included; more rows go on another sheet
XLSX_MAX_TEXT = 32_767  # characters in one cell
# characters an .xlsx cannot hold (openpyxl refuses them): control characters but tab, LF, CR
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")

# text, phone (E.164 in, national form out), date, datetime (UTC in, local out), money,
# number, code (a name from VALUE_NAMES), bool
TYPES = ("text", "phone", "date", "datetime", "money", "number", "code", "bool")


@dataclass(frozen=True)
class ColumnSpec:
    """One column a kind of export can have: its key (``--columns``), its header in each
    language, whether it is chosen when the caller does not say, and its value type."""

    key: str
    zh: str
    en: str
    default: bool = True
    type: str = "text"

    def header(self, lang: str = "zh_CN") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class OrderQuery:
    """Which orders: order dates ``date_from`` to ``date_to`` (both included), the customers
    of a customer-list filter, one customer, some statuses (none: all)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    customers: CustomerQuery | None = None
    customer_id: uuid.UUID | None = None
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActivityQuery:
    """Which follow-ups: due in ``[start, end)`` (aware datetimes), one owner or a team's
    members, one customer; cancelled ones only when asked."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None
    owner_id: uuid.UUID | None = None
    team: str | None = None
    customer_id: uuid.UUID | None = None
    include_cancelled: bool = False


@dataclass(frozen=True)
class ExportResult:
    kind: str
    path: Path
    fmt: str
    rows: int
    columns: tuple[str, ...]
    seconds: float


class ExportError(ServiceError):
    """The file cannot be written. ``code``: ``no_folder`` (the folder does not exist),
    ``is_folder`` (the path names a folder), ``not_writable`` (no permission, disk full,
    the file open in another program); ``path`` and ``detail`` (the system's words) for the
    message. Nothing was left behind."""

    def __init__(self, code: str, path: os.PathLike | str, detail: str = ""):
        self.code, self.path, self.detail = code, str(path), detail
        what = {"no_folder": "the folder does not exist",
                "is_folder": "it is a folder, not a file",
                "not_writable": "cannot write there"}.get(code, code)
        super().__init__(f"cannot export to {self.path}: {what}"
                         + (f" ({detail})" if detail else ""))


C = ColumnSpec
COLUMNS: dict[str, tuple[ColumnSpec, ...]] = {
    "customers": (
        C("code", "客户编号", "Customer code"),
        C("name", "客户名称", "Customer name"),
        C("kind", "客户类型", "Customer type", False, "code"),
        C("contact", "联系人", "Contact"),
        C("phone", "手机", "Mobile", True, "phone"),
        C("phone2", "其他电话", "Other phone", True, "phone"),
        C("email", "邮箱", "Email"),
        C("address", "地址", "Address"),
        C("province", "省", "Province"),
        C("city", "市", "City"),
        C("region", "区域", "Region", False),
        C("industry", "行业", "Industry"),
        C("source", "来源", "Source"),
        C("owner", "负责人", "Owner"),
        C("tier", "客户分层", "Tier", True, "code"),
        C("tags", "标签", "Tags", False),
        C("employees", "员工人数", "Employees", False, "number"),
        C("notes", "备注", "Notes", False),
        C("created", "创建日期", "Created", False, "date"),
    ),
    "contacts": (
        C("customer_code", "客户编号", "Customer code"),
        C("customer_name", "客户名称", "Customer name"),
        C("name", "联系人", "Contact"),
        C("title", "职务", "Job title"),
        C("phone", "手机", "Mobile", True, "phone"),
        C("email", "邮箱", "Email"),
        C("wechat", "微信号", "WeChat ID"),
        C("primary", "主联系人", "Primary contact", True, "bool"),
        C("notes", "备注", "Notes", False),
    ),
    "orders": (
        C("order_no", "订单编号", "Order number"),
        C("customer_code", "客户编号", "Customer code"),
        C("customer_name", "客户名称", "Customer name"),
        C("order_date", "下单日期", "Order date", True, "date"),
        C("amount", "金额", "Amount", True, "money"),
        C("currency", "币种", "Currency", False),
        C("status", "订单状态", "Order status", True, "code"),
        C("owner", "负责人", "Owner", False),
        C("notes", "备注", "Notes", False),
    ),
    "activities": (
        C("due", "计划时间", "Planned time", True, "datetime"),
        C("type", "跟进方式", "Follow-up type", True, "code"),
        C("subject", "主题", "Subject"),
        C("customer_code", "客户编号", "Customer code"),
        C("customer_name", "客户名称", "Customer name"),
        C("owner", "负责人", "Owner"),
        C("duration", "时长（分钟）", "Duration (minutes)", True, "number"),
        C("status", "跟进状态", "Follow-up status", True, "code"),
        C("done_at", "完成时间", "Done at", False, "datetime"),
        C("outcome", "结果", "Outcome", False),
        C("notes", "备注", "Notes", False),
    ),
    "tickets": (
        C("number", "工单编号", "Ticket number"),
        C("subject", "主题", "Subject"),
        C("customer_code", "客户编号", "Customer code"),
        C("customer_name", "客户名称", "Customer name"),
        C("priority", "优先级", "Priority", True, "code"),
        C("status", "工单状态", "Ticket status", True, "code"),
        C("assignee", "处理人", "Assignee"),
        C("opened", "创建时间", "Opened", True, "datetime"),
        C("first_response", "首次响应时间", "First response", False, "datetime"),
        C("resolve_due", "解决时限", "Resolution deadline", False, "datetime"),
        C("resolved", "解决时间", "Resolved", True, "datetime"),
        C("satisfaction", "满意度", "Satisfaction", True, "number"),
        C("description", "描述", "Description", False),
    ),
}
del C

# names of codes in each header language: (column key, code) -> (Chinese, English)
VALUE_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "tier": {"strategic": ("战略级", "Strategic"), "growth": ("成长级", "Growth"),
             "basic": ("基础级", "Basic"), "dormant": ("沉睡级", "Dormant")},
    "kind": {"company": ("公司", "Company"), "person": ("个人", "Person")},
    "order_status": {"pending": ("待付款", "Pending"), "paid": ("已付款", "Paid"),
                     "cancelled": ("已取消", "Cancelled"), "refunded": ("已退款", "Refunded")},
    "activity_type": {"call": ("电话", "Call"), "visit": ("拜访", "Visit"),
                      "meeting": ("会议", "Meeting"), "email": ("邮件", "Email"),
                      "task": ("任务", "Task"), "wechat": ("微信", "WeChat")},
    "activity_status": {"planned": ("计划中", "Planned"), "done": ("已完成", "Done"),
                        "cancelled": ("已取消", "Cancelled")},
    "priority": {"low": ("低", "Low"), "normal": ("普通", "Normal"), "high": ("高", "High"),
                 "urgent": ("紧急", "Urgent")},
    "ticket_status": {"new": ("新建", "New"), "in_progress": ("处理中", "In progress"),
                      "waiting": ("等待客户", "Waiting on customer"),
                      "resolved": ("已解决", "Resolved"), "closed": ("已关闭", "Closed")},
}
_CODE_TABLE = {("customers", "tier"): "tier", ("customers", "kind"): "kind",
               ("orders", "status"): "order_status", ("activities", "type"): "activity_type",
               ("activities", "status"): "activity_status", ("tickets", "priority"): "priority",
               ("tickets", "status"): "ticket_status"}
BOOL_NAMES = {True: ("是", "Yes"), False: ("否", "No")}
SHEET_TITLES = {"customers": ("客户", "Customers"), "contacts": ("联系人", "Contacts"),
                "orders": ("订单", "Orders"), "activities": ("跟进", "Follow-ups"),
                "tickets": ("工单", "Tickets")}
# column widths in .xlsx by type (characters)
_WIDTHS = {"date": 12, "datetime": 17, "money": 14, "number": 10, "phone": 16, "bool": 10,
           "code": 12}


_TWO_DIGIT_AREAS = frozenset(("10", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29"))


def national_phone(e164: str) -> str:
    """``display_phone`` with a fast path for Chinese landlines as well (phonenumbers takes
    ~0.1 ms a number: 45 s of a million customers' export): 010 6552 9988, 0571 8888 8888,
    0571 888 8888. A number phonenumbers finds invalid is shown the same way (it would
    show the bare digits)."""
    if e164.startswith("+86") and len(e164) in (13, 14) and e164[3] != "1" \
            or e164.startswith("+8610"):
        n = e164[3:]
        if n[:2] in _TWO_DIGIT_AREAS:
            if len(n) == 10:
                return f"0{n[:2]} {n[2:6]} {n[6:]}"
        elif len(n) == 11:
            return f"0{n[:3]} {n[3:7]} {n[7:]}"
        else:
            return f"0{n[:3]} {n[3:6]} {n[6:]}"
    return display_phone(e164)


def default_file_name(kind: str, day: dt.date, fmt: str = "xlsx", lang: str = "zh_CN") -> str:
    """客户_2026-11-26.xlsx, Customers_2026-11-26.csv."""
    title = SHEET_TITLES[kind][1 if lang == "en" else 0]
    return f"{title}_{day.isoformat()}.{fmt}"


def format_of(path: os.PathLike | str, default: str = "xlsx") -> str:
    """The format a file name asks for (.xlsx or .csv), else ``default``."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else default


# -- writing a file atomically -------------------------------------------------------------------

def _check_target(path: Path) -> None:
    if path.is_dir():
        raise ExportError("is_folder", path)
    if not path.parent.is_dir():
        raise ExportError("no_folder", path)


@contextlib.contextmanager
def _atomic(path: Path):
    """A temporary file beside ``path`` (yielded as its path), renamed over ``path`` when the
    block ends without an error; removed otherwise."""
    _check_target(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ExportError("not_writable", path, exc.strerror or str(exc)) from exc
    os.close(fd)
    try:
        yield Path(tmp)
        try:  # mkstemp makes the file private (0600): give it the mode open() would
            mode = path.stat().st_mode & 0o777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode)
        try:
            os.replace(tmp, path)
        except OSError as exc:  # e.g. the old file is open in Excel (Windows)
            raise ExportError("not_writable", path, exc.strerror or str(exc)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class _CsvSink:
    def __init__(self, path: Path, headers: list[str], types: list[str]):
        # utf-8-sig: the BOM tells Excel the file is UTF-8, so Chinese opens right
        self.f = open(path, "w", encoding="utf-8-sig", newline="")
        self.w = csv.writer(self.f)
        self.w.writerow(headers)
        self.types = types

    @staticmethod
    def text(value: Any, type_: str) -> Any:
        if value is None:
            return ""
        if type_ == "money":
            return f"{value:.2f}"
        if type_ in ("date", "datetime"):
            return value.isoformat(" ", "minutes") if type_ == "datetime" else \
                value.isoformat()
        return value

    def write(self, rows: list[list[Any]]) -> None:
        special = [i for i, t in enumerate(self.types) if t in ("money", "date", "datetime")]
        if special:
            for r in rows:
                for i in special:
                    r[i] = self.text(r[i], self.types[i])
        self.w.writerows(rows)

    def close(self) -> None:
        self.f.close()

    def abort(self) -> None:
        self.f.close()


class _XlsxSink:
    """openpyxl's write-only workbook: each row goes to a temporary file as it comes; the
    header row is bold and frozen; another sheet begins past Excel's row limit."""

    def __init__(self, path: Path, headers: list[str], types: list[str], title: str):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.path, self.headers, self.types, self.title = path, headers, types, title
        self.wb = Workbook(write_only=True)
        self._cell, self._font, self._letter = WriteOnlyCell, Font(bold=True), get_column_letter
        self.sheets: list = []
        self.ws = None
        self.left = 0
        self.money = [i for i, t in enumerate(types) if t == "money"]
        self.times = [i for i, t in enumerate(types) if t == "datetime"]
        self._new_sheet()

    def _new_sheet(self) -> None:
        n = len(self.sheets) + 1
        ws = self.wb.create_sheet((self.title if n == 1 else f"{self.title} ({n})")[:31])
        for i, (h, t) in enumerate(zip(self.headers, self.types), start=1):
            ws.column_dimensions[self._letter(i)].width = max(_WIDTHS.get(t, 18), len(h) * 2 + 2)
        ws.freeze_panes = "A2"
        head = []
        for h in self.headers:
            c = self._cell(ws, value=h)
            c.font = self._font
            head.append(c)
        ws.append(head)
        self.sheets.append(ws)
        self.ws = ws
        self.left = XLSX_MAX_ROWS - 1

    def _fix(self, value: Any) -> Any:
        """A text openpyxl would refuse (control characters), cut (over 32,767 characters)
        or take for a formula (starting with =) as a plain text cell."""
        value = _ILLEGAL.sub("", value)[:XLSX_MAX_TEXT]
        if value.startswith("="):
            c = self._cell(self.ws, value=value)
            c.data_type = "s"
            return c
        return value

    def write(self, rows: list[list[Any]]) -> None:
        cell, ws = self._cell, self.ws
        for r in rows:
            if self.left == 0:
                self._new_sheet()
                ws = self.ws
            for i in self.money:
                if r[i] is not None:
                    c = cell(ws, value=r[i])
                    c.number_format = "#,##0.00"
                    r[i] = c
            for i in self.times:
                if r[i] is not None:
                    c = cell(ws, value=r[i])
                    c.number_format = "yyyy-mm-dd hh:mm"
                    r[i] = c
            for i, v in enumerate(r):
                if v.__class__ is str and (len(v) > 1 and v[0] == "=" or _ILLEGAL.search(v)
                                           or len(v) > XLSX_MAX_TEXT):
                    r[i] = self._fix(v)
            ws.append(r)
            self.left -= 1

    def close(self) -> None:
        self.wb.save(self.path)

    def abort(self) -> None:
        """Drop the sheets' temporary files (the workbook is never saved)."""
        for ws in self.sheets:
            writer = getattr(ws, "_writer", None)
            if writer is None:
                continue
            with contextlib.suppress(Exception):
                ws.close()
            with contextlib.suppress(Exception):
                writer.cleanup()


# -- the service ---------------------------------------------------------------------------------

Progress = Callable[[str, int, int], Any]


class ExportService:
    """Writes what a list shows (its filter) to .xlsx or .csv, streaming."""

    def __init__(self, db, user: UserInfo, tz: dt.tzinfo | None = None):
        self.db = db
        self.user = user
        self.tz = tz or local_zone()
        self._customers = CustomerService(db, user.id, user)

    # -- what can be exported -------------------------------------------------------------------

    @staticmethod
    def columns(kind: str) -> list[ColumnSpec]:
        """The columns of ``kind`` in the order they are written."""
        if kind not in COLUMNS:
            raise ValidationError([FieldError("kind", "invalid_choice", str(kind),
                                              ", ".join(KINDS))])
        return list(COLUMNS[kind])

    def chosen(self, kind: str, columns: Sequence[str] | None) -> list[ColumnSpec]:
        """The specs of ``columns`` (keys, in the order given; None: the default ones)."""
        specs = self.columns(kind)
        if columns is None:
            return [c for c in specs if c.default]
        by_key = {c.key: c for c in specs}
        unknown = [k for k in columns if k not in by_key]
        if unknown:
            raise ValidationError([FieldError("columns", "invalid_choice", k,
                                              ", ".join(by_key)) for k in unknown])
        keys = list(dict.fromkeys(columns))  # a key given twice is written once
        if not keys:
            raise ValidationError([FieldError("columns", "required")])
        return [by_key[k] for k in keys]

    # -- writing --------------------------------------------------------------------------------

    def export(self, kind: str, path: os.PathLike | str, *, fmt: str | None = None,
               columns: Sequence[str] | None = None, query: Any = None,
               headers: str | Mapping[str, str] | None = None, lang: str | None = None,
               progress: Progress | None = None) -> ExportResult:
        """Write the rows of ``kind`` matching ``query`` to ``path``.

        Args:
            kind: customers, contacts, orders, activities or tickets.
            fmt: "xlsx" or "csv"; None: from the file name's suffix, else xlsx.
            columns: column keys in the order to write (None: the default columns).
            query: a ``CustomerQuery`` (customers, and contacts of those customers), an
                ``OrderQuery``, an ``ActivityQuery`` or a ``TicketQuery`` (None: everything
                not deleted; for tickets every status).
            headers: "zh_CN" (None) or "en" for the header row and the names of codes, or a
                mapping key -> header text (a view's translated labels; a key it lacks gets
                the Chinese header).
            lang: the language of the names of codes (tiers, statuses) and of the sheet's
                title: "zh_CN" or "en"; default ``headers`` when it is a language, else
                zh_CN.
            progress: called as ``progress("export", rows_written, total)`` after each
                window; returning False stops the export (``Cancelled``), leaving no file.

        Raises:
            ExportError: the file cannot be written there (nothing is left behind).
            ValidationError: an unknown kind, format or column.
            Cancelled: ``progress`` returned False.
        """
        started = time.perf_counter()
        access.require(self.user, "export")
        specs = self.chosen(kind, columns)
        fmt = fmt or format_of(path)
        if fmt not in FORMATS:
            raise ValidationError([FieldError("format", "invalid_choice", str(fmt),
                                              ", ".join(FORMATS))])
        lang = "en" if (lang or headers) == "en" else "zh_CN"
        names = [(headers.get(c.key) or c.zh) if isinstance(headers, Mapping) else
                 c.header(lang) for c in specs]
        types = [c.type for c in specs]
        stmt, count_stmt = self._statement(kind, specs, query)
        convert = self._converters(kind, specs, lang)
        if not access.may(self.user, "see_sensitive"):
            # an export leaves the building: without the right, phones, e-mails and addresses
            # go out masked (138****1234), whoever owns the customer
            convert = [self._masked(c.key, f) if c.key in access.SENSITIVE else f
                       for c, f in zip(specs, convert)]
        path = Path(path)
        _check_target(path)
        total = self._count(count_stmt)
        written = 0
        with _atomic(path) as tmp:
            sink = (_XlsxSink(tmp, names, types, SHEET_TITLES[kind][1 if lang == "en" else 0])
                    if fmt == "xlsx" else _CsvSink(tmp, names, types))
            windows = self._windows(stmt)  # closed on a cancel: the cursor with it
            try:
                if progress is not None and progress("export", 0, total) is False:
                    raise Cancelled("export cancelled")
                for window in windows:
                    rows = [[f(v) if f else v for f, v in zip(convert, r)] for r in window]
                    sink.write(rows)
                    written += len(rows)
                    if progress is not None and \
                            progress("export", written, max(total, written)) is False:
                        raise Cancelled("export cancelled")
            except BaseException:
                windows.close()
                sink.abort()
                raise
            try:
                sink.close()
            except OSError as exc:  # disk full
                raise ExportError("not_writable", path, exc.strerror or str(exc)) from exc
        log.info("exported %d %s to %s (%s) in %.1f s", written, kind, path, fmt,
                 time.perf_counter() - started)
        return ExportResult(kind, path, fmt, written, tuple(c.key for c in specs),
                            time.perf_counter() - started)

    def count(self, kind: str, query: Any = None) -> int:
        """How many rows ``export`` would write."""
        specs = self.columns(kind)[:1]
        return self._count(self._statement(kind, specs, query)[1])

    def _count(self, stmt) -> int:
        with self.db.read() as s:
            return int(s.execute(stmt).scalar() or 0)

    def _windows(self, stmt) -> Iterable[list]:
        """The rows of ``stmt`` in windows of WINDOW: SQLite's cursor steps through the
        result as it is read; PostgreSQL reads through a server-side cursor."""
        with self.db.engine.connect() as conn, \
                conn.execution_options(stream_results=True, yield_per=WINDOW) \
                .execute(stmt) as result:
            yield from result.partitions(WINDOW)

    # -- values ---------------------------------------------------------------------------------

    @staticmethod
    def _masked(key: str, convert):
        def out(v):
            v = convert(v) if convert else v
            return access.mask_value(key, v) if isinstance(v, str) else v
        return out

    def _visible_ids(self):
        """The customers this user may see, as a subquery (None: all of them)."""
        acc = self._customers.access()
        scope = acc.customer_filter() if acc is not None else None
        return None if scope is None else select(Customer.id).where(scope)

    def _converters(self, kind: str, specs: list[ColumnSpec], lang: str) -> list:
        n = 1 if lang == "en" else 0
        tz = self.tz
        out: list = []
        for c in specs:
            if c.type == "phone":
                out.append(national_phone)
            elif c.type == "datetime":
                out.append(lambda v, tz=tz: None if v is None else
                           v.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0))
            elif c.type == "date":
                out.append(lambda v, tz=tz: v.astimezone(tz).date()
                           if isinstance(v, dt.datetime) else v)
            elif c.type == "money":
                out.append(lambda v: None if v is None else Decimal(v).quantize(Decimal("0.01")))
            elif c.type == "code":
                table = {k: names[n] for k, names in
                         VALUE_NAMES[_CODE_TABLE[(kind, c.key)]].items()}
                out.append(lambda v, table=table: table.get(v, v or ""))
            elif c.type == "bool":
                yes, no = BOOL_NAMES[True][n], BOOL_NAMES[False][n]
                out.append(lambda v, yes=yes, no=no: yes if v else no)
            elif c.type in ("text",):
                out.append(lambda v: "" if v is None else v)
            else:
                out.append(None)
        return out

    # -- queries --------------------------------------------------------------------------------

    def _statement(self, kind: str, specs: list[ColumnSpec], query: Any):
        """The rows' SELECT (the chosen columns, in order) and its count."""
        build = {"customers": self._customers_stmt, "contacts": self._contacts_stmt,
                 "orders": self._orders_stmt, "activities": self._activities_stmt,
                 "tickets": self._tickets_stmt}[kind]
        return build([c.key for c in specs], query)

    def _customer_filter(self, stmt, q: CustomerQuery):
        """The customer list's own filter (``CustomerService._filtered``), so an export
        holds exactly what the list shows, text search included."""
        return self._customers._filtered(stmt, q)

    def _customer_exprs(self, owner) -> dict[str, Any]:
        c = Customer
        contact = (select(Contact.name)
                   .where(Contact.customer_id == c.id, Contact.deleted_at.is_(None))
                   .order_by(Contact.is_primary.desc(), Contact.created_at, Contact.id)
                   .limit(1).scalar_subquery())
        tags = (select(func.aggregate_strings(Tag.name, ","))
                .select_from(CustomerTag).join(Tag, Tag.id == CustomerTag.tag_id)
                .where(CustomerTag.customer_id == c.id, CustomerTag.deleted_at.is_(None),
                       Tag.deleted_at.is_(None)).scalar_subquery())
        return {"code": c.code, "name": c.name, "kind": c.kind, "contact": contact,
                "phone": c.phone, "phone2": c.phone2, "email": c.email, "address": c.address,
                "province": c.province, "city": c.city, "region": c.region,
                "industry": c.industry, "source": c.source, "owner": owner.display_name,
                "tier": c.tier, "tags": tags, "employees": c.employees, "notes": c.notes,
                "created": c.created_at}

    def _customers_stmt(self, keys: list[str], q: CustomerQuery | None):
        q = q or CustomerQuery()
        exprs = self._customer_exprs(User)
        sort = self._customers._sort_exprs(q.sort)
        stmt = (select(*[exprs[k] for k in keys])
                .select_from(Customer).outerjoin(User, User.id == Customer.owner_id))
        if q.sort == "health":
            stmt = stmt.join(CustomerHealth, CustomerHealth.customer_id == Customer.id)
        stmt, driven = self._customer_filter(stmt, q)
        if driven:  # sort the few candidates instead of walking the sort index (as the list)
            sort = [literal_column(f"+customers.{k.key}")
                    if getattr(k, "table", None) is Customer.__table__ else k for k in sort]
        stmt = stmt.order_by(*[k.desc() if q.descending else k.asc() for k in sort])
        count = select(func.count()).select_from(Customer)
        if q.sort == "health":
            count = count.join(CustomerHealth, CustomerHealth.customer_id == Customer.id)
        count, _driven = self._customer_filter(count, q)
        return stmt, count

    def _contacts_stmt(self, keys: list[str], q: CustomerQuery | None):
        q = q or CustomerQuery()
        ct = Contact
        exprs = {"customer_code": Customer.code, "customer_name": Customer.name,
                 "name": ct.name, "title": ct.title, "phone": ct.phone, "email": ct.email,
                 "wechat": ct.wechat, "primary": ct.is_primary, "notes": ct.notes}
        stmt = (select(*[exprs[k] for k in keys]).select_from(ct)
                .join(Customer, Customer.id == ct.customer_id).where(ct.deleted_at.is_(None)))
        stmt, _driven = self._customer_filter(stmt, q)
        stmt = stmt.order_by(Customer.sort_name, Customer.id, ct.is_primary.desc(),
                             ct.created_at, ct.id)
        count = (select(func.count()).select_from(ct)
                 .join(Customer, Customer.id == ct.customer_id).where(ct.deleted_at.is_(None)))
        count, _driven = self._customer_filter(count, q)
        return stmt, count

    def _orders_stmt(self, keys: list[str], q: OrderQuery | None):
        q = q or OrderQuery()
        o = Order
        owner = aliased(User)
        exprs = {"order_no": o.order_no, "customer_code": Customer.code,
                 "customer_name": Customer.name, "order_date": o.order_date,
                 "amount": o.amount, "currency": o.currency, "status": o.status,
                 "owner": owner.display_name, "notes": o.notes}

        visible = self._visible_ids()

        def where(stmt):
            stmt = stmt.where(o.deleted_at.is_(None))
            if visible is not None:
                stmt = stmt.where(o.customer_id.in_(visible))
            if q.date_from is not None:
                stmt = stmt.where(o.order_date >= q.date_from)
            if q.date_to is not None:
                stmt = stmt.where(o.order_date <= q.date_to)
            if q.customer_id is not None:
                stmt = stmt.where(o.customer_id == q.customer_id)
            if q.statuses:
                stmt = stmt.where(o.status.in_(list(q.statuses)))
            if q.customers is not None:
                ids, _driven = self._customer_filter(select(Customer.id), q.customers)
                stmt = stmt.where(o.customer_id.in_(ids))
            return stmt

        stmt = (select(*[exprs[k] for k in keys]).select_from(o)
                .join(Customer, Customer.id == o.customer_id))
        if "owner" in keys:
            stmt = stmt.outerjoin(owner, owner.id == Customer.owner_id)
        stmt = where(stmt).order_by(o.order_date, o.order_no, o.id)
        return stmt, where(select(func.count()).select_from(o))

    def _activities_stmt(self, keys: list[str], q: ActivityQuery | None):
        q = q or ActivityQuery()
        a = Activity
        if q.end is not None:  # recurring follow-ups get their occurrences that far first
            from .followups import FollowUpService

            FollowUpService(self.db, self.user).ensure_generated(
                q.end, owner_id=q.owner_id, team=q.team)
        status = case((a.cancelled_at.is_not(None), "cancelled"),
                      (a.done_at.is_not(None), "done"), else_="planned")
        exprs = {"due": a.due_at, "type": a.type, "subject": a.subject,
                 "customer_code": Customer.code, "customer_name": Customer.name,
                 "owner": User.display_name, "duration": a.duration_minutes,
                 "status": status, "done_at": a.done_at, "outcome": a.outcome,
                 "notes": a.notes}

        visible = self._visible_ids()
        people = self._customers.access().people if visible is not None else ()

        def where(stmt):
            stmt = stmt.where(a.deleted_at.is_(None))
            if visible is not None:
                stmt = stmt.where(or_(a.customer_id.in_(visible),
                                      and_(a.customer_id.is_(None), a.owner_id.in_(people))))
            if not q.include_cancelled:
                stmt = stmt.where(a.cancelled_at.is_(None))
            if q.start is not None:
                stmt = stmt.where(a.due_at >= utc_param(q.start))
            if q.end is not None:
                stmt = stmt.where(a.due_at < utc_param(q.end))
            if q.owner_id is not None:
                stmt = stmt.where(a.owner_id == q.owner_id)
            if q.team:
                stmt = stmt.where(a.owner_id.in_(select(User.id).where(User.team == q.team)))
            if q.customer_id is not None:
                stmt = stmt.where(a.customer_id == q.customer_id)
            return stmt

        stmt = (select(*[exprs[k] for k in keys]).select_from(a)
                .outerjoin(Customer, Customer.id == a.customer_id)
                .outerjoin(User, User.id == a.owner_id))
        stmt = where(stmt).order_by(a.due_at, a.id)
        return stmt, where(select(func.count()).select_from(a))

    def _tickets_stmt(self, keys: list[str], q: TicketQuery | None):
        q = q if q is not None else TicketQuery(statuses=(), sort="number")
        t = Ticket
        svc = TicketService(self.db, self.user)
        now = dt.datetime.now(dt.timezone.utc)
        exprs = {"number": t.number, "subject": t.subject, "customer_code": Customer.code,
                 "customer_name": Customer.name, "priority": t.priority, "status": t.status,
                 "assignee": User.display_name, "opened": t.opened_at,
                 "first_response": t.first_response_at, "resolve_due": t.resolve_due,
                 "resolved": t.resolved_at, "satisfaction": t.satisfaction,
                 "description": t.description}
        stmt = (select(*[exprs[k] for k in keys]).select_from(t)
                .join(Customer, Customer.id == t.customer_id)
                .outerjoin(User, User.id == t.assignee_id))
        stmt = svc._filtered(stmt, q, now).order_by(*svc._order(q))
        count = svc._filtered(select(func.count()).select_from(t), q, now)
        visible = self._visible_ids()
        if visible is not None:
            stmt = stmt.where(t.customer_id.in_(visible))
            count = count.where(t.customer_id.in_(visible))
        return stmt, count
