"""The lead-scoring rules: points per source, per industry, per company size, and for recent
interactions. Managers change them; others see them read-only."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView,
    QLabel, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from desktop_crm.services.errors import FieldError, ServiceError, ValidationError
from desktop_crm.services.leads import LeadRules

from .widgets import dialog_buttons, error_label, settings_error

MANAGER_ROLES = ("admin", "manager")


class _PointsTable(QTableWidget):
    """Two columns: a value (text or a number) and its points."""

    def __init__(self, head: str, rows: list[tuple[object, int]], *, numeric: bool,
                 editable: bool):
        super().__init__(0, 2)
        self.numeric = numeric
        self.editable = editable
        self.setHorizontalHeaderLabels([head, QCoreApplication.translate("LeadRulesDialog",
                                                                         "Points")])
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for value, points in rows:
            self.add(value, points)

    def add(self, value: object = "", points: int = 0) -> None:
        r = self.rowCount()
        self.insertRow(r)
        if self.numeric:
            spin = QSpinBox()
            spin.setRange(0, 10_000_000)
            spin.setValue(int(value or 0))
            spin.setEnabled(self.editable)
            self.setCellWidget(r, 0, spin)
        else:
            item = QTableWidgetItem(str(value))
            if not self.editable:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.setItem(r, 0, item)
        pts = QSpinBox()
        pts.setRange(-100, 100)
        pts.setValue(points)
        pts.setEnabled(self.editable)
        self.setCellWidget(r, 1, pts)

    def remove_current(self) -> None:
        if self.currentRow() >= 0:
            self.removeRow(self.currentRow())

    def rows(self) -> list[tuple[object, int]]:
        out = []
        for r in range(self.rowCount()):
            value = (self.cellWidget(r, 0).value() if self.numeric
                     else (self.item(r, 0).text() if self.item(r, 0) else ""))
            if not self.numeric and not str(value).strip():
                continue
            out.append((value, self.cellWidget(r, 1).value()))
        return out


class LeadRulesDialog(QDialog):
    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("Lead scoring"))
        self.setMinimumSize(760, 560)
        self.manager = services.user.role in MANAGER_ROLES
        rules, self.version = services.leads.rules()
        edit = self.manager

        self.sources = _PointsTable(self.tr("Source"), sorted(
            rules.source_points.items(), key=lambda kv: -kv[1]), numeric=False, editable=edit)
        self.industries = _PointsTable(self.tr("Industry"), sorted(
            rules.industry_points.items(), key=lambda kv: -kv[1]), numeric=False,
            editable=edit)
        self.sizes = _PointsTable(self.tr("From employees"), list(rules.size_bands),
                                  numeric=True, editable=edit)
        grid = QGridLayout()
        for col, (title, table) in enumerate(((self.tr("Points by source"), self.sources),
                                              (self.tr("Points by industry"), self.industries),
                                              (self.tr("Points by company size"), self.sizes))):
            box = QGroupBox(title)
            v = QVBoxLayout(box)
            v.addWidget(table, 1)
            row = QHBoxLayout()
            add = QPushButton(self.tr("Add"))
            add.clicked.connect(lambda _c=False, t=table: t.add())
            remove = QPushButton(self.tr("Remove"))
            remove.clicked.connect(table.remove_current)
            for b in (add, remove):
                b.setEnabled(edit)
                row.addWidget(b)
            v.addLayout(row)
            grid.addWidget(box, 0, col)

        recent = QGroupBox(self.tr("Recent interactions"))
        rf = QFormLayout(recent)
        self.interaction_points = QSpinBox()
        self.interaction_points.setRange(0, 100)
        self.interaction_points.setValue(rules.interaction_points)
        self.interaction_days = QSpinBox()
        self.interaction_days.setRange(1, 365)
        self.interaction_days.setValue(rules.interaction_days)
        self.interaction_days.setSuffix(self.tr(" days"))
        self.interaction_cap = QSpinBox()
        self.interaction_cap.setRange(0, 1000)
        self.interaction_cap.setValue(rules.interaction_cap)
        for w in (self.interaction_points, self.interaction_days, self.interaction_cap):
            w.setEnabled(edit)
        rf.addRow(self.tr("Points per interaction"), self.interaction_points)
        rf.addRow(self.tr("Counted over the last"), self.interaction_days)
        rf.addRow(self.tr("At most"), self.interaction_cap)

        hint = QLabel(self.tr(
            "A deal's score is the sum of the points of its customer's source, industry and "
            "size band (the highest band the employee count reaches), plus the points for "
            "calls, visits and messages in the recent period. Values are matched ignoring "
            "case and spaces.") if edit else
            self.tr("Only a manager can change the lead-scoring rules."))
        hint.setWordWrap(True)
        self.message = error_label()
        lay = QVBoxLayout(self)
        lay.addWidget(hint)
        lay.addLayout(grid, 1)
        lay.addWidget(recent)
        lay.addWidget(self.message)
        lay.addWidget(dialog_buttons(self, self.save))

    def rules(self) -> LeadRules:
        """The rules as edited; a value entered twice is refused (a dict would keep only one
        of them without a word)."""
        errors = []
        for name, table in (("source_points", self.sources),
                            ("industry_points", self.industries),
                            ("size_bands", self.sizes)):
            seen = set()
            for key, _points in table.rows():
                norm = str(key).strip().lower()
                if norm in seen:
                    errors.append(FieldError(name, "duplicate", str(key).strip()))
                seen.add(norm)
        if errors:
            raise ValidationError(errors)
        return LeadRules(
            source_points={str(k).strip(): v for k, v in self.sources.rows()},
            industry_points={str(k).strip(): v for k, v in self.industries.rows()},
            size_bands=tuple(sorted((int(k), v) for k, v in self.sizes.rows())),
            interaction_points=self.interaction_points.value(),
            interaction_days=self.interaction_days.value(),
            interaction_cap=self.interaction_cap.value())

    def save(self) -> None:
        if not self.manager:
            self.reject()
            return
        try:
            self.version = self.services.leads.save_rules(self.rules(), self.version)
        except ServiceError as err:
            self.message.setText(settings_error(err, {
                "source_points": self.tr("Points by source"),
                "industry_points": self.tr("Points by industry"),
                "size_bands": self.tr("Points by company size")}))
            self.message.show()
            return
        self.accept()
