// File: adapters/cli/report_commands.hpp
//
// The report commands of the outpost binary (engine/reports/kpi.hpp):
//   outpost report kpis --from YYYY-MM-DD --to YYYY-MM-DD [--group-by G[,G]]…
//                       [--format table|json]
//       the figures of the cases received in the period, grouped by community,
//       grid, category, department, staff, month or quarter; `table` puts one
//       figure per line (zh-CN names) and one column per group, aligned for a
//       terminal; `json` is the body of GET /api/v1/reports/kpis.
//   outpost report statistics --period month|quarter --from D --to D
//                       [--format json|csv] [--xlsx FILE]
//       the justice office's statistics table (engine/reports/statistics.hpp)
//       as GET /api/v1/reports/statistics writes it: JSON or CSV on stdout,
//       or the XLSX workbook in FILE.
//   outpost report definitions [--format markdown|json]
//       what each figure counts; docs/REPORTS.md is its markdown.
// The command line reads every case (it runs as the operator, like `migrate`).
//
//   cli::ReportCommands reports(app, add_common);
//   CLI11_PARSE(app, argc, argv);
//   if (auto code = reports.run(with_reports)) return *code;
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "engine/reports/report_store.hpp"
#include "engine/reports/statistics.hpp"

namespace outpost::cli {

// Runs `body` with the report service of the parsed --database/--config and
// returns its exit code, or the code of the failure to get there.
using ReportBody = std::function<int(ReportService&, const StatisticsClasses&)>;
using WithReports = std::function<int(const ReportBody&)>;

class ReportCommands {
 public:
  ReportCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_common);

  // The exit code of the command that was parsed; nullopt when none of these was.
  std::optional<int> run(const WithReports& with_reports);

 private:
  int kpis(ReportService& reports);
  int statistics(ReportService& reports, const StatisticsClasses& classes);
  int definitions();

  CLI::App* kpis_ = nullptr;
  CLI::App* definitions_ = nullptr;
  CLI::App* statistics_ = nullptr;
  std::string period_ = "month", statistics_format_ = "json", xlsx_;
  std::string from_, to_, format_ = "table", definitions_format_ = "markdown";
  std::vector<std::string> group_by_;
};

// The report as a table for a terminal: a line per figure, a column per group
// and the totals, widths counted in terminal cells (a CJK character takes two).
std::string kpi_table(const KpiQuery& query, const KpiResult& result);
// docs/REPORTS.md's table of the definitions.
std::string definitions_markdown();

}  // namespace outpost::cli
