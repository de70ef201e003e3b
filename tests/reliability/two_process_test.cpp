// Two `outpost serve` processes on one PostgreSQL, the same case or login
// raced from both at once over HTTP. Each round starts its threads at a latch
// so the requests really overlap; the stored rows decide: exactly one winner
// per race, the others 412 / 409 / the replay, no history entry lost or
// doubled, and a login lock counted and held across both processes.
#include <algorithm>
#include <atomic>
#include <latch>
#include <map>
#include <set>
#include <thread>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

constexpr int kRounds = 3;
constexpr const char* kPassword = "Correct-Horse-4711";
constexpr int kMaxFailures = 12;

// The login throttle both servers share: a lock after kMaxFailures failures in
// a row, no back-off before it (so racing wrong passwords each reach the check).
Headers login_settings() {
  return {{"OUTPOST_LOGIN_MAX_FAILURES", std::to_string(kMaxFailures)},
          {"OUTPOST_LOGIN_LOCK_SECONDS", "60"},
          {"OUTPOST_LOGIN_BACKOFF_AFTER", "1000"}};
}

struct TwoServers {
  TestDatabase db;
  ServerProcess a{db.url(), {}, login_settings()};
  ServerProcess b{db.url(), {}, login_settings()};
  HttpClient admin = a.client();

  // Thread i talks to process a when i is even, b when odd.
  HttpClient client_for(int i, const std::string& token = kTestToken) const {
    return i % 2 == 0 ? a.client(token) : b.client(token);
  }

  static std::string events(std::int64_t id) {
    return "/api/v1/cases/" + std::to_string(id) + "/events";
  }

  void step(std::int64_t id, json::object payload) {
    auto r = admin.post_json(events(id), payload);
    REQUIRE_MESSAGE(r.status == 200, r.body);
  }

  // A dispute in mediation with both parties' consent: record_session may
  // then be applied any number of times.
  std::int64_t mediating_case() {
    auto r = admin.post_json("/api/v1/cases", dispute_body());
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const auto id = r.json().at("id").as_int64();
    step(id, {{"event", "accept"}});
    step(id, {{"event", "assign"}, {"department", "police"}, {"assignees", {"police-01"}}});
    step(id, {{"event", "start_mediation"}});
    for (int party = 1; party <= 2; ++party) {
      step(id, {{"event", "record_consent"},
                {"party", party},
                {"consent", "agree"},
                {"form", "written"}});
    }
    return id;
  }

  std::int64_t count(const std::string& sql) const { return db.query_int(sql); }
  std::int64_t history_rows(std::int64_t id) const {
    return count("SELECT count(*) FROM history WHERE case_id = " + std::to_string(id));
  }
  std::int64_t version_of(std::int64_t id) const {
    return count("SELECT version FROM cases WHERE id = " + std::to_string(id));
  }

  json::array history(std::int64_t id) {
    auto r = b.client().get("/api/v1/cases/" + std::to_string(id) + "/history");
    REQUIRE(r.status == 200);
    return r.json().at("items").as_array();
  }
};

// Runs `n` threads that wait at one latch and then each call `send(i)`; the
// responses in thread order.
template <class Send>
std::vector<Response> race(int n, Send&& send) {
  std::latch go(n);
  std::vector<Response> out(static_cast<std::size_t>(n));
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      out[static_cast<std::size_t>(i)] = send(i);
    });
  }
  for (auto& t : threads) t.join();
  return out;
}

// `n` record_session events on case `id` at once, half through each process;
// thread i's summary is `summary(i)`.
template <class Summary>
std::vector<Response> race_sessions(const TwoServers& t, std::int64_t id, int n, Summary&& summary,
                                    const Headers& headers = {}) {
  return race(n, [&](int i) {
    return t.client_for(i).post_json(
        TwoServers::events(id), json::object{{"event", "record_session"}, {"summary", summary(i)}},
        headers);
  });
}

std::map<int, int> statuses(const std::vector<Response>& rs) {
  std::map<int, int> out;
  for (const auto& r : rs) out[r.status]++;
  return out;
}

}  // namespace

TEST_SUITE("reliability_two_processes") {
  TEST_CASE("If-Match from both processes at once: one 200, the rest 412, one history entry") {
    TwoServers t;
    for (int round = 0; round < kRounds; ++round) {
      CAPTURE(round);
      const auto id = t.mediating_case();
      const auto rows = t.history_rows(id);
      const auto version = t.version_of(id);
      const auto answers =
          race_sessions(t, id, 8, [](int i) { return "第" + std::to_string(i) + "次"; },
                        {{"If-Match", "\"" + std::to_string(version) + "\""}});
      const auto by_status = statuses(answers);
      CHECK(by_status.size() == 2);
      CHECK(by_status.count(200) == 1);
      CHECK(by_status.at(200) == 1);
      CHECK(by_status.at(412) == 7);
      CHECK(t.history_rows(id) == rows + 1);
      CHECK(t.version_of(id) == version + 1);
      CHECK(first_broken_link(id, t.history(id)) == 0);
    }
  }

  TEST_CASE("without If-Match: every 200 is one history entry, the others 409, the chain whole") {
    TwoServers t;
    for (int round = 0; round < kRounds; ++round) {
      CAPTURE(round);
      const auto id = t.mediating_case();
      const auto rows = t.history_rows(id);
      const auto answers =
          race_sessions(t, id, 8, [](int i) { return "记录" + std::to_string(i); });
      std::set<std::string> applied;
      for (std::size_t i = 0; i < answers.size(); ++i) {
        CAPTURE(answers[i].body);
        CHECK((answers[i].status == 200 || answers[i].status == 409));
        if (answers[i].status == 200) applied.insert("记录" + std::to_string(i));
      }
      CHECK(!applied.empty());
      const auto history = t.history(id);
      CHECK(static_cast<std::int64_t>(history.size()) ==
            rows + static_cast<std::int64_t>(applied.size()));
      std::multiset<std::string> recorded;
      for (const auto& e : history) {
        if (e.at("event") == "record_session") recorded.insert(text(e.at("data").at("summary")));
      }
      CHECK(recorded == std::multiset<std::string>(applied.begin(), applied.end()));
      CHECK(t.version_of(id) == static_cast<std::int64_t>(history.size()));
      CHECK(first_broken_link(id, history) == 0);
    }
  }

  TEST_CASE("one Idempotency-Key sent to both processes at once is applied once") {
    TwoServers t;
    for (int round = 0; round < kRounds; ++round) {
      CAPTURE(round);
      const auto id = t.mediating_case();
      const auto rows = t.history_rows(id);
      const Headers key{{"Idempotency-Key", "race-event-" + std::to_string(round)}};
      const auto answers = race_sessions(
          t, id, 6, [](int) { return "同一请求"; }, key);
      int fresh = 0;
      std::set<std::string> bodies;
      for (const auto& r : answers) {
        CAPTURE(r.body);
        CHECK((r.status == 200 || r.status == 409));
        if (r.status != 200) continue;
        bodies.insert(r.body);
        fresh += r.header("idempotent-replayed") != "true";
      }
      CHECK(fresh == 1);
      CHECK(bodies.size() == 1);
      CHECK(t.history_rows(id) == rows + 1);
      // Sent again after the race, to either process: the stored answer.
      auto again = t.client_for(round).post_json(
          TwoServers::events(id),
          json::object{{"event", "record_session"}, {"summary", "同一请求"}}, key);
      CHECK(again.status == 200);
      CHECK(again.header("idempotent-replayed") == "true");
      CHECK(bodies.count(again.body) == 1);
    }
    // The same for creating a case: one case per key.
    for (int round = 0; round < kRounds; ++round) {
      CAPTURE(round);
      const std::string title = "两端同时登记 " + std::to_string(round);
      auto body = dispute_body();
      body["title"] = title;
      const Headers key{{"Idempotency-Key", "race-create-" + std::to_string(round)}};
      const auto answers =
          race(6, [&](int i) { return t.client_for(i).post_json("/api/v1/cases", body, key); });
      std::set<std::string> locations;
      for (const auto& r : answers) {
        CAPTURE(r.body);
        CHECK((r.status == 201 || r.status == 409));
        if (r.status == 201) locations.insert(r.header("location"));
      }
      CHECK(locations.size() == 1);
      CHECK(t.count("SELECT count(*) FROM cases WHERE title = '" + title + "'") == 1);
    }
  }

  TEST_CASE("wrong passwords on both processes are all counted, and the lock holds on both") {
    TwoServers t;
    auto made = t.admin.post_json(
        "/api/v1/users",
        json::object{{"username", "li.gang"}, {"password", kPassword}, {"role", "desk"}});
    REQUIRE_MESSAGE(made.status == 201, made.body);
    const auto login = [&](int i, const std::string& password) {
      return t.client_for(i, "").post_json(
          "/api/v1/login", json::object{{"username", "li.gang"}, {"password", password}});
    };
    const auto failures = [&](const std::string& key) {
      return t.count("SELECT coalesce(max(failures), 0) FROM login_failures WHERE key = '" + key +
                     "'");
    };
    // Below the lock: every wrong password from either process is one failure.
    for (int round = 0; round < kRounds; ++round) {
      CAPTURE(round);
      const auto answers = race(10, [&](int i) { return login(i, "Wrong-" + std::to_string(i)); });
      CHECK(statuses(answers) == std::map<int, int>{{401, 10}});
      CHECK(failures("user:li.gang") == 10);
      CHECK(failures("addr:127.0.0.1") == 10);
      CHECK(login(round, kPassword).status == 200);  // clears both keys
      CHECK(failures("user:li.gang") == 0);
    }
    // Over it: the failures before the lock answer 401, exactly max - 1 of them
    // however the 16 attempts interleave; the rest 429.
    const auto answers = race(16, [&](int i) { return login(i, "Wrong-" + std::to_string(i)); });
    CHECK(statuses(answers) ==
          std::map<int, int>{{401, kMaxFailures - 1}, {429, 16 - (kMaxFailures - 1)}});
    CHECK(failures("user:li.gang") >= kMaxFailures);
    CHECK(t.count("SELECT count(*) FROM login_failures WHERE key = 'user:li.gang' AND"
                  " locked_until > 0") == 1);
    // The right password is refused on both processes while the lock lasts.
    for (int i = 0; i < 2; ++i) {
      auto right = login(i, kPassword);
      CHECK_MESSAGE(right.status == 429, right.body);
      CHECK(!right.header("retry-after").empty());
    }
    CHECK(t.count("SELECT count(*) FROM tokens") == 1 + kRounds);  // bootstrap + the rounds' logins
  }
}
