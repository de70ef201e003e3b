#include "adapters/cli/import_command.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include "adapters/config/catalogue_json.hpp"
#include "adapters/config/config_loader.hpp"
#include "adapters/http/import_report_json.hpp"
#include "adapters/import/ledger_file.hpp"
#include "engine/cases/audit_chain.hpp"
#include "engine/directory/catalogue_service.hpp"
#include "workflows/registry.hpp"

namespace outpost::cli {

namespace {

int fail(int code, const std::string& message) {
  spdlog::error("import: {}", message);
  return code;
}

std::string format_of_file(const std::string& path) {
  return path.ends_with(".jsonl") || path.ends_with(".ndjson") ? "jsonl" : "csv";
}

}  // namespace

ImportCommand::ImportCommand(CLI::App& app, const std::function<void(CLI::App*)>& add_common) {
  command_ =
      app.add_subcommand("import", "Import an earlier ledger (台账) as closed historic cases");
  add_common(command_);
  command_->add_option("file", file_, "The ledger: CSV or JSON lines, UTF-8 or GB18030")
      ->required();
  command_->add_option("--ledger", ledger_, "The ledger's name; (ledger, 编号) is imported once")
      ->required();
  command_->add_flag("--dry-run", dry_run_, "Check every row and store nothing");
  command_->add_option("--charset", charset_, "auto (default), utf-8 or gb18030");
  command_->add_option("--format", format_, "csv or jsonl (default: by the file's extension)");
  command_->add_option("--mapping", mapping_,
                       "JSON object ledger column -> field (default: docs/IMPORT.md's layout)");
}

int ImportCommand::run(Stores& stores, const config::Settings& settings) const {
  auto domain =
      config::load_domain_config(settings.config_dir, settings.calendar, settings.boundaries);
  if (!domain) return fail(2, "configuration: " + domain.error().message);
  std::ifstream in(file_, std::ios::binary);
  if (!in) return fail(2, "cannot read " + file_);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  std::optional<ColumnMapping> mapping;
  if (mapping_) {
    auto parsed = parse_ledger_mapping(*mapping_);
    if (!parsed) return fail(2, "--mapping must be a JSON object of column -> field names");
    mapping = std::move(parsed.value());
  }
  const WorkflowRegistry workflows = builtin_workflows();
  SystemClock clock;
  // The catalogue in force is the database's (as for POST /api/v1/imports).
  CatalogueService catalogue(stores.catalogue, config::parse_catalogue_document,
                             domain.value().permissions, clock);
  if (Status s = catalogue.start(boost::json::serialize(domain.value().catalogue_document)); !s) {
    return fail(2, "catalogue: " + s.error().message);
  }
  const std::shared_ptr<const CatalogueState> in_force = catalogue.current();
  const ImportRules rules{*in_force->catalogue, domain.value().jurisdiction, workflows};
  ImportOptions options;
  options.ledger = ledger_;
  options.file_sha256 = sha256_hex(bytes);
  options.dry_run = dry_run_;
  options.columns = ledger_columns(mapping.value_or(default_ledger_mapping()));
  const Actor operator_actor{0, "cli", "admin", "", ""};
  LedgerImport run(stores.imports, rules, clock, domain.value().permissions, operator_actor,
                   std::move(options));
  if (Status s = run.begin(); !s) return fail(2, s.error().message);
  LedgerFile file{bytes, format_.value_or(format_of_file(file_)), charset_, mapping};
  auto report = import_ledger_file(file, run);
  if (!report) {
    const Error& e = report.error();
    std::string detail = e.message;
    for (const FieldError& f : e.fields) detail += "; " + f.field + ": " + f.message;
    return fail(e.kind == ErrorKind::unavailable || e.kind == ErrorKind::internal ? 1 : 2, detail);
  }
  std::cout << boost::json::serialize(http::import_report_json(report.value())) << "\n";
  return 0;
}

}  // namespace outpost::cli
