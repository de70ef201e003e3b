#include "adapters/http/session_auth.hpp"

#include <sodium.h>

#include <chrono>

#include <spdlog/spdlog.h>
#include <boost/json/object.hpp>

#include "adapters/http/handler_support.hpp"
#include "adapters/http/user_json.hpp"
#include "engine/cases/audit_chain.hpp"

namespace outpost::http {
namespace {

Millis now_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool changes_state(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// Equal in time independent of where they differ (the lengths are public).
bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

boost::json::object session_json(const User& user, const std::string& csrf, Millis expires_at,
                                 const SessionPolicy& policy, const Permissions& permissions) {
  return {{"user", user_json(user)},
          {"actions", actions_json(permissions, user)},
          {"csrf_token", csrf},
          {"expires_at", format_rfc3339(expires_at)},
          {"idle_timeout_seconds",
           std::chrono::duration_cast<std::chrono::seconds>(policy.idle).count()}};
}

}  // namespace

std::optional<std::string_view> cookie_value(const HttpRequest& req, std::string_view name) {
  std::optional<std::string_view> found;
  for (const auto& [key, value] : req.headers) {
    if (key != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty() && !found) {
      const std::size_t semicolon = rest.find(';');
      const std::string_view pair = trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) found = pair.substr(eq + 1);
    }
  }
  return found;
}

SessionAuth::SessionAuth(SessionStore& store, SessionPolicy policy, TrustedProxy trusted_proxy)
    : store_(store), policy_(policy), trusted_proxy_(std::move(trusted_proxy)) {}

HttpResult<Session> SessionAuth::current(const HttpRequest& req, std::string_view secret) {
  const std::string hash = sha256_hex(secret);
  auto found = store_.find_session(hash);
  if (!found) return HttpProblem(found.error());
  if (!found.value()) {
    return HttpProblem(
        Error::make(ErrorKind::unauthenticated, "the session has ended: sign in again"));
  }
  const Session& session = *found.value();
  const Millis now = now_millis();
  if (judge_session(session, policy_, now) != SessionState::active) {
    spdlog::info("session of user '{}' expired ({} {})", session.user.username, req.method,
                 req.path);
    return HttpProblem(HttpRefusal::session_expired, "the session has expired: sign in again");
  }
  if (now - session.last_seen >= touch_interval(policy_).count()) {
    if (Status s = store_.touch_session(hash, now); !s) return HttpProblem(s.error());
  }
  return session;
}

std::optional<HttpResult<Actor>> SessionAuth::authenticate(const HttpRequest& req) {
  const auto secret = cookie_value(req, kSessionCookie);
  if (!secret) return std::nullopt;
  auto session = current(req, *secret);
  if (!session) return HttpResult<Actor>(session.error());
  if (changes_state(req.method) &&
      !same_secret(req.header("x-csrf-token").value_or(""), csrf_token_of(*secret))) {
    spdlog::warn("{} {} refused: no or wrong CSRF token for the session of user '{}'", req.method,
                 req.path, session.value().user.username);
    return HttpResult<Actor>(HttpProblem(
        HttpRefusal::csrf_rejected, "send the session's CSRF token in the X-CSRF-Token header"));
  }
  const User& u = session.value().user;
  return HttpResult<Actor>(Actor{u.id, u.username, u.role, u.department, u.grid});
}

HttpResponse SessionAuth::start(const User& user, const HttpRequest& req,
                                const Permissions& permissions) {
  auto started = start_session(store_, user, policy_, now_millis());
  if (!started) return problem(started.error());
  const StartedSession& s = started.value();
  return json_response(200, session_json(user, s.csrf_token, s.expires_at, policy_, permissions))
      .with_header("Set-Cookie", cookie(s.secret, false, req));
}

HttpResponse SessionAuth::describe(const HttpRequest& req, const Permissions& permissions) {
  const auto secret = cookie_value(req, kSessionCookie);
  if (!secret) return problem(Error::make(ErrorKind::unauthenticated, "no session cookie"));
  auto session = current(req, *secret);
  if (!session) return problem(session.error());
  return json_response(200, session_json(session.value().user, csrf_token_of(*secret),
                                         session.value().expires_at, policy_, permissions));
}

HttpResponse SessionAuth::end(const HttpRequest& req) {
  const auto secret = cookie_value(req, kSessionCookie);
  if (secret) {
    if (Status s = store_.end_session(sha256_hex(*secret), now_millis()); !s) {
      return problem(s.error());
    }
  }
  return HttpResponse{204, "", {}, ""}.with_header("Set-Cookie", cookie("", true, req));
}

std::string SessionAuth::cookie(std::string_view value, bool clear, const HttpRequest& req) const {
  std::string out = std::string(kSessionCookie) + "=" + std::string(value) + "; Path=/";
  if (clear) out += "; Max-Age=0";
  out += "; HttpOnly; SameSite=Strict";
  const bool https = req.header("x-forwarded-proto").value_or("") == "https" && trusted_proxy_ &&
                     trusted_proxy_(req.remote_address);
  if (https) out += "; Secure";
  return out;
}

}  // namespace outpost::http
