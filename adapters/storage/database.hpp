// File: adapters/storage/database.hpp
//
// The database every SOCI store of adapters/storage shares (SociCaseStore,
// SociUserStore, ... in soci_*_store.hpp; stores.hpp opens them all at once),
// for SQLite (the embedded default) and PostgreSQL: the connection pool, the
// dialect, the SQLite writer mutex and group commit, the parties' cipher, and
// migrations. Opening connects but does not migrate: `outpost migrate` and
// `outpost serve` call migrate() before anything else, and a database must be
// migrated before its stores' case and user methods work.
//
//   auto opened = open_database("sqlite:/var/lib/outpost/outpost.db", {});
//   auto opened = open_database("postgresql://outpost@db.internal/outpost", {.pool_size = 8});
//   if (!opened) return fail(opened.error());   // invalid URL, or unavailable
//   Database& db = *opened.value();
//   auto applied = db.migrate();                // names of the migrations applied now
//   SociCaseStore cases(db);                    // each store refers to the database
//
// Threads: every method of the database and of its stores may be called from
// any thread. SQLite: WAL, synchronous=FULL (an answered write survives power
// loss), one writer at a time per database file in the process (`BEGIN
// IMMEDIATE`; other processes wait up to 5 s), reads in parallel on pooled
// connections. PostgreSQL: `pool_size` connections, all opened up front; a
// call that finds its connection broken reconnects it and reports
// ErrorKind::unavailable, so the caller answers 503 and the retry works. No
// failure throws; error messages never contain stored or bound values.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/access/pii.hpp"
#include "engine/core/error.hpp"

namespace outpost {

struct DatabaseOptions {
  std::size_t pool_size = 4;  // connections; at least 1
  // Seals the parties of every case written and opens them when read, and
  // keeps the phone numbers' blind index (engine/access/pii.hpp). Without one (tests
  // of other concerns only), parties are stored in clear and phone lookups
  // find nothing. Rows written in clear earlier are read either way.
  std::shared_ptr<const PiiCipher> cipher;
};

class Database {
 public:
  struct Impl;  // database_internals.hpp
  explicit Database(std::unique_ptr<Impl> impl);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // "sqlite" or "postgresql".
  std::string_view backend() const;
  // Applies the pending migrations (adapters/storage/migrations.hpp); returns
  // the names of those applied by this call, empty when none was pending.
  // ErrorKind::unavailable, applying nothing, when the database's schema is
  // newer than known_schema_version() (a newer binary migrated it).
  Result<std::vector<std::string>> migrate();
  // The highest applied migration version; 0 for an empty database.
  Result<int> schema_version();
  // The newest migration version this binary knows.
  int known_schema_version() const;
  // Ok when a pooled connection answers `SELECT 1`.
  Status ping();

  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// url: "sqlite:PATH" (a file; created if missing) or "postgresql://…" /
// "postgres://…" (any libpq URI). A malformed URL is ErrorKind::invalid; a
// database that cannot be opened or reached is ErrorKind::unavailable.
Result<std::unique_ptr<Database>> open_database(const std::string& url,
                                                const DatabaseOptions& options = {});

}  // namespace outpost
