// /api/v1/channels: the admin's outside channels and their keys
// (engine/access/channels.hpp), and the desk's confirmation of requests
// that wait under a token (open311.hpp).
#include <memory>

#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include "adapters/http/handler_support.hpp"
#include "adapters/open311/requests.hpp"
#include "engine/cases/audit_chain.hpp"

namespace outpost::open311 {
namespace {

namespace json = boost::json;
using http::HttpRequest;
using http::HttpResponse;
using http::PathParams;

// A channel's key lives as long as the channel: revocation ends it.
constexpr auto kKeyLifetime = std::chrono::hours(24 * 366 * 20);

json::object channel_json(const Channel& c) {
  json::object o{{"name", c.name},
                 {"display_name", c.display_name},
                 {"username", c.username()},
                 {"datum", c.datum},
                 {"outside_grid", c.outside_grid},
                 {"rate_per_minute", c.rate_per_minute},
                 {"intake_channel", c.intake_channel},
                 {"key_id", c.token_id},
                 {"created_at", format_rfc3339(c.created_at)}};
  o["revoked_at"] =
      c.revoked_at ? json::value(format_rfc3339(*c.revoked_at)) : json::value(nullptr);
  return o;
}

HttpResponse invalid(std::string field, std::string message) {
  return http::problem(Error::invalid_field(std::move(field), std::move(message)));
}

class ChannelRoutes {
 public:
  ChannelRoutes(Context& ctx, ChannelKeys& keys, RequestReader& reader)
      : ctx_(ctx), keys_(keys), reader_(reader) {}

  HttpResponse create(const HttpRequest& req) {
    return as_admin(req, [&](const Actor& actor) {
      auto body = http::parse_json_body(req);
      if (!body) return http::problem(body.error());
      if (!body.value().is_object()) return invalid("", "the body must be a JSON object");
      auto read = read_channel(body.value().as_object());
      if (!read) return http::problem(read.error());
      Channel c = read.value();
      if (Status s = validate_channel(c); !s) return http::problem(s.error());
      auto existing = ctx_.channels.find_channel(c.name);
      if (!existing) return http::problem(existing.error());
      if (existing.value()) {
        return http::problem(
            Error::make(ErrorKind::already_exists, "a channel with this name exists already"));
      }
      User u;
      u.username = c.username();
      u.display_name = c.display_name;
      u.role = std::string(kChannelRole);
      auto user = ctx_.accounts.create_user(u, "");
      if (!user) return http::problem(user.error());
      auto issued = issue_token(ctx_.accounts, user.value(), kKeyLifetime, ctx_.clock.now());
      if (!issued) return http::problem(issued.error());
      c.user_id = user.value().id;
      c.token_id = issued.value().token_id;
      c.created_at = ctx_.clock.now();
      auto stored = ctx_.channels.create_channel(c);
      if (!stored) return http::problem(stored.error());
      spdlog::info("channel '{}' created by '{}' (key {})", c.name, actor.username, c.token_id);
      json::object out = channel_json(stored.value());
      out["api_key"] = issued.value().token;  // the only time it is shown
      return http::json_response(201, out).with_header("Location", "/api/v1/channels/" + c.name);
    });
  }

  HttpResponse list(const HttpRequest& req) {
    return as_admin(req, [&](const Actor&) {
      return http::items_response(ctx_.channels.list_channels(), channel_json);
    });
  }

  HttpResponse revoke(const HttpRequest& req, const PathParams& p) {
    return as_admin(req, [&](const Actor& actor) {
      auto found = ctx_.channels.find_channel(p.get("name"));
      if (!found) return http::problem(found.error());
      if (!found.value())
        return http::problem(Error::make(ErrorKind::not_found, "no channel with this name"));
      const Channel& c = *found.value();
      if (!c.revoked_at) {
        if (Status s = ctx_.accounts.revoke_token(c.token_id); !s) return http::problem(s.error());
        if (Status s = ctx_.channels.mark_revoked(c.name, ctx_.clock.now()); !s) {
          return http::problem(s.error());
        }
        keys_.forget();
        ctx_.auth.invalidate();
        spdlog::info("channel '{}' key {} revoked by '{}'", c.name, c.token_id, actor.username);
      }
      auto after = ctx_.channels.find_channel(c.name);
      if (!after || !after.value())
        return http::problem(Error::make(ErrorKind::unavailable, "the channel vanished"));
      return http::json_response(200, channel_json(*after.value()));
    });
  }

  HttpResponse confirm(const HttpRequest& req, const PathParams& p) {
    return http::authenticated(ctx_.auth, req, [&](const Actor& actor) {
      auto c = reader_.confirm(p.get("token"), actor);
      if (!c) return http::problem(c.error());
      return http::json_response(201, json::object{{"id", c.value().id},
                                                   {"number", c.value().number},
                                                   {"token", std::string(p.get("token"))}});
    });
  }

 private:
  template <class F>
  HttpResponse as_admin(const HttpRequest& req, F&& f) {
    return http::authenticated(ctx_.auth, req, [&](const Actor& actor) {
      if (Status s = ctx_.cases.permissions().check(Action::manage_users, actor); !s) {
        return http::problem(s.error());
      }
      return f(actor);
    });
  }

  static Result<Channel> read_channel(const json::object& o) {
    Channel c;
    std::vector<FieldError> fields;
    for (const auto& [key, value] : o) {
      const std::string k(key);
      if (k == "rate_per_minute") {
        if (!value.is_int64())
          fields.push_back({k, "must be an integer"});
        else
          c.rate_per_minute = value.as_int64();
        continue;
      }
      std::string* target = k == "name"             ? &c.name
                            : k == "display_name"   ? &c.display_name
                            : k == "datum"          ? &c.datum
                            : k == "outside_grid"   ? &c.outside_grid
                            : k == "intake_channel" ? &c.intake_channel
                                                    : nullptr;
      if (!target) {
        fields.push_back({k, "is not a field of a channel"});
      } else if (!value.is_string()) {
        fields.push_back({k, "must be a string"});
      } else {
        *target = std::string(value.as_string());
      }
    }
    if (!fields.empty())
      return Error::invalid_fields(std::move(fields), "the channel is not valid");
    return c;
  }

  Context& ctx_;
  ChannelKeys& keys_;
  RequestReader& reader_;
};

}  // namespace

void register_channel_routes(http::Router& router, Context& ctx, ChannelKeys& keys,
                             RequestReader& reader) {
  auto r = std::make_shared<ChannelRoutes>(ctx, keys, reader);
  router.add("POST", "/api/v1/channels",
             [r](const HttpRequest& req, const PathParams&) { return r->create(req); });
  router.add("GET", "/api/v1/channels",
             [r](const HttpRequest& req, const PathParams&) { return r->list(req); });
  router.add("POST", "/api/v1/channels/{name}/revoke",
             [r](const HttpRequest& req, const PathParams& p) { return r->revoke(req, p); });
  router.add("POST", "/api/v1/channel-submissions/{token}/confirm",
             [r](const HttpRequest& req, const PathParams& p) { return r->confirm(req, p); });
}

}  // namespace outpost::open311
