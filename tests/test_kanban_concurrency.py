"""Two people dragging the same card at the same moment (issue 8): both moves succeed one after
the other, the card ends in one stage (the last committed move's) and the stage history holds
both moves as an unbroken from -> to chain. Real databases, real threads, one session each."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text

from desktop_crm.models import OpportunityStageChange
from desktop_crm.services.container import Services
from desktop_crm.services.pipeline import PipelineService


@pytest.fixture
def svc(db_url):
    services = Services.open(db_url, upgrade=True)
    yield services
    services.close()


def _stage(pipe, code):
    return next(s for s in pipe.stages() if s.code == code)


def _people(svc) -> tuple[PipelineService, PipelineService]:
    """Two salespeople, each with their own service (and so their own sessions)."""
    a = svc.users.create("wangwu", "王五", "manager")
    b = svc.users.create("zhaoliu", "赵六", "manager")
    return PipelineService(svc.db, a), PipelineService(svc.db, b)


def _history(svc, opportunity_id):
    with svc.db.read() as s:
        return s.execute(
            select(OpportunityStageChange.from_stage_id, OpportunityStageChange.to_stage_id,
                   OpportunityStageChange.user_id)
            .where(OpportunityStageChange.opportunity_id == opportunity_id)
            .order_by(OpportunityStageChange.changed_at, OpportunityStageChange.created_at)
        ).all()


def _check_chain(svc, pipe, card, targets):
    """Both moves are in the history after the card's start, chained, and the card's stage
    is the last one's target."""
    rows = _history(svc, card.id)
    moves = [r for r in rows if r.from_stage_id is not None]
    assert len(moves) == 2
    assert moves[0].from_stage_id == card.stage_id
    assert moves[1].from_stage_id == moves[0].to_stage_id
    assert {m.to_stage_id for m in moves} == set(targets)
    final = pipe.get(card.id).card
    assert final.stage_id == moves[-1].to_stage_id
    assert final.probability == next(s.probability for s in pipe.stages()
                                     if s.id == final.stage_id)


def test_a_move_from_a_board_loaded_before_someone_elses_move_is_kept(svc):
    """The common case: both boards were loaded at version v; the second drop arrives after
    the first was saved. It is not refused and not lost."""
    a, b = _people(svc)
    customer = svc.customers.create({"name": "华为"}).id
    card = a.create({"title": "ERP", "customer_id": customer})
    qualified, proposal = _stage(a, "qualified").id, _stage(a, "proposal").id
    a.move(card.id, qualified, expected_version=card.version)
    moved = b.move(card.id, proposal, expected_version=card.version)  # b's board is stale
    assert moved.stage_id == proposal
    _check_chain(svc, a, card, (qualified, proposal))
    with svc.db.read() as s:
        users = s.scalars(select(OpportunityStageChange.user_id).where(
            OpportunityStageChange.opportunity_id == card.id,
            OpportunityStageChange.from_stage_id.is_not(None))).all()
    assert set(users) == {a.user.id, b.user.id}


def test_two_threads_moving_the_same_card_at_once(svc):
    a, b = _people(svc)
    customer = svc.customers.create({"name": "华为"}).id
    card = a.create({"title": "ERP", "customer_id": customer})
    targets = {a: _stage(a, "qualified").id, b: _stage(a, "negotiation").id}
    errors: list[BaseException] = []

    blocker = None
    if not svc.db.is_sqlite:
        # Hold the card's row, so both moves are in flight before either can write; then
        # let go. (On SQLite writers take turns anyway; the threads start together.)
        blocker = svc.db.engine.connect()
        blocker.execute(text("SELECT id FROM opportunities WHERE id = :i FOR UPDATE"),
                        {"i": card.id})
    start = threading.Barrier(2)

    def drag(pipe):
        try:
            start.wait()
            pipe.move(card.id, targets[pipe], expected_version=card.version)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=drag, args=(p,)) for p in (a, b)]
    for t in threads:
        t.start()
    if blocker is not None:
        with svc.db.engine.connect() as watch:
            while True:  # both moves wait for the row lock (no time limit: a wait, not a test)
                waiting = watch.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'")).scalar()
                if waiting == 2 or errors:
                    break
                watch.rollback()
                threading.Event().wait(0.02)
        blocker.rollback()
        blocker.close()
    for t in threads:
        t.join()
    assert errors == []
    _check_chain(svc, a, card, targets.values())
