// File: tests/support/test_db.hpp
//
// A fresh, empty database for one test, on the backend named by
// OUTPOST_TEST_BACKEND (sqlite | postgresql; default sqlite).
//   sqlite:     a new file under OUTPOST_TEST_WORK_DIR (or /tmp), removed at the end.
//   postgresql: a new database in the fixture cluster whose URL is in the file
//               named by OUTPOST_TEST_PG_URL_FILE, dropped at the end.
//
//   TestDatabase db;                  // fresh and empty
//   auto stores = open_stores(db.url());  // adapters/storage/stores.hpp
//   db.query_int("SELECT count(*) FROM history");  // inspect stored rows directly
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace outpost::testing {

std::string test_backend();  // "sqlite" or "postgresql"

class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // sqlite:/path/to/file.db or postgresql://user@127.0.0.1:port/dbname
  const std::string& url() const { return url_; }
  // Runs a query that returns one integer (e.g. a count) on a separate connection.
  std::int64_t query_int(const std::string& sql) const;
  // Runs a query that returns one text value.
  std::string query_text(const std::string& sql) const;
  // Runs a query whose columns are all text (CAST the others AS text): every
  // row, NULL as nullopt.
  std::vector<std::vector<std::optional<std::string>>> query_rows(const std::string& sql) const;
  // The plan the database would run `select` with, its lines joined: EXPLAIN
  // on PostgreSQL (told not to scan tables it can reach through an index,
  // since it scans a test's few rows anyway), EXPLAIN QUERY PLAN's details on
  // SQLite. For checking that a query finds its rows through an index.
  std::string query_plan(const std::string& select) const;
  // PostgreSQL only: drops the database under a running server (terminating
  // its connections), so the server finds its database gone.
  void drop_now() const;
  // Runs a statement (for tests that tamper with rows on purpose).
  void exec(const std::string& sql) const;

 private:
  std::string url_;
  std::string admin_url_;  // postgresql only: the fixture's maintenance database
  std::string name_;
};

}  // namespace outpost::testing
