-- Bulk loader: adds :n dispute cases straight into the `cases` table, one
-- INSERT ... SELECT generate_series, for the list benchmark (1,000,000 cases
-- are not created over HTTP). Every NOT NULL column gets a value the server
-- can read back and render; cases are spread over the 3 communities and their
-- grids, the dispute states, categories and channels. Numbers are
-- <prefix>-<g>, so they never collide with the server's JF-YYYY-NNNNNN.
-- `handlers` mirrors the assignees, as the engine keeps it. The kpi_*
-- milestone columns (migration 11, engine/cases/milestones.hpp) agree with
-- the state: dispatched from assigned on, mediated from mediating on, an
-- agreement with a due date, performed, visited, closed, escalated now and
-- then; times within hours after receipt. Other columns added by later
-- migrations keep their defaults.
--
--   psql -v ON_ERROR_STOP=1 -v n=1000000 -v prefix=BL [-v parties=… [-v parties_masked=…]] -f bench/bulk_load.sql URL
--
-- `parties` (optional) is the parties column of every row. Without it they are
-- in clear, which the server reads as it reads rows written before encryption
-- (bench/run); bench/scale passes the sealed value the server stored for a case
-- with the same parties, so that reads and lists open and mask them as they
-- would on real data. `parties_masked` (optional, migration 23) is their
-- masked form as the server stored it for that case; without it the column
-- stays '' and the server's start-up fills it (bench/run starts one after the
-- load).
\if :{?parties}
\else
\set parties '[{"role":"applicant","name":"张秀英","phone":"13800138000","id_number":"500109198801012345"},{"role":"respondent","name":"李建国","phone":"13900139000","id_number":""}]'
\endif
\if :{?parties_masked}
\else
\set parties_masked ''
\endif
INSERT INTO cases (number, kind, state, version, category, title, description, channel,
                   community, grid, micro_grid, address, urgency, risk_level, confidential,
                   department, assignees, handlers, parties, parties_masked, facts, deadline, created_at,
                   updated_at, last_hash, kpi_dispatched_at, kpi_handled_at, kpi_closed_at,
                   kpi_escalations, kpi_visit, kpi_resolved, kpi_mediated, kpi_agreement,
                   kpi_failed, kpi_refused, kpi_performed, kpi_judicial_applied,
                   kpi_judicial_confirmed, kpi_performance_due)
SELECT :'prefix' || '-' || lpad(g::text, 8, '0'),
       'dispute',
       (ARRAY['registered', 'accepted', 'assigned', 'mediating', 'agreement_reached',
              'follow_up', 'closed', 'declined', 'mediation_failed', 'referred',
              'withdrawn'])[1 + g % 11],
       1 + g % 7,
       (ARRAY['neighbour', 'family_marriage', 'property_renovation', 'wages_labour',
              'land_contract', 'tenancy', 'traffic', 'other'])[1 + (g / 11) % 8],
       '楼上漏水影响楼下住户 ' || g,
       '楼上卫生间漏水，双方就维修费用协商未果。',
       (ARRAY['desk', 'phone', 'visit', 'patrol', 'online', 'hotline', 'meeting'])[1 + (g / 5) % 7],
       (ARRAY['LF', 'LY', 'JS'])[1 + g % 3],
       (ARRAY['LF', 'LY', 'JS'])[1 + g % 3] || '-G' ||
         lpad((1 + (g / 3) % (ARRAY[13, 12, 10])[1 + g % 3])::text, 2, '0'),
       '',
       '西山坪家属区' || (1 + g % 40) || '栋',
       CASE WHEN g % 10 = 0 THEN 'urgent' ELSE 'normal' END,
       (ARRAY['low', 'low', 'low', 'medium', 'high'])[1 + g % 5],
       0,
       CASE WHEN g % 11 IN (0, 1, 7) THEN '' ELSE 'police' END,
       CASE WHEN g % 11 IN (0, 1, 7) THEN '[]' ELSE '["officer-' || (g % 50) || '"]' END,
       CASE WHEN g % 11 IN (0, 1, 7) THEN '[]' ELSE '["officer-' || (g % 50) || '"]' END,
       :'parties',
       :'parties_masked',
       '{}',
       NULL,
       1767225600000 + g * 10,
       1767225600000 + g * 10,
       md5(g::text) || md5((g + 1)::text),
       -- by g % 11 (the state above): 2 assigned, 3 mediating, 4 agreement_reached,
       -- 5 follow_up, 6 closed, 7 declined, 8 mediation_failed, 9 referred, 10 withdrawn
       CASE WHEN g % 11 IN (2, 3, 4, 5, 6, 8, 9) THEN 1767225600000 + g * 10 + (g % 97) * 60000 END,
       CASE WHEN g % 11 IN (3, 4, 5, 6, 8, 9) THEN 1767225600000 + g * 10 + (g % 89 + 100) * 60000 END,
       CASE WHEN g % 11 = 6 THEN 1767225600000 + g * 10 + (g % 53 + 1) * 3600000 END,
       CASE WHEN g % 17 = 0 THEN 1 ELSE 0 END,
       CASE WHEN g % 11 IN (5, 6) THEN (ARRAY['satisfied', 'basically_satisfied', 'dissatisfied'])[1 + g % 3] END,
       CASE WHEN g % 11 IN (5, 6) THEN CASE WHEN g % 3 = 2 THEN 0 ELSE 1 END END,
       CASE WHEN g % 11 IN (3, 4, 5, 6, 8, 9) THEN 1 ELSE 0 END,
       CASE WHEN g % 11 IN (4, 5, 6) THEN 1 ELSE 0 END,
       CASE WHEN g % 11 IN (8, 9) THEN 1 ELSE 0 END,
       CASE WHEN g % 11 IN (7, 10) THEN 1 ELSE 0 END,
       CASE WHEN g % 11 IN (5, 6) THEN 1 ELSE 0 END,
       CASE WHEN g % 11 IN (4, 5, 6) AND g % 4 = 0 THEN 1 ELSE 0 END,
       CASE WHEN g % 11 IN (4, 5, 6) AND g % 8 = 0 THEN 1 ELSE 0 END,
       CASE WHEN g % 11 IN (4, 5, 6) THEN '2026-0' || (1 + g % 9) || '-15' END
FROM generate_series(1, :n) AS g;
