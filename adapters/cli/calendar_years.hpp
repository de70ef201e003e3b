// File: adapters/cli/calendar_years.hpp
//
// `outpost serve`'s part of the calendar years (engine/deadlines/calendar_service.hpp):
// at start it loads the years entered through the API, logs a warning for the
// current and the next year when their public holidays are not entered (the
// calendar then counts Monday to Friday), and logs one whenever a deadline is
// first computed into such a year; while serving, a ticker chore reloads the
// entered years about every 30 s, so that a year another process entered
// reaches this one.
//
//   if (Status s = cli::start_calendar_years(years, calendar, clock); !s) return fail(...);
//   ticker.add_chore(cli::calendar_refresh_chore(years, clock));
#pragma once

#include <functional>

#include "engine/core/clock.hpp"
#include "engine/deadlines/calendar_service.hpp"

namespace outpost::cli {

Status start_calendar_years(CalendarService& years, const WorkingCalendar& calendar);

std::function<void()> calendar_refresh_chore(CalendarService& years, const Clock& clock);

}  // namespace outpost::cli
