"""The demo-data generator, on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from desktop_crm.models import (
    Activity, Base, Contact, Counter, Customer, CustomerAssignment, Interaction, Opportunity,
    OpportunityStageChange, Order, PipelineStage, SlaPolicy, Ticket, User,
)
from desktop_crm.services.customers import CustomerQuery, CustomerService, format_code
from desktop_crm.services.db import Database
from desktop_crm.services.demo import (
    Cancelled, DemoSummary, ensure_default_sla_policies, ensure_default_stages, generate_demo,
)
from desktop_crm.services.demo.defaults import DEFAULT_STAGES
from desktop_crm.services.demo.rows import SYNC_COLS, TABLES
from desktop_crm.services.text import (
    normalize_email, normalize_phone, pinyin_of, search_text, sort_name_of,
)
from desktop_crm.services.users import UserService

N = 200
SEED = 20240305
REGIONS = {"华东", "华北", "华南", "华中", "西南", "西北", "东北"}


def count(db: Database, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def customers_by_code(db: Database) -> list[Customer]:
    with db.read() as s:
        return list(s.scalars(select(Customer).order_by(Customer.code)))


def finds(svc: CustomerService, query: str, customer_id: uuid.UUID) -> bool:
    """Whether the customer list filtered by ``query`` shows the customer (paging through)."""
    after = None
    while True:
        page = svc.page(CustomerQuery(text=query), after=after)
        if any(r.id == customer_id for r in page.rows):
            return True
        if not page.has_more:
            return False
        after = page.last_key


@pytest.fixture
def demo(db) -> tuple[Database, DemoSummary]:
    return db, generate_demo(db, N, seed=SEED)


def test_demo_writes_every_column_of_its_tables():
    """Rows bypass the ORM, so a column added to a model must be added to the generator
    too (or it silently gets its server default, as sort_name once did)."""
    for table, columns in TABLES.items():
        model_columns = set(Base.metadata.tables[table].columns.keys())
        assert set(columns) | set(SYNC_COLS) == model_columns, table


def test_counts_are_plausible(demo):
    db, summary = demo
    assert summary.customers == N == count(db, Customer)
    assert 5 <= summary.users <= 20
    assert summary.users == count(db, User)
    assert 5 * N <= summary.orders <= 15 * N
    assert 0.5 * N <= summary.contacts <= 2.5 * N
    assert 1 * N <= summary.interactions <= 4 * N
    assert 0.5 * N <= summary.activities <= 3 * N
    assert 0.1 * N <= summary.opportunities <= 0.6 * N
    assert 0.05 * N <= summary.tickets <= 0.5 * N
    for model, n in ((Contact, summary.contacts), (Order, summary.orders),
                     (Interaction, summary.interactions), (Activity, summary.activities),
                     (Opportunity, summary.opportunities), (Ticket, summary.tickets)):
        assert count(db, model) == n, model.__tablename__
    assert summary.seconds > 0


def test_customers_are_complete_and_consistent(demo):
    db, _ = demo
    rows = customers_by_code(db)
    assert [c.code for c in rows] == [format_code(i) for i in range(1, N + 1)]
    kinds = {c.kind for c in rows}
    assert kinds == {"company", "person"}
    companies = sum(c.kind == "company" for c in rows)
    assert 0.6 * N <= companies <= 0.9 * N
    with db.read() as s:
        sales = set(s.scalars(select(User.id).where(User.role == "sales")))
    owned = [c for c in rows if c.owner_id is not None]
    assert 0.85 * N <= len(owned) < N  # about 5% in the public pool
    assert all(c.owner_id in sales for c in owned)
    tiers = {c.tier for c in rows}
    assert tiers <= {"strategic", "growth", "basic", "dormant"}
    assert sum(c.tier == "strategic" for c in rows) < sum(c.tier == "basic" for c in rows)
    for c in rows:
        assert c.name and c.region in REGIONS and c.province and c.city
        assert c.city in c.address or not c.address
        # exactly what CustomerService stores, so search behaves the same on demo data
        assert (c.name_pinyin, c.name_initials) == pinyin_of(c.name)
        assert c.sort_name == sort_name_of(c.name)
        assert c.search_text == search_text(name=c.name, code=c.code,
                                            phones=(c.phone, c.phone2), email=c.email)
        assert normalize_phone(c.phone) == c.phone
        assert c.phone2 == "" or normalize_phone(c.phone2) == c.phone2
        assert c.email == "" or normalize_email(c.email) == c.email
        assert c.custom_fields == {}
        assert c.version == 1 and c.deleted_at is None
        assert c.created_at.tzinfo is not None and c.created_at <= c.updated_at
        assert c.updated_at <= dt.datetime.now(dt.timezone.utc)
    # region, province and city agree with each other everywhere
    pairs = {(c.province, c.region) for c in rows}
    assert len({p for p, _ in pairs}) == len(pairs)


def test_company_sizes_and_pool_history(demo):
    """Companies mostly have a size (people none); every pool customer was returned to the
    pool by the rules from a salesperson; some owned customers were claimed by their owner;
    the pool services work on the result."""
    db, _ = demo
    a = CustomerAssignment
    with db.read() as s:
        customers = {c.id: c for c in s.scalars(select(Customer))}
        sales = set(s.scalars(select(User.id).where(User.role == "sales")))
        history = list(s.scalars(select(a)))
    companies = [c for c in customers.values() if c.kind == "company"]
    assert all(c.employees is None for c in customers.values() if c.kind == "person")
    sized = [c.employees for c in companies if c.employees is not None]
    assert 0.7 * len(companies) <= len(sized) < len(companies)
    assert min(sized) >= 1 and 10 <= sorted(sized)[len(sized) // 2] <= 100
    returns = {h.customer_id: h for h in history if h.action == "return"}
    claims = [h for h in history if h.action == "claim"]
    assert len(returns) + len(claims) == len(history)
    assert set(returns) == {c.id for c in customers.values() if c.owner_id is None}
    assert all(h.from_user_id in sales and h.to_user_id is None and h.by_user_id is None
               and h.reason in ("no_follow_up", "lost") for h in returns.values())
    owned = N - len(returns)
    assert 0.03 * owned <= len(claims) <= 0.2 * owned
    for h in claims:
        owner = customers[h.customer_id].owner_id
        assert (h.to_user_id, h.by_user_id, h.from_user_id, h.reason) == (owner, owner, None,
                                                                          "claim")
    now = dt.datetime.now(dt.timezone.utc)
    assert all(customers[h.customer_id].created_at <= h.at <= now for h in history)

    from desktop_crm.services.pool import PoolService

    admin = UserService(db).ensure_local_user()
    svc = PoolService(db, admin)
    before = svc.pool_size()
    assert before == len(returns)
    back = svc.return_due()
    assert back and svc.pool_size() == before + len(back)
    assert svc.claim(back[0].customer_id).owner_id == admin.id


def test_search_finds_demo_customers(demo):
    db, _ = demo
    svc = CustomerService(db)
    rows = customers_by_code(db)
    company = next(c for c in rows if c.kind == "company" and c.name_initials
                   and len(c.name) >= 6)
    person = next(c for c in rows if c.kind == "person" and c.name_initials)
    assert finds(svc, company.name[1:4], company.id)  # a Chinese substring (trigram index)
    assert finds(svc, company.name_initials, company.id)
    assert finds(svc, person.name[-2:], person.id)  # two characters: too short for trigrams
    assert finds(svc, person.name_initials, person.id)
    assert finds(svc, person.name_pinyin, person.id)
    assert finds(svc, company.code.lower(), company.id)


def test_references_are_valid(demo):
    db, _ = demo
    checks = {
        "orders": "SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
                  "WHERE c.id IS NULL",
        "contacts": "SELECT count(*) FROM contacts x LEFT JOIN customers c "
                    "ON c.id = x.customer_id WHERE c.id IS NULL",
        "interaction contact of another customer":
            "SELECT count(*) FROM interactions i JOIN contacts x ON x.id = i.contact_id "
            "WHERE x.customer_id <> i.customer_id",
        "ticket contact of another customer":
            "SELECT count(*) FROM tickets t JOIN contacts x ON x.id = t.contact_id "
            "WHERE x.customer_id <> t.customer_id",
        "activity opportunity of another customer":
            "SELECT count(*) FROM activities a JOIN opportunities o ON o.id = a.opportunity_id "
            "WHERE o.customer_id <> a.customer_id",
        "orders before their customer":
            "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id "
            "WHERE o.created_at < c.created_at",
        "companies without a contact":
            "SELECT count(*) FROM customers c WHERE c.kind = 'company' AND NOT EXISTS "
            "(SELECT 1 FROM contacts x WHERE x.customer_id = c.id)",
        "people with contacts":
            "SELECT count(*) FROM customers c JOIN contacts x ON x.customer_id = c.id "
            "WHERE c.kind = 'person'",
        "customers with two primary contacts":
            "SELECT count(*) FROM (SELECT customer_id FROM contacts WHERE is_primary = :t "
            "GROUP BY customer_id HAVING count(*) > 1) z",
    }
    with db.read() as s:
        for what, sql in checks.items():
            assert s.execute(text(sql), {"t": True}).scalar() == 0, what
        order_nos = s.execute(text(
            "SELECT count(*), count(DISTINCT order_no) FROM orders")).one()
        assert order_nos[0] == order_nos[1]


def test_orm_reads_demo_rows(demo):
    """Rows written through the driver read back through the ORM with the right types."""
    db, _ = demo
    with db.read() as s:
        order = s.scalars(select(Order).order_by(Order.order_no)).first()
        assert isinstance(order.id, uuid.UUID) and order.id.version == 4
        assert isinstance(order.amount, Decimal) and order.amount > 0
        assert order.amount == order.amount.quantize(Decimal("0.01"))
        assert isinstance(order.order_date, dt.date)
        assert order.created_at.tzinfo == dt.timezone.utc
        assert re.fullmatch(r"SO\d{12}", order.order_no)
        assert order.status in {"paid", "pending", "cancelled", "refunded"}
        statuses = dict(s.execute(select(Order.status, func.count()).group_by(Order.status)).all())
        assert statuses["paid"] > 0.8 * sum(statuses.values())
        first_day = s.scalar(select(func.min(Order.order_date)))
        assert first_day >= dt.date(dt.date.today().year - 5, 12, 31)  # 4 years and a bit
        assert s.scalar(select(func.max(Order.order_date))) <= dt.date.today() + dt.timedelta(1)
        ticket = s.scalars(select(Ticket).where(Ticket.status == "closed")).first()
        assert ticket.opened_at <= ticket.first_response_at <= ticket.resolved_at
        assert ticket.resolved_at <= ticket.closed_at
        assert ticket.satisfaction is None or 1 <= ticket.satisfaction <= 5
        numbers = list(s.scalars(select(Ticket.number).order_by(Ticket.number)))
        assert numbers[0] == "T000001" and len(set(numbers)) == len(numbers)
        future = s.scalar(select(func.count()).select_from(Activity)
                          .where(Activity.done_at.is_(None), Activity.cancelled_at.is_(None),
                                 Activity.due_at > dt.datetime.now(dt.timezone.utc)))
        done = s.scalar(select(func.count()).select_from(Activity)
                        .where(Activity.done_at.is_not(None)))
        assert future > 0 and done > 0
    c = customers_by_code(db)[0]
    svc = CustomerService(db)
    record = svc.get(c.id)
    assert record.code == c.code and record.version == 1
    updated = svc.update(c.id, {"notes": "demo row edited"}, expected_version=1)
    assert updated.version == 2


def test_pipeline_stages_and_opportunities(db):
    generate_demo(db, 1000, seed=SEED)  # ~300 opportunities: every stage gets some
    with db.read() as s:
        stages = list(s.scalars(select(PipelineStage).order_by(PipelineStage.position)))
        assert [(st.code, st.name, st.probability, st.is_won, st.is_lost) for st in stages] == [
            (code, "", prob, won, lost) for code, prob, won, lost in DEFAULT_STAGES]
        by_id = {st.id: st for st in stages}
        opps = list(s.scalars(select(Opportunity)))
        used = {by_id[o.stage_id].code for o in opps}
        assert used == {st.code for st in stages}  # every stage has opportunities
        for o in opps:
            st = by_id[o.stage_id]
            assert o.status == ("won" if st.is_won else "lost" if st.is_lost else "open")
            if o.status == "open":
                assert o.closed_at is None and o.probability == st.probability
            else:
                assert o.closed_at is not None and o.closed_at >= o.created_at
            assert (o.lost_reason != "") == (o.status == "lost")
            history = list(s.scalars(select(OpportunityStageChange)
                                     .where(OpportunityStageChange.opportunity_id == o.id)
                                     .order_by(OpportunityStageChange.changed_at)))
            assert history[0].from_stage_id is None
            assert history[-1].to_stage_id == o.stage_id
            assert history[-1].changed_at == o.stage_entered_at
            for a, b in zip(history, history[1:]):
                assert b.from_stage_id == a.to_stage_id
        policies = {p.priority: p for p in s.scalars(select(SlaPolicy))}
        assert {k: (p.response_minutes, p.resolve_minutes, p.business_hours)
                for k, p in policies.items()} == {
            "urgent": (60, 480, True), "high": (240, 1440, True),
            "normal": (480, 2880, True), "low": (1440, 7200, True)}


def test_counter_advanced_so_manual_creates_get_fresh_codes(demo):
    db, _ = demo
    with db.read() as s:
        assert s.get(Counter, "customer_code").value == N
    rec = CustomerService(db).create({"name": "手工新建客户有限公司"})
    assert rec.code == format_code(N + 1)


def test_second_run_continues_codes_and_keeps_users(db):
    admin = UserService(db).ensure_local_user()
    CustomerService(db).create({"name": "已有客户", "code": "C000007"})
    first = generate_demo(db, 60, seed=1)
    second = generate_demo(db, 60, seed=2)
    assert second.users == 0  # the staff from the first run are enough
    with db.read() as s:
        codes = list(s.scalars(select(Customer.code).order_by(Customer.code)))
        assert len(codes) == len(set(codes)) == 121
        assert codes[1:] == [format_code(i) for i in range(8, 128)]
        admins = list(s.scalars(select(User).where(User.role == "admin")))
        assert [u.id for u in admins] == [admin.id]
        usernames = list(s.scalars(select(User.username)))
        assert len(usernames) == len(set(usernames)) == first.users + 1
        assert all(re.fullmatch(r"[a-z]+\d*", u) for u in usernames if u != admin.username)
        numbers = list(s.scalars(select(Ticket.number)))
        assert len(numbers) == len(set(numbers)) == first.tickets + second.tickets
        order_nos = list(s.scalars(select(Order.order_no)))
        assert len(order_nos) == len(set(order_nos)) == first.orders + second.orders
        assert s.scalar(select(func.count()).select_from(PipelineStage)) == 6
        assert s.scalar(select(func.count()).select_from(SlaPolicy)) == 4
    assert CustomerService(db).create({"name": "新客户"}).code == format_code(128)


def test_same_seed_same_names(db, tmp_path):
    other = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    other.upgrade()
    try:
        generate_demo(db, 80, seed=99)
        generate_demo(other, 80, seed=99)
        names = [c.name for c in customers_by_code(db)]
        assert names == [c.name for c in customers_by_code(other)]
        with db.read() as s, other.read() as o:
            q = select(Order.order_no, Order.amount).order_by(Order.order_no)
            assert s.execute(q).all() == o.execute(q).all()
            # ids are random all the same: two demo databases must be able to sync
            assert not set(s.scalars(select(Customer.id))) & set(o.scalars(select(Customer.id)))
        third = Database(f"sqlite:///{tmp_path / 'third.sqlite3'}")
        third.upgrade()
        generate_demo(third, 80, seed=100)
        assert names != [c.name for c in customers_by_code(third)]
        third.dispose()
    finally:
        other.dispose()


def test_cancel_keeps_committed_batches_whole(db):
    calls = []

    def progress(stage, done, total):
        calls.append((stage, done, total))
        return done == 0  # stop after the first batch

    with pytest.raises(Cancelled):
        generate_demo(db, N, seed=3, progress=progress)
    assert calls[0] == ("customers", 0, N)
    batch = calls[-1][1]
    assert 0 < batch < N
    assert count(db, Customer) == batch
    with db.read() as s:
        assert s.get(Counter, "customer_code").value == batch
        orphans = s.scalar(text(
            "SELECT count(*) FROM customers c WHERE NOT EXISTS "
            "(SELECT 1 FROM orders o WHERE o.customer_id = c.id)"))
        assert orphans < batch  # the batch's orders were committed with it
    assert CustomerService(db).create({"name": "新客户"}).code == format_code(batch + 1)


def test_cancel_before_start_writes_nothing(db):
    with pytest.raises(Cancelled):
        generate_demo(db, N, seed=3, progress=lambda *a: False)
    assert count(db, Customer) == 0 and count(db, User) == 0


def test_sqlite_search_index_and_triggers_intact(sqlite_db):
    def triggers():
        with sqlite_db.engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            ).all()

    before = triggers()
    # trigram index (0001), short-term index (0002), order stats (0003)
    assert len(before) == 9
    generate_demo(sqlite_db, 120, seed=5)
    assert triggers() == before
    with sqlite_db.engine.connect() as conn:
        conn.exec_driver_sql("INSERT INTO customer_fts(customer_fts) VALUES ('integrity-check')")
        indexed = conn.exec_driver_sql(
            "SELECT count(*) FROM customer_fts WHERE customer_fts MATCH 'c00'").scalar()
        assert indexed == 120
        # the short-term index holds exactly what the triggers would have written
        for name, initials, rowid in conn.exec_driver_sql(
                "SELECT name, name_initials, rowid FROM customers LIMIT 20"):
            token = (initials or name.lower())[:2]
            hits = {r[0] for r in conn.exec_driver_sql(
                "SELECT rowid FROM customer_short_fts WHERE customer_short_fts MATCH ?",
                (f'"{token}"',))}
            assert rowid in hits
        settings = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        assert settings == 1  # NORMAL again on the pooled connection
    # a customer created afterwards is indexed by the trigger as before
    rec = CustomerService(sqlite_db).create({"name": "触发器测试公司"})
    assert finds(CustomerService(sqlite_db), "触发器测试", rec.id)


def test_sqlite_failure_mid_batch_keeps_search_trigger(sqlite_db):
    """The search trigger is dropped while a chunk of customers goes in; a failure there
    must roll the drop back with the chunk."""
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER fail_on_75 BEFORE INSERT ON customers WHEN new.code = 'C000075' "
            "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
        before = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all()
    with pytest.raises(Exception, match="injected failure"):
        generate_demo(sqlite_db, N, seed=1)
    with sqlite_db.engine.connect() as conn:
        after = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all()
        assert after == before
        conn.exec_driver_sql("INSERT INTO customer_fts(customer_fts) VALUES ('integrity-check')")
        assert conn.exec_driver_sql("SELECT count(*) FROM customers").scalar() == 50
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM customer_fts WHERE customer_fts MATCH 'c00'").scalar() == 50
        assert conn.exec_driver_sql(
            "SELECT value FROM counters WHERE name = 'customer_code'").scalar() == 50
        conn.exec_driver_sql("DROP TRIGGER fail_on_75")
        conn.commit()
    rec = CustomerService(sqlite_db).create({"name": "失败之后新建"})
    assert rec.code == format_code(51)
    assert finds(CustomerService(sqlite_db), "失败之后", rec.id)


def test_ensure_defaults_are_idempotent(db):
    with db.session() as s:
        assert len(ensure_default_stages(s)) == 6
        assert len(ensure_default_sla_policies(s)) == 4
    with db.session() as s:
        assert len(ensure_default_stages(s)) == 6
        assert len(ensure_default_sla_policies(s)) == 4
    assert count(db, PipelineStage) == 6 and count(db, SlaPolicy) == 4


def test_zero_customers(db):
    summary = generate_demo(db, 0, seed=1)
    assert summary.customers == summary.orders == 0
    assert 5 <= summary.users <= 20
    assert count(db, PipelineStage) == 6
