"""Translated labels for the codes services use (tiers, channels, statuses, fields, errors)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP

from . import fmt

_C = "Labels"

TIERS = {
    "strategic": QT_TRANSLATE_NOOP("Labels", "Strategic"),
    "growth": QT_TRANSLATE_NOOP("Labels", "Growth"),
    "basic": QT_TRANSLATE_NOOP("Labels", "Basic"),
    "dormant": QT_TRANSLATE_NOOP("Labels", "Dormant"),
    "": QT_TRANSLATE_NOOP("Labels", "Unrated"),
}
KINDS = {
    "company": QT_TRANSLATE_NOOP("Labels", "Company"),
    "person": QT_TRANSLATE_NOOP("Labels", "Person"),
}
CHANNELS = {
    "phone": QT_TRANSLATE_NOOP("Labels", "Phone call"),
    "visit": QT_TRANSLATE_NOOP("Labels", "Visit"),
    "wechat": QT_TRANSLATE_NOOP("Labels", "WeChat"),
    "email": QT_TRANSLATE_NOOP("Labels", "Email"),
    "meeting": QT_TRANSLATE_NOOP("Labels", "Meeting"),
}
ACTIVITY_TYPES = {
    "call": QT_TRANSLATE_NOOP("Labels", "Call"),
    "visit": QT_TRANSLATE_NOOP("Labels", "Visit"),
    "meeting": QT_TRANSLATE_NOOP("Labels", "Meeting"),
    "email": QT_TRANSLATE_NOOP("Labels", "Email"),
    "task": QT_TRANSLATE_NOOP("Labels", "Task"),
    "wechat": QT_TRANSLATE_NOOP("Labels", "WeChat"),
}
ORDER_STATUS = {
    "pending": QT_TRANSLATE_NOOP("Labels", "Pending"),
    "paid": QT_TRANSLATE_NOOP("Labels", "Paid"),
    "cancelled": QT_TRANSLATE_NOOP("Labels", "Cancelled"),
    "refunded": QT_TRANSLATE_NOOP("Labels", "Refunded"),
}
OPPORTUNITY_STATUS = {
    "open": QT_TRANSLATE_NOOP("Labels", "Open"),
    "won": QT_TRANSLATE_NOOP("Labels", "Won"),
    "lost": QT_TRANSLATE_NOOP("Labels", "Lost"),
}
STAGES = {
    "lead": QT_TRANSLATE_NOOP("Labels", "Lead"),
    "qualified": QT_TRANSLATE_NOOP("Labels", "Qualified"),
    "proposal": QT_TRANSLATE_NOOP("Labels", "Proposal"),
    "negotiation": QT_TRANSLATE_NOOP("Labels", "Negotiation"),
    "won": QT_TRANSLATE_NOOP("Labels", "Won"),
    "lost": QT_TRANSLATE_NOOP("Labels", "Lost"),
}
TICKET_STATUS = {
    "new": QT_TRANSLATE_NOOP("Labels", "New"),
    "in_progress": QT_TRANSLATE_NOOP("Labels", "In progress"),
    "waiting": QT_TRANSLATE_NOOP("Labels", "Waiting on customer"),
    "resolved": QT_TRANSLATE_NOOP("Labels", "Resolved"),
    "closed": QT_TRANSLATE_NOOP("Labels", "Closed"),
}
PRIORITIES = {
    "low": QT_TRANSLATE_NOOP("Labels", "Low"),
    "normal": QT_TRANSLATE_NOOP("Labels", "Normal"),
    "high": QT_TRANSLATE_NOOP("Labels", "High"),
    "urgent": QT_TRANSLATE_NOOP("Labels", "Urgent"),
}
FIELDS = {
    "code": QT_TRANSLATE_NOOP("Labels", "Customer code"),
    "kind": QT_TRANSLATE_NOOP("Labels", "Type"),
    "name": QT_TRANSLATE_NOOP("Labels", "Name"),
    "phone": QT_TRANSLATE_NOOP("Labels", "Phone"),
    "phone2": QT_TRANSLATE_NOOP("Labels", "Other phone"),
    "email": QT_TRANSLATE_NOOP("Labels", "Email address"),
    "region": QT_TRANSLATE_NOOP("Labels", "Region"),
    "province": QT_TRANSLATE_NOOP("Labels", "Province"),
    "city": QT_TRANSLATE_NOOP("Labels", "City"),
    "address": QT_TRANSLATE_NOOP("Labels", "Address"),
    "industry": QT_TRANSLATE_NOOP("Labels", "Industry"),
    "source": QT_TRANSLATE_NOOP("Labels", "Source"),
    "owner_id": QT_TRANSLATE_NOOP("Labels", "Owner"),
    "owner": QT_TRANSLATE_NOOP("Labels", "Owner"),
    "tier": QT_TRANSLATE_NOOP("Labels", "Tier"),
    "notes": QT_TRANSLATE_NOOP("Labels", "Notes"),
    "tags": QT_TRANSLATE_NOOP("Labels", "Tags"),
    "employees": QT_TRANSLATE_NOOP("Labels", "Employees"),
    "summary": QT_TRANSLATE_NOOP("Labels", "Summary"),
    "channel": QT_TRANSLATE_NOOP("Labels", "Channel"),
    "occurred_at": QT_TRANSLATE_NOOP("Labels", "Time"),
    "title": QT_TRANSLATE_NOOP("Labels", "Job title"),
    "wechat": QT_TRANSLATE_NOOP("Labels", "WeChat ID"),
    "updated_at": QT_TRANSLATE_NOOP("Labels", "Updated"),
}
ERRORS = {
    "required": QT_TRANSLATE_NOOP("Labels", "This field is required."),
    "invalid_phone": QT_TRANSLATE_NOOP("Labels", "Not a valid phone number: %1"),
    "invalid_email": QT_TRANSLATE_NOOP("Labels", "Not a valid email address: %1"),
    "too_long": QT_TRANSLATE_NOOP("Labels", "Too long (at most %1 characters)."),
    "duplicate": QT_TRANSLATE_NOOP("Labels", "Already used by another record: %1"),
    "invalid_choice": QT_TRANSLATE_NOOP("Labels", "Not one of the allowed values: %1"),
    "invalid_datetime": QT_TRANSLATE_NOOP("Labels", "Not a valid date and time."),
    "in_future": QT_TRANSLATE_NOOP("Labels", "This time is in the future."),
    "unknown_field": QT_TRANSLATE_NOOP("Labels", "Unknown field."),
    "out_of_range": QT_TRANSLATE_NOOP("Labels", "Out of range (%1)."),
    "invalid": QT_TRANSLATE_NOOP("Labels", "Not a valid value: %1"),
}
SEGMENTS = {
    "champions": QT_TRANSLATE_NOOP("Labels", "Champions"),
    "loyal": QT_TRANSLATE_NOOP("Labels", "Loyal"),
    "potential_loyalists": QT_TRANSLATE_NOOP("Labels", "Potential loyalists"),
    "new_customers": QT_TRANSLATE_NOOP("Labels", "New customers"),
    "promising": QT_TRANSLATE_NOOP("Labels", "Promising"),
    "need_attention": QT_TRANSLATE_NOOP("Labels", "Need attention"),
    "about_to_sleep": QT_TRANSLATE_NOOP("Labels", "About to sleep"),
    "at_risk": QT_TRANSLATE_NOOP("Labels", "At risk"),
    "cant_lose": QT_TRANSLATE_NOOP("Labels", "Can't lose them"),
    "hibernating": QT_TRANSLATE_NOOP("Labels", "Hibernating"),
    "no_purchase": QT_TRANSLATE_NOOP("Labels", "No purchase yet"),
}
RULE_METRICS = {
    "predicted_clv": QT_TRANSLATE_NOOP("Labels", "Predicted lifetime value"),
    "clv_rank": QT_TRANSLATE_NOOP("Labels", "Lifetime value percentile (0-1)"),
    "p_alive": QT_TRANSLATE_NOOP("Labels", "P(alive) (0-1)"),
    "spend_365": QT_TRANSLATE_NOOP("Labels", "Purchases in the last 12 months"),
    "total_spend": QT_TRANSLATE_NOOP("Labels", "Total purchases"),
    "recency_days": QT_TRANSLATE_NOOP("Labels", "Days since last order"),
    "orders": QT_TRANSLATE_NOOP("Labels", "Number of orders"),
    "segment": QT_TRANSLATE_NOOP("Labels", "RFM segment"),
}
PRESETS = {
    "clv": QT_TRANSLATE_NOOP("Labels", "By predicted lifetime value and P(alive)"),
    "annual_amount": QT_TRANSLATE_NOOP("Labels", "By purchases in the last 12 months"),
    "rfm": QT_TRANSLATE_NOOP("Labels", "By RFM segment"),
}
TIMELINE = {
    "interaction": QT_TRANSLATE_NOOP("Labels", "Interaction"),
    "order": QT_TRANSLATE_NOOP("Labels", "Order"),
    "activity": QT_TRANSLATE_NOOP("Labels", "Follow-up"),
    "opportunity": QT_TRANSLATE_NOOP("Labels", "Opportunity"),
    "ticket": QT_TRANSLATE_NOOP("Labels", "Ticket"),
    "change": QT_TRANSLATE_NOOP("Labels", "Change"),
}
ACTIONS = {
    "create": QT_TRANSLATE_NOOP("Labels", "Created"),
    "delete": QT_TRANSLATE_NOOP("Labels", "Deleted"),
    "restore": QT_TRANSLATE_NOOP("Labels", "Restored"),
    "done": QT_TRANSLATE_NOOP("Labels", "Done"),
    "planned": QT_TRANSLATE_NOOP("Labels", "Planned"),
}

HEALTH_BANDS = {
    "red": QT_TRANSLATE_NOOP("Labels", "At risk"),
    "amber": QT_TRANSLATE_NOOP("Labels", "Watch"),
    "green": QT_TRANSLATE_NOOP("Labels", "Healthy"),
}
HEALTH_PARTS = {
    "recency": QT_TRANSLATE_NOOP("Labels", "Recency"),
    "trend": QT_TRANSLATE_NOOP("Labels", "Spend trend"),
    "tickets": QT_TRANSLATE_NOOP("Labels", "Tickets"),
    "satisfaction": QT_TRANSLATE_NOOP("Labels", "Satisfaction"),
    "follow_up": QT_TRANSLATE_NOOP("Labels", "Follow-up"),
    "alive": QT_TRANSLATE_NOOP("Labels", "Still active"),
}
# (background, text) of each health band: a tint readable with dark text
HEALTH_COLOURS = {"red": ("#fde2e1", "#b91c1c"), "amber": ("#fef3c7", "#92400e"),
                  "green": ("#dcfce7", "#166534")}


def health_band(score: int | None) -> str:
    """red, amber or green for a 0-100 score (services/health.py: below 40, below 70)."""
    if score is None:
        return ""
    return "red" if score < 40 else "amber" if score < 70 else "green"


def label(table: dict[str, str], code: str, translate=QCoreApplication.translate) -> str:
    """The translated label of ``code``, or the code itself when it is not a known one.
    ``translate``: the command line passes its own (cli_i18n.lookup: no QApplication)."""
    text = table.get(code)
    return translate(_C, text) if text else code


def error_text(err, translate=QCoreApplication.translate) -> str:
    """A service FieldError in the user's language."""
    text = ERRORS.get(err.code)
    if not text:
        return str(err)
    msg = translate(_C, text)
    if "%1" in msg:
        msg = msg.replace("%1", err.detail if err.code in ("too_long", "out_of_range")
                          else err.value)
    return msg


def stage_name(stage) -> str:
    """A pipeline stage's name: the team's own, else the default stage's in the UI language."""
    return stage.name or label(STAGES, stage.code)


def money(value) -> str:
    """¥ with thousands separators, no decimals (for cards and tables)."""
    return fmt.money(value, decimals=0)


def money_short(value) -> str:
    """¥ amounts for tight places: 12.5万 / 3.2亿 in Chinese, 125K / 3.2M / 1.2B in English
    (``fmt.money_short``)."""
    return fmt.money_short(value)


PERMISSION_ERRORS = {
    "permission:export": QT_TRANSLATE_NOOP(
        "Labels", "You may not export data. An administrator can give you the right."),
    "permission:bulk_delete": QT_TRANSLATE_NOOP(
        "Labels", "You may not delete several records at once. An administrator can give you "
        "the right."),
    "permission:see_sensitive": QT_TRANSLATE_NOOP(
        "Labels", "You may not see or change this customer's phone, e-mail or address."),
    "permission:manage_users": QT_TRANSLATE_NOOP(
        "Labels", "Only an administrator manages staff accounts."),
    "permission:audit": QT_TRANSLATE_NOOP(
        "Labels", "Only an administrator reads the whole audit log."),
    "permission:owner": QT_TRANSLATE_NOOP(
        "Labels", "You may not give this customer to that person: they are outside your team."),
    "permission:edit_customers": QT_TRANSLATE_NOOP(
        "Labels", "Your role may look at customers but not change them."),
    "permission:report_scope": QT_TRANSLATE_NOOP(
        "Labels", "You may report on yourself; a manager on their team and its people."),
    "account_disabled": QT_TRANSLATE_NOOP(
        "Labels", "This account has been disabled. Ask your administrator."),
}


CIPHER_ERRORS = {  # CipherError.code (services/cipher.py: an encrypted database file, %1)
    "no_keyring": QT_TRANSLATE_NOOP(
        "Labels", "%1 is encrypted, and this computer has no secure keyring to keep its key "
        "in."),
    "no_key": QT_TRANSLATE_NOOP(
        "Labels", "%1 is encrypted, and the keyring of this computer has no key for it (a copy "
        "from another computer, or its key was removed): it cannot be opened."),
    "wrong_key": QT_TRANSLATE_NOOP(
        "Labels", "The key in the keyring does not open %1: it is encrypted with another key, "
        "or it is not a Desktop CRM database."),
    "not_encrypted": QT_TRANSLATE_NOOP(
        "Labels", "%1 is not an encrypted database: open it as a plain SQLite file."),
    "keyring_failed": QT_TRANSLATE_NOOP(
        "Labels", "The keyring refused to keep the key of %1; nothing was encrypted."),
}


def cipher_text(err, translate=QCoreApplication.translate) -> str:
    """Why an encrypted database cannot be opened or made (a CipherError), in the user's
    language; the service's English for a code without words here."""
    text = CIPHER_ERRORS.get(getattr(err, "code", ""))
    return translate(_C, text).replace("%1", err.path) if text else str(err)


def permission_text(err, translate=QCoreApplication.translate) -> str:
    """Why a PermissionDenied refused, in the user's language."""
    code = err.args[0] if getattr(err, "args", None) else ""
    text = PERMISSION_ERRORS.get(code)
    if text:
        return translate("Labels", text)
    return translate("Labels", "You do not have the right to do this.")
