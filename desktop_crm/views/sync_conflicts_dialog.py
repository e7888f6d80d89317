"""The sync conflicts a person decides (issue 9): what both sides wrote to the same field, a
record deleted on one side and edited on the other, a new customer's code already taken, a
look-alike of an existing customer, a change the server refused. Keep theirs, use mine, or
dismiss a notice; a look-alike opens the merge tool."""

from __future__ import annotations

import logging
import uuid

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP, QThreadPool, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
    QMessageBox, QPushButton, QStackedWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
)

from desktop_crm.services.errors import ChangeSet, ServiceError
from desktop_crm.services.sync_conflicts import ConflictItem, SyncConflictService

from . import fmt, ui_state
from .history_tab import field_name, table_name, value_text
from .widgets import note_label
from .workers import Worker, guarded

log = logging.getLogger(__name__)

_C = "SyncConflictsDialog"
KINDS = {
    "field": QT_TRANSLATE_NOOP("SyncConflictsDialog", "Both changed"),
    "delete": QT_TRANSLATE_NOOP("SyncConflictsDialog", "Deleted and changed"),
    "unique": QT_TRANSLATE_NOOP("SyncConflictsDialog", "Already taken"),
    "duplicate": QT_TRANSLATE_NOOP("SyncConflictsDialog", "Looks like a duplicate"),
    "rejected": QT_TRANSLATE_NOOP("SyncConflictsDialog", "Refused by the server"),
}
EXPLAIN = {
    "field": QT_TRANSLATE_NOOP(
        "SyncConflictsDialog", "This was changed at the office while it was changed offline. "
        "The record keeps the office's value (theirs) until you choose."),
    "delete": QT_TRANSLATE_NOOP(
        "SyncConflictsDialog", "One side deleted this record while the other changed it. The "
        "record was kept until you choose."),
    "unique": QT_TRANSLATE_NOOP(
        "SyncConflictsDialog", "The value chosen offline was already taken at the office, so "
        "the record got the next free one."),
    "duplicate": QT_TRANSLATE_NOOP(
        "SyncConflictsDialog", "This new customer looks like one that already exists. Merge "
        "them with the merge tool, or dismiss this notice if they are different."),
    "rejected": QT_TRANSLATE_NOOP(
        "SyncConflictsDialog", "The server refused this change (permissions or a rule). The "
        "values as they were typed are shown here so nothing is lost."),
}
RESOLUTIONS = {
    "mine": QT_TRANSLATE_NOOP("SyncConflictsDialog", "Used mine"),
    "theirs": QT_TRANSLATE_NOOP("SyncConflictsDialog", "Kept theirs"),
    "dismiss": QT_TRANSLATE_NOOP("SyncConflictsDialog", "Dismissed"),
}
COLUMNS = (
    QT_TRANSLATE_NOOP("SyncConflictsDialog", "Record"),
    QT_TRANSLATE_NOOP("SyncConflictsDialog", "Field"),
    QT_TRANSLATE_NOOP("SyncConflictsDialog", "Base"),
    QT_TRANSLATE_NOOP("SyncConflictsDialog", "Mine"),
    QT_TRANSLATE_NOOP("SyncConflictsDialog", "Theirs"),
    QT_TRANSLATE_NOOP("SyncConflictsDialog", "Who"),
    QT_TRANSLATE_NOOP("SyncConflictsDialog", "When"),
    QT_TRANSLATE_NOOP("SyncConflictsDialog", "Kind"),
)
WORDS = {
    "no_record": QT_TRANSLATE_NOOP("SyncConflictsDialog", "(no record)"),
    "not_deleted": QT_TRANSLATE_NOOP("SyncConflictsDialog", "Not deleted"),
    "deleted": QT_TRANSLATE_NOOP("SyncConflictsDialog", "Deleted"),
    "empty": QT_TRANSLATE_NOOP("SyncConflictsDialog", "(empty)"),
}
ID_ROLE = Qt.ItemDataRole.UserRole
MAX_CELL = 80
# bookkeeping columns never worth showing in a whole-record value
_SKIP = {"id", "version", "created_at", "updated_at", "name_pinyin", "name_initials",
         "sort_name", "search_text"}


def _word(key: str) -> str:
    return QCoreApplication.translate(_C, WORDS[key])


def _value(table: str, field: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return value_text(table, field, str(value))


def value_cell(item: ConflictItem, values: dict | None, other: dict | None = None) -> str:
    """One side of a conflict as the user reads it: the field's value (the values of a change
    unit such as province, city, address together), "Deleted" / "Not deleted", or for a
    whole record the fields that differ from ``other`` (else the filled ones)."""
    if values is None:
        return _word("no_record") if item.kind == "delete" else ""
    if set(values) == {"deleted_at"}:
        v = values["deleted_at"]
        return _word("not_deleted") if v is None else _word("deleted")
    keys = list(values)
    if len(keys) <= 3 and item.field and item.field in keys:  # the field or its change unit
        out = " ".join(t for t in (_value(item.table, k, values[k]) for k in keys) if t)
        return (out or _word("empty"))[:MAX_CELL]
    if other is not None:
        keys = [k for k in keys if k not in _SKIP and values.get(k) != other.get(k)]
    else:
        keys = [k for k in keys if k not in _SKIP and values.get(k) not in (None, "")]
    parts = [f"{field_name(k, item.table)}: {_value(item.table, k, values[k])}" for k in keys]
    out = "; ".join(parts)
    return out if len(out) <= MAX_CELL else out[:MAX_CELL - 1] + "…"


def field_cell(item: ConflictItem) -> str:
    if not item.field:
        return ""
    if item.field == "deleted_at":
        return _word("deleted")
    return field_name(item.field, item.table)


def record_cell(item: ConflictItem) -> str:
    """The record's name; what kind of record it is unless it is a customer."""
    kind = table_name(item.table)
    if not item.record:
        return kind
    return item.record if item.table == "customers" else f"{item.record} ({kind})"


class SyncConflictsDialog(QDialog):
    """The open sync conflicts (and with "Show resolved" the decided ones).

    Signals:
        loaded(int): the list was read (the number of rows)
        resolved(object): a ChangeSet of what a decision wrote
    """

    loaded = Signal(int)
    resolved = Signal(object)

    def __init__(self, services, parent=None, *, start: bool = True):
        super().__init__(parent)
        self.services = services
        self.svc = SyncConflictService(services.db, services.user)
        self.items: list[ConflictItem] = []
        self._worker: Worker | None = None
        self.setWindowTitle(self.tr("Sync conflicts"))
        self.setMinimumSize(900, 460)
        ui_state.remember_size(self, "sync_conflicts")

        self.intro = note_label(self.tr(
            "When the same thing was changed offline and at the office, the office's value "
            "stays until you choose. Choices made on an offline copy go to the office with the "
            "next sync."))
        self.tree = QTreeWidget()
        self.tree.setObjectName("sync_conflicts")
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setHeaderLabels([self.tr(c) for c in COLUMNS])
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(60)
        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.empty = QLabel(self.tr("No conflicts: everything synced cleanly."))
        self.empty.setObjectName("sync_conflicts_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #64748b; font-size: 14px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty)
        self.detail = QLabel()
        self.detail.setObjectName("sync_conflict_detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.show_resolved = QCheckBox(self.tr("Show resolved"))
        self.show_resolved.toggled.connect(lambda _on: self.reload())
        self.theirs_button = QPushButton(self.tr("Keep theirs"))
        self.theirs_button.setObjectName("keep_theirs")
        self.theirs_button.clicked.connect(lambda: self.resolve_selected("theirs"))
        self.mine_button = QPushButton(self.tr("Use mine"))
        self.mine_button.setObjectName("use_mine")
        self.mine_button.clicked.connect(lambda: self.resolve_selected("mine"))
        self.dismiss_button = QPushButton(self.tr("Dismiss"))
        self.dismiss_button.setObjectName("dismiss")
        self.dismiss_button.clicked.connect(lambda: self.resolve_selected("dismiss"))
        self.merge_button = QPushButton(self.tr("Open merge tool…"))
        self.merge_button.setObjectName("open_merge")
        self.merge_button.clicked.connect(self.merge_selected)
        row = QHBoxLayout()
        row.addWidget(self.show_resolved)
        row.addStretch(1)
        for b in (self.merge_button, self.dismiss_button, self.theirs_button, self.mine_button):
            row.addWidget(b)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        close.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.detail)
        lay.addLayout(row)
        lay.addWidget(close)
        self._update_buttons()
        if start:
            self.reload()

    # -- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        """Read the conflicts in the background."""
        include = self.show_resolved.isChecked()
        svc = self.svc
        worker = Worker(lambda: svc.list(include_resolved=include))
        worker.signals.finished.connect(guarded(self, self._show))
        worker.signals.failed.connect(guarded(self, self._failed))
        self._worker = worker
        QThreadPool.globalInstance().start(worker)

    def _show(self, items: list[ConflictItem]) -> None:
        selected = self.selected()
        self.items = list(items)
        self.tree.clear()
        for it in self.items:
            base_cmp = it.base if it.kind in ("delete", "rejected") else None
            cells = [record_cell(it), field_cell(it), value_cell(it, it.base),
                     value_cell(it, it.mine, base_cmp), value_cell(it, it.theirs),
                     it.user, fmt.datetime_cell(it.mine_at),
                     self.tr(KINDS[it.kind]) if it.kind in KINDS else it.kind]
            if it.resolved_at is not None:
                cells[7] += " · " + (self.tr(RESOLUTIONS[it.resolution])
                                     if it.resolution in RESOLUTIONS else it.resolution)
            node = QTreeWidgetItem(cells)
            node.setData(0, ID_ROLE, str(it.id))
            for col, text in enumerate(cells):
                node.setToolTip(col, text)
            if it.resolved_at is not None:
                for col in range(len(cells)):
                    node.setForeground(col, Qt.GlobalColor.gray)
            self.tree.addTopLevelItem(node)
            if selected is not None and it.id == selected.id:
                node.setSelected(True)
        self.stack.setCurrentWidget(self.tree if self.items else self.empty)
        self.empty.setText(self.tr("No conflicts: everything synced cleanly.")
                           if not self.show_resolved.isChecked()
                           else self.tr("No conflicts yet."))
        self._fit_columns()
        self._update_buttons()
        self.loaded.emit(len(self.items))

    def _fit_columns(self) -> None:
        header = self.tree.header()
        for col in range(len(COLUMNS) - 1):  # the kind stretches to the edge
            self.tree.resizeColumnToContents(col)
            header.resizeSection(col, max(70, min(header.sectionSize(col) + 12, 220)))

    def _failed(self, exc: BaseException) -> None:
        log.info("sync conflicts not read: %r", exc)
        self.stack.setCurrentWidget(self.empty)
        self.empty.setText(self.tr("The conflicts could not be read: %1").replace(
            "%1", str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
        self.loaded.emit(0)

    # -- choosing ---------------------------------------------------------------------

    def selected(self) -> ConflictItem | None:
        nodes = self.tree.selectedItems()
        if not nodes:
            return None
        cid = nodes[0].data(0, ID_ROLE)
        return next((it for it in self.items if str(it.id) == cid), None)

    def select_row(self, row: int) -> None:
        node = self.tree.topLevelItem(row)
        if node is not None:
            self.tree.setCurrentItem(node)
            node.setSelected(True)

    def rows(self) -> list[list[str]]:
        """The cells as shown (for tests)."""
        return [[self.tree.topLevelItem(r).text(c) for c in range(len(COLUMNS))]
                for r in range(self.tree.topLevelItemCount())]

    def _update_buttons(self) -> None:
        it = self.selected()
        open_ = it is not None and it.resolved_at is None
        choices = it.choices if open_ else ()
        self.theirs_button.setVisible(it is None or "theirs" in choices)
        self.mine_button.setVisible(it is None or "mine" in choices)
        self.dismiss_button.setVisible(it is not None and "dismiss" in choices)
        self.merge_button.setVisible(open_ and it.kind == "duplicate"
                                     and it.other_row_id is not None)
        self.theirs_button.setEnabled("theirs" in choices)
        self.mine_button.setEnabled("mine" in choices)
        self.dismiss_button.setEnabled("dismiss" in choices)
        if it is None:
            self.detail.setText("")
            return
        text = self.tr(EXPLAIN[it.kind]) if it.kind in EXPLAIN else ""
        who = []
        if it.user:
            who.append(self.tr("Mine: %1, %2").replace("%1", it.user)
                       .replace("%2", fmt.datetime_cell(it.mine_at, dash="-")))
        if it.theirs_by or it.theirs_at:
            who.append(self.tr("Theirs: %1, %2").replace("%1", it.theirs_by or "-")
                       .replace("%2", fmt.datetime_cell(it.theirs_at, dash="-")))
        if who:
            text += "\n" + " · ".join(who)
        if it.kind == "rejected" and it.message:
            text += "\n" + self.tr("The server said: %1").replace("%1", it.message)
        self.detail.setText(text)

    def resolve_selected(self, choice: str) -> bool:
        it = self.selected()
        if it is None or it.resolved_at is not None or choice not in it.choices:
            return False
        try:
            self.svc.resolve(it.id, choice)
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("Sync conflicts"), self.tr(
                "This conflict could not be decided: %1").replace("%1", str(exc)))
            self.reload()
            return False
        self.resolved.emit(ChangeSet.of(it.table, "sync_conflicts"))
        self.reload()
        return True

    def merge_selected(self):
        """A look-alike: the merge tool with the existing customer kept; once merged, the
        notice is dismissed."""
        from .merge_dialog import MergeDialog

        it = self.selected()
        if it is None or it.kind != "duplicate" or it.other_row_id is None:
            return None
        dlg = MergeDialog(self.services, it.other_row_id, [it.row_id], self)
        dlg.merged.connect(guarded(self, lambda result, cid=it.id: self._merged(cid, result)))
        dlg.open()
        return dlg

    def _merged(self, conflict_id: uuid.UUID, result) -> None:
        try:
            self.svc.resolve(conflict_id, "dismiss")
        except ServiceError as exc:
            log.info("look-alike notice not dismissed after the merge: %s", exc)
        self.resolved.emit(getattr(result, "changes", None) or ChangeSet.of("customers"))
        self.reload()
