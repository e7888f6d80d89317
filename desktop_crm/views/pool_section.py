"""The Public pool section (公海): customers with no owner, claimed by salespeople up to the
team's daily limit, assigned by a manager, and the pool rules (assignment, limit, returns).

The list is the customer list's own paged model on ``CustomerQuery(unowned=True)``, so it
scrolls through a pool of any size a page at a time. The owner history of the chosen customer
shows beside it. The return rules run when the app starts (``MainWindow``) and on demand here.
"""

from __future__ import annotations

import dataclasses
import uuid

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP, QCoreApplication, QThreadPool, QTimer, Qt, Signal,
)
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QMessageBox, QPlainTextEdit, QPushButton, QSpinBox, QSplitter, QTableView, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services.errors import (
    AlreadyOwned, ChangeSet, ClaimLimitReached, ConflictError, NotOwned, PermissionDenied,
    ServiceError, ValidationError,
)
from desktop_crm.services.pool import CLAIM_ROLES, PoolRules

from . import fmt, labels
from .customer_dialog import REGIONS
from .itemmodels.customer_table import CustomerTableModel
from .notifications_view import REASONS
from .widgets import dialog_buttons, error_label, settings_error, row_height, scaled
from .workers import Worker, guarded
from . import ui_state

MANAGER_ROLES = ("admin", "manager")
ACTIONS = {
    "assign": QT_TRANSLATE_NOOP("PoolSection", "Assigned"),
    "claim": QT_TRANSLATE_NOOP("PoolSection", "Claimed"),
    "release": QT_TRANSLATE_NOOP("PoolSection", "Released to the pool"),
    "return": QT_TRANSLATE_NOOP("PoolSection", "Returned to the pool"),
}


POOL_ERRORS = {
    "already_owned": QT_TRANSLATE_NOOP("PoolSection",
                                       "Someone else has just claimed this customer (%1)."),
    "claim_limit": QT_TRANSLATE_NOOP("PoolSection",
                                     "You have claimed %1 customers today, the daily limit "
                                     "your manager set. Try again tomorrow."),
    "not_owned": QT_TRANSLATE_NOOP("PoolSection", "This customer is already in the public pool."),
    "denied": QT_TRANSLATE_NOOP("PoolSection", "Only the customer's owner or a manager can do "
                                               "this."),
}


def pool_error_text(err: ServiceError) -> str:
    """A pool refusal in the user's language."""
    def text(key: str, value: str = "") -> str:
        return QCoreApplication.translate("PoolSection", POOL_ERRORS[key]).replace("%1", value)
    if isinstance(err, AlreadyOwned):
        return text("already_owned", err.owner_name or "-")
    if isinstance(err, ClaimLimitReached):
        return text("claim_limit", str(err.claimed))
    if isinstance(err, NotOwned):
        return text("not_owned")
    if isinstance(err, PermissionDenied):
        return text("denied")
    if isinstance(err, ValidationError):
        return "\n".join(labels.error_text(e) for e in err.errors)
    return str(err)


class PoolSection(QWidget):
    """Signals:
        data_changed(object): customers were claimed, assigned or returned
        status_message(str)
        returned(int): "Apply the return rules now" finished: this many customers went back
            (0 also when none was due or the user said no)
    """

    data_changed = Signal(object)
    status_message = Signal(str)
    returned = Signal(int)

    def __init__(self, services: Services, parent=None):
        super().__init__(parent)
        self.services = services
        self.manager = services.user.role in MANAGER_ROLES
        self._workers: set[Worker] = set()
        self._count_generation = 0

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, pinyin or initials, code, phone"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.region = QComboBox()
        self.region.addItem(self.tr("All regions"), None)
        for r in REGIONS:
            self.region.addItem(r, r)
        self.industry = QComboBox()
        self.industry.addItem(self.tr("All industries"), None)
        for v in services.customers.distinct_values("industry"):
            self.industry.addItem(v, v)
        self.tier = QComboBox()
        self.tier.addItem(self.tr("All tiers"), None)
        for code in ("strategic", "growth", "basic", "dormant", ""):
            self.tier.addItem(labels.label(labels.TIERS, code), code)
        self.claim_button = QPushButton(self.tr("Claim"))
        self.claim_button.setObjectName("claimButton")
        self.claim_button.clicked.connect(self.claim_selected)
        self.claims_left = QLabel()
        self.assign_to = QComboBox()
        for u in services.users.list():
            if u.role in ("sales", "manager"):
                self.assign_to.addItem(u.display_name, str(u.id))
        self.assign_button = QPushButton(self.tr("Assign to"))
        self.assign_button.clicked.connect(self.assign_selected)
        self.rules_button = QPushButton(self.tr("Pool rules…"))
        self.rules_button.clicked.connect(self.edit_rules)
        self.return_button = QPushButton(self.tr("Apply the return rules now"))
        self.return_button.clicked.connect(self.return_due)
        for w in (self.assign_to, self.assign_button, self.return_button):
            w.setVisible(self.manager)
        # service staff look customers up here but do not own them (the service refuses)
        for w in (self.claim_button, self.claims_left):
            w.setVisible(services.user.role in CLAIM_ROLES)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        for w in (self.region, self.industry, self.tier):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.claims_left)
        bar.addWidget(self.claim_button)
        bar.addWidget(self.assign_to)
        bar.addWidget(self.assign_button)
        bar2 = QHBoxLayout()
        self.count_label = QLabel()
        bar2.addWidget(self.count_label, 1)
        bar2.addWidget(self.return_button)
        bar2.addWidget(self.rules_button)

        self.model = CustomerTableModel(services.customers, self)
        self.table = QTableView()
        self.table.setObjectName("poolTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(row_height(self.table, 26))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        self.table.hideColumn(self.model.COLUMNS.index("owner"))
        for col, width in enumerate((80, 240, 120, 80, 70, 110, 90, 80, 120)):
            self.table.setColumnWidth(col, scaled(self.table, width))
        self.table.doubleClicked.connect(lambda _i: self.claim_selected())

        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels([self.tr("When"), self.tr("What"),
                                                self.tr("Owner"), self.tr("By")])
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history_title = QLabel(self.tr("Choose a customer to see who owned it."))
        self.history_title.setWordWrap(True)
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.history_title)
        sl.addWidget(self.history, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addLayout(bar2)
        lay.addWidget(split, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.region, self.industry, self.tier):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.reloaded.connect(self._count)
        self.model.set_query(CustomerQuery(unowned=True))
        self._update_claims_left()
        ui_state.install_column_menu(self.table.horizontalHeader())
        ui_state.remember_header(self.table.horizontalHeader(), "pool/table")
        ui_state.remember_header(self.history.horizontalHeader(), "pool/history")
        ui_state.remember_splitter(split, "pool/splitter")

    # -- list -------------------------------------------------------------------------------------

    def current_query(self) -> CustomerQuery:
        return dataclasses.replace(self.model.query, text=self.search.text(), unowned=True,
                                   region=self.region.currentData(),
                                   industry=self.industry.currentData(),
                                   tier=self.tier.currentData())

    def apply_filters(self) -> None:
        self._timer.stop()
        query = self.current_query()
        if query != self.model.query:
            self.model.set_query(query)

    def refresh(self, changes: ChangeSet | None = None) -> None:
        if changes is None or "customers" in changes.kinds:
            self.services.customers.invalidate_search_cache()
            self.model.reload()
            self._update_claims_left()

    def _count(self) -> None:
        self._count_generation += 1
        generation = self._count_generation
        query = self.model.query
        customers = self.services.customers
        worker = Worker(lambda: customers.count(query))
        worker.signals.finished.connect(guarded(self, lambda n: self._counted(generation, n)))
        self._workers.add(worker)
        worker.signals.finished.connect(lambda _n: self._workers.discard(worker))
        worker.signals.failed.connect(lambda _e: self._workers.discard(worker))
        self.count_label.setText(self.tr("Counting…"))
        QThreadPool.globalInstance().start(worker)

    def _counted(self, generation: int, n: int) -> None:
        if generation == self._count_generation:
            self.count_label.setText(self.tr("%1 customers in the public pool match")
                                     .replace("%1", fmt.number(n)))

    def _update_claims_left(self) -> None:
        left = self.services.pool.claims_left_today()
        self.claims_left.setText(self.tr("No daily claim limit") if left is None else
                                 self.tr("Claims left today: %1").replace("%1", str(left)))
        self.claim_button.setEnabled(left is None or left > 0)

    def selected_ids(self) -> list[uuid.UUID]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [r.id for r in (self.model.row_at(i) for i in rows) if r is not None]

    def _row_changed(self, current, _previous) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        self.show_history(row.id if row else None, row.name if row else "")

    def show_history(self, customer_id: uuid.UUID | None, name: str = "") -> None:
        self.history.setRowCount(0)
        if customer_id is None:
            self.history_title.setText(self.tr("Choose a customer to see who owned it."))
            return
        records = self.services.pool.history(customer_id)
        self.history_title.setText(self.tr("Owners of %1").replace("%1", name) if records
                                   else self.tr("%1 has never had an owner.").replace("%1", name))
        for rec in records:
            r = self.history.rowCount()
            self.history.insertRow(r)
            what = QCoreApplication.translate("PoolSection", ACTIONS.get(rec.action, ""))\
                or rec.action
            why = (QCoreApplication.translate("Notifications", REASONS[rec.reason])
                   if rec.reason in REASONS else rec.reason if rec.reason != rec.action else "")
            pool = self.tr("public pool")
            owner = f"{rec.from_name or pool} → {rec.to_name or pool}"
            cells = (fmt.datetime_cell(rec.at),
                     f"{what} ({why})" if why else what, owner,
                     rec.by_name or self.tr("pool rules"))
            for c, text in enumerate(cells):
                self.history.setItem(r, c, QTableWidgetItem(text))
        self.history.resizeColumnsToContents()

    # -- actions ----------------------------------------------------------------------------------

    def claim_selected(self) -> int:
        """Claim the chosen customers, stopping at the first refusal; returns how many."""
        ids = self.selected_ids()
        if not ids:
            return 0
        claimed, problem = 0, None
        for cid in ids:
            try:
                self.services.pool.claim(cid)
                claimed += 1
            except ServiceError as err:
                problem = err
                if isinstance(err, ClaimLimitReached):
                    break
        if problem is not None:
            QMessageBox.warning(self, self.tr("Claim"), pool_error_text(problem))
        if claimed:
            self.status_message.emit(self.tr("%n customer(s) claimed: they are yours now", "",
                                             claimed))
            self.data_changed.emit(ChangeSet.of("customers"))
        self.refresh()
        return claimed

    def assign_selected(self) -> int:
        ids = self.selected_ids()
        user = self.assign_to.currentData()
        if not ids or not user:
            return 0
        try:
            done = self.services.pool.assign_to(ids, uuid.UUID(user))
        except ServiceError as err:
            QMessageBox.warning(self, self.tr("Assign"), pool_error_text(err))
            return 0
        n = sum(1 for v in done.values() if v)
        self.status_message.emit(self.tr("%n customer(s) assigned to %1", "", n)
                                 .replace("%1", self.assign_to.currentText()))
        self.data_changed.emit(ChangeSet.of("customers"))
        self.refresh()
        return n

    def return_due(self) -> None:
        """Apply the return rules after saying how many customers would go back. Both steps
        run in the background: at a million customers the count alone takes 10 s, and the
        first run on an old database minutes (746,599 of them in 111 s)."""
        self.return_button.setEnabled(False)
        self.return_button.setText(self.tr("Counting…"))
        self._background(self.services.pool.count_due, self._ask_return)

    def _background(self, fn, done) -> None:
        worker = Worker(fn)
        self._workers.add(worker)
        worker.signals.finished.connect(lambda _r: self._workers.discard(worker))
        worker.signals.failed.connect(lambda _e: self._workers.discard(worker))
        worker.signals.finished.connect(guarded(self, done))
        worker.signals.failed.connect(guarded(self, self._return_failed))
        QThreadPool.globalInstance().start(worker)

    def _ask_return(self, n: int) -> None:
        if not n:
            self._reset_return_button()
            QMessageBox.information(self, self.tr("Return rules"), self.tr(
                "No customer is due to go back to the public pool."))
            self.returned.emit(0)
            return
        answer = QMessageBox.question(self, self.tr("Return rules"), self.tr(
            "%1 customers have had no follow-up, or lost their last deal, for longer than "
            "the pool rules allow. Return them to the public pool now? Their owners and "
            "managers are told.").replace("%1", fmt.number(n)))
        if answer != QMessageBox.StandardButton.Yes:
            self._reset_return_button()
            self.returned.emit(0)
            return
        self.return_button.setText(self.tr("Returning %1 customers…").replace("%1", fmt.number(n)))
        self._background(self.services.pool.return_due, self._returned)

    def _returned(self, returned: list) -> None:
        self._reset_return_button()
        self.status_message.emit(self.tr("%n customer(s) returned to the public pool", "",
                                         len(returned)))
        self.data_changed.emit(ChangeSet.of("customers", "notifications"))
        self.refresh()
        self.returned.emit(len(returned))

    def _return_failed(self, exc: Exception) -> None:
        self._reset_return_button()
        QMessageBox.warning(self, self.tr("Return rules"), pool_error_text(exc)
                            if isinstance(exc, ServiceError) else str(exc))

    def _reset_return_button(self) -> None:
        self.return_button.setEnabled(True)
        self.return_button.setText(self.tr("Apply the return rules now"))

    def edit_rules(self) -> "PoolRulesDialog":
        dlg = PoolRulesDialog(self.services, self)
        dlg.accepted.connect(self._update_claims_left)
        dlg.open()
        return dlg


class ReleaseDialog(QDialog):
    """Give a customer back to the public pool: the reason is required and kept."""

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Release to the public pool"))
        form = QFormLayout()
        form.addRow(QLabel(self.tr("Give %1 back to the public pool, where any salesperson "
                                   "may claim it?").replace("%1", name)))
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(self.tr("Why, e.g. no budget this year; the contact "
                                               "left the company"))
        self.reason.setMaximumHeight(80)
        form.addRow(self.tr("Reason"), self.reason)
        self.error = error_label()
        form.addRow("", self.error)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(dialog_buttons(self, self._accept, save=False))

    def _accept(self) -> None:
        if not self.reason.toPlainText().strip():
            self.error.setText(self.tr("Say why: the next owner reads it in the history."))
            self.error.show()
            return
        self.accept()


class PoolRulesDialog(QDialog):
    """Assignment by region and industry, round robin within a team, the daily claim limit,
    and when customers go back to the pool. Managers change them; others read them."""

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("Public pool rules"))
        self.setMinimumWidth(640)
        self.manager = services.user.role in MANAGER_ROLES
        rules, self.version = services.pool.rules()
        self.users = [(u.display_name, u.id) for u in services.users.list()
                      if u.role in ("sales", "manager")]
        edit = self.manager

        assign = QGroupBox(self.tr("New customers without an owner go to"))
        al = QHBoxLayout(assign)
        self.by_region = self._owner_table(self.tr("Region"), REGIONS, rules.by_region, edit)
        industries = sorted(set(services.customers.distinct_values("industry"))
                            | set(rules.by_industry))
        self.by_industry = self._owner_table(self.tr("Industry"), industries,
                                             rules.by_industry, edit)
        al.addWidget(self.by_region)
        al.addWidget(self.by_industry)
        form = QFormLayout()
        self.team = QComboBox()
        self.team.addItem(self.tr("(nobody: leave them in the pool)"), "")
        for team in sorted({u.team for u in services.users.list() if u.team}):
            self.team.addItem(team, team)
        self.team.setCurrentIndex(max(0, self.team.findData(rules.round_robin_team)))
        form.addRow(self.tr("Otherwise, in turn to the salespeople of team"), self.team)
        self.limit = QSpinBox()
        self.limit.setRange(0, 1000)
        self.limit.setValue(rules.claim_limit_per_day)
        self.limit.setSpecialValueText(self.tr("no limit"))
        form.addRow(self.tr("Claims per salesperson per day"), self.limit)

        back = QGroupBox(self.tr("Customers go back to the pool after"))
        bf = QFormLayout(back)
        self.return_days: dict[str, QSpinBox] = {}
        for code in ("strategic", "growth", "basic", "dormant", ""):
            spin = QSpinBox()
            spin.setRange(0, 3650)
            spin.setValue(rules.return_days.get(code, 0))
            spin.setSuffix(self.tr(" days without a follow-up"))
            spin.setSpecialValueText(self.tr("never"))
            self.return_days[code] = spin
            bf.addRow(labels.label(labels.TIERS, code), spin)
        self.lost_days = QSpinBox()
        self.lost_days.setRange(0, 3650)
        self.lost_days.setValue(rules.lost_return_days)
        self.lost_days.setSuffix(self.tr(" days after the last deal was lost"))
        self.lost_days.setSpecialValueText(self.tr("never"))
        bf.addRow(self.tr("Lost deal"), self.lost_days)
        for w in (self.team, self.limit, self.lost_days, *self.return_days.values()):
            w.setEnabled(edit)

        note = QLabel(self.tr("A follow-up is a logged call, visit, message or meeting, or a "
                              "completed planned follow-up. Owners and their managers are "
                              "told when a customer goes back.") if edit else
                      self.tr("Only a manager can change the pool rules."))
        note.setWordWrap(True)
        self.message = error_label()
        lay = QVBoxLayout(self)
        lay.addWidget(assign, 1)
        lay.addLayout(form)
        lay.addWidget(back)
        lay.addWidget(note)
        lay.addWidget(self.message)
        lay.addWidget(dialog_buttons(self, self.save))

    def _owner_table(self, head: str, values, current: dict, edit: bool) -> QTableWidget:
        table = QTableWidget(0, 2)
        table.setHorizontalHeaderLabels([head, self.tr("Owner")])
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for value in values:
            r = table.rowCount()
            table.insertRow(r)
            item = QTableWidgetItem(value)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(r, 0, item)
            combo = QComboBox()
            combo.addItem(self.tr("(no rule)"), "")
            for name, uid in self.users:
                combo.addItem(name, str(uid))
            combo.setCurrentIndex(max(0, combo.findData(str(current.get(value, "")))))
            combo.setEnabled(edit)
            table.setCellWidget(r, 1, combo)
        table.setMinimumHeight(180)
        return table

    @staticmethod
    def _mapping(table: QTableWidget) -> dict[str, uuid.UUID]:
        out = {}
        for r in range(table.rowCount()):
            uid = table.cellWidget(r, 1).currentData()
            if uid:
                out[table.item(r, 0).text()] = uuid.UUID(uid)
        return out

    def rules(self) -> PoolRules:
        return PoolRules(by_region=self._mapping(self.by_region),
                         by_industry=self._mapping(self.by_industry),
                         round_robin_team=self.team.currentData() or "",
                         claim_limit_per_day=self.limit.value(),
                         return_days={k: s.value() for k, s in self.return_days.items()},
                         lost_return_days=self.lost_days.value())

    def save(self) -> None:
        if not self.manager:
            self.reject()
            return
        try:
            self.version = self.services.pool.save_rules(self.rules(), self.version)
        except (ConflictError, ValidationError) as err:
            self.message.setText(settings_error(err, {
                "by_region": self.tr("Region"), "by_industry": self.tr("Industry"),
                "round_robin_team": self.tr("Team"),
                "claim_limit_per_day": self.tr("Claims per salesperson per day")}))
            self.message.show()
            return
        except ServiceError as err:
            self.message.setText(pool_error_text(err))
            self.message.show()
            return
        self.accept()
