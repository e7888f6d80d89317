"""The errors of the services, as the command line says them in the user's language.

Services raise codes (``FieldError.code``, ``BackupError.code`` ...); their ``str()`` is
English for the logs. Where a QtCore-only module of the GUI has the words for a code
(views/labels.py, views/import_labels.py) they are used through ``cli_i18n.lookup``, so both
faces say the same; the texts the GUI keeps in its dialogs (QtWidgets modules, which the
command line does not import) are here in context ``Cli``, with the dialogs' English.
"""

from __future__ import annotations

import logging
import re

from desktop_crm.cli_i18n import QT_TRANSLATE_NOOP, Cli, lookup

log = logging.getLogger(__name__)

BACKUP = {  # BackupError.code (the restore dialog of views/main_window.py says the same)
    "missing": QT_TRANSLATE_NOOP("Cli", "there is no file {path}"),
    "not_sqlite": QT_TRANSLATE_NOOP("Cli", "{path} is not a Desktop CRM database"),
    "not_ours": QT_TRANSLATE_NOOP("Cli", "{path} is a database of another program, not of "
                                         "Desktop CRM"),
    "newer": QT_TRANSLATE_NOOP("Cli", "{path} was made by a newer version of Desktop CRM; "
                                      "update the app, then restore it"),
    "corrupt": QT_TRANSLATE_NOOP("Cli", "{path} is damaged and cannot be restored"),
    "in_use": QT_TRANSLATE_NOOP("Cli", "{path} is in use by another program (or is the "
                                       "database itself); close it and try again"),
    "server": QT_TRANSLATE_NOOP("Cli", "backup and restore work on a local SQLite database; "
                                       "back up a PostgreSQL server with pg_dump (and restore "
                                       "with pg_restore)"),
    "wrong_key": QT_TRANSLATE_NOOP("Cli", "{path} is not a Desktop CRM database, or it is "
                                          "encrypted with a key other than this database's"),
}
EXPORT = {  # ExportError.code
    "no_folder": QT_TRANSLATE_NOOP("Cli", "cannot export to {path}: the folder does not exist"),
    "is_folder": QT_TRANSLATE_NOOP("Cli", "cannot export to {path}: it is a folder, not a "
                                          "file"),
    "not_writable": QT_TRANSLATE_NOOP("Cli", "cannot export to {path}: cannot write there "
                                             "({detail})"),
}
NOT_FOUND = {  # NotFound.table
    "customers": QT_TRANSLATE_NOOP("Cli", "no customer with the code or id {id}"),
    "contacts": QT_TRANSLATE_NOOP("Cli", "no contact with the id {id}"),
    "activities": QT_TRANSLATE_NOOP("Cli", "no follow-up with the id {id}"),
    "opportunities": QT_TRANSLATE_NOOP("Cli", "no opportunity with the id {id}"),
    "pipeline_stages": QT_TRANSLATE_NOOP("Cli", "no pipeline stage with the id {id}"),
    "users": QT_TRANSLATE_NOOP("Cli", "no staff member with the id {id}"),
}
# FieldError codes (or (code, field)) that views/labels.py has no words for, or other words
# in these commands (the staff dialog's, the import's mapping file)
FIELD_CODES = {
    "login_exists": QT_TRANSLATE_NOOP("Cli", "The server already has a login called {value} "
                                             "(perhaps for another database). Choose another "
                                             "user name."),
    "invalid_login": QT_TRANSLATE_NOOP("Cli", "A user name is 2-63 lower-case letters, digits, "
                                              "_ . or -, starting with a letter: {value}"),
    "cannot_disable_self": QT_TRANSLATE_NOOP("Cli", "You cannot disable your own account."),
    "cannot_demote_self": QT_TRANSLATE_NOOP("Cli", "You cannot take away your own "
                                                   "administrator role."),
    "too_short": QT_TRANSLATE_NOOP("Cli", "Too short (at least {detail} characters)."),
    "missing_column": QT_TRANSLATE_NOOP("Cli", "missing column: the file has no column for "
                                               "this field"),
    "no_such_column": QT_TRANSLATE_NOOP("Cli", "the file has no column {value}"),
    "unknown_field": QT_TRANSLATE_NOOP("Cli", "not a field of this kind of record"),
    "wrong_kind": QT_TRANSLATE_NOOP("Cli", "the mapping is for {value}, not for {detail}"),
    "not_resumable": QT_TRANSLATE_NOOP("Cli", "import {value} cannot be continued"),
    "unreadable": QT_TRANSLATE_NOOP("Cli", "{value} cannot be read ({detail})"),
    ("invalid", "mapping"): QT_TRANSLATE_NOOP("Cli", "not a mapping file: it should look like "
                                                     "{detail}"),
}
FIELD_NAMES = {  # fields without a name in labels.FIELDS
    "username": QT_TRANSLATE_NOOP("Cli", "User name"),
    "password": QT_TRANSLATE_NOOP("Cli", "Password"),
    "role": QT_TRANSLATE_NOOP("Cli", "Role"),
    "team": QT_TRANSLATE_NOOP("Cli", "Team"),
    "manager_id": QT_TRANSLATE_NOOP("Cli", "Reports to"),
    "permissions": QT_TRANSLATE_NOOP("Cli", "Rights"),
    "active": QT_TRANSLATE_NOOP("Cli", "Active"),
    "mapping": QT_TRANSLATE_NOOP("Cli", "Mapping file"),
    "kind": QT_TRANSLATE_NOOP("Cli", "Kind of records"),
    "on_duplicate": QT_TRANSLATE_NOOP("Cli", "On duplicate"),
    "import": QT_TRANSLATE_NOOP("Cli", "Import"),
    "period": QT_TRANSLATE_NOOP("Cli", "Period"),
}
TARGET_FIELDS = {  # a targets file's columns (views/targets_dialog.py names them alike)
    "period": QT_TRANSLATE_NOOP("Cli", "Period"),
    "salesperson": QT_TRANSLATE_NOOP("Cli", "Salesperson"),
    "user_id": QT_TRANSLATE_NOOP("Cli", "Salesperson"),
    "team": QT_TRANSLATE_NOOP("Cli", "Team"),
    "revenue": QT_TRANSLATE_NOOP("Cli", "Revenue target"),
    "new_customers": QT_TRANSLATE_NOOP("Cli", "New customers target"),
    "header": QT_TRANSLATE_NOOP("Cli", "Header row"),
    "file": QT_TRANSLATE_NOOP("Cli", "File"),
}
TARGET_CODES = {  # (code, field or "") -> why a targets row was refused
    ("unknown", "team"): QT_TRANSLATE_NOOP("Cli", "No active salesperson is in a team called "
                                                  "“{value}”."),
    ("unknown", ""): QT_TRANSLATE_NOOP("Cli", "No active salesperson is called “{value}” "
                                              "(display name, user name or email)."),
    ("ambiguous", ""): QT_TRANSLATE_NOOP("Cli", "More than one salesperson is called "
                                                "“{value}”: {detail}. Use the user name."),
    ("duplicate", ""): QT_TRANSLATE_NOOP("Cli", "“{value}” is in the file twice; row {row} "
                                                "sets it already."),
    ("out_of_range", ""): QT_TRANSLATE_NOOP("Cli", "Must be zero or more: {value}"),
    ("invalid", "period"): QT_TRANSLATE_NOOP("Cli", "Not a month (2026-10) or a quarter "
                                                    "(2026-Q4): {value}"),
    ("invalid", "new_customers"): QT_TRANSLATE_NOOP("Cli", "Not a whole number: {value}"),
    ("invalid", "revenue"): QT_TRANSLATE_NOOP("Cli", "Not an amount: {value}"),
    ("required", "period"): QT_TRANSLATE_NOOP("Cli", "No period: add a Period column or give "
                                                     "--period."),
    ("required", "header"): QT_TRANSLATE_NOOP("Cli", "No header row found: the first rows "
                                                     "need a Salesperson or Team column and a "
                                                     "Revenue target or New customers target "
                                                     "column."),
    ("required", ""): QT_TRANSLATE_NOOP("Cli", "Neither a salesperson nor a team."),
    ("unreadable", ""): QT_TRANSLATE_NOOP("Cli", "The file cannot be read as an Excel "
                                                 "workbook."),
    ("unsupported_format", ""): QT_TRANSLATE_NOOP("Cli", "Only Excel workbooks (.xlsx) and CSV "
                                                         "files can be imported."),
    ("invalid_encoding", ""): QT_TRANSLATE_NOOP("Cli", "The file is neither UTF-8 nor GBK "
                                                       "text."),
}


def _labels():
    from desktop_crm.views import labels

    return labels


def field_name(field: str) -> str:
    text = FIELD_NAMES.get(field)
    if text:
        return Cli.tr(text)
    return _labels().label(_labels().FIELDS, field, lookup)


def reason(e) -> str:
    """Why a value was refused (a ``FieldError``), in the user's language."""
    labels = _labels()
    text = FIELD_CODES.get((e.code, e.field)) or FIELD_CODES.get(e.code)
    if text:
        return Cli.tr(text, value=e.value, detail=e.detail)
    if e.code in labels.ERRORS:
        return labels.error_text(e, lookup)
    return e.code.replace("_", " ") + (f" ({e.value})" if e.value else "")


def field_error_text(e, name=field_name) -> str:
    """A ``FieldError`` as one line: the field's name (``name(field)``) and why; a sentence
    that says what it is about stands alone."""
    if e.code in ("login_exists", "invalid_login", "cannot_disable_self",
                  "cannot_demote_self"):
        return reason(e)
    return Cli.tr("{field}: {reason}", field=name(e.field), reason=reason(e))


def target_error_text(e) -> str:
    """A refused row of a targets file (``targets.RowError``): where, which column, why."""
    text = TARGET_CODES.get((e.code, e.field)) or TARGET_CODES.get((e.code, ""))
    first = re.search(r"\d+", e.detail or "")  # duplicate: "also in row 3"
    why = (Cli.tr(text, value=e.value, detail=e.detail, row=first.group() if first else "?")
           if text else reason(e))
    column = TARGET_FIELDS.get(e.field)
    column = Cli.tr(column) if column else e.field
    file, row = getattr(e, "file", ""), getattr(e, "row", 0)
    if file and row:
        where = Cli.tr("{file}, row {row}", file=file, row=row)
    elif row:
        where = Cli.tr("row {row}", row=row)
    else:
        where = file
    if where:
        return Cli.tr("{where}: {column}: {reason}", where=where, column=column, reason=why)
    return Cli.tr("{field}: {reason}", field=column, reason=why)


def permission_text(exc) -> str:
    labels = _labels()
    code = exc.args[0] if exc.args else ""
    if code in labels.PERMISSION_ERRORS:
        return labels.permission_text(exc, lookup)
    # a refusal in words of its own (pool, follow-ups, team settings): the generic sentence,
    # the service's English after it
    return Cli.tr("You do not have the right to do this: {detail}", detail=str(exc))


def backup_text(exc) -> str:
    text = BACKUP.get(exc.code)
    if text is None:
        return str(exc)
    log.info("backup refused: %s", exc)  # the service's details (SQLite's words) in the log
    return Cli.tr(text, path=exc.path)


def error_text(exc: BaseException) -> str:
    """A service error (or ``SchemaError``) in the user's language, one line per problem;
    ``str(exc)`` for one without words here."""
    from desktop_crm.services.backup import BackupError
    from desktop_crm.services.cipher import CipherError
    from desktop_crm.services.container import SchemaError
    from desktop_crm.services.errors import (
        Cancelled, ClaimLimitReached, ConflictError, NotFound, PermissionDenied,
        ValidationError,
    )
    from desktop_crm.services.exporting import ExportError
    from desktop_crm.services.importing.readers import UnreadableFile

    if isinstance(exc, ValidationError):
        return "\n".join(field_error_text(e) for e in exc.errors)
    if isinstance(exc, PermissionDenied):
        return permission_text(exc)
    if isinstance(exc, ConflictError):
        return Cli.tr("someone else changed this record meanwhile; nothing was saved")
    if isinstance(exc, NotFound):
        text = NOT_FOUND.get(exc.table)
        return Cli.tr(text, id=exc.row_id) if text else str(exc)
    if isinstance(exc, BackupError):
        return backup_text(exc)
    if isinstance(exc, CipherError):
        log.info("encrypted database: %s", exc)
        return _labels().cipher_text(exc, lookup)
    if isinstance(exc, ExportError):
        text = EXPORT.get(exc.code)
        return Cli.tr(text, path=exc.path, detail=exc.detail or "-") if text else str(exc)
    if isinstance(exc, UnreadableFile):
        from desktop_crm.views.import_labels import unreadable_text

        return unreadable_text(exc, lookup)
    if isinstance(exc, ClaimLimitReached):
        return Cli.tr("daily claim limit reached: {claimed} of {limit} claimed today",
                      claimed=exc.claimed, limit=exc.limit)
    if isinstance(exc, Cancelled):
        return Cli.tr("cancelled")
    if isinstance(exc, SchemaError):
        return Cli.tr("the database {database} is at schema revision {current}, this app "
                      "needs {head}; run: desktop-crm init --db URL", database=exc.database,
                      current=exc.current or Cli.tr("none"), head=exc.head)
    return str(exc)
