#include "adapters/cli/report_commands.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json/serialize.hpp>

#include "adapters/http/report_json.hpp"
#include "adapters/http/statistics_output.hpp"

namespace outpost::cli {

namespace {

// The code point at `i` of UTF-8 text, advancing `i` past it.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
  char32_t cp = extra == 0 ? b : b & (0x3F >> extra);
  ++i;
  for (; extra > 0 && i < s.size(); --extra, ++i) cp = (cp << 6) | (byte(i) & 0x3F);
  return cp;
}

// East Asian wide and fullwidth characters take two terminal cells.
bool is_wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

std::size_t display_width(std::string_view s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) width += is_wide(next_code_point(s, i)) ? 2 : 1;
  return width;
}

std::string pad(const std::string& s, std::size_t width, bool right) {
  const std::string fill(width - std::min(width, display_width(s)), ' ');
  return right ? fill + s : s + fill;
}

std::string cell(const FigureDefinition& def, const FigureValue& v) {
  char buf[64];
  switch (def.unit) {
    case FigureUnit::count:
      return std::to_string(v.numerator.value_or(0));
    case FigureUnit::ratio:
      if (!v.value) return "— (0/0)";
      std::snprintf(buf, sizeof buf, "%.1f%% (%lld/%lld)", *v.value * 100,
                    static_cast<long long>(v.numerator.value_or(0)),
                    static_cast<long long>(v.denominator.value_or(0)));
      return buf;
    case FigureUnit::working_hours:
      if (!v.value) return "—";
      std::snprintf(buf, sizeof buf, "%.1f (n=%lld)", *v.value,
                    static_cast<long long>(v.denominator.value_or(0)));
      return buf;
  }
  return "";
}

std::string group_title(const KpiGroup& g) {
  std::string title;
  for (const auto& [name, value] : g.key) {
    if (!title.empty()) title += " / ";
    title += value.empty() ? "（无）" : value;
  }
  return title;
}

}  // namespace

std::string kpi_table(const KpiQuery& query, const KpiResult& result) {
  std::vector<const KpiGroup*> columns;
  for (const KpiGroup& g : result.groups) columns.push_back(&g);
  columns.push_back(&result.totals);
  const std::span<const FigureDefinition> defs = kpi_definitions();

  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{"指标"};
  for (const KpiGroup* g : columns)
    header.push_back(g == &result.totals ? "合计" : group_title(*g));
  rows.push_back(header);
  for (std::size_t i = 0; i < defs.size(); ++i) {
    std::vector<std::string> row{std::string(defs[i].name_zh)};
    for (const KpiGroup* g : columns) row.push_back(cell(defs[i], g->figures[i]));
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  std::string groups;
  for (ReportGroup g : query.group_by)
    groups += (groups.empty() ? "" : ", ") + std::string(to_string(g));
  std::ostringstream out;
  out << "期间 " << http::format_local_date(query.from) << " 至 "
      << http::format_local_date(query.to) << "（Asia/Shanghai，按受理日期）  分组："
      << (groups.empty() ? "无" : groups) << "  截至 " << format_rfc3339(result.as_of) << "\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      out << (c == 0 ? "" : "  ") << pad(rows[r][c], widths[c], c > 0);
    }
    out << "\n";
    if (r == 0) {
      std::size_t total = 0;
      for (std::size_t w : widths) total += w + 2;
      out << std::string(total - 2, '-') << "\n";
    }
  }
  return out.str();
}

std::string definitions_markdown() {
  std::ostringstream out;
  out << "| id | 名称 | name | numerator (分子) | denominator (分母) | unit |\n"
      << "| --- | --- | --- | --- | --- | --- |\n";
  for (const FigureDefinition& d : kpi_definitions()) {
    out << "| `" << d.id << "` | " << d.name_zh << " | " << d.name_en << " | " << d.numerator
        << " | " << (d.denominator.empty() ? "—" : d.denominator) << " | " << to_string(d.unit)
        << " |\n";
  }
  return out.str();
}

ReportCommands::ReportCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_common) {
  CLI::App* report =
      app.add_subcommand("report", "Figures (KPIs) of the cases received in a period");
  report->require_subcommand(1);
  kpis_ = report->add_subcommand("kpis", "The figures of a period, grouped");
  add_common(kpis_);
  kpis_->add_option("--from", from_, "First day, YYYY-MM-DD (Asia/Shanghai)")->required();
  kpis_->add_option("--to", to_, "Last day, YYYY-MM-DD (Asia/Shanghai)")->required();
  kpis_->add_option("--group-by", group_by_,
                    "community|grid|category|department|staff|month|quarter (repeatable, or a "
                    "comma list)");
  kpis_->add_option("--format", format_, "table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  statistics_ = report->add_subcommand(
      "statistics", "The statistics table by the justice office's dispute classes");
  add_common(statistics_);
  statistics_->add_option("--period", period_, "month (default) or quarter");
  statistics_->add_option("--from", from_, "First day, YYYY-MM-DD (Asia/Shanghai)")->required();
  statistics_->add_option("--to", to_, "Last day, YYYY-MM-DD (Asia/Shanghai)")->required();
  statistics_->add_option("--format", statistics_format_, "json (default) or csv, on stdout")
      ->check(CLI::IsMember({"json", "csv"}));
  statistics_->add_option("--xlsx", xlsx_, "Write the table as an XLSX workbook to this file");
  definitions_ = report->add_subcommand("definitions", "What each figure counts");
  definitions_->add_option("--format", definitions_format_, "markdown (default) or json")
      ->check(CLI::IsMember({"markdown", "json"}));
}

std::optional<int> ReportCommands::run(const WithReports& with_reports) {
  if (definitions_->parsed()) return definitions();
  if (kpis_->parsed()) {
    return with_reports([this](ReportService& r, const StatisticsClasses&) { return kpis(r); });
  }
  if (statistics_->parsed()) {
    return with_reports(
        [this](ReportService& r, const StatisticsClasses& c) { return statistics(r, c); });
  }
  return std::nullopt;
}

int ReportCommands::kpis(ReportService& reports) {
  std::vector<std::pair<std::string, std::string>> params{{"from", from_}, {"to", to_}};
  for (const std::string& g : group_by_) params.emplace_back("group_by", g);
  auto query = http::kpi_query_of(params);
  if (!query) {
    for (const FieldError& f : query.error().fields) {
      std::cerr << "outpost: --" << (f.field == "group_by" ? "group-by" : f.field) << ": "
                << f.message << "\n";
    }
    return 2;
  }
  const Actor operator_actor{0, "cli", "admin", "", ""};
  auto result = reports.kpis(operator_actor, query.value());
  if (!result) {
    std::cerr << "outpost: " << result.error().message << "\n";
    return 1;
  }
  if (format_ == "json") {
    std::cout << boost::json::serialize(http::kpi_result_json(query.value(), result.value()))
              << "\n";
  } else {
    std::cout << kpi_table(query.value(), result.value());
  }
  return 0;
}

int ReportCommands::statistics(ReportService& reports, const StatisticsClasses& classes) {
  auto request = http::statistics_request_of(
      {{"period", period_}, {"from", from_}, {"to", to_}, {"format", statistics_format_}});
  if (!request) {
    for (const FieldError& f : request.error().fields) {
      std::cerr << "outpost: --" << f.field << ": " << f.message << "\n";
    }
    return 2;
  }
  const StatisticsQuery& q = request.value().query;
  const Actor operator_actor{0, "cli", "admin", "", ""};
  auto result = reports.kpis(operator_actor, q.kpi);
  if (!result) {
    std::cerr << "outpost: " << result.error().message << "\n";
    return 1;
  }
  const StatisticsTable table = statistics_table(q, result.value(), classes);
  if (!xlsx_.empty()) {
    auto bytes = http::statistics_xlsx(table);
    std::ofstream out(xlsx_, std::ios::binary);
    if (bytes) out << bytes.value();
    if (!bytes || !out.flush()) {
      std::cerr << "outpost: " << xlsx_ << ": "
                << (bytes ? std::string("cannot be written") : bytes.error().message) << "\n";
      return 1;
    }
    return 0;
  }
  if (request.value().format == http::StatisticsFormat::csv) {
    std::cout << http::statistics_csv(table);
  } else {
    std::cout << boost::json::serialize(http::statistics_json(q, table, classes)) << "\n";
  }
  return 0;
}

int ReportCommands::definitions() {
  if (definitions_format_ == "json") {
    std::cout << boost::json::serialize(http::kpi_definitions_json()) << "\n";
  } else {
    std::cout << definitions_markdown();
  }
  return 0;
}

}  // namespace outpost::cli
