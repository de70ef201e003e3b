// File: adapters/http/router.hpp
//
// Maps (method, path pattern) to a handler. A pattern is a list of segments:
//   literal             "cases"
//   placeholder         "{id}"             matches the whole segment (possibly empty)
//   mixed               "{id}.{format}"    literals around placeholders; here each
//                                          placeholder matches at least one character,
//                                          the earlier ones as much as still lets the
//                                          rest match ("1.2.json": id=1.2, format=json)
//   rest (last only)    "*"                one or more further segments, joined by
//                                          '/', as param "*" ("/console/*")
// Routes are tried in the order they were added; the first that matches path
// and method answers. A path that matches no pattern is 404 (or goes to the
// fallback, when one is set); a path that matches with another method is 405
// with Allow.
//
//   Router r;
//   r.add("GET", "/api/v1/cases/{id}", [](const HttpRequest& req, const PathParams& p) {...});
//   r.add("GET", "/open311/v2/requests/{id}.{format}", ...);
//   HttpResponse res = r.handle(req);
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/http_types.hpp"

namespace outpost::http {

struct PathParams {
  std::vector<std::pair<std::string, std::string>> values;
  std::string_view get(std::string_view name) const;
};

using Handler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

class Router {
 public:
  // Throws std::invalid_argument for a pattern the matcher cannot use: "*"
  // before the last segment, or two placeholders with no literal between them.
  void add(std::string method, std::string pattern, Handler handler);
  // Answers every request whose path matches no pattern (the console's pages
  // under "/"); its params are empty.
  void set_fallback(Handler handler);
  // `route`, when given, is set to the index in listing() of the route that
  // answered, or to kFallbackRoute / kNoRoute (404, 405): what metrics label a
  // request by, never its raw path.
  HttpResponse handle(const HttpRequest& req, std::size_t* route = nullptr) const;
  static constexpr std::size_t kFallbackRoute = static_cast<std::size_t>(-2);
  static constexpr std::size_t kNoRoute = static_cast<std::size_t>(-1);

  // Every route as added, in order: what the OpenAPI document must describe
  // (`outpost serve` logs it at debug level; tests/http/openapi_test.cpp).
  struct Listed {
    std::string method;
    std::string pattern;
  };
  std::vector<Listed> listing() const;

 private:
  // A literal piece of a segment, or a placeholder's name (`param`).
  struct Piece {
    std::string text;
    bool param = false;
  };
  using Segment = std::vector<Piece>;
  struct Route {
    std::string method;
    std::vector<Segment> segments;  // without the final "*"
    bool rest = false;              // the pattern ends in "*"
    Handler handler;
    std::string pattern;  // as added
  };
  static Segment parse_segment(std::string_view text);
  // `segments`: `path` split at '/' (views into it).
  static std::optional<PathParams> match(const Route& route, std::string_view path,
                                         const std::vector<std::string_view>& segments);
  // Matches one segment against a pattern segment with placeholders between
  // literals, appending the placeholders' values to `params` when it matches.
  static bool match_segment(const Segment& pieces, std::string_view text, PathParams& params);
  std::vector<Route> routes_;
  Handler fallback_;
};

}  // namespace outpost::http
