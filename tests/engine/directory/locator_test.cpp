// The locator on typed values: the GCJ-02 transform on published pairs and
// its inverse, points and codes and addresses to micro-grids on a small
// hand-drawn jurisdiction, each problem of make() named by its code, and
// every shipped micro-grid found at a point inside it.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "engine/directory/jurisdiction.hpp"
#include "engine/directory/locator.hpp"
#include "tests/support/shipped_config.hpp"

namespace {

using namespace outpost;
using directory::Boundary;
using directory::GeoPoint;
using directory::Locator;
using directory::NamedPlace;
using directory::Place;

// Published WGS84 -> GCJ-02 pairs (lat, lon): the test table of googollee's
// eviltransform (Shanghai, Shenzhen, Beijing) and the example of wandergis's
// coordtransform README.
struct Pair {
  GeoPoint wgs, gcj;
};
const std::vector<Pair> kPublished{
    {{31.1774276, 121.5272106}, {31.17530398364597, 121.531541859215}},
    {{22.543847, 113.912316}, {22.540796131694766, 113.9171764808363}},
    {{39.911954, 116.377817}, {39.91334545536069, 116.38404722455657}},
    {{39.915, 116.404}, {39.91640428150164, 116.41024449916938}},
};

// A square ring, counter-clockwise, closed.
directory::Ring square(double lat0, double lon0, double lat1, double lon1) {
  return {{lat0, lon0}, {lat0, lon1}, {lat1, lon1}, {lat1, lon0}, {lat0, lon0}};
}

Boundary boundary(std::string code, directory::Ring ring) {
  return Boundary{std::move(code), {directory::Polygon{{std::move(ring)}}}};
}

// Community C: grid C-G1 (west half: micro-grids C-G1-M1 south, C-G1-M2
// north) and grid C-G2 (east half: C-G2-M1).
Jurisdiction small_jurisdiction() {
  return Jurisdiction::make("s", {{"C", {{"C-G1", {"C-G1-M1", "C-G1-M2"}}, {"C-G2", {"C-G2-M1"}}}}})
      .value();
}

std::vector<Boundary> small_boundaries() {
  return {boundary("C", square(30.0, 106.0, 30.2, 106.2)),
          boundary("C-G1", square(30.0, 106.0, 30.2, 106.1)),
          boundary("C-G1-M1", square(30.0, 106.0, 30.1, 106.1)),
          boundary("C-G1-M2", square(30.1, 106.0, 30.2, 106.1)),
          boundary("C-G2", square(30.0, 106.1, 30.2, 106.2)),
          boundary("C-G2-M1", square(30.0, 106.1, 30.2, 106.2))};
}

std::vector<NamedPlace> small_places() {
  return {{"C-AREA", "西山坪家属区", {}, "C-G1-M1", GeoPoint{30.05, 106.05}},
          {"C-AREA-3", "西山坪家属区3栋", {"西山坪家属区3号楼"}, "C-G1-M2", std::nullopt}};
}

Locator small_locator() {
  return Locator::make(small_jurisdiction(), small_boundaries(), small_places()).value();
}

// The message of make()'s error about `code`, or "" when there is none.
std::string problem_of(const Error& e, const std::string& code) {
  for (const FieldError& f : e.fields) {
    if (f.field == code) return f.message;
  }
  return "";
}

}  // namespace

TEST_SUITE("locator") {
  TEST_CASE("WGS84 to GCJ-02 gives the published pairs") {
    for (const Pair& p : kPublished) {
      const GeoPoint g = directory::wgs84_to_gcj02(p.wgs);
      CHECK(g.lat == doctest::Approx(p.gcj.lat).epsilon(1e-12));
      CHECK(g.lon == doctest::Approx(p.gcj.lon).epsilon(1e-12));
    }
  }

  TEST_CASE("GCJ-02 to WGS84 inverts the transform to under 1e-6 degrees") {
    for (const Pair& p : kPublished) {
      const GeoPoint w = directory::gcj02_to_wgs84(p.gcj);
      CHECK(std::fabs(w.lat - p.wgs.lat) < 1e-6);
      CHECK(std::fabs(w.lon - p.wgs.lon) < 1e-6);
    }
    // The shift is hundreds of metres: the inverse is not the identity.
    const GeoPoint here{29.83, 106.43};
    const GeoPoint there = directory::wgs84_to_gcj02(here);
    CHECK(std::fabs(there.lon - here.lon) > 1e-3);
    const GeoPoint back = directory::gcj02_to_wgs84(there);
    CHECK(std::fabs(back.lat - here.lat) < 1e-9);
    CHECK(std::fabs(back.lon - here.lon) < 1e-9);
  }

  TEST_CASE("points outside China are the same in both datums") {
    const GeoPoint london{51.5, -0.12};
    CHECK(directory::wgs84_to_gcj02(london).lat == london.lat);
    CHECK(directory::gcj02_to_wgs84(london).lon == london.lon);
    CHECK(directory::datum_named("GCJ02") == directory::Datum::gcj02);
    CHECK(directory::datum_named("wgs84") == directory::Datum::wgs84);
    CHECK_FALSE(directory::datum_named("bd09"));
  }

  TEST_CASE("a point resolves to the micro-grid containing it, with its grid and community") {
    const Locator l = small_locator();
    CHECK(l.at({30.05, 106.05}) == Place{"C", "C-G1", "C-G1-M1", ""});
    CHECK(l.at({30.15, 106.05}) == Place{"C", "C-G1", "C-G1-M2", ""});
    CHECK(l.at({30.15, 106.15}) == Place{"C", "C-G2", "C-G2-M1", ""});
    // On the edge between two: the first in document order.
    CHECK(l.at({30.1, 106.05}) == Place{"C", "C-G1", "C-G1-M1", ""});
    CHECK_FALSE(l.at({30.25, 106.05}));
    CHECK_FALSE(l.at({29.0, 107.0}));
    CHECK_FALSE(l.at({std::nan(""), 106.05}));
    CHECK_FALSE(Locator().at({30.05, 106.05}));
  }

  TEST_CASE("codes: a micro-grid or a building, nothing else") {
    const Locator l = small_locator();
    CHECK(l.by_code("C-G1-M2") == Place{"C", "C-G1", "C-G1-M2", ""});
    CHECK(l.by_code("C-AREA-3") == Place{"C", "C-G1", "C-G1-M2", "C-AREA-3"});
    CHECK_FALSE(l.by_code("C-G1"));
    CHECK_FALSE(l.by_code("nope"));
    REQUIRE(l.named_place("C-AREA") != nullptr);
    CHECK(l.named_place("C-AREA")->name == "西山坪家属区");
  }

  TEST_CASE("an address resolves by the longest known name in it") {
    const Locator l = small_locator();
    CHECK(l.by_address("重庆市北碚区西山坪家属区3栋2单元") ==
          Place{"C", "C-G1", "C-G1-M2", "C-AREA-3"});
    CHECK(l.by_address("西山坪家属区 ３栋") == Place{"C", "C-G1", "C-G1-M2", "C-AREA-3"});
    CHECK(l.by_address("西山坪家属区3号楼") == Place{"C", "C-G1", "C-G1-M2", "C-AREA-3"});
    CHECK(l.by_address("西山坪家属区13栋") == Place{"C", "C-G1", "C-G1-M1", "C-AREA"});
    CHECK_FALSE(l.by_address("解放碑"));
  }

  TEST_CASE("make names the code of each problem") {
    const Jurisdiction j = small_jurisdiction();
    SUBCASE("an open ring") {
      auto b = small_boundaries();
      b[2].polygons[0].rings[0].pop_back();
      b[2].polygons[0].rings[0].push_back({30.05, 106.0});
      auto r = Locator::make(j, b, {});
      REQUIRE_FALSE(r);
      CHECK(problem_of(r.error(), "C-G1-M1").find("not closed") != std::string::npos);
    }
    SUBCASE("an overlap between sibling micro-grids") {
      auto b = small_boundaries();
      b[3] = boundary("C-G1-M2", square(30.05, 106.0, 30.2, 106.1));
      auto r = Locator::make(j, b, {});
      REQUIRE_FALSE(r);
      CHECK(problem_of(r.error(), "C-G1-M1") == "overlaps C-G1-M2");
    }
    SUBCASE("a grid outside its community") {
      auto b = small_boundaries();
      b[4] = boundary("C-G2", square(30.0, 106.1, 30.2, 106.3));
      auto r = Locator::make(j, b, {});
      REQUIRE_FALSE(r);
      CHECK(problem_of(r.error(), "C-G2") == "is not inside its community C");
    }
    SUBCASE("an unknown code, and the micro-grid it leaves without a boundary") {
      auto b = small_boundaries();
      b[5].code = "C-G9-M1";
      auto r = Locator::make(j, b, {});
      REQUIRE_FALSE(r);
      CHECK(problem_of(r.error(), "C-G9-M1").find("is not a community, grid or micro-grid") !=
            std::string::npos);
      CHECK(problem_of(r.error(), "C-G2-M1") == "is a micro-grid without a boundary");
    }
    SUBCASE("a self-intersecting ring") {
      auto b = small_boundaries();
      b[5] = boundary("C-G2-M1",
                      {{30.0, 106.1}, {30.2, 106.2}, {30.0, 106.2}, {30.2, 106.1}, {30.0, 106.1}});
      auto r = Locator::make(j, b, {});
      REQUIRE_FALSE(r);
      CHECK(problem_of(r.error(), "C-G2-M1").find("is not a valid polygon") != std::string::npos);
    }
    SUBCASE("a clockwise ring is accepted as drawn") {
      auto b = small_boundaries();
      std::reverse(b[5].polygons[0].rings[0].begin(), b[5].polygons[0].rings[0].end());
      auto r = Locator::make(j, b, {});
      REQUIRE(r);
      CHECK(r.value().at({30.15, 106.15}) == Place{"C", "C-G2", "C-G2-M1", ""});
    }
    SUBCASE("a building outside its micro-grid, one in no micro-grid, a name used twice") {
      auto places = small_places();
      places[0].point = GeoPoint{30.15, 106.15};
      places.push_back({"C-X", "某楼", {}, "C-G7-M1", std::nullopt});
      places.push_back({"C-Y", "西山坪家属区3号楼", {}, "C-G1-M1", std::nullopt});
      auto r = Locator::make(j, small_boundaries(), places);
      REQUIRE_FALSE(r);
      CHECK(problem_of(r.error(), "C-AREA") == "has a point outside its micro-grid C-G1-M1");
      CHECK(problem_of(r.error(), "C-X").find("C-G7-M1") != std::string::npos);
      CHECK(problem_of(r.error(), "C-Y").find("C-AREA-3") != std::string::npos);
    }
  }

  TEST_CASE("every shipped micro-grid is found at the middle of its boundary") {
    const Locator& l = testing::shipped_config().locator;
    CHECK(l.micro_grid_count() == 155);
    const auto doc = testing::config_document("boundaries.geojson");
    int checked = 0;
    for (const auto& f : doc.at("features").as_array()) {
      const auto& props = f.at("properties").as_object();
      if (props.at("level").as_string() != "micro_grid") continue;
      const auto& ring = f.at("geometry").at("coordinates").at(0).as_array();
      GeoPoint mid;
      for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        mid.lon += ring[i].at(0).to_number<double>() / static_cast<double>(ring.size() - 1);
        mid.lat += ring[i].at(1).to_number<double>() / static_cast<double>(ring.size() - 1);
      }
      const std::string code(props.at("code").as_string());
      auto place = l.at(mid);
      REQUIRE_MESSAGE(place, code);
      CHECK(place->micro_grid == code);
      CHECK(place->grid ==
            std::string(testing::shipped_config().jurisdiction.grid_of_micro_grid(code)));
      ++checked;
    }
    CHECK(checked == 155);
    // The brief's example compound resolves into its grid.
    auto xsp = l.by_address("西山坪家属区3栋");
    REQUIRE(xsp);
    CHECK(xsp->grid == "LY-G02");
  }
}
