// File: adapters/storage/case_statements.hpp
//
// The prepared statements of a case transaction, one set per pooled
// connection: whoever writes a case (SociCaseStore, and the timer, annotation
// and privacy stores when they change one) uses this set, so one transaction
// can change the case, append its history and write its timers, outbox rows
// and phone index (write_effects). The set is created on a connection's first
// use and dropped after an error (Lease::discard_statements).
//
//   CaseStatements& st = lease.prepared<CaseStatements>();
//   st.lookup_id = 42;
//   if (fetch_one(st.select_case)) Case c = st.case_row.to_case();
//
//   Transaction tx(lease.sql(), lease.dialect());
//   if (!update_case_row(st, updated, expected_version)) return conflict;
//   insert_history(st, entry);
//   write_effects(st, updated.id, effects, entry.at);
//   tx.commit();
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/pg_statement.hpp"
#include "adapters/storage/rows.hpp"
#include "engine/access/pii.hpp"
#include "engine/cases/case.hpp"
#include "engine/cases/case_store.hpp"

namespace outpost::storage {

class CaseStatements final : public PreparedSet {
 public:
  static constexpr std::size_t kSlot = kCaseStatementsSlot;
  // `cipher` seals and opens case_row.parties; null: in clear.
  CaseStatements(soci::session& sql, const PiiCipher* cipher);

  // Buffers.
  CaseRow case_row;
  HistoryRow history_row;
  IdempotencyRow idempotency_row;
  TimerRowBuffer timer_row;
  PhoneRowBuffer phone_row;
  OutboxRowBuffer outbox_row;
  std::string counter_name;
  std::int64_t counter_value = 0;
  std::int64_t expected_version = 0;
  std::int64_t assignee_case_id = 0;
  std::string assignee;
  std::int64_t lookup_id = 0;
  std::string lookup_ids;  // a PostgreSQL array literal of ids: "{1,2,3}"
  std::int64_t access_generation = 0;
  std::int64_t count = 0;
  std::int64_t duplicate_id = 0;

  // counter_name -> counter_value (the next number of that counter).
  FastStatement next_counter;
  // case_row (all but id) -> case_row.id.
  FastStatement insert_case;
  // case_row.id, case_row.last_hash.
  FastStatement set_last_hash;
  // case_row, expected_version. The first matches only when the stored
  // handlers equal case_row.handlers, so the common transition needs one
  // UPDATE and no case_assignees rewrite; see commit_transition.
  FastStatement update_case_same_assignees;
  FastStatement update_case;
  // assignee_case_id (, assignee).
  FastStatement delete_assignees;
  FastStatement insert_assignee;
  // history_row.
  FastStatement insert_history;
  // PostgreSQL only (unprepared on SQLite, which has no data-modifying WITH):
  // case_row, expected_version, history_row in one statement; affects one row
  // when the case was at expected_version with the same handlers, else none.
  FastStatement transition_in_one_statement;
  // idempotency_row.
  FastStatement insert_idempotency;
  // lookup_id -> case_row, access_generation (engine/access/access_epoch.hpp).
  FastStatement select_case;
  // select_case with kCaseShownColumns: the case for showing.
  FastStatement select_case_shown;
  // PostgreSQL only (unprepared on SQLite): lookup_ids -> case_row,
  // access_generation, one fetch per case found, in no particular order
  // (case_reads.hpp).
  FastStatement select_cases;
  // select_cases with kCaseShownColumns: the cases for showing (CaseReads).
  FastStatement select_cases_shown;
  // lookup_id -> history_row, one fetch per row, oldest first.
  FastStatement select_history;
  // idempotency_row.user_id, .scope, .key -> idempotency_row.
  FastStatement select_idempotency;
  // -> count.
  FastStatement count_cases;
  // lookup_id -> duplicate_id, one fetch per case rejected as its duplicate, ascending.
  FastStatement select_duplicates;
  // timer_row.case_id: drops the case's pending timers.
  FastStatement delete_pending_timers;
  // timer_row.
  FastStatement insert_timer;
  // outbox_row (due at once).
  FastStatement insert_outbox;
  // phone_row: one blind-index entry of a party's phone.
  FastStatement insert_phone;
  // phone_row.case_id: drops the case's phone index.
  FastStatement delete_phones;
  FastStatement forget_note_originals;  // de-identification: notes keep their masked body
  FastStatement forget_documents;       // de-identification: documents keep their hashes
  // PostgreSQL only (unprepared on SQLite): every timer of one write in one
  // statement, from timer_row.case_id, .created_at and the array literals.
  std::string timer_kinds, timer_steps, timer_generations, timer_dues;
  bool postgresql = false;  // data-modifying WITH and arrays
  FastStatement insert_timers;
  // PostgreSQL only (unprepared on SQLite): a transition that replaces the
  // case's pending timers (case_row, expected_version, history_row, the timer
  // array literals, timer_row.created_at) in one statement -> changed_cases:
  // 1 when the case was at expected_version with the same handlers and
  // everything was written, else 0 and nothing was.
  std::int64_t changed_cases = 0;
  FastStatement transition_with_timers;

 private:
  // The SELECT of `columns` (bound as kCaseColumns) and the access generation
  // of the case lookup_id, or (`many`) of the cases lookup_ids.
  FastStatement select_with(soci::session& sql, const std::string& columns, bool many);
};

// Pieces of a case transaction, for every writer of a case.
void insert_history(CaseStatements& st, const HistoryEntry& entry);
// Indexes `assignees` (deduplicated) in case_assignees for case `id`.
void insert_assignees(CaseStatements& st, CaseId id, const std::vector<std::string>& assignees);
// The version-checked UPDATE of the case row (and its case_assignees rows when
// its handlers changed); false when the case is no longer at expected_version.
// `kept`: stored columns the change leaves as they are (not written again).
bool update_case_row(CaseStatements& st, const Case& updated, std::int64_t expected_version,
                     KeptColumns kept = {});
// The idempotency key's row, in the caller's transaction; the answer comes
// later. `resource` is the case (or audit) the change belongs to. Throws
// IdempotencyRace when the key is taken.
void record_key(CaseStatements& st, const IdempotencyKey& idem, std::int64_t resource, Millis at);
// Timers and outbox rows of a change, for case `id`.
void write_effects(CaseStatements& st, CaseId id, const SideEffects& effects, Millis at);
// PostgreSQL: the common transition — handlers unchanged, no Idempotency-Key,
// no effects or only its pending timers replaced — in one statement, atomic in
// autocommit (one round trip instead of BEGIN ... COMMIT). True when it was
// written; false when it does not apply or the case is not at
// expected_version with the same handlers (then nothing was written, and the
// caller's transaction tells the two apart).
bool commit_in_one_statement(CaseStatements& st, const Case& updated, std::int64_t expected_version,
                             const HistoryEntry& entry, const IdempotencyKey* idem,
                             const SideEffects* effects, KeptColumns kept = {});

}  // namespace outpost::storage
