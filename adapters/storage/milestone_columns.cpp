#include "adapters/storage/milestone_columns.hpp"

namespace outpost::storage {

const char* const kMilestoneColumns =
    "kpi_dispatched_at, kpi_handled_at, kpi_closed_at, kpi_ack_in_time, kpi_arbitrations,"
    " kpi_extensions, kpi_extensions_approved, kpi_escalations, kpi_visit, kpi_resolved,"
    " kpi_mediated, kpi_agreement, kpi_failed, kpi_refused, kpi_performed, kpi_judicial_applied,"
    " kpi_judicial_confirmed, kpi_performance_due, kpi_reworks";

const char* const kMilestoneValues =
    ":kpi_dispatched_at, :kpi_handled_at, :kpi_closed_at, :kpi_ack_in_time, :kpi_arbitrations,"
    " :kpi_extensions, :kpi_extensions_approved, :kpi_escalations, :kpi_visit, :kpi_resolved,"
    " :kpi_mediated, :kpi_agreement, :kpi_failed, :kpi_refused, :kpi_performed,"
    " :kpi_judicial_applied, :kpi_judicial_confirmed, :kpi_performance_due, :kpi_reworks";

const char* const kMilestoneAssignments =
    "kpi_dispatched_at = :kpi_dispatched_at, kpi_handled_at = :kpi_handled_at,"
    " kpi_closed_at = :kpi_closed_at, kpi_ack_in_time = :kpi_ack_in_time,"
    " kpi_arbitrations = :kpi_arbitrations, kpi_extensions = :kpi_extensions,"
    " kpi_extensions_approved = :kpi_extensions_approved, kpi_escalations = :kpi_escalations,"
    " kpi_visit = :kpi_visit, kpi_resolved = :kpi_resolved, kpi_mediated = :kpi_mediated,"
    " kpi_agreement = :kpi_agreement, kpi_failed = :kpi_failed, kpi_refused = :kpi_refused,"
    " kpi_performed = :kpi_performed, kpi_judicial_applied = :kpi_judicial_applied,"
    " kpi_judicial_confirmed = :kpi_judicial_confirmed,"
    " kpi_performance_due = :kpi_performance_due, kpi_reworks = :kpi_reworks";

namespace {

template <class T>
void put(const std::optional<T>& value, T& column, soci::indicator& ind) {
  column = value.value_or(T{});
  ind = value ? soci::i_ok : soci::i_null;
}

void put_text(const std::string& value, std::string& column, soci::indicator& ind) {
  column = value;
  ind = value.empty() ? soci::i_null : soci::i_ok;
}

template <class T>
std::optional<T> get(T column, soci::indicator ind) {
  return ind == soci::i_ok ? std::optional<T>(column) : std::nullopt;
}

}  // namespace

void MilestoneRow::assign(const Milestones& m) {
  put(m.dispatched_at, dispatched_at, dispatched_ind);
  put(m.first_handled_at, handled_at, handled_ind);
  put(m.closed_at, closed_at, closed_ind);
  ack_in_time = m.acknowledged_in_time.value_or(false) ? 1 : 0;
  ack_ind = m.acknowledged_in_time ? soci::i_ok : soci::i_null;
  arbitrations = static_cast<int>(m.arbitrations);
  extensions = static_cast<int>(m.extensions);
  extensions_approved = static_cast<int>(m.extensions_approved);
  escalations = static_cast<int>(m.escalations);
  reworks = static_cast<int>(m.reworks);
  put_text(m.visit_satisfaction, visit, visit_ind);
  resolved = m.visit_resolved.value_or(false) ? 1 : 0;
  resolved_ind = m.visit_resolved ? soci::i_ok : soci::i_null;
  mediated = m.mediated;
  agreement = m.agreement;
  failed = m.mediation_failed;
  refused = m.refused;
  performed = m.performed;
  judicial_applied = m.judicial_applied;
  judicial_confirmed = m.judicial_confirmed;
  put_text(m.performance_due, performance_due, performance_due_ind);
}

Milestones MilestoneRow::to_milestones() const {
  Milestones m;
  m.dispatched_at = get<Millis>(dispatched_at, dispatched_ind);
  m.first_handled_at = get<Millis>(handled_at, handled_ind);
  m.closed_at = get<Millis>(closed_at, closed_ind);
  if (ack_ind == soci::i_ok) m.acknowledged_in_time = ack_in_time != 0;
  m.arbitrations = arbitrations;
  m.extensions = extensions;
  m.extensions_approved = extensions_approved;
  m.escalations = escalations;
  m.reworks = reworks;
  if (visit_ind == soci::i_ok) m.visit_satisfaction = visit;
  if (resolved_ind == soci::i_ok) m.visit_resolved = resolved != 0;
  m.mediated = mediated != 0;
  m.agreement = agreement != 0;
  m.mediation_failed = failed != 0;
  m.refused = refused != 0;
  m.performed = performed != 0;
  m.judicial_applied = judicial_applied != 0;
  m.judicial_confirmed = judicial_confirmed != 0;
  if (performance_due_ind == soci::i_ok) m.performance_due = performance_due;
  return m;
}

}  // namespace outpost::storage
