"""The Reports section: the monthly management report for a month and a scope (the whole
company, a team or a salesperson, as the user's role allows), built in the background with a
progress bar; its headline figures on screen; print preview, print, save as PDF, export the
figures to Excel."""

from __future__ import annotations

import datetime as dt
import os

import shiboken6
from PySide6.QtCore import QThreadPool, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox,
    QProgressBar, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from desktop_crm.services.container import Services
from desktop_crm.services.periods import add_months, month_start
from desktop_crm.services.report import ReportService
from desktop_crm.services.report_model import MonthlyReport

from . import fmt, labels
from .report_document import ReportDocument
from .report_labels import format_value, report_tr
from .workers import Worker, guarded
from . import ui_state

MONTHS_BACK = 36


class ReportsSection(QWidget):
    """Signals:
        status_message(str): a line for the status bar
        built(): the report for the chosen month and scope is ready
        targets_saved(object): sales targets were saved in the dialog opened from here
            (the ``TargetSummary``)
    """

    status_message = Signal(str)
    built = Signal()
    targets_saved = Signal(object)

    def __init__(self, services: Services, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.services = services
        self.reports = ReportService(services.db, services.user)
        self.report: MonthlyReport | None = None
        self._generation = 0
        self._workers: set[Worker] = set()
        self.month = QComboBox()
        first = month_start(today or dt.date.today())
        for k in range(1, MONTHS_BACK + 1):
            m = add_months(first, -k)
            self.month.addItem(fmt.month_long(m), m.isoformat())
        self.month.addItem(fmt.month_long(first) + " "
                           + self.tr("(so far)"), first.isoformat())
        self.scope = QComboBox()
        self._scopes = self.reports.allowed_scopes()
        for i, sc in enumerate(self._scopes):
            if sc.owner_id is not None:
                text = self.tr("Salesperson: %1").replace("%1", sc.label)
            elif sc.team:
                text = self.tr("Team: %1").replace("%1", sc.team)
            else:
                text = self.tr("Whole company")
            self.scope.addItem(text, i)
        self.build_button = QPushButton(self.tr("Build report"))
        self.build_button.clicked.connect(self.build)
        self.preview_button = QPushButton(self.tr("Print preview…"))
        self.preview_button.clicked.connect(self.preview)
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.clicked.connect(self.print_report)
        self.pdf_button = QPushButton(self.tr("Save as PDF…"))
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.xlsx_button = QPushButton(self.tr("Export to Excel…"))
        self.xlsx_button.clicked.connect(lambda: self.save_xlsx())
        self.targets_button = QPushButton(self.tr("Sales targets…"))
        self.targets_button.setToolTip(self.tr(
            "Set each salesperson's and team's monthly or quarterly targets and see how far "
            "they are reached"))
        self.targets_button.clicked.connect(lambda: self.open_targets())
        self.targets_button.setVisible(services.user.role in ("admin", "manager"))
        self._targets_dialog = None
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Month")))
        top.addWidget(self.month)
        top.addWidget(QLabel(self.tr("Scope")))
        top.addWidget(self.scope)
        top.addWidget(self.build_button)
        top.addWidget(self.progress)
        top.addStretch(1)
        for b in (self.preview_button, self.print_button, self.pdf_button, self.xlsx_button):
            top.addWidget(b)
        top.addSpacing(12)
        top.addWidget(self.targets_button)
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.heading.setFont(font)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([
            self.tr("Figure"), self.tr("Month"), self.tr("Previous month"),
            self.tr("Same month last year"), self.tr("Change")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        ui_state.remember_header(self.table.horizontalHeader(), "reports/table")
        self.message = QLabel()
        self.message.setStyleSheet("color: #c62828;")
        self.message.setWordWrap(True)
        self.message.hide()
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.message)
        lay.addWidget(self.heading)
        lay.addWidget(self.table, 1)
        self.month.currentIndexChanged.connect(lambda _i: self._forget())
        self.scope.currentIndexChanged.connect(lambda _i: self._forget())
        self._forget()

    def refresh(self, changes=None) -> None:
        """The data changed: the report on screen may be out of date."""
        if self.report is not None:
            self._forget()

    def _forget(self) -> None:
        self.report = None
        self.table.setRowCount(0)
        self.heading.setText(self.tr("Choose a month and a scope, then Build report."))
        for b in (self.preview_button, self.print_button, self.pdf_button, self.xlsx_button):
            b.setEnabled(False)

    def chosen_month(self) -> dt.date:
        return dt.date.fromisoformat(self.month.currentData())

    def build(self) -> None:
        """Compute the report in the background (a progress bar per section)."""
        self._generation += 1
        generation = self._generation
        month, scope = self.chosen_month(), self._scopes[self.scope.currentData()]
        reports = self.reports
        self.message.hide()
        self.build_button.setEnabled(False)
        self.progress.setRange(0, 6)
        self.progress.setValue(0)
        self.progress.show()
        worker = Worker(lambda progress: reports.build(month, scope, progress=progress),
                        with_progress=True)
        self._workers.add(worker)
        worker.signals.progressed.connect(guarded(self, lambda _s, d, t: (
            self.progress.setRange(0, t), self.progress.setValue(d))))
        worker.signals.finished.connect(guarded(self, lambda r: self._built(generation, r)))
        worker.signals.failed.connect(guarded(self, self._failed))
        worker.signals.finished.connect(lambda _r: self._workers.discard(worker))
        worker.signals.failed.connect(lambda _e: self._workers.discard(worker))
        QThreadPool.globalInstance().start(worker)

    def _failed(self, exc) -> None:
        self.build_button.setEnabled(True)
        self.progress.hide()
        self.message.setText(self.tr("Could not build the report: %1").replace("%1", str(exc)))
        self.message.show()

    def _built(self, generation: int, report: MonthlyReport) -> None:
        self.build_button.setEnabled(True)
        self.progress.hide()
        if generation != self._generation:
            return
        self.report = report
        self.heading.setText(self.tr("%1 · %2").replace(
            "%1", fmt.month_long(report.month))
            .replace("%2", self.scope.currentText()))
        rows = [f for s in report.sections for f in s.figures]
        self.table.setRowCount(len(rows))
        for r, f in enumerate(rows):
            change = f.change_previous
            arrow = "" if change is None else ("▲ " if change > 0 else "▼ " if change < 0
                                               else "")
            cells = (report_tr(f.key), format_value(f.kind, f.value),
                     format_value(f.kind, f.previous), format_value(f.kind, f.year_ago),
                     "–" if change is None else arrow + fmt.percent(change, 1, signed=True))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
            if change:
                good = (change > 0) == f.higher_is_better
                self.table.item(r, 4).setForeground(QBrush(QColor("#15803d" if good
                                                                  else "#c62828")))
        self.table.resizeColumnsToContents()
        for b in (self.preview_button, self.print_button, self.pdf_button, self.xlsx_button):
            b.setEnabled(True)
        self.built.emit()

    def open_targets(self):
        """The sales-targets grid (managers and admins), one window at a time."""
        from .targets_dialog import TargetsDialog

        if (self._targets_dialog is not None and shiboken6.isValid(self._targets_dialog)
                and self._targets_dialog.isVisible()):
            self._targets_dialog.raise_()
            self._targets_dialog.activateWindow()
            return self._targets_dialog
        dlg = TargetsDialog(self.services, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.saved.connect(lambda summary: (
            self.status_message.emit(self.tr("Sales targets saved")), self.refresh(),
            self.targets_saved.emit(summary)))
        self._targets_dialog = dlg
        dlg.show()
        return dlg

    # -- output ---------------------------------------------------------------------------------

    def document(self) -> ReportDocument:
        return ReportDocument(self.report)

    def preview(self) -> QPrintPreviewDialog | None:
        if self.report is None:
            return None
        doc = self.document()
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dlg = QPrintPreviewDialog(printer, self)
        dlg.setWindowTitle(self.tr("Print preview"))
        dlg.paintRequested.connect(doc.paint)
        # the printer and the document must live as long as the dialog
        dlg._document, dlg._printer = doc, printer
        dlg.open()
        return dlg

    def print_report(self) -> None:
        if self.report is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dlg = QPrintDialog(printer, self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.document().paint(printer)

    def _default_name(self, suffix: str) -> str:
        return f"report-{self.report.month:%Y-%m}{suffix}"

    def save_pdf(self, path: str | None = None) -> str | None:
        if self.report is None:
            return None
        if path is None:
            path, _f = QFileDialog.getSaveFileName(self, self.tr("Save report as PDF"),
                                                   self._default_name(".pdf"),
                                                   self.tr("PDF files (*.pdf)"))
            if not path:
                return None
        try:
            pages = self.document().save_pdf(path)
        except OSError as err:
            QMessageBox.warning(self, self.tr("Save report as PDF"), self.tr(
                "Could not write %1: %2").replace("%1", path).replace("%2", str(err)))
            return None
        self.status_message.emit(self.tr("%n page(s) saved to %1", "", pages).replace(
            "%1", os.path.abspath(path)))
        return path

    def save_xlsx(self, path: str | None = None) -> str | None:
        from desktop_crm.services.report_xlsx import write_xlsx

        if self.report is None:
            return None
        if path is None:
            path, _f = QFileDialog.getSaveFileName(self, self.tr("Export figures to Excel"),
                                                   self._default_name(".xlsx"),
                                                   self.tr("Excel workbooks (*.xlsx)"))
            if not path:
                return None
        try:
            write_xlsx(self.report, path, report_tr,
                       lambda code: labels.label(labels.TIERS, code))
        except OSError as err:
            QMessageBox.warning(self, self.tr("Export figures to Excel"), self.tr(
                "Could not write %1: %2").replace("%1", path).replace("%2", str(err)))
            return None
        self.status_message.emit(self.tr("Figures saved to %1").replace(
            "%1", os.path.abspath(path)))
        return path
