// The working-calendar years over HTTP on a real server with the shipped
// calendar (config/calendar.json): GET /health is degraded while the next
// year's public holidays are not entered, and the server warns at start; an
// admin enters years with PUT /api/v1/calendar/{year}, a deadline computed
// afterwards (the first step of a new dispute: 1wd) uses them at once, and
// they survive a restart; everyone else is refused and bad dates change
// nothing. The years are chosen from today's date (Asia/Shanghai), so the test
// means the same in any year.
#include <chrono>
#include <cstdio>
#include <string>

#include "tests/http/fixtures.hpp"

namespace {

using namespace outpost::testing;
using outpost::Millis;
namespace json = boost::json;
using namespace std::chrono;

constexpr Millis kDay = 86'400'000;
constexpr Millis kOffset = 8 * 3'600'000;  // Asia/Shanghai, UTC+8

year_month_day today_in_shanghai() {
  return year_month_day{floor<days>(system_clock::now() + hours(8))};
}

std::string iso(year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

// Local midnight (UTC+8) of `d` as epoch milliseconds.
Millis local_midnight(year_month_day d) {
  return sys_days(d).time_since_epoch() / milliseconds(1) - kOffset;
}

json::object year_body(const std::string& from, const std::string& to) {
  return json::object{{"source", {{"title", "测试用节假日安排"}}},
                      {"holidays", {{{"name", "测试假期"}, {"from", from}, {"to", to}}}}};
}

Response put_year(HttpClient& client, int year, const json::value& body) {
  return client.request("PUT", "/api/v1/calendar/" + std::to_string(year), json::serialize(body),
                        {{"Content-Type", "application/json"}});
}

json::object health(TestServer& t) {
  auto r = t.server.client("").get("/health");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json().as_object();
}

bool lists(const json::value& years, int year) {
  for (const auto& y : years.as_array()) {
    if (y.as_int64() == year) return true;
  }
  return false;
}

const json::object* year_item(HttpClient& client, int year) {
  static json::value last;
  auto r = client.get("/api/v1/calendar");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  last = r.json();
  for (const auto& item : last.at("items").as_array()) {
    if (item.at("year").as_int64() == year) return &item.as_object();
  }
  return nullptr;
}

Millis deadline_of(const json::value& c) {
  return epoch_millis(text(c.at("deadline")));
}

}  // namespace

TEST_SUITE("http_calendar") {
  TEST_CASE("GET /health is degraded and the start warns while next year's holidays are missing") {
    TestServer t;
    const int next = static_cast<int>(today_in_shanghai().year()) + 1;
    const json::object h = health(t);
    CHECK(h.at("status") == "degraded");
    CHECK(lists(h.at("calendar").at("years_missing"), next));
    CHECK(text(h.at("reasons")).find(std::to_string(next)) != std::string::npos);
    CHECK(t.server.log().find("no public holidays entered for " + std::to_string(next)) !=
          std::string::npos);
    const json::object* listed = year_item(t.client, next);
    REQUIRE(listed != nullptr);
    CHECK(listed->at("origin") != "database");
    CHECK(listed->at("status") != "published");
  }

  TEST_CASE(
      "an admin enters years and a deadline computed afterwards uses them, across a restart") {
    TestServer t;
    const year_month_day today = today_in_shanghai();
    const int this_year = static_cast<int>(today.year());
    const int next = this_year + 1;
    const auto before = t.create_case();
    const Millis deadline_before = deadline_of(t.get_case(before));

    // Holidays from today to 10 January next year: the next working day is
    // 11 January or later, in the next year.
    const year_month_day jan10{year{next} / January / 10};
    auto r =
        put_year(t.client, this_year, year_body(iso(today), std::to_string(this_year) + "-12-31"));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    r = put_year(t.client, next, year_body(std::to_string(next) + "-01-01", iso(jan10)));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.json().at("origin") == "database");
    CHECK(text(r.json().at("holidays").at(0).at("to")) == iso(jan10));
    CHECK(t.db.query_int("SELECT count(*) FROM calendar_years") == 2);

    const auto after = t.create_case();
    const Millis deadline_after = deadline_of(t.get_case(after));
    CHECK(deadline_after >= local_midnight(jan10) + kDay);
    CHECK(deadline_before < local_midnight(jan10));
    CHECK(health(t).at("status") == "ok");

    // Stored in the database: the same after a restart.
    t.server.stop();
    t.server.start();
    HttpClient c = t.server.client();
    const json::object* entered = year_item(c, next);
    REQUIRE(entered != nullptr);
    CHECK(entered->at("origin") == "database");
    CHECK(entered->at("status") == "published");
    CHECK(entered->at("updated_by") == "admin");
    CHECK(health(t).at("status") == "ok");
    auto created = c.post_json("/api/v1/cases", dispute_body());
    REQUIRE_MESSAGE(created.status == 201, created.body);
    CHECK(deadline_of(created.json()) >= local_midnight(jan10) + kDay);
  }

  TEST_CASE("only an admin enters a year, and bad dates are a problem that changes nothing") {
    TestServer t;
    const int next = static_cast<int>(today_in_shanghai().year()) + 1;
    const std::string y = std::to_string(next);
    HttpClient dispatcher = t.client_as("disp.he", "dispatcher");
    auto r = put_year(dispatcher, next, year_body(y + "-01-01", y + "-01-03"));
    CHECK(r.status == 403);
    CHECK(r.header("content-type") == "application/problem+json");

    const auto refused = [&](const json::value& body, const std::string& field) {
      auto bad = put_year(t.client, next, body);
      CHECK_MESSAGE(bad.status == 422, bad.body);
      CHECK(bad.header("content-type") == "application/problem+json");
      CHECK(text(bad.json().at("errors")).find("\"" + field + "\"") != std::string::npos);
    };
    refused(year_body(y + "-02-30", y + "-03-01"), "holidays[0].from");
    refused(year_body(y + "-01-05", y + "-01-03"), "holidays[0].to");
    refused(year_body(std::to_string(next + 1) + "-01-01", y + "-01-03"), "holidays[0].from");
    json::object both = year_body(y + "-01-01", y + "-01-03");
    both["make_up_days"] = {{{"date", y + "-01-02"}}};
    refused(both, "make_up_days[0].date");
    json::object unsourced = year_body(y + "-01-01", y + "-01-03");
    unsourced.erase("source");
    refused(unsourced, "source");
    CHECK(t.client
              .request("PUT", "/api/v1/calendar/" + y, "{", {{"Content-Type", "application/json"}})
              .status == 400);
    CHECK(t.client
              .request("PUT", "/api/v1/calendar/20x7", "{}", {{"Content-Type", "application/json"}})
              .status == 404);

    CHECK(t.db.query_int("SELECT count(*) FROM calendar_years") == 0);
    CHECK(t.db.query_int("SELECT count(*) FROM calendar_days") == 0);
    CHECK(year_item(t.client, next)->at("origin") != "database");
    CHECK(lists(health(t).at("calendar").at("years_missing"), next));
  }
}
