"""Benchmark the ticket list with 500,000 tickets: opening it, changing a filter, and the
per-minute refresh of the SLA clocks.

    python bench/bench_tickets.py                  # builds bench/out/tickets_500k.sqlite3
    python bench/bench_tickets.py --runs 7

The database: a demo (``generate_demo``, 20,000 customers, its staff and SLA policies) topped
up with tickets inserted in bulk until ``--tickets`` exist: opened over three years, the old
ones closed or resolved, a few thousand still open, due times from the team's business hours
and holidays (the same ``BusinessCalendar`` the app uses). Figures (milliseconds, medians of
``--runs``):

- ``service``: ``TicketService.page`` (first 200 rows) and ``count`` for each filter;
- ``open_ms``: a new ``TicketsSection`` until its first page is shown and painted;
- ``filter_ms``: from a filter change (status, priority, breached, due soon, a search text)
  until the list shows the new rows, painted;
- ``clock_refresh_ms``: the per-minute refresh of the time-left column on the UI thread,
  for the rows loaded.

Prints one JSON object with the peak resident memory. Run offscreen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchlib import ms, peak_rss_mb, wait_for  # noqa: E402

HERE = Path(__file__).resolve().parent
SUBJECTS = ("打印机卡纸", "发票抬头错误", "软件升级后报错", "设备无法开机", "预约安装调试",
            "产品质量投诉", "退货申请", "账号无法登录", "物流延误", "配件缺失")






def build(path: Path, tickets: int) -> None:
    from sqlalchemy import func, insert, select

    from desktop_crm.models import Customer, SlaPolicy, Ticket, User
    from desktop_crm.services.business_hours import load_calendar
    from desktop_crm.services.container import Services
    from desktop_crm.services.demo import generate_demo

    if path.exists():
        path.unlink()
    svc = Services.open(f"sqlite:///{path}")
    generate_demo(svc.db, 20_000, seed=3)
    now = dt.datetime.now(dt.timezone.utc)
    svc.holidays.ensure_years(range(now.year - 3, now.year + 2))  # the three years back
    cal = load_calendar(svc.db, svc.user, now=now, years_ahead=1)
    rng = random.Random(3)
    with svc.db.session() as s:
        have = s.scalar(select(func.count()).select_from(Ticket))
        cids = list(s.scalars(select(Customer.id)))
        agents = list(s.scalars(select(User.id).where(User.role == "service"))) or \
            list(s.scalars(select(User.id)))
        policies = {p.priority: p for p in s.scalars(select(SlaPolicy).where(
            SlaPolicy.tier == "", SlaPolicy.deleted_at.is_(None)))}
        top = s.scalar(select(func.count()).select_from(Ticket)) or 0
    rows = []
    span = 3 * 365 * 86400
    for i in range(max(0, tickets - have)):
        opened = now - dt.timedelta(seconds=span * rng.random() ** 1.6)
        age_days = (now - opened).total_seconds() / 86400
        pr = rng.choices(("low", "normal", "high", "urgent"), (20, 55, 20, 5))[0]
        p = policies[pr]
        resp_due = cal.add(opened, p.response_minutes * 60)
        res_due = cal.add(opened, p.resolve_minutes * 60)
        r = rng.random()
        if age_days > 30:
            status = "closed" if r < 0.97 else "resolved" if r < 0.995 else "in_progress"
        elif age_days > 3:
            status = ("closed", "resolved", "in_progress", "waiting")[min(3, int(r * 4))]
        else:
            status = ("new", "in_progress", "waiting", "resolved")[min(3, int(r * 4))]
        responded = status != "new"
        first = opened + (resp_due - opened) * rng.uniform(0.1, 1.4) if responded else None
        done = status in ("resolved", "closed")
        resolved = opened + (res_due - opened) * rng.uniform(0.2, 1.5) if done else None
        if first is not None and first > now:
            first = None
        if resolved is not None and resolved > now:
            resolved, done, status = None, False, "in_progress"
        rows.append(dict(
            id=uuid.uuid4(), created_at=opened, updated_at=resolved or first or opened,
            version=1, deleted_at=None, number=f"T{top + i + 1:07d}",
            customer_id=rng.choice(cids), contact_id=None, subject=rng.choice(SUBJECTS),
            description="", priority=pr, status=status,
            assignee_id=rng.choice(agents) if status != "new" or r < 0.5 else None,
            sla_policy_id=p.id, opened_at=opened, first_response_at=first,
            resolved_at=resolved, closed_at=resolved if status == "closed" else None,
            response_due=resp_due, resolve_due=res_due,
            satisfaction=rng.randint(1, 5) if done and r < 0.8 else None,
            opportunity_id=None, interaction_id=None, satisfaction_comment="",
            paused_at=(first or opened) if status == "waiting" else None,
            paused_seconds=0.0,
            sla_due=None if done else (res_due if first is not None else resp_due),
            response_escalation=2 if (first or now) > resp_due else 0,
            resolve_escalation=2 if (resolved or now) > res_due else 0))
        if len(rows) >= 5000:
            with svc.db.session() as s:
                s.execute(insert(Ticket), rows)
            rows = []
    if rows:
        with svc.db.session() as s:
            s.execute(insert(Ticket), rows)
    with svc.db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    svc.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=HERE / "out" / "tickets_500k.sqlite3")
    ap.add_argument("--tickets", type=int, default=500_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()

    args.db.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if args.rebuild or not args.db.exists():
        build(args.db, args.tickets)
    build_s = time.perf_counter() - t0

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import func, select

    from desktop_crm.models import Ticket
    from desktop_crm.services.container import Services
    from desktop_crm.services.tickets import OPEN, STATUSES, TicketQuery
    from desktop_crm.views.tickets_section import TicketsSection

    app = QApplication.instance() or QApplication(sys.argv[:1])
    svc = Services.open(f"sqlite:///{args.db}")
    with svc.db.read() as s:
        total = s.scalar(select(func.count()).select_from(Ticket))
        open_n = s.scalar(select(func.count()).select_from(Ticket).where(
            Ticket.status.in_(OPEN)))
    now = dt.datetime.now(dt.timezone.utc)
    filters = {
        "open": TicketQuery(), "all": TicketQuery(statuses=STATUSES),
        "breached": TicketQuery(breached=True), "due_soon": TicketQuery(due_soon=True),
        "urgent": TicketQuery(priorities=("urgent",)),
        "all_by_opened": TicketQuery(statuses=STATUSES, sort="opened", descending=True),
        "search": TicketQuery(statuses=STATUSES, text="打印机"),
    }
    service: dict[str, dict[str, float]] = {}
    for name, q in filters.items():
        page_t, count_t = [], []
        for _ in range(args.runs):
            t = time.perf_counter()
            svc.tickets.page(q, now=now)
            page_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            n = svc.tickets.count(q, now=now)
            count_t.append(time.perf_counter() - t)
        service[name] = {"page_ms": ms(page_t), "count_ms": ms(count_t), "rows": n}


    open_times = []
    section = None
    for _ in range(args.runs):
        if section is not None:
            section.close()
            QThreadPool.globalInstance().waitForDone(60000)
            section.deleteLater()
            app.processEvents()
        t = time.perf_counter()
        section = TicketsSection(svc)
        section.resize(1400, 900)
        section.show()
        wait_for(section.loaded)
        section.table.viewport().repaint()
        open_times.append(time.perf_counter() - t)

    changes = {
        "status_all": lambda: section.status.setCurrentIndex(section.status.count() - 1),
        "status_open": lambda: section.status.setCurrentIndex(0),
        "breached": lambda: section.breached.setChecked(True),
        "breached_off": lambda: section.breached.setChecked(False),
        "due_soon": lambda: section.due_soon.setChecked(True),
        "due_soon_off": lambda: section.due_soon.setChecked(False),
        "priority": lambda: section.priority.setCurrentIndex(section.priority.count() - 1),
        "priority_all": lambda: section.priority.setCurrentIndex(0),
    }
    filter_times: dict[str, list[float]] = {k: [] for k in changes}
    for _ in range(args.runs):
        for name, change in changes.items():
            t = time.perf_counter()
            change()
            wait_for(section.loaded)
            section.table.viewport().repaint()
            filter_times[name].append(time.perf_counter() - t)
    all_filters = [x for v in filter_times.values() for x in v]

    clock_times = []
    model = section.model
    for k in range(args.runs * 3):
        at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=k)
        t = time.perf_counter()
        model.refresh_clocks(at)
        section.table.viewport().repaint()
        clock_times.append(time.perf_counter() - t)
    QThreadPool.globalInstance().waitForDone(60000)

    out = {
        "database": str(args.db), "tickets": total, "open": open_n,
        "build_s": round(build_s, 1), "runs": args.runs,
        "service": service,
        "open_ms": ms(open_times),
        "filter_ms": {k: ms(v) for k, v in filter_times.items()},
        "filter_median_ms": ms(all_filters),
        "clock_refresh_ms": ms(clock_times), "rows_loaded": model.rowCount(),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "targets": {"open_ms": 1000, "filter_median_ms": 200, "clock_refresh_ms": 20},
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    svc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
