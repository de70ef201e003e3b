// Personal-data routes (engine/access/privacy.hpp): POST /api/v1/cases/{id}/reveal
// shows a case's parties and the originals of its masked free text in clear to
// the roles config/permissions.json allows, each time recorded in the access log; GET
// /api/v1/access-log lists those records for auditors and supervisors.
#include <algorithm>
#include <memory>

#include <boost/json/value.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/case_json.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

struct RevealRequest {
  std::string purpose;
  std::vector<std::string> fields;
};

// {"purpose": "...", "fields": ["phone", ...]?}
Result<RevealRequest> reveal_request(const json::value& body) {
  if (!body.is_object()) return Error::invalid_field("body", "must be a JSON object");
  RevealRequest r;
  for (const auto& kv : body.get_object()) {
    if (kv.key() == "purpose") {
      if (!kv.value().is_string()) return Error::invalid_field("purpose", "must be a string");
      r.purpose = std::string(kv.value().get_string());
    } else if (kv.key() == "fields") {
      if (!kv.value().is_array()) return Error::invalid_field("fields", "must be an array");
      for (const json::value& f : kv.value().get_array()) {
        if (!f.is_string()) return Error::invalid_field("fields", "must hold field names");
        r.fields.emplace_back(f.get_string());
      }
    } else {
      return Error::invalid_field(std::string(kv.key()), "is not a field of a reveal");
    }
  }
  return r;
}

json::object entry_json(const AccessLogEntry& e) {
  json::array fields;
  for (const auto& f : e.fields) fields.emplace_back(f);
  return {{"id", e.id},          {"at", format_rfc3339(e.at)}, {"username", e.username},
          {"role", e.role},      {"case_id", e.case_id},       {"fields", std::move(fields)},
          {"purpose", e.purpose}};
}

// {"seq"?: n, "field": "...", "text": "..."}: seq for a history row's data or a note.
json::object clear_text_json(const ClearText& t) {
  json::object o{{"field", t.field}, {"text", t.text}};
  if (t.seq != 0) o["seq"] = t.seq;
  return o;
}

bool has_field(const RevealedParties& shown, std::string_view field) {
  return std::find(shown.fields.begin(), shown.fields.end(), field) != shown.fields.end();
}

json::object revealed_json(const RevealedParties& shown) {
  json::array parties, fields;
  for (const Party& p : shown.parties) {
    json::object o{{"role", p.role}};
    for (const std::string& f : shown.fields) {
      if (f == "free_text") continue;
      o[f] = f == "name" ? p.name : f == "phone" ? p.phone : p.id_number;
    }
    parties.push_back(std::move(o));
  }
  for (const auto& f : shown.fields) fields.emplace_back(f);
  json::object answer{{"case_id", shown.case_id},
                      {"parties", std::move(parties)},
                      {"fields", std::move(fields)},
                      {"access_log_id", shown.access_log_id},
                      {"revealed_at", format_rfc3339(shown.at)}};
  if (has_field(shown, "free_text")) {
    json::array texts;
    for (const ClearText& t : shown.free_text) texts.push_back(clear_text_json(t));
    answer["free_text"] = std::move(texts);
  }
  return answer;
}

class PrivacyRoutes {
 public:
  PrivacyRoutes(ApiContext& ctx, PrivacyService& privacy, PrivacyStore& store)
      : ctx_(ctx), privacy_(privacy), store_(store) {}

  HttpResponse reveal(const HttpRequest& req, const PathParams& params) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      auto id = case_id_of(params);
      if (!id) return problem(id.error());
      auto c = ctx_.cases.get(id.value(), actor);  // out of scope: 404
      if (!c) return problem(c.error());
      if (Status s = ctx_.cases.permissions().check(Action::reveal, actor, &c.value()); !s) {
        return problem(s.error());
      }
      auto body = parse_json_body(req);
      if (!body) return problem(body.error());
      auto r = reveal_request(body.value());
      if (!r) return problem(r.error());
      const auto& fields = r.value().fields;
      std::vector<Note> notes;  // the notes this caller may read, for free_text
      if (fields.empty() || std::find(fields.begin(), fields.end(), "free_text") != fields.end()) {
        auto read = ctx_.annotations.notes(id.value(), actor);
        if (!read) return problem(read.error());
        notes = std::move(read.value());
      }
      auto shown = privacy_.reveal(c.value(), fields, r.value().purpose, actor, notes);
      if (!shown) return problem(shown.error());
      return json_response(200, revealed_json(shown.value()));
    });
  }

  HttpResponse access_log(const HttpRequest& req) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      if (Status s = ctx_.cases.permissions().check(Action::read_access_log, actor); !s) {
        return problem(s.error());
      }
      std::optional<CaseId> case_id;
      Paging paging;
      Error err{ErrorKind::invalid, "the query has invalid parameters"};
      for (const auto& [name, value] : req.query) {
        if (name == "case_id") {
          case_id = parse_int(value);
          if (!case_id || *case_id <= 0) err.fields.push_back({name, "must be a case id"});
        } else if (!read_paging(name, value, paging, err)) {
          err.fields.push_back({name, "is not a filter of this list"});
        }
      }
      if (!err.fields.empty()) return problem(err);
      const int limit = paging.limit;
      auto rows = store_.access_log(case_id, paging.cursor, limit + 1);
      if (!rows) return problem(rows.error());
      auto& found = rows.value();
      json::value next = nullptr;
      if (static_cast<int>(found.size()) > limit) {
        found.resize(static_cast<std::size_t>(limit));
        next = std::to_string(found.back().id);
      }
      json::array items;
      for (const auto& e : found) items.push_back(entry_json(e));
      return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
    });
  }

 private:
  ApiContext& ctx_;
  PrivacyService& privacy_;
  PrivacyStore& store_;
};

}  // namespace

void register_privacy_routes(Router& router, ApiContext& ctx) {
  if (ctx.privacy == nullptr || ctx.privacy_store == nullptr) return;
  auto routes = std::make_shared<PrivacyRoutes>(ctx, *ctx.privacy, *ctx.privacy_store);
  router.add(
      "POST", "/api/v1/cases/{id}/reveal",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->reveal(req, p); });
  router.add("GET", "/api/v1/access-log", [routes](const HttpRequest& req, const PathParams&) {
    return routes->access_log(req);
  });
}

}  // namespace outpost::http
