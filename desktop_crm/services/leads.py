"""Lead scoring (线索评分): points for a deal's customer - where it came from (source), its
industry, its size (employees) - and for how often the team talked with it lately (recent
interactions). The team's rules live in ``shared_settings`` (``lead_scoring``); managers
change them. Scores are computed when asked, set-based, so they always follow the rules and
the data: 5,000 open deals take one join and one grouped count per 500 ids.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import func, select, type_coerce
from sqlalchemy.types import TypeDecorator, Uuid

from desktop_crm.models import Customer, Interaction, Opportunity

from . import shared_settings
from .db import Database
from .errors import FieldError, NotFound, ValidationError
from .users import UserInfo

SETTINGS_KEY = "lead_scoring"
CHUNK = 500  # ids per statement (SQLite's parameter limit is 999 on old versions)
POINTS_RANGE = (-100, 100)

# The values the app (and the demo data) use for customers.source and industry, Chinese first;
# English names for teams that type them in English. Keys are matched trimmed and
# case-insensitively.
DEFAULT_SOURCE_POINTS: dict[str, int] = {
    "转介绍": 30, "老客户": 25, "展会": 20, "官网": 15, "搜索引擎": 12, "阿里巴巴": 12,
    "微信": 10, "抖音": 8, "广告": 8, "电话营销": 5,
    "referral": 30, "existing customer": 25, "trade show": 20, "website": 15,
    "search engine": 12, "wechat": 10, "advertising": 8, "cold call": 5,
}
DEFAULT_INDUSTRY_POINTS: dict[str, int] = {
    "制造业": 15, "信息技术": 15, "医疗健康": 12, "金融": 12, "能源环保": 10, "建筑地产": 10,
    "批发零售": 8, "专业服务": 8, "物流运输": 8, "教育": 6, "文化传媒": 5, "餐饮酒店": 5,
    "农林牧渔": 3,
    "manufacturing": 15, "information technology": 15, "healthcare": 12, "finance": 12,
}
# (at least this many employees, points): the last band a company reaches counts
DEFAULT_SIZE_BANDS: tuple[tuple[int, int], ...] = ((1, 2), (10, 5), (50, 10), (200, 15),
                                                   (1000, 20))
RULES = ("source", "industry", "size", "interactions")


def _key(value: str | None) -> str:
    return (value or "").strip().lower()


@dataclass(frozen=True)
class LeadRules:
    """Points per ``source`` value, per ``industry`` value, per company-size band
    (``size_bands``: (minimum employees, points), ascending; the highest band reached counts;
    unknown size: 0), and ``interaction_points`` per interaction in the last
    ``interaction_days`` days, at most ``interaction_cap`` in all."""

    source_points: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SOURCE_POINTS))
    industry_points: dict[str, int] = field(
        default_factory=lambda: dict(DEFAULT_INDUSTRY_POINTS))
    size_bands: tuple[tuple[int, int], ...] = DEFAULT_SIZE_BANDS
    interaction_points: int = 5
    interaction_days: int = 30
    interaction_cap: int = 20

    @cached_property
    def _sources(self) -> dict[str, int]:
        return {_key(k): int(v) for k, v in self.source_points.items()}

    @cached_property
    def _industries(self) -> dict[str, int]:
        return {_key(k): int(v) for k, v in self.industry_points.items()}

    def validate(self) -> "LeadRules":
        errors: list[FieldError] = []
        lo, hi = POINTS_RANGE
        rng = f"{lo}-{hi}"
        for name, table in (("source_points", self.source_points),
                            ("industry_points", self.industry_points)):
            seen: set[str] = set()
            for k, v in table.items():
                if not _key(k) or len(k.strip()) > 64:
                    errors.append(FieldError(name, "invalid", str(k), "1-64 characters"))
                elif _key(k) in seen:
                    errors.append(FieldError(name, "duplicate", str(k)))
                seen.add(_key(k))
                if not isinstance(v, int) or not lo <= v <= hi:
                    errors.append(FieldError(name, "out_of_range", f"{k}={v}", rng))
        last = -1
        if len(self.size_bands) > 20:
            errors.append(FieldError("size_bands", "too_long", str(len(self.size_bands)), "20"))
        for band in self.size_bands:
            try:
                low, pts = band
            except (TypeError, ValueError):
                errors.append(FieldError("size_bands", "invalid", str(band)))
                continue
            if not isinstance(low, int) or low <= last:
                errors.append(FieldError("size_bands", "invalid", str(low),
                                         "minimums >= 0, each above the one before"))
            else:
                last = low
            if not isinstance(pts, int) or not lo <= pts <= hi:
                errors.append(FieldError("size_bands", "out_of_range", f"{low}={pts}", rng))
        for name, low, high in (("interaction_points", 0, hi), ("interaction_days", 1, 365),
                                ("interaction_cap", 0, 1000)):
            v = getattr(self, name)
            if not isinstance(v, int) or not low <= v <= high:
                errors.append(FieldError(name, "out_of_range", str(v), f"{low}-{high}"))
        if errors:
            raise ValidationError(errors)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"source_points": dict(self.source_points),
                "industry_points": dict(self.industry_points),
                "size_bands": [list(b) for b in self.size_bands],
                "interaction_points": self.interaction_points,
                "interaction_days": self.interaction_days,
                "interaction_cap": self.interaction_cap}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "LeadRules":
        known: dict[str, Any] = {k: d[k] for k in ("source_points", "industry_points",
                                                   "interaction_points", "interaction_days",
                                                   "interaction_cap") if k in d}
        if "size_bands" in d:
            known["size_bands"] = tuple(tuple(b) for b in d["size_bands"])
        return cls(**known)

    # -- the parts ---------------------------------------------------------------------------

    def size_band(self, employees: int | None) -> tuple[int, int] | None:
        """The (minimum, points) band a company of this size reaches, or None."""
        if employees is None:
            return None
        found = None
        for band in self.size_bands:
            if employees >= band[0]:
                found = band
        return found

    def interaction_score(self, recent: int) -> int:
        return min(recent * self.interaction_points, self.interaction_cap)


@dataclass(frozen=True)
class ScorePart:
    """What one rule gave: ``rule`` (source, industry, size, interactions), the customer's
    ``value`` it looked at ("" when unknown; the employee count and the number of recent
    interactions as text), ``points``, and for size the band's minimum (``band``)."""

    rule: str
    value: str
    points: int
    band: int | None = None


@dataclass(frozen=True)
class ScoreBreakdown:
    parts: tuple[ScorePart, ...]  # one per rule, in RULES order

    @property
    def total(self) -> int:
        return sum(p.points for p in self.parts)

    def points(self, rule: str) -> int:
        return next(p.points for p in self.parts if p.rule == rule)


def score(rules: LeadRules, source: str | None, industry: str | None, employees: int | None,
          recent_interactions: int) -> int:
    """A lead's score under ``rules`` (the sum of :func:`breakdown`'s parts)."""
    band = rules.size_band(employees)
    return (rules._sources.get(_key(source), 0) + rules._industries.get(_key(industry), 0)
            + (band[1] if band else 0) + rules.interaction_score(recent_interactions))


def breakdown(rules: LeadRules, source: str | None, industry: str | None,
              employees: int | None, recent_interactions: int) -> ScoreBreakdown:
    """Which rule gave how many points (for a tooltip on the card)."""
    band = rules.size_band(employees)
    return ScoreBreakdown((
        ScorePart("source", source or "", rules._sources.get(_key(source), 0)),
        ScorePart("industry", industry or "", rules._industries.get(_key(industry), 0)),
        ScorePart("size", "" if employees is None else str(employees),
                  band[1] if band else 0, band[0] if band else None),
        ScorePart("interactions", str(recent_interactions),
                  rules.interaction_score(recent_interactions)),
    ))


class _Raw(TypeDecorator):
    """A UUID column read as the driver gives it (32 hex digits on SQLite, a UUID object on
    PostgreSQL), without making a new UUID per row."""

    impl = Uuid
    cache_ok = True

    def result_processor(self, dialect, coltype):
        return None


def _chunks(ids: list, size: int = CHUNK):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


class LeadScoringService:
    def __init__(self, db: Database, user: UserInfo):
        self.db = db
        self.user = user

    def rules(self) -> tuple[LeadRules, int]:
        """The team's scoring rules and their version (0: never saved, the defaults)."""
        return shared_settings.load_rules(self.db, SETTINGS_KEY, LeadRules)

    def save_rules(self, rules: LeadRules, expected_version: int) -> int:
        """Store the rules for the team (managers and admins); returns the new version.
        Refuses (writes nothing) when someone saved since ``expected_version`` was read."""
        return shared_settings.save_rules(self.db, self.user, SETTINGS_KEY, rules,
                                          expected_version, "the lead scoring rules")

    def _inputs(self, opportunity_ids: Iterable[uuid.UUID], now: dt.datetime | None):
        """The rules, and (opportunity id, source, industry, employees, recent interactions)
        per existing, not deleted opportunity: one statement per 500 ids, the opportunity
        joined to its customer and the customer's interactions in the window counted by a
        seek in ``ix_interactions_customer_time``."""
        rules = self.rules()[0]
        since = (now or dt.datetime.now(dt.timezone.utc)) - dt.timedelta(
            days=rules.interaction_days)
        i = Interaction
        recent = (select(func.count()).where(i.customer_id == Opportunity.customer_id,
                                             i.occurred_at >= since, i.deleted_at.is_(None))
                  .scalar_subquery())
        ids = list(dict.fromkeys(opportunity_ids))
        # the ids given back are the caller's own objects (a UUID a row costs ~2 µs)
        by_key: dict[Any, uuid.UUID] = {x: x for x in ids}
        by_key.update({x.hex: x for x in ids})
        rows: list[tuple] = []
        with self.db.engine.connect() as conn:  # Core rows: no ORM bookkeeping per row
            for part in _chunks(ids):
                rows += conn.execute(
                    select(type_coerce(Opportunity.id, _Raw()), Customer.source,
                           Customer.industry, Customer.employees, recent)
                    .join(Customer, Customer.id == Opportunity.customer_id)
                    .where(Opportunity.id.in_(part), Opportunity.deleted_at.is_(None))).all()
        return rules, [(by_key[raw], *rest) for raw, *rest in rows]

    def scores(self, opportunity_ids: Iterable[uuid.UUID], *,
               now: dt.datetime | None = None) -> dict[uuid.UUID, int]:
        """The score of each opportunity (ids that do not exist or are deleted are left out).
        ``now``: the end of the recent-interactions window (default: now)."""
        rules, inputs = self._inputs(opportunity_ids, now)
        sources: dict[str | None, int] = {}
        industries: dict[str | None, int] = {}
        sizes: dict[int | None, int] = {}
        out = {}
        for oid, src, ind, emp, n in inputs:  # few distinct values: each looked up once
            if src not in sources:
                sources[src] = rules._sources.get(_key(src), 0)
            if ind not in industries:
                industries[ind] = rules._industries.get(_key(ind), 0)
            if emp not in sizes:
                band = rules.size_band(emp)
                sizes[emp] = band[1] if band else 0
            out[oid] = sources[src] + industries[ind] + sizes[emp] + rules.interaction_score(n)
        return out

    def breakdowns(self, opportunity_ids: Iterable[uuid.UUID], *,
                   now: dt.datetime | None = None) -> dict[uuid.UUID, ScoreBreakdown]:
        """Each opportunity's score by rule (for tooltips)."""
        rules, inputs = self._inputs(opportunity_ids, now)
        return {oid: breakdown(rules, src, ind, emp, n) for oid, src, ind, emp, n in inputs}

    def explain(self, opportunity_id: uuid.UUID, *,
                now: dt.datetime | None = None) -> ScoreBreakdown:
        found = self.breakdowns([opportunity_id], now=now)
        if opportunity_id not in found:
            raise NotFound("opportunities", opportunity_id)
        return found[opportunity_id]
