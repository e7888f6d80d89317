"""The import log (导入记录): one row per import of a file, and which records it created or
updated, with their version after the import (so an undo can tell whether a later edit
touched them) and, for updates, the values they had before."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id, utcnow
from .order import Order


class ImportStatus:
    RUNNING = "running"      # batches are being written (or the program stopped mid-way)
    DONE = "done"
    CANCELLED = "cancelled"  # the user stopped it: the batches committed before stay
    FAILED = "failed"
    UNDONE = "undone"


class ImportRun(Base):
    """One import of one file. The counts and ``next_row`` are updated in the transaction of
    each batch, so after a crash they say exactly what was written."""

    __tablename__ = "imports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))  # customers, contacts, orders, ...
    file_name: Mapped[str] = mapped_column(String(260))
    sheet: Mapped[str] = mapped_column(String(100), default="")
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default=ImportStatus.RUNNING)
    on_duplicate: Mapped[str] = mapped_column(String(8), default="skip")
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    # the first data row (as the spreadsheet numbers it) not yet written: where a resumed
    # import starts
    next_row: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    undone_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_imports_started", "started_at"),)


class ImportRow(Base):
    """A record an import created (``action`` "create") or updated ("update"): its table, id,
    version right after the import, and for an update the previous values of the fields it
    changed (``before``), which an undo puts back."""

    __tablename__ = "import_rows"

    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("imports.id"), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    __table_args__ = ({"sqlite_with_rowid": False},)


# An import finds the orders it already has by number; without this index every batch would
# scan the orders table. Declared here: it exists for the importer (revision 0012).
ORDER_NO_INDEX = Index("ix_orders_order_no", Order.order_no)
