"""Drawing one chunk of customers with all their history."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import numpy as np

from desktop_crm.models import (
    PipelineStage,
    SlaPolicy,
    TicketPriority,
)

from ..customers import format_code
from .arrays import _Clock, _group_pos, _mobiles, _pick, _uuids, _weights, _ymd
from .pools import _Pools
from .rows import _Rows
from .vocab import (
    ACTIVITIES_PER_CUSTOMER,
    ACTIVITY_OUTCOMES,
    ACTIVITY_SUBJECTS,
    CITIES,
    CN_OFFSET_US,
    COMPANY_MAILBOXES,
    CONTACT_TITLES,
    CUSTOMER_NOTES,
    DAY_US,
    HOUR_US,
    INDUSTRIES,
    INTERACTION_TEXTS,
    INTERACTIONS_PER_CUSTOMER,
    LOST_REASONS,
    MIN_US,
    OPPORTUNITIES_PER_CUSTOMER,
    OPPORTUNITY_PATTERNS,
    OPPORTUNITY_PRODUCTS,
    ORDER_NOTES,
    ORDERS_PER_CUSTOMER,
    PERSONAL_MAIL,
    SOURCES,
    TICKET_DESCRIPTIONS,
    TICKET_SUBJECTS,
    TICKETS_PER_CUSTOMER,
    TIER_BASIC,
    TIER_DORMANT,
    TIER_GROWTH,
    TIER_STRATEGIC,
)

# --------------------------------------------------------------------------------------
# The generator


@dataclass
class _Staff:
    ids: np.ndarray          # all users the demo may use (hex ids)
    sales: np.ndarray        # owners of customers
    sales_w: np.ndarray      # how many accounts each sales rep tends to hold
    service: np.ndarray      # ticket assignees
    created: int


class _Generator:
    def __init__(self, rng: np.random.Generator, pools: _Pools, clock: _Clock, staff: _Staff,
                 stages: list[PipelineStage], sla: list[SlaPolicy]):
        self.rng = rng
        self.clock = clock
        self.pools = pools
        self.staff = staff
        open_st = [s for s in stages if not s.is_won and not s.is_lost]
        self.open_stage_ids = np.array([s.id.hex for s in open_st], dtype=object)
        self.open_stage_prob = np.array([s.probability for s in open_st], dtype=np.int64)
        won = [s for s in stages if s.is_won]
        lost = [s for s in stages if s.is_lost]
        self.won_stage = won[0].id.hex if won and open_st else None
        self.lost_stage = lost[0].id.hex if lost and open_st else None
        prio = {p.value: None for p in TicketPriority}
        for p in sla:
            if not p.tier and p.priority in prio and prio[p.priority] is None:
                prio[p.priority] = p
        self.sla = prio
        # order_no sequence per calendar day, over the whole run
        self.day_seq = np.zeros(clock.today - clock.start + 2, dtype=np.int64)
        self.opp_position = 0
        self.stratum, self.strata = 0, 1
        # company sizes and the pool history come from their own stream, so adding them left
        # every other value of a seed as it was
        self.pool_rng = rng.spawn(1)[0]

    def continue_order_numbers(self, per_day: dict[dt.date, int]) -> None:
        """Start each day's order_no sequence after the orders already on that day."""
        for day, n in per_day.items():
            i = (np.datetime64(day, "D") - np.datetime64(0, "D")).astype(int) - self.clock.start
            if 0 <= i < len(self.day_seq):
                self.day_seq[i] = n

    def _ids(self, n: int) -> list[str]:
        return _uuids(n, self.stratum, self.strata)

    # -- customers -----------------------------------------------------------------------

    def batch(self, code_start: int, n: int) -> dict[str, _Rows]:
        """All rows of ``n`` new customers, coded from ``code_start``; ticket numbers are
        set by the caller (``_Rows.set``) once it knows how many there are."""
        rng, clock, pools = self.rng, self.clock, self.pools
        ts = clock.ts
        out: dict[str, _Rows] = {}

        is_company = rng.random(n) < 0.75
        english = rng.random(n) < 0.07
        name = np.empty(n, dtype=object)
        full = np.empty(n, dtype=object)
        initials = np.empty(n, dtype=object)
        domain = np.empty(n, dtype=object)
        city = rng.choice(len(CITIES), size=n, p=pools.city_w)
        industry = np.full(n, "", dtype=object)
        ind_names = np.array([i[0] for i in INDUSTRIES], dtype=object)

        m = is_company & ~english
        k = int(m.sum())
        j = rng.integers(0, len(pools.cn_company[0]), k)
        name[m], full[m], initials[m] = (a[j] for a in pools.cn_company)
        domain[m] = pools.cn_company_domain[j]
        city[m] = pools.cn_company_city[j]
        industry[m] = ind_names[pools.cn_company_ind[j]]

        m = is_company & english
        k = int(m.sum())
        j = rng.integers(0, len(pools.en_company), k)
        name[m], full[m], initials[m] = pools.en_company[j], "", ""
        domain[m] = pools.en_company_domain[j]
        industry[m] = _pick(rng, ind_names, k, pools.ind_w)

        m = ~is_company & ~english
        k = int(m.sum())
        j = rng.integers(0, len(pools.cn_person[0]), k)
        name[m], full[m], initials[m] = (a[j] for a in pools.cn_person)
        qq = rng.random(k) < 0.5
        digits = rng.integers(10, 9999, k)
        dom_vals, dom_w = _weights(PERSONAL_MAIL)
        dom = _pick(rng, dom_vals, k, dom_w)
        qqnum = rng.integers(10_000_000, 3_000_000_000, k)
        local = [str(q) if (isq and d == "qq.com") else (p + (str(g) if g % 3 else ""))
                 for p, g, d, isq, q in zip(full[m].tolist(), digits.tolist(), dom.tolist(),
                                            qq.tolist(), qqnum.tolist())]
        domain[m] = np.array([f"{a}@{d}" for a, d in zip(local, dom.tolist())], dtype=object)

        m = ~is_company & english
        k = int(m.sum())
        j = rng.integers(0, len(pools.en_person), k)
        name[m], full[m], initials[m] = pools.en_person[j], "", ""
        dom = _pick(rng, np.array(["gmail.com", "outlook.com", "yahoo.com", "hotmail.com"],
                                  dtype=object), k)
        domain[m] = np.array([f"{a}@{d}" for a, d in zip(pools.en_person_mail[j].tolist(),
                                                         dom.tolist())], dtype=object)

        # email: companies "mailbox@domain" (80%), people their own address (60%)
        has_mail = np.where(is_company, rng.random(n) < 0.8, rng.random(n) < 0.6)
        box = _pick(rng, np.array(COMPANY_MAILBOXES, dtype=object), n)
        email = [("" if not h else (f"{b}@{d}" if c else d)) for h, b, d, c in
                 zip(has_mail.tolist(), box.tolist(), domain.tolist(), is_company.tolist())]

        # phones: companies mostly a landline of their city, people a mobile
        mobile = _mobiles(rng, n)
        landline = rng.random(n) < np.where(is_company, 0.65, 0.03)
        area = np.array([c[3] for c in CITIES], dtype=object)[city]
        width = np.array([c[4] for c in CITIES])[city]
        first = rng.integers(2, 9, n)
        rest = rng.integers(0, 10_000_000, n) % (10 ** (width - 1))
        phone = np.where(
            landline,
            np.array([f"+86{a}{f}{r:0{w - 1}d}" for a, f, r, w in
                      zip(area.tolist(), first.tolist(), rest.tolist(), width.tolist())],
                     dtype=object),
            np.array(["+86" + x for x in mobile.tolist()], dtype=object))
        phone_digits = np.where(
            landline,
            np.array(["0" + p[3:] for p in phone.tolist()], dtype=object), mobile)
        has2 = rng.random(n) < 0.3
        mobile2 = _mobiles(rng, n)
        phone2 = np.where(has2, np.array(["+86" + x for x in mobile2.tolist()], dtype=object), "")
        phone2_digits = np.where(has2, mobile2, "")

        region = np.array([c[0] for c in CITIES], dtype=object)[city]
        province = np.array([c[1] for c in CITIES], dtype=object)[city]
        city_name = np.array([c[2] for c in CITIES], dtype=object)[city]
        has_addr = np.where(is_company, rng.random(n) < 0.92, rng.random(n) < 0.5)
        street = _pick(rng, pools.streets, n)
        address = np.where(has_addr, pools.city_prefix[city] + street, "")

        src_vals, src_w = _weights(SOURCES)
        source = _pick(rng, src_vals, n, src_w)
        owned = rng.random(n) >= 0.05
        owner = np.where(owned, _pick(rng, self.staff.sales, n, self.staff.sales_w), None)
        notes = np.where(rng.random(n) < 0.15,
                         _pick(rng, np.array(CUSTOMER_NOTES, dtype=object), n), "")

        # created over the window, more of them recently (the business grows)
        span = clock.today - clock.start
        c_day = clock.start + (span * rng.random(n) ** 0.8).astype(np.int64)
        c_us = clock.at(c_day, rng)
        c_day = clock.day_of(c_us)
        upd_us = np.where(rng.random(n) < 0.4,
                          c_us + ((clock.now_us - c_us) * rng.random(n)).astype(np.int64), c_us)

        codes = [format_code(i) for i in range(code_start, code_start + n)]
        ids = self._ids(n)
        search = [" ".join(p for p in (nm.lower(), f, i, c.lower(), d1, d2, e) if p)
                  for nm, f, i, c, d1, d2, e in
                  zip(name.tolist(), full.tolist(), initials.tolist(), codes,
                      phone_digits.tolist(), phone2_digits.tolist(), email)]

        # ---- orders (also decide each customer's tier) ----
        orders, spend, value12 = self._orders(ids, c_day, c_us, is_company)
        tier = self._tiers(value12, orders["count"], c_day)

        owner_l = owner.tolist()
        employees = self._employees(is_company)
        cust = dict(
            code=codes, kind=np.where(is_company, "company", "person").tolist(),
            name=name.tolist(), name_pinyin=full.tolist(), name_initials=initials.tolist(),
            sort_name=[f or nm.lower() for f, nm in zip(full.tolist(), name.tolist())],
            phone=phone.tolist(), phone2=phone2.tolist(), email=email, region=region.tolist(),
            province=province.tolist(), city=city_name.tolist(), address=address.tolist(),
            industry=industry.tolist(), source=source.tolist(), employees=employees,
            owner_id=owner_l,
            tier=tier.tolist(), notes=notes.tolist(), custom_fields=itertools.repeat("{}"),
            search_text=search,
        )
        out["customers"] = _Rows("customers", n, cust, ids, ts(c_us), ts(upd_us))
        out["customer_assignments"] = self._pool_history(ids, owned, owner, c_us)

        contacts, c_first, c_count = self._contacts(ids, is_company, english, domain, c_us)
        out["contacts"] = contacts
        out["orders"] = orders["rows"]
        ids_arr = np.array(ids, dtype=object)
        actors = np.where(owned, owner, _pick(rng, self.staff.ids, n))
        out["interactions"] = self._interactions(ids_arr, actors, c_us, tier, c_first, c_count)
        opps, hist, open_opps = self._opportunities(ids_arr, actors, c_us, spend, is_company)
        out["opportunities"] = opps
        out["opportunity_stage_history"] = hist
        out["activities"] = self._activities(ids_arr, actors, c_us, tier, open_opps)
        out["tickets"] = self._tickets(ids_arr, c_us, orders["count"], c_first, c_count)
        return out

    def _employees(self, is_company: np.ndarray) -> list:
        """Company size: most Chinese SMB customers have 10-100 staff, a few thousands; one
        company in six did not say. People: None."""
        rng = self.pool_rng
        n = len(is_company)
        size = np.clip(np.round(rng.lognormal(np.log(30), 1.3, n)), 1, 200_000).astype(np.int64)
        known = is_company & (rng.random(n) >= 1 / 6)
        return np.where(known, size, None).tolist()

    def _pool_history(self, cust_ids: list[str], owned: np.ndarray, owner: np.ndarray,
                      c_us: np.ndarray) -> _Rows:
        """Owner history: every pool customer (about 5%) was returned to the pool by the rules
        from a salesperson (no follow-up, or a lost deal); one owned customer in ten was
        claimed from the pool by its owner. Times between creation and now."""
        rng, clock = self.pool_rng, self.clock
        n = len(cust_ids)
        has = ~owned | (rng.random(n) < 0.1)
        grp = np.flatnonzero(has)
        k = len(grp)
        returned = ~owned[grp]
        former = _pick(rng, self.staff.sales, k, self.staff.sales_w)
        at = c_us[grp] + ((clock.now_us - c_us[grp]) * rng.uniform(0.05, 1.0, k)).astype(
            np.int64)
        at = np.minimum(at, clock.now_us - MIN_US)
        reason = np.where(returned, np.where(rng.random(k) < 0.75, "no_follow_up", "lost"),
                          "claim")
        ids = np.array(cust_ids, dtype=object)[grp]
        t = clock.ts(at)
        cols = dict(customer_id=ids.tolist(),
                    action=np.where(returned, "return", "claim").tolist(),
                    from_user_id=np.where(returned, former, None).tolist(),
                    to_user_id=np.where(returned, None, owner[grp]).tolist(),
                    reason=reason.tolist(), at=t,
                    by_user_id=np.where(returned, None, owner[grp]).tolist())
        return _Rows("customer_assignments", k, cols, self._ids(k), t, t)

    def _tiers(self, value12: np.ndarray, n_orders: np.ndarray, c_day: np.ndarray) -> np.ndarray:
        n = len(value12)
        tier = np.full(n, TIER_BASIC, dtype=object)
        active = value12 > 0
        if active.any():
            hi, mid = np.quantile(value12[active], [0.97, 0.82])
            tier[active & (value12 >= mid)] = TIER_GROWTH
            tier[active & (value12 >= hi)] = TIER_STRATEGIC
        old = c_day < self.clock.today - 180
        tier[~active & old] = TIER_DORMANT
        # a few that bought long ago but not lately are still "basic": tiers lag behind
        tier[~active & old & (n_orders > 0) & (self.rng.random(n) < 0.15)] = TIER_BASIC
        return tier

    # -- contacts --------------------------------------------------------------------------

    def _contacts(self, cust_ids: list[str], is_company: np.ndarray, english: np.ndarray,
                  domain: np.ndarray, c_us: np.ndarray):
        rng, pools, clock = self.rng, self.pools, self.clock
        n = len(cust_ids)
        count = np.where(is_company, rng.choice([1, 2, 3], size=n, p=[0.5, 0.35, 0.15]), 0)
        first = np.cumsum(count) - count
        k = int(count.sum())
        grp, pos = _group_pos(count)
        eng = english[grp]
        name = np.empty(k, dtype=object)
        py = np.empty(k, dtype=object)
        mail_local = np.empty(k, dtype=object)
        j = rng.integers(0, len(pools.cn_person[0]), k)
        name[:], py[:] = pools.cn_person[0][j], pools.cn_person[1][j]
        mail_local[:] = py
        je = rng.integers(0, len(pools.en_person), k)
        name[eng], py[eng] = pools.en_person[je[eng]], ""
        mail_local[eng] = pools.en_person_mail[je[eng]]
        titles, tw = _weights(CONTACT_TITLES)
        title = _pick(rng, titles, k, tw)
        phone = ["+86" + x for x in _mobiles(rng, k).tolist()]
        has_mail = rng.random(k) < 0.6
        email = [f"{a}@{d}" if h else "" for a, d, h in
                 zip(mail_local.tolist(), domain[grp].tolist(), has_mail.tolist())]
        wx = rng.random(k)
        wnum = rng.integers(100, 99999, k)
        wechat = ["" if w < 0.3 else (f"wxid_{p or 'u'}{x}" if w < 0.6 else f"{p or 'u'}{x}")
                  for w, p, x in zip(wx.tolist(), mail_local.tolist(), wnum.tolist())]
        created = c_us[grp] + (pos * rng.integers(0, 30 * DAY_US, k))
        created = np.minimum(created, clock.now_us - MIN_US)
        cols = dict(customer_id=[cust_ids[g] for g in grp.tolist()], name=name.tolist(),
                    name_pinyin=py.tolist(), title=title.tolist(), phone=phone, email=email,
                    wechat=wechat, is_primary=(pos == 0).tolist(), notes=itertools.repeat(""))
        self._contact_ids = self._ids(k)
        t = clock.ts(created)
        return _Rows("contacts", k, cols, self._contact_ids, t, t), first, count

    def _contact_of(self, grp: np.ndarray, c_first: np.ndarray, c_count: np.ndarray,
                    p: float = 1.0) -> list:
        """A random contact of each customer in ``grp`` (None for people, or with prob 1-p)."""
        rng = self.rng
        cnt = c_count[grp]
        pick = c_first[grp] + (rng.random(len(grp)) * np.maximum(cnt, 1)).astype(np.int64)
        ok = (cnt > 0) & (rng.random(len(grp)) < p)
        ids = self._contact_ids
        return [ids[i] if o else None for i, o in zip(pick.tolist(), ok.tolist())]

    # -- orders --------------------------------------------------------------------------

    def _orders(self, cust_ids: list[str], c_day: np.ndarray, c_us: np.ndarray,
                is_company: np.ndarray):
        rng, clock = self.rng, self.clock
        n = len(cust_ids)
        today = clock.today
        buyer = rng.random(n) < 0.9
        # churn: 45% stop buying some time after they started
        churns = rng.random(n) < 0.45
        stop = np.where(churns, c_day + rng.exponential(800, n).astype(np.int64), today)
        stop = np.minimum(stop, today)
        active_days = np.maximum(stop - c_day, 0) + 1
        rate = rng.gamma(1.3, 1.0, n) * buyer
        expected = rate * active_days
        total = expected.sum()
        scale = ORDERS_PER_CUSTOMER * n / total if total > 0 else 0.0
        count = np.minimum(rng.poisson(expected * scale), 1500)
        # spend level (CNY per order): companies buy more than people
        spend = np.where(is_company, rng.lognormal(np.log(6000), 1.0, n),
                         rng.lognormal(np.log(500), 0.8, n))

        k = int(count.sum())
        grp = np.repeat(np.arange(n), count)
        day = c_day[grp] + (rng.random(k) * active_days[grp]).astype(np.int64)
        # B2B customers rarely order at weekends: move most of those to Friday/Monday
        wd = (day + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
        shift = np.where(wd == 5, -1, np.where(wd == 6, 1, 0))
        shift = np.where(is_company[grp] & (rng.random(k) < 0.85), shift, 0)
        day = np.minimum(day + shift, today)
        day = np.maximum(day, clock.start)

        amount = spend[grp] * rng.lognormal(0.0, 0.55, k)
        r = rng.random(k)
        amount = np.where(r < 0.25, np.round(amount, 0),
                          np.where(r < 0.35, np.round(amount, -2), np.round(amount, 2)))
        amount = np.clip(amount, 1.0, 99_999_999.0)
        amount = np.round(amount, 2)

        st = rng.random(k)
        recent = day > today - 10
        status = np.where(recent & (st < 0.45), "pending",
                          np.where(st > 0.96, "cancelled",
                                   np.where(st > 0.935, "refunded", "paid")))
        created = np.maximum(clock.at(day, rng), c_us[grp])
        changed = (status == "cancelled") | (status == "refunded")
        updated = np.where(changed, np.minimum(created + rng.integers(HOUR_US, 20 * DAY_US, k),
                                               clock.now_us - MIN_US), created)
        notes = np.where(rng.random(k) < 0.04,
                         _pick(rng, np.array(ORDER_NOTES, dtype=object), k), "")

        # order_no: SO + yyyymmdd + sequence within the day (over the whole run)
        rel = day - clock.start
        o = np.argsort(rel, kind="stable")
        srel = rel[o]
        per_day = np.bincount(srel, minlength=len(self.day_seq))
        _, pos = _group_pos(per_day[per_day > 0])
        seq = np.empty(k, dtype=np.int64)
        seq[o] = pos + self.day_seq[srel] + 1
        self.day_seq += per_day[:len(self.day_seq)]
        y, mo, dd = _ymd(day)
        ymd = y * 10000 + mo * 100 + dd
        if k and seq.max() < 10000:
            order_no = ["SO%d" % v for v in (ymd * 10000 + seq).tolist()]
        else:
            order_no = [f"SO{a}{b:04d}" for a, b in zip(ymd.tolist(), seq.tolist())]

        paid = status == "paid"
        last12 = paid & (day > today - 365)
        value12 = np.bincount(grp[last12], weights=amount[last12], minlength=n)

        created_s = clock.ts(created)
        upd_s = created_s if not changed.any() else [
            u if c else s for s, u, c in zip(created_s, clock.ts(updated), changed.tolist())]
        cols = dict(customer_id=[cust_ids[g] for g in grp.tolist()], order_no=order_no,
                    order_date=clock.dates(day), amount=amount.tolist(),
                    currency=itertools.repeat("CNY"), status=status.tolist(), notes=notes.tolist())
        rows = _Rows("orders", k, cols, self._ids(k), created_s, upd_s)
        return {"rows": rows, "count": count}, spend, value12

    # -- history -------------------------------------------------------------------------

    def _interactions(self, cust_ids, actors, c_us, tier, c_first, c_count) -> _Rows:
        rng, clock = self.rng, self.clock
        n = len(cust_ids)
        lam = np.where(actors == None, 0.8, np.where(tier == TIER_DORMANT, 1.2, 3.2))  # noqa: E711
        lam = lam * (INTERACTIONS_PER_CUSTOMER / max(lam.mean(), 1e-9))
        count = rng.poisson(lam)
        k = int(count.sum())
        grp = np.repeat(np.arange(n), count)
        chans = np.array(list(INTERACTION_TEXTS), dtype=object)
        ch = rng.choice(len(chans), size=k, p=[0.33, 0.12, 0.3, 0.15, 0.10])
        texts = [INTERACTION_TEXTS[c] for c in chans]
        u = rng.random(k)
        summary = [texts[c][int(x * len(texts[c]))] for c, x in zip(ch.tolist(), u.tolist())]
        at = c_us[grp] + ((clock.now_us - c_us[grp]) * rng.random(k)).astype(np.int64)
        at = clock.at(clock.day_of(at), rng, 8.5, 20.5)
        at = np.maximum(at, c_us[grp])
        t = clock.ts(at)
        cols = dict(customer_id=cust_ids[grp].tolist(),
                    contact_id=self._contact_of(grp, c_first, c_count, 0.8),
                    user_id=actors[grp].tolist(), channel=chans[ch].tolist(), occurred_at=t,
                    summary=summary)
        return _Rows("interactions", k, cols, self._ids(k), t, t)

    def _activities(self, cust_ids, actors, c_us, tier, open_opps) -> _Rows:
        rng, clock = self.rng, self.clock
        now = clock.now_us
        n = len(cust_ids)
        lam = np.where(tier == TIER_DORMANT, 0.5, 1.5)
        lam = lam * (ACTIVITIES_PER_CUSTOMER / max(lam.mean(), 1e-9))
        count = rng.poisson(lam)
        grp = np.repeat(np.arange(n), count)
        opp_grp, opp_ids = open_opps
        is_opp = np.r_[np.zeros(len(grp), dtype=bool), np.ones(len(opp_grp), dtype=bool)]
        opp = np.array([None] * len(grp) + list(opp_ids), dtype=object)
        grp = np.concatenate([grp, opp_grp]).astype(np.int64)
        o = np.argsort(grp, kind="stable")  # rows in customer order (see _uuids)
        grp, opp, is_opp = grp[o], opp[o].tolist(), is_opp[o]
        k = len(grp)
        types = np.array(list(ACTIVITY_SUBJECTS), dtype=object)
        ty = rng.choice(len(types), size=k, p=[0.32, 0.15, 0.1, 0.15, 0.13, 0.15])
        u = rng.random(k)
        subj = [ACTIVITY_SUBJECTS[types[t]] for t in range(len(types))]
        subject = [subj[t][int(x * len(subj[t]))] for t, x in zip(ty.tolist(), u.tolist())]
        future = is_opp | (rng.random(k) < 0.3)
        due_day = np.where(
            future, clock.today + rng.integers(0, 45, k),
            clock.day_of(c_us[grp] + ((now - c_us[grp]) * rng.random(k)).astype(np.int64)))
        tod = rng.integers(9, 18, k) * HOUR_US + rng.choice([0, 30], k) * MIN_US
        due = due_day * DAY_US + tod - CN_OFFSET_US
        future = due > now
        r = rng.random(k)
        done = ~future & (r < 0.85)
        cancelled = ~future & (r >= 0.85) & (r < 0.9)
        done_at = np.minimum(due + rng.integers(0, 3 * DAY_US, k), now - MIN_US)
        cancelled_at = np.minimum(due - rng.integers(0, 2 * DAY_US, k), now - MIN_US)
        created = np.maximum(np.minimum(due - rng.integers(HOUR_US, 14 * DAY_US, k), now - MIN_US),
                             c_us[grp])
        done_at = np.maximum(done_at, created)
        cancelled_at = np.maximum(cancelled_at, created)
        updated = np.where(done, done_at, np.where(cancelled, cancelled_at, created))
        dur = np.array([15, 90, 60, 15, 30, 10])[ty] * rng.choice([1, 1, 1, 2], k)
        reminder = rng.choice(np.array([15, 30, 60, 1440, -1]), size=k,
                              p=[0.25, 0.3, 0.2, 0.1, 0.15])
        outcomes = np.array(ACTIVITY_OUTCOMES, dtype=object)
        outcome = np.where(done, _pick(rng, outcomes, k), "")
        cols = dict(
            customer_id=cust_ids[grp].tolist(), opportunity_id=opp,
            owner_id=actors[grp].tolist(), type=types[ty].tolist(), subject=subject,
            notes=itertools.repeat(""), due_at=clock.ts(due), duration_minutes=dur.tolist(),
            done_at=clock.ts(done_at, done),
            reminder_minutes=[None if x < 0 else x for x in reminder.tolist()],
            outcome=outcome.tolist(), cancelled_at=clock.ts(cancelled_at, cancelled),
            series_id=itertools.repeat(None), occurrence_at=itertools.repeat(None),
            series_edited=itertools.repeat(False),
            # a planned follow-up's reminder fires its minutes before the start
            remind_at=clock.ts(due - np.maximum(reminder, 0) * MIN_US,
                               future & (reminder >= 0)))
        return _Rows("activities", k, cols, self._ids(k), clock.ts(created), clock.ts(updated))

    def _opportunities(self, cust_ids, actors, c_us, spend, is_company):
        rng, clock = self.rng, self.clock
        now = clock.now_us
        n = len(cust_ids)
        n_open = len(self.open_stage_ids)
        lam = np.where(is_company, 0.35, 0.15) * (OPPORTUNITIES_PER_CUSTOMER / 0.3)
        count = rng.poisson(lam) if n_open else np.zeros(n, dtype=np.int64)
        k = int(count.sum())
        grp = np.repeat(np.arange(n), count)
        start = np.maximum(c_us[grp], now - 2 * 365 * DAY_US)
        created = start + ((now - start) * rng.random(k)).astype(np.int64)
        created = clock.at(clock.day_of(created), rng)
        created = np.maximum(created, c_us[grp])
        age_days = (now - created) / DAY_US
        closed = rng.random(k) < np.clip(age_days / 150, 0, 0.85)
        won = closed & (rng.random(k) < 0.4) & (self.won_stage is not None)
        lost = closed & ~won & (self.lost_stage is not None)
        closed = won | lost
        # how many open stages each one went through
        w = 0.75 ** np.arange(n_open)
        reached_open = rng.choice(n_open, size=k, p=w / w.sum()) + 1 if n_open else np.zeros(k)
        reached_lost = rng.choice(n_open, size=k, p=w / w.sum()) + 1 if n_open else np.zeros(k)
        reached_won = np.minimum(n_open, n_open - rng.choice([0, 1, 2], k, p=[0.7, 0.2, 0.1]))
        reached = np.where(won, reached_won, np.where(lost, reached_lost, reached_open))
        reached = np.maximum(reached, 1).astype(np.int64)
        cycle = np.minimum(rng.lognormal(np.log(40 * DAY_US), 0.7, k).astype(np.int64),
                           now - created - MIN_US)
        end = np.where(closed, created + np.maximum(cycle, MIN_US),
                       created + ((now - created) * rng.uniform(0.2, 1.0, k)).astype(np.int64))
        end = np.minimum(end, now - MIN_US)
        # stage history: reached open stages, then won/lost
        n_hist = reached + closed
        hgrp, hpos = _group_pos(n_hist)
        last = hpos == n_hist[hgrp] - 1
        frac = np.where(hpos == 0, 0.0, (hpos + rng.random(len(hgrp)) * 0.8) / n_hist[hgrp])
        h_at = created[hgrp] + ((end[hgrp] - created[hgrp]) * frac).astype(np.int64)
        h_at = np.where(last & (hpos > 0), end[hgrp], h_at)
        stage_ix = np.minimum(hpos, n_open - 1)
        to_stage = self.open_stage_ids[stage_ix].astype(object)
        to_stage[last & won[hgrp]] = self.won_stage
        to_stage[last & lost[hgrp]] = self.lost_stage
        from_stage = np.empty(len(hgrp), dtype=object)
        from_stage[1:] = to_stage[:-1]
        from_stage[hpos == 0] = None
        stage_entered = h_at[last] if k else np.zeros(0, dtype=np.int64)
        cur_stage = to_stage[last]

        opp_ids = self._ids(k)
        prob = np.where(won, 100, np.where(lost, 0, self.open_stage_prob[
            np.minimum(reached - 1, n_open - 1)] if n_open else 0))
        amount = np.round(spend[grp] * rng.uniform(3, 30, k), -2)
        amount = np.clip(amount, 100, 99_999_999.0)
        products = np.array(OPPORTUNITY_PRODUCTS, dtype=object)
        patt = np.array(OPPORTUNITY_PATTERNS, dtype=object)
        title = [pt.format(p) for pt, p in zip(_pick(rng, patt, k).tolist(),
                                                _pick(rng, products, k).tolist())]
        exp_day = np.where(closed, clock.day_of(end),
                           clock.today + rng.integers(-20, 120, k))
        status = np.where(won, "won", np.where(lost, "lost", "open"))
        reasons, rw = _weights(LOST_REASONS)
        lost_reason = np.where(lost, _pick(rng, reasons, k, rw), "")
        position = np.arange(self.opp_position, self.opp_position + k)
        self.opp_position += k
        actor = actors[grp]
        cols = dict(
            customer_id=cust_ids[grp].tolist(), title=title, amount=amount.tolist(),
            currency=itertools.repeat("CNY"), stage_id=cur_stage.tolist(),
            probability=prob.tolist(), expected_close=clock.dates(exp_day),
            owner_id=actor.tolist(), status=status.tolist(), lost_reason=lost_reason.tolist(),
            closed_at=clock.ts(end, closed), stage_entered_at=clock.ts(stage_entered),
            position=position.tolist(), notes=itertools.repeat(""),
            # demo deals won in the past count as handled by the won-deal automation
            won_automation_at=clock.ts(end, status == "won"))
        opps = _Rows("opportunities", k, cols, opp_ids, clock.ts(created), clock.ts(end))

        opp_arr = np.array(opp_ids, dtype=object)
        h_t = clock.ts(h_at)
        hcols = dict(opportunity_id=opp_arr[hgrp].tolist() if k else [],
                     from_stage_id=from_stage.tolist(), to_stage_id=to_stage.tolist(),
                     changed_at=h_t, user_id=actor[hgrp].tolist())
        hist = _Rows("opportunity_stage_history", len(hgrp), hcols, self._ids(len(hgrp)), h_t, h_t)
        is_open = ~closed
        return opps, hist, (grp[is_open], opp_arr[is_open].tolist())

    def _tickets(self, cust_ids, c_us, n_orders, c_first, c_count) -> _Rows:
        rng, clock = self.rng, self.clock
        now = clock.now_us
        n = len(cust_ids)
        lam = np.where(n_orders > 0, 1.0, 0.3)
        lam = lam * (TICKETS_PER_CUSTOMER / max(lam.mean(), 1e-9))
        count = rng.poisson(lam)
        k = int(count.sum())
        grp = np.repeat(np.arange(n), count)
        start = np.maximum(c_us[grp], now - 3 * 365 * DAY_US)
        opened = start + ((now - start) * rng.random(k) ** 0.7).astype(np.int64)
        opened = np.maximum(clock.at(clock.day_of(opened), rng, 8.0, 21.0), c_us[grp])
        prios = np.array(["low", "normal", "high", "urgent"], dtype=object)
        pr = rng.choice(4, size=k, p=[0.2, 0.55, 0.2, 0.05])
        pol = [self.sla[p] for p in prios]
        resp_min = np.array([p.response_minutes if p else 480 for p in pol])[pr]
        res_min = np.array([p.resolve_minutes if p else 2880 for p in pol])[pr]
        pol_ids = np.array([p.id.hex if p else None for p in pol], dtype=object)[pr]
        age = (now - opened) / DAY_US
        r = rng.random(k)
        status = np.select(
            [age > 30, age > 3],
            [np.where(r < 0.75, "closed", np.where(r < 0.95, "resolved",
                                                   np.where(r < 0.98, "waiting", "in_progress"))),
             np.where(r < 0.35, "closed", np.where(r < 0.65, "resolved", np.where(
                 r < 0.8, "in_progress", np.where(r < 0.92, "waiting", "new"))))],
            np.where(r < 0.4, "new", np.where(r < 0.75, "in_progress",
                                              np.where(r < 0.85, "waiting", "resolved"))))
        first_resp = opened + (resp_min * MIN_US * rng.lognormal(np.log(0.45), 0.8, k)
                               ).astype(np.int64)
        resolved = first_resp + (res_min * MIN_US * rng.lognormal(np.log(0.4), 0.9, k)
                                 ).astype(np.int64)
        closed_at = resolved + rng.integers(DAY_US, 7 * DAY_US, k)
        # nothing happens in the future: later steps that would have are not reached yet
        status = np.where((status != "new") & (first_resp >= now), "new", status)
        status = np.where(np.isin(status, ["resolved", "closed"]) & (resolved >= now),
                          "in_progress", status)
        status = np.where((status == "closed") & (closed_at >= now), "resolved", status)
        has_resp = status != "new"
        is_res = np.isin(status, ["resolved", "closed"])
        is_closed = status == "closed"
        sat = rng.choice(np.arange(1, 6), size=k, p=[0.04, 0.06, 0.15, 0.3, 0.45])
        rated = is_res & (rng.random(k) < 0.8)
        assignee = _pick(rng, self.staff.service, k)
        assignee = np.where((status == "new") & (rng.random(k) < 0.5), None, assignee)
        updated = np.where(is_closed, closed_at, np.where(is_res, resolved, np.where(
            has_resp, first_resp, opened)))
        resp_due, res_due = opened + resp_min * MIN_US, opened + res_min * MIN_US
        subjects = np.array(TICKET_SUBJECTS, dtype=object)
        descr = np.array(TICKET_DESCRIPTIONS, dtype=object)
        cols = dict(
            number=[""] * k,
            customer_id=cust_ids[grp].tolist(),
            contact_id=self._contact_of(grp, c_first, c_count, 0.7),
            subject=_pick(rng, subjects, k).tolist(), description=_pick(rng, descr, k).tolist(),
            priority=prios[pr].tolist(), status=status.tolist(), assignee_id=assignee.tolist(),
            sla_policy_id=pol_ids.tolist(), opened_at=clock.ts(opened),
            first_response_at=clock.ts(first_resp, has_resp),
            resolved_at=clock.ts(resolved, is_res), closed_at=clock.ts(closed_at, is_closed),
            response_due=clock.ts(resp_due), resolve_due=clock.ts(res_due),
            satisfaction=[int(s) if r_ else None for s, r_ in zip(sat.tolist(), rated.tolist())],
            opportunity_id=itertools.repeat(None), interaction_id=itertools.repeat(None),
            satisfaction_comment=itertools.repeat(""),
            # a ticket waiting on the customer has its SLA clock stopped since its last step
            paused_at=clock.ts(updated, status == "waiting"),
            paused_seconds=itertools.repeat(0.0),
            sla_due=clock.ts(np.where(has_resp, res_due, resp_due), ~is_res),
            # deadlines already missed were escalated when they were missed
            response_escalation=np.where(
                np.where(has_resp, first_resp, now) > resp_due, 2, 0).tolist(),
            resolve_escalation=np.where(
                np.where(is_res, resolved, now) > res_due, 2, 0).tolist())
        return _Rows("tickets", k, cols, self._ids(k), clock.ts(opened), clock.ts(updated))
