// File: engine/store.hpp
//
// The storage ports. adapters/storage implements them with SOCI for SQLite and
// PostgreSQL. Every method either fully happens or does not happen at all, and
// reports failures as Error values (database unreachable: ErrorKind::unavailable).
// Implementations are thread-safe: the HTTP adapter calls them from a pool.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/case.hpp"
#include "engine/error.hpp"

namespace outpost {

// A response remembered under an Idempotency-Key.
struct StoredResponse {
  int status = 0;
  std::string body;
};

struct IdempotencyRecord {
  std::string fingerprint;  // hash of method, path and body of the first request
  StoredResponse response;
};

// Asks the store to remember the response to this request in the same
// transaction as the change itself. `render` is called inside the transaction
// with the case exactly as committed.
struct IdempotencyWrite {
  std::int64_t user_id = 0;
  std::string key;
  std::string fingerprint;
  std::function<StoredResponse(const Case&)> render;
};

struct CaseFilter {
  std::optional<std::string> kind, state, category, community, grid, department, assignee;
  std::optional<std::string> q;  // substring of number, title or description
  std::optional<bool> overdue;
  std::optional<Millis> created_from, created_to;  // inclusive, exclusive
  std::vector<std::string> states;                 // when not empty: the case is in one of these
  std::optional<bool> returned;                    // returned (退单) at least once
  std::optional<bool> arbitration;                 // flagged for arbitration (派单异议)
  // Handled by this department (lead or co-department) or, OR-ed with it,
  // by this person (assignee or co-handler): "my queue".
  std::optional<std::string> handled_by_department, handled_by_person;
  bool oldest_first = false;     // default newest first
  std::optional<CaseId> cursor;  // continue after this id, in the list's order
  int limit = 50;
  Millis now = 0;  // for `overdue`
};

struct CasePage {
  std::vector<Case> items;            // in the filter's order
  std::optional<CaseId> next_cursor;  // the cursor of the next page, if there is one
};

class CaseStore {
 public:
  virtual ~CaseStore() = default;

  // One transaction: allocates the case number (format_case_number), inserts
  // the case with version 1, fills `first.case_id`, seals it (audit_chain.hpp)
  // and inserts it, sets the case's last_hash, and stores the idempotent
  // response if `idem` is given. Returns the case as stored.
  // idempotency_race when the key was committed concurrently.
  virtual Result<Case> insert_case(Case c, HistoryEntry first, const IdempotencyWrite* idem) = 0;

  virtual Result<std::optional<Case>> find_case(CaseId id) = 0;

  // One transaction: updates the case row `WHERE id = updated.id AND version =
  // expected_version` (updated.version must be expected_version + 1), inserts
  // the already sealed `entry`, stores the idempotent response if `idem` is
  // given. version_conflict when no row matched; idempotency_race as above.
  virtual Status commit_transition(const Case& updated, std::int64_t expected_version,
                                   const HistoryEntry& entry, const IdempotencyWrite* idem) = 0;

  virtual Result<CasePage> list_cases(const CaseFilter& filter) = 0;
  // How many cases match (limit, cursor and order are ignored).
  virtual Result<std::int64_t> count_matching(const CaseFilter& filter) = 0;
  // Ids of the cases rejected as duplicates of this one, ascending.
  virtual Result<std::vector<CaseId>> duplicates_of(CaseId id) = 0;

  // Oldest first.
  virtual Result<std::vector<HistoryEntry>> history(CaseId id) = 0;

  virtual Result<std::optional<IdempotencyRecord>> find_idempotency(std::int64_t user_id,
                                                                    std::string_view key) = 0;

  virtual Result<std::int64_t> count_cases() = 0;
};

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string role;
  std::string department;
  std::string grid;
  bool disabled = false;
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  // The enabled user owning an unexpired, unrevoked token with this SHA-256 hex hash.
  virtual Result<std::optional<User>> find_user_by_token_hash(std::string_view token_hash) = 0;
  // Creates the user (role as given) if missing and attaches the token hash if
  // missing. Used for OUTPOST_BOOTSTRAP_TOKEN and demo data.
  virtual Result<User> ensure_user_with_token(std::string_view username, std::string_view role,
                                              std::string_view token_hash) = 0;
  // Answers when the database answers (readiness).
  virtual Status ping() = 0;
};

}  // namespace outpost
