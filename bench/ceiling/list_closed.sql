-- The ceiling for one of bench/run's list pages (GET /api/v1/cases?state=closed&limit=50
-- as the bootstrap admin): the statement query_cases issues on PostgreSQL
-- (adapters/storage/soci_case_store.cpp, read from the server's statement
-- log), 51 rows for 50 and a next page. pgbench -M prepared (the engine sends
-- it unprepared, so this is the most PostgreSQL can give). bench/scale runs
-- the four list files at once, as the load generator cycles the four queries.
SELECT id, number, kind, state, version, category, title, description, channel, community,
       grid, micro_grid, address, urgency, risk_level, confidential, department, assignees,
       CASE WHEN parties_masked = '' THEN parties ELSE parties_masked END,
       facts, deadline, created_at, updated_at, last_hash, clock,
       (SELECT generation FROM access_generation WHERE id = 1)
  FROM cases WHERE 1 = 1 AND state = 'closed' ORDER BY id DESC LIMIT 51;
