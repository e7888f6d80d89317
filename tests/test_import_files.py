"""Reading files and cells for the import: encodings, delimiters, header rows, sheets, the
forms of dates, amounts and phones people write; and hostile files (random bytes, wrong
encodings, ragged rows, formulas, huge cells, empty sheets), fed to the importer by
hypothesis: it never crashes, never writes part of a row, and reports every row it rejects."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desktop_crm.models import Contact, Customer, ImportRow, ImportRun
from desktop_crm.services.container import Services
from desktop_crm.services.importing import ImportService, UnreadableFile
from desktop_crm.services.importing import values as v
from desktop_crm.services.importing.fields import guess_fields
from desktop_crm.services.importing.readers import read, sniff_delimiter
from desktop_crm.services.importing.store import new_ids
from desktop_crm.services.text import normalize_email, normalize_phone, phone_digits

HEAD = ["客户名称", "手机", "邮箱", "负责人", "省"]
ROW = ["华信科技", "13812345678", "a@b.cn", "", "广东"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16",
                                      "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    path = tmp_path / "c.csv"
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(["客户名单"])  # a title row above the header
        w.writerow(HEAD)
        w.writerow(ROW)
        w.writerow(["北京, 长城", "13900001111", "", "", "北京"])
    src = read(path)
    assert src.delimiter == delimiter and src.header_row == 2
    assert src.headers == tuple(HEAD)
    assert src.preview[0] == tuple(ROW)
    assert [cells[0] for _n, cells in src.rows()] == ["华信科技", "北京, 长城"]
    if encoding in ("gbk", "gb18030"):
        assert src.encoding == "gb18030"


def test_workbook_sheets_header_below_title_and_types(tmp_path):
    book = openpyxl.Workbook()
    empty = book.active
    empty.title = "说明"
    sheet = book.create_sheet("客户")
    sheet["B3"] = "客户名称"
    sheet["C3"] = "下单日期"
    sheet["D3"] = "金额"
    sheet["B4"] = "华信"
    sheet["C4"] = dt.date(2024, 3, 5)
    sheet["D4"] = 1200.5
    sheet["B6"] = "长城"
    sheet["D6"] = "=1+1"
    book.save(tmp_path / "b.xlsx")
    src = read(tmp_path / "b.xlsx")
    assert src.sheets == ("说明", "客户") and src.sheet == "客户"
    assert src.header_row == 3 and src.headers == ("A", "客户名称", "下单日期", "金额")
    rows = list(src.rows())
    assert [n for n, _c in rows] == [4, 6]
    assert rows[0][1][1:] == ["华信", dt.date(2024, 3, 5), 1200.5]
    with pytest.raises(UnreadableFile) as exc:
        read(tmp_path / "b.xlsx", sheet="没有")
    assert exc.value.code == "no_sheet"
    with pytest.raises(UnreadableFile) as exc:
        read(tmp_path / "b.xlsx", sheet="说明")
    assert exc.value.code == "empty"


def test_unreadable_files(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    (tmp_path / "junk.xlsx").write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "bin.csv").write_bytes(bytes([0x81, 0x30, 0xff, 0xfe, 0x00, 0x81]) * 100)
    (tmp_path / "empty.csv").write_bytes(b"")
    codes = {}
    for name in ("x.pdf", "junk.xlsx", "bin.csv", "empty.csv", "missing.csv"):
        with pytest.raises(UnreadableFile) as exc:
            read(tmp_path / name)
        codes[name] = exc.value.code
    assert codes == {"x.pdf": "unsupported_format", "junk.xlsx": "unreadable",
                     "bin.csv": "invalid_encoding", "empty.csv": "empty",
                     "missing.csv": "not_found"}


def test_sniffing_and_guessing():
    assert sniff_delimiter('a;b;"c;d"\n1;2;3\n') == ";"
    assert sniff_delimiter("just one column\nand another\n") == ","
    assert guess_fields("customers", ["Company Name", "Mobile", "E-mail", "Owner", "Tier"]) == {
        "name": "Company Name", "phone": "Mobile", "email": "E-mail", "owner": "Owner",
        "tier": "Tier"}
    assert guess_fields("orders", ["客户编号", "订单编号", "下单时间", "实付金额（元）"]) == {
        "customer_code": "客户编号", "order_no": "订单编号", "order_date": "下单时间",
        "amount": "实付金额（元）"}


def test_dates():
    want = dt.date(2024, 3, 5)
    for text in ("2024/3/5", "2024-03-05", "2024.3.5", "2024年3月5日", "20240305",
                 "２０２４年３月５日", "2024-03-05 00:00:00", "3/5/2024", 45356, 45356.0,
                 "45356", dt.datetime(2024, 3, 5, 0, 0), want):
        assert v.date_value(text) == want, text
    assert v.datetime_value("2024/3/5 下午2:30") == dt.datetime(2024, 3, 5, 14, 30)
    assert v.datetime_value("2024-03-05T09:15:30") == dt.datetime(2024, 3, 5, 9, 15, 30)
    assert v.datetime_value(45356.75) == dt.datetime(2024, 3, 5, 18, 0)
    for bad in ("2024-02-30", "昨天", "2024/13/1", -5, "1/2", True, "99999999"):
        with pytest.raises(v.Bad) as exc:
            v.date_value(bad)
        assert exc.value.code == "invalid_date", bad
    assert v.date_value("") is None and v.date_value(None) is None


def test_amounts():
    for text, want in (("1,200.50", "1200.50"), ("￥1,200", "1200"), ("¥ 1 200", "1200"),
                       ("12万", "120000"), ("1.5亿", "150000000"), ("(300)", "-300"),
                       ("RMB 88", "88"), (1200.5, "1200.5"), (7, "7"), ("１２００元", "1200"),
                       ("0.125", "0.13")):
        assert v.amount_value(text) == Decimal(want), text
    for bad in ("lots", "1.2.3", "NaN", "inf", "1e400", "1" * 20):
        with pytest.raises(v.Bad):
            v.amount_value(bad)


@pytest.mark.parametrize("text", ["13812345678", "138 1234 5678", "138-1234-5678",
                                  "+86 138 1234 5678", "(+86)13812345678", "0086 13812345678",
                                  "１３８１２３４５６７８", "+86-138-1234-5678"])
def test_phone_forms(text):
    assert v.phone_value(text) == "+8613812345678"


@given(st.text(max_size=30))
def test_fast_phone_and_email_agree_with_the_services(text):
    try:
        fast = v.phone_value(text)
    except v.Bad:
        fast = None
    try:
        slow = normalize_phone(v.fast_clean(text))
    except Exception:  # noqa: BLE001
        slow = None
    if fast is not None and slow is not None:
        assert fast == slow
    if fast:
        assert v.phone_digits(fast) == phone_digits(fast)
    try:
        e = v.email_value(text)
    except v.Bad:
        return
    if e:
        assert e == normalize_email(e)


def test_new_ids_are_uuids_and_ascending():
    import uuid

    ids = new_ids(1000)
    assert ids == sorted(ids) and len(set(ids)) == 1000
    assert {uuid.UUID(i).version for i in ids} == {7}


# -- hostile files -------------------------------------------------------------------------------

CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["张总", "13812345678", "１３８ １２３４ ５６７８", "bad@", "=cmd|'/c calc'!A1",
                     "=SUM(A1:A9)", "2024/3/5", "广东", "李娜", "没这个人", "C000001",
                     "\x00\x01", "\ufeff", "\r\n", '"', "a" * 300, "中" * 5000]),
    st.integers(-10, 10**12).map(str),
)
ROWS = st.lists(st.lists(CELL, min_size=0, max_size=9), min_size=0, max_size=25)
HEADERS = st.lists(st.sampled_from(["客户名称", "手机", "电话", "邮箱", "负责人", "省", "市",
                                    "客户编号", "备注", "联系人", "", "x", "客户名称"]),
                   min_size=1, max_size=8)


def _encode(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, errors="replace")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'crm.sqlite3'}"
    svc = Services.open(url, upgrade=True)
    svc.users.create("li", "李娜", "sales")
    yield svc
    svc.close()


def _check_run(svc, imp, path):
    try:
        src = imp.read(path)
    except UnreadableFile:
        return
    mapping = imp.guess_mapping("customers", src.headers)
    if "name" not in mapping.fields:
        mapping = mapping.with_field("name", src.headers[0])
    with svc.db.read() as s:
        before = s.scalar(select(func.count()).select_from(Customer))
        contacts_before = s.scalar(select(func.count()).select_from(Contact))
    checked = imp.validate("customers", src, mapping)
    result = imp.run("customers", src, mapping, "update")
    data_rows = sum(1 for _ in src.rows())
    assert result.read == data_rows == checked.read
    # every row is accounted for: imported, updated, skipped or rejected with its reasons
    assert result.imported + result.updated + result.skipped + result.rejected == result.read
    assert all(r.problems for r in result.rejected_rows)
    assert all(p.row == r.row for r in result.rejected_rows for p in r.problems)
    assert len({r.row for r in result.rejected_rows}) == result.rejected
    with svc.db.read() as s:
        after = s.scalar(select(func.count()).select_from(Customer))
        contacts = s.scalar(select(func.count()).select_from(Contact))
        recorded = s.scalar(select(func.count()).select_from(ImportRow).where(
            ImportRow.import_id == result.import_id, ImportRow.action == "create"))
        run = s.get(ImportRun, result.import_id)
        names = s.scalars(select(Customer.name)).all()
    assert after - before == result.imported  # whole rows only
    assert recorded == result.imported + (contacts - contacts_before)
    assert (run.status, run.imported, run.rejected) == ("done", result.imported,
                                                          result.rejected)
    assert all(n and not n.startswith("=") and "\x00" not in n for n in names)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(header=HEADERS, rows=ROWS,
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1",
                                 "shift_jis", "big5"]),
       delimiter=st.sampled_from([",", ";", "\t"]),
       junk=st.one_of(st.none(), st.binary(min_size=1, max_size=200)))
def test_hostile_csv_files(hostile_db, tmp_path_factory, header, rows, encoding, delimiter,
                           junk):
    svc = hostile_db
    imp = ImportService(svc.db, svc.user)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(header)
    w.writerows(rows)  # ragged: rows of any length
    data = _encode(buf.getvalue(), encoding)
    if junk is not None:  # binary junk somewhere in the file
        cut = len(data) // 2
        data = data[:cut] + junk + data[cut:]
    path = tmp_path_factory.mktemp("h") / "hostile.csv"
    path.write_bytes(data)
    _check_run(svc, imp, path)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(header=HEADERS, rows=ROWS, empty_first=st.booleans())
def test_hostile_workbooks(hostile_db, tmp_path_factory, header, rows, empty_first):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    svc = hostile_db
    imp = ImportService(svc.db, svc.user)
    book = openpyxl.Workbook()
    if empty_first:
        book.active.title = "空"
        sheet = book.create_sheet("数据")
    else:
        sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c)[:32000] for c in r])
    path = tmp_path_factory.mktemp("w") / "hostile.xlsx"
    book.save(path)
    _check_run(svc, imp, path)


def test_huge_cell_and_broken_quotes(hostile_db, tmp_path):
    svc = hostile_db
    imp = ImportService(svc.db, svc.user)
    path = tmp_path / "huge.csv"
    path.write_bytes(codecs.BOM_UTF8 + "客户名称,手机\n正常客户甲,13800005555\n".encode()
                     + b'"' + b"x" * (9 * 1024 * 1024) + b'",1\n' + "正常客户乙,1\n".encode())
    src = imp.read(path)
    result = imp.run("customers", src, imp.guess_mapping("customers", src.headers))
    assert result.imported == 1 and result.read == 1
    assert [p.code for p in result.problems] == ["unreadable"]  # from row 3 on
    assert result.rejected_rows[0].row == 3
