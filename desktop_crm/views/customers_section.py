"""The Customers section: search, filters, the paged list, and the 360° view."""

from __future__ import annotations

import dataclasses
import uuid
import logging

from PySide6.QtCore import QItemSelectionModel, QThreadPool, QTimer, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QMessageBox, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services import access
from desktop_crm.services.errors import (
    ChangeSet, ConflictError, NotFound, PermissionDenied, ServiceError,
)

from . import fmt, labels
from .customer_dialog import CustomerDialog
from .itemmodels.customer_table import CustomerTableModel
from .pool_section import ReleaseDialog, pool_error_text
from .profile_pane import InteractionDialog, ProfilePane
from .workers import Worker, guarded
from . import ui_state
from .widgets import row_height, scaled

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 150


class CustomersSection(QWidget):
    """Signals:
        data_changed(object): a ChangeSet after this section saved something
        status_message(str): a short message for the status bar
        ticket_requested(object, str, object): open a ticket for this customer (id, name),
            from this interaction (its id, or None)
        follow_up_requested(object, str): plan a follow-up for this customer (id, name)
        ticket_open_requested(object), activity_open_requested(object): show this ticket /
            follow-up (its id)
    """

    data_changed = Signal(object)
    status_message = Signal(str)
    ticket_requested = Signal(object, str, object)
    follow_up_requested = Signal(object, str)
    ticket_open_requested = Signal(object)
    activity_open_requested = Signal(object)

    def __init__(self, services: Services, parent=None):
        super().__init__(parent)
        self.services = services
        self._count_generation = 0
        self._workers: set[Worker] = set()
        self._pool = QThreadPool.globalInstance()

        self.search = QLineEdit()
        self.search.setObjectName("customerSearch")
        self.search.setPlaceholderText(
            self.tr("Search name, pinyin or initials, code, phone, email"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)

        self.tier_filter = QComboBox()
        self.tier_filter.addItem(self.tr("All tiers"), None)
        for code in ("strategic", "growth", "basic", "dormant", ""):
            self.tier_filter.addItem(labels.label(labels.TIERS, code), code)
        self.health_filter = QComboBox()
        self.health_filter.setObjectName("healthFilter")
        self.health_filter.addItem(self.tr("All health"), None)
        for band in ("red", "amber", "green"):
            self.health_filter.addItem(labels.label(labels.HEALTH_BANDS, band), band)
        self.owner_filter = QComboBox()
        self.province_filter = QComboBox()
        self.industry_filter = QComboBox()
        self.tag_filter = QComboBox()
        self.deleted_toggle = QCheckBox(self.tr("Recycle bin"))
        self.deleted_toggle.setToolTip(self.tr("Show deleted customers, which can be restored"))
        self.new_button = QPushButton(self.tr("New customer"))
        self.new_button.setObjectName("newCustomer")
        self.release_button = QPushButton(self.tr("Release to pool…"))
        self.release_button.setToolTip(self.tr(
            "Give the chosen customer back to the public pool, where any salesperson may "
            "claim it"))
        self.release_button.setEnabled(False)
        # several customers chosen in the list (Ctrl/Shift+click): delete or restore them
        # together; needs the bulk_delete right
        self.bulk_button = QPushButton()
        self.bulk_button.setObjectName("bulkDelete")
        self.bulk_button.hide()

        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        for w in (self.tier_filter, self.health_filter, self.owner_filter, self.province_filter,
                  self.industry_filter, self.tag_filter):
            # as wide as about five characters (the list fits a 1366-pixel screen beside
            # the navigation); the open list is as wide as its longest entry
            w.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            w.setMinimumContentsLength(5)
            w.view().setMinimumWidth(220)
            bar.addWidget(w)
        bar.addWidget(self.deleted_toggle)
        bar.addStretch(1)
        bar.addWidget(self.bulk_button)
        bar.addWidget(self.release_button)
        bar.addWidget(self.new_button)

        self.model = CustomerTableModel(services.customers, self)
        self.table = QTableView()
        self.table.setObjectName("customerTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(row_height(self.table, 26))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        for col, width in enumerate((80, 240, 120, 80, 70, 64, 110, 90, 80, 120)):
            self.table.setColumnWidth(col, scaled(self.table, width))

        self.count_label = QLabel()
        self.count_label.setObjectName("customerCount")
        self.count_label.setStyleSheet("color: #475569;")

        self.profile = ProfilePane()
        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(self.table, 1)
        left_lay.addWidget(self.count_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.profile)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 520])

        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self.apply_filters)
        for combo in (self.tier_filter, self.health_filter, self.owner_filter,
                      self.province_filter, self.industry_filter, self.tag_filter):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.deleted_toggle.toggled.connect(self.apply_filters)
        self.new_button.clicked.connect(self.new_customer)
        self.release_button.clicked.connect(self.release_to_pool)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self._chosen_changed())
        self.bulk_button.clicked.connect(self.delete_chosen)
        delete_key = QAction(self.table)  # Delete in the list: the chosen customers
        delete_key.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.triggered.connect(self.delete_chosen)
        self.table.addAction(delete_key)
        self.table.doubleClicked.connect(lambda _i: self.edit_customer())
        self.model.reloaded.connect(self._update_count)
        self.model.rowsInserted.connect(lambda *_: self._show_count())
        self.profile.edit_requested.connect(self.edit_customer)
        self.profile.delete_requested.connect(self.delete_or_restore)
        self.profile.interaction_requested.connect(self.add_interaction)
        self.profile.ticket_requested.connect(self._ticket_requested)
        self.profile.follow_up_requested.connect(self._follow_up_requested)
        self.profile.open_ticket.connect(self.ticket_open_requested)
        self.profile.open_activity.connect(self.activity_open_requested)

        self._total: int | None = None
        self.reload_filters()
        self.model.set_query(CustomerQuery())
        # the user's column layout and pane sizes (the saved sort order reloads the list)
        ui_state.install_column_menu(self.table.horizontalHeader())
        ui_state.remember_header(self.table.horizontalHeader(), "customers/table")
        ui_state.remember_splitter(self.splitter, "customers/splitter")

    # -- filters and query --------------------------------------------------------

    def reload_filters(self) -> None:
        """Fill the filter lists from the data, keeping what is selected."""
        def refill(combo: QComboBox, all_text: str, items: list[tuple[str, object]]) -> None:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(all_text, None)
            for text, data in items:
                combo.addItem(text, data)
            i = combo.findData(current)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)

        users = self.services.users.list()
        refill(self.owner_filter, self.tr("All owners"),
               [(self.tr("Mine"), "me"), (self.tr("Public pool"), "pool")]
               + [(u.display_name, str(u.id)) for u in users])
        refill(self.province_filter, self.tr("All provinces"),
               [(p, p) for p in self.services.customers.distinct_values("province")])
        refill(self.industry_filter, self.tr("All industries"),
               [(p, p) for p in self.services.customers.distinct_values("industry")])
        refill(self.tag_filter, self.tr("All tags"),
               [(t, t) for t in self.services.customers.tag_names()])

    def current_query(self) -> CustomerQuery:
        owner = self.owner_filter.currentData()
        owner_id = None
        if owner == "me":
            owner_id = self.services.user.id
        elif owner not in (None, "pool"):
            owner_id = uuid.UUID(owner)
        base = self.model.query
        return dataclasses.replace(
            base,
            text=self.search.text(),
            tier=self.tier_filter.currentData(),
            health=self.health_filter.currentData(),
            owner_id=owner_id,
            unowned=owner == "pool",
            province=self.province_filter.currentData(),
            industry=self.industry_filter.currentData(),
            tag=self.tag_filter.currentData(),
            deleted=self.deleted_toggle.isChecked(),
        )

    def show_filtered(self, *, owner_id=None, tier: str | None = None,
                      health: str | None = None, sort: str | None = None) -> None:
        """Show the list with only these filters (the others reset): an owner's customers,
        a tier, a health band ("red", "amber", "green"), in this order ("health": the
        lowest scores first). The Home dashboard's tiles call it."""
        combos = (self.tier_filter, self.health_filter, self.owner_filter,
                  self.province_filter, self.industry_filter, self.tag_filter)
        for combo in combos:
            combo.blockSignals(True)
        self.search.blockSignals(True)
        self.deleted_toggle.blockSignals(True)
        try:
            self.search.clear()
            self.deleted_toggle.setChecked(False)
            for combo in (self.province_filter, self.industry_filter, self.tag_filter):
                combo.setCurrentIndex(0)
            self.tier_filter.setCurrentIndex(max(self.tier_filter.findData(tier), 0)
                                             if tier is not None else 0)
            self.health_filter.setCurrentIndex(max(self.health_filter.findData(health), 0)
                                               if health is not None else 0)
            owner = None
            if owner_id is not None:
                owner = "me" if owner_id == self.services.user.id else str(owner_id)
                i = self.owner_filter.findData(owner)
                if i < 0:
                    i = self.owner_filter.findData(str(owner_id))
                self.owner_filter.setCurrentIndex(max(i, 0))
            else:
                self.owner_filter.setCurrentIndex(0)
        finally:
            for combo in combos:
                combo.blockSignals(False)
            self.search.blockSignals(False)
            self.deleted_toggle.blockSignals(False)
        self._search_timer.stop()
        query = self.current_query()
        if sort is not None:
            query = dataclasses.replace(query, sort=sort, descending=False)
            column = self.model.COLUMNS.index(sort) if sort in self.model.COLUMNS else 1
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(column, Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
        self.model.set_query(query)
        self.profile.clear()

    def apply_filters(self) -> None:
        self._search_timer.stop()
        query = self.current_query()
        if query != self.model.query:
            selected = self.selected_id()
            self.model.set_query(query)
            self._reselect(selected)

    def _update_count(self) -> None:
        """Count matches in the background; the list never waits for it."""
        self._count_generation += 1
        generation = self._count_generation
        self._total = None
        self._show_count()
        query = self.model.query
        worker = Worker(lambda: self.services.customers.count(query))
        # Keep the worker (and its signals object) alive until its result is delivered.
        self._workers.add(worker)
        worker.signals.finished.connect(lambda _n, w=worker: self._workers.discard(w))
        # a count arriving after the section (and its label) is gone is dropped
        worker.signals.finished.connect(guarded(
            self.count_label, lambda n, g=generation: self._count_ready(g, n)))
        worker.signals.failed.connect(lambda _e, w=worker: self._workers.discard(w))
        self._pool.start(worker)

    def _count_ready(self, generation: int, n: int) -> None:
        if generation == self._count_generation:
            self._total = n
            self._show_count()

    def _show_count(self) -> None:
        loaded = self.model.loaded
        if self._total is None:
            text = self.tr("%1 customers shown, counting…").replace("%1", fmt.number(loaded))
        else:
            text = self.tr("%1 of %2 customers shown").replace("%1", fmt.number(loaded)).replace(
                "%2", fmt.number(self._total))
        self.count_label.setText(text)

    # -- selection and the 360 view ---------------------------------------------

    def selected_id(self):
        idx = self.table.selectionModel().currentIndex()
        row = self.model.row_at(idx.row()) if idx.isValid() else None
        return row.id if row else None

    def _reselect(self, customer_id, scroll: bool = True) -> None:
        row = self.model.row_of(customer_id) if customer_id else -1
        if row >= 0:
            self.select_row(row, scroll)
        else:
            self.profile.clear()

    def select_row(self, row: int, scroll: bool = True) -> None:
        idx = self.model.index(row, 1)
        self.table.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        if scroll:
            self.table.scrollTo(idx)

    def _row_changed(self, current, _previous) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is None:
            self.profile.clear()
            self.release_button.setEnabled(False)
            return
        self.release_button.setEnabled(bool(row.owner) and not row.deleted)
        self.show_customer(row.id)

    def show_customer(self, customer_id) -> None:
        try:
            self.profile.show_profile(self.services.profiles.profile(customer_id))
        except NotFound:
            self.profile.clear()

    def refresh(self, changes: ChangeSet | None = None) -> None:
        """Reload what a change touched: the list, the filters and the open profile."""
        selected = self.selected_id()
        # the top visible row and how far it is scrolled, to keep the view's place (a live
        # update from a colleague must not jump the list)
        top_row = self.table.rowAt(0)
        top = self.model.row_at(top_row)
        top_id = top.id if top else None
        offset = self.table.rowViewportPosition(top_row) if top else 0
        was_visible = selected is not None and self._row_visible(self.model.row_of(selected))
        self.services.customers.invalidate_search_cache()
        self.reload_filters()
        self.model.reload()
        self._reselect(selected, scroll=top_id is None)
        if selected and self.model.row_of(selected) < 0:
            self.show_customer(selected)
        row = self.model.row_of(top_id) if top_id else -1
        if row >= 0:
            self.table.scrollTo(self.model.index(row, 0),
                                QAbstractItemView.ScrollHint.PositionAtTop)
            if self.table.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel:
                bar = self.table.verticalScrollBar()
                bar.setValue(bar.value() - offset)
            # the chosen customer was on screen and moved away (renamed): follow it
            moved = self.model.row_of(selected) if was_visible else -1
            if moved >= 0 and not self._row_visible(moved):
                self.table.scrollTo(self.model.index(moved, 1))

    def _row_visible(self, row: int) -> bool:
        if row < 0:
            return False
        rect = self.table.visualRect(self.model.index(row, 1))
        return rect.isValid() and self.table.viewport().rect().contains(rect.center())

    # -- commands -----------------------------------------------------------------

    def _owner_choices(self):
        return [(u.display_name, u.id) for u in self.services.users.list()]

    def new_customer(self) -> CustomerDialog:
        dlg = CustomerDialog(
            self.services.customers.create, owners=self._owner_choices(),
            industries=self.services.customers.distinct_values("industry"),
            sources=self.services.customers.distinct_values("source"), parent=self)
        dlg.edits["owner_id"].setCurrentIndex(
            max(dlg.edits["owner_id"].findData(str(self.services.user.id)), 0))
        dlg.saved.connect(self._created)
        dlg.open()
        return dlg

    def edit_customer(self) -> CustomerDialog | None:
        customer_id = self.selected_id() or (
            self.profile.profile.customer.id if self.profile.profile else None)
        if customer_id is None:
            return None
        record = self.services.customers.get(customer_id)
        if record.deleted_at is not None:
            return None
        dlg = CustomerDialog(
            lambda values: self.services.customers.update(record.id, values, record.version),
            record=record, owners=self._owner_choices(),
            industries=self.services.customers.distinct_values("industry"),
            sources=self.services.customers.distinct_values("source"), parent=self)
        dlg.saved.connect(self._saved)
        dlg.open()
        return dlg

    def _created(self, record) -> None:
        """A new customer left without an owner is a new lead: the team's assignment rules
        give it an owner, or it stays in the public pool."""
        if record.owner_id is None:
            owner = self.services.pool.assign([record.id]).get(record.id)
            if owner is not None:
                record = self.services.customers.get(record.id)
        self._saved(record)

    def release_to_pool(self) -> bool:
        customer_id = self.selected_id()
        if customer_id is None:
            return False
        record = self.services.customers.get(customer_id)
        dlg = ReleaseDialog(record.name, self)
        if dlg.exec() != ReleaseDialog.DialogCode.Accepted:
            return False
        try:
            changes = self.services.pool.release(customer_id, dlg.reason.toPlainText())
        except ServiceError as err:
            QMessageBox.warning(self, self.tr("Release to pool"), pool_error_text(err))
            return False
        self.status_message.emit(self.tr("%1 is in the public pool now").replace(
            "%1", record.name))
        self.refresh()
        self.data_changed.emit(changes)
        return True

    def _saved(self, record) -> None:
        self.status_message.emit(self.tr("Saved %1").replace("%1", record.name))
        self.refresh()
        row = self.model.row_of(record.id)
        if row >= 0:
            self.select_row(row)
        else:
            self.show_customer(record.id)
        self.data_changed.emit(ChangeSet.of("customers"))

    def delete_or_restore(self) -> None:
        p = self.profile.profile
        if p is None:
            return
        c = p.customer
        try:
            if c.deleted_at is None:
                answer = QMessageBox.question(
                    self, self.tr("Delete customer"),
                    self.tr("Move %1 to the recycle bin? It can be restored from there.")
                    .replace("%1", c.name))
                if answer != QMessageBox.StandardButton.Yes:
                    return
                changes = self.services.customers.delete(c.id, c.version)
                self.status_message.emit(self.tr("Moved %1 to the recycle bin").replace("%1", c.name))
            else:
                changes = self.services.customers.restore(c.id, c.version)
                self.status_message.emit(self.tr("Restored %1").replace("%1", c.name))
        except ConflictError:
            QMessageBox.warning(self, self.tr("Changed by someone else"), self.tr(
                "This customer was changed by someone else; it has been reloaded. "
                "Check it and try again."))
            self.show_customer(c.id)
            return
        self.refresh()
        self.data_changed.emit(changes)

    def chosen_ids(self) -> list[uuid.UUID]:
        """The customers chosen in the list, in list order."""
        model = self.table.selectionModel()
        rows = sorted({i.row() for i in model.selectedRows()}) if model else []
        return [r.id for r in (self.model.row_at(i) for i in rows) if r is not None]

    def _chosen_changed(self) -> None:
        n = len(self.chosen_ids())
        self.bulk_button.setVisible(n > 1)
        if n <= 1:
            return
        self.bulk_button.setText(
            (self.tr("Restore %1 customers") if self.deleted_toggle.isChecked()
             else self.tr("Delete %1 customers…")).replace("%1", str(n)))
        allowed = access.may(self.services.user, "bulk_delete")
        self.bulk_button.setEnabled(allowed)
        self.bulk_button.setToolTip("" if allowed else labels.permission_text(
            PermissionDenied("permission:bulk_delete")))

    def delete_chosen(self) -> None:
        """Move the chosen customers to the recycle bin (or restore them there) together:
        all or none."""
        ids = self.chosen_ids()
        if len(ids) <= 1:
            self.delete_or_restore()
            return
        if not access.may(self.services.user, "bulk_delete"):  # (the service checks too)
            QMessageBox.warning(self, self.tr("Not allowed"), labels.permission_text(
                PermissionDenied("permission:bulk_delete")))
            return
        restoring = self.deleted_toggle.isChecked()
        if not restoring and QMessageBox.question(
                self, self.tr("Delete customers"),
                self.tr("Move the %1 chosen customers to the recycle bin? They can be "
                        "restored from there.").replace("%1", str(len(ids)))
        ) != QMessageBox.StandardButton.Yes:
            return
        try:
            n = self.services.customers.set_deleted_many(ids, deleted=not restoring)
        except PermissionDenied as e:
            QMessageBox.warning(self, self.tr("Not allowed"), labels.permission_text(e))
            return
        except NotFound:
            QMessageBox.warning(self, self.tr("Nothing was changed"), self.tr(
                "One of the chosen customers is gone or is not yours to change, so none was "
                "changed. The list has been reloaded."))
            self.refresh()
            return
        self.status_message.emit(
            (self.tr("Restored %1 customers") if restoring
             else self.tr("Moved %1 customers to the recycle bin")).replace("%1", str(n)))
        self.refresh()
        self.data_changed.emit(ChangeSet.of("customers"))

    def _ticket_requested(self, interaction_id) -> None:
        p = self.profile.profile
        if p is not None:
            self.ticket_requested.emit(p.customer.id, p.customer.name, interaction_id)

    def _follow_up_requested(self) -> None:
        p = self.profile.profile
        if p is not None:
            self.follow_up_requested.emit(p.customer.id, p.customer.name)

    def add_interaction(self) -> InteractionDialog | None:
        p = self.profile.profile
        if p is None:
            return None
        customer_id = p.customer.id
        dlg = InteractionDialog(
            lambda values: self.services.profiles.add_interaction(customer_id, values),
            contacts=p.contacts, parent=self)
        dlg.saved.connect(lambda _line: (self.show_customer(customer_id),
                                         self.data_changed.emit(ChangeSet.of("interactions"))))
        dlg.open()
        return dlg
