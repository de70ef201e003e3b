// Calendar routes: GET /health (what the running calendar lacks), GET
// /api/v1/calendar (the years it knows) and PUT /api/v1/calendar/{year}
// (an admin enters a year's holidays and make-up days; manage_calendar in
// config/permissions.json). The rules live in engine/deadlines/calendar_service.hpp,
// the body's shape and checks in adapters/config/calendar_json.hpp.
#include <string>

#include <boost/json.hpp>

#include "adapters/config/calendar_json.hpp"
#include "adapters/http/api.hpp"
#include "adapters/http/case_json.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

std::string_view status_name(YearStatus s) {
  switch (s) {
    case YearStatus::published:
      return "published";
    case YearStatus::not_published:
      return "not_published";
    case YearStatus::not_listed:
      break;
  }
  return "not_listed";
}

json::object year_json(const CalendarYearInfo& info) {
  json::object o{{"year", info.year},
                 {"status", status_name(info.status)},
                 {"origin", info.entered                            ? "database"
                            : info.status == YearStatus::not_listed ? "none"
                                                                    : "config"}};
  if (!info.entered) return o;
  const YearArrangement& a = info.entered->arrangement;
  json::array holidays, make_up_days;
  for (const HolidayRange& h : a.holidays) {
    holidays.push_back(
        json::object{{"name", h.name}, {"from", to_string(h.from)}, {"to", to_string(h.to)}});
  }
  for (LocalDate d : a.make_up_days) make_up_days.push_back(json::object{{"date", to_string(d)}});
  o["source"] = {{"title", a.source}};
  o["holidays"] = std::move(holidays);
  o["make_up_days"] = std::move(make_up_days);
  o["updated_by"] = info.entered->updated_by;
  o["updated_at"] = format_rfc3339(info.entered->updated_at);
  return o;
}

json::array years_json(const auto& years) {
  json::array out;
  for (int y : years) out.push_back(y);
  return out;
}

// {"status": "ok" | "degraded", "reasons": [...], "calendar": {...}}; 200 either
// way: the process answers (liveness is /healthz, the database /readyz).
HttpResponse health(const CalendarService& calendar) {
  const CalendarHealth h = calendar.health();
  json::array reasons;
  for (int y : h.years_missing) {
    reasons.push_back(json::string(
        "calendar: no public holidays entered for " + std::to_string(y) +
        " (国务院办公厅 notice); deadlines there count Monday to Friday as working days"));
  }
  for (int y : h.fallback_used) {
    reasons.push_back(json::string("calendar: a deadline was computed into " + std::to_string(y) +
                                   " without its public holidays (Monday to Friday)"));
  }
  const char* status = h.degraded() ? "degraded" : "ok";
  return json_response(200, json::object{{"status", status},
                                         {"reasons", std::move(reasons)},
                                         {"calendar",
                                          {{"status", status},
                                           {"years_missing", years_json(h.years_missing)},
                                           {"fallback_used", years_json(h.fallback_used)}}}});
}

HttpResponse put_year(ApiContext& ctx, const HttpRequest& req, const PathParams& params) {
  return authenticated(ctx.auth, req, [&](const Actor& actor) {
    if (Status s = ctx.cases.permissions().check(Action::manage_calendar, actor); !s) {
      return problem(s.error());
    }
    const std::string_view text = params.get("year");
    const auto year = text.size() == 4 ? parse_int(text) : std::nullopt;
    if (!year) {
      return problem(Error::make(ErrorKind::not_found, "a calendar year has four digits"));
    }
    auto body = parse_json_body(req);
    if (!body) return problem(body.error());
    auto arrangement = config::year_arrangement_from_json(static_cast<int>(*year), body.value());
    if (!arrangement) return problem(arrangement.error());
    auto saved = ctx.calendar->put_year(actor, std::move(arrangement.value()));
    if (!saved) return problem(saved.error());
    return json_response(
        200, year_json({saved.value().arrangement.year, YearStatus::published, saved.value()}));
  });
}

}  // namespace

void register_calendar_routes(Router& router, ApiContext& ctx) {
  if (ctx.calendar == nullptr) return;
  router.add("GET", "/health",
             [&ctx](const HttpRequest&, const PathParams&) { return health(*ctx.calendar); });
  router.add("GET", "/api/v1/calendar", [&ctx](const HttpRequest& req, const PathParams&) {
    return authenticated(ctx.auth, req, [&](const Actor&) {
      json::array items;
      for (const CalendarYearInfo& info : ctx.calendar->list()) items.push_back(year_json(info));
      return json_response(200, json::object{{"items", std::move(items)}});
    });
  });
  router.add("PUT", "/api/v1/calendar/{year}",
             [&ctx](const HttpRequest& req, const PathParams& p) { return put_year(ctx, req, p); });
}

}  // namespace outpost::http
