// The bad-input corpus (tests/reliability/corpus, made by generate_corpus.py)
// replayed by replay_corpus.py against a real server with 1 s time-outs:
// every answer is a 4xx problem (Open311's error list on its endpoints), a
// slow client is cut off after the time-out, the database is the same before
// and after, and the server still serves a normal request.
#include <sys/wait.h>

#include <fstream>

#include "tests/http/fixtures.hpp"
#include "tests/http/python_check.hpp"
#include "tests/reliability/db_snapshot.hpp"

using namespace outpost::testing;

namespace {

std::string short_timeouts_config() {
  const char* dir = std::getenv("OUTPOST_TEST_WORK_DIR");
  const std::string path = std::string(dir && *dir ? dir : "/tmp") + "/corpus-timeouts.toml";
  std::ofstream(path) << "[http]\nidle_timeout_seconds = 1\nread_timeout_seconds = 1\n";
  return path;
}

// Runs the replayer; its exit status and the JSON report it printed.
std::pair<int, std::string> replay(unsigned short port, std::int64_t case_id,
                                   const std::string& api_key) {
  return run_shell(
      "/usr/bin/python3 " OUTPOST_SOURCE_DIR "/tests/reliability/replay_corpus.py --port " +
      std::to_string(port) + " --token " + kTestToken + " --case " + std::to_string(case_id) +
      " --api-key " + api_key + " --timeout 1 " OUTPOST_SOURCE_DIR "/tests/reliability/corpus");
}

}  // namespace

TEST_SUITE("reliability_corpus") {
  TEST_CASE("every case of the bad-input corpus is refused and changes nothing") {
    TestDatabase db;
    ServerProcess server(db.url(), {"--config", short_timeouts_config()},
                         {{"OUTPOST_DEADLINE_INTERVAL_MS", "100"}});
    HttpClient client = server.client();
    // Something to aim at: a case with history and a note, and an Open311 channel.
    auto created = client.post_json("/api/v1/cases", dispute_body());
    REQUIRE_MESSAGE(created.status == 201, created.body);
    const auto id = created.json().at("id").as_int64();
    const std::string case_path = "/api/v1/cases/" + std::to_string(id);
    REQUIRE(client.post_json(case_path + "/events", json::object{{"event", "accept"}}).status ==
            200);
    REQUIRE(client
                .post_json(case_path + "/notes",
                           json::object{{"body", "已电话联系双方"}, {"visibility", "internal"}})
                .status == 201);
    auto channel = client.post_json("/api/v1/channels", json::object{{"name", "corpus"},
                                                                     {"display_name", "语料渠道"},
                                                                     {"rate_per_minute", 100000}});
    REQUIRE_MESSAGE(channel.status == 201, channel.body);
    const std::string api_key = text(channel.json().at("api_key"));
    const auto version = client.get(case_path).json().at("version").as_int64();
    const DbSnapshot before = settled_snapshot(db);

    const auto [exit_code, out] = replay(server.port(), id, api_key);
    INFO(out);
    REQUIRE(exit_code != -1);
    const json::value report = json::parse(out);
    CHECK(report.at("failures").as_array().empty());
    CHECK(exit_code == 0);
    CHECK(report.at("cases").as_int64() >= 300);
    CHECK(report.at("by_category").as_object().size() >= 15);

    int wait_status = 0;
    CHECK(::waitpid(server.pid(), &wait_status, WNOHANG) == 0);  // not exited or crashed
    const DbSnapshot after = db_snapshot(db);
    for (const auto& [table, summary] : before) {
      CAPTURE(table);
      CHECK(after.at(table) == summary);
    }
    // Still serving: an authenticated read and a write, after everything above.
    auto read = client.get(case_path);
    CHECK(read.status == 200);
    CHECK(read.json().at("version").as_int64() == version);
    CHECK(client
              .post_json(case_path + "/events", json::object{{"event", "assign"},
                                                             {"department", "police"},
                                                             {"assignees", {"police-01"}}})
              .status == 200);
  }
}
