"""Demo data: a realistic Chinese SME's CRM (staff, customers, contacts, orders, history,
pipeline, tickets), generated in bulk.

``generate_demo(db, customers=N)`` is what ``desktop-crm demo`` and the GUI's first-start
offer call. It is built for size: one million customers with about ten million orders.

How it stays fast (1M customers / 10M orders: ~7.5 minutes on SQLite, 2 cores)
--------------------------------------------------------------------------------
* Faker is slow per call, so it is used once, to build seeded *pools* (Chinese and English
  person names, company names composed from Faker's and our own word lists, street
  addresses). Customers and contacts sample those pools with numpy. The pinyin of every
  pooled name is computed once with :func:`desktop_crm.services.text.pinyin_of`, and
  ``name_pinyin``, ``name_initials``, ``sort_name`` and ``search_text`` are built exactly
  as :class:`CustomerService` builds them, so search and sorting work on demo rows as on
  hand-made ones. Names repeat (a pool holds up to 50,000 companies and 30,000 people).
* Everything per row (dates, amounts, statuses, foreign keys) is drawn vectorised, a chunk
  of customers at a time. Ids are random UUID4 hex strings made in bulk from
  ``os.urandom`` (see :func:`_uuids` for why each chunk's ids are larger than the last
  one's); timestamps are formatted the way the ORM stores them (SQLite: naive UTC
  ``YYYY-MM-DD HH:MM:SS.ffffff``; PostgreSQL: the same with ``+00``).
* Rows are written through the driver, bypassing the ORM: SQLite ``executemany`` and
  PostgreSQL ``COPY`` (psycopg 3 ``cursor.copy``). A transaction holds whole customers with
  all their child rows and advances the customer-code and ticket-number counters, so
  every commit leaves a consistent database. On SQLite the search index is filled with
  one ``INSERT ... SELECT`` per chunk instead of its per-row trigger (see
  :meth:`_Writer._write`).

Sizes (per customer, on average): 10 orders, 1.65 contacts per company (1-3), 2.5
interactions, 1.3 activities (plus one planned follow-up per open opportunity), 0.3
opportunities (with 1-5 stage-history rows each) and 0.2 tickets. These ratios are kept at
every size: at one million customers they add about 6 million rows to the 10 million
orders, which still fits the time budget, so nothing is scaled down.

The seed decides every name, number and date offset; ids are always random (two
databases filled with the same seed must still be able to sync with each other) and dates
are relative to the day the data is generated.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import os
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from desktop_crm.models import (
    Counter, Customer, Order, PipelineStage, Role, SlaPolicy, Ticket, TicketPriority, User,
)

from .customers import format_code
from .db import Database
from .text import pinyin_of

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], "bool | None"]


@dataclass(frozen=True)
class DemoSummary:
    """Rows this call added (existing rows are not counted) and the time it took."""

    users: int
    customers: int
    contacts: int
    orders: int
    interactions: int
    activities: int
    opportunities: int
    tickets: int
    seconds: float


class Cancelled(Exception):
    """The progress callback asked to stop. Batches committed before the request stay."""


# --------------------------------------------------------------------------------------
# Pipeline stages and SLA policies

# code, probability (%), is_won, is_lost. The UI translates the code (线索, 需求确认,
# 方案报价, 商务谈判, 赢单, 输单); ``name`` stays "" until a user renames a stage.
DEFAULT_STAGES: tuple[tuple[str, int, bool, bool], ...] = (
    ("lead", 10, False, False),
    ("qualified", 25, False, False),
    ("proposal", 50, False, False),
    ("negotiation", 75, False, False),
    ("won", 100, True, False),
    ("lost", 0, False, True),
)

# priority, name, response minutes, resolve minutes (business hours).
DEFAULT_SLA: tuple[tuple[str, str, int, int], ...] = (
    (TicketPriority.URGENT.value, "紧急", 60, 480),
    (TicketPriority.HIGH.value, "高", 240, 1440),
    (TicketPriority.NORMAL.value, "普通", 480, 2880),
    (TicketPriority.LOW.value, "低", 1440, 7200),
)


def ensure_default_stages(session: Session) -> list[PipelineStage]:
    """The pipeline's stages in board order; the six default ones are added if there are none.

    Runs inside the caller's unit of work (flushes, does not commit).
    """
    live = select(PipelineStage).where(PipelineStage.deleted_at.is_(None))
    stages = list(session.scalars(live.order_by(PipelineStage.position)))
    if stages:
        return stages
    for pos, (code, prob, won, lost) in enumerate(DEFAULT_STAGES):
        session.add(PipelineStage(code=code, name="", position=pos, probability=prob,
                                  is_won=won, is_lost=lost))
    session.flush()
    return list(session.scalars(live.order_by(PipelineStage.position)))


def ensure_default_sla_policies(session: Session) -> list[SlaPolicy]:
    """The SLA policies; one per ticket priority (any tier) is added if there are none.

    Runs inside the caller's unit of work (flushes, does not commit).
    """
    live = select(SlaPolicy).where(SlaPolicy.deleted_at.is_(None))
    policies = list(session.scalars(live))
    if policies:
        return policies
    for priority, name, response, resolve in DEFAULT_SLA:
        session.add(SlaPolicy(name=name, priority=priority, tier="", response_minutes=response,
                              resolve_minutes=resolve, business_hours=True))
    session.flush()
    return list(session.scalars(live))


# --------------------------------------------------------------------------------------
# Reference data

# region, province, city, area code (no trunk 0), subscriber digits, weight (~economic size).
CITIES: tuple[tuple[str, str, str, str, int, float], ...] = (
    ("华东", "上海市", "上海市", "21", 8, 9.0),
    ("华东", "江苏省", "南京市", "25", 8, 3.5),
    ("华东", "江苏省", "苏州市", "512", 8, 5.0),
    ("华东", "江苏省", "无锡市", "510", 8, 2.5),
    ("华东", "浙江省", "杭州市", "571", 8, 4.5),
    ("华东", "浙江省", "宁波市", "574", 8, 3.0),
    ("华东", "浙江省", "温州市", "577", 8, 2.0),
    ("华东", "安徽省", "合肥市", "551", 8, 2.5),
    ("华东", "福建省", "福州市", "591", 8, 2.0),
    ("华东", "福建省", "厦门市", "592", 7, 1.8),
    ("华东", "江西省", "南昌市", "791", 8, 1.5),
    ("华东", "山东省", "济南市", "531", 8, 2.5),
    ("华东", "山东省", "青岛市", "532", 8, 3.0),
    ("华北", "北京市", "北京市", "10", 8, 8.0),
    ("华北", "天津市", "天津市", "22", 8, 3.0),
    ("华北", "河北省", "石家庄市", "311", 8, 1.8),
    ("华北", "山西省", "太原市", "351", 7, 1.2),
    ("华北", "内蒙古自治区", "呼和浩特市", "471", 7, 0.7),
    ("华南", "广东省", "广州市", "20", 8, 7.0),
    ("华南", "广东省", "深圳市", "755", 8, 8.0),
    ("华南", "广东省", "东莞市", "769", 8, 3.0),
    ("华南", "广东省", "佛山市", "757", 8, 3.0),
    ("华南", "广西壮族自治区", "南宁市", "771", 7, 1.2),
    ("华南", "海南省", "海口市", "898", 8, 0.6),
    ("华中", "河南省", "郑州市", "371", 8, 3.0),
    ("华中", "湖北省", "武汉市", "27", 8, 4.0),
    ("华中", "湖南省", "长沙市", "731", 8, 3.0),
    ("西南", "重庆市", "重庆市", "23", 8, 3.5),
    ("西南", "四川省", "成都市", "28", 8, 4.5),
    ("西南", "贵州省", "贵阳市", "851", 8, 1.0),
    ("西南", "云南省", "昆明市", "871", 8, 1.3),
    ("西南", "西藏自治区", "拉萨市", "891", 7, 0.2),
    ("西北", "陕西省", "西安市", "29", 8, 2.8),
    ("西北", "甘肃省", "兰州市", "931", 7, 0.7),
    ("西北", "青海省", "西宁市", "971", 7, 0.3),
    ("西北", "宁夏回族自治区", "银川市", "951", 7, 0.4),
    ("西北", "新疆维吾尔自治区", "乌鲁木齐市", "991", 7, 0.8),
    ("东北", "辽宁省", "沈阳市", "24", 8, 1.8),
    ("东北", "辽宁省", "大连市", "411", 8, 1.8),
    ("东北", "吉林省", "长春市", "431", 8, 1.3),
    ("东北", "黑龙江省", "哈尔滨市", "451", 8, 1.3),
)

# Industry, weight, words that go into a company name of that industry, and the usual forms.
INDUSTRIES: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("制造业", 22, ("机械制造", "精密机械", "模具", "电子", "电气", "五金制品", "塑胶制品",
                  "新材料", "汽车零部件", "包装材料", "纺织", "化工", "自动化设备", "光电")),
    ("批发零售", 20, ("贸易", "商贸", "进出口", "百货", "供应链", "电子商务", "食品贸易",
                    "建材贸易")),
    ("信息技术", 12, ("科技", "网络科技", "软件", "信息技术", "数据科技", "智能科技",
                    "计算机系统", "云计算", "网络", "信息")),
    ("建筑地产", 8, ("建筑工程", "建设", "装饰工程", "房地产开发", "物业管理", "建材",
                   "园林绿化")),
    ("专业服务", 9, ("企业管理咨询", "人力资源", "广告", "知识产权代理", "检测技术",
                   "财务咨询", "翻译服务")),
    ("物流运输", 6, ("物流", "供应链管理", "国际货运代理", "运输", "仓储服务", "快递")),
    ("餐饮酒店", 5, ("餐饮管理", "酒店管理", "食品", "餐饮服务", "餐饮")),
    ("医疗健康", 5, ("医疗器械", "生物科技", "医药", "健康管理", "药业", "医疗科技")),
    ("教育", 4, ("教育科技", "培训", "教育咨询", "文化教育")),
    ("金融", 3, ("投资管理", "融资租赁", "资产管理", "保险代理", "商业保理")),
    ("文化传媒", 3, ("文化传媒", "影视", "广告传媒", "传媒", "文化传播")),
    ("能源环保", 2, ("新能源", "环保科技", "光伏科技", "环境工程", "节能科技")),
    ("农林牧渔", 1, ("农业科技", "生态农业", "种业", "农产品")),
)
COMPANY_FORMS: tuple[tuple[str, float], ...] = (
    ("有限公司", 62), ("有限责任公司", 14), ("股份有限公司", 10), ("集团有限公司", 3),
    ("商行", 4), ("厂", 4), ("工作室", 3),
)
# Characters that make up a company's trade name (字号).
BRAND_CHARS = (
    "华信达通鑫瑞恒泰宏盛博创远嘉诚汇德明新天正海金安源星联晨凯峰永昌振兴立丰佳同方亿"
    "中国际环宇易迅腾飞捷科润泽锦祥和美欣荣辉光大富众合力成启航蓝图卓越精英伟业隆顺东"
    "西南北万家宝乐康"
)
SOURCES: tuple[tuple[str, float], ...] = (
    ("转介绍", 18), ("官网", 14), ("微信", 14), ("展会", 11), ("电话营销", 11),
    ("老客户", 8), ("广告", 7), ("搜索引擎", 7), ("抖音", 5), ("阿里巴巴", 5),
)
TIER_STRATEGIC, TIER_GROWTH, TIER_BASIC, TIER_DORMANT = "strategic", "growth", "basic", "dormant"

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147",
    "150", "151", "152", "153", "155", "156", "157", "158", "159", "166", "173", "175",
    "176", "177", "178", "180", "181", "182", "183", "184", "185", "186", "187", "188",
    "189", "191", "195", "198", "199",
)
PERSONAL_MAIL = (("qq.com", 40), ("163.com", 24), ("126.com", 10), ("sina.com", 4),
                 ("foxmail.com", 5), ("gmail.com", 5), ("outlook.com", 6), ("hotmail.com", 3),
                 ("yeah.net", 3))
COMPANY_MAILBOXES = ("info", "sales", "service", "contact", "office", "market", "admin", "hr")
GIVEN_CHARS = (
    "子浩宇轩梓涵欣怡思雨嘉博文俊晨昊泽一诗佳婷志明海国建晓丽红雪春秋云天振伟斌晶倩琳"
    "静敏磊鹏辉勇军涛超杰洋强华飞刚平宁龙林欢亮成峰玉兰英霞芳娜燕萍玲丹莹颖慧"
)
STREET_STEMS = (
    "人民", "中山", "解放", "建设", "和平", "胜利", "长江", "黄河", "新华", "文化", "学府",
    "科技", "工业", "创业", "东风", "友谊", "青年", "光明", "幸福", "迎宾", "滨江", "湖滨",
    "金桥", "世纪", "银河", "延安", "淮海", "复兴", "华山", "泰山", "黄山", "庐山", "珠江",
    "高新", "软件园", "江南", "锦绣", "朝阳", "东方", "南京", "北京", "天府", "雨花",
)
STREET_SUFFIXES = ("路", "路", "街", "大道", "东路", "西路", "南路", "北路", "中路")
CONTACT_TITLES: tuple[tuple[str, float], ...] = (
    ("总经理", 10), ("副总经理", 5), ("董事长", 3), ("采购经理", 14), ("采购专员", 8),
    ("财务经理", 7), ("财务主管", 4), ("技术总监", 6), ("IT经理", 5), ("行政主管", 6),
    ("销售经理", 6), ("运营经理", 5), ("项目经理", 6), ("办公室主任", 4), ("工程师", 4),
    ("市场总监", 3), ("人事经理", 4),
)
CUSTOMER_NOTES = (
    "年底有采购计划，注意跟进。", "对价格比较敏感，报价前先确认预算。", "决策人是总经理，采购只负责比价。",
    "老客户介绍过来的，服务要跟上。", "需要开具增值税专用发票。", "付款周期长，月结60天。",
    "希望每季度上门拜访一次。", "曾经投诉过交货延迟，已妥善处理。", "有意向签年度框架协议。",
    "同时在用竞争对手的产品。", "联系人换过一次，注意更新资料。", "节假日前后订货量大。",
    "只接受微信沟通，电话经常不接。", "对售后响应速度要求高。", "计划明年扩大生产规模。",
)
ORDER_NOTES = ("含税价", "加急发货", "分两批发货", "月结30天", "开具增值税专用发票", "客户自提",
               "货到付款", "合同编号见附件", "赠送安装调试")
INTERACTION_TEXTS: dict[str, tuple[str, ...]] = {
    "phone": ("电话沟通新品报价，客户表示月底前回复。", "电话回访使用情况，客户整体满意。",
              "确认下一批订单的交货时间。", "客户来电咨询价格和账期。", "电话跟进上次报价，客户在比价。",
              "沟通发票和付款事宜。", "电话邀约参加新品发布会。"),
    "visit": ("上门拜访，了解明年的采购计划。", "拜访采购经理，介绍新产品线。", "到现场查看设备运行情况。",
              "陪同技术人员上门解决问题。", "拜访总经理，洽谈年度合作。"),
    "wechat": ("微信发送产品资料和报价单。", "微信确认收货，客户反馈包装有破损。", "客户微信咨询促销活动。",
               "微信群里回复客户的技术问题。", "节日微信问候。", "微信沟通对账单。"),
    "email": ("发送报价单和合同草稿。", "邮件发送季度对账单。", "邮件回复客户的技术问题。",
              "发送新产品目录。", "邮件确认订单变更。"),
    "meeting": ("线上会议演示系统功能。", "双方开会讨论合作方案。", "季度业务回顾会议。",
                "与客户技术团队开需求评审会。", "在展会上与客户面谈。"),
}
ACTIVITY_SUBJECTS: dict[str, tuple[str, ...]] = {
    "call": ("电话回访", "跟进报价", "确认交货时间", "催收货款", "邀约参加活动"),
    "visit": ("上门拜访", "现场调研", "拜访决策人", "陪同售后上门"),
    "meeting": ("产品演示", "方案评审会", "季度业务回顾", "合同谈判"),
    "email": ("发送报价单", "发送合同", "发送产品资料", "邮件对账"),
    "task": ("准备投标文件", "整理客户需求", "更新客户资料", "准备方案", "申请特价"),
    "wechat": ("微信跟进", "节日问候", "发送活动信息", "微信确认订单"),
}
ACTIVITY_OUTCOMES = ("客户有兴趣，约下周再谈。", "已发送资料，等待反馈。", "客户暂无需求。",
                     "确认了采购数量和时间。", "需要内部审批，下月回复。", "已达成初步意向。",
                     "客户要求再降价5%。", "未联系上，改天再试。")
OPPORTUNITY_PRODUCTS = ("办公设备", "生产线设备", "ERP系统", "CRM软件", "原材料", "包装材料",
                        "服务器", "维保服务", "员工培训", "物流服务", "广告投放", "检测服务",
                        "定制软件开发", "安防监控", "净水设备", "空调系统", "办公家具", "工业机器人",
                        "云服务", "网络设备")
OPPORTUNITY_PATTERNS = ("{}采购项目", "{}年度框架合同", "{}升级改造", "{}扩容", "新增{}需求", "{}续约",
                        "{}集中采购", "{}试点项目")
LOST_REASONS = (("价格偏高", 30), ("选择了竞争对手", 25), ("预算取消", 12), ("需求变更", 10),
                ("决策周期过长", 8), ("联系不上客户", 8), ("产品功能不满足", 7))
TICKET_SUBJECTS = ("设备无法开机", "发票开具问题", "物流延迟", "系统登录异常", "退换货申请",
                   "产品质量投诉", "预约安装调试", "账单金额有误", "配件缺失", "使用培训需求",
                   "数据导出失败", "保修期咨询", "收货地址变更", "包装破损", "软件升级后报错")
TICKET_DESCRIPTIONS = ("客户来电反映问题，已记录。", "客户微信发来照片，请尽快处理。",
                       "客户邮件反馈，需要技术支持介入。", "客户比较着急，请优先处理。", "")
STAFF_TEAMS = ("华东销售组", "华南销售组", "华北销售组", "中西部销售组", "大客户组")
STAFF_EMAIL_DOMAIN = "example.com"

ORDERS_PER_CUSTOMER = 10.0
INTERACTIONS_PER_CUSTOMER = 2.5
ACTIVITIES_PER_CUSTOMER = 1.3
OPPORTUNITIES_PER_CUSTOMER = 0.3
TICKETS_PER_CUSTOMER = 0.2

DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000
MIN_US = 60_000_000
CN_OFFSET_US = 8 * HOUR_US  # Beijing time, no DST
# Pool sizes: every pooled name costs one pypinyin call (~0.1-0.2 ms).
PERSON_POOL_MAX = 30_000
COMPANY_POOL_MAX = 50_000
MAX_CHUNK = 20_000
MAX_COMMIT = 100_000
# Page cache of the loading connection (restored afterwards): ~0.75 KiB a customer, so
# the indexes that grow in random places (name, owner, tier, ... order date) stay cached.
# At 1M customers 768 MiB took the run from 452 s (256 MiB) to 327 s, peak RSS 1.35 GB.
SQLITE_CACHE_KIB_PER_CUSTOMER = 0.75
SQLITE_CACHE_KIB_MAX = 786_432


# --------------------------------------------------------------------------------------
# Small vectorised helpers


def _weights(pairs: Sequence[tuple[Any, float]]) -> tuple[np.ndarray, np.ndarray]:
    values = np.array([p[0] for p in pairs], dtype=object)
    w = np.array([p[1] for p in pairs], dtype=float)
    return values, w / w.sum()


def _uuids(n: int, stratum: int = 0, strata: int = 1) -> list[str]:
    """``n`` random UUID4s as 32 lower-case hex digits (how SQLAlchemy's Uuid stores them on
    SQLite; PostgreSQL takes the same text for its uuid type), in ascending order.

    With ``strata`` > 1 the ids fall in the ``stratum``-th of that many equal slices of the
    id space. Giving each batch the next slice makes every batch's ids larger than the
    previous batch's, so the primary-key and foreign-key indexes grow at their right edge
    instead of being rewritten all over at every commit (at 10M orders that was most of
    the run time). Each id still has at least 100 random bits: ids from two databases
    never collide, and over a whole run they cover the id space evenly.
    """
    if n == 0:
        return []
    b = np.frombuffer(os.urandom(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    if strata > 1:
        lo = (stratum << 64) // strata
        width = (((stratum + 1) << 64) // strata) - lo
        top = b[:, :8].copy().view(">u8").ravel() % np.uint64(width) + np.uint64(lo)
        b[:, :8] = top.astype(">u8").view(np.uint8).reshape(n, 8)
    b[:, 6] = (b[:, 6] & 0x0F) | 0x40
    b[:, 8] = (b[:, 8] & 0x3F) | 0x80
    h = np.sort(b.view("S16").ravel()).tobytes().hex()  # "S" sorts bytewise
    return [h[i:i + 32] for i in range(0, 32 * n, 32)]


def _digits(buf: np.ndarray, col: int, width: int, values: np.ndarray) -> None:
    """Write ``values`` as zero-padded decimal into ``buf[:, col:col + width]``."""
    for i in range(width - 1, -1, -1):
        buf[:, col + i] = values % 10 + 48
        values = values // 10


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d64 = days.astype("datetime64[D]")
    month = d64.astype("datetime64[M]")
    y = month.astype(np.int64) // 12 + 1970
    m = month.astype(np.int64) % 12 + 1
    d = (d64 - month.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, d


def _format_dates(days: np.ndarray) -> np.ndarray:
    """Days since the epoch as "YYYY-MM-DD" (bytes array)."""
    y, m, d = _ymd(days)
    buf = np.empty((len(days), 10), dtype=np.uint8)
    buf[:, 4] = buf[:, 7] = ord("-")
    _digits(buf, 0, 4, y)
    _digits(buf, 5, 2, m)
    _digits(buf, 8, 2, d)
    return buf.view("S10").ravel()


def _format_us(us: np.ndarray, suffix: str) -> np.ndarray:
    """µs since the epoch (UTC) as "YYYY-MM-DD HH:MM:SS.ffffff" + suffix (bytes array) -
    the text SQLAlchemy's DateTime stores on SQLite. ~10x faster than
    np.datetime_as_string, which matters at tens of millions of timestamps."""
    us = us.astype(np.int64)
    days, rem = np.divmod(us, DAY_US)
    y, m, d = _ymd(days)
    width = 26 + len(suffix)
    buf = np.empty((len(us), width), dtype=np.uint8)
    buf[:, 4] = buf[:, 7] = ord("-")
    buf[:, 10] = ord(" ")
    buf[:, 13] = buf[:, 16] = ord(":")
    buf[:, 19] = ord(".")
    for i, ch in enumerate(suffix.encode()):
        buf[:, 26 + i] = ch
    _digits(buf, 0, 4, y)
    _digits(buf, 5, 2, m)
    _digits(buf, 8, 2, d)
    secs, frac = np.divmod(rem, 1_000_000)
    _digits(buf, 11, 2, secs // 3600)
    _digits(buf, 14, 2, secs // 60 % 60)
    _digits(buf, 17, 2, secs % 60)
    _digits(buf, 20, 6, frac)
    return buf.view(f"S{width}").ravel()


def _group_pos(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of the given sizes laid end to end: each element's group and its
    position inside the group."""
    group = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return group, np.arange(len(group)) - np.repeat(starts, counts)


def _pick(rng: np.random.Generator, values: np.ndarray, n: int,
          p: np.ndarray | None = None) -> np.ndarray:
    return values[rng.choice(len(values), size=n, p=p)]


class _Clock:
    """Times as int64 microseconds since the epoch (UTC); days as Beijing calendar days."""

    def __init__(self, now: dt.datetime, pg: bool):
        self.now_us = int(now.timestamp() * 1_000_000)
        self.today = (self.now_us + CN_OFFSET_US) // DAY_US
        self.start = (np.datetime64(f"{now.year - 4}-01-01", "D")
                      - np.datetime64(0, "D")).astype(int)  # first day of the data window
        self.suffix = "+00" if pg else ""

    def at(self, day: np.ndarray, rng: np.random.Generator, start_h: float = 8.5,
           end_h: float = 18.5) -> np.ndarray:
        """A random moment in office hours (Beijing) of each day, as UTC µs, never after now."""
        tod = rng.integers(int(start_h * HOUR_US), int(end_h * HOUR_US), size=len(day))
        return np.minimum(day.astype(np.int64) * DAY_US + tod - CN_OFFSET_US,
                          self.now_us - rng.integers(MIN_US, 60 * MIN_US, size=len(day)))

    def day_of(self, us: np.ndarray) -> np.ndarray:
        return (us + CN_OFFSET_US) // DAY_US

    def ts(self, us: np.ndarray, mask: np.ndarray | None = None) -> list:
        """Timestamps as the database stores them; None where ``mask`` is False."""
        if len(us) == 0:
            return []
        s = _format_us(us, self.suffix).astype(str)
        if mask is None:
            return s.tolist()
        out = s.astype(object)
        out[~mask] = None
        return out.tolist()

    @staticmethod
    def dates(day: np.ndarray, mask: np.ndarray | None = None) -> list:
        if len(day) == 0:
            return []
        s = _format_dates(day).astype(str)
        if mask is None:
            return s.tolist()
        out = s.astype(object)
        out[~mask] = None
        return out.tolist()


def _mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = _pick(rng, np.array(MOBILE_PREFIXES, dtype=object), n)
    rest = rng.integers(0, 100_000_000, size=n)
    return np.array([f"{p}{r:08d}" for p, r in zip(prefix.tolist(), rest.tolist())],
                    dtype=object)


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


# --------------------------------------------------------------------------------------
# Table layouts (column order of the generated tuples)

SYNC_COLS = ("id", "created_at", "updated_at", "version", "deleted_at")
TABLES: dict[str, tuple[str, ...]] = {
    "customers": ("code", "kind", "name", "name_pinyin", "name_initials", "sort_name", "phone",
                  "phone2", "email", "region", "province", "city", "address", "industry",
                  "source", "owner_id", "tier", "notes", "custom_fields", "search_text"),
    "contacts": ("customer_id", "name", "name_pinyin", "title", "phone", "email", "wechat",
                 "is_primary", "notes"),
    "orders": ("customer_id", "order_no", "order_date", "amount", "currency", "status", "notes"),
    "interactions": ("customer_id", "contact_id", "user_id", "channel", "occurred_at", "summary"),
    "opportunities": ("customer_id", "title", "amount", "currency", "stage_id", "probability",
                      "expected_close", "owner_id", "status", "lost_reason", "closed_at",
                      "stage_entered_at", "position", "notes"),
    "opportunity_stage_history": ("opportunity_id", "from_stage_id", "to_stage_id",
                                  "changed_at", "user_id"),
    "activities": ("customer_id", "opportunity_id", "owner_id", "type", "subject", "notes",
                   "due_at", "duration_minutes", "done_at", "reminder_minutes", "outcome",
                   "cancelled_at"),
    "tickets": ("number", "customer_id", "contact_id", "subject", "description", "priority",
                "status", "assignee_id", "sla_policy_id", "opened_at", "first_response_at",
                "resolved_at", "closed_at", "response_due", "resolve_due", "satisfaction"),
}


class _Rows:
    """Columns of one table for one batch: lists (or ``itertools.repeat`` for constants)."""

    def __init__(self, table: str, n: int, cols: dict[str, Any], ids: list[str],
                 created: list, updated: list):
        self.table = table
        self.n = n
        self.names = TABLES[table] + SYNC_COLS
        order = [cols[c] for c in TABLES[table]]
        self.columns = order + [ids, created, updated, itertools.repeat(1), itertools.repeat(None)]

    def set(self, column: str, values: list) -> None:
        self.columns[self.names.index(column)] = values

    def tuples(self) -> Iterable[tuple]:
        return zip(*self.columns) if self.n else iter(())


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
        cust = dict(
            code=codes, kind=np.where(is_company, "company", "person").tolist(),
            name=name.tolist(), name_pinyin=full.tolist(), name_initials=initials.tolist(),
            sort_name=[f or nm.lower() for f, nm in zip(full.tolist(), name.tolist())],
            phone=phone.tolist(), phone2=phone2.tolist(), email=email, region=region.tolist(),
            province=province.tolist(), city=city_name.tolist(), address=address.tolist(),
            industry=industry.tolist(), source=source.tolist(), owner_id=owner_l,
            tier=tier.tolist(), notes=notes.tolist(), custom_fields=itertools.repeat("{}"),
            search_text=search,
        )
        out["customers"] = _Rows("customers", n, cust, ids, ts(c_us), ts(upd_us))

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
            outcome=outcome.tolist(), cancelled_at=clock.ts(cancelled_at, cancelled))
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
            position=position.tolist(), notes=itertools.repeat(""))
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
            response_due=clock.ts(opened + resp_min * MIN_US),
            resolve_due=clock.ts(opened + res_min * MIN_US),
            satisfaction=[int(s) if r_ else None for s, r_ in zip(sat.tolist(), rated.tolist())])
        return _Rows("tickets", k, cols, self._ids(k), clock.ts(opened), clock.ts(updated))


# --------------------------------------------------------------------------------------
# Writing


class _Writer:
    """Bulk rows through the driver: SQLite executemany, PostgreSQL COPY."""

    def __init__(self, conn):
        self.conn = conn  # SQLAlchemy Connection
        self.pg = conn.dialect.name == "postgresql"
        self.seconds: dict[str, float] = {}

    def write(self, rows: _Rows) -> None:
        if not rows.n:
            return
        t = time.perf_counter()
        self._write(rows)
        self.seconds[rows.table] = self.seconds.get(rows.table, 0.0) + time.perf_counter() - t

    def _write(self, rows: _Rows) -> None:
        raw = self.conn.connection.driver_connection
        cols = ", ".join(rows.names)
        if self.pg:
            with raw.cursor() as cur:
                with cur.copy(f"COPY {rows.table} ({cols}) FROM STDIN") as cp:
                    for row in rows.tuples():
                        cp.write_row(row)
            return
        marks = ", ".join("?" * len(rows.names))
        sql = f"INSERT INTO {rows.table} ({cols}) VALUES ({marks})"
        swaps = self.index_triggers if rows.table == "customers" else []
        if not swaps:
            raw.executemany(sql, rows.tuples())
            return
        # The search indexes' per-row insert triggers cost ~175 µs a customer; indexing the
        # batch with one INSERT ... SELECT each costs ~25. The triggers are dropped and
        # re-created (from their own text in sqlite_master) inside the batch's transaction,
        # so a failure anywhere rolls the drop back with the rest: never missing after a commit.
        if not raw.in_transaction:
            raw.execute("BEGIN")
        last = raw.execute("SELECT coalesce(max(rowid), 0) FROM customers").fetchone()[0]
        for name, _sql in swaps:
            raw.execute(f"DROP TRIGGER {name}")
        raw.executemany(sql, rows.tuples())
        for name, trigger_sql in swaps:
            raw.execute(INDEX_TRIGGERS[name][1], (last,))
            raw.execute(trigger_sql)

    @property
    def index_triggers(self) -> list[tuple[str, str]]:
        """(name, SQL) of the search indexes' insert triggers that this database has and
        that do exactly what the bulk INSERT ... SELECT does; others are left alone."""
        if not hasattr(self, "_index_triggers"):
            self._index_triggers = []
            if not self.pg:
                for name, (expected, _bulk) in INDEX_TRIGGERS.items():
                    row = self.conn.exec_driver_sql(
                        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ? "
                        "AND tbl_name = 'customers'", (name,)).first()
                    if row and " ".join(row[0].split()) == expected:
                        self._index_triggers.append((name, row[0]))
                    else:
                        log.info("search index trigger %s not as expected; inserting through it",
                                 name)
        return self._index_triggers


# The search indexes' insert triggers (revisions 0001 and 0002), and the statement that
# indexes a whole batch (the rows after a given rowid) the same way.
INDEX_TRIGGERS = {
    "customers_fts_ai": (
        "CREATE TRIGGER customers_fts_ai AFTER INSERT ON customers BEGIN "
        "INSERT INTO customer_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END",
        "INSERT INTO customer_fts(rowid, search_text) "
        "SELECT rowid, search_text FROM customers WHERE rowid > ?",
    ),
    "customers_short_ai": (
        "CREATE TRIGGER customers_short_ai AFTER INSERT ON customers BEGIN "
        "INSERT INTO customer_short_fts(rowid, tokens) VALUES (new.rowid, "
        "crm_short_tokens(new.name, new.name_initials)); END",
        "INSERT INTO customer_short_fts(rowid, tokens) "
        "SELECT rowid, crm_short_tokens(name, name_initials) FROM customers WHERE rowid > ?",
    ),
}

WRITE_ORDER = ("customers", "contacts", "orders", "interactions", "opportunities",
               "opportunity_stage_history", "activities", "tickets")


# --------------------------------------------------------------------------------------
# Counters and staff


def _max_numbered(s: Session, column, prefix: str) -> int:
    """The largest N of values "<prefix><digits>" in ``column`` (0 if none)."""
    table = column.table.name
    name = column.name
    if s.get_bind().dialect.name == "postgresql":
        sql = (f"SELECT max(CAST(substr({name}, {len(prefix) + 1}) AS bigint)) FROM {table} "
               f"WHERE {name} ~ :pat")
        params = {"pat": f"^{prefix}[0-9]{{1,18}}$"}
    else:
        sql = (f"SELECT max(CAST(substr({name}, {len(prefix) + 1}) AS INTEGER)) FROM {table} "
               f"WHERE {name} GLOB :pat AND substr({name}, {len(prefix) + 1}) NOT GLOB '*[^0-9]*'")
        params = {"pat": f"{prefix}[0-9]*"}
    return int(s.execute(text(sql), params).scalar() or 0)


def _ensure_counter(s: Session, name: str, floor: int) -> None:
    row = s.get(Counter, name)
    if row is None:
        s.add(Counter(name=name, value=floor))
    elif row.value < floor:
        row.value = floor
    s.flush()


def _reserve(conn, name: str, n: int) -> int:
    """Take ``n`` numbers from a counter (in the caller's transaction); returns the first."""
    t = Counter.__table__
    value = conn.execute(update(t).where(t.c.name == name).values(value=t.c.value + n)
                         .returning(t.c.value)).scalar_one()
    return value - n + 1


def _staff_target(n_customers: int) -> int:
    return int(np.clip(round(2.5 * math.log10(n_customers + 1)) + 2, 5, 20))


def _ensure_staff(s: Session, rng: np.random.Generator, pools_names: np.ndarray,
                  n_customers: int) -> _Staff:
    """Keep existing users; add staff up to the target size with roles that make sense."""
    existing = list(s.scalars(select(User).where(User.deleted_at.is_(None))))
    usernames = {u.username for u in existing}
    active = [u for u in existing if u.active]
    staff_roles = (Role.MANAGER.value, Role.SALES.value, Role.SERVICE.value)
    have = {r: [u for u in active if u.role == r] for r in staff_roles}
    have_admin = any(u.role == Role.ADMIN.value for u in active)
    target = _staff_target(n_customers)
    want_mgr = max(1, target // 6)
    want_srv = max(1, round(target * 0.2))
    want_sales = max(2, target - want_mgr - want_srv - (0 if have_admin else 1))
    plan = ([Role.ADMIN.value] if not have_admin else []) \
        + [Role.MANAGER.value] * max(0, want_mgr - len(have[Role.MANAGER.value])) \
        + [Role.SALES.value] * max(0, want_sales - len(have[Role.SALES.value])) \
        + [Role.SERVICE.value] * max(0, want_srv - len(have[Role.SERVICE.value]))
    taken_names = {u.display_name for u in existing}
    names = [x for x in dict.fromkeys(pools_names.tolist()) if x not in taken_names]
    order = rng.permutation(len(names))
    managers = list(have[Role.MANAGER.value])
    created: list[User] = []
    for i, role in enumerate(plan):
        display = names[int(order[i % len(order)])]
        base = pinyin_of(display)[0] or "user"
        username, k = base, 1
        while username in usernames:
            k += 1
            username = f"{base}{k}"
        usernames.add(username)
        if role == Role.SALES.value:
            team = STAFF_TEAMS[i % len(STAFF_TEAMS)]
        elif role == Role.SERVICE.value:
            team = "客服部"
        elif role == Role.MANAGER.value:
            team = "销售部"
        else:
            team = "管理部"
        u = User(username=username, display_name=display, role=role, team=team,
                 email=f"{username}@{STAFF_EMAIL_DOMAIN}", active=True)
        if role == Role.SALES.value and managers:
            u.manager_id = managers[i % len(managers)].id
        s.add(u)
        s.flush()
        if role == Role.MANAGER.value:
            managers.append(u)
        created.append(u)
    everyone = active + created
    sales = [u for u in everyone if u.role == Role.SALES.value]
    service = [u for u in everyone if u.role == Role.SERVICE.value] or everyone
    w = rng.gamma(4.0, 1.0, len(sales))
    return _Staff(
        ids=np.array([u.id.hex for u in everyone], dtype=object),
        sales=np.array([u.id.hex for u in sales], dtype=object), sales_w=w / w.sum(),
        service=np.array([u.id.hex for u in service], dtype=object), created=len(created))


# --------------------------------------------------------------------------------------
# Entry point


def _sizes(n: int) -> tuple[int, int]:
    """(customers generated and written at a time, customers per transaction).

    Small chunks keep memory flat (a chunk of 20,000 customers is ~200,000 orders) and let
    the progress callback run every few seconds; big transactions keep the number of
    commits low (~10 up to a million customers): every commit rewrites the pages of the
    indexes that grow in random places (customer name, owner, ...), so fewer commits is
    less writing.
    """
    chunk = int(min(MAX_CHUNK, max(50, math.ceil(n / 50))))
    per_commit = min(MAX_COMMIT, max(chunk, math.ceil(n / 10)))
    return chunk, max(1, round(per_commit / chunk)) * chunk


def generate_demo(db: Database, customers: int, seed: int | None = None,
                  progress: ProgressCallback | None = None) -> DemoSummary:
    """Fill ``db`` with ``customers`` demo customers and everything around them.

    Existing data is kept: staff are added next to existing users (up to 5-20 staff in
    all, by size), default pipeline stages and SLA policies only if there are none, and
    customer codes / ticket numbers continue from their counters (which are advanced in
    the same transaction as the rows that use them, so later manual creates never collide).

    ``progress(stage, done, total)`` is called before the first customer and then every
    few thousand customers (stage ``"customers"``; ``done`` counts customers written). If
    it returns ``False`` the generation stops and raises :class:`Cancelled`: the
    transaction in progress is rolled back, and what was committed before stays in the
    database, complete - a transaction holds whole customers with all their rows and the
    counter updates (up to 100,000 customers, about a tenth of the run), so there is never
    a half-written batch.

    ``seed`` makes names, numbers and dates reproducible (ids are always random; dates are
    relative to today). The summary counts the rows this call added.
    """
    if customers < 0:
        raise ValueError("customers must be >= 0")
    t0 = time.perf_counter()
    if seed is None:
        seed = secrets.randbits(32)
    log.info("demo data: %d customers, seed %d, into %s", customers, seed, db.describe())
    rng = np.random.default_rng(seed)
    pg = db.dialect == "postgresql"
    clock = _Clock(dt.datetime.now(dt.timezone.utc), pg)
    totals = dict.fromkeys(WRITE_ORDER, 0)

    def report(done: int) -> None:
        if progress is not None and progress("customers", done, customers) is False:
            kept = totals["customers"]
            log.info("demo data cancelled at %d of %d customers; %d committed before stay",
                     done, customers, kept)
            raise Cancelled(f"cancelled; {kept} of {customers} demo customers were kept")

    report(0)
    pools = _Pools(np.random.default_rng(rng.integers(0, 2**63)), seed, customers)
    with db.session() as s:
        stages = ensure_default_stages(s)
        sla = ensure_default_sla_policies(s)
        _ensure_counter(s, "customer_code", max(
            _max_numbered(s, Customer.code, "C"),
            int(s.scalar(select(func.count()).select_from(Customer)) or 0)))
        _ensure_counter(s, "ticket_number", _max_numbered(s, Ticket.number, "T"))
        staff = _ensure_staff(s, np.random.default_rng(rng.integers(0, 2**63)),
                              pools.cn_person[0], customers)
    gen = _Generator(np.random.default_rng(rng.integers(0, 2**63)), pools, clock, staff,
                     stages, sla)
    if customers:
        with db.read() as s:
            if s.scalar(select(Order.id).limit(1)) is not None:  # a second run: SO numbers
                gen.continue_order_numbers(dict(s.execute(  # go on (uses ix_orders_date)
                    select(Order.order_date, func.count()).group_by(Order.order_date)).all()))
    log.info("demo data: pools and staff ready in %.1f s", time.perf_counter() - t0)

    chunk, per_commit = _sizes(customers)
    gen.strata = max(1, math.ceil(customers / chunk))
    done = 0
    with db.engine.connect() as conn:
        tuning = None if pg else _SqliteTuning(conn, customers)
        writer = _Writer(conn)
        try:
            while done < customers:
                # One transaction per ``per_commit`` customers, written ``chunk`` at a time.
                pending = dict.fromkeys(WRITE_ORDER, 0)
                with conn.begin():
                    end = min(customers, done + per_commit)
                    while done < end:
                        n = min(chunk, end - done)
                        batch = gen.batch(_reserve(conn, "customer_code", n), n)
                        tickets = batch["tickets"]
                        if tickets.n:
                            first = _reserve(conn, "ticket_number", tickets.n)
                            tickets.set("number", [f"T{i:06d}" for i in
                                                   range(first, first + tickets.n)])
                        for table in WRITE_ORDER:
                            writer.write(batch[table])
                            pending[table] += batch[table].n
                        del batch, tickets
                        gen.stratum += 1
                        done += n
                        if done < end:
                            report(done)  # Cancelled here rolls this transaction back
                for table, k in pending.items():
                    totals[table] += k
                report(done)
        finally:
            log.debug("demo data: seconds writing per table: %s",
                      {k: round(v, 1) for k, v in writer.seconds.items()})
            if tuning is not None:
                tuning.restore()
        if pg and customers:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()

    seconds = time.perf_counter() - t0
    summary = DemoSummary(
        users=staff.created, customers=totals["customers"], contacts=totals["contacts"],
        orders=totals["orders"], interactions=totals["interactions"],
        activities=totals["activities"], opportunities=totals["opportunities"],
        tickets=totals["tickets"], seconds=round(seconds, 3))
    log.info("demo data done: %s", summary)
    return summary


class _SqliteTuning:
    """Settings of the loading connection, put back afterwards (it returns to the pool): a
    bigger page cache, and no fsync per commit - a power cut during the load can lose the
    last commits, never the database's integrity."""

    def __init__(self, conn, customers: int):
        self.conn = conn
        self.synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        self.cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        cache_kib = int(min(SQLITE_CACHE_KIB_MAX, customers * SQLITE_CACHE_KIB_PER_CUSTOMER))
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        if self.cache_size < 0 and cache_kib > -self.cache_size:
            conn.exec_driver_sql(f"PRAGMA cache_size=-{cache_kib}")
        conn.commit()

    def restore(self) -> None:
        try:
            if self.conn.in_transaction():
                self.conn.rollback()
            self.conn.exec_driver_sql(f"PRAGMA synchronous={int(self.synchronous)}")
            self.conn.exec_driver_sql(f"PRAGMA cache_size={int(self.cache_size)}")
            self.conn.commit()
            # the WAL grew to the size of the biggest transaction: give the disk space back
            self.conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.commit()
        except Exception:  # noqa: BLE001 - best effort, the connection may be broken
            log.warning("could not restore SQLite settings", exc_info=True)
            self.conn.invalidate()
