"""tickets: a manager also sees the tickets assigned to their people

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-26 12:00:00

PostgreSQL only. A service manager answers for their agents' tickets, also when the customer
is not one the manager sees otherwise (a customer of another team). The tickets policy of
revision 0014 gets ``assignee_id = ANY (crm_people())``, the same rule the services apply
(``Access.ticket_filter``); a ticket's log (ticket_events) follows its ticket.
"""
from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ME = "(SELECT crm_uid())"
ROLE = "(SELECT crm_role())"
PEOPLE = "(SELECT crm_people())::uuid[]"
CUSTOMER = "EXISTS (SELECT 1 FROM customers c WHERE c.id = tickets.customer_id)"
BEFORE = (f"({CUSTOMER} OR assignee_id = {ME} "
          f"OR ({ROLE} = 'service' AND assignee_id IS NULL))")
AFTER = (f"({CUSTOMER} OR assignee_id = {ME} OR assignee_id = ANY ({PEOPLE}) "
         f"OR ({ROLE} = 'service' AND assignee_id IS NULL))")


def _policy(rule: str) -> None:
    op.execute("DROP POLICY IF EXISTS crm_by_customer ON tickets")
    op.execute(f"CREATE POLICY crm_by_customer ON tickets FOR ALL TO PUBLIC "
               f"USING ({rule}) WITH CHECK ({rule})")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _policy(AFTER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _policy(BEFORE)
