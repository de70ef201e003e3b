// Report routes: GET /api/v1/reports/kpis (the figures of a period, grouped;
// engine/reports/kpi.hpp) and GET /api/v1/reports/definitions (what each
// figure counts). Who sees which cases is the engine's ReportService's
// business (permissions.json "reports").
#include <memory>

#include "adapters/http/api.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/report_json.hpp"

namespace outpost::http {

namespace {

HttpResponse kpis(ReportService& reports, Authenticator& auth, const HttpRequest& req) {
  return authenticated(auth, req, [&](const Actor& actor) {
    auto query = kpi_query_of(req.query);
    if (!query) return problem(query.error());
    auto result = reports.kpis(actor, query.value());
    if (!result) return problem(result.error());
    return json_response(200, kpi_result_json(query.value(), result.value()));
  });
}

}  // namespace

void register_report_routes(Router& router, ApiContext& ctx) {
  if (ctx.reports == nullptr) return;
  ReportService& reports = *ctx.reports;
  Authenticator& auth = ctx.auth;
  router.add("GET", "/api/v1/reports/kpis",
             [&reports, &auth](const HttpRequest& req, const PathParams&) {
               return kpis(reports, auth, req);
             });
  router.add(
      "GET", "/api/v1/reports/definitions", [&auth](const HttpRequest& req, const PathParams&) {
        return authenticated(
            auth, req, [](const Actor&) { return json_response(200, kpi_definitions_json()); });
      });
}

}  // namespace outpost::http
