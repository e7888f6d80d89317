"""The monthly report as a printed document, painted with QPainter on any paged device: a
QPdfWriter (save_pdf), a real QPrinter, or the printer of a QPrintPreviewDialog (paint).

Layout first, paint second: ``layout()`` cuts the report into pages of placed items (title,
headings, figure tables, charts, table captions, header rows, rows), so the footer can say
"Page 3 of 7" and a test can check that no row is split and headers repeat. Lengths are in
layout units of a tenth of a point (1/720 inch) and fonts have pixel sizes in the same units,
so one layout serves every resolution: painting scales the painter to the device.

Charts are drawn by matplotlib to SVG in memory and painted with QSvgRenderer: they stay
vector in the PDF and their labels stay text. Qt embeds the CJK font in the PDF and its text
extracts (pdftotext); matplotlib's own PDF does neither well (PERFORMANCE.md), hence this way
round.
"""

from __future__ import annotations

import io
import logging
import os
import uuid
from dataclasses import dataclass, field

from PySide6.QtCore import QByteArray, QMarginsF, QObject, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor, QFont, QFontDatabase, QFontMetricsF, QGuiApplication, QPageLayout, QPageSize,
    QPainter, QPdfWriter, QPen, QTextLayout, QTextOption,
)
from PySide6.QtSvg import QSvgRenderer

from desktop_crm.services.report_model import Chart, Figure, MonthlyReport, Section, Table

from . import fmt, labels
from .report_labels import (
    DASH, TIER_COLUMNS, format_value, generated_text, month_text, report_tr, scope_text,
)

log = logging.getLogger(__name__)

PT = 10.0                 # layout units per point
MM = 72.0 / 25.4 * PT     # layout units per millimetre
MARGIN_MM = 15.0
A4_CONTENT = QSizeF((210 - 2 * MARGIN_MM) * 72 / 25.4, (297 - 2 * MARGIN_MM) * 72 / 25.4)
FOOTER = 9 * MM           # below the body: a rule and one line
GAP = 9 * PT              # between blocks
CHART_MM = (170.0, 70.0)
CHART_SHRINK = 0.78       # a chart may get this much lower (share of its height) to stay on a page
KEEP_WHOLE = 6            # rows: a table this short is not split
PAD_X = 4 * PT
PAD_Y = 2.6 * PT

INK = QColor("#1f2937")
MUTED = QColor("#475569")
FAINT = QColor("#64748b")
RULE = QColor("#94a3b8")
ROW_LINE = QColor("#e2e8f0")
HEADER_FILL = QColor("#f1f5f9")
ACCENT = QColor("#2563eb")
GOOD = QColor("#15803d")
BAD = QColor("#b91c1c")
SERIES_COLOURS = ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0891b2")

# name: (size in points, bold)
FONTS = {
    "company": (10.0, False), "title": (20.0, True), "month": (14.0, False),
    "scope": (10.0, False), "meta": (8.5, False), "heading": (13.0, True),
    "caption": (9.5, True), "cell": (8.5, False), "name": (8.5, False),
    "header": (7.5, True), "footer": (7.5, False),
}


def report_font_family() -> tuple[str, bool]:
    """The family the report is set in, and whether it has Chinese glyphs (else the caller
    warns: Chinese comes out as boxes). The charts' order (charts.CJK_FONTS): TrueType CJK
    fonts first, because with Noto Sans CJK (CFF outlines) Qt's PDF loses the digits from
    the text layer ("Page 1 of 7" extracts as "Page of"); then the app's own font."""
    from .charts import CJK_FONTS

    installed = set(QFontDatabase.families())
    chosen = next((name for name in CJK_FONTS if name in installed), None)
    if chosen:
        return chosen, True
    family = QGuiApplication.font().family()
    if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family):
        return family, True
    from desktop_crm.app import choose_cjk_font  # here: the app imports the views

    cjk = choose_cjk_font()
    return (cjk, True) if cjk else (family, False)


@dataclass
class Cell:
    text: str
    right: bool = False
    colour: QColor | None = None
    lines: int = 1  # at most this many lines (wrapped), else one line, elided


@dataclass
class Grid:
    """A table as drawn: captions, column widths, header cells, rows of cells."""

    key: str
    caption: str
    widths: list[float]
    header: list[Cell]
    rows: list[list[Cell]]
    group: tuple[str, int, int] | None = None  # a header spanning columns first..last
    header_height: float = 0.0
    row_heights: list[float] = field(default_factory=list)


@dataclass
class Item:
    """One placed thing on a page. ``kind``: title, heading, caption, header, row, empty,
    chart; ``key``: the section, table or chart key ("summary" for the summary table);
    ``index``: a row's number in its table; ``y``/``height`` in layout units from the top of
    the page's body."""

    kind: str
    key: str
    y: float
    height: float
    index: int = -1
    data: object = None


@dataclass
class Page:
    number: int
    width: float   # the body's size in layout units (inside the margins, above the footer)
    height: float
    items: list[Item] = field(default_factory=list)


class ReportDocument(QObject):
    """Lays out and paints one MonthlyReport, A4 portrait unless the printer says otherwise.
    ``has_cjk_font`` False: no Chinese font installed, Chinese text shows as boxes (warn)."""

    def __init__(self, report: MonthlyReport, parent=None):
        super().__init__(parent)
        self.report = report
        self.family, self.has_cjk_font = report_font_family()
        self._fonts: dict[str, QFont] = {}
        self._metrics: dict[str, QFontMetricsF] = {}
        self._svgs: dict[str, QSvgRenderer] = {}

    # ---- public -----------------------------------------------------------------------------

    def page_count(self) -> int:
        """Pages on A4 with 15 mm margins (what save_pdf writes)."""
        return len(self.layout())

    def layout(self, content: QSizeF | None = None) -> list[Page]:
        """The pages for a printable area of ``content`` points (default A4 less margins)."""
        size = content or A4_CONTENT
        return _Flow(self, size.width() * PT, size.height() * PT - FOOTER).run()

    def save_pdf(self, path: str) -> int:
        """Writes the report as an A4 PDF; returns its number of pages. Written to a
        temporary file beside ``path`` first, so a failure leaves no half-written file."""
        tmp = temporary_path(path)
        try:
            pages = self._write_pdf(tmp)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        return pages

    def _write_pdf(self, path: str) -> int:
        writer = QPdfWriter(path)
        writer.setResolution(300)
        writer.setPageLayout(QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter))
        writer.setTitle(f"{report_tr('report.title')} {month_text(self.report.month)}")
        writer.setCreator("Desktop CRM")
        painter = QPainter()
        if not painter.begin(writer):
            raise OSError(f"cannot write {path}")
        try:
            pages = self._paint_all(painter, writer)
        finally:
            finished = painter.end()
        if not finished:
            raise OSError(f"cannot finish {path}")
        return pages  # the writer goes with this frame: the file is closed before the rename

    def paint(self, printer) -> None:
        """Paints every page on ``printer`` (QPrintPreviewDialog.paintRequested, a QPrinter)."""
        painter = QPainter()
        if not painter.begin(printer):
            log.warning("cannot paint the report on %r", printer)
            return
        try:
            self._paint_all(painter, printer)
        finally:
            painter.end()

    # ---- fonts ------------------------------------------------------------------------------

    def font(self, name: str) -> QFont:
        if name not in self._fonts:
            size, bold = FONTS[name]
            f = QFont(self.family)
            f.setPixelSize(round(size * PT))
            f.setBold(bold)
            f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
            self._fonts[name] = f
        return self._fonts[name]

    def metrics(self, name: str) -> QFontMetricsF:
        if name not in self._metrics:
            self._metrics[name] = QFontMetricsF(self.font(name))
        return self._metrics[name]

    def line(self, name: str) -> float:
        return self.metrics(name).lineSpacing()

    def wrap(self, text: str, name: str, width: float, max_lines: int) -> list[str]:
        """``text`` broken into at most ``max_lines`` lines of ``width``, the last elided."""
        m = self.metrics(name)
        if max_lines <= 1 or m.horizontalAdvance(text) <= width:
            return [m.elidedText(text, Qt.TextElideMode.ElideRight, width)]
        layout = QTextLayout(text, self.font(name))
        opt = QTextOption()
        opt.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(opt)
        spans = []
        layout.beginLayout()
        while True:
            ln = layout.createLine()
            if not ln.isValid():
                break
            ln.setLineWidth(width)
            spans.append((ln.textStart(), ln.textLength()))
        layout.endLayout()
        out = [text[s:s + n].strip() for s, n in spans[:max_lines]]
        if len(spans) > max_lines:
            rest = text[spans[max_lines - 1][0]:].strip()
            out[-1] = m.elidedText(rest, Qt.TextElideMode.ElideRight, width)
        return [t for t in out if t] or [""]

    # ---- painting ---------------------------------------------------------------------------

    def _paint_all(self, painter: QPainter, device) -> int:
        pl = device.pageLayout()
        full = pl.fullRect(QPageLayout.Unit.Point)
        printer_m = (pl.margins(QPageLayout.Unit.Point)
                     if pl.mode() == QPageLayout.Mode.StandardMode else QMarginsF())
        mine = MARGIN_MM * 72 / 25.4
        left, top = max(mine, printer_m.left()), max(mine, printer_m.top())
        right, bottom = max(mine, printer_m.right()), max(mine, printer_m.bottom())
        pages = self.layout(QSizeF(full.width() - left - right, full.height() - top - bottom))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        # the pages the print dialog asked for (0: all)
        first = device.fromPage() if hasattr(device, "fromPage") else 0
        last = device.toPage() if first else 0
        chosen = [pg for pg in pages if not first or first <= pg.number <= last] or pages
        for i, page in enumerate(chosen):
            if i:
                device.newPage()
            painter.save()
            painter.scale(device.logicalDpiX() / (72 * PT), device.logicalDpiY() / (72 * PT))
            painter.translate((left - printer_m.left()) * PT, (top - printer_m.top()) * PT)
            self._paint_page(painter, page, len(pages))
            painter.restore()
        return len(pages)

    def _paint_page(self, p: QPainter, page: Page, total: int) -> None:
        for item in page.items:
            getattr(self, f"_draw_{item.kind}")(p, item, page.width)
        # footer: a rule, the month on the left, the page on the right
        y = page.height + FOOTER - self.line("footer") - 1 * PT
        p.setPen(QPen(RULE, 0.5 * PT))
        p.drawLine(QPointF(0, y - 2 * PT), QPointF(page.width, y - 2 * PT))
        r = QRectF(0, y, page.width, self.line("footer"))
        number = report_tr("report.page").replace("%1", str(page.number))
        number = number.replace("%2", str(total))
        nw = self.metrics("footer").horizontalAdvance(number) + 6 * PT
        left = f"{self.report.company} · {month_text(self.report.month)}"
        left = self.metrics("footer").elidedText(left, Qt.TextElideMode.ElideRight, page.width - nw)
        self._text(p, r, left, "footer", MUTED)
        self._text(p, r, number, "footer", MUTED, Qt.AlignmentFlag.AlignRight)

    def _text(self, p: QPainter, rect: QRectF, text: str, font: str, colour: QColor,
              align=Qt.AlignmentFlag.AlignLeft) -> None:
        p.setFont(self.font(font))
        p.setPen(colour)
        p.drawText(rect, align | Qt.AlignmentFlag.AlignVCenter, text)

    def _draw_title(self, p: QPainter, item: Item, width: float) -> None:
        y = item.y
        for text, font, colour in item.data:
            h = self.line(font)
            self._text(p, QRectF(0, y, width, h), text, font, colour)
            y += h
        p.setPen(QPen(ACCENT, 1.5 * PT))
        p.drawLine(QPointF(0, item.y + item.height - 1 * PT),
                   QPointF(width, item.y + item.height - 1 * PT))

    def _draw_heading(self, p: QPainter, item: Item, width: float) -> None:
        h = self.line("heading")
        top = item.y + item.height - h - 5 * PT
        p.fillRect(QRectF(0, top + 0.15 * h, 3 * PT, 0.7 * h), ACCENT)
        self._text(p, QRectF(7 * PT, top, width - 7 * PT, h),
                   self.metrics("heading").elidedText(item.data, Qt.TextElideMode.ElideRight,
                                                      width - 7 * PT), "heading", INK)
        p.setPen(QPen(RULE, 0.6 * PT))
        p.drawLine(QPointF(0, top + h + 2 * PT), QPointF(width, top + h + 2 * PT))

    def _draw_caption(self, p: QPainter, item: Item, width: float) -> None:
        h = self.line("caption")
        self._text(p, QRectF(0, item.y + item.height - h - 2 * PT, width, h),
                   self.metrics("caption").elidedText(item.data, Qt.TextElideMode.ElideRight,
                                                      width), "caption", INK)

    def _draw_empty(self, p: QPainter, item: Item, width: float) -> None:
        self._text(p, QRectF(PAD_X, item.y, width - PAD_X, item.height),
                   report_tr("report.no_data"), "cell", FAINT)

    def _draw_header(self, p: QPainter, item: Item, width: float) -> None:
        grid: Grid = item.data
        total = sum(grid.widths)
        p.fillRect(QRectF(0, item.y, total, item.height), HEADER_FILL)
        lh = self.line("header")
        y = item.y + PAD_Y
        if grid.group is not None:
            text, first, last = grid.group
            x0 = sum(grid.widths[:first])
            x1 = sum(grid.widths[:last + 1])
            self._text(p, QRectF(x0, y, x1 - x0, lh), text, "header", MUTED,
                       Qt.AlignmentFlag.AlignHCenter)
            p.setPen(QPen(RULE, 0.5 * PT))
            p.drawLine(QPointF(x0 + PAD_X, y + lh + 1 * PT), QPointF(x1 - PAD_X, y + lh + 1 * PT))
        bottom = item.y + item.height - PAD_Y
        x = 0.0
        for w, cell in zip(grid.widths, grid.header):
            lines = self.wrap(cell.text, "header", w - 2 * PAD_X, cell.lines)
            ly = bottom - lh * len(lines)  # header texts sit on the bottom line
            align = Qt.AlignmentFlag.AlignRight if cell.right else Qt.AlignmentFlag.AlignLeft
            for ln in lines:
                self._text(p, QRectF(x + PAD_X, ly, w - 2 * PAD_X, lh), ln, "header", MUTED, align)
                ly += lh
            x += w
        p.setPen(QPen(RULE, 0.8 * PT))
        p.drawLine(QPointF(0, item.y + item.height), QPointF(total, item.y + item.height))

    def _draw_row(self, p: QPainter, item: Item, width: float) -> None:
        grid: Grid = item.data
        row = grid.rows[item.index]
        lh = self.line("cell")
        x = 0.0
        for w, cell in zip(grid.widths, row):
            font = "name" if cell.lines > 1 else "cell"
            lines = self.wrap(cell.text, font, w - 2 * PAD_X, cell.lines)
            ly = item.y + (item.height - lh * len(lines)) / 2
            align = Qt.AlignmentFlag.AlignRight if cell.right else Qt.AlignmentFlag.AlignLeft
            for ln in lines:
                self._text(p, QRectF(x + PAD_X, ly, w - 2 * PAD_X, lh), ln, font,
                           cell.colour or INK, align)
                ly += lh
            x += w
        p.setPen(QPen(ROW_LINE, 0.5 * PT))
        bottom = item.y + item.height
        p.drawLine(QPointF(0, bottom), QPointF(sum(grid.widths), bottom))

    def _draw_chart(self, p: QPainter, item: Item, width: float) -> None:
        chart: Chart = item.data
        w, _h = chart_size(width)
        h = item.height
        rect = QRectF((width - w) / 2, item.y, w, h)
        renderer = self._svg(chart, w / MM, h / MM)
        p.setFont(self.font("cell"))  # the SVG's texts start from the painter's font (bold...)
        renderer.render(p, rect)

    def _svg(self, chart: Chart, width_mm: float, height_mm: float) -> QSvgRenderer:
        key = f"{chart.key}:{width_mm:.1f}x{height_mm:.1f}"
        if key not in self._svgs:
            svg = chart_svg(chart, width_mm, height_mm, self.family)
            self._svgs[key] = QSvgRenderer(QByteArray(svg))
        return self._svgs[key]


def temporary_path(path: str) -> str:
    """A new name beside ``path`` (same file system, so os.replace is atomic); the file
    gets the usual permissions when written, unlike mkstemp's 0600."""
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(folder, f".{name}.{uuid.uuid4().hex[:8]}.tmp")


def chart_has_data(chart: Chart) -> bool:
    return bool(chart.labels) and any(v is not None and v == v  # NaN is no data
                                      for _name, values in chart.series for v in values)


def chart_size(width: float) -> tuple[float, float]:
    """A chart's size in layout units: 170 x 70 mm, smaller on a narrower page."""
    w, h = CHART_MM[0] * MM, CHART_MM[1] * MM
    if w > width:
        w, h = width, h * width / w
    return w, h


# ---- the flow: report -> pages ----------------------------------------------------------------


class _Flow:
    def __init__(self, doc: ReportDocument, width: float, height: float):
        self.doc = doc
        self.width = width
        self.height = height
        self.pages = [Page(1, width, height)]
        self.y = 0.0

    # placing
    def left(self) -> float:
        return self.height - self.y

    def new_page(self) -> None:
        self.pages.append(Page(len(self.pages) + 1, self.width, self.height))
        self.y = 0.0

    def place(self, kind: str, key: str, height: float, index: int = -1, data=None) -> None:
        self.pages[-1].items.append(Item(kind, key, self.y, height, index, data))
        self.y += height

    def gap(self, size: float = GAP) -> None:
        if self.y > 0:
            self.y = min(self.y + size, self.height)

    # the report
    def run(self) -> list[Page]:
        r = self.doc.report
        self.title()
        self.gap()
        self.heading("summary", report_tr("report.summary"))
        figures = summary_figures(r)
        if figures:
            self.grid(self.figure_grid("summary", figures))
        else:
            self.empty("summary")
        for section in r.sections:
            self.section(section)
        return self.pages

    def title(self) -> None:
        r = self.doc.report
        lines = [(r.company, "company", MUTED),
                 (report_tr("report.title"), "title", INK),
                 (month_text(r.month), "month", ACCENT),
                 (scope_text(r.scope), "scope", INK),
                 (generated_text(r.generated_at), "meta", MUTED)]
        lines = [(self.doc.metrics(f).elidedText(t, Qt.TextElideMode.ElideRight, self.width), f, c)
                 for t, f, c in lines if t]
        h = sum(self.doc.line(f) for _t, f, _c in lines) + 8 * PT
        self.place("title", "title", h, data=lines)

    def heading(self, key: str, text: str) -> None:
        h = self.doc.line("heading") + 9 * PT
        self.place("heading", key, h, data=text)

    def empty(self, key: str) -> None:
        h = self.doc.line("cell") + 2 * PAD_Y
        if h > self.left():
            self.new_page()
        self.place("empty", key, h)

    def section(self, s: Section) -> None:
        if self.y > 0 and self.left() < self.height / 3:
            self.new_page()
        self.gap(GAP * 2)
        self.heading(s.key, report_tr(s.key))
        if not s.figures and not s.tables and s.chart is None:
            self.empty(s.key)
        if s.figures:
            self.grid(self.figure_grid(s.key, list(s.figures)))
        if s.chart is not None:
            self.gap()
            self.chart(s.chart)
        for t in s.tables:
            self.gap()
            self.grid(self.table_grid(t))

    def chart(self, c: Chart) -> None:
        cap = self.doc.line("caption") + 4 * PT
        if not chart_has_data(c):  # a line saying so, not an empty frame
            if self.y > 0 and cap + self.doc.line("cell") + 2 * PAD_Y > self.left():
                self.new_page()
            self.place("caption", c.key, cap, data=report_tr(c.key))
            self.empty(c.key)
            return
        _w, h = chart_size(self.width)
        if self.y > 0 and cap + h > self.left():
            if cap + h * CHART_SHRINK <= self.left():
                h = self.left() - cap  # a little lower rather than half a page left empty
            else:
                self.new_page()
        self.place("caption", c.key, cap, data=report_tr(c.key))
        self.place("chart", c.key, h, data=c)

    def grid(self, g: Grid) -> None:
        self.measure(g)
        cap = self.doc.line("caption") + 4 * PT if g.caption else 0.0
        # a short table stays whole, a long one starts with three rows at least
        keep = g.row_heights if len(g.rows) <= KEEP_WHOLE else g.row_heights[:3]
        first = sum(keep) if g.rows else self.doc.line("cell") + 2 * PAD_Y
        if self.y > 0 and cap + g.header_height + first > self.left():
            self.new_page()
        self.head(g, cap)
        if not g.rows:
            self.empty(g.key)
        for i, h in enumerate(g.row_heights):
            if h > self.left():
                self.new_page()
                self.head(g, cap)
            self.place("row", g.key, h, index=i, data=g)

    def head(self, g: Grid, cap: float) -> None:
        if g.caption:
            self.place("caption", g.key, cap, data=g.caption)
        self.place("header", g.key, g.header_height, data=g)

    def measure(self, g: Grid) -> None:
        d = self.doc
        lines = max(len(d.wrap(c.text, "header", w - 2 * PAD_X, c.lines))
                    for w, c in zip(g.widths, g.header))
        if g.group is not None:
            lines += 1
        g.header_height = lines * d.line("header") + 2 * PAD_Y + (2 * PT if g.group else 0)
        g.row_heights = []
        for row in g.rows:
            n = max(len(d.wrap(c.text, "name", w - 2 * PAD_X, c.lines)) if c.lines > 1 else 1
                    for w, c in zip(g.widths, row))
            g.row_heights.append(n * d.line("cell") + 2 * PAD_Y)

    # grids
    def figure_grid(self, key: str, figures: list[Figure]) -> Grid:
        w = self.width
        values = [0.135 * w] * 3
        changes = [0.14 * w] * 2
        widths = [w - sum(values) - sum(changes)] + values + changes
        header = [Cell(""), Cell(report_tr("report.month"), True, lines=3),
                  Cell(report_tr("report.previous"), True, lines=3),
                  Cell(report_tr("report.year_ago"), True, lines=3),
                  Cell(report_tr("report.vs_previous"), True, lines=3),
                  Cell(report_tr("report.vs_year"), True, lines=3)]
        rows = []
        for f in figures:
            rows.append([Cell(report_tr(f.key), lines=2),
                         Cell(format_value(f.kind, f.value), True),
                         Cell(format_value(f.kind, f.previous), True),
                         Cell(format_value(f.kind, f.year_ago), True),
                         change_cell(f.change_previous, f.higher_is_better),
                         change_cell(f.change_year, f.higher_is_better)])
        return Grid(key, "", widths, header, rows, group=(report_tr("report.change"), 4, 5))

    def table_grid(self, t: Table) -> Grid:
        d = self.doc
        header = []
        rows = [[] for _ in t.rows]
        natural = []
        for c, (col, kind) in enumerate(zip(t.columns, t.kinds)):
            right = kind not in ("text", "date")
            header.append(Cell(report_tr(col), right, lines=2))
            widest = d.metrics("header").horizontalAdvance(header[-1].text)
            for i, row in enumerate(t.rows):
                cell = Cell(cell_text(col, kind, row[c] if c < len(row) else None), right)
                rows[i].append(cell)
                widest = max(widest, d.metrics("cell").horizontalAdvance(cell.text))
            natural.append(widest + 2 * PAD_X + 1 * PT)
        return Grid(t.key, report_tr(t.key), column_widths(natural, t.kinds, self.width),
                    header, rows)


def summary_figures(report: MonthlyReport) -> list[Figure]:
    """The figures for page one: those named in ``summary``, else each section's first two."""
    if report.summary:
        found = (report.figure(k) for k in report.summary)
        return [f for f in found if f is not None]
    return [f for s in report.sections for f in s.figures[:2]]


def change_cell(change: float | None, higher_is_better: bool) -> Cell:
    """▲ 12.5 % (green when good) or ▼ 3.0 % (red when bad); a dash when undefined."""
    if change is None:
        return Cell(DASH, True, FAINT)
    text = format_value("percent", abs(change))
    if abs(change) < 0.0005:
        return Cell(text, True, MUTED)
    up = change > 0
    good = up == higher_is_better
    return Cell(("▲ " if up else "▼ ") + text, True, GOOD if good else BAD)


def cell_text(column: str, kind: str, value) -> str:
    if column in TIER_COLUMNS and kind == "text":
        return labels.label(labels.TIERS, value or "")
    if kind == "text":
        return DASH if value is None else report_tr(str(value))
    return format_value(kind, value)


def column_widths(natural: list[float], kinds, width: float) -> list[float]:
    """Natural widths stretched to ``width``. When too wide, numbers keep theirs and text
    columns share the rest: a short one (a region, a tier) keeps its width, the long ones
    (customer names) split what is left and their cells are elided."""
    total = sum(natural)
    if total <= width:
        return [n * width / total for n in natural]
    text = [i for i, k in enumerate(kinds) if k in ("text", "date")]
    room = width - sum(n for i, n in enumerate(natural) if i not in text)
    if not text or room < 15 * MM * len(text):
        return [n * width / total for n in natural]  # everything shrinks
    out = list(natural)
    waiting = sorted(text, key=lambda i: natural[i])
    while waiting:
        share = room / len(waiting)
        if natural[waiting[0]] > share:  # every column left is wider than its share
            for i in waiting:
                out[i] = share
            break
        i = waiting.pop(0)
        room -= natural[i]
    return out


# ---- charts -------------------------------------------------------------------------------


def category_text(chart: Chart, label: str) -> str:
    """A category along a chart's axis: a tier ("tier.strategic", "tier.unrated",
    "label.growth", or a bare code in a tier chart) or another key in the UI language,
    anything else (a region, "2026-10") as it is."""
    code = tier_code(label, chart.key.startswith("tiers."))
    text = labels.label(labels.TIERS, code) if code is not None else report_tr(label)
    return text if len(text) <= 12 else text[:11] + "…"


def tier_code(label: str, bare: bool = False) -> str | None:
    """The tier code a chart label stands for ("" is unrated), None if it is no tier."""
    for prefix in ("tier.", "label."):
        if label.startswith(prefix):
            code = label[len(prefix):]
            code = "" if code == "unrated" else code
            return code if code in labels.TIERS else None
    return label if bare and label in labels.TIERS else None


def axis_text(kind: str, value: float) -> str:
    if kind == "money":
        return fmt.money_short(value)
    if kind == "percent":
        return fmt.percent(value)
    if kind in ("days", "score"):
        return fmt.number_trimmed(value, 1)
    return fmt.number(value)


def chart_svg(chart: Chart, width_mm: float, height_mm: float, family: str) -> bytes:
    """The chart drawn by matplotlib as SVG. Its texts stay <text> elements in ``family``
    (QSvgRenderer draws them with Qt's fonts): real text in the PDF, which extracts and is
    small (one chart: 12 KB; as glyph paths, 300 KB)."""
    import re

    import matplotlib
    from matplotlib import font_manager
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from .charts import use_cjk_font

    use_cjk_font()
    families = list(matplotlib.rcParams["font.sans-serif"])
    if family in {f.name for f in font_manager.fontManager.ttflist}:
        families = [family] + [f for f in families if f != family]
    rc = {"svg.fonttype": "none", "svg.hashsalt": "desktop-crm", "font.family": "sans-serif",
          "font.sans-serif": families, "font.size": 7.5, "axes.unicode_minus": False,
          "axes.edgecolor": "#94a3b8", "axes.labelcolor": "#475569",
          "xtick.color": "#475569", "ytick.color": "#475569"}
    with matplotlib.rc_context(rc):
        fig = MplFigure(figsize=(width_mm / 25.4, height_mm / 25.4), layout="constrained")
        ax = fig.add_subplot()
        cats = [category_text(chart, lab) for lab in chart.labels]
        x = list(range(len(cats)))
        n = len(chart.series)
        for k, (name, values) in enumerate(chart.series):
            colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
            vals = [float(v) if v is not None else float("nan") for v in values][:len(x)]
            vals += [float("nan")] * (len(x) - len(vals))
            if chart.kind == "line":
                ax.plot(x, vals, marker="o", markersize=3, linewidth=1.6, color=colour,
                        label=report_tr(name))
            else:
                width = 0.8 / n
                pos = [i - 0.4 + width * (k + 0.5) for i in x]
                draw = ax.barh if chart.kind == "barh" else ax.bar
                draw(pos, vals, width * 0.92, color=colour, label=report_tr(name))
        horizontal = chart.kind == "barh"
        value_axis, cat_axis = (ax.xaxis, ax.yaxis) if horizontal else (ax.yaxis, ax.xaxis)
        value_axis.set_major_formatter(FuncFormatter(lambda v, _p: axis_text(chart.value_kind, v)))
        value_axis.set_major_locator(MaxNLocator(nbins=5, integer=chart.value_kind == "count"))
        cat_axis.set_ticks(x, cats)
        ax.grid(axis="x" if horizontal else "y", color="#e2e8f0", linewidth=0.6)
        if horizontal:
            ax.invert_yaxis()
            ax.set_xlim(left=min(0.0, ax.get_xlim()[0]))
        else:
            if chart.kind == "bar":
                ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
            widest = max(_text_width(c) for c in cats)
            if widest * len(cats) > 110:  # about what fits side by side at 7.5 pt
                for t in ax.get_xticklabels():
                    t.set_rotation(30)
                    t.set_horizontalalignment("right")
        ax.set_axisbelow(True)
        ax.tick_params(length=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if n > 1:
            fig.legend(loc="outside upper right", ncols=n, frameon=False, fontsize=7.5)
        buf = io.BytesIO()
        fig.savefig(buf, format="svg")
    # one family, the report's: Qt's SVG reader does not take a list of fallbacks
    quoted = "'" + family.replace("'", "") + "'"
    return re.sub(rb"font-family:[^;\"]*", b"font-family: " + quoted.encode(), buf.getvalue())


def _text_width(text: str) -> int:
    """Width in Latin characters (a Chinese character counts two)."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)
