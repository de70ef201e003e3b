// File: adapters/http/case_json.hpp
//
// JSON shapes of the API (see adapters/http/openapi.json): cases, history
// rows, workflow graphs, and RFC 3339 times. Phone and ID numbers are always
// masked here; revealing them is a separate, logged operation.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "adapters/http/json_text.hpp"
#include "engine/cases/case.hpp"
#include "engine/cases/workflow.hpp"

namespace outpost::http {

using outpost::format_rfc3339;  // engine/cases/case.hpp
// Accepts "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)"; nullopt otherwise.
std::optional<Millis> parse_rfc3339(std::string_view text);

struct CaseView {
  std::string_view state_label;
  std::vector<std::string> allowed_events;
  Millis now = 0;
  // Left on the current step's clock (Deadlines::time_left); nullopt: no clock.
  std::optional<Millis> time_left;
  // Cases rejected as duplicates of this one; shown only when looked up
  // (single-case reads), omitted from lists.
  std::optional<std::vector<CaseId>> duplicates;
  // How many more duplicates there are outside the caller's scope (no ids).
  std::int64_t duplicates_hidden = 0;
  // The case this one duplicates, when the caller sees it; nullopt (shown as
  // null) when there is none or it is outside the caller's scope.
  std::optional<CaseId> duplicate_of;
  // When the step's deadline warning falls due (Deadlines::warning_at).
  std::optional<Millis> warning_at;
  // A row of a list (GET /cases, the queues, the JSONL export): no
  // time_left_seconds, which ticks, so that the list's ETag holds until a case
  // in it changes; a client works the time left out from deadline and
  // warning_at.
  bool list_item = false;
};

// A case as the API shows it, written as text (a page of cases writes each
// into the same string; see json_text.hpp for why no tree is built).
void write_case(JsonText& w, const Case& c, const CaseView& view);
// About one case's JSON text: what a response reserves per case up front.
inline constexpr std::size_t kCaseJsonBytes = 1536;
std::string case_json(const Case& c, const CaseView& view);
boost::json::object history_to_json(const HistoryEntry& e);
boost::json::object graph_to_json(const WorkflowGraph& g);

}  // namespace outpost::http
