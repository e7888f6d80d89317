"""The Pipeline section: the kanban board of opportunities, its filters, and the funnel figures.

The board loads in a worker thread (at the demo's scale it is 100,000 cards; the issue's 5,000
load in a fraction of a second) and a drop is saved with one service call and shown by moving
the card locally, without reloading the board. The funnel figures (window functions over the
whole stage history) are computed in a worker too, a moment after the last change.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from decimal import Decimal
from typing import Any

from matplotlib.ticker import FuncFormatter
from PySide6.QtCore import QCoreApplication, QThreadPool, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QMenu, QMessageBox, QPushButton, QSplitter,
    QTabWidget, QToolButton, QVBoxLayout, QWidget,
)

from desktop_crm.services.container import Services
from desktop_crm.services.errors import ChangeSet, ConflictError, ServiceError, ValidationError
from desktop_crm.services.pipeline import BoardFilter, Card, Column, Funnel, StageInfo

from . import fmt, labels
from .charts import ChartView
from .kanban import STAGE_COLOURS, OTHER_STAGE, KanbanBoard
from .opportunity_dialog import (
    LostDialog, OpportunityDialog, WonDialog, default_lost_reasons, parse_amount,
)
from .workers import Worker, guarded
from . import ui_state

MANAGER_ROLES = ("admin", "manager")
PERIODS = ("any", "overdue", "this_month", "next_month", "this_quarter", "next_90")
SORTS = ("board", "score", "amount", "close", "days")


def automation_texts() -> dict[str, str]:
    """What the pipeline automation writes, in the UI language ({title}, {customer}, {days})."""
    return {
        "ticket_subject": QCoreApplication.translate(
            "PipelineSection", "Onboarding: {customer} ({title})"),
        "followup_subject": QCoreApplication.translate(
            "PipelineSection", "First follow-up after winning {title}"),
        "stale_subject": QCoreApplication.translate(
            "PipelineSection", "Move {title} on: no change for {days} days")}


def close_period(code: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The expected-close range a period filter stands for."""
    month = today.replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    if code == "overdue":
        return None, today - dt.timedelta(days=1)
    if code == "this_month":
        return month, next_month - dt.timedelta(days=1)
    if code == "next_month":
        return next_month, (next_month + dt.timedelta(days=32)).replace(day=1) \
            - dt.timedelta(days=1)
    if code == "this_quarter":
        q0 = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        q1 = (q0 + dt.timedelta(days=95)).replace(day=1)
        return q0, q1 - dt.timedelta(days=1)
    if code == "next_90":
        return today, today + dt.timedelta(days=90)
    return None, None


class PipelineSection(QWidget):
    """Signals:
        data_changed(object): a ChangeSet after a move, an edit or a new deal
        status_message(str): a line for the status bar
        board_loaded(): the board shows the current filter's cards
        funnel_loaded(): the funnel figures are drawn
    """

    data_changed = Signal(object)
    status_message = Signal(str)
    board_loaded = Signal()
    funnel_loaded = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.manager = services.user.role in MANAGER_ROLES
        self._generation = 0
        self._funnel_generation = 0
        self._workers: set[Worker] = set()
        self.funnel: Funnel | None = None
        self._loaded: list[Column] = []

        # -- filters
        self.new_button = QPushButton(self.tr("New opportunity"))
        self.new_button.clicked.connect(lambda: self.new_opportunity())
        self.owner = QComboBox()
        self.owner.addItem(self.tr("Everyone"), "")
        team = services.user.team
        if team:
            self.owner.addItem(self.tr("My team (%1)").replace("%1", team), f"team:{team}")
        for u in services.users.list():
            self.owner.addItem(u.display_name, str(u.id))
        # a salesperson sees their own deals first, a manager their team's
        default = (f"team:{team}" if team else "") if self.manager else str(services.user.id)
        self.owner.setCurrentIndex(max(0, self.owner.findData(default)))
        self.period = QComboBox()
        for code, text in zip(PERIODS, (
                self.tr("Any close date"), self.tr("Overdue"), self.tr("Closing this month"),
                self.tr("Closing next month"), self.tr("Closing this quarter"),
                self.tr("Closing in 90 days"))):
            self.period.addItem(text, code)
        self.tier = QComboBox()
        self.tier.addItem(self.tr("All tiers"), "")
        for code in ("strategic", "growth", "basic", "dormant"):
            self.tier.addItem(labels.label(labels.TIERS, code), code)
        self.amount_min = QLineEdit()
        self.amount_min.setPlaceholderText(self.tr("Min ¥"))
        self.amount_max = QLineEdit()
        self.amount_max.setPlaceholderText(self.tr("Max ¥"))
        for w in (self.amount_min, self.amount_max):
            w.setMaximumWidth(100)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search deals and customers"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        self.sort = QComboBox()
        for code, text in zip(SORTS, (self.tr("Board order"), self.tr("Lead score"),
                                      self.tr("Amount"), self.tr("Close date"),
                                      self.tr("Days in stage"))):
            self.sort.addItem(text, code)
        self.settings_button = QToolButton()
        self.settings_button.setText(self.tr("Pipeline settings"))
        self.settings_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.settings_button.setStyleSheet("QToolButton { padding: 3px 18px 3px 8px; }")
        menu = QMenu(self.settings_button)
        menu.addAction(self.tr("Stages…"), self.edit_stages)
        menu.addAction(self.tr("Lost reasons…"), self.edit_lost_reasons)
        menu.addAction(self.tr("Automation…"), self.edit_automation)
        if getattr(services, "leads", None) is not None:
            menu.addAction(self.tr("Lead scoring…"), self.edit_lead_rules)
        self.settings_button.setMenu(menu)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(250)
        self._filter_timer.timeout.connect(self.load)
        for combo in (self.owner, self.period, self.tier):
            combo.currentIndexChanged.connect(self.load)
        for edit in (self.amount_min, self.amount_max, self.search):
            edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.sort.currentIndexChanged.connect(self._show_sorted)

        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addSpacing(12)
        for w in (self.owner, self.period, self.tier, self.amount_min, QLabel("–"),
                  self.amount_max, self.search):
            top.addWidget(w)
        top.addWidget(QLabel(self.tr("Sort")))
        top.addWidget(self.sort)
        top.addStretch(1)
        top.addWidget(self.settings_button)

        # -- the board
        self.board = KanbanBoard()
        self.board.card_dropped.connect(self.drop)
        self.board.card_activated.connect(self.open_card)
        self.board.new_requested.connect(lambda stage: self.new_opportunity(stage.id))
        if getattr(services, "leads", None) is not None:
            self.board.explain_score = self.explain_score
        self.summary = QLabel()
        self.summary.setObjectName("pipelineSummary")

        # -- funnel analytics
        self.funnel_period = QComboBox()
        for days, text in ((30, self.tr("Last 30 days")), (90, self.tr("Last 90 days")),
                           (180, self.tr("Last 6 months")), (365, self.tr("Last 12 months"))):
            self.funnel_period.addItem(text, days)
        self.funnel_period.setCurrentIndex(1)
        self.funnel_period.currentIndexChanged.connect(self.load_funnel)
        self.owner.currentIndexChanged.connect(lambda _i: self.load_funnel())
        self.kpis = QLabel()
        self.kpis.setObjectName("pipelineKpis")
        self.kpis.setWordWrap(True)
        self.funnel_chart = ChartView(name="sales-funnel")
        self.conversion_chart = ChartView(name="stage-conversion")
        self.forecast_chart = ChartView(name="forecast")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.funnel_chart, self.tr("Funnel"))
        self.tabs.addTab(self.conversion_chart, self.tr("Conversion and days in stage"))
        self.tabs.addTab(self.forecast_chart, self.tr("Forecast"))
        self._drawn: set[int] = set()
        self.tabs.currentChanged.connect(self._draw_tab)
        analytics = QWidget()
        al = QVBoxLayout(analytics)
        al.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Stage changes in")))
        row.addWidget(self.funnel_period)
        row.addWidget(self.kpis, 1)
        al.addLayout(row)
        al.addWidget(self.tabs, 1)
        self._funnel_timer = QTimer(self)
        self._funnel_timer.setSingleShot(True)
        self._funnel_timer.setInterval(1500)
        self._funnel_timer.timeout.connect(self.load_funnel)

        board_box = QWidget()
        bl = QVBoxLayout(board_box)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.board, 1)
        bl.addWidget(self.summary)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(board_box)
        self.splitter.addWidget(analytics)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        ui_state.remember_splitter(self.splitter, "pipeline/splitter")
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.splitter, 1)

        self.stages: list[StageInfo] = services.pipeline.stages()
        self._first_load = True
        self.load()  # the funnel and the stuck-deal follow-ups wait for it: the board first

    def follow_up_stale(self) -> None:
        """Plan the follow-ups for deals stuck in a stage (at start-up; the service skips
        deals that already got one)."""
        pipeline = self.services.pipeline
        texts = automation_texts()
        worker = Worker(lambda: pipeline.follow_up_stale(texts))
        worker.signals.finished.connect(guarded(self, self._stale_planned))
        worker.signals.failed.connect(guarded(self, lambda exc: self.status_message.emit(
            self.tr("Could not plan follow-ups for stuck deals: %1").replace("%1", str(exc)))))
        self._start(worker)

    def _stale_planned(self, created: int) -> None:
        if created:
            self.status_message.emit(self.tr(
                "%n follow-up(s) planned for deals with no change for a long time", "",
                created))
            self.data_changed.emit(ChangeSet.of("activities"))

    # -- loading ----------------------------------------------------------------------------------

    def show_filtered(self, *, owner_id: uuid.UUID | None = None, team: str | None = None,
                      period: str = "") -> None:
        """Show the board for one owner (or a team, or everyone) and a close-date period
        ("this_month", "this_quarter", ...; "" any); the other filters are cleared (the Home
        section's tiles open the deals behind them this way)."""
        combos = (self.owner, self.period, self.tier)
        for w in combos + (self.amount_min, self.amount_max, self.search):
            w.blockSignals(True)
        owner = str(owner_id) if owner_id else (f"team:{team}" if team else "")
        index = self.owner.findData(owner)
        if index < 0 and team:  # a team the combo does not offer: everyone
            index = self.owner.findData("")
        self.owner.setCurrentIndex(max(0, index))
        self.period.setCurrentIndex(max(0, self.period.findData(period)))
        self.tier.setCurrentIndex(0)
        for edit in (self.amount_min, self.amount_max, self.search):
            edit.clear()
        for w in combos + (self.amount_min, self.amount_max, self.search):
            w.blockSignals(False)
        self.load()

    def current_filter(self) -> BoardFilter:
        owner = self.owner.currentData() or ""
        team = owner[5:] if owner.startswith("team:") else None
        if team:
            owner = ""
        start, end = close_period(self.period.currentData(), dt.date.today())
        low, high = parse_amount(self.amount_min.text()), parse_amount(self.amount_max.text())
        for edit, value in ((self.amount_min, low), (self.amount_max, high)):
            edit.setStyleSheet("" if value is not None else "border: 1px solid #c62828;")
        return BoardFilter(
            owner_id=uuid.UUID(owner) if owner else None, team=team, close_from=start,
            close_to=end,
            tier=self.tier.currentData() or None,
            amount_min=low if low is not None and self.amount_min.text().strip() else None,
            amount_max=high if high is not None and self.amount_max.text().strip() else None,
            search=self.search.text().strip())

    def load(self) -> None:
        """Reload the board for the current filters (in a worker; the newest request wins)."""
        self._generation += 1
        generation = self._generation
        flt = self.current_filter()
        pipeline = self.services.pipeline
        leads = getattr(self.services, "leads", None)

        def work():
            columns = pipeline.board(flt)
            if leads is not None:
                open_ids = [c.id for col in columns for c in col.cards if c.status == "open"]
                scores = leads.scores(open_ids)
                columns = [Column(col.stage, [_with_score(c, scores.get(c.id))
                                              for c in col.cards]) for col in columns]
            return columns

        self.summary.setText(self.tr("Loading…"))
        worker = Worker(work)
        worker.signals.finished.connect(
            guarded(self, lambda cols: self._loaded_board(generation, cols)))
        worker.signals.failed.connect(guarded(self, lambda exc: self._failed(generation, exc)))
        self._start(worker)

    def _start(self, worker: Worker) -> None:
        self._workers.add(worker)
        worker.signals.finished.connect(lambda _r: self._workers.discard(worker))
        worker.signals.failed.connect(lambda _e: self._workers.discard(worker))
        QThreadPool.globalInstance().start(worker)

    def _loaded_board(self, generation: int, columns: list[Column]) -> None:
        if generation != self._generation:
            return
        self._loaded = columns
        self.stages = [c.stage for c in columns]
        self.board.show_score = getattr(self.services, "leads", None) is not None
        self._show_sorted()
        self.board_loaded.emit()
        if self._first_load:
            self._first_load = False
            self.load_funnel()
            self.follow_up_stale()

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self.summary.setText(self.tr("Could not load the board: %1").replace("%1", str(exc)))

    def _show_sorted(self) -> None:
        code = self.sort.currentData()
        columns = self._loaded
        if code != "board":
            key = {"score": lambda c: -(c.score or 0), "amount": lambda c: -c.amount,
                   "close": lambda c: (c.expected_close is None,
                                       c.expected_close or dt.date.max),
                   "days": lambda c: -c.days_in_stage}[code]
            columns = [Column(col.stage, sorted(col.cards, key=key)) for col in columns]
        self.board.set_columns(columns)
        self._update_summary()

    def _update_summary(self) -> None:
        board = self.board
        open_cols = [i for i, c in enumerate(self.stages) if not (c.is_won or c.is_lost)]
        count = sum(len(board.cards(i)) for i in open_cols)
        total = sum((board.column_sums(i)[0] for i in open_cols), Decimal("0"))
        weighted = sum((board.column_sums(i)[1] for i in open_cols), Decimal("0"))
        stale = sum(1 for i in open_cols for card in board.cards(i) if card.stale)
        self.summary.setText(
            self.tr("%1 open deals · %2 · weighted %3 · %4 with no change for a long time · "
                    "Won and Lost show the last 30 days. Drag a card to move it; double-click "
                    "to open it, or an empty place in a column for a new deal there.")
            .replace("%1", fmt.number(count)).replace("%2", labels.money(total))
            .replace("%3", labels.money(weighted)).replace("%4", fmt.number(stale)))

    def refresh(self, changes: ChangeSet | None = None) -> None:
        """Another section changed data: reload when it concerns deals or customers."""
        if changes is None or changes.kinds & {"opportunities", "customers", "stages"}:
            self.load()
            self._funnel_timer.start()

    # -- moving cards -------------------------------------------------------------------------

    def drop(self, card: Card, stage: StageInfo, after: Card | None) -> Card | None:
        """Save a drop: ask for the Won or Lost details first, then move, then show it."""
        extra: dict[str, Any] = {}
        if stage.id != card.stage_id and stage.is_won:
            dlg = WonDialog(card, self)
            if dlg.exec() != WonDialog.DialogCode.Accepted:
                return None
            extra = {"final_amount": dlg.final_amount, "close_date": dlg.date}
        elif stage.id != card.stage_id and stage.is_lost:
            dlg = LostDialog(card, self.lost_reasons(), self)
            if dlg.exec() != LostDialog.DialogCode.Accepted:
                return None
            extra = {"lost_reason": dlg.chosen, "note": dlg.comment.toPlainText()}
        after_id = after.id if after is not None else None
        try:
            saved = self.services.pipeline.move(
                card.id, stage.id, expected_version=card.version, after_id=after_id,
                texts=automation_texts(), **extra)
        except ConflictError:
            QMessageBox.warning(self, self.tr("Not moved"), self.tr(
                "“%1” was changed by someone else since the board was loaded; nothing was "
                "saved. The board is reloaded: try again.").replace("%1", card.title))
            self.load()
            return None
        except ServiceError as err:
            QMessageBox.warning(self, self.tr("Not moved"), _error_text(err))
            return None
        saved = _with_score(saved, card.score)
        self.board.apply_move(saved, after_id)
        self._loaded = self.board.columns()
        self._update_summary()
        kinds = {"opportunities"}
        if stage.id != card.stage_id:
            name = labels.stage_name(stage)
            self.status_message.emit(self.tr("“%1” moved to %2").replace("%1", card.title)
                                     .replace("%2", name))
            if stage.is_won:
                kinds |= {"tickets", "activities"}
            self._funnel_timer.start()
        self.data_changed.emit(ChangeSet(frozenset(kinds)))
        return saved

    def explain_score(self, card: Card) -> list[str]:
        """Which rule gave how many points, one line each (the card's tooltip)."""
        try:
            parts = self.services.leads.explain(card.id).parts
        except ServiceError:
            return []
        unknown = self.tr("unknown")
        texts = {
            "source": lambda p: self.tr("Source %1").replace("%1", p.value or unknown),
            "industry": lambda p: self.tr("Industry %1").replace("%1", p.value or unknown),
            "size": lambda p: self.tr("%1 employees").replace("%1", p.value or unknown),
            "interactions": lambda p: self.tr("%1 interactions lately")
            .replace("%1", p.value or "0"),
        }
        return [f"{texts[p.rule](p)}: {p.points:+d}" for p in parts if p.rule in texts]

    def lost_reasons(self) -> list[str]:
        reasons, _v = self.services.pipeline.lost_reasons()
        return reasons or default_lost_reasons()

    # -- the form ---------------------------------------------------------------------------------

    def _owners(self) -> list[tuple[str, uuid.UUID]]:
        return [(u.display_name, u.id) for u in self.services.users.list()]

    def new_opportunity(self, stage_id: uuid.UUID | None = None) -> OpportunityDialog:
        dlg = OpportunityDialog(self.services, stage_id=stage_id, owners=self._owners(),
                                parent=self)
        dlg.saved.connect(self._saved)
        dlg.open()
        return dlg

    def open_card(self, card: Card) -> OpportunityDialog | None:
        try:
            detail = self.services.pipeline.get(card.id)
        except ServiceError as err:
            QMessageBox.warning(self, self.tr("Opportunity"), _error_text(err))
            self.load()
            return None
        dlg = OpportunityDialog(self.services, detail=detail, owners=self._owners(),
                                parent=self)
        dlg.saved.connect(self._saved)
        dlg.deleted.connect(self._deleted)
        dlg.open()
        return dlg

    def _saved(self, card: Card) -> None:
        self.status_message.emit(self.tr("Opportunity “%1” saved").replace("%1", card.title))
        self.data_changed.emit(ChangeSet.of("opportunities", "activities"))
        self.load()
        self._funnel_timer.start()

    def _deleted(self, card_id: uuid.UUID) -> None:
        self.board.remove_card(card_id)
        self._loaded = self.board.columns()
        self._update_summary()
        self.data_changed.emit(ChangeSet.of("opportunities"))
        self._funnel_timer.start()

    # -- settings -------------------------------------------------------------------------------

    def edit_stages(self):
        from .pipeline_settings import StagesDialog
        dlg = StagesDialog(self.services, self)
        dlg.accepted.connect(self._stages_changed)
        dlg.open()
        return dlg

    def _stages_changed(self) -> None:
        self.data_changed.emit(ChangeSet.of("stages"))
        self.load()
        self.load_funnel()

    def edit_lost_reasons(self):
        from .pipeline_settings import LostReasonsDialog
        dlg = LostReasonsDialog(self.services, self)
        dlg.open()
        return dlg

    def edit_automation(self):
        from .pipeline_settings import AutomationDialog
        dlg = AutomationDialog(self.services, self)
        dlg.accepted.connect(self.load)
        dlg.open()
        return dlg

    def edit_lead_rules(self):
        from .lead_rules_dialog import LeadRulesDialog
        dlg = LeadRulesDialog(self.services, self)
        dlg.accepted.connect(self.load)  # new scores on the cards
        dlg.open()
        return dlg

    # -- funnel analytics ---------------------------------------------------------------------

    def load_funnel(self) -> None:
        self._funnel_generation += 1
        generation = self._funnel_generation
        days = self.funnel_period.currentData()
        owner = self.owner.currentData() or ""
        team = owner[5:] if owner.startswith("team:") else None
        if team:
            owner = ""
        end = dt.datetime.now(dt.timezone.utc)
        pipeline = self.services.pipeline
        worker = Worker(lambda: pipeline.funnel(end - dt.timedelta(days=days), end,
                                                owner_id=uuid.UUID(owner) if owner else None,
                                                team=team))
        worker.signals.finished.connect(
            guarded(self, lambda f: self._draw_funnel(generation, f)))
        worker.signals.failed.connect(guarded(
            self, lambda exc: self.kpis.setText(self.tr("Could not compute the funnel: %1")
                                                .replace("%1", str(exc)))))
        self.kpis.setText(self.tr("Computing…"))
        self._start(worker)

    def _draw_funnel(self, generation: int, funnel: Funnel) -> None:
        if generation != self._funnel_generation:
            return
        self.funnel = funnel
        rate = fmt.percent(funnel.win_rate, dash="–")
        cycle = (self.tr("%n day(s)", "", round(funnel.avg_cycle_days))
                 if funnel.avg_cycle_days is not None else "–")
        self.kpis.setText(
            self.tr("Win rate %1 · won %2 deals for %3 · lost %4 · average sales cycle %5")
            .replace("%1", rate).replace("%2", fmt.number(funnel.won))
            .replace("%3", labels.money(funnel.won_amount)).replace("%4", fmt.number(funnel.lost))
            .replace("%5", cycle))
        self._drawn: set[int] = set()
        self._draw_tab(self.tabs.currentIndex())
        self.funnel_loaded.emit()

    def _draw_tab(self, index: int) -> None:
        """Draw a chart when its tab is shown (a hidden chart is drawn when it is chosen)."""
        if self.funnel is None or index in self._drawn or index < 0:
            return
        self._drawn.add(index)
        (self._draw_funnel_chart, self._draw_conversion_chart,
         self._draw_forecast_chart)[index](self.funnel)

    def _colours(self, figures) -> list[str]:
        return [STAGE_COLOURS.get(f.stage.code, OTHER_STAGE) for f in figures]

    def _draw_funnel_chart(self, funnel: Funnel) -> None:
        fig = self.funnel_chart.figure
        fig.clear()
        ax1, ax2 = fig.subplots(1, 2)
        figures = [f for f in funnel.stages if not f.stage.is_lost]
        names = [labels.stage_name(f.stage) for f in figures]
        entered = [f.entered for f in figures]
        widest = max(entered + [1])
        ys = list(range(len(figures)))[::-1]
        # a funnel: centred bars, widest on top
        ax1.barh(ys, entered, left=[(widest - n) / 2 for n in entered],
                 color=self._colours(figures), height=0.8)
        for y, n in zip(ys, entered):
            ax1.text(widest / 2, y, fmt.number(n), ha="center", va="center", fontsize=9,
                     color="black")
        ax1.set_yticks(ys, names)
        ax1.set_xticks([])
        for side in ("top", "right", "bottom"):
            ax1.spines[side].set_visible(False)
        ax1.set_title(self.tr("Deals entering each stage"))
        open_figs = [f for f in funnel.stages if not (f.stage.is_won or f.stage.is_lost)]
        amounts = [float(f.open_amount) for f in open_figs]
        ys2 = list(range(len(open_figs)))[::-1]
        ax2.barh(ys2, amounts, color=self._colours(open_figs))
        for y, f, a in zip(ys2, open_figs, amounts):
            ax2.text(a, y, " " + fmt.number(f.open_count), va="center", fontsize=9)
        ax2.set_yticks(ys2, [labels.stage_name(f.stage) for f in open_figs])
        ax2.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.money_short(v)))
        ax2.set_title(self.tr("Open amount by stage (number of deals)"))
        ax2.margins(x=0.2)
        self.funnel_chart.draw()

    def _draw_conversion_chart(self, funnel: Funnel) -> None:
        fig = self.conversion_chart.figure
        fig.clear()
        ax1, ax2 = fig.subplots(1, 2)
        steps = [f for f in funnel.stages if not (f.stage.is_won or f.stage.is_lost)]
        names = [labels.stage_name(f.stage) for f in steps]
        conv = [(f.conversion or 0) * 100 for f in steps]
        ax1.bar(names, conv, color=self._colours(steps))
        for i, (f, c) in enumerate(zip(steps, conv)):
            ax1.annotate(fmt.percent(f.conversion, dash="–"), (i, c),
                         ha="center", va="bottom", fontsize=9)
        ax1.set_ylim(0, 110)
        ax1.set_ylabel("%")
        ax1.set_title(self.tr("Reached a later stage"))
        days = [f.avg_days or 0 for f in steps]
        ax2.bar(names, days, color=self._colours(steps))
        for i, (f, d) in enumerate(zip(steps, days)):
            ax2.annotate(f"{d:.0f}" if f.avg_days is not None else "–", (i, d), ha="center",
                         va="bottom", fontsize=9)
        ax2.set_title(self.tr("Average days in stage"))
        ax2.margins(y=0.15)
        for ax in (ax1, ax2):
            ax.tick_params(axis="x", labelrotation=20)
        self.conversion_chart.draw()

    def _draw_forecast_chart(self, funnel: Funnel) -> None:
        fig = self.forecast_chart.figure
        fig.clear()
        ax = fig.subplots()
        months = list(funnel.forecast)[:12]
        values = [float(funnel.forecast[m]) for m in months]
        ax.bar(months, values, color="#2563eb")
        for i, v in enumerate(values):
            ax.annotate(fmt.money_short(v), (i, v), ha="center", va="bottom", fontsize=8)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.money_short(v)))
        ax.set_title(self.tr("Expected revenue by month of expected close (amount × "
                             "probability)"))
        ax.tick_params(axis="x", labelrotation=30)
        ax.margins(y=0.15)
        if not months:
            ax.text(0.5, 0.5, self.tr("No open deal has an expected close date."),
                    ha="center", va="center", transform=ax.transAxes)
        self.forecast_chart.draw()


def _with_score(card: Card, score: int | None) -> Card:
    return replace(card, score=score) if card.score != score else card


def _error_text(err: ServiceError) -> str:
    if isinstance(err, ValidationError):
        return "\n".join(labels.error_text(e) for e in err.errors)
    return str(err)
