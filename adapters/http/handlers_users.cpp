// User routes: POST /api/v1/login and /logout for everyone, and the admin API
// for users and tokens (the roles of manage_users in config/permissions.json:
// admin as shipped). Rules live in engine/access/users.hpp, the failed-login
// lock and back-off in engine/access/login_policy.hpp; this file translates.
// A refused login is answered at once: no worker ever sleeps here.
#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <memory>

#include <spdlog/spdlog.h>
#include <boost/json/value.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/case_json.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/session_auth.hpp"
#include "adapters/http/user_json.hpp"
#include "engine/cases/audit_chain.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

Millis now_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

json::object issued_json(const IssuedToken& t) {
  return {{"token", t.token},
          {"token_id", t.token_id},
          {"expires_at", format_rfc3339(t.expires_at)},
          {"user", user_json(t.user)}};
}

HttpResponse no_content() {
  return HttpResponse{204, "", {}, ""};
}

// A username as it may appear in a log line: no control characters, bounded.
std::string printable(std::string_view s) {
  std::string out(s.substr(0, 64));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

// The members of a JSON object body, read with every problem collected.
class BodyReader {
 public:
  BodyReader(const json::value& body, std::initializer_list<std::string_view> allowed) {
    object_ = body.if_object();
    if (object_ == nullptr) {
      errors_.push_back({"", "the body must be a JSON object"});
      return;
    }
    for (const auto& member : *object_) {
      if (std::find(allowed.begin(), allowed.end(), member.key()) == allowed.end()) {
        errors_.push_back({std::string(member.key()), "is not a field of this request"});
      }
    }
  }

  enum class Need { required, non_empty, any };

  // A string member: `required` ones must be present, and neither they nor
  // `non_empty` ones may be empty.
  std::optional<std::string> text(std::string_view key, Need need) {
    const json::value* v = object_ ? object_->if_contains(key) : nullptr;
    if (v == nullptr || v->is_null()) {
      if (need == Need::required && object_) errors_.push_back({std::string(key), "is required"});
      return std::nullopt;
    }
    if (!v->is_string() || (need != Need::any && v->get_string().empty())) {
      errors_.push_back({std::string(key), "must be a non-empty string"});
      return std::nullopt;
    }
    return std::string(v->get_string());
  }

  std::optional<bool> flag(std::string_view key) {
    const json::value* v = object_ ? object_->if_contains(key) : nullptr;
    if (v == nullptr) return std::nullopt;
    if (!v->is_bool()) {
      errors_.push_back({std::string(key), "must be true or false"});
      return std::nullopt;
    }
    return v->get_bool();
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) {
    const json::value* v = object_ ? object_->if_contains(key) : nullptr;
    if (v == nullptr) return std::nullopt;
    if (!v->is_int64() || v->get_int64() < min || v->get_int64() > max) {
      errors_.push_back({std::string(key), "must be a whole number from " + std::to_string(min) +
                                               " to " + std::to_string(max)});
      return std::nullopt;
    }
    return v->get_int64();
  }

  Status outcome() {
    if (errors_.empty()) return Ok{};
    Error err{ErrorKind::invalid, "the request has invalid fields"};
    err.fields = std::move(errors_);
    return err;
  }

 private:
  const json::object* object_ = nullptr;
  std::vector<FieldError> errors_;
};

// 429 with Retry-After: the attempt is not checked and not counted.
HttpResponse refused_response(std::string_view why, Millis retry_at, Millis now) {
  const std::string seconds = std::to_string(seconds_until(retry_at, now));
  return problem(Error::make(ErrorKind::rate_limited,
                             std::string(why) + ": try again in " + seconds + " s"))
      .with_header("Retry-After", seconds);
}

HttpResponse locked_response(Millis locked_until, Millis now) {
  return refused_response("too many failed logins", locked_until, now);
}

Millis latest_lock(const std::vector<LoginFailures>& state) {
  Millis locked = 0;
  for (const LoginFailures& f : state) locked = std::max(locked, f.locked_until);
  return locked;
}

int most_failures(const std::vector<LoginFailures>& state) {
  int failures = 0;
  for (const LoginFailures& f : state) failures = std::max(failures, f.failures);
  return failures;
}

using Need = BodyReader::Need;

class UserRoutes {
 public:
  explicit UserRoutes(ApiContext& ctx) : ctx_(ctx), store_(*ctx.accounts) {}

  // Unknown user, wrong password, disabled user and no password all answer
  // the same 401; the password never reaches a log line.
  HttpResponse login(const HttpRequest& req) {
    auto body = parse_json_body(req);
    if (!body) return problem(body.error());
    BodyReader fields(body.value(), {"username", "password", "session"});
    const std::string username = fields.text("username", Need::required).value_or("");
    const std::string password = fields.text("password", Need::required).value_or("");
    const bool session = fields.flag("session").value_or(false);
    if (Status s = fields.outcome(); !s) return problem(s.error());
    const std::string address = req.client_address.empty() ? "unknown" : req.client_address;
    const std::vector<std::string> keys{"user:" + username, "addr:" + address};

    const Millis started = now_millis();
    auto state = store_.login_failures(keys, started);
    if (!state) return problem(state.error());
    const LoginVerdict verdict = judge_login(ctx_.login.throttle, state.value(), started);
    if (verdict.outcome == LoginOutcome::locked) {
      spdlog::warn("login refused for user '{}' from {}: locked after repeated failures",
                   printable(username), address);
      return locked_response(verdict.retry_at, started);
    }
    if (verdict.outcome == LoginOutcome::backing_off) {
      spdlog::debug("login refused for user '{}' from {}: too soon after a failure",
                    printable(username), address);
      return refused_response("too soon after a failed login", verdict.retry_at, started);
    }

    auto found = store_.find_credentials(username);
    if (!found) return problem(found.error());
    bool ok = false;
    if (found.value() && !found.value()->password_hash.empty()) {
      ok = verify_password(found.value()->password_hash, password) && !found.value()->user.disabled;
    } else {
      verify_dummy_password(password);
    }
    if (!ok) return failed_login(username, address, keys);

    if (Status s = store_.clear_login_failures(keys); !s) return problem(s.error());
    if (session && ctx_.sessions) {
      spdlog::info("login: user '{}' from {} (session)", printable(username), address);
      return ctx_.sessions->start(found.value()->user, req, ctx_.cases.permissions());
    }
    auto issued = issue_token(store_, found.value()->user, ctx_.login.token_ttl, now_millis());
    if (!issued) return problem(issued.error());
    spdlog::info("login: user '{}' from {}", printable(username), address);
    return json_response(200, issued_json(issued.value()));
  }

  HttpResponse logout(const HttpRequest& req) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      if (!req.header("authorization") && ctx_.sessions) {
        spdlog::info("logout: user '{}' (session)", actor.username);
        return ctx_.sessions->end(req);
      }
      constexpr std::string_view kScheme = "Bearer ";
      const std::string_view token =
          req.header("authorization").value_or("").substr(kScheme.size());
      if (Status s = store_.revoke_token(sha256_hex(token)); !s) return problem(s.error());
      ctx_.auth.invalidate();
      spdlog::info("logout: user '{}'", actor.username);
      return no_content();
    });
  }

  HttpResponse list(const HttpRequest& req) {
    return as_admin(req,
                    [&](const Actor&) { return items_response(store_.list_users(), user_json); });
  }

  HttpResponse create(const HttpRequest& req) {
    return as_admin(req, [&](const Actor& actor) {
      auto body = parse_json_body(req);
      if (!body) return problem(body.error());
      BodyReader fields(body.value(),
                        {"username", "password", "role", "department", "grid", "display_name"});
      User user;
      user.username = fields.text("username", Need::required).value_or("");
      const std::string password = fields.text("password", Need::required).value_or("");
      user.role = fields.text("role", Need::required).value_or("");
      user.department = fields.text("department", Need::any).value_or("");
      user.grid = fields.text("grid", Need::any).value_or("");
      user.display_name = fields.text("display_name", Need::any).value_or("");
      if (Status s = fields.outcome(); !s) return problem(s.error());
      auto created = create_user(store_, user, password);
      if (!created) return problem(created.error());
      spdlog::info("user '{}' ({}) created by '{}'", created.value().username, created.value().role,
                   actor.username);
      return json_response(201, user_json(created.value()))
          .with_header("Location", "/api/v1/users/" + created.value().username);
    });
  }

  HttpResponse update(const HttpRequest& req, const PathParams& params) {
    return as_admin(req, [&](const Actor& actor) {
      auto body = parse_json_body(req);
      if (!body) return problem(body.error());
      BodyReader fields(body.value(), {"role", "department", "grid", "display_name", "disabled"});
      UserChange change;
      change.role = fields.text("role", Need::non_empty);
      change.department = fields.text("department", Need::any);
      change.grid = fields.text("grid", Need::any);
      change.display_name = fields.text("display_name", Need::non_empty);
      change.disabled = fields.flag("disabled");
      if (Status s = fields.outcome(); !s) return problem(s.error());
      auto found = store_.find_credentials(params.get("username"));
      if (!found) return problem(found.error());
      if (!found.value()) {
        return problem(Error::make(ErrorKind::not_found, "no user with this username"));
      }
      auto changed = apply_change(found.value()->user, change);
      if (!changed) return problem(changed.error());
      auto updated = store_.update_user(changed.value());
      if (!updated) return problem(updated.error());
      ctx_.auth.invalidate();
      spdlog::info("user '{}' changed by '{}'", updated.value().username, actor.username);
      return json_response(200, user_json(updated.value()));
    });
  }

  HttpResponse create_token(const HttpRequest& req, const PathParams& params) {
    return as_admin(req, [&](const Actor& actor) {
      auto ttl = ctx_.login.token_ttl;
      if (!req.body.empty()) {
        auto body = parse_json_body(req);
        if (!body) return problem(body.error());
        BodyReader fields(body.value(), {"ttl_hours"});
        const auto hours = fields.integer("ttl_hours", 1, 24 * 366);
        if (Status s = fields.outcome(); !s) return problem(s.error());
        if (hours) ttl = std::chrono::hours(*hours);
      }
      auto issued = issue_token(store_, params.get("username"), ttl, now_millis());
      if (!issued) return problem(issued.error());
      spdlog::info("token {} for user '{}' created by '{}'", issued.value().token_id,
                   issued.value().user.username, actor.username);
      return json_response(201, issued_json(issued.value()));
    });
  }

  HttpResponse revoke(const HttpRequest& req, const PathParams& params) {
    return as_admin(req, [&](const Actor& actor) {
      if (Status s = store_.revoke_token(params.get("id")); !s) return problem(s.error());
      ctx_.auth.invalidate();
      spdlog::info("token {} revoked by '{}'", printable(params.get("id")), actor.username);
      return no_content();
    });
  }

 private:
  HttpResponse failed_login(const std::string& username, const std::string& address,
                            const std::vector<std::string>& keys) {
    const Millis now = now_millis();
    const LoginThrottle& throttle = ctx_.login.throttle;
    auto after =
        store_.record_login_failure(keys, now, throttle.max_failures, throttle.lock.count());
    if (!after) return problem(after.error());
    Metrics& metrics = ctx_.metrics ? *ctx_.metrics : no_metrics();
    metrics.login(LoginSignal::failure);
    spdlog::warn("login failed for user '{}' from {} ({} in a row)", printable(username), address,
                 most_failures(after.value()));
    if (const Millis locked = latest_lock(after.value()); locked > now) {
      spdlog::warn("login locked for user '{}' and address {} for {} s", printable(username),
                   address, throttle.lock.count() / 1000);
      metrics.login(LoginSignal::lockout);
      return locked_response(locked, now);
    }
    return problem(Error::make(ErrorKind::unauthenticated, "wrong username or password"));
  }

  template <class F>
  HttpResponse as_admin(const HttpRequest& req, F&& f) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      if (Status s = ctx_.cases.permissions().check(Action::manage_users, actor); !s) {
        return problem(s.error());
      }
      return f(actor);
    });
  }

  ApiContext& ctx_;
  UserAccountStore& store_;
};

}  // namespace

void register_user_routes(Router& router, ApiContext& ctx) {
  if (ctx.accounts == nullptr) return;
  auto routes = std::make_shared<UserRoutes>(ctx);
  router.add("POST", "/api/v1/login",
             [routes](const HttpRequest& req, const PathParams&) { return routes->login(req); });
  router.add("POST", "/api/v1/logout",
             [routes](const HttpRequest& req, const PathParams&) { return routes->logout(req); });
  router.add("GET", "/api/v1/users",
             [routes](const HttpRequest& req, const PathParams&) { return routes->list(req); });
  router.add("POST", "/api/v1/users",
             [routes](const HttpRequest& req, const PathParams&) { return routes->create(req); });
  router.add(
      "PATCH", "/api/v1/users/{username}",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->update(req, p); });
  router.add("POST", "/api/v1/users/{username}/tokens",
             [routes](const HttpRequest& req, const PathParams& p) {
               return routes->create_token(req, p);
             });
  router.add(
      "DELETE", "/api/v1/tokens/{id}",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->revoke(req, p); });
}

}  // namespace outpost::http
