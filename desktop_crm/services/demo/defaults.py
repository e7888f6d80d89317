"""Default pipeline stages and SLA policies, seeded with demo data (and by later setup)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import (
    PipelineStage,
    SlaPolicy,
    TicketPriority,
)

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
