"""The import wizard's texts in the user's language: kinds, fields, on-duplicate choices, how
records are matched, why a row was rejected (``Problem`` codes of services/importing) and why
a file could not be read. The services speak codes; these are their words (Qt translation)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP

from . import labels

_C = "ImportLabels"

KINDS = {
    "customers": QT_TRANSLATE_NOOP("ImportLabels", "Customers"),
    "contacts": QT_TRANSLATE_NOOP("ImportLabels", "Contacts"),
    "orders": QT_TRANSLATE_NOOP("ImportLabels", "Orders"),
    "interactions": QT_TRANSLATE_NOOP("ImportLabels", "Interactions"),
    "activities": QT_TRANSLATE_NOOP("ImportLabels", "Follow-ups"),
}
ON_DUPLICATE = {
    "skip": QT_TRANSLATE_NOOP("ImportLabels", "Skip"),
    "update": QT_TRANSLATE_NOOP("ImportLabels", "Update"),
    "fill": QT_TRANSLATE_NOOP("ImportLabels", "Fill empty fields only"),
}
ON_DUPLICATE_HELP = {
    "skip": QT_TRANSLATE_NOOP("ImportLabels", "Leave the existing record as it is (a contact "
                                             "taken from a customer list's contact column "
                                             "and not edited since is completed)."),
    "update": QT_TRANSLATE_NOOP("ImportLabels", "Overwrite the existing record with every "
                                                "value the row has (empty cells change "
                                                "nothing)."),
    "fill": QT_TRANSLATE_NOOP("ImportLabels", "Add what the existing record lacks; change "
                                              "nothing it already has."),
}
MATCHING = {
    "customers": QT_TRANSLATE_NOOP("ImportLabels", "A row is the same customer as one already "
                                                   "there when the customer code matches, "
                                                   "else the phone, else the email."),
    "contacts": QT_TRANSLATE_NOOP("ImportLabels", "A row is the same contact as one already "
                                                  "there when it has the same customer and "
                                                  "phone, email or name."),
    "orders": QT_TRANSLATE_NOOP("ImportLabels", "A row is the same order as one already there "
                                                "when the order number matches, else the "
                                                "customer, date and amount."),
    "interactions": QT_TRANSLATE_NOOP("ImportLabels", "A row is the same interaction as one "
                                                      "already there when the customer, time "
                                                      "and channel match."),
    "activities": QT_TRANSLATE_NOOP("ImportLabels", "A row is the same follow-up as one "
                                                    "already there when the customer, time "
                                                    "and subject match."),
}
# field names where labels.FIELDS has none, or says something else in an import
FIELDS = {
    "customer_code": QT_TRANSLATE_NOOP("ImportLabels", "Customer code"),
    "customer": QT_TRANSLATE_NOOP("ImportLabels", "Customer name"),
    "contact": QT_TRANSLATE_NOOP("ImportLabels", "Contact"),
    "is_primary": QT_TRANSLATE_NOOP("ImportLabels", "Main contact"),
    "order_no": QT_TRANSLATE_NOOP("ImportLabels", "Order number"),
    "order_date": QT_TRANSLATE_NOOP("ImportLabels", "Order date"),
    "amount": QT_TRANSLATE_NOOP("ImportLabels", "Amount"),
    "currency": QT_TRANSLATE_NOOP("ImportLabels", "Currency"),
    "status": QT_TRANSLATE_NOOP("ImportLabels", "Order status"),
    "user": QT_TRANSLATE_NOOP("ImportLabels", "Recorded by"),
    "subject": QT_TRANSLATE_NOOP("ImportLabels", "Subject"),
    "type": QT_TRANSLATE_NOOP("ImportLabels", "Follow-up type"),
    "due_at": QT_TRANSLATE_NOOP("ImportLabels", "Planned time"),
    "duration_minutes": QT_TRANSLATE_NOOP("ImportLabels", "Duration (minutes)"),
    "done": QT_TRANSLATE_NOOP("ImportLabels", "Done"),
}
KIND_FIELDS = {  # (kind, field): a name that depends on what is imported
    ("customers", "name"): QT_TRANSLATE_NOOP("ImportLabels", "Customer name"),
    ("customers", "kind"): QT_TRANSLATE_NOOP("ImportLabels", "Customer type"),
    ("contacts", "name"): QT_TRANSLATE_NOOP("ImportLabels", "Contact name"),
}
PROBLEMS = {
    "required": QT_TRANSLATE_NOOP("ImportLabels", "Required, but empty"),
    "invalid_phone": QT_TRANSLATE_NOOP("ImportLabels", "Not a valid phone number"),
    "invalid_email": QT_TRANSLATE_NOOP("ImportLabels", "Not a valid email address"),
    "invalid_date": QT_TRANSLATE_NOOP("ImportLabels", "Not a date (write it like 2024-03-05, "
                                                      "2024/3/5 or 2024年3月5日)"),
    "invalid_amount": QT_TRANSLATE_NOOP("ImportLabels", "Not an amount (write it like 1200, "
                                                        "1,200.50, ¥1,200 or 12万)"),
    "invalid_number": QT_TRANSLATE_NOOP("ImportLabels", "Not a whole number"),
    "invalid_choice": QT_TRANSLATE_NOOP("ImportLabels", "Not one of the choices: %1"),
    "invalid_yes_no": QT_TRANSLATE_NOOP("ImportLabels", "Not yes or no (write 是 or 否, 1 or "
                                                        "0)"),
    "out_of_range": QT_TRANSLATE_NOOP("ImportLabels", "Out of range"),
    "out_of_range_between": QT_TRANSLATE_NOOP("ImportLabels", "Out of range (%1 to %2)"),
    "too_long": QT_TRANSLATE_NOOP("ImportLabels", "Too long (at most %1 characters)"),
    "formula": QT_TRANSLATE_NOOP("ImportLabels", "A formula, not a value"),
    "unknown_owner": QT_TRANSLATE_NOOP("ImportLabels", "No user has this name"),
    "ambiguous_owner": QT_TRANSLATE_NOOP("ImportLabels", "More than one user has this name"),
    "unknown_customer": QT_TRANSLATE_NOOP("ImportLabels", "No customer has this code or name"),
    "ambiguous_customer": QT_TRANSLATE_NOOP("ImportLabels", "More than one customer has this "
                                                            "name: write the customer code"),
    "duplicate_in_file": QT_TRANSLATE_NOOP("ImportLabels", "The same record as row %1 of this "
                                                           "file"),
    "duplicate_order_no": QT_TRANSLATE_NOOP("ImportLabels", "This order number belongs to "
                                                            "another customer's order"),
    "duplicate": QT_TRANSLATE_NOOP("ImportLabels", "Already used by another record"),
    "unreadable": QT_TRANSLATE_NOOP("ImportLabels", "The file cannot be read from this row "
                                                    "on"),
}
UNREADABLE = {
    "not_found": QT_TRANSLATE_NOOP("ImportLabels", "There is no file %1."),
    "unsupported_format": QT_TRANSLATE_NOOP("ImportLabels", "%1 is not a spreadsheet: choose "
                                                            "an Excel workbook (.xlsx, .xls) "
                                                            "or a CSV file."),
    "invalid_encoding": QT_TRANSLATE_NOOP("ImportLabels", "%1 is not in an encoding this "
                                                          "program knows (UTF-8, GBK/GB18030 "
                                                          "or UTF-16). Save it from Excel as "
                                                          "“CSV UTF-8” or as a workbook."),
    "unreadable": QT_TRANSLATE_NOOP("ImportLabels", "%1 cannot be read: it is damaged, "
                                                    "protected by a password, or not what its "
                                                    "name says."),
    "no_sheet": QT_TRANSLATE_NOOP("ImportLabels", "%1 has no sheet to import."),
    "empty": QT_TRANSLATE_NOOP("ImportLabels", "There is nothing in %1."),
}
STATUS = {
    "running": QT_TRANSLATE_NOOP("ImportLabels", "Running or interrupted"),
    "done": QT_TRANSLATE_NOOP("ImportLabels", "Done"),
    "cancelled": QT_TRANSLATE_NOOP("ImportLabels", "Cancelled"),
    "failed": QT_TRANSLATE_NOOP("ImportLabels", "Failed"),
    "undone": QT_TRANSLATE_NOOP("ImportLabels", "Undone"),
}
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": QT_TRANSLATE_NOOP("ImportLabels", "UTF-8 with byte-order mark"),
    "gb18030": QT_TRANSLATE_NOOP("ImportLabels", "Chinese (GBK / GB18030)"),
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
}
DELIMITERS = {
    ",": QT_TRANSLATE_NOOP("ImportLabels", "comma"),
    ";": QT_TRANSLATE_NOOP("ImportLabels", "semicolon"),
    "\t": QT_TRANSLATE_NOOP("ImportLabels", "tab"),
    "|": QT_TRANSLATE_NOOP("ImportLabels", "vertical bar"),
}
# the stored codes of choice fields, in words (invalid_choice lists them)
_CHOICES = {"tier": labels.TIERS, "kind": labels.KINDS, "status": labels.ORDER_STATUS,
            "channel": labels.CHANNELS, "type": labels.ACTIVITY_TYPES}
_NOT_TRANSLATED = {"utf-8", "utf-16", "utf-16-le", "utf-16-be"}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_C, text)


def kind_name(kind: str) -> str:
    text = KINDS.get(kind)
    return _tr(text) if text else kind


def field_name(kind: str, name: str, translate=QCoreApplication.translate) -> str:
    """A field's name in the mapping step and the reports. ``translate``: the command line
    passes its own (cli_i18n.lookup: no QApplication)."""
    text = KIND_FIELDS.get((kind, name)) or FIELDS.get(name)
    if text:
        return translate(_C, text)
    return labels.label(labels.FIELDS, name, translate)


def on_duplicate_name(code: str) -> str:
    text = ON_DUPLICATE.get(code)
    return _tr(text) if text else code


def on_duplicate_help(code: str) -> str:
    text = ON_DUPLICATE_HELP.get(code)
    return _tr(text) if text else ""


def matching_help(kind: str) -> str:
    text = MATCHING.get(kind)
    return _tr(text) if text else ""


def status_name(code: str) -> str:
    text = STATUS.get(code)
    return _tr(text) if text else code


def encoding_name(encoding: str) -> str:
    text = ENCODINGS.get(encoding, encoding.upper())
    return text if encoding in _NOT_TRANSLATED or encoding not in ENCODINGS else _tr(text)


def delimiter_name(delimiter: str) -> str:
    text = DELIMITERS.get(delimiter)
    return _tr(text) if text else repr(delimiter)


def unreadable_text(exc, translate=QCoreApplication.translate) -> str:
    """Why a file could not be read (``readers.UnreadableFile``), in the user's language."""
    text = UNREADABLE.get(getattr(exc, "code", ""))
    if not text:
        return str(exc)
    return translate(_C, text).replace("%1", getattr(exc, "name", "") or "")


class Reasons:
    """Problem -> its reason in the user's language. Built on the GUI thread (every text
    translated there once), then a plain function any thread may call: the rejected rows'
    workbook is written in a worker. ``translate``: the command line passes its own
    (cli_i18n.lookup: no QApplication)."""

    def __init__(self, translate=QCoreApplication.translate):
        self.texts = {code: translate(_C, text) for code, text in PROBLEMS.items()}
        self.choice_words = {field: {code: labels.label(table, code, translate)
                                     for code in table}
                             for field, table in _CHOICES.items()}
        self.where = translate("ImportLabels", "%1: %2")
        self.separator = translate("ImportLabels", ", ")

    def reason(self, problem) -> str:
        """The reason alone (the table shows the row, column and value beside it)."""
        code, params = problem.code, problem.params or {}
        if code == "invalid_choice":
            if "choices" not in params:
                return self.texts["invalid_yes_no"]
            words = self.choice_words.get(problem.field, {})
            codes = [c.strip() for c in str(params["choices"]).split(",") if c.strip()]
            return self.texts[code].replace(
                "%1", self.separator.join(words.get(c, c) for c in codes))
        if code == "out_of_range" and "low" in params and "high" in params:
            return (self.texts["out_of_range_between"].replace("%1", f"{params['low']:,}")
                    .replace("%2", f"{params['high']:,}"))
        text = self.texts.get(code)
        if text is None:
            return code.replace("_", " ")
        if code == "too_long":
            return text.replace("%1", str(params.get("limit", "")))
        if code == "duplicate_in_file":
            return text.replace("%1", str(params.get("row", "")))
        return text

    def __call__(self, problem) -> str:
        """Column and reason, for the workbook's reason column."""
        reason = self.reason(problem)
        if not problem.column:
            return reason
        return self.where.replace("%1", problem.column).replace("%2", reason)
