"""The rejected rows as a workbook to fix and import again: the file's own columns, then a
column with the reasons in the user's language (a ``translate`` callable turns each
``Problem`` into text, so this stays free of Qt and of any one language)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .engine import ImportResult
from .rows import Problem

MAX_CELL = 32767  # Excel's limit for one cell


def english(problem: Problem) -> str:
    """A plain English reason (what the CLI and the logs show)."""
    text = problem.code.replace("_", " ")
    if problem.column:
        text = f"{problem.column}: {text}"
    if problem.params:
        text += " (" + ", ".join(f"{k} {v}" for k, v in problem.params.items()) + ")"
    return text


def write_rejected(result: ImportResult, path: str | os.PathLike, *,
                   translate: Callable[[Problem], str] = english,
                   reason_header: str = "Reason", row_header: str = "Row") -> int:
    """Write ``result``'s rejected rows to an .xlsx: the original headers and cells, a column
    with the row number in the file, and ``reason_header`` with every problem of the row (one
    per line). Cells are written as text, never as formulas. Returns the rows written."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill

    def safe(text: str) -> str:
        return ILLEGAL_CHARACTERS_RE.sub("", str(text))[:MAX_CELL]

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet((result.sheet or "rejected")[:31].replace("/", "-")
                              .replace("\\", "-").replace("?", "").replace("*", "")
                              .replace("[", "(").replace("]", ")").replace(":", "-")
                              or "rejected")
    width = max([len(result.headers)] + [len(r.cells) for r in result.rejected_rows])
    headers = list(result.headers) + [""] * (width - len(result.headers))
    head_font, fill = Font(bold=True), PatternFill("solid", fgColor="FCE4D6")
    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(value: str, **style):
        from openpyxl.cell import WriteOnlyCell

        c = WriteOnlyCell(sheet, value=safe(value))
        c.data_type = "s"  # text as it is: "=..." stays text, "0138..." keeps its zero
        for k, v in style.items():
            setattr(c, k, v)
        return c

    sheet.append([cell(h, font=head_font) for h in headers]
                 + [cell(row_header, font=head_font), cell(reason_header, font=head_font,
                                                           fill=fill)])
    n = 0
    for r in result.rejected_rows:
        cells = list(r.cells) + [""] * (width - len(r.cells))
        reasons = "\n".join(translate(p) for p in r.problems)
        sheet.append([cell(c) for c in cells]
                     + [cell(str(r.row)), cell(reasons, fill=fill, alignment=wrap)])
        n += 1
    tmp = Path(f"{path}.part")
    book.save(tmp)
    os.replace(tmp, path)
    return n


__all__ = ["english", "write_rejected"]
