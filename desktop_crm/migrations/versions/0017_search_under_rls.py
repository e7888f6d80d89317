"""customer search and counts for staff logins under row-level security (PostgreSQL only)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26 12:00:00

Under row-level security (0014) a staff member's search ran as a sequential scan: the
policy on customers is an OR with an arm no index can serve (the admin test), and ``LIKE``
is not LEAKPROOF, so PostgreSQL may not use the trigram index before the policy. At a
million customers that was 0.6 s idle and many seconds under load.

``crm_search_customers(terms, after_key, after_id, lim, owners)`` answers the list's
default order (by name) from what the caller may see: it is SECURITY DEFINER (owned by the
schema owner, so not subject to the policies) and applies the same rule itself, by
``session_user``: for each owner whose customers the caller sees (themselves; a manager's
people) it walks ``ix_customers_owner_search`` in name order and for the pool
``ix_customers_pool_search``, testing the terms on the index entries (index-only for 1-2
character terms: both carry the name and its initials), each branch stopping at the page size,
then merges them; service staff's ticket customers are a short list looked up by id. An
admin walks every owner's customers that way (up to 200 owners; beyond, the name index of
all customers). A term of 3+ characters with few trigram matches (counted up to ``rare``,
200 unless given) is answered from those matches instead, filtered by the same rule and
sorted. ``crm_count_customers(terms, owners)`` counts by the same branches. ``owners``,
when given, narrows the owners further (the app passes the people its own rules give, so
the result is exactly what the app's filter and the policy both allow).

Two indexes on opportunities serve the pipeline under the same policy: moving a card to the
top of a column (the column's smallest position among the deals the mover sees: 0.2-0.9 s as
a bitmap of the whole stage, each deal tested against the policy; 3 ms walked in position
order) and a salesperson's own board (0.5 s -> 0.1 s).

The results are those of the plain query under the policy, row for row and in order (see
tests/test_search_pg.py). Nothing changes on SQLite.
"""
from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

STAFF = "current_database() || '_staff'"

# index-only walks for 1-2 character terms: the keys of the list's name order and what the
# terms are tested on. Not the search text: with it an entry can pass the 2,704 bytes a btree
# entry may hold (a 200-character Chinese name, its pinyin and a long e-mail: 3,168 bytes,
# and the customer could not be saved); 3+ character terms read it from the table.
INDEXES = """
CREATE INDEX IF NOT EXISTS ix_customers_owner_search ON customers
  (owner_id, sort_name, id) INCLUDE (name, name_initials)
  WHERE deleted_at IS NULL AND owner_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_customers_pool_search ON customers
  (sort_name, id) INCLUDE (name, name_initials)
  WHERE deleted_at IS NULL AND owner_id IS NULL;
-- the pipeline under the same policy: a card dropped on top of a column asked for the
-- column's smallest position among the deals the mover sees (every deal of the stage tested
-- against the policy: 0.2-0.9 s at 300,000 deals; walked in order it stops at the first),
-- and a salesperson's board reads their own deals
CREATE INDEX IF NOT EXISTS ix_opportunities_stage_position ON opportunities
  (stage_id, position, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS ix_opportunities_owner ON opportunities (owner_id)
  WHERE deleted_at IS NULL;
"""

FUNCTIONS = r"""
-- The visibility rule of revision 0014's policy crm_see, for the login that called:
-- (admin, owners whose customers are seen, ticket customers for service staff).
CREATE FUNCTION crm_search_scope(owners uuid[], OUT admin boolean, OUT who uuid[],
                                 OUT tickets uuid[])
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  me record;
BEGIN
  admin := false; who := '{}'; tickets := '{}';
  SELECT u.id, u.role, u.team INTO me FROM users u
   WHERE u.username = session_user AND u.active AND u.deleted_at IS NULL;
  IF NOT FOUND THEN
    RETURN;  -- no staff member (or disabled): the pool only
  END IF;
  IF me.role = 'admin' THEN
    admin := owners IS NULL;
    IF admin THEN RETURN; END IF;
    SELECT coalesce(array_agg(u.id), '{}') INTO who FROM users u;
  ELSIF me.role = 'manager' THEN
    SELECT coalesce(array_agg(u.id), '{}') INTO who FROM users u
     WHERE u.deleted_at IS NULL
       AND (u.id = me.id OR u.manager_id = me.id OR (me.team <> '' AND u.team = me.team));
    who := who || me.id;
  ELSE
    who := ARRAY[me.id];
  END IF;
  IF owners IS NOT NULL THEN
    SELECT coalesce(array_agg(DISTINCT w), '{}') INTO who FROM unnest(who) w
     WHERE w = ANY (owners);
  ELSE
    SELECT coalesce(array_agg(DISTINCT w), '{}') INTO who FROM unnest(who) w;
  END IF;
  IF me.role = 'service' THEN
    SELECT coalesce(array_agg(DISTINCT t.customer_id), '{}') INTO tickets FROM tickets t
     WHERE t.deleted_at IS NULL
       AND (t.assignee_id = me.id
            OR (t.assignee_id IS NULL AND t.status NOT IN ('resolved', 'closed')));
  END IF;
END
$$;
REVOKE ALL ON FUNCTION crm_search_scope(uuid[]) FROM PUBLIC;

-- The AND of the terms as SQL on the columns of customers c: a term of 3+ characters in
-- the search text, a shorter one in the lower-cased name or its initials (as the app's
-- CustomerService._term_matches).
CREATE FUNCTION crm_search_match(terms text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = public, pg_temp AS $$
DECLARE
  t text;
  pat text;
  sql text := '';
BEGIN
  FOREACH t IN ARRAY coalesce(terms, '{}') LOOP
    CONTINUE WHEN t IS NULL OR t = '';
    pat := '%' || replace(replace(replace(t, '\', '\\'), '%', '\%'), '_', '\_') || '%';
    IF length(t) >= 3 THEN
      sql := sql || format(' AND c.search_text LIKE %L', pat);
    ELSIF t ~ '^[0-9\u3400-\u4dbf\u4e00-\u9fff]+$' THEN
      -- Chinese characters and digits: no letter lower-cases to one, and lower() leaves
      -- them as they are, so the name holds the term exactly when its lower-cased form
      -- does (and not lower-casing every name walked takes 40% off the walk)
      sql := sql || format(' AND (c.name LIKE %1$L OR c.name_initials LIKE %1$L)', pat);
    ELSE
      sql := sql || format(' AND (lower(c.name) LIKE %1$L OR c.name_initials LIKE %1$L)', pat);
    END IF;
  END LOOP;
  RETURN sql;
END
$$;
REVOKE ALL ON FUNCTION crm_search_match(text[]) FROM PUBLIC;

-- One page of the customer list in name order (sort_name, id) after (after_key, after_id),
-- of the customers the caller may see (and, when given, owned by ``owners`` or in the
-- pool) that match every term: at most ``lim`` ids with their sort keys.
CREATE FUNCTION crm_search_customers(terms text[], after_key text, after_id uuid,
                                     lim integer, owners uuid[] DEFAULT NULL,
                                     rare integer DEFAULT 200)
RETURNS TABLE (id uuid, sort_name text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET jit = off
ROWS 200 AS $$
DECLARE
  scope record;
  match text := crm_search_match(terms);
  after text := '';
  branch text;
  branches text[] := '{}';
  o uuid;
  t text;
  rare_term text;
  walk_owners uuid[];
  n integer;
  lim_s text;
BEGIN
  IF lim IS NULL OR lim < 1 THEN
    RETURN;
  END IF;
  lim_s := least(lim, 100000)::text;
  scope := crm_search_scope(owners);
  IF after_key IS NOT NULL THEN
    after := ' AND (c.sort_name, c.id) > ($3, $4)';
  END IF;
  -- a rare term of 3+ characters: its trigram matches, filtered and sorted
  FOREACH t IN ARRAY coalesce(terms, '{}') LOOP
    CONTINUE WHEN t IS NULL OR length(t) < 3;
    EXECUTE 'SELECT count(*) FROM (SELECT 1 FROM customers c WHERE c.deleted_at IS NULL'
            || crm_search_match(ARRAY[t]) || ' LIMIT ' || (rare + 1) || ') s' INTO n;
    IF n <= rare THEN
      rare_term := t;
      EXIT;
    END IF;
  END LOOP;
  walk_owners := scope.who;
  IF scope.admin AND rare_term IS NULL THEN
    -- an admin sees every owner's customers: walk each owner's (while there are not too
    -- many owners to plan one branch each), rather than the name order of all customers,
    -- where a term whose matches cluster in the order (every 王 sorts under "wang") means
    -- passing most of a million rows
    SELECT coalesce(array_agg(u.id), '{}') INTO walk_owners FROM users u
     WHERE EXISTS (SELECT 1 FROM customers c WHERE c.owner_id = u.id
                   AND c.deleted_at IS NULL);
  END IF;
  IF rare_term IS NOT NULL OR (scope.admin AND cardinality(walk_owners) > 200) THEN
    branch := 'SELECT c.id, c.sort_name::text FROM customers c WHERE c.deleted_at IS NULL'
              || match || after;
    IF NOT scope.admin THEN
      branch := branch || ' AND (c.owner_id IS NULL OR c.owner_id = ANY ($1)'
                       || ' OR c.id = ANY ($2))';
    END IF;
    RETURN QUERY EXECUTE branch || ' ORDER BY c.sort_name, c.id LIMIT ' || lim_s
      USING scope.who, scope.tickets, after_key, after_id;
    RETURN;
  END IF;
  -- else walk each owner's customers and the pool in name order, each up to the page size
  branches := branches || ('SELECT c.id, c.sort_name FROM customers c WHERE c.owner_id IS NULL'
                           || ' AND c.deleted_at IS NULL' || match || after
                           || ' ORDER BY c.sort_name, c.id LIMIT ' || lim_s);
  FOREACH o IN ARRAY walk_owners LOOP
    branches := branches || (format('SELECT c.id, c.sort_name FROM customers c '
                                    'WHERE c.owner_id = %L::uuid', o)
                             || ' AND c.deleted_at IS NULL' || match || after
                             || ' ORDER BY c.sort_name, c.id LIMIT ' || lim_s);
  END LOOP;
  IF cardinality(scope.tickets) > 0 THEN  -- service staff: their tickets' customers
    branches := branches || ('SELECT c.id, c.sort_name FROM customers c '
                             || 'WHERE c.id = ANY ($2) AND c.owner_id IS NOT NULL'
                             || ' AND c.owner_id <> ALL ($1) AND c.deleted_at IS NULL'
                             || match || after || ' ORDER BY c.sort_name, c.id LIMIT ' || lim_s);
  END IF;
  RETURN QUERY EXECUTE 'SELECT s.id, s.sort_name::text FROM (('
                       || array_to_string(branches, ') UNION ALL (')
                       || ')) s ORDER BY s.sort_name, s.id LIMIT ' || lim_s
    USING scope.who, scope.tickets, after_key, after_id;
END
$$;
REVOKE ALL ON FUNCTION crm_search_customers(text[], text, uuid, integer, uuid[], integer) FROM PUBLIC;

-- How many customers the caller may see match every term (the same branches, counted).
CREATE FUNCTION crm_count_customers(terms text[], owners uuid[] DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET jit = off AS $$
DECLARE
  scope record;
  match text := crm_search_match(terms);
  total bigint;
BEGIN
  scope := crm_search_scope(owners);
  IF scope.admin THEN
    EXECUTE 'SELECT count(*) FROM customers c WHERE c.deleted_at IS NULL' || match INTO total;
    RETURN total;
  END IF;
  EXECUTE 'SELECT (SELECT count(*) FROM customers c WHERE c.owner_id IS NULL'
          || ' AND c.deleted_at IS NULL' || match || ')'
          || ' + (SELECT count(*) FROM customers c WHERE c.owner_id = ANY ($1)'
          || ' AND c.deleted_at IS NULL' || match || ')'
          || ' + (SELECT count(*) FROM customers c WHERE c.id = ANY ($2)'
          || ' AND c.owner_id IS NOT NULL AND c.owner_id <> ALL ($1)'
          || ' AND c.deleted_at IS NULL' || match || ')'
    INTO total USING scope.who, scope.tickets;
  RETURN total;
END
$$;
REVOKE ALL ON FUNCTION crm_count_customers(text[], uuid[]) FROM PUBLIC;
"""

GRANTS = f"""
DO $$
DECLARE staff text := {STAFF};
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = staff) THEN
    EXECUTE format('GRANT EXECUTE ON FUNCTION crm_search_customers(text[], text, uuid, '
                   'integer, uuid[], integer) TO %I', staff);
    EXECUTE format('GRANT EXECUTE ON FUNCTION crm_count_customers(text[], uuid[]) TO %I',
                   staff);
  END IF;
END
$$"""

FUNCTION_SIGNATURES = ("crm_count_customers(text[], uuid[])",
                       "crm_search_customers(text[], text, uuid, integer, uuid[], integer)",
                       "crm_search_match(text[])", "crm_search_scope(uuid[])")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(INDEXES)
    op.execute(FUNCTIONS)
    op.execute(GRANTS)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for signature in FUNCTION_SIGNATURES:
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    op.execute("DROP INDEX IF EXISTS ix_opportunities_owner")
    op.execute("DROP INDEX IF EXISTS ix_opportunities_stage_position")
    op.execute("DROP INDEX IF EXISTS ix_customers_pool_search")
    op.execute("DROP INDEX IF EXISTS ix_customers_owner_search")
