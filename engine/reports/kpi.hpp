// File: engine/reports/kpi.hpp
//
// The figures (KPIs) of the quarterly joint review, each defined once, here,
// as data: an id, its zh-CN and English names, what its numerator and its
// denominator count, and its unit (kpi_definitions()). The same table serves
// GET /api/v1/reports/definitions, is written out in docs/REPORTS.md and
// drives the computation, so what is published is what is computed.
//
// Every figure is over one cohort: the cases RECEIVED (created) in the
// period, a range of local dates (Asia/Shanghai, +08:00) with both ends
// included, that the caller may see (ReportScope). "Now" figures (open,
// overdue, agreements due) are as of the report's `now`. Cases are grouped
// by any of community, grid, category, department (the lead department),
// staff (each assignee or co-handler; a case with several counts once for
// each, once in the totals), month and quarter of receipt.
//
//   auto q = make_kpi_query("2026-07-01", "2026-09-30", {"community", "month"});
//   KpiReport report(q.value(), calendar, now);
//   store.scan_report_cases(scan_of(q.value(), scope), [&](const ReportCase& c) { report.add(c);
//   }); KpiResult r = report.finish();   // r.groups[i].key, r.groups[i].figures[j], r.totals
//
// Counts are integers with no denominator. Ratios are numerator / denominator
// (null when the denominator is 0). Durations are working hours on the
// working-day calendar (engine/deadlines/calendar.hpp) from receipt to a
// milestone, summarised by the nearest-rank percentile: sort the n values
// ascending and take the ⌈p·n⌉-th (the median is p = 0.5, so of an even
// count the lower middle value); the denominator is n.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"
#include "engine/deadlines/calendar.hpp"
#include "engine/reports/report_scope.hpp"

namespace outpost {

enum class ReportGroup { community, grid, category, department, staff, month, quarter };
inline constexpr std::array<std::string_view, 7> kReportGroupNames = {
    "community", "grid", "category", "department", "staff", "month", "quarter"};
std::string_view to_string(ReportGroup g);

// The longest period a report may cover: two years (from + 2 years - 1 day).
inline constexpr int kMaxReportYears = 2;

struct KpiQuery {
  LocalDate from, to;  // both included
  std::vector<ReportGroup> group_by;
};

// Reads the parameters as a caller gives them: dates as YYYY-MM-DD, groups
// by name (a name may come twice; kept once). invalid naming the parameter
// ("from", "to", "group_by") for a missing or malformed date, a period that
// ends before it starts or is longer than two years, an unknown group.
Result<KpiQuery> make_kpi_query(std::string_view from, std::string_view to,
                                const std::vector<std::string>& group_by);

// What the store scans: the cohort, in the store's terms.
struct ReportScan {
  Millis created_from = 0, created_to = 0;  // inclusive, exclusive
  ReportScope scope;
  bool per_staff = false;  // one row per (case, staff member); a case without one: staff ""
};
ReportScan scan_of(const KpiQuery& q, const ReportScope& scope, const WorkingCalendar& calendar);

// One case as the reports read it: the grouping columns and the milestones.
// Rows come ordered by id; with per_staff, a case's rows are adjacent.
struct ReportCase {
  CaseId id = 0;
  CaseKind kind = CaseKind::dispute;
  std::string state, community, grid, category, department, staff;
  Millis created_at = 0;
  std::optional<Millis> deadline;
  std::int64_t returns = 0;
  Milestones milestones;
};

enum class FigureUnit { count, ratio, working_hours };
std::string_view to_string(FigureUnit u);

struct FigureDefinition {
  std::string_view id, name_zh, name_en;
  std::string_view numerator, denominator;  // what they count, in English (empty: none)
  FigureUnit unit = FigureUnit::count;
};

// Every figure, in the order reports list them.
std::span<const FigureDefinition> kpi_definitions();

struct FigureValue {
  std::optional<double> value;  // null: a ratio over 0 cases, a percentile of none
  std::optional<std::int64_t> numerator, denominator;
};

struct KpiGroup {
  std::vector<std::pair<std::string, std::string>> key;  // (group name, value), in query order
  std::vector<FigureValue> figures;                      // in kpi_definitions() order
};

struct KpiResult {
  std::vector<KpiGroup> groups;  // ordered by key
  KpiGroup totals;               // key empty; every case once
};

// Adds up one report: add() each scanned case, then finish().
class KpiReport {
 public:
  KpiReport(KpiQuery query, const WorkingCalendar& calendar, Millis now);
  ~KpiReport();
  KpiReport(const KpiReport&) = delete;
  KpiReport& operator=(const KpiReport&) = delete;

  void add(const ReportCase& c);
  KpiResult finish();

  struct Tally;  // the sums of one group (kpi.cpp)

 private:
  std::vector<std::string> key_of(const ReportCase& c) const;

  KpiQuery query_;
  const WorkingCalendar& calendar_;
  Millis now_;
  std::string today_;  // YYYY-MM-DD, local
  std::map<std::vector<std::string>, std::unique_ptr<Tally>> groups_;
  std::unique_ptr<Tally> totals_;
  CaseId last_id_ = 0;
};

// The nearest-rank percentile of `values` (sorted in place): the ⌈p·n⌉-th
// smallest, 0 < p ≤ 1; nullopt when empty.
std::optional<double> nearest_rank(std::vector<double>& values, double p);

// Working hours from `from` to `to` on the calendar (0 when `to` is earlier).
double working_hours_between(const WorkingCalendar& calendar, Millis from, Millis to);

}  // namespace outpost
