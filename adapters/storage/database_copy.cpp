// Whole-database copies (database_copy.hpp): SQLite's online backup API, and
// SQLite → PostgreSQL with COPY in one transaction.
#include "adapters/storage/database_copy.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

namespace outpost::storage {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";
constexpr const char* kLedger = "schema_migrations";

// The tables the migrations themselves fill (the ledger of applied versions,
// migration 22's one access_generation row): neither data to copy nor a sign
// that a database is in use.
bool migration_owned(const std::string& table) {
  return table == kLedger || table == "access_generation";
}
constexpr int kPagesPerStep = 1024;          // 4 MB of 4 KB pages per backup step
constexpr int kBusyRetries = 250;            // 20 ms apart: 5 s, like the server's busy_timeout
constexpr std::size_t kCopyChunk = 1 << 20;  // bytes sent to COPY at a time
constexpr std::int64_t kRowsPerReport = 5000;

// Failures inside a copy; the public functions turn them into Error values.
struct CopyFailure : std::runtime_error {
  CopyFailure(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind(kind) {}
  ErrorKind kind;
};

[[noreturn]] void fail(ErrorKind kind, const std::string& message) {
  throw CopyFailure(kind, message);
}

std::string quoted(const std::string& identifier) {
  std::string out = "\"";
  for (char c : identifier) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// ---- SQLite (C API) ----

struct SqliteDb {
  sqlite3* db = nullptr;
  SqliteDb(const std::string& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
      fail(ErrorKind::unavailable, "cannot open the SQLite database " + path);
    }
    sqlite3_busy_timeout(db, 5000);
  }
  ~SqliteDb() { sqlite3_close_v2(db); }
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      fail(ErrorKind::unavailable, std::string("SQLite: ") + sqlite3_errmsg(db));
    }
  }
};

struct SqliteStatement {
  sqlite3_stmt* stmt = nullptr;
  SqliteStatement(SqliteDb& db, const std::string& sql) {
    if (sqlite3_prepare_v2(db.db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      fail(ErrorKind::internal, std::string("SQLite: ") + sqlite3_errmsg(db.db));
    }
  }
  ~SqliteStatement() { sqlite3_finalize(stmt); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  bool next() {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(ErrorKind::unavailable, std::string("SQLite: ") + sqlite3_errmsg(sqlite3_db_handle(stmt)));
  }
  std::string text(int column) {
    const auto* t = sqlite3_column_text(stmt, column);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
};

std::vector<std::string> sqlite_strings(SqliteDb& db, const std::string& sql) {
  SqliteStatement s(db, sql);
  std::vector<std::string> out;
  while (s.next()) out.push_back(s.text(0));
  return out;
}

std::int64_t sqlite_int(SqliteDb& db, const std::string& sql) {
  SqliteStatement s(db, sql);
  return s.next() ? sqlite3_column_int64(s.stmt, 0) : 0;
}

std::vector<std::string> sqlite_tables(SqliteDb& db) {
  return sqlite_strings(db,
                        "SELECT name FROM sqlite_master WHERE type = 'table'"
                        " AND name NOT LIKE 'sqlite_%' ORDER BY name");
}

// ---- PostgreSQL (libpq) ----

struct PgResult {
  PGresult* r = nullptr;
  explicit PgResult(PGresult* result) : r(result) {}
  ~PgResult() { PQclear(r); }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  int rows() const { return PQntuples(r); }
  std::string at(int row, int column) const { return PQgetvalue(r, row, column); }
};

// The server's primary message only: its DETAIL and CONTEXT may quote row
// values; so may the primary message of a data exception (SQLSTATE class
// 22, "invalid input syntax for type bigint: …"), which is named by its code.
std::string pg_message(PGconn* conn, const PGresult* r) {
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  if (code != nullptr && std::string_view(code).starts_with("22")) {
    return std::string("PostgreSQL: a value does not fit its column (SQLSTATE ") + code + ")";
  }
  return std::string("PostgreSQL: ") + (primary ? primary : PQerrorMessage(conn));
}

struct PgConn {
  PGconn* conn = nullptr;
  explicit PgConn(const std::string& url) : conn(PQconnectdb(url.c_str())) {
    if (PQstatus(conn) != CONNECTION_OK) {
      fail(ErrorKind::unavailable, "cannot connect to the PostgreSQL database");
    }
    PQsetClientEncoding(conn, "UTF8");
  }
  ~PgConn() { PQfinish(conn); }
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  std::unique_ptr<PgResult> query(const std::string& sql, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    auto result =
        std::make_unique<PgResult>(PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()),
                                                nullptr, values.data(), nullptr, nullptr, 0));
    const ExecStatusType status = PQresultStatus(result->r);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      fail(ErrorKind::unavailable, pg_message(conn, result->r));
    }
    return result;
  }
  std::unique_ptr<PgResult> query(const std::string& sql) { return query(sql, {}); }
  std::int64_t integer(const std::string& sql) {
    auto r = query(sql);
    return r->rows() > 0 ? std::stoll(r->at(0, 0)) : 0;
  }
};

std::vector<std::string> pg_tables(PgConn& pg) {
  auto r = pg.query(
      "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
      " ORDER BY tablename");
  std::vector<std::string> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back(r->at(i, 0));
  return out;
}

DatabaseContents inspect_sqlite(const std::string& path) {
  DatabaseContents contents;
  if (!std::filesystem::exists(path)) return contents;
  SqliteDb db(path, SQLITE_OPEN_READONLY);
  for (const std::string& table : sqlite_tables(db)) {
    ++contents.tables;
    if (migration_owned(table)) continue;
    if (sqlite_int(db, "SELECT EXISTS (SELECT 1 FROM " + quoted(table) + ")") != 0) {
      contents.filled.push_back(table);
    }
  }
  return contents;
}

DatabaseContents inspect_postgresql(PgConn& pg) {
  DatabaseContents contents;
  for (const std::string& table : pg_tables(pg)) {
    ++contents.tables;
    if (migration_owned(table)) continue;
    if (pg.integer("SELECT CASE WHEN EXISTS (SELECT 1 FROM " + quoted(table) +
                   ") THEN 1 ELSE 0 END") != 0) {
      contents.filled.push_back(table);
    }
  }
  return contents;
}

template <class T, class Body>
Result<T> guarded(Body&& body) {
  try {
    return body();
  } catch (const CopyFailure& e) {
    return Error::make(e.kind, e.what());
  } catch (const std::exception& e) {
    return Error::make(ErrorKind::internal, e.what());
  }
}

// ---- SQLite → PostgreSQL ----

// The target's tables but the ledger, each after the tables its foreign keys
// name (Kahn's algorithm; ties by name, so the order is stable).
std::vector<std::string> dependency_order(PgConn& pg) {
  std::map<std::string, std::set<std::string>> needs;
  for (const std::string& table : pg_tables(pg)) {
    if (!migration_owned(table)) needs[table];
  }
  auto keys = pg.query(
      "SELECT a.relname, b.relname FROM pg_catalog.pg_constraint c"
      " JOIN pg_catalog.pg_class a ON a.oid = c.conrelid"
      " JOIN pg_catalog.pg_class b ON b.oid = c.confrelid"
      " WHERE c.contype = 'f' AND a.relnamespace = current_schema()::regnamespace");
  for (int i = 0; i < keys->rows(); ++i) {
    const std::string from = keys->at(i, 0), to = keys->at(i, 1);
    if (from != to && needs.contains(from) && needs.contains(to)) needs[from].insert(to);
  }
  std::vector<std::string> order;
  while (!needs.empty()) {
    auto ready =
        std::find_if(needs.begin(), needs.end(), [](const auto& n) { return n.second.empty(); });
    if (ready == needs.end()) fail(ErrorKind::internal, "the foreign keys form a cycle");
    const std::string table = ready->first;
    needs.erase(ready);
    for (auto& [name, deps] : needs) deps.erase(table);
    order.push_back(table);
  }
  return order;
}

struct Column {
  std::string name;
  bool bytea = false;
  bool identity = false;
};

// The target table's stored columns, checked against the source table's.
std::vector<Column> columns_of(PgConn& pg, SqliteDb& src, const std::string& table) {
  auto r = pg.query(
      "SELECT column_name, data_type, is_identity FROM information_schema.columns"
      " WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'"
      " ORDER BY ordinal_position",
      {table});
  std::vector<Column> columns;
  std::set<std::string> in_target;
  for (int i = 0; i < r->rows(); ++i) {
    columns.push_back({r->at(i, 0), r->at(i, 1) == "bytea", r->at(i, 2) == "YES"});
    in_target.insert(r->at(i, 0));
  }
  std::set<std::string> in_source;
  for (const std::string& name : sqlite_strings(
           src, "SELECT name FROM pragma_table_info(" + quoted(table) + ") ORDER BY cid")) {
    in_source.insert(name);
  }
  if (in_source != in_target) {
    fail(ErrorKind::invalid, "table " + table +
                                 " has other columns in the SQLite database than in PostgreSQL"
                                 " (are both at the same schema version?)");
  }
  return columns;
}

void append_hex(std::string& out, const unsigned char* bytes, int size) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\\\x";
  for (int i = 0; i < size; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0xf];
  }
}

// One value in COPY's text format; a NUL byte in text cannot be stored.
void append_value(std::string& out, sqlite3_stmt* row, int i, const Column& column,
                  const std::string& table) {
  switch (sqlite3_column_type(row, i)) {
    case SQLITE_NULL:
      out += "\\N";
      return;
    case SQLITE_INTEGER:
      out += std::to_string(sqlite3_column_int64(row, i));
      return;
    case SQLITE_FLOAT: {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.17g", sqlite3_column_double(row, i));
      out += buffer;
      return;
    }
    default:
      break;
  }
  const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(row, i));
  const int size = sqlite3_column_bytes(row, i);
  if (column.bytea) return append_hex(out, bytes, size);
  for (int k = 0; k < size; ++k) {
    switch (const char c = static_cast<char>(bytes[k])) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\0':
        fail(ErrorKind::invalid, "table " + table + ", column " + column.name +
                                     ": a text value holds a NUL byte, which PostgreSQL refuses");
      default:
        out += c;
    }
  }
}

void put_copy(PgConn& pg, std::string& buffer) {
  if (buffer.empty()) return;
  if (PQputCopyData(pg.conn, buffer.data(), static_cast<int>(buffer.size())) != 1) {
    fail(ErrorKind::unavailable, pg_message(pg.conn, nullptr));
  }
  buffer.clear();
}

void end_copy(PgConn& pg) {
  if (PQputCopyEnd(pg.conn, nullptr) != 1)
    fail(ErrorKind::unavailable, pg_message(pg.conn, nullptr));
  std::string failure;
  while (PGresult* raw = PQgetResult(pg.conn)) {
    PgResult r(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && failure.empty()) {
      failure = pg_message(pg.conn, raw);
    }
  }
  if (!failure.empty()) fail(ErrorKind::unavailable, failure);
}

// Copies one table's rows; returns how many.
std::int64_t copy_table(SqliteDb& src, PgConn& pg, const std::string& table,
                        const std::vector<Column>& columns, std::int64_t total,
                        const CopyProgress& progress) {
  std::string list;
  for (const Column& c : columns) list += (list.empty() ? "" : ", ") + quoted(c.name);
  auto started = std::make_unique<PgResult>(
      PQexec(pg.conn, ("COPY " + quoted(table) + " (" + list + ") FROM STDIN").c_str()));
  if (PQresultStatus(started->r) != PGRES_COPY_IN)
    fail(ErrorKind::unavailable, pg_message(pg.conn, started->r));
  SqliteStatement rows(src, "SELECT " + list + " FROM " + quoted(table));
  std::string buffer;
  std::int64_t copied = 0;
  while (rows.next()) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) buffer += '\t';
      append_value(buffer, rows.stmt, static_cast<int>(i), columns[i], table);
    }
    buffer += '\n';
    if (buffer.size() >= kCopyChunk) put_copy(pg, buffer);
    if (++copied % kRowsPerReport == 0 && progress) progress(table, copied, total);
  }
  put_copy(pg, buffer);
  end_copy(pg);
  if (progress) progress(table, copied, total);
  return copied;
}

// Every identity sequence of `table` past its column's largest value.
void advance_sequences(PgConn& pg, const std::string& table, const std::vector<Column>& columns) {
  for (const Column& c : columns) {
    if (!c.identity) continue;
    pg.query("SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(" +
                 quoted(c.name) + ") FROM " + quoted(table) + "), 0) + 1, false)",
             {quoted(table), c.name});
  }
}

std::vector<TableCount> copy_all(SqliteDb& src, PgConn& pg, const CopyProgress& progress) {
  const std::int64_t source_version =
      sqlite_int(src, "SELECT coalesce(max(version), 0) FROM schema_migrations");
  const std::int64_t target_version =
      pg.integer("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (source_version != target_version) {
    fail(ErrorKind::invalid, "the SQLite database is at schema version " +
                                 std::to_string(source_version) + ", PostgreSQL at " +
                                 std::to_string(target_version) + ": migrate both first");
  }
  if (auto contents = inspect_postgresql(pg); !contents.filled.empty()) {
    fail(ErrorKind::already_exists,
         "the PostgreSQL database is not empty (table " + contents.filled.front() + " holds rows)");
  }
  const std::vector<std::string> source_tables = sqlite_tables(src);
  std::vector<TableCount> counts;
  for (const std::string& table : dependency_order(pg)) {
    if (std::find(source_tables.begin(), source_tables.end(), table) == source_tables.end()) {
      fail(ErrorKind::invalid, "table " + table + " is missing from the SQLite database");
    }
    const std::vector<Column> columns = columns_of(pg, src, table);
    const std::int64_t total = sqlite_int(src, "SELECT count(*) FROM " + quoted(table));
    pg.query("ALTER TABLE " + quoted(table) + " DISABLE TRIGGER USER");
    const std::int64_t copied = copy_table(src, pg, table, columns, total, progress);
    pg.query("ALTER TABLE " + quoted(table) + " ENABLE TRIGGER USER");
    advance_sequences(pg, table, columns);
    const std::int64_t stored = pg.integer("SELECT count(*) FROM " + quoted(table));
    if (copied != total || stored != total) {
      fail(ErrorKind::internal, "table " + table + ": " + std::to_string(total) +
                                    " rows in SQLite, " + std::to_string(stored) +
                                    " in PostgreSQL after the copy");
    }
    counts.push_back({table, stored});
  }
  return counts;
}

}  // namespace

Result<DatabaseContents> inspect_database(const std::string& url) {
  return guarded<DatabaseContents>([&] {
    if (url.starts_with(kSqlitePrefix)) return inspect_sqlite(url.substr(kSqlitePrefix.size()));
    PgConn pg(url);
    return inspect_postgresql(pg);
  });
}

Status sqlite_online_backup(const std::string& source, const std::string& target,
                            const CopyProgress& progress) {
  return guarded<Ok>([&] {
    if (!std::filesystem::exists(source)) fail(ErrorKind::not_found, source + " does not exist");
    SqliteDb src(source, SQLITE_OPEN_READWRITE);
    // One read transaction for the whole copy: each step reads the same
    // snapshot, and a commit by another process does not restart the copy.
    src.exec("BEGIN");
    sqlite_int(src, "SELECT count(*) FROM sqlite_master");
    SqliteDb dst(target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3_backup* backup = sqlite3_backup_init(dst.db, "main", src.db, "main");
    if (backup == nullptr)
      fail(ErrorKind::unavailable, std::string("SQLite: ") + sqlite3_errmsg(dst.db));
    int rc = SQLITE_OK;
    for (int busy = 0; busy < kBusyRetries;) {
      rc = sqlite3_backup_step(backup, kPagesPerStep);
      const int total = sqlite3_backup_pagecount(backup);
      if (progress) progress("pages", total - sqlite3_backup_remaining(backup), total);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        ++busy;
        sqlite3_sleep(20);
      } else if (rc != SQLITE_OK) {
        break;
      }
    }
    sqlite3_backup_finish(backup);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      fail(ErrorKind::unavailable, target + " is in use by another process (stop it first)");
    }
    if (rc != SQLITE_DONE)
      fail(ErrorKind::unavailable, std::string("SQLite: ") + sqlite3_errstr(rc));
    src.exec("COMMIT");
    return Ok{};
  });
}

Result<std::vector<TableCount>> copy_sqlite_to_postgresql(const std::string& sqlite_path,
                                                          const std::string& postgresql_url,
                                                          const CopyProgress& progress) {
  return guarded<std::vector<TableCount>>([&] {
    if (!std::filesystem::exists(sqlite_path)) {
      fail(ErrorKind::not_found, sqlite_path + " does not exist");
    }
    SqliteDb src(sqlite_path, SQLITE_OPEN_READWRITE);
    src.exec("BEGIN");
    PgConn pg(postgresql_url);
    pg.query("BEGIN");
    std::vector<TableCount> counts = copy_all(src, pg, progress);
    pg.query("COMMIT");
    src.exec("COMMIT");
    return counts;
  });
}

Result<ToolConnection> tool_connection(const std::string& postgresql_url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(postgresql_url.c_str(), &error);
  if (options == nullptr) {
    if (error != nullptr) PQfreemem(error);
    return Error::make(ErrorKind::invalid, "the PostgreSQL URL cannot be parsed");
  }
  ToolConnection out;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    if (std::string_view(o->keyword) == "password") {
      out.password = o->val;
      continue;
    }
    std::string value;
    for (const char* c = o->val; *c != '\0'; ++c) {
      if (*c == '\'' || *c == '\\') value += '\\';
      value += *c;
    }
    if (!out.conninfo.empty()) out.conninfo += ' ';
    out.conninfo += std::string(o->keyword) + "='" + value + "'";
  }
  PQconninfoFree(options);
  return out;
}

}  // namespace outpost::storage
