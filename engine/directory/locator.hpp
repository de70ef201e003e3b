// File: engine/directory/locator.hpp
//
// Where a point or an address lies in the jurisdiction: the micro-grid
// (微网格) whose boundary contains a WGS84 point, the micro-grid of a building
// or residential area named by code or in a free address, and the GCJ-02
// (国测局 "Mars" coordinates of Chinese map apps) <-> WGS84 conversion.
//
// adapters/config reads config/boundaries.geojson into Boundary and NamedPlace
// values and builds the Locator with make(), which validates them against the
// Jurisdiction: every ring closed (at least 4 points, the last one repeating
// the first), every polygon valid (Boost.Geometry's is_valid: no
// self-intersection, holes inside), every code one of the jurisdiction's,
// every micro-grid with a boundary, every micro-grid covered by its grid's
// boundary and every grid by its community's (when those have one), no two
// siblings overlapping (an intersection over kOverlapTolerance), every named
// place in a known micro-grid (and its point, when given, inside it). Each
// problem is one FieldError whose field is the offending code
// (ErrorKind::invalid).
//
// Geometry is planar on (longitude, latitude) degrees: fine at a
// sub-district's scale (a few km), where the boundaries are drawn that way.
// Rings may run either way round (RFC 7946 asks for counter-clockwise outer
// rings but tells readers to accept both).
//
//   auto locator = Locator::make(jurisdiction, boundaries, places);
//   if (auto place = locator.value().at({29.8301, 106.4302})) place->micro_grid;
//   locator.value().at(gcj02_to_wgs84({29.8275, 106.4340}));   // a map app's point
//   locator.value().by_address("西山坪家属区3栋2单元");        // longest known name in it
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/directory/jurisdiction.hpp"

namespace outpost::directory {

struct GeoPoint {
  double lat = 0;  // degrees
  double lon = 0;
};

enum class Datum { wgs84, gcj02 };

// The published GCJ-02 transform (Krasovsky ellipsoid, a = 6378245 m,
// e² = 0.00669342162296594323); points outside China's box are unchanged.
// gcj02_to_wgs84 inverts it by iteration (to well under 1e-9°).
GeoPoint wgs84_to_gcj02(GeoPoint p);
GeoPoint gcj02_to_wgs84(GeoPoint p);
// `p` as given in `datum`, in WGS84.
GeoPoint to_wgs84(GeoPoint p, Datum datum);
// "wgs84" or "gcj02" (any case); nullopt for anything else.
std::optional<Datum> datum_named(std::string_view name);
// Finite and within [-90, 90] x [-180, 180].
bool is_valid_coordinate(GeoPoint p);

// Codes; `building` is empty unless a building or residential area was named.
struct Place {
  std::string community, grid, micro_grid, building;

  bool operator==(const Place&) const = default;
};

using Ring = std::vector<GeoPoint>;  // closed: the last point repeats the first
struct Polygon {
  std::vector<Ring> rings;  // the outer ring, then holes
};
// One level's area: a GeoJSON Polygon (one polygon) or MultiPolygon.
struct Boundary {
  std::string code;  // a community, grid or micro-grid code
  std::vector<Polygon> polygons;
};

// A residential area (家属区, 小区) or building (栋) people name in
// addresses, in one micro-grid.
struct NamedPlace {
  std::string code;                  // e.g. "LY-XSP-3"; not a jurisdiction code
  std::string name;                  // e.g. "西山坪家属区3栋"
  std::vector<std::string> aliases;  // other names in use, e.g. "西山坪3栋"
  std::string micro_grid;
  std::optional<GeoPoint> point;  // where it is, when known: inside its micro-grid
};

// Two siblings overlap when their intersection is larger than this, in
// square degrees (about 1 m² at 30° N): shared edges drawn from the same
// vertices intersect in 0.
inline constexpr double kOverlapTolerance = 1e-10;

class Locator {
 public:
  // Resolves nothing: no boundaries loaded.
  Locator() = default;

  static Result<Locator> make(const Jurisdiction& jurisdiction,
                              const std::vector<Boundary>& boundaries,
                              const std::vector<NamedPlace>& places);

  // The micro-grid containing the WGS84 point (its boundary included: a point
  // on the edge between two micro-grids goes to the first in document order);
  // nullopt when none does.
  std::optional<Place> at(GeoPoint wgs84) const;
  // address_id: a micro-grid code or a building code.
  std::optional<Place> by_code(std::string_view code) const;
  // A free address naming a known residential area/building (e.g.
  // "西山坪家属区3栋"): the place with the longest name or alias contained in
  // it, after full-width digits and letters are made ASCII and white space is
  // dropped; nullopt otherwise.
  std::optional<Place> by_address(std::string_view address) const;

  // The named place with this code, or nullptr.
  const NamedPlace* named_place(std::string_view code) const;
  const std::vector<NamedPlace>& named_places() const;
  std::size_t micro_grid_count() const;
  bool empty() const { return index_ == nullptr; }

 private:
  struct Index;
  std::shared_ptr<const Index> index_;  // immutable, shared by copies
};

}  // namespace outpost::directory
