"""The 360° view and the history timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop_crm.models import Order
from desktop_crm.services.errors import ValidationError
from desktop_crm.services.profile import ProfileService
from desktop_crm.services.users import UserService

UTC = dt.timezone.utc


@pytest.fixture
def profiles(db):
    user = UserService(db).ensure_local_user()
    return ProfileService(db, user.id)


def test_profile_collects_history_and_order_totals(profiles, db):
    c = profiles.customers.create({"name": "张三", "city": "北京"})
    with db.session() as s:
        s.add_all([
            Order(customer_id=c.id, order_no="SO1", order_date=dt.date(2026, 1, 5),
                  amount=Decimal("1200.50")),
            Order(customer_id=c.id, order_no="SO2", order_date=dt.date(2026, 3, 1),
                  amount=Decimal("99.50")),
            Order(customer_id=c.id, order_no="SO3", order_date=dt.date(2026, 4, 1),
                  amount=Decimal("500"), status="cancelled"),
        ])
    when = dt.datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
    line = profiles.add_interaction(c.id, {"channel": "wechat", "summary": "发了报价",
                                           "occurred_at": when})
    assert line.user and line.occurred_at == when
    profiles.customers.update(c.id, {"city": "上海"}, c.version)

    p = profiles.profile(c.id)
    assert p.orders.count == 2
    assert p.orders.total == Decimal("1300.00")
    assert p.orders.first_date == dt.date(2026, 1, 5)
    assert p.orders.last_date == dt.date(2026, 3, 1)
    assert [o.order_no for o in p.recent_orders] == ["SO3", "SO2", "SO1"]
    assert [i.summary for i in p.interactions] == ["发了报价"]
    kinds = [(e.kind, e.subkind) for e in p.timeline]
    assert ("change", "city") in kinds and ("interaction", "wechat") in kinds
    assert ("order", "paid") in kinds and ("change", "create") in kinds
    assert [e.at for e in p.timeline] == sorted((e.at for e in p.timeline), reverse=True)
    change = next(e for e in p.timeline if e.subkind == "city")
    assert change.detail == "北京 → 上海"


def test_interaction_validation(profiles):
    c = profiles.customers.create({"name": "张三"})
    with pytest.raises(ValidationError) as e:
        profiles.add_interaction(c.id, {"channel": "fax", "summary": " "})
    assert {x.field for x in e.value.errors} == {"channel", "summary"}
    future = dt.datetime.now(UTC) + dt.timedelta(days=2)
    with pytest.raises(ValidationError):
        profiles.add_interaction(c.id, {"summary": "x", "occurred_at": future})
    assert profiles.profile(c.id).interactions == []
