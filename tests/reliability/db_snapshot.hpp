// File: tests/reliability/db_snapshot.hpp
//
// Every table of a test database as "rows:sha256 of the rows in order", read
// straight from the database (not through the API), so that a test can show
// that a run of bad requests changed nothing at all:
//
//   const auto before = settled_snapshot(db);
//   ... requests ...
//   CHECK(db_snapshot(db) == before);
//
// Background chores (sequencing history into the proof log, once a second;
// the deadline ticker) may still write just after a change; settled_snapshot
// waits until the history queue is empty (up to 10 s), then until two
// readings 300 ms apart agree.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "engine/cases/audit_chain.hpp"
#include "tests/support/test_db.hpp"

namespace outpost::testing {

using DbSnapshot = std::map<std::string, std::string>;

inline std::string one_text(const std::optional<std::string>& v) {
  return v.value_or("");
}

inline DbSnapshot db_snapshot(const TestDatabase& db) {
  DbSnapshot out;
  const bool sqlite = test_backend() == "sqlite";
  const auto tables = db.query_rows(
      sqlite ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
             : "SELECT CAST(table_name AS text) FROM information_schema.tables"
               " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
  for (const auto& row : tables) {
    const std::string table = one_text(row[0]);
    std::string rows_sql;
    if (sqlite) {
      std::string columns;
      for (const auto& c : db.query_rows("SELECT name FROM pragma_table_info('" + table + "')")) {
        columns += (columns.empty() ? "" : " || ',' || ") + std::string("quote(\"") +
                   one_text(c[0]) + "\")";
      }
      rows_sql = "SELECT CAST(count(*) AS text), coalesce(group_concat(r, '|'), '') FROM (SELECT " +
                 columns + " AS r FROM \"" + table + "\" ORDER BY 1)";
    } else {
      rows_sql =
          "SELECT CAST(count(*) AS text), coalesce(string_agg(CAST(t AS text), '|' ORDER BY"
          " CAST(t AS text)), '') FROM \"" +
          table + "\" t";
    }
    const auto summary = db.query_rows(rows_sql).at(0);
    out[table] = one_text(summary[0]) + ":" + sha256_hex(one_text(summary[1]));
  }
  return out;
}

inline DbSnapshot settled_snapshot(const TestDatabase& db) {
  for (int i = 0; i < 100 && db.query_int("SELECT count(*) FROM history_queue") > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  DbSnapshot last = db_snapshot(db);
  for (int i = 0; i < 30; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    DbSnapshot now = db_snapshot(db);
    if (now == last) return now;
    last = std::move(now);
  }
  return last;
}

}  // namespace outpost::testing
