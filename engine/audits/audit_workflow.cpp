#include "engine/audits/audit_workflow.hpp"

namespace outpost {

std::string_view AuditWorkflow::state_label(std::string_view state) const {
  for (const auto& s : graph().states) {
    if (s.name == state) return s.label;
  }
  return state;
}

std::string_view AuditWorkflow::event_label(std::string_view event) const {
  for (const auto& e : graph().events) {
    if (e.name == event) return e.label;
  }
  return event;
}

}  // namespace outpost
