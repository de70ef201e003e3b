#include "adapters/cli/calendar_years.hpp"

#include <optional>

#include <spdlog/spdlog.h>

namespace outpost::cli {
namespace {

constexpr Millis kRefreshPace = 30'000;

}  // namespace

Status start_calendar_years(CalendarService& years, const WorkingCalendar& calendar) {
  calendar.year_table().set_fallback_observer([](int year) {
    spdlog::warn(
        "calendar: a deadline reaches into {} whose public holidays are not entered; it counts "
        "Monday to Friday as working days (enter the year: PUT /api/v1/calendar/{})",
        year, year);
  });
  if (Status s = years.refresh(); !s) return s;
  for (int year : years.health().years_missing) {
    spdlog::warn(
        "calendar: no public holidays entered for {} (the State Council's notice); deadlines "
        "there count Monday to Friday as working days until an admin enters it "
        "(config/calendar.json or PUT /api/v1/calendar/{})",
        year, year);
  }
  return Ok{};
}

std::function<void()> calendar_refresh_chore(CalendarService& years, const Clock& clock) {
  return [&years, &clock, last = std::optional<Millis>()]() mutable {
    const Millis now = clock.now();
    if (last && now - *last < kRefreshPace) return;
    last = now;
    if (Status s = years.refresh(); !s) spdlog::warn("calendar years: {}", s.error().message);
  };
}

}  // namespace outpost::cli
