// File: adapters/http/session_auth.hpp
//
// The console's session cookie over HTTP (engine/access/sessions.hpp holds the
// rules): the cookie a login with {"session": true} sets, the check of that
// cookie on every request, the CSRF token on state-changing ones, and logout.
//
//   Set-Cookie: outpost_session=<secret>; Path=/; HttpOnly; SameSite=Strict[; Secure]
//
// Secure is added when the request reached the server over TLS, which the
// server learns from `X-Forwarded-Proto: https` sent by a trusted proxy (the
// server itself speaks plain HTTP; `trusted_proxy` says whose header counts).
// A request with the cookie and without an Authorization header is
// authenticated by the session; POST, PUT, PATCH and DELETE must then carry
// the session's CSRF token in X-CSRF-Token (compared in constant time), else
// 403 /problems/csrf and nothing happens. A session idle for
// policy.idle, or past its absolute expiry, is 401 /problems/session-expired.
//
//   SessionAuth sessions(stores.sessions, policy, is_loopback);
//   authenticator.use_sessions(&sessions);
//   return sessions.start(user, req);   // in the login handler
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/http/http_types.hpp"
#include "adapters/http/problem.hpp"
#include "engine/access/permissions.hpp"
#include "engine/access/sessions.hpp"
#include "engine/cases/case.hpp"

namespace outpost::http {

inline constexpr std::string_view kSessionCookie = "outpost_session";

class SessionAuth {
 public:
  // `trusted_proxy(peer address)`: whether that peer's X-Forwarded-Proto is believed.
  using TrustedProxy = std::function<bool(std::string_view peer)>;
  SessionAuth(SessionStore& store, SessionPolicy policy, TrustedProxy trusted_proxy);

  // nullopt when the request carries no session cookie; otherwise the
  // session's user, or 401 (unknown or ended session), 401 session-expired,
  // 403 csrf, or 503 when the database does not answer.
  std::optional<HttpResult<Actor>> authenticate(const HttpRequest& req);

  // The answer to a successful login with {"session": true}: 200 with
  // {user, actions, csrf_token, expires_at, idle_timeout_seconds} and the
  // cookie; `actions` are what `permissions` let the user's role do.
  HttpResponse start(const User& user, const HttpRequest& req, const Permissions& permissions);
  // The same body for the request's cookie (GET /api/v1/session), or 401.
  HttpResponse describe(const HttpRequest& req, const Permissions& permissions);
  // Logout by cookie: the session is revoked and the cookie cleared (204).
  HttpResponse end(const HttpRequest& req);

  const SessionPolicy& policy() const { return policy_; }

 private:
  // The session of the request's cookie, judged (and touched when active).
  HttpResult<Session> current(const HttpRequest& req, std::string_view secret);
  std::string cookie(std::string_view value, bool clear, const HttpRequest& req) const;

  SessionStore& store_;
  SessionPolicy policy_;
  TrustedProxy trusted_proxy_;
};

// The value of cookie `name` in the request's Cookie header, if any.
std::optional<std::string_view> cookie_value(const HttpRequest& req, std::string_view name);

}  // namespace outpost::http
