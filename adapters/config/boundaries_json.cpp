#include "adapters/config/boundaries_json.hpp"

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/config/json_fields.hpp"

namespace outpost::config {
namespace {

namespace json = boost::json;
using directory::GeoPoint;

constexpr std::array<std::string_view, 3> kAreaLevels{"community", "grid", "micro_grid"};
constexpr std::array<std::string_view, 2> kPlaceLevels{"residential_area", "building"};

bool one_of(std::string_view s, const auto& list) {
  for (std::string_view x : list) {
    if (x == s) return true;
  }
  return false;
}

// The level the jurisdiction gives `code`, or empty when it is none of its codes.
std::string_view level_of(const Jurisdiction& j, std::string_view code) {
  if (j.has_community(code)) return "community";
  if (!j.community_of_grid(code).empty()) return "grid";
  if (!j.grid_of_micro_grid(code).empty()) return "micro_grid";
  return {};
}

class BoundaryReader : public JsonFields {
 public:
  explicit BoundaryReader(const Jurisdiction& j) : jurisdiction_(j) {}

  std::vector<directory::Boundary> boundaries;
  std::vector<directory::NamedPlace> places;

  void read(const json::value& v) {
    const json::object* root = object_at(v, "$");
    if (root == nullptr) return;
    const json::value* type = root->if_contains("type");
    if (type == nullptr || !type->is_string() || type->get_string() != "FeatureCollection")
      fail("type", "must be \"FeatureCollection\"");
    const json::array* list = array(root->if_contains("features"), "features");
    if (list == nullptr) return;
    for (std::size_t i = 0; i < list->size(); ++i)
      feature((*list)[i], "features[" + std::to_string(i) + "]");
  }

 private:
  const Jurisdiction& jurisdiction_;

  void feature(const json::value& v, const std::string& path) {
    const json::object* f = object_at(v, path);
    if (f == nullptr) return;
    const json::value* props = f->if_contains("properties");
    const json::object* p = props ? object_at(*props, path + ".properties") : nullptr;
    if (props == nullptr) fail(path + ".properties", "must be a JSON object");
    if (p == nullptr) return;
    const std::string where = path + ".properties";
    std::string code = text(*p, "code", where);
    std::string level = text(*p, "level", where);
    const json::value* g = f->if_contains("geometry");
    const json::object* geometry = g ? object_at(*g, path + ".geometry") : nullptr;
    if (g == nullptr) fail(path + ".geometry", "must be a JSON object");
    if (code.empty() || level.empty() || geometry == nullptr) return;
    if (one_of(level, kAreaLevels)) {
      const std::string_view known = level_of(jurisdiction_, code);
      if (!known.empty() && known != level) {
        fail(where + ".level",
             code + " is a " + std::string(known) + " of the jurisdiction, not a " + level);
        return;
      }
      area(*geometry, path + ".geometry", std::move(code));
    } else if (one_of(level, kPlaceLevels)) {
      place(*p, *geometry, path, std::move(code));
    } else {
      fail(where + ".level",
           "must be community, grid, micro_grid, residential_area or building, not \"" + level +
               "\"");
    }
  }

  void area(const json::object& geometry, const std::string& path, std::string code) {
    const json::value* type = geometry.if_contains("type");
    const json::value* coordinates = geometry.if_contains("coordinates");
    const std::string_view kind =
        type && type->is_string() ? std::string_view(type->get_string()) : std::string_view();
    if (kind != "Polygon" && kind != "MultiPolygon") {
      fail(path + ".type", "must be Polygon or MultiPolygon for " + code);
      return;
    }
    directory::Boundary b{std::move(code), {}};
    const json::array* list = array(coordinates, path + ".coordinates");
    if (list == nullptr) return;
    if (kind == "Polygon") {
      if (!polygon(*list, path + ".coordinates", b.polygons.emplace_back())) return;
    } else {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string at = path + ".coordinates[" + std::to_string(i) + "]";
        const json::array* rings = (*list)[i].if_array();
        if (rings == nullptr) {
          fail(at, "must be an array of rings");
          return;
        }
        if (!polygon(*rings, at, b.polygons.emplace_back())) return;
      }
    }
    boundaries.push_back(std::move(b));
  }

  bool polygon(const json::array& rings, const std::string& path, directory::Polygon& out) {
    for (std::size_t r = 0; r < rings.size(); ++r) {
      const std::string at = path + "[" + std::to_string(r) + "]";
      const json::array* points = rings[r].if_array();
      if (points == nullptr) {
        fail(at, "must be an array of positions");
        return false;
      }
      directory::Ring& ring = out.rings.emplace_back();
      for (std::size_t k = 0; k < points->size(); ++k) {
        auto q = position((*points)[k], at + "[" + std::to_string(k) + "]");
        if (!q) return false;
        ring.push_back(*q);
      }
    }
    return true;
  }

  // A GeoJSON position [longitude, latitude, (altitude)].
  std::optional<GeoPoint> position(const json::value& v, const std::string& path) {
    const json::array* a = v.if_array();
    if (a == nullptr || a->size() < 2 || !(*a)[0].is_number() || !(*a)[1].is_number()) {
      fail(path, "must be a position [longitude, latitude]");
      return std::nullopt;
    }
    return GeoPoint{(*a)[1].to_number<double>(), (*a)[0].to_number<double>()};
  }

  void place(const json::object& p, const json::object& geometry, const std::string& path,
             std::string code) {
    const std::string where = path + ".properties";
    directory::NamedPlace out{
        std::move(code), text(p, "name", where), {}, text(p, "micro_grid", where), std::nullopt};
    if (const json::value* aliases = p.if_contains("aliases")) {
      const json::array* list = array(aliases, where + ".aliases");
      for (std::size_t i = 0; list != nullptr && i < list->size(); ++i) {
        if ((*list)[i].is_string()) {
          out.aliases.emplace_back((*list)[i].get_string());
        } else {
          fail(where + ".aliases[" + std::to_string(i) + "]", "must be a string");
        }
      }
    }
    const json::value* type = geometry.if_contains("type");
    if (type == nullptr || !type->is_string() || type->get_string() != "Point") {
      fail(path + ".geometry.type", "must be Point for " + out.code);
      return;
    }
    const json::value* coordinates = geometry.if_contains("coordinates");
    if (coordinates == nullptr) {
      fail(path + ".geometry.coordinates", "must be a position [longitude, latitude]");
      return;
    }
    out.point = position(*coordinates, path + ".geometry.coordinates");
    if (out.point) places.push_back(std::move(out));
  }
};

}  // namespace

Result<directory::Locator> locator_from_geojson(const json::value& doc,
                                                const Jurisdiction& jurisdiction) {
  constexpr const char* kInvalid = "the boundary document is invalid";
  BoundaryReader reader(jurisdiction);
  reader.read(doc);
  if (Status s = reader.outcome(kInvalid); !s) return s.error();
  return reader.conclude(directory::Locator::make(jurisdiction, reader.boundaries, reader.places),
                         kInvalid);
}

}  // namespace outpost::config
