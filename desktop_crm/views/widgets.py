"""Small pieces every dialog uses, so they look and read the same everywhere."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

ERROR_STYLE = "color: #c62828;"


def dialog_buttons(dialog: QDialog, accept: Callable[[], object], *,
                   save: bool = True) -> QDialogButtonBox:
    """Save (or OK) and Cancel, labelled in the user's language; Cancel rejects ``dialog``."""
    sb = QDialogButtonBox.StandardButton
    ok = sb.Save if save else sb.Ok
    box = QDialogButtonBox(ok | sb.Cancel)
    box.button(ok).setText(QCoreApplication.translate("Buttons", "Save") if save
                           else QCoreApplication.translate("Buttons", "OK"))
    box.button(sb.Cancel).setText(QCoreApplication.translate("Buttons", "Cancel"))
    box.accepted.connect(accept)
    box.rejected.connect(dialog.reject)
    return box


NOTE_STYLE = "color: #64748b;"


def note_label(text: str = "") -> QLabel:
    """A grey explanatory line under a field or a choice, wrapped."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(NOTE_STYLE)
    return label


def error_label() -> QLabel:
    """A hidden red label for a validation message."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def field_row(form: QFormLayout, errors: dict[str, QLabel], key: str, text: str,
              field) -> None:
    """A form row: the field (a widget or a layout) with its hidden error label under it,
    kept in ``errors[key]`` for the dialog to show a refusal where it belongs."""
    holder = QWidget()
    v = QVBoxLayout(holder)
    v.setContentsMargins(0, 0, 0, 0)
    v.setSpacing(2)
    if isinstance(field, QWidget):
        v.addWidget(field)
    else:
        v.addLayout(field)
    errors[key] = error_label()
    v.addWidget(errors[key])
    form.addRow(text, holder)


def settings_error(err, fields: dict[str, str] | None = None) -> str:
    """Why team settings were not saved, in the user's language: a colleague saved first, or
    which values are wrong (``fields``: a field code -> its label in the dialog)."""
    from desktop_crm.services.errors import ConflictError, ValidationError

    from . import labels
    if isinstance(err, ConflictError):
        return QCoreApplication.translate(
            "Settings", "Someone else saved these settings after you opened them; nothing "
            "was saved. Close and open the dialog again to see theirs.")
    if isinstance(err, ValidationError):
        names = fields or {}
        return "\n".join(f"{names.get(e.field, e.field)}: {labels.error_text(e)}"
                         for e in err.errors)
    return str(err)


def tab_moves_focus(dialog: QWidget) -> None:
    """Tab leaves a multi-line text box for the next field, as in any Windows form, instead
    of typing a tab character into it (so Tab walks a form from top to bottom)."""
    from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

    for edit in dialog.findChildren(QPlainTextEdit) + dialog.findChildren(QTextEdit):
        edit.setTabChangesFocus(True)


USUAL_FONT_PX = 12  # the application font at 100 %: 9 pt (Microsoft YaHei UI, Noto Sans CJK)
USUAL_LINE_PX = 17  # its line spacing


def font_px(scale: float) -> int:
    """A font size in pixels for a style sheet, ``scale`` times the application font's, so
    the text follows a larger font or Windows text size (Qt scales pixels for 150 %, 200 %)."""
    from PySide6.QtGui import QFontInfo
    from PySide6.QtWidgets import QApplication

    return max(1, round(QFontInfo(QApplication.font()).pixelSize() * scale))


def row_height(view: QWidget, usual: int) -> int:
    """A table row height: ``usual`` pixels at the usual font, taller with a larger one."""
    return max(usual, view.fontMetrics().lineSpacing() + usual - USUAL_LINE_PX)


def scaled(widget: QWidget, pixels: int) -> int:
    """``pixels`` at the usual font, more with a larger one (a default column width)."""
    return round(pixels * max(1.0, widget.fontMetrics().lineSpacing() / USUAL_LINE_PX))
