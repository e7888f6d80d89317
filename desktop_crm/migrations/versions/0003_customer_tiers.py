"""customer tiers: metrics, computation runs, monthly snapshots, shared settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 20:30:00

Also a partial covering index of the paid orders, and ``customer_order_stats``: per-customer
aggregates of the paid orders, kept in step by triggers (SQLite) or a trigger function
(PostgreSQL) that recompute the customer's row whenever one of its orders changes, so the tier
computation reads one row per buyer instead of every order. ``recent_spend`` is the spend
after the date in ``order_stats_window`` (one row), which the tier computation slides forward
to "365 days before the observation date" (services/order_stats.slide_window).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PAID = sa.text("status = 'paid' AND deleted_at IS NULL")


# The start of the recent-spend window (exclusive): orders dated after it count as recent.
WINDOW = "(SELECT w.since FROM order_stats_window w WHERE w.id = 1)"


def _refresh(cid: str) -> list[str]:
    """Statements recomputing the stats row of customer ``cid`` (an SQL expression)."""
    return [
        f"DELETE FROM customer_order_stats WHERE customer_id = {cid}",
        f"""INSERT INTO customer_order_stats (customer_id, orders, total_spend, first_day,
                last_day, purchase_days, first_day_spend, recent_spend)
            SELECT s.customer_id, s.n, s.total, s.first_day, s.last_day, s.days,
                   (SELECT sum(o.amount) FROM orders o
                    WHERE o.customer_id = s.customer_id AND o.order_date = s.first_day
                      AND o.status = 'paid' AND o.deleted_at IS NULL),
                   (SELECT coalesce(sum(o.amount), 0) FROM orders o
                    WHERE o.customer_id = s.customer_id AND o.order_date > {WINDOW}
                      AND o.status = 'paid' AND o.deleted_at IS NULL)
            FROM (SELECT customer_id, count(*) AS n, sum(amount) AS total,
                         min(order_date) AS first_day, max(order_date) AS last_day,
                         count(DISTINCT order_date) AS days
                  FROM orders
                  WHERE customer_id = {cid} AND status = 'paid' AND deleted_at IS NULL
                  GROUP BY customer_id) s""",
    ]


def _sqlite_triggers() -> list[str]:
    new, old = _refresh("new.customer_id"), _refresh("old.customer_id")
    body = ";\n".join
    return [
        f"CREATE TRIGGER orders_stats_ai AFTER INSERT ON orders BEGIN {body(new)}; END",
        f"CREATE TRIGGER orders_stats_ad AFTER DELETE ON orders BEGIN {body(old)}; END",
        "CREATE TRIGGER orders_stats_au AFTER UPDATE OF customer_id, order_date, amount, "
        f"status, deleted_at ON orders BEGIN {body(old)}; {body(new)}; END",
    ]


def _pg_functions() -> list[str]:
    body = ";\n    ".join(_refresh("cid"))
    return [
        f"""CREATE FUNCTION crm_refresh_order_stats(cid uuid) RETURNS void
            LANGUAGE plpgsql AS $$
            BEGIN
                -- one writer per customer at a time, so two transactions adding orders for
                -- the same customer cannot each store a total that misses the other's order
                PERFORM 1 FROM customers WHERE id = cid FOR NO KEY UPDATE;
                {body};
            END $$""",
        """CREATE FUNCTION crm_orders_stats_trigger() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    PERFORM crm_refresh_order_stats(OLD.customer_id);
                END IF;
                IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE'
                                        AND NEW.customer_id IS DISTINCT FROM OLD.customer_id) THEN
                    PERFORM crm_refresh_order_stats(NEW.customer_id);
                END IF;
                RETURN NULL;
            END $$""",
        """CREATE TRIGGER orders_stats AFTER INSERT OR DELETE
            OR UPDATE OF customer_id, order_date, amount, status, deleted_at ON orders
            FOR EACH ROW EXECUTE FUNCTION crm_orders_stats_trigger()""",
    ]


def _fill(sqlite: bool) -> list[str]:
    """Stats for the orders already there."""
    hint = "INDEXED BY ix_orders_paid_customer_date_amount" if sqlite else ""
    return [
        f"""INSERT INTO customer_order_stats (customer_id, orders, total_spend, first_day,
                last_day, purchase_days, first_day_spend)
            SELECT customer_id, count(*), sum(amount), min(order_date), max(order_date),
                   count(DISTINCT order_date), 0
            FROM orders {hint} WHERE status = 'paid' AND deleted_at IS NULL
            GROUP BY customer_id""",
        f"""UPDATE customer_order_stats SET first_day_spend = (
                SELECT sum(o.amount) FROM orders o {hint}
                WHERE o.customer_id = customer_order_stats.customer_id
                  AND o.order_date = customer_order_stats.first_day
                  AND o.status = 'paid' AND o.deleted_at IS NULL)""",
    ]


def upgrade() -> None:
    op.create_table(
        "shared_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"],
                                name=op.f("fk_shared_settings_updated_by_users")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_shared_settings")),
    )
    op.create_table(
        "customer_metrics",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("total_spend", sa.Float(), nullable=False),
        sa.Column("spend_365", sa.Float(), nullable=False),
        sa.Column("recency_days", sa.Integer(), nullable=True),
        sa.Column("frequency", sa.Integer(), nullable=False),
        sa.Column("recency", sa.Float(), nullable=True),
        sa.Column("t_days", sa.Float(), nullable=True),
        sa.Column("monetary_value", sa.Float(), nullable=False),
        sa.Column("r", sa.SmallInteger(), nullable=False),
        sa.Column("f", sa.SmallInteger(), nullable=False),
        sa.Column("m", sa.SmallInteger(), nullable=False),
        sa.Column("segment", sa.String(length=24), nullable=False),
        sa.Column("p_alive", sa.Float(), nullable=True),
        sa.Column("predicted_clv", sa.Float(), nullable=True),
        sa.Column("clv_rank", sa.Float(), nullable=True),
        sa.Column("spend_rank", sa.Float(), nullable=True),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("at_risk", sa.Boolean(), nullable=False),
        sa.Column("risk_reason", sa.String(length=32), nullable=False),
        sa.Column("usual_interval_days", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_customer_metrics_customer_id_customers")),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_metrics")),
    )
    op.create_table(
        "tier_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("computed_by", sa.Uuid(), nullable=True),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("buyers", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("charts", sa.JSON(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["computed_by"], ["users.id"],
                                name=op.f("fk_tier_runs_computed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_runs")),
    )
    op.create_table(
        "tier_snapshots",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("month", "customer_id", name=op.f("pk_tier_snapshots")),
    )
    op.create_index("ix_orders_paid_customer_date_amount", "orders",
                    ["customer_id", "order_date", "amount"], unique=False,
                    sqlite_where=PAID, postgresql_where=PAID)
    op.create_table(
        "customer_order_stats",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("total_spend", sa.Float(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("purchase_days", sa.Integer(), nullable=False),
        sa.Column("first_day_spend", sa.Float(), nullable=True),
        sa.Column("recent_spend", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_customer_order_stats_customer_id_customers")),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_order_stats")),
    )
    window = op.create_table(
        "order_stats_window",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_stats_window")),
    )
    op.bulk_insert(window, [{"id": 1, "since": None}])
    sqlite = op.get_bind().dialect.name == "sqlite"
    for stmt in _fill(sqlite) + (_sqlite_triggers() if sqlite else _pg_functions()):
        op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trig in ("orders_stats_ai", "orders_stats_ad", "orders_stats_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trig}")
    else:
        op.execute("DROP TRIGGER IF EXISTS orders_stats ON orders")
        op.execute("DROP FUNCTION IF EXISTS crm_orders_stats_trigger()")
        op.execute("DROP FUNCTION IF EXISTS crm_refresh_order_stats(uuid)")
    op.drop_table("order_stats_window")
    op.drop_table("customer_order_stats")
    op.drop_index("ix_orders_paid_customer_date_amount", table_name="orders")
    op.drop_table("tier_snapshots")
    op.drop_table("tier_runs")
    op.drop_table("customer_metrics")
    op.drop_table("shared_settings")
