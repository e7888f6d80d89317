"""Finding duplicate customers (去重), and the warning on create ("a customer with this phone
already exists"). No Qt.

Every customer is reduced to matching features (``normalize``): its name key (company name
without legal form, or a person's name without form of address), the *core* of a company
name (the key without its own province or city: 上海华信科技 and 华信科技(上海) in Shanghai
share 华信科技), the sound of the core (``pinyin_key``: 华信 = 华鑫), its phones (E.164) and
e-mail address, its province and city.

Candidate pairs come from blocks, so the work grows with the number of customers, not its
square: customers sharing a phone, an e-mail address, a core (companies) or a name and city
(people), or a sound; and similar company cores, compared (rapidfuzz ratio) only with their
neighbours in the sorted list of distinct cores, forwards and backwards. A value shared by
more than ``MAX_BLOCK`` customers (a switchboard, a shared mailbox, 张伟 in Beijing) is too
common to be evidence and makes no pairs. Each candidate pair is scored on every feature:
each signal is a probability that the two are one, combined as 1 - prod(1 - p), so a person's
name in the same city (70) with the same e-mail (90) gives 97. Pairs at ``min_score`` or more
are joined (union-find) into groups.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist
from sqlalchemy import and_, func, inspect, or_, select

from desktop_crm.models import Customer, DuplicateIgnore

from .db import Database
from .errors import Cancelled, ChangeSet
from .normalize import company_core, company_key, person_key, pinyin_key, place_stems
from .text import (
    EmailError, PhoneError, clean, has_han, normalize_email, normalize_phone, sort_name_of,
)
from .users import UserInfo

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], bool]

# reasons, as codes the views translate
SAME_PHONE, SAME_EMAIL, SAME_NAME, SAME_PINYIN, SIMILAR_NAME = (
    "same_phone", "same_email", "same_name", "same_pinyin", "similar_name")
REASONS = (SAME_PHONE, SAME_EMAIL, SAME_NAME, SAME_PINYIN, SIMILAR_NAME)
_BIT = {r: 1 << n for n, r in enumerate(REASONS)}

DEFAULT_MIN_SCORE = 80
CHECK_MIN_SCORE = 70  # the create warning also shows weaker matches (a name in the same city)
MAX_BLOCK = 40        # a value shared by more customers is not evidence
WINDOW = 4            # similar cores: each compared with this many neighbours, both orders
SIMILAR_MIN = 88      # rapidfuzz ratio of two cores for "similar name"
SIMILAR_MIN_HAN = 4   # shorter cores differ too much by one character (Owen / Owens)
SIMILAR_MIN_LATIN = 6
CHUNK = 50_000

# Shared mailboxes: the same info@ address on two records says less than a personal one.
ROLE_MAILBOXES = frozenset((
    "info", "sales", "service", "services", "admin", "contact", "office", "support", "hr",
    "market", "marketing", "kefu", "mail", "email", "bd", "business", "hello", "postmaster",
    "webmaster", "job", "jobs", "finance", "account", "accounts", "service.cn", "cs",
))

# the probability that two customers are one, per signal (1 - p kept: the "doubt")
_DOUBT_PHONE = 0.10
_DOUBT_EMAIL = 0.10
_DOUBT_ROLE_EMAIL = 0.40
_DOUBT_COMPANY_NAME = 0.05        # same name key, same place
_DOUBT_COMPANY_NAME_ELSEWHERE = 0.30
_DOUBT_COMPANY_CORE = 0.10        # same name once the place is taken out
_DOUBT_COMPANY_PINYIN = 0.15
_DOUBT_PERSON_NAME = 0.30         # a person's name in the same city
_DOUBT_PERSON_PINYIN = 0.40


@dataclass(frozen=True)
class Member:
    """One customer of a group, with the member it matches best."""

    id: uuid.UUID
    code: str
    name: str
    phone: str  # E.164
    city: str
    score: int  # with ``match``
    reasons: tuple[str, ...]
    match: uuid.UUID | None


@dataclass(frozen=True)
class DuplicateGroup:
    """Customers that are probably one: the best pair score and every reason seen."""

    members: tuple[Member, ...]
    score: int
    reasons: tuple[str, ...]

    @property
    def ids(self) -> tuple[uuid.UUID, ...]:
        return tuple(m.id for m in self.members)


@dataclass(frozen=True)
class Match:
    """An existing customer that looks like the one being created."""

    id: uuid.UUID
    code: str
    name: str
    phone: str
    email: str
    city: str
    score: int
    reasons: tuple[str, ...]


def _reasons(mask: int) -> tuple[str, ...]:
    return tuple(r for r in REASONS if mask & _BIT[r])


def _phone_number(e164: str) -> int:
    """A phone as an integer (E.164 digits); 0 for none."""
    if not e164:
        return 0
    digits = e164[1:] if e164[0] == "+" else e164
    return int(digits) if digits.isdigit() and len(digits) < 19 else hash(e164) & (2**62 - 1)


class _Features:
    """Matching features of customers in parallel lists (a million rows: no object per row)
    and the pair score. Names, cores and sounds are numbered so equal ones compare as ints."""

    def __init__(self) -> None:
        self.ids: list[Any] = []
        self.codes: list[str] = []
        self.names: list[str] = []
        self.cities: list[str] = []
        self.kind: list[int] = []   # 0 company, 1 person
        self.key: list[int] = []
        self.core: list[int] = []
        self.city: list[int] = []
        self.prov: list[int] = []
        self.ph1: list[int] = []
        self.ph2: list[int] = []
        self.em: list[int] = []
        self.role: list[bool] = []
        self._keys: dict[tuple[int, str], int] = {}
        self._cores: dict[tuple[int, str], int] = {}
        self.core_text: list[str] = []
        self.core_kind: list[int] = []
        self._places: dict[str, int] = {"": 0}
        self._stems: dict[tuple[str, str], tuple[str, ...]] = {}
        self._pin: list[int] | None = None

    def add(self, row_id: Any, code: str, kind: str, name: str, phone: str, phone2: str,
            email: str, province: str, city: str) -> int:
        name = name or ""
        k = 1 if kind == "person" else 0
        if k:
            key = person_key(name)
            core = key
        else:
            key = company_key(name)
            stems = self._stems.get((province, city))
            if stems is None:
                stems = self._stems[(province, city)] = place_stems(province, city)
            core = company_core(key, stems)
        key_no = self._keys.setdefault((k, key), len(self._keys))
        core_no = self._cores.get((k, core))
        if core_no is None:
            core_no = self._cores[(k, core)] = len(self.core_text)
            self.core_text.append(core)
            self.core_kind.append(k)
        self.ids.append(row_id)
        self.codes.append(code)
        self.names.append(name)
        self.cities.append(city or "")
        self.kind.append(k)
        self.key.append(key_no)
        self.core.append(core_no)
        self.city.append(self._places.setdefault(city or "", len(self._places)))
        self.prov.append(self._places.setdefault(province or "", len(self._places)))
        self.ph1.append(_phone_number(phone))
        self.ph2.append(_phone_number(phone2))
        mail = (email or "").strip().lower()
        self.em.append((hash(mail) & (2**62 - 1)) | 1 if mail else 0)
        self.role.append(bool(mail) and mail.partition("@")[0] in ROLE_MAILBOXES)
        self._pin = None
        return len(self.ids) - 1

    @property
    def pin(self) -> list[int]:
        """The sound of each core, numbered (computed once for the distinct cores)."""
        if self._pin is None:
            sounds: dict[tuple[int, str], int] = {}
            by_core = [sounds.setdefault((k, pinyin_key(t)), len(sounds))
                       for k, t in zip(self.core_kind, self.core_text)]
            self._pin = by_core
        return self._pin

    def __len__(self) -> int:
        return len(self.ids)

    def score(self, i: int, j: int) -> tuple[int, int]:
        """(score 0-100, reasons bit mask) of customers ``i`` and ``j``."""
        doubt = 1.0
        mask = 0
        p, q = self.ph1[i], self.ph2[i]
        r, s = self.ph1[j], self.ph2[j]
        if (p and (p == r or p == s)) or (q and (q == r or q == s)):
            doubt *= _DOUBT_PHONE
            mask |= 1  # SAME_PHONE
        e = self.em[i]
        if e and e == self.em[j]:
            doubt *= _DOUBT_ROLE_EMAIL if (self.role[i] or self.role[j]) else _DOUBT_EMAIL
            mask |= 2  # SAME_EMAIL
        k = self.kind[i]
        if k == self.kind[j]:
            ci, cj = self.city[i], self.city[j]
            pi, pj = self.prov[i], self.prov[j]
            here = (ci == cj or not ci or not cj) and (pi == pj or not pi or not pj)
            if self.key[i] == self.key[j]:
                if k == 0:
                    doubt *= _DOUBT_COMPANY_NAME if here else _DOUBT_COMPANY_NAME_ELSEWHERE
                    mask |= 4  # SAME_NAME
                elif here:
                    doubt *= _DOUBT_PERSON_NAME
                    mask |= 4
            elif here:
                a, b = self.core[i], self.core[j]
                if a == b:
                    doubt *= _DOUBT_COMPANY_CORE
                    mask |= 4
                elif self.pin[a] == self.pin[b]:
                    doubt *= _DOUBT_PERSON_PINYIN if k else _DOUBT_COMPANY_PINYIN
                    mask |= 8  # SAME_PINYIN
                elif k == 0 and _long_enough(self.core_text[a]) \
                        and _long_enough(self.core_text[b]):
                    ratio = fuzz.ratio(self.core_text[a], self.core_text[b],
                                       score_cutoff=SIMILAR_MIN)
                    if ratio:
                        doubt *= 1 - (ratio - 4) / 100
                        mask |= 16  # SIMILAR_NAME
        return round(100 * (1 - doubt)), mask


def _long_enough(core: str) -> bool:
    """Whether a core is long enough for "similar name" (one character in a short name is
    another name)."""
    return len(core) >= (SIMILAR_MIN_HAN if has_han(core) else SIMILAR_MIN_LATIN)


def _runs(values: np.ndarray, cap: int) -> Iterable[np.ndarray]:
    """The positions sharing each non-zero value, for values shared by 2..cap positions."""
    order = np.argsort(values, kind="stable")
    sv = values[order]
    starts = np.flatnonzero(np.r_[True, sv[1:] != sv[:-1]])
    ends = np.r_[starts[1:], len(sv)]
    sizes = ends - starts
    for a, b in zip(starts[sizes >= 2].tolist(), ends[sizes >= 2].tolist()):
        if sv[a] == 0 or b - a > cap:
            continue
        yield order[a:b]


class DuplicateService:
    """Find groups of likely duplicate customers, warn on create, remember "not
    duplicates"."""

    def __init__(self, db: Database, user: UserInfo | None = None):
        self.db = db
        self.user = user
        self.last_stats: dict[str, Any] = {}

    # -- finding --------------------------------------------------------------------

    def _read(self, progress: Progress | None) -> _Features:
        f = _Features()
        c = Customer.__table__.c
        with self.db.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(Customer)
                                 .where(c.deleted_at.is_(None))).scalar()
            result = conn.execution_options(stream_results=True).exec_driver_sql(
                "SELECT id, code, kind, name, phone, phone2, email, province, city "
                "FROM customers WHERE deleted_at IS NULL")
            done = 0
            while True:
                rows = result.fetchmany(CHUNK)
                if not rows:
                    break
                add = f.add
                for row in rows:
                    add(*row)
                done += len(rows)
                _tell(progress, "reading", done, total)
        return f

    def _ignored(self, f: _Features) -> set[tuple[int, int]]:
        if not inspect(self.db.engine).has_table(DuplicateIgnore.__tablename__):
            return set()  # a database older than revision 0013, opened read-only (bench)
        with self.db.read() as s:
            pairs = s.execute(select(DuplicateIgnore.customer_a, DuplicateIgnore.customer_b)
                              .where(DuplicateIgnore.deleted_at.is_(None))).all()
        if not pairs:
            return set()
        wanted = {u for pair in pairs for u in pair}
        hexes = {u.hex: u for u in wanted}  # SQLite keeps ids as 32 hex digits
        pos: dict[uuid.UUID, int] = {}
        for i, raw in enumerate(f.ids):
            u = raw if isinstance(raw, uuid.UUID) else hexes.get(raw)
            if u in wanted:
                pos[u] = i
        out = set()
        for a, b in pairs:
            if a in pos and b in pos:
                i, j = pos[a], pos[b]
                out.add((min(i, j), max(i, j)))
        return out

    def find(self, progress: Progress | None = None, *, min_score: int = DEFAULT_MIN_SCORE,
             limit: int | None = None) -> list[DuplicateGroup]:
        """Groups of likely duplicates among the live customers, best first.

        ``progress(stage, done, total)`` is called as the work goes (stages ``reading``,
        ``comparing``, ``grouping``); returning False stops it with ``Cancelled``."""
        t0 = time.perf_counter()
        f = self._read(progress)
        n = len(f)
        ignored = self._ignored(f)
        t_read = time.perf_counter() - t0
        parent = list(range(n))

        def find_root(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        best_score = [0] * n
        best_with = [-1] * n
        best_mask = [0] * n
        stats = {"customers": n, "pairs_scored": 0, "pairs_joined": 0, "blocks": 0,
                 "blocks_too_common": 0}
        score = f.score

        def consider(i: int, j: int) -> None:
            ri, rj = find_root(i), find_root(j)
            if ri == rj:
                return
            sc, mask = score(i, j)
            stats["pairs_scored"] += 1
            if sc < min_score or (ignored and (min(i, j), max(i, j)) in ignored):
                return
            parent[ri] = rj
            stats["pairs_joined"] += 1
            if sc > best_score[i]:
                best_score[i], best_with[i], best_mask[i] = sc, j, mask
            if sc > best_score[j]:
                best_score[j], best_with[j], best_mask[j] = sc, i, mask

        def block(members: np.ndarray) -> None:
            m = members.tolist()
            stats["blocks"] += 1
            for a in range(len(m)):
                for b in range(a + 1, len(m)):
                    consider(m[a], m[b])

        kind = np.asarray(f.kind, dtype=np.int64)
        city = np.asarray(f.city, dtype=np.int64)
        core = np.asarray(f.core, dtype=np.int64)
        pin = np.asarray(f.pin, dtype=np.int64)[core] if n else np.zeros(0, np.int64)
        person = kind == 1
        # blocks: phones (both columns together), e-mail, names, sounds
        phones = np.concatenate([np.asarray(f.ph1, dtype=np.int64),
                                 np.asarray(f.ph2, dtype=np.int64)])
        owner = np.concatenate([np.arange(n), np.arange(n)])
        plans: list[tuple[np.ndarray, np.ndarray | None]] = [
            (phones, owner),
            (np.asarray(f.em, dtype=np.int64), None),
            # companies by core (place left out), people by name and city
            (np.where(person, ((core + 1) << 20) | city, core + 1) * 2 + kind, None),
            (np.where(person, ((pin + 1) << 20) | city, pin + 1) * 2 + kind, None),
        ]
        total_plans = len(plans) + 1
        for step, (values, owners) in enumerate(plans):
            for run in _runs(values, MAX_BLOCK * (2 if owners is not None else 1)):
                members = owners[run] if owners is not None else run
                if owners is not None:
                    members = np.unique(members)
                    if len(members) < 2:
                        continue
                    if len(members) > MAX_BLOCK:
                        stats["blocks_too_common"] += 1
                        continue
                block(members)
                if stats["blocks"] % 20000 == 0:
                    _tell(progress, "comparing", step, total_plans)
            stats["blocks_too_common"] += _too_common(values, MAX_BLOCK) if owners is None else 0
            _tell(progress, "comparing", step + 1, total_plans)
        self._similar(f, consider, progress)
        _tell(progress, "grouping", 0, 1)

        groups: dict[int, list[int]] = {}
        for i in range(n):
            if best_with[i] >= 0:
                groups.setdefault(find_root(i), []).append(i)
        out = []
        for members in groups.values():
            members.sort(key=lambda i: (-best_score[i], f.codes[i]))
            ms = tuple(Member(_uuid(f.ids[i]), f.codes[i], f.names[i], _e164(f.ph1[i]),
                              f.cities[i], best_score[i], _reasons(best_mask[i]),
                              _uuid(f.ids[best_with[i]]))
                       for i in members)
            mask = 0
            for i in members:
                mask |= best_mask[i]
            out.append(DuplicateGroup(ms, max(best_score[i] for i in members), _reasons(mask)))
        out.sort(key=lambda g: (-g.score, -len(g.members), g.members[0].code))
        stats.update(groups=len(out), in_groups=sum(len(g.members) for g in out),
                     read_s=round(t_read, 2), seconds=round(time.perf_counter() - t0, 2))
        self.last_stats = stats
        log.info("duplicates: %s", stats)
        _tell(progress, "grouping", 1, 1)
        return out[:limit] if limit is not None else out

    def _similar(self, f: _Features, consider: Callable[[int, int], None],
                 progress: Progress | None) -> None:
        """Company cores compared with their neighbours in sorted order (and in the order of
        their reversed text, so a difference at the start is found too); the customers of
        two similar cores are scored pairwise."""
        companies = [c for c, k in enumerate(f.core_kind) if k == 0 and _long_enough(f.core_text[c])]
        if len(companies) < 2:
            return
        core = np.asarray(f.core, dtype=np.int64)
        order = np.argsort(core, kind="stable")
        sorted_core = core[order]
        starts = np.searchsorted(sorted_core, np.arange(len(f.core_text)), side="left")
        ends = np.searchsorted(sorted_core, np.arange(len(f.core_text)), side="right")
        pin = f.pin
        for rev in (False, True):
            texts = [f.core_text[c][::-1] if rev else f.core_text[c] for c in companies]
            idx = sorted(range(len(companies)), key=texts.__getitem__)
            arr = [texts[i] for i in idx]
            for d in range(1, WINDOW + 1):
                if d >= len(arr):
                    break
                sims = cpdist(arr[:-d], arr[d:], scorer=fuzz.ratio, score_cutoff=SIMILAR_MIN,
                              workers=-1)
                for pos in np.flatnonzero(sims).tolist():
                    a, b = companies[idx[pos]], companies[idx[pos + d]]
                    if pin[a] == pin[b]:
                        continue  # a sound block has had them
                    ra = order[starts[a]:ends[a]].tolist()
                    rb = order[starts[b]:ends[b]].tolist()
                    if len(ra) * len(rb) > MAX_BLOCK * MAX_BLOCK:
                        continue
                    for i in ra:
                        for j in rb:
                            consider(i, j)
                _tell(progress, "comparing", 4, 5)

    # -- the create warning ------------------------------------------------------------

    def check_new(self, fields: Mapping[str, Any], *, exclude: uuid.UUID | None = None,
                  min_score: int = CHECK_MIN_SCORE, limit: int = 5) -> list[Match]:
        """Existing live customers that look like the one described by ``fields`` (name,
        kind, phone, phone2, email, province, city as the form has them; bad phones or
        e-mails are left out), best first. Indexed look-ups only: phones, e-mail, and the
        names whose sort key starts with this name's."""
        name = clean(fields.get("name"))
        kind = fields.get("kind") or "company"
        phones = [p for p in (_try(normalize_phone, fields.get("phone")),
                              _try(normalize_phone, fields.get("phone2"))) if p]
        email = _try(normalize_email, fields.get("email"))
        c = Customer.__table__.c
        cols = (c.id, c.code, c.kind, c.name, c.phone, c.phone2, c.email, c.province, c.city)
        live = c.deleted_at.is_(None)
        queries = []
        for p in phones:
            queries.append(select(*cols).where(live, c.phone == p, c.phone != "").limit(20))
            queries.append(select(*cols).where(live, c.phone2 == p, c.phone2 != "").limit(20))
        if email:
            # stored as typed (the local part keeps its case): look up both spellings
            queries.append(select(*cols).where(live, c.email.in_({email, email.lower()}),
                                               c.email != "").limit(20))
        prefix = self._name_prefix(name, kind)
        if prefix:
            queries.append(select(*cols).where(
                live, and_(c.sort_name >= prefix, c.sort_name < prefix + "\uffff"))
                .order_by(c.sort_name).limit(200))
        if not queries:
            return []
        rows: dict[Any, Any] = {}
        with self.db.engine.connect() as conn:
            for q in queries:
                for row in conn.execute(q):
                    if row.id != exclude:
                        rows.setdefault(row.id, row)
        if not rows:
            return []
        f = _Features()
        f.add(None, "", kind, name, phones[0] if phones else "",
              phones[1] if len(phones) > 1 else "", email, clean(fields.get("province")),
              clean(fields.get("city")))
        for row in rows.values():
            f.add(row.id, row.code, row.kind, row.name, row.phone, row.phone2, row.email,
                  row.province, row.city)
        out = []
        for j, row in enumerate(rows.values(), start=1):
            sc, mask = f.score(0, j)
            if sc >= min_score:
                out.append(Match(row.id, row.code, row.name, row.phone, row.email, row.city,
                                 sc, _reasons(mask)))
        out.sort(key=lambda m: (-m.score, m.code))
        return out[:limit]

    @staticmethod
    def _name_prefix(name: str, kind: str) -> str:
        """The start of the stored sort key (pinyin, or lower case) of names like this one:
        the name without legal form or form of address; for a Latin name its first word."""
        if not name:
            return ""
        if kind == "person":
            base = person_key(name)
        else:
            base = company_key(name)
        if not has_han(base):
            first = clean(name).lower().split(" ")[0]
            return first if len(first) >= 3 else ""
        prefix = sort_name_of(base)
        return prefix if len(prefix) >= 4 else ""

    # -- "not duplicates" --------------------------------------------------------------

    def ignore(self, a: uuid.UUID, b: uuid.UUID) -> ChangeSet:
        """Mark two customers as not duplicates: the finder will not pair them again."""
        return self.ignore_group([a, b])

    def ignore_group(self, ids: Iterable[uuid.UUID]) -> ChangeSet:
        """Mark every pair of ``ids`` as not duplicates (the "Not duplicates" of a group)."""
        ids = sorted(set(ids))
        pairs = [(a, b) for n, a in enumerate(ids) for b in ids[n + 1:]]
        if not pairs:
            return ChangeSet()
        t = DuplicateIgnore
        with self.db.session() as s:
            known = set(s.execute(select(t.customer_a, t.customer_b).where(or_(*(
                and_(t.customer_a == a, t.customer_b == b) for a, b in pairs)))).all())
            for a, b in pairs:
                if (a, b) not in known:
                    s.add(DuplicateIgnore(customer_a=a, customer_b=b,
                                          user_id=self.user.id if self.user else None))
        return ChangeSet.of("duplicates")

    def ignored_pairs(self) -> list[tuple[uuid.UUID, uuid.UUID]]:
        with self.db.read() as s:
            return [tuple(r) for r in s.execute(
                select(DuplicateIgnore.customer_a, DuplicateIgnore.customer_b)
                .where(DuplicateIgnore.deleted_at.is_(None))).all()]


def _too_common(values: np.ndarray, cap: int) -> int:
    nz = values[values != 0]
    if not len(nz):
        return 0
    _u, counts = np.unique(nz, return_counts=True)
    return int((counts > cap).sum())


def _tell(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None and progress(stage, done, total) is False:
        raise Cancelled(f"duplicate search cancelled while {stage}")


def _try(fn: Callable[[str], str], value: object) -> str:
    try:
        return fn(clean(value))
    except (PhoneError, EmailError):
        return ""


def _uuid(raw: Any) -> uuid.UUID:
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))


def _e164(number: int) -> str:
    return f"+{number}" if number and number < 10**18 else ""
