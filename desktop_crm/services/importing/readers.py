"""Reading spreadsheets: .xlsx / .xlsm / .xls / .ods (python-calamine, openpyxl as a fallback)
and .csv / .txt / .tsv in the encodings Chinese offices produce.

A CSV's encoding is detected: a byte-order mark (UTF-8, UTF-16 LE/BE), UTF-16 without one
(NUL bytes at every other position), UTF-8, else GB18030 (a superset of GBK and GB2312, what
Excel on a Chinese Windows saves). The delimiter is sniffed (comma, semicolon, tab, |). The
header row is the one among the first ten that names most known columns (Chinese or
English); rows above it (a title) are skipped.

Files are read twice at most (once to look, once per pass) and streamed: a million-row CSV
is never held in memory as a whole.
"""

from __future__ import annotations

import codecs
import csv
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ServiceError

log = logging.getLogger(__name__)

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_FILES = (".csv", ".txt", ".tsv")
HEADER_SEARCH_ROWS = 10
PREVIEW_ROWS = 20
CSV_FIELD_LIMIT = 8 * 1024 * 1024  # one cell; a bigger one makes the rest unreadable
DELIMITERS = ",;\t|"


class UnreadableFile(ServiceError):
    """Nothing could be read from the file. ``code``: ``not_found``, ``unsupported_format``,
    ``invalid_encoding``, ``unreadable`` (damaged or not what its name says), ``no_sheet``,
    ``empty``."""

    def __init__(self, code: str, name: str, detail: str = ""):
        self.code, self.name, self.detail = code, name, detail
        super().__init__(f"{name}: {code.replace('_', ' ')}" + (f" ({detail})" if detail else ""))


@dataclass(frozen=True)
class Source:
    """A file (and sheet) as read: what the mapping step shows. ``header_row`` is the row
    number of the header as the spreadsheet shows it (0: no header row, columns named A, B,
    ...). ``preview``: the first data rows as text."""

    path: str
    name: str
    format: str  # "xlsx" (any workbook) or "csv"
    sheets: tuple[str, ...] = ()
    sheet: str = ""
    encoding: str = ""
    delimiter: str = ""
    header_row: int = 0
    headers: tuple[str, ...] = ()
    preview: tuple[tuple[str, ...], ...] = field(default=(), repr=False)

    def rows(self) -> Iterator[tuple[int, list]]:
        """Every data row after the header as (row number as the spreadsheet shows it, cells);
        rows with nothing in them are left out."""
        csv_file = self.format == "csv"
        for n, cells in _raw_rows(self):
            if n <= self.header_row:
                continue
            if csv_file:
                if (cells and cells[0] and not cells[0].isspace()) or "".join(cells).strip():
                    yield n, cells
            elif any(c is not None and (type(c) is not str or c.strip()) for c in cells):
                yield n, cells


# -- header texts -----------------------------------------------------------------------------

def norm_header(text: object) -> str:
    """A header cell reduced for comparison: lower case, no spaces, underscores, dashes,
    colons, "*" of a required column, nor a unit in brackets (金额(元) -> 金额)."""
    from ..normalize import clean_text

    s = clean_text(text).lower()
    s = re.sub(r"[(\[【].*?[)\]】]", "", s)
    return re.sub(r"[\s_\-*:.#/]+", "", s)


def column_name(i: int) -> str:
    """Spreadsheet column letters: 0 -> A, 26 -> AA."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


# -- encodings --------------------------------------------------------------------------------

def detect_encoding(path: Path) -> str:
    """The encoding a CSV file is in (a Python codec name), or ``UnreadableFile``."""
    with open(path, "rb") as f:
        head = f.read(65536)
    if head.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        enc = "utf-16"
    elif len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) < 4:
        enc = "utf-16-le"
    elif len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) < 4:
        enc = "utf-16-be"
    else:
        enc = ""
    candidates = [enc] if enc else ["utf-8", "gb18030"]
    for candidate in candidates:
        if _decodes(path, candidate):
            return candidate
    raise UnreadableFile("invalid_encoding", path.name, "UTF-8, GBK/GB18030 or UTF-16")


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False


def decode_text(data: bytes, name: str = "") -> str:
    """Bytes of a small text file decoded as ``detect_encoding`` would."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                break
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    raise UnreadableFile("invalid_encoding", name, "UTF-8, GBK/GB18030 or UTF-16")


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample: the candidate found the same number of times (at least
    once) on most lines; a comma when none is."""
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the last may be cut short
    best, best_score = ",", 0.0
    for d in DELIMITERS:
        counts = [_count_outside_quotes(ln, d) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        common = max(set(counts), key=counts.count)
        if common == 0:
            continue
        score = counts.count(common) / len(counts) + min(common, 10) / 100
        if score > best_score:
            best, best_score = d, score
    return best


def _count_outside_quotes(line: str, d: str) -> int:
    n, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == d and not quoted:
            n += 1
    return n


# -- reading ----------------------------------------------------------------------------------

def _format_of(p: Path) -> str:
    suffix = p.suffix.lower()
    if suffix in SPREADSHEETS:
        return "xlsx"
    if suffix in TEXT_FILES:
        return "csv"
    raise UnreadableFile("unsupported_format", p.name, p.suffix or "no file type")


def _workbook(p: Path):
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency; openpyxl reads .xlsx without it
        return None
    try:
        return CalamineWorkbook.from_path(str(p))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own kinds for a bad file
        raise UnreadableFile("unreadable", p.name, str(exc)[:200]) from exc


def _xlsx_rows(source: Source) -> Iterator[tuple[int, list]]:
    p = Path(source.path)
    book = _workbook(p)
    if book is None:  # pragma: no cover
        yield from _openpyxl_rows(p, source.sheet)
        return
    try:
        sheet = book.get_sheet_by_name(source.sheet)
    except Exception as exc:  # noqa: BLE001
        raise UnreadableFile("no_sheet", p.name, source.sheet) from exc
    # iter_rows gives every row from the first (row numbers as shown), each from the first
    # column that has anything (``start``): the columns before it are put back
    pad = [None] * (sheet.start or (0, 0))[1]
    for i, row in enumerate(sheet.iter_rows()):
        yield i + 1, pad + [None if c == "" else c for c in row]


def _openpyxl_rows(p: Path, sheet: str) -> Iterator[tuple[int, list]]:  # pragma: no cover
    import openpyxl

    book = openpyxl.load_workbook(p, read_only=True, data_only=True)
    try:
        for n, row in enumerate(book[sheet].iter_rows(values_only=True), start=1):
            yield n, list(row)
    finally:
        book.close()


def _csv_rows(source: Source) -> Iterator[tuple[int, list]]:
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    with open(source.path, encoding=source.encoding, newline="", errors="strict") as f:
        reader = csv.reader(f, delimiter=source.delimiter or ",")
        n = 0
        try:
            for n, cells in enumerate(reader, 1):  # noqa: B007 - n is the row after a failure
                yield n, cells
        except csv.Error as exc:
            raise RowsUnreadable(n + 1, str(exc)) from exc


class RowsUnreadable(ServiceError):
    """The file cannot be read past ``row`` (a cell bigger than 8 MB, a broken quote)."""

    def __init__(self, row: int, detail: str):
        self.row, self.detail = row, detail
        super().__init__(f"unreadable from row {row}: {detail}")


def _raw_rows(source: Source) -> Iterator[tuple[int, list]]:
    return _xlsx_rows(source) if source.format == "xlsx" else _csv_rows(source)


def read(path: str | os.PathLike, sheet: str | None = None) -> Source:
    """Look at a file: its sheets, encoding, delimiter, header row, headers and a preview.
    ``sheet``: a workbook's sheet by name (default: the first with anything in it)."""
    from .fields import header_score

    p = Path(path)
    if not p.is_file():
        raise UnreadableFile("not_found", p.name, str(p))
    fmt = _format_of(p)
    base = Source(str(p), p.name, fmt)
    if fmt == "xlsx":
        book = _workbook(p)
        names = tuple(book.sheet_names) if book is not None else ()
        if not names:
            raise UnreadableFile("no_sheet", p.name)
        if sheet is not None and sheet not in names:
            raise UnreadableFile("no_sheet", p.name, sheet)
        chosen = sheet
        if chosen is None:
            chosen = next((n for n in names if _has_cells(book, n)), names[0])
        base = Source(str(p), p.name, fmt, sheets=names, sheet=chosen)
    else:
        enc = detect_encoding(p)
        with open(p, encoding=enc, newline="") as f:
            sample = f.read(65536)
        base = Source(str(p), p.name, fmt, encoding=enc, delimiter=sniff_delimiter(sample))
    head: list[tuple[int, list]] = []
    try:
        for n, cells in _raw_rows(base):
            if any(c is not None and str(c).strip() for c in cells):
                head.append((n, cells))
            if len(head) >= HEADER_SEARCH_ROWS + PREVIEW_ROWS:
                break
    except RowsUnreadable as exc:
        if not head:
            raise UnreadableFile("unreadable", p.name, exc.detail) from exc
    if not head:
        raise UnreadableFile("empty", p.name, base.sheet)
    best, best_score = 0, 0
    for i, (_n, cells) in enumerate(head[:HEADER_SEARCH_ROWS]):
        score = header_score(cells)
        if score > best_score:
            best, best_score = i, score
    from .values import cell_text

    if best_score == 0:  # no known header: the first row names the columns anyway
        best = 0
    header_n, header_cells = head[best]
    width = max(len(c) for _n, c in head)
    headers = []
    seen: set[str] = set()
    for i in range(width):
        h = cell_text(header_cells[i]).strip() if i < len(header_cells) else ""
        h = re.sub(r"\s+", " ", h)[:100] or column_name(i)
        if h in seen:  # two columns with one name: the second is told apart by its letter
            h = f"{h} ({column_name(i)})"
        seen.add(h)
        headers.append(h)
    preview = tuple(tuple(cell_text(c) for c in cells) for _n, cells in head[best + 1:]
                    [:PREVIEW_ROWS])
    return Source(base.path, base.name, fmt, base.sheets, base.sheet, base.encoding,
                  base.delimiter, header_n, tuple(headers), preview)


def _has_cells(book, name: str) -> bool:
    try:
        sheet = book.get_sheet_by_name(name)
        return bool(sheet.height and sheet.width)
    except Exception:  # noqa: BLE001
        return False


def read_all_rows(path: str | os.PathLike) -> list[tuple[int, list]]:
    """Every non-empty row of a file's first sheet (or the CSV) as (row number, cells), with
    no header detection: for small files (sales targets)."""
    p = Path(path)
    fmt = _format_of(p)
    if fmt == "xlsx":
        book = _workbook(p)
        names = tuple(book.sheet_names) if book is not None else ()
        if not names:
            raise UnreadableFile("no_sheet", p.name)
        source = Source(str(p), p.name, fmt, names, names[0])
    else:
        enc = detect_encoding(p)
        with open(p, encoding=enc, newline="") as f:
            sample = f.read(65536)
        source = Source(str(p), p.name, fmt, encoding=enc, delimiter=sniff_delimiter(sample))
    return [(n, cells) for n, cells in _raw_rows(source)
            if any(c is not None and str(c).strip() for c in cells)]


__all__ = ["RowsUnreadable", "Source", "UnreadableFile", "column_name", "decode_text",
           "detect_encoding", "norm_header", "read", "read_all_rows", "sniff_delimiter"]

