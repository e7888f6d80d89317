"""Lead scoring on both engines: each rule's points on a hand-computed example, scores of many
deals at once, the team's rules (validation, conflicts, managers only) and the company size a
customer record now carries."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import insert, update

from desktop_crm.models import Customer, Interaction, Opportunity
from desktop_crm.services.customers import CustomerService
from desktop_crm.services.errors import (
    ConflictError, NotFound, PermissionDenied, ValidationError,
)
from desktop_crm.services.leads import (
    DEFAULT_INDUSTRY_POINTS, DEFAULT_SOURCE_POINTS, LeadRules, LeadScoringService, breakdown,
    score,
)
from desktop_crm.services.pipeline import PipelineService
from desktop_crm.services.profile import ProfileService
from desktop_crm.services.users import UserService

UTC = dt.timezone.utc
NOW = dt.datetime.now(UTC)


@pytest.fixture
def admin(db):
    return UserService(db).ensure_local_user()


def test_each_rule_gives_its_points():
    """Defaults: 转介绍 30, 制造业 15, 120 employees reach the 50+ band (10), 3 recent
    interactions x 5 = 15: 70 in all."""
    rules = LeadRules()
    parts = breakdown(rules, "转介绍", "制造业", 120, 3)
    assert [(p.rule, p.value, p.points) for p in parts.parts] == [
        ("source", "转介绍", 30), ("industry", "制造业", 15), ("size", "120", 10),
        ("interactions", "3", 15)]
    assert parts.parts[2].band == 50
    assert parts.total == 70 == score(rules, "转介绍", "制造业", 120, 3)
    # unknown values give nothing; recent interactions stop at the cap; bands by minimum
    assert score(rules, "路过", "", None, 0) == 0
    assert breakdown(rules, None, None, None, 10).points("interactions") == 20
    assert [rules.size_band(n) for n in (0, 1, 9, 10, 999, 1000)] == [
        None, (1, 2), (1, 2), (10, 5), (200, 15), (1000, 20)]
    assert score(rules, " Referral ", "MANUFACTURING", 0, 1) == 30 + 15 + 0 + 5
    # the defaults know every source and industry the demo data uses
    from desktop_crm.services.demo.vocab import INDUSTRIES, SOURCES
    assert {s for s, _w in SOURCES} <= set(DEFAULT_SOURCE_POINTS)
    assert {i[0] for i in INDUSTRIES} <= set(DEFAULT_INDUSTRY_POINTS)


def test_scores_of_deals_from_their_customers_and_recent_interactions(db, admin):
    customers = CustomerService(db, admin.id)
    pipe = PipelineService(db, admin)
    profile = ProfileService(db, admin.id)
    hot = customers.create({"name": "苏州精密机械有限公司", "source": "展会", "industry": "制造业",
                            "employees": "250"})
    cold = customers.create({"name": "李四", "source": "电话营销"})
    a = pipe.create({"title": "生产线设备", "customer_id": hot.id})
    b = pipe.create({"title": "续约", "customer_id": hot.id})
    c = pipe.create({"title": "小单", "customer_id": cold.id})
    gone = pipe.create({"title": "删掉的", "customer_id": cold.id})
    for days in (1, 5, 29):
        profile.add_interaction(hot.id, {"summary": "电话沟通", "occurred_at":
                                         NOW - dt.timedelta(days=days)})
    profile.add_interaction(hot.id, {"summary": "去年拜访", "occurred_at":
                                     NOW - dt.timedelta(days=45)})
    deleted = profile.add_interaction(cold.id, {"summary": "删掉", "occurred_at": NOW})
    with db.session() as s:
        s.execute(update(Interaction).where(Interaction.id == deleted.id).values(deleted_at=NOW))
        s.execute(update(Opportunity).where(Opportunity.id == gone.id).values(deleted_at=NOW))
    svc = LeadScoringService(db, admin)
    # hot: 展会 20 + 制造业 15 + 250 employees (200+) 15 + 3 recent x 5 = 15 -> 65; cold: 5
    assert svc.scores([a.id, b.id, c.id, gone.id, uuid.uuid4()]) == {a.id: 65, b.id: 65,
                                                                    c.id: 5}
    assert [p.points for p in svc.explain(a.id).parts] == [20, 15, 15, 15]
    # the window ends at ``now``: 40 days on, nothing is recent
    later = svc.scores([a.id], now=NOW + dt.timedelta(days=40))
    assert later == {a.id: 50}
    with pytest.raises(NotFound):
        svc.explain(gone.id)
    # the team's own rules
    rules, version = svc.rules()
    svc.save_rules(LeadRules(source_points={"展会": 40}, industry_points={},
                             size_bands=((100, 1),), interaction_points=2, interaction_cap=5,
                             interaction_days=2), version)
    assert svc.scores([a.id, c.id]) == {a.id: 40 + 0 + 1 + 2, c.id: 0}


def test_many_deals_are_scored_in_chunks(db, admin):
    """1,200 deals (three chunks of ids) over 700 customers (two chunks)."""
    stage = PipelineService(db, admin).stages()[0].id
    with db.session() as s:
        cids = [uuid.uuid4() for _ in range(700)]
        s.execute(insert(Customer), [
            {"id": cid, "code": f"X{i:05d}", "name": f"客户{i}", "source": "官网",
             "employees": i} for i, cid in enumerate(cids)])
        oids = [uuid.uuid4() for _ in range(1200)]
        s.execute(insert(Opportunity), [
            {"id": oid, "customer_id": cids[i % 700], "title": f"D{i}", "stage_id": stage}
            for i, oid in enumerate(oids)])
        s.execute(insert(Interaction), [
            {"customer_id": cids[i], "occurred_at": NOW - dt.timedelta(days=1)}
            for i in range(0, 700, 7)])
    scores = LeadScoringService(db, admin).scores(oids)
    assert len(scores) == 1200
    rules = LeadRules()
    for i, oid in enumerate(oids):
        k = i % 700
        assert scores[oid] == score(rules, "官网", "", k, 1 if k % 7 == 0 else 0), i


def test_rules_are_validated_versioned_and_for_managers(db, admin):
    svc = LeadScoringService(db, admin)
    rules, version = svc.rules()
    assert rules == LeadRules() and version == 0
    with pytest.raises(ValidationError) as err:
        svc.save_rules(LeadRules(size_bands=((50, 10), (10, 5)), interaction_days=0,
                                 source_points={"官网": 500, " ": 1}), version)
    assert {e.field for e in err.value.errors} == {"size_bands", "interaction_days",
                                                   "source_points"}
    v1 = svc.save_rules(LeadRules(source_points={"官网": 50}), version)
    assert svc.rules() == (LeadRules(source_points={"官网": 50}), v1)
    with pytest.raises(ConflictError):
        svc.save_rules(LeadRules(), version)  # someone saved since version 0 was read
    sales = UserService(db).create("wangfang", "王芳", "sales")
    with pytest.raises(PermissionDenied):
        LeadScoringService(db, sales).save_rules(LeadRules(), v1)
    assert svc.rules()[0].source_points == {"官网": 50}


def test_customer_size_is_a_whole_number_or_unknown(db, admin):
    customers = CustomerService(db, admin.id)
    rec = customers.create({"name": "华为", "employees": "1,200"})
    assert rec.employees == 1200
    rec = customers.update(rec.id, {"employees": ""}, rec.version)
    assert rec.employees is None
    rec = customers.update(rec.id, {"employees": 35}, rec.version)
    assert customers.get(rec.id).employees == 35
    for bad, code in (("-1", "out_of_range"), ("很多", "invalid"), ("3.5", "invalid")):
        with pytest.raises(ValidationError) as err:
            customers.update(rec.id, {"employees": bad}, rec.version)
        assert err.value.for_field("employees").code == code
