"""The Pipeline section with real widgets on a real SQLite file: drag cards with the mouse and
check the database, the Won and Lost questions, filters, the opportunity form, the funnel."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt, QThreadPool
from sqlalchemy import select

from desktop_crm.models import Activity, Opportunity, OpportunityStageChange, Ticket
from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.views.opportunity_dialog import LostDialog, OpportunityDialog, WonDialog
from desktop_crm.views.pipeline_section import PipelineSection, close_period

from .conftest import answer_dialog, type_into


@pytest.fixture
def services(sqlite_url):
    svc = Services.open(sqlite_url)
    other = svc.users.create("wangfang", "王芳", "sales")
    hw = svc.customers.create({"name": "北京华为科技有限公司"}).id
    zs = svc.customers.create({"name": "张三"}).id
    stages = {s.code: s.id for s in svc.pipeline.stages()}
    for title, cid, amount, stage, owner in (
            ("服务器采购", hw, "100000", "lead", None), ("软件许可", hw, "30000", "lead", None),
            ("年度维保", zs, "5000", "proposal", other.id),
            ("培训服务", zs, "8000", "proposal", None)):
        fields = {"title": title, "customer_id": cid, "amount": amount,
                  "stage_id": stages[stage], "expected_close": dt.date.today()}
        if owner:
            fields["owner_id"] = owner
        svc.pipeline.create(fields)
    yield svc
    QThreadPool.globalInstance().waitForDone(10000)  # the section's workers use the database
    svc.close()


@pytest.fixture
def section(qtbot, services):
    w = PipelineSection(services)
    qtbot.addWidget(w)
    w.resize(1600, 900)
    w.show()
    qtbot.waitUntil(lambda: bool(w._loaded), timeout=10000)
    return w


def titles(board, column: int) -> list[str]:
    return [c.title for c in board.cards(column)]


def column(board, code: str) -> int:
    return next(i for i, c in enumerate(board.columns()) if c.stage.code == code)


def drag(qtbot, board, card_title: str, to: QPoint) -> None:
    """Press on the card, move in steps past the drag distance, release over ``to``."""
    card = next(c for col in board.columns() for c in col.cards if c.title == card_title)
    start = board.card_center(card.id)
    vp = board.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 6):
        qtbot.mouseMove(vp, start + (to - start) * i / 5)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=to)


def stage_of(services, title: str) -> str:
    with services.db.read() as s:
        o = s.scalars(select(Opportunity).where(Opportunity.title == title)).one()
        return next(st.code for st in services.pipeline.stages() if st.id == o.stage_id)


def test_drag_a_card_to_another_column_saves_the_move(qtbot, section, services):
    board = section.board
    lead, proposal = column(board, "lead"), column(board, "proposal")
    assert titles(board, lead) == ["软件许可", "服务器采购"]
    # drop it between the two proposal cards
    drag(qtbot, board, "服务器采购", board.drop_point(proposal, 1))
    assert titles(board, proposal) == ["培训服务", "服务器采购", "年度维保"]
    assert titles(board, lead) == ["软件许可"]
    assert stage_of(services, "服务器采购") == "proposal"
    with services.db.read() as s:
        history = s.scalars(select(OpportunityStageChange.to_stage_id)
                            .join(Opportunity, Opportunity.id
                                  == OpportunityStageChange.opportunity_id)
                            .where(Opportunity.title == "服务器采购")).all()
    assert len(history) == 2
    # the board order is the stored order
    reloaded = {c.stage.code: [x.title for x in c.cards] for c in services.pipeline.board()}
    assert reloaded["proposal"] == ["培训服务", "服务器采购", "年度维保"]
    # and the column header sums follow
    col = board.columns()[proposal]
    assert col.total == Decimal("113000") and col.count == 3


def test_reorder_within_a_column_is_kept(qtbot, section, services):
    board = section.board
    lead = column(board, "lead")
    drag(qtbot, board, "软件许可", board.drop_point(lead, 2))  # below the other card
    assert titles(board, lead) == ["服务器采购", "软件许可"]
    reloaded = {c.stage.code: [x.title for x in c.cards] for c in services.pipeline.board()}
    assert reloaded["lead"] == ["服务器采购", "软件许可"]


def test_the_lost_dialog_requires_a_reason(qtbot, section, services):
    board = section.board

    def fill(dlg: LostDialog):
        dlg.ok.button(dlg.ok.StandardButton.Ok).click()  # no reason yet: stays open
        assert dlg.isVisible() and dlg.reason_error.isVisible()
        dlg.reason.setCurrentIndex(2)
        dlg.comment.setPlainText("客户选了别家")
        dlg.ok.button(dlg.ok.StandardButton.Ok).click()
    seen = answer_dialog(LostDialog, fill)
    drag(qtbot, board, "年度维保", board.drop_point(column(board, "lost"), 0))
    assert seen
    with services.db.read() as s:
        o = s.scalars(select(Opportunity).where(Opportunity.title == "年度维保")).one()
    assert o.status == "lost" and o.lost_reason == seen[0].reason.itemText(2)
    assert "客户选了别家" in o.notes
    assert titles(board, column(board, "lost")) == ["年度维保"]


def test_cancelling_the_lost_dialog_moves_nothing(qtbot, section, services):
    board = section.board
    answer_dialog(LostDialog, lambda dlg: dlg.reject())
    drag(qtbot, board, "培训服务", board.drop_point(column(board, "lost"), 0))
    assert stage_of(services, "培训服务") == "proposal"
    assert "培训服务" in titles(board, column(board, "proposal"))


def test_winning_asks_amount_and_opens_the_onboarding_ticket(qtbot, section, services):
    board = section.board

    def fill(dlg: WonDialog):
        dlg.amount.setText("95,000")
        dlg.accept_button = None
        dlg._accept()
    answer_dialog(WonDialog, fill)
    changes = []
    section.data_changed.connect(changes.append)
    drag(qtbot, board, "服务器采购", board.drop_point(column(board, "won"), 0))
    with services.db.read() as s:
        o = s.scalars(select(Opportunity).where(Opportunity.title == "服务器采购")).one()
        tickets = s.scalars(select(Ticket).where(Ticket.opportunity_id == o.id)).all()
        acts = s.scalars(select(Activity).where(Activity.opportunity_id == o.id)).all()
    assert o.status == "won" and o.amount == Decimal("95000")
    assert len(tickets) == 1 and len(acts) == 1
    assert "tickets" in changes[-1].kinds


def test_keyboard_moves_a_card_to_the_next_column(qtbot, section, services):
    board = section.board
    board.setFocus()
    qtbot.keyClick(board, Qt.Key.Key_Down)  # the first card of the first column
    assert board.current.title == "软件许可"
    qtbot.keyClick(board, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert stage_of(services, "软件许可") == "qualified"


def test_filters_change_the_cards(qtbot, section, services):
    board = section.board

    def shown():
        return sorted(c.title for col in board.columns() for c in col.cards)
    assert len(shown()) == 4
    type_into(qtbot, section.search, "华为")
    qtbot.waitUntil(lambda: shown() == ["服务器采购", "软件许可"], timeout=5000)
    section.search.clear()
    qtbot.waitUntil(lambda: len(shown()) == 4, timeout=5000)
    section.owner.setCurrentIndex(section.owner.findText("王芳"))
    qtbot.waitUntil(lambda: shown() == ["年度维保"], timeout=5000)
    section.owner.setCurrentIndex(0)
    qtbot.waitUntil(lambda: len(shown()) == 4, timeout=5000)
    type_into(qtbot, section.amount_min, "20000")
    qtbot.waitUntil(lambda: shown() == ["服务器采购", "软件许可"], timeout=5000)
    section.amount_min.clear()
    section.period.setCurrentIndex(section.period.findData("next_month"))
    qtbot.waitUntil(lambda: shown() == [], timeout=5000)


def test_sales_see_their_own_deals_first(qtbot, services):
    sales = services.users.by_name("wangfang")
    own = dataclasses.replace(services, user=sales)
    w = PipelineSection(own)
    qtbot.addWidget(w)
    assert w.owner.currentData() == str(sales.id)


def test_the_opportunity_form_creates_and_edits(qtbot, section, services):
    dlg = section.new_opportunity()
    assert isinstance(dlg, OpportunityDialog)
    type_into(qtbot, dlg.title_edit, "云服务器扩容")
    dlg.customer.setText("华为")
    dlg.customer.refresh()
    dlg.customer._pick(dlg.customer.completer().model().index(0, 0).data())
    dlg.amount.setText("¥120,000")
    dlg.fu_subject.setText("")
    dlg.save()  # a follow-up planned without subject: refused, form kept
    assert dlg.isVisible() and dlg.errors["follow_up_subject"].isVisible()
    dlg.fu_subject.setText("电话确认需求")
    dlg.save()
    assert not dlg.isVisible()
    qtbot.waitUntil(lambda: "云服务器扩容" in titles(section.board, 0), timeout=5000)
    card = section.board.cards(0)[0]
    assert card.amount == Decimal("120000") and card.customer_name == "北京华为科技有限公司"
    detail = services.pipeline.get(card.id)
    assert detail.next_follow_up.subject == "电话确认需求"
    # edit: open with a double click on the card
    qtbot.mouseDClick(section.board.viewport(), Qt.MouseButton.LeftButton,
                      pos=section.board.card_center(card.id))
    edit = next(w for w in section.findChildren(OpportunityDialog) if w.detail)
    edit.title_edit.setText("云服务器扩容（二期）")
    edit.amount.setText("abc")
    edit.save()
    assert edit.isVisible() and edit.errors["amount"].isVisible()
    edit.amount.setText("150000")
    edit.save()
    qtbot.waitUntil(lambda: "云服务器扩容（二期）" in titles(section.board, 0), timeout=5000)
    assert services.pipeline.get(card.id).card.amount == Decimal("150000")


def test_the_funnel_is_drawn(qtbot, section):
    qtbot.waitUntil(lambda: section.funnel is not None, timeout=10000)
    assert section.funnel.stages[0].entered == 2
    assert len(section.funnel_chart.figure.axes) == 2
    assert not section.forecast_chart.figure.axes  # drawn when its tab is chosen
    section.tabs.setCurrentIndex(2)
    assert len(section.forecast_chart.figure.axes) == 1
    assert "%" in section.kpis.text() or "–" in section.kpis.text()


def test_close_periods():
    today = dt.date(2026, 11, 25)
    assert close_period("this_month", today) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert close_period("next_month", today) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert close_period("this_quarter", today) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert close_period("overdue", today) == (None, dt.date(2026, 11, 24))
    assert close_period("any", today) == (None, None)


def test_cards_show_the_lead_score_and_why(qtbot, services):
    hw = services.customers.page(CustomerQuery(text="华为")).rows[0]
    services.customers.update(hw.id, {"source": "转介绍", "industry": "制造业",
                                      "employees": "250"},
                              services.customers.get(hw.id).version)
    w = PipelineSection(services)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: bool(w._loaded), timeout=10000)
    card = next(c for c in w.board.cards(column(w.board, "lead")) if c.title == "服务器采购")
    rules = services.leads.rules()[0]
    expected = (rules.source_points["转介绍"] + rules.industry_points["制造业"]
                + rules.size_band(250)[1])
    assert card.score == expected
    tip = w.board._tooltip(card)
    assert f"Lead score {expected}" in tip and "Source 转介绍: +" in tip
    assert "250 employees" in tip
    w.sort.setCurrentIndex(w.sort.findData("score"))
    scores = [c.score for col in w.board.columns() for c in col.cards if c.status == "open"]
    proposal = [c.score for c in w.board.cards(column(w.board, "proposal"))]
    assert proposal == sorted(proposal, reverse=True) and None not in scores


def test_the_lead_scoring_rules_dialog(qtbot, section, services):
    from desktop_crm.views.lead_rules_dialog import LeadRulesDialog
    dlg = section.edit_lead_rules()
    assert isinstance(dlg, LeadRulesDialog)
    table = dlg.sources
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "展会")
    table.cellWidget(row, 1).setValue(42)
    dlg.sizes.add(5000, 30)
    dlg.interaction_cap.setValue(10)
    dlg.save()
    rules, version = services.leads.rules()
    assert version == 1 and rules.source_points["展会"] == 42
    assert rules.size_bands[-1] == (5000, 30) and rules.interaction_cap == 10
    # a duplicate value is refused with a message, nothing saved
    again = section.edit_lead_rules()
    again.sources.add("展会", 1)
    again.save()
    assert again.isVisible() and again.message.isVisible()
    assert services.leads.rules()[1] == 1
    sales = dataclasses.replace(services, user=services.users.by_name("wangfang"))
    ro = LeadRulesDialog(sales)
    qtbot.addWidget(ro)
    assert not ro.interaction_cap.isEnabled()


def test_stage_settings_add_rename_and_reorder(qtbot, section, services):
    dlg = section.edit_stages()
    t = dlg.table
    names = [t.item(r, 0).text() for r in range(t.rowCount())]
    assert names[:2] == ["Lead", "Qualified"] and names[-2:] == ["Won", "Lost"]
    dlg.add_row()  # goes before Won and Lost
    row = t.rowCount() - 3
    t.item(row, 0).setText("样品测试")
    t.cellWidget(row, 1).setValue(60)
    t.item(1, 0).setText("需求确认")
    t.selectRow(row)
    t.setCurrentCell(row, 0)
    dlg.move_row(-1)  # before Negotiation
    dlg.save()
    stages = services.pipeline.stages()
    shown = [s.name or s.code for s in stages]
    assert shown == ["lead", "需求确认", "proposal", "样品测试", "negotiation", "won", "lost"]
    assert next(s for s in stages if s.name == "样品测试").probability == 60
    qtbot.waitUntil(lambda: len(section.board.columns()) == 7, timeout=5000)


def test_automation_settings(qtbot, section, services):
    dlg = section.edit_automation()
    dlg.won_ticket.setChecked(False)
    dlg.stale_days.setValue(45)
    dlg.ticket_subject.setText("交付：{customer}")
    dlg.save()
    rules, version = services.pipeline.automation()
    assert version == 1 and not rules.won_ticket and rules.stale_days == 45
    assert rules.ticket_subject == "交付：{customer}"
    bad = section.edit_automation()
    bad.stale_subject.setText("{unknown}")
    bad.save()
    assert bad.isVisible() and bad.message.isVisible()


def test_double_click_in_a_column_starts_a_deal_in_that_stage(qtbot, section, services):
    board = section.board
    proposal = column(board, "proposal")
    empty = board.drop_point(proposal, len(board.cards(proposal)) + 1)
    qtbot.mouseDClick(board.viewport(), Qt.MouseButton.LeftButton, pos=empty)
    dlg = next(w for w in section.findChildren(OpportunityDialog) if w.isVisible())
    assert dlg.stage_id == board.columns()[proposal].stage.id
    assert dlg.probability.value() == board.columns()[proposal].stage.probability


def test_a_manager_sees_the_team_first(qtbot, services):
    with services.db.session() as s:
        from desktop_crm.models import User
        s.get(User, services.user.id).team = "华南"
    manager = dataclasses.replace(services, user=services.users.get(services.user.id))
    w = PipelineSection(manager)
    qtbot.addWidget(w)
    assert w.owner.currentData() == "team:华南"
    assert w.current_filter().team == "华南" and w.current_filter().owner_id is None
