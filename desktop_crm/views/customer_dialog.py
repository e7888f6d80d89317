"""Create or edit a customer, with validation messages next to each field."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QMessageBox,
    QPlainTextEdit, QVBoxLayout, QWidget,
)

from desktop_crm.services import conflicts
from desktop_crm.services.customers import CustomerRecord
from desktop_crm.services.errors import (
    ConflictError, FieldError, PermissionDenied, ServiceError, ValidationError,
)
from desktop_crm.services.text import EmailError, PhoneError, normalize_email, normalize_phone

from . import labels
from .conflict_dialog import DISCARDED, SAVED, ConflictDialog
from .connection_banner import keep_until_back
from .widgets import dialog_buttons, error_label, tab_moves_focus
from . import ui_state

log = logging.getLogger(__name__)

REGIONS = ("华东", "华北", "华南", "华中", "西南", "西北", "东北")
DUPLICATE_DELAY_MS = 400  # the duplicate check waits for typing to pause
WARNING_STYLE = "color: #8a6d00;"
WARNINGS = {
    "same_phone": QT_TRANSLATE_NOOP("CustomerDialog",
                                    "A customer with this phone already exists: %1"),
    "same_email": QT_TRANSLATE_NOOP("CustomerDialog",
                                    "A customer with this email address already exists: %1"),
    "same_name": QT_TRANSLATE_NOOP("CustomerDialog",
                                   "A customer with this name already exists: %1"),
    "similar": QT_TRANSLATE_NOOP("CustomerDialog",
                                 "A customer with a similar name already exists: %1"),
}


def _warning_for(reasons) -> str:
    for r in ("same_phone", "same_email", "same_name"):
        if r in reasons:
            return WARNINGS[r]
    return WARNINGS["similar"]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _default_check(parent) -> Callable[[dict[str, Any]], list] | None:
    """``check_new`` of the duplicate service of the window's ``services``, if it has one."""
    services = getattr(parent, "services", None)
    if services is None or not hasattr(services, "db"):
        return None
    svc = getattr(services, "duplicates", None)
    if svc is None:
        from desktop_crm.services.duplicates import DuplicateService

        svc = DuplicateService(services.db, services.user)
    return svc.check_new


class CustomerDialog(QDialog):
    """The customer form.

    ``save(values)`` is the service call (create, or update with the loaded version);
    the dialog stays open with the user's input whenever it raises.

    For a new customer, ``check_duplicates(values)`` (``DuplicateService.check_new``; by
    default the parent's ``services``) is called a moment after the name, phone or e-mail
    changes, and existing customers that look the same are named under the form, with a
    link that opens them.

    An existing customer's form has a History tab: ``history()`` returns its audit entries
    (by default the parent's ``services`` are asked).

    When an edit's save is stale (someone else saved the customer meanwhile) and the dialog
    has the ``service`` (``CustomerService``; by default the parent's ``services.customers``),
    the conflict dialog (``conflict_dialog``, issue 8) shows both versions field by field and
    saves what the user chooses; Cancel there comes back to this form as the user left it.

    Signals:
        saved(object): the CustomerRecord as stored
        open_existing(object): the id of an existing customer the user chose to open
    """

    saved = Signal(object)
    open_existing = Signal(object)

    def __init__(self, save: Callable[[dict[str, Any]], CustomerRecord], *,
                 record: CustomerRecord | None = None, owners: list[tuple[str, Any]] = (),
                 industries: list[str] = (), sources: list[str] = (), parent=None,
                 check_duplicates: Callable[[dict[str, Any]], list] | None = None,
                 history: Callable[[], list] | None = None,
                 service=None):
        super().__init__(parent)
        self._save = save
        self._record = record
        if service is None:
            service = getattr(getattr(parent, "services", None), "customers", None)
        self._service = service
        self.conflict_dialog: ConflictDialog | None = None
        if check_duplicates is None and record is None:
            check_duplicates = _default_check(parent)
        self._check_duplicates = check_duplicates
        self.setWindowTitle(self.tr("Edit customer") if record else self.tr("New customer"))
        self.setMinimumWidth(520)
        ui_state.remember_size(self, "customer")
        self.edits: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        kind = QComboBox()
        for code in ("company", "person"):
            kind.addItem(labels.label(labels.KINDS, code), code)
        self._add(form, "kind", kind)

        code = QLineEdit()
        code.setPlaceholderText(self.tr("Assigned automatically"))
        self._add(form, "code", code)
        name = QLineEdit()
        name.setPlaceholderText(self.tr("Company or person name"))
        self._add(form, "name", name)
        phone = QLineEdit()
        phone.setPlaceholderText(self.tr("e.g. 138 1234 5678 or 010 6552 9988"))
        self._add(form, "phone", phone)
        self._add(form, "phone2", QLineEdit())
        self._add(form, "email", QLineEdit())

        region = QComboBox()
        region.addItem("", "")
        for r in REGIONS:
            region.addItem(r, r)
        self._add(form, "region", region)
        self._add(form, "province", QLineEdit())
        self._add(form, "city", QLineEdit())
        self._add(form, "address", QLineEdit())
        self._add(form, "industry", self._editable_combo(industries))
        employees = QLineEdit()
        employees.setPlaceholderText(self.tr("Number of employees, e.g. 120"))
        self._add(form, "employees", employees)
        self._add(form, "source", self._editable_combo(sources))

        owner = QComboBox()
        owner.addItem(self.tr("(public pool)"), "")
        for display, user_id in owners:
            # Qt compares item data by identity for Python objects: keep ids as text.
            owner.addItem(display, str(user_id))
        self._add(form, "owner_id", owner)

        tier = QComboBox()
        for code_ in ("", "strategic", "growth", "basic", "dormant"):
            tier.addItem(labels.label(labels.TIERS, code_), code_)
        self._add(form, "tier", tier)

        tags = QLineEdit()
        tags.setPlaceholderText(self.tr("Separate tags with commas"))
        self._add(form, "tags", tags)
        notes = QPlainTextEdit()
        notes.setFixedHeight(max(80, 4 * notes.fontMetrics().lineSpacing() + 12))
        self._add(form, "notes", notes)

        self.general_error = error_label()
        self.duplicate_warning = QLabel()
        self.duplicate_warning.setObjectName("duplicate_warning")
        self.duplicate_warning.setWordWrap(True)
        self.duplicate_warning.setStyleSheet(WARNING_STYLE)
        self.duplicate_warning.setTextFormat(Qt.TextFormat.RichText)
        self.duplicate_warning.linkActivated.connect(self._open_existing)
        self.duplicate_warning.hide()
        self.matches: list = []
        self._dup_timer = QTimer(self)
        self._dup_timer.setSingleShot(True)
        self._dup_timer.setInterval(DUPLICATE_DELAY_MS)
        self._dup_timer.timeout.connect(self.check_duplicates)
        buttons = self.buttons = dialog_buttons(self, self.try_save)

        layout = QVBoxLayout(self)
        from .history_tab import HistoryWidget, with_history

        self.history: HistoryWidget | None = None
        services = getattr(parent, "services", None)
        if record is not None and history is None and hasattr(services, "db"):
            self.history = HistoryWidget.for_record(services, "customers", record.id)
        elif record is not None and history is not None:
            self.history = HistoryWidget(history)
        if self.history is not None:
            self.tabs = with_history(form, self.history)
            layout.addWidget(self.tabs)
        else:
            layout.addLayout(form)
        layout.addWidget(self.duplicate_warning)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)

        phone.editingFinished.connect(lambda: self._check_phone("phone"))
        self.edits["phone2"].editingFinished.connect(lambda: self._check_phone("phone2"))
        self.edits["email"].editingFinished.connect(self._check_email)
        if record:
            self._fill(record)
        elif self._check_duplicates is not None:
            for f in ("name", "phone", "phone2", "email", "city"):
                self.edits[f].textChanged.connect(self._dup_timer.start)
            kind.currentIndexChanged.connect(self._dup_timer.start)
        tab_moves_focus(self)

    # -- building -----------------------------------------------------------------

    def _editable_combo(self, values) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.addItem("")
        combo.addItems(list(values))
        return combo

    def _add(self, form: QFormLayout, field: str, widget: QWidget) -> None:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        err = error_label()
        err.setObjectName(f"error_{field}")
        lay.addWidget(err)
        label = labels.label(labels.FIELDS, field)
        if field == "name":
            label += " *"
        form.addRow(label, box)
        widget.setObjectName(f"edit_{field}")
        self.edits[field] = widget
        self.errors[field] = err

    def _fill(self, r: CustomerRecord) -> None:
        self._set("kind", r.kind)
        self._set("code", r.code)
        self._set("name", r.name)
        self._set("phone", r.phone_display)
        self._set("phone2", r.phone2_display)
        self._set("email", r.email)
        for f in ("region", "province", "city", "address", "industry", "source", "tier", "notes"):
            self._set(f, getattr(r, f))
        self._set("owner_id", str(r.owner_id) if r.owner_id else "")
        self._set("tags", ", ".join(r.tags))
        self._set("employees", "" if r.employees is None else str(r.employees))
        for f in getattr(r, "masked", ()):  # shown as 138****1234: not this user's to change
            w = self.edits.get(f)
            if isinstance(w, QLineEdit):
                w.setReadOnly(True)
                w.setToolTip(self.tr("Hidden: only the customer's owner, a manager or someone "
                                     "given the right sees it in full."))

    def _set(self, field: str, value) -> None:
        w = self.edits[field]
        if isinstance(w, QLineEdit):
            w.setText(value or "")
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(value or "")
        elif isinstance(w, QComboBox):
            i = w.findData(value)
            if i < 0 and w.isEditable():
                w.setEditText(value or "")
            else:
                w.setCurrentIndex(max(i, 0))

    def _get(self, field: str):
        w = self.edits[field]
        if isinstance(w, QLineEdit):
            return w.text()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QComboBox):
            return w.currentText() if w.isEditable() else w.currentData()
        return None

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {f: self._get(f) for f in self.edits if f != "tags"}
        out["owner_id"] = uuid.UUID(out["owner_id"]) if out["owner_id"] else None
        out["tags"] = [t for t in self._get("tags").replace("，", ",").split(",") if t.strip()]
        if self._record is not None:
            # Send only what changed, so a save never rewrites fields nobody touched.
            current = {
                "kind": self._record.kind, "code": self._record.code, "name": self._record.name,
                "phone": self._record.phone_display, "phone2": self._record.phone2_display,
                "email": self._record.email, "region": self._record.region,
                "province": self._record.province, "city": self._record.city,
                "address": self._record.address, "industry": self._record.industry,
                "source": self._record.source, "owner_id": self._record.owner_id,
                "tier": self._record.tier, "notes": self._record.notes,
                "tags": list(self._record.tags),
                "employees": "" if self._record.employees is None
                else str(self._record.employees),
            }
            out = {k: v for k, v in out.items() if v != current.get(k)}
        elif not out.get("code"):
            out.pop("code", None)
        return out

    # -- the duplicate warning ------------------------------------------------------

    def check_duplicates(self) -> None:
        """Name the existing customers that look like this new one (non-blocking)."""
        self._dup_timer.stop()
        if self._check_duplicates is None:
            return
        values = {f: self._get(f) for f in ("kind", "name", "phone", "phone2", "email",
                                             "province", "city")}
        try:
            self.matches = list(self._check_duplicates(values))
        except Exception as exc:  # noqa: BLE001 - a warning must never stop the form
            log.info("duplicate check failed: %r", exc)
            self.matches = []
        lines = []
        open_text = _escape(self.tr("open"))
        for m in self.matches[:3]:
            text = QCoreApplication.translate("CustomerDialog", _warning_for(m.reasons))
            who = f"{_escape(m.code)} {_escape(m.name)}"
            link = f'(<a href="{m.id}">{open_text}</a>)'
            lines.append(text.replace("%1", f"{who} {link}"))
        self.duplicate_warning.setText("<br>".join(lines))
        self.duplicate_warning.setVisible(bool(lines))

    def _open_existing(self, href: str) -> None:
        customer_id = uuid.UUID(href)
        self.open_existing.emit(customer_id)
        show = getattr(self.parent(), "show_customer", None)
        if callable(show):
            show(customer_id)
        self.reject()

    # -- validation ---------------------------------------------------------------

    def show_error(self, field: str, text: str) -> None:
        label = self.errors.get(field)
        if label is None:
            self.general_error.setText(text)
            self.general_error.show()
            return
        label.setText(text)
        label.setVisible(bool(text))

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()
        self.general_error.hide()

    def _check_phone(self, field: str) -> None:
        try:
            normalize_phone(self._get(field))
        except PhoneError:
            self.show_error(field, labels.error_text(
                FieldError(field, "invalid_phone", self._get(field).strip())))
        else:
            self.show_error(field, "")

    def _check_email(self) -> None:
        try:
            normalize_email(self._get("email"))
        except EmailError:
            self.show_error("email", labels.error_text(
                FieldError("email", "invalid_email", self._get("email").strip())))
        else:
            self.show_error("email", "")

    def try_save(self) -> bool:
        self.clear_errors()
        values = self.values()
        if self._record is not None and not values:
            self.accept()
            return True
        try:
            record = self._save(values)
        except ValidationError as exc:
            for err in exc.errors:
                self.show_error(err.field, labels.error_text(err))
            first = exc.errors[0].field if exc.errors else None
            if first in self.edits:
                self.edits[first].setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        except PermissionDenied as exc:
            self.show_error("", labels.permission_text(exc))
            return False
        except ConflictError:
            if self._service is not None and self._open_conflict(values):
                return False
            self.show_error("", self.tr(
                "Someone else changed this customer after you opened it. Nothing was saved: "
                "your edits are still in this form. Copy what you need, then close it and "
                "open the customer again to see their changes."))
            QMessageBox.warning(self, self.tr("Changed by someone else"), self.tr(
                "This customer was changed by someone else after you opened it, so your "
                "changes were not saved. They are still in the form."))
            return False
        except Exception as exc:  # noqa: BLE001 - only a lost server is handled here
            if not keep_until_back(self, exc, self.try_save,
                                   lambda text: self.show_error("", text)):
                raise
            return False
        self.saved.emit(record)
        self.accept()
        return True

    # -- someone else saved meanwhile (issue 8) ---------------------------------------

    def _display(self, field: str, value) -> str:
        """A value as this form shows it (for the conflict dialog)."""
        if field == "kind":
            return labels.label(labels.KINDS, value or "")
        if field == "tier":
            return labels.label(labels.TIERS, value or "")
        if field == "owner_id":
            combo = self.edits["owner_id"]
            i = combo.findData(str(value) if value else "")
            return combo.itemText(i) if i >= 0 else str(value or "")
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return "" if value is None else str(value)

    def _open_conflict(self, values: dict[str, Any]) -> bool:
        """Show the conflict dialog for a stale save of ``values`` (False: it could not)."""
        service = self._service
        try:
            comparison = conflicts.compare_customer(service, self._record, values)
        except ServiceError as exc:  # deleted or hidden meanwhile: the plain message
            log.info("conflict comparison failed: %r", exc)
            return False
        dlg = ConflictDialog(
            comparison, save=lambda c, choices: conflicts.save_customer(service, c, choices),
            recompare=lambda base, mine: conflicts.compare_customer(service, base, mine),
            display=self._display, parent=self)
        dlg.finished.connect(lambda result: self._conflict_done(dlg, result))
        self.conflict_dialog = dlg
        dlg.open()
        return True

    def _conflict_done(self, dlg: ConflictDialog, result: int) -> None:
        if result in (SAVED, DISCARDED):
            self.saved.emit(dlg.record)
            self.accept()
            return
        self.show_error("", self.tr(
            "Not saved: someone else changed this customer after you opened it. Your "
            "edits are still in this form; save again to compare them with theirs."))
