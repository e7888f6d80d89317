"""The team's SLA settings: business hours, the response and resolution targets per priority
(and optionally per customer tier), and what happens near and at a breach. Managers and
admins change them; everyone else sees them."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDoubleSpinBox, QFormLayout, QGridLayout, QHBoxLayout,
    QLabel, QPushButton, QSpinBox, QTabWidget, QTimeEdit, QVBoxLayout, QWidget,
)

from desktop_crm.services import shared_settings
from desktop_crm.services.business_hours import BUSINESS_HOURS_KEY, BusinessHours
from desktop_crm.services.errors import ServiceError, ValidationError
from desktop_crm.services.shared_settings import MANAGER_ROLES
from desktop_crm.services.tickets import PRIORITIES, EscalationRules

from . import labels
from .widgets import dialog_buttons, error_label, settings_error

ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo",
         "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "UTC")
TIERS = ("strategic", "growth", "basic", "dormant")
NOTE_STYLE = "color: #475569;"


def _qtime(text: str) -> QTime:
    h, m = (int(x) for x in text.split(":"))
    return QTime(0, 0) if h == 24 else QTime(h, m)


class IntervalRow(QWidget):
    """One working interval of a day: from, to, and a remove button."""

    def __init__(self, start: str, end: str, remove, parent=None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.start = QTimeEdit(_qtime(start))
        self.end = QTimeEdit(_qtime(end))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.end.setToolTip(self.tr("00:00 as the end means midnight, the end of the day"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(lambda: remove(self))
        lay.addWidget(self.start)
        lay.addWidget(QLabel("–"))
        lay.addWidget(self.end)
        lay.addWidget(self.remove_button)
        lay.addStretch(1)

    def value(self) -> tuple[str, str]:
        end = self.end.time().toString("HH:mm")
        return self.start.time().toString("HH:mm"), "24:00" if end == "00:00" else end


class SlaSettingsDialog(QDialog):
    """Three tabs: business hours, SLA targets, escalation. Save writes what changed and makes
    the ticket service reload its business calendar."""

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.editable = services.user.role in MANAGER_ROLES
        self.setWindowTitle(self.tr("SLA settings"))
        self.setMinimumSize(640, 520)
        tickets = services.tickets
        self.hours, self.hours_version = shared_settings.load_rules(
            services.db, BUSINESS_HOURS_KEY, BusinessHours)
        self.rules, self.rules_version = tickets.rules()
        # (priority, tier) -> (response minutes, resolve minutes); tier "" for any tier
        self.stored = {(p.priority, p.tier): (p.response_minutes, p.resolve_minutes)
                       for p in tickets.policies()}
        self.targets = dict(self.stored)
        self._shown_tier = ""

        self.tabs = QTabWidget()
        self.tabs.addTab(self._hours_tab(), self.tr("Business hours"))
        self.tabs.addTab(self._targets_tab(), self.tr("SLA targets"))
        self.tabs.addTab(self._escalation_tab(), self.tr("Escalation"))

        self.note = QLabel(self.tr(
            "New hours and targets apply to tickets opened from now on, and to a ticket when "
            "its priority changes or it resumes after waiting on the customer.")
            if self.editable else self.tr("Only a manager or an admin can change the SLA "
                                          "settings."))
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        self.message = error_label()
        self.buttons = dialog_buttons(self, self.save)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.note)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        if not self.editable:
            for i in range(self.tabs.count()):
                self.tabs.widget(i).setEnabled(False)
            self.buttons.button(self.buttons.StandardButton.Save).setEnabled(False)

    # -- business hours -----------------------------------------------------------------------

    def _hours_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        days = QHBoxLayout()
        self.days: list[QCheckBox] = []
        for d in range(7):  # Monday first
            box = QCheckBox(self.locale().dayName(d + 1))
            box.setChecked(d in self.hours.days)
            self.days.append(box)
            days.addWidget(box)
        days.addStretch(1)
        form.addRow(self.tr("Working days"), days)
        holder = QWidget()
        self.interval_layout = QVBoxLayout(holder)
        self.interval_layout.setContentsMargins(0, 0, 0, 0)
        self.intervals: list[IntervalRow] = []
        for start, end in self.hours.intervals:
            self.add_interval(start, end)
        self.add_button = QPushButton(self.tr("Add interval"))
        self.add_button.clicked.connect(lambda: self.add_interval())
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        box = QVBoxLayout()
        box.addWidget(holder)
        box.addLayout(add_row)
        form.addRow(self.tr("Working hours"), box)
        self.tz = QComboBox()
        for zone in ZONES:
            self.tz.addItem(zone, zone)
        if self.tz.findData(self.hours.tz) < 0:
            self.tz.addItem(self.hours.tz, self.hours.tz)
        self.tz.setCurrentIndex(self.tz.findData(self.hours.tz))
        form.addRow(self.tr("Time zone"), self.tz)
        self.holidays = QCheckBox(self.tr("Follow the Chinese public-holiday calendar (调休)"))
        self.holidays.setChecked(self.hours.chinese_holidays)
        self.holidays.setToolTip(self.tr("Public holidays are days off and the adjusted "
                                         "weekend days are working days, as in the company's "
                                         "holiday calendar"))
        form.addRow("", self.holidays)
        self.day_note = QLabel()
        self.day_note.setStyleSheet(NOTE_STYLE)
        form.addRow("", self.day_note)
        self._update_day_note()
        return tab

    def add_interval(self, start: str = "", end: str = "") -> IntervalRow:
        """A new interval row; by default after the last one (an hour after it ends)."""
        if not start:
            last = self.intervals[-1].value()[1] if self.intervals else "08:00"
            h = min(int(last[:2]) + 1, 22)
            start, end = f"{h:02d}:00", f"{h + 1:02d}:00"
        row = IntervalRow(start, end, self.remove_interval)
        for edit in (row.start, row.end):
            edit.timeChanged.connect(lambda _t: self._update_day_note())
        self.intervals.append(row)
        self.interval_layout.addWidget(row)
        self._update_day_note()
        return row

    def remove_interval(self, row: IntervalRow) -> None:
        if row in self.intervals:
            self.intervals.remove(row)
            self.interval_layout.removeWidget(row)
            row.deleteLater()
            self._update_day_note()

    def _update_day_note(self) -> None:
        if not hasattr(self, "day_note"):
            return
        try:
            minutes = BusinessHours(intervals=tuple(r.value() for r in self.intervals)) \
                .minutes_per_day()
        except ValidationError:
            self.day_note.setText(self.tr("The intervals must be in order and must not "
                                          "overlap."))
            return
        self.day_note.setText(self.tr("A working day has %1 h of working time; SLA targets "
                                      "count only working time.")
                              .replace("%1", f"{minutes / 60:g}"))

    def business_hours(self) -> BusinessHours:
        return BusinessHours(days=tuple(d for d, box in enumerate(self.days)
                                        if box.isChecked()),
                             intervals=tuple(r.value() for r in self.intervals),
                             tz=self.tz.currentData(),
                             chinese_holidays=self.holidays.isChecked())

    # -- targets ------------------------------------------------------------------------------

    def _targets_tab(self) -> QWidget:
        tab = QWidget()
        lay = QVBoxLayout(tab)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Targets for")))
        self.tier = QComboBox()
        self.tier.addItem(self.tr("Any customer tier"), "")
        for code in TIERS:
            self.tier.addItem(self.tr("%1 customers").replace(
                "%1", labels.label(labels.TIERS, code)), code)
        self.tier.currentIndexChanged.connect(self._tier_chosen)
        top.addWidget(self.tier)
        top.addStretch(1)
        lay.addLayout(top)
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("Priority")), 0, 0)
        grid.addWidget(QLabel(self.tr("First response within")), 0, 1)
        grid.addWidget(QLabel(self.tr("Resolution within")), 0, 2)
        self.response: dict[str, QDoubleSpinBox] = {}
        self.resolve: dict[str, QDoubleSpinBox] = {}
        self.own: dict[str, QCheckBox] = {}
        for r, priority in enumerate(reversed(PRIORITIES), start=1):  # urgent first
            grid.addWidget(QLabel(labels.label(labels.PRIORITIES, priority)), r, 0)
            for c, spins in ((1, self.response), (2, self.resolve)):
                spin = QDoubleSpinBox()
                spin.setRange(0.25, 8760)
                spin.setDecimals(2)
                spin.setSingleStep(0.5)
                spin.setSuffix(self.tr(" business hours"))
                spins[priority] = spin
                grid.addWidget(spin, r, c)
            own = QCheckBox(self.tr("Own targets"))
            own.setToolTip(self.tr("Targets for this tier instead of the ones for any tier"))
            own.toggled.connect(lambda on, p=priority: self._own_toggled(p, on))
            self.own[priority] = own
            grid.addWidget(own, r, 3)
        grid.setColumnStretch(4, 1)
        lay.addLayout(grid)
        self.tier_note = QLabel()
        self.tier_note.setWordWrap(True)
        self.tier_note.setStyleSheet(NOTE_STYLE)
        lay.addWidget(self.tier_note)
        lay.addStretch(1)
        self._show_tier("")
        return tab

    def _any(self, priority: str) -> tuple[int, int]:
        return self.targets.get((priority, ""), (60, 480))

    def _show_tier(self, tier: str) -> None:
        self._shown_tier = tier
        for priority in PRIORITIES:
            key = (priority, tier)
            own = tier == "" or key in self.targets
            response, resolve = self.targets.get(key) or self._any(priority)
            box = self.own[priority]
            box.blockSignals(True)
            box.setChecked(own)
            box.blockSignals(False)
            box.setVisible(tier != "")
            # a stored tier target cannot be removed, only changed
            box.setEnabled(tier != "" and key not in self.stored)
            self.response[priority].setValue(response / 60)
            self.resolve[priority].setValue(resolve / 60)
            for spin in (self.response[priority], self.resolve[priority]):
                spin.setEnabled(own)
        self.tier_note.setText(
            self.tr("Tickets of customers with their own targets for a priority follow those; "
                    "the others follow the targets for any tier.") if tier else
            self.tr("Every ticket follows these unless its customer's tier has its own "
                    "targets."))

    def _store(self) -> None:
        """Keep the grid's values of the tier shown."""
        tier = self._shown_tier
        for priority in PRIORITIES:
            if tier and not self.own[priority].isChecked():
                self.targets.pop((priority, tier), None)
                continue
            self.targets[(priority, tier)] = (round(self.response[priority].value() * 60),
                                              round(self.resolve[priority].value() * 60))

    def _tier_chosen(self, _i: int) -> None:
        self._store()
        self._show_tier(self.tier.currentData())

    def _own_toggled(self, priority: str, on: bool) -> None:
        for spin in (self.response[priority], self.resolve[priority]):
            spin.setEnabled(on)
        if not on:
            response, resolve = self._any(priority)
            self.response[priority].setValue(response / 60)
            self.resolve[priority].setValue(resolve / 60)

    def changed_targets(self) -> dict[tuple[str, str], tuple[int, int]]:
        """The (priority, tier) targets that differ from the stored ones."""
        self._store()
        return {k: v for k, v in self.targets.items() if self.stored.get(k) != v}

    # -- escalation ---------------------------------------------------------------------------

    def _escalation_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.warn = QSpinBox()
        self.warn.setRange(0, 7 * 24 * 60)
        self.warn.setSingleStep(15)
        self.warn.setSuffix(self.tr(" business minutes before"))
        self.warn.setSpecialValueText(self.tr("no warning"))
        self.warn.setValue(self.rules.warn_minutes)
        form.addRow(self.tr("Warn the assignee's manager"), self.warn)
        self.raise_priority = QCheckBox(self.tr("Raise the priority at a breach"))
        self.raise_priority.setChecked(self.rules.raise_priority)
        form.addRow("", self.raise_priority)
        self.reassign = QComboBox()
        self.reassign.addItem(self.tr("Nobody: it stays with its assignee"), "")
        for u in self.services.users.list():
            self.reassign.addItem(u.display_name, str(u.id))
        current = str(self.rules.reassign_to) if self.rules.reassign_to else ""
        if current and self.reassign.findData(current) < 0:
            self.reassign.addItem(current, current)
        self.reassign.setCurrentIndex(max(0, self.reassign.findData(current)))
        form.addRow(self.tr("Hand breached tickets to"), self.reassign)
        note = QLabel(self.tr("Tickets within the warning time show amber in the list, breached "
                              "ones red. The manager is told at both steps; each step happens "
                              "once per deadline and is written in the ticket's log."))
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        form.addRow(note)
        return tab

    def escalation_rules(self) -> EscalationRules:
        to = self.reassign.currentData()
        return EscalationRules(self.warn.value(), self.raise_priority.isChecked(),
                               uuid.UUID(to) if to else None)

    # -- saving -------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save what changed (business hours, each changed target, the escalation rules);
        False, with the reason shown, when something was refused."""
        if not self.editable:
            self.reject()
            return False
        self.message.hide()
        fields = {"days": self.tr("Working days"), "intervals": self.tr("Working hours"),
                  "tz": self.tr("Time zone"), "warn_minutes": self.tr("Warning"),
                  "response_minutes": self.tr("First response within"),
                  "resolve_minutes": self.tr("Resolution within"),
                  "priority": self.tr("Priority")}
        hours, rules = self.business_hours(), self.escalation_rules()
        targets = self.changed_targets()
        tickets = self.services.tickets
        try:
            hours.validate()
            rules.validate()
            if hours != self.hours:
                self.hours_version = shared_settings.save_rules(
                    self.services.db, self.services.user, BUSINESS_HOURS_KEY, hours,
                    self.hours_version, "the business hours")
                self.hours = hours
                tickets.reload_calendar()
            for (priority, tier), (response, resolve) in targets.items():
                tickets.save_policy(priority, tier, response, resolve)
                self.stored[(priority, tier)] = (response, resolve)
            if rules != self.rules:
                self.rules_version = tickets.save_rules(rules, self.rules_version)
                self.rules = rules
        except ServiceError as err:
            self.message.setText(settings_error(err, fields))
            self.message.show()
            return False
        tickets.reload_calendar()
        self.accept()
        return True
