"""The audit log window (administrators): every change, filtered by user, table, dates and
text, paged in as it scrolls, and exported to Excel or CSV."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QStandardPaths, QThreadPool, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
    QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton,
    QTableView, QVBoxLayout, QWidget,
)

from desktop_crm.services.audit import (
    EXPORT_COLUMNS, EXPORT_NAMES, AuditQuery, AuditService,
)
from desktop_crm.services.errors import PermissionDenied

from . import history_tab as names
from . import ui_state
from .itemmodels.audit_table import AuditTableModel
from .widgets import row_height
from .workers import Worker, guarded

log = logging.getLogger(__name__)

TEXT_DELAY_MS = 300  # the text filter waits for typing to pause


def _pydate(d: QDate) -> dt.date:
    return dt.date(d.year(), d.month(), d.day())


class AuditLogDialog(QDialog):
    """The whole audit log for an administrator.

    Signals:
        exported(str, int): the file written and its number of entries
        export_failed(str): why an export did not happen, in the user's language
    """

    exported = Signal(str, int)
    export_failed = Signal(str)

    def __init__(self, service: AuditService, parent=None):
        super().__init__(parent)
        self.service = service
        self.worker: Worker | None = None
        self.setWindowTitle(self.tr("Audit log"))
        self.resize(1180, 720)
        ui_state.remember_size(self, "audit_log")

        self.user_combo = QComboBox()
        self.user_combo.setObjectName("audit_user")
        self.user_combo.addItem(self.tr("All users"), "")
        for u in service.users():
            text = u.display_name if u.active else self.tr("%1 (inactive)").replace(
                "%1", u.display_name)
            self.user_combo.addItem(text, str(u.id))
        self.table_combo = QComboBox()
        self.table_combo.setObjectName("audit_table")
        self.table_combo.addItem(self.tr("All records"), "")
        for code in sorted(service.tables(), key=names.table_name):
            self.table_combo.addItem(names.table_name(code), code)

        today = QDate.currentDate()
        self.from_check = QCheckBox(self.tr("From"))
        self.from_date = QDateEdit(today.addDays(-30))
        self.to_check = QCheckBox(self.tr("To"))
        self.to_date = QDateEdit(today)
        for check, edit in ((self.from_check, self.from_date), (self.to_check, self.to_date)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self.apply)
            edit.dateChanged.connect(self.apply)
        self.text_edit = QLineEdit()
        self.text_edit.setObjectName("audit_text")
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.setPlaceholderText(self.tr("Find in fields and values…"))
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_DELAY_MS)
        self._text_timer.timeout.connect(self.apply)
        self.text_edit.textChanged.connect(self._text_timer.start)
        self.user_combo.currentIndexChanged.connect(self.apply)
        self.table_combo.currentIndexChanged.connect(self.apply)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("User")))
        filters.addWidget(self.user_combo)
        filters.addSpacing(8)
        filters.addWidget(QLabel(self.tr("Record type")))
        filters.addWidget(self.table_combo)
        filters.addSpacing(8)
        filters.addWidget(self.from_check)
        filters.addWidget(self.from_date)
        filters.addWidget(self.to_check)
        filters.addWidget(self.to_date)
        filters.addSpacing(8)
        filters.addWidget(self.text_edit, 1)

        self.model = AuditTableModel(service, self)
        self.view = QTableView()
        self.view.setObjectName("audit_view")
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(row_height(self.view, 24))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((150, 90, 100, 200, 70, 110, 190)):
            header.resizeSection(col, width)
        ui_state.remember_header(header, "audit_log/columns")

        self.count_label = QLabel()
        self.count_label.setObjectName("audit_count")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save the entries the filters select as an Excel "
                                              "workbook or a CSV file"))
        self.export_button.clicked.connect(self.choose_export)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)

        lay = QVBoxLayout(self)
        lay.addLayout(filters)
        lay.addWidget(self.view, 1)
        lay.addLayout(bottom)

        self.model.reloaded.connect(self._show_count)
        self.model.rowsInserted.connect(self._show_count)
        self.apply()

    # -- filtering -------------------------------------------------------------------------

    def query(self) -> AuditQuery:
        import uuid

        user = self.user_combo.currentData()
        since, until = self.service.day_range(
            _pydate(self.from_date.date()) if self.from_check.isChecked() else None,
            _pydate(self.to_date.date()) if self.to_check.isChecked() else None)
        return AuditQuery(user_id=uuid.UUID(user) if user else None,
                          table=self.table_combo.currentData() or None,
                          since=since, until=until,
                          text=self.text_edit.text().strip() or None)

    def apply(self) -> None:
        self._text_timer.stop()
        query = self.query()
        if query != self.model.query or not self.model.loaded:
            self.model.set_query(query)
            self.view.scrollToTop()

    def _show_count(self, *_args) -> None:
        n = self.model.loaded
        if n == 0:
            self.count_label.setText(self.tr("No entries"))
        elif self.model.has_more:
            self.count_label.setText(self.tr("%n entries shown; scroll for more", "", n))
        else:
            self.count_label.setText(self.tr("%n entries", "", n))

    # -- export ----------------------------------------------------------------------------

    def choose_export(self) -> None:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        name = self.tr("Audit log") + f"_{dt.date.today().isoformat()}.xlsx"
        xlsx, csv_ = self.tr("Excel workbook (*.xlsx)"), self.tr("CSV file (*.csv)")
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export the audit log"), str(Path(folder) / name), f"{xlsx};;{csv_}")
        if not path:
            return
        suffix = ".csv" if chosen == csv_ else ".xlsx"
        if not path.lower().endswith((".xlsx", ".csv")):
            path += suffix
        self.export_to(path)

    def export_names(self) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
        """Column headers and names of tables, actions and fields in the user's language."""
        headers = {key: self.model.headerData(i, Qt.Orientation.Horizontal)
                   for i, (key, _zh, _en) in enumerate(EXPORT_COLUMNS)}
        codes: dict[tuple[str, str], str] = {}
        for code in {*EXPORT_NAMES["table"], *names.TABLES}:
            codes[("table", code)] = names.table_name(code)
        for code in {*EXPORT_NAMES["action"], *names.ACTIONS}:
            codes[("action", code)] = names.action_name(code)
        from . import labels

        for field in {*labels.FIELDS, *names.FIELDS}:
            codes[("field", field)] = names.field_name(field)
            for table in names.TABLES:
                codes[("field", f"{table}.{field}")] = names.field_name(field, table)
        return headers, codes

    def export_to(self, path: str) -> Worker:
        """Write the filtered log to ``path`` on the thread pool."""
        query = self.query()
        headers, codes = self.export_names()
        self.export_button.setEnabled(False)
        self.message.setText(self.tr("Exporting…"))

        def run():
            return self.service.export(query, path, headers=headers, names=codes,
                                       values=names.value_text, title=self.tr("Audit log"))

        worker = Worker(run)
        worker.signals.finished.connect(guarded(self, lambda n: self._exported(path, n)))
        worker.signals.failed.connect(guarded(self, self._export_failed))
        self.worker = worker
        QThreadPool.globalInstance().start(worker)
        return worker

    def _exported(self, path: str, n: int) -> None:
        self.worker = None
        self.export_button.setEnabled(True)
        self.message.setText(self.tr("%n entries saved to %1", "", n).replace("%1", path))
        self.exported.emit(path, n)

    def _export_failed(self, exc: BaseException) -> None:
        self.worker = None
        self.export_button.setEnabled(True)
        text = self.error_text(exc)
        self.message.setText(text)
        self.export_failed.emit(text)

    def error_text(self, exc: BaseException) -> str:
        if isinstance(exc, PermissionDenied):
            return self.tr("Only an administrator can read or export the whole audit log.")
        from .export_dialog import export_error_text

        return export_error_text(exc)


def open_audit_log(parent: QWidget | None, services) -> AuditLogDialog | None:
    """Show the audit log window to an administrator; tell anyone else it is for admins.
    Returns the window (non-modal), or None."""
    service = names.audit_service(services)
    try:
        dlg = AuditLogDialog(service, parent)
    except PermissionDenied:
        QMessageBox.information(
            parent, QCoreApplication.translate("AuditLogDialog", "Audit log"),
            QCoreApplication.translate(
                "AuditLogDialog",
                "Only an administrator can read or export the whole audit log. The History "
                "tab of a customer, opportunity or ticket shows its own changes."))
        return None
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    return dlg
