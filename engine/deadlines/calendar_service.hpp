// File: engine/deadlines/calendar_service.hpp
//
// The working-calendar years an admin enters at run time (PUT
// /api/v1/calendar/{year}), kept in the database so that they survive a
// restart and reach every process sharing it, and what the calendar lacks
// (GET /health). A year entered here replaces that year of
// config/calendar.json (its holidays and make-up days) in the running
// calendar at once; other processes load it on their next refresh().
//
//   CalendarService years(store, calendar, permissions, clock);
//   years.refresh();                                   // at start, then now and then
//   auto saved = years.put_year(actor, arrangement);   // forbidden unless manage_calendar
//   CalendarHealth h = years.health();                 // years_missing: this and next year
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/access/permissions.hpp"
#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"
#include "engine/deadlines/calendar.hpp"

namespace outpost {

struct StoredCalendarYear {
  YearArrangement arrangement;
  std::string updated_by;  // username
  Millis updated_at = 0;
};

// The port: the entered years, in the database (SociCalendarStore).
class CalendarStore {
 public:
  virtual ~CalendarStore() = default;
  virtual Result<std::vector<StoredCalendarYear>> load_years() = 0;
  // Replaces the stored year of the same number, in one transaction.
  virtual Status save_year(const StoredCalendarYear& year) = 0;
};

// A year as GET /api/v1/calendar lists it.
struct CalendarYearInfo {
  int year = 0;
  YearStatus status = YearStatus::not_listed;
  std::optional<StoredCalendarYear> entered;  // set when entered through the API
};

// What GET /health reports about the calendar. Degraded when the current or
// the next year (local time) has no holidays entered, or a deadline was
// computed into such a year since start (and it still has none): those
// count Monday to Friday. A deadline computed before a year is entered keeps
// its due time; the next change of the clock computes with the new days.
struct CalendarHealth {
  std::vector<int> years_missing;  // of the current and the next year
  std::set<int> fallback_used;
  bool degraded() const { return !years_missing.empty() || !fallback_used.empty(); }
};

class CalendarService {
 public:
  CalendarService(CalendarStore& store, const WorkingCalendar& calendar,
                  const Permissions& permissions, const Clock& clock)
      : store_(store), calendar_(calendar), permissions_(permissions), clock_(clock) {}

  // Puts every stored year into the calendar (years entered by any process).
  Status refresh();
  // Saves the year and puts it into the calendar. forbidden without the
  // manage_calendar action; nothing is changed then, or when saving fails.
  Result<StoredCalendarYear> put_year(const Actor& actor, YearArrangement arrangement);
  // The years the configuration lists or the database holds, by year, and
  // the current and next year when neither does.
  std::vector<CalendarYearInfo> list() const;
  CalendarHealth health() const;

 private:
  CalendarStore& store_;
  const WorkingCalendar& calendar_;
  const Permissions& permissions_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::map<int, StoredCalendarYear> entered_;  // as last saved or loaded
};

}  // namespace outpost
