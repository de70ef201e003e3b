// File: engine/case_service.hpp
//
// The use cases of the case API, free of I/O: validate and register a case,
// apply one event to a case, read cases and their history. The service loads
// a case, lets the kind's workflow apply the event to a copy, seals a history
// row onto the chain and hands both to the store, which persists them in one
// version-checked transaction. A lost race without If-Match is retried.
//
//   CaseService svc(store, workflows, catalogue, jurisdiction, clock);
//   Result<Case> c = svc.create(body, actor, nullptr);
//   Result<Case> next = svc.apply(c.value().id, {"accept", {}, std::nullopt}, actor, nullptr);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "engine/case.hpp"
#include "engine/catalogue.hpp"
#include "engine/clock.hpp"
#include "engine/error.hpp"
#include "engine/jurisdiction.hpp"
#include "engine/routing.hpp"
#include "engine/store.hpp"
#include "engine/workflow.hpp"

namespace outpost {

// JF-2026-000123 for disputes, SQ-2026-000123 for requests.
std::string format_case_number(std::string_view kind, int year, std::int64_t seq);
// The counter a case number is drawn from, e.g. "dispute-2026".
std::string case_number_counter(std::string_view kind, Millis at);
int utc_year(Millis at);
// True when the case's facts hold `key: true`.
bool fact_flag(const Case& c, std::string_view key);

// Parses a create-case body into a Case with field-level errors (all of them,
// not only the first). Codes are checked against the catalogue and jurisdiction.
Result<Case> case_from_request(const boost::json::value& body, const Catalogue& catalogue,
                               const Jurisdiction& jurisdiction, const WorkflowRegistry& workflows);

struct EventCommand {
  std::string event;
  boost::json::object payload;  // the body without "event"
  std::optional<std::int64_t> if_match;
};

class CaseService {
 public:
  CaseService(CaseStore& store, const WorkflowRegistry& workflows, const Catalogue& catalogue,
              const Jurisdiction& jurisdiction, const Clock& clock);

  // Validates a create-case body (see case_from_request) and registers the case.
  Result<Case> create(const boost::json::value& body, const Actor& actor,
                      const IdempotencyWrite* idem);
  Result<Case> apply(CaseId id, const EventCommand& cmd, const Actor& actor,
                     const IdempotencyWrite* idem);
  Result<Case> get(CaseId id);
  Result<CasePage> list(CaseFilter filter);
  Result<std::int64_t> count(CaseFilter filter);
  // Cases rejected as duplicates of `c`. Only requests can be rejected as
  // duplicates, so for other kinds this answers without asking the store.
  Result<std::vector<CaseId>> duplicates_of(const Case& c);
  Result<std::vector<HistoryEntry>> history(CaseId id);
  // The response remembered under (user, Idempotency-Key), if any.
  Result<std::optional<IdempotencyRecord>> find_idempotent(std::int64_t user_id,
                                                           std::string_view key);

  // The workflow's allowed events, less those the actor may not apply now
  // (dispatch and assign of a case flagged for arbitration, unless supervisor).
  std::vector<std::string> allowed_events(const Case& c, const Actor& actor) const;
  // How routing finds a grid's leader (co-handler); without one, none is added.
  void set_grid_leader_lookup(GridLeaderLookup lookup) { grid_leader_ = std::move(lookup); }
  std::string_view state_label(const Case& c) const;
  const Clock& clock() const { return clock_; }

 private:
  static bool arbitration_blocks(const Case& c, std::string_view event, const Actor& actor);
  Error arbitration_refusal(const Case& c, const Actor& actor) const;
  Status check_duplicate_link(const Case& c, const boost::json::object& payload);

  CaseStore& store_;
  const WorkflowRegistry& workflows_;
  const Catalogue& catalogue_;
  const Jurisdiction& jurisdiction_;
  const Clock& clock_;
  GridLeaderLookup grid_leader_;
};

}  // namespace outpost
