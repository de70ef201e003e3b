#include "tests/support/test_db.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "adapters/storage/postgresql_url.hpp"

namespace outpost::testing {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::string unique_name() {
  static std::atomic<int> counter{0};
  return "outpost_t_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

std::string read_pg_url() {
  const std::string file = env_or("OUTPOST_TEST_PG_URL_FILE", "");
  if (file.empty()) {
    throw std::runtime_error(
        "OUTPOST_TEST_BACKEND=postgresql but OUTPOST_TEST_PG_URL_FILE is not set; run the tests "
        "through ctest so the `postgres` fixture starts a cluster");
  }
  std::ifstream in(file);
  std::string url;
  if (!(in >> url) || url.empty()) {
    throw std::runtime_error("OUTPOST_TEST_BACKEND=postgresql but " + file +
                             " is missing or empty; did the postgres_start fixture run?");
  }
  return url;
}

// The fixture's URL with its database name replaced.
std::string with_database(const std::string& url, const std::string& name) {
  const std::size_t authority = url.find("://");
  const std::size_t slash = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  return (slash == std::string::npos ? url : url.substr(0, slash)) + "/" + name;
}

std::string sqlite_path(const std::string& url) {
  return url.substr(kSqlitePrefix.size());
}

void open_session(soci::session& sql, const std::string& url) {
  if (url.starts_with(kSqlitePrefix)) {
    sql.open(soci::sqlite3, "db=\"" + sqlite_path(url) + "\" timeout=5");
    return;
  }
  const std::optional<std::string> connect = storage::soci_postgresql_connect_string(url);
  if (!connect) throw std::runtime_error("cannot parse the PostgreSQL URL " + url);
  sql.open(soci::postgresql, *connect);
}

}  // namespace

std::string test_backend() {
  const std::string backend = env_or("OUTPOST_TEST_BACKEND", "sqlite");
  if (backend != "sqlite" && backend != "postgresql") {
    throw std::runtime_error("OUTPOST_TEST_BACKEND must be sqlite or postgresql, not " + backend);
  }
  return backend;
}

TestDatabase::TestDatabase() : name_(unique_name()) {
  if (test_backend() == "sqlite") {
    const std::filesystem::path dir = env_or("OUTPOST_TEST_WORK_DIR", "/tmp");
    std::filesystem::create_directories(dir);
    const std::filesystem::path file = dir / (name_ + ".db");
    for (const char* suffix : {"", "-wal", "-shm", ".key"}) {
      std::filesystem::remove(file.string() + suffix);
    }
    url_ = std::string(kSqlitePrefix) + file.string();
    return;
  }
  admin_url_ = read_pg_url();
  soci::session admin;
  open_session(admin, admin_url_);
  admin << "CREATE DATABASE " + name_;
  url_ = with_database(admin_url_, name_);
}

TestDatabase::~TestDatabase() {
  try {
    if (admin_url_.empty()) {
      const std::string file = sqlite_path(url_);
      for (const char* suffix : {"", "-wal", "-shm", ".key"}) {
        std::filesystem::remove(file + suffix);
      }
    } else {
      soci::session admin;
      open_session(admin, admin_url_);
      admin << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
    }
  } catch (...) {  // NOLINT(bugprone-empty-catch): a leftover test database is not worth a crash.
  }
}

void TestDatabase::drop_now() const {
  if (admin_url_.empty()) throw std::logic_error("drop_now() is for PostgreSQL test databases");
  soci::session admin;
  open_session(admin, admin_url_);
  admin << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
}

std::int64_t TestDatabase::query_int(const std::string& sql_text) const {
  soci::session sql;
  open_session(sql, url_);
  std::int64_t value = 0;
  sql << sql_text, soci::into(value);
  return value;
}

std::string TestDatabase::query_text(const std::string& sql_text) const {
  soci::session sql;
  open_session(sql, url_);
  std::string value;
  soci::indicator ind = soci::i_ok;
  sql << sql_text, soci::into(value, ind);
  return ind == soci::i_ok ? value : std::string();
}

std::vector<std::vector<std::optional<std::string>>> TestDatabase::query_rows(
    const std::string& sql_text) const {
  soci::session sql;
  open_session(sql, url_);
  std::vector<std::vector<std::optional<std::string>>> rows;
  soci::rowset<soci::row> rs = (sql.prepare << sql_text);
  for (const soci::row& r : rs) {
    std::vector<std::optional<std::string>> row;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (r.get_indicator(i) == soci::i_null) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(r.get<std::string>(i));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string TestDatabase::query_plan(const std::string& select) const {
  soci::session sql;
  open_session(sql, url_);
  const bool postgresql = test_backend() == "postgresql";
  if (postgresql) sql << "SET enable_seqscan = off";
  std::string plan;
  soci::rowset<soci::row> rs =
      (sql.prepare << (postgresql ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + select);
  for (const soci::row& r : rs) {
    plan += r.get<std::string>(r.size() - 1);  // SQLite: id, parent, notused, detail
    plan += '\n';
  }
  return plan;
}

void TestDatabase::exec(const std::string& sql_text) const {
  soci::session sql;
  open_session(sql, url_);
  sql << sql_text;
}

}  // namespace outpost::testing
