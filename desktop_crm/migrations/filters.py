"""What autogenerate and the schema check leave alone: objects made by hand in migrations."""

# The FTS5 tables (and their shadow tables) and the pg_trgm index are created by
# revisions 0001 and 0002 with raw SQL; the ORM does not map them.
UNMAPPED_TABLES = {
    f"{base}{suffix}"
    for base in ("customer_fts", "customer_short_fts")
    for suffix in ("", "_data", "_idx", "_docsize", "_config", "_content")
}
# (and revision 0017's indexes for staff logins under row-level security, PostgreSQL only)
UNMAPPED_INDEXES = {"ix_customers_search_trgm", "ix_customers_owner_search",
                    "ix_customers_pool_search", "ix_opportunities_stage_position",
                    "ix_opportunities_owner"}
# The server's sync change log (revision 0019, PostgreSQL only) is read with plain SQL
# (services/sync_log.py).
UNMAPPED_TABLES |= {"sync_change_log"}
# Revision 0020: the server's replica and mutation ledgers (PostgreSQL) and a replica's own
# state, outbox, switch and history (SQLite), read and written with plain SQL by
# services/replica.py and services/sync.py.
UNMAPPED_TABLES |= {"sync_sites", "sync_applied_mutations", "sync_state", "sync_outbox",
                    "sync_control", "sync_refresh", "sync_runs", "sync_log_pruned"}


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name in UNMAPPED_TABLES:
        return False
    if type_ == "index" and name in UNMAPPED_INDEXES:
        return False
    return True
