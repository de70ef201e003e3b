// The working-day calendar (engine/deadlines/calendar.hpp) on the shipped configuration
// (config/calendar.json, config/calendar-24x7.json). Every expected deadline is
// local time in Chongqing (+08:00), worked out by hand from the State Council's
// 2026 arrangement (国办发明电〔2025〕7号) and the shipped working hours
// 09:00–12:00 and 14:00–18:00 (7 working hours a day):
//   元旦 01-01..01-03 (Sun 01-04 worked)   春节 02-15..02-23 (Sat 02-14, Sat 02-28 worked)
//   劳动节 05-01..05-05 (Sat 05-09 worked)   国庆节 10-01..10-07 (Sun 09-20, Sat 10-10 worked)
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "adapters/config/calendar_json.hpp"
#include "engine/deadlines/calendar.hpp"
#include "tests/support/shipped_config.hpp"

namespace {

using outpost::Duration;
using outpost::DurationUnit;
using outpost::ErrorKind;
using outpost::LocalDate;
using outpost::Millis;
using outpost::WorkingCalendar;
using outpost::YearStatus;

constexpr Millis kHour = 3'600'000;

WorkingCalendar load(const std::string& name) {
  auto c = outpost::config::calendar_from_json(outpost::testing::config_document(name));
  if (!c.ok()) FAIL_CHECK(c.error().message);
  REQUIRE(c.ok());
  return c.value();
}

const WorkingCalendar& china() {
  static const WorkingCalendar cal = load("calendar.json");
  return cal;
}

// "2026-09-30 17:00", local time, to UTC Millis.
Millis at(const WorkingCalendar& cal, const char* text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  REQUIRE(std::sscanf(text, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi) == 5);
  return cal.local_time(LocalDate{y, mo, d}, h, mi);
}
Millis at(const char* text) {
  return at(china(), text);
}

// UTC Millis back to "2026-10-08 10:00", local time.
std::string local(const WorkingCalendar& cal, Millis t) {
  std::string s = cal.format_local(t).substr(0, 16);
  s[10] = ' ';
  return s;
}
std::string local(Millis t) {
  return local(china(), t);
}

Duration dur(const char* text) {
  auto d = outpost::parse_duration(text);
  REQUIRE(d.ok());
  return d.value();
}

std::string deadline(const char* start, const char* duration) {
  return local(china().add(at(start), dur(duration)));
}

}  // namespace

TEST_SUITE("calendar") {
  TEST_CASE("the shipped calendar has the 2026 arrangement and flags 2027 as not published") {
    const WorkingCalendar& cal = china();
    CHECK(cal.utc_offset() == 8 * kHour);
    CHECK(cal.working_time_per_day() == 7 * kHour);
    CHECK(cal.year_status(2026) == YearStatus::published);
    CHECK(cal.year_status(2027) == YearStatus::not_published);
    CHECK(cal.year_status(2025) == YearStatus::not_listed);
    CHECK(cal.holidays_known(at("2026-01-01 00:00"), at("2026-12-31 23:59")));
    CHECK_FALSE(cal.holidays_known(at("2026-12-20 10:00"), at("2027-01-05 10:00")));

    CHECK_FALSE(cal.is_working_day({2026, 10, 1}));  // 国庆节, Thursday
    CHECK_FALSE(cal.is_working_day({2026, 10, 7}));
    CHECK(cal.is_working_day({2026, 10, 8}));
    CHECK(cal.is_working_day({2026, 10, 10}));  // make-up Saturday
    CHECK_FALSE(cal.is_working_day({2026, 10, 11}));
    CHECK(cal.is_working_day({2026, 9, 20}));  // make-up Sunday
    CHECK(cal.is_working_day({2026, 1, 4}));
    CHECK(cal.is_working_day({2026, 2, 14}));
    CHECK_FALSE(cal.is_working_day({2026, 2, 23}));  // 春节, Monday
    CHECK(cal.is_working_day({2026, 2, 28}));
    CHECK(cal.is_working_day({2026, 5, 9}));
    CHECK_FALSE(cal.is_working_day({2026, 6, 19}));  // 端午节, Friday
    CHECK_FALSE(cal.is_working_day({2026, 9, 25}));  // 中秋节, Friday
    CHECK(cal.is_working_day({2026, 3, 10}));        // an ordinary Tuesday
    CHECK_FALSE(cal.is_working_day({2026, 3, 14}));  // an ordinary Saturday
    // 2027 is not published: Monday to Friday only, no holidays guessed.
    CHECK(cal.is_working_day({2027, 1, 1}));  // a Friday
    CHECK_FALSE(cal.is_working_day({2027, 1, 2}));

    auto domain = outpost::config::load_domain_config(OUTPOST_CONFIG_DIR);
    REQUIRE(domain.ok());
    CHECK(domain.value().calendar.year_status(2026) == YearStatus::published);
    CHECK_FALSE(domain.value().calendar.is_working_day({2026, 10, 1}));
  }

  TEST_CASE("working hours before during and after a holiday") {
    // Before 国庆节: 17:00–18:00 on the last working day, then 09:00–10:00 on the first after.
    CHECK(deadline("2026-09-30 17:00", "2wh") == "2026-10-08 10:00");
    // During it: nothing counts until Thursday 10-08 09:00.
    CHECK(deadline("2026-10-03 10:00", "2wh") == "2026-10-08 11:00");
    CHECK(deadline("2026-10-01 00:00", "7wh") == "2026-10-08 18:00");
    // After it: Thursday 17:00–18:00, then Friday 09:00–10:00.
    CHECK(deadline("2026-10-08 17:00", "2wh") == "2026-10-09 10:00");
    // Across 春节: Friday 02-13 16:00–18:00, then make-up Saturday 02-14 09:00–12:00,
    // 14:00–18:00 (9 h so far), then Tuesday 02-24 from 09:00 for the last hour.
    CHECK(deadline("2026-02-13 16:00", "10wh") == "2026-02-24 10:00");
    // Within a day: the lunch break does not count; a clock used up at the end of a
    // period ends there.
    CHECK(deadline("2026-03-10 11:00", "2wh") == "2026-03-10 15:00");
    CHECK(deadline("2026-03-10 16:00", "2wh") == "2026-03-10 18:00");
    CHECK(deadline("2026-03-10 07:00", "1wh") == "2026-03-10 10:00");
  }

  TEST_CASE("working days before during and after a holiday") {
    // Before: Wednesday 09-30 10:30; the next working days are 10-08 and 10-09.
    CHECK(deadline("2026-09-30 10:30", "2wd") == "2026-10-09 10:30");
    // Before, after hours: the first working day not begun yet is 10-08.
    CHECK(deadline("2026-09-30 19:00", "1wd") == "2026-10-08 18:00");
    // During: counted from 10-08: 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13.
    CHECK(deadline("2026-10-03 10:00", "5wd") == "2026-10-13 18:00");
    // After: 10-09, 10-10, 10-12, 10-13, 10-14 after Thursday 10-08.
    CHECK(deadline("2026-10-08 10:30", "5wd") == "2026-10-14 10:30");
    // Across 春节: 02-13, 02-14 (make-up), then 02-24, 02-25, 02-26.
    CHECK(deadline("2026-02-12 15:00", "5wd") == "2026-02-26 15:00");
  }

  TEST_CASE("the working day rule for starts inside and outside working hours") {
    CHECK(deadline("2026-03-10 10:30", "1wd") == "2026-03-11 10:30");  // rule 1
    CHECK(deadline("2026-03-10 09:00", "1wd") == "2026-03-11 09:00");  // period ends count
    CHECK(deadline("2026-03-10 12:00", "1wd") == "2026-03-11 12:00");
    CHECK(deadline("2026-03-10 18:00", "1wd") == "2026-03-11 18:00");
    CHECK(deadline("2026-03-10 08:00", "1wd") == "2026-03-10 18:00");  // rule 2, not begun
    CHECK(deadline("2026-03-10 08:00", "3wd") == "2026-03-12 18:00");
    CHECK(deadline("2026-03-10 19:00", "1wd") == "2026-03-11 18:00");  // rule 2, closed
    CHECK(deadline("2026-03-13 19:00", "1wd") == "2026-03-16 18:00");  // Friday evening
    CHECK(deadline("2026-03-14 10:00", "1wd") == "2026-03-16 18:00");  // a Saturday
    CHECK(deadline("2026-03-10 12:30", "1wd") == "2026-03-11 14:00");  // rule 3, lunch
    // Whatever the rule, N working days are N × 7 working hours after the start.
    for (const char* start :
         {"2026-03-10 10:30", "2026-03-10 08:00", "2026-03-10 12:30", "2026-03-10 19:00",
          "2026-09-30 17:00", "2026-10-03 10:00", "2026-02-12 15:00", "2026-10-10 08:00"}) {
      for (int n : {1, 3, 5}) {
        const Millis s = at(start);
        const Millis end = china().add(s, Duration{n, DurationUnit::working_days});
        CAPTURE(start);
        CAPTURE(n);
        CHECK(china().working_time_between(s, end) == n * 7 * kHour);
      }
    }
  }

  TEST_CASE("a make-up Saturday and a make-up Sunday are working days") {
    // Saturday 10-10: 16:00–18:00, Sunday 10-11 is a weekend, Monday 10-12 09:00–10:00.
    CHECK(deadline("2026-10-10 16:00", "3wh") == "2026-10-12 10:00");
    CHECK(deadline("2026-10-10 08:00", "1wd") == "2026-10-10 18:00");
    CHECK(deadline("2026-10-10 11:00", "1wd") == "2026-10-12 11:00");
    // Friday 09-18 17:30–18:00, Saturday 09-19 off, make-up Sunday 09-20 from 09:00.
    CHECK(deadline("2026-09-18 17:30", "1wh") == "2026-09-20 09:30");
    // An ordinary Saturday is not: Friday 10-16 17:00 + 2wh lands on Monday 10-19.
    CHECK(deadline("2026-10-16 17:00", "2wh") == "2026-10-19 10:00");
  }

  TEST_CASE("a hold keeps the remaining working time across a holiday") {
    const WorkingCalendar& cal = china();
    // 5wd from Monday 09-28 10:00: 09-29, 09-30, 10-08, 10-09, 10-10 (make-up Saturday).
    const Millis started = at("2026-09-28 10:00");
    const Millis due = cal.add(started, dur("5wd"));
    CHECK(local(due) == "2026-10-10 10:00");
    // Held on Tuesday 09-29 15:00: 3 h that day, 7 h on 09-30, 10-08 and 10-09, 1 h on 10-10.
    const Millis left =
        cal.remaining_after_pause(at("2026-09-29 15:00"), due, DurationUnit::working_days);
    CHECK(left == 25 * kHour);
    // Resumed on Friday 10-09 11:00: 5 h that day, 7 h on 10-10, 7 h on 10-12, 6 h on 10-13.
    CHECK(local(cal.resume(at("2026-10-09 11:00"), left, DurationUnit::working_days)) ==
          "2026-10-13 17:00");

    // 2wh acknowledgement from Wednesday 09-30 11:00, due 15:00; held at 11:30 with
    // 1 h 30 min left; resumed after 国庆节 on Thursday 10-08 17:00.
    const Millis ack_due = cal.add(at("2026-09-30 11:00"), dur("2wh"));
    CHECK(local(ack_due) == "2026-09-30 15:00");
    const Millis ack_left =
        cal.remaining_after_pause(at("2026-09-30 11:30"), ack_due, DurationUnit::working_hours);
    CHECK(ack_left == 3 * kHour / 2);
    CHECK(local(cal.resume(at("2026-10-08 17:00"), ack_left, DurationUnit::working_hours)) ==
          "2026-10-09 09:30");

    // A calendar-time clock (30d mediation) keeps calendar time, holidays included.
    const Millis mediation_due = cal.add(at("2026-09-01 10:00"), dur("30d"));
    CHECK(local(mediation_due) == "2026-10-01 10:00");
    const Millis mediation_left =
        cal.remaining_after_pause(at("2026-09-11 10:00"), mediation_due, DurationUnit::days);
    CHECK(mediation_left == 20 * 24 * kHour);
    CHECK(local(cal.resume(at("2026-09-21 10:00"), mediation_left, DurationUnit::days)) ==
          "2026-10-11 10:00");

    // Held after the deadline: nothing is left, and the resumed clock is due at once.
    const Millis late = at("2026-10-12 09:00");
    CHECK(cal.remaining_after_pause(late, due, DurationUnit::working_days) == 0);
    CHECK(cal.resume(late, 0, DurationUnit::working_days) == late);
  }

  TEST_CASE("calendar time units ignore working hours") {
    CHECK(deadline("2026-09-30 23:50", "30m") == "2026-10-01 00:20");
    CHECK(deadline("2026-09-30 17:00", "2h") == "2026-09-30 19:00");
    CHECK(deadline("2026-09-25 10:00", "30d") == "2026-10-25 10:00");
  }

  TEST_CASE("the 24x7 calendar counts every minute") {
    const WorkingCalendar cal = load("calendar-24x7.json");
    CHECK(cal.working_time_per_day() == 24 * kHour);
    CHECK(cal.is_working_day({2026, 10, 1}));
    CHECK(cal.is_working_day({2026, 10, 11}));
    CHECK(cal.holidays_known(at(cal, "2026-12-01 00:00"), at(cal, "2027-12-31 00:00")));
    const Millis s = at(cal, "2026-10-01 03:17");  // a holiday night, on other calendars
    CHECK(cal.add(s, dur("90m")) == s + 90 * 60'000);
    CHECK(cal.add(s, dur("2wh")) == s + 2 * kHour);
    CHECK(cal.add(s, dur("2h")) == s + 2 * kHour);
    CHECK(cal.add(s, dur("3wd")) == s + 3 * 24 * kHour);
    CHECK(cal.add(s, dur("3d")) == s + 3 * 24 * kHour);
    CHECK(cal.add(s, dur("1m")) == s + 60'000);
    CHECK(cal.working_time_between(s, s + 50 * kHour) == 50 * kHour);
    CHECK(cal.remaining_after_pause(s + kHour, s + 3 * kHour, DurationUnit::working_hours) ==
          2 * kHour);
    CHECK(cal.resume(s + 10 * kHour, 2 * kHour, DurationUnit::working_hours) == s + 12 * kHour);

    const WorkingCalendar always;  // the default calendar is 24×7 as well
    CHECK(always.add(s, dur("5wd")) == s + 5 * 24 * kHour);
    CHECK(always.add(s, dur("7wh")) == s + 7 * kHour);
  }

  TEST_CASE("fixed +08:00 conversion around midnight UTC") {
    const WorkingCalendar& cal = china();
    const Millis jan_1_2026_utc = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
    const Millis monday_midnight = jan_1_2026_utc + 3 * 24 * kHour + 16 * kHour;
    CHECK(cal.format_local(monday_midnight) == "2026-01-05T00:00:00+08:00");
    CHECK(cal.local_date(monday_midnight) == LocalDate{2026, 1, 5});
    CHECK(cal.local_time({2026, 1, 5}, 0, 0) == monday_midnight);
    CHECK(cal.format_local(monday_midnight - 1) == "2026-01-04T23:59:59+08:00");
    CHECK(cal.local_date(monday_midnight - 1) == LocalDate{2026, 1, 4});  // make-up Sunday
    CHECK(cal.format_local(jan_1_2026_utc) == "2026-01-01T08:00:00+08:00");
    // The same offset in summer: no daylight saving time.
    const Millis jul_1_2026_utc = jan_1_2026_utc + 181 * 24 * kHour;
    CHECK(cal.format_local(jul_1_2026_utc) == "2026-07-01T08:00:00+08:00");
    CHECK(cal.format_local(jul_1_2026_utc - 1) == "2026-07-01T07:59:59+08:00");
    // 2026-10-07T23:30Z is Thursday 10-08 07:30 in Chongqing, a working day, while the
    // UTC date is still the holiday 10-07: one working hour ends at 10:00 local.
    const Millis utc_evening = cal.local_time({2026, 10, 8}, 7, 30);
    CHECK(cal.format_local(utc_evening) == "2026-10-08T07:30:00+08:00");
    CHECK(utc_evening % (24 * kHour) == 23 * kHour + 30 * 60'000);
    CHECK(cal.format_local(cal.add(utc_evening, dur("1wh"))) == "2026-10-08T10:00:00+08:00");

    outpost::CalendarRules rules;
    rules.utc_offset = -5 * kHour;
    rules.working_hours = {{9 * kHour, 17 * kHour}};
    rules.weekend = {false, false, false, false, false, true, true};
    const WorkingCalendar west(rules);
    CHECK(west.format_local(monday_midnight) == "2026-01-04T11:00:00-05:00");
    CHECK(west.local_date(jan_1_2026_utc) == LocalDate{2025, 12, 31});
  }

  TEST_CASE("a calendar from typed rules counts holiday ranges and make-up days") {
    outpost::CalendarRules rules;
    rules.working_hours = {{9 * kHour, 12 * kHour}, {14 * kHour, 18 * kHour}};
    rules.weekend = {false, false, false, false, false, true, true};
    rules.holidays = {{{2026, 10, 1}, {2026, 10, 7}, "国庆节"}};
    rules.make_up_days = {{2026, 10, 10}};
    rules.years = {{2026, YearStatus::published}};
    const WorkingCalendar cal(rules);
    CHECK(cal.working_time_per_day() == 7 * kHour);
    CHECK_FALSE(cal.is_working_day({2026, 10, 1}));
    CHECK_FALSE(cal.is_working_day({2026, 10, 7}));
    CHECK(cal.is_working_day({2026, 10, 8}));
    CHECK(cal.is_working_day({2026, 10, 10}));  // a Saturday, made up
    CHECK_FALSE(cal.is_working_day({2026, 10, 11}));
    CHECK(local(cal, cal.add(at(cal, "2026-09-30 17:00"), dur("2wh"))) == "2026-10-08 10:00");
    CHECK(cal.year_status(2026) == YearStatus::published);
    CHECK(cal.year_status(2027) == YearStatus::not_listed);
  }

  TEST_CASE("parse_duration accepts the catalogue notation and nothing else") {
    CHECK(dur("30m") == Duration{30, DurationUnit::minutes});
    CHECK(dur("2h") == Duration{2, DurationUnit::hours});
    CHECK(dur("2wh") == Duration{2, DurationUnit::working_hours});
    CHECK(dur("5wd") == Duration{5, DurationUnit::working_days});
    CHECK(dur("30d") == Duration{30, DurationUnit::days});
    CHECK(dur("999999wd") == Duration{999999, DurationUnit::working_days});
    CHECK(dur("2wh").counts_working_time());
    CHECK_FALSE(dur("2h").counts_working_time());
    for (const char* text : {"30m", "2h", "2wh", "5wd", "30d", "100wh"}) {
      CHECK(outpost::to_string(dur(text)) == text);
    }
    for (const char* bad : {"", "wd", "5", "0wd", "05wd", "5w", "5 wd", "-5wd", "+5wd", "5WD",
                            "5wd ", "1234567m", "2.5h", "5dd"}) {
      CAPTURE(bad);
      auto d = outpost::parse_duration(bad);
      REQUIRE_FALSE(d.ok());
      CHECK(d.error().kind == ErrorKind::invalid);
    }
  }
}
