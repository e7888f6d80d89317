"""Lead assignment and the public pool on both engines: rules, claims (limit, races), release,
automatic returns (follow-up days per tier, lost deals), notifications, history and audit."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select, update

from desktop_crm.models import (
    Activity, AuditEntry, Customer, CustomerAssignment, Interaction, Notification, Opportunity,
    User,
)
from desktop_crm.services import notifications
from desktop_crm.services.customers import CustomerService
from desktop_crm.services.errors import (
    AlreadyOwned, ClaimLimitReached, NotFound, NotOwned, PermissionDenied, ValidationError,
)
from desktop_crm.services.notifications import NotificationService
from desktop_crm.services.pipeline import PipelineService
from desktop_crm.services.pool import PoolRules, PoolService
from desktop_crm.services.users import UserService

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
BEIJING = ZoneInfo("Asia/Shanghai")


class Staff:
    def __init__(self, db):
        users = UserService(db)
        self.admin = users.ensure_local_user()
        self.manager = users.create("zhaomin", "赵敏", "manager")
        self.a = users.create("anna", "安娜", "sales", team="华北销售组")
        self.b = users.create("bolin", "柏林", "sales", team="华东销售组")
        self.c = users.create("chen", "陈晨", "sales", team="华东销售组")
        self.e = users.create("erni", "二妮", "sales", team="华东销售组")
        self.d = users.create("dong", "董冬", "sales", team="华南销售组")
        self.service = users.create("kefu", "客服小王", "service")
        with db.session() as s:
            s.execute(update(User).where(User.id == self.c.id).values(active=False))
            s.execute(update(User).where(User.role == "sales")
                      .values(manager_id=self.manager.id))


@pytest.fixture
def staff(db):
    return Staff(db)


def pool(db, user, **kw) -> PoolService:
    return PoolService(db, user, **kw)


def customer(db, staff, name, *, owner=None, days_old=0, **fields) -> uuid.UUID:
    rec = CustomerService(db, staff.admin.id).create({"name": name, "owner_id": owner, **fields})
    if days_old:
        with db.session() as s:
            s.execute(update(Customer).where(Customer.id == rec.id)
                      .values(created_at=NOW - dt.timedelta(days=days_old)))
    return rec.id


def owner_of(db, cid):
    with db.read() as s:
        return s.scalar(select(Customer.owner_id).where(Customer.id == cid))


def history_rows(db, cid):
    with db.read() as s:
        return s.execute(select(CustomerAssignment.action, CustomerAssignment.reason,
                                CustomerAssignment.from_user_id, CustomerAssignment.to_user_id,
                                CustomerAssignment.by_user_id)
                         .where(CustomerAssignment.customer_id == cid)
                         .order_by(CustomerAssignment.at)).all()


def save(db, staff, **rules) -> None:
    svc = pool(db, staff.manager)
    svc.save_rules(PoolRules(**rules), svc.rules()[1])


def test_rules_are_validated_versioned_and_for_managers(db, staff):
    svc = pool(db, staff.manager)
    rules, version = svc.rules()
    assert rules == PoolRules() and version == 0
    assert rules.return_days == {"strategic": 60, "growth": 45, "basic": 30, "dormant": 30,
                                 "": 30}
    with pytest.raises(ValidationError) as err:
        svc.save_rules(PoolRules(by_region={"华东": staff.c.id}, round_robin_team="无人组",
                                 claim_limit_per_day=-1, return_days={"vip": 5}), version)
    assert {e.field for e in err.value.errors} == {"claim_limit_per_day", "return_days"}
    with pytest.raises(ValidationError) as err:  # inactive user, team without salespeople
        svc.save_rules(PoolRules(by_region={"华东": staff.c.id}, round_robin_team="无人组"),
                       version)
    assert {e.field for e in err.value.errors} == {"by_region", "round_robin_team"}
    with pytest.raises(PermissionDenied):
        pool(db, staff.a).save_rules(PoolRules(), version)
    v1 = svc.save_rules(PoolRules(by_region={"华东": staff.b.id}, claim_limit_per_day=3),
                        version)
    assert pool(db, staff.a).rules() == (
        PoolRules(by_region={"华东": staff.b.id}, claim_limit_per_day=3), v1)


def set_active(db, user, active: bool) -> None:
    with db.session() as s:
        s.execute(update(User).where(User.id == user.id).values(active=active))


def test_assign_by_region_then_industry_then_round_robin(db, staff):
    set_active(db, staff.c, True)
    save(db, staff, by_region={"华北": staff.a.id, "西北": staff.c.id},
         by_industry={"金融": staff.d.id}, round_robin_team="华东销售组")
    set_active(db, staff.c, False)  # left since the rules were saved
    north = customer(db, staff, "北京甲", region="华北", industry="金融")
    finance = customer(db, staff, "深圳乙", region="华南", industry="金融")
    west = customer(db, staff, "西安丙", region="西北")  # its region's user is inactive
    rest = [customer(db, staff, f"客户{i}", region="华东") for i in range(4)]
    owned = customer(db, staff, "有主", owner=staff.a.id)
    got = pool(db, staff.admin).assign([north, finance, west, *rest, owned], now=NOW)
    # round robin over the active members of the team by login name: bolin, erni (chen is
    # inactive and skipped)
    assert got == {north: staff.a.id, finance: staff.d.id, west: staff.b.id,
                   rest[0]: staff.e.id, rest[1]: staff.b.id, rest[2]: staff.e.id,
                   rest[3]: staff.b.id}
    assert owner_of(db, owned) == staff.a.id
    # the cursor is kept: the next lead gets the next turn
    nxt = customer(db, staff, "下一位")
    assert pool(db, staff.admin).assign([nxt]) == {nxt: staff.e.id}
    assert history_rows(db, north) == [("assign", "rule:region", None, staff.a.id,
                                        staff.admin.id)]
    assert history_rows(db, finance)[0][1] == "rule:industry"
    assert history_rows(db, rest[0])[0][1] == "round_robin"
    with db.read() as s:
        audit = s.execute(select(AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value)
                          .where(AuditEntry.row_id == north, AuditEntry.action == "update")
                          ).all()
        version = s.scalar(select(Customer.version).where(Customer.id == north))
    assert audit == [("owner_id", None, str(staff.a.id))] and version == 2
    note = NotificationService(db, staff.a).unread()
    assert [(n.kind, n.customer_id, n.params["reason"], n.params["customer_name"])
            for n in note] == [("pool_assigned", north, "rule:region", "北京甲")]
    # without a round-robin team the rest stay in the pool
    save(db, staff)
    stay = customer(db, staff, "留在公海")
    assert pool(db, staff.admin).assign([stay]) == {stay: None}
    assert owner_of(db, stay) is None


def test_manager_assigns_by_hand_and_customer_edits_are_in_the_history(db, staff):
    cid = customer(db, staff, "手工分配")
    with pytest.raises(PermissionDenied):
        pool(db, staff.a).assign_to([cid], staff.b.id)
    assert pool(db, staff.manager).assign_to([cid], staff.b.id) == {cid: staff.b.id}
    customers = CustomerService(db, staff.manager.id)
    rec = customers.get(cid)
    customers.update(cid, {"owner_id": staff.d.id}, rec.version)
    assert [r[:4] for r in history_rows(db, cid)] == [
        ("assign", "manual", None, staff.b.id), ("assign", "manual", staff.b.id, staff.d.id)]
    assert [n.kind for n in NotificationService(db, staff.d).unread()] == ["pool_assigned"]


def test_claim_with_a_daily_limit_in_the_users_time_zone(db, staff):
    save(db, staff, claim_limit_per_day=2)
    free = [customer(db, staff, f"公海{i}") for i in range(4)]
    sales = pool(db, staff.b, tz=BEIJING)
    late = dt.datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # 23:30 in Beijing
    assert sales.claims_left_today(now=late) == 2
    assert sales.claim(free[0], now=late).claims_left == 1
    assert sales.claim(free[1], now=late).claims_left == 0
    with pytest.raises(ClaimLimitReached) as err:
        sales.claim(free[2], now=late)
    assert (err.value.limit, err.value.claimed, err.value.code) == (2, 2, "claim_limit")
    assert owner_of(db, free[2]) is None  # nothing written
    # 40 minutes later it is the next day in Beijing (still the same day in UTC)
    next_day = late + dt.timedelta(minutes=40)
    assert sales.claims_left_today(now=next_day) == 2
    result = sales.claim(free[2], now=next_day)
    assert (result.owner_id, result.claims_left) == (staff.b.id, 1)
    assert owner_of(db, free[2]) == staff.b.id
    assert history_rows(db, free[2]) == [("claim", "claim", None, staff.b.id, staff.b.id)]
    with pytest.raises(AlreadyOwned) as err:  # someone else's customer
        pool(db, staff.e).claim(free[2])
    assert err.value.owner_name == "柏林" and err.value.code == "already_owned"
    with pytest.raises(PermissionDenied):
        pool(db, staff.service).claim(free[3])
    with pytest.raises(NotFound):
        sales.claim(uuid.uuid4())
    save(db, staff, claim_limit_per_day=0)  # no limit
    assert sales.claims_left_today(now=next_day) is None
    assert sales.claim(free[3], now=next_day).claims_left is None


def test_two_claims_at_once_only_one_wins(db, staff):
    """Two people claim the same customer at the same moment (threads, separate sessions);
    then a claim that has to wait for another transaction holding the row."""
    cid = customer(db, staff, "抢手客户")
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def claim(name, user, customer_id=cid):
        barrier.wait()
        try:
            results[name] = pool(db, user).claim(customer_id)
        except AlreadyOwned as exc:
            results[name] = exc

    threads = [threading.Thread(target=claim, args=(n, u))
               for n, u in (("b", staff.b), ("e", staff.e))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [n for n, r in results.items() if not isinstance(r, AlreadyOwned)]
    assert len(results) == 2 and len(winners) == 1
    assert owner_of(db, cid) == {"b": staff.b.id, "e": staff.e.id}[winners[0]]
    assert [r[0] for r in history_rows(db, cid)] == ["claim"]

    other = customer(db, staff, "第二个")
    t = Customer.__table__
    with db.engine.connect() as conn:  # another PC takes it and has not committed yet
        conn.execute(update(t).where(t.c.id == other, t.c.owner_id.is_(None))
                     .values(owner_id=staff.d.id))
        waiting = threading.Thread(target=claim, args=("late", staff.b, other))
        barrier.reset()
        waiting.start()
        barrier.wait()
        time.sleep(0.5)
        assert waiting.is_alive()  # blocked on the row (PostgreSQL) / the write lock (SQLite)
        conn.commit()
    waiting.join(30)
    assert isinstance(results["late"], AlreadyOwned) and owner_of(db, other) == staff.d.id


def test_release_by_owner_or_manager(db, staff):
    mine = customer(db, staff, "我的客户", owner=staff.a.id)
    theirs = customer(db, staff, "别人的客户", owner=staff.d.id)
    svc = pool(db, staff.a)
    with pytest.raises(ValidationError):
        svc.release(mine, "  ")
    with pytest.raises(PermissionDenied):
        svc.release(theirs, "不想跟了")
    svc.release(mine, "客户暂无需求")
    assert owner_of(db, mine) is None
    assert history_rows(db, mine)[-1] == ("release", "客户暂无需求", staff.a.id, None, staff.a.id)
    with pytest.raises(NotOwned):
        svc.release(mine, "再退一次")
    assert NotificationService(db, staff.a).count_unread() == 0  # they did it themselves
    pool(db, staff.manager).release(theirs, "调整客户分配")
    [note] = NotificationService(db, staff.d).unread()
    assert note.kind == "pool_released" and note.params["by_name"] == "赵敏"
    assert note.params["reason"] == "调整客户分配" and note.customer_id == theirs
    history = pool(db, staff.a).history(theirs)
    assert [(h.action, h.from_name, h.to_name, h.by_name) for h in history] == [
        ("release", "董冬", "", "赵敏")]


def _opportunity(s, stage_id, cid, status, closed_days):
    s.execute(insert(Opportunity).values(
        id=uuid.uuid4(), customer_id=cid, title=f"{status} deal", stage_id=stage_id,
        status=status, created_at=NOW - dt.timedelta(days=90),
        closed_at=None if closed_days is None else NOW - dt.timedelta(days=closed_days)))


def test_return_due_by_tier_days_and_lost_deals(db, staff):
    a = staff.a.id
    c = {name: customer(db, staff, name, owner=a, tier=tier, days_old=days)
         for name, tier, days in [
             ("basic40", "basic", 40), ("strategic40", "strategic", 40),
             ("strategic70", "strategic", 70), ("notier40", "", 40),
             ("talked", "basic", 40), ("visited", "basic", 40), ("planned", "basic", 40),
             ("claimed", "basic", 100), ("new", "basic", 5),
             ("lost35", "strategic", 50), ("lost_open", "strategic", 50),
             ("lost10", "strategic", 50), ("won_after", "strategic", 50)]}
    stage = PipelineService(db, staff.admin).stages()[0].id
    with db.session() as s:
        s.add(Interaction(customer_id=c["talked"], occurred_at=NOW - dt.timedelta(days=10)))
        s.add(Interaction(customer_id=c["planned"], occurred_at=NOW - dt.timedelta(days=35)))
        s.add(Activity(customer_id=c["visited"], subject="拜访", due_at=NOW - dt.timedelta(
            days=40), done_at=NOW - dt.timedelta(days=5)))
        # planned, not done: not a follow-up
        s.add(Activity(customer_id=c["planned"], subject="回访", due_at=NOW - dt.timedelta(
            days=2)))
        s.add(CustomerAssignment(customer_id=c["claimed"], action="claim", to_user_id=a,
                                 by_user_id=a, reason="claim", at=NOW - dt.timedelta(days=10)))
        for name in ("lost35", "lost_open", "lost10", "won_after"):  # followed up lately
            s.add(Interaction(customer_id=c[name], occurred_at=NOW - dt.timedelta(days=3)))
        _opportunity(s, stage, c["lost35"], "lost", 35)
        _opportunity(s, stage, c["lost35"], "won", 200)
        _opportunity(s, stage, c["lost_open"], "lost", 35)
        _opportunity(s, stage, c["lost_open"], "open", None)
        _opportunity(s, stage, c["lost10"], "lost", 10)
        _opportunity(s, stage, c["won_after"], "lost", 40)
        _opportunity(s, stage, c["won_after"], "won", 20)
    svc = pool(db, staff.admin)
    soon = svc.due_soon(a, 7, now=NOW - dt.timedelta(days=7))
    returned = svc.return_due(now=NOW)
    got = {r.name: (r.reason, r.days) for r in returned}
    assert got == {"basic40": ("no_follow_up", 30), "strategic70": ("no_follow_up", 60),
                   "notier40": ("no_follow_up", 30), "planned": ("no_follow_up", 30),
                   "lost35": ("lost", 30)}
    # a week earlier, the dashboard listed exactly those as returning within 7 days
    assert {d.name for d in soon} == set(got)
    r = next(x for x in returned if x.name == "basic40")
    assert (r.owner_id, r.owner_name, r.manager_id) == (a, "安娜", staff.manager.id)
    with db.read() as s:
        owners = dict(s.execute(select(Customer.name, Customer.owner_id)).all())
        assert {n for n, o in owners.items() if o is None} == set(got)
        assert s.scalar(select(Customer.version).where(Customer.id == r.customer_id)) == 2
        audit = s.execute(select(AuditEntry.user_id, AuditEntry.old_value, AuditEntry.new_value)
                          .where(AuditEntry.row_id == r.customer_id,
                                 AuditEntry.field == "owner_id")).all()
    assert audit == [(None, str(a), None)]
    assert history_rows(db, r.customer_id) == [("return", "no_follow_up", a, None, None)]
    assert pool(db, staff.admin).history(c["lost35"])[0].reason == "lost"
    owner_notes = NotificationService(db, staff.a).unread()
    assert sorted(n.params["customer_name"] for n in owner_notes) == sorted(got)
    note = next(n for n in owner_notes if n.customer_id == c["lost35"])
    assert note.kind == "pool_return" and note.params == {
        "customer_id": str(c["lost35"]), "customer_code": note.params["customer_code"],
        "customer_name": "lost35", "reason": "lost", "days": 30, "owner_id": str(a),
        "owner_name": "安娜", "to": "owner"}
    manager_notes = NotificationService(db, staff.manager).unread()
    assert len(manager_notes) == 5 and {n.params["to"] for n in manager_notes} == {"manager"}
    assert svc.return_due(now=NOW) == []  # nothing twice
    # a tier switched off stays; a tier without a rule of its own follows the "" rule
    keep = customer(db, staff, "dormant99", owner=a, tier="dormant", days_old=99)
    save(db, staff, return_days={"dormant": 0, "": 45}, lost_return_days=0)
    assert [x.name for x in svc.return_due(now=NOW)] == []  # strategic40 is 40 days old
    assert owner_of(db, keep) == a
    assert [x.name for x in svc.return_due(now=NOW + dt.timedelta(days=6))] == ["strategic40"]


def test_many_returns_for_one_reader_become_one_summary(db, staff, monkeypatch):
    n = notifications.EACH_MAX + 5
    with db.session() as s:
        s.execute(insert(Customer), [
            {"id": uuid.uuid4(), "code": f"Z{i:04d}", "name": f"老客户{i}", "tier": "basic",
             "owner_id": staff.b.id, "created_at": NOW - dt.timedelta(days=400)}
            for i in range(n)])
    from desktop_crm.services import pool as pool_module

    monkeypatch.setattr(pool_module, "BIG_BATCH", 10)  # the page cache of a big batch
    assert len(pool(db, staff.admin).return_due(now=NOW)) == n
    if db.is_sqlite:  # put back on the pooled connection
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -16384
    for user, to in ((staff.b, "owner"), (staff.manager, "manager")):
        [note] = NotificationService(db, user).unread()
        assert note.kind == "pool_return_summary"
        assert note.params == {"count": n, "reasons": {"no_follow_up": n},
                               "owners": {"柏林": n}, "to": to}


def test_due_soon_lists_when_each_customer_returns(db, staff):
    a = staff.a.id
    due3 = customer(db, staff, "三天后", owner=a, tier="basic", days_old=27)
    customer(db, staff, "还早", owner=a, tier="strategic", days_old=10)
    talked = customer(db, staff, "五天后", owner=a, tier="growth", days_old=100)
    overdue = customer(db, staff, "已过期", owner=a, tier="basic", days_old=31)
    customer(db, staff, "别人的", owner=staff.b.id, tier="basic", days_old=29)
    with db.session() as s:
        s.add(Interaction(customer_id=talked, occurred_at=NOW - dt.timedelta(days=40)))
    soon = pool(db, staff.a).due_soon(a, 7, now=NOW)
    assert [(d.customer_id, d.reason, d.days, d.days_left) for d in soon] == [
        (overdue, "no_follow_up", 30, -1), (due3, "no_follow_up", 30, 3),
        (talked, "no_follow_up", 45, 5)]
    assert soon[1].due_at == NOW + dt.timedelta(days=3)
    assert soon[2].last_follow_up == NOW - dt.timedelta(days=40)


def test_pool_page_and_size(db, staff):
    for name, region, industry, tier in [("上海甲", "华东", "制造业", "basic"),
                                         ("上海乙", "华东", "金融", ""),
                                         ("北京丙", "华北", "制造业", "basic"),
                                         ("杭州丁", "华东", "制造业", "growth")]:
        customer(db, staff, name, region=region, industry=industry, tier=tier)
    customer(db, staff, "有主的上海戊", owner=staff.a.id, region="华东")
    svc = pool(db, staff.a)
    assert svc.pool_size() == 4
    first = svc.pool_page(region="华东", limit=2)
    assert [r.name for r in first.rows] == ["杭州丁", "上海甲"] and first.has_more
    second = svc.pool_page(region="华东", limit=2, after=first.last_key)
    assert [r.name for r in second.rows] == ["上海乙"] and not second.has_more
    assert [r.name for r in svc.pool_page(industry="制造业", tier="basic").rows] == [
        "北京丙", "上海甲"]
    assert [r.name for r in svc.pool_page(search="上海").rows] == ["上海甲", "上海乙"]


def test_notifications_are_read_by_their_reader_only(db, staff):
    with db.session() as s:
        for i in range(3):
            notifications.notify(s, staff.a.id, "pool_return", {"n": i})
        notifications.notify(s, staff.b.id, "pool_return", {"n": 9})
    mine = NotificationService(db, staff.a)
    theirs = NotificationService(db, staff.b)
    assert mine.count_unread() == 3 and len(mine.unread(limit=2)) == 2
    ids = [n.id for n in mine.unread()]
    assert mine.mark_read(ids[:2] + [theirs.unread()[0].id]) == 2
    assert mine.count_unread() == 1 and theirs.count_unread() == 1
    assert mine.mark_read(ids[:2]) == 0  # already read
    listed = mine.list()
    assert len(listed) == 3 and sum(n.read_at is not None for n in listed) == 2
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 4
