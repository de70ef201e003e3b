// Meta routes: liveness, readiness, workflows, catalogue, jurisdiction, OpenAPI.
#include <boost/json/value.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/case_json.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

// The handler `f`, run only for an authenticated caller; `f` needs no actor.
template <class F>
Handler authenticated_handler(ApiContext& ctx, F f) {
  return [&ctx, f](const HttpRequest& req, const PathParams& params) {
    return authenticated(ctx.auth, req, [&](const Actor&) { return f(req, params); });
  };
}

HttpResponse workflow(ApiContext& ctx, const HttpRequest& req, const PathParams& params) {
  const std::optional<CaseKind> kind = parse_case_kind(params.get("kind"));
  const Workflow* wf = kind ? ctx.workflows.find(*kind) : nullptr;
  if (!wf) return problem(Error::make(ErrorKind::not_found, "no workflow for this case kind"));
  const auto format = req.query_param("format").value_or("json");
  if (format == "json") return json_response(200, graph_to_json(wf->graph()));
  if (format == "dot")
    return HttpResponse{200, "text/vnd.graphviz; charset=utf-8", {}, to_dot(wf->graph())};
  if (format == "mermaid")
    return HttpResponse{200, "text/plain; charset=utf-8", {}, to_mermaid(wf->graph())};
  return problem(Error::invalid_field("format", "must be json, dot or mermaid"));
}

}  // namespace

void register_meta_routes(Router& router, ApiContext& ctx) {
  router.add("GET", "/healthz", [](const HttpRequest&, const PathParams&) {
    return json_response(200, json::object{{"status", "ok"}});
  });
  router.add("GET", "/readyz", [&ctx](const HttpRequest&, const PathParams&) {
    if (Status s = ctx.users.ping(); !s) {
      return problem(Error::make(ErrorKind::unavailable, "the database does not answer"));
    }
    return json_response(200, json::object{{"status", "ready"}});
  });
  router.add("GET", "/api/v1/workflows",
             authenticated_handler(ctx, [&ctx](const HttpRequest&, const PathParams&) {
               json::array items;
               for (const auto& wf : ctx.workflows.all())
                 items.push_back(graph_to_json(wf->graph()));
               return json_response(200, json::object{{"items", std::move(items)}});
             }));
  router.add("GET", "/api/v1/workflows/{kind}",
             authenticated_handler(ctx, [&ctx](const HttpRequest& req, const PathParams& p) {
               return workflow(ctx, req, p);
             }));
  if (ctx.catalogue == nullptr) {
    router.add("GET", "/api/v1/catalogue",
               authenticated_handler(ctx, [&ctx](const HttpRequest&, const PathParams&) {
                 return json_response(200, ctx.catalogue_document);
               }));
  }
  router.add("GET", "/api/v1/jurisdiction",
             authenticated_handler(ctx, [&ctx](const HttpRequest&, const PathParams&) {
               return json_response(200, ctx.jurisdiction_document);
             }));
  router.add("GET", "/api/v1/openapi.json",
             authenticated_handler(ctx, [](const HttpRequest&, const PathParams&) {
               return HttpResponse{200, "application/json", {}, std::string(openapi_document())};
             }));
}

void register_api(Router& router, ApiContext& ctx) {
  register_meta_routes(router, ctx);
  register_case_routes(router, ctx);
  register_directory_routes(router, ctx);
  register_annotation_routes(router, ctx);
  register_user_routes(router, ctx);
  register_session_routes(router, ctx);
  register_outbox_routes(router, ctx);
  register_privacy_routes(router, ctx);
  register_export_routes(router, ctx);
  register_audit_routes(router, ctx);
  register_report_routes(router, ctx);
  register_proof_routes(router, ctx);
  register_calendar_routes(router, ctx);
  register_locate_routes(router, ctx);
  register_catalogue_routes(router, ctx);
  register_import_routes(router, ctx);
  register_document_routes(router, ctx);
}

}  // namespace outpost::http
