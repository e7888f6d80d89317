"""What each kind of import can fill: its fields, their types and limits, and the header texts
(Chinese and English) they are recognised by."""

from __future__ import annotations

from dataclasses import dataclass

from .readers import norm_header

KINDS = ("customers", "contacts", "orders", "interactions", "activities")
ON_DUPLICATE = ("skip", "update", "fill")  # fill: update empty fields only
TAG_LIMIT = 64  # tags.name is String(64)


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text, note, phone, email, date, datetime, amount, int, bool, choice, user, tags
    aliases: tuple[str, ...]
    required: bool = False
    limit: int = 200
    choices: tuple[tuple[str, str], ...] = ()  # (what people write, stored code)
    overflow: str = ""  # a second column with a matching header goes to this field


def _choices(table: dict[str, tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    return tuple((w.lower(), code) for code, words in table.items() for w in (code, *words))


CUSTOMER_REF = (
    Field("customer_code", "text", ("客户编号", "客户编码", "客户代码", "客户号", "customercode",
                                    "customerno", "customerid", "客户id"), limit=20),
    Field("customer", "text", ("客户名称", "客户", "客户名", "公司", "公司名称", "企业名称",
                               "单位名称", "单位", "客户全称", "customer", "customername",
                               "company", "companyname", "account"), limit=200),
)
PHONE_ALIASES = ("手机", "手机号", "手机号码", "移动电话", "联系电话", "联系方式", "电话",
                 "电话号码", "mobile", "mobilephone", "cell", "cellphone", "phone",
                 "phonenumber", "tel", "telephone")
OWNER_ALIASES = ("负责人", "归属销售", "所属销售", "销售", "销售员", "业务员", "跟进人",
                 "客户经理", "owner", "salesrep", "salesperson", "sales", "accountmanager")
TIERS = _choices({"strategic": ("战略级", "战略", "战略客户", "a"), "growth": ("成长级", "成长", "b"),
                  "basic": ("基础级", "基础", "普通", "c"), "dormant": ("沉睡级", "沉睡", "d")})

SPECS: dict[str, tuple[Field, ...]] = {
    "customers": (
        Field("code", "text", ("客户编号", "客户编码", "客户代码", "编号", "客户号", "code",
                               "customercode", "customerno", "customerid", "id"), limit=20),
        Field("name", "text", ("客户名称", "客户名", "客户", "公司", "公司名称", "企业名称",
                               "单位名称", "单位", "客户全称", "名称", "customer",
                               "customername", "company", "companyname", "account",
                               "accountname", "name"), required=True, limit=200),
        Field("kind", "choice", ("客户类型", "类型", "类别", "kind", "type", "customertype"),
              choices=_choices({"company": ("公司", "企业", "单位", "b2b", "organization"),
                                "person": ("个人", "个体", "b2c", "individual")})),
        Field("contact", "text", ("联系人", "联系人姓名", "联系人名称", "姓名", "contact",
                                  "contactname", "contactperson"), limit=100),
        Field("title", "text", ("职位", "职务", "称呼", "title", "position", "jobtitle"),
              limit=100),
        Field("phone", "phone", PHONE_ALIASES, overflow="phone2"),
        Field("phone2", "phone", ("座机", "固定电话", "固话", "办公电话", "电话2", "备用电话",
                                  "其他电话", "phone2", "landline", "officephone",
                                  "otherphone")),
        Field("email", "email", ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "e-mail",
                                 "mail", "emailaddress")),
        Field("wechat", "text", ("微信", "微信号", "wechat", "weixin"), limit=64),
        Field("address", "text", ("地址", "详细地址", "公司地址", "联系地址", "通讯地址",
                                  "address"), limit=400),
        Field("province", "text", ("省", "省份", "所在省", "所在省份", "省市", "province",
                                   "state"), limit=32),
        Field("city", "text", ("市", "城市", "所在城市", "所在市", "地市", "city"), limit=64),
        Field("industry", "text", ("行业", "所属行业", "行业类别", "industry", "sector"),
              limit=64),
        Field("source", "text", ("来源", "客户来源", "线索来源", "获客渠道", "渠道", "source",
                                 "leadsource", "channel"), limit=64),
        Field("owner", "user", OWNER_ALIASES, limit=100),
        Field("tier", "choice", ("客户等级", "等级", "客户分层", "分层", "级别", "tier",
                                 "level", "grade"), choices=TIERS),
        Field("employees", "int", ("员工数", "员工人数", "人数", "公司规模", "规模",
                                   "employees", "headcount", "companysize")),
        Field("notes", "note", ("备注", "说明", "备注信息", "notes", "note", "remark",
                                "remarks", "comments"), limit=20000),
        # several tags in a cell (values.tags_value); the limit is each tag's (tags.name)
        Field("tags", "tags", ("标签", "客户标签", "tags", "labels"), limit=TAG_LIMIT),
    ),
    "contacts": CUSTOMER_REF + (
        Field("name", "text", ("联系人", "联系人姓名", "姓名", "名字", "联系人名称", "name",
                               "contact", "contactname", "fullname"), required=True, limit=100),
        Field("title", "text", ("职位", "职务", "称呼", "title", "position", "jobtitle"),
              limit=100),
        Field("phone", "phone", PHONE_ALIASES),
        Field("email", "email", ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "e-mail",
                                 "mail")),
        Field("wechat", "text", ("微信", "微信号", "wechat", "weixin"), limit=64),
        Field("is_primary", "bool", ("主联系人", "首要联系人", "是否主联系人", "primary",
                                     "isprimary", "main")),
        Field("notes", "note", ("备注", "说明", "notes", "note", "remark", "remarks"),
              limit=20000),
    ),
    "orders": CUSTOMER_REF + (
        Field("order_no", "text", ("订单号", "订单编号", "单号", "订单号码", "orderno",
                                   "ordernumber", "orderid", "order"), limit=32),
        Field("order_date", "date", ("下单日期", "订单日期", "下单时间", "成交日期", "日期",
                                     "orderdate", "date", "purchasedate"), required=True),
        Field("amount", "amount", ("金额", "订单金额", "总金额", "实付金额", "成交金额", "合计",
                                   "amount", "total", "orderamount", "ordertotal"),
              required=True),
        Field("currency", "choice", ("币种", "货币", "currency"),
              choices=_choices({"CNY": ("人民币", "rmb", "元", "cny", "¥"),
                                "USD": ("美元", "usd", "$"), "EUR": ("欧元", "eur"),
                                "HKD": ("港币", "港元", "hkd"), "JPY": ("日元", "jpy")})),
        Field("status", "choice", ("状态", "订单状态", "付款状态", "status"),
              choices=_choices({"paid": ("已付款", "已支付", "已完成", "完成", "成交", "已成交",
                                         "付款"),
                                "pending": ("待付款", "未付款", "待支付", "未支付", "待处理"),
                                "cancelled": ("已取消", "取消", "canceled", "作废"),
                                "refunded": ("已退款", "退款", "refund")})),
        Field("notes", "note", ("备注", "说明", "notes", "note", "remark"), limit=20000),
    ),
    "interactions": CUSTOMER_REF + (
        Field("occurred_at", "datetime", ("沟通时间", "跟进时间", "联系时间", "时间", "日期",
                                          "沟通日期", "跟进日期", "date", "time", "occurredat",
                                          "datetime"), required=True),
        Field("channel", "choice", ("沟通方式", "跟进方式", "联系方式", "方式", "channel",
                                    "type"),
              choices=_choices({"phone": ("电话", "打电话", "致电", "call", "tel"),
                                "visit": ("拜访", "上门", "面访", "上门拜访"),
                                "wechat": ("微信", "weixin"), "email": ("邮件", "电子邮件",
                                                                         "mail"),
                                "meeting": ("会议", "开会", "见面")})),
        Field("user", "user", ("跟进人", "负责人", "销售", "业务员", "员工", "记录人", "user",
                               "owner", "salesrep", "by")),
        Field("summary", "note", ("沟通内容", "跟进内容", "内容", "摘要", "记录", "备注",
                                  "summary", "content", "notes", "note"), limit=20000),
    ),
    "activities": CUSTOMER_REF + (
        Field("subject", "text", ("主题", "事项", "标题", "任务", "计划内容", "subject",
                                  "title", "task"), required=True, limit=200),
        Field("type", "choice", ("类型", "方式", "跟进方式", "type"),
              choices=_choices({"call": ("电话", "打电话", "phone"), "visit": ("拜访", "上门"),
                                "meeting": ("会议", "开会"), "email": ("邮件", "mail"),
                                "task": ("任务", "待办", "todo"),
                                "wechat": ("微信", "weixin")})),
        Field("due_at", "datetime", ("计划时间", "截止时间", "到期时间", "跟进时间", "时间",
                                     "日期", "due", "duedate", "dueat", "date", "when"),
              required=True),
        Field("duration_minutes", "int", ("时长", "时长分钟", "分钟", "duration",
                                          "durationminutes", "minutes")),
        Field("owner", "user", OWNER_ALIASES),
        Field("done", "bool", ("已完成", "完成", "是否完成", "done", "completed")),
        Field("notes", "note", ("备注", "说明", "notes", "note", "remark"), limit=20000),
    ),
}
FIELDS: dict[str, dict[str, Field]] = {k: {f.name: f for f in fs} for k, fs in SPECS.items()}

_ALIAS_RANK: dict[str, dict[str, tuple[str, int]]] = {}
for _kind, _fields in SPECS.items():
    table: dict[str, tuple[str, int]] = {}
    for _f in _fields:
        for _rank, _a in enumerate(_f.aliases):
            key = norm_header(_a)
            if key not in table or table[key][1] > _rank:
                table[key] = (_f.name, _rank)
    _ALIAS_RANK[_kind] = table
_ALL_ALIASES = {a for t in _ALIAS_RANK.values() for a in t}


def header_score(cells: list) -> int:
    """How many cells of a row are known header texts (of any kind)."""
    return sum(1 for c in cells if c is not None and norm_header(c) in _ALL_ALIASES)


def guess_fields(kind: str, headers: tuple[str, ...] | list[str]) -> dict[str, str]:
    """field -> header for the headers recognised: exact names first (a field's preferred
    names before its other ones), then headers that contain a name (手机号码1); a second
    phone column goes to phone2."""
    table = _ALIAS_RANK[kind]
    fields = FIELDS[kind]
    candidates: list[tuple[int, int, str, str]] = []  # (pass, rank, field, header)
    for h in headers:
        key = norm_header(h)
        if key in table:
            name, rank = table[key]
            candidates.append((0, rank, name, h))
            continue
        best = None
        for alias, (name, rank) in table.items():
            if len(alias) >= (2 if not alias.isascii() else 4) and alias in key:
                if best is None or len(alias) > best[1]:
                    best = (name, len(alias), rank)
        if best is not None:
            candidates.append((1, best[2], best[0], h))
    candidates.sort(key=lambda c: (c[0], c[1]))
    out: dict[str, str] = {}
    used: set[str] = set()
    for _p, _r, name, h in candidates:
        if h in used:
            continue
        if name in out:
            name = fields[name].overflow
            if not name or name in out:
                continue
        out[name] = h
        used.add(h)
    return out
