#include "engine/cases/rework_policy.hpp"

namespace outpost {

boost::json::object apply_rework_policy(const Case& before, Case& next, int limit) {
  if (next.kind != CaseKind::dispute) return {};
  if (next.state == "follow_up") {
    next.facts["rework_rounds_spent"] = fact_count(next, "rework_count") >= limit;
  }
  if (fact_count(next, "rework_escalations") <= fact_count(before, "rework_escalations")) {
    return {};
  }
  next.clock.escalated = true;
  return {{"escalated", true}, {"rework_rounds", fact_count(next, "rework_count")}};
}

}  // namespace outpost
