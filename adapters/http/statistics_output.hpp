// File: adapters/http/statistics_output.hpp
//
// The statistics table (engine/reports/statistics.hpp) as the justice office
// gets it — JSON, CSV (adapters/export/csv.hpp) or XLSX (adapters/export/
// xlsx.hpp: sheet 统计表 with the figures, sheet 指标说明 with what each
// counts) — for GET /api/v1/reports/statistics and `outpost report
// statistics`, and the reading of its query:
//
//   ?period=month|quarter&from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv|xlsx
//
// JSON: {"period": {"kind", "from", "to", "time_zone"}, "as_of",
//  "figures": [definitions], "classes": [{"code", "label", "categories"}],
//  "periods": [{"period": "2026-07", "rows": [{"class", "label",
//  "figures": {"<id>": {"value", "numerator", "denominator"}}}]}],
//  "total": {"period": "2026-07-01至2026-09-30", "rows": [...]}} — each period's rows are the
// classes in configuration order, then the total (class null, label 合计).
// CSV and XLSX: one line per row, 期间 and 类别 first, then the figures'
// zh-CN names; a ratio is a fraction (0.75; XLSX shows it as 75.0%), empty
// over no case.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "engine/core/error.hpp"
#include "engine/reports/statistics.hpp"

namespace outpost::http {

enum class StatisticsFormat { json, csv, xlsx };

struct StatisticsRequest {
  StatisticsQuery query;
  StatisticsFormat format = StatisticsFormat::json;
};

// invalid naming each bad parameter: period, from, to, format (json, csv
// or xlsx), an unknown one.
Result<StatisticsRequest> statistics_request_of(
    const std::vector<std::pair<std::string, std::string>>& params);

boost::json::value statistics_json(const StatisticsQuery& query, const StatisticsTable& table,
                                   const StatisticsClasses& classes);
std::string statistics_csv(const StatisticsTable& table);
// The workbook's bytes (written to a temporary file, read back, deleted);
// unavailable when the file cannot be written.
Result<std::string> statistics_xlsx(const StatisticsTable& table);

// "statistics-2026-07-01-2026-09-30.csv" and its zh-CN twin
// "人民调解统计表-2026-07-01至2026-09-30.xlsx".
std::string statistics_filename(const StatisticsRequest& req);
std::string statistics_filename_zh(const StatisticsRequest& req);

}  // namespace outpost::http
