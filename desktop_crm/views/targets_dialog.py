"""Sales targets (业绩目标): a grid of the active salespeople, grouped by team, with a row per
team, for one month or quarter. Managers type revenue and new-customer targets and save them
in one go; everyone sees what was reached so far, the weighted pipeline and its coverage of
what is still missing. Copy from the previous period, import from Excel or CSV, and a template
workbook to fill in."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QCoreApplication, QLocale, QRegularExpression, QThreadPool, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QMessageBox, QPushButton, QStyledItemDelegate, QTableWidget, QTableWidgetItem,
    QVBoxLayout,
)

from desktop_crm.services.errors import ServiceError, ValidationError
from desktop_crm.services.periods import add_months
from desktop_crm.services.targets import (
    Attainment, TargetConflict, TargetEdit, TargetService, parse_period, period_of,
    previous_period,
)

from . import fmt, labels
from .workers import Worker, guarded
from . import ui_state

MANAGER_ROLES = ("admin", "manager")
MONTHS_AROUND = (12, 12)  # months listed before and after the current one
QUARTERS_AROUND = (4, 4)

COL_NAME, COL_REV_T, COL_REV, COL_REV_PCT, COL_NEW_T, COL_NEW, COL_NEW_PCT, COL_WEIGHTED, \
    COL_COVERAGE = range(9)
EDITABLE = (COL_REV_T, COL_NEW_T)
PLACEHOLDER = Qt.ItemDataRole.UserRole + 1

MONEY_RE = r"^\s*[¥￥]?\s*[0-9][0-9,]{0,15}(\.[0-9]{0,2})?\s*$|^\s*$"
COUNT_RE = r"^\s*[0-9][0-9,]{0,8}\s*$|^\s*$"

GOOD = QColor("#15803d")
BEHIND = QColor("#b45309")
EDITED = QColor("#fff7d6")
CONFLICT = QColor("#fde2e1")
TEAM_ROW = QColor("#eef3fb")


def money_text(value: Decimal | None) -> str:
    """¥ with thousands separators; cents only when there are some."""
    if value is None:
        return ""
    return fmt.money(value, decimals=0 if value == value.to_integral_value() else 2)


def whole_money(value: Decimal) -> str:
    """¥ with thousands separators, rounded to the yuan (figures reached, not typed)."""
    return fmt.money(value, decimals=0)


def parse_money(text: str) -> Decimal | None:
    s = text.strip().lstrip("¥￥").replace(",", "").strip()
    if not s:
        return None
    try:
        value = Decimal(s)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite() or value < 0:
        raise ValueError(text)
    return value.quantize(Decimal("0.01"))


def parse_count(text: str) -> int | None:
    s = text.strip().replace(",", "")
    return int(s) if s else None


@dataclass
class _Row:
    """One line of the grid: a salesperson (``user_id``) or a team (``user_id`` None)."""

    user_id: uuid.UUID | None
    team: str
    name: str
    attainment: Attainment
    loaded: tuple[Decimal | None, int | None] = (None, None)
    version: int = 0
    values: list = field(default_factory=lambda: [None, None])  # as edited
    conflict: str = ""  # a colleague's change, when a save was refused

    @property
    def key(self) -> tuple[uuid.UUID | None, str]:
        return (self.user_id, "" if self.user_id else self.team)

    @property
    def is_team(self) -> bool:
        return self.user_id is None

    @property
    def dirty(self) -> bool:
        return tuple(self.values) != self.loaded


class _TargetDelegate(QStyledItemDelegate):
    """Edits a target with a validated line edit; shows a team's "sum of members" in grey
    while it has no target of its own."""

    def __init__(self, dialog: "TargetsDialog"):
        super().__init__(dialog.table)
        self.dialog = dialog

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt override
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        pattern = MONEY_RE if index.column() == COL_REV_T else COUNT_RE
        editor.setValidator(QRegularExpressionValidator(QRegularExpression(pattern), editor))
        return editor

    def setEditorData(self, editor, index):  # noqa: N802 - Qt override
        row = self.dialog.rows[index.row()]
        value = row.values[0 if index.column() == COL_REV_T else 1]
        editor.setText("" if value is None else (
            f"{value:f}".rstrip("0").rstrip(".") if isinstance(value, Decimal) else str(value)))
        editor.selectAll()

    def setModelData(self, editor, model, index):  # noqa: N802 - Qt override
        self.dialog.set_value(index.row(), index.column(), editor.text())

    def initStyleOption(self, option, index):  # noqa: N802 - Qt override
        super().initStyleOption(option, index)
        hint = index.data(PLACEHOLDER)
        if not option.text and hint:
            option.text = hint
            option.palette.setColor(option.palette.ColorRole.Text, QColor("#8a8f98"))
            option.font.setItalic(True)


class TargetsDialog(QDialog):
    """The sales-targets grid for one month or quarter.

    Signals:
        loaded(): the grid shows the chosen period (after each load in the background)
        saved(object): targets were saved, copied in or imported (a ``TargetSummary``)
    """

    loaded = Signal()
    saved = Signal(object)

    def __init__(self, services, parent=None, *, period: str | None = None,
                 today: dt.date | None = None):
        super().__init__(parent)
        self.services = services
        self.service = TargetService(services.db, services.user)
        self.manager = services.user.role in MANAGER_ROLES
        self.today = today or dt.date.today()
        self.rows: list[_Row] = []
        self.period = ""
        self._generation = 0
        self._workers: set[Worker] = set()
        self._keep: dict = {}  # edits to show again after a refused save reloads
        self._filling = False
        self.setWindowTitle(self.tr("Sales targets"))
        self.resize(1180, 640)
        ui_state.remember_size(self, "targets")

        self.kind = QComboBox()
        self.kind.addItem(self.tr("Month"), False)
        self.kind.addItem(self.tr("Quarter"), True)
        self.period_box = QComboBox()
        self.period_box.setMinimumWidth(150)
        self.status = QLabel()
        self.status.setStyleSheet("color: #555;")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Period")))
        top.addWidget(self.kind)
        top.addWidget(self.period_box)
        top.addSpacing(12)
        top.addWidget(self.status, 1)

        self.hint = QLabel(self.tr(
            "Type a target in a cell; an empty cell means no target. A team without a target of "
            "its own is measured against the sum of its members' targets. Coverage is the "
            "weighted pipeline expected to close in what is left of the period, over the "
            "revenue still missing.") if self.manager else self.tr(
            "Only a manager can change sales targets."))
        self.hint.setWordWrap(True)

        self.table = QTableWidget(0, 9)
        self.table.setHorizontalHeaderLabels([
            self.tr("Salesperson / team"), self.tr("Revenue target"),
            self.tr("Revenue so far"), self.tr("Attained"), self.tr("New-customer target"),
            self.tr("New customers so far"), self.tr("Attained"),
            self.tr("Weighted pipeline"), self.tr("Coverage")])
        tips = {COL_REV: self.tr("Paid orders of the salesperson's customers in the period; "
                                 "the tooltip of a cell shows the deals won."),
                COL_NEW: self.tr("Customers whose first paid order falls in the period."),
                COL_WEIGHTED: self.tr("Open deals (amount × win probability) expected to "
                                      "close in what is left of the period."),
                COL_COVERAGE: self.tr("Weighted pipeline over the revenue still missing to "
                                      "reach the target.")}
        for col, tip in tips.items():
            self.table.horizontalHeaderItem(col).setToolTip(tip)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        # a layout the user arranged is kept; else the columns fit their figures
        self._columns_restored = ui_state.remember_header(head, "targets/table")
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setItemDelegate(_TargetDelegate(self))
        self.table.installEventFilter(self)  # Tab leaves the grid after its last cell
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed if self.manager
            else QAbstractItemView.EditTrigger.NoEditTriggers)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        self.copy_button = QPushButton(self.tr("Copy from previous period"))
        self.copy_button.clicked.connect(self.copy_previous)
        self.import_button = QPushButton(self.tr("Import from Excel…"))
        self.import_button.clicked.connect(lambda: self.import_file())
        self.template_button = QPushButton(self.tr("Download template…"))
        self.template_button.clicked.connect(lambda: self.save_template())
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        for b in (self.copy_button, self.import_button, self.template_button,
                  self.save_button):
            b.setVisible(self.manager)
        buttons = QHBoxLayout()
        for b in (self.copy_button, self.import_button, self.template_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.hint)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.message)
        lay.addLayout(buttons)

        wanted = (period or period_of(self.today)).strip().upper()
        parse_period(wanted)
        self.kind.setCurrentIndex(1 if "Q" in wanted else 0)
        self._fill_periods(wanted)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.period_box.currentIndexChanged.connect(self._period_changed)
        self._update_buttons()
        self.load()

    # -- periods --------------------------------------------------------------------------------

    def _period_label(self, period: str) -> str:
        first, _after = parse_period(period)
        if "Q" in period:
            return self.tr("Q%1 %2").replace("%1", period[-1]).replace("%2", str(first.year))
        return fmt.month_long(first)

    def _fill_periods(self, wanted: str) -> None:
        quarter = "Q" in wanted
        first = self.today.replace(day=1)
        if quarter:
            first = dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
            steps = [add_months(first, 3 * k)
                     for k in range(-QUARTERS_AROUND[0], QUARTERS_AROUND[1] + 1)]
        else:
            steps = [add_months(first, k) for k in range(-MONTHS_AROUND[0], MONTHS_AROUND[1] + 1)]
        periods = [period_of(d, quarter) for d in steps]
        if wanted not in periods:
            periods = sorted(periods + [wanted])
        self._filling = True
        self.period_box.clear()
        now = period_of(self.today, quarter)
        for p in periods:
            text = self._period_label(p)
            if p == now:
                text += " " + self.tr("(current)")
            self.period_box.addItem(text, p)
        self.period_box.setCurrentIndex(periods.index(wanted))
        self._filling = False
        self.period = wanted

    def _kind_changed(self, _index: int) -> None:
        quarter = bool(self.kind.currentData())
        if not self._discard_ok():
            self.kind.blockSignals(True)
            self.kind.setCurrentIndex(0 if quarter else 1)
            self.kind.blockSignals(False)
            return
        self._fill_periods(period_of(self.today, quarter))
        self.load()

    def _period_changed(self, _index: int) -> None:
        if self._filling:
            return
        wanted = self.period_box.currentData()
        if wanted == self.period:
            return
        if not self._discard_ok():
            self.period_box.blockSignals(True)
            self.period_box.setCurrentIndex(self.period_box.findData(self.period))
            self.period_box.blockSignals(False)
            return
        self.period = wanted
        self.load()

    def set_period(self, period: str) -> None:
        """Show ``period`` ("2026-10" or "2026-Q4"), as the choosers would."""
        period = period.strip().upper()
        parse_period(period)
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(1 if "Q" in period else 0)
        self.kind.blockSignals(False)
        self._fill_periods(period)
        self.load()

    # -- loading --------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the targets and what was reached in the background; the newest load wins."""
        self._generation += 1
        generation, period, service = self._generation, self.period, self.service
        team = None
        if not self.manager and self.services.user.team:
            team = self.services.user.team  # a salesperson sees the own team
        today = self.today
        self.table.setEnabled(False)
        self.status.setText(self.tr("Loading…"))
        worker = Worker(lambda: (service.targets(period),
                                 service.attainment(period, team=team, today=today)))
        self._workers.add(worker)
        worker.signals.finished.connect(guarded(self, lambda r: self._loaded(generation, r)))
        worker.signals.failed.connect(guarded(self, lambda e: self._load_failed(generation, e)))
        worker.signals.finished.connect(lambda _r: self._workers.discard(worker))
        worker.signals.failed.connect(lambda _e: self._workers.discard(worker))
        QThreadPool.globalInstance().start(worker)

    def _load_failed(self, generation: int, exc) -> None:
        if generation != self._generation:
            return
        self.status.setText("")
        self._show_message(self.tr("Could not load the targets: %1").replace("%1", str(exc)),
                           error=True)

    def _loaded(self, generation: int, result) -> None:
        if generation != self._generation:
            return
        targets, attainment = result
        own = {(t.user_id, t.team): t for t in targets}
        people = [a for a in attainment if a.user_id is not None]
        teams = {a.team: a for a in attainment if a.user_id is None}
        rows: list[_Row] = []
        for team in sorted(teams) + [""]:
            if team:
                rows.append(_Row(None, team, team, teams[team]))
            rows.extend(_Row(a.user_id, a.team, a.name, a) for a in people if a.team == team)
        for r in rows:
            t = own.get(r.key)
            if t is not None:
                r.loaded, r.version = (t.revenue, t.new_customers), t.version
            r.values = list(r.loaded)
            kept = self._keep.get(r.key)
            if kept is not None:
                r.values, r.conflict = list(kept[0]), kept[1]
        self._keep = {}
        self.rows = rows
        self._fill_table()
        self.table.setEnabled(True)
        self.status.setText(self._period_status())
        self._update_buttons()
        self.loaded.emit()

    def _period_status(self) -> str:
        first, after = parse_period(self.period)
        days = (after - first).days
        done = min(max((self.today - first).days, 0), days)
        if done >= days:
            return self.tr("The period is over.")
        if done == 0 and self.today < first:
            return self.tr("The period has not begun.")
        return self.tr("Day %1 of %2 (%3 of the period gone).").replace(
            "%1", str(done + 1)).replace("%2", str(days)).replace("%3", fmt.percent(done / days))

    def _elapsed(self) -> float:
        first, after = parse_period(self.period)
        return min(max((self.today - first).days / (after - first).days, 0.0), 1.0)

    # -- the grid -------------------------------------------------------------------------------

    def _fill_table(self) -> None:
        self.table.setRowCount(0)
        self.table.setRowCount(len(self.rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for i, r in enumerate(self.rows):
            a = r.attainment
            cells = {COL_NAME: r.name if r.is_team else "    " + r.name,
                     COL_REV: whole_money(a.revenue), COL_NEW: fmt.number(a.new_customers),
                     COL_WEIGHTED: whole_money(a.weighted_open)}
            for col in range(self.table.columnCount()):
                item = QTableWidgetItem(cells.get(col, ""))
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if col in EDITABLE and self.manager:
                    flags |= Qt.ItemFlag.ItemIsEditable
                item.setFlags(flags)
                if col != COL_NAME:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if r.is_team:
                    item.setFont(bold)
                    item.setBackground(QBrush(TEAM_ROW))
                self.table.setItem(i, col, item)
            if r.is_team:
                self.table.item(i, COL_NAME).setText(self.tr("Team %1").replace("%1", r.name))
            if a.won_amount:
                self.table.item(i, COL_REV).setToolTip(self.tr("Deals won: %1").replace(
                    "%1", money_text(a.won_amount)))
        for i in range(len(self.rows)):
            self._show_row(i)
        self._size_columns()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt)
        """Tab moves from cell to cell as in a spreadsheet, and from the last cell (Shift+Tab:
        the first) on to the buttons, instead of going round the grid for ever."""
        if obj is self.table and event.type() == event.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            back = event.key() == Qt.Key.Key_Backtab
            head = self.table.horizontalHeader()
            shown = [head.logicalIndex(v) for v in range(head.count())
                     if not head.isSectionHidden(head.logicalIndex(v))]
            row, col = self.table.currentRow(), self.table.currentColumn()
            edge = (0, shown[0]) if back else (self.table.rowCount() - 1, shown[-1])
            if not shown or self.table.rowCount() == 0 or (row, col) == edge:
                self.focusPreviousChild() if back else self.focusNextChild()
                return True
        return super().eventFilter(obj, event)

    def _size_columns(self) -> None:
        """Figures get their width plus some air; the name column takes what is left."""
        if self._columns_restored:
            return
        head = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        for col in range(1, self.table.columnCount()):
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            width = self.table.columnWidth(col) + 18
            if col in EDITABLE:
                width = max(width, 130)
            self.table.setColumnWidth(col, width)

    def _members(self, team_row: _Row) -> list[_Row]:
        return [r for r in self.rows if not r.is_team and r.team == team_row.team]

    def _effective(self, r: _Row) -> tuple[Decimal | None, int | None]:
        """The targets a row is measured against: its own, or for a team the sum of its
        members' (as edited)."""
        rev, new = r.values
        if r.is_team:
            members = self._members(r)
            if rev is None:
                vals = [m.values[0] for m in members if m.values[0] is not None]
                rev = sum(vals, Decimal(0)) if vals else None
            if new is None:
                counts = [m.values[1] for m in members if m.values[1] is not None]
                new = sum(counts) if counts else None
        return rev, new

    def _show_row(self, i: int) -> None:
        r = self.rows[i]
        a = r.attainment
        rev_t, new_t = self._effective(r)
        for col, value, text in ((COL_REV_T, r.values[0], money_text(r.values[0])),
                                 (COL_NEW_T, r.values[1],
                                  fmt.number(r.values[1]))):
            item = self.table.item(i, col)
            item.setText(text)
            hint = ""
            if r.is_team and value is None:
                total = rev_t if col == COL_REV_T else new_t
                if total is not None:
                    hint = self.tr("sum of members: %1").replace(
                        "%1", money_text(total) if col == COL_REV_T else fmt.number(total))
            item.setData(PLACEHOLDER, hint)
            loaded = r.loaded[0 if col == COL_REV_T else 1]
            changed = value != loaded
            tip = ""
            if changed:
                tip = self.tr("Not saved yet (was: %1)").replace(
                    "%1", (money_text(loaded) if col == COL_REV_T else str(loaded))
                    if loaded is not None else self.tr("no target"))
            if r.conflict and changed:
                tip = r.conflict + "\n" + tip
            item.setToolTip(tip)
            color = (CONFLICT if r.conflict and changed else EDITED if changed
                     else TEAM_ROW if r.is_team else None)
            item.setBackground(QBrush(color) if color else QBrush())
        elapsed = self._elapsed()
        for col, reached, target in ((COL_REV_PCT, a.revenue, rev_t),
                                     (COL_NEW_PCT, a.new_customers, new_t)):
            item = self.table.item(i, col)
            if not target:
                item.setText("–" if target is None else "")
                item.setForeground(QBrush())
                item.setToolTip("")
                continue
            share = float(Decimal(reached) / Decimal(target))
            item.setText(fmt.percent(share))
            item.setForeground(QBrush(GOOD if share >= 1 else BEHIND
                                      if share < elapsed - 0.1 else QColor("#222")))
            item.setToolTip(self.tr("At an even pace, %1 would be reached by today.")
                            .replace("%1", fmt.percent(elapsed)))
        cov = self.table.item(i, COL_COVERAGE)
        missing = None if rev_t is None else max(Decimal(0), rev_t - a.revenue)
        if rev_t is None:
            cov.setText("–")
        elif not missing:
            cov.setText(self.tr("reached"))
        else:
            cov.setText(f"{float(a.weighted_open / missing):.1f}×")
        cov.setToolTip("" if not missing else self.tr("Still missing: %1").replace(
            "%1", money_text(missing)))

    def set_value(self, i: int, col: int, text: str) -> bool:
        """A target typed into row ``i`` (the editor calls it); False when the text is not
        a valid target."""
        r = self.rows[i]
        try:
            value = parse_money(text) if col == COL_REV_T else parse_count(text)
        except ValueError:
            self._show_message(self.tr("Not a valid target: %1").replace("%1", text),
                               error=True)
            return False
        r.values[0 if col == COL_REV_T else 1] = value
        self._show_row(i)
        if not r.is_team:
            for j, t in enumerate(self.rows):
                if t.is_team and t.team == r.team:
                    self._show_row(j)
        self._update_buttons()
        return True

    def row_of(self, name: str) -> int:
        """The grid row of a salesperson (display name) or a team (its name); -1 if none."""
        return next((i for i, r in enumerate(self.rows) if r.name == name), -1)

    def dirty(self) -> bool:
        return any(r.dirty for r in self.rows)

    def _update_buttons(self) -> None:
        dirty = self.dirty()
        self.save_button.setEnabled(self.manager and dirty)
        title = self.tr("Sales targets")
        self.setWindowTitle(f"{title} – {self._period_label(self.period)}"
                            + (" *" if dirty else "") if self.period else title)

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #c62828;" if error else "color: #15803d;")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- saving ---------------------------------------------------------------------------------

    def edits(self) -> list[TargetEdit]:
        return [TargetEdit(r.user_id, "" if r.user_id else r.team, r.values[0], r.values[1],
                           r.version) for r in self.rows if r.dirty]

    def save(self) -> bool:
        """Save every changed target in one transaction. Refused because a colleague changed
        some of them: the grid reloads their values and keeps yours, marked, to save again."""
        if not self.manager or not self.dirty():
            return False
        try:
            summary = self.service.set_targets(self.period, self.edits())
        except TargetConflict as err:
            mine = {r.key: (tuple(r.values), "") for r in self.rows if r.dirty}
            names = []
            for c in err.conflicts:
                key = (c.user_id, "" if c.user_id else c.team)
                theirs = self.tr("%1 changed this to: revenue %2, new customers %3").replace(
                    "%1", c.changed_by or self.tr("Someone else")).replace(
                    "%2", money_text(c.revenue) or self.tr("no target")).replace(
                    "%3", self.tr("no target") if c.new_customers is None
                    else str(c.new_customers))
                if key in mine:
                    mine[key] = (mine[key][0], theirs)
                names.append(self.tr("%1 (changed by %2)").replace("%1", c.name).replace(
                    "%2", c.changed_by or self.tr("someone else")) if c.changed_by
                    else c.name)
            self._keep = mine
            self._show_message(self.tr(
                "Nothing was saved: another manager changed the targets of %1 after you "
                "opened them. Their values are loaded now and yours are kept in the marked "
                "cells (the tooltip shows theirs); Save again to keep yours.").replace(
                "%1", "、".join(names) if QLocale().language() == QLocale.Language.Chinese
                else ", ".join(names)), error=True)
            self.load()
            return False
        except ValidationError as err:
            self._show_message("\n".join(self._error_line(e) for e in err.errors), error=True)
            return False
        except ServiceError as err:
            self._show_message(str(err), error=True)
            return False
        self._show_message(self._summary_text(summary))
        self.saved.emit(summary)
        self.load()
        return True

    def _summary_text(self, summary) -> str:
        return self.tr("Saved: %1 new, %2 changed, %3 unchanged.").replace(
            "%1", str(summary.created)).replace("%2", str(summary.updated)).replace(
            "%3", str(summary.unchanged))

    def copy_previous(self) -> int:
        """Fill the empty targets from the previous month or quarter (not saved yet)."""
        source = previous_period(self.period)
        try:
            plan = self.service.copied_targets(source, self.period)
        except ServiceError as err:
            self._show_message(str(err), error=True)
            return 0
        by_key = {r.key: i for i, r in enumerate(self.rows)}
        n = 0
        for e in plan:
            i = by_key.get((e.user_id, e.team))
            if i is None or self.rows[i].values != [None, None]:
                continue
            self.rows[i].values = [e.revenue, e.new_customers]
            n += 1
        for i in range(len(self.rows)):
            self._show_row(i)
        self._update_buttons()
        if n:
            self._show_message(self.tr(
                "%n target(s) copied from %1; check them, then Save.", "", n).replace(
                "%1", self._period_label(source)))
        else:
            self._show_message(self.tr(
                "Nothing to copy: %1 has no targets for the people and teams without one "
                "here.").replace("%1", self._period_label(source)), error=True)
        return n

    # -- files ----------------------------------------------------------------------------------

    def save_template(self, path: str | None = None) -> str | None:
        """Write a workbook to fill in: the salespeople and teams with their targets."""
        from desktop_crm.services.targets_import import write_template

        if path is None:
            path, _f = QFileDialog.getSaveFileName(
                self, self.tr("Download template"), f"targets-{self.period}.xlsx",
                self.tr("Excel workbooks (*.xlsx)"))
            if not path:
                return None
        headers = {"period": self.tr("Period"), "salesperson": self.tr("Salesperson"),
                   "team": self.tr("Team"), "revenue": self.tr("Revenue target"),
                   "new_customers": self.tr("New customers target")}
        try:
            write_template(self.service, path, self.period, headers=headers)
        except (OSError, ServiceError) as err:
            QMessageBox.warning(self, self.tr("Download template"), self.tr(
                "Could not write %1: %2").replace("%1", path).replace("%2", str(err)))
            return None
        self._show_message(self.tr("Template saved to %1").replace("%1", path))
        return path

    def import_file(self, path: str | None = None) -> None:
        """Import targets from an Excel or CSV file in the background: every row is checked
        first, and nothing is written when one is wrong (the errors are listed)."""
        from desktop_crm.services.targets_import import import_targets

        if not self.manager:
            return
        if self.dirty() and QMessageBox.question(
                self, self.tr("Import targets"),
                self.tr("Your unsaved changes will be lost. Import anyway?")) \
                != QMessageBox.StandardButton.Yes:
            return
        if path is None:
            path, _f = QFileDialog.getOpenFileName(
                self, self.tr("Import targets"), "",
                self.tr("Spreadsheets (*.xlsx *.csv);;All files (*)"))
            if not path:
                return
        service, period = self.service, self.period
        self.import_button.setEnabled(False)
        self.status.setText(self.tr("Importing…"))
        worker = Worker(lambda: import_targets(service, path, period=period))
        self._workers.add(worker)
        worker.signals.finished.connect(guarded(self, self._imported))
        worker.signals.failed.connect(guarded(self, self._import_failed))
        worker.signals.finished.connect(lambda _r: self._workers.discard(worker))
        worker.signals.failed.connect(lambda _e: self._workers.discard(worker))
        QThreadPool.globalInstance().start(worker)

    def _imported(self, summary) -> None:
        self.import_button.setEnabled(True)
        text = self._summary_text(summary)
        others = [p for p in summary.periods if p != self.period]
        if others:
            text += " " + self.tr("Also for: %1").replace(
                "%1", ", ".join(self._period_label(p) for p in others))
        self._show_message(text)
        self.saved.emit(summary)
        for r in self.rows:  # the unsaved edits were given up before importing
            r.values = list(r.loaded)
        self.load()

    def _import_failed(self, exc) -> None:
        self.import_button.setEnabled(True)
        self.status.setText(self._period_status())
        if isinstance(exc, ValidationError):
            lines = [self._error_line(e) for e in exc.errors]
            shown = lines[:30]
            if len(lines) > 30:
                shown.append(self.tr("… and %n more", "", len(lines) - 30))
            text = self.tr("Nothing was imported. Correct these rows and import again:") \
                + "\n" + "\n".join(shown)
        else:
            text = self.tr("Nothing was imported: %1").replace("%1", str(exc))
        self._show_message(text, error=True)
        QMessageBox.warning(self, self.tr("Import targets"), text)

    def _error_line(self, e) -> str:
        """A refused row in the user's language: where (file and row, or the grid's row),
        which column, and why."""
        fields = {"period": self.tr("Period"), "salesperson": self.tr("Salesperson"),
                  "user_id": self.tr("Salesperson"), "team": self.tr("Team"),
                  "revenue": self.tr("Revenue target"),
                  "new_customers": self.tr("New customers target"),
                  "header": self.tr("Header row"), "file": self.tr("File")}
        what = _reason(e)
        file, row = getattr(e, "file", ""), getattr(e, "row", None)
        if file and row:
            where = self.tr("%1, row %2").replace("%1", file).replace("%2", str(row))
        elif file:
            where = file
        elif row is not None and not file and 0 <= row < len(self.edits()):
            edit = self.edits()[row]
            where = next((r.name for r in self.rows
                          if r.key == (edit.user_id, edit.team)), "")
        else:
            where = ""
        column = fields.get(e.field, e.field)
        return self.tr("%1 · %2: %3").replace("%1", where).replace("%2", column).replace(
            "%3", what) if where else f"{column}: {what}"

    # -- closing --------------------------------------------------------------------------------

    def _discard_ok(self) -> bool:
        if not self.dirty():
            return True
        return QMessageBox.question(
            self, self.tr("Sales targets"),
            self.tr("You have unsaved changes. Discard them?")) \
            == QMessageBox.StandardButton.Yes

    def reject(self) -> None:
        if self._discard_ok():
            for r in self.rows:
                r.values = list(r.loaded)
            super().reject()

    # QDialog's closeEvent calls reject(): the window's close button asks too


def _reason(e) -> str:
    """Why a row or value was refused (a service error code), in the user's language."""
    value = e.value or ""
    code, field_ = e.code, e.field
    if code == "unknown" and field_ == "team":
        text = QCoreApplication.translate(
            "TargetsDialog", "No active salesperson is in a team called “%1”.")
    elif code == "unknown":
        text = QCoreApplication.translate(
            "TargetsDialog",
            "No active salesperson is called “%1” (display name, user name or email).")
    elif code == "ambiguous":
        text = QCoreApplication.translate(
            "TargetsDialog", "More than one salesperson is called “%1”: %2. Use the user "
            "name.").replace("%2", e.detail)
    elif code == "duplicate":
        first = re.search(r"\d+", e.detail or "")
        text = QCoreApplication.translate(
            "TargetsDialog", "“%1” is in the file twice; row %2 sets it already.").replace(
            "%2", first.group() if first else "?")
    elif code == "out_of_range":
        text = QCoreApplication.translate("TargetsDialog", "Must be zero or more: %1")
    elif code == "invalid" and field_ == "period":
        text = QCoreApplication.translate(
            "TargetsDialog", "Not a month (2026-10) or a quarter (2026-Q4): %1")
    elif code == "invalid" and field_ == "new_customers":
        text = QCoreApplication.translate("TargetsDialog", "Not a whole number: %1")
    elif code == "invalid" and field_ == "revenue":
        text = QCoreApplication.translate("TargetsDialog", "Not an amount: %1")
    elif code == "required" and field_ == "period":
        text = QCoreApplication.translate(
            "TargetsDialog", "No period: add a Period column or choose the period.")
    elif code == "required" and field_ == "header":
        text = QCoreApplication.translate(
            "TargetsDialog", "No header row found: the first rows need a Salesperson or Team "
            "column and a Revenue target or New customers target column.")
    elif code == "required":
        text = QCoreApplication.translate("TargetsDialog", "Neither a salesperson nor a team.")
    elif code == "unreadable":
        text = QCoreApplication.translate(
            "TargetsDialog", "The file cannot be read as an Excel workbook.")
    elif code == "unsupported_format":
        text = QCoreApplication.translate(
            "TargetsDialog", "Only Excel workbooks (.xlsx) and CSV files can be imported.")
    elif code == "invalid_encoding":
        text = QCoreApplication.translate(
            "TargetsDialog", "The file is neither UTF-8 nor GBK text.")
    else:
        return labels.error_text(e)
    return text.replace("%1", value)
