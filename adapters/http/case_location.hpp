// File: adapters/http/case_location.hpp
//
// A case's location given as a point or a building rather than (or besides)
// its codes: the create-case body's location.lat, location.long,
// location.datum ("wgs84", the default, or "gcj02") and location.building (a
// building, residential-area or micro-grid code) resolve through the
// Locator (engine/directory/locator.hpp) to community, grid and micro-grid,
// which fill those the body left empty. The same resolver answers GET
// /api/v1/jurisdiction/locate (handlers_locate.cpp), which the console uses.
//
// Refused, as field errors of the body: a point in no micro-grid
// ("location"), a building code nobody knows ("location.building"), a given
// code the point or building contradicts ("location.grid": "is LF-G01, but
// the point lies in LF-G02"), a point and a building in different
// micro-grids, coordinates out of range.
//
//   CaseRequest req = read_new_case(body);        // reads req.hint
//   locate_case(ctx.locator, req.hint, req.command.location, req.errors);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"
#include "engine/directory/locator.hpp"

namespace outpost::http {

struct LocationHint {
  std::optional<double> lat, lon;  // as sent, in `datum`
  directory::Datum datum = directory::Datum::wgs84;
  std::string building;  // a building, residential-area or micro-grid code

  bool empty() const { return !lat && !lon && building.empty(); }
};

// Fills `location`'s empty codes (and an empty address with the building's
// name) from the hint, or appends why not to `errors`. Nothing when the hint
// is empty.
void locate_case(const directory::Locator* locator, const LocationHint& hint, Location& location,
                 std::vector<FieldError>& errors);

// "(29.830000, 106.430000)": a point as the messages quote it.
std::string point_text(directory::GeoPoint p);

}  // namespace outpost::http
