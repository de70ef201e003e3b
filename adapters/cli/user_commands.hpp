// File: adapters/cli/user_commands.hpp
//
// The account commands of the outpost binary:
//   outpost user add --username U --role R [--department D] [--grid G] [--display-name N]
//       (the password comes from OUTPOST_PASSWORD or the first line of stdin, never a flag)
//   outpost user list
//   outpost user disable --username U
//   outpost token create --username U [--ttl-hours H]   (prints the token, once)
//   outpost token revoke --token T | --id HEX            (HEX: 12+ digits of the token's SHA-256,
//                                                         the token_id printed at creation)
// Each takes --database/--config like `migrate` (added by the caller).
//
//   cli::UserCommands users(app, add_common);
//   CLI11_PARSE(app, argc, argv);
//   if (auto code = users.run(with_store)) return *code;
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "adapters/config/settings.hpp"
#include "engine/access/users.hpp"

namespace outpost::cli {

// Runs `body` on the user accounts of the migrated database of the parsed --database/--config and
// returns its exit code, or the code of the failure to get there.
using StoreBody = std::function<int(UserAccountStore&, const config::Settings&)>;
using WithStore = std::function<int(const StoreBody&)>;

class UserCommands {
 public:
  UserCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_common);

  // The exit code of the command that was parsed; nullopt when none of these was.
  std::optional<int> run(const WithStore& with_store);

 private:
  int add(UserAccountStore& store);
  int list(UserAccountStore& store);
  int disable(UserAccountStore& store);
  int create_token(UserAccountStore& store, const config::Settings& settings);
  int revoke(UserAccountStore& store);

  CLI::App* user_add_ = nullptr;
  CLI::App* user_list_ = nullptr;
  CLI::App* user_disable_ = nullptr;
  CLI::App* token_create_ = nullptr;
  CLI::App* token_revoke_ = nullptr;
  std::string username_, role_, department_, grid_, display_name_, token_, token_id_;
  std::optional<long long> ttl_hours_;
};

}  // namespace outpost::cli
