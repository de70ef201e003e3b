#include "engine/deadlines/calendar.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <utility>

namespace outpost {
namespace {

constexpr Millis kMinute = 60'000;
constexpr Millis kHour = kHourMs;
constexpr Millis kDay = 24 * kHour;
constexpr std::size_t kMaxDurationDigits = 6;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<std::int64_t>(y - era * 400);
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

LocalDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const auto d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0)), m, d};
}

// 0 = Monday; 1970-01-01 was a Thursday.
int weekday_of(std::int64_t day) {
  return static_cast<int>(((day % 7) + 7 + 3) % 7);
}

std::optional<int> digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  const std::size_t n = std::min(text.find_first_not_of("0123456789"), text.size());
  const std::string_view unit = text.substr(n);
  std::optional<DurationUnit> u;
  if (unit == "m") u = DurationUnit::minutes;
  if (unit == "h") u = DurationUnit::hours;
  if (unit == "wh") u = DurationUnit::working_hours;
  if (unit == "wd") u = DurationUnit::working_days;
  if (unit == "d") u = DurationUnit::days;
  if (n == 0 || n > kMaxDurationDigits || text.front() == '0' || !u) {
    return Error::make(ErrorKind::invalid, "\"" + std::string(text) +
                                               "\" is not a duration: a positive number and a "
                                               "unit m, h, wh, wd or d (e.g. \"3wd\")");
  }
  return Duration{*digits(text.substr(0, n)), *u};
}

std::string to_string(const Duration& d) {
  constexpr std::array<std::string_view, 5> kUnits = {"m", "h", "wh", "wd", "d"};
  return std::to_string(d.amount) + std::string(kUnits[static_cast<std::size_t>(d.unit)]);
}

std::int64_t days_since_epoch(LocalDate date) {
  return days_from_civil(date.year, date.month, date.day);
}

std::string to_string(LocalDate date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buf;
}

CalendarYearTable::CalendarYearTable(Days from_rules)
    : from_rules_(std::move(from_rules)), current_(std::make_shared<Days>(from_rules_)) {}

std::shared_ptr<const CalendarYearTable::Days> CalendarYearTable::days() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void CalendarYearTable::put(const YearArrangement& a) {
  std::lock_guard lock(mutex_);
  entered_[a.year] = a;
  rebuild();
}

std::map<int, YearArrangement> CalendarYearTable::entered() const {
  std::lock_guard lock(mutex_);
  return entered_;
}

void CalendarYearTable::rebuild() {
  auto days = std::make_shared<Days>();
  days->years = from_rules_.years;
  const auto keep = [&](const std::set<std::int64_t>& from, std::set<std::int64_t>& to) {
    for (std::int64_t d : from) {
      if (!entered_.contains(civil_from_days(d).year)) to.insert(d);
    }
  };
  keep(from_rules_.holidays, days->holidays);
  keep(from_rules_.make_up_days, days->make_up_days);
  for (const auto& [year, a] : entered_) {
    days->years[year] = YearStatus::published;
    for (const HolidayRange& h : a.holidays) {
      for (std::int64_t d = days_since_epoch(h.from); d <= days_since_epoch(h.to); ++d)
        days->holidays.insert(d);
    }
    for (LocalDate d : a.make_up_days) days->make_up_days.insert(days_since_epoch(d));
  }
  current_ = std::move(days);
}

void CalendarYearTable::set_fallback_observer(std::function<void(int year)> observer) {
  std::lock_guard lock(mutex_);
  observer_ = std::move(observer);
}

void CalendarYearTable::note_fallback(int year) const {
  std::function<void(int)> observer;
  {
    std::lock_guard lock(mutex_);
    if (!fallback_years_.insert(year).second) return;
    observer = observer_;
  }
  if (observer) observer(year);
}

std::set<int> CalendarYearTable::fallback_years() const {
  std::lock_guard lock(mutex_);
  return fallback_years_;
}

WorkingCalendar::WorkingCalendar()
    : periods_{{0, kDay}}, table_(std::make_shared<CalendarYearTable>(CalendarYearTable::Days{})) {}

WorkingCalendar::WorkingCalendar(const CalendarRules& rules)
    : offset_(rules.utc_offset),
      periods_(rules.working_hours.empty() ? std::vector<WorkingPeriod>{{0, kDay}}
                                           : rules.working_hours),
      weekend_(rules.weekend),
      observes_holidays_(rules.observes_public_holidays) {
  Days days;
  days.years = rules.years;
  for (const HolidayRange& h : rules.holidays) {
    for (std::int64_t d = days_since_epoch(h.from); d <= days_since_epoch(h.to); ++d)
      days.holidays.insert(d);
  }
  for (LocalDate d : rules.make_up_days) days.make_up_days.insert(days_since_epoch(d));
  table_ = std::make_shared<CalendarYearTable>(std::move(days));
}

Millis WorkingCalendar::working_time_per_day() const {
  Millis total = 0;
  for (const WorkingPeriod& p : periods_) total += p.end - p.start;
  return total;
}

LocalDate WorkingCalendar::local_date(Millis t) const {
  return civil_from_days(floor_div(t + offset_, kDay));
}

Millis WorkingCalendar::local_time(LocalDate date, int hour, int minute) const {
  return days_from_civil(date.year, date.month, date.day) * kDay + hour * kHour + minute * kMinute -
         offset_;
}

std::string WorkingCalendar::format_local(Millis t) const {
  const Millis local = t + offset_;
  const std::int64_t day = floor_div(local, kDay);
  const LocalDate d = civil_from_days(day);
  const Millis tod = local - day * kDay;
  const Millis off = offset_ < 0 ? -offset_ : offset_;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", d.year, d.month, d.day,
                static_cast<int>(tod / kHour), static_cast<int>(tod % kHour / kMinute),
                static_cast<int>(tod % kMinute / 1000), offset_ < 0 ? '-' : '+',
                static_cast<int>(off / kHour), static_cast<int>(off % kHour / kMinute));
  return buf;
}

bool WorkingCalendar::is_working_day(LocalDate date) const {
  return is_working_day_number(*table_->days(), days_since_epoch(date));
}

bool WorkingCalendar::is_working_day_number(const Days& days, std::int64_t day) const {
  if (days.make_up_days.contains(day)) return true;
  if (days.holidays.contains(day)) return false;
  return !weekend_[static_cast<std::size_t>(weekday_of(day))];
}

YearStatus WorkingCalendar::year_status(int year) const {
  const auto days = table_->days();
  auto it = days->years.find(year);
  return it == days->years.end() ? YearStatus::not_listed : it->second;
}

std::vector<int> WorkingCalendar::years_without_holidays(int first, int last) const {
  std::vector<int> out;
  if (!observes_holidays_) return out;
  const auto days = table_->days();
  for (int y = first; y <= last; ++y) {
    auto it = days->years.find(y);
    if (it == days->years.end() || it->second != YearStatus::published) out.push_back(y);
  }
  return out;
}

bool WorkingCalendar::holidays_known(Millis from, Millis to) const {
  return years_without_holidays(local_date(from).year, local_date(to).year).empty();
}

void WorkingCalendar::note_fallback(const Days& days, Millis from, Millis to) const {
  if (!observes_holidays_) return;
  for (int y = local_date(from).year; y <= local_date(std::max(from, to)).year; ++y) {
    auto it = days.years.find(y);
    if (it == days.years.end() || it->second != YearStatus::published) table_->note_fallback(y);
  }
}

// The n-th working day counting from `first_candidate` (n == 1: the first
// working day on or after it). Ends because every week has a working day.
std::int64_t WorkingCalendar::nth_working_day(const Days& days, std::int64_t first_candidate,
                                              std::int64_t n) const {
  std::int64_t day = first_candidate;
  for (std::int64_t found = 0;; ++day) {
    if (is_working_day_number(days, day) && ++found == n) return day;
  }
}

Millis WorkingCalendar::add_working_days(const Days& days, Millis start, std::int64_t n) const {
  const Millis local = start + offset_;
  const std::int64_t day = floor_div(local, kDay);
  const Millis tod = local - day * kDay;
  const Millis close = periods_.back().end;
  if (is_working_day_number(days, day)) {
    for (const WorkingPeriod& p : periods_) {
      if (tod > p.end) continue;
      if (tod >= p.start)
        return nth_working_day(days, day + 1, n) * kDay + tod - offset_;  // rule 1
      if (&p == &periods_.front()) {  // rule 2, the day has not begun: it is the first
        return nth_working_day(days, day, n) * kDay + close - offset_;
      }
      return nth_working_day(days, day + 1, n) * kDay + p.start - offset_;  // rule 3, a break
    }
  }
  return nth_working_day(days, day + 1, n) * kDay + close - offset_;  // rule 2
}

Millis WorkingCalendar::add(Millis start, Duration d) const {
  const auto days = table_->days();
  Millis end = start;
  switch (d.unit) {
    case DurationUnit::minutes:
      end = start + d.amount * kMinute;
      break;
    case DurationUnit::hours:
      end = start + d.amount * kHour;
      break;
    case DurationUnit::days:
      end = start + d.amount * kDay;
      break;
    case DurationUnit::working_hours:
      end = add_working_time(*days, start, d.amount * kHour);
      break;
    case DurationUnit::working_days:
      end = d.amount <= 0 ? start : add_working_days(*days, start, d.amount);
      break;
  }
  if (d.counts_working_time()) note_fallback(*days, start, end);
  return end;
}

Millis WorkingCalendar::add_working_time(Millis start, Millis working_ms) const {
  return add_working_time(*table_->days(), start, working_ms);
}

Millis WorkingCalendar::add_working_time(const Days& days, Millis start, Millis working_ms) const {
  if (working_ms <= 0) return start;
  Millis remaining = working_ms;
  const Millis local = start + offset_;
  std::int64_t day = floor_div(local, kDay);
  for (Millis tod = local - day * kDay;; ++day, tod = 0) {
    if (!is_working_day_number(days, day)) continue;
    for (const WorkingPeriod& p : periods_) {
      const Millis from = std::max(p.start, tod);
      if (from >= p.end) continue;
      if (remaining <= p.end - from) return day * kDay + from + remaining - offset_;
      remaining -= p.end - from;
    }
  }
}

Millis WorkingCalendar::working_time_between(Millis a, Millis b) const {
  if (b <= a) return 0;
  const Millis la = a + offset_;
  const Millis lb = b + offset_;
  const auto days = table_->days();
  Millis total = 0;
  for (std::int64_t day = floor_div(la, kDay); day <= floor_div(lb, kDay); ++day) {
    if (!is_working_day_number(*days, day)) continue;
    for (const WorkingPeriod& p : periods_) {
      const Millis from = std::max(day * kDay + p.start, la);
      const Millis to = std::min(day * kDay + p.end, lb);
      if (to > from) total += to - from;
    }
  }
  return total;
}

Millis WorkingCalendar::remaining_after_pause(Millis paused_at, Millis deadline,
                                              DurationUnit unit) const {
  if (Duration{0, unit}.counts_working_time()) return working_time_between(paused_at, deadline);
  return std::max<Millis>(0, deadline - paused_at);
}

Millis WorkingCalendar::resume(Millis resumed_at, Millis remaining, DurationUnit unit) const {
  if (!Duration{0, unit}.counts_working_time()) return resumed_at + std::max<Millis>(0, remaining);
  const auto days = table_->days();
  const Millis end = add_working_time(*days, resumed_at, remaining);
  note_fallback(*days, resumed_at, end);
  return end;
}

}  // namespace outpost
