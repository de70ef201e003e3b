-- Bulk loader: adds :n dispute cases straight into the `cases` table, one
-- INSERT ... SELECT generate_series, for the list benchmark (1,000,000 cases
-- are not created over HTTP). Every NOT NULL column gets a value the server
-- can read back and render; cases are spread over the 3 communities and their
-- grids, the dispute states, categories and channels. Numbers are
-- <prefix>-<g>, so they never collide with the server's JF-YYYY-NNNNNN.
-- `handlers` mirrors the assignees, as the engine keeps it. Other columns
-- added by later migrations keep their defaults.
--
--   psql -v ON_ERROR_STOP=1 -v n=1000000 -v prefix=BL -f bench/bulk_load.sql URL
INSERT INTO cases (number, kind, state, version, category, title, description, channel,
                   community, grid, micro_grid, address, urgency, risk_level, confidential,
                   department, assignees, handlers, parties, facts, deadline, created_at,
                   updated_at, last_hash)
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
       '[{"role":"applicant","name":"张秀英","phone":"13800138000","id_number":"500109198801012345"},'
         '{"role":"respondent","name":"李建国","phone":"13900139000","id_number":""}]',
       '{}',
       NULL,
       1767225600000 + g * 10,
       1767225600000 + g * 10,
       md5(g::text) || md5((g + 1)::text)
FROM generate_series(1, :n) AS g;
