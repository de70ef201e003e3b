// File: engine/reports/statistics.hpp
//
// The justice office's monthly / quarterly statistics table of people's
// mediation (人民调解统计表): per month or quarter of receipt and per
// statistics class (婚姻家庭, 邻里, 房屋宅基地, 合同, 损害赔偿, 劳动争议, 物业,
// 道路交通, 医疗, 征地拆迁, 其他 …), the figures of statistics_figures().
//
// No figure is defined here: each column is a figure of the KPI table
// (engine/reports/kpi.hpp, kpi_definitions(), docs/REPORTS.md) computed by
// the same KpiReport over the same cohort (the disputes received in the
// period the caller may see), grouped by category and month or quarter; a
// class adds up the numerators and denominators of its categories (a ratio
// is the class's numerator over its denominator, not a mean of ratios).
//
// The classes and which catalogue categories each takes come from the
// configuration (config/statistics.json, adapters/config/statistics_json.hpp):
// every dispute category in exactly one class, no unknown category. A case
// whose category is in no class (a request's, or one removed from the
// catalogue later) counts in the last class (其他); requests add nothing,
// every figure of the table being one of disputes.
//
//   auto q = make_statistics_query("quarter", "2026-01-01", "2026-06-30");
//   KpiResult r = reports.kpis(actor, q.value().kpi).value();
//   StatisticsTable t = statistics_table(q.value(), r, classes);
//   // t.periods[0].period == "2026-Q1"; t.periods[0].rows[i].figures[j]; t.total
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/reports/kpi.hpp"

namespace outpost {

struct StatisticsClass {
  std::string code, label;              // "marriage_family", "婚姻家庭"
  std::vector<std::string> categories;  // the dispute categories it takes
};

class StatisticsClasses {
 public:
  StatisticsClasses() = default;
  // invalid, each problem named by its path ("classes[2].categories[0]"):
  // no class, an empty or repeated code or label, a category that is not
  // one of `dispute_categories` or is in two classes, a dispute category in
  // none.
  static Result<StatisticsClasses> make(std::vector<StatisticsClass> classes,
                                        const std::vector<std::string>& dispute_categories);

  const std::vector<StatisticsClass>& classes() const { return classes_; }
  // The index of the class that takes `category`; the last class for a
  // category in none.
  std::size_t class_of(std::string_view category) const;

 private:
  std::vector<StatisticsClass> classes_;
};

enum class StatisticsPeriod { month, quarter };

struct StatisticsQuery {
  KpiQuery kpi;  // grouped by category, then month or quarter
  StatisticsPeriod period = StatisticsPeriod::month;
};

// invalid naming "period" (month | quarter), "from" or "to" (as
// make_kpi_query: dates YYYY-MM-DD, from ≤ to, at most two years).
Result<StatisticsQuery> make_statistics_query(std::string_view period, std::string_view from,
                                              std::string_view to);

// The table's columns: ids of kpi_definitions(), in order.
std::span<const std::string_view> statistics_figure_ids();
// Their definitions, in the same order.
std::vector<FigureDefinition> statistics_figures();
// What a figure of the table counts, in the justice office's words (the
// zh-CN wording of its FigureDefinition; the table's 指标说明 sheet).
std::string_view statistics_figure_explanation(std::string_view id);

struct StatisticsRow {
  std::string class_code, class_label;  // empty code: the period's total (合计)
  std::vector<FigureValue> figures;     // in statistics_figures() order
};

struct StatisticsPeriodRows {
  std::string period;               // "2026-07" or "2026-Q3"
  std::vector<StatisticsRow> rows;  // each class, in configuration order, then the total
};

struct StatisticsTable {
  std::vector<StatisticsPeriodRows> periods;  // every month / quarter the dates touch
  StatisticsPeriodRows total;                 // the whole period, period "2026-07-01至2026-09-30"
  Millis as_of = 0;
};

StatisticsTable statistics_table(const StatisticsQuery& query, const KpiResult& result,
                                 const StatisticsClasses& classes);

}  // namespace outpost
