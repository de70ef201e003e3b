// GET /api/v1/jurisdiction/locate: a point (?lat=&long=[&datum=wgs84|gcj02]),
// a free address (?address=) or a micro-grid or building code (?code=) to
// the micro-grid it lies in, with the zh-CN names of its community, grid
// and micro-grid (and of the building or residential area named). Read by
// every signed-in user; the console's intake page fills its cascade with it.
// The resolver is the one create-case uses (case_location.hpp).
#include <charconv>
#include <cmath>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/case_location.hpp"
#include "adapters/http/export_labels.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

// A decimal number that is the whole of `s` (no white space, no "inf"/"nan").
std::optional<double> parse_degrees(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

struct LocateQuery {
  std::optional<std::string> lat, lon, datum, address, code;
};

Result<LocateQuery> locate_query_of(const HttpRequest& req) {
  LocateQuery q;
  Error err{ErrorKind::invalid, "the query has invalid parameters"};
  for (const auto& [name, value] : req.query) {
    std::optional<std::string>* slot = name == "lat"       ? &q.lat
                                       : name == "long"    ? &q.lon
                                       : name == "datum"   ? &q.datum
                                       : name == "address" ? &q.address
                                       : name == "code"    ? &q.code
                                                           : nullptr;
    if (slot == nullptr) {
      err.fields.push_back(
          {name, "is not a parameter of locate (lat, long, datum, address, code)"});
    } else if (slot->has_value()) {
      err.fields.push_back({name, "is given more than once"});
    } else {
      *slot = value;
    }
  }
  const int ways = (q.lat || q.lon ? 1 : 0) + (q.address ? 1 : 0) + (q.code ? 1 : 0);
  if (err.fields.empty() && ways != 1)
    err.fields.push_back({"query", "must give lat and long, or address, or code (one of them)"});
  if (!err.fields.empty()) return err;
  return q;
}

class LocateHandlers {
 public:
  explicit LocateHandlers(ApiContext& ctx)
      : ctx_(ctx), labels_(ctx.workflows, ctx.catalogue_document, ctx.jurisdiction_document) {}

  HttpResponse locate(const HttpRequest& req) {
    return authenticated(ctx_.auth, req, [&](const Actor&) {
      auto q = locate_query_of(req);
      if (!q) return problem(q.error());
      const LocateQuery& query = q.value();
      if (query.address) return answer(locator().by_address(*query.address), {}, "address");
      if (query.code) return answer(locator().by_code(*query.code), {}, "code");
      return at_point(query);
    });
  }

 private:
  ApiContext& ctx_;
  const ExportLabels labels_;

  const directory::Locator& locator() const { return *ctx_.locator; }

  HttpResponse at_point(const LocateQuery& q) {
    Error err{ErrorKind::invalid, "the query has invalid parameters"};
    std::optional<double> lat, lon;
    if (!q.lat) {
      err.fields.push_back({"lat", "is required with long"});
    } else if (lat = parse_degrees(*q.lat); !lat || *lat < -90 || *lat > 90) {
      err.fields.push_back({"lat", "must be a number from -90 to 90"});
    }
    if (!q.lon) {
      err.fields.push_back({"long", "is required with lat"});
    } else if (lon = parse_degrees(*q.lon); !lon || *lon < -180 || *lon > 180) {
      err.fields.push_back({"long", "must be a number from -180 to 180"});
    }
    const auto datum = q.datum ? directory::datum_named(*q.datum) : directory::Datum::wgs84;
    if (!datum) err.fields.push_back({"datum", "must be wgs84 or gcj02"});
    if (!err.fields.empty()) return problem(err);
    const directory::GeoPoint wgs84 = directory::to_wgs84({*lat, *lon}, *datum);
    return answer(locator().at(wgs84), wgs84, "point");
  }

  json::object named(std::string_view code) const {
    return {{"code", code}, {"name", labels_.place(code)}};
  }

  HttpResponse answer(const std::optional<directory::Place>& place,
                      std::optional<directory::GeoPoint> wgs84, std::string_view by) const {
    if (!place) {
      const std::string why =
          by == "point" ? "the point " + point_text(*wgs84) +
                              " (WGS84) lies in no micro-grid of the jurisdiction"
          : by == "address" ? "the address names no known residential area or building"
                            : "the code is no micro-grid, building or residential area";
      return problem(Error::make(ErrorKind::not_found, why));
    }
    json::object out{{"community", named(place->community)},
                     {"grid", named(place->grid)},
                     {"micro_grid", named(place->micro_grid)},
                     {"building", nullptr}};
    if (const directory::NamedPlace* b = locator().named_place(place->building))
      out["building"] = json::object{{"code", b->code}, {"name", b->name}};
    if (wgs84) out["wgs84"] = json::object{{"lat", wgs84->lat}, {"long", wgs84->lon}};
    return json_response(200, out);
  }
};

}  // namespace

void register_locate_routes(Router& router, ApiContext& ctx) {
  if (ctx.locator == nullptr) return;
  auto h = std::make_shared<LocateHandlers>(ctx);
  router.add("GET", "/api/v1/jurisdiction/locate",
             [h](const HttpRequest& req, const PathParams&) { return h->locate(req); });
}

}  // namespace outpost::http
