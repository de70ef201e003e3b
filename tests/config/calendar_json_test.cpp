// What calendar_from_json (adapters/config/calendar_json.hpp) refuses in a
// calendar document, each problem at its field path.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "adapters/config/calendar_json.hpp"

namespace {

namespace json = boost::json;
using outpost::ErrorKind;
using outpost::config::calendar_from_json;

// The field paths of a refused calendar document, sorted.
std::vector<std::string> refused_fields(const std::string& text) {
  auto c = calendar_from_json(json::parse(text));
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().kind == ErrorKind::invalid);
  std::vector<std::string> fields;
  for (const auto& f : c.error().fields) fields.push_back(f.field);
  std::sort(fields.begin(), fields.end());
  return fields;
}

// A small valid document; tests replace one part of it.
std::string doc(const std::string& hours =
                    R"([{"start":"09:00","end":"12:00"},{"start":"14:00","end":"18:00"}])",
                const std::string& years = R"({"2026":{"status":"published","source":{"title":"t"},
                    "holidays":[{"name":"国庆节","from":"2026-10-01","to":"2026-10-07"}],
                    "make_up_days":[{"date":"2026-10-10"}]}})",
                const std::string& weekend = R"(["saturday","sunday"])",
                const std::string& offset = R"("+08:00")") {
  return R"({"utc_offset":)" + offset + R"(,"working_hours":)" + hours + R"(,"weekend":)" +
         weekend + R"(,"years":)" + years + "}";
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("invalid calendar documents are refused with the field path") {
    CHECK(calendar_from_json(json::parse(doc())).ok());
    // A bad date.
    CHECK(refused_fields(doc(R"([{"start":"09:00","end":"12:00"}])",
                             R"({"2026":{"status":"published","source":{"title":"t"},
                                 "holidays":[{"name":"x","from":"2026-02-30"}]}})")) ==
          std::vector<std::string>{"years.2026.holidays[0].from"});
    CHECK(refused_fields(doc(R"([{"start":"09:00","end":"12:00"}])",
                             R"({"2026":{"status":"published","source":{"title":"t"},
                                 "holidays":[],"make_up_days":[{"date":"2026/10/10"}]}})")) ==
          std::vector<std::string>{"years.2026.make_up_days[0].date"});
    // A day that is both a holiday and a make-up day.
    CHECK(refused_fields(doc(R"([{"start":"09:00","end":"12:00"}])",
                             R"({"2026":{"status":"published","source":{"title":"t"},
                                 "holidays":[{"name":"国庆节","from":"2026-10-01","to":"2026-10-07"}],
                                 "make_up_days":[{"date":"2026-10-10"},{"date":"2026-10-03"}]}})")) ==
          std::vector<std::string>{"years.2026.make_up_days[1].date"});
    // Working hours out of order, ending before they start, or not a time.
    CHECK(refused_fields(
              doc(R"([{"start":"14:00","end":"18:00"},{"start":"09:00","end":"12:00"}])")) ==
          std::vector<std::string>{"working_hours[1].start"});
    CHECK(refused_fields(doc(R"([{"start":"12:00","end":"09:00"}])")) ==
          std::vector<std::string>{"working_hours[0].end"});
    CHECK(refused_fields(doc(R"([{"start":"25:00","end":"26:00"}])")) ==
          std::vector<std::string>{"working_hours[0].end", "working_hours[0].start"});
    CHECK(refused_fields(doc("[]")) == std::vector<std::string>{"working_hours"});
    // Other problems, each at its path.
    CHECK(refused_fields(doc(R"([{"start":"09:00","end":"12:00"}])", "{}", R"(["funday"])")) ==
          std::vector<std::string>{"weekend[0]"});
    CHECK(refused_fields(
              doc(R"([{"start":"09:00","end":"12:00"}])", "{}",
                  R"(["monday","tuesday","wednesday","thursday","friday","saturday","sunday"])")) ==
          std::vector<std::string>{"weekend"});
    CHECK(refused_fields(doc(R"([{"start":"09:00","end":"12:00"}])", "{}",
                             R"(["sunday","sunday"])")) == std::vector<std::string>{"weekend[1]"});
    CHECK(refused_fields(doc(R"([{"start":"09:00","end":"12:00"}])", "{}", R"([])", R"("+8")")) ==
          std::vector<std::string>{"utc_offset"});
    CHECK(refused_fields(doc(R"([{"start":"09:00","end":"12:00"}])",
                             R"({"26":{"status":"published"},"2027":{"note":"x"},
                                 "2028":{"status":"published","holidays":[]},
                                 "2029":{"status":"not_published","holidays":[{"name":"x","from":"2029-01-01"}]},
                                 "2030":{"status":"published","source":{"title":"t"},
                                         "holidays":[{"name":"x","from":"2031-01-01"},
                                                     {"name":"y","from":"2030-05-05","to":"2030-05-01"}]}})")) ==
          std::vector<std::string>{"years.2027.status", "years.2028.source", "years.2029.holidays",
                                   "years.2030.holidays[0].from", "years.2030.holidays[1].to",
                                   "years.26"});
    CHECK(refused_fields("[]") == std::vector<std::string>{"$"});
    CHECK(refused_fields("{}") ==
          std::vector<std::string>{"utc_offset", "weekend", "working_hours", "years"});
  }

  TEST_CASE("a calendar document is read into the calendar it states") {
    auto c = calendar_from_json(json::parse(doc()));
    REQUIRE(c.ok());
    CHECK(c.value().utc_offset() == 8 * outpost::kHourMs);
    CHECK(c.value().working_time_per_day() == 7 * outpost::kHourMs);
    CHECK_FALSE(c.value().is_working_day({2026, 10, 1}));
    CHECK(c.value().is_working_day({2026, 10, 10}));
    CHECK(c.value().year_status(2026) == outpost::YearStatus::published);
  }
}
