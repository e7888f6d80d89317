"""Export -> import gives the same data: customers (with every column of the export), their
contacts and their orders written to .xlsx and .csv by the export, read back by the importer
into an empty database that knows the same staff, and compared field by field; a second
import of the same file changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from desktop_crm.models import Contact, Order
from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery
from desktop_crm.services.exporting import COLUMNS, ExportService
from desktop_crm.services.importing import ImportService

FIELDS = ("code", "kind", "name", "phone", "phone2", "email", "region", "province", "city",
          "address", "industry", "source", "owner", "tier", "notes", "tags")


def _company(svc) -> dict:
    anna = svc.users.create("anna", "安娜", "sales", team="华东")
    c = svc.customers
    hx = c.create({"name": "上海华信科技有限公司", "phone": "13812345678",
                   "phone2": "021-65529988", "email": "info@huaxin.cn", "province": "上海市",
                   "city": "上海市", "region": "华东", "address": "浦东新区张江路1号", "industry": "信息技术",
                   "source": "展会", "tier": "strategic", "owner_id": anna.id,
                   "tags": ["重点"], "notes": "第一行\n第二行"})
    c.create({"name": "北京智远科技有限公司", "phone": "010-65529988", "tier": "growth",
              "province": "北京市", "city": "北京市", "region": "华北", "owner_id": anna.id})
    c.create({"name": "王伟", "kind": "person", "phone": "13900001111",
              "email": "wangwei@example.com", "province": "广东省", "city": "深圳市",
              "region": "华南"})
    c.add_contact(hx.id, {"name": "张三", "title": "采购经理", "phone": "13700001234",
                          "is_primary": True})
    c.add_contact(hx.id, {"name": "李四", "email": "lisi@huaxin.cn"})
    with svc.db.session() as s:
        s.add_all([
            Order(customer_id=hx.id, order_no="SO1", order_date=dt.date(2026, 10, 2),
                  amount=Decimal("12000.50"), status="paid"),
            Order(customer_id=hx.id, order_no="SO2", order_date=dt.date(2026, 11, 3),
                  amount=Decimal("800.00"), status="paid"),
        ])
    return {"anna": anna}


def _customers(svc) -> dict[str, dict]:
    out = {}
    for row in svc.customers.page(CustomerQuery(), limit=100).rows:
        rec = svc.customers.get(row.id)
        out[rec.code] = {f: getattr(rec, f) for f in FIELDS}
    return out


def _contacts(svc) -> set[tuple]:
    with svc.db.read() as s:
        return {(c.name, c.title, c.phone, c.email) for c in s.scalars(select(Contact).where(
            Contact.deleted_at.is_(None)))}


def _orders(svc) -> set[tuple]:
    with svc.db.read() as s:
        return {(o.order_no, o.order_date, o.amount, o.status) for o in s.scalars(select(Order))}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_data(db_url, tmp_path, fmt):
    source = Services.open(db_url, upgrade=True)
    try:
        _company(source)
        exports = ExportService(source.db, source.user)
        files = {kind: tmp_path / f"{kind}.{fmt}" for kind in ("customers", "contacts", "orders")}
        for kind, path in files.items():
            # every column the export offers, not only the default ones
            exports.export(kind, path, fmt=fmt, columns=[c.key for c in COLUMNS[kind]])
        before = (_customers(source), _contacts(source), _orders(source))
    finally:
        source.close()

    target = Services.open(f"sqlite:///{tmp_path / 'target.sqlite3'}", upgrade=True)
    try:
        target.users.create("anna", "安娜", "sales", team="华东")
        imports = ImportService(target.db, target.user)
        for kind in ("customers", "contacts", "orders"):
            src = imports.read(files[kind])
            mapping = imports.guess_mapping(kind, src.headers)
            result = imports.run(kind, src, mapping)
            assert result.rejected == 0, (kind, [r for r in result.rejected_rows])
        after = (_customers(target), _contacts(target), _orders(target))
        assert after[0] == before[0]
        assert after[1] == before[1]
        assert after[2] == before[2]

        # the same file again: matched by code, nothing new, nothing changed
        src = imports.read(files["customers"])
        again = imports.run("customers", src, imports.guess_mapping("customers", src.headers),
                            "update")
        assert again.imported == 0 and again.rejected == 0
        assert _customers(target) == before[0]
    finally:
        target.close()
