// File: adapters/http/handler_support.hpp
//
// The small pieces every handler file translates with: authenticate first,
// read a JSON body or a case id, answer with JSON. One version of each, so
// that all routes agree on status codes and messages. Plain values only
// (http_types.hpp), no Beast: editing a handler must stay cheap to compile.
//
//   return authenticated(ctx.auth, req, [&](const Actor& actor) {
//     auto id = case_id_of(params);
//     if (!id) return problem(id.error());
//     auto body = parse_json_body(req);
//     if (!body) return problem(body.error());
//     return json_response(200, do_something(id.value(), body.value(), actor));
//   });
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "adapters/http/auth.hpp"
#include "adapters/http/http_types.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/router.hpp"
#include "engine/access/access_epoch.hpp"
#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"

namespace outpost::http {

HttpResponse json_response(int status, const boost::json::value& body);

// 200 with {"items": [to_json(row), ...]}, or the problem of a failed read.
template <class T, class ToJson>
HttpResponse items_response(const Result<std::vector<T>>& rows, ToJson&& to_json) {
  if (!rows) return problem(rows.error());
  boost::json::array items;
  for (const T& row : rows.value()) items.push_back(to_json(row));
  return json_response(200, boost::json::object{{"items", std::move(items)}});
}

// A decimal integer that is the whole of `s`; nullopt otherwise.
std::optional<std::int64_t> parse_int(std::string_view s);

// The paging parameters every list shares: ?limit=1..500 (default 50) and
// ?cursor=<next_cursor of the previous page>.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;
struct Paging {
  int limit = kDefaultPageSize;
  std::optional<std::int64_t> cursor;
};
// Reads `name`=`value` into `paging` when it is limit or cursor, adding a
// field error to `err` when its value is bad; false for any other name.
bool read_paging(std::string_view name, std::string_view value, Paging& paging, Error& err);

// The request body as JSON: unsupported_media_type (415) unless the media type
// of Content-Type is application/json (parameters and letter case aside),
// malformed_request (400) when the body does not parse.
HttpResult<boost::json::value> parse_json_body(const HttpRequest& req);

// An upload's file name (handlers_annotations.cpp): X-File-Name (percent-encoded
// UTF-8) first, then Content-Disposition's filename* or filename; empty when
// none is given, malformed when one cannot be decoded.
Result<std::string> upload_file_name(const HttpRequest& req);
// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<name>` (RFC 6266).
std::string content_disposition(std::string_view file_name);

// The same user with the same role and scope.
bool same_caller(const Actor& a, const Actor& b);

// The {id} of the path. An id that is not a positive integer names no case:
// not_found (404), like an unknown one.
Result<CaseId> case_id_of(const PathParams& params);

// f(actor) for the caller the request authenticates; otherwise the problem
// (401, or 503 when the database does not answer). A GET answered for a
// cached token whose reads saw a newer access generation (auth.hpp) is
// checked again: kept when the token still names the same caller, else
// answered anew for who the token names now (or 401).
template <class F>
HttpResponse authenticated(Authenticator& auth, const HttpRequest& req, F&& f) {
  Authenticator::Vouch vouch;
  auto actor = auth.authenticate(req, &vouch);
  if (!actor) return problem(actor.error());
  HttpResponse response = f(actor.value());
  if (auth.still_current(vouch)) return response;
  auto now = auth.authenticate(req);
  if (!now) return problem(now.error());
  if (same_caller(now.value(), actor.value())) return response;
  return f(now.value());
}

// authenticated() for a request whose only write is a change of a case
// through commit_case_change (engine/cases/case_commit.hpp): it may run with
// cached credentials, which that change confirms against the access
// generation read beside the case before it writes anything. Unless one did,
// nothing was written with them: the token is looked up again and `f` runs
// again with what the database says now.
template <class F>
HttpResponse authenticated_change(Authenticator& auth, const HttpRequest& req, F&& f) {
  Authenticator::Vouch vouch;
  auto actor = auth.authenticate(req, &vouch, true);
  if (!actor) return problem(actor.error());
  if (vouch.cached) {
    {
      access_epoch::Requirement requirement(vouch.generation);
      HttpResponse response = f(actor.value());
      if (requirement.confirmed()) return response;
    }
    auth.still_current(vouch);  // drops the entry if the generation moved
    actor = auth.authenticate(req);
    if (!actor) return problem(actor.error());
  }
  return f(actor.value());
}

// f(actor, case id) for the caller the request authenticates and the {id} of
// the path; otherwise the problem.
template <class F>
HttpResponse with_case_id(Authenticator& auth, const HttpRequest& req, const PathParams& params,
                          F&& f) {
  return authenticated(auth, req, [&](const Actor& actor) {
    auto id = case_id_of(params);
    if (!id) return problem(id.error());
    return f(actor, id.value());
  });
}

}  // namespace outpost::http
