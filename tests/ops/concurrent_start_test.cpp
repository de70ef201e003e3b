// Several `outpost serve` processes started at the same instant on one fresh,
// empty PostgreSQL database (issue 20, item 5): each migrates and seeds on its
// own start-up, so the set-up must be serialised across processes.
#include <future>
#include <latch>
#include <memory>
#include <thread>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

constexpr int kProcesses = 4;

// How many times `needle` occurs in `text`.
std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Every table of the database with its row count, "table=count" a line.
std::string row_counts(const TestDatabase& db) {
  std::string out;
  for (const auto& row : db.query_rows("SELECT table_name FROM information_schema.tables "
                                       "WHERE table_schema = 'public' ORDER BY table_name")) {
    const std::string table = row.at(0).value_or("");
    out += table + "=" + std::to_string(db.query_int("SELECT count(*) FROM " + table)) + "\n";
  }
  return out;
}

}  // namespace

TEST_SUITE("ops_concurrent_start") {
  TEST_CASE("serve processes started at once on an empty database all become ready, once seeded") {
    if (test_backend() != "postgresql") return;  // SQLite serves one process

    // What one process alone leaves in a fresh database after its start-up.
    std::string alone;
    {
      TestDatabase db;
      ServerProcess server(db.url());
      REQUIRE(HttpClient(server.port(), "").get("/health/ready").status == 200);
      REQUIRE(server.stop() == 0);
      alone = row_counts(db);
    }

    TestDatabase db;
    std::vector<std::unique_ptr<ServerProcess>> servers(kProcesses);
    std::vector<std::string> errors(kProcesses);
    std::vector<int> exits(kProcesses, -1);
    std::latch go(kProcesses);
    std::latch up(kProcesses);
    std::promise<void> done;
    std::shared_future<void> finished = done.get_future().share();
    std::vector<std::thread> starters;
    // Each thread starts its process and stops it at the end (a test server
    // dies with the thread that started it).
    for (int i = 0; i < kProcesses; ++i) {
      starters.emplace_back([&, i] {
        go.arrive_and_wait();
        try {
          servers[i] = std::make_unique<ServerProcess>(db.url());
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
        up.count_down();
        finished.wait();
        if (servers[i]) exits[i] = servers[i]->stop();
      });
    }
    up.wait();
    struct Join {
      std::promise<void>& done;
      std::vector<std::thread>& threads;
      ~Join() {
        done.set_value();
        for (auto& t : threads) t.join();
      }
    } join{done, starters};

    std::string logs;
    for (int i = 0; i < kProcesses; ++i) {
      REQUIRE_MESSAGE(servers[i], "process " << i << " did not start: " << errors[i]);
      logs += servers[i]->log();
      const auto ready = HttpClient(servers[i]->port(), "").get("/health/ready");
      CHECK_MESSAGE(ready.status == 200, ready.body);
    }
    // Each migration recorded once and applied by exactly one process.
    const auto versions = db.query_int("SELECT count(*) FROM schema_migrations");
    CHECK(versions > 0);
    CHECK(versions == db.query_int("SELECT count(DISTINCT version) FROM schema_migrations"));
    CHECK_MESSAGE(count_of(logs, "applied migration ") == static_cast<std::size_t>(versions), logs);
    // The start-up's own rows (bootstrap admin and token, directory, catalogue
    // edition, checkpoints…) as one process alone leaves them: none twice.
    MESSAGE("rows after one process alone:\n" << alone);
    CHECK(row_counts(db) == alone);
    CHECK(db.query_int("SELECT count(*) FROM users WHERE username = 'admin'") == 1);
    CHECK(db.query_int("SELECT count(*) FROM tokens") == 1);
    CHECK(db.query_int("SELECT count(*) FROM catalogue_editions") == 1);
    CHECK(db.query_int("SELECT count(*) FROM access_generation") == 1);
    CHECK(db.query_int("SELECT count(*) FROM departments") > 0);

    // A case created through any process is read through every other one.
    for (int i = 0; i < kProcesses; ++i) {
      const auto created = servers[i]->client().post_json("/api/v1/cases", dispute_body());
      REQUIRE_MESSAGE(created.status == 201, created.body);
      const std::string path =
          "/api/v1/cases/" + std::to_string(created.json().at("id").as_int64());
      for (int j = 0; j < kProcesses; ++j) {
        const auto read = servers[j]->client().get(path);
        CHECK_MESSAGE(read.status == 200,
                      "process " << j << " reading " << path << ": " << read.body);
      }
    }
    CHECK(db.query_int("SELECT count(*) FROM cases") == kProcesses);
  }
}
