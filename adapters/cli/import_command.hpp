// File: adapters/cli/import_command.hpp
//
//   outpost import FILE --ledger NAME [--dry-run] [--charset auto|utf-8|gb18030]
//                  [--format csv|jsonl] [--mapping JSON]
//
// Imports an earlier ledger (docs/IMPORT.md) through the same code as POST
// /api/v1/imports, as the operator (`cli`, role admin), and prints the
// report as JSON on stdout. --format defaults to the file's extension
// (.jsonl/.ndjson: jsonl, else csv). Exit codes: 0 done (the report lists
// the rows that were not imported), 2 a bad file or option, 1 the database.
//
//   cli::ImportCommand imports(app, add_common);
//   CLI11_PARSE(app, argc, argv);
//   if (imports.parsed()) return with_sealed_stores(flags, imports.body());
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "adapters/config/settings.hpp"
#include "adapters/storage/stores.hpp"

namespace outpost::cli {

class ImportCommand {
 public:
  ImportCommand(CLI::App& app, const std::function<void(CLI::App*)>& add_common);

  bool parsed() const { return command_->parsed(); }
  int run(Stores& stores, const config::Settings& settings) const;

 private:
  CLI::App* command_ = nullptr;
  std::string file_, ledger_, charset_ = "auto";
  std::optional<std::string> format_, mapping_;
  bool dry_run_ = false;
};

}  // namespace outpost::cli
