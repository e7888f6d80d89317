"""Company-wide settings everyone shares: the company name (reports' title page) and the
currency new opportunities and imported orders get when none is given. Kept in
``shared_settings`` under ``company``; managers and admins change them."""

from __future__ import annotations

from dataclasses import dataclass

from . import shared_settings
from .db import Database
from .errors import FieldError, ValidationError
from .users import UserInfo

COMPANY_KEY = "company"  # {"name": ..., "currency": ...}
# The currencies a Chinese SME invoices in; an order may still carry any ISO code.
CURRENCIES = ("CNY", "HKD", "USD", "EUR", "JPY", "GBP", "TWD", "SGD")
DEFAULT_CURRENCY = "CNY"


@dataclass(frozen=True)
class Company:
    name: str = ""
    currency: str = DEFAULT_CURRENCY
    version: int = 0


def load(db: Database) -> Company:
    value, version = shared_settings.load(db, COMPANY_KEY)
    value = value or {}
    currency = str(value.get("currency") or DEFAULT_CURRENCY)
    return Company(str(value.get("name") or ""),
                   currency if currency in CURRENCIES else DEFAULT_CURRENCY, version)


def save(db: Database, user: UserInfo, name: str, currency: str, expected_version: int) -> int:
    """Store the name (at most 100 characters) and the currency; refuses a stale version."""
    shared_settings.require_manager(user, "the company settings")
    name = name.strip()
    errors = []
    if len(name) > 100:
        errors.append(FieldError("company", "too_long", name[:40], "100"))
    if currency not in CURRENCIES:
        errors.append(FieldError("currency", "invalid_choice", currency))
    if errors:
        raise ValidationError(errors)
    value, _v = shared_settings.load(db, COMPANY_KEY)
    return shared_settings.save(db, COMPANY_KEY,
                                {**(value or {}), "name": name, "currency": currency},
                                expected_version, user.id)


def currency(db: Database) -> str:
    return load(db).currency
