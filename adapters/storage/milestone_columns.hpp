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
  // Binds by the names of kMilestoneValues.
  void bind_use(soci::statement& st);
  // Binds in the order of kMilestoneColumns.
  void bind_into(soci::statement& st);
};

}  // namespace outpost::storage
