"""``ImportService``: what the import wizard and ``desktop-crm import`` call."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from desktop_crm.models import ImportRun, User

from .. import shared_settings
from ..errors import ConflictError, FieldError, NotFound, ValidationError
from ..periods import local_zone
from . import readers
from .engine import ImportResult, Importer, Progress
from .fields import FIELDS, KINDS, ON_DUPLICATE
from .mapping import TEMPLATES_KEY, Mapping
from .readers import Source
from .report import english, write_rejected
from .rows import Problem
from .undo import undo


@dataclass(frozen=True)
class ImportRecord:
    """One entry of the import log."""

    id: uuid.UUID
    kind: str
    file_name: str
    sheet: str
    user: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str  # running, done, cancelled, failed, undone
    on_duplicate: str
    read: int
    imported: int
    updated: int
    skipped: int
    rejected: int
    next_row: int
    undone_at: dt.datetime | None
    mapping: dict[str, Any]


@dataclass(frozen=True)
class FieldInfo:
    """A field the mapping step offers: its name (translated by views), type and whether a
    column must fill it."""

    name: str
    type: str
    required: bool


class ImportService:
    """Imports of customers, contacts, orders, interactions and follow-ups from .xlsx / .csv.

    The wizard's steps: ``read`` a file (sheets, headers, preview, encoding), ``guess_mapping``
    (the user may change it, ``save_template``), ``validate`` (a full pass that writes
    nothing and says what an import would do), ``run`` (batches in their own transactions,
    cancellable through ``progress``), ``write_rejected``, and later ``history`` / ``undo``.
    ``tz``: the zone of the times written in files (default: this computer's).
    """

    def __init__(self, db, user, tz: dt.tzinfo | None = None):
        self.db = db
        self.user = user
        self.tz = tz or local_zone()

    # -- the file and its columns ---------------------------------------------------------------

    @staticmethod
    def kinds() -> tuple[str, ...]:
        return KINDS

    @staticmethod
    def fields(kind: str) -> list[FieldInfo]:
        _kind(kind)
        return [FieldInfo(f.name, f.type, f.required) for f in FIELDS[kind].values()]

    def read(self, path: str | os.PathLike, sheet: str | None = None) -> Source:
        """Raises ``readers.UnreadableFile`` (``code`` says why) when nothing can be read."""
        return readers.read(path, sheet)

    def guess_mapping(self, kind: str, headers: tuple[str, ...] | list[str]) -> Mapping:
        """Columns recognised by their Chinese or English headers; a saved template of this
        kind whose columns the file has all of wins when it maps more."""
        from .fields import guess_fields

        _kind(kind)
        guessed = Mapping(kind, guess_fields(kind, headers))
        have = set(headers)
        for t in self.templates(kind).values():
            if set(t.fields.values()) <= have and len(t.fields) > len(guessed.fields):
                guessed = t
        return guessed

    # -- checking and importing -----------------------------------------------------------------

    def validate(self, kind: str, source: Source, mapping: Mapping, on_duplicate: str = "skip",
                 progress: Progress | None = None) -> ImportResult:
        """Every row checked and matched as ``run`` would, nothing written: the counts say
        what an import would create, update and skip (``dry_run`` True)."""
        return self._pass(kind, source, mapping, on_duplicate, progress, dry_run=True)

    def run(self, kind: str, source: Source, mapping: Mapping, on_duplicate: str = "skip",
            progress: Progress | None = None, *, resume: uuid.UUID | None = None,
            batch_size: int | None = None) -> ImportResult:
        """Import: one transaction per batch, logged. ``progress(stage, done, total)``
        returning False stops it: the batch in progress is rolled back, those committed stay
        (recorded; the log entry says ``cancelled``) and ``errors.Cancelled`` is raised.
        ``resume``: an interrupted or cancelled import of this file to carry on from the
        first row it did not write."""
        if resume is not None:
            with self.db.read() as s:
                run = s.get(ImportRun, resume)
                if run is None:
                    raise NotFound("imports", resume)
                if run.kind != kind or run.status not in ("running", "cancelled", "failed"):
                    raise ValidationError([FieldError("import", "not_resumable", str(resume),
                                                      run.status)])
        return self._pass(kind, source, mapping, on_duplicate, progress, dry_run=False,
                          resume=resume, batch_size=batch_size)

    def _pass(self, kind, source, mapping, on_duplicate, progress, *, dry_run, resume=None,
              batch_size=None) -> ImportResult:
        _kind(kind)
        if on_duplicate not in ON_DUPLICATE:
            raise ValidationError([FieldError("on_duplicate", "invalid_choice", on_duplicate,
                                              ", ".join(ON_DUPLICATE))])
        mapping = Mapping(kind, dict(mapping.fields)).validate(source.headers)
        return Importer(self.db, self.user, kind, source, mapping, on_duplicate, progress,
                        dry_run, self.tz, batch_size, resume).run()

    @staticmethod
    def write_rejected(result: ImportResult, path: str | os.PathLike,
                       translate: Callable[[Problem], str] = english, *,
                       reason_header: str = "Reason", row_header: str = "Row") -> int:
        return write_rejected(result, path, translate=translate, reason_header=reason_header,
                              row_header=row_header)

    # -- the log --------------------------------------------------------------------------------

    def history(self, limit: int = 200) -> list[ImportRecord]:
        with self.db.read() as s:
            rows = s.execute(select(ImportRun, User.display_name)
                             .outerjoin(User, User.id == ImportRun.user_id)
                             .order_by(ImportRun.started_at.desc()).limit(limit)).all()
            return [ImportRecord(r.id, r.kind, r.file_name, r.sheet, name or "", r.started_at,
                                 r.finished_at, r.status, r.on_duplicate, r.rows_read,
                                 r.imported, r.updated, r.skipped, r.rejected, r.next_row,
                                 r.undone_at, dict(r.mapping or {}))
                    for r, name in rows]

    def undo(self, import_id: uuid.UUID) -> dict[str, int]:
        """Undo a whole import (``undo.UndoRefused`` when a record changed since)."""
        return undo(self.db, self.user, import_id)

    # -- templates ------------------------------------------------------------------------------

    def templates(self, kind: str | None = None) -> dict[str, Mapping]:
        value, _version = shared_settings.load(self.db, TEMPLATES_KEY)
        out = {}
        for name, data in ((value or {}).get("templates") or {}).items():
            try:
                m = Mapping.from_dict(data)
            except ValidationError:
                continue
            if kind is None or m.kind == kind:
                out[name] = m
        return out

    def save_template(self, name: str, kind: str, mapping: Mapping) -> None:
        """Save (or replace) a named mapping for the team."""
        _kind(kind)
        name = name.strip()
        if not name:
            raise ValidationError([FieldError("name", "required")])
        mapping = Mapping(kind, dict(mapping.fields)).validate()
        self._edit_templates(lambda t: t.__setitem__(name, mapping.to_dict()))

    def delete_template(self, name: str) -> None:
        self._edit_templates(lambda t: t.pop(name, None))

    def _edit_templates(self, change) -> None:
        for _attempt in range(3):  # someone saving another template at the same moment
            value, version = shared_settings.load(self.db, TEMPLATES_KEY)
            templates = dict((value or {}).get("templates") or {})
            change(templates)
            try:
                shared_settings.save(self.db, TEMPLATES_KEY, {"templates": templates}, version,
                                     self.user.id)
                return
            except ConflictError:
                continue
        raise ConflictError("shared_settings", TEMPLATES_KEY, None, None)


def _kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError([FieldError("kind", "invalid_choice", kind, ", ".join(KINDS))])
