"""short-term search index: 1- and 2-character pieces of names and pinyin initials

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 22:00:00

Trigram indexes cannot answer one- or two-character terms, and most Chinese names are two
characters. On SQLite a contentless FTS5 table (unicode61) indexes every 1-2 character piece
of each customer's name and initials, computed by the connection function crm_short_tokens()
(services/db.py registers it on every connection). PostgreSQL scans for such terms instead.
"""
from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TOKENS_NEW = "crm_short_tokens(new.name, new.name_initials)"
TOKENS_OLD = "crm_short_tokens(old.name, old.name_initials)"

SQLITE = [
    """CREATE VIRTUAL TABLE customer_short_fts USING fts5(
        tokens, content='', tokenize='unicode61', detail='none')""",
    f"""CREATE TRIGGER customers_short_ai AFTER INSERT ON customers BEGIN
        INSERT INTO customer_short_fts(rowid, tokens) VALUES (new.rowid, {TOKENS_NEW});
    END""",
    f"""CREATE TRIGGER customers_short_ad AFTER DELETE ON customers BEGIN
        INSERT INTO customer_short_fts(customer_short_fts, rowid, tokens)
        VALUES ('delete', old.rowid, {TOKENS_OLD});
    END""",
    f"""CREATE TRIGGER customers_short_au AFTER UPDATE OF name, name_initials ON customers BEGIN
        INSERT INTO customer_short_fts(customer_short_fts, rowid, tokens)
        VALUES ('delete', old.rowid, {TOKENS_OLD});
        INSERT INTO customer_short_fts(rowid, tokens) VALUES (new.rowid, {TOKENS_NEW});
    END""",
    """INSERT INTO customer_short_fts(rowid, tokens)
       SELECT rowid, crm_short_tokens(name, name_initials) FROM customers""",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for stmt in SQLITE:
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trig in ("customers_short_ai", "customers_short_ad", "customers_short_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trig}")
        op.execute("DROP TABLE IF EXISTS customer_short_fts")
