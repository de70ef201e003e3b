#include "adapters/cli/user_commands.hpp"

#include <sodium.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include <spdlog/spdlog.h>

#include "engine/access/users.hpp"
#include "engine/cases/audit_chain.hpp"

namespace outpost::cli {
namespace {

Millis now_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int report(const Error& e) {
  std::cerr << "outpost: " << e.message << "\n";
  for (const FieldError& f : e.fields) std::cerr << "  " << f.field << ": " << f.message << "\n";
  return e.kind == ErrorKind::invalid || e.kind == ErrorKind::already_exists ||
                 e.kind == ErrorKind::not_found
             ? 2
             : 1;
}

// OUTPOST_PASSWORD, else the first line of stdin (without its line ending).
std::string read_password() {
  if (const char* env = std::getenv("OUTPOST_PASSWORD"); env && *env) return env;
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string or_dash(const std::string& s) {
  return s.empty() ? "-" : s;
}

}  // namespace

UserCommands::UserCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_common) {
  CLI::App* user = app.add_subcommand("user", "Manage user accounts");
  user->require_subcommand(1);
  user_add_ = user->add_subcommand(
      "add", "Create a user; the password comes from OUTPOST_PASSWORD or the first line of stdin");
  add_common(user_add_);
  user_add_->add_option("--username", username_, "Login name")->required();
  user_add_
      ->add_option("--role", role_, "desk | dispatcher | handler | supervisor | auditor | admin")
      ->required();
  user_add_->add_option("--department", department_, "Department code (required for handler)");
  user_add_->add_option("--grid", grid_, "Grid code (handler only)");
  user_add_->add_option("--display-name", display_name_, "Shown name (default: the username)");

  user_list_ = user->add_subcommand("list", "List users");
  add_common(user_list_);

  user_disable_ = user->add_subcommand("disable", "Disable a user: their tokens stop working");
  add_common(user_disable_);
  user_disable_->add_option("--username", username_, "Login name")->required();

  CLI::App* token = app.add_subcommand("token", "Manage bearer tokens");
  token->require_subcommand(1);
  token_create_ = token->add_subcommand("create", "Create a token for a user and print it once");
  add_common(token_create_);
  token_create_->add_option("--username", username_, "Login name")->required();
  token_create_
      ->add_option("--ttl-hours", ttl_hours_, "Lifetime (default: setting token_ttl_hours)")
      ->check(CLI::Range(1LL, 24LL * 366));

  token_revoke_ = token->add_subcommand("revoke", "Revoke a token");
  add_common(token_revoke_);
  auto* by_token = token_revoke_->add_option("--token", token_, "The token itself");
  auto* by_id = token_revoke_->add_option(
      "--id", token_id_, "12 or more hex digits of the token's SHA-256 (its token_id)");
  by_token->excludes(by_id);
}

std::optional<int> UserCommands::run(const WithStore& with_store) {
  if (user_add_->parsed()) {
    return with_store([this](UserAccountStore& s, const config::Settings&) { return add(s); });
  }
  if (user_list_->parsed()) {
    return with_store([this](UserAccountStore& s, const config::Settings&) { return list(s); });
  }
  if (user_disable_->parsed()) {
    return with_store([this](UserAccountStore& s, const config::Settings&) { return disable(s); });
  }
  if (token_create_->parsed()) {
    return with_store([this](UserAccountStore& s, const config::Settings& settings) {
      return create_token(s, settings);
    });
  }
  if (token_revoke_->parsed()) {
    return with_store([this](UserAccountStore& s, const config::Settings&) { return revoke(s); });
  }
  return std::nullopt;
}

int UserCommands::add(UserAccountStore& store) {
  std::string password = read_password();
  User user;
  user.username = username_;
  user.role = role_;
  user.department = department_;
  user.grid = grid_;
  user.display_name = display_name_;
  auto created = create_user(store, user, password);
  sodium_memzero(password.data(), password.size());
  if (!created) return report(created.error());
  spdlog::info("user '{}' ({}) created", created.value().username, created.value().role);
  std::cout << "created user " << created.value().username << " (" << created.value().role << ")\n";
  return 0;
}

int UserCommands::list(UserAccountStore& store) {
  auto users = store.list_users();
  if (!users) return report(users.error());
  std::cout << "username\trole\tdepartment\tgrid\tstatus\tdisplay_name\n";
  for (const User& u : users.value()) {
    std::cout << u.username << "\t" << u.role << "\t" << or_dash(u.department) << "\t"
              << or_dash(u.grid) << "\t" << (u.disabled ? "disabled" : "active") << "\t"
              << u.display_name << "\n";
  }
  return 0;
}

int UserCommands::disable(UserAccountStore& store) {
  auto found = store.find_credentials(username_);
  if (!found) return report(found.error());
  if (!found.value())
    return report(Error::make(ErrorKind::not_found, "no user with this username"));
  UserChange change;
  change.disabled = true;
  auto changed = apply_change(found.value()->user, change);
  if (!changed) return report(changed.error());
  auto updated = store.update_user(changed.value());
  if (!updated) return report(updated.error());
  spdlog::info("user '{}' disabled", username_);
  std::cout << "disabled user " << username_ << "\n";
  return 0;
}

int UserCommands::create_token(UserAccountStore& store, const config::Settings& settings) {
  const auto ttl = std::chrono::hours(ttl_hours_.value_or(settings.token_ttl_hours));
  auto issued = issue_token(store, username_, ttl, now_millis());
  if (!issued) return report(issued.error());
  spdlog::info("token {} created for user '{}'", issued.value().token_id, username_);
  std::cout << "token: " << issued.value().token << "\n"
            << "token_id: " << issued.value().token_id << "\n"
            << "expires_at_ms: " << issued.value().expires_at << "\n"
            << "The token is shown only now; store it safely.\n";
  return 0;
}

int UserCommands::revoke(UserAccountStore& store) {
  if (token_.empty() && token_id_.empty()) {
    return report(Error::invalid_field("--token", "give --token or --id"));
  }
  const std::string prefix = token_.empty() ? token_id_ : sha256_hex(token_);
  if (Status s = store.revoke_token(prefix); !s) return report(s.error());
  spdlog::info("token {} revoked", token_id_of_hash(prefix));
  std::cout << "revoked\n";
  return 0;
}

}  // namespace outpost::cli
