"""The Home section (首页), the start page: what needs this person today, by role.

Tiles show the figures of ``HomeService`` (a salesperson's follow-ups, deals closing, target
attainment, at-risk customers, customers due back to the pool; a manager's team attainment,
pipeline coverage, revenue, SLA breaches, tier migration and at-risk strategic customers;
service staff's tickets, deadlines and satisfaction). At start-up the figures of the last
session show at once from the cache file, then each tile is reloaded in a worker; afterwards a
tile reloads only when a change set names what it shows (``refresh``).

Clicking a tile (or its "Show all" button) asks for the filtered list behind it
(``open_requested(target, args)``; the main window opens the section); clicking a row of a
tile's list opens that record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from PySide6.QtCore import (
    QCoreApplication, QThreadPool, Qt, QT_TRANSLATE_NOOP, QTimer, Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QListWidget,
    QListWidgetItem, QPushButton, QScrollArea, QSizePolicy, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from desktop_crm.services.errors import ChangeSet
from desktop_crm.services.home import TIER_RANK, HomeCache, HomeService, stale_tiles

from . import fmt
from .charts import use_cjk_font
from .labels import ACTIVITY_TYPES, PRIORITIES, TIERS, label, money, money_short
from .workers import Worker, guarded
from . import ui_state
from .widgets import font_px

_C = "Home"
RED, AMBER, GREEN, GREY, BLUE = "#c62828", "#e65100", "#2e7d32", "#78909c", "#1565c0"

TITLES = {
    "followups": QT_TRANSLATE_NOOP("Home", "Today's follow-ups"),
    "closing": QT_TRANSLATE_NOOP("Home", "Deals closing this month"),
    "attainment": QT_TRANSLATE_NOOP("Home", "My targets"),
    "at_risk": QT_TRANSLATE_NOOP("Home", "My at-risk customers"),
    "pool_due": QT_TRANSLATE_NOOP("Home", "Going back to the pool soon"),
    "team_attainment": QT_TRANSLATE_NOOP("Home", "Team attainment this month"),
    "coverage": QT_TRANSLATE_NOOP("Home", "Pipeline coverage"),
    "revenue": QT_TRANSLATE_NOOP("Home", "Revenue"),
    "breaching": QT_TRANSLATE_NOOP("Home", "Tickets breaching SLA"),
    "tier_migration": QT_TRANSLATE_NOOP("Home", "Tier migration"),
    "strategic_risk": QT_TRANSLATE_NOOP("Home", "Strategic customers at risk"),
    "my_tickets": QT_TRANSLATE_NOOP("Home", "My open tickets"),
    "sla": QT_TRANSLATE_NOOP("Home", "Breached and due soon"),
    "satisfaction": QT_TRANSLATE_NOOP("Home", "Satisfaction this month"),
}
HEALTH_PARTS = {
    "recency": QT_TRANSLATE_NOOP("Home", "no recent order"),
    "trend": QT_TRANSLATE_NOOP("Home", "spending less"),
    "tickets": QT_TRANSLATE_NOOP("Home", "open tickets"),
    "satisfaction": QT_TRANSLATE_NOOP("Home", "unsatisfied"),
    "follow_up": QT_TRANSLATE_NOOP("Home", "not followed up"),
    "alive": QT_TRANSLATE_NOOP("Home", "likely lost"),
}
POOL_REASONS = {
    "no_follow_up": QT_TRANSLATE_NOOP("Home", "no follow-up"),
    "lost": QT_TRANSLATE_NOOP("Home", "deal lost"),
}


def _t(text: str) -> str:
    return QCoreApplication.translate(_C, text)


def _local(iso: str | None) -> dt.datetime | None:
    if not iso:
        return None
    t = dt.datetime.fromisoformat(iso)
    return t.astimezone() if t.tzinfo else t


def _pct(x: float | None) -> str:
    return fmt.percent(x, dash="–")


def _period(period: str) -> str:
    """A month ("2026-11") as the language writes it (2026年11月 / November 2026); a quarter
    ("2026-Q4") as it is."""
    try:
        year, month = (int(x) for x in period.split("-"))
        return fmt.month_long(dt.date(year, month, 1))
    except (AttributeError, ValueError):
        return period


def _stamp(t: dt.datetime) -> str:
    return fmt.time_cell(t)


def _when(iso: str | None, now: dt.datetime) -> str:
    """Today's times as 14:30, other days as 11-26 14:30."""
    t = _local(iso)
    if t is None:
        return ""
    if t.date() == now.astimezone().date():
        return fmt.time_cell(t)
    return fmt.month_day_time(t)


class Figure_(QWidget):
    """A big number with a caption under it."""

    def __init__(self, value: str, caption: str, color: str = "#0f172a", parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 12, 0)
        lay.setSpacing(0)
        self.value = QLabel(value)
        self.value.setStyleSheet(
            f"font-size: {font_px(1.83)}px; font-weight: 600; color: {color};")
        self.caption = QLabel(caption)
        self.caption.setStyleSheet("color: #64748b;")  # the application font's size
        lay.addWidget(self.value)
        lay.addWidget(self.caption)


class Tile(QFrame):
    """One card: title, big figures, a short list, an optional chart and "Show all".

    Signals:
        open_list(): the tile (or its button) was clicked: show the list behind it
        open_item(object): a row of its list was clicked: its payload
    """

    open_list = Signal()
    open_item = Signal(object)

    def __init__(self, key: str, parent=None):
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"tile_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(
            f"QFrame#tile_{key} {{ background: white; border: 1px solid #dbe2ea;"
            " border-radius: 6px; }")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.setSpacing(4)
        top = QHBoxLayout()
        self.title = QLabel(_t(TITLES[key]))
        self.title.setStyleSheet(
            f"font-size: {font_px(1.17)}px; font-weight: 600; color: #1e293b;")
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet("color: #64748b;")
        self.open_button = QPushButton(self.tr("Show all ›"))
        self.open_button.setFlat(True)
        self.open_button.setStyleSheet(f"color: {BLUE}; border: none;")
        self.open_button.clicked.connect(self.open_list)
        top.addWidget(self.title)
        top.addWidget(self.subtitle, 1)
        top.addWidget(self.open_button)
        lay.addLayout(top)
        self.figures = QHBoxLayout()
        self.figures.setSpacing(6)
        lay.addLayout(self.figures)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #64748b;")
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.note.hide()
        lay.addWidget(self.note)
        self.list = QListWidget()
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setStyleSheet("QListWidget { background: transparent; }"
                                "QListWidget::item { padding: 1px 0; }")
        self.list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.list.setMinimumHeight(40)
        self.list.itemClicked.connect(self._item_clicked)
        self.list.hide()
        lay.addWidget(self.list, 1)
        self.chart: FigureCanvasQTAgg | None = None
        self.chart_box = QVBoxLayout()
        lay.addLayout(self.chart_box, 2)
        lay.addStretch(0)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            self.open_list.emit()
        super().mouseReleaseEvent(event)

    def _item_clicked(self, item: QListWidgetItem) -> None:
        payload = item.data(Qt.ItemDataRole.UserRole)
        if payload is None:
            self.open_list.emit()
        else:
            self.open_item.emit(payload)

    # -- filling -------------------------------------------------------------------------------

    def clear(self) -> None:
        while self.figures.count():
            w = self.figures.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.list.clear()
        self.list.hide()
        self.note.hide()
        self.subtitle.clear()

    def add_figure(self, value: str, caption: str, color: str = "#0f172a") -> Figure_:
        f = Figure_(value, caption, color)
        self.figures.addWidget(f)
        return f

    def end_figures(self) -> None:
        self.figures.addStretch(1)

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def add_row(self, text: str, payload: Any = None, color: str | None = None) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, payload)
        item.setToolTip(text)
        if color:
            item.setForeground(QColor(color))
        self.list.addItem(item)
        self.list.show()

    def figure(self, height: float = 1.5) -> Figure:
        """The tile's chart (made on first use), cleared."""
        if self.chart is None:
            use_cjk_font()
            fig = Figure(figsize=(3.6, height), dpi=100, layout="constrained")
            self.chart = FigureCanvasQTAgg(fig)
            self.chart.setMinimumHeight(90)
            self.chart.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
            self.chart.mpl_connect("button_release_event", lambda _e: self.open_list.emit())
            self.chart_box.addWidget(self.chart)
        self.chart.figure.clear()
        return self.chart.figure


class DueSoonDialog(QDialog):
    """All of the user's customers going back to the pool soon; double-click opens one."""

    def __init__(self, figures: dict, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_t(TITLES["pool_due"]))
        self.resize(620, 420)
        ui_state.remember_size(self, "due_soon")
        self.payloads: list[dict] = []
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Code"), self.tr("Customer"),
                                              self.tr("Goes back"), self.tr("Why")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for d in figures.get("items", []):
            r = self.table.rowCount()
            self.table.insertRow(r)
            due = _local(d["due_at"])
            for col, text in enumerate((d["code"], d["name"],
                                        fmt.date_cell(due),
                                        _t(POOL_REASONS.get(d["reason"], d["reason"])))):
                self.table.setItem(r, col, QTableWidgetItem(text))
            self.payloads.append({"id": d["id"]})
        self.table.resizeColumnsToContents()
        self.chosen: dict | None = None
        self.table.cellDoubleClicked.connect(self._open)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("Follow these customers up, or they go back to the "
                                     "public pool. Double-click one to open it.")))
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)

    def _open(self, row: int, _col: int) -> None:
        self.chosen = self.payloads[row]
        self.accept()


class HomeSection(QWidget):
    """Signals:
        open_requested(str, object): show the list or record behind a tile: a target
            ("customers", "customer", "calendar_today", "activity", "pipeline", "targets",
            "tickets", "ticket", "reports", "tiers") and its arguments (a dict)
        loaded(str): a tile shows fresh figures (its key)
        status_message(str): a line for the status bar
    """

    open_requested = Signal(str, object)
    loaded = Signal(str)
    status_message = Signal(str)

    COLUMNS = 3

    def __init__(self, services, parent=None, *, home: HomeService | None = None,
                 cache: HomeCache | None = None, now=None):
        super().__init__(parent)
        self.services = services
        self.home = home or HomeService(services.db, services.user)
        self.cache = cache if cache is not None else HomeCache(services.db, self.home.user)
        self._now = now  # tests: a fixed clock
        self.keys = list(self.home.tiles())
        self.figures: dict[str, dict | None] = {}
        self.fresh: set[str] = set()  # tiles loaded since start
        self.failed: set[str] = set()  # tiles whose last load failed
        self._generation: dict[str, int] = {}
        self._workers: set[Worker] = set()

        user = self.home.user
        self.greeting = QLabel(self.tr("Hello, %1").replace("%1", user.display_name))
        self.greeting.setStyleSheet(f"font-size: {font_px(1.5)}px; font-weight: 600;")
        self.date_label = QLabel()
        self.date_label.setStyleSheet("color: #475569;")
        self.stamp = QLabel()
        self.stamp.setObjectName("homeStamp")
        self.stamp.setStyleSheet("color: #64748b;")
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(lambda: (self.home.forget(), self.reload()))
        self.targets_button = QPushButton(self.tr("Sales targets…"))
        self.targets_button.clicked.connect(
            lambda: self.open_requested.emit("targets", {}))
        self.targets_button.setVisible(user.role in ("manager", "admin"))
        head = QHBoxLayout()
        head.addWidget(self.greeting)
        head.addSpacing(12)
        head.addWidget(self.date_label)
        head.addStretch(1)
        head.addWidget(self.stamp)
        head.addWidget(self.targets_button)
        head.addWidget(self.refresh_button)

        body = QWidget()
        body.setObjectName("homeBody")
        self.grid = QGridLayout(body)
        self.grid.setSpacing(10)
        self.tiles: dict[str, Tile] = {}
        for key in self.keys:
            tile = Tile(key, body)
            tile.open_list.connect(lambda k=key: self.open_tile(k))
            tile.open_item.connect(lambda p, k=key: self.open_item(k, p))
            self.tiles[key] = tile
            tile.hide()  # shown once it has figures (a tile without data is left out)
        for c in range(self.COLUMNS):
            self.grid.setColumnStretch(c, 1)
        body.setStyleSheet("QWidget#homeBody { background: #f1f5f9; }")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.empty = QLabel(self.tr("Loading…"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #64748b;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.addLayout(head)
        lay.addWidget(self.empty)
        lay.addWidget(scroll, 1)
        self.show_cached()
        self.reload()
        # a new day makes every tile out of date (today's follow-ups, this month...): checked
        # each minute, reloaded once when the date changes
        self._day = self.now().astimezone().date()
        self.day_timer = QTimer(self)
        self.day_timer.setInterval(60 * 1000)
        self.day_timer.timeout.connect(self._check_day)
        self.day_timer.start()

    def now(self) -> dt.datetime:
        return self._now or dt.datetime.now(dt.timezone.utc)

    def _check_day(self) -> None:
        today = self.now().astimezone().date()
        if today != self._day:
            self._day = today
            self.reload()

    # -- loading ---------------------------------------------------------------------------------

    def show_cached(self) -> None:
        """The figures of the last session, at once (before any query)."""
        tiles, at = self.cache.read()
        for key in self.keys:
            if key in tiles:
                self._show(key, tiles[key])
        if at is not None:
            self.stamp.setText(self.tr("Figures from %1, updating…").replace(
                "%1", fmt.datetime_long(at)))
        self._update_date()

    def _update_date(self) -> None:
        today = self.now().astimezone().date()
        self.date_label.setText(fmt.weekday_date_long(today))

    def reload(self, keys: list[str] | None = None) -> None:
        """Reload ``keys`` (all tiles by default), each in its own worker."""
        self._update_date()
        now = self.now()
        home = self.home
        for key in (self.keys if keys is None else keys):
            generation = self._generation.get(key, 0) + 1
            self._generation[key] = generation
            worker = Worker(lambda k=key: home.load(k, now))
            self._workers.add(worker)
            worker.signals.finished.connect(
                guarded(self, lambda fig, k=key, g=generation: self._loaded(k, g, fig)))
            worker.signals.failed.connect(
                guarded(self, lambda exc, k=key, g=generation: self._failed(k, g, exc)))
            worker.signals.finished.connect(lambda _r, w=worker: self._workers.discard(w))
            worker.signals.failed.connect(lambda _e, w=worker: self._workers.discard(w))
            QThreadPool.globalInstance().start(worker)

    def refresh(self, changes: ChangeSet | None = None) -> None:
        """Reload the tiles a change makes out of date (all of them for None)."""
        kinds = None if changes is None else changes.kinds
        keys = stale_tiles(self.keys, kinds)
        if keys:
            self.home.forget()
            self.reload(keys)

    def _loaded(self, key: str, generation: int, figures: dict | None) -> None:
        if generation != self._generation.get(key):
            return
        self.fresh.add(key)
        self.failed.discard(key)
        self._show(key, figures)
        if self.fresh >= set(self.keys):
            self.cache.write({k: self.figures.get(k) for k in self.keys}, self.now())
            self.stamp.setText(self.tr("Updated %1").replace(
                "%1", _stamp(self.now())))
        self.loaded.emit(key)

    def _failed(self, key: str, generation: int, exc) -> None:
        if generation != self._generation.get(key):
            return
        self.failed.add(key)
        tile = self.tiles[key]
        tile.clear()
        tile.set_note(self.tr("Could not load: %1").replace("%1", str(exc)))
        tile.show()
        self._layout_tiles()
        self.empty.hide()
        self.loaded.emit(key)

    def _show(self, key: str, figures: dict | None) -> None:
        self.figures[key] = figures
        tile = self.tiles[key]
        tile.clear()
        if figures is None:
            tile.hide()
        else:
            getattr(self, f"_fill_{key}")(tile, figures)
            tile.end_figures()
            tile.show()
        self._layout_tiles()
        self.empty.setVisible(not self.visible_tiles())
        if self.fresh >= set(self.keys) and self.empty.isVisible():
            self.empty.setText(self.tr("Nothing to show yet."))

    def _layout_tiles(self) -> None:
        """The shown tiles in the role's order, row by row, without holes."""
        shown = self.visible_tiles()
        for key in self.keys:
            self.grid.removeWidget(self.tiles[key])
        for i, key in enumerate(shown):
            self.grid.addWidget(self.tiles[key], i // self.COLUMNS, i % self.COLUMNS)
        rows = (len(shown) + self.COLUMNS - 1) // self.COLUMNS
        for r in range(max(rows, self.grid.rowCount())):
            self.grid.setRowStretch(r, 1 if r < rows else 0)
        self.grid.activate()  # placed now, not at the next event: no tile flashes at 0,0

    def settled(self) -> bool:
        """Every tile has loaded (or failed) since start."""
        return (self.fresh | self.failed) >= set(self.keys)

    def visible_tiles(self) -> list[str]:
        return [k for k in self.keys if not self.tiles[k].isHidden()]

    # -- where a click goes ---------------------------------------------------------------------

    def target_of(self, key: str) -> tuple[str, dict]:
        """The list behind a tile."""
        me = self.home.user.id
        team = self.home.team
        f = self.figures.get(key) or {}
        targets = {
            "followups": lambda: ("calendar_today", {}),
            "closing": lambda: ("pipeline", {"owner_id": me, "period": "this_month"}),
            "attainment": lambda: ("targets", {"period": (f.get("month") or {}).get("period")}),
            "at_risk": lambda: ("customers", {"owner_id": me, "health": "red",
                                              "sort": "health"}),
            "pool_due": lambda: ("pool_due", f),
            "team_attainment": lambda: ("targets", {"period": f.get("period")}),
            "coverage": lambda: ("pipeline", {"team": team, "period": "this_quarter"}),
            "revenue": lambda: ("reports", {"month": (f.get("months") or [None])[0]}),
            "breaching": lambda: ("tickets", {"breached": True}),
            "tier_migration": lambda: ("tiers", {"from": f.get("from"), "to": f.get("to")}),
            "strategic_risk": lambda: ("customers", {"tier": "strategic", "health": "red",
                                                     "sort": "health"}),
            "my_tickets": lambda: ("tickets", {"assignee_id": me}),
            "sla": lambda: ("tickets", {"breached": True}),
            "satisfaction": lambda: ("tickets", {"status": "resolved", "assignee_id": me}),
        }
        return targets[key]()

    def open_tile(self, key: str) -> None:
        target, args = self.target_of(key)
        if target == "pool_due":
            dialog = DueSoonDialog(args, self)
            if dialog.exec() and dialog.chosen:
                self.open_requested.emit("customer", {"id": uuid.UUID(dialog.chosen["id"])})
            return
        self.open_requested.emit(target, args)

    def open_item(self, key: str, payload: dict) -> None:
        kind, ident = payload
        self.open_requested.emit(kind, {"id": uuid.UUID(ident)})

    # -- the tiles -------------------------------------------------------------------------------

    def _fill_followups(self, tile: Tile, f: dict) -> None:
        tile.add_figure(str(f["today"]), self.tr("today"))
        tile.add_figure(str(f["overdue"]), self.tr("overdue"), RED if f["overdue"] else GREY)
        now = self.now()
        for i in f["items"]:
            kind = label(ACTIVITY_TYPES, i["type"])
            text = " · ".join(x for x in (_when(i["start"], now), kind, i["customer"],
                                          i["subject"]) if x)
            tile.add_row(text, ("activity", i["id"]), RED if i["overdue"] else None)
        if not f["items"]:
            tile.set_note(self.tr("Nothing planned for today."))

    def _fill_closing(self, tile: Tile, f: dict) -> None:
        tile.add_figure(str(f["count"]), self.tr("deals"))
        tile.add_figure(money_short(f["amount"]), self.tr("total"))
        tile.add_figure(money_short(f["weighted"]), self.tr("weighted"), BLUE)
        for i in f["items"]:
            tile.add_row(f"{i['customer']} · {i['title']} · {money(i['amount'])} · "
                         f"{i['probability']}%", None)
        if not f["items"]:
            tile.set_note(self.tr("No open deal is expected to close this month."))

    @staticmethod
    def _pace_color(pct: float | None, elapsed: float) -> str:
        """Green when reached or on pace, amber when a little behind, red when far behind
        the share of the period gone."""
        if pct is None:
            return GREY
        if pct >= 1 or pct >= elapsed:
            return GREEN
        return AMBER if pct >= 0.8 * elapsed else RED

    def _progress_chart(self, tile: Tile, rows: list[tuple[str, float | None, str]],
                        elapsed: list[float]) -> None:
        """Horizontal bars: share of the target reached (100% line), one per row, coloured
        against the pace (the share of the period gone, a tick on each bar)."""
        fig = tile.figure(1.1 + 0.22 * max(0, len(rows) - 2))
        tile.chart.setMaximumHeight(70 + 34 * len(rows))  # bars stay bars in a tall tile
        ax = fig.subplots()
        names = [r[0] for r in rows][::-1]
        values = [min(r[1] or 0, 1.5) * 100 for r in rows][::-1]
        colors = [self._pace_color(r[1], e) for r, e in zip(rows, elapsed)][::-1]
        paces = [e * 100 for e in elapsed][::-1]
        bars = ax.barh(range(len(rows)), values, color=colors, height=0.6)
        for bar, r in zip(bars, rows[::-1]):
            ax.text(bar.get_width() + 2, bar.get_y() + bar.get_height() / 2, r[2],
                    va="center", fontsize=8, zorder=5,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6})
        for y, pace in enumerate(paces):
            ax.plot([pace, pace], [y - 0.4, y + 0.4], color="#334155", linewidth=1.5)
        ax.axvline(100, color="#334155", linewidth=1, linestyle="--")
        ax.set_yticks(range(len(rows)), names, fontsize=8)
        ax.set_xlim(0, 175)
        ax.set_xticks([0, 50, 100, 150], ["0", "50%", "100%", "150%"], fontsize=7)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        tile.chart.draw_idle()

    def _fill_attainment(self, tile: Tile, f: dict) -> None:
        month, quarter = f.get("month"), f.get("quarter")
        rows, elapsed = [], []
        for caption, a in ((self.tr("This month"), month), (self.tr("This quarter"), quarter)):
            if a is None:
                continue
            elapsed.append(a.get("elapsed", 0.0))
            if a["revenue_target"] is None:
                rows.append((caption, None, money_short(a["revenue"]) + " · "
                             + self.tr("no target")))
            else:
                rows.append((caption, a["revenue_pct"], f"{_pct(a['revenue_pct'])} · "
                             f"{money_short(a['revenue'])} / {money_short(a['revenue_target'])}"))
        if month:
            tile.subtitle.setText(_period(month["period"]))
            pct = month["revenue_pct"]
            tile.add_figure(_pct(pct) if month["revenue_target"] is not None
                            else money_short(month["revenue"]),
                            self.tr("revenue this month"),
                            self._pace_color(pct, month.get("elapsed", 0.0)))
            new = str(month["new"]) if month["new_target"] is None \
                else f"{month['new']}/{month['new_target']}"
            tile.add_figure(new, self.tr("new customers"))
            if month["remaining"]:
                tile.add_figure(money_short(month["remaining"]), self.tr("still to go"))
        if all(a is None or a["revenue_target"] is None for a in (month, quarter)):
            tile.set_note(self.tr("No target has been set for you yet. This quarter so far: "
                                  "%1.").replace("%1", money_short((quarter or {}).get(
                                      "revenue", 0))))
        else:
            self._progress_chart(tile, rows, elapsed)
            tile.set_note(self.tr("The tick on a bar marks the share of the period gone."))

    def _risk_rows(self, tile: Tile, f: dict, with_owner: bool) -> None:
        bands = f.get("bands", {})
        tile.add_figure(str(bands.get("red", 0)), self.tr("red"), RED)
        tile.add_figure(str(bands.get("amber", 0)), self.tr("amber"), AMBER)
        tile.add_figure(str(bands.get("green", 0)), self.tr("green"), GREEN)
        for r in f["items"]:
            why = _t(HEALTH_PARTS[r["weakest"]]) if r.get("weakest") in HEALTH_PARTS else ""
            parts = [r["name"], self.tr("score %1").replace("%1", str(r["score"])), why]
            if with_owner and r.get("owner"):
                parts.append(r["owner"])
            tile.add_row(" · ".join(p for p in parts if p), ("customer", r["id"]), RED)
        if not f["items"]:
            tile.set_note(self.tr("No customer in the red band."))

    def _fill_at_risk(self, tile: Tile, f: dict) -> None:
        self._risk_rows(tile, f, with_owner=False)

    def _fill_strategic_risk(self, tile: Tile, f: dict) -> None:
        tile.subtitle.setText(label(TIERS, "strategic"))
        self._risk_rows(tile, f, with_owner=True)

    def _fill_pool_due(self, tile: Tile, f: dict) -> None:
        tile.add_figure(str(f["count"]), self.tr("within %n day(s)", "", f["days"]),
                        AMBER if f["count"] else GREY)
        now = self.now().astimezone()
        for d in f["items"][:5]:
            due = _local(d["due_at"])
            days = max(0, (due.date() - now.date()).days) if due else 0
            when = self.tr("in %n day(s)", "", days) if days else self.tr("due now")
            why = _t(POOL_REASONS.get(d["reason"], d["reason"]))
            tile.add_row(f"{d['name']} · {when} · {why}", ("customer", d["id"]),
                         RED if days <= 1 else None)
        if not f["items"]:
            tile.set_note(self.tr("None of your customers goes back to the pool this week."))

    def _fill_team_attainment(self, tile: Tile, f: dict) -> None:
        tile.subtitle.setText(" · ".join(x for x in (f.get("team") or "", _period(f["period"]))
                                         if x))
        people = f["people"]
        with_target = [p for p in people if p["revenue_target"] is not None]
        reached = sum(1 for p in with_target if (p["revenue_pct"] or 0) >= 1)
        total_target = sum(p["revenue_target"] for p in with_target)
        revenue = sum(p["revenue"] for p in people)
        tile.add_figure(money_short(revenue), self.tr("revenue"))
        if with_target:
            tile.add_figure(_pct(revenue / total_target if total_target else None),
                            self.tr("of target"))
            tile.add_figure(f"{reached}/{len(with_target)}", self.tr("reached"))
        else:
            tile.set_note(self.tr("No targets for this month yet: set them with Sales "
                                  "targets…"))
        rows = [(p["name"], p["revenue_pct"],
                 (_pct(p["revenue_pct"]) + " · " if p["revenue_target"] is not None else "")
                 + money_short(p["revenue"])) for p in people[:8]]
        if with_target:
            self._progress_chart(tile, rows, [f.get("elapsed", 0.0)] * len(rows))
        else:
            for p in people[:6]:
                tile.add_row(f"{p['name']} · {money_short(p['revenue'])}")

    def _fill_coverage(self, tile: Tile, f: dict) -> None:
        if f["month"]["target"] is None and f["quarter"]["target"] is None:
            tile.add_figure(money_short(f["month"]["weighted_open"]),
                            self.tr("weighted, closing this month"), BLUE)
            tile.add_figure(money_short(f["quarter"]["weighted_open"]),
                            self.tr("this quarter"), BLUE)
            tile.set_note(self.tr("Coverage compares the weighted open pipeline with what is "
                                  "left of the revenue targets: set targets with Sales "
                                  "targets…"))
            return
        for key, caption in (("month", self.tr("this month")),
                             ("quarter", self.tr("this quarter"))):
            c = f[key]
            cov = c["coverage"]
            if c["target"] is None:
                value = "–"
            elif not c["remaining"]:
                value = self.tr("reached")
            else:
                value = f"{cov:.1f}×"
            color = GREY if cov is None else GREEN if cov >= 3 else AMBER if cov >= 1.5 else RED
            tile.add_figure(value, caption, color)
        q = f["quarter"]
        lines = [self.tr("Weighted open pipeline: %1").replace("%1", money(q["weighted_open"]))]
        if q["remaining"] is not None:
            lines.append(self.tr("Still to reach the quarter's target: %1").replace(
                "%1", money(q["remaining"])))
        else:
            lines.append(self.tr("No revenue target for the quarter."))
        lines.append(self.tr("Coverage of 3× or more is healthy."))
        tile.set_note("\n".join(lines))

    def _fill_revenue(self, tile: Tile, f: dict) -> None:
        this, last, year = f["this"], f["last"], f["last_year"]

        def change(base: float) -> tuple[str, str]:
            if not base:
                return "–", GREY
            r = this / base - 1
            return fmt.percent(r, signed=True), GREEN if r >= 0 else RED

        tile.add_figure(money_short(this), self.tr("this month so far"))
        text, color = change(last)
        tile.add_figure(text, self.tr("vs last month (%1)").replace("%1", money_short(last)),
                        color)
        text, color = change(year)
        tile.add_figure(text, self.tr("vs a year ago (%1)").replace("%1", money_short(year)),
                        color)
        if f.get("team"):
            tile.subtitle.setText(f["team"])
        fig = tile.figure(1.4)
        tile.chart.setMaximumHeight(260)
        ax = fig.subplots()
        months = [dt.date.fromisoformat(m) for m in f["months"]][::-1]
        amounts = [float(a) for a in f["amounts"]][::-1]
        colors = ["#93c5fd"] * (len(months) - 1) + [BLUE]
        ax.bar(range(len(months)), amounts, color=colors)
        ax.set_xticks(range(len(months)), [f"{m.month}" for m in months], fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.money_short(v)))
        if not any(amounts):  # no revenue yet: one ¥0 tick, not five made from rounding
            ax.set_ylim(0, 1)
            ax.set_yticks([0])
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        tile.chart.draw_idle()

    def _ticket_rows(self, tile: Tile, items: list[dict]) -> None:
        now = self.now()
        for t in items:
            due = _local(t["due"])
            late = due is not None and due < now and not t["paused"]
            when = "" if due is None else (self.tr("paused") if t["paused"] else
                                          self.tr("due %1").replace("%1", _when(t["due"], now)))
            text = " · ".join(x for x in (t["number"], label(PRIORITIES, t["priority"]),
                                          t["customer"], t["subject"], when) if x)
            tile.add_row(text, ("ticket", t["id"]), RED if late else None)

    def _fill_breaching(self, tile: Tile, f: dict) -> None:
        tile.add_figure(str(f["breached"]), self.tr("breached"), RED if f["breached"] else GREY)
        tile.add_figure(str(f["due_soon"]), self.tr("due soon"),
                        AMBER if f["due_soon"] else GREY)
        self._ticket_rows(tile, f["items"])
        if not f["items"]:
            tile.set_note(self.tr("No open ticket has missed its deadline."))

    def _fill_tier_migration(self, tile: Tile, f: dict) -> None:
        tile.subtitle.setText(f"{_period(f['from'])} → {_period(f['to'])}")
        tile.add_figure(f"↑ {f['up']}", self.tr("moved up"), GREEN)
        tile.add_figure(f"↓ {f['down']}", self.tr("moved down"), RED if f["down"] else GREY)
        for m in f["moves"]:
            up = TIER_RANK.get(m["to"], 0) > TIER_RANK.get(m["from"], 0)
            tile.add_row(f"{label(TIERS, m['from'])} → {label(TIERS, m['to'])}: {m['count']}",
                         None, GREEN if up else RED)
        if not f["moves"]:
            tile.set_note(self.tr("No customer changed tier."))

    def _fill_my_tickets(self, tile: Tile, f: dict) -> None:
        tile.add_figure(str(f["count"]), self.tr("open"))
        self._ticket_rows(tile, f["items"])
        if not f["items"]:
            tile.set_note(self.tr("No open ticket is assigned to you."))

    def _fill_sla(self, tile: Tile, f: dict) -> None:
        tile.add_figure(str(f["mine_breached"]), self.tr("mine breached"),
                        RED if f["mine_breached"] else GREY)
        tile.add_figure(str(f["mine_due_soon"]), self.tr("mine due soon"),
                        AMBER if f["mine_due_soon"] else GREY)
        tile.add_figure(str(f["unassigned"]), self.tr("unassigned"),
                        AMBER if f["unassigned"] else GREY)
        tile.set_note(self.tr("Whole team: %1 breached, %2 due soon").replace(
            "%1", str(f["breached"])).replace("%2", str(f["due_soon"])))

    def _fill_satisfaction(self, tile: Tile, f: dict) -> None:
        def stars(avg):
            return "–" if avg is None else f"{avg:.1f} ★"

        def color(avg):
            return GREY if avg is None else GREEN if avg >= 4 else AMBER if avg >= 3 else RED

        tile.add_figure(stars(f["mine_avg"]), self.tr("mine (%n rating(s))", "",
                                                       f["mine_count"]), color(f["mine_avg"]))
        tile.add_figure(stars(f["avg"]), self.tr("team (%n rating(s))", "", f["count"]),
                        color(f["avg"]))
        tile.set_note(self.tr("Resolved this month: %1 by you, %2 in all. Resolved in time: "
                              "%3.").replace("%1", str(f["mine_resolved"]))
                      .replace("%2", str(f["resolved"]))
                      .replace("%3", _pct(f["resolve_compliance"])))

