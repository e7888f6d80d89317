"""follow-up calendar: recurring series, reminders, the company's holiday calendar

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 12:00:00

``activity_series`` holds recurring follow-ups (an RFC 5545 rule in a time zone); their
occurrences are ``activities`` rows pointing back (``series_id``, ``occurrence_at``).
``activities.remind_at`` is when an activity's reminder fires next. ``holidays`` is the
company's holiday calendar (public holidays and the adjusted working days), kept as data.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REMINDING = sa.text("remind_at IS NOT NULL")
OPEN = sa.text("done_at IS NULL AND cancelled_at IS NULL AND deleted_at IS NULL")
LIVE = sa.text("cancelled_at IS NULL AND deleted_at IS NULL")


def _synced() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "activity_series",
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("opportunity_id", sa.Uuid(), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("rrule", sa.String(length=400), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("reminder_minutes", sa.Integer(), nullable=True),
        sa.Column("generated_until", sa.DateTime(timezone=True), nullable=False),
        *_synced(),
        _fk("activity_series", "owner_id", "users"),
        _fk("activity_series", "customer_id", "customers"),
        _fk("activity_series", "opportunity_id", "opportunities"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_series")),
    )
    if op.get_bind().dialect.name == "sqlite":
        # plain ALTER TABLE: batch mode would copy the whole activities table to add a
        # foreign key (a million rows); SQLite accepts REFERENCES on an added NULL column
        for ddl in ("series_id CHAR(32) REFERENCES activity_series (id)",
                    "occurrence_at DATETIME", "series_edited BOOLEAN NOT NULL DEFAULT 0",
                    "remind_at DATETIME"):
            op.execute(f"ALTER TABLE activities ADD COLUMN {ddl}")
    else:
        op.add_column("activities", sa.Column("series_id", sa.Uuid(), nullable=True))
        op.add_column("activities", sa.Column("occurrence_at", sa.DateTime(timezone=True),
                                              nullable=True))
        op.add_column("activities", sa.Column("series_edited", sa.Boolean(), nullable=False,
                                              server_default=sa.false()))
        op.alter_column("activities", "series_edited", server_default=None)
        op.add_column("activities", sa.Column("remind_at", sa.DateTime(timezone=True),
                                              nullable=True))
        op.create_foreign_key(op.f("fk_activities_series_id_activity_series"), "activities",
                              "activity_series", ["series_id"], ["id"])
    op.create_index("ix_activities_series", "activities", ["series_id", "occurrence_at"],
                    unique=False)
    op.create_index("ix_activities_owner_remind", "activities", ["owner_id", "remind_at"],
                    unique=False, sqlite_where=REMINDING, postgresql_where=REMINDING)
    # what is still to do: overdue counts, the today list, neglected customers
    op.create_index("ix_activities_owner_open", "activities", ["owner_id", "due_at"],
                    unique=False, sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index("ix_activities_customer_open", "activities", ["customer_id", "due_at"],
                    unique=False, sqlite_where=OPEN, postgresql_where=OPEN)
    # the calendar's periods (not cancelled, not deleted), for one owner or everyone: the
    # month grid counts each day's follow-ups from the index alone; and what is still open
    op.create_index("ix_activities_owner_live", "activities", ["owner_id", "due_at"],
                    unique=False, sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_index("ix_activities_live_due", "activities", ["due_at"], unique=False,
                    sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_index("ix_activities_open_due", "activities", ["due_at"], unique=False,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    # the reminders of follow-ups still ahead fire as before (the app now reads remind_at)
    op.execute("UPDATE activities SET remind_at = "
               + ("strftime('%Y-%m-%d %H:%M:%f', due_at, '-' || reminder_minutes || ' minutes')"
                  " || '000'"
                  if op.get_bind().dialect.name == "sqlite"
                  else "due_at - make_interval(mins => reminder_minutes)")
               + " WHERE reminder_minutes IS NOT NULL AND done_at IS NULL"
               " AND cancelled_at IS NULL AND deleted_at IS NULL"
               " AND due_at > CURRENT_TIMESTAMP")
    op.create_table(
        "holidays",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("estimate", sa.Boolean(), nullable=False),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
        sa.UniqueConstraint("day", name=op.f("uq_holidays_day")),
    )


def downgrade() -> None:
    op.drop_table("holidays")
    op.drop_index("ix_activities_open_due", table_name="activities")
    op.drop_index("ix_activities_live_due", table_name="activities")
    op.drop_index("ix_activities_owner_live", table_name="activities")
    op.drop_index("ix_activities_customer_open", table_name="activities")
    op.drop_index("ix_activities_owner_open", table_name="activities")
    op.drop_index("ix_activities_owner_remind", table_name="activities")
    op.drop_index("ix_activities_series", table_name="activities")
    if op.get_bind().dialect.name == "sqlite":
        for column in ("remind_at", "series_edited", "occurrence_at", "series_id"):
            op.execute(f"ALTER TABLE activities DROP COLUMN {column}")
    else:
        op.drop_constraint(op.f("fk_activities_series_id_activity_series"), "activities",
                           type_="foreignkey")
        for column in ("remind_at", "series_edited", "occurrence_at", "series_id"):
            op.drop_column("activities", column)
    op.drop_table("activity_series")
