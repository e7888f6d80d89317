"""Settings: the UI language (this computer) and, with a database, the company name on
reports (team-wide; managers change it)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from desktop_crm.services.settings import Settings

from .widgets import dialog_buttons, error_label, settings_error


class SettingsDialog(QDialog):
    def __init__(self, parent=None, settings: Settings | None = None, services=None):
        super().__init__(parent)
        self.settings = settings or Settings()
        self.services = services
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
        self.company = None
        if services is not None:
            from desktop_crm.services.report import ReportService

            self.reports = ReportService(services.db, services.user)
            name, self.company_version = self.reports.company()
            self.company = QLineEdit(name)
            self.company.setMaxLength(100)
            self.company.setPlaceholderText(self.tr("Shown on the title page of reports"))
            self.company.setEnabled(services.user.role in ("admin", "manager"))
            form.addRow(self.tr("Company name"), self.company)
        self.message = error_label()
        buttons = dialog_buttons(self, self.save, save=False)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(self.message)
        lay.addWidget(buttons)

    def save(self) -> None:
        self.settings.set("language", self.language.currentData())
        if self.company is not None and self.company.isEnabled() and \
                self.company.text().strip() != self.reports.company()[0]:
            from desktop_crm.services.errors import ServiceError
            try:
                self.reports.save_company(self.company.text(), self.company_version)
            except ServiceError as err:
                self.message.setText(settings_error(err, {"company": self.tr("Company name")}))
                self.message.show()
                return
        self.accept()
