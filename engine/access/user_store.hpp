// File: engine/access/user_store.hpp
//
// The user store port the request path needs: who owns a token, the
// bootstrap admin, and whether the database answers. User accounts,
// passwords and login failures are engine/access/users.hpp's UserAccountStore.
//
//   auto user = users.find_user_by_token_hash(sha256_hex(token));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/core/error.hpp"

namespace outpost {

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string role;
  std::string department;
  std::string grid;
  bool disabled = false;
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  // The enabled user owning an unexpired, unrevoked token with this SHA-256 hex hash.
  virtual Result<std::optional<User>> find_user_by_token_hash(std::string_view token_hash) = 0;
  // Creates the user (role as given) if missing and attaches the token hash if
  // missing. Used for OUTPOST_BOOTSTRAP_TOKEN and demo data.
  virtual Result<User> ensure_user_with_token(std::string_view username, std::string_view role,
                                              std::string_view token_hash) = 0;
  // Answers when the database answers (readiness).
  virtual Status ping() = 0;
};

}  // namespace outpost
