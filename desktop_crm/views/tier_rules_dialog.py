"""Editing the team's tier rules: ordered rules (first match decides), a fallback tier, the
churn thresholds and the lifetime-value horizon. Managers and admins may save; others see
them read-only."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSpinBox, QTableWidget, QVBoxLayout,
)

from desktop_crm.services.container import Services
from desktop_crm.services.errors import ConflictError, PermissionDenied, ValidationError
from desktop_crm.services.rfm import (
    NO_PURCHASE, OPERATORS, PRESETS, RULE_METRICS, SEGMENTS, TIERS, TierRule, TierSettings,
)

from .labels import PRESETS as PRESET_LABELS, RULE_METRICS as METRIC_LABELS
from .labels import SEGMENTS as SEGMENT_LABELS, TIERS as TIER_LABELS, error_text, label
from .widgets import dialog_buttons, error_label, row_height
from . import ui_state


class TierRulesDialog(QDialog):
    def __init__(self, services: Services, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Tier rules"))
        self.services = services
        self.settings, self.version = services.tiers.settings()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Tier"), self.tr("When"), self.tr("Is"), self.tr("Value")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(row_height(self.table, 30))

        self.preset = QComboBox()
        for key in PRESETS:
            self.preset.addItem(label(PRESET_LABELS, key), key)
        load = QPushButton(self.tr("Use these rules"))
        load.clicked.connect(self.load_preset)
        add = QPushButton(self.tr("Add rule"))
        add.clicked.connect(lambda: self._add_row(TierRule("growth", "clv_rank", ">=", 0.5)))
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(self.remove_row)
        up = QPushButton(self.tr("Move up"))
        up.clicked.connect(lambda: self.move_row(-1))
        down = QPushButton(self.tr("Move down"))
        down.clicked.connect(lambda: self.move_row(1))
        buttons = QHBoxLayout()
        for b in (add, remove, up, down):
            buttons.addWidget(b)
        buttons.addStretch(1)
        presets = QHBoxLayout()
        presets.addWidget(QLabel(self.tr("Start from:")))
        presets.addWidget(self.preset, 1)
        presets.addWidget(load)

        self.fallback = self._tier_combo()
        self.churn_p = QDoubleSpinBox()
        self.churn_p.setRange(0.0, 1.0)
        self.churn_p.setSingleStep(0.05)
        self.churn_factor = QDoubleSpinBox()
        self.churn_factor.setRange(0.5, 20.0)
        self.churn_factor.setSingleStep(0.5)
        self.horizon = QSpinBox()
        self.horizon.setRange(1, 120)
        self.discount = QDoubleSpinBox()
        self.discount.setRange(0.0, 0.5)
        self.discount.setDecimals(3)
        self.discount.setSingleStep(0.005)
        form = QFormLayout()
        form.addRow(self.tr("Otherwise"), self.fallback)
        form.addRow(self.tr("At risk when P(alive) is below"), self.churn_p)
        form.addRow(self.tr("…or days since the last order exceed the usual interval ×"),
                    self.churn_factor)
        form.addRow(self.tr("Lifetime value horizon (months)"), self.horizon)
        form.addRow(self.tr("Monthly discount rate"), self.discount)

        self.error = error_label()
        box = dialog_buttons(self, self.save)
        self.save_button = box.buttons()[0]
        manager = services.user.role in ("admin", "manager")
        self.save_button.setEnabled(manager)
        note = QLabel(self.tr("Rules are tried from the top; the first that matches gives the "
                              "tier. Percentiles and P(alive) are numbers from 0 to 1.")
                      if manager else
                      self.tr("Only a manager or an administrator can change the tier rules."))
        note.setWordWrap(True)

        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addLayout(presets)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(box)
        self.resize(760, 560)
        ui_state.remember_size(self, "tier_rules")
        self.show_settings(self.settings)

    # -- rows -------------------------------------------------------------------------------

    def _tier_combo(self, tier: str = "basic") -> QComboBox:
        combo = QComboBox()
        for t in TIERS:
            combo.addItem(label(TIER_LABELS, t), t)
        combo.setCurrentIndex(max(combo.findData(tier), 0))
        return combo

    def _add_row(self, rule: TierRule) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        metric = QComboBox()
        for m in RULE_METRICS:
            metric.addItem(label(METRIC_LABELS, m), m)
        metric.setCurrentIndex(max(metric.findData(rule.metric), 0))
        op = QComboBox()
        for o in OPERATORS:
            op.addItem({"in": self.tr("one of")}.get(o, o), o)
        op.setCurrentIndex(max(op.findData(rule.op), 0))
        value = QLineEdit(", ".join(label(SEGMENT_LABELS, v) for v in rule.value)
                          if isinstance(rule.value, tuple) else f"{rule.value:g}")
        value.setPlaceholderText(self.tr("a number, or segment names separated by commas"))
        self.table.setCellWidget(row, 0, self._tier_combo(rule.tier))
        self.table.setCellWidget(row, 1, metric)
        self.table.setCellWidget(row, 2, op)
        self.table.setCellWidget(row, 3, value)
        self.table.resizeColumnsToContents()

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def move_row(self, delta: int) -> None:
        rules = self.rules()
        row = self.table.currentRow()
        to = row + delta
        if row < 0 or not 0 <= to < len(rules):
            return
        rules[row], rules[to] = rules[to], rules[row]
        self._show_rules(rules)
        self.table.selectRow(to)

    def _show_rules(self, rules: list[TierRule]) -> None:
        self.table.setRowCount(0)
        for r in rules:
            self._add_row(r)

    def load_preset(self) -> None:
        self._show_rules(list(PRESETS[self.preset.currentData()]))

    def show_settings(self, s: TierSettings) -> None:
        self._show_rules(list(s.rules))
        self.fallback.setCurrentIndex(max(self.fallback.findData(s.fallback), 0))
        self.churn_p.setValue(s.churn_p_alive)
        self.churn_factor.setValue(s.churn_interval_factor)
        self.horizon.setValue(s.horizon_months)
        self.discount.setValue(s.monthly_discount)

    def _segment_codes(self, text: str) -> tuple[str, ...]:
        names = {label(SEGMENT_LABELS, k).casefold(): k for k in SEGMENTS + (NO_PURCHASE,)}
        names.update({k: k for k in SEGMENTS + (NO_PURCHASE,)})
        parts = [p.strip() for p in text.replace("，", ",").replace("、", ",").split(",")]
        return tuple(names.get(p.casefold(), p) for p in parts if p)

    def rules(self) -> list[TierRule]:
        out = []
        for row in range(self.table.rowCount()):
            tier = self.table.cellWidget(row, 0).currentData()
            metric = self.table.cellWidget(row, 1).currentData()
            op = self.table.cellWidget(row, 2).currentData()
            text = self.table.cellWidget(row, 3).text().strip()
            if op == "in":
                value: float | tuple[str, ...] = self._segment_codes(text)
            else:
                try:
                    value = float(text.replace(",", ""))
                except ValueError:
                    value = float("nan")
            out.append(TierRule(tier, metric, op, value))
        return out

    def current(self) -> TierSettings:
        return TierSettings(rules=tuple(self.rules()), fallback=self.fallback.currentData(),
                            horizon_months=self.horizon.value(),
                            monthly_discount=self.discount.value(),
                            churn_p_alive=self.churn_p.value(),
                            churn_interval_factor=self.churn_factor.value())

    def save(self) -> None:
        try:
            self.version = self.services.tiers.save_settings(self.current(), self.version)
        except ValidationError as exc:
            lines = []
            for e in exc.errors:
                where = e.field
                if where.startswith("rule "):
                    num = where.split()[1].split(".")[0]
                    where = self.tr("Rule %1").replace("%1", num)
                lines.append(f"{where}: {error_text(e)}")
            self.error.setText("\n".join(lines))
            self.error.show()
            return
        except ConflictError:
            self.error.setText(self.tr("Someone else changed the tier rules while you were "
                                       "editing; close this window and open it again to see "
                                       "theirs. Nothing was saved."))
            self.error.show()
            return
        except PermissionDenied:
            self.error.setText(self.tr("Only a manager or an administrator can change the "
                                       "tier rules."))
            self.error.show()
            return
        self.accept()
