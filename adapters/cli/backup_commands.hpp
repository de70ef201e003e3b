// File: adapters/cli/backup_commands.hpp
//
// Backups and moves of the whole database (docs/BACKUP.md):
//   outpost backup --out FILE              SQLite: the online backup API, a consistent
//                                          copy while the server runs (and the key files
//                                          beside the database, as FILE.key and
//                                          FILE.signing-key); PostgreSQL: pg_dump -Fc
//   outpost restore --from FILE [--force]  into --database; refuses a target that holds
//                                          rows (PostgreSQL: any table) unless --force,
//                                          then runs `outpost audit verify`'s checks
//   outpost migrate-to-postgresql --to postgresql://… [--from sqlite:PATH]
//                                          every row, in one transaction, into an empty
//                                          PostgreSQL database; row counts and the audit
//                                          chain checked on the target
// Each takes --database/--config like `migrate` (added by the caller); progress
// goes to standard error, the verdict to standard output. Exit codes: 0 done,
// 1 failed (nothing was changed on the target), 2 bad usage or a refused target.
//
//   cli::BackupCommands backup(app, add_common);
//   CLI11_PARSE(app, argc, argv);
//   if (auto code = backup.run(with_settings, with_stores_at)) return *code;
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "adapters/cli/audit_commands.hpp"

namespace outpost::cli {

// Runs `body` on the migrated stores (with the personal-data key) of the
// database `url`, with the parsed settings otherwise.
using WithStoresAt = std::function<int(const std::string& url, const StoresBody&)>;

class BackupCommands {
 public:
  BackupCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_common);

  // The exit code of the command that was parsed; nullopt when none of these was.
  std::optional<int> run(const WithSettings& with_settings, const WithStoresAt& with_stores_at);

 private:
  int backup(const config::Settings& s);
  int restore(const config::Settings& s, const WithStoresAt& with_stores_at);
  int migrate_to_postgresql(const config::Settings& s, const WithStoresAt& with_stores_at);

  CLI::App* backup_ = nullptr;
  CLI::App* restore_ = nullptr;
  CLI::App* migrate_ = nullptr;
  std::string out_, from_, to_;
  bool force_ = false;
};

}  // namespace outpost::cli
