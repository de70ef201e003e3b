// File: adapters/storage/migrations.hpp
//
// The schema, as an ordered list of versioned migrations. Each migration is
// applied in its own transaction and recorded in
// `schema_migrations(version, name, applied_at)`, so re-running applies
// nothing. Two processes may migrate the same database at once: PostgreSQL
// serialises them with a transaction-scoped advisory lock, SQLite with
// `BEGIN IMMEDIATE`. Migrations are append-only: never edit a released one,
// add the next version instead.
//
//   std::vector<std::string> applied = apply_migrations(sql, Dialect::sqlite, now);
#pragma once

#include <string>
#include <vector>

#include "adapters/storage/dialect.hpp"
#include "engine/cases/case.hpp"

namespace outpost::storage {

struct Migration {
  int version = 0;
  std::string name;
  // One SQL statement per element: the SQLite backend runs only the first
  // statement of a string.
  std::vector<std::string> statements;
};

// All migrations for `dialect`, ordered by version.
std::vector<Migration> migrations(Dialect dialect);

// Applies the pending migrations in order; returns the names applied by this
// call. `now` (epoch ms) is recorded as applied_at. Throws soci::soci_error.
std::vector<std::string> apply_migrations(soci::session& sql, Dialect dialect, Millis now);

// The highest applied version, 0 for an empty database. Throws soci::soci_error.
int schema_version(soci::session& sql, Dialect dialect);

// The newest version this binary knows: a database at a higher one was
// migrated by a newer binary, and this one must not run on it.
int latest_version(Dialect dialect);
// Why a binary that knows up to `known` refuses a database at `found`
// (zh-CN and English, for the operator's log).
std::string newer_schema_message(int found, int known);

}  // namespace outpost::storage
