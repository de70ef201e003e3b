// Outbox route: GET /api/v1/outbox, the notifications and what became of
// their delivery (engine/notify/outbox.hpp), for the roles that watch over dispatch
// and audit: dispatcher, supervisor, auditor, admin.
#include <algorithm>
#include <array>
#include <memory>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/case_json.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

constexpr std::array kReaders{"dispatcher", "supervisor", "auditor", "admin"};

struct OutboxQuery {
  std::optional<OutboxState> state;
  Paging paging;
};

// ?state=pending|delivered|dead&limit=1..500&cursor=<next_cursor>
Result<OutboxQuery> query_of(const HttpRequest& req) {
  OutboxQuery q;
  Error err{ErrorKind::invalid, "the query has invalid parameters"};
  for (const auto& [name, value] : req.query) {
    if (name == "state") {
      q.state = outbox_state_from(value);
      if (!q.state) err.fields.push_back({name, "must be pending, delivered or dead"});
    } else if (!read_paging(name, value, q.paging, err)) {
      err.fields.push_back({name, "is not a filter of this list"});
    }
  }
  if (!err.fields.empty()) return err;
  return q;
}

json::value time_or_null(std::optional<Millis> at) {
  if (!at) return nullptr;
  return json::string(format_rfc3339(*at));
}

// The payload as the JSON object that was delivered; a payload that does not
// parse (never written by the engine) is shown as the text it is.
json::value payload_json(const std::string& payload) {
  boost::system::error_code ec;
  json::value v = json::parse(payload, ec);
  if (ec) return json::string(payload);
  return v;
}

json::object message_json(const StoredOutboxMessage& m) {
  json::array delivered_to;
  for (const std::string& name : m.delivered_to) delivered_to.emplace_back(name);
  const bool pending = m.state == OutboxState::pending;
  return {
      {"id", m.message.id},
      {"topic", m.message.topic},
      {"case_id", m.message.case_id > 0 ? json::value(m.message.case_id) : json::value(nullptr)},
      {"state", to_string(m.state)},
      {"attempts", m.attempts},
      {"next_attempt_at", time_or_null(pending ? std::optional(m.next_attempt_at) : std::nullopt)},
      {"last_error", m.last_error.empty() ? json::value(nullptr) : json::value(m.last_error)},
      {"delivered_to", std::move(delivered_to)},
      {"created_at", format_rfc3339(m.message.created_at)},
      {"delivered_at", time_or_null(m.delivered_at)},
      {"payload", payload_json(m.message.payload)}};
}

class OutboxRoutes {
 public:
  OutboxRoutes(ApiContext& ctx, OutboxStore& store) : ctx_(ctx), store_(store) {}

  // Newest first, paged by seq: one row more than asked tells whether a next page exists.
  HttpResponse list(const HttpRequest& req) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      if (std::find(kReaders.begin(), kReaders.end(), actor.role) == kReaders.end()) {
        return problem(Error::make(ErrorKind::forbidden,
                                   "only dispatchers, supervisors, auditors and admins may read "
                                   "the outbox"));
      }
      auto query = query_of(req);
      if (!query) return problem(query.error());
      const OutboxQuery& q = query.value();
      const int limit = q.paging.limit;
      auto rows = store_.list_outbox(q.state, q.paging.cursor, limit + 1);
      if (!rows) return problem(rows.error());
      std::vector<StoredOutboxMessage>& found = rows.value();
      json::value next = nullptr;
      if (static_cast<int>(found.size()) > limit) {
        found.resize(static_cast<std::size_t>(limit));
        next = std::to_string(found.back().seq);
      }
      json::array items;
      for (const StoredOutboxMessage& m : found) items.push_back(message_json(m));
      return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
    });
  }

 private:
  ApiContext& ctx_;
  OutboxStore& store_;
};

}  // namespace

void register_outbox_routes(Router& router, ApiContext& ctx) {
  if (ctx.outbox == nullptr) return;
  auto routes = std::make_shared<OutboxRoutes>(ctx, *ctx.outbox);
  router.add("GET", "/api/v1/outbox",
             [routes](const HttpRequest& req, const PathParams&) { return routes->list(req); });
}

}  // namespace outpost::http
