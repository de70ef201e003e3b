// config/boundaries.geojson: the shipped file loads, matches the jurisdiction
// and what scripts/make-boundaries.py writes; locator_from_geojson refuses an
// open ring, overlapping siblings, a grid outside its community, an unknown
// code and a malformed document, each problem named by its code or path;
// load_domain_config puts the file's name in front.
#include <doctest/doctest.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <boost/json.hpp>

#include "adapters/config/boundaries_json.hpp"
#include "tests/support/shipped_config.hpp"

namespace {

namespace json = boost::json;
using outpost::Error;
using outpost::config::locator_from_geojson;

const outpost::Jurisdiction& jurisdiction() {
  return outpost::testing::shipped_config().jurisdiction;
}

json::value boundaries() {
  return outpost::testing::config_document("boundaries.geojson");
}

json::object& feature(json::value& doc, const std::string& code) {
  for (auto& f : doc.at("features").as_array()) {
    if (f.at("properties").at("code").as_string() == code) return f.as_object();
  }
  FAIL("no feature " << code);
  throw std::logic_error("unreachable");
}

json::array& ring(json::value& doc, const std::string& code) {
  return feature(doc, code).at("geometry").at("coordinates").at(0).as_array();
}

// "field message" of every problem, joined by "; ".
std::string problems(const Error& e) {
  std::string out;
  for (const auto& f : e.fields) out += (out.empty() ? "" : "; ") + f.field + " " + f.message;
  return out;
}

std::string refused(const json::value& doc) {
  auto r = locator_from_geojson(doc, jurisdiction());
  REQUIRE_FALSE(r);
  return problems(r.error());
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_SUITE("boundaries_json") {
  TEST_CASE("the shipped boundaries load: 155 micro-grids, the named places") {
    const auto& locator = outpost::testing::shipped_config().locator;
    CHECK(locator.micro_grid_count() == jurisdiction().micro_grid_count());
    CHECK(locator.micro_grid_count() == 155);
    // Each compound of jurisdiction.json's grid "area"s is a named place in that grid.
    const json::value j = outpost::testing::config_document("jurisdiction.json");
    int areas = 0;
    for (const auto& c : j.at("communities").as_array()) {
      for (const auto& g : c.at("grids").as_array()) {
        const json::value* area = g.as_object().if_contains("area");
        if (area == nullptr) continue;
        auto place = locator.by_address(std::string(area->as_string()));
        REQUIRE_MESSAGE(place, area->as_string());
        CHECK(place->grid == std::string(g.at("code").as_string()));
        CHECK_FALSE(place->building.empty());
        ++areas;
      }
    }
    CHECK(areas == 5);
  }

  TEST_CASE("the shipped file is what scripts/make-boundaries.py writes") {
    const std::string cmd =
        "/usr/bin/python3 " OUTPOST_CONFIG_DIR "/../scripts/make-boundaries.py --check";
    CHECK(std::system(cmd.c_str()) == 0);
  }

  TEST_CASE("an open ring is refused, naming the micro-grid") {
    json::value doc = boundaries();
    auto& r = ring(doc, "LF-G02-M3");
    r.back() = r[2];
    CHECK(has(refused(doc), "LF-G02-M3 polygon 0 ring 0 is not closed"));
  }

  TEST_CASE("an overlap between sibling micro-grids is refused, naming both") {
    json::value doc = boundaries();
    ring(doc, "JS-G01-M4") = ring(doc, "JS-G01-M3");
    CHECK(has(refused(doc), "JS-G01-M3 overlaps JS-G01-M4"));
  }

  TEST_CASE("a micro-grid grown into its neighbour is refused, naming both") {
    json::value doc = boundaries();
    // Move one corner of LF-G01-M1 well into the next cell: the two overlap
    // and M1 leaves its grid.
    auto& r = ring(doc, "LF-G01-M1");
    auto& corner = r[2].as_array();
    corner[0] = corner[0].to_number<double>() + 0.0008;
    const std::string p = refused(doc);
    CHECK(has(p, "LF-G01-M1 overlaps LF-G01-M2"));
  }

  TEST_CASE("a grid outside its community is refused, naming the grid") {
    json::value doc = boundaries();
    for (auto& q : ring(doc, "LY-G04")) q.as_array()[1] = q.as_array()[1].to_number<double>() + 0.3;
    CHECK(has(refused(doc), "LY-G04 is not inside its community LY"));
  }

  TEST_CASE("an unknown code is refused, and the micro-grid left without a boundary named") {
    json::value doc = boundaries();
    feature(doc, "JS-G10-M4").at("properties").at("code") = "JS-G11-M1";
    const std::string p = refused(doc);
    CHECK(has(p, "JS-G11-M1 is not a community, grid or micro-grid code of the jurisdiction"));
    CHECK(has(p, "JS-G10-M4 is a micro-grid without a boundary"));
  }

  TEST_CASE("a malformed document is refused with the paths") {
    json::value doc = boundaries();
    auto& features = doc.at("features").as_array();
    features[0].at("geometry").at("type") = "LineString";
    features[1].at("properties").as_object().erase("code");
    features[2].at("properties").at("level") = "grid";  // LF-G01-M1 is a micro-grid
    features[3].at("geometry").at("coordinates").at(0).at(1) = json::array{106.4};
    const std::string p = refused(doc);
    CHECK(has(p, "features[0].geometry.type must be Polygon or MultiPolygon for LF"));
    CHECK(has(p, "features[1].properties.code"));
    CHECK(has(p, "features[2].properties.level LF-G01-M1 is a micro_grid of the jurisdiction"));
    CHECK(has(p, "features[3].geometry.coordinates[0][1] must be a position"));
    CHECK(refused(json::value{json::array{}}) == "$ must be a JSON object");
  }

  TEST_CASE("load_domain_config names the boundary file") {
    namespace fs = std::filesystem;
    const fs::path dir =
        fs::temp_directory_path() / ("outpost-bounds-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::copy(OUTPOST_CONFIG_DIR, dir, fs::copy_options::recursive);
    json::value doc = boundaries();
    ring(doc, "LF-G01-M1") = ring(doc, "LF-G01-M2");
    std::ofstream(dir / "other.geojson") << json::serialize(doc);
    auto r = outpost::config::load_domain_config(dir.string(), "calendar.json", "other.geojson");
    REQUIRE_FALSE(r);
    CHECK(has(r.error().message, "other.geojson"));
    CHECK(has(r.error().message, "LF-G01-M1 overlaps LF-G01-M2"));
    CHECK(outpost::config::load_domain_config(dir.string()));  // the shipped file still loads
    fs::remove_all(dir);
  }
}
