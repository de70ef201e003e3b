#include "engine/deadlines/calendar.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "engine/core/json_fields.hpp"

namespace outpost {
namespace {

namespace json = boost::json;

constexpr Millis kMinute = 60'000;
constexpr Millis kHour = 60 * kMinute;
constexpr Millis kDay = 24 * kHour;
constexpr Millis kMaxOffset = 14 * kHour;
constexpr std::size_t kMaxDurationDigits = 6;
constexpr std::array<std::string_view, 7> kDayNames = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

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

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
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

// "YYYY-MM-DD", a real date; the day number.
std::optional<std::int64_t> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto y = digits(s.substr(0, 4));
  const auto m = digits(s.substr(5, 2));
  const auto d = digits(s.substr(8, 2));
  if (!y || !m || !d || *y < 1970 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m)) {
    return std::nullopt;
  }
  return days_from_civil(*y, *m, *d);
}

// "HH:MM" from "00:00" to "24:00"; milliseconds since midnight.
std::optional<Millis> parse_clock(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  const auto h = digits(s.substr(0, 2));
  const auto m = digits(s.substr(3, 2));
  if (!h || !m || *m > 59 || *h > 24 || (*h == 24 && *m != 0)) return std::nullopt;
  return *h * kHour + *m * kMinute;
}

// "+08:00" / "-05:30"; milliseconds east of UTC.
std::optional<Millis> parse_offset(std::string_view s) {
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const auto clock = parse_clock(s.substr(1));
  if (!clock || *clock > kMaxOffset) return std::nullopt;
  return s[0] == '-' ? -*clock : *clock;
}

struct PendingMakeUp {
  std::int64_t day = 0;
  std::string path;
};

// Walks the document once, collecting every problem (see engine/core/json_fields.hpp).
class CalendarParser : public JsonFields {
 public:
  Millis offset = 0;
  std::vector<std::pair<Millis, Millis>> periods;
  std::array<bool, 7> weekend{};
  bool observes_holidays = true;
  std::map<std::int64_t, std::string> holidays;  // day → the path that listed it
  std::set<std::int64_t> make_up_days;
  std::map<int, YearStatus> years;

  void parse(const json::value& v) {
    const json::object* root = v.if_object();
    if (root == nullptr) {
      fail("$", "must be a JSON object");
      return;
    }
    const std::string off = text(*root, "utc_offset", "");
    if (!off.empty()) {
      if (auto o = parse_offset(off)) {
        offset = *o;
      } else {
        fail("utc_offset", "must be an offset such as \"+08:00\", at most 14 hours");
      }
    }
    working_hours(root->if_contains("working_hours"));
    weekend_days(root->if_contains("weekend"));
    if (const json::value* flag = root->if_contains("observes_public_holidays")) {
      if (flag->is_bool()) {
        observes_holidays = flag->get_bool();
      } else {
        fail("observes_public_holidays", "must be true or false");
      }
    }
    year_list(root->if_contains("years"));
    for (const PendingMakeUp& m : pending_) {
      if (auto h = holidays.find(m.day); h != holidays.end()) {
        fail(m.path, "is also a holiday (" + h->second + "); a day is one or the other");
      } else {
        make_up_days.insert(m.day);
      }
    }
  }

 private:
  std::vector<PendingMakeUp> pending_;

  void working_hours(const json::value* v) {
    const json::array* list = array(v, "working_hours");
    if (list == nullptr) return;
    if (list->empty()) fail("working_hours", "must list at least one working period");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string path = "working_hours[" + std::to_string(i) + "]";
      const json::object* o = object_at((*list)[i], path);
      if (o == nullptr) continue;
      const auto start = clock_member(*o, "start", path);
      const auto end = clock_member(*o, "end", path);
      if (!start || !end) continue;
      if (*end <= *start) {
        fail(path + ".end", "must be later than start");
        continue;
      }
      if (!periods.empty() && *start < periods.back().second) {
        fail(path + ".start",
             "must not be earlier than the end of the period before: list "
             "working periods in order, without overlap");
        continue;
      }
      periods.emplace_back(*start, *end);
    }
  }

  std::optional<Millis> clock_member(const json::object& o, std::string_view key,
                                     const std::string& path) {
    const std::string s = text(o, key, path);
    if (s.empty()) return std::nullopt;
    auto c = parse_clock(s);
    if (!c) fail(field_path(path, key), "must be a local time HH:MM from 00:00 to 24:00");
    return c;
  }

  void weekend_days(const json::value* v) {
    const json::array* list = array(v, "weekend");
    if (list == nullptr) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string path = "weekend[" + std::to_string(i) + "]";
      const json::string* s = (*list)[i].if_string();
      auto it = s == nullptr ? kDayNames.end()
                             : std::find(kDayNames.begin(), kDayNames.end(),
                                         std::string_view(s->data(), s->size()));
      if (it == kDayNames.end()) {
        fail(path, "must be a day name: monday, tuesday, … sunday");
        continue;
      }
      bool& flag = weekend[static_cast<std::size_t>(it - kDayNames.begin())];
      if (flag) fail(path, "is listed twice");
      flag = true;
    }
    if (std::all_of(weekend.begin(), weekend.end(), [](bool b) { return b; })) {
      fail("weekend", "must leave at least one working day in the week");
    }
  }

  void year_list(const json::value* v) {
    if (!observes_holidays) {
      const json::object* o = v != nullptr ? v->if_object() : nullptr;
      if (v != nullptr && (o == nullptr || !o->empty())) {
        fail("years", "must be absent or empty when observes_public_holidays is false");
      }
      return;
    }
    if (v == nullptr || !v->is_object()) {
      fail("years", "must be a JSON object of years, e.g. {\"2026\": {…}}");
      return;
    }
    for (const json::key_value_pair& kv : v->get_object()) {
      const std::string path = "years." + std::string(kv.key());
      const auto year = kv.key().size() == 4 ? digits(kv.key()) : std::nullopt;
      if (!year || *year < 1970) {
        fail(path, "must be a year of four digits, e.g. \"2026\"");
        continue;
      }
      one_year(*year, kv.value(), path);
    }
  }

  void one_year(int year, const json::value& v, const std::string& path) {
    const json::object* o = object_at(v, path);
    if (o == nullptr) return;
    const std::string status = text(*o, "status", path);
    if (status == "not_published") {
      years[year] = YearStatus::not_published;
      for (std::string_view key : {"holidays", "make_up_days"}) {
        const json::value* list = o->if_contains(key);
        if (list != nullptr && !(list->is_array() && list->get_array().empty())) {
          fail(field_path(path, key), "must be absent while the year is not_published");
        }
      }
      return;
    }
    if (status != "published") {
      if (!status.empty()) fail(path + ".status", "must be \"published\" or \"not_published\"");
      return;
    }
    years[year] = YearStatus::published;
    const json::value* source = o->if_contains("source");
    const json::object* s = source != nullptr ? source->if_object() : nullptr;
    if (s == nullptr) {
      fail(path + ".source",
           "must be a JSON object naming the notice (title, document_number, date)");
    } else {
      text(*s, "title", path + ".source");
    }
    if (const json::array* list = array(o->if_contains("holidays"), path + ".holidays")) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        holiday(year, (*list)[i], path + ".holidays[" + std::to_string(i) + "]");
      }
    }
    if (const json::array* list =
            array(o->if_contains("make_up_days"), path + ".make_up_days", false)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string item = path + ".make_up_days[" + std::to_string(i) + "]";
        const json::object* m = object_at((*list)[i], item);
        if (m == nullptr) continue;
        if (auto day = date_member(year, *m, "date", item)) {
          pending_.push_back({*day, item + ".date"});
        }
      }
    }
  }

  void holiday(int year, const json::value& v, const std::string& path) {
    const json::object* o = object_at(v, path);
    if (o == nullptr) return;
    text(*o, "name", path);
    const auto from = date_member(year, *o, "from", path);
    const auto to = o->contains("to") ? date_member(year, *o, "to", path) : from;
    if (!from || !to) return;
    if (*to < *from) {
      fail(path + ".to", "must not be earlier than from");
      return;
    }
    for (std::int64_t day = *from; day <= *to; ++day) holidays.emplace(day, path);
  }

  // A date of the year's notice: in `year`, or in the December before (a New
  // Year holiday or its make-up day may start there).
  std::optional<std::int64_t> date_member(int year, const json::object& o, std::string_view key,
                                          const std::string& path) {
    const std::string s = text(o, key, path);
    if (s.empty()) return std::nullopt;
    const auto day = parse_date(s);
    if (!day) {
      fail(field_path(path, key), "must be a real date YYYY-MM-DD");
      return std::nullopt;
    }
    if (*day < days_from_civil(year - 1, 12, 1) || *day > days_from_civil(year, 12, 31)) {
      fail(field_path(path, key),
           "must fall in " + std::to_string(year) + " (or in December of the year before)");
      return std::nullopt;
    }
    return day;
  }
};

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

WorkingCalendar::WorkingCalendar() : periods_{{0, kDay}} {}

Result<WorkingCalendar> WorkingCalendar::from_json(const boost::json::value& v) {
  CalendarParser parser;
  parser.parse(v);
  if (Status s = parser.outcome("the calendar document is invalid"); !s) return s.error();
  WorkingCalendar c;
  c.offset_ = parser.offset;
  c.periods_.clear();
  for (const auto& [start, end] : parser.periods) c.periods_.push_back({start, end});
  c.weekend_ = parser.weekend;
  c.observes_holidays_ = parser.observes_holidays;
  for (const auto& entry : parser.holidays) c.holidays_.insert(entry.first);
  c.make_up_days_ = std::move(parser.make_up_days);
  c.years_ = std::move(parser.years);
  return c;
}

Millis WorkingCalendar::working_time_per_day() const {
  Millis total = 0;
  for (const Period& p : periods_) total += p.end - p.start;
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
  return is_working_day_number(days_from_civil(date.year, date.month, date.day));
}

bool WorkingCalendar::is_working_day_number(std::int64_t day) const {
  if (make_up_days_.contains(day)) return true;
  if (holidays_.contains(day)) return false;
  return !weekend_[static_cast<std::size_t>(weekday_of(day))];
}

YearStatus WorkingCalendar::year_status(int year) const {
  auto it = years_.find(year);
  return it == years_.end() ? YearStatus::not_listed : it->second;
}

bool WorkingCalendar::holidays_known(Millis from, Millis to) const {
  if (!observes_holidays_) return true;
  for (int y = local_date(from).year; y <= local_date(to).year; ++y) {
    if (year_status(y) != YearStatus::published) return false;
  }
  return true;
}

// The n-th working day counting from `first_candidate` (n == 1: the first
// working day on or after it). Ends because every week has a working day.
std::int64_t WorkingCalendar::nth_working_day(std::int64_t first_candidate, std::int64_t n) const {
  std::int64_t day = first_candidate;
  for (std::int64_t found = 0;; ++day) {
    if (is_working_day_number(day) && ++found == n) return day;
  }
}

Millis WorkingCalendar::add_working_days(Millis start, std::int64_t n) const {
  const Millis local = start + offset_;
  const std::int64_t day = floor_div(local, kDay);
  const Millis tod = local - day * kDay;
  const Millis close = periods_.back().end;
  if (is_working_day_number(day)) {
    for (const Period& p : periods_) {
      if (tod > p.end) continue;
      if (tod >= p.start) return nth_working_day(day + 1, n) * kDay + tod - offset_;  // rule 1
      if (&p == &periods_.front()) {  // rule 2, the day has not begun: it is the first
        return nth_working_day(day, n) * kDay + close - offset_;
      }
      return nth_working_day(day + 1, n) * kDay + p.start - offset_;  // rule 3, a break
    }
  }
  return nth_working_day(day + 1, n) * kDay + close - offset_;  // rule 2
}

Millis WorkingCalendar::add(Millis start, Duration d) const {
  switch (d.unit) {
    case DurationUnit::minutes:
      return start + d.amount * kMinute;
    case DurationUnit::hours:
      return start + d.amount * kHour;
    case DurationUnit::days:
      return start + d.amount * kDay;
    case DurationUnit::working_hours:
      return add_working_time(start, d.amount * kHour);
    case DurationUnit::working_days:
      return d.amount <= 0 ? start : add_working_days(start, d.amount);
  }
  return start;
}

Millis WorkingCalendar::add_working_time(Millis start, Millis working_ms) const {
  if (working_ms <= 0) return start;
  Millis remaining = working_ms;
  const Millis local = start + offset_;
  std::int64_t day = floor_div(local, kDay);
  for (Millis tod = local - day * kDay;; ++day, tod = 0) {
    if (!is_working_day_number(day)) continue;
    for (const Period& p : periods_) {
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
  Millis total = 0;
  for (std::int64_t day = floor_div(la, kDay); day <= floor_div(lb, kDay); ++day) {
    if (!is_working_day_number(day)) continue;
    for (const Period& p : periods_) {
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
  if (Duration{0, unit}.counts_working_time()) return add_working_time(resumed_at, remaining);
  return resumed_at + std::max<Millis>(0, remaining);
}

}  // namespace outpost
