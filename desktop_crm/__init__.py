"""desktop_crm: a desktop customer-management application."""

__version__ = "0.1.0"
