"""Sales targets from a spreadsheet, and the spreadsheet to fill in (no Qt).

A file is an Excel workbook (.xlsx, the first sheet) or a CSV file (UTF-8 with or without a
BOM, or GB18030/GBK as Excel on a Chinese Windows saves it). Its header row names the columns
in Chinese or English (``HEADERS``); the header may sit below a title row. One row is one
target: a salesperson (display name, user name or email of an active salesperson) or, with the
salesperson empty, a team. A measure whose column is missing is left as it is; an empty cell
in a present column means "no target".

Every row is checked before anything is written; any error writes nothing, and each error
is a ``RowError`` with the file name, the row number as the spreadsheet shows it, and the
field. Then all rows are written in one transaction (``TargetService.apply_edits``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select

from desktop_crm.models import Role, User

from .errors import FieldError, ValidationError
from .importing.readers import RowsUnreadable, UnreadableFile, read_all_rows
from .importing.readers import decode_text as _decode_text
from .importing.values import money_value
from .targets import (
    PERIOD, RowError, TargetEdit, TargetService, TargetSummary, parse_period,
)

log = logging.getLogger(__name__)

FIELDS = ("period", "salesperson", "team", "revenue", "new_customers")
SALES_ROLES = (Role.SALES.value, Role.MANAGER.value)

# Header texts per field, compared after ``_norm`` (lower case, no spaces, no unit in
# brackets, no "*" of a required column).
HEADERS: dict[str, tuple[str, ...]] = {
    "period": ("期间", "周期", "考核期", "考核周期", "月份", "季度", "period", "month",
               "quarter"),
    "salesperson": ("销售", "销售员", "销售人员", "负责人", "归属销售", "业务员", "姓名",
                    "salesperson", "salesrep", "sales", "owner", "user", "username", "email",
                    "name"),
    "team": ("团队", "销售团队", "小组", "team"),
    "revenue": ("销售额目标", "收入目标", "业绩目标", "销售目标", "营收目标", "目标销售额",
                "销售额", "revenue", "revenuetarget", "salestarget", "target"),
    "new_customers": ("新客户目标", "新客目标", "新增客户目标", "新客户数", "新客户",
                      "newcustomers", "newcustomertarget", "newcustomerstarget",
                      "newcustomer"),
}
# The template's headers when the caller gives none.
DEFAULT_HEADERS = {"period": "Period", "salesperson": "Salesperson", "team": "Team",
                   "revenue": "Revenue target", "new_customers": "New customers target"}
HEADER_SEARCH_ROWS = 10


def _norm(text: object) -> str:
    s = str(text or "").strip().lower()
    s = re.sub(r"[(（\[【].*?[)）\]】]", "", s)
    return re.sub(r"[\s_\-*:：]+", "", s)


_LOOKUP = {_norm(h): f for f, hs in HEADERS.items() for h in hs}


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- reading ----------------------------------------------------------------------------------

def read_rows(path: str | os.PathLike) -> list[tuple[int, list[object]]]:
    """Every non-empty row of the file (the first sheet of a workbook) as (row number as the
    user sees it, cells); the import's readers (``importing.readers``) do the reading."""
    p = Path(path)
    try:
        return read_all_rows(p)
    except UnreadableFile as exc:
        log.info("cannot read %s: %s", p, exc)
        code = exc.code if exc.code in ("unsupported_format", "invalid_encoding") \
            else "unreadable"
        value = p.suffix or p.name if code == "unsupported_format" else p.name
        detail = {"unsupported_format": ".xlsx or .csv",
                  "invalid_encoding": "UTF-8 or GBK"}.get(code, exc.detail)
        raise ValidationError([RowError("file", code, value, detail, file=p.name,
                                        row=0)]) from exc
    except RowsUnreadable as exc:
        raise ValidationError([RowError("file", "unreadable", p.name, exc.detail,
                                        file=p.name, row=exc.row)]) from exc


def decode_text(data: bytes, name: str = "") -> str:
    """UTF-8 (a BOM is dropped), UTF-16 with a BOM, or GB18030 (a superset of GBK)."""
    try:
        return _decode_text(data, name)
    except UnreadableFile as exc:
        raise ValidationError([RowError("file", "invalid_encoding", name,
                                        "UTF-8 or GBK", file=name, row=0)]) from exc


# -- values -----------------------------------------------------------------------------------

_CN_PERIOD = re.compile(r"^(\d{4})\s*年\s*(?:(\d{1,2})\s*月|第?\s*([1-4一二三四])\s*季度?)$")
_LOOSE_PERIOD = re.compile(r"^(\d{4})\s*[-/.]?\s*(?:(\d{1,2})|[qQ]\s*([1-4]))$")
_CN_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


def period_text(value: object) -> str | None:
    """A period cell as "2026-10" / "2026-Q4", or None when it is not one. Takes a date (Excel
    turns "2026-10" into the 1st of October), 2026-10, 2026/10, 2026.10, 202610, 2026年10月,
    2026Q4, 2026-Q4, 2026年第四季度, 2026年Q4."""
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year}-{value.month:02d}"
    s = _cell_text(value).upper().replace("年Q", "-Q")
    m = _CN_PERIOD.match(s) or _LOOSE_PERIOD.match(s)
    if m:
        year, month, quarter = m.groups()
        if quarter:
            s = f"{year}-Q{_CN_DIGITS.get(quarter, quarter)}"
        elif month and 1 <= int(month) <= 12:
            s = f"{year}-{int(month):02d}"
    return s if PERIOD.match(s) else None


def count_value(value: object) -> int | str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else str(value)
    s = str(value).strip().replace(",", "")
    try:
        return int(s)
    except ValueError:
        try:
            d = Decimal(s)
        except InvalidOperation:
            return s
        return int(d) if d == d.to_integral_value() else s


# -- people -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Staff:
    id: uuid.UUID
    username: str
    display_name: str
    email: str
    team: str


class People:
    """Active salespeople found by display name, user name or email."""

    def __init__(self, staff: Iterable[Staff]):
        self.staff = list(staff)
        self.by_key: dict[str, list[Staff]] = {}
        for p in self.staff:
            keys = {p.display_name.strip().lower(), p.username.lower()}
            if p.email:
                keys.add(p.email.strip().lower())
            for k in keys:
                self.by_key.setdefault(k, []).append(p)
        self.teams = {p.team for p in self.staff if p.team}

    def find(self, text: str) -> list[Staff]:
        return self.by_key.get(text.strip().lower(), [])

    def label(self, p: Staff) -> str:
        """What the template writes: the display name, or the user name when another active
        salesperson has the same display name."""
        return p.display_name if len(self.find(p.display_name)) == 1 else p.username


def active_salespeople(service: TargetService) -> People:
    with service.db.read() as s:
        return People(Staff(u.id, u.username, u.display_name, u.email or "", u.team)
                      for u in s.scalars(select(User).where(
                          User.active.is_(True), User.deleted_at.is_(None),
                          User.role.in_(SALES_ROLES)).order_by(User.team, User.display_name)))


# -- importing --------------------------------------------------------------------------------

def _header(rows: list[tuple[int, list[object]]], name: str) -> tuple[int, dict[str, int]]:
    """(index in ``rows`` of the header row, field -> column)."""
    for i, (_n, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cols: dict[str, int] = {}
        for c, cell in enumerate(cells):
            field = _LOOKUP.get(_norm(cell))
            if field and field not in cols:
                cols[field] = c
        if ("salesperson" in cols or "team" in cols) and (
                "revenue" in cols or "new_customers" in cols):
            return i, cols
    raise ValidationError([RowError("header", "required", "",
                                    "a Salesperson or Team column and a Revenue or New "
                                    "customers column", file=name, row=rows[0][0] if rows
                                    else 1)])


def parse_targets(rows: list[tuple[int, list[object]]], people: People, *, name: str,
                  period: str | None = None) -> list[tuple[str, TargetEdit, int]]:
    """The rows of a file as ``(period, edit, row number)``; ``ValidationError`` listing
    every bad row and field."""
    if period is not None:
        parse_period(period)
        period = period.strip().upper()
    head, cols = _header(rows, name)
    errors: list[FieldError] = []
    out: list[tuple[str, TargetEdit, int]] = []
    first_row: dict[tuple[str, uuid.UUID | None, str], int] = {}

    def cell(cells: list[object], field: str) -> object:
        c = cols.get(field)
        return cells[c] if c is not None and c < len(cells) else None

    for n, cells in rows[head + 1:]:
        def err(field: str, code: str, value: object = "", detail: str = "") -> None:
            errors.append(RowError(field, code, _cell_text(value), detail, file=name, row=n))

        raw_person = _cell_text(cell(cells, "salesperson"))
        raw_team = _cell_text(cell(cells, "team"))
        raw_period = cell(cells, "period")
        revenue = money_value(cell(cells, "revenue")) if "revenue" in cols else None
        count = count_value(cell(cells, "new_customers")) if "new_customers" in cols else None
        if not raw_person and not raw_team and revenue is None and count is None:
            continue  # a row with only a period or notes
        p = period
        if _cell_text(raw_period):
            p = period_text(raw_period)
            if p is None:
                err("period", "invalid", raw_period, "YYYY-MM or YYYY-Qn")
        elif p is None:
            err("period", "required")
        user_id, team = None, ""
        if raw_person:
            found = people.find(raw_person)
            if not found:
                err("salesperson", "unknown", raw_person, "no active salesperson")
            elif len(found) > 1:
                err("salesperson", "ambiguous", raw_person,
                    "; ".join(f"{f.display_name} ({f.username})" for f in found))
            else:
                user_id = found[0].id
        elif raw_team:
            if raw_team not in people.teams:
                err("team", "unknown", raw_team, "no active salesperson in this team")
            team = raw_team
        else:
            err("salesperson", "required")
        if isinstance(revenue, str):
            err("revenue", "invalid", revenue)
        elif revenue is not None and revenue < 0:
            err("revenue", "out_of_range", revenue, ">= 0")
        if isinstance(count, str):
            err("new_customers", "invalid", count, "a whole number")
        elif count is not None and count < 0:
            err("new_customers", "out_of_range", count, ">= 0")
        if p is None or (user_id is None and not team):
            continue
        key = (p, user_id, team)
        if key in first_row:
            err("salesperson" if user_id else "team", "duplicate", raw_person or raw_team,
                f"also in row {first_row[key]}")
            continue
        first_row[key] = n
        out.append((p, TargetEdit(user_id, team, revenue, count, 0,
                                  set_revenue="revenue" in cols,
                                  set_new_customers="new_customers" in cols), n))
    if errors:
        raise ValidationError(errors)
    return out


def import_targets(service: TargetService, path: str | os.PathLike, *,
                   period: str | None = None) -> TargetSummary:
    """Check every row of the file, then write them all in one transaction (managers and
    admins). ``period`` is used for rows without one (and required when the file has no
    period column)."""
    from . import shared_settings

    shared_settings.require_manager(service.user, "sales targets")
    p = Path(path)
    items = parse_targets(read_rows(p), active_salespeople(service), name=p.name,
                          period=period)
    return service.apply_edits(items, check_versions=False, file=p.name)


# -- the template -----------------------------------------------------------------------------

def write_template(service: TargetService, path: str | os.PathLike, period: str, *,
                   headers: Mapping[str, str] | None = None, sheet_title: str = "") -> int:
    """An .xlsx to fill in: a header row (``headers``: field -> text, English by default),
    then a row per active salesperson (by team) and one per team, with the period and their
    current targets. Returns the number of rows written."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    parse_period(period)
    period = period.strip().upper()
    names = {**DEFAULT_HEADERS, **(headers or {})}
    people = active_salespeople(service)
    current = {(t.user_id, t.team): t for t in service.targets(period)}
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = (sheet_title or period)[:31]
    sheet.append([names[f] for f in FIELDS])
    for c in sheet[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    rows = 0
    teams = sorted(people.teams)
    for team in teams + [""]:
        for person in (p for p in people.staff if p.team == team):
            t = current.get((person.id, ""))
            sheet.append([period, people.label(person), person.team,
                          t.revenue if t else None, t.new_customers if t else None])
            rows += 1
        if team:
            t = current.get((None, team))
            sheet.append([period, None, team, t.revenue if t else None,
                          t.new_customers if t else None])
            for c in sheet[sheet.max_row]:
                c.font = Font(italic=True)
            rows += 1
    for r in range(2, sheet.max_row + 1):
        sheet.cell(r, 4).number_format = "#,##0.00"
        sheet.cell(r, 5).number_format = "0"
        sheet.cell(r, 1).number_format = "@"  # keep "2026-10" text: Excel would make a date
    for c, width in enumerate((12, 20, 16, 18, 16), start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    tmp = Path(f"{path}.part")
    book.save(tmp)
    os.replace(tmp, path)
    return rows


__all__ = ["HEADERS", "People", "active_salespeople", "decode_text", "import_targets",
           "money_value", "parse_targets", "period_text", "read_rows", "write_template"]
