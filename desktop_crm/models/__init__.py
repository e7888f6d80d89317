"""ORM models. Import this package to register every table on ``Base.metadata``."""

from .audit import AuditEntry
from .base import Base, SyncedMixin, utcnow
from .counter import Counter
from .customer import Contact, Customer, CustomerKind, CustomerTag, Tag, Tier
from .duplicates import DuplicateIgnore  # noqa: F401 (registers the table and indexes)
from .health import CustomerHealth, HealthState
from .importing import ImportRow, ImportRun, ImportStatus
from .history import Activity, ActivitySeries, ActivityType, Channel, Holiday, Interaction
from .order import Order, OrderStatus
from .pipeline import Opportunity, OpportunityStageChange, OpportunityStatus, PipelineStage
from .pool import CustomerAssignment, Notification
from .sync import ConflictKind, SyncConflict
from .targets import SalesTarget
from .ticket import SlaPolicy, Ticket, TicketEvent, TicketPriority, TicketStatus
from .tiers import (
    CustomerMetrics, CustomerOrderStats, OrderStatsWindow, SharedSetting, TierRun, TierSnapshot,
)
from .user import Role, User

__all__ = [
    "Activity", "ActivitySeries", "ActivityType", "AuditEntry", "Base", "Channel", "Contact", "Counter", "Customer",
    "CustomerAssignment", "CustomerHealth", "CustomerKind", "CustomerMetrics", "CustomerOrderStats",
    "CustomerTag",
    "HealthState", "Holiday", "ImportRow", "ImportRun", "ImportStatus", "Interaction", "Notification", "Opportunity", "OpportunityStageChange",
    "OpportunityStatus",
    "Order", "OrderStatsWindow", "OrderStatus", "PipelineStage", "Role", "SalesTarget",
    "SharedSetting",
    "SlaPolicy", "SyncConflict", "ConflictKind", "SyncedMixin", "Tag", "Ticket", "TicketEvent", "TicketPriority", "TicketStatus",
    "Tier",
    "TierRun", "TierSnapshot", "User", "utcnow",
]
