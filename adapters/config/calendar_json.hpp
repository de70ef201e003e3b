// File: adapters/config/calendar_json.hpp
//
// config/calendar.json (or config/calendar-24x7.json) into the engine's
// WorkingCalendar; the shape is documented in config/README.md:
//
//   { "utc_offset": "+08:00",
//     "working_hours": [ {"start": "09:00", "end": "12:00"}, … ],
//     "weekend": ["saturday", "sunday"],
//     "observes_public_holidays": true,
//     "years": { "2026": { "status": "published", "source": {"title": "…"},
//                          "holidays": [ {"name": "国庆节", "from": "2026-10-01",
//                                         "to": "2026-10-07"} ],
//                          "make_up_days": [ {"date": "2026-10-10"} ] } } }
//
// Refuses (ErrorKind::invalid, one FieldError per problem, with paths such as
// "working_hours[1].start" or "years.2026.make_up_days[0].date") a bad UTC
// offset, a working period that is malformed, empty or out of order, an
// unknown or repeated weekend day, a week with no working day, a bad or
// impossible date or one outside its year (December of the year before
// allowed), a holiday range that ends before it starts, a day that is both a
// holiday and a make-up day, and a year without status or source.
//
//   auto cal = calendar_from_json(boost::json::parse(text));
//   Millis deadline = cal.value().add(now, parse_duration("2wh").value());
#pragma once

#include <boost/json/value.hpp>

#include "engine/core/error.hpp"
#include "engine/deadlines/calendar.hpp"

namespace outpost::config {

Result<WorkingCalendar> calendar_from_json(const boost::json::value& doc);

// One year's arrangement as "years" lists it (the body of PUT
// /api/v1/calendar/{year}; "status" may be left out: published), refused as
// above with paths such as "holidays[0].from"; a year that is not published
// has no arrangement and is refused too.
//   auto a = year_arrangement_from_json(2027, boost::json::parse(body));
Result<YearArrangement> year_arrangement_from_json(int year, const boost::json::value& doc);

}  // namespace outpost::config
