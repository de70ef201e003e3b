// The Open311 GeoReport v2 endpoints (open311.hpp, docs/OPEN311.md).
#include <algorithm>
#include <charconv>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include "adapters/http/handler_support.hpp"
#include "adapters/open311/channel_keys.hpp"
#include "adapters/open311/form.hpp"
#include "adapters/open311/open311.hpp"
#include "adapters/open311/requests.hpp"
#include "adapters/open311/services.hpp"
#include "adapters/open311/wire.hpp"
#include "adapters/open311/wire_time.hpp"

namespace outpost::open311 {
namespace {

namespace json = boost::json;
using http::HttpRequest;
using http::HttpResponse;
using http::PathParams;

constexpr std::size_t kMaxIds = 100;
constexpr int kMaxPageSize = 500;
constexpr int kMaxListed = 5000;  // page × page_size

std::string jurisdiction_code(const json::value& doc) {
  const json::value* code = doc.is_object() ? doc.as_object().if_contains("code") : nullptr;
  return code && code->is_string() ? std::string(code->as_string()) : std::string();
}

std::optional<std::int64_t> parse_positive(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  while (true) {
    const std::size_t comma = s.find(',');
    std::string_view piece = s.substr(0, comma);
    if (!piece.empty()) out.emplace_back(piece);
    if (comma == std::string_view::npos) return out;
    s.remove_prefix(comma + 1);
  }
}

class Routes {
 public:
  explicit Routes(Context& ctx)
      : ctx_(ctx),
        services_(services_of(ctx.catalogue_document)),
        jurisdiction_id_(jurisdiction_code(ctx.jurisdiction_document)),
        keys_(ctx.users, ctx.channels),
        reader_(ctx, services_, keys_) {}

  ChannelKeys& keys() { return keys_; }
  RequestReader& reader() { return reader_; }

  HttpResponse discovery(const HttpRequest&, const PathParams& p) {
    return with_format(p, [&](Format f) {
      const std::string changeset = "2026-12-01T00:00:00+08:00";
      Node endpoint = Node::object(
          "endpoint", {Node::text("specification", "http://wiki.open311.org/GeoReport_v2"),
                       Node::text("url", "/open311/v2"), Node::text("changeset", changeset),
                       Node::text("type", "production"),
                       Node::list("formats", {Node::text("format", "application/json"),
                                              Node::text("format", "text/xml")})});
      Node root =
          Node::object("discovery", {Node::text("changeset", changeset),
                                     Node::text("contact", "平安龙凤桥矛盾纠纷调处前哨站"),
                                     Node::text("key_service", "向前哨站管理员申请渠道 api_key"),
                                     Node::list("endpoints", {std::move(endpoint)})});
      return answer(200, root, f);
    });
  }

  HttpResponse services(const HttpRequest& req, const PathParams& p) {
    return with_format(p, [&](Format f) {
      if (auto refused = check_jurisdiction(req.query_param("jurisdiction_id"), f)) return *refused;
      std::vector<Node> items;
      for (const Service& s : services_) items.push_back(service_node(s));
      return answer(200, Node::list("services", std::move(items)), f);
    });
  }

  HttpResponse service_definition(const HttpRequest& req, const PathParams& p) {
    return with_format(p, [&](Format f) {
      if (auto refused = check_jurisdiction(req.query_param("jurisdiction_id"), f)) return *refused;
      const Service* s = find_service(p.get("id"));
      if (!s) return error(404, "service_code " + std::string(p.get("id")) + " not found", f);
      std::vector<Node> attrs;
      for (const Attribute& a : s->attributes) attrs.push_back(attribute_node(a));
      return answer(
          200,
          Node::object("service_definition", {Node::text("service_code", s->code),
                                              Node::list("attributes", std::move(attrs))}),
          f);
    });
  }

  HttpResponse post_request(const HttpRequest& req, const PathParams& p) {
    return with_format(p, [&](Format f) {
      auto posted = reader_.read(req, jurisdiction_id_);
      if (!posted)
        return errors(posted.error().status, posted.error().messages, f,
                      posted.error().retry_after);
      const Posted& done = posted.value();
      Node item = done.token.empty()
                      ? Node::object("request", {Node::text("service_request_id", done.id),
                                                 Node::text("service_notice", done.notice),
                                                 optional_text("account_id", done.account_id)})
                      : Node::object("request", {Node::text("token", done.token),
                                                 Node::text("service_notice", done.notice),
                                                 optional_text("account_id", done.account_id)});
      return answer(201, Node::list("service_requests", {std::move(item)}), f);
    });
  }

  HttpResponse token(const HttpRequest& req, const PathParams& p) {
    return with_format(p, [&](Format f) {
      if (auto refused = check_jurisdiction(req.query_param("jurisdiction_id"), f)) return *refused;
      auto id = reader_.case_of_token(p.get("id"));
      if (!id) return errors(id.error().status, id.error().messages, f, 0);
      Node item = Node::object(
          "request", {id.value() ? Node::text("service_request_id", std::to_string(*id.value()))
                                 : Node::null("service_request_id"),
                      Node::text("token", std::string(p.get("id")))});
      return answer(200, Node::list("service_requests", {std::move(item)}), f);
    });
  }

  HttpResponse one_request(const HttpRequest& req, const PathParams& p) {
    return with_format(p, [&](Format f) {
      if (auto refused = check_jurisdiction(req.query_param("jurisdiction_id"), f)) return *refused;
      auto id = parse_positive(p.get("id"));
      auto found = id ? public_case(*id) : Result<std::optional<Case>>(std::optional<Case>());
      if (!found) return error(503, "the database does not answer; try again later", f);
      if (!found.value()) {
        return error(404, "service_request_id " + std::string(p.get("id")) + " not found", f);
      }
      auto node = request_node(*found.value());
      if (!node) return error(503, "the database does not answer; try again later", f);
      return answer(200, Node::list("service_requests", {std::move(node.value())}), f);
    });
  }

  HttpResponse list_requests(const HttpRequest& req, const PathParams& p) {
    return with_format(p, [&](Format f) {
      if (auto refused = check_jurisdiction(req.query_param("jurisdiction_id"), f)) return *refused;
      if (auto ids = req.query_param("service_request_id")) return by_ids(*ids, f);
      auto query = read_list_query(req);
      if (!query) return errors(400, query.error(), f, 0);
      auto listed = list(query.value());
      if (!listed) return error(503, "the database does not answer; try again later", f);
      return answer(200, Node::list("service_requests", std::move(listed.value())), f);
    });
  }

 private:
  struct ListQuery {
    CaseFilter filter;
    std::optional<Millis> updated_after;
    int page = 1, page_size = 50;
  };

  template <class F>
  HttpResponse with_format(const PathParams& p, F&& f) {
    auto format = parse_format(p.get("format"));
    if (!format) {
      return error(404,
                   "the format must be json or xml, not \"" + std::string(p.get("format")) + "\"",
                   Format::json);
    }
    return std::forward<F>(f)(*format);
  }

  static HttpResponse answer(int status, const Node& root, Format f) {
    HttpResponse res;
    res.status = status;
    res.content_type = std::string(content_type(f));
    res.body = write(root, f);
    return res;
  }

  static HttpResponse errors(int status, const std::vector<std::string>& messages, Format f,
                             long retry_after) {
    std::vector<Node> items;
    for (const std::string& m : messages) {
      items.push_back(Node::object(
          "error", {Node::number("code", std::to_string(status)), Node::text("description", m)}));
    }
    HttpResponse res = answer(status, Node::list("errors", std::move(items)), f);
    if (retry_after > 0) res.with_header("Retry-After", std::to_string(retry_after));
    return res;
  }

  static HttpResponse error(int status, std::string message, Format f) {
    return errors(status, {std::move(message)}, f, 0);
  }

  static Node optional_text(std::string name, const std::string& value) {
    return value.empty() ? Node::null(std::move(name)) : Node::text(std::move(name), value);
  }

  std::optional<HttpResponse> check_jurisdiction(std::optional<std::string_view> given, Format f) {
    if (!given || given->empty() || *given == jurisdiction_id_) return std::nullopt;
    return error(404,
                 "jurisdiction_id " + std::string(*given) + " not found; this server serves " +
                     jurisdiction_id_,
                 f);
  }

  const Service* find_service(std::string_view code) const {
    for (const Service& s : services_) {
      if (s.code == code) return &s;
    }
    return nullptr;
  }

  static Node service_node(const Service& s) {
    std::string keywords;
    for (const std::string& k : s.keywords) keywords += (keywords.empty() ? "" : ",") + k;
    return Node::object(
        "service",
        {Node::text("service_code", s.code), Node::text("service_name", s.name),
         Node::text("description", s.description), Node::boolean("metadata", !s.attributes.empty()),
         Node::text("type", "realtime"), Node::text("keywords", keywords),
         Node::text("group", s.group)});
  }

  static Node attribute_node(const Attribute& a) {
    std::vector<Node> values;
    for (const AttributeValue& v : a.values) {
      values.push_back(
          Node::object("value", {Node::text("key", v.key), Node::text("name", v.name)}));
    }
    return Node::object(
        "attribute",
        {Node::boolean("variable", true), Node::text("code", a.code),
         Node::text("datatype", a.datatype), Node::boolean("required", a.required),
         Node::text("datatype_description", ""), Node::number("order", std::to_string(a.order)),
         Node::text("description", a.description), Node::list("values", std::move(values))});
  }

  // A case Open311 may show: a request that is not confidential.
  Result<std::optional<Case>> public_case(CaseId id) {
    auto c = ctx_.cases.get(id);
    if (!c) {
      if (c.error().kind == ErrorKind::not_found) return std::optional<Case>();
      return c.error();
    }
    if (c.value().kind != CaseKind::request || c.value().confidential) return std::optional<Case>();
    return std::optional<Case>(std::move(c.value()));
  }

  Result<Node> request_node(const Case& c) {
    auto latest = latest_public_note(c);
    if (!latest) return latest.error();
    const Category* category = ctx_.catalogue.find_category("request", c.category);
    const std::string lead = c.assignment.department.empty() && category
                                 ? category->default_department
                                 : c.assignment.department;
    const Department* dept = ctx_.catalogue.find_department(lead);
    const PublicText text = public_text(c.description);
    return Node::object(
        "request",
        {Node::text("service_request_id", std::to_string(c.id)),
         Node::text("status", open311_status(c.state)),
         latest.value() ? Node::text("status_notes", *latest.value()) : Node::null("status_notes"),
         Node::text("service_name", category ? category->name : c.category),
         Node::text("service_code", c.category), Node::text("description", text.description),
         dept ? Node::text("agency_responsible", dept->name) : Node::null("agency_responsible"),
         Node::text("service_notice", std::string(ctx_.cases.state_label(c))),
         Node::text("requested_datetime", format_cst(c.created_at)),
         Node::text("updated_datetime", format_cst(c.updated_at)),
         c.deadline ? Node::text("expected_datetime", format_cst(*c.deadline))
                    : Node::null("expected_datetime"),
         optional_text("address", c.location.address),
         optional_text("address_id",
                       c.location.micro_grid.empty() ? c.location.grid : c.location.micro_grid),
         Node::null("zipcode"), optional_text("lat", text.lat), optional_text("long", text.lon),
         optional_text("media_url", text.media_url)});
  }

  HttpResponse by_ids(std::string_view ids, Format f) {
    const std::vector<std::string> wanted = split_commas(ids);
    if (wanted.empty() || wanted.size() > kMaxIds) {
      return error(400, "service_request_id must list 1 to 100 ids separated by commas", f);
    }
    std::vector<Node> items;
    for (const std::string& w : wanted) {
      auto id = parse_positive(w);
      if (!id) continue;
      auto found = public_case(*id);
      if (!found) return error(503, "the database does not answer; try again later", f);
      if (!found.value()) continue;
      auto node = request_node(*found.value());
      if (!node) return error(503, "the database does not answer; try again later", f);
      items.push_back(std::move(node.value()));
    }
    return answer(200, Node::list("service_requests", std::move(items)), f);
  }

  Result<ListQuery, std::vector<std::string>> read_list_query(const HttpRequest& req) {
    ListQuery q;
    std::vector<std::string> problems;
    q.filter.kind = "request";
    q.filter.scope.all_confidential = false;
    const auto time_param = [&](std::string_view name) -> std::optional<Millis> {
      auto v = req.query_param(name);
      if (!v) return std::nullopt;
      auto t = parse_w3c(*v);
      if (!t)
        problems.push_back(std::string(name) +
                           " must be a W3C datetime, e.g. 2026-12-01T08:00:00+08:00");
      return t;
    };
    q.filter.created_from = time_param("start_date");
    q.filter.created_to = time_param("end_date");
    q.filter.updated_before = time_param("updated_before");
    q.updated_after = time_param("updated_after");
    if (auto code = req.query_param("service_code")) {
      if (!find_service(*code))
        problems.push_back("service_code " + std::string(*code) + " not found");
      q.filter.category = std::string(*code);
    }
    if (auto status = req.query_param("status")) {
      if (*status == "open") {
        q.filter.states = open_states();
      } else if (*status == "closed") {
        q.filter.states = closed_states();
      } else {
        problems.push_back("status must be open or closed");
      }
    }
    const auto int_param = [&](std::string_view name, int max, int& out) {
      auto v = req.query_param(name);
      if (!v) return;
      auto n = parse_positive(*v);
      if (!n || *n > max) {
        problems.push_back(std::string(name) + " must be an integer from 1 to " +
                           std::to_string(max));
      } else {
        out = static_cast<int>(*n);
      }
    };
    int_param("page_size", kMaxPageSize, q.page_size);
    int_param("page", kMaxListed, q.page);
    if (q.page * q.page_size > kMaxListed) {
      problems.push_back("page × page_size must not exceed " + std::to_string(kMaxListed));
    }
    if (!problems.empty()) return problems;
    return q;
  }

  // Newest first; page N after (N-1) × page_size others.
  Result<std::vector<Node>> list(ListQuery q) {
    q.filter.sort = q.updated_after ? CaseSort::updated_at : CaseSort::id;
    q.filter.limit = q.page * q.page_size;
    auto page = ctx_.case_store.list_cases(q.filter);
    if (!page) return page.error();
    std::vector<Node> out;
    int seen = 0;
    for (const Case& c : page.value().items) {
      if (q.updated_after && c.updated_at <= *q.updated_after) continue;
      if (seen++ < (q.page - 1) * q.page_size) continue;
      auto node = request_node(c);
      if (!node) return node.error();
      out.push_back(std::move(node.value()));
    }
    return out;
  }

  // status_notes: the newest public note's (masked) text. Adding a note moves
  // the case to its next version, so the answer for (case, version) never
  // changes and is kept here; a case seen at a newer version (written by any
  // process) reads its notes again. Bounded: emptied at kNoteCacheLimit cases
  // (a note is at most 10,000 bytes, so at most about 100 MB).
  Result<std::optional<std::string>> latest_public_note(const Case& c) {
    {
      std::lock_guard lock(note_cache_mutex_);
      auto it = note_cache_.find(c.id);
      if (it != note_cache_.end() && it->second.version == c.version) return it->second.body;
    }
    auto notes = ctx_.annotations.list_notes(c.id);
    if (!notes) return notes.error();
    std::optional<std::string> body;
    for (const Note& n : notes.value()) {
      if (n.visibility == "public") body = n.body;
    }
    std::unordered_map<CaseId, CachedNote> full;  // freed after the lock is released
    std::lock_guard lock(note_cache_mutex_);
    if (note_cache_.size() >= kNoteCacheLimit) full.swap(note_cache_);
    note_cache_[c.id] = CachedNote{c.version, body};
    return body;
  }

  struct CachedNote {
    std::int64_t version = 0;
    std::optional<std::string> body;
  };
  static constexpr std::size_t kNoteCacheLimit = 10000;
  std::mutex note_cache_mutex_;
  std::unordered_map<CaseId, CachedNote> note_cache_;

  Context& ctx_;
  std::vector<Service> services_;
  std::string jurisdiction_id_;
  ChannelKeys keys_;
  RequestReader reader_;
};

}  // namespace

void register_routes(http::Router& router, Context& ctx) {
  auto r = std::make_shared<Routes>(ctx);
  const auto bind = [&](const char* method, const char* pattern, auto member) {
    router.add(method, pattern, [r, member](const HttpRequest& req, const PathParams& p) {
      return ((*r).*member)(req, p);
    });
  };
  bind("GET", "/open311/v2/discovery.{format}", &Routes::discovery);
  bind("GET", "/open311/v2/services.{format}", &Routes::services);
  bind("GET", "/open311/v2/services/{id}.{format}", &Routes::service_definition);
  bind("POST", "/open311/v2/requests.{format}", &Routes::post_request);
  bind("GET", "/open311/v2/requests.{format}", &Routes::list_requests);
  bind("GET", "/open311/v2/requests/{id}.{format}", &Routes::one_request);
  bind("GET", "/open311/v2/tokens/{id}.{format}", &Routes::token);
  register_channel_routes(router, ctx, r->keys(), r->reader());
}

}  // namespace outpost::open311
