"""The pipeline's team settings: stages, lost reasons, automation. Managers change them; others
see them read-only. Each dialog keeps the input when the save is refused (a colleague saved
first, or a value is out of range)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QSpinBox,
    QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from desktop_crm.services.errors import ServiceError
from desktop_crm.services.pipeline import AutomationSettings

from . import labels
from .opportunity_dialog import default_lost_reasons
from .pipeline_section import MANAGER_ROLES, automation_texts
from .widgets import dialog_buttons, error_label, settings_error


class StagesDialog(QDialog):
    """Add, rename, reorder the stages and set their default win probability."""

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("Pipeline stages"))
        self.setMinimumSize(460, 380)
        self.manager = services.user.role in MANAGER_ROLES
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Stage"), self.tr("Win probability %")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.add_button = QPushButton(self.tr("Add stage"))
        self.add_button.clicked.connect(self.add_row)
        self.up_button = QPushButton(self.tr("Move up"))
        self.up_button.clicked.connect(lambda: self.move_row(-1))
        self.down_button = QPushButton(self.tr("Move down"))
        self.down_button.clicked.connect(lambda: self.move_row(1))
        side = QVBoxLayout()
        for b in (self.add_button, self.up_button, self.down_button):
            b.setEnabled(self.manager)
            side.addWidget(b)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.table, 1)
        row.addLayout(side)
        self.message = error_label()
        note = QLabel(self.tr("Won and Lost close a deal; new stages go before them. A stage's "
                              "probability is given to deals that enter it.")
                      if self.manager else
                      self.tr("Only a manager can change the stages."))
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addLayout(row, 1)
        lay.addWidget(self.message)
        lay.addWidget(dialog_buttons(self, self.save))
        self._load()

    def _load(self) -> None:
        self.stages = self.services.pipeline.stages()
        self.table.setRowCount(0)
        for st in self.stages:
            self._append(st, labels.stage_name(st), st.probability)

    def _append(self, stage, name: str, probability: int) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        item = QTableWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, stage)
        spin = QSpinBox()
        spin.setRange(0, 100)
        spin.setValue(probability)
        closed = stage is not None and (stage.is_won or stage.is_lost)
        spin.setEnabled(self.manager and not closed)
        if not self.manager:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, 0, item)
        self.table.setCellWidget(r, 1, spin)

    def add_row(self) -> None:
        closed = [r for r in range(self.table.rowCount())
                  if (st := self.table.item(r, 0).data(Qt.ItemDataRole.UserRole)) is not None
                  and (st.is_won or st.is_lost)]
        self._append(None, self.tr("New stage"), 50)
        last = self.table.rowCount() - 1
        target = min(closed) if closed else last
        while last > target:  # before Won and Lost
            self._swap(last, last - 1)
            last -= 1
        self.table.selectRow(target)
        self.table.editItem(self.table.item(target, 0))

    def _swap(self, a: int, b: int) -> None:
        ia, ib = self.table.takeItem(a, 0), self.table.takeItem(b, 0)
        va, vb = self.table.cellWidget(a, 1).value(), self.table.cellWidget(b, 1).value()
        ea, eb = self.table.cellWidget(a, 1).isEnabled(), self.table.cellWidget(b, 1).isEnabled()
        self.table.setItem(a, 0, ib)
        self.table.setItem(b, 0, ia)
        self.table.cellWidget(a, 1).setValue(vb)
        self.table.cellWidget(b, 1).setValue(va)
        self.table.cellWidget(a, 1).setEnabled(eb)
        self.table.cellWidget(b, 1).setEnabled(ea)

    def move_row(self, step: int) -> None:
        r = self.table.currentRow()
        if r < 0 or not 0 <= r + step < self.table.rowCount():
            return
        self._swap(r, r + step)
        self.table.selectRow(r + step)

    def save(self) -> None:
        if not self.manager:
            self.reject()
            return
        pipeline = self.services.pipeline
        order = []
        try:
            for r in range(self.table.rowCount()):
                stage = self.table.item(r, 0).data(Qt.ItemDataRole.UserRole)
                name = self.table.item(r, 0).text().strip()
                prob = self.table.cellWidget(r, 1).value()
                if stage is None:
                    stage = pipeline.add_stage(name, prob)
                else:
                    changes = {}
                    if name != labels.stage_name(stage):
                        changes["name"] = name
                    if prob != stage.probability:
                        changes["probability"] = prob
                    if changes:
                        stage = pipeline.update_stage(stage.id, changes, stage.version)
                order.append(stage.id)
            pipeline.reorder_stages(order)
        except ServiceError as err:
            self.message.setText(settings_error(err))
            self.message.show()
            self._load_keep_rows()
            return
        self.accept()

    def _load_keep_rows(self) -> None:
        """After a partial failure the stages saved so far are stored: point the rows at the
        stored ones so a second Save does not add them twice."""
        stored = {labels.stage_name(s): s for s in self.services.pipeline.stages()}
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item.data(Qt.ItemDataRole.UserRole) is None and item.text().strip() in stored:
                item.setData(Qt.ItemDataRole.UserRole, stored[item.text().strip()])


class LostReasonsDialog(QDialog):
    """The list of reasons the Lost dialog offers, one per line."""

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("Lost reasons"))
        self.setMinimumSize(380, 360)
        self.manager = services.user.role in MANAGER_ROLES
        reasons, self.version = services.pipeline.lost_reasons()
        self.list = QListWidget()
        for r in reasons or default_lost_reasons():
            self._add(r)
        self.new = QLineEdit()
        self.new.setPlaceholderText(self.tr("A new reason"))
        add = QPushButton(self.tr("Add"))
        add.clicked.connect(self.add_reason)
        self.new.returnPressed.connect(self.add_reason)
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(lambda: self.list.takeItem(self.list.currentRow()))
        for w in (self.new, add, remove):
            w.setEnabled(self.manager)
        row = QHBoxLayout()
        row.addWidget(self.new, 1)
        row.addWidget(add)
        row.addWidget(remove)
        self.message = error_label()
        lay = QVBoxLayout(self)
        note = QLabel(self.tr("Drag to reorder; double-click to rename.") if self.manager
                      else self.tr("Only a manager can change the lost reasons."))
        lay.addWidget(note)
        lay.addWidget(self.list, 1)
        lay.addLayout(row)
        lay.addWidget(self.message)
        lay.addWidget(dialog_buttons(self, self.save))
        if self.manager:
            self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)

    def _add(self, text: str) -> None:
        item = QListWidgetItem(text, self.list)
        if self.manager:
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)

    def add_reason(self) -> None:
        if self.new.text().strip():
            self._add(self.new.text().strip())
            self.new.clear()

    def reasons(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def save(self) -> None:
        if not self.manager:
            self.reject()
            return
        try:
            self.services.pipeline.save_lost_reasons(self.reasons(), self.version)
        except ServiceError as err:
            self.message.setText(settings_error(err))
            self.message.show()
            return
        self.accept()


class AutomationDialog(QDialog):
    """What happens by itself when a deal is won or stays in a stage too long."""

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("Pipeline automation"))
        self.setMinimumWidth(520)
        self.manager = services.user.role in MANAGER_ROLES
        rules, self.version = services.pipeline.automation()
        texts = automation_texts()

        won = QGroupBox(self.tr("When a deal is won"))
        wf = QFormLayout(won)
        self.won_ticket = QCheckBox(self.tr("Open an onboarding ticket for the service team"))
        self.won_ticket.setChecked(rules.won_ticket)
        wf.addRow(self.won_ticket)
        self.ticket_subject = QLineEdit(rules.ticket_subject)
        self.ticket_subject.setPlaceholderText(texts["ticket_subject"])
        wf.addRow(self.tr("Ticket subject"), self.ticket_subject)
        self.won_followup = QCheckBox(self.tr("Plan a first follow-up for the owner"))
        self.won_followup.setChecked(rules.won_followup)
        wf.addRow(self.won_followup)
        self.followup_days = QSpinBox()
        self.followup_days.setRange(0, 365)
        self.followup_days.setValue(rules.followup_days)
        self.followup_days.setSuffix(self.tr(" days later"))
        wf.addRow(self.tr("Due"), self.followup_days)
        self.followup_subject = QLineEdit(rules.followup_subject)
        self.followup_subject.setPlaceholderText(texts["followup_subject"])
        wf.addRow(self.tr("Follow-up subject"), self.followup_subject)

        stale = QGroupBox(self.tr("When a deal stays in one stage too long"))
        sf = QFormLayout(stale)
        self.stale_days = QSpinBox()
        self.stale_days.setRange(1, 3650)
        self.stale_days.setValue(rules.stale_days)
        self.stale_days.setSuffix(self.tr(" days"))
        sf.addRow(self.tr("Flag the card after"), self.stale_days)
        self.stale_followup = QCheckBox(self.tr("Plan a follow-up for the owner"))
        self.stale_followup.setChecked(rules.stale_followup)
        sf.addRow(self.stale_followup)
        self.stale_subject = QLineEdit(rules.stale_subject)
        self.stale_subject.setPlaceholderText(texts["stale_subject"])
        sf.addRow(self.tr("Follow-up subject"), self.stale_subject)

        hint = QLabel(self.tr("Leave a subject empty to use the text shown in grey, in each "
                              "user's language. {title} is the deal, {customer} its customer, "
                              "{days} the number of days.")
                      if self.manager else
                      self.tr("Only a manager can change the automation."))
        hint.setWordWrap(True)
        for w in (won, stale):
            w.setEnabled(self.manager)
        self.message = error_label()
        lay = QVBoxLayout(self)
        lay.addWidget(won)
        lay.addWidget(stale)
        lay.addWidget(hint)
        lay.addWidget(self.message)
        lay.addWidget(dialog_buttons(self, self.save))

    def settings(self) -> AutomationSettings:
        return AutomationSettings(
            won_ticket=self.won_ticket.isChecked(), won_followup=self.won_followup.isChecked(),
            followup_days=self.followup_days.value(), stale_days=self.stale_days.value(),
            stale_followup=self.stale_followup.isChecked(),
            ticket_subject=self.ticket_subject.text().strip(),
            followup_subject=self.followup_subject.text().strip(),
            stale_subject=self.stale_subject.text().strip())

    def save(self) -> None:
        if not self.manager:
            self.reject()
            return
        try:
            self.version = self.services.pipeline.save_automation(self.settings(), self.version)
        except ServiceError as err:
            self.message.setText(settings_error(err))
            self.message.show()
            return
        self.accept()

