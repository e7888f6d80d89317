"""Settings the user can change: for now the UI language."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QVBoxLayout

from desktop_crm.services.settings import Settings

from .widgets import dialog_buttons


class SettingsDialog(QDialog):
    def __init__(self, parent=None, settings: Settings | None = None):
        super().__init__(parent)
        self.settings = settings or Settings()
        self.setWindowTitle(self.tr("Settings"))
        self.language = QComboBox()
        self.language.addItem(self.tr("Follow the system"), "system")
        self.language.addItem("简体中文", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(self.language.findData(self.settings.get("language")), 0))
        note = QLabel(self.tr("A new language takes effect when the app starts next time."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #64748b;")
        form = QFormLayout()
        form.addRow(self.tr("Language"), self.language)
        buttons = dialog_buttons(self, self.save, save=False)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)

    def save(self) -> None:
        self.settings.set("language", self.language.currentData())
        self.accept()
