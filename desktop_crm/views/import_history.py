"""The import history (导入记录): every import with its file, who ran it, when, the counts and
its status; an import can be undone as a whole while nobody has changed its records since."""

from __future__ import annotations

import logging

from PySide6.QtCore import QThreadPool, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from desktop_crm.services.errors import ChangeSet, NotFound, ServiceError
from desktop_crm.services.importing import ImportRecord, ImportService, UndoRefused
from desktop_crm.services.importing.engine import CHANGES

from . import fmt
from . import import_labels as L
from .widgets import ERROR_STYLE
from .workers import Worker, guarded
from . import ui_state

log = logging.getLogger(__name__)

UNDOABLE = ("done", "cancelled", "failed")


class ImportHistoryDialog(QDialog):
    """The import log, newest first, with "Undo this import".

    Args:
        services: the app's ``Services`` (its ``db`` and ``user``).

    Signals:
        undone(object): an import was undone (a ``ChangeSet`` of what it had touched)
    """

    undone = Signal(object)

    def __init__(self, services, parent=None, *, service: ImportService | None = None):
        super().__init__(parent)
        self.service = service or ImportService(services.db, services.user)
        self.records: list[ImportRecord] = []
        self.worker: Worker | None = None
        self.setWindowTitle(self.tr("Import history"))
        self.resize(980, 460)
        ui_state.remember_size(self, "import_history")
        headers = [self.tr("When"), self.tr("By"), self.tr("File"), self.tr("What"),
                   self.tr("Rows read"), self.tr("Created"), self.tr("Updated"),
                   self.tr("Unchanged"), self.tr("Rejected"), self.tr("Status")]
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        ui_state.remember_header(head, "import_history/table")
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.empty = QLabel(self.tr("No imports yet."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.undo_button = QPushButton(self.tr("Undo this import…"))
        self.undo_button.setAutoDefault(False)
        self.undo_button.clicked.connect(self.undo_selected)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        note = QLabel(self.tr("Undoing deletes the records an import created and gives the "
                              "records it updated their values back. It is refused when any "
                              "of them was changed after the import."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty)
        lay.addWidget(note)
        lay.addWidget(self.message)
        lay.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        """Read the log again (newest first); the selection stays on the same import."""
        selected = self.selected()
        self.records = self.service.history()
        self.table.setRowCount(len(self.records))
        for row, rec in enumerate(self.records):
            when = fmt.datetime_cell(rec.started_at)
            file = rec.file_name + (f" [{rec.sheet}]" if rec.sheet else "")
            status = L.status_name(rec.status)
            if rec.status == "undone" and rec.undone_at is not None:
                status += " " + fmt.datetime_cell(rec.undone_at)
            cells = [when, rec.user or "—", file, L.kind_name(rec.kind),
                     fmt.number(rec.read), fmt.number(rec.imported),
                     fmt.number(rec.updated), fmt.number(rec.skipped),
                     fmt.number(rec.rejected), status]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 4 <= col <= 8:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if col == 2:
                    item.setToolTip(file)
                self.table.setItem(row, col, item)
        self.empty.setVisible(not self.records)
        self.table.setVisible(bool(self.records))
        if selected is not None:
            for row, rec in enumerate(self.records):
                if rec.id == selected.id:
                    self.table.selectRow(row)
                    break
        elif self.records:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> ImportRecord | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() \
            else []
        if not rows or rows[0].row() >= len(self.records):
            return None
        return self.records[rows[0].row()]

    def select(self, import_id) -> None:
        for row, rec in enumerate(self.records):
            if rec.id == import_id:
                self.table.selectRow(row)
                return

    def _selection_changed(self) -> None:
        rec = self.selected()
        self.undo_button.setEnabled(self.worker is None and rec is not None
                                    and rec.status in UNDOABLE)

    def undo_selected(self) -> None:
        rec = self.selected()
        if rec is None or self.worker is not None or rec.status not in UNDOABLE:
            return
        answer = QMessageBox.question(
            self, self.tr("Undo this import?"),
            self.tr("Undo the import of %1 (%2)? The %3 records it created are deleted and "
                    "the %4 it updated get their earlier values back.")
            .replace("%1", rec.file_name).replace("%2", L.kind_name(rec.kind))
            .replace("%3", fmt.number(rec.imported)).replace("%4", fmt.number(rec.updated)))
        if answer != QMessageBox.StandardButton.Yes:
            return
        service, import_id = self.service, rec.id
        self.worker = Worker(lambda: service.undo(import_id))
        self.worker.signals.finished.connect(guarded(self, lambda counts: self._undone(rec,
                                                                                   counts)))
        self.worker.signals.failed.connect(guarded(self, self._refused))
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Undoing…"))
        self._selection_changed()
        QThreadPool.globalInstance().start(self.worker)

    def _undone(self, rec: ImportRecord, counts: dict) -> None:
        self.worker = None
        self.message.setStyleSheet("color: #15803d;")
        self.message.setText(self.tr("Undone: %1 records deleted, %2 restored.")
                             .replace("%1", fmt.number(counts.get("deleted", 0)))
                             .replace("%2", fmt.number(counts.get("restored", 0))))
        self.reload()
        self.undone.emit(ChangeSet.of(*CHANGES.get(rec.kind, ())))

    def _refused(self, exc: BaseException) -> None:
        self.worker = None
        text = self.refusal_text(exc)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(text)
        QMessageBox.warning(self, self.tr("The import was not undone"), text)
        self.reload()

    def refusal_text(self, exc: BaseException) -> str:
        """Why an undo was refused, in the user's language."""
        if isinstance(exc, UndoRefused):
            if exc.code == "changed_since":
                return self.tr("%1 of its records were changed or deleted after the import, "
                               "so it cannot be undone as a whole. Nothing was changed.") \
                    .replace("%1", fmt.number(exc.rows))
            if exc.code == "referenced":
                return self.tr("Records added since the import (orders, follow-ups, contacts…) "
                               "belong to records it created, so it cannot be undone. Nothing "
                               "was changed.")
            if exc.code == "already_undone":
                return self.tr("This import was undone already.")
            if exc.code == "running":
                return self.tr("This import is still running.")
        if isinstance(exc, NotFound):
            return self.tr("This import is no longer in the history.")
        if isinstance(exc, ServiceError):
            return self.tr("The import was not undone: %1").replace("%1", str(exc))
        log.error("undoing an import failed", exc_info=exc)
        return self.tr("The import was not undone: %1").replace("%1", repr(exc))
