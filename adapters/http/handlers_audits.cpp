// Audit routes (docs/AUDITS.md): plan, list, read, apply an event, the sample,
// the history, the finding categories, the workflow's graph. Handlers only translate; the rules are
// AuditService's. Events, If-Match, Idempotency-Key and the 409 with allowed
// events mirror the case API.
#include <memory>

#include <boost/json/serialize.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/audit_json.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/idempotency.hpp"
#include "adapters/http/problem.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

// Audits keep their Idempotency-Keys apart from the case API's.
constexpr std::string_view kIdempotencyScope = "api:audits";
constexpr std::string_view kAuditLocation = "/api/v1/audits/";

class AuditRoutes {
 public:
  explicit AuditRoutes(AuditService& audits, Authenticator& auth) : audits_(audits), auth_(auth) {}

  HttpResponse create(const HttpRequest& req) {
    return authenticated(auth_, req, [&](const Actor& actor) {
      auto body = parse_json_body(req);
      if (!body) return problem(body.error());
      auto cmd = read_new_audit(body.value());
      if (!cmd) return problem(cmd.error());
      return idempotent(req, actor, 201, [&](const IdempotencyKey* idem) {
        return audits_.create(cmd.value(), actor, idem);
      });
    });
  }

  HttpResponse list(const HttpRequest& req) {
    return authenticated(auth_, req, [&](const Actor& actor) {
      return items_response(audits_.list(actor),
                            [&](const Audit& a) { return audit_to_json(a, view_of(a, actor)); });
    });
  }

  HttpResponse get(const HttpRequest& req, const PathParams& params) {
    return with_audit(req, params, [&](const Audit& a, const Actor& actor) {
      return versioned_response(200, a.id, a.version, render(a, actor), kAuditLocation);
    });
  }

  HttpResponse sample(const HttpRequest& req, const PathParams& params) {
    return with_audit(req, params, [&](const Audit& a, const Actor&) {
      if (!a.sample) {
        return problem(Error::make(ErrorKind::not_found, "the audit's sample is not drawn yet"));
      }
      return json_response(200, sample_to_json(a));
    });
  }

  HttpResponse apply_event(const HttpRequest& req, const PathParams& params) {
    return authenticated(auth_, req, [&](const Actor& actor) {
      auto id = case_id_of(params);
      if (!id) return problem(Error::make(ErrorKind::not_found, "no audit with this id"));
      auto if_match = if_match_of(req);
      if (!if_match) return problem(if_match.error());
      auto body = parse_json_body(req);
      if (!body) return problem(body.error());
      if (!body.value().is_object()) {
        return problem(Error::invalid_field("body", "must be a JSON object"));
      }
      auto cmd = read_audit_command(body.value().as_object());
      if (!cmd) return problem(cmd.error());
      cmd.value().if_match = if_match.value();
      return idempotent(req, actor, 200, [&](const IdempotencyKey* idem) {
        return audits_.apply(id.value(), cmd.value(), actor, idem);
      });
    });
  }

  HttpResponse history(const HttpRequest& req, const PathParams& params) {
    return authenticated(auth_, req, [&](const Actor& actor) {
      auto id = case_id_of(params);
      if (!id) return problem(Error::make(ErrorKind::not_found, "no audit with this id"));
      return items_response(audits_.history(id.value(), actor), [&](const AuditHistoryEntry& e) {
        return audit_history_to_json(e, audits_.workflow());
      });
    });
  }

  HttpResponse workflow(const HttpRequest& req) {
    return authenticated(auth_, req, [&](const Actor&) {
      return json_response(200, audit_graph_to_json(audits_.workflow().graph()));
    });
  }

  HttpResponse categories(const HttpRequest& req) {
    return authenticated(auth_, req, [&](const Actor&) {
      json::array items;
      for (const FindingCategory& c : audits_.categories()) {
        items.push_back({{"code", c.code}, {"label", c.label}});
      }
      return json_response(200, json::object{{"items", std::move(items)}});
    });
  }

 private:
  AuditView view_of(const Audit& a, const Actor& actor) {
    return AuditView{audits_.workflow(), audits_.categories(), audits_.allowed_events(a, actor)};
  }

  std::string render(const Audit& a, const Actor& actor) {
    return json::serialize(audit_to_json(a, view_of(a, actor)));
  }

  template <class F>
  HttpResponse with_audit(const HttpRequest& req, const PathParams& params, F&& f) {
    return authenticated(auth_, req, [&](const Actor& actor) {
      auto id = case_id_of(params);
      if (!id) return problem(Error::make(ErrorKind::not_found, "no audit with this id"));
      auto a = audits_.get(id.value(), actor);
      if (!a) return problem(a.error());
      return f(a.value(), actor);
    });
  }

  template <class Op>
  HttpResponse idempotent(const HttpRequest& req, const Actor& actor, int status, Op&& op) {
    const IdempotentResource<Audit> audits{
        kIdempotencyScope,
        kAuditLocation,
        [&](const IdempotencyKey& k) { return audits_.find_idempotent(k); },
        [&](const IdempotencyKey& k, std::string_view answer) {
          return audits_.save_idempotent_answer(k, answer);
        },
        [&](std::int64_t id) { return audits_.get(id, actor); },
        [&](const Audit& a) { return render(a, actor); },
        [&](std::int64_t id) -> Status {
          auto a = audits_.get(id, actor);
          if (!a) return a.error();
          return Ok{};
        }};
    return http::idempotent(audits, req, actor, status, std::forward<Op>(op));
  }

  AuditService& audits_;
  Authenticator& auth_;
};

}  // namespace

void register_audit_routes(Router& router, ApiContext& ctx) {
  if (ctx.audits == nullptr) return;
  auto routes = std::make_shared<AuditRoutes>(*ctx.audits, ctx.auth);
  router.add(
      "GET", "/api/v1/audits/finding-categories",
      [routes](const HttpRequest& req, const PathParams&) { return routes->categories(req); });
  router.add("GET", "/api/v1/audits/workflow",
             [routes](const HttpRequest& req, const PathParams&) { return routes->workflow(req); });
  router.add("POST", "/api/v1/audits",
             [routes](const HttpRequest& req, const PathParams&) { return routes->create(req); });
  router.add("GET", "/api/v1/audits",
             [routes](const HttpRequest& req, const PathParams&) { return routes->list(req); });
  router.add("GET", "/api/v1/audits/{id}",
             [routes](const HttpRequest& req, const PathParams& p) { return routes->get(req, p); });
  router.add("POST", "/api/v1/audits/{id}/events",
             [routes](const HttpRequest& req, const PathParams& p) {
               return routes->apply_event(req, p);
             });
  router.add(
      "GET", "/api/v1/audits/{id}/sample",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->sample(req, p); });
  router.add(
      "GET", "/api/v1/audits/{id}/history",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->history(req, p); });
}

}  // namespace outpost::http
