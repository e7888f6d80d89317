"""won-deal automation: tickets.opportunity_id, opportunities.won_automation_at

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 21:45:00

An onboarding ticket remembers the deal it was opened for, and an opportunity when the
automation for a won deal ran, so moving a deal out of Won and back never runs it twice.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opportunity_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_tickets_opportunity_id"), ["opportunity_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_tickets_opportunity_id_opportunities"),
                                    "opportunities", ["opportunity_id"], ["id"])
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("won_automation_at", sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.drop_column("won_automation_at")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tickets_opportunity_id_opportunities"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_tickets_opportunity_id"))
        batch_op.drop_column("opportunity_id")
