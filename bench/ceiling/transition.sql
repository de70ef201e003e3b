-- The ceiling for a transition: the statements CaseService::apply and
-- SociStore::find_case / commit_transition issue for one event
-- (adapters/storage/statements.cpp, soci_store.cpp), with pgbench -M prepared
-- like SOCI's prepared statements:
--   SELECT the case by id (autocommit, outside the transaction, as find_case);
--   BEGIN; version-checked UPDATE of every mutable column (WHERE id AND
--   version AND assignees); INSERT the history row; COMMIT.
-- The `assign` event changes the assignees, so there the first UPDATE matches
-- nothing and the engine runs the plain UPDATE, DELETE + INSERT case_assignees.
--
-- Each client walks its own cases (ids client_id+1, +clients, ...) through the
-- benchmark's lifecycle, one event per pgbench transaction, in the same order
-- as the HTTP scenario: accept, assign, start_mediation, reach_agreement,
-- confirm_performance, record_follow_up, close. Needs -D clients=C
-- -D per_client=P -D n=0 and clients*per_client seeded cases.
-- JSON literals keep a space after each colon: pgbench reads ":word" as a variable.
\set k :n / 7
\set evi 1 + :n % 7
\set id 1 + :client_id + :clients * (:k % :per_client)
\set n :n + 1
SELECT id, number, kind, state, version, category, title, description, channel, community, grid,
       micro_grid, address, urgency, risk_level, confidential, department, assignees, parties,
       facts, deadline, created_at, updated_at, last_hash
  FROM cases WHERE id = :id \gset c_
\set v_next :c_version + 1
BEGIN;
\if :evi = 2
UPDATE cases SET state = 'assigned', version = :v_next, category = :c_category, title = :c_title,
    description = :c_description, channel = :c_channel, community = :c_community, grid = :c_grid,
    micro_grid = :c_micro_grid, address = :c_address, urgency = :c_urgency,
    risk_level = :c_risk_level, confidential = :c_confidential, department = 'police',
    assignees = '["officer-' || :k || '"]', parties = :c_parties, facts = '{}', deadline = NULL,
    updated_at = 1780000000000 + :n,
    last_hash = '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92'
  WHERE id = :id AND version = :c_version AND assignees = '["officer-' || :k || '"]';
UPDATE cases SET state = 'assigned', version = :v_next, category = :c_category, title = :c_title,
    description = :c_description, channel = :c_channel, community = :c_community, grid = :c_grid,
    micro_grid = :c_micro_grid, address = :c_address, urgency = :c_urgency,
    risk_level = :c_risk_level, confidential = :c_confidential, department = 'police',
    assignees = '["officer-' || :k || '"]', parties = :c_parties, facts = '{}', deadline = NULL,
    updated_at = 1780000000000 + :n,
    last_hash = '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92'
  WHERE id = :id AND version = :c_version;
DELETE FROM case_assignees WHERE case_id = :id;
INSERT INTO case_assignees (case_id, assignee) VALUES (:id, 'officer-' || :k);
\else
UPDATE cases SET
    state = (ARRAY['accepted', 'assigned', 'mediating', 'agreement_reached', 'follow_up',
                   'follow_up', 'closed'])[:evi],
    version = :v_next, category = :c_category, title = :c_title,
    description = :c_description, channel = :c_channel, community = :c_community, grid = :c_grid,
    micro_grid = :c_micro_grid, address = :c_address, urgency = :c_urgency,
    risk_level = :c_risk_level, confidential = :c_confidential, department = :c_department,
    assignees = :c_assignees, parties = :c_parties,
    facts = '{"follow_up_recorded": true, "last_satisfaction": "satisfied"}', deadline = NULL,
    updated_at = 1780000000000 + :n,
    last_hash = '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92'
  WHERE id = :id AND version = :c_version AND assignees = :c_assignees;
\endif
INSERT INTO history (case_id, seq, at, actor, event, from_state, to_state, data, prev_hash, hash)
  VALUES (:id, :v_next, 1780000000000 + :n, 'admin',
          (ARRAY['accept', 'assign', 'start_mediation', 'reach_agreement', 'confirm_performance',
                 'record_follow_up', 'close'])[:evi],
          :c_state,
          (ARRAY['accepted', 'assigned', 'mediating', 'agreement_reached', 'follow_up',
                 'follow_up', 'closed'])[:evi],
          (ARRAY['{}', '{"department": "police", "assignees": ["officer-7"]}', '{}',
                 '{"terms": "楼上住户承担维修费用八百元，十日内完成维修。", "performance_due": "2026-12-31"}',
                 '{}', '{"satisfaction": "satisfied", "note": "回访双方，维修已完成，无新的矛盾。"}',
                 '{}'])[:evi],
          :c_last_hash,
          '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92');
COMMIT;
