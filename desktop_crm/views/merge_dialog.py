"""Merge duplicate customers: the records side by side, a choice per field, what will move."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QDialogButtonBox, QGridLayout, QLabel, QMessageBox, QRadioButton,
    QScrollArea, QVBoxLayout, QWidget,
)

from desktop_crm.services.errors import ConflictError, NotFound, ServiceError
from desktop_crm.services.merge import MergePreview, MergeService

from . import labels
from .widgets import error_label
from . import ui_state

log = logging.getLogger(__name__)

_C = "MergeDialog"
RELATED = {
    "contacts": QT_TRANSLATE_NOOP("MergeDialog", "Contacts"),
    "orders": QT_TRANSLATE_NOOP("MergeDialog", "Orders"),
    "interactions": QT_TRANSLATE_NOOP("MergeDialog", "Interactions"),
    "activities": QT_TRANSLATE_NOOP("MergeDialog", "Follow-ups"),
    "activity_series": QT_TRANSLATE_NOOP("MergeDialog", "Recurring follow-ups"),
    "opportunities": QT_TRANSLATE_NOOP("MergeDialog", "Opportunities"),
    "tickets": QT_TRANSLATE_NOOP("MergeDialog", "Tickets"),
    "customer_assignments": QT_TRANSLATE_NOOP("MergeDialog", "Owner history"),
    "notifications": QT_TRANSLATE_NOOP("MergeDialog", "Notifications"),
    "tags": QT_TRANSLATE_NOOP("MergeDialog", "Tags"),
}
MAX_CELL = 60  # characters of a long value (notes, address) shown in a cell


def merge_service(services) -> MergeService:
    """The app's merge service, or one made for this window."""
    svc = getattr(services, "merges", None)
    return svc if svc is not None else MergeService(services.db, services.user)


class MergeDialog(QDialog):
    """Merge ``other_ids`` into ``survivor_id``: one column per customer (the one kept
    first), a radio button per field to choose whose value the kept customer takes, and the
    related records that will move to it.

    Signals:
        merged(object): the MergeResult, after the merge was saved
    """

    merged = Signal(object)

    def __init__(self, services, survivor_id: uuid.UUID, other_ids: list[uuid.UUID],
                 parent=None):
        super().__init__(parent)
        self._svc = merge_service(services)
        self._survivor_id = survivor_id
        self._other_ids = list(other_ids)
        self.preview: MergePreview | None = None
        self.choices: dict[str, QButtonGroup] = {}
        self.result = None
        self.setWindowTitle(self.tr("Merge customers"))
        self.setMinimumSize(760, 560)
        ui_state.remember_size(self, "merge")

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.grid_host = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        self.moves = QLabel()
        self.moves.setObjectName("merge_moves")
        self.moves.setWordWrap(True)
        self.error = error_label()
        self.error.setObjectName("merge_error")

        sb = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(sb.Ok | sb.Cancel)
        self.merge_button = self.buttons.button(sb.Ok)
        self.merge_button.setText(self.tr("Merge"))
        self.buttons.button(sb.Cancel).setText(QCoreApplication.translate("Buttons", "Cancel"))
        self.buttons.accepted.connect(self.try_merge)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.moves)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.reload()

    # -- building -------------------------------------------------------------------

    def reload(self) -> None:
        """Read the customers again (after a conflict: someone's edits are shown)."""
        try:
            self.preview = self._svc.preview(self._survivor_id, self._other_ids)
        except NotFound:
            self.preview = None
            self.intro.setText(self.tr("One of these customers was deleted or merged "
                                       "already. Close this window and search again."))
            self.merge_button.setEnabled(False)
            return
        self._build_grid(self.preview)
        self._show_moves(self.preview)

    def _build_grid(self, p: MergePreview) -> None:
        old = self.grid_host.layout()
        if old is not None:
            QWidget().setLayout(old)  # reparent the old layout so it is deleted with its widgets
        grid = QGridLayout(self.grid_host)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        self.choices.clear()
        kept = p.customers[0]
        self.intro.setText(self.tr(
            "Choose which value %1 keeps for each field. The other customers' contacts, "
            "orders, follow-ups, deals, tickets and tags move to it, and they are removed "
            "(recorded as merged into it).").replace("%1", kept.code))
        for col, side in enumerate(p.customers, start=1):
            head = QLabel(f"<b>{_escape(side.code)}</b>")
            if col == 1:
                head.setText(f"<b>{_escape(side.code)}</b> " + self.tr("(kept)"))
            grid.addWidget(head, 0, col)
        for row, field in enumerate(p.fields, start=1):
            grid.addWidget(QLabel(labels.label(labels.FIELDS, field)), row, 0,
                           Qt.AlignmentFlag.AlignTop)
            group = QButtonGroup(self)
            group.setObjectName(f"choice_{field}")
            same = field not in p.differing
            chosen = self._default_choice(p, field)
            for col, side in enumerate(p.customers, start=1):
                text = self._shown(field, side.display.get(field, ""), side.values.get(field))
                button = QRadioButton(text or "—")
                button.setObjectName(f"choice_{field}_{col - 1}")
                button.setProperty("customer_id", str(side.id))
                full = side.display.get(field, "")
                if len(full) > MAX_CELL:
                    button.setToolTip(full)
                if same:
                    button.setEnabled(False)
                group.addButton(button, col - 1)
                button.setChecked(col - 1 == chosen)
                grid.addWidget(button, row, col, Qt.AlignmentFlag.AlignTop)
            self.choices[field] = group
        tags_row = len(p.fields) + 1
        grid.addWidget(QLabel(labels.label(labels.FIELDS, "tags")), tags_row, 0)
        tags = QLabel(", ".join(p.tags) or "—")
        tags.setToolTip(self.tr("The kept customer has every tag of the merged ones."))
        grid.addWidget(tags, tags_row, 1, 1, len(p.customers))
        grid.setColumnStretch(len(p.customers) + 1, 1)
        grid.setRowStretch(tags_row + 1, 1)

    @staticmethod
    def _default_choice(p: MergePreview, field: str) -> int:
        """The kept customer's value, unless it is empty and another has one."""
        if p.customers[0].values.get(field) not in (None, ""):
            return 0
        for n, side in enumerate(p.customers[1:], start=1):
            if side.values.get(field) not in (None, ""):
                return n
        return 0

    @staticmethod
    def _shown(field: str, display: str, value: Any) -> str:
        if field == "kind":
            return labels.label(labels.KINDS, value or "")
        if field == "tier":
            return labels.label(labels.TIERS, value or "") if value else ""
        text = " ".join(display.split())
        return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "…"

    def _show_moves(self, p: MergePreview) -> None:
        parts = [f"{QCoreApplication.translate(_C, RELATED[k])} {n}"
                 for k, n in p.moves.items() if n and k in RELATED]
        kept = p.customers[0].code
        if parts:
            self.moves.setText(self.tr("Moves to %1: %2").replace("%1", kept)
                               .replace("%2", self.tr(", ").join(parts)))
        else:
            self.moves.setText(self.tr("Nothing else to move to %1.").replace("%1", kept))

    # -- merging ----------------------------------------------------------------------

    def chosen(self) -> dict[str, uuid.UUID]:
        """Field -> the customer whose value the kept one takes (its own left out)."""
        out = {}
        assert self.preview is not None
        for field, group in self.choices.items():
            button = group.checkedButton()
            if button is None:
                continue
            cid = uuid.UUID(button.property("customer_id"))
            if cid != self.preview.survivor_id:
                out[field] = cid
        return out

    def try_merge(self) -> bool:
        if self.preview is None:
            return False
        self.error.hide()
        n = len(self._other_ids)
        answer = QMessageBox.question(
            self, self.tr("Merge customers"),
            self.tr("Merge %n customer(s) into %1? This cannot be undone from this window.",
                    "", n).replace("%1", self.preview.customers[0].code))
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            self.result = self._svc.merge(self._survivor_id, self._other_ids, self.chosen(),
                                          self.preview.versions)
        except ConflictError:
            self.error.setText(self.tr(
                "Someone changed one of these customers after this window opened. Nothing "
                "was merged. Their changes are shown now: check your choices and merge again."))
            self.error.show()
            QMessageBox.warning(self, self.tr("Changed by someone else"), self.error.text())
            self.reload()
            return False
        except ServiceError as exc:
            log.info("merge failed: %s", exc)
            self.error.setText(self.tr("The customers could not be merged: %1")
                               .replace("%1", str(exc)))
            self.error.show()
            return False
        self.merged.emit(self.result)
        self.accept()
        return True


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
