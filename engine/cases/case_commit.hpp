// File: engine/cases/case_commit.hpp
//
// One versioned change of a stored case, the way every writer of a case makes
// it (CaseService::apply for events, AnnotationService for notes and
// attachments): load the case, check the caller's expected version (If-Match),
// let the caller derive the changed case and the event's data, append one
// history row (seq = the new version, from/to state, actor, at = max(now,
// updated_at)) sealed onto the case's hash chain, and hand case and row to the
// store's commit. A commit that fails with version_conflict lost a race with
// another writer: the whole change is derived again from the newer case.
//
//   auto done = commit_case_change(
//       store, clock, id, actor, cmd.if_match,
//       [&](const Case& current) -> Result<CaseChange> {
//         Case next = current;  // ... apply the change ...
//         return CaseChange{std::move(next), "accept", {}};
//       },
//       [&](const Case& next, std::int64_t expected_version, const HistoryEntry& entry) {
//         return store.commit_transition(next, expected_version, entry, nullptr);
//       });
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "engine/cases/case.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/cases/event_payload.hpp"
#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"

namespace outpost {

// What a change makes of the current case. commit_case_change sets
// next.version, next.updated_at and next.last_hash itself.
struct CaseChange {
  Case next;
  std::string event;
  boost::json::object data;  // the history row's data
};

struct CommittedChange {
  Case updated;        // as committed
  HistoryEntry entry;  // sealed, as committed
};

// Called once per attempt with the case as just loaded.
using DeriveChange = std::function<Result<CaseChange>(const Case& current)>;
// Persists the changed case and its history row in one transaction, checking
// that the stored case is still at `expected_version` (version_conflict if not).
using CommitChange = std::function<Status(const Case& next, std::int64_t expected_version,
                                          const HistoryEntry& entry)>;

// An event's payload as its history row's data (a stored document: the
// history keeps JSON, which the audit chain hashes in canonical form).
boost::json::object history_data(const EventPayload& payload);

// The history row of a change from `current` to `next` by `actor` at `now`
// (at = max(now, current.updated_at)), sealed onto the case's chain; sets
// next.version, next.updated_at and next.last_hash to match it, and moves
// next.milestones (milestones.hpp) by it. Personal numbers in the free text
// of `next` and `data` are masked first (engine/access/free_text.hpp), their
// originals kept in next.clear_texts: the row holds, and its hash covers, the
// masked text.
HistoryEntry seal_change(const Case& current, Case& next, Millis now, std::string actor,
                         std::string event, boost::json::object data);

// Whether the actor may change the case as just loaded (engine/access/permissions.hpp):
// asked before If-Match is compared, so that a case out of the actor's scope
// answers not_found whatever the request carries.
using AdmitChange = std::function<Status(const Case& current)>;

// Errors: not_found for an unknown case; what `admit` returns; stale_version
// when `if_match` is given and the case is at another version or changed
// concurrently; what `derive` or `commit` return (other than
// version_conflict); unavailable when every attempt lost its race.
Result<CommittedChange> commit_case_change(CaseStore& cases, const Clock& clock, CaseId id,
                                           const Actor& actor, std::optional<std::int64_t> if_match,
                                           const DeriveChange& derive, const CommitChange& commit,
                                           const AdmitChange& admit = {});

}  // namespace outpost
