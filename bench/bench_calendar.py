"""Benchmark the Calendar section with 200,000 activities: switching views, moving to the next
period, and dragging an activity.

    python bench/bench_calendar.py                 # builds bench/out/calendar_200k.sqlite3
    python bench/bench_calendar.py --runs 7 --moves 60

The database: a demo (``generate_demo``) big enough for ``--activities`` activities (1.3 per
customer, plus one follow-up per open deal). Figures (milliseconds, medians of ``--runs``):

- ``switch_ms``: for each view (today, day, week, month, agenda), from the click on its button
  until the worker's answer is shown and the page repainted: what a user waits for;
- ``next_ms``: the same for the Next button in the week and month views;
- for two people: ``sales``, the salesperson with the most activities (their own), and
  ``admin``, everyone's follow-ups (a manager of the whole company);
- ``drag_move_ms``: a mouse move while dragging an activity in the week grid (the event and
  the repaint it causes), median and p90 over ``--moves`` moves; ``drop_ms``: the release,
  saved (one transaction) and repainted.

Prints one JSON object with the peak resident memory. Run offscreen.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchlib import ms, p90_ms, peak_rss_mb, wait_for  # noqa: E402

HERE = Path(__file__).resolve().parent








def build(path: Path, activities: int) -> None:
    from desktop_crm.services.container import Services
    from desktop_crm.services.demo import generate_demo

    if path.exists():
        path.unlink()
    svc = Services.open(f"sqlite:///{path}")
    generate_demo(svc.db, math.ceil(activities / 1.3), seed=11)
    svc.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=HERE / "out" / "calendar_200k.sqlite3")
    ap.add_argument("--activities", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--moves", type=int, default=60)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()

    args.db.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if args.rebuild or not args.db.exists():
        build(args.db, args.activities)
    build_s = time.perf_counter() - t0

    from PySide6.QtCore import QPoint, Qt, QThreadPool
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import func, select

    from desktop_crm.models import Activity
    from desktop_crm.services.container import Services
    from desktop_crm.services.followups import FollowUpService
    from desktop_crm.views.calendar_section import (
        AGENDA, DAY, MONTH, TODAY, WEEK, CalendarSection,
    )

    app = QApplication.instance() or QApplication(sys.argv[:1])
    svc = Services.open(f"sqlite:///{args.db}")
    with svc.db.read() as s:
        total = s.scalar(select(func.count()).select_from(Activity))
        busiest = s.execute(select(Activity.owner_id, func.count()).group_by(Activity.owner_id)
                            .order_by(func.count().desc()).limit(1)).first()
    admin = svc.user


    def page(section):
        return section.stack.currentWidget()

    def repaint(section) -> None:
        w = page(section)
        (w.viewport() if hasattr(w, "viewport") else w).repaint()

    results: dict[str, dict] = {}
    section = None
    for who, user in (("sales", svc.users.get(busiest[0])), ("admin", admin)):
        svc.user = user
        svc.followups = FollowUpService(svc.db, user)
        section = CalendarSection(svc)
        section.resize(1400, 900)
        section.show()
        wait_for(section.loaded)
        switch: dict[str, list[float]] = {v: [] for v in (TODAY, DAY, WEEK, MONTH, AGENDA)}
        nexts: dict[str, list[float]] = {WEEK: [], MONTH: []}
        shown: dict[str, int] = {}
        for _ in range(args.runs):
            for view in (DAY, WEEK, MONTH, AGENDA, TODAY):
                t = time.perf_counter()
                section.view_buttons[view].click()
                wait_for(section.loaded)
                repaint(section)
                switch[view].append(time.perf_counter() - t)
                shown[view] = len(section.items)
            for view in (WEEK, MONTH):
                section.set_view(view)
                wait_for(section.loaded)
                t = time.perf_counter()
                section.next_button.click()
                wait_for(section.loaded)
                repaint(section)
                nexts[view].append(time.perf_counter() - t)
                section.prev_button.click()
                wait_for(section.loaded)
        QThreadPool.globalInstance().waitForDone(60000)
        results[who] = {
            "user": user.username,
            "items_shown": shown,
            "switch_ms": {v: ms(t) for v, t in switch.items()},
            "next_ms": {v: ms(t) for v, t in nexts.items()},
        }
        if who == "admin":
            break
        section.close()
        section.deleteLater()
        app.processEvents()

    # dragging in the week grid, as the salesperson
    svc.user = svc.users.get(busiest[0])
    svc.followups = FollowUpService(svc.db, svc.user)
    section.close()
    section = CalendarSection(svc)
    section.resize(1400, 900)
    section.show()
    wait_for(section.loaded)
    section.set_view(WEEK)
    wait_for(section.loaded)
    grid = section.grid
    vp = grid.viewport()
    candidates = [i for i in grid.items() if not i.done]
    move_times, drop_times = [], []
    for n, item in enumerate(candidates[:max(1, args.runs)]):
        grid.ensure_visible(str(item.id))
        rect = grid.item_rect(str(item.id))
        start = QPoint(rect.center().x(), rect.top() + 6)
        QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        steps = max(4, args.moves // max(1, args.runs))
        for k in range(1, steps + 1):
            to = start + QPoint((k % 3) * 40, k * 3)
            t = time.perf_counter()
            QTest.mouseMove(vp, to)
            vp.repaint()
            move_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, to)
        vp.repaint()
        drop_times.append(time.perf_counter() - t)
        app.processEvents()
    QThreadPool.globalInstance().waitForDone(60000)

    out = {
        "database": str(args.db),
        "activities": total,
        "build_s": round(build_s, 1),
        "runs": args.runs,
        **results,
        "drag_move_ms": ms(move_times),
        "drag_move_p90_ms": p90_ms(move_times),
        "drop_ms": ms(drop_times),
        "drops": len(drop_times),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "targets": {"switch_ms": 150, "next_ms": 150},
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    svc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
