"""Who sees what on the team's PostgreSQL server: each staff member logs in with their own
role, and row-level security holds even for raw SQL typed into psql."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from desktop_crm.services import connection
from desktop_crm.services.connection import ServerConnection
from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services.errors import PermissionDenied, ValidationError
from desktop_crm.services.staff import StaffService, scram_verifier

PASSWORD = "Team-Passw0rd-1"


class Team:
    """A company on a fresh database: an admin (the schema owner's first user), a manager of
    team EAST, a salesperson in EAST reporting to them, one in WEST, and a service agent."""

    def __init__(self, url: str):
        self.url = url
        self.sfx = make_url(url).database[-6:]
        self.owner = Services.open(url, upgrade=True)
        staff = StaffService(self.owner.db, self.owner.user)
        self.ids = {}
        for key, role, team in (("boss", "manager", "EAST"), ("anna", "sales", "EAST"),
                                ("wang", "sales", "WEST"), ("desk", "service", "")):
            member, _pw = staff.add(f"{key}_{self.sfx}", key.title(), role, team, PASSWORD)
            self.ids[key] = member.id
        staff.update(self.ids["anna"], manager_id=self.ids["boss"])
        c = self.owner.customers
        self.anna_c = c.create({"name": "安娜客户", "phone": "13800000001",
                                "owner_id": self.ids["anna"]}).id
        self.wang_c = c.create({"name": "王五客户", "phone": "13800000002",
                                "owner_id": self.ids["wang"]}).id
        self.pool_c = c.create({"name": "公海客户", "owner_id": None}).id
        self.wang_ticket_c = c.create({"name": "工单客户", "owner_id": self.ids["wang"]}).id
        t = self.owner.tickets.create({"customer_id": self.wang_ticket_c, "subject": "打印机坏了",
                                       "assignee_id": self.ids["desk"]})
        self.ticket = t.id

    def login_url(self, key: str) -> str:
        return make_url(self.url).set(username=f"{key}_{self.sfx}", password=PASSWORD) \
            .render_as_string(hide_password=False)

    def psql(self, key: str) -> psycopg.Connection:
        u = make_url(self.url)
        return psycopg.connect(host=u.host, port=u.port or 5432, dbname=u.database,
                               user=f"{key}_{self.sfx}", password=PASSWORD, autocommit=True)


@pytest.fixture
def team(pg_url):
    t = Team(pg_url)
    yield t
    t.owner.close()


def visible(conn, sql="SELECT name FROM customers ORDER BY name") -> set[str]:
    return {r[0] for r in conn.execute(sql).fetchall()}


def test_a_salesperson_sees_only_their_own_and_the_pool_even_in_psql(team):
    with team.psql("anna") as conn:
        assert visible(conn) == {"安娜客户", "公海客户"}
        # another rep's customer cannot be read, changed or deleted by id
        wang = str(team.wang_c)
        assert conn.execute("SELECT count(*) FROM customers WHERE id = %s",
                            (wang,)).fetchone()[0] == 0
        assert conn.execute("UPDATE customers SET name = 'x' WHERE id = %s",
                            (wang,)).rowcount == 0
        assert conn.execute("DELETE FROM customers WHERE id = %s", (wang,)).rowcount == 0
        # nor can what hangs off it (its ticket), nor can a customer be handed to a colleague
        assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE customers SET owner_id = %s WHERE id = %s",
                         (str(team.ids["wang"]), str(team.anna_c)))
        # a salesperson deletes nothing for good (a manager can)
        assert conn.execute("DELETE FROM customers WHERE id = %s",
                            (str(team.anna_c),)).rowcount == 0
    with team.psql("wang") as conn:
        assert visible(conn) == {"王五客户", "公海客户", "工单客户"}


def test_a_manager_sees_their_team_not_the_other(team):
    with team.psql("boss") as conn:
        assert visible(conn) == {"安娜客户", "公海客户"}


def test_service_staff_see_the_customers_of_their_tickets(team):
    with team.psql("desk") as conn:
        assert visible(conn) == {"工单客户", "公海客户"}
        assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 1
        # and do not edit customer records
        assert conn.execute("UPDATE customers SET notes = 'x'").rowcount == 0


def test_a_manager_sees_the_tickets_of_the_people_who_report_to_them(team):
    """The services and the policy say the same: the service agent reports to the boss, so the
    boss sees the agent's ticket, though not the customer it is about (another team's)."""
    StaffService(team.owner.db, team.owner.user).update(team.ids["desk"],
                                                        manager_id=team.ids["boss"])
    with team.psql("boss") as conn:
        assert visible(conn, "SELECT subject FROM tickets") == {"打印机坏了"}
        assert "工单客户" not in visible(conn)
    with team.psql("anna") as conn:  # a salesperson: still none of it
        assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0
    from desktop_crm.services.tickets import TicketQuery

    boss = Services.open(team.login_url("boss"))
    try:
        row = boss.tickets.page(TicketQuery())[0]
        assert row.subject == "打印机坏了" and row.customer_name == ""  # the customer: not theirs
        detail = boss.tickets.get(row.id)
        assert detail.row.subject == "打印机坏了" and detail.customer_code == ""
    finally:
        boss.close()


def test_the_audit_log_cannot_be_changed_or_deleted_by_staff(team):
    with team.psql("boss") as conn:
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE audit_log SET new_value = 'forged'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM audit_log")
        # nor written in someone else's name
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO audit_log (id, at, user_id, table_name, row_id, action, "
                         "field) VALUES (%s, now(), %s, 'customers', %s, 'update', 'name')",
                         (str(uuid.uuid4()), str(team.ids["anna"]), str(team.anna_c)))


def test_staff_cannot_make_logins_or_promote_themselves(team):
    with team.psql("anna") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT crm_staff_login('intruder', %s, true, true)",
                         (scram_verifier("whatever-1"),))
        assert conn.execute("UPDATE users SET role = 'admin' WHERE username = %s",
                            (f"anna_{team.sfx}",)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE alembic_version SET version_num = '0001'")


def test_the_app_opens_as_the_staff_member_and_lists_what_they_may_see(team):
    svc = Services.open(team.login_url("anna"))
    try:
        assert svc.user.username == f"anna_{team.sfx}" and svc.user.role == "sales"
        names = {r.name for r in svc.customers.page(CustomerQuery()).rows}
        assert names == {"安娜客户", "公海客户"}
        created = svc.customers.create({"name": "新客户"})
        assert created.owner_id == team.ids["anna"]
    finally:
        svc.close()


def test_an_admin_login_manages_staff_and_a_disabled_login_cannot_connect(team):
    admin_svc = team.owner
    staff = StaffService(admin_svc.db, admin_svc.user)
    member, password = staff.add(f"lee_{team.sfx}", "Lee", "admin", "", None)
    assert len(password) == 12  # made up, to hand over
    lee = Services.open(make_url(team.url).set(username=member.username, password=password)
                        .render_as_string(hide_password=False))
    try:
        assert lee.user.role == "admin"
        lee_staff = StaffService(lee.db, lee.user)
        lee_staff.set_active(team.ids["wang"], False)
        u = make_url(team.url)
        refused = connection.check(ServerConnection(u.host, u.port or 5432, u.database,
                                                    f"wang_{team.sfx}", "disable"), PASSWORD)
        assert refused.code == "login_failed"
        lee_staff.set_active(team.ids["wang"], True)
        assert connection.check(ServerConnection(u.host, u.port or 5432, u.database,
                                                 f"wang_{team.sfx}", "disable"), PASSWORD).ok
        with pytest.raises(ValidationError) as err:
            lee_staff.add(f"anna_{team.sfx}", "again")
        assert err.value.errors[0].code == "duplicate"
    finally:
        lee.close()


def test_a_salesperson_cannot_manage_staff_through_the_app(team):
    svc = Services.open(team.login_url("anna"))
    try:
        with pytest.raises(PermissionDenied):
            StaffService(svc.db, svc.user).add(f"x_{team.sfx}", "X")
    finally:
        svc.close()


def test_the_password_never_reaches_the_server_in_clear(team):
    engine = create_engine(team.url)
    with engine.connect() as c:
        stored = c.execute(text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"),
                           {"r": f"anna_{team.sfx}"}).scalar()
    engine.dispose()
    assert stored.startswith("SCRAM-SHA-256$4096:") and PASSWORD not in stored
