"""Checking one row: every mapped cell read as its field's type and standardised, or a
``Problem`` per bad cell (row number, column, value, reason code and its parameters)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..normalize import city_name, province_name, region_of, split_salutation
from . import values as v
from .fields import FIELDS, Field
from .mapping import Mapping

VALUE_CHARS = 200  # a rejected value is reported up to this many characters

# what makes a name a company's rather than a person's
_COMPANY_WORDS = re.compile(
    r"公司|集团|企业|工厂|厂$|店$|行$|部$|中心|工作室|事务所|研究所|研究院|医院|学校|学院|大学|"
    r"银行|协会|商会|合作社|诊所|酒店|宾馆|餐厅|超市|商场|门市|批发|贸易|科技|实业|"
    r"\b(?:ltd|inc|llc|corp|co|gmbh|limited|company)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """Why (part of) a row was rejected. ``column`` is the header of the cell ("" for the row
    as a whole); ``code`` a reason (required, invalid_phone, invalid_email, invalid_date,
    invalid_amount, invalid_number, invalid_choice, out_of_range, too_long, formula,
    unknown_owner, ambiguous_owner, unknown_customer, ambiguous_customer, duplicate_in_file,
    duplicate_order_no, unreadable, ...); ``params`` fill the reason's text."""

    row: int
    column: str
    field: str
    value: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        text = f"{where}: {self.code.replace('_', ' ')}"
        if self.value:
            text += f" ({self.value[:60]!r})"
        if self.params:
            text += " [" + ", ".join(f"{k}={val}" for k, val in self.params.items()) + "]"
        return text


@dataclass
class Parsed:
    """A row read: its values by field, or the problems that reject it."""

    row: int
    cells: list
    values: dict[str, Any]
    problems: list[Problem]


class People:
    """Users by display name, user name and email (lower case)."""

    def __init__(self, rows: list[tuple[uuid.UUID, str, str, str]]):
        self.by_key: dict[str, set[uuid.UUID]] = {}
        for uid, username, display, email in rows:
            for key in {(display or "").strip().lower(), (username or "").lower(),
                        (email or "").strip().lower()}:
                if key:
                    self.by_key.setdefault(key, set()).add(uid)

    def find(self, text: str) -> set[uuid.UUID]:
        return self.by_key.get(text.strip().lower(), set())


def _looks_like_company(name: str) -> bool:
    return bool(_COMPANY_WORDS.search(name))


class RowChecker:
    """Checks rows of one file against one mapping."""

    def __init__(self, kind: str, headers: tuple[str, ...], mapping: Mapping, people: People,
                 tz: dt.tzinfo):
        self.kind = kind
        self.people = people
        self.tz = tz
        index = {h: i for i, h in enumerate(headers)}
        self.columns: list[tuple[Field, int, str]] = [
            (FIELDS[kind][name], index[header], header)
            for name, header in mapping.fields.items()
            if name in FIELDS[kind] and header in index]
        self.column_of = {f.name: header for f, _i, header in self.columns}
        self.readers = [(f, i, header, self._reader(f)) for f, i, header in self.columns]
        self.required = [f for f in FIELDS[kind].values() if f.required]

    def check(self, n: int, cells: list) -> Parsed:
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        width = len(cells)
        for f, i, header, read in self.readers:
            raw = cells[i] if i < width else None
            if raw is None or raw == "":
                continue
            try:
                got = read(raw)
            except v.Bad as bad:
                problems.append(Problem(n, header, f.name, v.cell_text(raw)[:VALUE_CHARS],
                                        bad.code, bad.params))
                continue
            if got is not None and got != "":
                values[f.name] = got
        for f in self.required:
            if f.name not in values and not any(p.field == f.name for p in problems):
                problems.append(Problem(n, self.column_of.get(f.name, ""), f.name, "",
                                        "required"))
        if not problems:
            getattr(self, f"_finish_{self.kind}")(n, values, problems)
        return Parsed(n, cells, values, problems)

    def _reader(self, f: Field) -> Callable[[object], Any]:
        """The function that reads a cell of field ``f`` (chosen once per column)."""
        t, limit = f.type, f.limit
        if t == "text":
            return lambda raw: v.text_value(raw, limit)
        if t == "note":
            return lambda raw: v.note_value(raw, limit)
        if t == "phone":
            return v.phone_value
        if t == "email":
            return v.email_value
        if t == "date":
            return v.date_value
        if t == "datetime":
            return self._datetime
        if t == "amount":
            return v.amount_value
        if t == "int":
            high = 10_080 if f.name == "duration_minutes" else 10_000_000
            return lambda raw: v.int_value(raw, 0, high)
        if t == "bool":
            return lambda raw: None if v.cell_text(raw).strip() == "" else v.bool_value(raw)
        if t == "choice":
            choices = dict(f.choices)
            return lambda raw: v.choice_value(raw, choices)
        if t == "user":
            return lambda raw: self._user(raw, limit)
        if t == "tags":
            return lambda raw: v.tags_value(raw, limit)
        raise AssertionError(t)  # pragma: no cover

    def _datetime(self, raw: object) -> dt.datetime | None:
        got = v.datetime_value(raw)
        if got is None:
            return None
        if not 1900 <= got.year <= 2200:
            raise v.Bad("invalid_date")
        return got.replace(tzinfo=self.tz, fold=0).astimezone(dt.timezone.utc)

    def _user(self, raw: object, limit: int) -> uuid.UUID | None:
        name = v.text_value(raw, limit)
        if not name:
            return None
        found = self.people.find(name)
        if not found:
            raise v.Bad("unknown_owner")
        if len(found) > 1:
            raise v.Bad("ambiguous_owner")
        return next(iter(found))

    # -- per kind: standardising what the cells say ---------------------------------------------

    def _finish_customers(self, n: int, values: dict[str, Any], problems: list[Problem]) -> None:
        name = values["name"]
        person, salutation = split_salutation(name)
        kind = values.get("kind")
        if salutation and person != name and kind != "company" and not _looks_like_company(name):
            values["name"] = person  # 张总 -> 张, and the form of address kept apart
            values["salutation"] = salutation
            kind = kind or "person"
        if kind is None:  # a new record's guess; a found record keeps its own kind
            values["kind_guessed"] = True
            kind = "company"
        values["kind"] = kind
        if "province" in values:
            values["province"] = province_name(values["province"])[:32]
        if "city" in values:
            city = city_name(values["city"])
            values["city"] = city[:64]
            if "province" not in values and province_name(city) != city:  # 北京市 is both
                values["province"] = province_name(city)
        if values.get("province"):
            region = region_of(values["province"])
            if region:
                values["region"] = region
        if "contact" in values:
            contact, title = split_salutation(values["contact"])
            values["contact"] = contact or values["contact"]
            if title and not values.get("title"):
                values["title"] = title
        if "code" in values:
            values["code"] = values["code"].upper()

    def _finish_contacts(self, n: int, values: dict[str, Any], problems: list[Problem]) -> None:
        self._need_customer(n, values, problems)
        name, title = split_salutation(values["name"])
        if name:
            values["name"] = name
        if title and not values.get("title"):
            values["title"] = title

    def _finish_orders(self, n: int, values: dict[str, Any], problems: list[Problem]) -> None:
        self._need_customer(n, values, problems)

    def _finish_interactions(self, n: int, values: dict[str, Any],
                             problems: list[Problem]) -> None:
        self._need_customer(n, values, problems)

    def _finish_activities(self, n: int, values: dict[str, Any],
                           problems: list[Problem]) -> None:
        pass

    def _need_customer(self, n: int, values: dict[str, Any], problems: list[Problem]) -> None:
        if "customer_code" not in values and "customer" not in values:
            problems.append(Problem(n, self.column_of.get("customer_code")
                                    or self.column_of.get("customer", ""), "customer_code", "",
                                    "required"))
        if "customer_code" in values:
            values["customer_code"] = values["customer_code"].upper()
