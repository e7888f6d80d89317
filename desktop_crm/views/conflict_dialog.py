"""Someone else saved the record while this user was editing it (issue 8).

The dialog shows, for every field both people changed differently, the original value, the
user's, the other person's (who, when) and a choice: keep mine, take theirs, or (for text) a
value the user types. Fields only one side changed are merged without asking and listed. The
user then saves the merged record, discards their own changes (the other person's version
stays), or cancels back to their form, whose values are untouched.

Nothing is overwritten without a choice: "Save merged" is enabled only when every conflict has
one. The merged save is made at the version the dialog compared against; if a third person
saved meanwhile, the dialog compares again (the record as it was shown as the base, the merged
values as the user's) and shows the newest values.

The comparison and the merge are ``services/conflicts.py``; this module only shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from desktop_crm.services import conflicts as cf
from desktop_crm.services.errors import ConflictError, ServiceError, ValidationError

from . import fmt, labels
from .widgets import error_label

_C = "ConflictDialog"
HEADINGS = {
    "customers": QT_TRANSLATE_NOOP("ConflictDialog", "Someone else changed this customer"),
    "opportunities": QT_TRANSLATE_NOOP("ConflictDialog",
                                       "Someone else changed this opportunity"),
}
# choice combo box rows
CHOOSE, MINE, THEIRS, EDIT = 0, 1, 2, 3
COLUMNS = (QT_TRANSLATE_NOOP("ConflictDialog", "Field"),
           QT_TRANSLATE_NOOP("ConflictDialog", "Original"),
           QT_TRANSLATE_NOOP("ConflictDialog", "Yours"),
           QT_TRANSLATE_NOOP("ConflictDialog", "Theirs"),
           QT_TRANSLATE_NOOP("ConflictDialog", "Choice"),
           QT_TRANSLATE_NOOP("ConflictDialog", "Saved value"))
COL_FIELD, COL_BASE, COL_MINE, COL_THEIRS, COL_CHOICE, COL_RESULT = range(6)
MULTILINE = frozenset({"notes", "description"})  # edited in a box of several lines
SAVED, DISCARDED = 1, 2  # results besides Rejected (Cancel)
MINE_STYLE = "background: #e8f0fe;"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_C, text)


def plain(field: str, value: Any) -> str:
    """A value as text, when the caller has nothing better."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


class ConflictDialog(QDialog):
    """Resolve a stale save.

    ``comparison``: a ``services.conflicts.Comparison``; ``save(comparison, choices)`` saves the
    merged record at ``comparison.current_version`` and returns it (``ConflictError`` when a
    third person saved meanwhile); ``recompare(base_record, merged_values)`` compares again
    with the newest stored record; ``display(field, value)`` the text of a value (labels,
    owner names). After ``exec``/``open``: ``result()`` is ``SAVED`` (``record`` the saved
    record), ``DISCARDED`` (``record`` the other person's version, nothing written) or
    Rejected (Cancel).
    """

    def __init__(self, comparison: cf.Comparison, *,
                 save: Callable[[cf.Comparison, dict[str, Any]], Any],
                 recompare: Callable[[Any, dict[str, Any]], cf.Comparison],
                 display: Callable[[str, Any], str] = plain,
                 field_label: Callable[[str], str] | None = None, parent=None):
        super().__init__(parent)
        self._save = save
        self._recompare = recompare
        self._display = display
        self._field_label = field_label or (lambda f: labels.label(labels.FIELDS, f))
        self.record: Any = None
        self.rounds = 1  # how many comparisons were shown (a third person's save adds one)
        self.setObjectName("conflict_dialog")
        self.setWindowTitle(self.tr("Changed by someone else"))
        self.setMinimumWidth(900)

        self.heading = QLabel()
        self.heading.setObjectName("conflict_heading")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.again = QLabel()
        self.again.setObjectName("conflict_again")
        self.again.setWordWrap(True)
        self.again.setStyleSheet("color: #8a6d00;")
        self.again.hide()

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("conflict_table")
        self.table.setHorizontalHeaderLabels([_tr(c) for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its choice boxes take the focus
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        mode = QHeaderView.ResizeMode
        for col in range(len(COLUMNS)):  # the values share the width; the rest fit
            header.setSectionResizeMode(col, mode.ResizeToContents
                                        if col in (COL_FIELD, COL_CHOICE) else mode.Stretch)

        self.auto_title = QLabel(self.tr("Merged without asking (only one of you changed "
                                         "these):"))
        self.auto_list = QLabel()
        self.auto_list.setObjectName("conflict_auto")
        self.auto_list.setWordWrap(True)
        self.auto_list.setTextFormat(Qt.TextFormat.RichText)
        self.error = error_label()

        self.save_button = QPushButton(self.tr("Save merged"))
        self.save_button.setObjectName("save_merged")
        self.save_button.setDefault(True)
        self.discard_button = QPushButton(self.tr("Discard my changes"))
        self.discard_button.setObjectName("discard_mine")
        self.discard_button.setToolTip(self.tr(
            "Keep the other person's version as it is and close your form"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancel_conflict")
        self.cancel_button.setToolTip(self.tr(
            "Back to your form, with your changes as you left them (nothing is saved)"))
        self.save_button.clicked.connect(self.save_merged)
        self.discard_button.clicked.connect(self.discard_mine)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.save_button, self.discard_button, self.cancel_button):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.again)
        layout.addWidget(self.table)
        layout.addWidget(self.auto_title)
        layout.addWidget(self.auto_list)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.show_comparison(comparison)

    # -- showing a comparison -------------------------------------------------------

    def _label(self, d: cf.FieldDiff) -> str:
        if d.members:
            return self._field_label("address" if "address" in d.members else d.members[0])
        return self._field_label(d.field)

    def _text(self, d: cf.FieldDiff, value: Any) -> str:
        if d.members:
            parts = [self._display(f, v) for f, v in zip(d.members, value)]
            return " ".join(p for p in parts if p)
        return self._display(d.field, value)

    def _who(self, d: cf.FieldDiff) -> str:
        if d.author is None:
            return ""
        when = fmt.month_day_time(d.author.at)
        if d.author.name and when:
            return self.tr("%1, %2").replace("%1", d.author.name).replace("%2", when)
        return d.author.name or when

    def show_comparison(self, comparison: cf.Comparison) -> None:
        self.comparison = comparison
        kind = HEADINGS.get(comparison.table, HEADINGS["customers"])
        self.heading.setText(_tr(kind))
        conflicts = comparison.conflicts
        if conflicts:
            self.intro.setText(self.tr(
                "They saved after you opened the form. For each field you both changed, "
                "choose what to keep. Nothing is saved until you choose."))
        else:
            self.intro.setText(self.tr(
                "They saved after you opened the form, but you did not change the same "
                "fields: both sets of changes can be kept."))
        self.table.setRowCount(len(conflicts))
        self.table.setVisible(bool(conflicts))
        self.choices: dict[str, QComboBox] = {}
        self.merged_edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        self._typed: dict[str, str] = {}
        for row, d in enumerate(conflicts):
            self._fill_row(row, d)
        self._fit_rows()
        auto = comparison.merged_automatically
        lines = []
        for d in auto:
            value = fmt_html(self._text(d, d.mine if d.state != cf.THEIRS else d.theirs))
            if d.state == cf.THEIRS:
                who = self._who(d)
                side = (self.tr("theirs (%1)").replace("%1", fmt_html(who)) if who
                        else self.tr("theirs"))
            elif d.state == cf.SAME:
                side = self.tr("you both made this change")
            else:
                side = self.tr("yours")
            lines.append(f"• <b>{fmt_html(self._label(d))}</b>: {value or '—'} — {side}")
        self.auto_list.setText("<br>".join(lines))
        self.auto_title.setVisible(bool(lines))
        self.auto_list.setVisible(bool(lines))
        self._update_save()

    def _fit_rows(self) -> None:
        """Rows as tall as their text at the columns' present widths, and the table as tall
        as its rows (up to a point; then it scrolls)."""
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        height = (min(rows, 360) + self.table.horizontalHeader().sizeHint().height()
                  + 2 * self.table.frameWidth())
        self.table.setFixedHeight(height)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._fit_rows()
        if self.choices:  # the first choice to make, not a button that closes the dialog
            next(iter(self.choices.values())).setFocus()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_rows()

    def _fill_row(self, row: int, d: cf.FieldDiff) -> None:
        def cell(col: int, text: str, tip: str = "") -> QTableWidgetItem:
            item = QTableWidgetItem(text)
            item.setToolTip(tip or text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.table.setItem(row, col, item)
            return item

        cell(COL_FIELD, self._label(d)).setData(Qt.ItemDataRole.UserRole, d.field)
        cell(COL_BASE, self._text(d, d.base))
        cell(COL_MINE, self._text(d, d.mine))
        who = self._who(d)
        theirs = self._text(d, d.theirs)
        cell(COL_THEIRS, f"{theirs}\n({who})" if who else theirs)
        combo = QComboBox()
        combo.setObjectName(f"choice_{d.field}")
        combo.addItem(self.tr("Choose…"))
        combo.addItem(self.tr("Keep mine"))
        combo.addItem(self.tr("Take theirs"))
        if d.editable:
            combo.addItem(self.tr("Edit merged value"))
        combo.currentIndexChanged.connect(lambda _i, d=d: self._choice_changed(d))
        holder = QWidget()  # the combo box at the top of a tall row, not stretched
        box = QVBoxLayout(holder)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(combo)
        box.addStretch(1)
        self.table.setCellWidget(row, COL_CHOICE, holder)
        self.choices[d.field] = combo
        if d.editable:  # the value to save, typed when "Edit merged value" is chosen
            edit = QPlainTextEdit() if d.field in MULTILINE else QLineEdit()
            edit.setObjectName(f"merged_{d.field}")
            if isinstance(edit, QPlainTextEdit):
                edit.setFixedHeight(4 * edit.fontMetrics().lineSpacing() + 12)
            edit.setReadOnly(True)
            _set_frame(edit, False)
            edit.textChanged.connect(lambda f=d.field, e=edit: self._edited(f, e))
            self.merged_edits[d.field] = edit
            self._typed[d.field] = self._text(d, d.mine)
            self.table.setCellWidget(row, COL_RESULT, edit)
        else:
            cell(COL_RESULT, "")

    def _choice_changed(self, d: cf.FieldDiff) -> None:
        i = self.choices[d.field].currentIndex()
        text = {MINE: self._text(d, d.mine), THEIRS: self._text(d, d.theirs)}.get(i, "")
        edit = self.merged_edits.get(d.field)
        if edit is None:
            row = next(r for r in range(self.table.rowCount())
                       if self.table.item(r, COL_FIELD).data(Qt.ItemDataRole.UserRole)
                       == d.field)
            self.table.item(row, COL_RESULT).setText(text)
        else:
            editing = i == EDIT
            typed = self._typed[d.field]
            edit.setReadOnly(True)  # (while the text is set: not a user's typing)
            set_text(edit, typed if editing else text)
            edit.setReadOnly(not editing)
            _set_frame(edit, editing)
            if editing:
                edit.setFocus()
        self._update_save()

    def _edited(self, field: str, edit) -> None:
        if not edit.isReadOnly():  # the user's typing, kept while they look at other sides
            self._typed[field] = text_of(edit)

    def choices_made(self) -> dict[str, Any] | None:
        """The choice for every conflict, or None while one is missing."""
        out: dict[str, Any] = {}
        for d in self.comparison.conflicts:
            i = self.choices[d.field].currentIndex()
            if i == MINE:
                out[d.field] = cf.KEEP_MINE
            elif i == THEIRS:
                out[d.field] = cf.TAKE_THEIRS
            elif i == EDIT:
                out[d.field] = cf.Edited(text_of(self.merged_edits[d.field]))
            else:
                return None
        return out

    def _update_save(self) -> None:
        self.save_button.setEnabled(self.choices_made() is not None)

    # -- the buttons ----------------------------------------------------------------

    def choose(self, field: str, choice: int, text: str | None = None) -> None:
        """Pick ``MINE``, ``THEIRS`` or ``EDIT`` (with ``text``) for a field (as a user would)."""
        self.choices[field].setCurrentIndex(choice)
        if text is not None:
            set_text(self.merged_edits[field], text)
            self._typed[field] = text

    def save_merged(self) -> bool:
        choices = self.choices_made()
        if choices is None:
            return False
        self.error.hide()
        try:
            self.record = self._save(self.comparison, choices)
        except ConflictError:
            # a third person saved while this dialog was open: compare with the newest
            merged = self.comparison.merge(choices)
            try:
                newer = self._recompare(self.comparison.current, merged)
            except ServiceError as err:
                self._show_error(str(err))
                return False
            self.rounds += 1
            self.again.setText(self.tr(
                "Someone else saved again while you were choosing. These are the newest "
                "values; your choices so far are your side now."))
            self.again.show()
            self.show_comparison(newer)
            return False
        except ValidationError as err:
            self._show_error("\n".join(labels.error_text(e) if e.field else str(e)
                                       for e in err.errors))
            return False
        except ServiceError as err:
            self._show_error(str(err))
            return False
        self.done(SAVED)
        return True

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def discard_mine(self) -> None:
        """Keep the other person's version (nothing is written)."""
        self.record = self.comparison.current
        self.done(DISCARDED)


def text_of(edit: QLineEdit | QPlainTextEdit) -> str:
    return edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()


def set_text(edit: QLineEdit | QPlainTextEdit, text: str) -> None:
    if isinstance(edit, QPlainTextEdit):
        edit.setPlainText(text)
    else:
        edit.setText(text)


def _set_frame(edit: QLineEdit | QPlainTextEdit, on: bool) -> None:
    if isinstance(edit, QPlainTextEdit):
        edit.setFrameShape(QPlainTextEdit.Shape.StyledPanel if on
                           else QPlainTextEdit.Shape.NoFrame)
    else:
        edit.setFrame(on)


def fmt_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
