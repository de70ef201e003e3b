// File: adapters/cli/export_command.hpp
//
//   outpost export cases|history|ledger [--format csv|jsonl|xlsx] [--purpose TEXT] [--max-rows N]
//                  [--out FILE] [NAME=VALUE …]
//
// Writes the same bytes as GET /api/v1/exports/cases|history|ledger
// (adapters/http/case_export.hpp) through the same code: NAME=VALUE are the
// list's filters (kind=dispute state=closed community=LF created_from=… …)
// and, for history, from=/to=. It acts as the operator (`cli`, role admin):
// every case, personal data masked unless the permissions let admin reveal
// and --purpose is given. Progress goes to stderr; without --out the export
// goes to stdout. Bad filters exit 2, database failures 1.
//
//   cli::ExportCommand exports(app, add_common);
//   CLI11_PARSE(app, argc, argv);
//   if (exports.parsed()) return exports.run(sources, now);
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "adapters/http/case_export.hpp"

namespace outpost::cli {

class ExportCommand {
 public:
  ExportCommand(CLI::App& app, const std::function<void(CLI::App*)>& add_common);

  bool parsed() const;
  int run(http::ExportSources sources, Millis now);

 private:
  CLI::App* cases_ = nullptr;
  CLI::App* history_ = nullptr;
  CLI::App* ledger_ = nullptr;
  std::optional<std::string> format_, purpose_, out_;
  std::optional<long long> max_rows_;
  std::vector<std::string> filters_;
};

}  // namespace outpost::cli
