"""The import wizard's last two steps: the check (a pass that writes nothing) and the import
itself, each run in a worker with a progress bar and Cancel, then the counts and every
rejected row with its reason, which can be saved as a workbook to fix and import again."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel, QCoreApplication, QModelIndex, QThreadPool, Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
    QPushButton, QSizePolicy, QTableView, QVBoxLayout, QWidget, QWizard, QWizardPage,
)

from desktop_crm.services.errors import Cancelled, ChangeSet, ServiceError, ValidationError
from desktop_crm.services.importing import ImportResult, UnreadableFile
from desktop_crm.services.importing.engine import CHANGES

from . import fmt
from . import import_labels as L
from .widgets import ERROR_STYLE
from .workers import Worker, guarded

if TYPE_CHECKING:
    from .import_wizard import ImportWizard

log = logging.getLogger(__name__)

OK_STYLE = "color: #15803d;"
NOTE_STYLE = "color: #555;"


def number(value: int) -> str:
    return fmt.number(int(value))


def start(owner, fn, *, finished, failed, progressed=None) -> Worker:
    """``fn`` in a worker (``progress`` passed when ``progressed`` is given); the slots do
    nothing once ``owner`` is gone."""
    worker = Worker(fn, with_progress=progressed is not None)
    if progressed is not None:
        worker.signals.progressed.connect(guarded(owner, progressed))
    worker.signals.finished.connect(guarded(owner, finished))
    worker.signals.failed.connect(guarded(owner, failed))
    QThreadPool.globalInstance().start(worker)
    return worker


class ProblemsModel(QAbstractTableModel):
    """Every problem of the rejected rows: row, column, value, reason (a table of 100,000
    problems costs only the rows painted)."""

    def __init__(self, reasons: L.Reasons, parent=None):
        super().__init__(parent)
        self.reasons = reasons
        self.problems: list = []
        self.headers = [QCoreApplication.translate("ImportWizard", "Row"),
                        QCoreApplication.translate("ImportWizard", "Column"),
                        QCoreApplication.translate("ImportWizard", "Value"),
                        QCoreApplication.translate("ImportWizard", "Reason")]

    def set_result(self, result: ImportResult | None) -> None:
        self.beginResetModel()
        self.problems = result.problems if result is not None else []
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 4

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self.problems[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return p.row
            if col == 1:
                return p.column or "—"
            if col == 2:
                return p.value[:80]
            return self.reasons.reason(p)
        if role == Qt.ItemDataRole.ToolTipRole and col in (2, 3):
            return p.value if col == 2 else self.reasons(p)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


def _problems_view(model: ProblemsModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    head = view.horizontalHeader()
    head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    head.resizeSection(1, 110)
    head.resizeSection(2, 170)
    head.setStretchLastSection(True)
    return view


class CountsView(QWidget):
    """The counts of a check or an import: read, new, updated, unchanged, rejected."""

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 4)
        grid.setHorizontalSpacing(24)
        self.numbers: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        for i, key in enumerate(("read", "imported", "updated", "skipped", "rejected")):
            number = QLabel("–")
            number.setFont(big)
            caption = QLabel()
            caption.setStyleSheet(NOTE_STYLE)
            grid.addWidget(number, 0, i)
            grid.addWidget(caption, 1, i)
            self.numbers[key] = number
            self.captions[key] = caption
        grid.setColumnStretch(5, 1)

    def set_result(self, result: ImportResult | None, *, dry_run: bool) -> None:
        captions = {
            "read": QCoreApplication.translate("ImportWizard", "rows read"),
            "imported": QCoreApplication.translate("ImportWizard", "new records") if dry_run
            else QCoreApplication.translate("ImportWizard", "records created"),
            "updated": QCoreApplication.translate("ImportWizard", "would be updated")
            if dry_run else QCoreApplication.translate("ImportWizard", "records updated"),
            "skipped": QCoreApplication.translate("ImportWizard", "already there, unchanged"),
            "rejected": QCoreApplication.translate("ImportWizard", "rows rejected"),
        }
        for key, label in self.captions.items():
            label.setText(captions[key])
            value = getattr(result, key) if result is not None else None
            self.numbers[key].setText("–" if value is None else number(value))
            if key == "rejected":
                self.numbers[key].setStyleSheet(ERROR_STYLE if value else "")


class _WorkPage(QWizardPage):
    """A page that runs a pass over the file in a worker: a progress bar, Cancel, the counts
    and the rejected rows, which can be saved as a workbook."""

    dry_run = True

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.worker: Worker | None = None
        self.saver: Worker | None = None
        self.result: ImportResult | None = None
        self.progress = QProgressBar()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stop_button = QPushButton()
        self.stop_button.clicked.connect(self.stop)
        self.again_button = QPushButton()
        self.again_button.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.stop_button)
        bar.addWidget(self.again_button)
        bar.addStretch(0)
        for b in (self.stop_button, self.again_button):
            b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.counts = CountsView()
        self.model = ProblemsModel(wizard.reasons, self)
        self.problems = _problems_view(self.model)
        self.problems_label = QLabel()
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save_rejected)
        self.save_button.setEnabled(False)
        self.saved = QLabel()
        self.saved.setWordWrap(True)
        self.saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.saved, 1)
        self.lay = QVBoxLayout(self)
        self.lay.addLayout(bar)
        self.lay.addWidget(self.status)
        self.lay.addWidget(self.counts)
        self.lay.addWidget(self.problems_label)
        self.lay.addWidget(self.problems, 100)
        self.lay.addLayout(save_row)
        self.lay.addStretch(1)  # takes the room while there is no table of rejected rows

    def _set_running(self, running: bool) -> None:
        self.stop_button.setVisible(running)
        self.progress.setVisible(running)
        self.save_button.setEnabled(not running and self.result is not None
                                    and self.result.rejected > 0 and self.saver is None)
        self.completeChanged.emit()

    def _show_result(self, result: ImportResult | None) -> None:
        self.result = result
        self.counts.set_result(result, dry_run=self.dry_run)
        self.counts.setVisible(result is not None)
        self.model.set_result(result)
        n = result.rejected if result is not None else 0
        if result is None:
            text = ""
        elif n == 0:
            text = QCoreApplication.translate("ImportWizard", "Rejected rows: none")
        else:
            text = QCoreApplication.translate(
                "ImportWizard", "Rejected rows (%1 problems in %2 rows):").replace(
                    "%1", number(len(self.model.problems))).replace("%2", number(n))
        self.problems_label.setText(text)
        self.problems.setVisible(n > 0)
        self.save_button.setVisible(n > 0)
        self.saved.setText("")

    def _progressed(self, stage: str, done: int, total: int) -> None:
        if self.worker is None:
            return
        if total <= 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        self.status.setStyleSheet("")
        self.status.setText(self.w.progress_text(stage, done, total))

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.stop_button.setEnabled(False)
            self.status.setText(QCoreApplication.translate("ImportWizard", "Stopping…"))

    def save_rejected(self) -> None:
        if self.result is None or self.saver is not None:
            return

        def done(text: str, ok: bool) -> None:
            self.saver = None
            self.saved.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
            self.saved.setText(text)
            self.save_button.setEnabled(True)

        self.saver = self.w.save_rejected(self, self.result, done)
        if self.saver is not None:
            self.save_button.setEnabled(False)
            self.saved.setStyleSheet("")
            self.saved.setText(QCoreApplication.translate("ImportWizard", "Saving…"))

    def _begin(self, fn) -> None:
        self.stop_button.setEnabled(True)
        self.again_button.hide()
        self._show_result(None)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setStyleSheet("")
        self.worker = start(self, fn, progressed=self._progressed, finished=self._finished,
                             failed=self._failed)
        self._set_running(True)

    def _finished(self, result: ImportResult) -> None:
        raise NotImplementedError

    def _failed(self, exc: BaseException) -> None:
        raise NotImplementedError

    def failure_text(self, exc: BaseException) -> str:
        if isinstance(exc, UnreadableFile):
            return L.unreadable_text(exc)
        if isinstance(exc, ValidationError):
            return QCoreApplication.translate(
                "ImportWizard", "The columns do not fit this file: %1").replace(
                    "%1", "; ".join(str(e) for e in exc.errors))
        if isinstance(exc, (ServiceError, OSError)):
            return QCoreApplication.translate("ImportWizard", "It failed: %1").replace(
                "%1", str(exc))
        log.error("import pass failed", exc_info=exc)
        return QCoreApplication.translate("ImportWizard", "It failed: %1").replace(
            "%1", repr(exc))


class CheckPage(_WorkPage):
    """The check: every row read and matched as the import would, nothing written."""

    dry_run = True

    def __init__(self, wizard: ImportWizard):
        super().__init__(wizard)
        self.setTitle(self.tr("Check"))
        self.setSubTitle(self.tr("Every row is checked as the import would; nothing is "
                                 "written yet."))
        self.stop_button.setText(self.tr("Cancel check"))
        self.again_button.setText(self.tr("Check again"))
        self.again_button.clicked.connect(self.start)
        self.save_button.setText(self.tr("Save rejected rows…"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Import"))

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        self.start()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt's name (Back)
        if self.worker is not None:
            self.worker.cancel()
            self.worker = None
        self._show_result(None)
        self.w.check = None

    def start(self) -> None:
        w = self.w
        service, kind, source, mapping, dup = (w.service, w.kind, w.source, w.mapping,
                                               w.on_duplicate)
        self.status.setText(self.tr("Checking…"))
        self._begin(lambda progress: service.validate(kind, source, mapping, dup, progress))

    def _finished(self, result: ImportResult) -> None:
        self.worker = None
        self.w.check = result
        self._show_result(result)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        if result.imported + result.updated == 0:
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(self.tr("Nothing would be imported. Save the rejected rows, "
                                        "fix them and import that file, or go back and "
                                        "change the columns."))
        elif result.rejected:
            self.status.setStyleSheet("")
            self.status.setText(self.tr("Import now to bring in the good rows; the rejected "
                                        "rows can be saved, fixed and imported later."))
        else:
            self.status.setStyleSheet(OK_STYLE)
            self.status.setText(self.tr("Every row can be imported."))
        self._set_running(False)

    def _failed(self, exc: BaseException) -> None:
        self.worker = None
        self.progress.hide()
        self.status.setStyleSheet(ERROR_STYLE)
        if isinstance(exc, Cancelled):
            self.status.setText(self.tr("Check cancelled; nothing was written."))
        else:
            self.status.setText(self.failure_text(exc))
        self.again_button.show()
        self._set_running(False)

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        r = self.result
        return self.worker is None and r is not None and r.imported + r.updated > 0


class RunPage(_WorkPage):
    """The import: batches written one transaction each; Cancel keeps the batches done."""

    dry_run = False

    def __init__(self, wizard: ImportWizard):
        super().__init__(wizard)
        self.import_id = None
        self.setTitle(self.tr("Import"))
        self.setSubTitle(self.tr("Rows are written in batches. Cancel keeps the batches "
                                 "already written; the import history can undo them."))
        self.stop_button.setText(self.tr("Cancel import"))
        self.again_button.setText(self.tr("Continue import"))
        self.again_button.clicked.connect(self.resume)
        self.save_button.setText(self.tr("Save rejected rows…"))
        self.undo_note = QLabel(self.tr("This import is in the import history (Data ▸ Import "
                                        "history…), where it can be undone as a whole as long "
                                        "as nobody has changed its records since."))
        self.undo_note.setWordWrap(True)
        self.undo_note.setStyleSheet(NOTE_STYLE)
        self.undo_note.hide()
        self.lay.insertWidget(self.lay.count() - 1, self.undo_note)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        self.start()

    def start(self, resume=None) -> None:
        w = self.w
        service, kind, source, mapping, dup = (w.service, w.kind, w.source, w.mapping,
                                               w.on_duplicate)
        self.undo_note.hide()
        self.status.setText(self.tr("Importing…"))
        self._begin(lambda progress: service.run(kind, source, mapping, dup, progress,
                                                 resume=resume))

    def resume(self) -> None:
        if self.import_id is not None and self.worker is None:
            self.start(self.import_id)

    def _finished(self, result: ImportResult) -> None:
        self.worker = None
        self.import_id = result.import_id
        self.w.result = result
        self._show_result(result)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.status.setStyleSheet(OK_STYLE)
        self.status.setText(self.tr("The import of %1 is finished.").replace("%1", result.file))
        self.undo_note.show()
        self._set_running(False)
        if result.imported + result.updated:
            self.w.imported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.worker = None
        self.progress.hide()
        self.status.setStyleSheet(ERROR_STYLE)
        kept = self._kept()
        if isinstance(exc, Cancelled):
            self.status.setText(self.tr("Import cancelled. %1 records were created and %2 "
                                        "updated before it stopped; they stay.")
                                .replace("%1", number(kept.imported if kept else 0))
                                .replace("%2", number(kept.updated if kept else 0)))
            self.again_button.setVisible(kept is not None)
        else:
            self.status.setText(self.failure_text(exc) + " " + self.tr(
                "The batches written before the failure stay."))
            self.again_button.setVisible(kept is not None)
        if kept is not None:
            self.import_id = kept.id
            self.undo_note.show()
            self.counts.set_result(kept, dry_run=False)  # the log's counts of what stays
            self.counts.show()
            if kept.imported + kept.updated:
                src = self.w.source
                self.w.imported.emit(ImportResult(
                    kept.kind, kept.file_name, kept.sheet, src.headers, False, kept.id,
                    kept.read, kept.imported, kept.updated, kept.skipped, (), 0.0,
                    ChangeSet.of(*CHANGES[kept.kind])))
        self._set_running(False)

    def _kept(self):
        """The log entry of the import that just stopped (what its batches wrote)."""
        src = self.w.source
        try:
            for rec in self.w.service.history(limit=20):
                if rec.file_name == src.name[:260] and rec.kind == self.w.kind and \
                        rec.status in ("cancelled", "failed", "running"):
                    return rec
        except ServiceError:
            log.warning("the import log could not be read", exc_info=True)
        return None

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return self.worker is None
