"""Seeded pools of names, companies and addresses (Faker runs only here)."""

from __future__ import annotations

import numpy as np

from ..text import pinyin_of
from .arrays import _pick, _weights
from .vocab import (
    BRAND_CHARS,
    CITIES,
    COMPANY_FORMS,
    COMPANY_POOL_MAX,
    GIVEN_CHARS,
    INDUSTRIES,
    PERSON_POOL_MAX,
    STREET_STEMS,
    STREET_SUFFIXES,
)

# --------------------------------------------------------------------------------------
# Pools of names, built once per run from Faker's data and our word lists


class _Pools:
    def __init__(self, rng: np.random.Generator, seed: int, n_customers: int):
        from faker import Faker
        from faker.providers.address.zh_CN import Provider as CnAddress
        from faker.providers.company.zh_CN import Provider as CnCompany
        from faker.providers.person.zh_CN import Provider as CnPerson

        en = Faker("en_US")
        en.seed_instance(seed)
        self.city_w = np.array([c[5] for c in CITIES]) / sum(c[5] for c in CITIES)
        self.ind_w = np.array([i[1] for i in INDUSTRIES]) / sum(i[1] for i in INDUSTRIES)

        # Chinese person names: weighted surname + a Faker given name or two given chars.
        size = int(np.clip(n_customers // 8, 600, PERSON_POOL_MAX))
        last = np.array(list(CnPerson.last_names.keys()), dtype=object)
        lw = np.array(list(CnPerson.last_names.values()), dtype=float)
        given = np.array(list(CnPerson.first_names_male) + list(CnPerson.first_names_female),
                         dtype=object)
        chars = np.array(list(GIVEN_CHARS), dtype=object)
        sur = _pick(rng, last, size, lw / lw.sum())
        g1 = _pick(rng, given, size)
        c1, c2 = _pick(rng, chars, size), _pick(rng, chars, size)
        composed = rng.random(size) < 0.5
        names = [s + (a + b if c else g) for s, g, a, b, c in
                 zip(sur.tolist(), g1.tolist(), c1.tolist(), c2.tolist(), composed.tolist())]
        self.cn_person = self._with_pinyin(list(dict.fromkeys(names)))

        size_en = int(np.clip(n_customers // 150, 60, 3000))
        en_names = list(dict.fromkeys(f"{en.first_name()} {en.last_name()}"
                                      for _ in range(size_en)))
        self.en_person = np.array(en_names, dtype=object)
        self.en_person_mail = np.array(
            [".".join("".join(ch for ch in part.lower() if ch.isalnum()) for part in n.split())
             for n in en_names], dtype=object)

        # Chinese companies: [city] + trade name + industry word + legal form. Each pooled
        # company carries its city and industry so name, address and industry agree.
        size = int(np.clip(n_customers // 8, 500, COMPANY_POOL_MAX))
        bchars = np.array(list(dict.fromkeys(BRAND_CHARS)), dtype=object)
        faker_brands = [b for b in dict.fromkeys(CnCompany.company_prefixes) if len(b) <= 4]
        nb = 4000
        b1, b2 = _pick(rng, bchars, nb), _pick(rng, bchars, nb)
        brands = list(dict.fromkeys([x + y for x, y in zip(b1.tolist(), b2.tolist()) if x != y]
                                    + faker_brands))
        brands_arr = np.array(brands, dtype=object)
        brand_py = np.array([pinyin_of(b)[0] for b in brands], dtype=object)
        bidx = rng.integers(0, len(brands), size)
        city = rng.choice(len(CITIES), size=size, p=self.city_w)
        ind = rng.choice(len(INDUSTRIES), size=size, p=self.ind_w)
        forms, fw = _weights(COMPANY_FORMS)
        form = _pick(rng, forms, size, fw)
        with_city = rng.random(size) < 0.55
        word_u = rng.random(size)
        comp_names = []
        for i in range(size):
            words = INDUSTRIES[ind[i]][2]
            word = words[int(word_u[i] * len(words))]
            f = form[i]
            if f in ("商行", "厂", "工作室") and len(word) > 2:
                f = "有限公司"
            prefix = CITIES[city[i]][2].removesuffix("市") if with_city[i] else ""
            comp_names.append(prefix + brands_arr[bidx[i]] + word + f)
        seen: dict[str, int] = {}
        for i, nm in enumerate(comp_names):
            seen.setdefault(nm, i)
        keep = np.fromiter(seen.values(), dtype=np.int64)
        tlds = np.array([".com", ".cn", ".com.cn", ".net"], dtype=object)
        tld = _pick(rng, tlds, len(keep), np.array([0.5, 0.2, 0.25, 0.05]))
        self.cn_company = self._with_pinyin(list(seen))
        self.cn_company_city = city[keep]
        self.cn_company_ind = ind[keep]
        self.cn_company_domain = np.array(
            [p + t for p, t in zip(brand_py[bidx[keep]].tolist(), tld.tolist())], dtype=object)

        size_en = int(np.clip(n_customers // 100, 50, 3000))
        en_companies = list(dict.fromkeys(en.company() for _ in range(size_en)))
        self.en_company = np.array(en_companies, dtype=object)
        self.en_company_domain = np.array(
            ["".join(ch for ch in n.split()[0].lower() if ch.isalnum()) + ".com"
             for n in en_companies], dtype=object)

        # Street addresses (district + street + number [+ building]).
        n_streets = 5000
        districts = np.array([d + "区" for d in CnAddress.districts]
                             + ["高新区", "经济技术开发区", "工业园区"], dtype=object)
        d = _pick(rng, districts, n_streets)
        st = _pick(rng, np.array(STREET_STEMS, dtype=object), n_streets)
        sf = _pick(rng, np.array(STREET_SUFFIXES, dtype=object), n_streets)
        num = rng.integers(1, 999, n_streets)
        bld = rng.integers(1, 30, n_streets)
        room = rng.integers(1, 30, n_streets) * 100 + rng.integers(1, 20, n_streets)
        kind = rng.integers(0, 4, n_streets)
        tails = [("", f"{b}号楼{r}室", f"{b}楼", f"A座{r}室")[k]
                 for k, b, r in zip(kind.tolist(), bld.tolist(), room.tolist())]
        self.streets = np.array([f"{a}{b}{c}{n}号{t}" for a, b, c, n, t in
                                 zip(d.tolist(), st.tolist(), sf.tolist(), num.tolist(), tails)],
                                dtype=object)
        self.city_prefix = np.array(
            [(c[2] if c[1] == c[2] else c[1] + c[2]) for c in CITIES], dtype=object)

    @staticmethod
    def _with_pinyin(names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        full, initials = zip(*(pinyin_of(n) for n in names))
        return (np.array(names, dtype=object), np.array(full, dtype=object),
                np.array(initials, dtype=object))
