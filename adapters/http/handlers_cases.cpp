// Case routes: create, read, list, apply an event, history.
#include <spdlog/spdlog.h>
#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <initializer_list>

#include "adapters/http/api.hpp"
#include "adapters/http/case_json.hpp"
#include "adapters/http/case_query.hpp"
#include "adapters/http/case_request.hpp"
#include "adapters/http/conditional_get.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/idempotency.hpp"
#include "adapters/http/problem.hpp"
#include "engine/access/access_epoch.hpp"
#include "engine/cases/queues.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

// The scope of the case API's Idempotency-Keys in the store: creates and
// events share it, so one key names one request across both.
constexpr std::string_view kIdempotencyScope = "api:cases";
constexpr std::string_view kCaseLocation = "/api/v1/cases/";

class CaseRoutes {
 public:
  explicit CaseRoutes(ApiContext& ctx) : ctx_(ctx), queues_(ctx.workflows) {}

  HttpResponse create(const HttpRequest& req) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      auto body = parse_json_body(req);
      if (!body) return problem(body.error());
      CaseRequest request = read_new_case(body.value());
      // A point or building fills the codes (unless the location itself is unreadable).
      if (std::none_of(request.errors.begin(), request.errors.end(),
                       [](const FieldError& f) { return f.field.starts_with("location"); }))
        locate_case(ctx_.locator, request.hint, request.command.location, request.errors);
      if (!request.errors.empty()) return refused_case(request, actor);
      const auto may_create = [&](CaseId created) -> Status {
        if (Status s = ctx_.cases.permissions().check(Action::create_case, actor); !s) return s;
        return seen(created, actor);
      };
      return idempotent(req, actor, 201, may_create, [&](const IdempotencyKey* idem) {
        return ctx_.cases.create(request.command, actor, idem);
      });
    });
  }

  // The case is read later (CaseService::get_later): on PostgreSQL reads
  // that arrive together share one statement, and no worker thread waits for
  // it meanwhile. The credentials are checked as authenticated() checks them,
  // against the access generation read beside the case; if they changed, the
  // GET is answered again as a plain one.
  HttpResponse get(const HttpRequest& req, const PathParams& params) {
    Authenticator::Vouch vouch;
    auto actor = ctx_.auth.authenticate(req, &vouch);
    if (!actor) return problem(actor.error());
    auto id = case_id_of(params);
    if (!id) return problem(id.error());
    HttpResponse res;
    res.later = [this, req = std::make_shared<HttpRequest>(req), id = id.value(),
                 actor = std::move(actor.value()), vouch = std::move(vouch)](Resume resume) {
      ctx_.cases.get_later(id, actor, [=, this](Result<Case> c, std::int64_t generation) {
        resume([=, this, c = std::move(c)] {
          access_epoch::reset();
          access_epoch::observe(generation);
          if (!ctx_.auth.still_current(vouch)) return get_now(*req, id);
          if (!c) return problem(c.error());
          return case_response(c.value(), actor);
        });
      });
    };
    return res;
  }

  HttpResponse get_now(const HttpRequest& req, CaseId id) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      auto c = ctx_.cases.get(id, actor);
      if (!c) return problem(c.error());
      return case_response(c.value(), actor);
    });
  }

  HttpResponse case_response(const Case& c, const Actor& actor) {
    auto duplicates = ctx_.cases.duplicates_of(c, actor);
    if (!duplicates) return problem(duplicates.error());
    CaseView view = view_of(c, actor);
    view.duplicates = std::move(duplicates.value().visible);
    view.duplicates_hidden = duplicates.value().hidden;
    return versioned_response(200, c.id, c.version, case_json(c, view), kCaseLocation);
  }

  HttpResponse apply_event(const HttpRequest& req, const PathParams& params) {
    return authenticated_change(ctx_.auth, req, [&](const Actor& actor) {
      auto id = case_id_of(params);
      if (!id) return problem(id.error());
      auto body = parse_json_body(req);
      if (!body) return problem(body.error());
      auto cmd = event_command(req, body.value());
      if (!cmd) return problem(cmd.error());
      const auto may_apply = [&](CaseId changed) -> Status {
        auto now = ctx_.cases.get(changed, actor);
        if (!now) return now.error();
        return ctx_.cases.permissions().check_event(now.value(), cmd.value().event, actor);
      };
      return idempotent(req, actor, 200, may_apply, [&](const IdempotencyKey* idem) {
        return ctx_.cases.apply(id.value(), cmd.value(), actor, idem);
      });
    });
  }

  HttpResponse history(const HttpRequest& req, const PathParams& params) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      auto id = case_id_of(params);
      if (!id) return problem(id.error());
      return items_response(ctx_.cases.history(id.value(), actor), history_to_json);
    });
  }

  HttpResponse list(const HttpRequest& req) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      CaseListOptions options;
      auto filter = case_filter_of(req.query, &options);
      if (!filter) return problem(filter.error());
      json::object extra;
      if (options.count) {
        auto total = ctx_.cases.count(filter.value(), actor);
        if (!total) return problem(total.error());
        extra["total"] = total.value();
      }
      return conditional(req, page_response(filter.value(), actor, extra));
    });
  }

  // GET /api/v1/exports/cases.jsonl: every case the list would show for these
  // filters, oldest first, one case per line as the list renders it. Read
  // from the store a page at a time while the body is sent.
  HttpResponse export_lines(const HttpRequest& req) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      auto filter = export_filter_of(req);
      if (!filter) return problem(filter.error());
      HttpResponse res{200, "application/x-ndjson; charset=utf-8", {}, {}};
      res.with_header("Content-Disposition", "attachment; filename=\"cases.jsonl\"");
      res.stream = CaseLines{this, std::move(filter.value()), actor};
      return res;
    });
  }

  // The queues are defined in engine/cases/queues.hpp.
  HttpResponse dispatch_queue(const HttpRequest& req) {
    return queue(req,
                 [&](const CaseFilter& paging, const Actor&) { return queues_.dispatch(paging); },
                 {"returned", "arbitration"});
  }

  HttpResponse my_queue(const HttpRequest& req) {
    return queue(req, [&](const CaseFilter& paging, const Actor& actor) {
      return queues_.mine(paging, actor);
    });
  }

  HttpResponse escalated_queue(const HttpRequest& req) {
    return queue(req,
                 [&](const CaseFilter& paging, const Actor&) { return queues_.escalated(paging); });
  }

 private:
  // A queue's page with {"counts": {name: n, ...}}.
  template <class Define>
  HttpResponse queue(const HttpRequest& req, Define&& define,
                     std::initializer_list<std::string_view> filters = {}) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      auto paging = paging_of(req, filters);
      if (!paging) return problem(paging.error());
      const QueueQuery q = define(paging.value(), actor);
      json::object counts;
      for (const QueueCount& c : q.counts) {
        auto n = ctx_.cases.count(c.filter, actor);
        if (!n) return problem(n.error());
        counts[c.name] = n.value();
      }
      return conditional(req, page_response(q.list, actor, {{"counts", std::move(counts)}}));
    });
  }

  // `list_item`: a row of GET /cases, a queue or the JSONL export (case_json.hpp).
  CaseView view_of(const Case& c, const Actor& actor, bool list_item = false) {
    const Millis now = ctx_.cases.clock().now();
    const Deadlines* deadlines = ctx_.cases.deadlines();
    return CaseView{ctx_.cases.state_label(c), ctx_.cases.allowed_events(c, actor), now,
                    // A list row shows fixed instants, not the ticking time
                    // left (case_json.cpp): not worked out per row.
                    deadlines && !list_item ? deadlines->time_left(c, now) : std::nullopt,
                    std::nullopt, 0, duplicate_in_scope(c, actor),
                    deadlines ? deadlines->warning_at(c) : std::nullopt, list_item};
  }

  // The case `c` duplicates, if the actor sees it: another case's id is not
  // shown to a caller outside its scope (nor when the lookup fails).
  std::optional<CaseId> duplicate_in_scope(const Case& c, const Actor& actor) {
    const json::value* d = c.facts.if_contains("duplicate_of");
    if (d == nullptr || !(d->is_int64() || d->is_uint64())) return std::nullopt;
    const CaseId id = d->to_number<CaseId>();
    auto seen = ctx_.cases.sees(id, actor);
    if (!seen || !seen.value()) return std::nullopt;
    return id;
  }

  std::string render(const Case& c, const Actor& actor) { return case_json(c, view_of(c, actor)); }

  Result<EventCommand> event_command(const HttpRequest& req, const json::value& body) {
    auto if_match = if_match_of(req);
    if (!if_match) return if_match.error();
    const json::object* o = body.if_object();
    if (!o) return Error::invalid_field("body", "must be a JSON object");
    const json::value* event = o->if_contains("event");
    if (!event || !event->is_string() || event->get_string().empty()) {
      return Error::invalid_field("event", "is required and must be an event name");
    }
    return EventCommand{std::string(event->get_string()), read_event_payload(*o), if_match.value()};
  }

  // A create body with errors of its shape: 403 before 422, as for a good
  // body; the 422 names the engine's findings too.
  HttpResponse refused_case(const CaseRequest& request, const Actor& actor) {
    if (Status s = ctx_.cases.permissions().check(Action::create_case, actor); !s) {
      return problem(s.error());
    }
    Status domain = ctx_.cases.check(request.command);
    return problem(merged_case_errors(request.errors, domain ? Error{} : domain.error()));
  }

  // Ok when case `id` is in the actor's scope now; not_found otherwise.
  Status seen(CaseId id, const Actor& actor) {
    auto c = ctx_.cases.get(id, actor);
    if (!c) return c.error();
    return Ok{};
  }

  // At most once per (user, Idempotency-Key): adapters/http/idempotency.hpp.
  // A repeat is replayed only while `still_allowed(case id)` holds.
  template <class Allowed, class Op>
  HttpResponse idempotent(const HttpRequest& req, const Actor& actor, int status,
                          Allowed&& still_allowed, Op&& op) {
    const IdempotentResource<Case> cases{
        kIdempotencyScope,
        kCaseLocation,
        [&](const IdempotencyKey& k) { return ctx_.cases.find_idempotent(k); },
        [&](const IdempotencyKey& k, std::string_view answer) {
          return ctx_.cases.save_idempotent_answer(k, answer);
        },
        [&](std::int64_t id) { return ctx_.cases.get(id, actor); },
        [&](const Case& c) { return render(c, actor); },
        std::forward<Allowed>(still_allowed)};
    return http::idempotent(cases, req, actor, status, std::forward<Op>(op));
  }

  // {"items": [case, ...], "next_cursor": "<id>" | null, <extra members>}.
  HttpResponse page_response(const CaseFilter& filter, const Actor& actor,
                             const json::object& extra = {}) {
    auto page = ctx_.cases.list(filter, actor);
    if (!page) return problem(page.error());
    std::string out;
    out.reserve(page.value().items.size() * kCaseJsonBytes + 256);
    JsonText w(out);
    w.begin_object().key("items").begin_array();
    for (const auto& c : page.value().items) write_case(w, c, view_of(c, actor, true));
    w.end_array().key("next_cursor");
    if (page.value().next_cursor) {
      w.value(cursor_text(filter, *page.value().next_cursor, page.value().next_cursor_key));
    } else {
      w.null();
    }
    for (const auto& [name, value] : extra) w.key(name).value(value);
    w.end_object();
    return HttpResponse{200, "application/json", {}, std::move(out)};
  }

  // The list's filters without its paging: an export holds every matching case.
  Result<CaseFilter> export_filter_of(const HttpRequest& req) {
    for (const auto& [name, value] : req.query) {
      if (name == "limit" || name == "cursor") {
        return Error::invalid_field(name, "is not a parameter of the export, which has every case");
      }
    }
    auto filter = filter_of(req);
    if (!filter) return filter;
    filter.value().limit = kMaxPageSize;
    filter.value().oldest_first = true;
    return filter;
  }

  // The body of an export: writes cases as JSON lines until a piece holds
  // kPieceBytes, fetching the next page with the cursor when one is used up.
  // At most one page and one piece are in memory.
  struct CaseLines {
    static constexpr std::size_t kPieceBytes = 64 * 1024;

    Result<bool> operator()(std::string& out) {
      while (out.size() < kPieceBytes) {
        if (next == page.size()) {
          if (done) return false;
          page.clear();
          next = 0;
          auto fetched = routes->ctx_.cases.list(filter, actor);
          if (!fetched) return fetched.error();
          page = std::move(fetched.value().items);
          filter.cursor = fetched.value().next_cursor;
          done = !filter.cursor;
          continue;
        }
        JsonText w(out);
        write_case(w, page[next], routes->view_of(page[next], actor, true));
        out += '\n';
        ++next;
      }
      return true;
    }

    CaseRoutes* routes;
    CaseFilter filter;
    Actor actor;
    std::vector<Case> page = {};
    std::size_t next = 0;
    bool done = false;  // `page` is the last one
  };

  // Only limit, cursor and the queue's own `filters`: the queues decide the rest.
  Result<CaseFilter> paging_of(const HttpRequest& req,
                               std::initializer_list<std::string_view> filters = {}) {
    for (const auto& [name, value] : req.query) {
      if (name != "limit" && name != "cursor" &&
          std::find(filters.begin(), filters.end(), name) == filters.end()) {
        return Error::invalid_field(name, "is not a parameter of this queue");
      }
    }
    return filter_of(req);
  }

  static Result<CaseFilter> filter_of(const HttpRequest& req) { return case_filter_of(req.query); }

  ApiContext& ctx_;
  const CaseQueues queues_;
};

}  // namespace

void register_case_routes(Router& router, ApiContext& ctx) {
  auto routes = std::make_shared<CaseRoutes>(ctx);
  router.add("POST", "/api/v1/cases",
             [routes](const HttpRequest& req, const PathParams&) { return routes->create(req); });
  router.add("GET", "/api/v1/cases",
             [routes](const HttpRequest& req, const PathParams&) { return routes->list(req); });
  router.add("GET", "/api/v1/cases/{id}",
             [routes](const HttpRequest& req, const PathParams& p) { return routes->get(req, p); });
  router.add("POST", "/api/v1/cases/{id}/events",
             [routes](const HttpRequest& req, const PathParams& p) {
               return routes->apply_event(req, p);
             });
  router.add(
      "GET", "/api/v1/exports/cases.jsonl",
      [routes](const HttpRequest& req, const PathParams&) { return routes->export_lines(req); });
  router.add("GET", "/api/v1/queues/dispatch", [routes](const HttpRequest& req, const PathParams&) {
    return routes->dispatch_queue(req);
  });
  router.add("GET", "/api/v1/queues/mine",
             [routes](const HttpRequest& req, const PathParams&) { return routes->my_queue(req); });
  router.add(
      "GET", "/api/v1/queues/escalated",
      [routes](const HttpRequest& req, const PathParams&) { return routes->escalated_queue(req); });
  router.add(
      "GET", "/api/v1/cases/{id}/history",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->history(req, p); });
}

}  // namespace outpost::http
