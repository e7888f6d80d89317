"""The Tiers section on demo data: compute in the background, click the charts, list customers,
plan win-back follow-ups, apply tiers, edit the rules (real widgets, real SQLite file)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import func, select

from desktop_crm.models import Activity, TierRun, TierSnapshot
from desktop_crm.services.container import Services
from desktop_crm.services.demo import generate_demo
from desktop_crm.services.rfm import PRESETS
from desktop_crm.views.tier_rules_dialog import TierRulesDialog
from desktop_crm.views.tiers_section import TiersSection


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiers") / "demo.sqlite3"
    svc = Services.open(f"sqlite:///{path}")
    generate_demo(svc.db, 400, seed=11)
    svc.close()
    return path


@pytest.fixture
def services(demo_file, tmp_path):
    copy = tmp_path / "demo.sqlite3"
    copy.write_bytes(demo_file.read_bytes())
    svc = Services.open(f"sqlite:///{copy}")
    yield svc
    svc.close()


@pytest.fixture
def section(qtbot, services):
    w = TiersSection(services)
    qtbot.addWidget(w)
    w.resize(1300, 900)
    w.show()
    return w


def compute(qtbot, section) -> None:
    section.compute_button.click()
    qtbot.waitUntil(lambda: section._worker is None, timeout=30000)
    assert section.run is not None


def click_chart(qtbot, chart, x: float, y: float, ax_index: int = 0) -> None:
    """A real mouse click on the canvas at data coordinates (x, y) of an axes."""
    chart.canvas.draw()
    ax = chart.figure.axes[ax_index]
    px, py = ax.transData.transform((x, y))
    ratio = chart.canvas.device_pixel_ratio
    pos = QPoint(int(px / ratio), int(chart.canvas.height() - py / ratio))
    qtbot.mouseClick(chart.canvas, Qt.MouseButton.LeftButton, pos=pos)


def test_opens_without_a_computation_and_says_so(section):
    assert section.run is None
    assert "Compute" in section.info.text()
    assert not section.apply_button.isEnabled()


def test_compute_in_background_then_click_a_heat_map_cell(qtbot, section, services):
    compute(qtbot, section)
    assert "400 customers" in section.info.text()
    heat = section.run.charts["heatmap"]["count"]
    # the champions' cell: R 5, F 5
    assert heat[4][4] > 0
    section.tabs.setCurrentIndex(2)
    click_chart(qtbot, section.heat_chart, 5, 5)
    assert section.selection.r == 5 and section.selection.f == 5
    assert section.table.rowCount() == min(heat[4][4], 500)
    assert f"{heat[4][4]:,} customers" in section.list_title.text()
    codes = {section.table.item(i, 0).text() for i in range(section.table.rowCount())}
    rows, total = services.tiers.list_customers(section.selection)
    assert total == heat[4][4] and codes == {r.code for r in rows}
    assert all(section.table.item(i, 6).text().startswith("5 5")
               for i in range(section.table.rowCount()))


def test_tier_bar_and_pareto_and_clv_clicks_list_customers(qtbot, section):
    compute(qtbot, section)
    tiers = section.run.charts["tiers"]
    click_chart(qtbot, section.tier_chart, 0, 1)  # the strategic bar
    assert section.selection.tier == "strategic"
    assert f"{tiers['strategic']['count']:,} customers" in section.list_title.text()
    section.tabs.setCurrentIndex(1)
    click_chart(qtbot, section.pareto_chart, 20, 50)
    assert section.selection.top_share == pytest.approx(0.2, abs=0.01)
    assert section.table.rowCount() > 0
    section.tabs.setCurrentIndex(4)
    clv = section.run.charts["clv"]
    busiest = max(range(len(clv["counts"])), key=lambda i: clv["counts"][i])
    lo, hi = clv["edges"][busiest], clv["edges"][busiest + 1]
    click_chart(qtbot, section.clv_chart, (max(lo, 1.0) * hi) ** 0.5, 1)
    assert section.selection.clv_min == lo
    assert section.table.rowCount() == min(clv["counts"][busiest], 500)


def test_at_risk_tab_lists_why_and_plans_win_back_calls(qtbot, section, services, message_boxes):
    compute(qtbot, section)
    section.tabs.setCurrentWidget(section.risk_tab)
    assert section.selection.at_risk is True
    n = section.table.rowCount()
    assert n > 0
    assert all(section.table.item(i, 11).text() for i in range(n))
    # the chart: at-risk customers per tier; a bar lists that tier's
    by_tier = section.run.charts["at_risk"]["by_tier"]
    tier = max(by_tier, key=lambda t: sum(by_tier[t][k] for k in ("p_alive", "overdue", "both")))
    count = sum(by_tier[tier][k] for k in ("p_alive", "overdue", "both"))
    click_chart(qtbot, section.risk_chart, 1, ["strategic", "growth", "basic",
                                               "dormant"].index(tier))
    assert section.selection.at_risk is True and section.selection.tier == tier
    assert f"{count:,} customers" in section.list_title.text()
    section.show_selection(section.selection.__class__(at_risk=True))
    section.winback_button.click()
    with services.db.read() as s:
        planned = s.scalar(select(func.count()).select_from(Activity)
                           .where(Activity.subject == "Win-back call"))
    assert planned > 0
    assert any("follow-ups planned" in text for kind, text in message_boxes)


def test_apply_tiers_snapshot_and_migration_chart(qtbot, section, services):
    compute(qtbot, section)
    assert section.apply_button.isEnabled()
    section.apply_button.click()
    assert section.run.applied_at is not None
    month = section.run.as_of.strftime("%Y-%m")
    with services.db.read() as s:
        assert s.scalar(select(func.count()).select_from(TierSnapshot)
                        .where(TierSnapshot.month == month)) == 400
        # an earlier month's snapshot, as if tiers had been applied then
        s.execute(TierSnapshot.__table__.insert().from_select(
            ["month", "customer_id", "tier"],
            select(func.cast("2000-01", TierSnapshot.month.type), TierSnapshot.customer_id,
                   TierSnapshot.tier).where(TierSnapshot.month == month)))
        s.commit()
    section.load()
    section.tabs.setCurrentIndex(3)
    section.month_from.setCurrentIndex(section.month_from.findData("2000-01"))
    section.month_to.setCurrentIndex(section.month_to.findData(month))
    section.compare_months()
    click_chart(qtbot, section.migration_chart, 2, 2)  # basic -> basic
    assert section.selection.migration == ("2000-01", "basic", month, "basic")
    assert section.table.rowCount() > 0


def test_rules_dialog_saves_a_preset_and_reports_bad_values(qtbot, services):
    dlg = TierRulesDialog(services)
    qtbot.addWidget(dlg)
    dlg.preset.setCurrentIndex(dlg.preset.findData("annual_amount"))
    dlg.load_preset()
    assert dlg.table.rowCount() == len(PRESETS["annual_amount"])
    dlg.table.cellWidget(1, 3).setText("lots")
    dlg.save()
    assert not dlg.error.isHidden() and "Rule 2" in dlg.error.text()
    assert services.tiers.settings()[1] == 0  # nothing saved
    dlg.table.cellWidget(1, 3).setText("2,000,000")
    dlg.save()
    settings, version = services.tiers.settings()
    assert version == 1
    assert settings.rules[1].value == 2_000_000.0
    assert settings.rules[0].metric == "spend_365"


def test_cancel_keeps_the_last_result(qtbot, section, services):
    compute(qtbot, section)
    first = section.run.id
    section.compute()
    section.cancel()
    qtbot.waitUntil(lambda: section._worker is None, timeout=30000)
    with services.db.read() as s:
        runs = s.scalar(select(func.count()).select_from(TierRun))
    # cancelled before saving, or finished first on a fast machine: never half a result
    assert runs in (1, 2)
    if runs == 1:
        assert section.run.id == first
        assert "cancelled" in section.info.text()
    assert section.run.as_of == services.tiers.default_as_of()


def test_a_chart_saves_as_png_and_copies(qtbot, section, tmp_path):
    from PySide6.QtGui import QGuiApplication, QImage

    compute(qtbot, section)
    out = tmp_path / "tiers.png"
    section.tier_chart.save_png(str(out))
    image = QImage(str(out))
    assert not image.isNull() and image.width() >= 600
    QGuiApplication.clipboard().clear()
    section.tier_chart.copy()
    assert not QGuiApplication.clipboard().pixmap().isNull()
