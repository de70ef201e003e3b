// File: engine/reports/report_store.hpp
//
// The reports' port and service. The store adds up a report's cohort
// (ReportScan, engine/reports/kpi.hpp) in classes of cases that count alike
// (one GROUP BY over the cases' milestone columns) and streams the times of
// the cases that reached a milestone, one row at a time; adapters/storage
// implements it.
// ReportService asks the caller's scope (Permissions::report_scope), scans
// and adds up, as of the clock's now.
//
//   ReportService reports(store, permissions, calendar, clock);
//   auto q = make_kpi_query("2026-07-01", "2026-09-30", {"community"});
//   Result<KpiResult> r = reports.kpis(actor, q.value());  // forbidden, unavailable
#pragma once

#include <functional>

#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"
#include "engine/reports/kpi.hpp"

namespace outpost {

class Permissions;

class ReportStore {
 public:
  virtual ~ReportStore() = default;
  // The cohort's cases added up per class (ReportClass), grouped by scan.keys,
  // with the sums over each class's disputes of what only their records hold
  // (ReportClass::parties, agreement_written, agreement_oral, agreed_amount).
  virtual Status scan_report_classes(const ReportScan& scan,
                                     const std::function<void(const ReportClass&)>& each) = 0;
  // The cohort's cases that reached a milestone, one ReportSpan each (per
  // staff member with the staff key, then ordered by id).
  virtual Status scan_report_spans(const ReportScan& scan,
                                   const std::function<void(const ReportSpan&)>& each) = 0;
};

class ReportService {
 public:
  ReportService(ReportStore& store, const Permissions& permissions, const WorkingCalendar& calendar,
                const Clock& clock)
      : store_(store), permissions_(permissions), calendar_(calendar), clock_(clock) {}

  // forbidden for a role without reports (permissions.json "reports");
  // unavailable when the database does not answer.
  Result<KpiResult> kpis(const Actor& actor, const KpiQuery& query) const;

  const WorkingCalendar& calendar() const { return calendar_; }

 private:
  ReportStore& store_;
  const Permissions& permissions_;
  const WorkingCalendar& calendar_;
  const Clock& clock_;
};

}  // namespace outpost
