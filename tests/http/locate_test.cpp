// Locations over HTTP: GET /api/v1/jurisdiction/locate and a case created
// with a point or a building instead of codes resolve to the micro-grid of
// config/boundaries.geojson that contains them (WGS84, or GCJ-02 converted
// first); a point in no micro-grid and bad coordinates are refused and store
// nothing; a boundary file with an open ring, an overlap, a grid outside its
// community or an unknown code stops `outpost serve`, naming the code.
#include <unistd.h>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>

#include "engine/directory/locator.hpp"
#include "tests/http/fixtures.hpp"

using namespace outpost::testing;
using outpost::directory::GeoPoint;

namespace {

json::value shipped(const std::string& name) {
  std::ifstream in(std::string(OUTPOST_SOURCE_DIR) + "/config/" + name, std::ios::binary);
  REQUIRE(in);
  return json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
}

const json::object& feature(const json::value& doc, const std::string& code) {
  for (const auto& f : doc.at("features").as_array()) {
    if (text(f.at("properties").at("code")) == code) return f.as_object();
  }
  FAIL("no feature " << code);
  throw std::logic_error("unreachable");
}

// The mean of a micro-grid's vertices: inside it (its cells are convex-ish quadrilaterals).
GeoPoint middle_of(const json::value& doc, const std::string& code) {
  const auto& ring = feature(doc, code).at("geometry").at("coordinates").at(0).as_array();
  GeoPoint p;
  const double n = static_cast<double>(ring.size() - 1);
  for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
    p.lon += ring[i].at(0).to_number<double>() / n;
    p.lat += ring[i].at(1).to_number<double>() / n;
  }
  return p;
}

std::string num(double v) {
  char s[32];
  std::snprintf(s, sizeof s, "%.9f", v);
  return s;
}

std::string percent_encoded(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%%%02X", c);
    out += std::isalnum(c) ? std::string(1, static_cast<char>(c)) : std::string(hex);
  }
  return out;
}

std::string locate_point(GeoPoint p, const std::string& datum = "") {
  return "/api/v1/jurisdiction/locate?lat=" + num(p.lat) + "&long=" + num(p.lon) +
         (datum.empty() ? "" : "&datum=" + datum);
}

// The jurisdiction's name of a code (jurisdiction.json).
std::string name_of(const std::string& code) {
  const json::value doc = shipped("jurisdiction.json");
  for (const auto& c : doc.at("communities").as_array()) {
    if (text(c.at("code")) == code) return text(c.at("name"));
    for (const auto& g : c.at("grids").as_array()) {
      if (text(g.at("code")) == code) return text(g.at("name"));
      for (const auto& m : g.at("micro_grids").as_array())
        if (text(m.at("code")) == code) return text(m.at("name"));
    }
  }
  return "";
}

// A request body located only by `location`.
json::object located_body(json::object location) {
  json::object body = request_body();
  body["location"] = std::move(location);
  return body;
}

// The message of the 422's error about `field`, or nullopt.
std::optional<std::string> field_message(const Response& r, const std::string& field) {
  const json::value body = r.json();
  for (const auto& e : body.at("errors").as_array()) {
    if (text(e.at("field")) == field) return text(e.at("message"));
  }
  return std::nullopt;
}

std::string cases_fingerprint(const TestDatabase& db) {
  return std::to_string(db.query_int("SELECT count(*) FROM cases")) + "/" +
         std::to_string(db.query_int("SELECT count(*) FROM history"));
}

}  // namespace

TEST_SUITE("http_locate") {
  TEST_CASE("a point in each of several micro-grids resolves to it, over locate and create") {
    TestServer t;
    const json::value doc = shipped("boundaries.geojson");
    for (const std::string code : {"LF-G01-M1", "LF-G06-M3", "LF-G13-M4", "LY-G02-M3", "LY-G12-M4",
                                   "JS-G04-M5", "JS-G10-M1"}) {
      CAPTURE(code);
      const GeoPoint p = middle_of(doc, code);
      auto r = t.client.get(locate_point(p));
      REQUIRE_MESSAGE(r.status == 200, r.body);
      const json::value place = r.json();
      CHECK(text(place.at("micro_grid").at("code")) == code);
      CHECK(text(place.at("micro_grid").at("name")) == name_of(code));
      const std::string grid = code.substr(0, code.rfind('-'));
      CHECK(text(place.at("grid").at("code")) == grid);
      CHECK(text(place.at("grid").at("name")) == name_of(grid));
      CHECK(text(place.at("community").at("code")) == code.substr(0, 2));
      CHECK(place.at("building").is_null());

      const auto id = t.create_case(located_body({{"lat", p.lat}, {"long", p.lon}}));
      const json::value c = t.get_case(id);
      CHECK(text(c.at("location").at("community")) == code.substr(0, 2));
      CHECK(text(c.at("location").at("grid")) == grid);
      CHECK(text(c.at("location").at("micro_grid")) == code);
    }
  }

  TEST_CASE("a point in no micro-grid is refused and stores nothing") {
    TestServer t;
    const std::string before = cases_fingerprint(t.db);
    auto r = t.client.get(locate_point({29.5, 106.0}));
    CHECK(r.status == 404);
    CHECK(r.body.find("no micro-grid") != std::string::npos);

    r = t.client.post_json("/api/v1/cases", located_body({{"lat", 29.5}, {"long", 106.0}}));
    REQUIRE_MESSAGE(r.status == 422, r.body);
    const auto message = field_message(r, "location");
    REQUIRE(message);
    CHECK(message->find("no micro-grid") != std::string::npos);
    // The codes it lacks are not reported besides: the point was the problem.
    CHECK_FALSE(field_message(r, "location.community"));
    CHECK(cases_fingerprint(t.db) == before);
  }

  TEST_CASE("GCJ-02 resolves like its WGS84 twin, and differs without the datum") {
    TestServer t;
    const json::value doc = shipped("boundaries.geojson");
    for (const std::string code : {"LF-G05-M2", "LY-G07-M1", "JS-G02-M4"}) {
      CAPTURE(code);
      const GeoPoint wgs = middle_of(doc, code);
      const GeoPoint gcj = outpost::directory::wgs84_to_gcj02(wgs);
      auto r = t.client.get(locate_point(gcj, "gcj02"));
      REQUIRE_MESSAGE(r.status == 200, r.body);
      CHECK(text(r.json().at("micro_grid").at("code")) == code);
      CHECK(r.json().at("wgs84").at("lat").as_double() == doctest::Approx(wgs.lat).epsilon(1e-9));
      CHECK(r.json().at("wgs84").at("long").as_double() == doctest::Approx(wgs.lon).epsilon(1e-9));
      // Taken as WGS84 the same numbers are hundreds of metres off.
      r = t.client.get(locate_point(gcj));
      CHECK((r.status == 404 || text(r.json().at("micro_grid").at("code")) != code));

      const auto id =
          t.create_case(located_body({{"lat", gcj.lat}, {"long", gcj.lon}, {"datum", "gcj02"}}));
      CHECK(text(t.get_case(id).at("location").at("micro_grid")) == code);
    }
  }

  TEST_CASE("a building or residential area, by code or named in an address") {
    TestServer t;
    const json::value doc = shipped("boundaries.geojson");
    const auto& building = feature(doc, "LY-XSP-03").at("properties").as_object();
    const std::string micro = text(building.at("micro_grid"));
    const std::string name = text(building.at("name"));

    auto r = t.client.get("/api/v1/jurisdiction/locate?address=" +
                          percent_encoded("重庆市北碚区 " + name + "2单元"));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(text(r.json().at("building").at("code")) == "LY-XSP-03");
    CHECK(text(r.json().at("building").at("name")) == name);
    CHECK(text(r.json().at("micro_grid").at("code")) == micro);
    r = t.client.get("/api/v1/jurisdiction/locate?code=LY-XSP-03");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(text(r.json().at("micro_grid").at("code")) == micro);
    r = t.client.get("/api/v1/jurisdiction/locate?code=LY-G02");  // a grid: not an address id
    CHECK(r.status == 404);

    const auto id = t.create_case(located_body({{"building", "LY-XSP-03"}}));
    const json::value c = t.get_case(id);
    CHECK(text(c.at("location").at("micro_grid")) == micro);
    CHECK(text(c.at("location").at("grid")) == "LY-G02");
    CHECK(text(c.at("location").at("community")) == "LY");
    CHECK(text(c.at("location").at("address")) == name);
  }

  TEST_CASE("bad coordinates, datums, parameters and contradicting codes are refused") {
    TestServer t;
    const std::string before = cases_fingerprint(t.db);
    const auto check_field = [&](const Response& r, const std::string& field) {
      CAPTURE(r.body);
      REQUIRE(r.status == 422);
      CHECK(field_message(r, field));
    };
    check_field(t.client.get("/api/v1/jurisdiction/locate?lat=abc&long=106.43"), "lat");
    check_field(t.client.get("/api/v1/jurisdiction/locate?lat=95&long=106.43"), "lat");
    check_field(t.client.get("/api/v1/jurisdiction/locate?lat=29.83&long=200"), "long");
    check_field(t.client.get("/api/v1/jurisdiction/locate?lat=29.83"), "long");
    check_field(t.client.get("/api/v1/jurisdiction/locate?lat=29.83&long=106.43&datum=bd09"),
                "datum");
    check_field(t.client.get("/api/v1/jurisdiction/locate?code=LF-G01-M1&address=x"), "query");
    check_field(t.client.get("/api/v1/jurisdiction/locate?code=a&code=b"), "code");
    check_field(t.client.get("/api/v1/jurisdiction/locate?near=1"), "near");
    CHECK(t.server.client().get("/api/v1/jurisdiction/locate?code=LF-G01-M1").status == 200);
    CHECK(t.server.client("nobody").get("/api/v1/jurisdiction/locate?code=LF-G01-M1").status ==
          401);

    const json::value doc = shipped("boundaries.geojson");
    const GeoPoint p = middle_of(doc, "LY-G02-M3");
    const auto post = [&](json::object location) {
      return t.client.post_json("/api/v1/cases", located_body(std::move(location)));
    };
    check_field(post({{"lat", "29.83"}, {"long", p.lon}}), "location.lat");
    check_field(post({{"lat", 91}, {"long", p.lon}}), "location.lat");
    check_field(post({{"lat", p.lat}}), "location.long");
    check_field(post({{"lat", p.lat}, {"long", p.lon}, {"datum", "bd09"}}), "location.datum");
    check_field(post({{"building", "XX-NOPE"}}), "location.building");
    check_field(post({{"lat", p.lat}, {"long", p.lon}, {"building", "LF-HQC-01"}}),
                "location.building");
    const auto contradicted = post({{"lat", p.lat}, {"long", p.lon}, {"grid", "LY-G01"}});
    check_field(contradicted, "location.grid");
    CHECK(field_message(contradicted, "location.grid") ==
          std::optional<std::string>("is LY-G01, but the point lies in LY-G02"));
    CHECK(cases_fingerprint(t.db) == before);
  }
}

TEST_SUITE("http_locate_config") {
  namespace fs = std::filesystem;

  // `outpost serve` with the shipped config but boundaries.geojson changed by `edit`.
  CommandResult serve_with(const std::string& tag, const std::function<void(json::value&)>& edit) {
    TestDatabase db;
    const fs::path dir =
        fs::temp_directory_path() / ("outpost-bounds-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::copy(OUTPOST_SOURCE_DIR "/config", dir, fs::copy_options::recursive);
    json::value doc = shipped("boundaries.geojson");
    edit(doc);
    std::ofstream(dir / "boundaries.geojson", std::ios::trunc) << json::serialize(doc);
    auto r = run_outpost({"serve", "--database", db.url(), "--listen", "127.0.0.1:0"},
                         {{"OUTPOST_CONFIG_DIR", dir.string()}});
    fs::remove_all(dir);
    return r;
  }

  json::array& ring_of(json::value & doc, const std::string& code) {
    for (auto& f : doc.at("features").as_array()) {
      if (text(f.at("properties").at("code")) == code)
        return f.at("geometry").at("coordinates").at(0).as_array();
    }
    FAIL("no feature " << code);
    throw std::logic_error("unreachable");
  }

  void check_stopped(const CommandResult& r, const std::string& code, const std::string& why) {
    CAPTURE(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("boundaries.geojson") != std::string::npos);
    CHECK(r.output.find(code + " " + why) != std::string::npos);
  }

  TEST_CASE("an open ring stops the start, naming the micro-grid") {
    auto r = serve_with("open", [](json::value& doc) {
      auto& ring = ring_of(doc, "LF-G01-M2");
      ring.back() = ring[1];  // the last point no longer repeats the first
    });
    check_stopped(r, "LF-G01-M2", "polygon 0 ring 0 is not closed");
  }

  TEST_CASE("an overlap between sibling micro-grids stops the start, naming both") {
    auto r = serve_with("overlap", [](json::value& doc) {
      ring_of(doc, "LY-G03-M2") = ring_of(doc, "LY-G03-M1");  // two micro-grids on one spot
    });
    check_stopped(r, "LY-G03-M1", "overlaps LY-G03-M2");
  }

  TEST_CASE("a grid outside its community stops the start, naming the grid") {
    auto r = serve_with("outside", [](json::value& doc) {
      for (auto& p : ring_of(doc, "JS-G05"))
        p.as_array()[0] = p.as_array()[0].to_number<double>() + 0.5;
    });
    check_stopped(r, "JS-G05", "is not inside its community JS");
  }

  TEST_CASE("an unknown code stops the start, naming it") {
    auto r = serve_with("unknown", [](json::value& doc) {
      doc.at("features").as_array()[5].at("properties").at("code") = "LF-G99-M1";
    });
    check_stopped(r, "LF-G99-M1",
                  "is not a community, grid or micro-grid code of the jurisdiction");
  }
}
