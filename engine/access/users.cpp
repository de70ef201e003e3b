#include "engine/access/users.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "engine/cases/audit_chain.hpp"

namespace outpost {
namespace {

bool username_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == '@';
}

bool has_control_char(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A hash of a random password, made once: verify_dummy_password checks against it.
const std::string& dummy_hash() {
  static const std::string hash = [] {
    Result<std::string> h = hash_password(new_token());
    return h ? h.value() : std::string();
  }();
  return hash;
}

}  // namespace

bool is_known_role(std::string_view role) {
  return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

Status validate_user(const User& u) {
  Error err{ErrorKind::invalid, "the user has invalid fields"};
  if (u.username.size() < 2 || u.username.size() > 64 ||
      !std::all_of(u.username.begin(), u.username.end(), username_char)) {
    err.fields.push_back({"username", "must be 2 to 64 letters, digits or the characters . _ - @"});
  }
  if (!is_known_role(u.role)) {
    err.fields.push_back(
        {"role",
         "must be one of desk, dispatcher, handler, supervisor, auditor, admin, department_head"});
  }
  if ((u.role == "handler" || u.role == "department_head") && u.department.empty()) {
    err.fields.push_back({"department", "is required for a " + u.role});
  }
  if (u.role != "handler" && !u.grid.empty()) {
    err.fields.push_back({"grid", "only a handler has a grid"});
  }
  if (u.department.size() > 64 || has_control_char(u.department)) {
    err.fields.push_back({"department", "must be a department code"});
  }
  if (u.grid.size() > 64 || has_control_char(u.grid)) {
    err.fields.push_back({"grid", "must be a grid code"});
  }
  if (u.display_name.empty() || u.display_name.size() > 200 || has_control_char(u.display_name)) {
    err.fields.push_back({"display_name", "must be 1 to 200 bytes without control characters"});
  }
  if (!err.fields.empty()) return err;
  return Ok{};
}

Status validate_password(std::string_view password) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
    return Error::invalid_field("password", "must be 8 to 1024 bytes long");
  }
  return Ok{};
}

Result<User> apply_change(User user, const UserChange& change) {
  if (change.role) user.role = *change.role;
  if (change.department) user.department = *change.department;
  if (change.grid) user.grid = *change.grid;
  if (change.display_name) user.display_name = *change.display_name;
  if (change.disabled) user.disabled = *change.disabled;
  if (Status s = validate_user(user); !s) return s.error();
  return user;
}

Result<std::string> hash_password(std::string_view password) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Error::make(ErrorKind::internal, "password hashing ran out of memory");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view hash, std::string_view password) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::array<char, crypto_pwhash_STRBYTES> str{};
  std::copy(hash.begin(), hash.end(), str.begin());
  return crypto_pwhash_str_verify(str.data(), password.data(), password.size()) == 0;
}

void verify_dummy_password(std::string_view password) {
  static_cast<void>(verify_password(dummy_hash(), password));
}

std::string new_token() {
  std::array<unsigned char, 32> secret{};
  randombytes_buf(secret.data(), secret.size());
  std::array<char, 2 * 32 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), secret.data(), secret.size());
  sodium_memzero(secret.data(), secret.size());
  return std::string(hex.data(), 2 * 32);
}

std::string token_id_of_hash(std::string_view token_hash) {
  return std::string(token_hash.substr(0, 16));
}

Result<User> create_user(UserAccountStore& store, User user, std::string_view password) {
  if (user.display_name.empty()) user.display_name = user.username;
  user.disabled = false;
  Status valid = validate_user(user);
  Status strong = validate_password(password);
  if (!valid || !strong) {
    Error err{ErrorKind::invalid, "the user has invalid fields"};
    if (!valid) err.fields = valid.error().fields;
    if (!strong) err.fields.push_back(strong.error().fields.front());
    return err;
  }
  Result<std::string> hash = hash_password(password);
  if (!hash) return hash.error();
  return store.create_user(user, hash.value());
}

Result<IssuedToken> issue_token(UserAccountStore& store, const User& user,
                                std::chrono::milliseconds ttl, Millis now) {
  IssuedToken issued{new_token(), {}, now + ttl.count(), user};
  const std::string hash = sha256_hex(issued.token);
  issued.token_id = token_id_of_hash(hash);
  if (Status s = store.add_token(user.id, hash, issued.expires_at); !s) return s.error();
  return issued;
}

Result<IssuedToken> issue_token(UserAccountStore& store, std::string_view username,
                                std::chrono::milliseconds ttl, Millis now) {
  auto found = store.find_credentials(username);
  if (!found) return found.error();
  if (!found.value() || found.value()->user.disabled) {
    return Error::make(ErrorKind::not_found, "no enabled user with this username");
  }
  return issue_token(store, found.value()->user, ttl, now);
}

}  // namespace outpost
