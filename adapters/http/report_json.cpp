#include "adapters/http/report_json.hpp"

#include <cstdio>

namespace outpost::http {
namespace json = boost::json;

namespace {

json::value optional_number(const std::optional<std::int64_t>& n) {
  return n ? json::value(*n) : json::value(nullptr);
}

json::object figures_json(const KpiGroup& g) {
  json::object figures;
  const std::span<const FigureDefinition> defs = kpi_definitions();
  for (std::size_t i = 0; i < defs.size() && i < g.figures.size(); ++i) {
    figures[defs[i].id] = figure_value_json(g.figures[i]);
  }
  return figures;
}

// Splits "a,b" and repeated parameters into one list.
void add_groups(std::string_view value, std::vector<std::string>& out) {
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t comma = value.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? value.size() : comma;
    out.emplace_back(value.substr(start, end - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

}  // namespace

json::object figure_value_json(const FigureValue& v) {
  return json::object{{"value", v.value ? json::value(*v.value) : json::value(nullptr)},
                      {"numerator", optional_number(v.numerator)},
                      {"denominator", optional_number(v.denominator)}};
}

json::object figure_definition_json(const FigureDefinition& d) {
  return json::object{
      {"id", d.id},
      {"name_zh", d.name_zh},
      {"name_en", d.name_en},
      {"numerator", d.numerator},
      {"denominator", d.denominator.empty() ? json::value(nullptr) : json::value(d.denominator)},
      {"unit", to_string(d.unit)}};
}

std::string format_local_date(LocalDate d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

json::value kpi_result_json(const KpiQuery& query, const KpiResult& result) {
  json::array group_by;
  for (ReportGroup g : query.group_by) group_by.emplace_back(to_string(g));
  json::array groups;
  for (const KpiGroup& g : result.groups) {
    json::object key;
    for (const auto& [name, value] : g.key) key[name] = value;
    groups.push_back(json::object{{"key", std::move(key)}, {"figures", figures_json(g)}});
  }
  return json::object{{"period",
                       {{"from", format_local_date(query.from)},
                        {"to", format_local_date(query.to)},
                        {"time_zone", "Asia/Shanghai"}}},
                      {"group_by", std::move(group_by)},
                      {"as_of", format_rfc3339(result.as_of)},
                      {"groups", std::move(groups)},
                      {"totals", {{"figures", figures_json(result.totals)}}}};
}

json::value kpi_definitions_json() {
  json::array items;
  for (const FigureDefinition& d : kpi_definitions()) items.push_back(figure_definition_json(d));
  return json::object{{"time_zone", "Asia/Shanghai"}, {"items", std::move(items)}};
}

Result<KpiQuery> kpi_query_of(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string from, to;
  std::vector<std::string> groups;
  std::vector<FieldError> unknown;
  for (const auto& [name, value] : params) {
    if (name == "from") {
      from = value;
    } else if (name == "to") {
      to = value;
    } else if (name == "group_by") {
      add_groups(value, groups);
    } else {
      unknown.push_back({name, "is not a parameter of this report (from, to, group_by)"});
    }
  }
  if (!unknown.empty()) return Error::invalid_fields(std::move(unknown), "invalid report query");
  return make_kpi_query(from, to, groups);
}

}  // namespace outpost::http
