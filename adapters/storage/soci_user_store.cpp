// SociUserStore (soci_user_store.hpp): who a login token belongs to, user
// accounts, login tokens and the failed-login counters (migrations v1 and v5).
#include "adapters/storage/soci_user_store.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include <soci/soci.h>

#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/migration_access_generation.hpp"
#include "adapters/storage/rows.hpp"
#include "engine/access/access_epoch.hpp"

namespace outpost {

using storage::Access;
using storage::Dialect;
using storage::fetch_one;
using storage::Lease;
using storage::run;
using storage::system_now;
using storage::Transaction;

namespace {

constexpr const char* kUserColumns =
    "id, username, display_name, role, department, grid, disabled, password_hash";
constexpr std::size_t kMinTokenPrefix = 12;

// The user store's prepared statements on one connection.
struct UserStatements final : storage::PreparedSet {
  static constexpr std::size_t kSlot = storage::kUserStatementsSlot;
  UserStatements(soci::session& sql, const PiiCipher*);

  storage::UserRow user_row;
  std::string lookup_text;
  std::int64_t now = 0;
  std::int64_t access_generation = 0;
  // lookup_text (token hash), now -> user_row, access_generation.
  soci::statement select_user_by_token;
};

UserStatements::UserStatements(soci::session& sql, const PiiCipher*)
    : select_user_by_token(
          storage::prepare(sql,
                           std::string("SELECT u.id, u.username, u.display_name,"
                                       " u.role, u.department, u.grid,"
                                       " u.disabled, ") +
                               storage::kAccessGenerationColumn +
                               " FROM tokens t JOIN users u ON u.id = t.user_id"
                               " WHERE t.token_hash = :token_hash AND u.disabled = 0"
                               " AND t.revoked_at IS NULL"
                               " AND (t.expires_at IS NULL OR t.expires_at > :now)",
                           [this](soci::statement& st) {
                             storage::UserRow& u = user_row;
                             st.exchange(soci::into(u.id));
                             st.exchange(soci::into(u.username));
                             st.exchange(soci::into(u.display_name));
                             st.exchange(soci::into(u.role));
                             st.exchange(soci::into(u.department));
                             st.exchange(soci::into(u.grid));
                             st.exchange(soci::into(u.disabled));
                             st.exchange(soci::into(access_generation));
                             st.exchange(soci::use(lookup_text, "token_hash"));
                             st.exchange(soci::use(now, "now"));
                           })) {}

// One users row as bound variables: SOCI binds by reference and has no bool.
struct AccountRow {
  std::int64_t id = 0;
  std::string username, display_name, role, department, grid, password_hash;
  int disabled = 0;

  // The columns a user's own fields fill (not id, not the password hash).
  static AccountRow of(const User& user) {
    AccountRow row;
    row.username = user.username;
    row.display_name = user.display_name;
    row.role = user.role;
    row.department = user.department;
    row.grid = user.grid;
    row.disabled = user.disabled ? 1 : 0;
    return row;
  }

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

Result<std::optional<User>> SociUserStore::find_user_by_token_hash(std::string_view token_hash) {
  return run<std::optional<User>>(db_, Access::read, "find_user_by_token_hash",
                                  [&](Lease& lease) -> std::optional<User> {
                                    UserStatements& st = lease.prepared<UserStatements>();
                                    st.lookup_text = token_hash;
                                    st.now = system_now();
                                    if (!fetch_one(st.select_user_by_token)) return std::nullopt;
                                    access_epoch::observe(st.access_generation);
                                    return st.user_row.to_user();
                                  });
}

Result<User> SociUserStore::ensure_user_with_token(std::string_view username, std::string_view role,
                                                   std::string_view token_hash) {
  return run<User>(db_, Access::write, "ensure_user_with_token", [&](Lease& lease) {
    soci::session& sql = lease.sql();
    std::string name(username);
    std::string role_name(role);
    std::string hash(token_hash);
    std::int64_t now = system_now();
    Transaction tx(sql, lease.dialect());
    sql << "INSERT INTO users (username, display_name, role, department, grid, disabled,"
           " created_at) VALUES (:username, :display_name, :role, '', '', 0, :now)"
           " ON CONFLICT (username) DO NOTHING",
        soci::use(name, "username"), soci::use(name, "display_name"), soci::use(role_name, "role"),
        soci::use(now, "now");
    storage::UserRow u;
    sql << "SELECT id, username, display_name, role, department, grid, disabled FROM users"
           " WHERE username = :username",
        soci::into(u.id), soci::into(u.username), soci::into(u.display_name), soci::into(u.role),
        soci::into(u.department), soci::into(u.grid), soci::into(u.disabled),
        soci::use(name, "username");
    sql << "INSERT INTO tokens (token_hash, user_id, created_at)"
           " VALUES (:token_hash, :user_id, :now) ON CONFLICT (token_hash) DO NOTHING",
        soci::use(hash, "token_hash"), soci::use(u.id, "user_id"), soci::use(now, "now");
    tx.commit();
    return u.to_user();
  });
}

Result<User> SociUserStore::create_user(const User& user, std::string_view password_hash) {
  return run<User>(db_, Access::write, "create_user", [&](Lease& lease) -> Result<User> {
    soci::session& sql = lease.sql();
    AccountRow row = AccountRow::of(user);
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

Result<std::vector<User>> SociUserStore::list_users() {
  return run<std::vector<User>>(db_, Access::read, "list_users", [&](Lease& lease) {
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

Result<std::optional<Credentials>> SociUserStore::find_credentials(std::string_view username) {
  return run<std::optional<Credentials>>(db_, Access::read, "find_credentials", [&](Lease& lease) {
    return select_account(lease.sql(), username);
  });
}

Result<User> SociUserStore::update_user(const User& user) {
  return run<User>(db_, Access::write, "update_user", [&](Lease& lease) -> Result<User> {
    soci::session& sql = lease.sql();
    AccountRow row = AccountRow::of(user);
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

Status SociUserStore::add_token(std::int64_t user_id, std::string_view token_hash,
                                Millis expires_at) {
  return run<Ok>(db_, Access::write, "add_token", [&](Lease& lease) {
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

Status SociUserStore::revoke_token(std::string_view hash_prefix) {
  std::string prefix(hash_prefix);
  std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!is_hex_prefix(prefix)) {
    return Error::invalid_field("token", "must be 12 to 64 hex digits of the token's SHA-256");
  }
  return run<Ok>(db_, Access::write, "revoke_token", [&](Lease& lease) -> Status {
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

Result<std::vector<LoginFailures>> SociUserStore::login_failures(
    const std::vector<std::string>& keys, Millis now) {
  return run<std::vector<LoginFailures>>(db_, Access::read, "login_failures", [&](Lease& lease) {
    std::vector<LoginFailures> out;
    for (const std::string& key : keys) {
      LoginFailures f = read_failures(lease.sql(), lease.dialect(), key, false);
      if (f.locked_until != 0 && f.locked_until <= now) f = {};
      out.push_back(f);
    }
    return out;
  });
}

Result<std::vector<LoginFailures>> SociUserStore::record_login_failure(
    const std::vector<std::string>& keys, Millis now, int max_failures, Millis lock) {
  return run<std::vector<LoginFailures>>(
      db_, Access::write, "record_login_failure", [&](Lease& lease) {
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

Status SociUserStore::clear_login_failures(const std::vector<std::string>& keys) {
  return run<Ok>(db_, Access::write, "clear_login_failures", [&](Lease& lease) {
    for (const std::string& key : keys) {
      lease.sql() << "DELETE FROM login_failures WHERE key = :key", soci::use(key, "key");
    }
    return Ok{};
  });
}

Status SociUserStore::ping() {
  return db_.ping();
}

}  // namespace outpost
