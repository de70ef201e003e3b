// File: tests/http/database_bytes.hpp
//
// Everything a database holds, as bytes, for tests that prove a value is not
// stored in clear: the SQLite file and its WAL, or a plain-text pg_dump.
//
//   CHECK(database_bytes(t.db).find("13800138000") == std::string::npos);
#pragma once

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "tests/support/test_db.hpp"

namespace outpost::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string database_bytes(const TestDatabase& db) {
  const std::string& url = db.url();
  if (url.rfind("sqlite:", 0) == 0) {
    const std::string file = url.substr(7);
    return read_file(file) + read_file(file + "-wal");
  }
  const std::string command = "/usr/lib/postgresql/15/bin/pg_dump --no-owner '" + url + "'";
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[65536];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  REQUIRE(pclose(pipe) == 0);
  REQUIRE(out.find("CREATE TABLE public.cases") != std::string::npos);  // a real dump
  return out;
}

// Rows of the access log (every reveal adds one).
inline std::int64_t access_rows(const TestDatabase& db) {
  return db.query_int("SELECT count(*) FROM access_log");
}

}  // namespace outpost::testing
