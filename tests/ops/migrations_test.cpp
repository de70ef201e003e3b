// Migrations with several processes starting at once, and a binary refusing a
// schema newer than it knows (issue 20, item 5).
#include <thread>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

// How many times `needle` occurs in `text`.
std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_SUITE("ops_migrations") {
  TEST_CASE("processes migrating a fresh database at once apply each migration exactly once") {
    TestDatabase db;
    constexpr int kProcesses = 4;
    std::vector<CommandResult> results(kProcesses);
    {
      // Each thread waits for its own process (a test server dies with the
      // thread that started it).
      std::vector<std::thread> starters;
      for (int i = 0; i < kProcesses; ++i) {
        starters.emplace_back([&, i] {
          results[i] = run_outpost({"migrate", "--database", db.url()});
        });
      }
      for (auto& s : starters) s.join();
    }
    std::string logs;
    for (const CommandResult& r : results) {
      CHECK_MESSAGE(r.exit_code == 0, r.output);
      logs += r.output;
    }
    const auto versions = db.query_int("SELECT count(*) FROM schema_migrations");
    CHECK(versions > 0);
    CHECK(versions == db.query_int("SELECT count(DISTINCT version) FROM schema_migrations"));
    CHECK(versions == db.query_int("SELECT count(DISTINCT name) FROM schema_migrations"));
    // Every recorded migration was applied by exactly one of the processes.
    CHECK(occurrences(logs, "applied migration ") == static_cast<std::size_t>(versions));

    // A server on the result is ready and works.
    ServerProcess server(db.url());
    CHECK(occurrences(server.log(), "applied migration ") == 0);
    CHECK(HttpClient(server.port(), "").get("/health/ready").status == 200);
    CHECK(server.client().post_json("/api/v1/cases", dispute_body()).status == 201);
    CHECK(server.stop() == 0);
  }

  TEST_CASE("a database migrated by a newer binary is refused with a clear message") {
    TestDatabase db;
    REQUIRE(run_outpost({"migrate", "--database", db.url()}).exit_code == 0);
    const auto known = db.query_int("SELECT max(version) FROM schema_migrations");
    db.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
    const auto rows = db.query_int("SELECT count(*) FROM schema_migrations");

    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"migrate", "--database", db.url()},
          std::vector<std::string>{"serve", "--listen", "127.0.0.1:0", "--database", db.url()}}) {
      const CommandResult r =
          run_outpost(args, {{"OUTPOST_PII_KEY", kTestPiiKey}, {"OUTPOST_BOOTSTRAP_TOKEN", ""}});
      INFO(args[0] << ": " << r.output);
      CHECK(r.exit_code == 1);
      CHECK(r.output.find("数据库结构版本为 9999") != std::string::npos);
      CHECK(r.output.find("schema is at version 9999, newer than the newest this binary knows (" +
                          std::to_string(known) + ")") != std::string::npos);
      CHECK(r.output.find("listening on") == std::string::npos);
    }
    CHECK(db.query_int("SELECT count(*) FROM schema_migrations") == rows);
  }
}
