"""The monthly report as plain values (no Qt, no database): what the report service computes
and the PDF and Excel writers lay out. Texts are keys ("customers.new"); the writers turn them
into the reader's language through a ``tr`` function the caller gives them."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Number = int | float | Decimal

# how a value reads: a count (1,234), money (¥1,234), a percent (12.5 %), days (3.2),
# minutes (95), a score out of 5 (4.3)
KINDS = ("count", "money", "percent", "days", "minutes", "score", "text", "date")


@dataclass(frozen=True)
class Figure:
    """One figure for the month, the month before and the same month a year earlier. None:
    no data (a dash, not a zero)."""

    key: str
    kind: str
    value: Number | None
    previous: Number | None = None
    year_ago: Number | None = None
    higher_is_better: bool = True  # the summary's arrow colour (churn: lower is better)

    @staticmethod
    def _change(now: Number | None, base: Number | None) -> float | None:
        if now is None or base is None or float(base) == 0:
            return None
        return (float(now) - float(base)) / abs(float(base))

    @property
    def change_previous(self) -> float | None:
        """Relative change against the month before (0.1 = +10 %); None when undefined."""
        return self._change(self.value, self.previous)

    @property
    def change_year(self) -> float | None:
        return self._change(self.value, self.year_ago)


@dataclass(frozen=True)
class Table:
    """Rows of one breakdown. ``columns`` are keys (``column.region``...), ``kinds`` how
    each column reads (see KINDS)."""

    key: str
    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Chart:
    """What a section's chart shows: ``kind`` bar (grouped vertical bars), barh (horizontal
    bars, e.g. top lists) or line; ``labels`` along the category axis (already readable
    texts such as region names or "2026-10", or keys starting with "label."), ``series``
    name key -> one value per label."""

    key: str
    kind: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    value_kind: str = "count"


@dataclass(frozen=True)
class Section:
    key: str  # customers, revenue, pipeline, followups, tiers, service
    figures: tuple[Figure, ...]
    tables: tuple[Table, ...] = ()
    chart: Chart | None = None


@dataclass(frozen=True)
class Scope:
    """Whose figures: the whole company, one team, or one salesperson."""

    owner_id: uuid.UUID | None = None
    team: str | None = None
    label: str = ""  # the person's or team's name, "" for the company


@dataclass(frozen=True)
class MonthlyReport:
    month: dt.date  # its first day
    scope: Scope
    company: str
    generated_at: dt.datetime
    sections: tuple[Section, ...]
    summary: tuple[str, ...] = field(default_factory=tuple)  # figure keys for page one

    def figure(self, key: str) -> Figure | None:
        for s in self.sections:
            for f in s.figures:
                if f.key == key:
                    return f
        return None

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)
