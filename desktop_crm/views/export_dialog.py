"""Export (导出): customers (the list's current filter), contacts, orders, follow-ups or
tickets to an Excel workbook or a CSV file, with the columns the user picks. The export runs
in a worker with a progress bar and can be cancelled; a cancelled or failed export leaves
no file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QStandardPaths, QThreadPool, Qt, Signal
from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QProgressBar, QPushButton, QRadioButton, QVBoxLayout,
)

from desktop_crm.services.errors import Cancelled, PermissionDenied, ServiceError
from desktop_crm.services.exporting import (
    ExportError, ExportResult, ExportService, default_file_name,
)

from . import fmt, labels
from .workers import Worker, guarded
from . import ui_state

_COLUMNS = "ExportColumns"
# The column names the list shows and the file's header row gets, by kind and key. Their
# Chinese translations are the Chinese headers of services/exporting.py (the names the
# importer reads back): a test keeps the two equal.
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "customers": {
        "code": QT_TRANSLATE_NOOP("ExportColumns", "Customer code"),
        "name": QT_TRANSLATE_NOOP("ExportColumns", "Customer name"),
        "kind": QT_TRANSLATE_NOOP("ExportColumns", "Customer type"),
        "contact": QT_TRANSLATE_NOOP("ExportColumns", "Contact"),
        "phone": QT_TRANSLATE_NOOP("ExportColumns", "Mobile"),
        "phone2": QT_TRANSLATE_NOOP("ExportColumns", "Other phone"),
        "email": QT_TRANSLATE_NOOP("ExportColumns", "Email"),
        "address": QT_TRANSLATE_NOOP("ExportColumns", "Address"),
        "province": QT_TRANSLATE_NOOP("ExportColumns", "Province"),
        "city": QT_TRANSLATE_NOOP("ExportColumns", "City"),
        "region": QT_TRANSLATE_NOOP("ExportColumns", "Region"),
        "industry": QT_TRANSLATE_NOOP("ExportColumns", "Industry"),
        "source": QT_TRANSLATE_NOOP("ExportColumns", "Source"),
        "owner": QT_TRANSLATE_NOOP("ExportColumns", "Owner"),
        "tier": QT_TRANSLATE_NOOP("ExportColumns", "Tier"),
        "tags": QT_TRANSLATE_NOOP("ExportColumns", "Tags"),
        "employees": QT_TRANSLATE_NOOP("ExportColumns", "Employees"),
        "notes": QT_TRANSLATE_NOOP("ExportColumns", "Notes"),
        "created": QT_TRANSLATE_NOOP("ExportColumns", "Created"),
    },
    "contacts": {
        "customer_code": QT_TRANSLATE_NOOP("ExportColumns", "Customer code"),
        "customer_name": QT_TRANSLATE_NOOP("ExportColumns", "Customer name"),
        "name": QT_TRANSLATE_NOOP("ExportColumns", "Contact"),
        "title": QT_TRANSLATE_NOOP("ExportColumns", "Job title"),
        "phone": QT_TRANSLATE_NOOP("ExportColumns", "Mobile"),
        "email": QT_TRANSLATE_NOOP("ExportColumns", "Email"),
        "wechat": QT_TRANSLATE_NOOP("ExportColumns", "WeChat ID"),
        "primary": QT_TRANSLATE_NOOP("ExportColumns", "Primary contact"),
        "notes": QT_TRANSLATE_NOOP("ExportColumns", "Notes"),
    },
    "orders": {
        "order_no": QT_TRANSLATE_NOOP("ExportColumns", "Order number"),
        "customer_code": QT_TRANSLATE_NOOP("ExportColumns", "Customer code"),
        "customer_name": QT_TRANSLATE_NOOP("ExportColumns", "Customer name"),
        "order_date": QT_TRANSLATE_NOOP("ExportColumns", "Order date"),
        "amount": QT_TRANSLATE_NOOP("ExportColumns", "Amount"),
        "currency": QT_TRANSLATE_NOOP("ExportColumns", "Currency"),
        "status": QT_TRANSLATE_NOOP("ExportColumns", "Order status"),
        "owner": QT_TRANSLATE_NOOP("ExportColumns", "Owner"),
        "notes": QT_TRANSLATE_NOOP("ExportColumns", "Notes"),
    },
    "activities": {
        "due": QT_TRANSLATE_NOOP("ExportColumns", "Planned time"),
        "type": QT_TRANSLATE_NOOP("ExportColumns", "Follow-up type"),
        "subject": QT_TRANSLATE_NOOP("ExportColumns", "Subject"),
        "customer_code": QT_TRANSLATE_NOOP("ExportColumns", "Customer code"),
        "customer_name": QT_TRANSLATE_NOOP("ExportColumns", "Customer name"),
        "owner": QT_TRANSLATE_NOOP("ExportColumns", "Owner"),
        "duration": QT_TRANSLATE_NOOP("ExportColumns", "Duration (minutes)"),
        "status": QT_TRANSLATE_NOOP("ExportColumns", "Follow-up status"),
        "done_at": QT_TRANSLATE_NOOP("ExportColumns", "Done at"),
        "outcome": QT_TRANSLATE_NOOP("ExportColumns", "Outcome"),
        "notes": QT_TRANSLATE_NOOP("ExportColumns", "Notes"),
    },
    "tickets": {
        "number": QT_TRANSLATE_NOOP("ExportColumns", "Ticket number"),
        "subject": QT_TRANSLATE_NOOP("ExportColumns", "Subject"),
        "customer_code": QT_TRANSLATE_NOOP("ExportColumns", "Customer code"),
        "customer_name": QT_TRANSLATE_NOOP("ExportColumns", "Customer name"),
        "priority": QT_TRANSLATE_NOOP("ExportColumns", "Priority"),
        "status": QT_TRANSLATE_NOOP("ExportColumns", "Ticket status"),
        "assignee": QT_TRANSLATE_NOOP("ExportColumns", "Assignee"),
        "opened": QT_TRANSLATE_NOOP("ExportColumns", "Opened"),
        "first_response": QT_TRANSLATE_NOOP("ExportColumns", "First response"),
        "resolve_due": QT_TRANSLATE_NOOP("ExportColumns", "Resolution deadline"),
        "resolved": QT_TRANSLATE_NOOP("ExportColumns", "Resolved"),
        "satisfaction": QT_TRANSLATE_NOOP("ExportColumns", "Satisfaction"),
        "description": QT_TRANSLATE_NOOP("ExportColumns", "Description"),
    },
}
TITLES = {
    "customers": QT_TRANSLATE_NOOP("ExportDialog", "Export customers"),
    "contacts": QT_TRANSLATE_NOOP("ExportDialog", "Export contacts"),
    "orders": QT_TRANSLATE_NOOP("ExportDialog", "Export orders"),
    "activities": QT_TRANSLATE_NOOP("ExportDialog", "Export follow-ups"),
    "tickets": QT_TRANSLATE_NOOP("ExportDialog", "Export tickets"),
}


def column_label(kind: str, key: str) -> str:
    """A column's name in the UI language."""
    text = COLUMN_LABELS[kind].get(key)
    return QCoreApplication.translate(_COLUMNS, text) if text else key


def ui_language() -> str:
    """zh_CN when the app speaks Chinese (app.py sets the default locale to the UI's)."""
    return "zh_CN" if QLocale().language() == QLocale.Language.Chinese else "en"


def export_error_text(exc: BaseException) -> str:
    """Why an export (of a list or of the audit log) wrote nothing, in the user's language."""
    if isinstance(exc, Cancelled):
        return QCoreApplication.translate("ExportDialog", "Export cancelled; no file was written.")
    if isinstance(exc, ExportError):
        if exc.code == "no_folder":
            return QCoreApplication.translate(
                "ExportDialog", "The folder of %1 does not exist.").replace("%1", exc.path)
        if exc.code == "is_folder":
            return QCoreApplication.translate(
                "ExportDialog", "%1 is a folder; choose a file name.").replace("%1", exc.path)
        return QCoreApplication.translate(
            "ExportDialog", "Cannot write %1 (%2). Is the file open in another program, or "
            "the disk full?").replace("%1", exc.path).replace("%2", exc.detail or "-")
    if isinstance(exc, PermissionDenied):
        return labels.permission_text(exc)
    if isinstance(exc, ServiceError):
        return QCoreApplication.translate("ExportDialog", "Export failed: %1").replace(
            "%1", str(exc))
    return QCoreApplication.translate("ExportDialog", "Export failed: %1").replace(
        "%1", repr(exc))


class ExportDialog(QDialog):
    """Choose a format, the columns and a file; export in the background.

    Args:
        services: the app's ``Services`` (its ``db`` and ``user``).
        kind: customers, contacts, orders, activities or tickets.
        query: what to export (the list's ``CustomerQuery``, an ``OrderQuery``,
            ``ActivityQuery`` or ``TicketQuery``); None: everything.

    Signals:
        exported(object): an export finished (an ``ExportResult``)
        failed(str): an export failed or was cancelled (the message shown)
    """

    exported = Signal(object)
    failed = Signal(str)

    def __init__(self, services, parent=None, *, kind: str = "customers", query=None,
                 today: dt.date | None = None, service: ExportService | None = None):
        super().__init__(parent)
        self.kind = kind
        self.query = query
        self.service = service or ExportService(services.db, services.user)
        self.today = today or dt.date.today()
        self.lang = ui_language()
        self.worker: Worker | None = None
        self.result: ExportResult | None = None
        self.setWindowTitle(QCoreApplication.translate("ExportDialog", TITLES[kind]))
        self.resize(520, 560)
        ui_state.remember_size(self, "export")

        self.xlsx = QRadioButton(self.tr("Excel workbook (.xlsx)"))
        self.csv = QRadioButton(self.tr("CSV, UTF-8 (.csv)"))
        self.csv.setToolTip(self.tr("Comma-separated text with a byte-order mark, so Excel "
                                    "opens Chinese correctly."))
        self.xlsx.setChecked(True)
        self.formats = QButtonGroup(self)
        self.formats.addButton(self.xlsx)
        self.formats.addButton(self.csv)
        fmt_row = QHBoxLayout()
        fmt_row.addWidget(self.xlsx)
        fmt_row.addWidget(self.csv)
        fmt_row.addStretch(1)

        self.columns = QListWidget()
        for spec in self.service.columns(kind):
            item = QListWidgetItem(column_label(kind, spec.key))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if spec.default
                               else Qt.CheckState.Unchecked)
            self.columns.addItem(item)
        self.all_button = QPushButton(self.tr("Select all"))
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button = QPushButton(self.tr("Select none"))
        self.none_button.clicked.connect(lambda: self.set_all(False))
        col_buttons = QHBoxLayout()
        col_buttons.addWidget(self.all_button)
        col_buttons.addWidget(self.none_button)
        col_buttons.addStretch(1)

        self.path = QLineEdit(self._default_path("xlsx"))
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse_button)

        form = QFormLayout()
        form.addRow(self.tr("Format"), fmt_row)
        form.addRow(self.tr("File"), file_row)

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.export_button = QPushButton(self.tr("Export"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(QLabel(self.tr("Columns (in this order)")))
        lay.addWidget(self.columns, 1)
        lay.addLayout(col_buttons)
        lay.addWidget(self.progress)
        lay.addWidget(self.message)
        lay.addLayout(buttons)

        self.xlsx.toggled.connect(self._format_changed)
        self.columns.itemChanged.connect(lambda _item: self._update_buttons())
        self.path.textChanged.connect(lambda _text: self._update_buttons())
        self._update_buttons()

    # -- choices --------------------------------------------------------------------------------

    @property
    def fmt(self) -> str:
        return "xlsx" if self.xlsx.isChecked() else "csv"

    def chosen_columns(self) -> list[str]:
        """The checked column keys, in the list's order."""
        out = []
        for i in range(self.columns.count()):
            item = self.columns.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def set_columns(self, keys) -> None:
        """Check exactly these columns."""
        wanted = set(keys)
        for i in range(self.columns.count()):
            item = self.columns.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in wanted else Qt.CheckState.Unchecked)

    def set_all(self, on: bool) -> None:
        for i in range(self.columns.count()):
            self.columns.item(i).setCheckState(Qt.CheckState.Checked if on
                                               else Qt.CheckState.Unchecked)

    def _default_path(self, fmt: str) -> str:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        return str(Path(folder) / default_file_name(self.kind, self.today, fmt, self.lang))

    def _format_changed(self, _checked: bool) -> None:
        text = self.path.text().strip()
        other = ".csv" if self.fmt == "xlsx" else ".xlsx"
        if text.lower().endswith(other):
            self.path.setText(text[: -len(other)] + "." + self.fmt)

    def browse(self) -> None:
        filters = (self.tr("Excel workbook (*.xlsx)") if self.fmt == "xlsx"
                   else self.tr("CSV file (*.csv)"))
        path, _selected = QFileDialog.getSaveFileName(
            self, self.tr("Export to"), self.path.text().strip(), filters)
        if path:
            if not path.lower().endswith("." + self.fmt):
                path += "." + self.fmt
            self.path.setText(path)

    def _update_buttons(self) -> None:
        running = self.worker is not None
        self.export_button.setEnabled(not running and bool(self.chosen_columns())
                                      and bool(self.path.text().strip()))
        for w in (self.xlsx, self.csv, self.columns, self.all_button, self.none_button,
                  self.path, self.browse_button):
            w.setEnabled(not running)
        self.cancel_button.setText(self.tr("Cancel") if running else self.tr("Close"))

    # -- exporting ------------------------------------------------------------------------------

    def start(self) -> None:
        """Export in a worker with the chosen format, columns and file."""
        if self.worker is not None:
            return
        columns = self.chosen_columns()
        path = self.path.text().strip()
        if not columns or not path:
            return
        headers = {k: column_label(self.kind, k) for k in columns}
        kind, fmt, query, lang, service = self.kind, self.fmt, self.query, self.lang, \
            self.service

        def run(progress):
            return service.export(kind, path, fmt=fmt, columns=columns, query=query,
                                  headers=headers, lang=lang, progress=progress)

        self.worker = Worker(run, with_progress=True)
        self.worker.signals.progressed.connect(guarded(self, self._progressed))
        self.worker.signals.finished.connect(guarded(self, self._finished))
        self.worker.signals.failed.connect(guarded(self, self._failed))
        self.result = None
        self.progress.setRange(0, 0)
        self.progress.show()
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Exporting…"))
        self._update_buttons()
        QThreadPool.globalInstance().start(self.worker)

    def _progressed(self, _stage: str, done: int, total: int) -> None:
        if self.worker is None:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.message.setText(self.tr("%1 of %2 rows written").replace(
            "%1", fmt.number(done)).replace("%2", fmt.number(total)))

    def _finished(self, result: ExportResult) -> None:
        self.worker = None
        self.result = result
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.message.setStyleSheet("color: #15803d;")
        text = (self.tr("Exported 1 row to %1") if result.rows == 1
                else self.tr("Exported %n rows to %1", "", result.rows))
        self.message.setText(text.replace("%1", str(result.path)))
        self._update_buttons()
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.worker = None
        self.progress.hide()
        text = self.error_text(exc)
        self.message.setStyleSheet("color: #b91c1c;")
        self.message.setText(text)
        self._update_buttons()
        self.failed.emit(text)

    def error_text(self, exc: BaseException) -> str:
        """Why the export did not happen, in the user's language."""
        return export_error_text(exc)

    def cancel_or_close(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.message.setText(self.tr("Cancelling…"))
            return
        self.reject()

    def reject(self) -> None:  # Esc or the window's close button: stop a running export
        if self.worker is not None:
            self.worker.cancel()
        super().reject()
