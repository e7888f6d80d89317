"""The customer list model: pages rows in with keyset pagination, never the whole table."""

from __future__ import annotations

import dataclasses
import logging

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from desktop_crm.services.customers import CustomerQuery, CustomerRow, CustomerService

from .. import fmt, labels

log = logging.getLogger(__name__)

PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole + 1

TIER_COLOURS = {"strategic": "#b8860b", "growth": "#2e7d32", "basic": "#455a64",
                "dormant": "#9e9e9e"}


class CustomerTableModel(QAbstractTableModel):
    """Rows of the customer list for a CustomerQuery.

    Holds only the rows fetched so far (a page at a time, as the view scrolls); each
    cell is a lookup into that cache, so painting never touches the database.

    Signals:
        reloaded(): a new query or sort order was applied and its first page loaded
    """

    reloaded = Signal()

    COLUMNS = ("code", "name", "phone", "owner", "tier", "health", "region", "industry",
               "source", "updated_at")

    def __init__(self, service: CustomerService, parent=None):
        super().__init__(parent)
        self._service = service
        self._query = CustomerQuery()
        self._rows: list[CustomerRow] = []
        self._has_more = False
        self._brushes = {band: (QColor(bg), QColor(fg))
                         for band, (bg, fg) in labels.HEALTH_COLOURS.items()}
        self._headers = [
            self.tr("Code"), self.tr("Name"), self.tr("Phone"), self.tr("Owner"),
            self.tr("Tier"), self.tr("Health"), self.tr("Region"), self.tr("Industry"), self.tr("Source"),
            self.tr("Updated"),
        ]

    # -- loading ------------------------------------------------------------------

    @property
    def query(self) -> CustomerQuery:
        return self._query

    def set_query(self, query: CustomerQuery) -> None:
        self.beginResetModel()
        self._query = query
        page = self._service.page(query, limit=PAGE_SIZE)
        self._rows = list(page.rows)
        self._has_more = page.has_more
        self.endResetModel()
        self.reloaded.emit()

    def reload(self) -> None:
        self.set_query(self._query)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        if parent.isValid():
            return False
        return self._has_more

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or not self._has_more or not self._rows:
            return
        page = self._service.page(self._query, after=self._rows[-1].sort_key, limit=PAGE_SIZE)
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._has_more = page.has_more
            self.endInsertRows()
        else:
            self._has_more = False

    def row_at(self, row: int) -> CustomerRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, customer_id) -> int:
        for i, r in enumerate(self._rows):
            if r.id == customer_id:
                return i
        return -1

    @property
    def loaded(self) -> int:
        return len(self._rows)

    # -- Qt model -----------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self._headers):
                return self._headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "tier":
                return labels.label(labels.TIERS, row.tier) if row.tier else ""
            if col == "updated_at":
                return fmt.datetime_cell(row.updated_at)
            if col == "health":
                return "" if row.health is None else str(row.health)
            return getattr(row, col)
        if role == ID_ROLE:
            return str(row.id)
        if col == "health":
            return self._health_data(row, role)
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.deleted:
                return QColor("#9e9e9e")
            if col == "tier" and row.tier in TIER_COLOURS:
                return QColor(TIER_COLOURS[row.tier])
        if role == Qt.ItemDataRole.ToolTipRole and col == "name":
            return row.name
        return None

    def _health_data(self, row: CustomerRow, role):
        band = labels.health_band(row.health)
        if not band:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._brushes[band][0]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._brushes[band][1]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return labels.label(labels.HEALTH_BANDS, band)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self.COLUMNS)):
            return
        query = dataclasses.replace(
            self._query, sort=self.COLUMNS[column],
            descending=order == Qt.SortOrder.DescendingOrder,
        )
        if query != self._query:
            self.set_query(query)
