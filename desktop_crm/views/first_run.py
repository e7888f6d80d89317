"""The first-run welcome: language, company name, where the data lives (this computer or the
office database), and demo data to try the app with. Shown once, before the main window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QLabel, QLineEdit, QRadioButton, QVBoxLayout, QWizard, QWizardPage,
)

from desktop_crm.services import connection
from desktop_crm.services.connection import ServerConnection
from desktop_crm.services.db import default_data_dir

from .connection_dialog import ConnectionForm
from .demo_offer import DEMO_CUSTOMERS
from .widgets import note_label


class LanguagePage(QWizardPage):
    """Bilingual, since nobody has chosen a language yet."""

    def __init__(self, wizard: "FirstRunWizard"):
        super().__init__()
        self.setTitle("欢迎使用 Desktop CRM · Welcome to Desktop CRM")
        self.setSubTitle("请选择界面语言。 · Choose the language of the app.")
        self.zh = QRadioButton("简体中文")
        self.en = QRadioButton("English")
        group = QButtonGroup(self)
        group.addButton(self.zh)
        group.addButton(self.en)
        (self.zh if wizard.language.startswith("zh") else self.en).setChecked(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.zh)
        lay.addWidget(self.en)
        lay.addStretch(1)
        lay.addWidget(note_label("以后可在“文件 → 设置”中更改。 · You can change it later in File → "
                            "Settings."))

    def chosen(self) -> str:
        return "zh_CN" if self.zh.isChecked() else "en"

    def validatePage(self) -> bool:
        self.wizard().set_language(self.chosen())
        return True


class CompanyPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.name = QLineEdit()
        self.name.setMaxLength(100)
        self.label = QLabel()
        self.note = note_label()
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)
        lay.addWidget(self.name)
        lay.addWidget(self.note)
        lay.addStretch(1)

    def initializePage(self) -> None:
        self.setTitle(self.tr("Your company"))
        self.setSubTitle(self.tr("The name is printed on the title page of reports."))
        self.label.setText(self.tr("Company name"))
        self.name.setPlaceholderText(self.tr("e.g. 上海明远贸易有限公司"))
        self.note.setText(self.tr("You can leave it empty and set it later in Settings. On a "
                                  "shared office database only a manager or an administrator "
                                  "can change it."))


class WherePage(QWizardPage):
    """This computer (an SQLite file) or the office database (PostgreSQL)."""

    def __init__(self, wizard: "FirstRunWizard"):
        super().__init__()
        self.local = QRadioButton()
        self.server = QRadioButton()
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.server)
        self.local.setChecked(wizard.server is None)
        self.server.setChecked(wizard.server is not None)
        self.local_note = note_label()
        self.form = ConnectionForm(wizard.server, self)
        self.form.checked.connect(lambda _ok: self.completeChanged.emit())
        for w in (self.form.host, self.form.database, self.form.user, self.form.password):
            w.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.local.toggled.connect(self._toggled)
        lay = QVBoxLayout(self)
        lay.addWidget(self.local)
        lay.addWidget(self.local_note)
        lay.addWidget(self.server)
        lay.addWidget(self.form)
        lay.addStretch(1)
        self._toggled()

    def initializePage(self) -> None:
        self.setTitle(self.tr("Where your data lives"))
        self.setSubTitle(self.tr("One person on one computer needs nothing else; a team shares "
                                 "one database on the office server."))
        self.local.setText(self.tr("Work on this computer"))
        self.local_note.setText(self.tr(
            "Your customers are kept in a file on this computer (%1). Back it up from the File "
            "menu.").replace("%1", str(default_data_dir() / "crm.sqlite3")))
        self.server.setText(self.tr("Connect to the office database"))

    def _toggled(self, *_args) -> None:
        self.form.setVisible(self.server.isChecked())
        self.local_note.setVisible(self.local.isChecked())
        self.setFinalPage(self.server.isChecked())  # Finish, not Next: no demo page follows
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if self.local.isChecked():
            return True
        return self.form.result is not None and self.form.result.ok

    def nextId(self) -> int:
        return self.wizard().demo_id if self.local.isChecked() else -1


class DemoPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.demo = QCheckBox()
        self.note = note_label()
        lay = QVBoxLayout(self)
        lay.addWidget(self.demo)
        lay.addWidget(self.note)
        lay.addStretch(1)

    def initializePage(self) -> None:
        self.setTitle(self.tr("Try it with demo data?"))
        self.setSubTitle(self.tr("Start with an empty customer list, or with a made-up company "
                                 "to look around first."))
        self.demo.setText(self.tr("Add %1 demo customers with orders, follow-ups and tickets")
                          .replace("%1", QLocale().toString(DEMO_CUSTOMERS)))
        self.note.setText(self.tr("Demo data is for trying the app. To start over later, "
                                  "restore an empty backup or delete the database file."))


class FirstRunWizard(QWizard):
    """``set_language(lang)`` is called when the language page is left, so the pages after it
    read in that language; ``on_language`` lets the app install its translators."""

    def __init__(self, language: str = "system",
                 on_language: Callable[[str], None] | None = None, parent=None):
        super().__init__(parent)
        if language == "system":
            language = "zh_CN" if QLocale.system().name().startswith("zh") else "en"
        self.language = language
        self.on_language = on_language
        self.server: ServerConnection | None = connection.saved()
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.language_page = LanguagePage(self)
        self.company_page = CompanyPage()
        self.where_page = WherePage(self)
        self.demo_page = DemoPage()
        self.addPage(self.language_page)
        self.addPage(self.company_page)
        self.where_id = self.addPage(self.where_page)
        self.demo_id = self.addPage(self.demo_page)
        self.setMinimumSize(self.fontMetrics().horizontalAdvance("M") * 48,
                            self.fontMetrics().height() * 30)
        self._retranslate()

    def set_language(self, lang: str) -> None:
        if lang != self.language and self.on_language is not None:
            self.on_language(lang)
        self.language = lang
        self._retranslate()

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Welcome to Desktop CRM"))
        b = QWizard.WizardButton
        self.setButtonText(b.BackButton, self.tr("< Back"))
        self.setButtonText(b.NextButton, self.tr("Next >"))
        self.setButtonText(b.FinishButton, self.tr("Finish"))
        self.setButtonText(b.CancelButton, self.tr("Cancel"))

    # -- what was chosen -------------------------------------------------------------------

    def company_name(self) -> str:
        return self.company_page.name.text().strip()

    def chosen_server(self) -> ServerConnection | None:
        return self.where_page.form.connection() if self.where_page.server.isChecked() else None

    def password(self) -> str | None:
        return self.where_page.form.password_text() if self.chosen_server() else None

    def wants_demo(self) -> bool:
        return self.chosen_server() is None and self.demo_page.demo.isChecked()

    def accept(self) -> None:
        """Save the choice: the connection (password to the keyring when asked) or the local
        file; the caller applies the company name and demo data once the database is open."""
        from desktop_crm.services.settings import Settings

        server = self.chosen_server()
        if server is not None:
            self.where_page.form.keep_password()
        settings = Settings()
        connection.save_choice(server, settings)
        settings.set("language", self.language)
        settings.set("welcomed", True)
        settings.set("demo_offered", True)  # asked here; not again over the main window
        super().accept()
