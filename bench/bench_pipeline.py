"""Benchmark the kanban board with 5,000 open opportunities: opening it, and a drag and drop.

    python bench/bench_pipeline.py                     # builds bench/out/pipeline_5000.sqlite3
    python bench/bench_pipeline.py --open 5000 --runs 5 --drops 40

The database: a small demo (customers, staff, stages, history) plus open opportunities
inserted in bulk until ``--open`` are open, spread over the four open stages. Figures (medians
of ``--runs`` runs, seconds):

- ``board_service``: ``PipelineService.board()`` alone (the query and the cards);
- ``lead_scores``: ``LeadScoringService.scores()`` for the open cards, when it exists;
- ``open``: a new ``PipelineSection`` until its board is loaded and painted (the worker
  thread's query, the scores, the columns set, one full paint of the board), as a user
  waits for it after choosing the section;
- ``funnel_after_open``: then until the funnel figures (computed in a worker after the board
  is shown) are drawn;
- ``drop``: a real mouse drag (press, moves, release through ``QTest``) of a card to another
  open column, until the move is saved (one transaction) and the board repainted; ``--drops``
  of them, each to a different place;
- ``drop_saved`` of which the service call.

Prints one JSON object with the peak resident memory of the process. Run offscreen
(QT_QPA_PLATFORM=offscreen is set when no display is given).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def med(times: list[float]) -> float:
    return round(statistics.median(times), 4)


def build(path: Path, open_deals: int, customers: int) -> None:
    """A demo database with exactly ``open_deals`` open opportunities."""
    from sqlalchemy import func, insert, select

    from desktop_crm.models import (
        Customer, Opportunity, OpportunityStageChange, OpportunityStatus, User,
    )
    from desktop_crm.services.container import Services
    from desktop_crm.services.demo import generate_demo

    if path.exists():
        path.unlink()
    svc = Services.open(f"sqlite:///{path}")
    generate_demo(svc.db, customers, seed=5)
    stages = [s for s in svc.pipeline.stages() if not (s.is_won or s.is_lost)]
    rng = random.Random(5)
    now = dt.datetime.now(dt.timezone.utc)
    with svc.db.session() as s:
        have = s.scalar(select(func.count()).select_from(Opportunity)
                        .where(Opportunity.status == OpportunityStatus.OPEN.value))
        cids = list(s.scalars(select(Customer.id)))
        owners = list(s.scalars(select(User.id)))
        top = s.scalar(select(func.max(Opportunity.position))) or 0
        rows, history = [], []
        for i in range(max(0, open_deals - have)):
            st = stages[i % len(stages)]
            entered = now - dt.timedelta(days=rng.randint(0, 90))
            oid = uuid.uuid4()
            rows.append(dict(
                id=oid, customer_id=rng.choice(cids), title=f"扩容项目 {i:05d}",
                amount=Decimal(rng.randrange(5, 500)) * 1000, currency="CNY",
                stage_id=st.id, probability=st.probability,
                expected_close=(now + dt.timedelta(days=rng.randint(-10, 120))).date(),
                owner_id=rng.choice(owners), status="open", lost_reason="",
                stage_entered_at=entered, position=top + (i + 1) * 1024, notes="",
                created_at=entered, updated_at=entered, version=1))
            history.append(dict(id=uuid.uuid4(), opportunity_id=oid, from_stage_id=None,
                                to_stage_id=st.id, changed_at=entered, created_at=entered,
                                updated_at=entered, version=1))
        for chunk in range(0, len(rows), 2000):
            s.execute(insert(Opportunity), rows[chunk:chunk + 2000])
            s.execute(insert(OpportunityStageChange), history[chunk:chunk + 2000])
    svc.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=HERE / "out" / "pipeline_5000.sqlite3")
    ap.add_argument("--open", type=int, default=5000, help="open opportunities")
    ap.add_argument("--customers", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--drops", type=int, default=40)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()

    args.db.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if args.rebuild or not args.db.exists():
        build(args.db, args.open, args.customers)
    build_s = time.perf_counter() - t0

    from PySide6.QtCore import QEventLoop, Qt, QThreadPool, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop_crm.services.container import Services
    from desktop_crm.services.pipeline import BoardFilter
    from desktop_crm.views.pipeline_section import PipelineSection

    app = QApplication.instance() or QApplication(sys.argv[:1])
    svc = Services.open(f"sqlite:///{args.db}")
    leads = getattr(svc, "leads", None)

    service_times, score_times = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        columns = svc.pipeline.board(BoardFilter())
        service_times.append(time.perf_counter() - t)
        if leads is not None:
            ids = [c.id for col in columns for c in col.cards if c.status == "open"]
            t = time.perf_counter()
            leads.scores(ids)
            score_times.append(time.perf_counter() - t)
    open_cards = sum(len(c.cards) for c in columns if not (c.stage.is_won or c.stage.is_lost))

    def wait_for(signal, timeout_ms: int = 60000) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()

    open_times, funnel_times = [], []
    section = None
    for _ in range(args.runs):
        if section is not None:
            section.close()
            QThreadPool.globalInstance().waitForDone(60000)
            section.deleteLater()
            app.processEvents()
        t = time.perf_counter()
        section = PipelineSection(svc)
        section.resize(1600, 1000)
        section.show()
        wait_for(section.board_loaded)
        section.board.viewport().repaint()
        open_times.append(time.perf_counter() - t)
        # the funnel figures follow the board: let them finish before the next run
        t = time.perf_counter()
        if section.funnel is None:
            wait_for(section.funnel_loaded)
        funnel_times.append(time.perf_counter() - t)

    board = section.board
    vp = board.viewport()
    open_cols = [i for i, c in enumerate(board.columns())
                 if not (c.stage.is_won or c.stage.is_lost)]
    rng = random.Random(7)
    drop_times, saved_times = [], []
    original_move = svc.pipeline.move

    def timed_move(*a, **kw):
        t = time.perf_counter()
        try:
            return original_move(*a, **kw)
        finally:
            saved_times.append(time.perf_counter() - t)
    svc.pipeline.move = timed_move
    for _ in range(args.drops):
        src = rng.choice(open_cols)
        dst = rng.choice([c for c in open_cols if c != src])
        cards = board.cards(src)
        card = cards[rng.randrange(min(len(cards), 8))]
        start = board.card_center(card.id)
        to = board.drop_point(dst, rng.randrange(4))
        QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        for k in range(1, 4):
            QTest.mouseMove(vp, start + (to - start) * k / 3)
        t = time.perf_counter()
        QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, to)
        vp.repaint()
        drop_times.append(time.perf_counter() - t)
        moved = board.find(card.id)
        assert moved is not None and moved[0] == dst, "the drop did not land"
    svc.pipeline.move = original_move

    result = {
        "database": str(args.db),
        "open_opportunities": open_cards,
        "cards_on_board": sum(len(c.cards) for c in columns),
        "build_s": round(build_s, 2),
        "runs": args.runs,
        "board_service_s": med(service_times),
        "lead_scores_s": med(score_times) if score_times else None,
        "open_s": med(open_times),
        "open_all_s": [round(x, 4) for x in open_times],
        "funnel_after_open_s": med(funnel_times),
        "drops": args.drops,
        "drop_ms": round(med(drop_times) * 1000, 1),
        "drop_p90_ms": round(sorted(drop_times)[int(len(drop_times) * 0.9)] * 1000, 1),
        "drop_saved_ms": round(med(saved_times) * 1000, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "targets": {"open_s": 1.0, "drop_ms": 100},
    }
    section.close()
    QThreadPool.globalInstance().waitForDone(60000)
    section.deleteLater()
    app.processEvents()
    svc.close()
    print(json.dumps(result, indent=2, ensure_ascii=False))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
