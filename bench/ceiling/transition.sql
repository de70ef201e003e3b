-- The ceiling for a transition: the statements CaseService::apply and
-- SociCaseStore::find_case / commit_transition issue on PostgreSQL for one event
-- (adapters/storage/case_statements.cpp, soci_case_store.cpp), with pgbench -M prepared
-- like SOCI's prepared statements, and the values the engine binds for the
-- benchmark's lifecycle (read from the server's statement log: facts, clock,
-- handlers, history data, timers and the notification, each as long as the
-- engine's):
--   SELECT the case by id (autocommit, as find_case);
--   an event that keeps the step's clock, writes no notification and keeps the
--   handlers (start_mediation, record_follow_up), without Idempotency-Key: ONE
--   statement, WITH updated AS (version- and handlers-checked UPDATE ...
--   RETURNING id) INSERT the history row SELECT ... FROM updated — atomic in
--   autocommit;
--   an event that starts a new step's clock (accept, reach_agreement,
--   confirm_performance) or stops it (close), keeping the handlers and
--   writing no notification: ONE statement, WITH updated AS (version- and
--   handlers-checked UPDATE ... RETURNING id), then from its row INSERT the
--   history row, DELETE the case's pending timers, INSERT the new timers (three,
--   none after close) from arrays, SELECT how many were updated;
--   `assign` changes the handlers, starts the mediation clock and notifies
--   (outbox): the engine first looks up the grid leader (co-handler rule of
--   the category), then BEGIN; UPDATE ... AND handlers = ... (matches
--   nothing); UPDATE; DELETE + INSERT case_assignees (the officer and the grid
--   leader); INSERT history; DELETE timers; INSERT three timers; INSERT
--   outbox; COMMIT.
-- bench/run seeds this database with bench/bulk_load.sql and then starts the
-- server on it once, so that the cases' parties are sealed as the engine's are
-- (about 300 bytes instead of 180 in clear) and the staff directory holds the
-- grid leaders the assign's SELECT finds.
--
-- The UPDATEs keep the stored (sealed) parties and free text's originals
-- (COALESCE with NULL), as the engine's do for an event that leaves them as
-- its case was read (adapters/storage/soci_case_store.cpp, LastRead): none of
-- the benchmark's events changes them. The masked form is written each time.
--
-- The case row's SELECT and UPDATEs read and write the kpi_* milestone columns
-- (migration 11) as the engine does, with the values the lifecycle's events
-- give them (dispatched from assign on, mediated from start_mediation, ...).
--
-- The SELECT also reads `handlers`, which the engine derives from the row
-- instead (assignees and facts.co_handlers): this script needs the value for
-- the handlers-checked UPDATE, one more column of the same row.
--
-- Each client walks its own cases (ids client_id+1, +clients, ...) through the
-- benchmark's lifecycle, one event per pgbench transaction, in the same order
-- as the HTTP scenario: accept, assign, start_mediation, reach_agreement,
-- confirm_performance, record_follow_up, close. Needs -D clients=C
-- -D per_client=P -D n=0 and clients*per_client seeded cases.
-- JSON literals keep a space after a colon that precedes a number or a word:
-- pgbench reads ":word" and ":123" as variables.
\set k :n / 7
\set evi 1 + :n % 7
\set id 1 + :client_id + :clients * (:k % :per_client)
\set n :n + 1
-- A fresh assignee per assign, so its handlers always change as in the engine
-- (runs reuse cases; a repeated id would let the same-handlers UPDATE match).
\set r random(1, 2000000000)
SELECT id, number, kind, state, version, category, title, description, channel, community, grid,
       micro_grid, address, urgency, risk_level, confidential, department, assignees, parties,
       parties_masked, facts, deadline, created_at, updated_at, last_hash, clock, kpi_dispatched_at, kpi_handled_at, kpi_closed_at, kpi_ack_in_time, kpi_arbitrations,
       kpi_extensions, kpi_extensions_approved, kpi_escalations, kpi_visit, kpi_resolved,
       kpi_mediated, kpi_agreement, kpi_failed, kpi_refused, kpi_performed, kpi_judicial_applied,
       kpi_judicial_confirmed, kpi_performance_due, handlers
  FROM cases WHERE id = :id \gset c_
\set v_next :c_version + 1
\if :evi = 2
SELECT id, name, department, role, grid, micro_grid, active FROM staff
  WHERE grid = :c_grid AND role = 'grid_leader' AND active = 1 ORDER BY id COLLATE "C" LIMIT 1;
BEGIN;
UPDATE cases SET state = 'assigned', version = :v_next, category = :c_category, title = :c_title,
    description = :c_description, channel = :c_channel, community = :c_community, grid = :c_grid,
    micro_grid = :c_micro_grid, address = :c_address, urgency = :c_urgency,
    risk_level = :c_risk_level, confidential = :c_confidential, department = 'police',
    assignees = '["officer-' || :r || '"]', parties = COALESCE(NULL, parties), parties_masked = :c_parties_masked,
    facts = '{"co_handlers":["gl-' || :c_grid || '"]}',
    handlers = '["gl-' || :c_grid || '","officer-' || :r || '"]', return_count = 0,
    arbitration = 0, duplicate_of = NULL, deadline = 1782592000000 + :n,
    updated_at = 1780000000000 + :n,
    last_hash = '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92',
    clock = '{"step":"mediation","duration":"30d","started_at": 1780000000000,"generation": 3,"warned": false,"breached": false,"escalated": false}',
    kpi_dispatched_at = CASE WHEN :evi >= 2 THEN 1780000000000 + :n END,
    kpi_handled_at = CASE WHEN :evi >= 3 THEN 1780000000000 + :n END,
    kpi_closed_at = CASE WHEN :evi = 7 THEN 1780000000000 + :n END, kpi_ack_in_time = NULL,
    kpi_arbitrations = 0, kpi_extensions = 0, kpi_extensions_approved = 0, kpi_escalations = 0,
    kpi_visit = CASE WHEN :evi >= 6 THEN 'satisfied' END,
    kpi_resolved = CASE WHEN :evi >= 6 THEN 1 END, kpi_mediated = CASE WHEN :evi >= 3 THEN 1 ELSE 0 END,
    kpi_agreement = CASE WHEN :evi >= 4 THEN 1 ELSE 0 END, kpi_failed = 0, kpi_refused = 0,
    kpi_performed = CASE WHEN :evi >= 5 THEN 1 ELSE 0 END, kpi_judicial_applied = 0,
    kpi_judicial_confirmed = 0, kpi_performance_due = CASE WHEN :evi >= 4 THEN '2026-12-31' END,
    sealed_texts = COALESCE(NULL, sealed_texts)
  WHERE id = :id AND version = :c_version
    AND handlers = '["gl-' || :c_grid || '","officer-' || :r || '"]';
UPDATE cases SET state = 'assigned', version = :v_next, category = :c_category, title = :c_title,
    description = :c_description, channel = :c_channel, community = :c_community, grid = :c_grid,
    micro_grid = :c_micro_grid, address = :c_address, urgency = :c_urgency,
    risk_level = :c_risk_level, confidential = :c_confidential, department = 'police',
    assignees = '["officer-' || :r || '"]', parties = COALESCE(NULL, parties), parties_masked = :c_parties_masked,
    facts = '{"co_handlers":["gl-' || :c_grid || '"]}',
    handlers = '["gl-' || :c_grid || '","officer-' || :r || '"]', return_count = 0,
    arbitration = 0, duplicate_of = NULL, deadline = 1782592000000 + :n,
    updated_at = 1780000000000 + :n,
    last_hash = '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92',
    clock = '{"step":"mediation","duration":"30d","started_at": 1780000000000,"generation": 3,"warned": false,"breached": false,"escalated": false}',
    kpi_dispatched_at = CASE WHEN :evi >= 2 THEN 1780000000000 + :n END,
    kpi_handled_at = CASE WHEN :evi >= 3 THEN 1780000000000 + :n END,
    kpi_closed_at = CASE WHEN :evi = 7 THEN 1780000000000 + :n END, kpi_ack_in_time = NULL,
    kpi_arbitrations = 0, kpi_extensions = 0, kpi_extensions_approved = 0, kpi_escalations = 0,
    kpi_visit = CASE WHEN :evi >= 6 THEN 'satisfied' END,
    kpi_resolved = CASE WHEN :evi >= 6 THEN 1 END, kpi_mediated = CASE WHEN :evi >= 3 THEN 1 ELSE 0 END,
    kpi_agreement = CASE WHEN :evi >= 4 THEN 1 ELSE 0 END, kpi_failed = 0, kpi_refused = 0,
    kpi_performed = CASE WHEN :evi >= 5 THEN 1 ELSE 0 END, kpi_judicial_applied = 0,
    kpi_judicial_confirmed = 0, kpi_performance_due = CASE WHEN :evi >= 4 THEN '2026-12-31' END,
    sealed_texts = COALESCE(NULL, sealed_texts)
  WHERE id = :id AND version = :c_version;
DELETE FROM case_assignees WHERE case_id = :id;
INSERT INTO case_assignees (case_id, assignee) VALUES (:id, 'gl-' || :c_grid);
INSERT INTO case_assignees (case_id, assignee) VALUES (:id, 'officer-' || :r);
INSERT INTO history (case_id, seq, at, actor, event, from_state, to_state, data, prev_hash, hash)
  VALUES (:id, :v_next, 1780000000000 + :n, 'admin', 'assign', :c_state, 'assigned',
          '{"assignees":["officer-7"],"department":"police","routed_by":"dispatcher","co_handlers":["gl-' || :c_grid || '"]}',
          :c_last_hash, '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92');
DELETE FROM timers WHERE case_id = :id AND state = 'pending';
INSERT INTO timers (case_id, kind, step, generation, due_at, created_at)
  VALUES (:id, 'warning', 'mediation', 3, 1782073600000 + :n, 1780000000000 + :n);
INSERT INTO timers (case_id, kind, step, generation, due_at, created_at)
  VALUES (:id, 'breach', 'mediation', 3, 1782592000000 + :n, 1780000000000 + :n);
INSERT INTO timers (case_id, kind, step, generation, due_at, created_at)
  VALUES (:id, 'escalation', 'mediation', 3, 1782595600000 + :n, 1780000000000 + :n);
INSERT INTO outbox (id, topic, case_id, payload, next_attempt_at, created_at)
  VALUES ('c' || :id || '.' || :v_next || '.case.dispatched.' || :r, 'case.dispatched', :id,
          '{"id":"c1.3.case.dispatched","topic":"case.dispatched","case":{"id": 1,"number":"JF-2026-000001","kind":"dispute","category":"neighbour","state":"assigned","urgency":"normal","risk_level":"low","location":{"community":"LF","grid":"LF-G01"},"assignment":{"department":"police","assignees":["officer-7"]},"deadline":"2026-12-26T21:39:29.809Z"},"event":{"seq": 3,"event":"assign","actor":"admin","at":"2026-11-26T21:39:29.809Z"},"to":{"department":"police","people":["officer-7"],"co_handlers":["gl-LF-G01"],"roles":[]}}',
          1780000000000 + :n, 1780000000000 + :n);
COMMIT;
\elif :evi = 3 or :evi = 6
WITH updated AS (
  UPDATE cases SET
      state = (ARRAY['accepted', 'assigned', 'mediating', 'agreement_reached', 'follow_up',
                     'follow_up', 'closed'])[:evi],
      version = :v_next, category = :c_category, title = :c_title,
      description = :c_description, channel = :c_channel, community = :c_community, grid = :c_grid,
      micro_grid = :c_micro_grid, address = :c_address, urgency = :c_urgency,
      risk_level = :c_risk_level, confidential = :c_confidential, department = :c_department,
      assignees = :c_assignees, parties = COALESCE(NULL, parties), parties_masked = :c_parties_masked,
      facts = (ARRAY['{}', '{}',
                     '{"co_handlers":["gl-' || :c_grid || '"]}', '{}', '{}',
                     '{"co_handlers":["gl-' || :c_grid || '"],"follow_up_recorded": true,"last_satisfaction":"satisfied"}',
                     '{}'])[:evi],
      handlers = :c_handlers, return_count = 0, arbitration = 0, duplicate_of = NULL,
      deadline = :c_deadline, updated_at = 1780000000000 + :n,
      last_hash = '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92',
      clock = :c_clock,
    kpi_dispatched_at = CASE WHEN :evi >= 2 THEN 1780000000000 + :n END,
    kpi_handled_at = CASE WHEN :evi >= 3 THEN 1780000000000 + :n END,
    kpi_closed_at = CASE WHEN :evi = 7 THEN 1780000000000 + :n END, kpi_ack_in_time = NULL,
    kpi_arbitrations = 0, kpi_extensions = 0, kpi_extensions_approved = 0, kpi_escalations = 0,
    kpi_visit = CASE WHEN :evi >= 6 THEN 'satisfied' END,
    kpi_resolved = CASE WHEN :evi >= 6 THEN 1 END, kpi_mediated = CASE WHEN :evi >= 3 THEN 1 ELSE 0 END,
    kpi_agreement = CASE WHEN :evi >= 4 THEN 1 ELSE 0 END, kpi_failed = 0, kpi_refused = 0,
    kpi_performed = CASE WHEN :evi >= 5 THEN 1 ELSE 0 END, kpi_judicial_applied = 0,
    kpi_judicial_confirmed = 0, kpi_performance_due = CASE WHEN :evi >= 4 THEN '2026-12-31' END,
    sealed_texts = COALESCE(NULL, sealed_texts)
    WHERE id = :id AND version = :c_version AND handlers = :c_handlers
    RETURNING id)
INSERT INTO history (case_id, seq, at, actor, event, from_state, to_state, data, prev_hash, hash)
  SELECT :id, :v_next, 1780000000000 + :n, 'admin',
         (ARRAY['accept', 'assign', 'start_mediation', 'reach_agreement', 'confirm_performance',
                'record_follow_up', 'close'])[:evi],
         :c_state,
         (ARRAY['accepted', 'assigned', 'mediating', 'agreement_reached', 'follow_up',
                'follow_up', 'closed'])[:evi],
         (ARRAY['{}', '{}', '{}', '{}', '{}',
                '{"note":"回访双方，维修已完成，无新的矛盾。","satisfaction":"satisfied"}',
                '{}'])[:evi],
         :c_last_hash, '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92'
    FROM updated;
\else
-- accept (1), reach_agreement (4), confirm_performance (5), close (7): one
-- statement, as the engine's (kTransitionWithTimers in
-- adapters/storage/case_statements.cpp): the UPDATE, then from its row the
-- history row, the pending timers' deletion and the new timers (none after
-- close), atomic in autocommit.
WITH updated AS (
  UPDATE cases SET
      state = (ARRAY['accepted', 'assigned', 'mediating', 'agreement_reached', 'follow_up',
                     'follow_up', 'closed'])[:evi],
      version = :v_next, category = :c_category, title = :c_title,
      description = :c_description, channel = :c_channel, community = :c_community, grid = :c_grid,
      micro_grid = :c_micro_grid, address = :c_address, urgency = :c_urgency,
      risk_level = :c_risk_level, confidential = :c_confidential, department = :c_department,
      assignees = :c_assignees, parties = COALESCE(NULL, parties), parties_masked = :c_parties_masked,
      facts = (ARRAY['{}', '{}', '{}',
                     '{"co_handlers":["gl-' || :c_grid || '"]}',
                     '{"co_handlers":["gl-' || :c_grid || '"],"follow_up_recorded": false}', '{}',
                     '{"co_handlers":["gl-' || :c_grid || '"],"follow_up_recorded": true,"last_satisfaction":"satisfied"}'])[:evi],
      handlers = :c_handlers, return_count = 0, arbitration = 0, duplicate_of = NULL,
      deadline = CASE WHEN :evi = 7 THEN NULL ELSE 1780259200000 + :n END,
      updated_at = 1780000000000 + :n,
      last_hash = '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92',
      clock = (ARRAY['{"step":"assign","duration":"1wd","started_at": 1780000000000,"generation": 2,"warned": false,"breached": false,"escalated": false}',
                     '{}', '{}',
                     '{"step":"judicial_confirmation","duration":"30d","started_at": 1780000000000,"generation": 4,"warned": false,"breached": false,"escalated": false}',
                     '{"step":"follow_up","duration":"3wd","started_at": 1780000000000,"generation": 5,"warned": false,"breached": false,"escalated": false}',
                     '{}',
                     '{"step":"","duration":"","started_at": 0,"generation": 6,"warned": false,"breached": false,"escalated": false}'])[:evi],
      kpi_dispatched_at = CASE WHEN :evi >= 2 THEN 1780000000000 + :n END,
      kpi_handled_at = CASE WHEN :evi >= 3 THEN 1780000000000 + :n END,
      kpi_closed_at = CASE WHEN :evi = 7 THEN 1780000000000 + :n END, kpi_ack_in_time = NULL,
      kpi_arbitrations = 0, kpi_extensions = 0, kpi_extensions_approved = 0, kpi_escalations = 0,
      kpi_visit = CASE WHEN :evi >= 6 THEN 'satisfied' END,
      kpi_resolved = CASE WHEN :evi >= 6 THEN 1 END, kpi_mediated = CASE WHEN :evi >= 3 THEN 1 ELSE 0 END,
      kpi_agreement = CASE WHEN :evi >= 4 THEN 1 ELSE 0 END, kpi_failed = 0, kpi_refused = 0,
      kpi_performed = CASE WHEN :evi >= 5 THEN 1 ELSE 0 END, kpi_judicial_applied = 0,
      kpi_judicial_confirmed = 0, kpi_performance_due = CASE WHEN :evi >= 4 THEN '2026-12-31' END,
    sealed_texts = COALESCE(NULL, sealed_texts)
    WHERE id = :id AND version = :c_version AND handlers = :c_handlers
    RETURNING id),
logged AS (
  INSERT INTO history (case_id, seq, at, actor, event, from_state, to_state, data, prev_hash, hash)
  SELECT :id, :v_next, 1780000000000 + :n, 'admin',
          (ARRAY['accept', 'assign', 'start_mediation', 'reach_agreement', 'confirm_performance',
                 'record_follow_up', 'close'])[:evi],
          :c_state,
          (ARRAY['accepted', 'assigned', 'mediating', 'agreement_reached', 'follow_up',
                 'follow_up', 'closed'])[:evi],
          (ARRAY['{}', '{}', '{}',
                 '{"performance_due":"2026-12-31","terms":"楼上住户承担维修费用八百元，十日内完成维修。"}',
                 '{}', '{}', '{}'])[:evi],
          :c_last_hash, '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92'
    FROM updated),
dropped AS (
  DELETE FROM timers WHERE case_id = (SELECT id FROM updated) AND state = 'pending'),
added AS (
  INSERT INTO timers (case_id, kind, step, generation, due_at, created_at)
  SELECT updated.id, t.kind, t.step, t.generation, t.due_at, 1780000000000 + :n
    FROM updated,
         unnest(CAST(CASE WHEN :evi = 7 THEN '{}' ELSE '{warning,breach,escalation}' END AS text[]),
                CAST((ARRAY['{assign,assign,assign}', '{}', '{}',
                            '{judicial_confirmation,judicial_confirmation,judicial_confirmation}',
                            '{follow_up,follow_up,follow_up}', '{}', '{}'])[:evi] AS text[]),
                CAST(CASE WHEN :evi = 7 THEN '{}'
                          ELSE '{' || (1 + :evi) || ',' || (1 + :evi) || ',' || (1 + :evi) || '}'
                     END AS bigint[]),
                CAST(CASE WHEN :evi = 7 THEN '{}'
                          ELSE '{' || (1782073600000 + :n) || ',' || (1782592000000 + :n) || ','
                               || (1782595600000 + :n) || '}'
                     END AS bigint[]))
           AS t(kind, step, generation, due_at))
SELECT count(*) FROM updated;
\endif
