"""Team settings of the calendar: the follow-up cadence per tier and the company's holiday
calendar (managers and admins change them; everyone sees them)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QMessageBox, QPushButton, QSpinBox, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
)

from desktop_crm.services.errors import ServiceError
from desktop_crm.services.followups import TIER_KEYS, Cadence
from desktop_crm.services.shared_settings import MANAGER_ROLES

from . import fmt, labels
from .widgets import dialog_buttons, error_label, settings_error


class CadenceDialog(QDialog):
    """Days between follow-ups for each customer tier (0: no cadence)."""

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.cadence, self.version = services.followups.cadence()
        self.setWindowTitle(self.tr("Follow-up cadence"))
        lay = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "When a follow-up is completed and nothing else is planned for the customer, the "
            "next one is planned this many days later (on a working day). Customers past "
            "their cadence with nothing planned are listed as neglected. 0: no cadence."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.spins: dict[str, QSpinBox] = {}
        for tier in TIER_KEYS:
            spin = QSpinBox()
            spin.setRange(0, 3650)
            spin.setSuffix(self.tr(" days"))
            spin.setValue(self.cadence.days_for(tier))
            self.spins[tier] = spin
            form.addRow(labels.label(labels.TIERS, tier), spin)
        lay.addLayout(form)
        self.message = error_label()
        lay.addWidget(self.message)
        buttons = dialog_buttons(self, self.save)
        lay.addWidget(buttons)
        if services.user.role not in MANAGER_ROLES:
            for spin in self.spins.values():
                spin.setEnabled(False)
            buttons.button(buttons.StandardButton.Save).setEnabled(False)
            self.message.setText(self.tr("Only a manager or an admin can change the cadence."))
            self.message.setStyleSheet("color: #475569;")
            self.message.show()

    def save(self) -> None:
        cadence = Cadence({t: s.value() for t, s in self.spins.items()})
        try:
            self.services.followups.save_cadence(cadence, self.version)
        except ServiceError as err:
            self.message.setText(settings_error(err))
            self.message.show()
            return
        self.accept()


class HolidaysDialog(QDialog):
    """The company's holiday calendar for one year: public holidays, days off in lieu and
    weekend working days; a manager adds, changes or clears a day, or reloads the year from
    the library once the schedule is announced."""

    def __init__(self, services, year: int, parent=None):
        super().__init__(parent)
        self.services = services
        self.h = services.holidays
        self.editable = services.user.role in MANAGER_ROLES
        self.setWindowTitle(self.tr("Holiday calendar"))
        self.setMinimumSize(640, 520)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Year")))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.year.valueChanged.connect(lambda _y: self.load())
        top.addWidget(self.year)
        top.addStretch(1)
        self.reseed_button = QPushButton(self.tr("Reload year from the library"))
        self.reseed_button.clicked.connect(self.reseed)
        top.addWidget(self.reseed_button)
        lay.addLayout(top)
        self.note = QLabel()
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("Date"), self.tr("Day"), self.tr("Kind"),
                                   self.tr("Name"), self.tr("Source")])
        self.tree.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.tree.currentItemChanged.connect(self._picked)
        lay.addWidget(self.tree, 1)
        edit = QHBoxLayout()
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Holiday (day off)"), "holiday")
        self.kind.addItem(self.tr("Working day (weekend worked)"), "workday")
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Name, e.g. 公司年会"))
        self.set_button = QPushButton(self.tr("Set day"))
        self.set_button.clicked.connect(self.set_day)
        self.clear_button = QPushButton(self.tr("Make ordinary day"))
        self.clear_button.clicked.connect(self.clear_day)
        for w in (self.day, self.kind, self.name, self.set_button, self.clear_button):
            edit.addWidget(w)
        lay.addLayout(edit)
        self.message = error_label()
        lay.addWidget(self.message)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        lay.addLayout(row)
        for w in (self.day, self.kind, self.name, self.set_button, self.clear_button,
                  self.reseed_button):
            w.setEnabled(self.editable)
        self.load()

    def load(self) -> None:
        year = self.year.value()
        zh = self.locale().language() == self.locale().Language.Chinese
        days = self.h.days(dt.date(year, 1, 1), dt.date(year, 12, 31))
        self.tree.clear()
        estimate = any(d.estimate for d in days)
        for d in days:
            kind = self.tr("Holiday") if d.kind == "holiday" else self.tr("Working day")
            name = (d.name_zh or d.name_en) if zh else (d.name_en or d.name_zh)
            source = {"manual": self.tr("set by hand")}.get(d.source, d.source)
            if d.estimate:
                source += " · " + self.tr("estimate")
            row = QTreeWidgetItem([fmt.date_cell(d.day),
                                   self.locale().dayName(d.day.isoweekday(),
                                                         self.locale().FormatType.ShortFormat),
                                   kind, name, source])
            row.setData(0, Qt.ItemDataRole.UserRole, d.day.isoformat())
            row.setForeground(2, QBrush(QColor("#dc2626" if d.kind == "holiday"
                                               else "#2563eb")))
            self.tree.addTopLevelItem(row)
        for col in (0, 1, 2, 4):
            self.tree.resizeColumnToContents(col)
        self.day.setDate(QDate(year, 1, 1) if not days else
                         QDate(days[0].day.year, days[0].day.month, days[0].day.day))
        self.note.setText(self.tr(
            "%1 is not announced yet: these days are an estimate without the weekend working "
            "days. Reload the year once the State Council publishes the schedule, or set the "
            "days by hand.").replace("%1", str(year)) if estimate else self.tr(
            "Days off and weekend working days (调休) of %1. Weekends not listed are days "
            "off.").replace("%1", str(year)))
        self.note.setStyleSheet("color: #b45309;" if estimate else "color: #475569;")

    def _picked(self, row, _prev) -> None:
        if row is None:
            return
        day = dt.date.fromisoformat(row.data(0, Qt.ItemDataRole.UserRole))
        self.day.setDate(QDate(day.year, day.month, day.day))
        self.kind.setCurrentIndex(0 if row.text(2) == self.tr("Holiday") else 1)
        self.name.setText(row.text(3))

    def _guard(self, fn) -> None:
        self.message.hide()
        try:
            fn()
        except ServiceError as err:
            self.message.setText(settings_error(err, {"name": self.tr("Name"),
                                                      "kind": self.tr("Kind")}))
            self.message.show()
            return
        self.load()

    def set_day(self) -> None:
        day = self.day.date().toPython()
        name = self.name.text().strip()
        zh = any("\u4e00" <= ch <= "\u9fff" for ch in name)
        self._guard(lambda: self.h.set_day(day, self.kind.currentData(),
                                           "" if zh else name, name if zh else ""))

    def clear_day(self) -> None:
        day = self.day.date().toPython()
        self._guard(lambda: self.h.clear_day(day))

    def reseed(self) -> None:
        year = self.year.value()
        answer = QMessageBox.question(self, self.tr("Reload year"), self.tr(
            "Replace the library's days of %1 with what the library knows now? Days set by "
            "hand stay.").replace("%1", str(year)))
        if answer == QMessageBox.StandardButton.Yes:
            self._guard(lambda: self.h.reseed_year(year))
