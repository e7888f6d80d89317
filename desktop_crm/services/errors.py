"""Typed errors raised by services.

Services build no translated text: each error carries a machine-readable
``code`` (and for validation, one entry per field) that views translate; the
English ``str()`` is what the CLI and the logs show.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ServiceError(Exception):
    """Base of every error a service raises on purpose."""


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str  # required, invalid_phone, invalid_email, too_long, duplicate, invalid_choice
    value: str = ""
    detail: str = ""

    def __str__(self) -> str:
        text = f"{self.field}: {self.code.replace('_', ' ')}"
        if self.value:
            text += f" ({self.value!r})"
        if self.detail:
            text += f" - {self.detail}"
        return text


class ValidationError(ServiceError):
    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    def for_field(self, name: str) -> FieldError | None:
        return next((e for e in self.errors if e.field == name), None)


class ConflictError(ServiceError):
    """The record changed since it was loaded; nothing was written."""

    def __init__(self, table: str, row_id: object, expected: int | None, actual: int | None):
        self.table, self.row_id, self.expected, self.actual = table, row_id, expected, actual
        super().__init__(
            f"{table} {row_id} was changed by someone else "
            f"(you loaded version {expected}, it is now {actual}); nothing was saved"
        )


class NotFound(ServiceError):
    def __init__(self, table: str, row_id: object):
        self.table, self.row_id = table, row_id
        super().__init__(f"{table} {row_id} not found")


class PermissionDenied(ServiceError):
    pass


@dataclass(frozen=True)
class ChangeSet:
    """Which kinds of records a service call changed, so views reload only those."""

    kinds: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *kinds: str) -> "ChangeSet":
        return cls(frozenset(kinds))


class Cancelled(ServiceError):
    """The progress callback asked to stop. Work committed before the request stays."""


class PoolError(ServiceError):
    """A public-pool action that cannot be done now. ``code`` says why (views translate it):
    ``already_owned``, ``claim_limit``, ``not_owned``."""

    code = "pool"


class AlreadyOwned(PoolError):
    """The customer has an owner (someone claimed it first); nothing was written."""

    code = "already_owned"

    def __init__(self, customer_id: object, owner_id: object, owner_name: str = ""):
        self.customer_id, self.owner_id, self.owner_name = customer_id, owner_id, owner_name
        super().__init__(f"customer {customer_id} already belongs to "
                         f"{owner_name or owner_id}; it is not in the public pool")


class ClaimLimitReached(PoolError):
    """The user has claimed as many customers today as the team's daily limit allows."""

    code = "claim_limit"

    def __init__(self, limit: int, claimed: int):
        self.limit, self.claimed = limit, claimed
        super().__init__(f"daily claim limit reached: {claimed} of {limit} claimed today")


class NotOwned(PoolError):
    """The customer is already in the public pool (it has no owner to release it)."""

    code = "not_owned"

    def __init__(self, customer_id: object):
        self.customer_id = customer_id
        super().__init__(f"customer {customer_id} is already in the public pool")
