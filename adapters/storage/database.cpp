// Database (database.hpp): opening the pool, migrations and the liveness ping.
#include "adapters/storage/database.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/dialect.hpp"
#include "adapters/storage/migrations.hpp"
#include "adapters/storage/postgresql_url.hpp"

namespace outpost {

using storage::Access;
using storage::backend_name;
using storage::Dialect;
using storage::Lease;
using storage::run;
using storage::system_now;

namespace {

// SQLite: all writers of one database file in this process take turns on one
// mutex instead of in SQLite's busy handler (which would sleep and, past its
// timeout, fail with "database is locked"). Other processes still wait in
// `BEGIN IMMEDIATE`.
std::shared_ptr<std::mutex> writer_mutex_for(const std::string& path) {
  static std::mutex registry_mutex;
  static std::map<std::string, std::weak_ptr<std::mutex>> registry;
  const std::string key = std::filesystem::weakly_canonical(path).string();
  const std::lock_guard<std::mutex> lock(registry_mutex);
  std::shared_ptr<std::mutex> writer = registry[key].lock();
  if (!writer) {
    writer = std::make_shared<std::mutex>();
    registry[key] = writer;
  }
  return writer;
}

void open_connection(soci::session& sql, Dialect dialect, const std::string& connect) {
  if (dialect == Dialect::postgresql) {
    sql.open(soci::postgresql, connect);
    // A filtered list walks its filter's (column, id) index backward and stops
    // after one page. With PostgreSQL's default random_page_cost (4, costed
    // for spinning disks) the planner prefers walking the primary key and
    // discarding rows, which over 1,000,000 cases reads 10-30 times as many:
    // EXPLAIN ANALYZE of `state = 'mediating' ... LIMIT 51` took 0.12-0.40 ms
    // that way and 0.06 ms on cases_state (bench/RESULTS.md). 1.1 is the usual
    // value for SSDs and for tables that live in memory.
    sql << "SET random_page_cost = 1.1";
    return;
  }
  sql.open(soci::sqlite3, connect);
  // busy_timeout first: switching to WAL needs a lock another opener may hold.
  sql << "PRAGMA busy_timeout = 5000";
  std::string mode;
  sql << "PRAGMA journal_mode = WAL", soci::into(mode);
  sql << "PRAGMA synchronous = FULL";
  sql << "PRAGMA foreign_keys = ON";
}

struct Target {
  Dialect dialect;
  std::string connect;
  std::string sqlite_path;
};

Result<Target> parse_url(const std::string& url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    const std::string path = url.substr(kSqlite.size());
    if (path.empty() || path == ":memory:" || path.find('"') != std::string::npos) {
      return Error::make(ErrorKind::invalid,
                         "storage: a sqlite URL needs a file path (sqlite:/path/to/outpost.db)");
    }
    return Target{Dialect::sqlite, "db=\"" + path + "\"", path};
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    std::optional<std::string> connect = storage::soci_postgresql_connect_string(url);
    if (!connect) {
      return Error::make(ErrorKind::invalid, "storage: the postgresql URL cannot be parsed");
    }
    return Target{Dialect::postgresql, *connect, {}};
  }
  return Error::make(ErrorKind::invalid,
                     "storage: the database URL must start with sqlite:, postgresql:// or "
                     "postgres://");
}

}  // namespace

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Database::~Database() = default;

std::string_view Database::backend() const {
  return backend_name(impl_->dialect);
}

Result<std::vector<std::string>> Database::migrate() {
  // A newer binary may migrate between this check and the apply below; this
  // one then applies nothing (its versions are recorded) and refuses on its
  // next start.
  Result<int> found = schema_version();
  if (!found) return found.error();
  if (const int known = known_schema_version(); found.value() > known) {
    return Error::make(ErrorKind::unavailable, storage::newer_schema_message(found.value(), known));
  }
  return run<std::vector<std::string>>(*this, Access::write, "migrate", [](Lease& lease) {
    return storage::apply_migrations(lease.sql(), lease.dialect(), system_now());
  });
}

Result<int> Database::schema_version() {
  return run<int>(*this, Access::read, "schema_version", [](Lease& lease) {
    return storage::schema_version(lease.sql(), lease.dialect());
  });
}

int Database::known_schema_version() const {
  return storage::latest_version(impl_->dialect);
}

Status Database::ping() {
  return run<Ok>(*this, Access::read, "ping", [](Lease& lease) {
    int one = 0;
    lease.sql() << "SELECT 1", soci::into(one);
    return Ok{};
  });
}

Result<std::unique_ptr<Database>> open_database(const std::string& url,
                                                const DatabaseOptions& options) {
  Result<Target> parsed = parse_url(url);
  if (!parsed) return parsed.error();
  const Target& target = parsed.value();
  try {
    auto impl = std::make_unique<Database::Impl>(
        target.dialect, std::max<std::size_t>(options.pool_size, 1),
        target.dialect == Dialect::sqlite ? writer_mutex_for(target.sqlite_path) : nullptr,
        options.cipher);
    for (std::size_t i = 0; i < impl->statements.size(); ++i) {
      open_connection(impl->pool.at(i), target.dialect, target.connect);
    }
    if (target.dialect == Dialect::sqlite) {
      impl->batches = std::make_unique<storage::GroupCommit>(*impl);
    }
    return std::make_unique<Database>(std::move(impl));
  } catch (const std::exception&) {
    return Error::make(
        ErrorKind::unavailable,
        "storage: cannot open the " + std::string(backend_name(target.dialect)) + " database");
  }
}

}  // namespace outpost
