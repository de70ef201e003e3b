// File: adapters/cli/audit_commands.hpp
//
// The history-proof commands of the outpost binary (docs/PROOF.md):
//   outpost audit public-key                      the verifier key (note format)
//   outpost audit generate-key FILE [--origin N]  a new signing key file (mode 0600)
//   outpost audit checkpoint                      sign a checkpoint of the whole log now
//   outpost audit verify [--case ID]              chains + inclusion against the signed
//                                                 checkpoint; exit 1 naming the first bad entry
//   outpost audit export-bundle --cases 1,2,3 [--out FILE]
//   outpost audit verify-export FILE --key PUB    offline: no database, no settings
//   outpost audit verify-document FILE.pdf        a printed document (document_commands.hpp)
// The database commands take --database/--config like `migrate` (added by the caller).
//
//   cli::AuditCommands audit(app, add_common);
//   CLI11_PARSE(app, argc, argv);
//   if (auto code = audit.run(with_stores)) return *code;
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "adapters/config/settings.hpp"
#include "adapters/storage/stores.hpp"

namespace outpost::cli {

// Runs `body` on the migrated stores (with the personal-data key) of the
// parsed --database/--config; returns its exit code or the failure's.
using StoresBody = std::function<int(Stores&, const config::Settings&)>;
using WithStores = std::function<int(const StoresBody&)>;
using WithSettings = std::function<int(const std::function<int(const config::Settings&)>&)>;

// `outpost audit verify` on open stores: every chain (or only `case_id`'s)
// and the log against the latest signed checkpoint, with the settings'
// signing key; prints the verdict, returns the exit code (0 verified, 1 a
// failure named, 2 no usable key). `outpost restore` runs it too.
int verify_history(Stores& stores, const config::Settings& s, std::optional<long long> case_id);

class AuditCommands {
 public:
  AuditCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_common);

  // The exit code of the command that was parsed; nullopt when none of these was.
  std::optional<int> run(const WithStores& with_stores, const WithSettings& with_settings);

 private:
  int export_bundle(Stores& stores, const config::Settings& s);
  int verify_export();

  CLI::App* public_key_ = nullptr;
  CLI::App* generate_key_ = nullptr;
  CLI::App* checkpoint_ = nullptr;
  CLI::App* verify_ = nullptr;
  CLI::App* export_bundle_ = nullptr;
  CLI::App* verify_export_ = nullptr;
  CLI::App* verify_document_ = nullptr;
  std::optional<long long> case_id_;
  std::string cases_, out_, file_, key_, origin_ = "outpost.pinganlongfengqiao/history";
};

}  // namespace outpost::cli
