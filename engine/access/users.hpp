// File: engine/access/users.hpp
//
// User accounts, roles, passwords and login tokens: the rules shared by the
// admin API and the `outpost user|token` commands, and the store port they
// need (UserAccountStore, implemented in adapters/storage/soci_user_store.cpp).
//
//   User u{.username = "li.na", .role = "handler", .department = "urban"};
//   auto created = create_user(store, u, password);   // validated, Argon2id-hashed
//   auto issued = issue_token(store, "li.na", std::chrono::hours(12), now);
//   print(issued.value().token);                       // shown once, stored as SHA-256
//
// Roles: desk, dispatcher, handler (needs a department, may have a grid),
// supervisor, auditor, admin. Only handlers carry a grid.
// Passwords: 8 to 1024 bytes, hashed with libsodium's crypto_pwhash_str
// (Argon2id) at the INTERACTIVE limits: 64 MiB and about 0.1 s per hash. Login
// is an online operation on a small worker pool; MODERATE (256 MiB, ~0.7 s)
// would let a handful of parallel login attempts pin a gigabyte of memory and
// stall every worker, while the 10-failure lock already bounds online guessing.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/access/user_store.hpp"
#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"

namespace outpost {

// department_head: the head of a department (科室负责人), who reads the
// reports of their department (permissions.json "reports"). channel: an
// outside system filing requests through a protocol adapter (channels.hpp).
inline constexpr std::string_view kRoles[] = {
    "desk",    "dispatcher", "handler",         "supervisor",
    "auditor", "admin",      "department_head", "channel"};
inline constexpr std::size_t kMinPasswordBytes = 8;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

bool is_known_role(std::string_view role);

// The changes of PATCH /api/v1/users/{username}; unset fields stay as they are.
struct UserChange {
  std::optional<std::string> role, department, grid, display_name;
  std::optional<bool> disabled;
};

// A user with the hash of their password (empty: no password login, as for
// the bootstrap admin).
struct Credentials {
  User user;
  std::string password_hash;
};

// Consecutive failed logins under one key ("user:<name>" or "addr:<ip>").
struct LoginFailures {
  int failures = 0;         // since the last success or the end of the last lock
  Millis locked_until = 0;  // 0: not locked
  Millis last_failure = 0;  // when the latest of them was recorded; 0: none
};

class UserAccountStore {
 public:
  virtual ~UserAccountStore() = default;

  // already_exists when the username is taken.
  virtual Result<User> create_user(const User& user, std::string_view password_hash) = 0;
  // By username, byte-wise.
  virtual Result<std::vector<User>> list_users() = 0;
  virtual Result<std::optional<Credentials>> find_credentials(std::string_view username) = 0;
  // Writes role, department, grid, display_name and disabled of the user
  // named user.username; not_found when there is none.
  virtual Result<User> update_user(const User& user) = 0;

  virtual Status add_token(std::int64_t user_id, std::string_view token_hash,
                           Millis expires_at) = 0;
  // Revokes the one unrevoked token whose SHA-256 hex starts with `prefix`
  // (a whole hash is a prefix too): not_found when none, invalid when several.
  virtual Status revoke_token(std::string_view hash_prefix) = 0;

  // The state of each key, in order; a lock that has expired reads as no failures.
  virtual Result<std::vector<LoginFailures>> login_failures(const std::vector<std::string>& keys,
                                                            Millis now) = 0;
  // Counts one more failure under each key; a key reaching `max_failures`
  // is locked until now + lock. Returns the new state of each key.
  virtual Result<std::vector<LoginFailures>> record_login_failure(
      const std::vector<std::string>& keys, Millis now, int max_failures, Millis lock) = 0;
  virtual Status clear_login_failures(const std::vector<std::string>& keys) = 0;
};

// Field errors (ErrorKind::invalid) for an unknown role, a handler without a
// department, a grid on a non-handler, or a malformed username or display name.
Status validate_user(const User& user);
Status validate_password(std::string_view password);
// The user after `change`, validated.
Result<User> apply_change(User user, const UserChange& change);

// Argon2id string (salt and parameters included); internal on out-of-memory.
Result<std::string> hash_password(std::string_view password);
// False for a wrong password or an unusable hash (such as the empty one).
bool verify_password(std::string_view hash, std::string_view password);
// Takes as long as verify_password on a real hash: for unknown users, so that
// response time does not tell which usernames exist.
void verify_dummy_password(std::string_view password);

// 32 random bytes as 64 hex digits.
std::string new_token();
// The first 16 hex digits of the token's SHA-256: how tokens are named for revocation.
std::string token_id_of_hash(std::string_view token_hash);

// Validates, hashes and stores a new user; display_name defaults to the username.
Result<User> create_user(UserAccountStore& store, User user, std::string_view password);

struct IssuedToken {
  std::string token;  // the only time it exists in clear
  std::string token_id;
  Millis expires_at = 0;
  User user;
};
// A token for an enabled user; not_found for an unknown or disabled one.
Result<IssuedToken> issue_token(UserAccountStore& store, std::string_view username,
                                std::chrono::milliseconds ttl, Millis now);
Result<IssuedToken> issue_token(UserAccountStore& store, const User& user,
                                std::chrono::milliseconds ttl, Millis now);

}  // namespace outpost
