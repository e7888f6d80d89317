"""Find duplicate customers (去重): groups of likely duplicates with their score and reasons;
"Not duplicates" per group, "Merge…" opens the merge dialog."""

from __future__ import annotations

import logging
import uuid

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP, QThreadPool, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QProgressBar,
    QPushButton, QSpinBox, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
)

from desktop_crm.services.duplicates import DEFAULT_MIN_SCORE, DuplicateGroup, DuplicateService
from desktop_crm.services.errors import Cancelled
from desktop_crm.services.text import display_phone

from . import fmt
from .merge_dialog import MergeDialog
from .widgets import scaled
from .workers import Worker, guarded
from . import ui_state

log = logging.getLogger(__name__)

_C = "Duplicates"
REASONS = {
    "same_phone": QT_TRANSLATE_NOOP("Duplicates", "same phone"),
    "same_email": QT_TRANSLATE_NOOP("Duplicates", "same email address"),
    "same_name": QT_TRANSLATE_NOOP("Duplicates", "same name"),
    "same_pinyin": QT_TRANSLATE_NOOP("Duplicates", "name sounds the same"),
    "similar_name": QT_TRANSLATE_NOOP("Duplicates", "similar name"),
}
STAGES = {
    "reading": QT_TRANSLATE_NOOP("Duplicates", "Reading customers…"),
    "comparing": QT_TRANSLATE_NOOP("Duplicates", "Comparing…"),
    "grouping": QT_TRANSLATE_NOOP("Duplicates", "Grouping…"),
}
SHOWN = 1000  # groups listed at once; the best first
ID_ROLE = Qt.ItemDataRole.UserRole


def reason_text(reasons) -> str:
    sep = QCoreApplication.translate("Duplicates", ", ")
    return sep.join(QCoreApplication.translate(_C, REASONS[r]) if r in REASONS else r
                    for r in reasons)


def duplicate_service(services) -> DuplicateService:
    svc = getattr(services, "duplicates", None)
    return svc if svc is not None else DuplicateService(services.db, services.user)


class DuplicatesDialog(QDialog):
    """Finds duplicates in a worker (progress, Cancel) and lists the groups, best first.

    Signals:
        merged(object): a MergeResult, after a group was merged
        changed(object): the ChangeSet of a merge or a "not duplicates"
    """

    merged = Signal(object)
    changed = Signal(object)

    def __init__(self, services, parent=None, *, start: bool = True):
        super().__init__(parent)
        self.services = services
        self._svc = duplicate_service(services)
        self._worker: Worker | None = None
        self.groups: list[DuplicateGroup] = []
        self.setWindowTitle(self.tr("Find duplicates"))
        self.resize(900, 600)
        ui_state.remember_size(self, "duplicates")

        self.min_score = QSpinBox()
        self.min_score.setRange(50, 100)
        self.min_score.setValue(DEFAULT_MIN_SCORE)
        self.min_score.setFixedWidth(max(70, self.min_score.sizeHint().width()))
        self.min_score.setToolTip(self.tr("Pairs scoring below this are not listed."))
        self.find_button = QPushButton(self.tr("Find"))
        self.find_button.clicked.connect(self.find)
        self.cancel_button = QPushButton(self.tr("Stop"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("duplicates_status")

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Lowest score")))
        top.addWidget(self.min_score)
        top.addWidget(self.find_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.progress, 1)
        top.addStretch(1)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(6)
        self.tree.setHeaderLabels([self.tr("Score"), self.tr("Customer code"), self.tr("Name"),
                                   self.tr("Phone"), self.tr("City"), self.tr("Why")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        for col, width in enumerate((110, 90, 260, 130, 80)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.tree.setColumnWidth(col, scaled(self.tree, width))
        ui_state.remember_header(header, "duplicates/tree")
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda *_: self.merge_selected())

        self.ignore_button = QPushButton(self.tr("Not duplicates"))
        self.ignore_button.setToolTip(self.tr("These customers are different: do not list "
                                              "them together again."))
        self.ignore_button.clicked.connect(self.ignore_selected)
        self.merge_button = QPushButton(self.tr("Merge…"))
        self.merge_button.setToolTip(self.tr("Merge the group into the selected customer (the "
                                             "first one if a group is selected)."))
        self.merge_button.clicked.connect(self.merge_selected)
        close = QPushButton(QCoreApplication.translate("Buttons", "Close"))
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.ignore_button)
        bottom.addWidget(self.merge_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addLayout(bottom)
        self._update_buttons()
        if start:
            self.find()

    # -- finding ----------------------------------------------------------------------

    def find(self) -> None:
        if self._worker is not None:
            return
        score = self.min_score.value()
        worker = Worker(lambda progress: self._svc.find(progress, min_score=score),
                        with_progress=True)
        worker.signals.progressed.connect(guarded(self, self._progressed))
        worker.signals.finished.connect(guarded(self, self._found))
        worker.signals.failed.connect(guarded(self, self._failed))
        self._worker = worker
        self.find_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText(self.tr("Searching…"))
        QThreadPool.globalInstance().start(worker)

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.status.setText(self.tr("Stopping…"))

    def reject(self) -> None:
        self.cancel()
        super().reject()

    def _progressed(self, stage: str, done: int, total: int) -> None:
        if stage in STAGES:
            self.status.setText(QCoreApplication.translate(_C, STAGES[stage]))
        if stage == "reading" and total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        else:
            self.progress.setRange(0, 0)

    def _finished(self) -> None:
        self._worker = None
        self.find_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.hide()

    def _failed(self, exc: Exception) -> None:
        self._finished()
        if isinstance(exc, Cancelled):
            self.status.setText(self.tr("Search stopped."))
            return
        log.warning("duplicate search failed: %r", exc)
        self.status.setText(self.tr("The search failed: %1").replace("%1", str(exc)))

    def _found(self, groups: list[DuplicateGroup]) -> None:
        self._finished()
        self.groups = list(groups)
        self._fill()

    def _fill(self) -> None:
        self.tree.clear()
        for g in self.groups[:SHOWN]:
            top = QTreeWidgetItem([
                str(g.score), "", self.tr("%n customer(s)", "", len(g.members)), "", "",
                reason_text(g.reasons)])
            top.setData(0, ID_ROLE, [str(i) for i in g.ids])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for m in g.members:
                child = QTreeWidgetItem(["", m.code, m.name, display_phone(m.phone), m.city,
                                         reason_text(m.reasons)])
                child.setData(0, ID_ROLE, str(m.id))
                child.setToolTip(2, m.name)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        self._show_count()
        self._update_buttons()

    def _show_count(self) -> None:
        n = len(self.groups)
        if not n:
            self.status.setText(self.tr("No likely duplicates found."))
        elif n > SHOWN:
            self.status.setText(self.tr("The best %1 of %2 groups are listed.")
                                .replace("%1", fmt.number(SHOWN)).replace("%2", fmt.number(n)))
        else:
            self.status.setText(self.tr("%n group(s) of likely duplicates.", "", n))

    # -- acting on a group ------------------------------------------------------------

    def _selected(self) -> tuple[QTreeWidgetItem | None, uuid.UUID | None]:
        """The selected group's item and the selected member (None: the group itself)."""
        items = self.tree.selectedItems()
        if not items:
            return None, None
        item = items[0]
        if item.parent() is None:
            return item, None
        return item.parent(), uuid.UUID(item.data(0, ID_ROLE))

    def _update_buttons(self) -> None:
        group, _member = self._selected()
        self.ignore_button.setEnabled(group is not None)
        self.merge_button.setEnabled(group is not None)

    def select_group(self, index: int, member: int | None = None) -> None:
        top = self.tree.topLevelItem(index)
        self.tree.setCurrentItem(top if member is None else top.child(member))

    def ignore_selected(self) -> None:
        group, _member = self._selected()
        if group is None:
            return
        ids = [uuid.UUID(i) for i in group.data(0, ID_ROLE)]
        changes = self._svc.ignore_group(ids)
        self._drop(group)
        self.changed.emit(changes)

    def merge_selected(self) -> MergeDialog | None:
        group, member = self._selected()
        if group is None:
            return None
        ids = [uuid.UUID(i) for i in group.data(0, ID_ROLE)]
        survivor = member or ids[0]
        dlg = MergeDialog(self.services, survivor, [i for i in ids if i != survivor], self)
        dlg.merged.connect(lambda result, g=group: self._merged(g, result))
        dlg.open()
        return dlg

    def _merged(self, group: QTreeWidgetItem, result) -> None:
        self._drop(group)
        self.merged.emit(result)
        self.changed.emit(result.changes)
        QMessageBox.information(self, self.tr("Merged"), self.tr(
            "%n customer(s) merged.", "", len(result.merged_ids)))

    def _drop(self, group: QTreeWidgetItem) -> None:
        index = self.tree.indexOfTopLevelItem(group)
        ids = set(group.data(0, ID_ROLE))
        self.groups = [g for g in self.groups if {str(i) for i in g.ids} != ids]
        self.tree.takeTopLevelItem(index)
        self._show_count()
        self._update_buttons()
