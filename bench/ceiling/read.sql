-- The ceiling for GET /api/v1/cases/{id}: the one statement SociCaseStore::find_case
-- issues on PostgreSQL (adapters/storage/case_statements.cpp, read from the
-- server's statement log) — the case row with its milestone columns and the
-- access generation beside it — for a random id of the stored cases. pgbench
-- -M prepared, as SOCI prepares it. Needs -D max_id=N (the largest case id).
\set id random(1, :max_id)
SELECT id, number, kind, state, version, category, title, description, channel, community,
       grid, micro_grid, address, urgency, risk_level, confidential, department, assignees,
       parties, facts, deadline, created_at, updated_at, last_hash, clock,
       kpi_dispatched_at, kpi_handled_at, kpi_closed_at, kpi_ack_in_time, kpi_arbitrations,
       kpi_extensions, kpi_extensions_approved, kpi_escalations, kpi_visit, kpi_resolved,
       kpi_mediated, kpi_agreement, kpi_failed, kpi_refused, kpi_performed,
       kpi_judicial_applied, kpi_judicial_confirmed, kpi_performance_due, kpi_reworks,
       sealed_texts, (SELECT generation FROM access_generation WHERE id = 1)
  FROM cases WHERE id = :id;
