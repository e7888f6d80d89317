"""The pipeline services on both engines: stages, moves with history and audit, the board's
column totals and filters, funnel figures and the forecast on hand-computed examples."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from desktop_crm.models import AuditEntry, Opportunity, OpportunityStageChange
from desktop_crm.services.container import Services
from desktop_crm.services.errors import ConflictError, PermissionDenied, ValidationError
from desktop_crm.services.pipeline import BoardFilter, PipelineService

UTC = dt.timezone.utc


@pytest.fixture
def svc(db_url):
    services = Services.open(db_url, upgrade=True)
    yield services
    services.close()


@pytest.fixture
def pipe(svc):
    return PipelineService(svc.db, svc.user)


@pytest.fixture
def customers(svc):
    return {name: svc.customers.create({"name": name}).id
            for name in ("北京华为科技有限公司", "张三", "Acme Trading")}


def stage(pipe, code):
    return next(s for s in pipe.stages() if s.code == code)


def test_default_stages_and_editing_them(pipe):
    stages = pipe.stages()
    assert [s.code for s in stages] == ["lead", "qualified", "proposal", "negotiation", "won",
                                        "lost"]
    assert stages == sorted(stages, key=lambda s: s.position)
    added = pipe.add_stage("样品测试", 60)
    codes = [s.code or s.name for s in pipe.stages()]
    assert codes.index("样品测试") == codes.index("won") - 1  # before the closed stages
    renamed = pipe.update_stage(added.id, {"name": "试用", "probability": 65}, added.version)
    assert (renamed.name, renamed.probability) == ("试用", 65)
    with pytest.raises(ConflictError):
        pipe.update_stage(added.id, {"name": "x"}, added.version)
    with pytest.raises(ValidationError) as err:
        pipe.update_stage(added.id, {"probability": 120}, renamed.version)
    assert err.value.for_field("probability")
    order = [s.id for s in pipe.stages()][::-1]
    assert [s.id for s in pipe.reorder_stages(order)] == order


def test_move_writes_history_and_audit_and_needs_won_and_lost_details(svc, pipe, customers):
    card = pipe.create({"title": "华为 ERP 升级", "customer_id": customers["北京华为科技有限公司"],
                        "amount": "200000"})
    assert card.stage_id == stage(pipe, "lead").id and card.probability == 10
    prop = stage(pipe, "proposal")
    moved = pipe.move(card.id, prop.id, expected_version=card.version)
    assert moved.stage_id == prop.id and moved.probability == prop.probability
    assert moved.days_in_stage == 0
    # a drop from a board loaded before that move is applied to the card as it is now
    # (tests/test_kanban_concurrency.py): not refused, and the history keeps both moves
    again = pipe.move(card.id, stage(pipe, "negotiation").id, expected_version=card.version)
    assert again.stage_id == stage(pipe, "negotiation").id
    moved = pipe.move(card.id, prop.id, expected_version=again.version)
    with pytest.raises(ValidationError) as err:
        pipe.move(card.id, stage(pipe, "won").id, expected_version=moved.version)
    assert err.value.for_field("final_amount") and err.value.for_field("close_date")
    with pytest.raises(ValidationError) as err:
        pipe.move(card.id, stage(pipe, "lost").id, expected_version=moved.version,
                  lost_reason="  ")
    assert err.value.for_field("lost_reason")
    won = pipe.move(card.id, stage(pipe, "won").id, expected_version=moved.version,
                    final_amount=Decimal("185000"), close_date=dt.date(2026, 11, 20))
    assert won.status == "won" and won.amount == Decimal("185000.00") and won.probability == 100
    with svc.db.read() as s:
        history = s.execute(select(OpportunityStageChange.from_stage_id,
                                   OpportunityStageChange.to_stage_id)
                            .where(OpportunityStageChange.opportunity_id == card.id)
                            .order_by(OpportunityStageChange.changed_at)).all()
        fields = set(s.scalars(select(AuditEntry.field).where(AuditEntry.row_id == card.id)))
    assert [to for _f, to in history] == [stage(pipe, c).id for c in (
        "lead", "proposal", "negotiation", "proposal", "won")]
    assert history[0][0] is None and history[1][0] == stage(pipe, "lead").id
    assert all(history[i + 1][0] == history[i][1] for i in range(len(history) - 1))
    assert {"stage_id", "status", "amount", "probability"} <= fields


def test_reordering_within_a_column_is_kept(pipe, customers):
    cid = customers["张三"]
    a, b, c = (pipe.create({"title": t, "customer_id": cid}) for t in ("A", "B", "C"))
    lead = stage(pipe, "lead").id
    assert [x.title for x in pipe.board()[0].cards] == ["C", "B", "A"]  # new cards on top
    pipe.move(c.id, lead, expected_version=c.version, index=2)
    assert [x.title for x in pipe.board()[0].cards] == ["B", "A", "C"]
    moved_b = next(x for x in pipe.board()[0].cards if x.title == "B")
    # moving one card does not count as an edit of its neighbours
    assert moved_b.version == b.version
    prop = stage(pipe, "proposal").id
    pipe.move(a.id, prop, expected_version=a.version, index=0)
    columns = {col.stage.code: [x.title for x in col.cards] for col in pipe.board()}
    assert columns["lead"] == ["B", "C"] and columns["proposal"] == ["A"]


def test_column_totals_and_filters(svc, pipe, customers):
    other = svc.users.create("wangfang", "王芳", "sales")
    hw, zs = customers["北京华为科技有限公司"], customers["张三"]
    prop = stage(pipe, "proposal").id  # 50 %
    pipe.create({"title": "服务器", "customer_id": hw, "amount": "100000", "stage_id": prop,
                 "expected_close": dt.date(2026, 12, 15)})
    pipe.create({"title": "软件", "customer_id": hw, "amount": "30000", "stage_id": prop,
                 "probability": 80, "expected_close": dt.date(2027, 1, 10)})
    pipe.create({"title": "培训", "customer_id": zs, "amount": "5000", "stage_id": prop,
                 "owner_id": other.id})
    col = next(c for c in pipe.board() if c.stage.id == prop)
    assert col.count == 3
    assert col.total == Decimal("135000")
    assert col.weighted == Decimal("100000") * 50 / 100 + Decimal("30000") * 80 / 100 \
        + Decimal("5000") * 50 / 100  # 50,000 + 24,000 + 2,500
    def titles(**kw):
        return sorted(c.title for col in pipe.board(BoardFilter(**kw)) for c in col.cards)
    assert titles(owner_id=other.id) == ["培训"]
    assert titles(search="华为") == ["服务器", "软件"]
    assert titles(search="软") == ["软件"]
    assert titles(amount_min=Decimal("20000"), amount_max=Decimal("50000")) == ["软件"]
    assert titles(close_from=dt.date(2027, 1, 1)) == ["软件"]
    svc.customers.update(zs, {"tier": "strategic"}, svc.customers.get(zs).version)
    assert titles(tier="strategic") == ["培训"]


def test_funnel_conversion_days_win_rate_cycle_and_forecast(svc, pipe, customers):
    """Three deals with a known history (times set by hand):

    D1: lead 11-01, qualified 11-03 (2 days in lead), proposal 11-08 (5 in qualified),
        won 11-18 (10 in proposal); created 11-01, so a 17-day cycle.
    D2: lead 11-02, qualified 11-06 (4 days in lead), lost 11-10 (4 in qualified).
    D3: lead 11-05, still open in lead, 40,000 at 10 %, expected to close 2027-02-14.
    Period: November 2026.
    lead: 3 entered, 2 reached a later stage (D1, D2) -> 2/3; days in lead (2 + 4) / 2 = 3.
    qualified: 2 entered, 1 advanced (D1; D2 went to Lost) -> 1/2; days (5 + 4) / 2 = 4.5.
    proposal: 1 entered, 1 advanced (Won) -> 1; 10 days.  Win rate 1 / 2, cycle 17 days.
    Forecast: 2027-02: 40,000 x 10 % = 4,000; plus D4 (overdue: expected 2026-10-01, 20,000 at
    50 %) counted in the current month 2026-11: 10,000.
    """
    cid = customers["Acme Trading"]
    codes = {s.code: s.id for s in pipe.stages()}

    def day(d):
        return dt.datetime(2026, 11, d, 9, 0, tzinfo=UTC)

    d1 = pipe.create({"title": "D1", "customer_id": cid, "amount": "80000"})
    d2 = pipe.create({"title": "D2", "customer_id": cid, "amount": "10000"})
    d3 = pipe.create({"title": "D3", "customer_id": cid, "amount": "40000",
                      "expected_close": dt.date(2027, 2, 14)})
    d4 = pipe.create({"title": "D4", "customer_id": cid, "amount": "20000",
                      "stage_id": codes["proposal"], "expected_close": dt.date(2026, 10, 1)})
    v = d1.version
    for code in ("qualified", "proposal"):
        v = pipe.move(d1.id, codes[code], expected_version=v).version
    pipe.move(d1.id, codes["won"], expected_version=v, final_amount=Decimal("80000"),
              close_date=dt.date(2026, 11, 18))
    v = pipe.move(d2.id, codes["qualified"], expected_version=d2.version).version
    pipe.move(d2.id, codes["lost"], expected_version=v, lost_reason="价格太高")
    times = {d1.id: [day(1), day(3), day(8), day(18)], d2.id: [day(2), day(6), day(10)],
             d3.id: [day(5)], d4.id: [dt.datetime(2026, 9, 1, tzinfo=UTC)]}
    h = OpportunityStageChange
    with svc.db.session() as s:
        for oid, stamps in times.items():
            rows = s.scalars(select(h).where(h.opportunity_id == oid)
                             .order_by(h.changed_at)).all()
            assert len(rows) == len(stamps)
            for row, at in zip(rows, stamps):
                s.execute(update(h).where(h.id == row.id).values(changed_at=at))
            closed = stamps[-1] if oid in (d1.id, d2.id) else None
            s.execute(update(Opportunity).where(Opportunity.id == oid)
                      .values(created_at=stamps[0], closed_at=closed))
    f = pipe.funnel(day(1) - dt.timedelta(hours=9), dt.datetime(2026, 12, 1, tzinfo=UTC),
                    today=dt.date(2026, 11, 25))
    by = {x.stage.code: x for x in f.stages}
    assert (by["lead"].entered, by["lead"].advanced) == (3, 2)
    assert by["lead"].conversion == pytest.approx(2 / 3)
    assert by["lead"].avg_days == pytest.approx(3.0)
    assert (by["qualified"].entered, by["qualified"].advanced) == (2, 1)
    assert by["qualified"].avg_days == pytest.approx(4.5)
    assert by["proposal"].conversion == 1.0 and by["proposal"].avg_days == pytest.approx(10)
    assert by["proposal"].entered == 1  # D4 entered in September: outside the period
    assert (by["lead"].open_count, by["lead"].open_amount) == (1, Decimal("40000"))
    assert f.won == 1 and f.lost == 1 and f.win_rate == 0.5
    assert f.won_amount == Decimal("80000") and f.avg_cycle_days == pytest.approx(17)
    assert f.forecast == {"2026-11": Decimal("10000"), "2027-02": Decimal("4000")}
    with svc.db.read() as s:
        assert s.scalar(select(func.count()).select_from(h)) == 4 + 3 + 1 + 1


def won(pipe, card, texts=None):
    return pipe.move(card.id, stage(pipe, "won").id, expected_version=card.version,
                     final_amount=Decimal("1000"), close_date=dt.date(2026, 11, 20), texts=texts)


def counts(svc, card_id):
    from desktop_crm.models import Activity, Ticket

    with svc.db.read() as s:
        return (s.scalar(select(func.count()).select_from(Ticket)
                         .where(Ticket.opportunity_id == card_id)),
                s.scalar(select(func.count()).select_from(Activity)
                         .where(Activity.opportunity_id == card_id)))


def test_winning_opens_an_onboarding_ticket_and_a_follow_up_exactly_once(svc, pipe, customers):
    from desktop_crm.models import Activity, Ticket

    card = pipe.create({"title": "华为 ERP", "customer_id": customers["北京华为科技有限公司"]})
    texts = {"ticket_subject": "客户开通：{customer}（{title}）"}
    w = won(pipe, card, texts)
    assert counts(svc, card.id) == (1, 1)
    with svc.db.read() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.opportunity_id == card.id))
        act = s.scalar(select(Activity).where(Activity.opportunity_id == card.id))
    assert ticket.subject == "客户开通：北京华为科技有限公司（华为 ERP）"
    assert ticket.number.startswith("T") and ticket.status == "new"
    assert ticket.response_due > ticket.opened_at and ticket.sla_policy_id is not None
    assert act.owner_id == svc.user.id and act.subject == "First follow-up after winning 华为 ERP"
    assert (act.due_at - ticket.opened_at).days == 3
    # out of Won and back in: nothing new
    back = pipe.move(card.id, stage(pipe, "negotiation").id, expected_version=w.version)
    won(pipe, back)
    assert counts(svc, card.id) == (1, 1)
    # a second deal gets the next ticket number
    other = pipe.create({"title": "第二单", "customer_id": customers["张三"]})
    won(pipe, other)
    with svc.db.read() as s:
        numbers = sorted(s.scalars(select(Ticket.number)))
    assert numbers == ["T000001", "T000002"]


def test_automation_can_be_switched_off_and_only_managers_may(svc, pipe, customers):
    from desktop_crm.services.pipeline import AutomationSettings

    rules, version = pipe.automation()
    assert rules.won_ticket and version == 0
    v = pipe.save_automation(AutomationSettings(won_ticket=False, followup_days=7), version)
    card = pipe.create({"title": "小单", "customer_id": customers["张三"]})
    won(pipe, card)
    assert counts(svc, card.id) == (0, 1)
    with pytest.raises(ValidationError) as err:
        pipe.save_automation(AutomationSettings(ticket_subject="{nope}"), v)
    assert err.value.for_field("ticket_subject")
    sales = svc.users.create("lisi", "李四", "sales")
    with pytest.raises(PermissionDenied):
        PipelineService(svc.db, sales).save_automation(AutomationSettings(), v)


def test_a_deal_stuck_in_its_stage_gets_one_follow_up(svc, pipe, customers):
    card = pipe.create({"title": "卡住的单", "customer_id": customers["Acme Trading"]})
    fresh = pipe.create({"title": "新单", "customer_id": customers["Acme Trading"]})
    long_ago = dt.datetime.now(UTC) - dt.timedelta(days=45)
    with svc.db.session() as s:
        s.execute(update(Opportunity).where(Opportunity.id == card.id)
                  .values(stage_entered_at=long_ago, created_at=long_ago))
    stuck = next(c for c in pipe.board()[0].cards if c.id == card.id)
    assert stuck.stale and stuck.days_in_stage == 45
    assert not next(c for c in pipe.board()[0].cards if c.id == fresh.id).stale
    assert pipe.follow_up_stale() == 1
    assert counts(svc, card.id) == (0, 1) and counts(svc, fresh.id) == (0, 0)
    assert pipe.follow_up_stale() == 0  # already has one for this stay in the stage


def _positions(svc, stage_id):
    with svc.db.read() as s:
        return list(s.execute(select(Opportunity.title, Opportunity.position, Opportunity.version)
                              .where(Opportunity.stage_id == stage_id)
                              .order_by(Opportunity.position, Opportunity.created_at)))


def test_a_drop_between_two_cards_writes_only_the_moved_card(svc, pipe, customers):
    cid = customers["张三"]
    a, b, c = (pipe.create({"title": t, "customer_id": cid}) for t in ("A", "B", "C"))
    lead = stage(pipe, "lead").id
    before = {t: (p, v) for t, p, v in _positions(svc, lead)}
    # C, B, A on the board; put C right after B
    pipe.move(c.id, lead, expected_version=c.version, after_id=b.id)
    after = {t: (p, v) for t, p, v in _positions(svc, lead)}
    assert [t for t, _p, _v in _positions(svc, lead)] == ["B", "C", "A"]
    assert after["A"] == before["A"] and after["B"] == before["B"]  # untouched
    assert before["B"][0] < after["C"][0] < before["A"][0]
    # to the bottom, then to the top
    c2 = next(x for x in pipe.board()[0].cards if x.title == "C")
    pipe.move(c2.id, lead, expected_version=c2.version, after_id=a.id)
    assert [t for t, _p, _v in _positions(svc, lead)] == ["B", "A", "C"]
    c3 = next(x for x in pipe.board()[0].cards if x.title == "C")
    pipe.move(c3.id, lead, expected_version=c3.version)
    assert [t for t, _p, _v in _positions(svc, lead)] == ["C", "B", "A"]
    with pytest.raises(ValidationError) as e:  # after a card of another column
        pipe.move(a.id, stage(pipe, "proposal").id, expected_version=a.version, after_id=b.id)
    assert e.value.for_field("after_id")


def test_a_column_with_no_room_is_renumbered_keeping_the_order(svc, pipe, customers):
    cid = customers["张三"]
    cards = [pipe.create({"title": t, "customer_id": cid}) for t in "ABCD"]
    lead = stage(pipe, "lead").id
    with svc.db.session() as s:  # as an import or an old version may leave them: 0, 1, 1, 2
        for card, pos in zip(cards, (2, 1, 1, 0)):
            s.execute(update(Opportunity).where(Opportunity.id == card.id)
                      .values(position=pos))
    assert [t for t, _p, _v in _positions(svc, lead)] == ["D", "B", "C", "A"]
    a = cards[0]
    pipe.move(a.id, lead, expected_version=a.version, after_id=cards[1].id)  # after B (a tie)
    rows = _positions(svc, lead)
    assert [t for t, _p, _v in rows] == ["D", "B", "A", "C"]
    assert len({p for _t, p, _v in rows}) == 4  # no ties left
    assert {t: v for t, _p, v in rows if t != "A"} == {"B": 1, "C": 1, "D": 1}  # not edits


def test_the_opportunity_form_edits_with_conflict_check_and_audit(svc, pipe, customers):
    card = pipe.create({"title": "服务器采购", "customer_id": customers["张三"],
                        "amount": "10000"})
    updated = pipe.update(card.id, {"title": "服务器扩容", "amount": "12,500",
                                    "customer_id": customers["Acme Trading"],
                                    "expected_close": dt.date(2026, 12, 31), "notes": "两台"},
                          card.version)
    assert (updated.title, updated.amount, updated.customer_name, updated.expected_close) == (
        "服务器扩容", Decimal("12500"), "Acme Trading", dt.date(2026, 12, 31))
    assert pipe.get(card.id).notes == "两台"
    with pytest.raises(ConflictError):  # someone saved in between
        pipe.update(card.id, {"title": "旧的"}, card.version)
    assert pipe.get(card.id).card.title == "服务器扩容"
    with pytest.raises(ValidationError) as e:
        pipe.update(card.id, {"title": " ", "amount": "-1", "probability": 101},
                    updated.version)
    assert {x.field for x in e.value.errors} == {"title", "amount", "probability"}
    with pytest.raises(ValidationError):
        pipe.update(card.id, {"stage_id": stage(pipe, "won").id}, updated.version)
    with svc.db.read() as s:
        fields = set(s.scalars(select(AuditEntry.field).where(AuditEntry.row_id == card.id,
                                                                AuditEntry.action == "update")))
    assert {"title", "amount", "customer_id", "expected_close", "notes"} <= fields


def test_next_follow_up_and_delete(svc, pipe, customers):
    card = pipe.create({"title": "T", "customer_id": customers["张三"]})
    assert pipe.get(card.id).next_follow_up is None
    later = dt.datetime(2026, 12, 10, 2, tzinfo=UTC)
    pipe.plan_follow_up(card.id, "报价回访", later)
    pipe.plan_follow_up(card.id, "电话确认", later - dt.timedelta(days=3), "visit")
    nxt = pipe.get(card.id).next_follow_up
    assert (nxt.subject, nxt.type, nxt.due_at) == ("电话确认", "visit",
                                                   later - dt.timedelta(days=3))
    with pytest.raises(ValidationError):
        pipe.plan_follow_up(card.id, "", later)
    pipe.delete(card.id, pipe.get(card.id).card.version)
    assert all(not col.cards for col in pipe.board())
    assert pipe.funnel(later - dt.timedelta(days=400), later).stages[0].entered == 0


def test_lost_reasons_are_a_team_list_managers_set(svc, pipe):
    assert pipe.lost_reasons() == ([], 0)
    version = pipe.save_lost_reasons([" 价格偏高 ", "竞争对手", "价格偏高", ""], 0)
    assert pipe.lost_reasons() == (["价格偏高", "竞争对手"], version)
    with pytest.raises(ConflictError):
        pipe.save_lost_reasons(["x"], 0)
    sales = svc.users.create("lisi", "李四", "sales")
    with pytest.raises(PermissionDenied):
        PipelineService(svc.db, sales).save_lost_reasons(["x"], version)


def test_the_service_team_is_told_of_the_onboarding_ticket(svc, pipe, customers):
    from desktop_crm.services.notifications import NotificationService
    agent = svc.users.create("zhaomin", "赵敏", "service")
    svc.users.create("qianli", "钱力", "sales")
    card = pipe.create({"title": "门禁系统", "customer_id": customers["张三"],
                        "amount": "50000"})
    pipe.move(card.id, stage(pipe, "won").id, expected_version=card.version,
              final_amount=Decimal("48000"), close_date=dt.date(2026, 11, 20))
    seen = NotificationService(svc.db, agent).unread()
    assert [n.kind for n in seen] == ["onboarding_ticket"]
    assert seen[0].params["customer_name"] == "张三" and seen[0].params["title"] == "门禁系统"
    assert seen[0].params["ticket_number"]
    sales = svc.users.by_name("qianli")
    assert NotificationService(svc.db, sales).unread() == []


def test_a_managers_team_view(svc, pipe, customers):
    east = svc.users.create("lisi", "李四", "sales", team="华东")
    svc.users.create("wangwu", "王五", "sales", team="华北")
    west = svc.users.by_name("wangwu")
    cid = customers["张三"]
    for title, owner in (("东一", east.id), ("北一", west.id)):
        pipe.create({"title": title, "customer_id": cid, "owner_id": owner,
                     "amount": "1000"})
    assert [c.title for col in pipe.board(BoardFilter(team="华东")) for c in col.cards] \
        == ["东一"]
    now = dt.datetime.now(UTC)
    funnel = pipe.funnel(now - dt.timedelta(days=1), now + dt.timedelta(days=1), team="华北")
    assert funnel.stages[0].entered == 1 and funnel.stages[0].open_count == 1
