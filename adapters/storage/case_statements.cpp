// The case transaction's statements (case_statements.hpp): every SQL text a
// case write runs, prepared once per pooled connection.
#include "adapters/storage/case_statements.hpp"

#include <set>
#include <string>

#include "adapters/storage/dialect.hpp"
#include "adapters/storage/migration_access_generation.hpp"

namespace outpost::storage {

namespace {

template <class Statement>
void bind_derived_use(Statement& st, CaseRow& r) {
  st.exchange(soci::use(r.handlers, "handlers"));
  st.exchange(soci::use(r.return_count, "return_count"));
  st.exchange(soci::use(r.arbitration, "arbitration"));
  st.exchange(soci::use(r.escalated, "escalated"));
  st.exchange(soci::use(r.duplicate_of, r.duplicate_of_ind, "duplicate_of"));
}

// Binds the columns a transition may change (all but id, number, kind and
// created_at). SOCI binds by name, so the order of the binds is free.
template <class Statement>
void bind_mutable_use(Statement& st, CaseRow& r) {
  st.exchange(soci::use(r.state, "state"));
  st.exchange(soci::use(r.version, "version"));
  st.exchange(soci::use(r.category, "category"));
  st.exchange(soci::use(r.title, "title"));
  st.exchange(soci::use(r.description, "description"));
  st.exchange(soci::use(r.channel, "channel"));
  st.exchange(soci::use(r.community, "community"));
  st.exchange(soci::use(r.grid, "grid"));
  st.exchange(soci::use(r.micro_grid, "micro_grid"));
  st.exchange(soci::use(r.address, "address"));
  st.exchange(soci::use(r.urgency, "urgency"));
  st.exchange(soci::use(r.risk_level, "risk_level"));
  st.exchange(soci::use(r.confidential, "confidential"));
  st.exchange(soci::use(r.department, "department"));
  st.exchange(soci::use(r.assignees, "assignees"));
  st.exchange(soci::use(r.parties, r.parties_ind, "parties"));
  st.exchange(soci::use(r.parties_masked, "parties_masked"));
  st.exchange(soci::use(r.facts, "facts"));
  bind_derived_use(st, r);
  st.exchange(soci::use(r.deadline, r.deadline_ind, "deadline"));
  st.exchange(soci::use(r.updated_at, "updated_at"));
  st.exchange(soci::use(r.last_hash, "last_hash"));
  st.exchange(soci::use(r.clock, "clock"));
  r.milestones.bind_use(st);
  st.exchange(soci::use(r.sealed_texts, r.sealed_texts_ind, "sealed_texts"));
}

// Binds every use-column of a case except id (which the database assigns).
template <class Statement>
void bind_case_use(Statement& st, CaseRow& r) {
  st.exchange(soci::use(r.number, "number"));
  st.exchange(soci::use(r.kind, "kind"));
  bind_mutable_use(st, r);
  st.exchange(soci::use(r.created_at, "created_at"));
}

// Columns a transition may change; number, kind and created_at never change.
// A null parties or sealed_texts keeps the stored value (KeptColumns: the
// change left them as they were).
const std::string kUpdateCase =
    std::string(
        "UPDATE cases SET state = :state, version = :version, category = :category, title = :title,"
        " description = :description, channel = :channel, community = :community, grid = :grid,"
        " micro_grid = :micro_grid, address = :address, urgency = :urgency,"
        " risk_level = :risk_level, confidential = :confidential, department = :department,"
        " assignees = :assignees, parties = COALESCE(:parties, parties),"
        " parties_masked = :parties_masked,"
        " facts = :facts, handlers = :handlers,"
        " return_count = :return_count, arbitration = :arbitration, escalated = :escalated,"
        " duplicate_of = :duplicate_of, deadline = :deadline, updated_at = :updated_at, last_hash "
        "= :last_hash, clock = "
        ":clock, ") +
    kMilestoneAssignments +
    ", sealed_texts = COALESCE(:sealed_texts, sealed_texts)"
    " WHERE id = :id AND version = :expected_version";

template <class Statement>
void bind_case_update(Statement& st, CaseRow& r, std::int64_t& expected_version) {
  bind_mutable_use(st, r);
  st.exchange(soci::use(r.id, "id"));
  st.exchange(soci::use(expected_version, "expected_version"));
}

template <class Statement>
void bind_history_use(Statement& st, HistoryRow& h) {
  st.exchange(soci::use(h.case_id, "case_id"));
  st.exchange(soci::use(h.seq, "seq"));
  st.exchange(soci::use(h.at, "at"));
  st.exchange(soci::use(h.actor, "actor"));
  st.exchange(soci::use(h.event, "event"));
  st.exchange(soci::use(h.from_state, "from_state"));
  st.exchange(soci::use(h.to_state, "to_state"));
  st.exchange(soci::use(h.data, "data"));
  st.exchange(soci::use(h.prev_hash, "prev_hash"));
  st.exchange(soci::use(h.hash, "hash"));
}

// PostgreSQL only: the common transition (handlers unchanged, no
// Idempotency-Key) as ONE statement, atomic on its own in autocommit, so it
// costs one round trip instead of BEGIN, UPDATE, INSERT and COMMIT. The history
// row is inserted only when the version-checked UPDATE matched.
const std::string kTransitionInOneStatement =
    "WITH updated AS (" + kUpdateCase +
    " AND handlers = :handlers RETURNING id)"
    " INSERT INTO history (case_id, seq, at, actor, event, from_state, to_state, data,"
    " prev_hash, hash)"
    " SELECT CAST(:case_id AS bigint), CAST(:seq AS bigint), CAST(:at AS bigint),"
    " CAST(:actor AS text), CAST(:event AS text), CAST(:from_state AS text),"
    " CAST(:to_state AS text), CAST(:data AS text), CAST(:prev_hash AS text),"
    " CAST(:hash AS text) FROM updated";

// unnest keeps the arrays' order, so timers are stored in the order given.
constexpr const char* kTimersOfArrays =
    "unnest(CAST(:kinds AS text[]), CAST(:steps AS text[]),"
    " CAST(:generations AS bigint[]), CAST(:dues AS bigint[]))"
    " AS t(kind, step, generation, due_at)";

// PostgreSQL only: a transition that starts a new step's clock or stops it
// (its pending timers replaced, no notification) as one statement. The
// sub-statements write only when the version- and handlers-checked UPDATE
// matched: the history row and the new timers are selected from its row, and
// the pending timers deleted are the updated case's (the scalar subquery runs
// the UPDATE first, so the case row is locked before any timer row, as in the
// transaction). Answers how many cases were updated, 1 or 0.
const std::string kTransitionWithTimers =
    "WITH updated AS (" + kUpdateCase +
    " AND handlers = :handlers RETURNING id),"
    " logged AS (INSERT INTO history (case_id, seq, at, actor, event, from_state, to_state,"
    " data, prev_hash, hash)"
    " SELECT CAST(:case_id AS bigint), CAST(:seq AS bigint), CAST(:at AS bigint),"
    " CAST(:actor AS text), CAST(:event AS text), CAST(:from_state AS text),"
    " CAST(:to_state AS text), CAST(:data AS text), CAST(:prev_hash AS text),"
    " CAST(:hash AS text) FROM updated),"
    " dropped AS (DELETE FROM timers WHERE case_id = (SELECT id FROM updated)"
    " AND state = 'pending'),"
    " added AS (INSERT INTO timers (case_id, kind, step, generation, due_at, created_at)"
    " SELECT updated.id, t.kind, t.step, t.generation, t.due_at,"
    " CAST(:timers_created_at AS bigint) FROM updated, " +
    std::string(kTimersOfArrays) + ") SELECT count(*) FROM updated";

}  // namespace

constexpr const char* kInsertTimersPrefix =
    "INSERT INTO timers (case_id, kind, step, generation, due_at, created_at)"
    " SELECT :case_id, t.kind, t.step, t.generation, t.due_at, :created_at FROM ";

CaseStatements::CaseStatements(soci::session& sql, const PiiCipher* cipher)
    : next_counter(FastStatement(sql,
                                 "INSERT INTO counters (name, value) VALUES (:name, 1)"
                                 " ON CONFLICT (name) DO UPDATE SET value = counters.value + 1"
                                 " RETURNING value",
                                 [this](auto& st) {
                                   st.exchange(soci::use(counter_name, "name"));
                                   st.exchange(soci::into(counter_value));
                                 })),
      insert_case(FastStatement(
          sql,
          "INSERT INTO cases (number, kind, state, version, category, title,"
          " description, channel, community, grid, micro_grid, address, urgency,"
          " risk_level, confidential, department, assignees, parties, parties_masked, facts,"
          " handlers, return_count, arbitration, escalated, duplicate_of,"
          " deadline, created_at, updated_at, last_hash, clock, sealed_texts, kpi_parties, " +
              std::string(kMilestoneColumns) +
              ") VALUES (:number, :kind, :state, :version, :category, :title,"
              " :description, :channel, :community, :grid, :micro_grid,"
              " :address, :urgency, :risk_level, :confidential, :department,"
              " :assignees, :parties, :parties_masked, :facts, :handlers, :return_count,"
              " :arbitration, :escalated, :duplicate_of, :deadline, :created_at, :updated_at,"
              " :last_hash, :clock, :sealed_texts, :kpi_parties, " +
              kMilestoneValues + ") RETURNING id",
          [this](auto& st) {
            bind_case_use(st, case_row);
            st.exchange(soci::use(case_row.kpi_parties, case_row.kpi_parties_ind, "kpi_parties"));
            st.exchange(soci::into(case_row.id));
          })),
      set_last_hash(FastStatement(sql, "UPDATE cases SET last_hash = :last_hash WHERE id = :id",
                                  [this](auto& st) {
                                    st.exchange(soci::use(case_row.last_hash, "last_hash"));
                                    st.exchange(soci::use(case_row.id, "id"));
                                  })),
      update_case_same_assignees(
          FastStatement(sql, kUpdateCase + " AND handlers = :handlers",
                        [this](auto& st) { bind_case_update(st, case_row, expected_version); })),
      update_case(
          FastStatement(sql, kUpdateCase,
                        [this](auto& st) { bind_case_update(st, case_row, expected_version); })),
      delete_assignees(
          FastStatement(sql, "DELETE FROM case_assignees WHERE case_id = :case_id",
                        [this](auto& st) { st.exchange(soci::use(assignee_case_id, "case_id")); })),
      insert_assignee(FastStatement(sql,
                                    "INSERT INTO case_assignees (case_id, assignee)"
                                    " VALUES (:case_id, :assignee)",
                                    [this](auto& st) {
                                      st.exchange(soci::use(assignee_case_id, "case_id"));
                                      st.exchange(soci::use(assignee, "assignee"));
                                    })),
      insert_history(
          FastStatement(sql,
                        "INSERT INTO history (case_id, seq, at, actor, event, from_state,"
                        " to_state, data, prev_hash, hash) VALUES (:case_id, :seq, :at,"
                        " :actor, :event, :from_state, :to_state, :data, :prev_hash, :hash)",
                        [this](auto& st) { bind_history_use(st, history_row); })),
      transition_in_one_statement(dialect_of(sql) == Dialect::postgresql
                                      ? FastStatement(sql, kTransitionInOneStatement,
                                                      [this](auto& st) {
                                                        bind_case_update(st, case_row,
                                                                         expected_version);
                                                        bind_history_use(st, history_row);
                                                      })
                                      : FastStatement(sql)),
      insert_idempotency(
          FastStatement(sql,
                        "INSERT INTO idempotency_keys (user_id, scope, key, fingerprint,"
                        " case_id, created_at) VALUES (:user_id, :scope, :key,"
                        " :fingerprint, :case_id, :created_at)",
                        [this](auto& st) {
                          IdempotencyRow& i = idempotency_row;
                          st.exchange(soci::use(i.user_id, "user_id"));
                          st.exchange(soci::use(i.scope, "scope"));
                          st.exchange(soci::use(i.key, "key"));
                          st.exchange(soci::use(i.fingerprint, "fingerprint"));
                          st.exchange(soci::use(i.case_id, "case_id"));
                          st.exchange(soci::use(i.created_at, "created_at"));
                        })),
      select_case(select_with(sql, kCaseColumns, false)),
      select_case_shown(select_with(sql, kCaseShownColumns, false)),
      select_cases(select_with(sql, kCaseColumns, true)),
      select_cases_shown(select_with(sql, kCaseShownColumns, true)),
      select_history(
          FastStatement(sql,
                        "SELECT case_id, seq, at, actor, event, from_state, to_state, data,"
                        " prev_hash, hash FROM history WHERE case_id = :case_id"
                        " ORDER BY seq",
                        [this](auto& st) {
                          HistoryRow& h = history_row;
                          st.exchange(soci::into(h.case_id));
                          st.exchange(soci::into(h.seq));
                          st.exchange(soci::into(h.at));
                          st.exchange(soci::into(h.actor));
                          st.exchange(soci::into(h.event));
                          st.exchange(soci::into(h.from_state));
                          st.exchange(soci::into(h.to_state));
                          st.exchange(soci::into(h.data));
                          st.exchange(soci::into(h.prev_hash));
                          st.exchange(soci::into(h.hash));
                          st.exchange(soci::use(lookup_id, "case_id"));
                        })),
      select_idempotency(
          FastStatement(sql,
                        "SELECT fingerprint, case_id, answer FROM idempotency_keys"
                        " WHERE user_id = :user_id AND scope = :scope AND key = :key",
                        [this](auto& st) {
                          IdempotencyRow& i = idempotency_row;
                          st.exchange(soci::into(i.fingerprint));
                          st.exchange(soci::into(i.case_id));
                          st.exchange(soci::into(i.answer, i.answer_indicator));
                          st.exchange(soci::use(i.user_id, "user_id"));
                          st.exchange(soci::use(i.scope, "scope"));
                          st.exchange(soci::use(i.key, "key"));
                        })),
      count_cases(FastStatement(sql, "SELECT count(*) FROM cases",
                                [this](auto& st) { st.exchange(soci::into(count)); })),
      select_duplicates(FastStatement(sql,
                                      "SELECT id FROM cases WHERE duplicate_of = :id ORDER BY id",
                                      [this](auto& st) {
                                        st.exchange(soci::into(duplicate_id));
                                        st.exchange(soci::use(lookup_id, "id"));
                                      })),
      delete_pending_timers(FastStatement(
          sql, "DELETE FROM timers WHERE case_id = :case_id AND state = 'pending'",
          [this](auto& st) { st.exchange(soci::use(timer_row.case_id, "case_id")); })),
      insert_timer(
          FastStatement(sql,
                        "INSERT INTO timers (case_id, kind, step, generation, due_at,"
                        " created_at) VALUES (:case_id, :kind, :step, :generation, :due_at,"
                        " :created_at)",
                        [this](auto& st) {
                          TimerRowBuffer& t = timer_row;
                          st.exchange(soci::use(t.case_id, "case_id"));
                          st.exchange(soci::use(t.kind, "kind"));
                          st.exchange(soci::use(t.step, "step"));
                          st.exchange(soci::use(t.generation, "generation"));
                          st.exchange(soci::use(t.due_at, "due_at"));
                          st.exchange(soci::use(t.created_at, "created_at"));
                        })),
      insert_outbox(
          FastStatement(sql,
                        "INSERT INTO outbox (id, topic, case_id, payload, next_attempt_at,"
                        " created_at) VALUES (:id, :topic, :case_id, :payload, :created_at,"
                        " :created_at)",
                        [this](auto& st) {
                          OutboxRowBuffer& o = outbox_row;
                          st.exchange(soci::use(o.id, "id"));
                          st.exchange(soci::use(o.topic, "topic"));
                          st.exchange(soci::use(o.case_id, "case_id"));
                          st.exchange(soci::use(o.payload, "payload"));
                          st.exchange(soci::use(o.created_at, "created_at"));
                        })),
      insert_phone(FastStatement(sql,
                                 "INSERT INTO case_phones (case_id, phone_index)"
                                 " VALUES (:case_id, :phone_index) ON CONFLICT DO NOTHING",
                                 [this](auto& st) {
                                   st.exchange(soci::use(phone_row.case_id, "case_id"));
                                   st.exchange(soci::use(phone_row.phone_index, "phone_index"));
                                 })),
      delete_phones(FastStatement(
          sql, "DELETE FROM case_phones WHERE case_id = :case_id",
          [this](auto& st) { st.exchange(soci::use(phone_row.case_id, "case_id")); })),
      forget_note_originals(FastStatement(
          sql, "UPDATE notes SET sealed_body = '' WHERE case_id = :case_id",
          [this](auto& st) { st.exchange(soci::use(phone_row.case_id, "case_id")); })),
      forget_documents(FastStatement(
          sql, "UPDATE documents SET content = '' WHERE case_id = :case_id",
          [this](auto& st) { st.exchange(soci::use(phone_row.case_id, "case_id")); })),
      insert_timers(dialect_of(sql) == Dialect::postgresql
                        ? FastStatement(sql, std::string(kInsertTimersPrefix) + kTimersOfArrays,
                                        [this](auto& st) {
                                          st.exchange(soci::use(timer_row.case_id, "case_id"));
                                          st.exchange(soci::use(timer_kinds, "kinds"));
                                          st.exchange(soci::use(timer_steps, "steps"));
                                          st.exchange(soci::use(timer_generations, "generations"));
                                          st.exchange(soci::use(timer_dues, "dues"));
                                          st.exchange(
                                              soci::use(timer_row.created_at, "created_at"));
                                        })
                        : FastStatement(sql)),
      transition_with_timers(
          dialect_of(sql) == Dialect::postgresql
              ? FastStatement(sql, kTransitionWithTimers,
                              [this](auto& st) {
                                bind_case_update(st, case_row, expected_version);
                                bind_history_use(st, history_row);
                                st.exchange(soci::use(timer_row.created_at, "timers_created_at"));
                                st.exchange(soci::use(timer_kinds, "kinds"));
                                st.exchange(soci::use(timer_steps, "steps"));
                                st.exchange(soci::use(timer_generations, "generations"));
                                st.exchange(soci::use(timer_dues, "dues"));
                                st.exchange(soci::into(changed_cases));
                              })
              : FastStatement(sql)) {
  case_row.cipher = cipher;
  postgresql = dialect_of(sql) == Dialect::postgresql;
}

FastStatement CaseStatements::select_with(soci::session& sql, const std::string& columns,
                                          bool many) {
  // Many ids at once: PostgreSQL only (unprepared on SQLite).
  if (many && dialect_of(sql) != Dialect::postgresql) return FastStatement(sql);
  return FastStatement(sql,
                       "SELECT " + columns + ", " + kAccessGenerationColumn + " FROM cases WHERE " +
                           (many ? "id = ANY(CAST(:ids AS bigint[]))" : "id = :id"),
                       [this, many](auto& st) {
                         bind_case_into(st, case_row);
                         st.exchange(soci::into(access_generation));
                         if (many) {
                           st.exchange(soci::use(lookup_ids, "ids"));
                         } else {
                           st.exchange(soci::use(lookup_id, "id"));
                         }
                       });
}

void insert_history(CaseStatements& st, const HistoryEntry& entry) {
  st.history_row.assign(entry);
  st.insert_history.execute(true);
}

void insert_assignees(CaseStatements& st, CaseId id, const std::vector<std::string>& assignees) {
  st.assignee_case_id = id;
  for (const std::string& a : std::set<std::string>(assignees.begin(), assignees.end())) {
    st.assignee = a;
    st.insert_assignee.execute(true);
  }
}

bool update_case_row(CaseStatements& st, const Case& updated, std::int64_t expected_version,
                     KeptColumns kept) {
  st.case_row.assign(updated, kept);
  st.expected_version = expected_version;
  // Most transitions keep the handlers: then the first UPDATE matches and
  // case_assignees stays as it is. Otherwise the second one decides between
  // "handlers changed" and "somebody else changed the case".
  st.update_case_same_assignees.execute(true);
  if (st.update_case_same_assignees.get_affected_rows() == 0) {
    st.update_case.execute(true);
    if (st.update_case.get_affected_rows() == 0) return false;
    st.assignee_case_id = updated.id;
    st.delete_assignees.execute(true);
    insert_assignees(st, updated.id, handler_entries(updated));
  }
  return true;
}

namespace {

void set_timer_arrays(CaseStatements& st, CaseId id, const std::vector<TimerRow>& timers,
                      Millis at) {
  st.timer_row.case_id = id;
  st.timer_row.created_at = at;
  st.timer_kinds = array_literal(timers, [](const TimerRow& t) { return t.kind; });
  st.timer_steps = array_literal(timers, [](const TimerRow& t) { return t.step; });
  st.timer_generations =
      array_literal(timers, [](const TimerRow& t) { return std::to_string(t.generation); });
  st.timer_dues = array_literal(timers, [](const TimerRow& t) { return std::to_string(t.due_at); });
}

// One round trip for all of a write's timers instead of one per timer.
void insert_timers_at_once(CaseStatements& st, CaseId id, const std::vector<TimerRow>& timers,
                           Millis at) {
  set_timer_arrays(st, id, timers, at);
  st.insert_timers.execute(true);
}

}  // namespace

void write_effects(CaseStatements& st, CaseId id, const SideEffects& effects, Millis at) {
  st.timer_row.case_id = id;
  if (effects.replace_timers) st.delete_pending_timers.execute(true);
  if (effects.forget_phones) {
    st.phone_row.case_id = id;
    st.delete_phones.execute(true);
    st.forget_note_originals.execute(true);
    st.forget_documents.execute(true);
  }
  if (effects.timers.size() > 1 && st.postgresql) {
    insert_timers_at_once(st, id, effects.timers, at);
  } else {
    for (const TimerRow& t : effects.timers) {
      st.timer_row = {id, t.kind, t.step, t.generation, t.due_at, at};
      st.insert_timer.execute(true);
    }
  }
  for (const OutboxMessage& m : effects.outbox) {
    st.outbox_row = {m.id, m.topic, id, m.payload, m.created_at};
    st.insert_outbox.execute(true);
  }
}

bool commit_in_one_statement(CaseStatements& st, const Case& updated, std::int64_t expected_version,
                             const HistoryEntry& entry, const IdempotencyKey* idem,
                             const SideEffects* effects, KeptColumns kept) {
  const bool only_timers = effects != nullptr && effects->replace_timers &&
                           !effects->forget_phones && effects->outbox.empty();
  if (!st.postgresql || idem != nullptr || (effects != nullptr && !only_timers)) return false;
  st.case_row.assign(updated, kept);
  st.expected_version = expected_version;
  st.history_row.assign(entry);
  if (effects == nullptr) {
    st.transition_in_one_statement.execute(true);
    return st.transition_in_one_statement.get_affected_rows() == 1;
  }
  set_timer_arrays(st, updated.id, effects->timers, entry.at);
  st.changed_cases = 0;
  st.transition_with_timers.execute(true);
  return st.changed_cases == 1;
}

// The idempotency key's row, in the caller's transaction; the answer comes later.
void record_key(CaseStatements& st, const IdempotencyKey& idem, CaseId case_id, Millis at) {
  st.idempotency_row = {idem.user_id, idem.scope, idem.key,     idem.fingerprint,
                        case_id,      {},         soci::i_null, at};
  try {
    st.insert_idempotency.execute(true);
  } catch (const soci::soci_error& e) {
    if (is_unique_violation(e)) throw IdempotencyRace{};
    throw;
  }
}

}  // namespace outpost::storage
