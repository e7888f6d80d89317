"""The main window: navigation on the left, one section at a time on the right."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow,
    QMessageBox, QScrollArea, QSizePolicy, QStackedWidget, QSystemTrayIcon, QVBoxLayout,
    QWidget,
)

from desktop_crm import __version__
from desktop_crm.services.container import Services
from desktop_crm.services.errors import ChangeSet, PermissionDenied

from .calendar_section import CalendarSection
from .connection_banner import ConnectionBanner, ConnectionWatch
from .customers_section import CustomersSection
from .health_keeper import HealthKeeper
from .home_section import HomeSection
from .notifications_view import NotificationsButton, NotificationsDialog
from .pipeline_section import PipelineSection
from .pool_section import PoolSection
from .reminders import ReminderCenter, RemindersDialog
from .reports_section import ReportsSection
from .tickets_section import TicketsSection
from .tiers_section import TiersSection
from .settings_dialog import SettingsDialog
from .shortcuts_dialog import ShortcutsDialog
from . import labels, ui_state
from .widgets import font_px
from .workers import Worker, guarded

log = logging.getLogger(__name__)

ESCALATE_MS = 5 * 60 * 1000  # how often the SLA escalation rules run


class MainWindow(QMainWindow):
    """Signals:
        data_changed(object): a ChangeSet from any section; every section reloads what it shows
    """

    data_changed = Signal(object)

    def __init__(self, services: Services, parent=None):
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("Desktop CRM"))
        self.resize(1400, 900)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(150)
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setStyleSheet(
            f"QListWidget {{ background: #1e293b; color: #e2e8f0; border: none;"
            f" font-size: {font_px(1.17)}px; }}"
            "QListWidget::item { padding: 10px 14px; }"
            "QListWidget::item:selected { background: #2563eb; color: white; }")
        self.stack = QStackedWidget()
        self.sections: dict[str, QWidget] = {}

        self.home = HomeSection(services)
        self._add_section("home", self.tr("Home"), self.home)
        self.customers = CustomersSection(services)
        self._add_section("customers", self.tr("Customers"), self.customers)
        self.calendar = CalendarSection(services)
        self._add_section("calendar", self.tr("Calendar"), self.calendar)
        self.pool = PoolSection(services)
        self._add_section("pool", self.tr("Public pool"), self.pool)
        self.pipeline = PipelineSection(services)
        self._add_section("pipeline", self.tr("Pipeline"), self.pipeline)
        self.tickets = TicketsSection(services)
        self._add_section("tickets", self.tr("Tickets"), self.tickets)
        self.tiers = TiersSection(services)
        self._add_section("tiers", self.tr("Tiers"), self.tiers)
        self.reports = ReportsSection(services)
        self._add_section("reports", self.tr("Reports"), self.reports)
        self._fit_navigation()

        for section in self.sections.values():
            if hasattr(section, "status_message"):
                section.status_message.connect(lambda m: self.statusBar().showMessage(m, 5000))
            if hasattr(section, "data_changed"):
                section.data_changed.connect(self.data_changed)
        # tiers applied or follow-ups planned elsewhere show in the customer list
        self.tiers.data_changed.connect(self.customers.refresh)
        # a customer renamed, or tiers applied, shows on the cards
        self.customers.data_changed.connect(self.pipeline.refresh)
        self.customers.data_changed.connect(self.pool.refresh)
        self.pool.data_changed.connect(self.customers.refresh)
        self.pool.data_changed.connect(self.pipeline.refresh)
        self.data_changed.connect(lambda _c: self.update_notifications())
        self.data_changed.connect(self.reports.refresh)  # a report on screen is out of date
        self.tiers.data_changed.connect(lambda _c: self.pipeline.refresh(None))
        # follow-ups planned or completed elsewhere show in the calendar, and completed ones in
        # the customer's history
        for section in (self.customers, self.pool, self.pipeline, self.tiers):
            section.data_changed.connect(self.calendar.refresh)
        self.calendar.data_changed.connect(self.customers.refresh)
        self.calendar.overdue_changed.connect(self._overdue)
        self.calendar.customer_requested.connect(self.open_customer)
        # from a customer's 360° view: plan a follow-up, open one of its follow-ups
        self.customers.follow_up_requested.connect(
            lambda cid, name: (self.show_section("calendar"),
                               self.calendar.new_activity(customer=(cid, name))))
        self.customers.activity_open_requested.connect(
            lambda aid: (self.show_section("calendar"), self.calendar.open_activity(aid)))
        # tickets: opened from a customer (or a call of its history), shown from it; a won
        # deal's onboarding ticket appears in the list; a ticket's customer opens in the list
        self.customers.ticket_requested.connect(self.new_ticket_for)
        self.customers.ticket_open_requested.connect(
            lambda tid: (self.show_section("tickets"), self.tickets.show_ticket(tid)))
        self.tickets.customer_requested.connect(self.open_customer)
        self.tickets.data_changed.connect(self.customers.refresh)
        self.pipeline.data_changed.connect(self.tickets.refresh)
        # Home: the tiles a change makes out of date reload; a tile opens the list behind it
        self.data_changed.connect(self.home.refresh)
        self.home.open_requested.connect(self.open_from_home)
        self.reports.targets_saved.connect(
            lambda _summary: self.data_changed.emit(ChangeSet.of("targets")))
        # health scores: computed when stale at start-up, the changed customers' after a
        # change; new scores show in the customer list and the Home tiles
        self.health_keeper = HealthKeeper(services, self)
        self.data_changed.connect(self.health_keeper.on_data_changed)
        self.health_keeper.updated.connect(self._health_updated)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        # a section wider than the window (a 1366 x 768 screen at 125 %: 1093 pixels) scrolls
        # sideways instead of making the window reach past the screen's edge
        self.stack_scroll = QScrollArea()
        self.stack_scroll.setObjectName("sectionScroll")
        self.stack_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.stack_scroll.setWidgetResizable(True)
        self.stack_scroll.setWidget(self.stack)
        self.stack.currentChanged.connect(self._fit_section)
        # a lost connection to the office database: a banner over the sections, retries,
        # saves that wait for the server, and a refresh once it is back
        self.connection_banner = ConnectionBanner()
        self.connection_watch = ConnectionWatch(services.db, self.connection_banner, self)
        self.connection_watch.restored.connect(lambda: self.broadcast(self.EVERYTHING))
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self.connection_banner)
        right.addWidget(self.stack_scroll, 1)
        row.addLayout(right, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        self._fit_section(self.stack.currentIndex())

        self.db_label = QLabel(self.tr("Database: %1").replace("%1", services.db.describe()))
        self.db_label.setObjectName("databaseLabel")
        self.user_label = QLabel(self.tr("User: %1").replace("%1", services.user.display_name))
        self.notifications_button = NotificationsButton()
        self.notifications_button.clicked.connect(self.open_notifications)
        self.statusBar().addPermanentWidget(self.notifications_button)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.db_label)
        self._init_sync()
        self._build_menus()
        self._restore_layout()
        self.update_notifications()
        self._workers: set[Worker] = set()
        self.run_pool_rules()

        # reminders of the user's follow-ups, while the app runs
        self.tray = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(QApplication.windowIcon(), self)
            self.tray.setToolTip(self.tr("Desktop CRM"))
            self.tray.show()
        self.reminders = ReminderCenter(services, self, tray=self.tray)
        self.reminders_dialog: RemindersDialog | None = None
        self.reminders.reminders_due.connect(lambda _due: self.open_reminders())
        self.reminders.changed.connect(lambda: self.calendar.refresh(None))
        if self.tray is not None:
            self.tray.messageClicked.connect(self.open_reminders)
        QTimer.singleShot(0, self.reminders.start)

        # SLA escalation: now and every five minutes, in the background
        self._escalating = False
        self.escalation_timer = QTimer(self)
        self.escalation_timer.setInterval(ESCALATE_MS)
        self.escalation_timer.timeout.connect(self.escalate_tickets)
        self.escalation_timer.start()
        QTimer.singleShot(0, self.escalate_tickets)
        QTimer.singleShot(0, self.health_keeper.start)
        # other people's changes (PostgreSQL notices; another program on the SQLite file)
        from .live_updates import attach_live_updates

        self.live_updates = attach_live_updates(self)

    def _fit_section(self, index: int) -> None:
        """Only the section on screen counts for the smallest size (the others are ignored),
        so a narrow section scrolls only when it does not fit itself."""
        policy = QSizePolicy.Policy
        for i in range(self.stack.count()):
            shown = i == index
            self.stack.widget(i).setSizePolicy(
                policy.Preferred if shown else policy.Ignored,
                policy.Preferred if shown else policy.Ignored)
        self.stack.updateGeometry()

    def _fit_navigation(self) -> None:
        """As wide as the longest section name with a count after it (the overdue follow-ups),
        150 pixels at least: a larger font or text size widens it instead of cutting names."""
        font = QFont(self.nav.font())
        font.setPixelSize(font_px(1.17))
        fm = QFontMetrics(font)
        longest = max(fm.horizontalAdvance(self.nav.item(i).text() + " (999)")
                      for i in range(self.nav.count()))
        self.nav.setFixedWidth(max(150, longest + 2 * 14 + 8))

    def _restore_layout(self) -> None:
        """The window's size and place, and the section shown, as the user left them."""
        ui_state.remember_geometry(self, "main")
        section = ui_state.value("main/section")
        if isinstance(section, str) and section in self.sections:
            self.show_section(section)

    # -- notifications and the daily pool rules ---------------------------------------------

    def update_notifications(self) -> None:
        self.notifications_button.set_count(self.services.notifications.count_unread())

    def open_notifications(self) -> NotificationsDialog:
        dlg = NotificationsDialog(self.services.notifications, self)
        dlg.changed.connect(self.update_notifications)
        dlg.open_customer.connect(self.open_customer)
        dlg.open()
        return dlg

    def open_customer(self, customer_id) -> None:
        self.show_section("customers")
        self.customers.show_customer(customer_id)

    def _health_updated(self) -> None:
        changes = ChangeSet.of("health")
        self.customers.refresh(changes)
        self.home.refresh(changes)

    def open_from_home(self, target: str, args: dict) -> None:
        """Show the list (or the record) behind a Home tile."""
        if target == "customer":
            self.open_customer(args["id"])
        elif target == "customers":
            self.show_section("customers")
            self.customers.show_filtered(**args)
        elif target == "calendar_today":
            self.show_section("calendar")
            self.calendar.set_view("today")
        elif target == "activity":
            self.show_section("calendar")
            self.calendar.open_activity(args["id"])
        elif target == "pipeline":
            self.show_section("pipeline")
            self.pipeline.show_filtered(**args)
        elif target == "tickets":
            self.show_section("tickets")
            self.tickets.show_filtered(**args)
        elif target == "ticket":
            self.show_section("tickets")
            self.tickets.show_ticket(args["id"])
        elif target == "reports":
            self.show_section("reports")
            index = self.reports.month.findData(args.get("month"))
            if index >= 0:
                self.reports.month.setCurrentIndex(index)
        elif target == "tiers":
            self.show_section("tiers")
        elif target == "targets":
            self.open_targets(args.get("period"))

    def open_targets(self, period: str | None = None):
        """The sales targets editor; saved targets refresh what shows attainment."""
        from .targets_dialog import TargetsDialog

        dialog = TargetsDialog(self.services, self, period=period)
        dialog.saved.connect(lambda _summary: self.data_changed.emit(ChangeSet.of("targets")))
        dialog.open()
        return dialog

    def run_pool_rules(self) -> None:
        """Return the customers due back to the public pool, in the background. Only once a
        manager has saved the pool rules: the first run on an old database may return many
        customers, and the manager starts it in the Public pool section, seeing how many."""
        pool = self.services.pool
        if pool.rules()[1] == 0:
            return
        worker = Worker(pool.return_due)
        self._workers.add(worker)
        worker.signals.finished.connect(guarded(self, self._pool_rules_done))
        worker.signals.finished.connect(lambda _r: self._workers.discard(worker))
        worker.signals.failed.connect(lambda _e: self._workers.discard(worker))
        worker.signals.failed.connect(guarded(self, lambda exc: self.statusBar().showMessage(
            self.tr("Could not apply the public pool rules: %1").replace("%1", str(exc)))))
        QThreadPool.globalInstance().start(worker)

    def _pool_rules_done(self, returned: list) -> None:
        if returned:
            self.statusBar().showMessage(self.tr(
                "%n customer(s) went back to the public pool", "", len(returned)), 10000)
            changes = ChangeSet.of("customers", "notifications")
            for section in (self.customers, self.pool, self.pipeline):
                section.refresh(changes)
        self.update_notifications()

    def new_ticket_for(self, customer_id, name: str, interaction_id=None):
        """The new-ticket form for a customer, filled from an interaction when given."""
        draft = self.services.tickets.draft_from_interaction(interaction_id) \
            if interaction_id else {}
        self.show_section("tickets")
        return self.tickets.new_ticket(
            customer_id=customer_id, customer_name=name, interaction_id=interaction_id,
            subject=draft.get("subject", ""), description=draft.get("description", ""))

    def escalate_tickets(self) -> None:
        """Apply the SLA escalation rules (a worker; one run at a time)."""
        if self._escalating:
            return
        self._escalating = True
        worker = Worker(self.services.tickets.escalate_due)
        self._workers.add(worker)

        def done(escalated) -> None:
            self._escalating = False
            self._workers.discard(worker)
            if escalated:
                self.statusBar().showMessage(self.tr(
                    "%n ticket(s) escalated", "", len(escalated)), 10000)
                self.tickets.refresh(ChangeSet.of("tickets"))
                self.update_notifications()

        def failed(exc) -> None:
            self._escalating = False
            self._workers.discard(worker)
            log.info("ticket escalation failed: %r", exc)

        worker.signals.finished.connect(guarded(self, done))
        worker.signals.failed.connect(guarded(self, failed))
        QThreadPool.globalInstance().start(worker)

    def _overdue(self, count: int) -> None:
        """The navigation shows how many follow-ups are overdue."""
        keys = list(self.sections)
        item = self.nav.item(keys.index("calendar"))
        item.setText(self.tr("Calendar (%1)").replace("%1", str(count)) if count
                     else self.tr("Calendar"))
        item.setToolTip(self.tr("%n overdue follow-up(s)", "", count) if count else "")

    def open_reminders(self) -> RemindersDialog:
        """The list of due reminders (one window, raised when new ones arrive)."""
        if self.reminders_dialog is None:
            self.reminders_dialog = RemindersDialog(self.reminders, self)
            self.reminders_dialog.open_requested.connect(self._open_reminded)
        self.reminders_dialog.show()
        self.reminders_dialog.raise_()
        return self.reminders_dialog

    def _open_reminded(self, activity_id) -> None:
        self.show_section("calendar")
        self.calendar.open_activity(activity_id)

    def _add_section(self, key: str, title: str, widget: QWidget) -> None:
        self.sections[key] = widget
        QListWidgetItem(title, self.nav)
        self.stack.addWidget(widget)

    def show_section(self, key: str) -> None:
        keys = list(self.sections)
        self.nav.setCurrentRow(keys.index(key))

    def current_section(self) -> str:
        return list(self.sections)[max(self.nav.currentRow(), 0)]

    def _action(self, menu, name: str, text: str, slot, shortcut=None) -> QAction:
        """A menu entry; ``shortcut`` a QKeySequence.StandardKey or a portable text."""
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        add = self._action
        key = QKeySequence.StandardKey
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        add(file_menu, "new_customer", self.tr("&New customer"),
            lambda: (self.show_section("customers"), self.customers.new_customer()), key.New)
        add(file_menu, "new_follow_up", self.tr("New follow-&up"),
            lambda: (self.show_section("calendar"), self.calendar.new_activity()),
            "Ctrl+Shift+F")
        add(file_menu, "new_ticket", self.tr("New &ticket"),
            lambda: (self.show_section("tickets"), self.tickets.new_ticket()), "Ctrl+Shift+T")
        add(file_menu, "new_opportunity", self.tr("New &opportunity"),
            lambda: (self.show_section("pipeline"), self.pipeline.new_opportunity()),
            "Ctrl+Shift+O")
        add(file_menu, "log_interaction", self.tr("&Log an interaction with the customer"),
            self.log_interaction, "Ctrl+Shift+L")
        file_menu.addSeparator()
        add(file_menu, "find_customer", self.tr("&Find customer"),
            lambda: (self.show_section("customers"), self.customers.search.setFocus(),
                     self.customers.search.selectAll()), key.Find)
        add(file_menu, "reminders", self.tr("&Reminders…"), self.open_reminders,
            "Ctrl+Shift+R")
        file_menu.addSeparator()
        self.print_action = add(file_menu, "print_report", self.tr("&Print monthly report…"),
                                self.print_report, key.Print)
        file_menu.addSeparator()
        add(file_menu, "back_up", self.tr("&Back up database…"),
            lambda: self.back_up_database(), "Ctrl+Shift+B")
        add(file_menu, "restore", self.tr("Res&tore from backup…"),
            lambda: self.restore_database())  # replaces the data: never at a key press
        file_menu.addSeparator()
        if self.replica_state is not None:  # an offline copy of the office database
            add(file_menu, "sync", self.tr("S&ync with the office"), self.open_sync,
                "Ctrl+Shift+S")
            add(file_menu, "sync_conflicts", self.tr("Sync &conflicts…"),
                self.open_sync_conflicts)
            add(file_menu, "sync_history", self.tr("Sync &history…"), self.open_sync_history)
            file_menu.addSeparator()
        elif not self.services.db.is_sqlite:  # the office server
            add(file_menu, "take_offline", self.tr("Ta&ke this database offline…"),
                lambda: self.take_offline())
            add(file_menu, "sync_conflicts", self.tr("Sync &conflicts…"),
                self.open_sync_conflicts)
            file_menu.addSeparator()
        add(file_menu, "settings", self.tr("&Settings…"), self.open_settings, "Ctrl+,")
        from desktop_crm.services import access

        if access.may(self.services.user, "manage_users"):
            add(file_menu, "staff", self.tr("Staff &accounts…"), self.open_staff)
        if access.may(self.services.user, "audit"):
            add(file_menu, "audit_log", self.tr("A&udit log…"), self.open_audit_log,
                "Ctrl+Shift+A")
        file_menu.addSeparator()
        add(file_menu, "quit", self.tr("&Quit"), self.close, "Ctrl+Q")

        go_menu = self.menuBar().addMenu(self.tr("&Go"))
        self.go_actions: list[QAction] = []
        for n, (section, item) in enumerate(
                zip(self.sections, (self.nav.item(i) for i in range(self.nav.count())))):
            action = add(go_menu, f"go_{section}", item.text(),
                         lambda k=section: self.show_section(k),
                         f"Ctrl+{n + 1}" if n < 9 else None)
            self.go_actions.append(action)
        go_menu.addSeparator()
        add(go_menu, "refresh", self.tr("&Refresh"), self.refresh_current, key.Refresh)

        data_menu = self.menuBar().addMenu(self.tr("&Data"))
        add(data_menu, "import", self.tr("&Import from Excel or CSV…"),
            lambda: self.open_import(), "Ctrl+I")
        add(data_menu, "import_history", self.tr("Import &history…"),
            self.open_import_history, "Ctrl+Shift+H")
        data_menu.addSeparator()
        add(data_menu, "export", self.tr("&Export what this section lists…"),
            self.export_current, "Ctrl+E")
        for kind, text in (("customers", self.tr("Export &customers (the list's filter)…")),
                           ("contacts", self.tr("Export c&ontacts…")),
                           ("orders", self.tr("Export &orders…")),
                           ("activities", self.tr("Export &follow-ups…")),
                           ("tickets", self.tr("Export &tickets…"))):
            add(data_menu, f"export_{kind}", text, lambda k=kind: self.open_export(k))
        data_menu.addSeparator()
        add(data_menu, "find_duplicates", self.tr("Find &duplicates…"), self.open_duplicates,
            "Ctrl+Shift+D")
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        add(help_menu, "shortcuts", self.tr("&Keyboard shortcuts"), self.show_shortcuts,
            key.HelpContents)
        add(help_menu, "about", self.tr("&About"), self.about)
        self.nav.currentRowChanged.connect(lambda _r: self._section_changed())
        self.print_action.setEnabled(False)

    def _section_changed(self) -> None:
        self.print_action.setEnabled(self.current_section() == "reports")
        ui_state.save_value("main/section", self.current_section())

    def refresh_current(self) -> None:
        """F5: the section on screen reloads what it shows."""
        section = self.current_section()
        if section == "tiers":
            self.tiers.load()
        elif section == "reports":
            if self.reports.build_button.isEnabled():
                self.reports.build()
        else:
            self.sections[section].refresh(None)
        self.statusBar().showMessage(self.tr("Refreshed"), 2000)

    def export_current(self):
        """Ctrl+E: export what the section on screen lists (the customers otherwise)."""
        kind = {"tickets": "tickets", "calendar": "activities"}.get(
            self.current_section(), "customers")
        return self.open_export(kind)

    def print_report(self) -> None:
        """Ctrl+P in Reports: print the report on screen (build it first)."""
        if self.current_section() != "reports":
            return
        if self.reports.report is None:
            self.statusBar().showMessage(self.tr("Build the report first"), 5000)
            return
        self.reports.print_report()

    def log_interaction(self):
        """Log a call, visit or message with the customer whose profile is open."""
        self.show_section("customers")
        dialog = self.customers.add_interaction()
        if dialog is None:
            self.statusBar().showMessage(self.tr("Choose a customer first"), 5000)
        return dialog

    def show_shortcuts(self):
        """F1: every menu entry with a shortcut, read from the menus themselves."""
        dialog = ShortcutsDialog(self.menuBar(), self)
        dialog.open()
        return dialog

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt)
        self.sync_timer.stop()
        self.live_updates.stop()
        ui_state.save_window(self, "main")
        ui_state.sync()
        super().closeEvent(event)

    def broadcast(self, changes: ChangeSet) -> None:
        """A change made outside the sections (a merge, an import): every section reloads
        what it shows of it."""
        for section in (self.customers, self.calendar, self.pool, self.pipeline, self.tickets):
            section.refresh(changes)
        self.data_changed.emit(changes)

    IMPORTED = ChangeSet.of("customers", "contacts", "orders", "interactions", "activities")
    EVERYTHING = ChangeSet.of("customers", "contacts", "orders", "interactions", "activities",
                              "opportunities", "tickets", "stages", "targets", "users")

    def open_import(self, path: str | None = None, kind: str | None = None):
        """The import wizard; what it wrote reaches every section."""
        from .import_wizard import ImportWizard

        wizard = ImportWizard(self.services, self, path=path, kind=kind)
        wizard.imported.connect(lambda _result: self.broadcast(self.IMPORTED))
        wizard.open()
        return wizard

    def open_import_history(self):
        """The import log; an undone import reaches every section."""
        from .import_history import ImportHistoryDialog

        dialog = ImportHistoryDialog(self.services, self)
        dialog.undone.connect(lambda changes: self.broadcast(
            changes if isinstance(changes, ChangeSet) else self.IMPORTED))
        dialog.open()
        return dialog

    def open_export(self, kind: str):
        """The export dialog; customers are exported as the list filters them now."""
        from desktop_crm.services import access

        from .export_dialog import ExportDialog

        if not access.may(self.services.user, "export"):
            QMessageBox.information(self, self.tr("Export"), labels.permission_text(
                PermissionDenied("permission:export")))
            return None
        query = self.customers.current_query() if kind == "customers" else None
        dialog = ExportDialog(self.services, self, kind=kind, query=query)
        dialog.exported.connect(lambda result: self.statusBar().showMessage(
            self.tr("%n row(s) exported", "", getattr(result, "rows", 0)), 8000))
        dialog.open()
        return dialog

    def open_duplicates(self):
        """Likely duplicate customers, to merge; merges reach every section."""
        from .duplicates_dialog import DuplicatesDialog

        dialog = DuplicatesDialog(self.services, self)
        dialog.merged.connect(lambda _r: self.broadcast(ChangeSet.of(
            "customers", "contacts", "orders", "interactions", "activities", "opportunities",
            "tickets")))
        dialog.open()
        return dialog

    def open_audit_log(self):
        """The whole audit log, filtered and exported (administrators, or the audit right)."""
        from .audit_log import open_audit_log

        return open_audit_log(self, self.services)

    def open_staff(self):
        """Staff accounts (administrators): add, disable, reset passwords, roles and teams."""
        from .staff_dialog import StaffDialog

        dialog = StaffDialog(self.services, self)
        dialog.open()
        return dialog

    def open_settings(self) -> SettingsDialog:
        dlg = SettingsDialog(self, services=self.services)
        dlg.open()
        return dlg

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About Desktop CRM"), self.tr(
            "Desktop CRM %1\nCustomer management for small and mid-size companies.\n%2"
        ).replace("%1", __version__).replace("%2", self.services.db.describe()))

    def back_up_database(self, path: str | None = None) -> str | None:
        """Copy the local database to a file the user picks (consistent while the app runs),
        in the background with progress and Cancel; the status bar says when it is done."""
        from PySide6.QtCore import QDateTime, QDir, Qt
        from PySide6.QtWidgets import QFileDialog

        from desktop_crm.services import backup as backups

        if not self.services.db.is_sqlite:
            QMessageBox.information(self, self.tr("Back up database"), self.tr(
                "This is a shared PostgreSQL database: its administrator backs it up on the "
                "server (pg_dump)."))
            return None
        if path is None:
            name = "desktop-crm-" + QDateTime.currentDateTime().toString("yyyyMMdd-HHmm") \
                + ".sqlite3"
            path, _f = QFileDialog.getSaveFileName(
                self, self.tr("Back up database"), QDir.home().filePath(name),
                self.tr("Desktop CRM backup (*.sqlite3);;All files (*)"))
            if not path:
                return None
        from PySide6.QtCore import QThreadPool
        from PySide6.QtWidgets import QProgressDialog

        from desktop_crm.services.errors import Cancelled

        from .workers import Worker, guarded

        title = self.tr("Back up database")
        dlg = QProgressDialog(self.tr("Backing up the database…"), self.tr("Cancel"), 0, 100,
                              self)
        dlg.setWindowTitle(title)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(500)  # a small file is done before anything shows
        db = self.services.db
        worker = Worker(lambda progress: backups.backup(db, path, progress=progress),
                        with_progress=True)

        def progressed(_stage: str, done: int, total: int) -> None:
            dlg.setValue(int(100 * done / total) if total else 0)

        def finished(info) -> None:
            dlg.reset()
            self.statusBar().showMessage(
                self.tr("Backed up to %1: %2 customers, %3 orders").replace("%1", path)
                .replace("%2", str(info.customers)).replace("%3", str(info.orders)), 10000)

        def failed(exc) -> None:
            dlg.reset()
            if isinstance(exc, Cancelled):
                self.statusBar().showMessage(self.tr("Backup cancelled: no file was written"),
                                             10000)
                return
            QMessageBox.warning(self, title, self.tr(
                "The backup could not be written:\n%1").replace("%1", str(exc)))

        worker.signals.progressed.connect(guarded(self, progressed))
        worker.signals.finished.connect(guarded(self, finished))
        worker.signals.failed.connect(guarded(self, failed))
        dlg.canceled.connect(worker.cancel)
        self._backup_worker = worker  # its signals must outlive this call
        QThreadPool.globalInstance().start(worker)
        return path

    def restore_database(self, path: str | None = None) -> bool:
        """Replace the local database by a backup the user picks, after a check and a
        confirmation; the replaced database is kept beside it. The window then closes: the app
        starts again on the restored data."""
        from PySide6.QtCore import QDir, QLocale, Qt
        from PySide6.QtWidgets import QFileDialog

        from desktop_crm.services import backup as backups

        title = self.tr("Restore from backup")
        if not self.services.db.is_sqlite:
            QMessageBox.information(self, title, self.tr(
                "This is a shared PostgreSQL database: its administrator restores it on the "
                "server (pg_restore)."))
            return False
        if path is None:
            path, _f = QFileDialog.getOpenFileName(
                self, title, QDir.homePath(),
                self.tr("Desktop CRM backup (*.sqlite3 *.db);;All files (*)"))
            if not path:
                return False
        reasons = {
            "missing": self.tr("The file does not exist."),
            "not_sqlite": self.tr("This file is not a Desktop CRM database."),
            "not_ours": self.tr("This file is a database of another program, not of Desktop "
                                "CRM."),
            "newer": self.tr("This backup was made by a newer version of Desktop CRM. Update "
                             "the app, then restore it."),
            "corrupt": self.tr("This backup is damaged and cannot be restored."),
            "in_use": self.tr("The database is in use by another program. Close it and try "
                              "again."),
            "wrong_key": self.tr("This file is not a Desktop CRM database, or it is encrypted "
                                 "with a key other than this database's."),
        }

        def refused(exc) -> bool:
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self, title, reasons.get(getattr(exc, "code", ""), str(exc))
                                + "\n\n" + self.tr("Nothing was changed.") + "\n" + str(exc))
            return False

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            info = backups.check_backup(path, key=self.services.db.cipher_key)
        except backups.BackupError as exc:
            return refused(exc)
        QApplication.restoreOverrideCursor()
        when = QLocale().toString(info.modified.astimezone(), QLocale.FormatType.ShortFormat)
        answer = QMessageBox.question(self, title, self.tr(
            "Replace the current database by this backup?\n\n%1\nSaved %2: %3 customers, %4 "
            "orders.\n\nEverything changed since then is replaced; the current database is "
            "kept beside it (…before-restore-…). Desktop CRM closes afterwards.")
            .replace("%1", path).replace("%2", when).replace("%3", str(info.customers))
            .replace("%4", str(info.orders)))
        if answer != QMessageBox.StandardButton.Yes:
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.escalation_timer.stop()
        self.live_updates.stop()  # its connection would hold the file open
        QThreadPool.globalInstance().waitForDone(30000)
        try:
            result = backups.restore(path, self.services.db)
        except (backups.BackupError, OSError) as exc:
            self.escalation_timer.start()
            from .live_updates import attach_live_updates

            self.live_updates = attach_live_updates(self)
            return refused(exc)
        QApplication.restoreOverrideCursor()
        QMessageBox.information(self, title, self.tr(
            "The backup was restored. The previous database is kept as:\n%1\n\nDesktop CRM "
            "closes now; start it again to work with the restored data.")
            .replace("%1", result.kept or "-"))
        self.close()
        return True

    # -- offline copies and sync (issue 9) -------------------------------------------------

    SYNC_REFRESH_MS = 30 * 1000  # the status bar's waiting and conflict counts

    def _init_sync(self) -> None:
        """On an offline copy: the status bar says so, with when it last synced, the changes
        waiting and the open conflicts. At the office: the open conflicts laptops left."""
        from PySide6.QtWidgets import QToolButton

        from desktop_crm.services import replica

        self.replica_state = replica.state(self.services.db)  # no query on PostgreSQL
        self.sync_server = None  # the office Database to sync with (None: the copy's own)
        self.replica_encrypted = True  # new offline copies are encrypted files
        self.sync_pending = 0
        self.sync_conflicts = 0
        self._sync_dialog = None
        self._counting_conflicts = False
        self.sync_label = QLabel()
        self.sync_label.setObjectName("syncStatus")
        self.sync_button = QToolButton()
        self.sync_button.setObjectName("syncButton")
        self.sync_button.setText(self.tr("Sync now"))
        self.sync_button.setAutoRaise(True)
        self.sync_button.clicked.connect(self.open_sync)
        self.sync_timer = QTimer(self)
        self.sync_timer.setInterval(self.SYNC_REFRESH_MS)
        self.sync_timer.timeout.connect(self.refresh_sync_status)
        if self.replica_state is not None:
            self.statusBar().insertPermanentWidget(0, self.sync_button)
            self.statusBar().insertPermanentWidget(0, self.sync_label)
        elif not self.services.db.is_sqlite:
            self.statusBar().insertPermanentWidget(0, self.sync_label)
            self.sync_button.hide()
        else:
            self.sync_label.hide()
            self.sync_button.hide()
            return
        self.sync_timer.start()
        if self.replica_state is not None:
            self.refresh_sync_status()  # one query on the local file: shown at once
        else:
            QTimer.singleShot(0, self.refresh_sync_status)

    def _conflict_service(self):
        from desktop_crm.services.sync_conflicts import SyncConflictService

        return SyncConflictService(self.services.db, self.services.user)

    def refresh_sync_status(self) -> None:
        """Two counts: the changes waiting (on a copy) and the open conflicts. On a copy both
        are one query on the local file; at the office the count runs in the background."""
        from desktop_crm.services import replica

        if self.replica_state is not None:
            try:
                self.sync_pending = replica.pending_count(self.services.db)
                self.sync_conflicts = self._conflict_service().open_count()
            except Exception as exc:  # noqa: BLE001 - a status line never stops the window
                log.info("sync status not read: %r", exc)
            self._show_sync_status()
            return
        if self.services.db.is_sqlite or self._counting_conflicts:
            return
        self._counting_conflicts = True
        worker = Worker(self._conflict_service().open_count)
        self._workers.add(worker)

        def done(n: int) -> None:
            self._counting_conflicts = False
            self._workers.discard(worker)
            self.sync_conflicts = n
            self._show_sync_status()

        def failed(exc) -> None:
            self._counting_conflicts = False
            self._workers.discard(worker)
            log.info("sync conflicts not counted: %r", exc)

        worker.signals.finished.connect(guarded(self, done))
        worker.signals.failed.connect(guarded(self, failed))
        QThreadPool.globalInstance().start(worker)

    def sync_status_text(self) -> str:
        from . import fmt

        if self.replica_state is None:
            return self.tr("%n open sync conflict(s)", "", self.sync_conflicts) \
                if self.sync_conflicts else ""
        last = self.replica_state.last_sync_at
        parts = [self.tr("Offline copy"),
                 self.tr("last synced %1").replace("%1", fmt.datetime_cell(last))
                 if last else self.tr("never synced"),
                 self.tr("%n change(s) waiting", "", self.sync_pending)]
        if self.sync_conflicts:
            parts.append(self.tr("%n conflict(s)", "", self.sync_conflicts))
        return " · ".join(parts)

    def _show_sync_status(self) -> None:
        text = self.sync_status_text()
        self.sync_label.setText(text)
        self.sync_label.setVisible(bool(text))
        if self.replica_state is not None:
            self.sync_label.setToolTip(self.tr("Office server: %1").replace(
                "%1", self.replica_state.server_url))

    def open_sync(self):
        """Sync the offline copy with the office (one sync window at a time)."""
        import shiboken6

        from .sync_dialog import SyncDialog

        if self.replica_state is None:
            return None
        if self._sync_dialog is not None and shiboken6.isValid(self._sync_dialog) \
                and self._sync_dialog.isVisible():
            self._sync_dialog.raise_()
            self._sync_dialog.activateWindow()
            return self._sync_dialog
        dlg = SyncDialog(self.services, self, server=self.sync_server)
        dlg.synced.connect(lambda _r: self.broadcast(self.EVERYTHING))
        dlg.ended.connect(self._sync_ended)
        dlg.conflicts_requested.connect(self.open_sync_conflicts)
        self._sync_dialog = dlg
        dlg.open()
        return dlg

    def _sync_ended(self) -> None:
        from desktop_crm.services import replica

        try:
            self.replica_state = replica.state(self.services.db) or self.replica_state
        except Exception as exc:  # noqa: BLE001
            log.info("replica state not read: %r", exc)
        self.refresh_sync_status()

    def open_sync_conflicts(self):
        """The sync conflicts to decide; a decision reaches every section."""
        from .sync_conflicts_dialog import SyncConflictsDialog

        dlg = SyncConflictsDialog(self.services, self)
        dlg.resolved.connect(lambda changes: (self.broadcast(changes),
                                              self.refresh_sync_status()))
        dlg.finished.connect(lambda _r: self.refresh_sync_status())
        dlg.open()
        return dlg

    def open_sync_history(self):
        from .sync_history_dialog import SyncHistoryDialog

        dlg = SyncHistoryDialog(self.services, self)
        dlg.open()
        return dlg

    def take_offline(self, path: str | None = None):
        """Make an offline copy of what this user may see of the office database, in the
        background; then say where it is and offer to switch to it."""
        from pathlib import Path

        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QFileDialog, QProgressDialog

        from desktop_crm.services.db import default_data_dir
        from desktop_crm.services.sync import SyncError, create_replica

        from .history_tab import table_name
        from .sync_dialog import sync_error_text

        title = self.tr("Take this database offline")
        if path is None:
            path, _f = QFileDialog.getSaveFileName(
                self, title, str(default_data_dir() / "offline.sqlite3"),
                self.tr("Offline copy (*.sqlite3);;All files (*)"))
            if not path:
                return None
        if Path(path).exists():
            QMessageBox.warning(self, title, sync_error_text(SyncError("exists", path=path)))
            return None
        dlg = QProgressDialog(self.tr("Making the offline copy…"), "", 0, 0, self)
        dlg.setObjectName("offlineProgress")
        dlg.setWindowTitle(title)
        dlg.setCancelButton(None)  # a stopped copy leaves nothing behind, but cannot be asked
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(0)
        dlg.setMinimumWidth(420)
        server_db, encrypted = self.services.db, self.replica_encrypted

        def work(progress):
            local = create_replica(server_db, path, encrypted=encrypted, progress=progress)
            url = local.url
            local.dispose()
            return url

        def progressed(stage: str, done: int, _total: int) -> None:
            if stage.startswith("snapshot:"):
                dlg.setLabelText(self.tr("Copying %1… (%2 records so far)")
                                 .replace("%1", table_name(stage.split(":", 1)[1]))
                                 .replace("%2", str(done)))

        def finished(url: str) -> None:
            dlg.reset()
            self.offline_ready(path, url)

        def failed(exc) -> None:
            dlg.reset()
            log.info("offline copy not made: %r", exc)
            text = sync_error_text(exc) if isinstance(exc, SyncError) else self.tr(
                "The offline copy could not be made: %1").replace(
                "%1", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            QMessageBox.warning(self, title, text + "\n\n" + self.tr(
                "Nothing was changed on the office server."))

        worker = Worker(work, with_progress=True)
        worker.signals.progressed.connect(guarded(self, progressed))
        worker.signals.finished.connect(guarded(self, finished))
        worker.signals.failed.connect(guarded(self, failed))
        self._offline_worker = worker  # its signals must outlive this call
        self._offline_progress = dlg
        dlg.show()
        QThreadPool.globalInstance().start(worker)
        return dlg

    def offline_ready(self, path: str, url: str) -> bool:
        """The copy is made: where it is, and switch to it now (the choice is stored and
        Desktop CRM closes; it opens the copy at its next start) or later by hand."""
        from desktop_crm.services import connection

        title = self.tr("Take this database offline")
        answer = QMessageBox.question(self, title, self.tr(
            "The offline copy is ready:\n%1\n\nIt holds what you may see of the office "
            "database. Work in it while you are away and sync when you are back (File → Sync "
            "with the office).\n\nSwitch to the offline copy now? Desktop CRM closes and "
            "opens the offline copy the next time it starts.").replace("%1", path))
        if answer == QMessageBox.StandardButton.Yes:
            connection.save_replica_choice(url)
            QMessageBox.information(self, title, self.tr(
                "Desktop CRM opens the offline copy the next time it starts. To come back to "
                "the office database later, use Settings → Database → Connect to the office "
                "database."))
            self.close()
            return True
        QMessageBox.information(self, title, self.tr(
            "The office database stays open. To work in the offline copy later, start Desktop "
            "CRM with:\n\ndesktop-crm --db %1").replace("%1", url))
        return False
