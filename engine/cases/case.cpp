#include "engine/cases/case.hpp"

#include <chrono>
#include <cstdio>

namespace outpost {

std::string_view to_string(CaseKind kind) {
  return kind == CaseKind::dispute ? "dispute" : "request";
}

std::optional<CaseKind> parse_case_kind(std::string_view name) {
  for (CaseKind k : kCaseKinds) {
    if (to_string(k) == name) return k;
  }
  return std::nullopt;
}

bool case_is_overdue(const Case& c, Millis now) {
  return c.deadline && *c.deadline < now;
}

bool fact_flag(const Case& c, std::string_view key) {
  const boost::json::value* v = c.facts.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

std::int64_t fact_count(const Case& c, std::string_view key) {
  const boost::json::value* v = c.facts.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

std::string format_rfc3339(Millis at) {
  const std::chrono::sys_time<std::chrono::milliseconds> tp{std::chrono::milliseconds(at)};
  const auto day = std::chrono::floor<std::chrono::days>(tp);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{tp - day};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%d-%02u-%02uT%02d:%02d:%02d.%03dZ", year,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()),
                  static_cast<int>(hms.subseconds().count()));
    return buf;
  }
  // Lists format three times per case: digits by hand, not printf.
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&out](std::size_t pos, int value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10) {
      out[pos + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, year, 4);
  put(5, static_cast<int>(static_cast<unsigned>(ymd.month())), 2);
  put(8, static_cast<int>(static_cast<unsigned>(ymd.day())), 2);
  put(11, static_cast<int>(hms.hours().count()), 2);
  put(14, static_cast<int>(hms.minutes().count()), 2);
  put(17, static_cast<int>(hms.seconds().count()), 2);
  put(20, static_cast<int>(hms.subseconds().count()), 3);
  return out;
}

}  // namespace outpost
