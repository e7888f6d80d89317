"""The monthly report as an Excel workbook (openpyxl, no Qt): a summary sheet and one sheet per
section with its figures, its tables and its chart's numbers, as numbers with number formats
(so they can be summed and charted again). Texts come through ``tr`` (key -> the reader's
language), tier codes through ``format_tier``; the caller owns the language."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
import uuid
from collections.abc import Callable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .report_model import Chart, Figure, MonthlyReport, Table

FORMATS = {"count": "#,##0", "money": "#,##0.00", "percent": "0.0%", "days": "0.0",
           "minutes": "0", "score": "0.0", "date": "yyyy-mm-dd"}
TIER_COLUMNS = frozenset({"column.from_tier", "column.to_tier", "column.tier"})
TIER_CODES = frozenset({"strategic", "growth", "basic", "dormant", ""})
BAD_SHEET_CHARS = set("[]:*?/\\")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="F1F5F9")
MAX_WIDTH = 60


def write_xlsx(report: MonthlyReport, path: str, tr: Callable[[str], str],
               format_tier: Callable[[str], str] = lambda c: c) -> None:
    """Writes ``report`` to ``path`` (a temporary file beside it first, then renamed, so a
    failure leaves no half-written workbook)."""
    wb = Workbook()
    names: set[str] = set()
    sheet = _Sheet(wb.active, tr, format_tier)
    sheet.ws.title = _sheet_name(tr("report.summary"), names)
    sheet.title_block(report)
    figures = ([f for f in (report.figure(k) for k in report.summary) if f is not None]
               if report.summary else [f for s in report.sections for f in s.figures[:2]])
    sheet.figures(figures)
    sheet.finish()
    for section in report.sections:
        sheet = _Sheet(wb.create_sheet(_sheet_name(tr(section.key), names)), tr, format_tier)
        sheet.put(1, tr(section.key), font=TITLE)
        sheet.row = 3
        if section.figures:
            sheet.figures(list(section.figures))
        for table in section.tables:
            sheet.table(table)
        if section.chart is not None and section.chart.labels and section.chart.series:
            sheet.chart(section.chart)
        sheet.finish()

    # beside the target (same file system: os.replace is atomic); not mkstemp, whose 0600
    # the finished file would keep
    folder, name = os.path.split(os.path.abspath(path))
    tmp = os.path.join(folder, f".{name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _sheet_name(text: str, taken: set[str]) -> str:
    """At most 31 characters, none of []:*?/\\, no apostrophe at either end, unique
    (Excel compares sheet names case-insensitively)."""
    name = "".join(" " if ch in BAD_SHEET_CHARS else ch for ch in text).strip().strip("'")
    name = " ".join(name.split())[:31].strip() or "Sheet"
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = name[:31 - len(suffix)].rstrip() + suffix
    taken.add(candidate.lower())
    return candidate


def _tier_code(label: str, bare: bool) -> str | None:
    """The tier code a chart label stands for ("tier.unrated" -> ""), None if no tier."""
    for prefix in ("tier.", "label."):
        if label.startswith(prefix):
            code = label[len(prefix):]
            code = "" if code == "unrated" else code
            return code if code in TIER_CODES else None
    return label if bare and label in TIER_CODES else None


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and value != value:  # NaN: no data
        return None
    return value


def _width(value) -> int:
    """About how many character widths a value takes in Excel (Chinese counts double)."""
    if value is None:
        return 0
    if isinstance(value, (int, float, Decimal)):
        return len(f"{float(value):,.2f}") + 1
    if isinstance(value, (dt.date, dt.datetime)):
        return 11
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


class _Sheet:
    """Writes rows top-down and remembers each column's widest value."""

    def __init__(self, ws, tr, format_tier):
        self.ws = ws
        self.tr = tr
        self.format_tier = format_tier
        self.row = 1
        self.widths: dict[int, int] = {}

    def put(self, col: int, value, *, kind: str | None = None, font=None, fill=None,
            measure: bool = True):
        cell = self.ws.cell(row=self.row, column=col, value=_number(value))
        if kind in FORMATS and cell.value is not None:
            cell.number_format = FORMATS[kind]
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if measure:
            self.widths[col] = max(self.widths.get(col, 0), _width(value))
        return cell

    def header(self, texts: list[str], right: list[bool] | None = None) -> None:
        """Bold on grey; over a column of numbers, right-aligned (default: all but the first)."""
        for c, text in enumerate(texts, start=1):
            cell = self.put(c, text, font=BOLD, fill=HEADER_FILL)
            flush = right[c - 1] if right is not None else c > 1
            cell.alignment = Alignment(horizontal="right" if flush else "left", wrap_text=True)
        self.row += 1

    def title_block(self, report: MonthlyReport) -> None:
        tr = self.tr
        self.put(1, report.company, font=TITLE, measure=False)
        self.row += 1
        self.put(1, tr("report.title"), font=BOLD, measure=False)
        self.row += 1
        self.put(1, report.month, kind=None, measure=False).number_format = "yyyy-mm"
        self.row += 1
        scope = report.scope
        if scope.owner_id is not None:
            text = tr("scope.owner").replace("%1", scope.label)
        elif scope.team:
            text = tr("scope.team").replace("%1", scope.label or scope.team)
        else:
            text = tr("scope.company")
        self.put(1, text, measure=False)
        self.row += 1
        self.put(1, tr("report.generated").replace("%1", f"{report.generated_at:%Y-%m-%d %H:%M}"),
                 measure=False)
        self.row += 2

    def figures(self, figures: list[Figure]) -> None:
        tr = self.tr
        self.header(["", tr("report.month"), tr("report.previous"), tr("report.year_ago"),
                     tr("report.vs_previous"), tr("report.vs_year")])
        for f in figures:
            self.put(1, tr(f.key))
            for c, value in enumerate((f.value, f.previous, f.year_ago), start=2):
                self.put(c, value, kind=f.kind)
            self.put(5, f.change_previous, kind="percent")
            self.put(6, f.change_year, kind="percent")
            self.row += 1
        self.row += 1

    def table(self, t: Table) -> None:
        tr = self.tr
        self.put(1, tr(t.key), font=BOLD, measure=False)
        self.row += 1
        self.header([tr(c) for c in t.columns], [k not in ("text", "date") for k in t.kinds])
        for values in t.rows:
            for c, (col, kind) in enumerate(zip(t.columns, t.kinds), start=1):
                value = values[c - 1] if c - 1 < len(values) else None
                if kind == "text":
                    if col in TIER_COLUMNS:
                        value = self.format_tier(value or "")
                    elif value is not None:
                        value = tr(str(value))
                self.put(c, value, kind=kind)
            self.row += 1
        self.row += 1

    def chart(self, chart: Chart) -> None:
        tr = self.tr
        self.put(1, tr(chart.key), font=BOLD, measure=False)
        self.row += 1
        self.header([""] + [tr(name) for name, _values in chart.series])
        for i, label in enumerate(chart.labels):
            code = _tier_code(label, chart.key.startswith("tiers."))
            self.put(1, tr(label) if code is None else self.format_tier(code))
            for c, (_name, values) in enumerate(chart.series, start=2):
                self.put(c, values[i] if i < len(values) else None, kind=chart.value_kind)
            self.row += 1
        self.row += 1

    def finish(self) -> None:
        for col, width in self.widths.items():
            least = 24 if col == 1 else 10
            self.ws.column_dimensions[get_column_letter(col)].width = \
                min(MAX_WIDTH, max(least, width + 2))
