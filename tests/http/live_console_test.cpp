// What the console's live views rely on, through a real server on both
// backends: a list or queue polled with its ETag answers 304 while nothing in
// it changes, even in working hours when every case's time left ticks, and
// 200 with a new ETag once a case changes; GET /api/v1/session lists exactly
// the actions config/permissions.json grants the caller's role.
#include <algorithm>
#include <thread>

#include "tests/http/fixtures.hpp"
#include "tests/http/test_clock.hpp"
#include "tests/support/shipped_config.hpp"

using namespace outpost::testing;
using outpost::Millis;

namespace {

constexpr Millis kHour = 3'600'000;

std::int64_t time_left(TestServer& t, std::int64_t id) {
  return t.get_case(id).at("time_left_seconds").as_int64();
}

// Moves the server to 10:00 (+08:00) of a coming Wednesday on which a new
// request's clock runs (no public holiday): the time left of `probe`, made
// then, goes down between two reads a second apart. Returns the probe's id.
std::int64_t into_working_hours(TestServer& t, const TestClock& clock) {
  Millis day = local_midnight(system_now()) + kDay;
  // 1970-01-01 was a Thursday: the local day number modulo 7 is 6 on Wednesdays.
  while (((day + kChina) / kDay) % 7 != 6) day += kDay;
  for (int week = 0; week < 8; ++week, day += 7 * kDay) {
    clock.set(day + 10 * kHour);
    const std::int64_t probe = t.create_case(request_body());
    const std::int64_t before = time_left(t, probe);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    if (time_left(t, probe) < before) return probe;
  }
  FAIL("no working Wednesday found in the next eight weeks");
  return 0;
}

// The names under "actions" in config/permissions.json that list `role`.
std::vector<std::string> actions_granted(const std::string& role) {
  std::vector<std::string> out;
  const json::value doc = config_document("permissions.json");
  for (const auto& [action, roles] : doc.at("actions").as_object()) {
    const auto& list = roles.as_array();
    if (std::find(list.begin(), list.end(), json::value(role)) != list.end()) {
      out.emplace_back(action);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> actions_of(const json::value& session) {
  std::vector<std::string> out;
  for (const auto& a : session.at("actions").as_array()) out.push_back(text(a));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_SUITE("http_live_console") {
  TEST_CASE("a polled list answers 304 while its cases' time left ticks, 200 after a change") {
    TestClock clock;
    TestServer t(clock.env());
    const std::int64_t probe = into_working_hours(t, clock);
    const std::int64_t other = t.create_case(request_body());

    const std::string list = "/api/v1/cases?state=submitted&limit=10";
    auto first = t.client.get(list);
    REQUIRE_MESSAGE(first.status == 200, first.body);
    const std::string etag = first.header("etag");
    REQUIRE(etag.rfind("W/\"", 0) == 0);
    // The rows carry fixed instants: the deadline and when its warning comes
    // (80 % of the step's hour, 48 working minutes after the clock started).
    const json::value rows = first.json().at("items");
    REQUIRE(rows.as_array().size() >= 2);
    for (const auto& row : rows.as_array()) {
      CHECK_FALSE(row.as_object().contains("time_left_seconds"));
      CHECK(epoch_millis(text(row.at("warning_at"))) ==
            epoch_millis(text(row.at("clock").at("started_at"))) + 48 * 60'000);
      CHECK(epoch_millis(text(row.at("deadline"))) ==
            epoch_millis(text(row.at("clock").at("started_at"))) + kHour);
    }
    const auto queue = t.client.get("/api/v1/queues/dispatch?limit=10");
    REQUIRE_MESSAGE(queue.status == 200, queue.body);

    // Seconds later the clock has run (one case's own page says so); the lists have not changed.
    const std::int64_t left = time_left(t, probe);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    CHECK(time_left(t, probe) < left);
    auto again = t.client.get(list, {{"If-None-Match", etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(again.header("etag") == etag);
    auto queue_again =
        t.client.get("/api/v1/queues/dispatch?limit=10", {{"If-None-Match", queue.header("etag")}});
    CHECK(queue_again.status == 304);

    // A change to a case in the list: 200 with the new state and a new ETag.
    t.step(other, "dispatch", {{"department", "urban"}});
    auto changed_list = t.client.get(list, {{"If-None-Match", etag}});
    REQUIRE_MESSAGE(changed_list.status == 200, changed_list.body);
    CHECK(changed_list.header("etag") != etag);
    const auto ids = ids_of(changed_list);
    CHECK(std::find(ids.begin(), ids.end(), other) == ids.end());
    CHECK(std::find(ids.begin(), ids.end(), probe) != ids.end());
    auto changed_queue =
        t.client.get("/api/v1/queues/dispatch?limit=10", {{"If-None-Match", queue.header("etag")}});
    CHECK(changed_queue.status == 200);
    // One case's own answer still has the ticking figure.
    CHECK(t.get_case(other).at("time_left_seconds").is_int64());
  }

  TEST_CASE("GET /api/v1/session lists exactly the actions permissions.json grants the role") {
    TestServer t;
    for (const std::string role : {"desk", "auditor", "department_head"}) {
      CAPTURE(role);
      HttpClient user = t.client_as(role + ".one", role, role == "department_head" ? "urban" : "");
      auto r = user.get("/api/v1/session");
      REQUIRE_MESSAGE(r.status == 200, r.body);
      CHECK(text(r.json().at("user").at("role")) == role);
      CHECK(actions_of(r.json()) == actions_granted(role));
    }
    // The desk may reveal and write notes, the auditor neither: the lists differ.
    CHECK(actions_granted("desk") != actions_granted("auditor"));

    // The session login answers them too.
    auto made = t.client.post_json(
        "/api/v1/users",
        {{"username", "desk.two"}, {"password", "Correct-Horse-4711"}, {"role", "desk"}});
    REQUIRE_MESSAGE(made.status == 201, made.body);
    auto login = t.server.client("").post_json(
        "/api/v1/login",
        {{"username", "desk.two"}, {"password", "Correct-Horse-4711"}, {"session", true}});
    REQUIRE_MESSAGE(login.status == 200, login.body);
    CHECK(actions_of(login.json()) == actions_granted("desk"));
  }
}
