// Report routes: GET /api/v1/reports/kpis (the figures of a period, grouped;
// engine/reports/kpi.hpp), GET /api/v1/reports/definitions (what each
// figure counts) and GET /api/v1/reports/statistics (the justice office's
// table by statistics class, engine/reports/statistics.hpp; JSON, CSV or
// XLSX). Who sees which cases is the engine's ReportService's
// business (permissions.json "reports").
#include <memory>

#include "adapters/export/xlsx.hpp"
#include "adapters/http/api.hpp"
#include "adapters/http/case_export.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/report_json.hpp"
#include "adapters/http/statistics_output.hpp"

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

HttpResponse statistics(ReportService& reports, const StatisticsClasses& classes,
                        Authenticator& auth, const HttpRequest& req) {
  return authenticated(auth, req, [&](const Actor& actor) {
    auto request = statistics_request_of(req.query);
    if (!request) return problem(request.error());
    const StatisticsQuery& q = request.value().query;
    auto result = reports.kpis(actor, q.kpi);
    if (!result) return problem(result.error());
    const StatisticsTable table = statistics_table(q, result.value(), classes);
    switch (request.value().format) {
      case StatisticsFormat::json:
        return json_response(200, statistics_json(q, table, classes));
      case StatisticsFormat::csv: {
        HttpResponse res{200, "text/csv; charset=utf-8; header=present", {}, statistics_csv(table)};
        res.with_header("Content-Disposition",
                        content_disposition(statistics_filename(request.value()),
                                            statistics_filename_zh(request.value())));
        return res;
      }
      case StatisticsFormat::xlsx:
        break;
    }
    auto bytes = statistics_xlsx(table);
    if (!bytes) return problem(bytes.error());
    HttpResponse res{200, std::string(xlsx::kContentType), {}, std::move(bytes.value())};
    res.with_header("Content-Disposition",
                    content_disposition(statistics_filename(request.value()),
                                        statistics_filename_zh(request.value())));
    return res;
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
  if (ctx.statistics_classes != nullptr) {
    const StatisticsClasses& classes = *ctx.statistics_classes;
    router.add("GET", "/api/v1/reports/statistics",
               [&reports, &classes, &auth](const HttpRequest& req, const PathParams&) {
                 return statistics(reports, classes, auth, req);
               });
  }
  router.add(
      "GET", "/api/v1/reports/definitions", [&auth](const HttpRequest& req, const PathParams&) {
        return authenticated(
            auth, req, [](const Actor&) { return json_response(200, kpi_definitions_json()); });
      });
}

}  // namespace outpost::http
