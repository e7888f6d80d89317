"""The monthly report's texts: one English label per key the report service uses (sections,
figures, tables, columns, charts) and the report's own words, translated in the "Report"
context; and how a value of each kind reads in the PDF."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP

from . import fmt

_C = "Report"
DASH = "–"

LABELS = {
    # the report's own words
    "report.title": QT_TRANSLATE_NOOP("Report", "Monthly management report"),
    "report.summary": QT_TRANSLATE_NOOP("Report", "Summary"),
    "report.month": QT_TRANSLATE_NOOP("Report", "Month"),
    "report.previous": QT_TRANSLATE_NOOP("Report", "Previous month"),
    "report.year_ago": QT_TRANSLATE_NOOP("Report", "Same month last year"),
    "report.change": QT_TRANSLATE_NOOP("Report", "Change"),
    "report.vs_previous": QT_TRANSLATE_NOOP("Report", "vs. previous month"),
    "report.vs_year": QT_TRANSLATE_NOOP("Report", "vs. same month last year"),
    "report.generated": QT_TRANSLATE_NOOP("Report", "Generated %1"),
    "report.page": QT_TRANSLATE_NOOP("Report", "Page %1 of %2"),
    "report.no_data": QT_TRANSLATE_NOOP("Report", "No data"),
    "scope.company": QT_TRANSLATE_NOOP("Report", "Whole company"),
    "scope.team": QT_TRANSLATE_NOOP("Report", "Team %1"),
    "scope.owner": QT_TRANSLATE_NOOP("Report", "Salesperson %1"),
    # sections
    "customers": QT_TRANSLATE_NOOP("Report", "Customers"),
    "revenue": QT_TRANSLATE_NOOP("Report", "Revenue"),
    "pipeline": QT_TRANSLATE_NOOP("Report", "Sales funnel"),
    "followups": QT_TRANSLATE_NOOP("Report", "Follow-ups"),
    "tiers": QT_TRANSLATE_NOOP("Report", "Customer tiers"),
    "service": QT_TRANSLATE_NOOP("Report", "Service"),
    # figures
    "customers.new": QT_TRANSLATE_NOOP("Report", "New customers"),
    "customers.active": QT_TRANSLATE_NOOP("Report", "Active customers (ordered)"),
    "customers.total": QT_TRANSLATE_NOOP("Report", "Customers in total"),
    "customers.repurchase_rate": QT_TRANSLATE_NOOP("Report", "Repurchase rate"),
    "customers.churned": QT_TRANSLATE_NOOP("Report", "Churned customers"),
    "customers.arpu": QT_TRANSLATE_NOOP("Report", "Revenue per active customer (ARPU)"),
    "revenue.orders": QT_TRANSLATE_NOOP("Report", "Orders"),
    "revenue.amount": QT_TRANSLATE_NOOP("Report", "Revenue"),
    "revenue.average_order": QT_TRANSLATE_NOOP("Report", "Average order value"),
    "pipeline.new": QT_TRANSLATE_NOOP("Report", "New opportunities"),
    "pipeline.won": QT_TRANSLATE_NOOP("Report", "Opportunities won"),
    "pipeline.won_amount": QT_TRANSLATE_NOOP("Report", "Amount won"),
    "pipeline.lost": QT_TRANSLATE_NOOP("Report", "Opportunities lost"),
    "pipeline.lost_amount": QT_TRANSLATE_NOOP("Report", "Amount lost"),
    "pipeline.win_rate": QT_TRANSLATE_NOOP("Report", "Win rate"),
    "pipeline.cycle_days": QT_TRANSLATE_NOOP("Report", "Average sales cycle (days)"),
    "followups.planned": QT_TRANSLATE_NOOP("Report", "Follow-ups planned"),
    "followups.completed": QT_TRANSLATE_NOOP("Report", "Follow-ups completed"),
    "followups.overdue": QT_TRANSLATE_NOOP("Report", "Follow-ups overdue"),
    "tiers.strategic": QT_TRANSLATE_NOOP("Report", "Strategic customers"),
    "tiers.growth": QT_TRANSLATE_NOOP("Report", "Growth customers"),
    "tiers.basic": QT_TRANSLATE_NOOP("Report", "Basic customers"),
    "tiers.dormant": QT_TRANSLATE_NOOP("Report", "Dormant customers"),
    "tiers.unrated": QT_TRANSLATE_NOOP("Report", "Unrated customers"),
    "service.opened": QT_TRANSLATE_NOOP("Report", "Tickets opened"),
    "service.resolved": QT_TRANSLATE_NOOP("Report", "Tickets resolved"),
    "service.response_compliance": QT_TRANSLATE_NOOP("Report", "First response within SLA"),
    "service.resolve_compliance": QT_TRANSLATE_NOOP("Report", "Resolved within SLA"),
    "service.first_response_minutes": QT_TRANSLATE_NOOP("Report", "First response time (minutes)"),
    "service.satisfaction": QT_TRANSLATE_NOOP("Report", "Satisfaction (1 to 5)"),
    # tables (pipeline.forecast and followups.by_owner are charts too)
    "revenue.by_region": QT_TRANSLATE_NOOP("Report", "Revenue by region"),
    "revenue.by_industry": QT_TRANSLATE_NOOP("Report", "Revenue by industry"),
    "revenue.by_owner": QT_TRANSLATE_NOOP("Report", "Revenue by owner"),
    "revenue.top_customers": QT_TRANSLATE_NOOP("Report", "Top customers by revenue"),
    "pipeline.forecast": QT_TRANSLATE_NOOP("Report", "Forecast by expected close month"),
    "pipeline.lost_reasons": QT_TRANSLATE_NOOP("Report", "Lost reasons"),
    "followups.by_owner": QT_TRANSLATE_NOOP("Report", "Follow-ups by owner"),
    "tiers.migration": QT_TRANSLATE_NOOP("Report", "Tier changes"),
    "tiers.at_risk": QT_TRANSLATE_NOOP("Report", "Valuable customers at risk"),
    "service.by_agent": QT_TRANSLATE_NOOP("Report", "Tickets by agent"),
    # columns (also the names of chart series)
    "column.region": QT_TRANSLATE_NOOP("Report", "Region"),
    "column.industry": QT_TRANSLATE_NOOP("Report", "Industry"),
    "column.owner": QT_TRANSLATE_NOOP("Report", "Owner"),
    "column.orders": QT_TRANSLATE_NOOP("Report", "Orders"),
    "column.amount": QT_TRANSLATE_NOOP("Report", "Amount"),
    "column.share": QT_TRANSLATE_NOOP("Report", "Share"),
    "column.rank": QT_TRANSLATE_NOOP("Report", "Rank"),
    "column.customer": QT_TRANSLATE_NOOP("Report", "Customer"),
    "column.code": QT_TRANSLATE_NOOP("Report", "Customer code"),
    "column.month": QT_TRANSLATE_NOOP("Report", "Month"),
    "column.weighted": QT_TRANSLATE_NOOP("Report", "Weighted amount"),
    "column.reason": QT_TRANSLATE_NOOP("Report", "Lost reason"),
    "column.count": QT_TRANSLATE_NOOP("Report", "Count"),
    "column.planned": QT_TRANSLATE_NOOP("Report", "Planned"),
    "column.completed": QT_TRANSLATE_NOOP("Report", "Completed"),
    "column.overdue": QT_TRANSLATE_NOOP("Report", "Overdue"),
    "column.from_tier": QT_TRANSLATE_NOOP("Report", "From tier"),
    "column.to_tier": QT_TRANSLATE_NOOP("Report", "To tier"),
    "column.tier": QT_TRANSLATE_NOOP("Report", "Tier"),
    "column.p_alive": QT_TRANSLATE_NOOP("Report", "Probability active"),
    "column.clv": QT_TRANSLATE_NOOP("Report", "Lifetime value (CLV)"),
    "column.agent": QT_TRANSLATE_NOOP("Report", "Agent"),
    "column.resolved": QT_TRANSLATE_NOOP("Report", "Resolved"),
    "column.satisfaction": QT_TRANSLATE_NOOP("Report", "Satisfaction"),
    # charts
    "revenue.monthly": QT_TRANSLATE_NOOP("Report", "Revenue in the last 12 months"),
    "tiers.distribution": QT_TRANSLATE_NOOP("Report", "Customers by tier"),
    "service.monthly": QT_TRANSLATE_NOOP("Report", "Tickets opened and resolved by month"),
}

# columns whose cells hold tier codes (strategic, growth, basic, dormant, "")
TIER_COLUMNS = frozenset({"column.from_tier", "column.to_tier", "column.tier"})


def report_tr(key: str) -> str:
    """The translated text of a report key; any other text (a region's name) as it is."""
    text = LABELS.get(key)
    return QCoreApplication.translate(_C, text) if text else key


def format_value(kind: str, value) -> str:
    """How a value of ``kind`` (see report_model.KINDS) reads in the report. A percent is a
    fraction (0.125 reads "12.5%"); money has no decimals; None is a dash."""
    if value is None:
        return DASH
    if kind == "text":
        return str(value)
    if kind == "date":
        return fmt.date_cell(value) if isinstance(value, dt.date) else str(value)
    try:
        float(value)
    except (TypeError, ValueError):
        return str(value)
    # NaN is no data either; a small negative number reads 0, never -0
    if kind == "money":
        return fmt.money(value, decimals=0, dash=DASH)
    if kind == "percent":
        return fmt.percent(value, 1, dash=DASH)
    if kind in ("days", "score"):
        return fmt.number(value, 1, dash=DASH)
    # count, minutes
    return fmt.number(value, dash=DASH)


def month_text(month: dt.date) -> str:
    """The report's month in the UI language: "October 2026", "2026年10月"."""
    return fmt.month_long(month)


def scope_text(scope) -> str:
    """Whose figures (a report_model.Scope): the whole company, a team, a salesperson."""
    if scope.owner_id is not None:
        return report_tr("scope.owner").replace("%1", scope.label)
    if scope.team:
        return report_tr("scope.team").replace("%1", scope.label or scope.team)
    return report_tr("scope.company")


def generated_text(at: dt.datetime) -> str:
    """When the report was made, in the computer's time zone: "2026年11月23日 14:05"."""
    return report_tr("report.generated").replace("%1", fmt.datetime_long(at))
