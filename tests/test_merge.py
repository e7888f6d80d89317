"""Merging duplicate customers on both engines: every related record moves to the survivor,
tags are not doubled, order statistics stay right, the audit log tells what happened, and a
stale version is refused with nothing written."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desktop_crm.models import (
    Activity, ActivitySeries, AuditEntry, Contact, Customer, CustomerAssignment,
    CustomerHealth, CustomerOrderStats, CustomerTag, Interaction, Notification, Opportunity,
    OpportunityStageChange, Order, PipelineStage, Tag, Ticket, TicketEvent,
)
from desktop_crm.services.customers import CustomerService
from desktop_crm.services.errors import ConflictError, NotFound, ValidationError
from desktop_crm.services.merge import MERGE_FIELDS, MergeService
from desktop_crm.services.users import UserService

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def setup(db):
    user = UserService(db).ensure_local_user()
    return MergeService(db, user), CustomerService(db, user.id), user


def add_history(db, customer_id, user_id, tag_names, n_orders=2, amount="100"):
    """One of each related record for the customer; returns nothing, reads back by query."""
    with db.session() as s:
        stage = s.scalar(select(PipelineStage).limit(1))
        if stage is None:
            stage = PipelineStage(code="lead", name="", position=0)
            s.add(stage)
            s.flush()
        contact = Contact(customer_id=customer_id, name="联系人", is_primary=True)
        s.add(contact)
        for n in range(n_orders):
            s.add(Order(customer_id=customer_id, order_no=f"SO-{uuid.uuid4().hex[:8]}",
                        order_date=dt.date(2026, 1 + n, 5), amount=Decimal(amount)))
        s.add(Interaction(customer_id=customer_id, occurred_at=NOW, summary="电话"))
        series = ActivitySeries(customer_id=customer_id, subject="每周回访", starts_at=NOW,
                                tz="Asia/Shanghai", rrule="FREQ=WEEKLY", generated_until=NOW)
        s.add(series)
        s.flush()
        s.add(Activity(customer_id=customer_id, subject="回访", due_at=NOW, series_id=series.id,
                       occurrence_at=NOW))
        opp = Opportunity(customer_id=customer_id, title="新项目", stage_id=stage.id)
        s.add(opp)
        s.flush()
        s.add(OpportunityStageChange(opportunity_id=opp.id, to_stage_id=stage.id,
                                     changed_at=NOW))
        ticket = Ticket(number=f"T{uuid.uuid4().hex[:8]}", customer_id=customer_id,
                        subject="故障", opened_at=NOW)
        s.add(ticket)
        s.flush()
        s.add(TicketEvent(ticket_id=ticket.id, at=NOW, kind="note", body="记录"))
        s.add(CustomerAssignment(customer_id=customer_id, action="assign", at=NOW,
                                 to_user_id=user_id))
        s.add(Notification(user_id=user_id, kind="pool_assigned",
                           params={"customer_id": str(customer_id)}, customer_id=customer_id))
        s.add(CustomerHealth(customer_id=customer_id, score=50, computed_at=NOW))
        for name in tag_names:
            tag = s.scalar(select(Tag).where(Tag.name == name))
            if tag is None:
                tag = Tag(name=name)
                s.add(tag)
                s.flush()
            s.add(CustomerTag(customer_id=customer_id, tag_id=tag.id))


RELATED = (Contact, Order, Interaction, Activity, ActivitySeries, Opportunity, Ticket,
           CustomerAssignment, Notification)


def count(s, model, customer_id):
    return s.scalar(select(func.count()).select_from(model)
                    .where(model.customer_id == customer_id))


def test_merge_moves_every_related_record_and_audits(setup, db):
    merges, customers, user = setup
    keep = customers.create({"name": "上海华信科技有限公司", "phone": "021 6123 4567",
                             "city": "上海市"})
    other = customers.create({"name": "上海华信科技", "email": "info@huaxin.com",
                              "city": "上海市", "address": "浦东新区张江路 1 号"})
    third = customers.create({"name": "华信科技(上海)", "industry": "软件"})
    add_history(db, keep.id, user.id, ["重点", "华东"], n_orders=1, amount="50")
    add_history(db, other.id, user.id, ["重点", "老客户"], n_orders=2, amount="100")
    add_history(db, third.id, user.id, ["老客户"], n_orders=3, amount="10")

    preview = merges.preview(keep.id, [other.id, third.id])
    assert [c.id for c in preview.customers] == [keep.id, other.id, third.id]
    assert preview.fields == MERGE_FIELDS
    assert {"name", "email", "address", "phone", "industry"} <= set(preview.differing)
    assert preview.moves["orders"] == 5 and preview.moves["contacts"] == 2
    assert preview.moves["tickets"] == 2 and preview.moves["tags"] == 1  # 老客户 only
    assert preview.tags == ("华东", "老客户", "重点")
    assert preview.customers[0].display["phone"] == "021 6123 4567"

    result = merges.merge(keep.id, [other.id, third.id],
                          {"email": other.id, "address": other.id, "industry": third.id},
                          preview.versions)
    assert result.merged_ids == (other.id, third.id)
    assert result.moved["orders"] == 5 and result.moved["tags"] == 1
    assert "customers" in result.changes.kinds

    with db.read() as s:
        for model in RELATED:
            assert count(s, model, other.id) == 0 and count(s, model, third.id) == 0, model
        assert count(s, Contact, keep.id) == 3
        assert count(s, Order, keep.id) == 6
        assert count(s, Opportunity, keep.id) == 3 and count(s, Ticket, keep.id) == 3
        assert count(s, ActivitySeries, keep.id) == 3 and count(s, Activity, keep.id) == 3
        # stage history and ticket logs follow their parents
        assert s.scalar(select(func.count()).select_from(OpportunityStageChange)) == 3
        assert s.scalar(select(func.count()).select_from(TicketEvent)) == 3
        # one primary contact: the survivor's own
        assert s.scalar(select(func.count()).select_from(Contact).where(
            Contact.customer_id == keep.id, Contact.is_primary.is_(True))) == 1
        # tags: the union, none twice
        names = s.scalars(select(Tag.name).join(CustomerTag, CustomerTag.tag_id == Tag.id)
                          .where(CustomerTag.customer_id == keep.id).order_by(Tag.name)).all()
        assert names == ["华东", "老客户", "重点"]
        assert s.scalar(select(func.count()).select_from(CustomerTag).where(
            CustomerTag.customer_id.in_([other.id, third.id]))) == 0
        # order statistics: the survivor has all paid orders, the others none
        stats = s.get(CustomerOrderStats, keep.id)
        assert stats.orders == 6 and Decimal(str(stats.total_spend)) == Decimal("280")
        assert s.get(CustomerOrderStats, other.id) is None
        assert s.get(CustomerOrderStats, third.id) is None
        # derived rows of the merged ones are gone
        assert s.get(CustomerHealth, other.id) is None
        survivor = s.get(Customer, keep.id)
        assert survivor.email == "info@huaxin.com" and survivor.address == "浦东新区张江路 1 号"
        assert survivor.industry == "软件" and survivor.name == "上海华信科技有限公司"
        assert survivor.version == result.survivor_version > keep.version
        assert "info@huaxin.com" in survivor.search_text
        for merged in (other.id, third.id):
            assert s.get(Customer, merged).deleted_at is not None
        audit_rows = s.execute(select(AuditEntry.row_id, AuditEntry.action, AuditEntry.field,
                                      AuditEntry.old_value, AuditEntry.new_value)).all()
    into = {(r.row_id, r.new_value) for r in audit_rows if r.field == "merged_into"}
    assert into == {(other.id, str(keep.id)), (third.id, str(keep.id))}
    frm = {r.new_value for r in audit_rows if r.row_id == keep.id and r.field == "merged_from"}
    assert frm == {str(other.id), str(third.id)}
    fields = {r.field: (r.old_value, r.new_value) for r in audit_rows
              if r.row_id == keep.id and r.action == "update"}
    assert fields["email"] == ("", "info@huaxin.com") and fields["industry"] == ("", "软件")
    moved = next(json.loads(r.new_value) for r in audit_rows if r.field == "moved_records")
    assert moved["orders"] == 5
    assert {r.row_id for r in audit_rows if r.action == "delete"} == {other.id, third.id}
    assert merges.merged_into(other.id) == keep.id
    assert merges.merged_into(keep.id) is None
    # the merged ones are gone from the list, their codes are not reused
    with pytest.raises(NotFound):
        merges.preview(keep.id, [other.id])


def test_stale_version_is_refused_and_nothing_written(setup, db):
    merges, customers, user = setup
    keep = customers.create({"name": "甲公司"})
    other = customers.create({"name": "甲公司有限公司", "email": "a@example.com"})
    add_history(db, other.id, user.id, ["x"])
    preview = merges.preview(keep.id, [other.id])
    customers.update(other.id, {"city": "北京市"}, other.version)  # someone edits meanwhile
    with pytest.raises(ConflictError) as exc:
        merges.merge(keep.id, [other.id], {"email": other.id}, preview.versions)
    assert exc.value.row_id == other.id
    with db.read() as s:
        for model in RELATED:
            assert count(s, model, other.id) >= 1, model
        assert count(s, Order, keep.id) == 0
        assert s.get(Customer, other.id).deleted_at is None
        assert s.get(Customer, keep.id).email == ""
        assert s.get(Customer, keep.id).version == keep.version
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "merge")) == 0


def test_bad_requests(setup):
    merges, customers, _user = setup
    a = customers.create({"name": "甲"})
    b = customers.create({"name": "乙"})
    with pytest.raises(ValidationError):
        merges.merge(a.id, [a.id])
    with pytest.raises(ValidationError):
        merges.merge(a.id, [])
    with pytest.raises(ValidationError):
        merges.merge(a.id, [b.id], {"code": b.id})
    with pytest.raises(ValidationError):
        merges.merge(a.id, [b.id], {"name": uuid.uuid4()})
    with pytest.raises(NotFound):
        merges.preview(a.id, [uuid.uuid4()])
    # owner taken from the other record goes into the owner history
    result = merges.merge(a.id, [b.id], {"owner_id": b.id, "name": b.id})
    assert customers.get(a.id).name == "乙"
    assert result.survivor_version == customers.get(a.id).version
