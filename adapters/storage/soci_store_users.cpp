// SociStore's UserAccountStore methods: user accounts, login tokens and the
// failed-login counters (migrations v1 and v5).
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include <soci/soci.h>

#include "adapters/storage/soci_store.hpp"
#include "adapters/storage/store_internals.hpp"

namespace outpost {

using storage::Access;
using storage::Dialect;
using storage::Lease;
using storage::run;
using storage::system_now;
using storage::Transaction;

namespace {

constexpr const char* kUserColumns =
    "id, username, display_name, role, department, grid, disabled, password_hash";
constexpr std::size_t kMinTokenPrefix = 12;

// One users row as bound variables: SOCI binds by reference and has no bool.
struct AccountRow {
  std::int64_t id = 0;
  std::string username, display_name, role, department, grid, password_hash;
  int disabled = 0;

  void bind_into(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(username));
    st.exchange(soci::into(display_name));
    st.exchange(soci::into(role));
    st.exchange(soci::into(department));
    st.exchange(soci::into(grid));
    st.exchange(soci::into(disabled));
    st.exchange(soci::into(password_hash));
  }

  Credentials to_credentials() const {
    return {User{id, username, display_name, role, department, grid, disabled != 0}, password_hash};
  }
};

// Runs a SELECT of kUserColumns whose inputs are already exchanged on `st`.
std::vector<Credentials> fetch_accounts(soci::statement& st, const std::string& text) {
  AccountRow row;
  return storage::select_all(st, row, text, [](const AccountRow& r) { return r.to_credentials(); });
}

std::optional<Credentials> select_account(soci::session& sql, std::string_view username) {
  const std::string name(username);
  soci::statement st(sql);
  st.exchange(soci::use(name, "username"));
  std::vector<Credentials> found = fetch_accounts(
      st, std::string("SELECT ") + kUserColumns + " FROM users WHERE username = :username");
  if (found.empty()) return std::nullopt;
  return found.front();
}

bool is_hex_prefix(std::string_view s) {
  return s.size() >= kMinTokenPrefix && s.size() <= 64 &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

LoginFailures read_failures(soci::session& sql, Dialect dialect, const std::string& key,
                            bool for_update) {
  LoginFailures f;
  soci::indicator found = soci::i_null;
  std::string text =
      "SELECT failures, locked_until, last_failure FROM login_failures WHERE key = :key" +
      std::string(for_update && dialect == Dialect::postgresql ? " FOR UPDATE" : "");
  sql << text, soci::into(f.failures, found), soci::into(f.locked_until),
      soci::into(f.last_failure), soci::use(key, "key");
  if (found == soci::i_null) return {};
  return f;
}

}  // namespace

Result<User> SociStore::create_user(const User& user, std::string_view password_hash) {
  return run<User>(*impl_, Access::write, "create_user", [&](Lease& lease) -> Result<User> {
    soci::session& sql = lease.sql();
    AccountRow row;
    row.username = user.username;
    row.display_name = user.display_name;
    row.role = user.role;
    row.department = user.department;
    row.grid = user.grid;
    row.disabled = user.disabled ? 1 : 0;
    row.password_hash = password_hash;
    std::int64_t now = system_now();
    Transaction tx(sql, lease.dialect());
    soci::statement insert =
        (sql.prepare << "INSERT INTO users (username, display_name, role, department, grid,"
                        " disabled, created_at, password_hash) VALUES (:username, :display_name,"
                        " :role, :department, :grid, :disabled, :now, :password_hash)"
                        " ON CONFLICT (username) DO NOTHING",
         soci::use(row.username, "username"), soci::use(row.display_name, "display_name"),
         soci::use(row.role, "role"), soci::use(row.department, "department"),
         soci::use(row.grid, "grid"), soci::use(row.disabled, "disabled"), soci::use(now, "now"),
         soci::use(row.password_hash, "password_hash"));
    insert.execute(true);
    if (insert.get_affected_rows() == 0) {
      return Error::make(ErrorKind::already_exists, "a user with this username exists already");
    }
    std::optional<Credentials> created = select_account(sql, user.username);
    tx.commit();
    if (!created) return Error::make(ErrorKind::internal, "storage: the new user vanished");
    return created->user;
  });
}

Result<std::vector<User>> SociStore::list_users() {
  return run<std::vector<User>>(*impl_, Access::read, "list_users", [&](Lease& lease) {
    soci::statement st(lease.sql());
    const std::string order = lease.dialect() == Dialect::postgresql
                                  ? " ORDER BY username COLLATE \"C\""
                                  : " ORDER BY username";
    std::vector<User> users;
    for (Credentials& c :
         fetch_accounts(st, std::string("SELECT ") + kUserColumns + " FROM users" + order)) {
      users.push_back(std::move(c.user));
    }
    return users;
  });
}

Result<std::optional<Credentials>> SociStore::find_credentials(std::string_view username) {
  return run<std::optional<Credentials>>(
      *impl_, Access::read, "find_credentials",
      [&](Lease& lease) { return select_account(lease.sql(), username); });
}

Result<User> SociStore::update_user(const User& user) {
  return run<User>(*impl_, Access::write, "update_user", [&](Lease& lease) -> Result<User> {
    soci::session& sql = lease.sql();
    AccountRow row;
    row.username = user.username;
    row.display_name = user.display_name;
    row.role = user.role;
    row.department = user.department;
    row.grid = user.grid;
    row.disabled = user.disabled ? 1 : 0;
    Transaction tx(sql, lease.dialect());
    soci::statement update =
        (sql.prepare << "UPDATE users SET display_name = :display_name, role = :role,"
                        " department = :department, grid = :grid, disabled = :disabled"
                        " WHERE username = :username",
         soci::use(row.display_name, "display_name"), soci::use(row.role, "role"),
         soci::use(row.department, "department"), soci::use(row.grid, "grid"),
         soci::use(row.disabled, "disabled"), soci::use(row.username, "username"));
    update.execute(true);
    if (update.get_affected_rows() == 0) {
      return Error::make(ErrorKind::not_found, "no user with this username");
    }
    std::optional<Credentials> updated = select_account(sql, user.username);
    tx.commit();
    if (!updated) return Error::make(ErrorKind::internal, "storage: the user vanished");
    return updated->user;
  });
}

Status SociStore::add_token(std::int64_t user_id, std::string_view token_hash, Millis expires_at) {
  return run<Ok>(*impl_, Access::write, "add_token", [&](Lease& lease) {
    std::string hash(token_hash);
    std::int64_t id = user_id;
    std::int64_t expires = expires_at;
    std::int64_t now = system_now();
    lease.sql() << "INSERT INTO tokens (token_hash, user_id, created_at, expires_at)"
                   " VALUES (:token_hash, :user_id, :now, :expires_at)",
        soci::use(hash, "token_hash"), soci::use(id, "user_id"), soci::use(now, "now"),
        soci::use(expires, "expires_at");
    return Ok{};
  });
}

Status SociStore::revoke_token(std::string_view hash_prefix) {
  std::string prefix(hash_prefix);
  std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!is_hex_prefix(prefix)) {
    return Error::invalid_field("token", "must be 12 to 64 hex digits of the token's SHA-256");
  }
  return run<Ok>(*impl_, Access::write, "revoke_token", [&](Lease& lease) -> Status {
    soci::session& sql = lease.sql();
    std::string pattern = prefix + "%";
    std::string hash;
    std::vector<std::string> matches;
    Transaction tx(sql, lease.dialect());
    soci::statement select =
        (sql.prepare << "SELECT token_hash FROM tokens WHERE token_hash LIKE :pattern"
                        " AND revoked_at IS NULL LIMIT 2",
         soci::into(hash), soci::use(pattern, "pattern"));
    if (select.execute(true)) {
      do {
        matches.push_back(hash);
      } while (select.fetch());
    }
    if (matches.empty()) return Error::make(ErrorKind::not_found, "no active token with this id");
    if (matches.size() > 1) {
      return Error::invalid_field("token", "names more than one token: give more hex digits");
    }
    std::int64_t now = system_now();
    sql << "UPDATE tokens SET revoked_at = :now WHERE token_hash = :token_hash",
        soci::use(now, "now"), soci::use(matches.front(), "token_hash");
    tx.commit();
    return Ok{};
  });
}

Result<std::vector<LoginFailures>> SociStore::login_failures(const std::vector<std::string>& keys,
                                                             Millis now) {
  return run<std::vector<LoginFailures>>(*impl_, Access::read, "login_failures", [&](Lease& lease) {
    std::vector<LoginFailures> out;
    for (const std::string& key : keys) {
      LoginFailures f = read_failures(lease.sql(), lease.dialect(), key, false);
      if (f.locked_until != 0 && f.locked_until <= now) f = {};
      out.push_back(f);
    }
    return out;
  });
}

Result<std::vector<LoginFailures>> SociStore::record_login_failure(
    const std::vector<std::string>& keys, Millis now, int max_failures, Millis lock) {
  return run<std::vector<LoginFailures>>(
      *impl_, Access::write, "record_login_failure", [&](Lease& lease) {
        soci::session& sql = lease.sql();
        std::vector<LoginFailures> out;
        std::int64_t at = now;
        Transaction tx(sql, lease.dialect());
        for (const std::string& key : keys) {
          sql << "INSERT INTO login_failures (key, failures, last_failure, locked_until)"
                 " VALUES (:key, 0, :now, 0) ON CONFLICT (key) DO NOTHING",
              soci::use(key, "key"), soci::use(at, "now");
          LoginFailures f = read_failures(sql, lease.dialect(), key, true);
          if (f.locked_until != 0 && f.locked_until <= now) f = {};
          f.failures += 1;
          f.last_failure = now;
          if (f.failures >= max_failures && f.locked_until == 0) f.locked_until = now + lock;
          sql << "UPDATE login_failures SET failures = :failures, last_failure = :now,"
                 " locked_until = :locked_until WHERE key = :key",
              soci::use(f.failures, "failures"), soci::use(at, "now"),
              soci::use(f.locked_until, "locked_until"), soci::use(key, "key");
          out.push_back(f);
        }
        tx.commit();
        return out;
      });
}

Status SociStore::clear_login_failures(const std::vector<std::string>& keys) {
  return run<Ok>(*impl_, Access::write, "clear_login_failures", [&](Lease& lease) {
    for (const std::string& key : keys) {
      lease.sql() << "DELETE FROM login_failures WHERE key = :key", soci::use(key, "key");
    }
    return Ok{};
  });
}

}  // namespace outpost
