"""The "Keyboard shortcuts" window (F1): read from the menus, so it cannot go stale."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QMenuBar, QTableWidget,
    QTableWidgetItem, QVBoxLayout,
)

from . import ui_state


def plain(text: str) -> str:
    """A menu text without its mnemonic (E&xport, 导出(&E)) and trailing ellipsis."""
    text = re.sub(r"\s*\(&[^&)]\)", "", text)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".")


def menu_shortcuts(menu_bar: QMenuBar) -> list[tuple[str, str, QKeySequence]]:
    """(menu, entry, key) of every menu entry that has a shortcut, in menu order."""
    rows = []
    for top in menu_bar.actions():
        menu = top.menu()
        if menu is None:
            continue
        for action in menu.actions():
            if action.isSeparator() or action.menu() is not None:
                continue
            for key in action.shortcuts():
                if not key.isEmpty():
                    rows.append((plain(top.text()), plain(action.text()), key))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, menu_bar: QMenuBar, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = menu_shortcuts(menu_bar)
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Key"), self.tr("Does"),
                                              self.tr("Menu")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        for r, (menu, entry, key) in enumerate(rows):
            cells = (key.toString(QKeySequence.SequenceFormat.NativeText), entry, menu)
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
        fm = self.fontMetrics()
        self.resize(fm.averageCharWidth() * 80, fm.height() * (len(rows) + 6))
        ui_state.remember_size(self, "shortcuts")
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def keys(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]
