// The server's threads and database connections (adapters/config/settings.hpp):
// the defaults by backend, the file key and variable that override them, and
// the range validate() accepts.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "adapters/config/settings.hpp"

namespace {

using outpost::config::database_connections_for;
using outpost::config::Settings;
using outpost::config::worker_threads_for;

Settings on(const std::string& database) {
  Settings s;
  s.database = database;
  return s;
}

}  // namespace

TEST_SUITE("settings") {
  TEST_CASE(
      "threads and connections by backend: two more connections on PostgreSQL for the "
      "batched reads") {
    const Settings pg = on("postgresql://outpost@db/outpost");
    CHECK(worker_threads_for(pg) == 4);
    CHECK(database_connections_for(pg) == 6);
    const Settings lite = on("sqlite:var/outpost.db");
    CHECK(worker_threads_for(lite) == 16);
    CHECK(database_connections_for(lite) == 16);

    Settings more = pg;
    more.worker_threads = 8;
    CHECK(database_connections_for(more) == 10);
    more.database_connections = 3;
    CHECK(database_connections_for(more) == 3);
    CHECK(worker_threads_for(more) == 8);
  }

  TEST_CASE(
      "database_connections from the file and from OUTPOST_DATABASE_CONNECTIONS, "
      "0 to 256") {
    const auto file = std::filesystem::temp_directory_path() / "outpost-settings-test.toml";
    std::ofstream(file) << "database = \"postgresql://outpost@db/outpost\"\n"
                           "database_connections = 7\n";
    Settings s;
    REQUIRE(outpost::config::apply_config_file(s, file.string()).ok());
    std::filesystem::remove(file);
    CHECK(database_connections_for(s) == 7);

    ::setenv("OUTPOST_DATABASE_CONNECTIONS", "12", 1);
    REQUIRE(outpost::config::apply_environment(s).ok());
    ::unsetenv("OUTPOST_DATABASE_CONNECTIONS");
    CHECK(s.database_connections == 12);
    CHECK(outpost::config::validate(s).ok());

    for (const int bad : {-1, 257}) {
      s.database_connections = bad;
      const auto refused = outpost::config::validate(s);
      REQUIRE_FALSE(refused.ok());
      CHECK(refused.error().message.find("database_connections") != std::string::npos);
    }
  }
}
