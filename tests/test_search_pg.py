"""Customer search under row-level security on the real PostgreSQL server (revision 0017):
``crm_search_customers`` / ``crm_count_customers`` give exactly what the plain query under
the policy gives (same rows, same order, every page), for each role, and never more than the
caller may see, even when called with raw SQL."""

from __future__ import annotations

import itertools

import psycopg
import pytest
from sqlalchemy.engine import make_url

from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery, CustomerService
from desktop_crm.services.staff import StaffService
from desktop_crm.services.text import search_terms, sort_name_of
from tests.conftest import _pg_database

PASSWORD = "Search-Passw0rd-1"

CITIES = ("北京", "上海", "深圳", "杭州", "广州")
WORDS = ("科技", "贸易", "物流", "电子", "医疗")
PEOPLE = ("王伟", "李娜", "张敏", "王芳", "张欣", "李强")
ENGLISH = ("Acme Trading", "Zhang Xin Ltd", "100%_Percent Co", "O'Brien & Sons", "bjorn ab")
TERMS = ("北京", "上海", "科技", "贸易", "zx", "bj", "138", "有限", "深圳", "hz", "wl", "电子",
         "王", "李", "张", "sh", "gz", "139", "物流", "医疗", "beijing", "13800000", "%", "_",
         "o'b", "北京 科技", "王 138", "xyz123", "无此", "q", "1", "3王", "")
ROLES = ("anna", "mei", "wang", "boss", "desk", "lee")


class Company:
    """A fresh database with staff: a manager of EAST (boss) with two salespeople (anna,
    mei), a salesperson in WEST (wang), a service agent (desk), an admin login (lee), and
    a few hundred customers spread over them and the pool, some deleted, names repeating."""

    def __init__(self, url: str):
        self.url = url
        self.sfx = make_url(url).database[-6:]
        self.owner = Services.open(url, upgrade=True)
        staff = StaffService(self.owner.db, self.owner.user)
        self.ids = {}
        for key, role, team in (("boss", "manager", "EAST"), ("anna", "sales", "EAST"),
                                ("mei", "sales", ""), ("wang", "sales", "WEST"),
                                ("desk", "service", ""), ("lee", "admin", "")):
            member, _pw = staff.add(f"s{key}_{self.sfx}", key.title(), role, team, PASSWORD)
            self.ids[key] = member.id
        # mei is not in EAST but reports to boss
        staff.update(self.ids["mei"], manager_id=self.ids["boss"])
        owners = [self.ids["anna"], self.ids["mei"], self.ids["wang"], self.ids["boss"], None,
                  None]
        names = [f"{c}{w}有限公司" for c in CITIES for w in WORDS] + \
            [f"{p}{n}" for p in PEOPLE for n in ("", "伟", "明")] + list(ENGLISH)
        c = self.owner.customers
        self.customers = []
        for i, (name, owner) in enumerate(zip(itertools.islice(itertools.cycle(names), 260),
                                              itertools.cycle(owners))):
            data = {"name": name, "owner_id": owner}
            if i % 3 == 0:
                data["phone"] = f"138{i:08d}"
            elif i % 3 == 1:
                data["phone"] = f"139{i * 7:08d}"
            self.customers.append(c.create(data))
        for rec in self.customers[::17]:  # some in the recycle bin
            c.delete(rec.id)
        wang_own = [r for r in self.customers if r.owner_id == self.ids["wang"]
                    and not r.deleted_at]
        t = self.owner.tickets
        t.create({"customer_id": wang_own[0].id, "subject": "坏了",
                  "assignee_id": self.ids["desk"]})
        t.create({"customer_id": wang_own[1].id, "subject": "没人管"})
        done = t.create({"customer_id": wang_own[2].id, "subject": "好了"})
        t.set_status(done.id, done.version, "resolved")

    def login(self, key: str) -> str:
        return make_url(self.url).set(username=f"s{key}_{self.sfx}", password=PASSWORD) \
            .render_as_string(hide_password=False)

    def psql(self, key: str) -> psycopg.Connection:
        u = make_url(self.url)
        return psycopg.connect(host=u.host, port=u.port or 5432, dbname=u.database,
                               user=f"s{key}_{self.sfx}", password=PASSWORD, autocommit=True)


@pytest.fixture(scope="module")
def company(_pg_template):
    """One database for the module: the company is read, never changed, by the tests."""
    with _pg_database(_pg_template) as url:
        company = Company(url)
        try:
            yield company
        finally:
            company.owner.close()


def _all_pages(customers: CustomerService, q: CustomerQuery, size: int) -> list:
    out, after = [], None
    while True:
        page = customers.page(q, after=after, limit=size)
        out += [r.id for r in page.rows]
        if not page.has_more:
            return out
        after = page.last_key


class _Plain(CustomerService):
    """The same service without revision 0017's functions: the plain query under RLS."""

    def _server_search(self, q):
        return False


@pytest.mark.parametrize("role", ROLES)
def test_the_search_function_gives_what_the_plain_query_gives(company, role):
    svc = Services.open(company.login(role))
    try:
        plain = _Plain(svc.db, svc.user.id, svc.user)
        assert svc.customers._under_rls()
        # enough rows that pages split branches and repeated names
        assert len(_all_pages(plain, CustomerQuery(text="有限"), 1000)) > 30
        for term in TERMS:
            q = CustomerQuery(text=term)
            assert svc.customers._server_search(q)
            expected = _all_pages(plain, q, 1000)
            for size in (1, 4, 7, 200):
                assert _all_pages(svc.customers, q, size) == expected, (role, term, size)
            assert svc.customers.count(q) == plain.count(q) == len(expected), (role, term)
        # other filters and orders keep to the plain query
        assert not svc.customers._server_search(CustomerQuery(text="北京", tier="A"))
        assert not svc.customers._server_search(CustomerQuery(text="北京", descending=True))
    finally:
        svc.close()


@pytest.mark.parametrize("role", ROLES)
def test_raw_calls_match_the_policy_whichever_path(company, role):
    """Called in psql: what the policy lets the login read, in name order, whether a 3+
    character term goes by its trigram matches (rare) or by walking the name order."""
    with company.psql(role) as conn:
        for term in TERMS:
            terms = search_terms(term)
            where = ""
            args: list = []
            for t in terms:
                pat = "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                if len(t) >= 3:
                    where += " AND search_text LIKE %s"
                    args.append(pat)
                else:
                    where += " AND (lower(name) LIKE %s OR name_initials LIKE %s)"
                    args += [pat, pat]
            expected = [r[0] for r in conn.execute(
                "SELECT id FROM customers WHERE deleted_at IS NULL" + where +
                " ORDER BY sort_name, id", args)]
            for rare in (0, 2000):
                for size in (3, 50):
                    got, after = [], (None, None)
                    while True:
                        rows = conn.execute(
                            "SELECT id, sort_name FROM crm_search_customers("
                            "%s, %s, %s, %s, NULL, %s)",
                            (terms, after[0], after[1], size, rare)).fetchall()
                        got += [r[0] for r in rows]
                        if len(rows) < size:
                            break
                        after = (rows[-1][1], rows[-1][0])
                    assert got == expected, (role, term, rare, size)
            assert conn.execute("SELECT crm_count_customers(%s)", (terms,)).fetchone()[0] \
                == len(expected)


def test_a_salesperson_cannot_see_others_customers_through_the_functions(company):
    wang_ids = {r.id for r in company.customers if r.owner_id == company.ids["wang"]}
    with company.psql("anna") as conn:
        visible = {r[0] for r in conn.execute("SELECT id FROM customers")}
        assert not visible & wang_ids
        for owners in (None, [company.ids["wang"]], [company.ids["wang"], company.ids["anna"]]):
            got = {r[0] for r in conn.execute(
                "SELECT id FROM crm_search_customers(%s, NULL, NULL, 100000, %s)",
                ([], owners))}
            assert got <= visible and not got & wang_ids
            for term in ("有限", "138", "王", "13800000"):
                got = {r[0] for r in conn.execute(
                    "SELECT id FROM crm_search_customers(%s, NULL, NULL, 100000, %s, %s)",
                    ([term], owners, 0))}
                assert got <= visible and not got & wang_ids
        # the count does not tell either
        everyone = conn.execute("SELECT crm_count_customers(%s, %s)",
                                ([], [company.ids["wang"]])).fetchone()[0]
        assert everyone <= len(visible)
        # nor do terms smuggle SQL in
        assert conn.execute("SELECT count(*) FROM crm_search_customers(%s, NULL, NULL, 10)",
                            (["x' OR true OR '"],)).fetchone()[0] == 0
        # the helpers are the owner's alone
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT crm_search_scope(NULL)")


def test_nothing_changes_for_the_schema_owner_or_on_sqlite(company, sqlite_db):
    assert not company.owner.customers._under_rls()
    assert not CustomerService(sqlite_db)._under_rls()


def test_the_longest_name_and_email_still_save_with_the_search_indexes(pg_url):
    """A btree entry holds at most 2,704 bytes: the search indexes of revision 0017 carry the
    name and its initials, never the (much longer) search text."""
    import random

    svc = Services.open(pg_url, upgrade=True)
    try:
        rnd = random.Random(7)
        name = ""
        while len(name) < 200:  # as long as the sort name (its pinyin, 600 at most) allows
            longer = name + chr(rnd.randint(0x4E00, 0x9FA5))
            if len(sort_name_of(longer)) > 590:
                break
            name = longer
        email = "x" * 64 + "@" + "y" * 63 + "." + "z" * 63 + "." + "w" * 50 + ".com"
        for owner in (svc.user.id, None):
            rec = svc.customers.create({"name": name, "email": email, "phone": "13812345678",
                                        "owner_id": owner})
            assert rec.name == name
    finally:
        svc.close()
