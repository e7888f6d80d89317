"""The opportunity form, and the two questions a move to Won or Lost asks.

Every dialog keeps the user's input open when the service refuses it (a validation message next
to the field, or a conflict message when someone else saved first).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QDateTime, QStringListModel, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QCompleter, QDateEdit, QDateTimeEdit, QDialog, QFormLayout,
    QGroupBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton,
    QSpinBox, QVBoxLayout,
)

from desktop_crm.services import conflicts
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services.errors import ConflictError, FieldError, ServiceError, ValidationError
from desktop_crm.services.pipeline import Card, OpportunityDetail

from . import fmt, labels, ui_state
from .conflict_dialog import DISCARDED, SAVED, ConflictDialog
from .connection_banner import keep_until_back
from .widgets import dialog_buttons, error_label, field_row, tab_moves_focus

DEFAULT_LOST_REASONS = (
    QT_TRANSLATE_NOOP("Labels", "Price too high"),
    QT_TRANSLATE_NOOP("Labels", "Chose a competitor"),
    QT_TRANSLATE_NOOP("Labels", "Budget cancelled"),
    QT_TRANSLATE_NOOP("Labels", "Requirements changed"),
    QT_TRANSLATE_NOOP("Labels", "No decision made"),
    QT_TRANSLATE_NOOP("Labels", "Product does not fit"),
    QT_TRANSLATE_NOOP("Labels", "Other"),
)


def default_lost_reasons() -> list[str]:
    """The lost reasons offered until a manager sets the team's list, in the UI language."""
    return [QCoreApplication.translate("Labels", r) for r in DEFAULT_LOST_REASONS]


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


def parse_amount(text: str) -> Decimal | None:
    """'1,250,000', '¥ 3 000.50' -> Decimal; None when it is not a number."""
    clean = text.replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    clean = clean.replace(" ", "").strip()
    if not clean:
        return Decimal("0")
    try:
        value = Decimal(clean)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class CustomerPicker(QLineEdit):
    """A line edit that completes customer names from the database (search by name, code,
    pinyin initials: the customer list's own search), 20 at a time.

    Signals:
        chosen(object): the customer id (None when the text no longer names one)
    """

    chosen = Signal(object)

    def __init__(self, search: Callable[[str], list[tuple[str, uuid.UUID]]], parent=None):
        super().__init__(parent)
        self._search = search
        self._ids: dict[str, uuid.UUID] = {}
        self.customer_id: uuid.UUID | None = None
        self.setPlaceholderText(self.tr("Type a name, code or pinyin initials"))
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated.connect(self._pick)
        self.setCompleter(completer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        self.textEdited.connect(lambda _t: self._timer.start())

    def set_customer(self, customer_id: uuid.UUID | None, name: str) -> None:
        self.customer_id = customer_id
        self._ids = {name: customer_id} if customer_id else {}
        self.setText(name)

    def refresh(self) -> None:
        text = self.text().strip()
        if self._ids.get(text) != self.customer_id or text not in self._ids:
            self.customer_id = None
        if not text:
            return
        found = self._search(text)
        self._ids = {label: cid for label, cid in found}
        self._model.setStringList([label for label, _cid in found])
        if text in self._ids:
            self._pick(text)
        elif found:
            self.completer().complete()

    def _pick(self, text: str) -> None:
        self.customer_id = self._ids.get(text)
        self.setText(text)
        self.chosen.emit(self.customer_id)


def customer_search(services) -> Callable[[str], list[tuple[str, uuid.UUID]]]:
    """The picker's search: the customer list's query, first 20 by name."""
    def search(text: str) -> list[tuple[str, uuid.UUID]]:
        page = services.customers.page(CustomerQuery(text=text), limit=20)
        return [(f"{r.name} ({r.code})", r.id) for r in page.rows]
    return search


class OpportunityDialog(QDialog):
    """Create or edit an opportunity: title, customer, amount, probability, expected close,
    owner, notes, and its next follow-up.

    Signals:
        saved(Card): the opportunity as stored
        deleted(object): its id, after Delete
    """

    saved = Signal(object)
    deleted = Signal(object)

    def __init__(self, services, *, detail: OpportunityDetail | None = None,
                 stage_id: uuid.UUID | None = None, owners: list[tuple[str, Any]] = (),
                 parent=None):
        super().__init__(parent)
        self.services = services
        self.detail = detail
        self.conflict_dialog: ConflictDialog | None = None  # after a stale save (issue 8)
        self.stage_id = stage_id
        self._created: Card | None = None  # a new deal saved, its follow-up not yet
        card = detail.card if detail else None
        self.setWindowTitle(self.tr("Edit opportunity") if card else self.tr("New opportunity"))
        self.setMinimumWidth(540)
        ui_state.remember_size(self, "opportunity")
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.title_edit = QLineEdit(card.title if card else "")
        self.title_edit.setMaxLength(200)
        self._row(form, "title", self.tr("Title"), self.title_edit)
        self.customer = CustomerPicker(customer_search(services))
        if card:
            self.customer.set_customer(card.customer_id, card.customer_name)
        self._row(form, "customer_id", self.tr("Customer"), self.customer)
        self.amount = QLineEdit(f"{card.amount:,.2f}" if card else "")
        self.amount.setPlaceholderText("0.00")
        self._row(form, "amount", self.tr("Amount (¥)"), self.amount)
        self.probability = QSpinBox()
        self.probability.setRange(0, 100)
        self.probability.setSuffix(" %")
        self.probability.setValue(card.probability if card else self._stage_probability())
        self._row(form, "probability", self.tr("Win probability"), self.probability)
        close_row = QHBoxLayout()
        self.has_close = QCheckBox(self.tr("Expected to close on"))
        self.close_date = QDateEdit()
        self.close_date.setCalendarPopup(True)
        self.close_date.setDisplayFormat("yyyy-MM-dd")
        when = card.expected_close if card and card.expected_close else (
            dt.date.today() + dt.timedelta(days=30))
        self.close_date.setDate(_qdate(when))
        self.has_close.setChecked(bool(card and card.expected_close) or card is None)
        self.close_date.setEnabled(self.has_close.isChecked())
        self.has_close.toggled.connect(self.close_date.setEnabled)
        close_row.addWidget(self.has_close)
        close_row.addWidget(self.close_date, 1)
        self._row(form, "expected_close", self.tr("Close date"), close_row)
        self.owner = QComboBox()
        self.owner.addItem(self.tr("Unassigned"), "")
        for name, uid in owners:
            self.owner.addItem(name, str(uid))
        owner_id = card.owner_id if card else services.user.id
        self.owner.setCurrentIndex(max(0, self.owner.findData(str(owner_id) if owner_id
                                                              else "")))
        self._row(form, "owner_id", self.tr("Owner"), self.owner)
        if card:
            stage = QLabel(self._stage_text(card))
            form.addRow(self.tr("Stage"), stage)
        self.notes = QPlainTextEdit(detail.notes if detail else "")
        self.notes.setPlaceholderText(self.tr("Products, quantities, what the customer needs"))
        self.notes.setMaximumHeight(110)
        self._row(form, "notes", self.tr("Products and notes"), self.notes)

        # the next follow-up
        box = QGroupBox(self.tr("Next follow-up"))
        fl = QFormLayout(box)
        nxt = detail.next_follow_up if detail else None
        self.next_label = QLabel(
            self.tr("%1 on %2 (%3)").replace("%1", nxt.subject)
            .replace("%2", fmt.datetime_long(nxt.due_at))
            .replace("%3", labels.label(labels.ACTIVITY_TYPES, nxt.type))
            if nxt else self.tr("None planned"))
        self.next_label.setWordWrap(True)
        fl.addRow(self.tr("Planned"), self.next_label)
        self.plan = QCheckBox(self.tr("Plan a follow-up"))
        self.plan.setChecked(nxt is None and card is None)
        fl.addRow(self.plan)
        self.fu_subject = QLineEdit()
        self.fu_subject.setPlaceholderText(self.tr("e.g. Call to discuss the quotation"))
        self.fu_type = QComboBox()
        for code in ("call", "visit", "meeting", "email", "wechat", "task"):
            self.fu_type.addItem(labels.label(labels.ACTIVITY_TYPES, code), code)
        self.fu_when = QDateTimeEdit()
        self.fu_when.setCalendarPopup(True)
        self.fu_when.setDisplayFormat("yyyy-MM-dd HH:mm")
        tomorrow = QDateTime(QDate.currentDate().addDays(1), QTime(10, 0))
        self.fu_when.setDateTime(tomorrow)
        fl.addRow(self.tr("Subject"), self.fu_subject)
        self.errors["follow_up_subject"] = error_label()
        fl.addRow("", self.errors["follow_up_subject"])
        fl.addRow(self.tr("Type"), self.fu_type)
        fl.addRow(self.tr("When"), self.fu_when)
        for w in (self.fu_subject, self.fu_type, self.fu_when):
            w.setEnabled(self.plan.isChecked())
            self.plan.toggled.connect(w.setEnabled)

        self.message = error_label()
        buttons = dialog_buttons(self, self.save)
        lay = QVBoxLayout(self)
        from .history_tab import HistoryWidget, with_history

        self.history: HistoryWidget | None = None
        if card:  # an existing opportunity: the form and its History on tabs
            details = QVBoxLayout()
            details.addLayout(form)
            details.addWidget(box)
            self.history = HistoryWidget.for_record(services, "opportunities", card.id)
            self.tabs = with_history(details, self.history)
            lay.addWidget(self.tabs)
        else:
            lay.addLayout(form)
            lay.addWidget(box)
        lay.addWidget(self.message)
        bottom = QHBoxLayout()
        if card:
            self.delete_button = QPushButton(self.tr("Delete"))
            self.delete_button.clicked.connect(self.delete)
            bottom.addWidget(self.delete_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        lay.addLayout(bottom)
        if card:  # made after the buttons, shown left of them: Tab reaches it first
            self.setTabOrder(self.fu_when, self.delete_button)
        tab_moves_focus(self)

    def _stage_probability(self) -> int:
        stages = self.services.pipeline.stages()
        stage = next((s for s in stages if s.id == self.stage_id), stages[0])
        return stage.probability

    def _stage_text(self, card: Card) -> str:
        stage = next((s for s in self.services.pipeline.stages() if s.id == card.stage_id),
                     None)
        name = labels.stage_name(stage) if stage else ""
        return self.tr("%1, for %n day(s)", "", card.days_in_stage).replace("%1", name)

    def _row(self, form: QFormLayout, key: str, text: str, field) -> None:
        field_row(form, self.errors, key, text, field)

    def values(self) -> dict[str, Any]:
        amount = parse_amount(self.amount.text())
        owner = self.owner.currentData()
        return {"title": self.title_edit.text(), "customer_id": self.customer.customer_id,
                "amount": amount if amount is not None else self.amount.text(),
                "probability": self.probability.value(),
                "expected_close": _pydate(self.close_date.date())
                if self.has_close.isChecked() else None,
                "owner_id": uuid.UUID(owner) if owner else None,
                "notes": self.notes.toPlainText()}

    def _show_errors(self, err: ValidationError) -> None:
        for e in err.errors:
            label = self.errors.get(e.field)
            if label is not None:
                label.setText(labels.error_text(e))
                label.show()
            else:
                self.message.setText(labels.error_text(e))
                self.message.show()

    def save(self) -> None:
        for label in [*self.errors.values(), self.message]:
            label.hide()
        values = self.values()
        if values["customer_id"] is None and self.customer.text().strip():
            self.customer.refresh()  # typed a full name without picking from the list
            values["customer_id"] = self.customer.customer_id
        if self.plan.isChecked() and not self.fu_subject.text().strip():
            self.errors["follow_up_subject"].setText(
                labels.error_text(FieldError("follow_up_subject", "required")))
            self.errors["follow_up_subject"].show()
            return
        pipeline = self.services.pipeline
        try:
            if self.detail is not None:
                card = pipeline.update(self.detail.card.id, values, self.detail.card.version)
            elif self._created is not None:  # made before the server went away: not again
                card = self._created
            else:
                card = self._created = pipeline.create({**values, "stage_id": self.stage_id})
            if self.plan.isChecked():
                when = self.fu_when.dateTime().toPython().astimezone()
                pipeline.plan_follow_up(card.id, self.fu_subject.text(), when,
                                        self.fu_type.currentData())
        except ValidationError as err:
            self._show_errors(err)
            return
        except ConflictError:
            if self.detail is not None and self._open_conflict(values):
                return
            self.message.setText(self.tr(
                "Someone else changed this opportunity after you opened it; nothing was saved. "
                "Close the form and open it again to see their changes."))
            self.message.show()
            return
        except ServiceError as err:
            self.message.setText(str(err))
            self.message.show()
            return
        except Exception as exc:  # noqa: BLE001 - only a lost server is handled here
            if not keep_until_back(self, exc, self.save, self._say):
                raise
            return
        self.saved.emit(card)
        self.accept()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    # -- someone else saved meanwhile (issue 8) ---------------------------------------

    def _field_label(self, field: str) -> str:
        return {"title": self.tr("Title"), "customer_id": self.tr("Customer"),
                "amount": self.tr("Amount (¥)"), "probability": self.tr("Win probability"),
                "expected_close": self.tr("Close date"), "owner_id": self.tr("Owner"),
                "notes": self.tr("Products and notes")}.get(field, field)

    def _display(self, field: str, value) -> str:
        if value is None or value == "":
            return ""
        if field == "customer_id":
            if value == self.customer.customer_id:
                return self.customer.text()
            try:
                return self.services.customers.get(value).name
            except ServiceError:
                return str(value)
        if field == "owner_id":
            i = self.owner.findData(str(value))
            return self.owner.itemText(i) if i >= 0 else str(value)
        if field == "amount":
            return fmt.money(value) if isinstance(value, Decimal) else str(value)
        if field == "probability":
            return f"{value} %"
        if field == "expected_close":
            return fmt.date_cell(value)
        return str(value)

    def _open_conflict(self, values: dict[str, Any]) -> bool:
        """Show the conflict dialog for a stale save of ``values`` (False: it could not)."""
        pipeline = self.services.pipeline
        try:
            comparison = conflicts.compare_opportunity(pipeline, self.detail, values)
        except ServiceError:  # deleted meanwhile: the plain message
            return False
        dlg = ConflictDialog(
            comparison,
            save=lambda c, choices: conflicts.save_opportunity(pipeline, c, choices),
            recompare=lambda base, mine: conflicts.compare_opportunity(pipeline, base, mine),
            display=self._display, field_label=self._field_label, parent=self)
        dlg.finished.connect(lambda result: self._conflict_done(dlg, result))
        self.conflict_dialog = dlg
        dlg.open()
        return True

    def _conflict_done(self, dlg: ConflictDialog, result: int) -> None:
        if result == DISCARDED:
            self.saved.emit(dlg.record.card)
            self.accept()
            return
        if result != SAVED:
            self.message.setText(self.tr(
                "Not saved: someone else changed this opportunity after you opened it. Your "
                "edits are still in this form; save again to compare them with theirs."))
            self.message.show()
            return
        card = dlg.record
        if self.plan.isChecked():
            when = self.fu_when.dateTime().toPython().astimezone()
            try:
                self.services.pipeline.plan_follow_up(card.id, self.fu_subject.text(), when,
                                                      self.fu_type.currentData())
            except ServiceError as err:  # the deal is saved; the follow-up is not
                self.saved.emit(card)
                self.message.setText(str(err))
                self.message.show()
                return
        self.saved.emit(card)
        self.accept()

    def delete(self) -> None:
        card = self.detail.card
        answer = QMessageBox.question(
            self, self.tr("Delete opportunity"),
            self.tr("Delete the opportunity “%1”?").replace("%1", card.title))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.services.pipeline.delete(card.id, card.version)
        except ServiceError as err:
            self.message.setText(str(err) if not isinstance(err, ConflictError) else self.tr(
                "Someone else changed this opportunity after you opened it; nothing was "
                "deleted."))
            self.message.show()
            return
        self.deleted.emit(card.id)
        self.accept()


class WonDialog(QDialog):
    """Moving a deal to Won: the final amount and the close date."""

    def __init__(self, card: Card, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Deal won"))
        self.card = card
        form = QFormLayout()
        form.addRow(QLabel(self.tr("“%1” with %2").replace("%1", card.title)
                           .replace("%2", card.customer_name)))
        self.amount = QLineEdit(f"{card.amount:,.2f}")
        form.addRow(self.tr("Final amount (¥)"), self.amount)
        self.amount_error = error_label()
        form.addRow("", self.amount_error)
        self.close_date = QDateEdit(QDate.currentDate())
        self.close_date.setCalendarPopup(True)
        self.close_date.setDisplayFormat("yyyy-MM-dd")
        self.close_date.setMaximumDate(QDate.currentDate().addDays(1))
        form.addRow(self.tr("Close date"), self.close_date)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(dialog_buttons(self, self._accept, save=False))
        tab_moves_focus(self)

    @property
    def final_amount(self) -> Decimal | None:
        return parse_amount(self.amount.text())

    @property
    def date(self) -> dt.date:
        return _pydate(self.close_date.date())

    def _accept(self) -> None:
        if self.final_amount is None or self.final_amount < 0:
            self.amount_error.setText(self.tr("Enter the amount the customer agreed to, "
                                              "for example 120,000."))
            self.amount_error.show()
            return
        self.accept()


class LostDialog(QDialog):
    """Moving a deal to Lost: a reason from the team's list (required) and a comment."""

    def __init__(self, card: Card, reasons: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Deal lost"))
        form = QFormLayout()
        form.addRow(QLabel(self.tr("“%1” with %2").replace("%1", card.title)
                           .replace("%2", card.customer_name)))
        self.reason = QComboBox()
        self.reason.addItem(self.tr("Choose a reason…"), "")
        for r in reasons:
            self.reason.addItem(r, r)
        form.addRow(self.tr("Lost reason"), self.reason)
        self.reason_error = error_label()
        form.addRow("", self.reason_error)
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText(self.tr("What happened (optional)"))
        self.comment.setMaximumHeight(80)
        form.addRow(self.tr("Comment"), self.comment)
        self.ok = dialog_buttons(self, self._accept, save=False)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.ok)
        tab_moves_focus(self)

    @property
    def chosen(self) -> str:
        return self.reason.currentData() or ""

    def _accept(self) -> None:
        if not self.chosen:
            self.reason_error.setText(self.tr("Choose why the deal was lost: it feeds the "
                                              "lost-reason figures of the monthly report."))
            self.reason_error.show()
            return
        self.accept()
