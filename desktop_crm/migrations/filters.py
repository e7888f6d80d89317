"""What autogenerate and the schema check leave alone: objects made by hand in migrations."""

# The FTS5 table (and its shadow tables) and the pg_trgm index are created by
# revision 0001 with raw SQL; the ORM does not map them.
UNMAPPED_TABLES = {"customer_fts", "customer_fts_data", "customer_fts_idx",
                   "customer_fts_docsize", "customer_fts_config", "customer_fts_content"}
UNMAPPED_INDEXES = {"ix_customers_search_trgm"}


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name in UNMAPPED_TABLES:
        return False
    if type_ == "index" and name in UNMAPPED_INDEXES:
        return False
    return True
