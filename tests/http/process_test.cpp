// The process around the API: crashes, signals, migrations, logs, flags.
#include <csignal>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

TEST_SUITE("http_process") {
  TEST_CASE("a server killed with SIGKILL right after a 2xx loses nothing on restart") {
    TestServer t;
    const auto id = mediating_case(t);
    consent_all(t, id);
    t.step(id, "reach_agreement", agreement("2026-12-15", "oral", "赔偿维修费800元"));
    const auto before_case = t.get_case(id);
    const auto before_history = t.history(id);
    auto last = t.event(id, "confirm_performance");
    REQUIRE(last.status == 200);
    t.server.kill_hard();

    t.server.start();
    HttpClient c = t.server.client();
    auto after = c.get("/api/v1/cases/" + std::to_string(id));
    REQUIRE(after.status == 200);
    CHECK(after.json().at("state") == "follow_up");
    CHECK(after.json().at("version").as_int64() == before_case.at("version").as_int64() + 1);
    auto history =
        c.get("/api/v1/cases/" + std::to_string(id) + "/history").json().at("items").as_array();
    REQUIRE(history.size() == before_history.size() + 1);
    for (std::size_t i = 0; i < before_history.size(); ++i)
      CHECK(history[i].at("hash") == before_history[i].at("hash"));
    CHECK(history.back().at("event") == "confirm_performance");
  }

  TEST_CASE("SIGTERM stops the server cleanly with exit code 0") {
    TestServer t;
    t.create_case();
    CHECK(t.server.stop(SIGTERM) == 0);
    CHECK(t.server.stop(SIGTERM) == -1);
  }

  TEST_CASE("migrate applies versioned migrations once and records them") {
    TestDatabase db;
    auto first = run_outpost({"migrate", "--database", db.url()});
    CHECK_MESSAGE(first.exit_code == 0, first.output);
    const auto recorded = db.query_int("SELECT count(*) FROM schema_migrations");
    CHECK(recorded >= 1);
    auto second = run_outpost({"migrate", "--database", db.url()});
    CHECK(second.exit_code == 0);
    CHECK(second.output.find("applied migration") == std::string::npos);
    CHECK(db.query_int("SELECT count(*) FROM schema_migrations") == recorded);
  }

  TEST_CASE("--help and --version answer; bad settings exit 2 without starting") {
    auto help = run_outpost({"--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.output.find("serve") != std::string::npos);
    CHECK(help.output.find("migrate") != std::string::npos);
    auto version = run_outpost({"--version"});
    CHECK(version.exit_code == 0);
    CHECK(version.output.find("outpost ") != std::string::npos);
    CHECK(run_outpost({"serve", "--listen", "nonsense"}).exit_code == 2);
    CHECK(run_outpost({"serve", "--log-format", "xml"}).exit_code == 2);
    CHECK(run_outpost({"serve"}, {{"OUTPOST_LISTEN", "127.0.0.1:notaport"}}).exit_code == 2);
    // 0 is a valid thread count (by backend, or no separate I/O threads); below or above is not.
    CHECK(run_outpost({"serve"}, {{"OUTPOST_WORKER_THREADS", "-1"}}).exit_code == 2);
    CHECK(run_outpost({"serve"}, {{"OUTPOST_WORKER_THREADS", "257"}}).exit_code == 2);
    CHECK(run_outpost({"serve"}, {{"OUTPOST_IO_THREADS", "65"}}).exit_code == 2);
    CHECK(run_outpost({"frobnicate"}).exit_code != 0);
  }

  TEST_CASE("JSON logs are one object per line and carry no personal data") {
    TestDatabase db;
    ServerProcess server(db.url(), {"--log-format", "json", "--log-level", "debug"});
    HttpClient c = server.client();
    REQUIRE(c.post_json("/api/v1/cases", dispute_body()).status == 201);
    REQUIRE(c.get("/api/v1/cases?q=13800138000").status == 200);
    CHECK(server.stop() == 0);
    const std::string log = server.log();
    std::istringstream lines(log);
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      ++count;
      boost::system::error_code ec;
      auto v = json::parse(line, ec);
      CHECK_MESSAGE(!ec, line);
      if (!ec) CHECK(v.as_object().contains("msg"));
    }
    CHECK(count >= 3);
    for (const char* secret : {"13800138000", "500109198801012345", "张秀英", kTestToken}) {
      CHECK_MESSAGE(log.find(secret) == std::string::npos, secret);
    }
  }

  TEST_CASE("settings come from flags over environment over the config file") {
    TestDatabase db;
    const std::string file =
        std::string(std::getenv("OUTPOST_TEST_WORK_DIR") ? std::getenv("OUTPOST_TEST_WORK_DIR")
                                                         : "/tmp") +
        "/settings-test.toml";
    { std::ofstream(file) << "log_format = \"json\"\nlog_level = \"warn\"\n"; }
    ServerProcess server(db.url(), {"--config", file, "--log-level", "info"},
                         {{"OUTPOST_LOG_FORMAT", "text"}});
    server.stop();
    const std::string log = server.log();
    CHECK(log.find("listening on") !=
          std::string::npos);  // info from the flag beats warn from the file
    CHECK(log.find("{\"time\"") ==
          std::string::npos);  // text from the environment beats json from the file
    std::remove(file.c_str());
  }

  TEST_CASE("demo data fills an empty database with disputes in many states") {
    TestDatabase db;
    ServerProcess server(db.url(), {"--demo-data"});
    HttpClient c = server.client();
    auto all = c.get("/api/v1/cases?limit=500").json().at("items").as_array();
    CHECK(all.size() >= 80);
    std::set<std::string> states, communities, kinds;
    int flagged = 0;
    for (const auto& item : all) {
      states.insert(text(item.at("state")));
      kinds.insert(text(item.at("kind")));
      communities.insert(text(item.at("location").at("community")));
      flagged += !item.at("flags").as_array().empty();
    }
    CHECK(states.size() >= 15);
    CHECK(kinds.size() == 2);
    CHECK(communities.size() == 3);
    CHECK(flagged >= 1);
    server.stop();
    server.start();  // a restart does not seed twice
    CHECK(server.client().get("/api/v1/cases?limit=500").json().at("items").as_array().size() ==
          all.size());
  }
}
