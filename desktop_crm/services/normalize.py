"""Standardising what people type (数据标准化, no Qt): the rules the importer applies to every
row and the duplicate finder uses to compare customers.

* ``clean_text``: full-width digits, letters and punctuation to half-width (NFKC), spaces
  trimmed and runs of spaces (also full-width and no-break ones) made one;
* ``split_salutation``: 张总 / 张先生 / 王经理 / Mr. Smith -> ("张", "总") ...: the name and the
  form of address kept apart;
* ``province_name`` / ``city_name``: 广东 / 广东省 / 粤 -> 广东省, 深圳 -> 深圳市, and
  ``region_of`` (华东, 华南 ...) for a province;
* ``company_key``: a company name reduced for matching: no legal-form suffix (有限公司,
  有限责任公司, 股份有限公司, Co., Ltd., Inc. ...), no brackets, punctuation or spaces, lower
  case, so 上海华信科技有限公司, 上海华信科技（有限公司） and "上海 华信科技" compare equal;
* phone numbers and e-mail addresses: ``services.text.normalize_phone`` (E.164) and
  ``normalize_email``.
"""

from __future__ import annotations

import re
import unicodedata

SPACES = re.compile(r"\s+")

# 省级行政区: full name, the short forms people write, the one-character abbreviation, region
PROVINCES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("北京市", ("北京", "京"), "华北"), ("天津市", ("天津", "津"), "华北"),
    ("河北省", ("河北", "冀"), "华北"), ("山西省", ("山西", "晋"), "华北"),
    ("内蒙古自治区", ("内蒙古", "内蒙", "蒙"), "华北"),
    ("辽宁省", ("辽宁", "辽"), "东北"), ("吉林省", ("吉林", "吉"), "东北"),
    ("黑龙江省", ("黑龙江", "黑"), "东北"),
    ("上海市", ("上海", "沪"), "华东"), ("江苏省", ("江苏", "苏"), "华东"),
    ("浙江省", ("浙江", "浙"), "华东"), ("安徽省", ("安徽", "皖"), "华东"),
    ("福建省", ("福建", "闽"), "华东"), ("江西省", ("江西", "赣"), "华东"),
    ("山东省", ("山东", "鲁"), "华东"),
    ("河南省", ("河南", "豫"), "华中"), ("湖北省", ("湖北", "鄂"), "华中"),
    ("湖南省", ("湖南", "湘"), "华中"),
    ("广东省", ("广东", "粤"), "华南"), ("广西壮族自治区", ("广西", "桂"), "华南"),
    ("海南省", ("海南", "琼"), "华南"),
    ("重庆市", ("重庆", "渝"), "西南"), ("四川省", ("四川", "川", "蜀"), "西南"),
    ("贵州省", ("贵州", "黔", "贵"), "西南"), ("云南省", ("云南", "滇", "云"), "西南"),
    ("西藏自治区", ("西藏", "藏"), "西南"),
    ("陕西省", ("陕西", "陕", "秦"), "西北"), ("甘肃省", ("甘肃", "甘", "陇"), "西北"),
    ("青海省", ("青海", "青"), "西北"), ("宁夏回族自治区", ("宁夏", "宁"), "西北"),
    ("新疆维吾尔自治区", ("新疆", "新"), "西北"),
    ("香港特别行政区", ("香港", "港"), "港澳台"), ("澳门特别行政区", ("澳门", "澳"), "港澳台"),
    ("台湾省", ("台湾", "台"), "港澳台"),
)
_PROVINCE_OF = {alias: full for full, aliases, _r in PROVINCES for alias in (full, *aliases)}
_REGION_OF = {full: region for full, _a, region in PROVINCES}
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}

# forms of address written after a Chinese surname (longest first)
SALUTATIONS_AFTER = ("董事长", "总经理", "副总", "经理", "主任", "主管", "处长", "科长", "局长",
                     "院长", "校长", "部长", "厂长", "老板", "老师", "教授", "博士", "医生",
                     "律师", "先生", "女士", "小姐", "总监", "总工", "会计", "阿姨", "师傅",
                     "董", "总", "工", "姐", "哥")
SALUTATIONS_BEFORE = ("mr.", "mrs.", "ms.", "miss", "dr.", "prof.", "mr", "mrs", "ms", "dr")
_SAL_AFTER = re.compile(r"^([\u4e00-\u9fff]{1,3}?)(" + "|".join(SALUTATIONS_AFTER) + r")$")

# legal forms, longest first: removed from the end of a company name for matching
COMPANY_SUFFIXES = (
    "股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "有限公司", "分公司",
    "集团", "公司", "工作室", "商行", "经营部", "门市部",
    "company limited", "co., ltd.", "co.,ltd.", "co. ltd.", "co.ltd.", "co., ltd", "co.,ltd",
    "co ltd", "limited", "ltd.", "ltd", "inc.", "inc", "corporation", "corp.", "corp",
    "llc", "gmbh", "co.", "co",
)
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def clean_text(value: object) -> str:
    """Half-width, trimmed, single-spaced text ("" for None)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return SPACES.sub(" ", text).strip()


def split_salutation(name: str) -> tuple[str, str]:
    """A person's name and the form of address written with it: 张总 -> ("张", "总"),
    王经理 -> ("王", "经理"), Mr. John Smith -> ("John Smith", "Mr."); a full name that merely
    ends like one (张总成) is left alone: the name part must be a surname of one to three
    characters."""
    name = clean_text(name)
    m = _SAL_AFTER.match(name)
    if m and len(m.group(1)) <= 2:
        return m.group(1), m.group(2)
    first, _sp, rest = name.partition(" ")
    if rest and first.lower() in SALUTATIONS_BEFORE:
        word = first.rstrip(".").capitalize()
        return rest.strip(), word + "."
    return name, ""


def province_name(value: object) -> str:
    """The full name of a province-level division (广东 -> 广东省); anything else cleaned
    and kept as it was."""
    text = clean_text(value).replace(" ", "")
    return _PROVINCE_OF.get(text, clean_text(value))


def region_of(province: str) -> str:
    """华北, 东北, 华东, 华中, 华南, 西南, 西北 or 港澳台 ("" when unknown)."""
    return _REGION_OF.get(province_name(province), "")


def city_name(value: object, province: str = "") -> str:
    """A prefecture-level city with its 市 (深圳 -> 深圳市); names that already carry a
    suffix (市, 州, 盟, 地区, 区, 县) or are not Chinese are kept as they are."""
    text = clean_text(value).replace(" ", "")
    if not text:
        return ""
    if text in _PROVINCE_OF and _PROVINCE_OF[text] in MUNICIPALITIES:
        return _PROVINCE_OF[text]
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,6}", text) or text[-1] in "市州盟县区" \
            or text.endswith("地区"):
        return clean_text(value)
    return text + "市"


def company_key(name: object) -> str:
    """A company name reduced for matching (legal form, brackets, punctuation and spaces
    removed; lower case)."""
    text = clean_text(name).lower()
    text = re.sub(r"[(（][^)）]*[)）]", lambda m: "" if _only_suffix(m.group(0)) else m.group(0),
                  text)
    changed = True
    while changed:
        changed = False
        stripped = text.rstrip(" ,.;")
        if stripped in COMPANY_SUFFIXES:  # nothing but a legal form is left: keep it
            break
        for suffix in COMPANY_SUFFIXES:
            if stripped.endswith(suffix) and len(stripped) > len(suffix):
                text = stripped[: -len(suffix)]
                changed = True
                break
    key = _PUNCT.sub("", text)
    return key or _PUNCT.sub("", clean_text(name).lower())


def _only_suffix(bracketed: str) -> bool:
    inner = bracketed[1:-1].strip().lower()
    return inner in COMPANY_SUFFIXES or inner == ""


def person_key(name: object) -> str:
    """A person's name for matching: without form of address, spaces or case."""
    return _PUNCT.sub("", split_salutation(clean_text(name))[0].lower())


# One reading per Chinese character, filled as characters are met (a cache, never changed
# otherwise): the duplicate finder calls ``pinyin_key`` for a million names, and per-character
# look-ups are ~20 times faster than pypinyin's phrase segmentation.
_READING: dict[int, str] = {}
_HAN_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def pinyin_key(key: str) -> str:
    """The sound of a matching key: each Chinese character by its most common reading,
    without tones; other characters kept. 华信 and 华鑫 give the same "huaxin". The same
    characters always give the same key (no phrase context), which is what matching needs;
    for the pinyin shown to people use ``services.text.pinyin_of``."""
    missing = {ord(ch) for ch in _HAN_CHAR.findall(key)} - _READING.keys()
    if missing:
        from pypinyin import lazy_pinyin

        for cp in missing:
            _READING[cp] = (lazy_pinyin(chr(cp)) or [chr(cp)])[0].lower()
    return key.translate(_READING)


def place_stems(*places: str) -> tuple[str, ...]:
    """The ways a province or city may be written inside a company name, longest first:
    上海市 -> (上海市, 上海), 广东省 -> (广东省, 广东), 深圳市 -> (深圳市, 深圳)."""
    stems: set[str] = set()
    for place in places:
        text = _PUNCT.sub("", clean_text(place).lower())
        if not text:
            continue
        stems.add(text)
        for suffix in ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区",
                       "自治州", "地区", "省", "市", "盟", "州"):
            if text.endswith(suffix) and len(text) - len(suffix) >= 2:
                stems.add(text[: -len(suffix)])
                break
    return tuple(sorted(stems, key=len, reverse=True))


def company_core(key: str, places: tuple[str, ...]) -> str:
    """A company key without the place it is in (``places``: ``place_stems`` of its province
    and city) at its start or end: 上海华信科技 and 华信科技(上海) in 上海 both give 华信科技.
    A key that would be left shorter than two characters is kept whole."""
    changed = True
    while changed:
        changed = False
        for stem in places:
            if key.startswith(stem) and len(key) - len(stem) >= 2:
                key, changed = key[len(stem):], True
            elif key.endswith(stem) and len(key) - len(stem) >= 2:
                key, changed = key[: -len(stem)], True
    return key


__all__ = ["PROVINCES", "city_name", "clean_text", "company_core", "company_key", "person_key",
           "pinyin_key", "place_stems", "province_name", "region_of", "split_salutation"]
