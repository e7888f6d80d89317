"""Settings, in three pages:

- General: this computer's language and first day of the week (settings.json), and the
  company's name and currency (team-wide, ``shared_settings``; managers and admins change them).
- Team rules: the editors of business hours and SLA, tiers, pipeline stages, lost reasons,
  deal automation, lead scoring, follow-up cadence, holidays and the public pool, opened
  through their sections so a saved change refreshes what they show.
- Database: which database this computer works with, where its password is kept, and the
  connection dialog to change it (used from the next start).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QTabWidget,
    QVBoxLayout, QWidget,
)

from desktop_crm.services import connection
from desktop_crm.services.settings import Settings

from .widgets import NOTE_STYLE, dialog_buttons, error_label, note_label, settings_error



class SettingsDialog(QDialog):
    def __init__(self, parent=None, settings: Settings | None = None, services=None):
        super().__init__(parent)
        self.settings = settings or Settings()
        self.services = services
        self.window_ = parent
        self.setWindowTitle(self.tr("Settings"))
        self.message = error_label()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_page(), self.tr("General"))
        if services is not None:
            self.tabs.addTab(self._rules_page(), self.tr("Team rules"))
            self.tabs.addTab(self._database_page(), self.tr("Database"))
        buttons = dialog_buttons(self, self.save, save=False)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(self.message)
        lay.addWidget(buttons)

    # -- general ------------------------------------------------------------------------

    def _general_page(self) -> QWidget:
        page = QWidget()
        self.language = QComboBox()
        self.language.addItem(self.tr("Follow the system"), "system")
        self.language.addItem("简体中文", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(self.language.findData(self.settings.get("language")), 0))
        self.week_start = QComboBox()
        self.week_start.addItem(self.tr("Monday"), "monday")
        self.week_start.addItem(self.tr("Sunday"), "sunday")
        self.week_start.addItem(self.tr("Saturday"), "saturday")
        self.week_start.setCurrentIndex(
            max(self.week_start.findData(self.settings.get("week_start")), 0))
        form = QFormLayout(page)
        form.addRow(self.tr("Language"), self.language)
        form.addRow("", note_label(self.tr("A new language takes effect when the app starts next "
                                      "time.")))
        form.addRow(self.tr("Weeks start on"), self.week_start)
        self.company = None
        self.currency = None
        if self.services is not None:
            from desktop_crm.services import company
            from desktop_crm.services.company import CURRENCIES

            self.company_settings = company.load(self.services.db)
            may = self.services.user.role in ("admin", "manager")
            self.company = QLineEdit(self.company_settings.name)
            self.company.setMaxLength(100)
            self.company.setPlaceholderText(self.tr("Shown on the title page of reports"))
            self.company.setEnabled(may)
            self.currency = QComboBox()
            names = {"CNY": self.tr("Chinese yuan"), "HKD": self.tr("Hong Kong dollar"),
                     "USD": self.tr("US dollar"), "EUR": self.tr("Euro"),
                     "JPY": self.tr("Japanese yen"), "GBP": self.tr("Pound sterling"),
                     "TWD": self.tr("New Taiwan dollar"), "SGD": self.tr("Singapore dollar")}
            for code in CURRENCIES:
                self.currency.addItem(f"{names[code]} ({code})", code)
            self.currency.setCurrentIndex(
                max(self.currency.findData(self.company_settings.currency), 0))
            self.currency.setEnabled(may)
            form.addRow(self.tr("Company name"), self.company)
            form.addRow(self.tr("Currency"), self.currency)
            form.addRow("", note_label(
                self.tr("The company name and currency are the same for everyone using this "
                        "database; new opportunities and imported orders without a currency "
                        "get this one.") if may else
                self.tr("The company name and currency are the same for everyone using this "
                        "database; a manager or an administrator can change them.")))
        return page

    # -- team rules -----------------------------------------------------------------------

    def _rules_page(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        w = self.window_
        entries = [
            (self.tr("Business hours and SLA…"),
             self.tr("Working hours, response and resolution deadlines, escalation"),
             "tickets", "edit_settings"),
            (self.tr("Customer tiers…"),
             self.tr("The rules that make a customer strategic, growth, basic or dormant"),
             "tiers", "edit_rules"),
            (self.tr("Pipeline stages…"), self.tr("The columns of the sales funnel and their "
                                                  "win probability"),
             "pipeline", "edit_stages"),
            (self.tr("Lost reasons…"), self.tr("The reasons to pick from when a deal is lost"),
             "pipeline", "edit_lost_reasons"),
            (self.tr("Deal automation…"), self.tr("Follow-ups created when a deal moves"),
             "pipeline", "edit_automation"),
            (self.tr("Lead scoring…"), self.tr("Points that rank new leads"),
             "pipeline", "edit_lead_rules"),
            (self.tr("Follow-up cadence…"), self.tr("How often each tier should be contacted"),
             "calendar", "edit_cadence"),
            (self.tr("Holidays and working days…"), self.tr("Public holidays and make-up "
                                                             "working days"),
             "calendar", "edit_holidays"),
            (self.tr("Public pool…"), self.tr("When customers go back to the pool and how "
                                              "many a salesperson may hold"),
             "pool", "edit_rules"),
        ]
        self.rule_buttons: dict[str, QPushButton] = {}
        row = 0
        for text, hint, section, method in entries:
            target = getattr(getattr(w, section, None), method, None)
            if target is None:
                continue
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, fn=target: fn())
            self.rule_buttons[f"{section}.{method}"] = button
            grid.addWidget(button, row, 0)
            grid.addWidget(note_label(hint), row, 1)
            row += 1
        if self.services.user.role not in ("admin", "manager"):
            grid.addWidget(note_label(self.tr("You can look at the team rules; a manager or an "
                                         "administrator can change them.")), row, 0, 1, 2)
            row += 1
        grid.setRowStretch(row, 1)
        grid.setColumnStretch(1, 1)
        return page

    # -- database -------------------------------------------------------------------------

    def _database_page(self) -> QWidget:
        import os

        from desktop_crm.services.db import ENV_DB, default_data_dir

        page = QWidget()
        lay = QVBoxLayout(page)
        self.current = QLabel(self.tr("This window works with: %1").replace(
            "%1", self.services.db.describe()))
        self.current.setWordWrap(True)
        lay.addWidget(self.current)
        keeper = connection.keyring_name()
        lay.addWidget(note_label(
            self.tr("Server passwords are kept in: %1").replace("%1", keeper) if keeper else
            self.tr("This computer has no secure password store, so Desktop CRM asks for the "
                    "server password each time it starts. It never writes the password to a "
                    "file.")))
        self.choice = QLabel()
        self.choice.setWordWrap(True)
        lay.addWidget(self.choice)
        self.change = QPushButton(self.tr("Connect to the office database…"))
        self.change.clicked.connect(self.change_connection)
        self.go_local = QPushButton(self.tr("Work on this computer"))
        self.go_local.clicked.connect(self.use_local)
        row = QHBoxLayout()
        row.addWidget(self.change)
        row.addWidget(self.go_local)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addWidget(note_label(self.tr("The file on this computer: %1").replace(
            "%1", str(default_data_dir() / "crm.sqlite3"))))
        if os.environ.get(ENV_DB):
            lay.addWidget(note_label(self.tr("This computer's choice is overridden by the "
                                        "DESKTOP_CRM_DB environment variable.")))
        lay.addStretch(1)
        self._show_choice()
        return page

    def _show_choice(self) -> None:
        from desktop_crm.services.db import describe

        server = connection.saved(self.settings)
        copy = connection.replica_choice(self.settings)
        self.choice.setText(
            self.tr("At the next start: the offline copy %1").replace("%1", describe(copy))
            if copy else
            self.tr("At the next start: the office database %1").replace("%1", server.describe())
            if server else
            self.tr("At the next start: the database on this computer"))
        self.go_local.setEnabled(server is not None or copy is not None)

    def change_connection(self):
        from .connection_dialog import ConnectionDialog

        dlg = ConnectionDialog(connection.saved(self.settings), self)
        dlg.accepted.connect(self._choice_changed)
        dlg.open()
        return dlg

    def use_local(self) -> None:
        connection.save_choice(None, self.settings)
        self._choice_changed()

    def _choice_changed(self) -> None:
        self.settings = Settings(self.settings.path)  # the connection dialog wrote the file
        self._show_choice()
        self.message.setStyleSheet(NOTE_STYLE)
        self.message.setText(self.tr("Desktop CRM will open this database the next time it "
                                     "starts."))
        self.message.show()

    # -- save -----------------------------------------------------------------------------

    def save(self) -> None:
        self.settings.set("language", self.language.currentData())
        self.settings.set("week_start", self.week_start.currentData())
        if self.company is not None and self.company.isEnabled():
            name, code = self.company.text().strip(), self.currency.currentData()
            if (name, code) != (self.company_settings.name, self.company_settings.currency):
                from desktop_crm.services import company
                from desktop_crm.services.errors import ServiceError
                try:
                    company.save(self.services.db, self.services.user, name, code,
                                 self.company_settings.version)
                except ServiceError as err:
                    self.message.setStyleSheet("color: #c62828;")
                    self.message.setText(settings_error(err, {
                        "company": self.tr("Company name"), "currency": self.tr("Currency")}))
                    self.message.show()
                    return
        self.accept()
