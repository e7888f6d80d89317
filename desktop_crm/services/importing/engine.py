"""The import itself: rows checked, matched against what the database has, and written in
batches, one transaction each, recorded in the import log in that same transaction.

A batch: its rows are checked (``rows.RowChecker``); rows that name the same record as an
earlier row of the file are rejected (``duplicate_in_file``); customer references are
resolved (code, else name - company names compared without their legal form); the records
the database already has are found with one query per key for the whole batch (customers by
code, then phone, then e-mail; contacts by customer and phone, e-mail or name; orders by
number, else by customer, date and amount; interactions by customer, time and channel;
follow-ups by customer, time and subject). Then new rows are inserted in bulk (SQLite
``executemany``, PostgreSQL ``COPY``) and existing ones skipped, updated, or filled where
empty (``on_duplicate``); the batch's ``import_rows``, its audit rows and the import's counts
and ``next_row`` are written in the same transaction. A crash or a cancel therefore leaves
the batches committed before it, recorded as such, and nothing of the batch in progress.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, delete, select, update

from desktop_crm.models import (
    Activity, Contact, Counter, Customer, CustomerTag, ImportRow, ImportRun, ImportStatus,
    Interaction, Order, Tag, User,
)

from .. import company, counters, order_stats
from ..errors import Cancelled, ChangeSet
from ..normalize import company_key, person_key
from ..text import clean, pinyin_of
from .mapping import Mapping
from .readers import RowsUnreadable, Source
from .rows import VALUE_CHARS, Parsed, People, Problem, RowChecker
from .store import Driver, new_ids, write
from .values import cell_text, phone_digits

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], bool | None]
# rows per batch (one transaction each): bigger batches commit less often (a million orders:
# 15.6 s of commits in batches of 20,000, 7.4 s in batches of 50,000)
BATCH = {"customers": 2000, "contacts": 5000, "orders": 50000, "interactions": 10000,
         "activities": 10000}
SQLITE_CACHE_KIB = 256 * 1024
TAG_COLOR = Tag.__table__.c.color.default.arg  # a new tag's colour, as the app gives it
SQLITE_CHECKPOINT_PAGES = 16384  # checkpoint the WAL every 64 MB instead of every 4 MB
IN_CHUNK = 5000  # values per IN (...) list (SQLite allows 32,766 parameters, psycopg 65,535)
TABLE = {"customers": Customer.__table__, "contacts": Contact.__table__,
         "orders": Order.__table__, "interactions": Interaction.__table__,
         "activities": Activity.__table__}
# what a change to each kind of record makes the views reload
CHANGES = {"customers": ("customers", "contacts"), "contacts": ("contacts",),
           "orders": ("orders", "customers"), "interactions": ("interactions",),
           "activities": ("activities",)}
# fields an import may change on a record it found; derived columns are recomputed
UPDATABLE = {
    "customers": ("name", "kind", "phone", "phone2", "email", "region", "province", "city",
                  "address", "industry", "source", "employees", "owner_id", "tier", "notes"),
    "contacts": ("title", "phone", "email", "wechat", "is_primary", "notes"),
    "orders": ("order_date", "amount", "currency", "status", "notes"),
    "interactions": ("user_id", "summary"),
    "activities": ("type", "notes", "duration_minutes", "owner_id", "done_at"),
}


@dataclass(frozen=True)
class RejectedRow:
    """A row not imported: its number, its cells as text, and every problem found."""

    row: int
    cells: tuple[str, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ImportResult:
    """What an import (or a check, ``dry_run``) did: rows read, records created
    (``imported``), updated, skipped (already there and left alone, or nothing to change),
    and the rejected rows. ``import_id``: the import log entry (None for a check)."""

    kind: str
    file: str
    sheet: str
    headers: tuple[str, ...]
    dry_run: bool
    import_id: uuid.UUID | None
    read: int
    imported: int
    updated: int
    skipped: int
    rejected_rows: tuple[RejectedRow, ...]
    seconds: float
    changes: ChangeSet = field(default_factory=ChangeSet)

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rejected_rows for p in r.problems]


def _chunks(items: list, n: int = IN_CHUNK) -> Iterator[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _search_text(name: str, code: str, phones: Iterable[str], email: str) -> str:
    """``text.search_text`` with the fast path for Chinese mobiles (a test keeps them equal)."""
    full, initials = pinyin_of(name)
    parts = [name, full, initials, code, *(phone_digits(p) for p in phones if p), email]
    return " ".join(p for p in (clean(x).lower() for x in parts) if p)


@dataclass
class _Row:
    """A checked row on its way: what it will do (``action``) and to which record."""

    parsed: Parsed
    keys: tuple = ()
    customer_id: uuid.UUID | None = None
    existing: dict[str, Any] | None = None
    action: str = ""  # create, update, skip, reject


class Importer:
    """One pass over a file: a check (``dry_run``) or an import."""

    def __init__(self, db, user, kind: str, source: Source, mapping: Mapping,
                 on_duplicate: str, progress: Progress | None, dry_run: bool, tz: dt.tzinfo,
                 batch_size: int | None = None, resume: uuid.UUID | None = None):
        self.db = db
        self.user = user
        self.kind = kind
        self.source = source
        self.mapping = mapping
        self.on_duplicate = on_duplicate
        self.progress = progress
        self.dry_run = dry_run
        self.currency = company.currency(db)  # orders without a currency column
        self.tz = tz
        self.batch_size = batch_size or BATCH[kind]
        self.pg = not db.is_sqlite
        self.drv = Driver(self.pg)
        self.table = TABLE[kind]
        self.rejected: list[RejectedRow] = []
        self.counts = {"read": 0, "imported": 0, "updated": 0, "skipped": 0}
        self.seen: dict[Any, int] = {}  # in-file keys -> first row
        self.touched: set[uuid.UUID] = set()  # records found and skipped or changed
        self.created_unowned: list[str] = []  # hex ids
        self.import_id: uuid.UUID | None = resume
        self.start_row = 0
        self._names: dict[str, set[uuid.UUID]] | None = None
        self._codes: dict[str, uuid.UUID] = {}  # customer codes found so far
        self.stats_due: set[uuid.UUID] = set()  # customers whose order stats are stale
        self.unreadable = 0  # 1: the file could not be read to its end
        self.seconds: dict[str, float] = {}  # where the time went, by phase
        self._last = time.perf_counter()

    def _clock(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._last
        self._last = now

    # -- the pass -----------------------------------------------------------------------------

    def run(self) -> ImportResult:
        # The cyclic garbage collector walks every live object each time enough containers
        # were made: with a million rows' keys alive it took a third of the time. It runs
        # on the young objects after each batch instead, and is put back as it was.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if was_enabled:
                gc.enable()

    def _run(self) -> ImportResult:
        t0 = time.perf_counter()
        with self.db.read() as s:
            people = People(s.execute(select(User.id, User.username, User.display_name,
                                             User.email).where(User.deleted_at.is_(None),
                                                               User.active.is_(True))).all())
        self.checker = RowChecker(self.kind, self.source.headers, self.mapping, people, self.tz)
        total = self._estimate_rows()
        if not self.dry_run:
            self._open_log()
        stage = "validate" if self.dry_run else "import"
        self._report(stage, 0, total, cancellable=False)
        try:
            with self.db.engine.connect() as conn:
                cache = None
                if not self.pg:  # a bigger page cache while the indexes grow; put back after
                    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
                    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
                    checkpoint = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
                    conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={SQLITE_CHECKPOINT_PAGES}")
                    conn.commit()
                try:
                    for batch in self._batches():
                        self._batch(conn, batch, stage, total)
                        del batch  # freed before the next is read (``_batches`` collects)
                finally:
                    if cache is not None:
                        if conn.in_transaction():
                            conn.rollback()
                        conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
                        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={int(checkpoint)}")
                        conn.commit()
            if not self.dry_run:
                self._refresh_stats()
                self._after()
                self._close_log(ImportStatus.DONE)
        except Cancelled:
            if not self.dry_run:
                self._refresh_stats()
                self._close_log(ImportStatus.CANCELLED)
            raise
        except BaseException as exc:
            if not self.dry_run:
                self._refresh_stats()
                self._close_log(ImportStatus.FAILED, repr(exc)[:2000])
            raise
        self._report(stage, self.counts["read"], max(total, self.counts["read"]),
                     cancellable=False)
        log.info("%s %s of %s: %s", stage, self.kind, self.source.name,
                 {k: round(v, 2) for k, v in self.seconds.items()})
        changed = self.counts["imported"] + self.counts["updated"]
        return ImportResult(
            self.kind, self.source.name, self.source.sheet, self.source.headers, self.dry_run,
            self.import_id, self.counts["read"], self.counts["imported"], self.counts["updated"],
            self.counts["skipped"], tuple(self.rejected), time.perf_counter() - t0,
            ChangeSet.of(*CHANGES[self.kind]) if changed and not self.dry_run else ChangeSet())

    def _estimate_rows(self) -> int:
        """Data rows in the file, estimated cheaply (line breaks of a CSV; a sheet's height)."""
        try:
            if self.source.format == "csv":
                n, last = 0, b"\n"
                with open(self.source.path, "rb") as f:
                    while chunk := f.read(1 << 22):
                        n += chunk.count(b"\n")
                        last = chunk[-1:]
                return max(0, n + (last != b"\n") - self.source.header_row)
            from python_calamine import CalamineWorkbook

            sheet = CalamineWorkbook.from_path(self.source.path).get_sheet_by_name(
                self.source.sheet)
            return max(0, (sheet.start or (0, 0))[0] + sheet.height - self.source.header_row)
        except Exception:  # noqa: BLE001 - only an estimate for the progress bar
            return 0

    def _report(self, stage: str, done: int, total: int, cancellable: bool = True) -> None:
        if self.progress is None:
            return
        if self.progress(stage, done, max(total, done)) is False and cancellable:
            raise Cancelled(f"{stage} cancelled after {done} rows")

    def _batches(self) -> Iterator[list[tuple[int, list]]]:
        rows = self.source.rows()
        if self.start_row:
            rows = ((n, c) for n, c in rows if n >= self.start_row)
        broken = None
        while broken is None:
            batch: list[tuple[int, list]] = []
            gc.collect(1)  # the last batch's cycles (it is gone now), not the keys kept since
            try:
                batch.extend(itertools.islice(rows, self.batch_size))
            except RowsUnreadable as exc:  # the rest of the file cannot be read
                broken = exc
            if batch:
                yield batch
            elif broken is None:
                return
        self.rejected.append(RejectedRow(broken.row, (), (Problem(
            broken.row, "", "", broken.detail[:VALUE_CHARS], "unreadable"),)))
        self.unreadable = 1

    # -- one batch ----------------------------------------------------------------------------

    def _batch(self, conn, raw_rows: list[tuple[int, list]], stage: str, total: int) -> None:
        clock = self._clock
        clock("read")
        check = self.checker.check
        rows = [_Row(check(n, cells)) for n, cells in raw_rows]
        self.counts["read"] += len(rows)
        clock("check")
        with conn.begin():
            if not self.pg:
                raw = conn.connection.driver_connection
                if not raw.in_transaction and not self.dry_run:
                    raw.execute("BEGIN IMMEDIATE")  # matching and writing see the same data
            good = [r for r in rows if not r.parsed.problems]
            self._in_file_duplicates(good)
            if self.kind != "customers":
                self._resolve_customers(conn, [r for r in good if not r.parsed.problems])
            good = [r for r in good if not r.parsed.problems]
            clock("resolve")
            getattr(self, f"_match_{self.kind}")(conn, good)
            self._decide(good)
            clock("match")
            written = {"imported": 0, "updated": 0, "skipped": 0}
            for r in rows:
                if r.parsed.problems:
                    r.action = "reject"
                elif r.action == "skip":
                    written["skipped"] += 1
            if not self.dry_run:
                written["imported"] = self._create(conn, [r for r in good
                                                          if r.action == "create"])
                updated = self._update(conn, [r for r in good if r.action == "update"])
                written["updated"] = updated
                written["skipped"] += sum(1 for r in good if r.action == "update") - updated
            else:
                written["imported"] = sum(1 for r in good if r.action == "create")
                changing = sum(1 for r in good if r.action == "update" and self._changes(r))
                written["updated"] = changing
                written["skipped"] += sum(1 for r in good if r.action == "update") - changing
            batch_rejects = [RejectedRow(r.parsed.row, tuple(cell_text(c)[:32767]
                                                            for c in r.parsed.cells),
                                         tuple(r.parsed.problems))
                             for r in rows if r.action == "reject"]
            clock("write")
            if not self.dry_run:
                self._log_counts(conn, written, len(batch_rejects), raw_rows[-1][0] + 1)
            try:
                self._report(stage, self.counts["read"], total)  # Cancelled rolls it back
            except Cancelled:
                self.counts["read"] -= len(rows)
                raise
        clock("commit")
        for k, n in written.items():
            self.counts[k] += n
        self.rejected.extend(batch_rejects)

    def _reject(self, r: _Row, field_name: str, code: str, **params) -> None:
        header = self.checker.column_of.get(field_name, "")
        value = r.parsed.values.get(field_name, "")
        r.parsed.problems.append(Problem(r.parsed.row, header, field_name,
                                         cell_text(value)[:VALUE_CHARS], code, params))

    # -- keys of the file ---------------------------------------------------------------------

    def _file_keys(self, r: _Row) -> list[tuple[tuple, str]]:
        """The keys that name the record a row is about, each with the field it comes from."""
        v = r.parsed.values
        ref = ("code", v["customer_code"]) if v.get("customer_code") else \
            ("name", company_key(v.get("customer", "")))
        if self.kind == "customers":
            out = []
            if v.get("code"):
                out.append((("code", v["code"]), "code"))
            for f in ("phone", "phone2"):
                if v.get(f):
                    out.append((("phone", v[f]), f))
            if v.get("email"):
                out.append((("email", v["email"].lower()), "email"))
            return out
        if self.kind == "contacts":
            out = [((ref, "phone", v["phone"]), "phone")] if v.get("phone") else []
            if v.get("email"):
                out.append(((ref, "email", v["email"].lower()), "email"))
            if not out:
                out.append(((ref, "name", person_key(v["name"])), "name"))
            return out
        if self.kind == "orders":
            if v.get("order_no"):
                return [(("no", v["order_no"]), "order_no")]
            return [((ref, v["order_date"], v["amount"]), "order_date")]
        if self.kind == "interactions":
            return [((ref, v["occurred_at"], v.get("channel", "phone")), "occurred_at")]
        return [((ref, v["due_at"], v["subject"]), "due_at")]

    def _in_file_duplicates(self, rows: list[_Row]) -> None:
        for r in rows:
            keys = self._file_keys(r)
            first = next((self.seen[k] for k, _f in keys if k in self.seen), None)
            if first is not None:
                f = next(f for k, f in keys if k in self.seen)
                self._reject(r, f, "duplicate_in_file", row=first)
                continue
            for k, _f in keys:
                self.seen[k] = r.parsed.row

    # -- customer references ------------------------------------------------------------------

    def _resolve_customers(self, conn, rows: list[_Row]) -> None:
        c = Customer.__table__.c
        by_code = self._codes  # kept across batches: customers are not deleted meanwhile
        codes = sorted({r.parsed.values["customer_code"] for r in rows
                        if r.parsed.values.get("customer_code")} - by_code.keys())
        for part in _chunks(codes):
            by_code.update(conn.execute(select(c.code, c.id).where(
                c.code.in_(part), c.deleted_at.is_(None))).all())
        for r in rows:
            v = r.parsed.values
            if v.get("customer_code"):
                r.customer_id = by_code.get(v["customer_code"])
                if r.customer_id is None:
                    self._reject(r, "customer_code", "unknown_customer")
            elif v.get("customer"):
                found = self._customer_names(conn).get(company_key(v["customer"]), set())
                if len(found) == 1:
                    r.customer_id = next(iter(found))
                else:
                    self._reject(r, "customer", "ambiguous_customer" if found
                                 else "unknown_customer", matches=len(found))

    def _customer_names(self, conn) -> dict[str, set[uuid.UUID]]:
        """Live customers by their name without legal form (loaded once per import: only
        when rows name their customer without a code)."""
        if self._names is None:
            c = Customer.__table__.c
            self._names = {}
            for cid, name in conn.execute(select(c.id, c.name).where(c.deleted_at.is_(None))):
                self._names.setdefault(company_key(name), set()).add(cid)
        return self._names

    # -- finding what the database has --------------------------------------------------------

    def _select(self, conn, cols, where_col, values, *extra) -> list[dict[str, Any]]:
        out = []
        values = sorted(set(values), key=str)
        for part in _chunks(values):
            out += [dict(m) for m in conn.execute(
                select(*cols).where(where_col.in_(part), *extra)).mappings()]
        return out

    def _match_customers(self, conn, rows: list[_Row]) -> None:
        t = self.table
        c = t.c
        cols = [c.id, c.version, c.code, c.name_pinyin, c.name_initials, c.sort_name,
                c.search_text, c.custom_fields] + [c[f] for f in UPDATABLE["customers"]]
        live = c.deleted_at.is_(None)
        vals = [r.parsed.values for r in rows]
        codes = [v["code"] for v in vals if v.get("code")]
        phones = [v[f] for v in vals for f in ("phone", "phone2") if v.get(f)]
        emails = [v["email"] for v in vals if v.get("email")]
        found: dict[uuid.UUID, dict] = {}
        by_code: dict[str, uuid.UUID] = {}
        by_phone: dict[str, uuid.UUID] = {}
        by_email: dict[str, uuid.UUID] = {}
        for rec in self._select(conn, cols, c.code, codes, live):
            found[rec["id"]] = rec
            by_code[rec["code"]] = rec["id"]
        if phones:
            for col in (c.phone, c.phone2):
                for rec in sorted(self._select(conn, cols, col, phones, live, col != ""),
                                  key=lambda x: x["id"]):
                    found[rec["id"]] = rec
                    by_phone.setdefault(rec[col.name], rec["id"])
        if emails:
            for rec in sorted(self._select(conn, cols, c.email, emails, live, c.email != ""),
                              key=lambda x: x["id"]):
                found[rec["id"]] = rec
                by_email.setdefault(rec["email"], rec["id"])
        if "tags" in self.checker.column_of and found:
            self._load_tags(conn, found)
        for r in rows:
            v = r.parsed.values
            cid = (by_code.get(v.get("code", "")) or by_phone.get(v.get("phone", ""))
                   or by_phone.get(v.get("phone2", "")) or by_email.get(v.get("email", "")))
            if cid is not None:
                r.existing = found[cid]

    def _load_tags(self, conn, found: dict[uuid.UUID, dict]) -> None:
        """The tags of the customers found (``tags``: their names, sorted; ``tag_links``:
        name -> link id), one query per batch, links read as ``CustomerService`` reads them."""
        ct, tg = CustomerTag.__table__.c, Tag.__table__.c
        for rec in found.values():
            rec["tag_links"] = {}
        for part in _chunks(list(found)):
            for cid, lid, name in conn.execute(
                    select(ct.customer_id, ct.id, tg.name)
                    .join_from(CustomerTag.__table__, Tag.__table__, tg.id == ct.tag_id)
                    .where(ct.customer_id.in_(part))):
                found[cid]["tag_links"][name] = lid
        for rec in found.values():
            rec["tags"] = tuple(sorted(rec["tag_links"]))

    def _tag_ids(self, conn, names: Iterable[str]) -> dict[str, Any]:
        """Tag name -> id for ``names`` (one query per batch), the missing tags created (and
        recorded, so an undo removes them when nothing else uses them)."""
        t = Tag.__table__.c
        names = sorted(set(names))
        have: dict[str, Any] = {}
        for part in _chunks(names):
            have.update(conn.execute(select(t.name, t.id).where(t.name.in_(part))).all())
        missing = [n for n in names if n not in have]
        if missing:
            d = self.drv
            ts = d.ts(_now())
            ids = new_ids(len(missing))
            write(conn, "tags", [(n, TAG_COLOR, tid, ts, ts, 1, None)
                                 for n, tid in zip(missing, ids)])
            self._record(conn, [("tags", tid, "create", 1, None) for tid in ids])
            have.update(zip(missing, ids))
        return have

    def _link_tags(self, conn, links: list[tuple[Any, tuple[str, ...]]]) -> None:
        """Customers (id) linked to the tags named, in bulk."""
        if not links:
            return
        d = self.drv
        ids = self._tag_ids(conn, (n for _cid, names in links for n in names))
        ts = d.ts(_now())
        pairs = [(d.id(cid), d.id(ids[n])) for cid, names in links for n in names]
        write(conn, "customer_tags", [p + (lid, ts, ts, 1, None)
                                      for p, lid in zip(pairs, new_ids(len(pairs)))])

    def _match_by_customer(self, conn, rows: list[_Row], key: Callable[[dict], tuple],
                           row_key: Callable[[_Row], tuple], *extra) -> None:
        t = self.table
        cols = [t.c.id, t.c.version, t.c.customer_id] + [
            t.c[f] for f in {*UPDATABLE[self.kind], *self._key_columns()}]
        index: dict[tuple, dict] = {}
        ids = [r.customer_id for r in rows if r.customer_id is not None]
        for rec in self._select(conn, cols, t.c.customer_id, ids, t.c.deleted_at.is_(None),
                                *extra):
            for k in key(rec):
                index.setdefault(k, rec)
        for r in rows:
            for k in row_key(r):
                if k in index:
                    r.existing = index[k]
                    break

    def _key_columns(self) -> tuple[str, ...]:
        return {"contacts": ("name", "phone", "email"), "orders": ("order_no", "order_date",
                                                                   "amount"),
                "interactions": ("occurred_at", "channel"),
                "activities": ("due_at", "subject")}.get(self.kind, ())

    def _match_contacts(self, conn, rows: list[_Row]) -> None:
        def key(rec):
            out = []
            if rec["phone"]:
                out.append((rec["customer_id"], "phone", rec["phone"]))
            if rec["email"]:
                out.append((rec["customer_id"], "email", rec["email"].lower()))
            out.append((rec["customer_id"], "name", person_key(rec["name"])))
            return out

        def row_key(r):
            v = r.parsed.values
            out = []
            if v.get("phone"):
                out.append((r.customer_id, "phone", v["phone"]))
            if v.get("email"):
                out.append((r.customer_id, "email", v["email"].lower()))
            out.append((r.customer_id, "name", person_key(v["name"])))
            return out

        self._match_by_customer(conn, rows, key, row_key)
        found = {r.existing["id"]: r.existing for r in rows if r.existing is not None}
        if found:
            self._mark_stand_ins(conn, found)

    def _mark_stand_ins(self, conn, found: dict[uuid.UUID, dict]) -> None:
        """Contacts a customers import made from a row's 联系人 column (with the row's phone
        and e-mail, which may be the company's) that nobody changed since: ``stand_in``. A
        contacts file describing that person is better: its row replaces them whatever the
        duplicate mode, so customers and then contacts exported and imported come back as
        they were. One query per batch, through the log's key (import, row)."""
        ir, run = ImportRow.__table__.c, ImportRun.__table__.c
        made = select(run.id).where(run.kind == "customers", run.status != ImportStatus.UNDONE)
        for part in _chunks(list(found)):
            for rid, version in conn.execute(select(ir.row_id, ir.version).where(
                    ir.import_id.in_(made), ir.row_id.in_(part), ir.table_name == "contacts",
                    ir.action == "create")):
                if found[rid]["version"] == version:
                    found[rid]["stand_in"] = True

    def _match_orders(self, conn, rows: list[_Row]) -> None:
        t = self.table
        numbered = [r for r in rows if r.parsed.values.get("order_no")]
        if numbered:
            cols = [t.c.id, t.c.version, t.c.customer_id, t.c.order_no] + [
                t.c[f] for f in UPDATABLE["orders"]]
            have = {rec["order_no"]: rec for rec in self._select(
                conn, cols, t.c.order_no, [r.parsed.values["order_no"] for r in numbered],
                t.c.deleted_at.is_(None))}
            for r in numbered:
                rec = have.get(r.parsed.values["order_no"])
                if rec is None:
                    continue
                if rec["customer_id"] != r.customer_id:
                    self._reject(r, "order_no", "duplicate_order_no")
                else:
                    r.existing = rec
        plain = [r for r in rows if not r.parsed.values.get("order_no")
                 and not r.parsed.problems]
        if plain:
            self._match_by_customer(
                conn, plain,
                lambda rec: [(rec["customer_id"], rec["order_date"],
                              Decimal(rec["amount"]).quantize(Decimal("0.01")))],
                lambda r: [(r.customer_id, r.parsed.values["order_date"],
                            r.parsed.values["amount"])],
                t.c.order_no == "")

    def _match_interactions(self, conn, rows: list[_Row]) -> None:
        self._match_by_customer(
            conn, rows,
            lambda rec: [(rec["customer_id"], rec["occurred_at"].replace(microsecond=0),
                          rec["channel"])],
            lambda r: [(r.customer_id, r.parsed.values["occurred_at"].replace(microsecond=0),
                        r.parsed.values.get("channel", "phone"))])

    def _match_activities(self, conn, rows: list[_Row]) -> None:
        t = self.table
        cols = [t.c.id, t.c.version, t.c.customer_id, t.c.due_at, t.c.subject] + [
            t.c[f] for f in UPDATABLE["activities"] if f not in ("due_at",)]
        index = {}
        for rec in self._select(conn, cols, t.c.due_at,
                                [r.parsed.values["due_at"] for r in rows],
                                t.c.deleted_at.is_(None)):
            index.setdefault((rec["customer_id"], rec["due_at"], rec["subject"]), rec)
        for r in rows:
            v = r.parsed.values
            r.existing = index.get((r.customer_id, v["due_at"], v["subject"]))

    # -- what to do with each row -------------------------------------------------------------

    def _decide(self, rows: list[_Row]) -> None:
        for r in rows:
            if r.parsed.problems:
                continue
            if r.existing is None:
                r.action = "create"
            elif r.existing["id"] in self.touched:
                first = next((self.seen[k] for k, _f in self._file_keys(r)
                              if self.seen.get(k) != r.parsed.row), 0)
                self._reject(r, self._file_keys(r)[0][1], "duplicate_in_file", row=first)
                r.action = "reject"
            elif self.on_duplicate == "skip" and not r.existing.get("stand_in"):
                r.action = "skip"
            else:
                r.action = "update"
            if r.action in ("update", "skip") and r.existing is not None:
                self.touched.add(r.existing["id"])

    # -- writing ------------------------------------------------------------------------------

    def _create(self, conn, rows: list[_Row]) -> int:
        if not rows:
            return 0
        now = _now()
        d = self.drv
        ts = d.ts(now)
        uid = d.id(self.user.id)
        created: list[tuple[str, str]] = []
        tuples = []
        ids = new_ids(len(rows))
        if self.kind == "customers":
            need = sum(1 for r in rows if not r.parsed.values.get("code"))
            codes = self._new_codes(conn, need) if need else []
            taken = self._taken_codes(conn, [r.parsed.values["code"] for r in rows
                                             if r.parsed.values.get("code")])
            contacts = []
            audit = []
            good = []
            for r, cid in zip(rows, ids):
                v = r.parsed.values
                if v.get("code") in taken:
                    self._reject(r, "code", "duplicate")
                    r.action = "reject"
                    continue
                good.append(r)
                code = v.get("code") or codes.pop()
                name = v["name"]
                full, initials = pinyin_of(name)
                owner = v.get("owner")
                if owner is None:
                    self.created_unowned.append(cid)
                custom = {"salutation": v["salutation"]} if v.get("salutation") else {}
                tuples.append((
                    code, v["kind"], name, full, initials, full or name.lower(),
                    v.get("phone", ""), v.get("phone2", ""), v.get("email", ""),
                    v.get("region", ""), v.get("province", ""), v.get("city", ""),
                    v.get("address", ""), v.get("industry", ""), v.get("source", ""),
                    v.get("employees"), d.id(owner), v.get("tier", ""), v.get("notes", ""),
                    d.json(custom),
                    _search_text(name, code, (v.get("phone", ""), v.get("phone2", "")),
                                 v.get("email", "")),
                    cid, ts, ts, 1, None))
                created.append(("customers", cid))
                if v.get("contact"):
                    contacts.append([cid, v["contact"], pinyin_of(v["contact"])[0],
                                     v.get("title", ""), v.get("phone", ""),
                                     v.get("email", ""), v.get("wechat", ""), d.flag(True), "",
                                     None, ts, ts, 1, None])
            rows[:] = good
            for contact, kid in zip(contacts, new_ids(len(contacts))):
                contact[9] = kid
                created.append(("contacts", kid))
            audit = [(aid, ts, uid, "customers", cid, "create", "", None, None)
                     for (_t, cid), aid in zip(created, new_ids(len(tuples)))]
            write(conn, "customers", tuples)
            write(conn, "contacts", [tuple(c) for c in contacts])
            write(conn, "audit_log", audit, synced=False)
            self._link_tags(conn, [(cid, r.parsed.values["tags"]) for r, (_t, cid)
                                   in zip(good, created) if r.parsed.values.get("tags")])
        else:
            for r, rid in zip(rows, ids):
                tuples.append(self._new_tuple(r, d) + (rid, ts, ts, 1, None))
                created.append((self.kind, rid))
            self._clock("build")
            write(conn, self.kind, tuples)
            self._clock("insert")
            if self.kind == "orders":
                self.stats_due.update(r.customer_id for r in rows)
        self._record(conn, [(table, rid, "create", 1, None) for table, rid in created])
        self._clock("record")
        return len(rows)

    def _new_tuple(self, r: _Row, d: Driver) -> tuple:
        v = r.parsed.values
        cust = d.id(r.customer_id)
        if self.kind == "contacts":
            return (cust, v["name"], pinyin_of(v["name"])[0], v.get("title", ""),
                    v.get("phone", ""), v.get("email", ""), v.get("wechat", ""),
                    d.flag(v.get("is_primary", False)), v.get("notes", ""))
        if self.kind == "orders":
            return (cust, v.get("order_no", ""), d.date(v["order_date"]),
                    d.money(v["amount"]), v.get("currency") or self.currency, v.get("status", "paid"),
                    v.get("notes", ""))
        if self.kind == "interactions":
            return (cust, None, d.id(v.get("user")), v.get("channel", "phone"),
                    d.ts(v["occurred_at"]), v.get("summary", ""))
        due = v["due_at"]
        return (cust, None, d.id(v.get("owner", self.user.id)), v.get("type", "call"),
                v["subject"], v.get("notes", ""), d.ts(due),
                v.get("duration_minutes", 30), d.ts(due) if v.get("done") else None, None, "",
                None, None, None, d.flag(False), None)

    def _new_codes(self, conn, n: int) -> list[str]:
        """``n`` free customer codes (C000123) from the counter, in this transaction."""
        from ..customers import CODE_PREFIX, CODE_WIDTH

        name = "customer_code"
        if conn.execute(select(Counter.value).where(
                Counter.name == name)).first() is None:
            from sqlalchemy.orm import Session

            with Session(bind=conn) as s:
                counters.ensure_counter(s, name, counters.max_numbered(s, Customer.code,
                                                                       CODE_PREFIX))
        out: list[str] = []
        while len(out) < n:
            k = n - len(out)
            first = counters.reserve(conn, name, k)
            codes = [f"{CODE_PREFIX}{i:0{CODE_WIDTH}d}" for i in range(first, first + k)]
            taken = self._taken_codes(conn, codes)
            out += [c for c in codes if c not in taken]
        out.reverse()  # popped from the end: rows get ascending codes
        return out

    def _taken_codes(self, conn, codes: list[str]) -> set[str]:
        c = Customer.__table__.c
        taken: set[str] = set()
        for part in _chunks(sorted(set(codes))):
            taken.update(conn.execute(select(c.code).where(c.code.in_(part))).scalars())
        return taken

    def _changes(self, r: _Row) -> dict[str, Any]:
        """The fields a found record gets from its row (``update``: every value the row has
        that differs; ``fill``: only where the record has none)."""
        v = dict(r.parsed.values)
        if v.pop("kind_guessed", False):
            v.pop("kind", None)
        if "owner" in v:
            v["owner_id"] = v.pop("owner")
        if "user" in v:
            v["user_id"] = v.pop("user")
        if self.kind == "activities" and v.get("done"):
            v["done_at"] = v["due_at"]
        old = r.existing or {}
        out = {}
        if old.get("stand_in"):  # the row's values, empty cells of mapped columns included
            mapped = self.checker.column_of
            for f in UPDATABLE[self.kind]:
                if f in v or (f in mapped and f != "is_primary"):
                    new = v.get(f, "")
                    if old.get(f) != new:
                        out[f] = new
            return out
        for f in UPDATABLE[self.kind]:
            if f not in v or v[f] is None or v[f] == "":
                continue
            current = old.get(f)
            if f == "amount" and current is not None:
                current = Decimal(current).quantize(Decimal("0.01"))
            if self.on_duplicate == "fill" and current not in (None, "") and not (
                    f == "done_at" or f == "is_primary"):
                continue
            if self.on_duplicate == "fill" and f in ("done_at", "is_primary") and current:
                continue
            if current != v[f]:
                out[f] = v[f]
        if v.get("tags"):  # customers: the file's tags replace the record's (fill: if none)
            current = set(old.get("tags", ()))
            if current != set(v["tags"]) and not (self.on_duplicate == "fill" and current):
                out["tags"] = tuple(sorted(v["tags"]))
        return out

    def _update(self, conn, rows: list[_Row]) -> int:
        t = self.table
        now = _now()
        groups: dict[tuple[str, ...], list[dict]] = {}
        records = []
        audit = []
        d = self.drv
        retag: list[tuple[dict, tuple[str, ...]]] = []  # (record, its new tags)
        for r in rows:
            changes = self._changes(r)
            if not changes:
                continue
            old = r.existing
            tags = changes.pop("tags", None)
            if self.kind == "customers":
                merged = {**old, **changes}
                if {"name", "phone", "phone2", "email"} & changes.keys():
                    full, initials = pinyin_of(merged["name"])
                    changes.update(name_pinyin=full, name_initials=initials,
                                   sort_name=full or merged["name"].lower(),
                                   search_text=_search_text(
                                       merged["name"], old["code"],
                                       (merged["phone"], merged["phone2"]), merged["email"]))
                if "province" in changes:
                    from ..normalize import region_of

                    changes["region"] = region_of(changes["province"]) or old.get("region", "")
                    if changes["region"] == old.get("region"):
                        del changes["region"]
            elif self.kind == "contacts" and "name" in changes:
                changes["name_pinyin"] = pinyin_of(changes["name"])[0]
            before = {k: _jsonable(old.get(k)) for k in changes}
            params = {f"v_{k}": val for k, val in changes.items()}
            params.update(_id=old["id"], _version=old["version"], _now=now)
            groups.setdefault(tuple(sorted(changes)), []).append(params)
            if tags is not None:  # the names replaced, as the undo puts them back
                before["tags"] = list(old["tags"])
                retag.append((old, tags))
            records.append((self.kind, old["id"], "update", old["version"] + 1, before))
            if self.kind in ("customers", "contacts"):
                for k, val in changes.items():
                    if k in ("name_pinyin", "name_initials", "sort_name", "search_text"):
                        continue
                    audit.append((d.id(uuid.uuid4()), d.ts(now), d.id(self.user.id),
                                  self.kind, d.id(old["id"]), "update", k,
                                  _audit_text(old.get(k)), _audit_text(val)))
                if tags is not None:  # as CustomerService audits a change of tags
                    audit.append((d.id(uuid.uuid4()), d.ts(now), d.id(self.user.id),
                                  self.kind, d.id(old["id"]), "update", "tags",
                                  ", ".join(old["tags"]), ", ".join(tags)))
        done = 0
        for cols, params in groups.items():
            stmt = (update(t).where(t.c.id == bindparam("_id"),
                                    t.c.version == bindparam("_version"))
                    .values({**{c: bindparam(f"v_{c}") for c in cols},
                             "version": t.c.version + 1, "updated_at": bindparam("_now")}))
            result = conn.execute(stmt, params)
            done += result.rowcount if result.rowcount >= 0 else len(params)
        self._retag(conn, retag)
        write(conn, "audit_log", audit, synced=False)
        self._record(conn, records)
        return done

    def _retag(self, conn, retag: list[tuple[dict, tuple[str, ...]]]) -> None:
        """Found customers get the tags of their rows instead of theirs: the links to other
        tags removed (as ``CustomerService`` removes them), the new ones added."""
        if not retag:
            return
        ct = CustomerTag.__table__.c
        gone = [lid for rec, tags in retag for name, lid in rec["tag_links"].items()
                if name not in tags]
        for part in _chunks(gone):
            conn.execute(delete(CustomerTag.__table__).where(ct.id.in_(part)))
        self._link_tags(conn, [(rec["id"], tuple(n for n in tags if n not in rec["tag_links"]))
                               for rec, tags in retag])

    def _record(self, conn, records: list[tuple]) -> None:
        if self.dry_run or not records:
            return
        d = self.drv
        iid = d.id(self.import_id)
        write(conn, "import_rows", [(iid, d.id(rid), table, action, version, d.json(before))
                                    for table, rid, action, version, before in records],
              synced=False)

    # -- the log --------------------------------------------------------------------------------

    def _open_log(self) -> None:
        with self.db.session() as s:
            if self.import_id is not None:  # resuming an interrupted import
                run = s.get(ImportRun, self.import_id)
                self.start_row = run.next_row
                self.counts.update(read=run.rows_read, imported=run.imported,
                                   updated=run.updated, skipped=run.skipped)
                if self.kind == "orders":  # a crash may have left their stats stale
                    o, r = Order.__table__.c, ImportRow.__table__.c
                    self.stats_due.update(s.scalars(
                        select(o.customer_id).distinct().join_from(
                            Order.__table__, ImportRow.__table__, r.row_id == o.id)
                        .where(r.import_id == self.import_id)))
                run.status = ImportStatus.RUNNING
                return
            run = ImportRun(kind=self.kind, file_name=self.source.name[:260],
                            sheet=self.source.sheet[:100], user_id=self.user.id,
                            on_duplicate=self.on_duplicate,
                            mapping={**self.mapping.to_dict(),
                                     "encoding": self.source.encoding,
                                     "delimiter": self.source.delimiter,
                                     "header_row": self.source.header_row})
            s.add(run)
            s.flush()
            self.import_id = run.id

    def _log_counts(self, conn, written: dict[str, int], rejected: int, next_row: int) -> None:
        t = ImportRun.__table__
        conn.execute(update(t).where(t.c.id == self.import_id).values(
            rows_read=self.counts["read"], imported=t.c.imported + written["imported"],
            updated=t.c.updated + written["updated"], skipped=t.c.skipped + written["skipped"],
            rejected=t.c.rejected + rejected, next_row=next_row))

    def _close_log(self, status: str, error: str = "") -> None:
        try:
            with self.db.session() as s:
                run = s.get(ImportRun, self.import_id)
                if run is not None:
                    run.status = status
                    run.rejected += self.unreadable
                    run.finished_at = _now()
                    run.error = error
        except Exception:  # noqa: BLE001 - the import's own error matters more
            log.warning("could not close import %s", self.import_id, exc_info=True)

    def _refresh_stats(self) -> None:
        """Order stats of the customers whose orders the committed batches wrote (the
        triggers were off), in one transaction at the end. After a crash, resuming the import
        refreshes those of the orders written before it too."""
        if not self.stats_due:
            return
        ids = [self.drv.id(i) for i in self.stats_due]
        try:
            with self.db.engine.begin() as conn:
                order_stats.refresh(conn, ids)
            self.stats_due.clear()
        except Exception:  # noqa: BLE001 - reported; the next resume or undo refreshes
            log.warning("order stats not refreshed after import %s", self.import_id,
                        exc_info=True)

    def _after(self) -> None:
        """Customers created without an owner go to the public pool, and from it to an owner
        by the team's pool rules when there are any; their recorded version follows."""
        if self.kind != "customers" or not self.created_unowned:
            return
        from .. import shared_settings
        from ..pool import SETTINGS_KEY, PoolService

        if shared_settings.load(self.db, SETTINGS_KEY)[1] == 0:
            return
        given = PoolService(self.db, self.user).assign(
            [uuid.UUID(hex=h) for h in self.created_unowned])
        ids = [cid for cid, owner in given.items() if owner is not None]
        if not ids:
            return
        c = Customer.__table__.c
        r = ImportRow.__table__.c
        with self.db.session() as s:
            for part in _chunks(ids):
                for cid, version in s.execute(select(c.id, c.version).where(c.id.in_(part))):
                    s.execute(update(ImportRow.__table__).where(
                        r.import_id == self.import_id, r.row_id == cid).values(version=version))


def _jsonable(value: Any) -> Any:
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def _audit_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


__all__ = ["ImportResult", "Importer", "RejectedRow"]
