"""The Tiers section: who carries the business, who is growing, who is slipping away.

Charts come from the last stored computation (``TierService.last_run``: a few kilobytes of
aggregates), so the section opens at once; Compute runs the whole computation in a worker
thread with a progress bar and Cancel. Clicking a bar, a heat-map cell, a point of the Pareto
curve or a migration cell lists those customers below, most valuable first; the list can
create win-back follow-ups for its customers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from matplotlib.ticker import FuncFormatter
from PySide6.QtCore import QDate, QDateTime, QThreadPool, QTime, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDateEdit, QHBoxLayout, QHeaderView, QLabel, QMessageBox,
    QProgressBar, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
    QVBoxLayout, QWidget,
)

from desktop_crm.services.container import Services
from desktop_crm.services.errors import Cancelled, ChangeSet, ServiceError
from desktop_crm.services.rfm import TIERS
from desktop_crm.services.tiers import RunInfo, Selection

from . import fmt
from .charts import ChartView
from .labels import SEGMENTS, TIERS as TIER_LABELS, label
from .workers import Worker
from . import ui_state

TIER_COLOURS = {"strategic": "#1565c0", "growth": "#2e7d32", "basic": "#9e9e9e",
                "dormant": "#c62828", "": "#e0e0e0"}
LIST_LIMIT = 500


def _money(v: float | None) -> str:
    return fmt.money(v, decimals=0)


class TiersSection(QWidget):
    """Signals:
        data_changed(object): follow-ups were created or tiers applied
    """

    data_changed = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.run: RunInfo | None = None
        self.selection: Selection | None = None
        self._worker: Worker | None = None
        self._workers: set[Worker] = set()
        self._heat_metric = "count"

        # -- top bar
        default = services.tiers.default_as_of()
        self.as_of = QDateEdit(QDate(default.year, default.month, default.day))
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.compute_button = QPushButton(self.tr("Compute"))
        self.compute_button.clicked.connect(self.compute)
        self.progress = QProgressBar()
        self.progress.setRange(0, 7)
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.apply_button = QPushButton(self.tr("Apply tiers to customers"))
        self.apply_button.clicked.connect(self.apply_tiers)
        self.rules_button = QPushButton(self.tr("Tier rules…"))
        self.rules_button.clicked.connect(self.edit_rules)
        self.info = QLabel()
        self.info.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("As of")))
        top.addWidget(self.as_of)
        top.addWidget(self.compute_button)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        top.addStretch(1)
        top.addWidget(self.rules_button)
        top.addWidget(self.apply_button)

        # -- charts
        self.tabs = QTabWidget()
        self.tier_chart = ChartView(name="tiers")
        self.pareto_chart = ChartView(name="pareto")
        self.heat_chart = ChartView(name="rfm-heatmap")
        self.migration_chart = ChartView(name="tier-migration")
        self.clv_chart = ChartView(name="clv-distribution")
        for chart in (self.tier_chart, self.pareto_chart, self.heat_chart,
                      self.migration_chart, self.clv_chart):
            chart.picked.connect(self.show_selection)
        self.tier_chart.on_pick = self._pick_tier
        self.pareto_chart.on_pick = self._pick_pareto
        self.heat_chart.on_pick = self._pick_heat
        self.migration_chart.on_pick = self._pick_migration
        self.clv_chart.on_pick = self._pick_clv

        heat_page = QWidget()
        self.heat_metric = QComboBox()
        self.heat_metric.addItem(self.tr("Colour by number of customers"), "count")
        self.heat_metric.addItem(self.tr("Colour by mean total purchases"), "mean_spend")
        self.heat_metric.currentIndexChanged.connect(self._heat_metric_changed)
        hl = QVBoxLayout(heat_page)
        hl.addWidget(self.heat_metric, 0, Qt.AlignmentFlag.AlignLeft)
        hl.addWidget(self.heat_chart, 1)

        mig_page = QWidget()
        self.month_from = QComboBox()
        self.month_to = QComboBox()
        show_mig = QPushButton(self.tr("Compare"))
        show_mig.clicked.connect(self.compare_months)
        ml = QVBoxLayout(mig_page)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("From")))
        row.addWidget(self.month_from)
        row.addWidget(QLabel(self.tr("to")))
        row.addWidget(self.month_to)
        row.addWidget(show_mig)
        row.addStretch(1)
        ml.addLayout(row)
        ml.addWidget(self.migration_chart, 1)

        risk_page = QWidget()
        self.risk_info = QLabel()
        self.risk_info.setWordWrap(True)
        show_risk = QPushButton(self.tr("List all at-risk customers"))
        show_risk.clicked.connect(lambda: self.show_selection(Selection(at_risk=True)))
        self.risk_chart = ChartView(name="churn-risk")
        self.risk_chart.picked.connect(self.show_selection)
        self.risk_chart.on_pick = self._pick_risk
        rl = QVBoxLayout(risk_page)
        row = QHBoxLayout()
        row.addWidget(self.risk_info, 1)
        row.addWidget(show_risk, 0, Qt.AlignmentFlag.AlignTop)
        rl.addLayout(row)
        rl.addWidget(self.risk_chart, 1)

        self.tabs.addTab(self.tier_chart, self.tr("Tiers"))
        self.tabs.addTab(self.pareto_chart, self.tr("Pareto"))
        self.tabs.addTab(heat_page, self.tr("RFM heat map"))
        self.tabs.addTab(mig_page, self.tr("Tier migration"))
        self.tabs.addTab(self.clv_chart, self.tr("Lifetime value"))
        self.tabs.addTab(risk_page, self.tr("At risk"))
        self.risk_tab = risk_page
        self.tabs.currentChanged.connect(self._tab_changed)

        # -- customers behind the clicked element
        self.list_title = QLabel(self.tr("Click a bar, a cell or a point to list its "
                                         "customers."))
        self.winback_button = QPushButton(self.tr("Create win-back follow-ups…"))
        self.winback_button.clicked.connect(self.create_winback)
        self.winback_button.setEnabled(False)
        self.table = QTableWidget(0, 12)
        self.table.setHorizontalHeaderLabels([
            self.tr("Code"), self.tr("Name"), self.tr("Owner"), self.tr("Tier now"),
            self.tr("Computed tier"), self.tr("Segment"), self.tr("R F M"), self.tr("Orders"),
            self.tr("Last 12 months"), self.tr("P(alive)"), self.tr("Predicted value"),
            self.tr("Why at risk")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.list_title, 1)
        head.addWidget(self.winback_button)
        bl.addLayout(head)
        bl.addWidget(self.table, 1)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tabs)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.info)
        lay.addWidget(split, 1)
        self.rows: list = []
        ui_state.remember_header(self.table.horizontalHeader(), "tiers/table")
        ui_state.remember_splitter(split, "tiers/splitter")
        self.load()

    # -- loading and drawing ------------------------------------------------------------------

    def load(self) -> None:
        """Draw the last stored computation (no recomputation)."""
        self.run = self.services.tiers.last_run()
        months = self.services.tiers.snapshot_months()
        for combo, pick in ((self.month_from, 1), (self.month_to, 0)):
            combo.clear()
            for m in months:
                combo.addItem(m, m)
            if len(months) > pick:
                combo.setCurrentIndex(pick)
        manager = self.services.user.role in ("admin", "manager")
        self.apply_button.setEnabled(self.run is not None and manager)
        self.rules_button.setEnabled(True)
        self._draw()

    def _draw(self) -> None:
        run = self.run
        if run is None:
            self.info.setText(self.tr("Not computed yet. Choose the date and press Compute: "
                                      "it scores every customer from the paid orders."))
            for chart in (self.tier_chart, self.pareto_chart, self.heat_chart,
                          self.migration_chart, self.clv_chart, self.risk_chart):
                chart.figure.clear()
                chart.draw()
            self.risk_info.setText("")
            return
        applied = (self.tr("applied %1").replace(
            "%1", fmt.datetime_long(run.applied_at))
            if run.applied_at else self.tr("not applied to customers yet"))
        fit = run.params.get("fit", {})
        bg = fit.get("bgnbd")
        model = (self.tr("BG/NBD r=%1 α=%2 a=%3 b=%4")
                 .replace("%1", f"{bg['r']:.3f}").replace("%2", f"{bg['alpha']:.2f}")
                 .replace("%3", f"{bg['a']:.3f}").replace("%4", f"{bg['b']:.3f}")
                 if bg else self.tr("no purchase model (too few repeat orders)"))
        self.info.setText(
            self.tr("As of %1 · computed %2 by %3 · %4 customers, %5 with paid orders · %6 · %7")
            .replace("%1", fmt.date_long(run.as_of))
            .replace("%2", fmt.datetime_long(run.computed_at))
            .replace("%3", run.computed_by or "-")
            .replace("%4", fmt.number(run.customers)).replace("%5", fmt.number(run.buyers))
            .replace("%6", applied).replace("%7", model))
        c = run.charts
        self._draw_tiers(c.get("tiers", {}))
        self._draw_pareto(c.get("pareto", {}))
        self._draw_heat(c.get("heatmap", {}))
        self._draw_migration(c.get("migration") or {})
        self._draw_clv(c.get("clv", {}))
        risk = c.get("at_risk", {})
        settings = run.params.get("settings", {})
        self.risk_info.setText(
            self.tr("%1 customers are at risk of churning; they bought %2 in the last 12 "
                    "months. A customer is at risk when P(alive) is below %3, or when the days "
                    "since the last order exceed %4 times the customer's usual interval "
                    "between purchases.")
            .replace("%1", fmt.number(risk.get('count', 0)))
            .replace("%2", _money(risk.get("revenue", 0.0)))
            .replace("%3", fmt.percent(settings.get('churn_p_alive', 0.5)))
            .replace("%4", f"{settings.get('churn_interval_factor', 3.0):g}"))
        self._draw_risk(risk.get("by_tier") or {})

    def _draw_tiers(self, tiers: dict[str, Any]) -> None:
        fig = self.tier_chart.figure
        fig.clear()
        ax1, ax2 = fig.subplots(1, 2)
        names = [label(TIER_LABELS, t) for t in TIERS]
        colours = [TIER_COLOURS[t] for t in TIERS]
        counts = [tiers.get(t, {}).get("count", 0) for t in TIERS]
        revenue = [float(tiers.get(t, {}).get("revenue", 0.0)) for t in TIERS]
        ax1.bar(names, counts, color=colours)
        ax1.set_title(self.tr("Customers per tier"))
        ax2.bar(names, revenue, color=colours)
        ax2.set_title(self.tr("Purchases in the last 12 months"))
        ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.money_short(v)))
        for ax, values in ((ax1, counts), (ax2, revenue)):
            total = sum(values) or 1
            for i, v in enumerate(values):
                ax.annotate(fmt.percent(v / total), (i, v), ha="center", va="bottom", fontsize=9)
            ax.margins(y=0.15)
        self.tier_chart.hint.setText(self.tr("Click a bar to list the tier's customers."))
        self.tier_chart.draw()

    def _draw_pareto(self, p: dict[str, Any]) -> None:
        fig = self.pareto_chart.figure
        fig.clear()
        ax = fig.subplots()
        xs, ys = p.get("x", []), p.get("y", [])
        if xs:
            ax.plot([x * 100 for x in xs], [y * 100 for y in ys], color="#1565c0")
            ax.plot([0, 100], [0, 100], color="#bdbdbd", linestyle="--", linewidth=1)
            top20 = p.get("top20", 0.0)
            ax.axvline(20, color="#c62828", linewidth=1)
            ax.annotate(self.tr("top 20% of customers: %1 of revenue")
                        .replace("%1", fmt.percent(top20)), (21, top20 * 100 - 8), fontsize=9)
        ax.set_xlabel(self.tr("Share of customers, largest buyers first (%)"))
        ax.set_ylabel(self.tr("Share of total purchases (%)"))
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 101)
        ax.grid(True, alpha=0.3)
        ax.set_title(self.tr("Pareto curve of %1 buyers").replace(
            "%1", fmt.number(p.get('buyers', 0))))
        self.pareto_chart.hint.setText(self.tr("Click the curve to list the top customers up "
                                               "to that share."))
        self.pareto_chart.draw()

    def _draw_heat(self, h: dict[str, Any]) -> None:
        fig = self.heat_chart.figure
        fig.clear()
        ax = fig.subplots()
        key = self._heat_metric
        grid = np.array([[np.nan if v is None else v for v in row]
                         for row in h.get(key, [[0] * 5] * 5)], dtype=float)
        im = ax.imshow(grid, origin="lower", cmap="YlOrRd", aspect="auto",
                       extent=(0.5, 5.5, 0.5, 5.5))
        for r in range(5):
            for f in range(5):
                v = grid[r, f]
                txt = "" if np.isnan(v) else (fmt.number(int(v)) if key == "count"
                                              else fmt.money_short(v))
                dark = not np.isnan(v) and v > np.nanmin(grid) + 0.6 * (np.nanmax(grid)
                                                                     - np.nanmin(grid))
                ax.text(f + 1, r + 1, txt, ha="center", va="center", fontsize=9,
                        color="white" if dark else "black")
        ax.set_xticks(range(1, 6))
        ax.set_yticks(range(1, 6))
        ax.set_xlabel(self.tr("Frequency score F (5 = most orders)"))
        ax.set_ylabel(self.tr("Recency score R (5 = bought most recently)"))
        ax.set_title(self.tr("Customers by recency and frequency") if key == "count"
                     else self.tr("Mean total purchases by recency and frequency"))
        fig.colorbar(im, ax=ax)
        self.heat_chart.hint.setText(self.tr("Click a cell to list its customers."))
        self.heat_chart.draw()

    def _draw_migration(self, mig: dict[str, Any]) -> None:
        fig = self.migration_chart.figure
        fig.clear()
        ax = fig.subplots()
        self._migration = mig
        cells = mig.get("cells", [])
        if not cells:
            ax.text(0.5, 0.5, self.tr("Tier migration needs tiers applied in two different "
                                      "months."), ha="center", va="center",
                    transform=ax.transAxes, wrap=True)
            ax.set_axis_off()
            self.migration_chart.draw()
            return
        order = list(TIERS) + [""]
        grid = np.zeros((len(order), len(order)))
        for a, b, n in cells:
            if a in order and b in order:
                grid[order.index(a), order.index(b)] += n
        ax.imshow(grid, cmap="Blues", aspect="auto")
        for i in range(len(order)):
            for j in range(len(order)):
                if grid[i, j]:
                    ax.text(j, i, fmt.number(int(grid[i, j])), ha="center", va="center", fontsize=8,
                            color="white" if grid[i, j] > grid.max() / 2 else "black")
        names = [label(TIER_LABELS, t) if t else self.tr("(none)") for t in order]
        ax.set_xticks(range(len(order)), names)
        ax.set_yticks(range(len(order)), names)
        ax.set_xlabel(mig.get("to", ""))
        ax.set_ylabel(mig.get("from", ""))
        ax.set_title(self.tr("Tier migration: %1 → %2").replace("%1", mig.get("from", ""))
                     .replace("%2", mig.get("to", "")))
        self.migration_chart.hint.setText(self.tr("Rows: tier before; columns: tier after. "
                                                  "Click a cell to list its customers."))
        self.migration_chart.draw()

    def _draw_clv(self, c: dict[str, Any]) -> None:
        fig = self.clv_chart.figure
        fig.clear()
        ax = fig.subplots()
        edges, counts = c.get("edges", []), c.get("counts", [])
        if counts:
            lefts = np.array(edges[:-1], dtype=float)
            rights = np.array(edges[1:], dtype=float)
            # the first bin holds values below 1 CNY (mostly 0): drawn from 0.5 to 1 on the
            # log axis, grey, so it does not hide the bin it would overlap
            lefts[lefts < 1.0] = 0.5
            colours = ["#9e9e9e" if e < 1.0 else "#2e7d32" for e in edges[:-1]]
            ax.bar(lefts, counts, width=rights - lefts, align="edge", color=colours,
                   edgecolor="white", linewidth=0.3)
            ax.set_xscale("log")
            if c.get("median"):
                ax.axvline(c["median"], color="#c62828", linewidth=1)
        ax.set_xlabel(self.tr("Predicted lifetime value, next 12 months (CNY, log scale)"))
        ax.set_ylabel(self.tr("Customers"))
        ax.set_title(self.tr("Distribution of predicted lifetime value (median %1)")
                     .replace("%1", _money(c.get("median"))))
        self.clv_chart.hint.setText(self.tr("Click a bar to list its customers."))
        self.clv_chart.draw()

    def _draw_risk(self, by_tier: dict[str, Any]) -> None:
        fig = self.risk_chart.figure
        fig.clear()
        ax = fig.subplots()
        names = [label(TIER_LABELS, t) for t in TIERS]
        y = np.arange(len(TIERS))
        left = np.zeros(len(TIERS))
        parts = (("p_alive", self.tr("P(alive) below the threshold"), "#ef9a9a"),
                 ("overdue", self.tr("Overdue against the usual interval"), "#ffcc80"),
                 ("both", self.tr("Both"), "#c62828"))
        for key, text, colour in parts:
            values = np.array([by_tier.get(t, {}).get(key, 0) for t in TIERS], dtype=float)
            ax.barh(y, values, left=left, color=colour, label=text)
            left += values
        for i, t in enumerate(TIERS):
            revenue = by_tier.get(t, {}).get("revenue", 0.0)
            if left[i]:
                ax.annotate(self.tr("%1 customers, %2 bought in 12 months")
                            .replace("%1", fmt.number(int(left[i]))).replace("%2", _money(revenue)),
                            (left[i], i), xytext=(4, 0), textcoords="offset points",
                            va="center", fontsize=9)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.margins(x=0.35)
        ax.set_xlabel(self.tr("At-risk customers"))
        ax.set_title(self.tr("At-risk customers by tier and reason"))
        ax.legend(loc="upper right")
        self.risk_chart.hint.setText(self.tr("Click a bar to list the tier's at-risk "
                                             "customers."))
        self.risk_chart.draw()

    def _pick_risk(self, event) -> Selection | None:
        i = int(round(event.ydata))
        return Selection(tier=TIERS[i], at_risk=True) if 0 <= i < len(TIERS) else None

    def _heat_metric_changed(self) -> None:
        self._heat_metric = self.heat_metric.currentData()
        if self.run is not None:
            self._draw_heat(self.run.charts.get("heatmap", {}))

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.risk_tab and self.run is not None:
            self.show_selection(Selection(at_risk=True))

    # -- picking --------------------------------------------------------------------------------

    def _pick_tier(self, event) -> Selection | None:
        i = int(round(event.xdata))
        return Selection(tier=TIERS[i]) if 0 <= i < len(TIERS) else None

    def _pick_heat(self, event) -> Selection | None:
        f, r = int(round(event.xdata)), int(round(event.ydata))
        return Selection(r=r, f=f) if 1 <= r <= 5 and 1 <= f <= 5 else None

    def _pick_pareto(self, event) -> Selection | None:
        share = min(max(event.xdata / 100.0, 0.001), 1.0)
        return Selection(top_share=round(share, 3))

    def _pick_clv(self, event) -> Selection | None:
        edges = (self.run.charts.get("clv", {}) if self.run else {}).get("edges", [])
        x = event.xdata
        for lo, hi in zip(edges[:-1], edges[1:]):
            if max(lo, 1.0) <= x < hi or (lo == 0.0 and x < hi):
                return Selection(clv_min=lo, clv_max=hi)
        return None

    def _pick_migration(self, event) -> Selection | None:
        mig = getattr(self, "_migration", {})
        if not mig.get("cells"):
            return None
        order = list(TIERS) + [""]
        j, i = int(round(event.xdata)), int(round(event.ydata))
        if 0 <= i < len(order) and 0 <= j < len(order):
            return Selection(migration=(mig["from"], order[i], mig["to"], order[j]))
        return None

    def describe(self, sel: Selection) -> str:
        if sel.at_risk and sel.tier is not None:
            return self.tr("At-risk customers in tier %1").replace(
                "%1", label(TIER_LABELS, sel.tier))
        if sel.at_risk:
            return self.tr("At-risk customers")
        if sel.tier is not None:
            return self.tr("Tier: %1").replace("%1", label(TIER_LABELS, sel.tier))
        if sel.r is not None:
            return self.tr("R = %1, F = %2").replace("%1", str(sel.r)).replace("%2", str(sel.f))
        if sel.top_share is not None:
            return self.tr("Top %1 of buyers by purchases").replace(
                "%1", fmt.percent(sel.top_share, 1))
        if sel.clv_min is not None:
            return self.tr("Predicted value %1 to %2").replace(
                "%1", _money(sel.clv_min)).replace("%2", _money(sel.clv_max))
        if sel.migration is not None:
            a_m, a_t, b_m, b_t = sel.migration
            none = self.tr("(none)")
            return self.tr("%1 in %2, %3 in %4").replace(
                "%1", label(TIER_LABELS, a_t) if a_t else none).replace("%2", a_m).replace(
                "%3", label(TIER_LABELS, b_t) if b_t else none).replace("%4", b_m)
        return ""

    def show_selection(self, sel: Selection) -> None:
        """List the customers ``sel`` stands for (the first 500, most valuable first)."""
        self.selection = sel
        order = "spend" if sel.at_risk else "value"
        rows, total = self.services.tiers.list_customers(sel, limit=LIST_LIMIT, order=order)
        self.rows = rows
        shown = self.tr("%1: %2 customers").replace("%1", self.describe(sel)).replace(
            "%2", fmt.number(total))
        if total > len(rows):
            shown += self.tr(" (the first %1 shown)").replace("%1", str(len(rows)))
        self.list_title.setText(shown)
        settings = (self.run.params.get("settings", {}) if self.run else {})
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values = [r.code, r.name, r.owner, label(TIER_LABELS, r.tier),
                      label(TIER_LABELS, r.computed_tier), label(SEGMENTS, r.segment),
                      f"{r.r} {r.f} {r.m}" if r.r else "", fmt.number(r.orders),
                      _money(r.spend_365),
                      fmt.percent(r.p_alive),
                      _money(r.predicted_clv), self.reason_text(r, settings)]
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                if j in (7, 8, 9, 10):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.winback_button.setEnabled(bool(rows))

    def reason_text(self, r, settings: dict[str, Any]) -> str:
        parts = []
        if "p_alive" in r.risk_reason.split(","):
            parts.append(self.tr("P(alive) %1 below %2").replace(
                "%1", fmt.percent(r.p_alive or 0)).replace(
                "%2", fmt.percent(settings.get('churn_p_alive', 0.5))))
        if "overdue" in r.risk_reason.split(","):
            usual = r.usual_interval_days or 0.0
            times = (r.recency_days or 0) / max(usual, 1e-9)
            parts.append(self.tr("%1 days since the last order, %2× the usual %3 days")
                         .replace("%1", str(r.recency_days)).replace("%2", f"{times:.1f}")
                         .replace("%3", f"{usual:.0f}"))
        return "; ".join(parts)

    # -- actions --------------------------------------------------------------------------------

    def compute(self) -> None:
        """Compute and store in the background; the charts redraw when it is done."""
        if self._worker is not None:
            return
        qd = self.as_of.date()
        as_of = dt.date(qd.year(), qd.month(), qd.day())
        tiers = self.services.tiers

        def work(progress):
            result = tiers.compute(as_of, progress=progress)
            return tiers.save(result, progress=progress)

        worker = Worker(work, with_progress=True)
        worker.signals.progressed.connect(self._progressed)
        worker.signals.finished.connect(self._computed)
        worker.signals.failed.connect(self._failed)
        self._worker = worker
        self._workers.add(worker)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.compute_button.setEnabled(False)
        QThreadPool.globalInstance().start(worker)

    def _progressed(self, stage: str, done: int, total: int) -> None:
        names = {
            "read": self.tr("Reading orders"), "summary": self.tr("Summarising purchases"),
            "scores": self.tr("RFM scores"), "fit": self.tr("Fitting the purchase models"),
            "predict": self.tr("Predicting lifetime value"),
            "tiers": self.tr("Tiers and churn warnings"), "save": self.tr("Saving"),
        }
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(names.get(stage, stage) + " %p%")

    def _finish(self) -> None:
        if self._worker is not None:
            self._workers.discard(self._worker)
        self._worker = None
        self.progress.hide()
        self.cancel_button.hide()
        self.compute_button.setEnabled(True)

    def _computed(self, run: RunInfo) -> None:
        self._finish()
        self.load()

    def _failed(self, exc: Exception) -> None:
        self._finish()
        if isinstance(exc, Cancelled):
            self.info.setText(self.tr("Computation cancelled; the charts show the last "
                                      "stored result."))
            return
        QMessageBox.warning(self, self.tr("Tiers"),
                            self.tr("The tiers could not be computed: %1").replace("%1",
                                                                                 str(exc)))

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.cancel_button.setEnabled(False)

    def apply_tiers(self) -> None:
        if self.run is None:
            return
        sure = QMessageBox.question(
            self, self.tr("Apply tiers"),
            self.tr("Give every customer the tier computed as of %1? Each change is recorded "
                    "in the customer's history, and this month's tier snapshot is replaced.")
            .replace("%1", fmt.date_long(self.run.as_of)))
        if sure != QMessageBox.StandardButton.Yes:
            return
        try:
            result = self.services.tiers.apply(self.run.id)
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("Apply tiers"), str(exc))
            return
        QMessageBox.information(
            self, self.tr("Apply tiers"),
            self.tr("%1 customers changed tier; snapshot %2 stored.")
            .replace("%1", fmt.number(result.changed)).replace("%2", result.month))
        self.data_changed.emit(ChangeSet.of("customers"))
        self.load()

    def create_winback(self) -> None:
        if not self.rows:
            return
        tomorrow = QDateTime(QDate.currentDate().addDays(1), QTime(10, 0))
        sure = QMessageBox.question(
            self, self.tr("Win-back follow-ups"),
            self.tr("Plan a win-back call for each of these %1 customers, for its owner, "
                    "tomorrow at 10:00? Customers who already have an open follow-up are "
                    "skipped.").replace("%1", str(len(self.rows))))
        if sure != QMessageBox.StandardButton.Yes:
            return
        due = tomorrow.toPython().astimezone(dt.timezone.utc)
        result = self.services.tiers.create_winback(
            [r.customer_id for r in self.rows], subject=self.tr("Win-back call"),
            due_at=due, notes=self.tr("Created from the tier analysis: %1").replace(
                "%1", self.describe(self.selection) if self.selection else ""))
        QMessageBox.information(
            self, self.tr("Win-back follow-ups"),
            self.tr("%1 follow-ups planned; %2 customers skipped (already planned).")
            .replace("%1", str(result.created)).replace("%2", str(result.skipped)))
        self.data_changed.emit(ChangeSet.of("activities"))

    def compare_months(self) -> None:
        a, b = self.month_from.currentData(), self.month_to.currentData()
        if not a or not b or a == b:
            return
        self._draw_migration(self.services.tiers.migration(a, b))

    def edit_rules(self) -> None:
        from .tier_rules_dialog import TierRulesDialog

        dlg = TierRulesDialog(self.services, self)
        dlg.exec()
