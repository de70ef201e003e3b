// File: adapters/storage/database_copy.hpp
//
// Whole-database copies for `outpost backup`, `outpost restore` and
// `outpost migrate-to-postgresql` (adapters/cli/backup_commands.hpp;
// docs/BACKUP.md). Row-level work stays here, beside the schema; the command
// line only chooses what to copy where.
//
//   sqlite_online_backup("/var/lib/outpost/outpost.db", "/backup/outpost.db", progress);
//   auto contents = inspect_database("postgresql://outpost@db/outpost");
//   if (contents && !contents.value().filled.empty()) refuse();
//   auto copied = copy_sqlite_to_postgresql("/var/lib/outpost/outpost.db",
//                                           "postgresql://outpost@db/outpost", progress);
//
// The SQLite side opens the file with SQLite's C API, the PostgreSQL side with
// libpq, each on a connection of its own: neither needs a Database (and its
// pool) open, and both read one consistent snapshot of their source.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/error.hpp"

namespace outpost::storage {

// Called now and then during a long copy: what is being copied (a table name,
// or "pages"), how much of it is done and its total.
using CopyProgress =
    std::function<void(std::string_view what, std::int64_t done, std::int64_t total)>;

// What a database holds, outside the migrations' ledger (schema_migrations).
struct DatabaseContents {
  int tables = 0;                   // tables of the schema, the ledger included
  std::vector<std::string> filled;  // the tables but the ledger that hold rows
};

// url: "sqlite:PATH" (a missing file holds nothing; it is not created) or a
// libpq URL. ErrorKind::unavailable when the database cannot be opened.
Result<DatabaseContents> inspect_database(const std::string& url);

// SQLite's online backup API (sqlite3_backup_*) from `source` into `target`,
// a file that is created or wholly replaced. The source stays open for
// reads and writes by other processes meanwhile: the copy holds one read
// transaction from the first page to the last (in WAL mode writers go on),
// so it is the database as of one commit, whichever pages a writer touched
// after. Failure leaves `target` in its previous state when it is a file
// another connection can open (SQLite writes the copy in one transaction).
Status sqlite_online_backup(const std::string& source, const std::string& target,
                            const CopyProgress& progress);

// One table's row counts after a copy (source and target, compared).
struct TableCount {
  std::string table;
  std::int64_t rows = 0;
};

// Copies every row of the SQLite outpost database at `sqlite_path` into the
// PostgreSQL database `postgresql_url`, which must hold the same schema
// version (run the migrations on both first) and no rows outside the
// ledger. One read snapshot of the source, one transaction on the target:
// tables in foreign-key order, each with COPY; ids, hashes and sealed
// personal data as stored (bytea as bytes, everything else as text the
// column type parses); the target's user triggers (the history queue and the
// append-only guards) off for the copy so the rows arrive as they were; every
// identity sequence set past its column's largest id; each table's row count
// compared with the source's before COMMIT. Any failure rolls the target
// back to empty: run the command again.
Result<std::vector<TableCount>> copy_sqlite_to_postgresql(const std::string& sqlite_path,
                                                          const std::string& postgresql_url,
                                                          const CopyProgress& progress);

// How pg_dump and pg_restore reach the database of a libpq URL without the
// password on their command line (where `ps` shows it): `conninfo` holds
// every setting of the URL but the password, as libpq's key='value' words;
// the password, if the URL has one, goes in the tool's PGPASSWORD.
struct ToolConnection {
  std::string conninfo;
  std::string password;
};
Result<ToolConnection> tool_connection(const std::string& postgresql_url);

}  // namespace outpost::storage
