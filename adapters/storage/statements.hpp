// File: adapters/storage/statements.hpp
//
// All SQL of the store's hot paths, in one place, prepared once per pooled
// connection. SOCI binds statements to the addresses of variables, so each
// `Statements` owns the row buffers its statements read and write: set the
// buffer, execute the statement, read the buffer. One `Statements` belongs to
// one connection and is used by one thread at a time; it is neither copied nor
// moved. Dropping it (after an error, before a reconnect) frees the server-side
// prepared statements.
//
//   Statements& st = ...;                  // the leased connection's set
//   st.lookup_id = 42;
//   if (fetch_one(st.select_case)) Case c = st.case_row.to_case();
#pragma once

#include <cstdint>
#include <string>

#include <soci/soci.h>

#include "engine/access/pii.hpp"
#include "engine/cases/case.hpp"
#include "engine/cases/store.hpp"
#include "engine/directory/directory.hpp"

namespace outpost::storage {

// The columns of `cases`, in the order `bind_case_into` binds them.
extern const char* const kCaseColumns;

struct CaseRow {
  std::int64_t id = 0;
  std::string number, kind, state;
  std::int64_t version = 0;
  std::string category, title, description, channel;
  std::string community, grid, micro_grid, address;
  std::string urgency, risk_level;
  int confidential = 0;
  std::string department;
  std::string assignees, parties, facts;  // JSON text
  // Derived from the case for lookups (migration 4): the handler set, and
  // mirrors of facts.returns, facts.arbitration and facts.duplicate_of.
  std::string handlers;  // JSON text, see handler_entries()
  std::int64_t return_count = 0;
  int arbitration = 0;
  std::int64_t duplicate_of = 0;
  soci::indicator duplicate_of_ind = soci::i_null;
  std::int64_t deadline = 0;
  soci::indicator deadline_ind = soci::i_null;
  std::int64_t created_at = 0, updated_at = 0;
  std::string last_hash;
  std::string clock;  // JSON text (StepClock), migration 6
  // Seals `parties` in assign() and opens it in to_case(); null: in clear.
  const PiiCipher* cipher = nullptr;

  void assign(const Case& c);
  Case to_case() const;
};

// Who handles a case, as indexed in case_assignees: its assignees, its
// co-handlers (facts.co_handlers) and "dept:<code>" for each co-department
// (facts.co_departments); sorted, without duplicates.
std::vector<std::string> handler_entries(const Case& c);

// Binds the columns of kCaseColumns to `row`, for a SELECT of a case.
void bind_case_into(soci::statement& st, CaseRow& row);

struct HistoryRow {
  std::int64_t case_id = 0, seq = 0, at = 0;
  std::string actor, event, from_state, to_state;
  std::string data;  // JSON text
  std::string prev_hash, hash;

  void assign(const HistoryEntry& e);
  HistoryEntry to_entry() const;
};

struct IdempotencyRow {
  std::int64_t user_id = 0;
  std::string scope, key, fingerprint;
  std::int64_t case_id = 0;
  std::string answer;
  soci::indicator answer_indicator = soci::i_null;  // i_null until the adapter saves its answer
  std::int64_t created_at = 0;
};

// One staff row as bound variables: SOCI binds by reference and has no bool.
struct StaffRow {
  std::string id, name, department, role, grid, micro_grid;
  int active = 1;
  std::int64_t updated_at = 0;

  void assign(const StaffMember& s, Millis now);
  StaffMember to_staff() const;
  // The columns of kStaffColumns, in order.
  void bind_into(soci::statement& st);
};

// The staff columns a SELECT reads into a StaffRow.
extern const char* const kStaffColumns;

struct PhoneRowBuffer {
  std::int64_t case_id = 0;
  std::string phone_index;
};

struct TimerRowBuffer {
  std::int64_t case_id = 0;
  std::string kind, step;
  std::int64_t generation = 0, due_at = 0, created_at = 0;
};

struct OutboxRowBuffer {
  std::string id, topic;
  std::int64_t case_id = 0;
  std::string payload;
  std::int64_t created_at = 0;
};

struct UserRow {
  std::int64_t id = 0;
  std::string username, display_name, role, department, grid;
  int disabled = 0;

  User to_user() const;
};

// Executes a statement that yields at most one row into its bound buffers;
// true when it did. Fetches once more so that SOCI 4.0.3 finishes (resets) the
// statement: an unfinished SQLite statement keeps its read snapshot, or its
// write, open past COMMIT.
bool fetch_one(soci::statement& st);

class Statements {
 public:
  // `cipher` seals and opens case_row.parties; null: in clear.
  Statements(soci::session& sql, const PiiCipher* cipher);
  Statements(const Statements&) = delete;
  Statements& operator=(const Statements&) = delete;

  // Buffers.
  CaseRow case_row;
  HistoryRow history_row;
  IdempotencyRow idempotency_row;
  UserRow user_row;
  StaffRow staff_row;
  TimerRowBuffer timer_row;
  PhoneRowBuffer phone_row;
  OutboxRowBuffer outbox_row;
  std::string counter_name;
  std::int64_t counter_value = 0;
  std::int64_t expected_version = 0;
  std::int64_t assignee_case_id = 0;
  std::string assignee;
  std::int64_t lookup_id = 0;
  std::string lookup_text;
  std::int64_t now = 0;
  std::int64_t count = 0;
  std::int64_t duplicate_id = 0;

  // counter_name -> counter_value (the next number of that counter).
  soci::statement next_counter;
  // case_row (all but id) -> case_row.id.
  soci::statement insert_case;
  // case_row.id, case_row.last_hash.
  soci::statement set_last_hash;
  // case_row, expected_version. The first matches only when the stored
  // handlers equal case_row.handlers, so the common transition needs one
  // UPDATE and no case_assignees rewrite; see commit_transition.
  soci::statement update_case_same_assignees;
  soci::statement update_case;
  // assignee_case_id (, assignee).
  soci::statement delete_assignees;
  soci::statement insert_assignee;
  // history_row.
  soci::statement insert_history;
  // PostgreSQL only (unprepared on SQLite, which has no data-modifying WITH):
  // case_row, expected_version, history_row in one statement; affects one row
  // when the case was at expected_version with the same handlers, else none.
  soci::statement transition_in_one_statement;
  // idempotency_row.
  soci::statement insert_idempotency;
  // lookup_id -> case_row.
  soci::statement select_case;
  // lookup_id -> history_row, one fetch per row, oldest first.
  soci::statement select_history;
  // idempotency_row.user_id, .scope, .key -> idempotency_row.
  soci::statement select_idempotency;
  // -> count.
  soci::statement count_cases;
  // lookup_id -> duplicate_id, one fetch per case rejected as its duplicate, ascending.
  soci::statement select_duplicates;
  // lookup_text (token hash), now -> user_row.
  soci::statement select_user_by_token;
  // lookup_text (a grid) -> staff_row: the grid's active grid leader with the
  // smallest id (byte-wise), if any. Prepared: an assign looks it up each time.
  soci::statement select_grid_leader;
  // timer_row.case_id: drops the case's pending timers.
  soci::statement delete_pending_timers;
  // timer_row.
  soci::statement insert_timer;
  // outbox_row (due at once).
  soci::statement insert_outbox;
  // phone_row: one blind-index entry of a party's phone.
  soci::statement insert_phone;
  // phone_row.case_id: drops the case's phone index.
  soci::statement delete_phones;
};

}  // namespace outpost::storage
