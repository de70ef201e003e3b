// GET /api/v1/session: who the caller is and what their role may do (the
// "actions" of config/permissions.json), for the console after a reload. With
// the session cookie: {user, actions, csrf_token, expires_at, idle_timeout_seconds}
// (adapters/http/session_auth.hpp); with a bearer token the same user object
// and nulls, as a token has no CSRF token and no idle time-out. The rest of the
// session's life (login, logout) is in handlers_users.cpp.
#include <boost/json/object.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/session_auth.hpp"
#include "adapters/http/user_json.hpp"

namespace outpost::http {
namespace {

HttpResponse bearer_session(ApiContext& ctx, const HttpRequest& req) {
  return authenticated(ctx.auth, req, [&](const Actor& actor) {
    auto found = ctx.accounts->find_credentials(actor.username);
    if (!found) return problem(found.error());
    if (!found.value()) return problem(Error::make(ErrorKind::unauthenticated, "no such user"));
    const User& user = found.value()->user;
    return json_response(
        200, boost::json::object{{"user", user_json(user)},
                                 {"actions", actions_json(ctx.cases.permissions(), user)},
                                 {"csrf_token", nullptr},
                                 {"expires_at", nullptr},
                                 {"idle_timeout_seconds", nullptr}});
  });
}

}  // namespace

void register_session_routes(Router& router, ApiContext& ctx) {
  if (ctx.accounts == nullptr) return;
  router.add("GET", "/api/v1/session", [&ctx](const HttpRequest& req, const PathParams&) {
    if (!req.header("authorization") && ctx.sessions &&
        cookie_value(req, kSessionCookie).has_value()) {
      return ctx.sessions->describe(req, ctx.cases.permissions());
    }
    return bearer_session(ctx, req);
  });
}

}  // namespace outpost::http
