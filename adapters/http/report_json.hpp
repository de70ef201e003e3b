// File: adapters/http/report_json.hpp
//
// The reports as JSON (engine/reports/kpi.hpp), for GET /api/v1/reports/*
// and `outpost report kpis --format json`, and the reading of a report's
// query parameters. One shape everywhere:
//
//   {"period": {"from", "to", "time_zone"}, "group_by": [...], "as_of",
//    "groups": [{"key": {"community": "LF"}, "figures": {"<id>": {"value",
//    "numerator", "denominator"}}}], "totals": {"figures": {...}}}
//
// A figure's value is a number or null (a ratio over no case, a percentile
// of none); numerator and denominator are integers or null where the figure
// has none (kpi_definitions()).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "engine/core/error.hpp"
#include "engine/reports/kpi.hpp"

namespace outpost::http {

boost::json::value kpi_result_json(const KpiQuery& query, const KpiResult& result);

// {"items": [{"id", "name_zh", "name_en", "numerator", "denominator", "unit"}]}
boost::json::value kpi_definitions_json();
// One item of it.
boost::json::object figure_definition_json(const FigureDefinition& d);
// {"value", "numerator", "denominator"}: numbers or null.
boost::json::object figure_value_json(const FigureValue& v);

// ?from=YYYY-MM-DD&to=YYYY-MM-DD&group_by=a,b&group_by=c: the query, or
// invalid naming the parameter (an unknown parameter too).
Result<KpiQuery> kpi_query_of(const std::vector<std::pair<std::string, std::string>>& params);

// "YYYY-MM-DD".
std::string format_local_date(LocalDate d);

}  // namespace outpost::http
