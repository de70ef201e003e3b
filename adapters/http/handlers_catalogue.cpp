// Catalogue routes: GET /api/v1/catalogue (the edition in force, ETag: its
// version), PUT /api/v1/catalogue (an admin replaces it; If-Match required:
// 428 without, 412 when stale; manage_catalogue in config/permissions.json)
// and GET /api/v1/catalogue/versions (who changed it when). The rules live in
// engine/directory/catalogue_service.hpp, the document's checks in
// adapters/config/catalogue_json.hpp.
#include <string>

#include <boost/json.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/case_json.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/idempotency.hpp"
#include "adapters/http/problem.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

HttpResponse edition_response(const CatalogueState& state) {
  return versioned_response(200, 0, state.edition.version, state.edition.document, "");
}

HttpResponse precondition_required() {
  const json::object body{
      {"type", "/problems/precondition-required"},
      {"title", "Precondition required"},
      {"status", 428},
      {"detail",
       "修改目录须带 If-Match（GET /api/v1/catalogue 的 ETag） (If-Match with the catalogue's "
       "ETag is required)"}};
  return HttpResponse{428, "application/problem+json", {}, json::serialize(body)};
}

HttpResponse get_catalogue(CatalogueService& catalogue) {
  if (Status s = catalogue.refresh(); !s) return problem(s.error());
  const auto state = catalogue.current();
  if (!state) return problem(Error::make(ErrorKind::unavailable, "the catalogue is not loaded"));
  return edition_response(*state);
}

HttpResponse put_catalogue(ApiContext& ctx, const HttpRequest& req) {
  return authenticated(ctx.auth, req, [&](const Actor& actor) {
    if (Status s = ctx.cases.permissions().check(Action::manage_catalogue, actor); !s) {
      return problem(s.error());
    }
    auto if_match = if_match_of(req);
    if (!if_match) return problem(if_match.error());
    if (!if_match.value()) return precondition_required();
    auto body = parse_json_body(req);
    if (!body) return problem(body.error());
    auto saved = ctx.catalogue->replace(actor, *if_match.value(), json::serialize(body.value()));
    if (!saved) return problem(saved.error());
    return edition_response(*saved.value());
  });
}

HttpResponse list_versions(ApiContext& ctx, const HttpRequest& req) {
  return authenticated(ctx.auth, req, [&](const Actor& actor) {
    auto editions = ctx.catalogue->editions(actor);
    if (!editions) return problem(editions.error());
    const auto state = ctx.catalogue->current();
    json::array items;
    for (const CatalogueEdition& e : editions.value()) {
      items.push_back(json::object{{"version", e.version},
                                   {"updated_by", e.updated_by},
                                   {"updated_at", format_rfc3339(e.updated_at)},
                                   {"in_force", state && state->edition.version == e.version}});
    }
    return json_response(200, json::object{{"items", std::move(items)}});
  });
}

}  // namespace

void register_catalogue_routes(Router& router, ApiContext& ctx) {
  if (ctx.catalogue == nullptr) return;
  router.add("GET", "/api/v1/catalogue", [&ctx](const HttpRequest& req, const PathParams&) {
    return authenticated(ctx.auth, req,
                         [&](const Actor&) { return get_catalogue(*ctx.catalogue); });
  });
  router.add("PUT", "/api/v1/catalogue",
             [&ctx](const HttpRequest& req, const PathParams&) { return put_catalogue(ctx, req); });
  router.add("GET", "/api/v1/catalogue/versions",
             [&ctx](const HttpRequest& req, const PathParams&) { return list_versions(ctx, req); });
}

}  // namespace outpost::http
