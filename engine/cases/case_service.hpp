// File: engine/cases/case_service.hpp
//
// The use cases of the case API, free of I/O: register a case from a typed
// NewCase, apply one typed event command to a case, read cases and their
// history. Adapters read their requests into these commands. The service loads
// a case, lets the kind's workflow apply the event to a copy, seals a history
// row onto the chain and hands both to the store, which persists them in one
// version-checked transaction. A lost race without If-Match is retried.
// Each change also moves the case's deadline clock (engine/deadlines/deadlines.hpp):
// its new timers and the notifications it causes (engine/notify/notifications.hpp)
// are committed in the same transaction. Every call asks engine/access/permissions.hpp
// whether the actor sees the case (else not_found) and may do what they ask
// (else forbidden); lists and counts carry the actor's scope to the store.
//
//   CaseService svc(store, workflows, catalogue, jurisdiction, clock, &deadlines, &permissions);
//   Result<Case> c = svc.create(new_case, actor, nullptr);
//   Result<Case> next = svc.apply(c.value().id, {"accept", {}, std::nullopt}, actor, nullptr);
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/access/permissions.hpp"
#include "engine/cases/case.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/cases/event_payload.hpp"
#include "engine/cases/new_case.hpp"
#include "engine/cases/workflow.hpp"
#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"
#include "engine/core/metrics.hpp"
#include "engine/deadlines/deadlines.hpp"
#include "engine/directory/catalogue.hpp"
#include "engine/directory/jurisdiction.hpp"
#include "engine/directory/routing.hpp"

namespace outpost {

// JF-2026-000123 for disputes, SQ-2026-000123 for requests.
std::string format_case_number(CaseKind kind, int year, std::int64_t seq);
// The counter a case number is drawn from, e.g. "dispute-2026".
std::string case_number_counter(CaseKind kind, Millis at);
int utc_year(Millis at);

// One event for one case: its name, the data it carries and, when the caller
// names the version it saw (If-Match), that version.
// Ids split by a caller's scope: those it sees, and how many others there are.
struct ScopedIds {
  std::vector<CaseId> visible;
  std::int64_t hidden = 0;
};

struct EventCommand {
  std::string event;
  EventPayload payload;
  std::optional<std::int64_t> if_match;
};

class CaseService {
 public:
  // Without `deadlines`, cases run no clocks (no deadline, no timers).
  // Without `permissions`, every actor sees every case and may do everything
  // (Permissions::unrestricted()); the server always passes them.
  CaseService(CaseStore& store, const WorkflowRegistry& workflows, const Catalogue& catalogue,
              const Jurisdiction& jurisdiction, const Clock& clock,
              const Deadlines* deadlines = nullptr, const Permissions* permissions = nullptr);

  // Checks the command (draft_case) and registers the case; forbidden when
  // the actor's role may not create cases.
  Result<Case> create(const NewCase& cmd, const Actor& actor, const IdempotencyKey* idem);
  // The domain's verdict on a command without registering anything: for an
  // adapter that found errors of its own in the request and reports all at once.
  Status check(const NewCase& cmd) const;
  // not_found when the case is out of the actor's scope; forbidden when the
  // actor may not apply the event to it (checked before the workflow's state,
  // so a role that may never apply it gets forbidden rather than not_allowed_in_state).
  Result<Case> apply(CaseId id, const EventCommand& cmd, const Actor& actor,
                     const IdempotencyKey* idem);
  // The case as the actor may see it: not_found when unknown or out of scope.
  Result<Case> get(CaseId id, const Actor& actor);
  // Any case, whoever asks: for the engine's own callers, never for a user's request.
  Result<Case> get(CaseId id);
  // get(id, actor) without waiting for the store, for showing the case
  // (CaseStore::read_case_later: its parties may come masked, its free text's
  // originals left out): `done` gets the answer and the access generation
  // read beside the case, on the thread the store finishes on. `done` must
  // not block.
  void get_later(CaseId id, const Actor& actor,
                 std::function<void(Result<Case>, std::int64_t access_generation)> done);
  // Lists and counts only what the actor sees (CaseFilter::scope is set here).
  Result<CasePage> list(CaseFilter filter, const Actor& actor);
  Result<std::int64_t> count(CaseFilter filter, const Actor& actor);
  // Cases rejected as duplicates of `c`. Only requests can be rejected as
  // duplicates, so for other kinds this answers without asking the store.
  Result<std::vector<CaseId>> duplicates_of(const Case& c);
  // The same, split by the caller's scope: ids of the ones `actor` sees and a
  // count of the rest (their ids are not the caller's to learn).
  Result<ScopedIds> duplicates_of(const Case& c, const Actor& actor);
  // Whether case `id` exists and `actor` sees it.
  Result<bool> sees(CaseId id, const Actor& actor);
  Result<std::vector<HistoryEntry>> history(CaseId id, const Actor& actor);
  // What the store recorded under the key's (user, scope, key), if anything.
  Result<std::optional<IdempotencyRecord>> find_idempotent(const IdempotencyKey& key);
  // The adapter's answer to the request that recorded `key`, saved after the commit.
  Status save_idempotent_answer(const IdempotencyKey& key, std::string_view answer);

  // The events the workflow allows now that the actor may apply (none on a
  // case out of the actor's scope).
  std::vector<std::string> allowed_events(const Case& c, const Actor& actor) const;
  // How routing finds a grid's leader (co-handler); without one, none is added.
  void set_grid_leader_lookup(GridLeaderLookup lookup) { grid_leader_ = std::move(lookup); }
  // How routing checks assignees against the roster; without one, any id passes.
  void set_staff_lookup(StaffLookup lookup) { staff_ = std::move(lookup); }
  // The catalogue in force when it can change at run time (an admin's PUT
  // /api/v1/catalogue, engine/directory/catalogue_service.hpp); without one,
  // the catalogue given to the constructor.
  using CatalogueSource = std::function<std::shared_ptr<const Catalogue>()>;
  void set_catalogue_source(CatalogueSource source) { catalogue_source_ = std::move(source); }
  // Where apply() reports each transition and refusal (engine/core/metrics.hpp).
  void set_metrics(Metrics* metrics) { metrics_ = metrics ? metrics : &no_metrics(); }
  std::string_view state_label(const Case& c) const;
  const Clock& clock() const { return clock_; }
  const Deadlines* deadlines() const { return deadlines_; }
  const Permissions& permissions() const { return permissions_; }

 private:
  Status admit_event(const Case& c, std::string_view event, const Actor& actor) const;
  Status check_duplicate_link(const Case& c, const EventPayload& payload, const Actor& actor);
  std::shared_ptr<const Catalogue> catalogue() const;

  CaseStore& store_;
  const WorkflowRegistry& workflows_;
  const Catalogue& catalogue_;
  const Jurisdiction& jurisdiction_;
  const Clock& clock_;
  const Deadlines* deadlines_;
  const Permissions& permissions_;
  GridLeaderLookup grid_leader_;
  StaffLookup staff_;
  CatalogueSource catalogue_source_;
  Metrics* metrics_ = &no_metrics();
};

}  // namespace outpost
