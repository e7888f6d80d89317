"""The audit log model: pages entries in (newest first) as the view scrolls."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from desktop_crm.services.audit import AuditItem, AuditQuery, AuditService

from .. import history_tab as names

PAGE_SIZE = 200


class AuditTableModel(QAbstractTableModel):
    """Entries of the whole audit log for an AuditQuery (administrators).

    Holds only the rows fetched so far; ``fetchMore`` asks the service for the page after
    the last row's ``(at, id)``.

    Signals:
        reloaded(): a new query was applied and its first page loaded
    """

    reloaded = Signal()

    COLUMNS = ("at", "user", "table", "record", "action", "field", "old", "new")

    def __init__(self, service: AuditService, parent=None):
        super().__init__(parent)
        self._service = service
        self._query = AuditQuery()
        self._rows: list[AuditItem] = []
        self._has_more = False
        self._headers = [self.tr("Time"), self.tr("User"), self.tr("Record type"), self.tr("Record"),
                         self.tr("Action"), self.tr("Field"), self.tr("Old value"),
                         self.tr("New value")]

    @property
    def query(self) -> AuditQuery:
        return self._query

    def set_query(self, query: AuditQuery) -> None:
        self.beginResetModel()
        self._query = query
        page = self._service.search(query, limit=PAGE_SIZE)
        self._rows = list(page.rows)
        self._has_more = page.has_more
        self.endResetModel()
        self.reloaded.emit()

    def reload(self) -> None:
        self.set_query(self._query)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return False if parent.isValid() else self._has_more

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or not self._has_more or not self._rows:
            return
        page = self._service.search(self._query, after=self._rows[-1].key, limit=PAGE_SIZE)
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._has_more = page.has_more
            self.endInsertRows()
        else:
            self._has_more = False

    @property
    def loaded(self) -> int:
        return len(self._rows)

    @property
    def has_more(self) -> bool:
        return self._has_more

    def row_at(self, row: int) -> AuditItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- Qt model -------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self._headers):
                return self._headers[section]
        return None

    def text(self, row: AuditItem, col: str) -> str:
        if col == "at":
            return names.when_text(row.at, self._service.tz)
        if col == "user":
            return row.user or self.tr("(system)")
        if col == "table":
            return names.table_name(row.table)
        if col == "record":
            return row.record or str(row.row_id)[:8]
        if col == "action":
            return names.action_name(row.action)
        if col == "field":
            return names.field_name(row.field, row.table) if row.field else ""
        if col == "old":
            return names.value_text(row.table, row.field, row.old_text)
        return names.value_text(row.table, row.field, row.new_text)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, col).replace("\n", " ⏎ ")
        if role == Qt.ItemDataRole.ToolTipRole and col in ("record", "old", "new"):
            text = self.text(row, col)
            return text if text else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == "user" and not row.user:
                return QColor("#9e9e9e")
            if col == "action" and row.action == "delete":
                return QColor("#b91c1c")
            if col == "old":
                return QColor("#6b7280")
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
