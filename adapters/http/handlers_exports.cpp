// Export routes (case_export.hpp, docs/EXPORTS.md): GET /api/v1/exports/cases,
// /api/v1/exports/history and /api/v1/exports/ledger (ledger_rows.hpp), CSV,
// JSON lines or XLSX, streamed. The older
// GET /api/v1/exports/cases.jsonl (handlers_cases.cpp) keeps the list's own
// JSON shape.
#include <memory>

#include "adapters/http/api.hpp"
#include "adapters/http/case_export.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"

namespace outpost::http {

namespace {

class ExportRoutes {
 public:
  explicit ExportRoutes(ApiContext& ctx)
      : ctx_(ctx), labels_(ctx.workflows, ctx.catalogue_document, ctx.jurisdiction_document) {}

  HttpResponse download(const HttpRequest& req, ExportKind kind) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      auto request = read_export_request(req.query, req.header("accept"), kind);
      if (!request) return problem(request.error());
      if (Status s = admit_export(request.value(), ctx_.cases.permissions(), actor); !s) {
        return problem(s.error());
      }
      if (request.value().purpose && ctx_.privacy == nullptr) {
        return problem(Error::make(ErrorKind::forbidden, "this server reveals no personal data"));
      }
      const ExportFormat format = request.value().format;
      HttpResponse res{200, std::string(export_content_type(format)), {}, {}};
      const std::string filename = export_filename(request.value(), ctx_.cases.clock().now());
      // XLSX: a zh-CN name too, "人民调解台账-2026-12-06.xlsx".
      res.with_header("Content-Disposition",
                      format == ExportFormat::xlsx
                          ? content_disposition(filename, export_sheet_name(request.value()) +
                                                              filename.substr(filename.find('-')))
                          : "attachment; filename=\"" + filename + "\"");
      res.stream = export_body(ExportSources{ctx_.cases, ctx_.privacy, labels_,
                                             ctx_.statistics_classes, &ctx_.directory},
                               std::move(request.value()), actor);
      return res;
    });
  }

 private:
  ApiContext& ctx_;
  const ExportLabels labels_;
};

}  // namespace

void register_export_routes(Router& router, ApiContext& ctx) {
  auto routes = std::make_shared<ExportRoutes>(ctx);
  router.add("GET", "/api/v1/exports/cases", [routes](const HttpRequest& req, const PathParams&) {
    return routes->download(req, ExportKind::cases);
  });
  router.add("GET", "/api/v1/exports/history", [routes](const HttpRequest& req, const PathParams&) {
    return routes->download(req, ExportKind::history);
  });
  router.add("GET", "/api/v1/exports/ledger", [routes](const HttpRequest& req, const PathParams&) {
    return routes->download(req, ExportKind::ledger);
  });
}

}  // namespace outpost::http
