"""The offline copy's syncs (issue 9): when, how long, what went each way, how it ended."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHeaderView, QLabel, QStackedWidget, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout,
)

from desktop_crm.services import replica

from . import fmt, ui_state

OUTCOMES = {
    "running": QT_TRANSLATE_NOOP("SyncHistoryDialog", "Running"),
    "ok": QT_TRANSLATE_NOOP("SyncHistoryDialog", "Finished"),
    "failed": QT_TRANSLATE_NOOP("SyncHistoryDialog", "Failed"),
    "cancelled": QT_TRANSLATE_NOOP("SyncHistoryDialog", "Cancelled"),
}
# the SyncError codes a run may end with, in short
ERRORS = {
    "unreachable": QT_TRANSLATE_NOOP("SyncHistoryDialog", "Office server not reachable"),
    "cancelled": QT_TRANSLATE_NOOP("SyncHistoryDialog", "Cancelled by you"),
    "server_older": QT_TRANSLATE_NOOP("SyncHistoryDialog",
                                      "The office server needs an upgrade"),
    "app_older": QT_TRANSLATE_NOOP("SyncHistoryDialog", "This app needs an upgrade"),
    "server_behind": QT_TRANSLATE_NOOP("SyncHistoryDialog",
                                       "The office server was restored from an older backup"),
    "not_staff": QT_TRANSLATE_NOOP("SyncHistoryDialog", "The login is no staff account"),
    "not_replica": QT_TRANSLATE_NOOP("SyncHistoryDialog", "Not an offline copy"),
}
COLUMNS = (
    QT_TRANSLATE_NOOP("SyncHistoryDialog", "Started"),
    QT_TRANSLATE_NOOP("SyncHistoryDialog", "Duration"),
    QT_TRANSLATE_NOOP("SyncHistoryDialog", "Sent"),
    QT_TRANSLATE_NOOP("SyncHistoryDialog", "Received"),
    QT_TRANSLATE_NOOP("SyncHistoryDialog", "Conflicts"),
    QT_TRANSLATE_NOOP("SyncHistoryDialog", "Outcome"),
    QT_TRANSLATE_NOOP("SyncHistoryDialog", "Error"),
)
_NUMBERS = (2, 3, 4)


class SyncHistoryDialog(QDialog):
    """The replica's sync runs, newest first (read at once: a local file, 200 rows)."""

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("Sync history"))
        self.setMinimumSize(820, 380)
        ui_state.remember_size(self, "sync_history")
        self.tree = QTreeWidget()
        self.tree.setObjectName("sync_history")
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setHeaderLabels([self.tr(c) for c in COLUMNS])
        self.tree.header().setStretchLastSection(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.empty = QLabel(self.tr("No syncs yet."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #64748b; font-size: 14px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.stack, 1)
        lay.addWidget(buttons)
        self.reload()

    def duration_text(self, start: dt.datetime, end: dt.datetime | None) -> str:
        if end is None:
            return ""
        secs = max(0, int(round((end - start).total_seconds())))
        if secs < 60:
            return self.tr("%1 s").replace("%1", str(secs))
        if secs < 3600:
            return self.tr("%1 min %2 s").replace("%1", str(secs // 60)).replace(
                "%2", str(secs % 60))
        return self.tr("%1 h %2 min").replace("%1", str(secs // 3600)).replace(
            "%2", str(secs % 3600 // 60))

    def error_text(self, error: str) -> str:
        text = ERRORS.get(error)
        return self.tr(text) if text else error

    def reload(self) -> None:
        self.tree.clear()
        runs = replica.history(self.services.db)
        for run in runs:
            cells = [fmt.datetime_cell(run.started_at), self.duration_text(
                run.started_at, run.finished_at), fmt.number(run.pushed), fmt.number(run.pulled),
                fmt.number(run.conflicts),
                self.tr(OUTCOMES[run.outcome]) if run.outcome in OUTCOMES else run.outcome,
                self.error_text(run.error or "")]
            node = QTreeWidgetItem(cells)
            for col in _NUMBERS:
                node.setTextAlignment(col, Qt.AlignmentFlag.AlignRight |
                                      Qt.AlignmentFlag.AlignVCenter)
            node.setToolTip(6, run.error or "")
            if run.outcome == "failed":
                node.setForeground(5, Qt.GlobalColor.darkRed)
            self.tree.addTopLevelItem(node)
        for col in range(len(COLUMNS) - 1):
            self.tree.resizeColumnToContents(col)
            self.tree.header().resizeSection(col, self.tree.header().sectionSize(col) + 16)
        self.stack.setCurrentWidget(self.tree if runs else self.empty)

    def rows(self) -> list[list[str]]:
        return [[self.tree.topLevelItem(r).text(c) for c in range(len(COLUMNS))]
                for r in range(self.tree.topLevelItemCount())]
