"""The services' half of the permission rules, on both engines: what each role sees, edits,
exports, and which sensitive fields it sees masked."""

from __future__ import annotations

import csv
import uuid

import pytest

from desktop_crm.services.access import mask_address, mask_email, mask_phone
from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services.errors import NotFound, PermissionDenied
from desktop_crm.services.exporting import ExportService
from desktop_crm.services.staff import StaffService


def test_masks():
    assert mask_phone("138 1234 5678") == "138 **** 5678"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("021-6234 5678") == "021-**** 5678"
    assert mask_phone("") == ""
    assert mask_email("wang.wei@example.com") == "w***@example.com"
    assert mask_address("上海市浦东新区张江路88号") == "上海市浦****"


@pytest.fixture
def company(db_url):
    svc = Services.open(db_url, upgrade=True)
    staff = StaffService(svc.db, svc.user)
    people = {}
    # login roles belong to the PostgreSQL server: names of this test's own, so two test
    # runs on one server never meet
    sfx = uuid.uuid4().hex[:6]
    try:
        for key, role, team in (("boss", "manager", "EAST"), ("anna", "sales", "EAST"),
                                ("wang", "sales", "WEST"), ("desk", "service", "")):
            people[key] = staff.add(f"{key}_{sfx}", key.title(), role, team,
                                    "Passw0rd-123")[0]
    except Exception:
        svc.close()
        raise
    as_ = {k: svc.as_user(svc.users.get(m.id)) for k, m in people.items()}
    c = svc.customers
    ids = {
        "anna": c.create({"name": "安娜客户", "phone": "13800000001", "email": "a@x.cn",
                          "address": "上海市浦东新区张江路88号", "owner_id": people["anna"].id}).id,
        "wang": c.create({"name": "王五客户", "phone": "13800000002",
                          "owner_id": people["wang"].id}).id,
        "pool": c.create({"name": "公海客户", "phone": "13800000003", "owner_id": None}).id,
        "ticket": c.create({"name": "工单客户", "phone": "13800000004",
                            "owner_id": people["wang"].id}).id,
    }
    svc.tickets.create({"customer_id": ids["ticket"], "subject": "打印机坏了",
                        "assignee_id": people["desk"].id})
    yield svc, as_, ids, people
    svc.close()


def names(svc) -> set[str]:
    return {r.name for r in svc.customers.page(CustomerQuery()).rows}


def test_each_role_lists_what_it_may_see(company):
    admin, as_, _ids, _people = company
    assert names(admin) == {"安娜客户", "王五客户", "公海客户", "工单客户"}
    assert names(as_["anna"]) == {"安娜客户", "公海客户"}
    assert names(as_["boss"]) == {"安娜客户", "公海客户"}
    assert names(as_["wang"]) == {"王五客户", "公海客户", "工单客户"}
    assert names(as_["desk"]) == {"工单客户", "公海客户"}
    assert as_["anna"].customers.count(CustomerQuery()) == 2


def test_another_reps_customer_cannot_be_opened_or_changed(company):
    _admin, as_, ids, people = company
    anna = as_["anna"].customers
    with pytest.raises(NotFound):
        anna.get(ids["wang"])
    with pytest.raises(NotFound):
        anna.update(ids["wang"], {"name": "改名"}, 1)
    with pytest.raises(NotFound):
        anna.delete(ids["wang"])
    own = anna.get(ids["anna"])
    with pytest.raises(PermissionDenied):  # not handed to a colleague outside her rules
        anna.update(own.id, {"owner_id": people["wang"].id}, own.version)
    released = anna.update(own.id, {"owner_id": None}, own.version)  # to the pool: fine
    assert released.owner_id is None


def test_sensitive_fields_are_masked_unless_yours_or_allowed(company):
    _admin, as_, ids, _people = company
    anna = as_["anna"].customers
    rows = {r.name: r.phone for r in anna.page(CustomerQuery()).rows}
    assert rows["安娜客户"] == "138 0000 0001"          # her own: in full
    assert "****" in rows["公海客户"]                    # the pool's: masked
    pool = anna.get(ids["pool"])
    assert pool.masked == ("phone",) and pool.phone_display == "138 **** 0003"
    boss = as_["boss"].customers.get(ids["anna"])
    assert boss.masked == () and boss.address == "上海市浦东新区张江路88号"
    desk = as_["desk"].customers.get(ids["ticket"])
    assert set(desk.masked) == {"phone"} and "****" in desk.phone


def test_a_masked_value_sent_back_unchanged_is_no_change_and_cannot_be_replaced(company):
    _admin, as_, ids, _people = company
    anna = as_["anna"].customers
    pool = anna.get(ids["pool"])
    saved = anna.update(pool.id, {"phone": pool.phone, "notes": "回访过"}, pool.version)
    assert saved.notes == "回访过"
    assert _admin.customers.get(ids["pool"]).phone.endswith("13800000003")
    with pytest.raises(PermissionDenied):
        anna.update(pool.id, {"phone": "13999999999"}, saved.version)


def test_service_staff_read_but_do_not_edit_customers(company):
    _admin, as_, ids, _people = company
    desk = as_["desk"].customers
    rec = desk.get(ids["ticket"])
    with pytest.raises(PermissionDenied):
        desk.update(rec.id, {"notes": "x"}, rec.version)
    with pytest.raises(PermissionDenied):
        desk.create({"name": "新客户"})


def test_exports_need_the_right_and_mask_without_see_sensitive(company, tmp_path):
    admin, as_, ids, people = company
    with pytest.raises(PermissionDenied):
        ExportService(as_["anna"].db, as_["anna"].user).export("customers",
                                                               tmp_path / "a.csv")
    assert not (tmp_path / "a.csv").exists()
    StaffService(admin.db, admin.user).update(people["anna"].id, permissions=["export"])
    anna = admin.users.get(people["anna"].id)
    assert anna.permissions == ("export",)
    ExportService(admin.db, anna).export("customers", tmp_path / "a.csv",
                                         columns=["name", "phone", "email", "address"])
    with open(tmp_path / "a.csv", encoding="utf-8-sig") as f:
        rows = {r[0]: r[1:] for r in list(csv.reader(f))[1:]}
    assert set(rows) == {"安娜客户", "公海客户"}  # what she may see
    assert rows["安娜客户"] == ["138 **** 0001", "a***@x.cn", "上海市浦****"]
    boss = as_["boss"]
    ExportService(boss.db, boss.user).export("customers", tmp_path / "b.csv",
                                             columns=["name", "phone"])
    with open(tmp_path / "b.csv", encoding="utf-8-sig") as f:
        rows = {r[0]: r[1] for r in list(csv.reader(f))[1:]}
    assert rows == {"安娜客户": "138 0000 0001", "公海客户": "138 0000 0003"}


# -- the other lists follow the customers: board, tickets, calendar, report -----------------------

@pytest.fixture
def busy(company):
    """Each customer of ``company`` with a deal, a ticket and a follow-up; and a follow-up
    without a customer for Anna and one for Wang."""
    import datetime as dt

    admin, as_, ids, people = company
    start = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.timezone.utc)
    for key, cid in ids.items():
        admin.pipeline.create({"title": f"{key}的商机", "customer_id": cid})
        if key != "ticket":  # it has its own, assigned to the service desk
            admin.tickets.create({"customer_id": cid, "subject": f"{key}的工单"})
        admin.followups.create({"subject": f"{key}的回访", "start": start, "customer_id": cid,
                                "owner_id": people["anna"].id})
    for who in ("anna", "wang"):
        admin.followups.create({"subject": f"{who}自己的事", "start": start,
                                "owner_id": people[who].id})
    return company, start


def test_the_board_the_tickets_and_the_calendar_follow_the_customers(busy):
    import datetime as dt

    from desktop_crm.services.tickets import TicketQuery

    (admin, as_, ids, people), start = busy

    def board(svc):
        return {c.title for col in svc.pipeline.board() for c in col.cards}

    def tickets(svc):
        return {r.subject for r in svc.tickets.page(TicketQuery())}

    def calendar(svc):
        return {i.subject for i in svc.followups.items(start, start + dt.timedelta(days=1))}

    assert board(admin) == {"anna的商机", "wang的商机", "pool的商机", "ticket的商机"}
    assert board(as_["anna"]) == {"anna的商机", "pool的商机"}
    assert board(as_["wang"]) == {"wang的商机", "pool的商机", "ticket的商机"}
    assert tickets(as_["anna"]) == {"anna的工单", "pool的工单"}
    assert as_["anna"].tickets.count(TicketQuery()) == 2
    # service staff: their assigned ticket's customer, the unassigned queue, the pool
    assert tickets(as_["desk"]) == {"anna的工单", "wang的工单", "pool的工单", "打印机坏了"}
    assert calendar(as_["anna"]) == {"anna的回访", "pool的回访", "anna自己的事"}
    assert calendar(as_["wang"]) == {"wang的回访", "pool的回访", "ticket的回访", "wang自己的事"}
    assert calendar(as_["boss"]) == {"anna的回访", "pool的回访", "anna自己的事"}
    hidden = next(r for r in admin.tickets.page(TicketQuery()) if r.subject == "wang的工单")
    with pytest.raises(NotFound):
        as_["anna"].tickets.get(hidden.id)
    with pytest.raises(NotFound):
        as_["anna"].tickets.row(hidden.id)
    assert as_["wang"].tickets.get(hidden.id).row.subject == "wang的工单"


def test_a_report_only_on_what_the_role_may_report_on(company):
    import datetime as dt

    from desktop_crm.services.report import ReportService
    from desktop_crm.services.report_model import Scope

    admin, as_, _ids, people = company
    month = dt.date(2026, 11, 1)
    anna = ReportService(as_["anna"].db, as_["anna"].user)
    assert anna.build(month, Scope(owner_id=people["anna"].id)).sections
    for scope in (Scope(), Scope(team="EAST"), Scope(owner_id=people["wang"].id)):
        with pytest.raises(PermissionDenied) as refused:
            anna.build(month, scope)
        assert refused.value.args[0] == "permission:report_scope"
    boss = ReportService(as_["boss"].db, as_["boss"].user)
    assert boss.build(month, Scope(team="EAST")).sections
    with pytest.raises(PermissionDenied):
        boss.build(month, Scope(team="WEST"))
    assert ReportService(admin.db, admin.user).build(month, Scope(team="WEST")).sections


def test_deleting_several_customers_at_once_needs_the_right(company):
    admin, as_, ids, people = company
    anna = as_["anna"].customers
    extra = anna.create({"name": "安娜第二个客户", "owner_id": people["anna"].id}).id
    with pytest.raises(PermissionDenied) as refused:
        anna.set_deleted_many([ids["anna"], extra])
    assert refused.value.args[0] == "permission:bulk_delete"
    assert names(as_["anna"]) == {"安娜客户", "安娜第二个客户", "公海客户"}  # nothing moved
    assert anna.set_deleted_many([extra]) == 1  # one at a time is an ordinary delete
    boss = as_["boss"].customers  # a manager has the right, within what they see
    with pytest.raises(NotFound):  # all or none: Wang's customer is not the boss's to delete
        boss.set_deleted_many([ids["anna"], ids["pool"], ids["wang"]])
    assert names(as_["anna"]) == {"安娜客户", "公海客户"}
    assert boss.set_deleted_many([ids["anna"], ids["pool"], extra]) == 2
    assert names(admin) == {"王五客户", "工单客户"}
    assert boss.set_deleted_many([ids["anna"], ids["pool"]], deleted=False) == 2
    assert names(as_["anna"]) == {"安娜客户", "公海客户"}
    # granted one by one: a salesperson given bulk_delete may
    StaffService(admin.db, admin.user).update(people["wang"].id, permissions=["bulk_delete"])
    wang = admin.as_user(admin.users.get(people["wang"].id))
    assert wang.customers.set_deleted_many([ids["wang"], ids["ticket"]]) == 2


def test_the_printed_agenda_masks_what_the_user_may_not_see(busy):
    import datetime as dt

    (admin, as_, ids, people), start = busy
    end = start + dt.timedelta(days=1)
    rows = {e.item.subject: e for e in as_["anna"].followups.agenda(start, end)}
    assert rows["anna的回访"].phone == "138 0000 0001"  # her own customer: in full
    assert rows["anna的回访"].address.startswith("上海市浦东新区张江路")
    assert rows["pool的回访"].phone == "138 **** 0003"  # the pool's: masked
    item = next(i for i in as_["anna"].followups.items(start, end) if i.subject == "pool的回访")
    assert as_["anna"].followups.get(item.id).customer_phone == "138 **** 0003"
    full = {e.item.subject: e for e in admin.followups.agenda(start, end)}
    assert full["pool的回访"].phone == "138 0000 0003"
