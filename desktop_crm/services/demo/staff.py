"""The demo staff."""

from __future__ import annotations

import math

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import Role, User

from ..text import pinyin_of
from .generator import _Staff
from .vocab import STAFF_EMAIL_DOMAIN, STAFF_TEAMS

# --------------------------------------------------------------------------------------
# Staff


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
