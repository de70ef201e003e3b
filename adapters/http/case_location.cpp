#include "adapters/http/case_location.hpp"

#include <cstdio>

namespace outpost::http {
namespace {

// Each code the body gave must be the resolved one; an empty one is filled.
void fill(std::string& given, const std::string& resolved, const std::string& field,
          const std::string& source, std::vector<FieldError>& errors) {
  if (given.empty()) {
    given = resolved;
  } else if (given != resolved) {
    errors.push_back({field, "is " + given + ", but " + source + " lies in " + resolved});
  }
}

}  // namespace

std::string point_text(directory::GeoPoint p) {
  char text[64];
  std::snprintf(text, sizeof text, "(%.6f, %.6f)", p.lat, p.lon);
  return text;
}

void locate_case(const directory::Locator* locator, const LocationHint& hint, Location& location,
                 std::vector<FieldError>& errors) {
  if (hint.empty()) return;
  if (locator == nullptr || locator->empty()) {
    errors.push_back({"location", "cannot be given as a point or building: no boundaries loaded"});
    return;
  }
  const std::size_t before = errors.size();
  if (hint.lat.has_value() != hint.lon.has_value()) {
    errors.push_back({hint.lat ? "location.long" : "location.lat",
                      "is required with location.lat and location.long"});
  }
  if (hint.lat && (*hint.lat < -90 || *hint.lat > 90))
    errors.push_back({"location.lat", "must be from -90 to 90"});
  if (hint.lon && (*hint.lon < -180 || *hint.lon > 180))
    errors.push_back({"location.long", "must be from -180 to 180"});
  if (errors.size() > before) return;

  std::optional<directory::Place> by_building, by_point;
  std::string source;
  if (!hint.building.empty()) {
    by_building = locator->by_code(hint.building);
    if (!by_building)
      errors.push_back(
          {"location.building", "is not a known building, residential area or micro-grid code"});
    source = "building " + hint.building;
  }
  if (hint.lat && hint.lon) {
    const directory::GeoPoint p{*hint.lat, *hint.lon};
    by_point = locator->at(directory::to_wgs84(p, hint.datum));
    if (!by_point) {
      errors.push_back({"location", "the point " + point_text(p) +
                                        (hint.datum == directory::Datum::gcj02 ? " (GCJ-02)" : "") +
                                        " lies in no micro-grid of the jurisdiction"});
    }
    if (source.empty()) source = "the point";
  }
  if (errors.size() > before) return;
  if (by_building && by_point && by_building->micro_grid != by_point->micro_grid) {
    errors.push_back({"location.building", "is in micro-grid " + by_building->micro_grid +
                                               ", but the point lies in " + by_point->micro_grid});
    return;
  }
  const directory::Place& place = by_building ? *by_building : *by_point;
  fill(location.community, place.community, "location.community", source, errors);
  fill(location.grid, place.grid, "location.grid", source, errors);
  fill(location.micro_grid, place.micro_grid, "location.micro_grid", source, errors);
  if (location.address.empty() && !place.building.empty()) {
    if (const directory::NamedPlace* named = locator->named_place(place.building))
      location.address = named->name;
  }
}

}  // namespace outpost::http
