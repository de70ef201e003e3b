#include "engine/directory/locator.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <unordered_map>
#include <utility>

// Boost 1.81's cartesian box-merging strategy (used by the rtree's packing
// and the set operations) starts from a default-constructed box, which g++ 12
// at -O2 reports as maybe-uninitialized inside Boost's headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/geometry/algorithms/area.hpp>
#include <boost/geometry/algorithms/assign.hpp>
#include <boost/geometry/algorithms/correct.hpp>
#include <boost/geometry/algorithms/covered_by.hpp>
#include <boost/geometry/algorithms/expand.hpp>
#include <boost/geometry/algorithms/intersection.hpp>
#include <boost/geometry/algorithms/intersects.hpp>
#include <boost/geometry/algorithms/is_valid.hpp>
#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <boost/geometry/index/rtree.hpp>
#pragma GCC diagnostic pop

namespace outpost::directory {
namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

// x = longitude, y = latitude; counter-clockwise outer rings, closed.
using Pt = bg::model::d2::point_xy<double>;
using Poly = bg::model::polygon<Pt, false, true>;
using Area = bg::model::multi_polygon<Poly>;
using Box = bg::model::box<Pt>;

// ---- GCJ-02 ---------------------------------------------------------------

constexpr double kPi = 3.1415926535897932384626;
constexpr double kKrasovskyA = 6378245.0;
constexpr double kKrasovskyEE = 0.00669342162296594323;

bool outside_china(GeoPoint p) {
  return p.lon < 72.004 || p.lon > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271;
}

double shift_lat(double x, double y) {
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
  r += (160.0 * std::sin(y / 12.0 * kPi) + 320 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
  return r;
}

double shift_lon(double x, double y) {
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
  r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
  return r;
}

// ---- names in addresses -----------------------------------------------------

// Full-width ASCII (U+FF01..U+FF5E) made ASCII; ASCII white space and the
// ideographic space (U+3000) dropped. Other text is kept byte for byte.
std::string normalized(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (c == 0xEF && i + 2 < text.size()) {  // U+FF00..U+FFFF: EF BC/BD xx
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      const unsigned cp = 0xF000u | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
      if (cp >= 0xFF01 && cp <= 0xFF5E) {
        out.push_back(static_cast<char>(cp - 0xFEE0));
        i += 3;
        continue;
      }
    }
    if (c == 0xE3 && text.substr(i, 3) == "\xE3\x80\x80") {  // U+3000
      i += 3;
      continue;
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
template <class T>
using CodeMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

// ---- validation -------------------------------------------------------------

enum class Level { community, grid, micro_grid };

struct Unit {
  Level level;
  std::string parent;  // empty for a community
  Place place;         // the unit's codes (a micro-grid's full place)
};

const char* level_name(Level l) {
  switch (l) {
    case Level::community:
      return "community";
    case Level::grid:
      return "grid";
    case Level::micro_grid:
      return "micro-grid";
  }
  return "";
}

CodeMap<Unit> units_of(const Jurisdiction& j) {
  CodeMap<Unit> units;
  for (const std::string& c : j.community_codes()) {
    units.emplace(c, Unit{Level::community, "", Place{c, "", "", ""}});
    for (const std::string& g : j.grids_of(c)) {
      units.emplace(g, Unit{Level::grid, c, Place{c, g, "", ""}});
      for (const std::string& m : j.micro_grids_of(g))
        units.emplace(m, Unit{Level::micro_grid, g, Place{c, g, m, ""}});
    }
  }
  return units;
}

std::string polygon_ring(std::size_t p, std::size_t r) {
  return "polygon " + std::to_string(p) + " ring " + std::to_string(r);
}

// The boundary's rings as an Area, or the first problem with them.
std::optional<std::string> read_area(const Boundary& b, Area& area) {
  if (b.polygons.empty()) return "has no polygon";
  for (std::size_t p = 0; p < b.polygons.size(); ++p) {
    const auto& rings = b.polygons[p].rings;
    if (rings.empty()) return "polygon " + std::to_string(p) + " has no ring";
    Poly& poly = area.emplace_back();
    for (std::size_t r = 0; r < rings.size(); ++r) {
      const Ring& ring = rings[r];
      if (ring.size() < 4) return polygon_ring(p, r) + " has fewer than 4 points";
      for (const GeoPoint& q : ring) {
        if (!is_valid_coordinate(q))
          return polygon_ring(p, r) + " has a point outside latitude -90..90, longitude -180..180";
      }
      if (ring.front().lat != ring.back().lat || ring.front().lon != ring.back().lon)
        return polygon_ring(p, r) + " is not closed (its last point differs from its first)";
      auto& target = r == 0 ? poly.outer() : poly.inners().emplace_back();
      for (const GeoPoint& q : ring) target.emplace_back(q.lon, q.lat);
    }
  }
  bg::correct(area);  // orientation only: every ring is already closed
  if (std::string why; !bg::is_valid(area, why)) return "is not a valid polygon: " + why;
  return std::nullopt;
}

// The bounding box of the outer rings (Boost's envelope() of a multi-polygon
// trips g++ 12's maybe-uninitialized warning inside Boost 1.81).
Box envelope_of(const Area& area) {
  Box box;
  bg::assign_inverse(box);
  for (const Poly& p : area) {
    for (const Pt& q : p.outer()) bg::expand(box, q);
  }
  return box;
}

double overlap(const Area& a, const Area& b) {
  Area common;
  bg::intersection(a, b, common);
  return bg::area(common);
}

}  // namespace

// ---- the conversion ---------------------------------------------------------

GeoPoint wgs84_to_gcj02(GeoPoint p) {
  if (outside_china(p)) return p;
  double dlat = shift_lat(p.lon - 105.0, p.lat - 35.0);
  double dlon = shift_lon(p.lon - 105.0, p.lat - 35.0);
  const double rad = p.lat / 180.0 * kPi;
  double magic = std::sin(rad);
  magic = 1 - kKrasovskyEE * magic * magic;
  const double sqrt_magic = std::sqrt(magic);
  dlat = (dlat * 180.0) / ((kKrasovskyA * (1 - kKrasovskyEE)) / (magic * sqrt_magic) * kPi);
  dlon = (dlon * 180.0) / (kKrasovskyA / sqrt_magic * std::cos(rad) * kPi);
  return {p.lat + dlat, p.lon + dlon};
}

GeoPoint gcj02_to_wgs84(GeoPoint p) {
  if (outside_china(p)) return p;
  // The shift varies slowly (well under 1e-3 per degree): a fixed-point
  // iteration gains about three digits per step.
  GeoPoint w = p;
  for (int i = 0; i < 20; ++i) {
    const GeoPoint g = wgs84_to_gcj02(w);
    const double dlat = g.lat - p.lat;
    const double dlon = g.lon - p.lon;
    w.lat -= dlat;
    w.lon -= dlon;
    if (std::fabs(dlat) < 1e-10 && std::fabs(dlon) < 1e-10) break;  // about 0.01 mm
  }
  return w;
}

GeoPoint to_wgs84(GeoPoint p, Datum datum) {
  return datum == Datum::gcj02 ? gcj02_to_wgs84(p) : p;
}

std::optional<Datum> datum_named(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "wgs84") return Datum::wgs84;
  if (lower == "gcj02") return Datum::gcj02;
  return std::nullopt;
}

bool is_valid_coordinate(GeoPoint p) {
  return std::isfinite(p.lat) && std::isfinite(p.lon) && p.lat >= -90 && p.lat <= 90 &&
         p.lon >= -180 && p.lon <= 180;
}

// ---- the locator ------------------------------------------------------------

struct Locator::Index {
  struct MicroGrid {
    Place place;
    Area area;
  };
  struct Name {
    std::string text;  // normalized
    std::size_t place;
  };
  std::vector<MicroGrid> micro_grids;  // jurisdiction order
  bgi::rtree<std::pair<Box, std::size_t>, bgi::rstar<8>> tree;
  CodeMap<std::size_t> micro_grid_by_code;
  std::vector<NamedPlace> places;
  CodeMap<std::size_t> place_by_code;
  std::vector<Name> names;  // longest first

  Place place_of(const NamedPlace& p) const {
    Place out = micro_grids[micro_grid_by_code.find(p.micro_grid)->second].place;
    out.building = p.code;
    return out;
  }
};

Result<Locator> Locator::make(const Jurisdiction& jurisdiction,
                              const std::vector<Boundary>& boundaries,
                              const std::vector<NamedPlace>& places) {
  const auto units = units_of(jurisdiction);
  std::vector<FieldError> errors;
  const auto fail = [&](const std::string& code, std::string message) {
    errors.push_back({code, std::move(message)});
  };

  // Each boundary alone.
  CodeMap<Area> areas;
  for (std::size_t i = 0; i < boundaries.size(); ++i) {
    const Boundary& b = boundaries[i];
    const std::string name = b.code.empty() ? "features[" + std::to_string(i) + "]" : b.code;
    if (b.code.empty()) {
      fail(name, "has no code");
      continue;
    }
    if (!units.contains(b.code)) {
      fail(name, "is not a community, grid or micro-grid code of the jurisdiction");
      continue;
    }
    if (areas.contains(b.code)) {
      fail(name, "has more than one boundary");
      continue;
    }
    Area area;
    if (auto problem = read_area(b, area)) {
      fail(name, *problem);
      continue;
    }
    areas.emplace(b.code, std::move(area));
  }
  for (const auto& [code, unit] : units) {
    if (unit.level == Level::micro_grid && !areas.contains(code))
      fail(code, "is a micro-grid without a boundary");
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end(),
              [](const FieldError& a, const FieldError& b) { return a.field < b.field; });
    return Error::invalid_fields(std::move(errors), "the boundaries are invalid");
  }

  // Each within its parent (when the parent has a boundary), no two of a level overlapping.
  std::vector<std::string> codes;
  for (const auto& [code, area] : areas) codes.push_back(code);
  std::sort(codes.begin(), codes.end());
  std::unordered_map<std::string, Box> boxes;
  for (const std::string& code : codes) boxes.emplace(code, envelope_of(areas[code]));
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const Unit& unit = units.find(codes[i])->second;
    const Area& area = areas.find(codes[i])->second;
    if (auto parent = areas.find(unit.parent); parent != areas.end()) {
      if (!bg::covered_by(area, parent->second))
        fail(codes[i], std::string("is not inside its ") +
                           level_name(units.find(unit.parent)->second.level) + " " + unit.parent);
    }
    for (std::size_t k = i + 1; k < codes.size(); ++k) {
      if (units.find(codes[k])->second.level != unit.level) continue;
      if (!bg::intersects(boxes[codes[i]], boxes[codes[k]])) continue;
      if (overlap(area, areas.find(codes[k])->second) > kOverlapTolerance)
        fail(codes[i], "overlaps " + codes[k]);
    }
  }

  auto index = std::make_shared<Index>();
  for (const std::string& c : jurisdiction.community_codes()) {
    for (const std::string& g : jurisdiction.grids_of(c)) {
      for (const std::string& m : jurisdiction.micro_grids_of(g)) {
        index->micro_grid_by_code.emplace(m, index->micro_grids.size());
        index->micro_grids.push_back({Place{c, g, m, ""}, areas[m]});
      }
    }
  }

  // The named places.
  CodeMap<std::string> name_owner;  // normalized name -> code
  for (std::size_t i = 0; i < places.size(); ++i) {
    const NamedPlace& p = places[i];
    const std::string name = p.code.empty() ? "places[" + std::to_string(i) + "]" : p.code;
    if (p.code.empty()) {
      fail(name, "has no code");
      continue;
    }
    if (units.contains(p.code)) {
      fail(name, "is a jurisdiction code; a building or residential area needs its own");
      continue;
    }
    if (index->place_by_code.contains(p.code)) {
      fail(name, "is used by two buildings or residential areas");
      continue;
    }
    const auto micro = index->micro_grid_by_code.find(p.micro_grid);
    if (micro == index->micro_grid_by_code.end()) {
      fail(name, "names micro_grid \"" + p.micro_grid + "\", which is not a micro-grid");
      continue;
    }
    if (p.point &&
        (!is_valid_coordinate(*p.point) ||
         !bg::covered_by(Pt(p.point->lon, p.point->lat), index->micro_grids[micro->second].area))) {
      fail(name, "has a point outside its micro-grid " + p.micro_grid);
      continue;
    }
    std::vector<std::string> texts{p.name};
    texts.insert(texts.end(), p.aliases.begin(), p.aliases.end());
    bool named = true;
    for (const std::string& t : texts) {
      std::string n = normalized(t);
      if (n.empty()) {
        fail(name, "has an empty name or alias");
        named = false;
      } else if (auto [it, fresh] = name_owner.emplace(n, p.code); !fresh) {
        fail(name, "shares the name \"" + t + "\" with " + it->second);
        named = false;
      } else {
        index->names.push_back({std::move(n), index->places.size()});
      }
    }
    if (!named) continue;
    index->place_by_code.emplace(p.code, index->places.size());
    index->places.push_back(p);
  }
  if (!errors.empty())
    return Error::invalid_fields(std::move(errors), "the boundaries are invalid");

  std::stable_sort(
      index->names.begin(), index->names.end(),
      [](const Index::Name& a, const Index::Name& b) { return a.text.size() > b.text.size(); });
  std::vector<std::pair<Box, std::size_t>> entries;
  for (std::size_t i = 0; i < index->micro_grids.size(); ++i)
    entries.emplace_back(envelope_of(index->micro_grids[i].area), i);
  index->tree = decltype(index->tree)(entries);  // bulk-loaded (packed)
  Locator out;
  out.index_ = std::move(index);
  return out;
}

std::optional<Place> Locator::at(GeoPoint wgs84) const {
  if (!index_ || !is_valid_coordinate(wgs84)) return std::nullopt;
  const Pt p(wgs84.lon, wgs84.lat);
  std::size_t best = index_->micro_grids.size();
  for (auto it = index_->tree.qbegin(bgi::intersects(p)); it != index_->tree.qend(); ++it) {
    if (it->second < best && bg::covered_by(p, index_->micro_grids[it->second].area))
      best = it->second;
  }
  if (best == index_->micro_grids.size()) return std::nullopt;
  return index_->micro_grids[best].place;
}

std::optional<Place> Locator::by_code(std::string_view code) const {
  if (!index_) return std::nullopt;
  if (auto m = index_->micro_grid_by_code.find(code); m != index_->micro_grid_by_code.end())
    return index_->micro_grids[m->second].place;
  if (const NamedPlace* p = named_place(code)) return index_->place_of(*p);
  return std::nullopt;
}

std::optional<Place> Locator::by_address(std::string_view address) const {
  if (!index_) return std::nullopt;
  const std::string text = normalized(address);
  for (const Index::Name& n : index_->names) {
    if (text.find(n.text) != std::string::npos) return index_->place_of(index_->places[n.place]);
  }
  return std::nullopt;
}

const NamedPlace* Locator::named_place(std::string_view code) const {
  if (!index_) return nullptr;
  auto it = index_->place_by_code.find(code);
  return it == index_->place_by_code.end() ? nullptr : &index_->places[it->second];
}

const std::vector<NamedPlace>& Locator::named_places() const {
  static const std::vector<NamedPlace> none;
  return index_ ? index_->places : none;
}

std::size_t Locator::micro_grid_count() const {
  return index_ ? index_->micro_grids.size() : 0;
}

}  // namespace outpost::directory
