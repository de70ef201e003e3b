// File: engine/cases/case_store.hpp
//
// The case store port: cases, their history, lists and counts, and what a
// change writes with it (timers, outbox messages, the idempotency key).
// adapters/storage implements it with SOCI for SQLite and PostgreSQL. Every
// method either fully happens or does not happen at all, and reports failures
// as Error values (database unreachable: ErrorKind::unavailable).
// Implementations are thread-safe: adapters call them from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/access/access_epoch.hpp"
#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"
#include "engine/notify/outbox.hpp"

namespace outpost {

// A client's idempotency key for one change (an Idempotency-Key header, an
// Open311 token): the store records it in the same transaction as the change,
// so a repeat of the request finds it and never applies the change twice.
// The answer to the first request belongs to the adapter that received it: it
// saves the answer as opaque bytes after the commit
// (CaseStore::save_idempotent_answer) — no adapter code runs inside a
// transaction.
struct IdempotencyKey {
  std::int64_t user_id = 0;
  std::string scope;        // whose keys these are, e.g. "api:cases"; keys of scopes never meet
  std::string key;          // the client's key
  std::string fingerprint;  // what the adapter makes of the request, to tell a repeat from misuse
};

struct IdempotencyRecord {
  std::string fingerprint;
  CaseId case_id = 0;  // the case the first request created or changed
  // The adapter's saved answer; empty when the process stopped between the
  // commit and the save (the change happened once all the same).
  std::optional<std::string> answer;
};

// A deadline timer to schedule (engine/deadlines/deadlines.hpp): one pending firing of
// `kind` (warning | breach | escalation) for the case's clock `generation`.
struct TimerRow {
  std::string kind;
  std::string step;
  std::int64_t generation = 0;
  Millis due_at = 0;
};

// What a change writes besides the case and its history row, in the same
// transaction: the case's new timers and the notifications it causes.
struct SideEffects {
  bool replace_timers = false;  // drop the case's pending timers, then add `timers`
  bool forget_phones =
      false;  // drop the case's phone index and its notes' originals (de-identification)
  std::vector<TimerRow> timers;
  std::vector<OutboxMessage> outbox;

  bool empty() const {
    return !replace_timers && !forget_phones && timers.empty() && outbox.empty();
  }
};

// Which cases a caller may see (engine/access/permissions.hpp builds it from the
// actor): the store filters lists and counts with it. The default sees all.
struct CaseScope {
  // False: only cases whose lead department or a co-department is
  // `department`, whose assignees or co-handlers include `person`, or that
  // lie in `grid` (empty department or grid: that part does not apply).
  bool all_cases = true;
  // False: a confidential case only when `person` is an assignee or co-handler.
  bool all_confidential = true;
  std::string department, grid, person;
};

// The list's order: by id (registration order, the default) or by a time
// column with ties broken by id in the same direction. Cases without a
// deadline come last in both directions of `deadline`.
enum class CaseSort { id, created_at, updated_at, deadline };

struct CaseFilter {
  CaseScope scope;
  std::optional<std::string> kind, state, category, community, grid, department, assignee;
  std::optional<std::string> q;      // substring of number, title or description
  std::optional<std::string> phone;  // a party's phone number, found by its blind index
  std::optional<bool> overdue;
  std::optional<Millis> created_from, created_to;  // inclusive, exclusive
  std::optional<Millis> updated_before;            // last change before (exclusive)
  std::vector<std::string> states;                 // when not empty: the case is in one of these
  std::optional<bool> returned;                    // returned (退单) at least once
  std::optional<bool> arbitration;                 // flagged for arbitration (派单异议)
  std::optional<bool> escalated;                   // the step clock is escalated (督办)
  // Handled by this department (lead or co-department) or, OR-ed with it,
  // by this person (assignee or co-handler): "my queue".
  std::optional<std::string> handled_by_department, handled_by_person;
  // The rows carry their milestones (the ledgers); a list leaves them empty.
  bool with_milestones = false;
  // The rows carry their parties in clear (an export that reveals them).
  // Otherwise the parties may come masked, as lists show them (a masked
  // form masks to itself: engine/access/masking.hpp), and nothing is
  // decrypted for them.
  bool clear_parties = false;
  CaseSort sort = CaseSort::id;
  bool oldest_first = false;     // ascending `sort`; default newest (descending) first
  std::optional<CaseId> cursor;  // continue after this id, in the list's order
  // For a sort by a time column: the cursor case's value of it (none: no deadline).
  std::optional<Millis> cursor_key;
  std::optional<CaseId> id_below;  // only ids below this one (an export's window of ids)
  int limit = 50;
  Millis now = 0;  // for `overdue`
};

// A case's value of a time sort's column (none for id, or for no deadline).
inline std::optional<Millis> sort_key_of(const Case& c, CaseSort sort) {
  switch (sort) {
    case CaseSort::created_at:
      return c.created_at;
    case CaseSort::updated_at:
      return c.updated_at;
    case CaseSort::deadline:
      return c.deadline;
    case CaseSort::id:
      break;
  }
  return std::nullopt;
}

struct CasePage {
  std::vector<Case> items;                // in the filter's order
  std::optional<CaseId> next_cursor;      // the cursor of the next page, if there is one
  std::optional<Millis> next_cursor_key;  // its sort key (CaseFilter::cursor_key)
};

class CaseStore {
 public:
  virtual ~CaseStore() = default;

  // One transaction: allocates the case number (format_case_number), inserts
  // the case with version 1, fills `first.case_id`, seals it (audit_chain.hpp)
  // and inserts it, sets the case's last_hash, records the idempotency key if
  // `idem` is given, and writes `effects` (their case ids are the
  // new case's). Returns the case as stored.
  // idempotency_race when the key was committed concurrently.
  virtual Result<Case> insert_case(Case c, HistoryEntry first, const IdempotencyKey* idem,
                                   const SideEffects* effects = nullptr) = 0;

  virtual Result<std::optional<Case>> find_case(CaseId id) = 0;
  // find_case for a read that changes nothing (showing a case): it may share
  // one statement with other reads running at the same moment (SociCaseStore
  // on PostgreSQL), and still sees every write committed before the call.
  virtual Result<std::optional<Case>> read_case(CaseId id) { return find_case(id); }
  // read_case without waiting, for showing the case: `done` gets the result,
  // and the access generation read beside it (engine/access/access_epoch.hpp;
  // -1 when none was), on whatever thread the store finishes on — possibly
  // this one, before read_case_later returns. `done` must not block. The case
  // may come with its parties already masked (masking.hpp: masking is
  // idempotent) and without its free text's originals (clear_texts): nothing
  // is decrypted to show a case; a reveal reads it with read_case.
  struct CaseRead {
    Result<std::optional<Case>> found = std::optional<Case>();
    std::int64_t access_generation = -1;
  };
  virtual void read_case_later(CaseId id, std::function<void(CaseRead)> done);

  // One transaction: updates the case row `WHERE id = updated.id AND version =
  // expected_version` (updated.version must be expected_version + 1), inserts
  // the already sealed `entry`, records the idempotency key if `idem` is
  // given, writes `effects`. version_conflict when no row matched;
  // idempotency_race as above.
  virtual Status commit_transition(const Case& updated, std::int64_t expected_version,
                                   const HistoryEntry& entry, const IdempotencyKey* idem,
                                   const SideEffects* effects = nullptr) = 0;

  // Listed cases are for showing: their `milestones` are left empty (a
  // change reads its case with find_case).
  virtual Result<CasePage> list_cases(const CaseFilter& filter) = 0;
  // How many cases match (limit, cursor and order are ignored).
  virtual Result<std::int64_t> count_matching(const CaseFilter& filter) = 0;
  // Ids of the cases rejected as duplicates of this one, ascending.
  virtual Result<std::vector<CaseId>> duplicates_of(CaseId id) = 0;

  // Oldest first.
  virtual Result<std::vector<HistoryEntry>> history(CaseId id) = 0;

  virtual Result<std::optional<IdempotencyRecord>> find_idempotency(std::int64_t user_id,
                                                                    std::string_view scope,
                                                                    std::string_view key) = 0;
  // Saves the answer to the request that recorded `key` (no-op when the key
  // is unknown).
  virtual Status save_idempotent_answer(const IdempotencyKey& key, std::string_view answer) = 0;

  virtual Result<std::int64_t> count_cases() = 0;
};

// The default reads at once, on the caller's thread.
inline void CaseStore::read_case_later(CaseId id, std::function<void(CaseRead)> done) {
  access_epoch::reset();
  auto found = read_case(id);
  done(CaseRead{std::move(found), access_epoch::observed()});
}

}  // namespace outpost
