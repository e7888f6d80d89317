"""The follow-up form (create, edit, complete, cancel) and the recurrence choices.

Recurrence is offered the way calendar users know it, relative to the chosen start ("every
2 weeks on Thursday", "monthly on the first Monday"), plus a custom RFC 5545 rule; an end
(never, on a date, after N times) is appended as UNTIL or COUNT. Editing an occurrence of a
series asks whether the change is for this occurrence or this and the following ones.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime, QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QComboBox, QDateEdit, QDateTimeEdit, QDialog, QFormLayout, QGroupBox,
    QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QRadioButton,
    QSpinBox, QVBoxLayout, QWidget,
)

from desktop_crm.services.calendar_items import ACTIVITY_TYPES, CalendarItem
from desktop_crm.services.errors import ConflictError, ServiceError, ValidationError
from desktop_crm.services.followups import CADENCE_NEXT, FOLLOWING, ONE, ActivityDetail

from . import fmt, labels
from .connection_banner import keep_until_back
from .opportunity_dialog import CustomerPicker, customer_search
from .widgets import dialog_buttons, error_label, field_row, tab_moves_focus
from . import ui_state

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
NTH = {1: QT_TRANSLATE_NOOP("Recurrence", "first"), 2: QT_TRANSLATE_NOOP("Recurrence", "second"),
       3: QT_TRANSLATE_NOOP("Recurrence", "third"), 4: QT_TRANSLATE_NOOP("Recurrence", "fourth"),
       -1: QT_TRANSLATE_NOOP("Recurrence", "last")}
REMINDERS = (None, 0, 5, 10, 15, 30, 60, 120, 24 * 60)
DURATION_STEP = 15


def _tr(text: str) -> str:
    return QCoreApplication.translate("Recurrence", text)


def _weekday_name(day: dt.date) -> str:
    return QLocale().dayName(day.isoweekday(), QLocale.FormatType.LongFormat)


def recurrence_presets(start: dt.date) -> list[tuple[str, str]]:
    """(label, rule) choices for a series starting on ``start``; "" does not repeat."""
    wd = WEEKDAYS[start.weekday()]
    nth = divmod(start.day - 1, 7)[0] + 1
    last = (start + dt.timedelta(days=7)).month != start.month
    name = _weekday_name(start)
    every_week = QCoreApplication.translate("Recurrence", "Every week on %1")
    every_2_weeks = QCoreApplication.translate("Recurrence", "Every 2 weeks on %1")
    monthly_day = QCoreApplication.translate("Recurrence", "Every month on day %1")
    monthly_nth = QCoreApplication.translate("Recurrence", "Every month on the %1 %2")
    yearly = QCoreApplication.translate("Recurrence", "Every year on %1")
    out = [(QCoreApplication.translate("Recurrence", "Does not repeat"), ""),
           (QCoreApplication.translate("Recurrence", "Every day"), "FREQ=DAILY"),
           (QCoreApplication.translate("Recurrence", "Every working day (Monday to Friday)"),
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
           (every_week.replace("%1", name), f"FREQ=WEEKLY;BYDAY={wd}"),
           (every_2_weeks.replace("%1", name), f"FREQ=WEEKLY;INTERVAL=2;BYDAY={wd}"),
           (monthly_day.replace("%1", str(start.day)), f"FREQ=MONTHLY;BYMONTHDAY={start.day}")]
    if nth <= 4:
        out.append((monthly_nth.replace("%1", _tr(NTH[nth])).replace("%2", name),
                    f"FREQ=MONTHLY;BYDAY={nth}{wd}"))
    if last:
        out.append((monthly_nth.replace("%1", _tr(NTH[-1])).replace("%2", name),
                    f"FREQ=MONTHLY;BYDAY=-1{wd}"))
    out.append((yearly.replace("%1", fmt.day_month(start)), "FREQ=YEARLY"))
    return out


def split_end(rule: str) -> tuple[str, str, Any]:
    """(the rule without its end, "never" | "until" | "count", the end's value)."""
    parts = [p for p in rule.split(";") if p]
    base = [p for p in parts if not p.upper().startswith(("UNTIL=", "COUNT="))]
    for p in parts:
        key, _eq, value = p.partition("=")
        if key.upper() == "COUNT":
            return ";".join(base), "count", int(value)
        if key.upper() == "UNTIL":
            day = dt.datetime.strptime(value[:8], "%Y%m%d").date()
            return ";".join(base), "until", day
    return ";".join(base), "never", None


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


class RecurrenceEditor(QWidget):
    """How a follow-up repeats: a preset or a custom rule, and when it ends."""

    def __init__(self, start: dt.date, rule: str = "", parent=None):
        super().__init__(parent)
        self._start = start
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.preset = QComboBox()
        self.custom = QLineEdit()
        self.custom.setPlaceholderText("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")
        self.custom.setToolTip(self.tr("An iCalendar (RFC 5545) recurrence rule"))
        lay.addWidget(self.preset)
        lay.addWidget(self.custom)
        ends = QHBoxLayout()
        self.end_never = QRadioButton(self.tr("No end"))
        self.end_until = QRadioButton(self.tr("Until"))
        self.until = QDateEdit()
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("yyyy-MM-dd")
        self.end_count = QRadioButton(self.tr("After"))
        self.count = QSpinBox()
        self.count.setRange(1, 999)
        self.count.setSuffix(self.tr(" times"))
        group = QButtonGroup(self)
        for w in (self.end_never, self.end_until, self.end_count):
            group.addButton(w)
        for w in (self.end_never, self.end_until, self.until, self.end_count, self.count):
            ends.addWidget(w)
        ends.addStretch(1)
        self.ends = QWidget()
        self.ends.setLayout(ends)
        ends.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.ends)
        base, end, value = split_end(rule)
        self.until.setDate(_qdate(value if end == "until" else start + dt.timedelta(days=90)))
        self.count.setValue(value if end == "count" else 10)
        {"never": self.end_never, "until": self.end_until, "count": self.end_count}[end] \
            .setChecked(True)
        self._fill(start, base)
        self.preset.currentIndexChanged.connect(self._sync)
        self._sync()
        self.initial = self.rule()  # what "unchanged" reads as

    def changed(self) -> bool:
        return self.rule() != self.initial

    def _fill(self, start: dt.date, base: str) -> None:
        self.preset.blockSignals(True)
        self.preset.clear()
        for text, rule in recurrence_presets(start):
            self.preset.addItem(text, rule)
        self.preset.addItem(self.tr("Custom rule…"), "custom")
        index = self.preset.findData(base)
        if index < 0:
            index = self.preset.count() - 1
            self.custom.setText(base)
        self.preset.setCurrentIndex(index)
        self.preset.blockSignals(False)

    def set_start(self, start: dt.date) -> None:
        """The presets name the start's weekday and day: follow a changed start."""
        if start == self._start:
            return
        old = recurrence_presets(self._start)
        index = self.preset.currentIndex()
        self._start = start
        custom = self.preset.currentData() == "custom"
        base = self.custom.text() if custom else ""
        self._fill(start, base)
        if not custom and index < len(old):
            self.preset.setCurrentIndex(index)
        self._sync()

    def _sync(self) -> None:
        data = self.preset.currentData()
        self.custom.setVisible(data == "custom")
        self.ends.setVisible(bool(data))

    def rule(self) -> str:
        data = self.preset.currentData()
        base = self.custom.text().strip() if data == "custom" else data
        if not base:
            return ""
        if self.end_until.isChecked():
            d = self.until.date().toPython()
            return f"{base};UNTIL={d.strftime('%Y%m%d')}T235959"
        if self.end_count.isChecked():
            return f"{base};COUNT={self.count.value()}"
        return base


class ActivityDialog(QDialog):
    """Plan or edit a follow-up: type, subject, customer, owner, start, duration, reminder,
    recurrence and notes. An existing open one can be completed or cancelled from here.

    Signals:
        changed(): something was saved (reload the calendar)
    """

    changed = Signal()

    def __init__(self, services, *, detail: ActivityDetail | None = None,
                 start: dt.datetime | None = None, customer: tuple[uuid.UUID, str] | None = None,
                 parent=None):
        super().__init__(parent)
        self.services = services
        self.detail = detail
        self.tz = services.followups.tz
        item = detail.item if detail else None
        closed = bool(detail and (detail.done_at or detail.cancelled_at))
        self.setWindowTitle(self.tr("Edit follow-up") if item else self.tr("New follow-up"))
        self.setMinimumWidth(560)
        ui_state.remember_size(self, "activity")
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.type = QComboBox()
        for code in ACTIVITY_TYPES:
            self.type.addItem(labels.label(labels.ACTIVITY_TYPES, code), code)
        self.type.setCurrentIndex(max(0, self.type.findData(item.type if item else "call")))
        self._row(form, "type", self.tr("Type"), self.type)
        self.subject = QLineEdit(item.subject if item else "")
        self.subject.setMaxLength(200)
        self.subject.setPlaceholderText(self.tr("e.g. Call about the quotation"))
        self._row(form, "subject", self.tr("Subject"), self.subject)
        self.customer = CustomerPicker(customer_search(services))
        if item and item.customer_id:
            self.customer.set_customer(item.customer_id, item.customer_name)
        elif customer:
            self.customer.set_customer(*customer)
        self._row(form, "customer_id", self.tr("Customer"), self.customer)
        self.owner = QComboBox()
        for u in services.users.list():
            self.owner.addItem(u.display_name, str(u.id))
        owner = item.owner_id if item and item.owner_id else services.user.id
        self.owner.setCurrentIndex(max(0, self.owner.findData(str(owner))))
        self.owner.setEnabled(services.user.role in ("admin", "manager"))
        self._row(form, "owner_id", self.tr("Owner"), self.owner)

        when = item.start if item else start or self._next_slot()
        local = when.astimezone(self.tz)
        self.start = QDateTimeEdit(QDateTime(_qdate(local.date()),
                                             QTime(local.hour, local.minute)))
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd HH:mm")
        self._row(form, "start", self.tr("Starts"), self.start)
        self.duration = QSpinBox()
        self.duration.setRange(5, 24 * 60)
        self.duration.setSingleStep(DURATION_STEP)
        self.duration.setSuffix(self.tr(" min"))
        self.duration.setValue(item.duration_minutes if item else 30)
        self._row(form, "duration_minutes", self.tr("Duration"), self.duration)
        self.reminder = QComboBox()
        for minutes in REMINDERS:
            self.reminder.addItem(reminder_text(minutes), -1 if minutes is None else minutes)
        rem = item.reminder_minutes if item else 15
        self.reminder.setCurrentIndex(max(0, self.reminder.findData(-1 if rem is None
                                                                    else rem)))
        self._row(form, "reminder_minutes", self.tr("Reminder"), self.reminder)
        self.recurrence = RecurrenceEditor(local.date(), detail.rrule if detail else "")
        self.start.dateChanged.connect(lambda d: self.recurrence.set_start(d.toPython()))
        self._row(form, "recurrence", self.tr("Repeats"), self.recurrence)
        self.notes = QPlainTextEdit(detail.notes if detail else "")
        self.notes.setMaximumHeight(90)
        self._row(form, "notes", self.tr("Notes"), self.notes)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        if detail and (detail.customer_phone or detail.customer_address or detail.contact_name):
            reach = QLabel(" · ".join(x for x in (
                detail.contact_name and f"{detail.contact_name} {detail.contact_phone}".strip(),
                detail.customer_phone, detail.customer_address) if x))
            reach.setWordWrap(True)
            reach.setStyleSheet("color: #475569;")
            lay.addWidget(reach)
        if detail and detail.done_at:
            done = QGroupBox(self.tr("Done"))
            dl = QVBoxLayout(done)
            dl.addWidget(QLabel(self.tr("Completed on %1").replace(
                "%1", fmt.datetime_long(detail.done_at, self.tz))))
            if detail.outcome:
                outcome = QLabel(detail.outcome)
                outcome.setWordWrap(True)
                dl.addWidget(outcome)
            lay.addWidget(done)
        elif detail and detail.cancelled_at:
            lay.addWidget(QLabel(self.tr("Cancelled on %1").replace(
                "%1", fmt.datetime_long(detail.cancelled_at, self.tz))))
        self.message = error_label()
        lay.addWidget(self.message)
        bottom = QHBoxLayout()
        if detail and not closed:
            self.complete_button = QPushButton(self.tr("Complete…"))
            self.complete_button.clicked.connect(self.complete)
            self.cancel_button = QPushButton(self.tr("Cancel follow-up"))
            self.cancel_button.clicked.connect(self.cancel_activity)
            bottom.addWidget(self.complete_button)
            bottom.addWidget(self.cancel_button)
        bottom.addStretch(1)
        buttons = dialog_buttons(self, self.save)
        bottom.addWidget(buttons)
        lay.addLayout(bottom)
        if closed:  # history: shown, not edited
            for w in (self.type, self.subject, self.customer, self.owner, self.start,
                      self.duration, self.reminder, self.recurrence, self.notes):
                w.setEnabled(False)
            buttons.button(buttons.StandardButton.Save).setEnabled(False)
        tab_moves_focus(self)

    def _next_slot(self) -> dt.datetime:
        """The next full hour from now, in the user's time zone."""
        now = dt.datetime.now(self.tz).replace(minute=0, second=0, microsecond=0)
        return now + dt.timedelta(hours=1)

    def _row(self, form: QFormLayout, key: str, text: str, field) -> None:
        field_row(form, self.errors, key, text, field)

    def values(self) -> dict[str, Any]:
        start = self.start.dateTime().toPython().replace(tzinfo=self.tz)
        rem = self.reminder.currentData()
        owner = self.owner.currentData()
        if self.customer.customer_id is None and self.customer.text().strip():
            self.customer.refresh()  # typed a full name without picking from the list
        return {"type": self.type.currentData(), "subject": self.subject.text(),
                "customer_id": self.customer.customer_id,
                "owner_id": uuid.UUID(owner) if owner else None, "start": start,
                "duration_minutes": self.duration.value(),
                "reminder_minutes": None if rem == -1 else rem,
                "notes": self.notes.toPlainText()}

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _show(self, err: Exception) -> None:
        if isinstance(err, ValidationError):
            for e in err.errors:
                label = self.errors.get(e.field, self.message)
                label.setText(labels.error_text(e) + (f" ({e.detail})" if e.field ==
                                                      "recurrence" and e.detail else ""))
                label.show()
        elif isinstance(err, ConflictError):
            self.message.setText(self.tr(
                "Someone else changed this follow-up after you opened it; nothing was saved. "
                "Close the form and open it again to see their changes."))
            self.message.show()
        else:
            self.message.setText(str(err))
            self.message.show()

    def _scope(self, question: str) -> str | None:
        """For an occurrence of a series: this one or this and the following (None: do
        nothing)."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Recurring follow-up"), question,
                          parent=self)
        one = box.addButton(self.tr("This follow-up"), QMessageBox.ButtonRole.AcceptRole)
        following = box.addButton(self.tr("This and the following"),
                                  QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QCoreApplication.translate("Buttons", "Cancel"),
                      QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        return ONE if clicked is one else FOLLOWING if clicked is following else None

    def save(self) -> None:
        for label in [*self.errors.values(), self.message]:
            label.hide()
        values = self.values()
        rule = self.recurrence.rule()
        f = self.services.followups
        try:
            if self.detail is None:
                f.create(values, rrule=rule)
            else:
                d = self.detail
                scope, rrule = ONE, None
                if d.series_id is not None:
                    if self.recurrence.changed():  # a new rule: for the rest of the series
                        scope, rrule = FOLLOWING, rule
                    else:
                        scope = self._scope(self.tr(
                            "Save the changes for this follow-up only, or for it and the "
                            "following ones of the series?"))
                        if scope is None:
                            return
                elif rule:
                    rrule = rule
                f.update(d.item.id, d.item.version, values, scope=scope, rrule=rrule)
        except ServiceError as err:
            self._show(err)
            return
        except Exception as exc:  # noqa: BLE001 - only a lost server is handled here
            if not keep_until_back(self, exc, self.save, self._say):
                raise
            return
        self.changed.emit()
        self.accept()

    def complete(self) -> None:
        dlg = CompleteDialog(self.services, self.detail.item, parent=self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.changed.emit()
            self.accept()

    def cancel_activity(self) -> None:
        d = self.detail
        if d.series_id is not None:
            scope = self._scope(self.tr("Cancel this follow-up only, or it and the following "
                                        "ones of the series?"))
            if scope is None:
                return
        else:
            answer = QMessageBox.question(self, self.tr("Cancel follow-up"), self.tr(
                "Cancel the follow-up “%1”?").replace("%1", d.item.subject))
            if answer != QMessageBox.StandardButton.Yes:
                return
            scope = ONE
        try:
            self.services.followups.cancel(d.item.id, d.item.version, scope=scope)
        except ServiceError as err:
            self._show(err)
            return
        self.changed.emit()
        self.accept()


def reminder_text(minutes: int | None) -> str:
    if minutes is None:
        return QCoreApplication.translate("Recurrence", "No reminder")
    if minutes == 0:
        return QCoreApplication.translate("Recurrence", "At the start")
    days, hours = divmod(minutes, 24 * 60)[0], divmod(minutes, 60)[0]
    if minutes % (24 * 60) == 0:
        return QCoreApplication.translate("Recurrence", "%n day(s) before", "", days)
    if minutes % 60 == 0:
        return QCoreApplication.translate("Recurrence", "%n hour(s) before", "", hours)
    return QCoreApplication.translate("Recurrence", "%n minute(s) before", "", minutes)


class CompleteDialog(QDialog):
    """Complete a follow-up: what came of it (it goes into the customer's history) and the
    next follow-up: by the tier's cadence, on a chosen date, or none."""

    def __init__(self, services, item: CalendarItem, parent=None, *, now=None):
        super().__init__(parent)
        self.services = services
        self.item = item
        self.now = now or (lambda: dt.datetime.now(dt.timezone.utc))
        self.result_value = None
        tz = services.followups.tz
        self.setWindowTitle(self.tr("Complete follow-up"))
        self.setMinimumWidth(460)
        lay = QVBoxLayout(self)
        head = QLabel(f"<b>{_esc(item.subject)}</b><br>{_esc(item.customer_name)}")
        head.setWordWrap(True)
        lay.addWidget(head)
        lay.addWidget(QLabel(self.tr("Outcome")))
        self.outcome = QPlainTextEdit()
        self.outcome.setPlaceholderText(self.tr(
            "What was agreed, what the customer needs next"))
        self.outcome.setMaximumHeight(110)
        lay.addWidget(self.outcome)
        box = QGroupBox(self.tr("Next follow-up"))
        bl = QVBoxLayout(box)
        self.by_cadence = QRadioButton(self.tr(
            "By the customer's cadence (if nothing else is planned)"))
        self.on_date = QRadioButton(self.tr("On"))
        self.next_when = QDateTimeEdit()
        self.next_when.setCalendarPopup(True)
        self.next_when.setDisplayFormat("yyyy-MM-dd HH:mm")
        local = self.now().astimezone(tz) + dt.timedelta(days=7)
        start_local = item.start.astimezone(tz)
        self.next_when.setDateTime(QDateTime(_qdate(local.date()),
                                             QTime(start_local.hour, start_local.minute)))
        self.none = QRadioButton(self.tr("None"))
        row = QHBoxLayout()
        row.addWidget(self.on_date)
        row.addWidget(self.next_when, 1)
        bl.addWidget(self.by_cadence)
        bl.addLayout(row)
        bl.addWidget(self.none)
        self.by_cadence.setChecked(bool(item.customer_id))
        self.none.setChecked(not item.customer_id)
        box.setEnabled(bool(item.customer_id))
        lay.addWidget(box)
        self.message = error_label()
        lay.addWidget(self.message)
        lay.addWidget(dialog_buttons(self, self.save, save=False))
        tab_moves_focus(self)

    def save(self) -> None:
        if self.by_cadence.isChecked():
            nxt: Any = CADENCE_NEXT
        elif self.on_date.isChecked():
            nxt = self.next_when.dateTime().toPython().replace(
                tzinfo=self.services.followups.tz)
        else:
            nxt = None
        texts = {"cadence_subject": self.tr("Follow up with {customer}")}
        try:
            self.result_value = self.services.followups.complete(
                self.item.id, self.item.version, self.outcome.toPlainText(), next_due=nxt,
                texts=texts, now=self.now())
        except ConflictError:
            self.message.setText(self.tr(
                "Someone else changed this follow-up meanwhile; nothing was saved. Reload "
                "the calendar and try again."))
            self.message.show()
            return
        except ServiceError as err:
            self.message.setText(labels.error_text(err.errors[0])
                                 if isinstance(err, ValidationError) else str(err))
            self.message.show()
            return
        except Exception as exc:  # noqa: BLE001 - only a lost server is handled here
            if not keep_until_back(self, exc, self.save, self._say):
                raise
            return
        self.accept()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
