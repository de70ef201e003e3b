#include "engine/reports/statistics.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <utility>

namespace outpost {

namespace {

constexpr std::array<std::string_view, 10> kFigureIds = {
    "received_disputes", "mediated",          "mediation_succeeded", "mediation_success_rate",
    "parties_involved",  "amount_agreed",     "agreements_written",  "agreements_oral",
    "judicial_applied",  "judicial_confirmed"};

// The index in kpi_definitions() of each of the table's figures.
std::vector<std::size_t> figure_indexes() {
  const auto defs = kpi_definitions();
  std::vector<std::size_t> out;
  for (std::string_view id : kFigureIds) {
    const auto it = std::find_if(defs.begin(), defs.end(),
                                 [&](const FigureDefinition& d) { return d.id == id; });
    out.push_back(static_cast<std::size_t>(it - defs.begin()));  // every id is there (tested)
  }
  return out;
}

// Sums of numerators and denominators of the table's figures.
struct Sums {
  std::vector<std::int64_t> numerator = std::vector<std::int64_t>(kFigureIds.size());
  std::vector<std::int64_t> denominator = std::vector<std::int64_t>(kFigureIds.size());

  void add(const KpiGroup& g, const std::vector<std::size_t>& at) {
    for (std::size_t i = 0; i < at.size(); ++i) {
      const FigureValue& v = g.figures.at(at[i]);
      numerator[i] += v.numerator.value_or(0);
      denominator[i] += v.denominator.value_or(0);
    }
  }
  void add(const Sums& o) {
    for (std::size_t i = 0; i < numerator.size(); ++i) {
      numerator[i] += o.numerator[i];
      denominator[i] += o.denominator[i];
    }
  }

  std::vector<FigureValue> values() const {
    const auto defs = kpi_definitions();
    const std::vector<std::size_t> at = figure_indexes();
    std::vector<FigureValue> out;
    for (std::size_t i = 0; i < at.size(); ++i) {
      FigureValue v;
      v.numerator = numerator[i];
      if (defs[at[i]].unit == FigureUnit::ratio) {
        v.denominator = denominator[i];
        if (denominator[i] > 0) {
          v.value = static_cast<double>(numerator[i]) / static_cast<double>(denominator[i]);
        }
      } else {
        v.value = static_cast<double>(numerator[i]);
      }
      out.push_back(v);
    }
    return out;
  }
};

// Every month ("2026-07") or quarter ("2026-Q3") from `from` to `to`.
std::vector<std::string> periods_between(LocalDate from, LocalDate to, StatisticsPeriod p) {
  std::vector<std::string> out;
  int y = from.year, m = from.month;
  while (y < to.year || (y == to.year && m <= to.month)) {
    char buf[48];
    if (p == StatisticsPeriod::month) {
      std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    } else {
      std::snprintf(buf, sizeof buf, "%04d-Q%d", y, (m + 2) / 3);
    }
    if (out.empty() || out.back() != buf) out.emplace_back(buf);
    if (++m == 13) {
      m = 1;
      ++y;
    }
  }
  return out;
}

StatisticsPeriodRows rows_of(std::string period, const std::vector<Sums>& by_class,
                             const StatisticsClasses& classes) {
  StatisticsPeriodRows out{std::move(period), {}};
  Sums total;
  for (std::size_t i = 0; i < by_class.size(); ++i) {
    const StatisticsClass& c = classes.classes()[i];
    out.rows.push_back({c.code, c.label, by_class[i].values()});
    total.add(by_class[i]);
  }
  out.rows.push_back({"", "合计", total.values()});
  return out;
}

}  // namespace

Result<StatisticsClasses> StatisticsClasses::make(
    std::vector<StatisticsClass> classes, const std::vector<std::string>& dispute_categories) {
  std::vector<FieldError> problems;
  if (classes.empty()) problems.push_back({"classes", "must name at least one class"});
  std::map<std::string, std::string> taken;  // category → the path that took it
  for (std::size_t i = 0; i < classes.size(); ++i) {
    const std::string path = "classes[" + std::to_string(i) + "]";
    const StatisticsClass& c = classes[i];
    for (std::size_t j = 0; j < i; ++j) {
      if (!c.code.empty() && classes[j].code == c.code) {
        problems.push_back({path + ".code", "'" + c.code + "' is listed twice"});
      }
      if (!c.label.empty() && classes[j].label == c.label) {
        problems.push_back({path + ".label", "'" + c.label + "' is listed twice"});
      }
    }
    for (std::size_t k = 0; k < c.categories.size(); ++k) {
      const std::string& cat = c.categories[k];
      const std::string at = path + ".categories[" + std::to_string(k) + "]";
      if (std::find(dispute_categories.begin(), dispute_categories.end(), cat) ==
          dispute_categories.end()) {
        problems.push_back({at, "'" + cat + "' is not a dispute category of the catalogue"});
      } else if (const auto [it, fresh] = taken.emplace(cat, at); !fresh) {
        problems.push_back({at, "'" + cat + "' is already in " + it->second});
      }
    }
  }
  for (const std::string& cat : dispute_categories) {
    if (!taken.contains(cat)) {
      problems.push_back({"classes", "the dispute category '" + cat + "' is in no class"});
    }
  }
  if (!problems.empty()) {
    return Error::invalid_fields(std::move(problems), "the statistics classes are invalid");
  }
  StatisticsClasses out;
  out.classes_ = std::move(classes);
  return out;
}

std::size_t StatisticsClasses::class_of(std::string_view category) const {
  for (std::size_t i = 0; i < classes_.size(); ++i) {
    const auto& cats = classes_[i].categories;
    if (std::find(cats.begin(), cats.end(), category) != cats.end()) return i;
  }
  return classes_.empty() ? 0 : classes_.size() - 1;
}

Result<StatisticsQuery> make_statistics_query(std::string_view period, std::string_view from,
                                              std::string_view to) {
  StatisticsQuery q;
  const bool known = period == "month" || period == "quarter";
  q.period = period == "quarter" ? StatisticsPeriod::quarter : StatisticsPeriod::month;
  auto kpi = make_kpi_query(from, to, {"category", known ? std::string(period) : "month"});
  std::vector<FieldError> problems;
  if (!known) problems.push_back({"period", "must be month or quarter"});
  if (!kpi) {
    for (const FieldError& f : kpi.error().fields) problems.push_back(f);
  }
  if (!problems.empty()) {
    return Error::invalid_fields(std::move(problems), "invalid statistics query");
  }
  q.kpi = std::move(kpi.value());
  return q;
}

std::span<const std::string_view> statistics_figure_ids() {
  return kFigureIds;
}

std::string_view statistics_figure_explanation(std::string_view id) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, kFigureIds.size()>
      kExplanations{{
          {"received_disputes", "本期受理（登记）的矛盾纠纷件数"},
          {"mediated", "其中进入调解程序（开始调解）的件数"},
          {"mediation_succeeded", "其中经调解达成协议的件数"},
          {"mediation_success_rate", "调解成功数 ÷ 调解数；无调解案件时为空"},
          {"parties_involved", "受理纠纷登记时列明的当事人人数之和"},
          {"amount_agreed", "各纠纷最近一份调解协议约定金额（元）之和；未约定金额的按 0 计"},
          {"agreements_written", "最近一份协议为书面协议（人民调解协议书）的件数"},
          {"agreements_oral", "最近一份协议为口头协议的件数"},
          {"judicial_applied", "调解协议已申请司法确认的件数"},
          {"judicial_confirmed", "调解协议经人民法院确认有效的件数"},
      }};
  for (const auto& [figure, words] : kExplanations) {
    if (figure == id) return words;
  }
  return {};
}

std::vector<FigureDefinition> statistics_figures() {
  std::vector<FigureDefinition> out;
  const auto defs = kpi_definitions();
  for (std::size_t i : figure_indexes()) out.push_back(defs[i]);
  return out;
}

StatisticsTable statistics_table(const StatisticsQuery& query, const KpiResult& result,
                                 const StatisticsClasses& classes) {
  const std::vector<std::size_t> at = figure_indexes();
  const std::size_t n = classes.classes().size();
  const std::vector<std::string> periods =
      periods_between(query.kpi.from, query.kpi.to, query.period);
  std::map<std::string, std::vector<Sums>> sums;  // period → per class
  for (const std::string& p : periods) sums[p] = std::vector<Sums>(n);
  std::vector<Sums> whole(n);
  for (const KpiGroup& g : result.groups) {
    // key: (category, c), (month | quarter, p)
    const std::size_t cls = classes.class_of(g.key.at(0).second);
    auto it = sums.find(g.key.at(1).second);
    if (it == sums.end()) it = sums.emplace(g.key.at(1).second, std::vector<Sums>(n)).first;
    it->second[cls].add(g, at);
    whole[cls].add(g, at);
  }
  StatisticsTable t;
  for (const auto& [period, by_class] : sums)
    t.periods.push_back(rows_of(period, by_class, classes));
  char whole_period[64];
  std::snprintf(whole_period, sizeof whole_period, "%04d-%02d-%02d至%04d-%02d-%02d",
                query.kpi.from.year, query.kpi.from.month, query.kpi.from.day, query.kpi.to.year,
                query.kpi.to.month, query.kpi.to.day);
  t.total = rows_of(whole_period, whole, classes);
  t.as_of = result.as_of;
  return t;
}

}  // namespace outpost
