// record_milestones: which history rows move which milestone (milestones.hpp).
// Event and state names are the workflows' stable names (workflows/dispute,
// workflows/request); the deadline events are the engine's own
// (engine/deadlines).
#include <string_view>

#include "engine/cases/case.hpp"

namespace outpost {
namespace {

std::string_view text_in(const boost::json::object& data, std::string_view key) {
  const boost::json::value* v = data.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

void set_once(std::optional<Millis>& milestone, Millis at) {
  if (!milestone) milestone = at;
}

// A request's first 签收 against the deadline its acknowledge clock had.
void record_acknowledgement(const Case& before, Milestones& m, Millis at) {
  set_once(m.first_handled_at, at);
  if (!m.acknowledged_in_time) m.acknowledged_in_time = !before.deadline || at <= *before.deadline;
}

void record_visit(Milestones& m, const boost::json::object& data) {
  m.visit_satisfaction = std::string(text_in(data, "satisfaction"));
  const std::string_view outcome = text_in(data, "outcome");
  m.visit_resolved =
      outcome.empty() ? m.visit_satisfaction != "dissatisfied" : outcome == "resolved";
}

// Events that mark a dispute's mediation and agreement.
void record_dispute_outcome(Milestones& m, std::string_view event,
                            const boost::json::object& data) {
  if (event == "reach_agreement") {
    m.agreement = true;
    m.performance_due = std::string(text_in(data, "performance_due"));
  } else if (event == "fail_mediation") {
    m.mediation_failed = true;
  } else if (event == "decline" || event == "withdraw") {
    m.refused = true;
  } else if (event == "record_consent") {
    m.refused = m.refused || text_in(data, "consent") == "refuse";
  } else if (event == "confirm_performance") {
    m.performed = true;
  } else if (event == "record_performance") {
    m.performed = text_in(data, "outcome") == "performed";  // the latest check counts
  } else if (event == "apply_judicial_confirmation") {
    m.judicial_applied = true;
  } else if (event == "record_judicial_confirmation") {
    m.judicial_confirmed = text_in(data, "outcome") == "confirmed";
  }
}

void record_event(const Case& before, Milestones& m, const HistoryEntry& e) {
  const std::string_view event = e.event;
  if (event == "dispatch" || event == "assign") {
    set_once(m.dispatched_at, e.at);
  } else if (event == "acknowledge") {
    record_acknowledgement(before, m, e.at);
  } else if (event == "start_mediation") {
    set_once(m.first_handled_at, e.at);
    m.mediated = true;
  } else if (event == "deadline_breached") {
    if (text_in(e.data, "step") == "acknowledge" && !m.acknowledged_in_time) {
      m.acknowledged_in_time = false;
    }
  } else if (event == "escalated") {
    ++m.escalations;
  } else if (event == "request_extension") {
    ++m.extensions;
  } else if (event == "approve_extension") {
    ++m.extensions_approved;
  } else if (event == "record_follow_up") {
    record_visit(m, e.data);
  } else {
    record_dispute_outcome(m, event, e.data);
  }
}

// The dispute workflow's rework and its escalation (rework_policy.hpp) count
// from its facts, whatever event moved them.
void record_rework(const Case& before, const Case& next, Milestones& m) {
  if (fact_count(next, "rework_count") > fact_count(before, "rework_count")) ++m.reworks;
  if (fact_count(next, "rework_escalations") > fact_count(before, "rework_escalations")) {
    ++m.escalations;
    m.mediation_failed = true;
  }
}

bool is_closing_state(std::string_view state) {
  return state == "closed" || state == "rejected";
}

}  // namespace

void record_milestones(const Case& before, Case& next, const HistoryEntry& entry) {
  Milestones& m = next.milestones;
  record_event(before, m, entry);
  if (is_closing_state(next.state) && !is_closing_state(before.state)) m.closed_at = entry.at;
  if (!is_closing_state(next.state)) m.closed_at.reset();
  if (fact_flag(next, "arbitration") && !fact_flag(before, "arbitration")) ++m.arbitrations;
  record_rework(before, next, m);
}

}  // namespace outpost
