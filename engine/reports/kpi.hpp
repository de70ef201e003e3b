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
//   ReportService reports(store, permissions, calendar, clock);   // report_store.hpp
//   KpiResult r = reports.kpis(actor, q.value()).value();
//   // r.groups[i].key, r.groups[i].figures[j], r.totals
//
// How it is computed: the store adds up the counts and ratios in the
// database (ReportClass: one GROUP BY over the cohort) and streams each
// case's receipt and milestone times (ReportSpan) for the working-hours
// percentiles, which need the calendar; KpiReport turns both into figures
// with the one table of definitions.
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

// What the store scans: the cohort, in the store's terms, and the inputs of
// the "now" figures (a deadline before `now` is overdue; an agreement whose
// performance_due is on or before `today` is due).
struct ReportScan {
  Millis created_from = 0, created_to = 0;  // inclusive, exclusive
  ReportScope scope;
  Millis now = 0;
  std::string today;      // YYYY-MM-DD, local
  Millis utc_offset = 0;  // of the local calendar, for the month of receipt
  // The keys to group by: community, grid, category, department, staff,
  // month (quarter is grouped as month, then merged). Empty: totals only.
  std::vector<ReportGroup> keys;
};
ReportScan scan_of(const KpiQuery& q, const ReportScope& scope, const WorkingCalendar& calendar,
                   Millis now);

// The grouping values of a scanned row; only those the scan's keys name are filled.
struct ReportKeys {
  std::string community, grid, category, department, staff;
  std::string month;  // YYYY-MM of receipt, local
};

// The cases of the cohort that share a key and every input of the counts and
// ratios, added up by the store (one GROUP BY): `weight` cases, with these
// flags, and the sums of their per-case amounts (returns, milestones'
// arbitrations, extensions, extensions_approved, escalations). With the staff
// key a case is in the class of each of its staff; a case without one is in
// staff "".
struct ReportClass {
  ReportKeys keys;
  CaseKind kind = CaseKind::dispute;
  std::int64_t weight = 0;
  bool closed = false;           // closed or rejected now (a closing milestone)
  bool overdue = false;          // its deadline is before the scan's now
  bool performance_due = false;  // performance_due on or before the scan's today
  std::int64_t returns = 0;
  Milestones milestones;  // flags and sums; the times are not filled
  // Summed over the class's disputes from their records (the summed figures
  // take them as they are, not by weight): the parties named at
  // registration, the latest agreements by form (written, oral), the amounts
  // those agreements settle (yuan).
  std::int64_t parties = 0;
  std::int64_t agreement_written = 0, agreement_oral = 0;
  std::int64_t agreed_amount = 0;
};

// One case's times, for the working-hours percentiles. With the staff key,
// one row per staff member, a case's rows adjacent (ordered by id).
struct ReportSpan {
  CaseId id = 0;
  ReportKeys keys;
  Millis created_at = 0;
  std::optional<Millis> dispatched_at, first_handled_at, closed_at;
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
  Millis as_of = 0;              // the "now" of the figures
};

// Adds up one report: add() each scanned case, then finish().
class KpiReport {
 public:
  KpiReport(KpiQuery query, const WorkingCalendar& calendar);
  ~KpiReport();
  KpiReport(const KpiReport&) = delete;
  KpiReport& operator=(const KpiReport&) = delete;

  // The classes of a scan with the query's keys, then (when the query
  // groups) those of a scan without keys for the totals; the spans of a scan
  // with the query's keys (they count in the totals too, a case once).
  void add_class(const ReportClass& c);
  void add_total_class(const ReportClass& c);
  void add_span(const ReportSpan& s);
  KpiResult finish();

  struct Tally;  // the sums of one group (kpi.cpp)

 private:
  std::vector<std::string> key_of(const ReportKeys& k) const;
  Tally& group(const ReportKeys& k);

  KpiQuery query_;
  const WorkingCalendar& calendar_;
  std::map<std::vector<std::string>, std::unique_ptr<Tally>> groups_;
  std::unique_ptr<Tally> totals_;
  CaseId last_span_id_ = 0;
};

// The nearest-rank percentile of `values` (sorted in place): the ⌈p·n⌉-th
// smallest, 0 < p ≤ 1; nullopt when empty.
std::optional<double> nearest_rank(std::vector<double>& values, double p);

// Working hours from `from` to `to` on the calendar (0 when `to` is earlier).
double working_hours_between(const WorkingCalendar& calendar, Millis from, Millis to);

}  // namespace outpost
