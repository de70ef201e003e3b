// Outbox route: GET /api/v1/outbox, the notifications and what became of
// their delivery (engine/notify/outbox.hpp), for the roles of the action
// read_outbox (config/permissions.json). A reader sees the messages of the
// cases in their scope (engine/access/permissions.hpp: a confidential case only
// where they may see it) and those about no case.
#include <map>
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

// Rows read per query while a page is filled with messages in the reader's scope.
constexpr int kScanBatch = 200;

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
      if (Status s = ctx_.cases.permissions().check(Action::read_outbox, actor); !s) {
        return problem(s.error());
      }
      auto query = query_of(req);
      if (!query) return problem(query.error());
      const int limit = query.value().paging.limit;
      auto rows = visible_rows(query.value(), limit + 1, actor);
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
  // Up to `want` rows of the query that the actor may see, newest first.
  Result<std::vector<StoredOutboxMessage>> visible_rows(const OutboxQuery& q, int want,
                                                        const Actor& actor) {
    const CaseScope scope = ctx_.cases.permissions().scope_of(actor);
    if (scope.all_cases && scope.all_confidential) {
      return store_.list_outbox(q.state, q.paging.cursor, want);
    }
    std::vector<StoredOutboxMessage> out;
    std::map<CaseId, bool> seen;  // case id -> in the actor's scope
    std::optional<std::int64_t> cursor = q.paging.cursor;
    for (;;) {
      auto rows = store_.list_outbox(q.state, cursor, kScanBatch);
      if (!rows) return rows.error();
      for (StoredOutboxMessage& m : rows.value()) {
        cursor = m.seq;
        auto visible = in_scope(m.message.case_id, actor, seen);
        if (!visible) return visible.error();
        if (!visible.value()) continue;
        out.push_back(std::move(m));
        if (static_cast<int>(out.size()) == want) return out;
      }
      if (static_cast<int>(rows.value().size()) < kScanBatch) return out;
    }
  }

  // Whether the actor sees case `id` (a message about no case: yes).
  Result<bool> in_scope(CaseId id, const Actor& actor, std::map<CaseId, bool>& seen) {
    if (id <= 0) return true;
    if (auto it = seen.find(id); it != seen.end()) return it->second;
    auto sees = ctx_.cases.sees(id, actor);
    if (sees) seen.emplace(id, sees.value());
    return sees;
  }

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
