// Deadlines with the real clock and real `outpost serve` processes: the 24x7
// calendar (OUTPOST_CALENDAR) and a catalogue whose request steps last one
// minute, so a deadline passes while the test waits. Each test takes a little
// over a minute; ctest runs them as separate entries, in parallel.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <boost/json.hpp>

#include "tests/support/server_process.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace outpost::testing;
namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::system_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A copy of the shipped config folder in which every step of a request lasts
// one minute and an escalation follows its breach by one minute.
class MinuteDeadlines {
 public:
  MinuteDeadlines() {
    const char* work = std::getenv("OUTPOST_TEST_WORK_DIR");
    dir_ =
        fs::path(work ? work : "/tmp") / ("minute-deadlines-" + std::to_string(::getpid()) + "-" +
                                          std::to_string(Clock::now().time_since_epoch().count()));
    fs::create_directories(dir_);
    for (const auto& f : fs::directory_iterator(OUTPOST_CONFIG_DIR)) {
      fs::copy_file(f.path(), dir_ / f.path().filename());
    }
    json::value catalogue = json::parse(read_file(dir_ / "catalogue.json"));
    catalogue.at("policies").at("deadlines").as_object()["escalate_after"] = "1m";
    for (json::value& category : catalogue.at("categories").at("request").as_array()) {
      category.as_object()["deadlines"] = {
          {"dispatch", "1m"}, {"acknowledge", "1m"}, {"resolve", "1m"}, {"follow_up", "1m"}};
    }
    std::ofstream(dir_ / "catalogue.json") << json::serialize(catalogue);
  }
  ~MinuteDeadlines() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Headers env() const {
    return {{"OUTPOST_CONFIG_DIR", dir_.string()},
            {"OUTPOST_CALENDAR", "calendar-24x7.json"},
            {"OUTPOST_DEADLINE_INTERVAL_MS", "200"}};
  }

 private:
  fs::path dir_;
};

json::object request_body(int i) {
  return json::object{
      {"kind", "request"},
      {"category", "facility_repair"},
      {"title", "路灯不亮 #" + std::to_string(i)},
      {"channel", "hotline"},
      {"location", {{"community", "LF"}, {"grid", "LF-G01"}}},
      {"parties", {{{"role", "applicant"}, {"name", "王桂兰"}}}},
  };
}

std::int64_t create(HttpClient& client, int i) {
  auto r = client.post_json("/api/v1/cases", request_body(i));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return r.json().at("id").as_int64();
}

std::vector<json::object> system_rows(HttpClient& client, std::int64_t id) {
  auto r = client.get("/api/v1/cases/" + std::to_string(id) + "/history");
  REQUIRE(r.status == 200);
  const json::value body = r.json();
  std::vector<json::object> out;
  for (const auto& row : body.at("items").as_array()) {
    if (row.at("actor") == "system") out.push_back(row.as_object());
  }
  return out;
}

int count_event(const std::vector<json::object>& rows, const char* event) {
  int n = 0;
  for (const auto& r : rows) n += r.at("event") == event ? 1 : 0;
  return n;
}

std::int64_t epoch_ms(Clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

// Waits until `done()` or `limit` passes; true when done.
template <class Done>
bool wait_for(Done done, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(200));
  }
  return done();
}

}  // namespace

TEST_SUITE("deadline_process") {
  TEST_CASE("restart: a deadline that passes while the server is down is breached once, at start") {
    MinuteDeadlines config;
    TestDatabase db;
    ServerProcess server(db.url(), {}, config.env());
    HttpClient before = server.client();
    const auto created = Clock::now();
    const std::int64_t id = create(before, 1);  // submitted: dispatch within 1 minute
    CHECK(server.stop() == 0);
    CHECK(db.query_int("SELECT count(*) FROM history WHERE actor = 'system'") == 0);

    std::this_thread::sleep_until(created + seconds(63));  // past the deadline, server down
    const auto restarted = Clock::now();
    server.start();
    HttpClient client = server.client();
    REQUIRE(wait_for(
        [&] {
          return db.query_int("SELECT count(*) FROM history WHERE event = 'deadline_breached'") > 0;
        },
        seconds(15)));
    std::this_thread::sleep_for(seconds(2));  // a second firing would land by now

    const auto rows = system_rows(client, id);
    CHECK(count_event(rows, "deadline_breached") == 1);
    CHECK(count_event(rows, "deadline_warning") == 1);  // 80%: also fell due while down
    for (const auto& r : rows) {
      CHECK(r.at("from_state") == "submitted");
      CHECK(r.at("to_state") == "submitted");
    }
    const auto the_case = client.get("/api/v1/cases/" + std::to_string(id)).json();
    CHECK(the_case.at("overdue").as_bool());
    CHECK(the_case.at("clock").at("breached").as_bool());
    // Recorded shortly after start: the breach row's time is after the restart
    // and within a few seconds of it.
    const auto breached_at =
        db.query_int("SELECT at FROM history WHERE event = 'deadline_breached' AND case_id = " +
                     std::to_string(id));
    CHECK(breached_at >= epoch_ms(restarted));
    CHECK(breached_at - epoch_ms(restarted) < 10'000);
    CHECK(db.query_int("SELECT count(*) FROM timers WHERE kind = 'breach' AND state = 'fired'") ==
          1);
    CHECK(server.stop() == 0);
  }

  TEST_CASE("two servers on one database: 200 cases due in the same minute, one breach each") {
    MinuteDeadlines config;
    TestDatabase db;
    ServerProcess a(db.url(), {}, config.env());
    ServerProcess b(db.url(), {}, config.env());
    HttpClient to_a = a.client();
    HttpClient to_b = b.client();
    const auto first_created = Clock::now();
    for (int i = 0; i < 200; ++i) create(i % 2 == 0 ? to_a : to_b, i);
    REQUIRE(Clock::now() - first_created < seconds(50));  // all due within one minute
    CHECK(db.query_int("SELECT count(*) FROM timers WHERE kind = 'breach' AND state = 'pending'") ==
          200);

    std::this_thread::sleep_until(first_created + seconds(60));
    const bool all = wait_for(
        [&] {
          return db.query_int("SELECT count(*) FROM history WHERE event = 'deadline_breached'") >=
                 200;
        },
        seconds(60));
    CHECK(all);
    std::this_thread::sleep_for(seconds(2));  // both schedulers have had more passes
    CHECK(db.query_int("SELECT count(*) FROM history WHERE event = 'deadline_breached'") == 200);
    CHECK(db.query_int(
              "SELECT count(DISTINCT case_id) FROM history WHERE event = 'deadline_breached'") ==
          200);
    CHECK(db.query_int("SELECT count(*) FROM (SELECT case_id FROM history"
                       " WHERE event = 'deadline_warning' GROUP BY case_id"
                       " HAVING count(*) <> 1) AS twice") == 0);
    CHECK(db.query_int("SELECT count(*) FROM timers WHERE kind = 'breach' AND state = 'fired'") ==
          200);
    CHECK(a.stop() == 0);
    CHECK(b.stop() == 0);
  }
}
