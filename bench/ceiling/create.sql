-- The ceiling for a create: the statements SociStore::insert_case issues
-- (adapters/storage/statements.cpp, soci_store.cpp) in one transaction, with
-- the values the benchmark's create request produces. pgbench -M prepared,
-- like SOCI's prepared statements. (No case_assignees row: a new case has no
-- assignees; no idempotency row: the benchmark sends no Idempotency-Key.)
-- A new dispute starts its "accept" clock: three timer rows (warning, breach,
-- escalation) in the same transaction.
-- JSON literals keep a space after each colon: pgbench reads ":word" as a variable.
BEGIN;
INSERT INTO counters (name, value) VALUES ('dispute-2026', 1)
  ON CONFLICT (name) DO UPDATE SET value = counters.value + 1
  RETURNING value, 'JF-2026-' || lpad(value::text, 6, '0') AS number \gset c_
INSERT INTO cases (number, kind, state, version, category, title, description, channel,
                   community, grid, micro_grid, address, urgency, risk_level, confidential,
                   department, assignees, parties, facts, deadline, created_at, updated_at,
                   last_hash, clock)
  VALUES (:c_number, 'dispute', 'registered', 1, 'neighbour', '楼上漏水影响楼下住户',
          '楼上卫生间漏水，双方就维修费用协商未果。', 'desk', 'LF', 'LF-G01', '',
          '西山坪家属区3栋', 'normal', 'low', 0, '', '[]',
          '[{"role": "applicant", "name": "张秀英", "phone": "13800138000", "id_number": "500109198801012345"}, {"role": "respondent", "name": "李建国", "phone": "13900139000", "id_number": ""}]',
          '{}', 1780025200000, 1780000000000, 1780000000000, '',
          '{"step": "accept", "duration": "1wd", "started_at": 1780000000000, "generation": 1, "warned": false, "breached": false, "escalated": false}')
  RETURNING id \gset c_
INSERT INTO history (case_id, seq, at, actor, event, from_state, to_state, data, prev_hash, hash)
  VALUES (:c_id, 1, 1780000000000, 'admin', 'register', '', 'registered',
          '{"kind": "dispute", "category": "neighbour", "channel": "desk", "community": "LF", "grid": "LF-G01", "micro_grid": "", "urgency": "normal", "risk_level": "low", "confidential": false, "parties": {"applicant": 1, "respondent": 1}}',
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
