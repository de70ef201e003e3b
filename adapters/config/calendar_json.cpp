#include "adapters/config/calendar_json.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "adapters/config/json_fields.hpp"

namespace outpost::config {
namespace {

namespace json = boost::json;

constexpr Millis kMinute = 60'000;
constexpr Millis kMaxOffset = 14 * kHourMs;
constexpr std::array<std::string_view, 7> kDayNames = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

// Only ASCII digits, at least one.
std::optional<int> digits(std::string_view s) {
  int n = 0;
  if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::from_chars(s.data(), s.data() + s.size(), n);
  return n;
}

int days_in_month(int y, int m) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

// "YYYY-MM-DD", a real date from 1970 on.
std::optional<LocalDate> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto y = digits(s.substr(0, 4));
  const auto m = digits(s.substr(5, 2));
  const auto d = digits(s.substr(8, 2));
  if (!y || !m || !d || *y < 1970 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m)) {
    return std::nullopt;
  }
  return LocalDate{*y, *m, *d};
}

// "HH:MM" from "00:00" to "24:00"; milliseconds since midnight.
std::optional<Millis> parse_clock(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  const auto h = digits(s.substr(0, 2));
  const auto m = digits(s.substr(3, 2));
  if (!h || !m || *m > 59 || *h > 24 || (*h == 24 && *m != 0)) return std::nullopt;
  return *h * kHourMs + *m * kMinute;
}

// "+08:00" / "-05:30"; milliseconds east of UTC.
std::optional<Millis> parse_offset(std::string_view s) {
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const auto clock = parse_clock(s.substr(1));
  if (!clock || *clock > kMaxOffset) return std::nullopt;
  return s[0] == '-' ? -*clock : *clock;
}

struct PendingMakeUp {
  int year = 0;  // of the notice
  LocalDate day;
  std::string path;
};

// Walks the document once, collecting every problem (see json_fields.hpp).
class CalendarReader : public JsonFields {
 public:
  CalendarRules rules;
  std::map<int, YearArrangement> arrangements;  // the published years

  // One year as "years" lists it, at the top of the document.
  void read_year(int year, const json::value& v) {
    one_year(year, v, "");
    finish_make_up_days();
  }

  void read(const json::value& v) {
    const json::object* root = v.if_object();
    if (root == nullptr) {
      fail("$", "must be a JSON object");
      return;
    }
    const std::string off = text(*root, "utc_offset", "");
    if (!off.empty()) {
      if (auto o = parse_offset(off)) {
        rules.utc_offset = *o;
      } else {
        fail("utc_offset", "must be an offset such as \"+08:00\", at most 14 hours");
      }
    }
    working_hours(root->if_contains("working_hours"));
    weekend_days(root->if_contains("weekend"));
    if (const json::value* flag = root->if_contains("observes_public_holidays")) {
      if (flag->is_bool()) {
        rules.observes_public_holidays = flag->get_bool();
      } else {
        fail("observes_public_holidays", "must be true or false");
      }
    }
    year_list(root->if_contains("years"));
    finish_make_up_days();
  }

 private:
  std::vector<std::string> holiday_paths_;  // of rules.holidays, index by index
  std::vector<PendingMakeUp> make_up_days_;

  void finish_make_up_days() {
    for (const PendingMakeUp& m : make_up_days_) make_up_day(m);
  }

  void make_up_day(const PendingMakeUp& m) {
    for (std::size_t i = 0; i < rules.holidays.size(); ++i) {
      if (rules.holidays[i].from <= m.day && m.day <= rules.holidays[i].to) {
        fail(m.path, "is also a holiday (" + holiday_paths_[i] + "); a day is one or the other");
        return;
      }
    }
    rules.make_up_days.push_back(m.day);
    arrangements[m.year].make_up_days.push_back(m.day);
  }

  void working_hours(const json::value* v) {
    const json::array* list = array(v, "working_hours");
    if (list == nullptr) return;
    if (list->empty()) fail("working_hours", "must list at least one working period");
    auto& periods = rules.working_hours;
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
      if (!periods.empty() && *start < periods.back().end) {
        fail(path + ".start",
             "must not be earlier than the end of the period before: list "
             "working periods in order, without overlap");
        continue;
      }
      periods.push_back({*start, *end});
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
    auto& weekend = rules.weekend;
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
    if (!rules.observes_public_holidays) {
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
      rules.years[year] = YearStatus::not_published;
      for (std::string_view key : {"holidays", "make_up_days"}) {
        const json::value* list = o->if_contains(key);
        if (list != nullptr && !(list->is_array() && list->get_array().empty())) {
          fail(field_path(path, key), "must be absent while the year is not_published");
        }
      }
      return;
    }
    if (status != "published") {
      if (!status.empty()) {
        fail(field_path(path, "status"), "must be \"published\" or \"not_published\"");
      }
      return;
    }
    rules.years[year] = YearStatus::published;
    YearArrangement& arrangement = arrangements[year];
    arrangement.year = year;
    const json::value* source = o->if_contains("source");
    const json::object* s = source != nullptr ? source->if_object() : nullptr;
    if (s == nullptr) {
      fail(field_path(path, "source"),
           "must be a JSON object naming the notice (title, document_number, date)");
    } else {
      arrangement.source = text(*s, "title", field_path(path, "source"));
    }
    const std::string holidays = field_path(path, "holidays");
    if (const json::array* list = array(o->if_contains("holidays"), holidays)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        holiday(year, (*list)[i], holidays + "[" + std::to_string(i) + "]");
      }
    }
    const std::string make_up = field_path(path, "make_up_days");
    if (const json::array* list = array(o->if_contains("make_up_days"), make_up, false)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string item = make_up + "[" + std::to_string(i) + "]";
        const json::object* m = object_at((*list)[i], item);
        if (m == nullptr) continue;
        if (auto day = date_member(year, *m, "date", item)) {
          make_up_days_.push_back({year, *day, item + ".date"});
        }
      }
    }
  }

  void holiday(int year, const json::value& v, const std::string& path) {
    const json::object* o = object_at(v, path);
    if (o == nullptr) return;
    std::string name = text(*o, "name", path);
    const auto from = date_member(year, *o, "from", path);
    const auto to = o->contains("to") ? date_member(year, *o, "to", path) : from;
    if (!from || !to) return;
    if (*to < *from) {
      fail(path + ".to", "must not be earlier than from");
      return;
    }
    rules.holidays.push_back({*from, *to, name});
    arrangements[year].holidays.push_back({*from, *to, std::move(name)});
    holiday_paths_.push_back(path);
  }

  // A date of the year's notice: in `year`, or in the December before (a New
  // Year holiday or its make-up day may start there).
  std::optional<LocalDate> date_member(int year, const json::object& o, std::string_view key,
                                       const std::string& path) {
    const std::string s = text(o, key, path);
    if (s.empty()) return std::nullopt;
    const auto day = parse_date(s);
    if (!day) {
      fail(field_path(path, key), "must be a real date YYYY-MM-DD");
      return std::nullopt;
    }
    if (*day < LocalDate{year - 1, 12, 1} || *day > LocalDate{year, 12, 31}) {
      fail(field_path(path, key),
           "must fall in " + std::to_string(year) + " (or in December of the year before)");
      return std::nullopt;
    }
    return day;
  }
};

}  // namespace

Result<WorkingCalendar> calendar_from_json(const json::value& doc) {
  CalendarReader reader;
  reader.read(doc);
  if (Status s = reader.outcome("the calendar document is invalid"); !s) return s.error();
  return WorkingCalendar(reader.rules);
}

Result<YearArrangement> year_arrangement_from_json(int year, const json::value& doc) {
  CalendarReader reader;
  if (year < 1970 || year > 9999) {
    reader.fail("year", "must be a year of four digits from 1970 on, e.g. \"2027\"");
  } else if (!doc.is_object()) {
    reader.fail("$", "must be a JSON object: source, holidays, make_up_days");
  } else if (const json::object* o = &doc.get_object(); !o->contains("status")) {
    json::object published = *o;
    published["status"] = "published";
    reader.read_year(year, published);
  } else {
    reader.read_year(year, doc);
  }
  if (Status s = reader.outcome("the calendar year is invalid"); !s) return s.error();
  if (!reader.arrangements.contains(year)) {
    return Error::invalid_field("status",
                                "must be \"published\": a year is entered with the "
                                "holidays and make-up days of its notice");
  }
  return reader.arrangements.at(year);
}

}  // namespace outpost::config
