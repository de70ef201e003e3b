// File: adapters/storage/soci_user_store.hpp
//
// The two user ports on the shared Database: UserStore (engine/cases/case_store.hpp:
// who a login token belongs to, the bootstrap token, the liveness ping) and
// UserAccountStore (engine/access/users.hpp: accounts, tokens, failed-login
// counters).
//
//   SociUserStore users(db);                   // db: a migrated Database
//   auto who = users.find_user_by_token_hash(sha256_hex(token));
//
// Threads and errors: as Database.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/storage/database.hpp"
#include "engine/access/users.hpp"
#include "engine/cases/case_store.hpp"

namespace outpost {

class SociUserStore final : public UserStore, public UserAccountStore {
 public:
  explicit SociUserStore(Database& db) : db_(db) {}

  // UserStore.
  Result<std::optional<User>> find_user_by_token_hash(std::string_view token_hash) override;
  Result<User> ensure_user_with_token(std::string_view username, std::string_view role,
                                      std::string_view token_hash) override;
  // Database::ping.
  Status ping() override;

  // UserAccountStore.
  Result<User> create_user(const User& user, std::string_view password_hash) override;
  Result<std::vector<User>> list_users() override;
  Result<std::optional<Credentials>> find_credentials(std::string_view username) override;
  Result<User> update_user(const User& user) override;
  Status add_token(std::int64_t user_id, std::string_view token_hash, Millis expires_at) override;
  Status revoke_token(std::string_view hash_prefix) override;
  Result<std::vector<LoginFailures>> login_failures(const std::vector<std::string>& keys,
                                                    Millis now) override;
  Result<std::vector<LoginFailures>> record_login_failure(const std::vector<std::string>& keys,
                                                          Millis now, int max_failures,
                                                          Millis lock) override;
  Status clear_login_failures(const std::vector<std::string>& keys) override;

 private:
  Database& db_;
};

}  // namespace outpost
