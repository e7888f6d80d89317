"""Duplicate finding: pairs of customers a user said are not duplicates, and the indexes the
create-form warning looks phones and e-mail addresses up with."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SyncedMixin
from .customer import Customer


class DuplicateIgnore(SyncedMixin, Base):
    """Two customers that are not the same, so the finder does not offer them again. The
    pair is stored once, the smaller id first."""

    __tablename__ = "duplicate_ignores"

    customer_a: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    customer_b: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)

    __table_args__ = (UniqueConstraint("customer_a", "customer_b"),)


HAS_PHONE = text("phone <> ''")
HAS_PHONE2 = text("phone2 <> ''")
HAS_EMAIL = text("email <> ''")

# "A customer with this phone already exists": exact look-ups, partial (most rows have no
# second phone, many no e-mail).
_c = Customer.__table__.c
Index("ix_customers_phone", _c.phone, sqlite_where=HAS_PHONE, postgresql_where=HAS_PHONE)
Index("ix_customers_phone2", _c.phone2, sqlite_where=HAS_PHONE2, postgresql_where=HAS_PHONE2)
Index("ix_customers_email", _c.email, sqlite_where=HAS_EMAIL, postgresql_where=HAS_EMAIL)
