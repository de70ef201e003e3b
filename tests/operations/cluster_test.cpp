// Three engine processes on one PostgreSQL behind nginx (deploy/nginx/outpost.conf):
// a case's whole life, idempotency, ETags, the login lock, deadline timers,
// webhooks and history checkpoints behave as on one node, and the client
// address is the one nginx saw.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "tests/http/fixtures.hpp"
#include "tests/http/test_clock.hpp"
#include "tests/notify/receiver.hpp"
#include "tests/operations/cluster.hpp"

using namespace outpost::testing;

namespace {

const Headers kJson{{"Content-Type", "application/json"}};

// Distinct engines among the access log's upstream addresses.
std::set<std::string> distinct(const std::vector<std::string>& upstreams) {
  return {upstreams.begin(), upstreams.end()};
}

// Polls `ready` every 100 ms for up to `limit`; true once it held.
template <class F>
bool within(std::chrono::seconds limit, F&& ready) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

// An event through the proxy, tagged with an Idempotency-Key so the access
// log tells which engine answered it.
Response event(HttpClient& client, std::int64_t id, const std::string& name, json::object payload,
               const std::string& key, Headers headers = {}) {
  payload["event"] = name;
  headers.emplace_back("Idempotency-Key", key);
  return client.post_json("/api/v1/cases/" + std::to_string(id) + "/events", payload, headers);
}

// Creates a case through the proxy and applies `steps`, each request with
// the Idempotency-Key "<prefix>-<n>" (the create's n is 0); returns its id.
std::int64_t live_through(HttpClient& client, const json::object& body,
                          const std::vector<EventStep>& steps, const std::string& prefix) {
  auto created = client.post_json("/api/v1/cases", body, {{"Idempotency-Key", prefix + "-0"}});
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const auto id = created.json().at("id").as_int64();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    auto r =
        event(client, id, steps[i].first, steps[i].second, prefix + "-" + std::to_string(i + 1));
    REQUIRE_MESSAGE(r.status == 200, steps[i].first << ": " << r.body);
    CHECK(r.header("etag") == "\"" + std::to_string(i + 2) + "\"");
  }
  return id;
}

}  // namespace

TEST_SUITE("operations_cluster") {
  TEST_CASE("a dispute and a request live their whole life through nginx on three processes") {
    Cluster c;
    HttpClient client = c.client();
    const auto path = dispute_life();
    const auto id = live_through(client, dispute_body(), path, "life");
    // A request: dispatched, acknowledged, worked on, resolved, followed up: closed.
    const std::vector<EventStep> request_path{
        {"dispatch", {}},
        {"acknowledge", {}},
        {"start_work", {}},
        {"resolve", {{"resolution", "已更换楼道灯"}}},
        {"record_follow_up", {{"satisfaction", "satisfied"}, {"note", "满意"}}},
    };
    const auto rid = live_through(client, request_body(), request_path, "req");

    // Every engine served part of it, and the stored history is one linked chain.
    std::vector<std::string> served;
    for (const auto& e : c.proxy->access_log()) {
      if (e.key.rfind("life-", 0) == 0 || e.key.rfind("req-", 0) == 0)
        served.push_back(e.upstreams);
    }
    CHECK(served.size() == path.size() + request_path.size() + 2);
    CHECK(distinct(served).size() == 3);
    CHECK(c.db.query_text("SELECT state FROM cases WHERE id = " + std::to_string(id)) == "closed");
    CHECK(c.db.query_text("SELECT state FROM cases WHERE id = " + std::to_string(rid)) == "closed");
    for (const auto case_id : {id, rid}) {
      auto h = client.get("/api/v1/cases/" + std::to_string(case_id) + "/history");
      REQUIRE(h.status == 200);
      const json::value body = h.json();
      const auto& items = body.at("items").as_array();
      CHECK(first_broken_link(case_id, items) == 0);
      CHECK(static_cast<std::int64_t>(items.size()) ==
            c.db.query_int("SELECT count(*) FROM history WHERE case_id = " +
                           std::to_string(case_id)));
    }
    CHECK(c.db.query_int("SELECT count(*) FROM history WHERE case_id = " + std::to_string(id)) ==
          static_cast<std::int64_t>(path.size() + 1));
  }

  TEST_CASE("an Idempotency-Key and an ETag hold across processes") {
    Cluster c;
    HttpClient client = c.client();
    // The same create three times: three engines, one case.
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 3; ++i) {
      auto r =
          client.post_json("/api/v1/cases", dispute_body(), {{"Idempotency-Key", "same-create"}});
      REQUIRE_MESSAGE(r.status == 201, r.body);
      ids.push_back(r.json().at("id").as_int64());
      CHECK(r.header("idempotent-replayed") == (i == 0 ? "" : "true"));
    }
    CHECK(distinct(c.proxy->upstreams_of("same-create")).size() == 3);
    CHECK(ids[1] == ids[0]);
    CHECK(ids[2] == ids[0]);
    CHECK(c.db.query_int("SELECT count(*) FROM cases") == 1);
    const auto id = ids[0];

    // The same event three times: applied once.
    for (int i = 0; i < 3; ++i) {
      auto r = event(client, id, "accept", {}, "same-accept");
      REQUIRE_MESSAGE(r.status == 200, r.body);
      CHECK(r.header("etag") == "\"2\"");
    }
    CHECK(distinct(c.proxy->upstreams_of("same-accept")).size() == 3);
    CHECK(c.db.query_int("SELECT count(*) FROM history WHERE case_id = " + std::to_string(id)) ==
          2);

    // A version read on one process is stale on the others once a third moved on.
    auto seen = client.get("/api/v1/cases/" + std::to_string(id));
    REQUIRE(seen.header("etag") == "\"2\"");
    auto moved =
        event(client, id, "assign", {{"department", "police"}, {"assignees", {"police-01"}}},
              "etag-1", {{"If-Match", "\"2\""}});
    REQUIRE_MESSAGE(moved.status == 200, moved.body);
    for (int i = 0; i < 3; ++i) {
      auto stale = event(client, id, "start_mediation", {}, "etag-stale-" + std::to_string(i),
                         {{"If-Match", "\"2\""}});
      CHECK_MESSAGE(stale.status == 412, stale.body);
    }
    std::set<std::string> refused_by;
    for (int i = 0; i < 3; ++i) {
      for (const auto& u : c.proxy->upstreams_of("etag-stale-" + std::to_string(i)))
        refused_by.insert(u);
    }
    CHECK(refused_by.size() == 3);
    CHECK(c.db.query_int("SELECT version FROM cases WHERE id = " + std::to_string(id)) == 3);
    CHECK(c.db.query_int("SELECT count(*) FROM history WHERE case_id = " + std::to_string(id)) ==
          3);
  }

  TEST_CASE("failed logins lock across processes, keyed on the address nginx saw") {
    Cluster c({{"OUTPOST_LOGIN_LOCK_SECONDS", "60"},
               {"OUTPOST_LOGIN_BACKOFF_AFTER", "10"},
               {"OUTPOST_LOGIN_DELAY_MS", "10"}});
    HttpClient admin = c.client();
    for (const char* name : {"li.gang", "zhao.min"}) {
      auto r = admin.post_json(
          "/api/v1/users",
          json::object{{"username", name}, {"password", "Correct-Horse-7"}, {"role", "desk"}});
      REQUIRE_MESSAGE(r.status == 201, r.body);
    }
    // Client 127.0.0.2 guesses wrong ten times, half of them claiming in
    // X-Forwarded-For and X-Real-IP to be someone else.
    auto login = [&](const std::string& source, const std::string& user,
                     const std::string& password, Headers headers) {
      headers.insert(headers.end(), kJson.begin(), kJson.end());
      return request_from(source, c.proxy->port(), "POST", "/api/v1/login",
                          json::serialize(json::object{{"username", user}, {"password", password}}),
                          headers);
    };
    const Headers forged{{"X-Forwarded-For", "203.0.113.9"}, {"X-Real-IP", "203.0.113.9"}};
    for (int i = 1; i <= 9; ++i) {
      auto r =
          login("127.0.0.2", "li.gang", "Wrong-" + std::to_string(i), i % 2 ? forged : Headers{});
      CHECK_MESSAGE(r.status == 401, i << ": " << r.body);
    }
    auto tenth = login("127.0.0.2", "li.gang", "Wrong-10", forged);
    CHECK_MESSAGE(tenth.status == 429, tenth.body);
    std::set<std::string> engines;
    for (const auto& e : c.proxy->access_log()) {
      if (e.uri == "/api/v1/login") {
        engines.insert(e.upstreams);
        CHECK(e.client == "127.0.0.2");
      }
    }
    CHECK(engines.size() == 3);  // ten failures counted over three processes
    // Locked on every process, for the account and for that address …
    for (int i = 0; i < 3; ++i) {
      CHECK(login("127.0.0.2", "li.gang", "Correct-Horse-7", {}).status == 429);
      CHECK(login("127.0.0.2", "zhao.min", "Correct-Horse-7", {}).status == 429);
    }
    // … but not for another client behind the same proxy.
    auto other = login("127.0.0.3", "zhao.min", "Correct-Horse-7", forged);
    CHECK_MESSAGE(other.status == 200, other.body);

    CHECK(c.db.query_int("SELECT failures FROM login_failures WHERE key = 'addr:127.0.0.2'") == 10);
    CHECK(c.db.query_int("SELECT failures FROM login_failures WHERE key = 'user:li.gang'") == 10);
    CHECK(c.db.query_int("SELECT count(*) FROM login_failures WHERE key IN"
                         " ('addr:127.0.0.1', 'addr:203.0.113.9', 'addr:127.0.0.3')") == 0);
    const std::string logs = c.logs();
    CHECK(logs.find("login locked for user 'li.gang' and address 127.0.0.2") != std::string::npos);
    CHECK(logs.find("203.0.113.9") == std::string::npos);
  }

  TEST_CASE("timers, webhooks and checkpoints happen once, not once per process") {
    WebhookReceiver receiver;
    const char* dir = std::getenv("OUTPOST_TEST_WORK_DIR");
    const std::string config = std::string(dir && *dir ? dir : "/tmp") + "/cluster-" +
                               std::to_string(::getpid()) + ".toml";
    std::ofstream(config) << "[outbox]\npoll_interval_ms = 100\nretry_initial_ms = 100\n"
                             "[[webhooks]]\nname = \"ops\"\nurl = \"" +
                                 receiver.url("/ok/ops") +
                                 "\"\nsecret = \"cluster-test-secret-0123\"\n";
    TestClock clock;
    Headers env = clock.env();
    env.insert(env.end(), {{"no_proxy", "127.0.0.1"}, {"NO_PROXY", "127.0.0.1"}});
    Cluster c(env, {"--config", config});
    HttpClient client = c.client();

    // Each engine signed the last day end's checkpoint at start-up: one row.
    const auto first_boundary = c.db.query_int("SELECT max(boundary) FROM history_checkpoints");
    CHECK(c.db.query_int("SELECT count(*) FROM history_checkpoints WHERE boundary = " +
                         std::to_string(first_boundary)) == 1);

    constexpr int kCases = 12;
    for (int i = 0; i < kCases; ++i) {
      auto r = client.post_json("/api/v1/cases", request_body());
      REQUIRE_MESSAGE(r.status == 201, r.body);
      if (i % 2 == 0) {
        auto d = event(client, r.json().at("id").as_int64(), "dispatch", {},
                       "timer-dispatch-" + std::to_string(i));
        REQUIRE_MESSAGE(d.status == 200, d.body);
      }
    }
    // Ten days later every step's deadline has passed, on all three clocks at once.
    clock.set(system_now() + 10 * kDay);
    const bool breached = within(std::chrono::seconds(20), [&] {
      return c.db.query_int(
                 "SELECT count(DISTINCT case_id) FROM history"
                 " WHERE event = 'deadline_breached'") == kCases;
    });
    REQUIRE_MESSAGE(breached, c.logs());
    const bool signed_new = within(std::chrono::seconds(10), [&] {
      return c.db.query_int("SELECT max(boundary) FROM history_checkpoints") > first_boundary;
    });
    CHECK(signed_new);
    const bool delivered = within(std::chrono::seconds(20), [&] {
      return c.db.query_int("SELECT count(*) FROM outbox WHERE state <> 'delivered'") == 0;
    });
    CHECK_MESSAGE(delivered, c.logs());
    std::this_thread::sleep_for(std::chrono::seconds(2));  // more passes of every engine's chores

    // Timers: one row per case and timer event, however many processes looked.
    CHECK(c.db.query_int("SELECT count(*) FROM history WHERE event = 'deadline_breached'") ==
          kCases);
    CHECK(c.db.query_int("SELECT count(*) FROM (SELECT case_id, event FROM history WHERE event IN"
                         " ('deadline_warning', 'deadline_breached', 'escalated')"
                         " GROUP BY case_id, event HAVING count(*) > 1) AS twice") == 0);
    CHECK(c.db.query_int("SELECT count(*) FROM timers WHERE state = 'fired'") ==
          c.db.query_int("SELECT count(*) FROM history WHERE event IN"
                         " ('deadline_warning', 'deadline_breached', 'escalated')"));
    // Checkpoints: one per period.
    CHECK(c.db.query_int("SELECT count(*) FROM history_checkpoints WHERE boundary IS NOT NULL") ==
          c.db.query_int("SELECT count(DISTINCT boundary) FROM history_checkpoints"));
    // Webhooks: every message reached the receiver once.
    std::map<std::string, int> received;
    for (const auto& r : receiver.records("/ok/ops", "received"))
      ++received[text(r.at("message_id"))];
    const auto messages = c.db.query_int("SELECT count(*) FROM outbox");
    CHECK(messages >= kCases / 2 + kCases);  // case.dispatched and deadline.breached at least
    CHECK(static_cast<std::int64_t>(received.size()) == messages);
    for (const auto& [id, times] : received) CHECK_MESSAGE(times == 1, id);
    std::remove(config.c_str());
  }
}
