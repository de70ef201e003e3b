// File: engine/deadlines/calendar.hpp
//
// The working-day calendar and deadline arithmetic: when a step's clock that
// says "2wh" or "5wd" runs out, and how much working time is left when a
// case is put on hold. Built from CalendarRules, which adapters/config reads
// and checks from config/calendar.json (mainland China, +08:00, the State
// Council's public holidays and make-up working days 调休) or
// config/calendar-24x7.json (every minute is working time); pure values, no
// clock, no I/O.
//
//   CalendarRules rules;
//   rules.working_hours = {{9 * kHourMs, 12 * kHourMs}, {14 * kHourMs, 18 * kHourMs}};
//   rules.weekend = {false, false, false, false, false, true, true};
//   rules.holidays = {{{2026, 10, 1}, {2026, 10, 7}, "国庆节"}};
//   WorkingCalendar cal(rules);
//   auto d = parse_duration("2wh");                                     // {2, working_hours}
//   Millis deadline = cal.add(now, d.value());
//   // hold / resume: keep the remaining time, restart it later
//   Millis left = cal.remaining_after_pause(held_at, deadline, d.value().unit);
//   Millis new_deadline = cal.resume(resumed_at, left, d.value().unit);
//
// Time: every instant is UTC epoch milliseconds (Millis). The calendar turns
// it into local wall time with one fixed UTC offset; that is exact for China,
// which has no daylight saving time. A local day is a working day when it is a
// make-up working day, or when it is neither a weekend day nor a public holiday.
//
// Durations (the notation config/catalogue.json uses: N + unit):
//   m, h, d   calendar time: N minutes, hours or 24-hour days, nights, weekends
//             and holidays included.
//   wh        N hours of working time: only the working hours of working days
//             count. The deadline is the moment the N-th working hour is used
//             up; when that is the end of a working period the deadline is that
//             end (16:00 + 2wh = 18:00 the same day, not 09:00 the next).
//             Starting outside working hours, the clock starts at the next
//             working period.
//   wd        N working days, by this rule:
//             1. Start within working hours (inside a working period of a
//                working day, both ends included): the same local time of day
//                on the N-th working day after the start's day.
//                  Wed 2026-09-30 10:30 + 2wd = Fri 2026-10-09 10:30 (国庆节)
//             2. Start before the day's first period on a working day, after
//                its last period, or on a day that is not a working day: the
//                end of the last working period of the N-th working day, the
//                first being the next working day that has not begun yet.
//                  Sat 2026-10-10 is a make-up day: 08:00 + 1wd = Sat 18:00
//                  Wed 2026-09-30 19:00 + 1wd = Thu 2026-10-08 18:00
//             3. Start in a break between periods (the lunch break): as rule 1
//                from the start of the next period.
//                  Tue 12:30 + 1wd = Wed 14:00
//             Either way the deadline is N × (working hours per day) of working
//             time after the start; on the 24×7 calendar wh and wd are plain
//             hours and days.
//
// Hold and resume: a clock on hold does not run. remaining_after_pause() is the
// time left at the hold (working time for wh and wd clocks, calendar time for
// m, h, d; zero once the deadline has passed); resume() starts that much again
// from the resume. A resumed working clock ends at the end of a working period
// rather than at the next opening (18:00, not 09:00 the next working day): the
// same working moment, written the earlier way.
//
// Years: calendar.json lists, per year, the holidays and make-up days of the
// State Council's notice, or marks the year "not_published". A year that is
// not published (or not listed) counts Monday to Friday as working days with
// no holidays; holidays_known() says so for a span, so that a deadline computed
// into such a year can be flagged rather than trusted blindly. That fallback
// is loud: a deadline computation (add, resume) that reaches such a year tells
// the year table, which calls its observer once per year (the server logs a
// warning) and remembers the year for GET /health.
//
// Years entered at run time: every copy of a calendar shares one
// CalendarYearTable. put() replaces what the rules say about one year (its
// holidays and make-up days, the dates of its own year; a December date the
// file lists under the next year's notice stays) for every computation that
// starts afterwards, in every copy, on any thread:
//   calendar.year_table().put(YearArrangement{2027, "国务院办公厅关于2027年…", {…}, {…}});
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"

namespace outpost {

enum class DurationUnit { minutes, hours, working_hours, working_days, days };

struct Duration {
  std::int64_t amount = 0;
  DurationUnit unit = DurationUnit::minutes;

  // wh and wd: the clock runs only in working time.
  bool counts_working_time() const {
    return unit == DurationUnit::working_hours || unit == DurationUnit::working_days;
  }
  friend bool operator==(const Duration&, const Duration&) = default;
};

// "30m", "2h", "2wh", "5wd", "30d": a positive integer of at most 6 digits
// without a leading zero, then the unit. Anything else is ErrorKind::invalid.
Result<Duration> parse_duration(std::string_view text);
// The notation back: to_string(parse_duration("5wd").value()) == "5wd".
std::string to_string(const Duration& d);

struct LocalDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  friend auto operator<=>(const LocalDate&, const LocalDate&) = default;
};

// What calendar.json says about a year's holidays.
enum class YearStatus {
  published,      // the State Council's arrangement is entered
  not_published,  // listed as not yet published: weekdays only
  not_listed,     // absent from the file (or the calendar observes no holidays)
};

inline constexpr Millis kHourMs = 3'600'000;

// A working period of the day, in milliseconds since local midnight.
struct WorkingPeriod {
  Millis start = 0;
  Millis end = 0;  // after start, at most 24:00
};

// Public holidays from `from` to `to`, both included.
struct HolidayRange {
  LocalDate from;
  LocalDate to;
  std::string name;  // e.g. "春节"; may be empty
};

// One year's arrangement as the State Council's notice publishes it: its
// public holidays and make-up working days (调休上班日), dates of the year or
// of the December before.
struct YearArrangement {
  int year = 0;
  std::string source;  // the notice, e.g. "国务院办公厅关于2027年部分节假日安排的通知"
  std::vector<HolidayRange> holidays;
  std::vector<LocalDate> make_up_days;
};

// The local day as days since 1970-01-01, and as "YYYY-MM-DD".
std::int64_t days_since_epoch(LocalDate date);
std::string to_string(LocalDate date);

// What config/calendar.json states (config/README.md describes it). The
// calendar takes the rules as given: adapters/config refuses, with the field
// path, working periods that are empty, out of order or overlapping, a week
// without a working day, a day both holiday and make-up day, and an offset
// over 14 hours.
struct CalendarRules {
  Millis utc_offset = 8 * kHourMs;           // east of UTC
  std::vector<WorkingPeriod> working_hours;  // none: the whole day
  std::array<bool, 7> weekend{};             // index 0 = Monday
  bool observes_public_holidays = true;
  std::vector<HolidayRange> holidays;
  std::vector<LocalDate> make_up_days;
  std::map<int, YearStatus> years;
};

// The years' holidays and make-up days of a calendar and all its copies.
// Thread-safe; readers take an immutable snapshot (days()) per computation.
class CalendarYearTable {
 public:
  struct Days {
    std::set<std::int64_t> holidays, make_up_days;  // day numbers
    std::map<int, YearStatus> years;
  };
  explicit CalendarYearTable(Days from_rules);

  std::shared_ptr<const Days> days() const;
  // Replaces the year a.year (published from now on) by `a`.
  void put(const YearArrangement& a);
  // The years put so far, by year.
  std::map<int, YearArrangement> entered() const;

  // Called (outside the lock) the first time a deadline computation reaches
  // each year whose holidays are not known; set it before use.
  void set_fallback_observer(std::function<void(int year)> observer);
  void note_fallback(int year) const;
  // The years the Monday-to-Friday fallback was used for since start.
  std::set<int> fallback_years() const;

 private:
  void rebuild();  // current_ from from_rules_ and entered_; mutex_ held

  mutable std::mutex mutex_;
  const Days from_rules_;
  std::map<int, YearArrangement> entered_;
  std::shared_ptr<const Days> current_;
  std::function<void(int)> observer_;
  mutable std::set<int> fallback_years_;
};

class WorkingCalendar {
 public:
  // The 24×7 calendar at +08:00: every minute is working time.
  WorkingCalendar();
  explicit WorkingCalendar(const CalendarRules& rules);

  Millis utc_offset() const { return offset_; }
  // Working time in one working day (7 h for 09:00–12:00 + 14:00–18:00).
  Millis working_time_per_day() const;

  LocalDate local_date(Millis t) const;
  // The UTC instant of local wall time `hour`:`minute` on `date`.
  Millis local_time(LocalDate date, int hour, int minute) const;
  // ISO 8601 local time with offset, e.g. "2026-10-08T10:00:00+08:00".
  std::string format_local(Millis t) const;

  bool is_working_day(LocalDate date) const;
  YearStatus year_status(int year) const;
  // Every year the configuration lists or was entered, with its status.
  std::map<int, YearStatus> listed_years() const { return table_->days()->years; }
  // False when [from, to] reaches into a year whose holidays are not entered
  // (not published or not listed) on a calendar that observes public holidays.
  bool holidays_known(Millis from, Millis to) const;
  bool observes_public_holidays() const { return observes_holidays_; }
  // The years from `first` to `last` whose holidays are not entered (none
  // when the calendar observes no public holidays).
  std::vector<int> years_without_holidays(int first, int last) const;
  // Shared by every copy of this calendar (see the top of this file).
  CalendarYearTable& year_table() const { return *table_; }

  // start + d, by the rules above.
  Millis add(Millis start, Duration d) const;
  // The moment `working_ms` of working time after `start` is used up.
  Millis add_working_time(Millis start, Millis working_ms) const;
  // The working time in [a, b]; 0 when b <= a.
  Millis working_time_between(Millis a, Millis b) const;

  // What is left of a clock of `unit` with `deadline`, held at `paused_at`.
  Millis remaining_after_pause(Millis paused_at, Millis deadline, DurationUnit unit) const;
  // The new deadline when a clock with `remaining` left resumes at `resumed_at`.
  Millis resume(Millis resumed_at, Millis remaining, DurationUnit unit) const;

 private:
  using Days = CalendarYearTable::Days;
  // Days are counted from 1970-01-01 in local time.
  bool is_working_day_number(const Days& days, std::int64_t day) const;
  std::int64_t nth_working_day(const Days& days, std::int64_t first_candidate,
                               std::int64_t n) const;
  Millis add_working_days(const Days& days, Millis start, std::int64_t n) const;
  Millis add_working_time(const Days& days, Millis start, Millis working_ms) const;
  // Tells the year table about every year of [from, to] without holidays.
  void note_fallback(const Days& days, Millis from, Millis to) const;

  Millis offset_ = 8 * 3'600'000;
  std::vector<WorkingPeriod> periods_;
  std::array<bool, 7> weekend_{};  // index 0 = Monday
  bool observes_holidays_ = false;
  std::shared_ptr<CalendarYearTable> table_;
};

}  // namespace outpost
