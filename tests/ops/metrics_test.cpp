// GET /metrics (issue 20, item 1): the Prometheus text format read back by
// Debian's python3-prometheus-client, counters that move with the traffic.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/http/fixtures.hpp"
#include "tests/http/python_check.hpp"
#include "tests/http/test_clock.hpp"

using namespace outpost::testing;

namespace {

constexpr const char* kMetricsToken = "metrics-token-for-tests-42";

// Both scrapes through tests/ops/metrics_check.py: {"first", "second", "problems"}.
json::object parse_scrapes(const std::string& first, const std::string& second) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path();
  const std::string stem = "outpost-metrics-" + std::to_string(::getpid());
  const fs::path a = dir / (stem + "-1.txt"), b = dir / (stem + "-2.txt");
  std::ofstream(a) << first;
  std::ofstream(b) << second;
  struct Remove {
    const fs::path &a, &b;
    ~Remove() {
      std::error_code ec;
      fs::remove(a, ec);
      fs::remove(b, ec);
    }
  } remove{a, b};
  return python_json("/usr/bin/python3 " OUTPOST_SOURCE_DIR "/tests/ops/metrics_check.py " +
                     a.string() + " " + b.string())
      .as_object();
}

// A sample's value in one parsed scrape; 0 when absent (a counter not yet moved).
double value(const json::object& scrape, const std::string& key) {
  const auto* v = scrape.if_contains(key);
  return v ? v->to_number<double>() : 0.0;
}

}  // namespace

TEST_SUITE("ops_metrics") {
  TEST_CASE("/metrics needs its token and counts requests, transitions, logins and deadlines") {
    TestClock clock;
    Headers env = clock.env();
    env.emplace_back("OUTPOST_METRICS_TOKEN", kMetricsToken);
    env.emplace_back("OUTPOST_LOGIN_MAX_FAILURES", "2");
    TestServer t(env);
    HttpClient scraper(t.server.port(), kMetricsToken);

    // Without the token, or with the API's bearer token: 401, and no figures.
    auto anonymous = HttpClient(t.server.port(), "").get("/metrics");
    CHECK(anonymous.status == 401);
    CHECK(anonymous.body.find("outpost_") == std::string::npos);
    CHECK(t.client.get("/metrics").status == 401);

    const auto first = scraper.get("/metrics");
    REQUIRE(first.status == 200);
    CHECK(first.header("content-type").find("text/plain; version=0.0.4") == 0);

    std::vector<std::int64_t> ids;
    for (int i = 0; i < 3; ++i) {
      ids.push_back(t.create_case());
      t.step(ids.back(), "accept");
    }
    CHECK(t.event(ids[0], "accept").status == 409);  // not allowed in its state now
    for (int i = 0; i < 5; ++i) {
      CHECK(t.client.get("/api/v1/cases/" + std::to_string(ids[i % 3])).status == 200);
    }
    CHECK(t.client.get("/api/v1/cases/987654321").status == 404);
    t.client.get("/no/such/path/123456");
    for (int i = 0; i < 2; ++i) {
      CHECK(HttpClient(t.server.port(), "")
                .post_json("/api/v1/login", {{"username", "nobody"}, {"password", "wrong"}})
                .status >= 400);
    }
    // 60 days on: every deadline timer of the three cases falls due.
    clock.set(system_now() + 60 * kDay);
    const auto fired = [&] {
      return t.db.query_int("SELECT count(*) FROM timers WHERE state = 'fired'");
    };
    // Until the ticker (every 100 ms) has fired nothing more for a second.
    for (std::int64_t before = -1, i = 0; i < 30 && (before != fired() || before == 0); ++i) {
      before = fired();
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }

    const auto second = scraper.get("/metrics");
    REQUIRE(second.status == 200);
    const json::object parsed = parse_scrapes(first.body, second.body);
    CHECK_MESSAGE(parsed.at("problems").as_array().empty(), json::serialize(parsed.at("problems")));
    const json::object& a = parsed.at("first").as_object();
    const json::object& b = parsed.at("second").as_object();
    auto delta = [&](const std::string& key) { return value(b, key) - value(a, key); };

    const std::string created =
        "outpost_http_requests_total{method=POST,route=/api/v1/cases,status=201}";
    CHECK(delta(created) == 3);
    CHECK(delta("outpost_http_request_duration_seconds_count{method=POST,route=/api/v1/"
                "cases,status=201}") == 3);
    CHECK(delta("outpost_http_requests_total{method=GET,route=/api/v1/cases/{id},status=200}") ==
          5);
    CHECK(delta("outpost_http_requests_total{method=GET,route=/api/v1/cases/{id},status=404}") ==
          1);
    CHECK(delta("outpost_http_requests_total{method=POST,route=/api/v1/cases/{id}/"
                "events,status=200}") == 3);
    CHECK(delta("outpost_http_requests_total{method=POST,route=/api/v1/cases/{id}/"
                "events,status=409}") == 1);
    // The first scrape, counted once it was answered.
    CHECK(delta("outpost_http_requests_total{method=GET,route=/metrics,status=200}") == 1);
    CHECK(delta("outpost_transitions_total{event=accept,kind=dispute,outcome=applied}") == 3);
    CHECK(delta("outpost_transitions_total{event=accept,kind=dispute,outcome=not_allowed_in_"
                "state}") == 1);
    CHECK(delta("outpost_login_failures_total{}") == 2);
    CHECK(delta("outpost_login_lockouts_total{}") == 1);
    CHECK(value(b, "outpost_build_info{version=" + std::string(OUTPOST_TEST_VERSION) + "}") == 1);

    // Deadlines: what the scrape counts is what the store recorded as fired.
    const auto timers = [&](const char* kind) {
      return static_cast<double>(t.db.query_int(
          std::string("SELECT count(*) FROM timers WHERE state = 'fired' AND kind = '") + kind +
          "'"));
    };
    CHECK(timers("breach") > 0);
    CHECK(delta("outpost_deadline_timers_total{signal=warned}") == timers("warning"));
    CHECK(delta("outpost_deadline_timers_total{signal=breached}") == timers("breach"));
    CHECK(delta("outpost_deadline_timers_total{signal=escalated}") == timers("escalation"));

    // Gauges read at the scrape.
    CHECK(value(b, "outpost_db_pool_connections{}") >= 1);
    CHECK(b.contains("outpost_db_pool_in_use{}"));
    CHECK(b.contains("outpost_db_pool_waiting{}"));
    double open = 0;
    for (const auto& [key, v] : b) {
      if (key.starts_with("outpost_open_cases{kind=dispute,")) open += v.to_number<double>();
    }
    CHECK(open == 3);
    CHECK(b.contains("outpost_outbox_messages{state=pending}"));
    CHECK(b.contains("outpost_outbox_deliveries_total{outcome=delivered}"));
  }
}
