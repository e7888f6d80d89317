"""tickets with SLA clocks: pauses, escalation state, satisfaction comment, the ticket log

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 14:00:00

``tickets`` gets the SLA clock's pause (``paused_at``, ``paused_seconds`` of working time),
the escalation done per target, the satisfaction comment and the interaction it was opened
from; ``ticket_events`` is each ticket's log (replies, internal notes, status, priority,
assignee, escalation, satisfaction). Indexes serve the ticket list's filters.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _synced() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # plain ALTER TABLE: batch mode would copy the whole table for the foreign key
        for ddl in ("interaction_id CHAR(32) REFERENCES interactions (id)",
                    "satisfaction_comment TEXT NOT NULL DEFAULT ''",
                    "paused_at DATETIME", "paused_seconds FLOAT NOT NULL DEFAULT 0",
                    "sla_due DATETIME",
                    "response_escalation INTEGER NOT NULL DEFAULT 0",
                    "resolve_escalation INTEGER NOT NULL DEFAULT 0"):
            op.execute(f"ALTER TABLE tickets ADD COLUMN {ddl}")
    else:
        op.add_column("tickets", sa.Column("interaction_id", sa.Uuid(), nullable=True))
        op.create_foreign_key(op.f("fk_tickets_interaction_id_interactions"), "tickets",
                              "interactions", ["interaction_id"], ["id"])
        for column in (
                sa.Column("satisfaction_comment", sa.Text(), nullable=False,
                          server_default=""),
                sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
                sa.Column("paused_seconds", sa.Float(), nullable=False, server_default="0"),
                sa.Column("sla_due", sa.DateTime(timezone=True), nullable=True),
                sa.Column("response_escalation", sa.Integer(), nullable=False,
                          server_default="0"),
                sa.Column("resolve_escalation", sa.Integer(), nullable=False,
                          server_default="0")):
            op.add_column("tickets", column)
        for name in ("satisfaction_comment", "paused_seconds", "response_escalation",
                     "resolve_escalation"):
            op.alter_column("tickets", name, server_default=None)
    # a ticket already waiting on its customer has its clock stopped since its last change
    op.execute("UPDATE tickets SET paused_at = updated_at WHERE status = 'waiting'")
    # deadlines missed before escalation existed count as escalated: the first run must not
    # bury the managers under years of old breaches
    op.execute("UPDATE tickets SET response_escalation = 2 WHERE response_due IS NOT NULL"
               " AND response_due < COALESCE(first_response_at, CURRENT_TIMESTAMP)")
    op.execute("UPDATE tickets SET resolve_escalation = 2 WHERE resolve_due IS NOT NULL"
               " AND resolve_due < COALESCE(resolved_at, CURRENT_TIMESTAMP)")
    # the deadline running now, which the list sorts and filters on
    op.execute("UPDATE tickets SET sla_due = CASE WHEN status IN ('resolved', 'closed') "
               "THEN NULL WHEN first_response_at IS NULL THEN response_due "
               "ELSE resolve_due END")
    op.create_index("ix_tickets_sla_due", "tickets", ["sla_due", "number"])
    op.create_index("ix_tickets_status_priority", "tickets", ["status", "priority", "deleted_at"])
    op.create_index("ix_tickets_assignee_status", "tickets", ["assignee_id", "status"])
    op.create_index("ix_tickets_opened", "tickets", ["opened_at"])
    op.create_table(
        "ticket_events",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("from_value", sa.String(length=64), nullable=False),
        sa.Column("to_value", sa.String(length=64), nullable=False),
        *_synced(),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_ticket_events_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_ticket_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    op.create_index("ix_ticket_events_ticket_at", "ticket_events", ["ticket_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_events_ticket_at", table_name="ticket_events")
    op.drop_table("ticket_events")
    op.drop_index("ix_tickets_opened", table_name="tickets")
    op.drop_index("ix_tickets_sla_due", table_name="tickets")
    op.drop_index("ix_tickets_assignee_status", table_name="tickets")
    op.drop_index("ix_tickets_status_priority", table_name="tickets")
    columns = ("resolve_escalation", "response_escalation", "sla_due", "paused_seconds",
               "paused_at",
               "satisfaction_comment", "interaction_id")
    if op.get_bind().dialect.name == "sqlite":
        for column in columns:
            op.execute(f"ALTER TABLE tickets DROP COLUMN {column}")
    else:
        op.drop_constraint(op.f("fk_tickets_interaction_id_interactions"), "tickets",
                           type_="foreignkey")
        for column in columns:
            op.drop_column("tickets", column)
