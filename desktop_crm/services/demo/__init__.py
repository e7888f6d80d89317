"""Demo data: a realistic Chinese SME's CRM (staff, customers, contacts, orders, history,
pipeline, tickets), generated in bulk.

``generate_demo(db, customers=N)`` is what ``desktop-crm demo`` and the GUI's first-start
offer call. It is built for size: one million customers with about ten million orders.

How it stays fast (1M customers / 10M orders: about 6 minutes on SQLite, 2 cores)
--------------------------------------------------------------------------------
* Faker is slow per call, so it is used once, to build seeded *pools* (Chinese and English
  person names, company names composed from Faker's and our own word lists, street
  addresses). Customers and contacts sample those pools with numpy. The pinyin of every
  pooled name is computed once with :func:`desktop_crm.services.text.pinyin_of`, and
  ``name_pinyin``, ``name_initials``, ``sort_name`` and ``search_text`` are built exactly
  as :class:`CustomerService` builds them, so search and sorting work on demo rows as on
  hand-made ones. Names repeat (a pool holds up to 50,000 companies and 30,000 people).
* Everything per row (dates, amounts, statuses, foreign keys) is drawn vectorised, a chunk
  of customers at a time. Ids are random UUID4 hex strings made in bulk from
  ``os.urandom`` (see :func:`_uuids` for why each chunk's ids are larger than the last
  one's); timestamps are formatted the way the ORM stores them (SQLite: naive UTC
  ``YYYY-MM-DD HH:MM:SS.ffffff``; PostgreSQL: the same with ``+00``).
* Rows are written through the driver, bypassing the ORM: SQLite ``executemany`` and
  PostgreSQL ``COPY`` (psycopg 3 ``cursor.copy``). A transaction holds whole customers with
  all their child rows and advances the customer-code and ticket-number counters, so
  every commit leaves a consistent database. On SQLite the search index is filled with
  one ``INSERT ... SELECT`` per chunk instead of its per-row trigger (see
  :meth:`_Writer._write`).

Sizes (per customer, on average): 10 orders, 1.65 contacts per company (1-3), 2.5
interactions, 1.3 activities (plus one planned follow-up per open opportunity), 0.3
opportunities (with 1-5 stage-history rows each) and 0.2 tickets. These ratios are kept at
every size: at one million customers they add about 6 million rows to the 10 million
orders, which still fits the time budget, so nothing is scaled down.

The seed decides every name, number and date offset; ids are always random (two
databases filled with the same seed must still be able to sync with each other) and dates
are relative to the day the data is generated.
"""


from __future__ import annotations

import datetime as dt
import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from sqlalchemy import func, select

from desktop_crm.models import Customer, Order, Ticket

from .. import errors
from ..db import Database
from .arrays import _Clock
from .defaults import ensure_default_sla_policies, ensure_default_stages
from .generator import _Generator
from .pools import _Pools
from ..counters import ensure_counter as _ensure_counter
from ..counters import max_numbered as _max_numbered
from ..counters import reserve as _reserve
from .staff import _ensure_staff
from .vocab import MAX_CHUNK, MAX_COMMIT
from .writer import WRITE_ORDER, _SqliteTuning, _Writer

__all__ = ["Cancelled", "DemoSummary", "ensure_default_sla_policies",
           "ensure_default_stages", "generate_demo"]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], "bool | None"]


@dataclass(frozen=True)
class DemoSummary:
    """Rows this call added (existing rows are not counted) and the time it took."""

    users: int
    customers: int
    contacts: int
    orders: int
    interactions: int
    activities: int
    opportunities: int
    tickets: int
    seconds: float


# The progress callback asked to stop; batches committed before the request stay.
Cancelled = errors.Cancelled


# --------------------------------------------------------------------------------------
# Entry point


def _sizes(n: int) -> tuple[int, int]:
    """(customers generated and written at a time, customers per transaction).

    Small chunks keep memory flat (a chunk of 20,000 customers is ~200,000 orders) and let
    the progress callback run every few seconds; big transactions keep the number of
    commits low (~10 up to a million customers): every commit rewrites the pages of the
    indexes that grow in random places (customer name, owner, ...), so fewer commits is
    less writing.
    """
    chunk = int(min(MAX_CHUNK, max(50, math.ceil(n / 50))))
    per_commit = min(MAX_COMMIT, max(chunk, math.ceil(n / 10)))
    return chunk, max(1, round(per_commit / chunk)) * chunk


def _demo_targets(db: Database, rng: np.random.Generator, today: dt.date) -> None:
    """Sales targets for last month, this month and this quarter, for every salesperson
    without one: about what they sold a month over the last three months, a little more
    (so some reach it and some do not), and a few new customers. Periods that already have
    targets are left alone."""
    from desktop_crm.models import Role, SalesTarget, User

    from ..periods import add_months
    from ..targets import period_of

    this = today.replace(day=1)
    start = add_months(this, -3)
    with db.session() as s:
        people = list(s.scalars(select(User.id).where(
            User.role == Role.SALES.value, User.active.is_(True), User.deleted_at.is_(None))))
        if not people:
            return
        sold = dict(s.execute(
            select(Customer.owner_id, func.sum(Order.amount))
            .join(Customer, Customer.id == Order.customer_id)
            .where(Order.status == "paid", Order.deleted_at.is_(None),
                   Order.order_date >= start, Order.order_date < this)
            .group_by(Customer.owner_id)).all())
        have = {(p, u) for p, u in s.execute(select(SalesTarget.period, SalesTarget.user_id))}
        periods = (period_of(add_months(this, -1)), period_of(this),
                   period_of(this, quarter=True))
        for uid in people:
            monthly = float(sold.get(uid) or 0) / 3
            if monthly <= 0:
                continue
            for period in periods:
                if (period, uid) in have:
                    continue
                months = 3 if "Q" in period else 1
                factor = float(rng.uniform(0.9, 1.3))
                revenue = round(monthly * months * factor, -3)
                s.add(SalesTarget(period=period, user_id=uid, team="",
                                  revenue=Decimal(str(revenue)),
                                  new_customers=int(rng.integers(2, 8)) * months))


def generate_demo(db: Database, customers: int, seed: int | None = None,
                  progress: ProgressCallback | None = None) -> DemoSummary:
    """Fill ``db`` with ``customers`` demo customers and everything around them.

    Existing data is kept: staff are added next to existing users (up to 5-20 staff in
    all, by size), default pipeline stages and SLA policies only if there are none, and
    customer codes / ticket numbers continue from their counters (which are advanced in
    the same transaction as the rows that use them, so later manual creates never collide).

    ``progress(stage, done, total)`` is called before the first customer and then every
    few thousand customers (stage ``"customers"``; ``done`` counts customers written). If
    it returns ``False`` the generation stops and raises :class:`Cancelled`: the
    transaction in progress is rolled back, and what was committed before stays in the
    database, complete - a transaction holds whole customers with all their rows and the
    counter updates (up to 100,000 customers, about a tenth of the run), so there is never
    a half-written batch.

    ``seed`` makes names, numbers and dates reproducible (ids are always random; dates are
    relative to today). The summary counts the rows this call added.
    """
    if customers < 0:
        raise ValueError("customers must be >= 0")
    t0 = time.perf_counter()
    if seed is None:
        seed = secrets.randbits(32)
    log.info("demo data: %d customers, seed %d, into %s", customers, seed, db.describe())
    rng = np.random.default_rng(seed)
    pg = db.dialect == "postgresql"
    clock = _Clock(dt.datetime.now(dt.timezone.utc), pg)
    totals = dict.fromkeys(WRITE_ORDER, 0)

    def report(done: int) -> None:
        if progress is not None and progress("customers", done, customers) is False:
            kept = totals["customers"]
            log.info("demo data cancelled at %d of %d customers; %d committed before stay",
                     done, customers, kept)
            raise Cancelled(f"cancelled; {kept} of {customers} demo customers were kept")

    report(0)
    pools = _Pools(np.random.default_rng(rng.integers(0, 2**63)), seed, customers)
    with db.session() as s:
        stages = ensure_default_stages(s)
        sla = ensure_default_sla_policies(s)
        _ensure_counter(s, "customer_code", max(
            _max_numbered(s, Customer.code, "C"),
            int(s.scalar(select(func.count()).select_from(Customer)) or 0)))
        _ensure_counter(s, "ticket_number", _max_numbered(s, Ticket.number, "T"))
        staff = _ensure_staff(s, np.random.default_rng(rng.integers(0, 2**63)),
                              pools.cn_person[0], customers)
    gen = _Generator(np.random.default_rng(rng.integers(0, 2**63)), pools, clock, staff,
                     stages, sla)
    if customers:
        with db.read() as s:
            if s.scalar(select(Order.id).limit(1)) is not None:  # a second run: SO numbers
                gen.continue_order_numbers(dict(s.execute(  # go on (uses ix_orders_date)
                    select(Order.order_date, func.count()).group_by(Order.order_date)).all()))
    log.info("demo data: pools and staff ready in %.1f s", time.perf_counter() - t0)

    chunk, per_commit = _sizes(customers)
    gen.strata = max(1, math.ceil(customers / chunk))
    done = 0
    with db.engine.connect() as conn:
        tuning = None if pg else _SqliteTuning(conn, customers)
        writer = _Writer(conn)
        try:
            while done < customers:
                # One transaction per ``per_commit`` customers, written ``chunk`` at a time.
                pending = dict.fromkeys(WRITE_ORDER, 0)
                with conn.begin():
                    end = min(customers, done + per_commit)
                    while done < end:
                        n = min(chunk, end - done)
                        batch = gen.batch(_reserve(conn, "customer_code", n), n)
                        tickets = batch["tickets"]
                        if tickets.n:
                            first = _reserve(conn, "ticket_number", tickets.n)
                            tickets.set("number", [f"T{i:06d}" for i in
                                                   range(first, first + tickets.n)])
                        for table in WRITE_ORDER:
                            writer.write(batch[table])
                            pending[table] += batch[table].n
                        del batch, tickets
                        gen.stratum += 1
                        done += n
                        if done < end:
                            report(done)  # Cancelled here rolls this transaction back
                for table, k in pending.items():
                    totals[table] += k
                report(done)
        finally:
            log.debug("demo data: seconds writing per table: %s",
                      {k: round(v, 1) for k, v in writer.seconds.items()})
            if tuning is not None:
                tuning.restore()
        if pg and customers:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()

    if customers:
        today = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()  # Beijing
        _demo_targets(db, np.random.default_rng(rng.integers(0, 2**63)), today)
    seconds = time.perf_counter() - t0
    summary = DemoSummary(
        users=staff.created, customers=totals["customers"], contacts=totals["contacts"],
        orders=totals["orders"], interactions=totals["interactions"],
        activities=totals["activities"], opportunities=totals["opportunities"],
        tickets=totals["tickets"], seconds=round(seconds, 3))
    log.info("demo data done: %s", summary)
    return summary
