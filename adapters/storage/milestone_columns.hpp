// File: adapters/storage/milestone_columns.hpp
//
// A case's milestones (engine/cases/milestones.hpp) as the kpi_* columns of
// `cases` (migrations 11 and 14): written with every insert and update of a case,
// read with it, and grouped by the reports (soci_report_store.cpp). One list
// of columns, in one order, for the SQL texts and the binds alike.
//
//   MilestoneRow row;
//   row.assign(c.milestones);
//   row.bind_use(st);   // :kpi_dispatched_at, … in an INSERT or UPDATE
#pragma once

#include <cstdint>
#include <string>

#include <soci/soci.h>

#include "engine/cases/milestones.hpp"

namespace outpost::storage {

// "kpi_dispatched_at, kpi_handled_at, …": for a SELECT or an INSERT's column list.
extern const char* const kMilestoneColumns;
// ":kpi_dispatched_at, :kpi_handled_at, …": an INSERT's values.
extern const char* const kMilestoneValues;
// "kpi_dispatched_at = :kpi_dispatched_at, …": an UPDATE's assignments.
extern const char* const kMilestoneAssignments;

struct MilestoneRow {
  std::int64_t dispatched_at = 0, handled_at = 0, closed_at = 0;
  soci::indicator dispatched_ind = soci::i_null, handled_ind = soci::i_null,
                  closed_ind = soci::i_null;
  int ack_in_time = 0;
  soci::indicator ack_ind = soci::i_null;
  int arbitrations = 0, extensions = 0, extensions_approved = 0, escalations = 0;
  std::string visit;
  soci::indicator visit_ind = soci::i_null;
  int resolved = 0;
  soci::indicator resolved_ind = soci::i_null;
  int mediated = 0, agreement = 0, failed = 0, refused = 0;
  int performed = 0, judicial_applied = 0, judicial_confirmed = 0;
  std::string performance_due;
  soci::indicator performance_due_ind = soci::i_null;
  int reworks = 0;  // migration 14

  void assign(const Milestones& m);
  Milestones to_milestones() const;
  // Binds by the names of kMilestoneValues (to a soci::statement or a
  // PgStatement, pg_statement.hpp).
  template <class Statement>
  void bind_use(Statement& st);
  // Binds in the order of kMilestoneColumns.
  template <class Statement>
  void bind_into(Statement& st);
};

template <class Statement>
void MilestoneRow::bind_use(Statement& st) {
  st.exchange(soci::use(dispatched_at, dispatched_ind, "kpi_dispatched_at"));
  st.exchange(soci::use(handled_at, handled_ind, "kpi_handled_at"));
  st.exchange(soci::use(closed_at, closed_ind, "kpi_closed_at"));
  st.exchange(soci::use(ack_in_time, ack_ind, "kpi_ack_in_time"));
  st.exchange(soci::use(arbitrations, "kpi_arbitrations"));
  st.exchange(soci::use(extensions, "kpi_extensions"));
  st.exchange(soci::use(extensions_approved, "kpi_extensions_approved"));
  st.exchange(soci::use(escalations, "kpi_escalations"));
  st.exchange(soci::use(visit, visit_ind, "kpi_visit"));
  st.exchange(soci::use(resolved, resolved_ind, "kpi_resolved"));
  st.exchange(soci::use(mediated, "kpi_mediated"));
  st.exchange(soci::use(agreement, "kpi_agreement"));
  st.exchange(soci::use(failed, "kpi_failed"));
  st.exchange(soci::use(refused, "kpi_refused"));
  st.exchange(soci::use(performed, "kpi_performed"));
  st.exchange(soci::use(judicial_applied, "kpi_judicial_applied"));
  st.exchange(soci::use(judicial_confirmed, "kpi_judicial_confirmed"));
  st.exchange(soci::use(performance_due, performance_due_ind, "kpi_performance_due"));
  st.exchange(soci::use(reworks, "kpi_reworks"));
}

template <class Statement>
void MilestoneRow::bind_into(Statement& st) {
  st.exchange(soci::into(dispatched_at, dispatched_ind));
  st.exchange(soci::into(handled_at, handled_ind));
  st.exchange(soci::into(closed_at, closed_ind));
  st.exchange(soci::into(ack_in_time, ack_ind));
  st.exchange(soci::into(arbitrations));
  st.exchange(soci::into(extensions));
  st.exchange(soci::into(extensions_approved));
  st.exchange(soci::into(escalations));
  st.exchange(soci::into(visit, visit_ind));
  st.exchange(soci::into(resolved, resolved_ind));
  st.exchange(soci::into(mediated));
  st.exchange(soci::into(agreement));
  st.exchange(soci::into(failed));
  st.exchange(soci::into(refused));
  st.exchange(soci::into(performed));
  st.exchange(soci::into(judicial_applied));
  st.exchange(soci::into(judicial_confirmed));
  st.exchange(soci::into(performance_due, performance_due_ind));
  st.exchange(soci::into(reworks));
}

}  // namespace outpost::storage
