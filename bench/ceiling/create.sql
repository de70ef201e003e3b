-- The ceiling for a create: the statements SociCaseStore::insert_case issues
-- (adapters/storage/case_statements.cpp, soci_case_store.cpp) in one transaction, with
-- the values the benchmark's create request produces (read from the server's
-- statement log). pgbench -M prepared, like SOCI's prepared statements. (No
-- case_assignees row: a new case has no assignees; no idempotency row: the
-- benchmark sends no Idempotency-Key.) The parties are a sealed value as long
-- as the engine's (one the server wrote under a throwaway key), and each
-- party's phone gets its blind-index row in case_phones, as the engine writes;
-- parties_masked (migration 23) is their masked form, in clear.
-- The kpi_* milestone columns (migration 11) are inserted empty, as the engine
-- binds them for a new case; kpi_parties (migration 25) holds the two parties
-- named at registration. A new dispute starts its "accept" clock: three timer rows (warning, breach,
-- escalation) in the same transaction.
-- JSON literals keep a space after a colon that precedes a number or a word:
-- pgbench reads ":word" and ":123" as variables (so does the sealed value's
-- "x1:" prefix, written as 'x1' || ':' || ...).
BEGIN;
INSERT INTO counters (name, value) VALUES ('dispute-2026', 1)
  ON CONFLICT (name) DO UPDATE SET value = counters.value + 1
  RETURNING value, 'JF-2026-' || lpad(value::text, 6, '0') AS number \gset c_
INSERT INTO cases (number, kind, state, version, category, title, description, channel,
                   community, grid, micro_grid, address, urgency, risk_level, confidential,
                   department, assignees, parties, parties_masked, facts, handlers, return_count, arbitration,
                   duplicate_of, deadline, created_at, updated_at, last_hash, clock, kpi_parties,
                   kpi_dispatched_at, kpi_handled_at, kpi_closed_at, kpi_ack_in_time,
                   kpi_arbitrations, kpi_extensions, kpi_extensions_approved, kpi_escalations,
                   kpi_visit, kpi_resolved, kpi_mediated, kpi_agreement, kpi_failed, kpi_refused,
                   kpi_performed, kpi_judicial_applied, kpi_judicial_confirmed,
                   kpi_performance_due)
  VALUES (:c_number, 'dispute', 'registered', 1, 'neighbour', '楼上漏水影响楼下住户',
          '楼上卫生间漏水，双方就维修费用协商未果。', 'desk', 'LF', 'LF-G01', '',
          '西山坪家属区3栋', 'normal', 'low', 0, '', '[]',
          'x1' || ':' || 'DEXL8R748DWZe60N0rtqRoO4DOzQXgpe1wO3VDddOx2fsF74OEXPvcbRSGkcxFOOt3ceSplMticQ9qBXM7kyMmhhLy7UB9Qr8MKBIkrzMQ1VTNP5ZAh/vB7fNoro2TeUq++B1ljXRtxIgiQgBWRPRAYLB0a5hMYyitW5FTkqc2LSoTGBFmw5/zH43vs/v0/Suz7LlaxkO8PPxtcgmsVSx0pWLX5w6AuM17yZzvFGr496pn6Mur6SsydPLGVss5Dfb50oRF0GJjbNSp5gNYH/sA4jZLDw7w==',
          '[{"role":"applicant","name":"张**","phone":"138****8000","id_number":"5001**********2345"},{"role":"respondent","name":"李**","phone":"139****9000","id_number":""}]',
          '{}', '[]', 0, 0, NULL, 1780025200000, 1780000000000, 1780000000000, '',
          '{"step":"accept","duration":"1wd","started_at": 1780000000000,"generation": 1,"warned": false,"breached": false,"escalated": false}',
          2, NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, NULL)
  RETURNING id \gset c_
INSERT INTO case_phones (case_id, phone_index)
  VALUES (:c_id, '0ee0f094e9b1dcdf9d1da5c63c7a84f6c945bc2a348d550083b8a40be03172ae')
  ON CONFLICT DO NOTHING;
INSERT INTO case_phones (case_id, phone_index)
  VALUES (:c_id, 'c09f7fafd770bba78cb72faad9c762e7f2ef8fbe0839250cc485286f4d4192f8')
  ON CONFLICT DO NOTHING;
INSERT INTO history (case_id, seq, at, actor, event, from_state, to_state, data, prev_hash, hash)
  VALUES (:c_id, 1, 1780000000000, 'admin', 'register', '', 'registered',
          '{"kind":"dispute","category":"neighbour","channel":"desk","community":"LF","grid":"LF-G01","micro_grid":"","urgency":"normal","risk_level":"low","confidential": false,"parties":{"applicant": 1,"respondent": 1}}',
          '0000000000000000000000000000000000000000000000000000000000000000',
          '5f2b51ca2fdc5baa31ec02e002f031ac6ec1ea1ea4fd7a4fa1bb7ac2ef42d2a8');
UPDATE cases SET last_hash = '5f2b51ca2fdc5baa31ec02e002f031ac6ec1ea1ea4fd7a4fa1bb7ac2ef42d2a8'
  WHERE id = :c_id;
INSERT INTO timers (case_id, kind, step, generation, due_at, created_at)
  VALUES (:c_id, 'warning', 'accept', 1, 1780020160000, 1780000000000);
INSERT INTO timers (case_id, kind, step, generation, due_at, created_at)
  VALUES (:c_id, 'breach', 'accept', 1, 1780025200000, 1780000000000);
INSERT INTO timers (case_id, kind, step, generation, due_at, created_at)
  VALUES (:c_id, 'escalation', 'accept', 1, 1780028800000, 1780000000000);
COMMIT;
