// File: adapters/http/router.hpp
//
// Maps (method, path pattern) to a handler. Patterns are literal segments and
// `{name}` placeholders: "/api/v1/cases/{id}/events". A path that matches no
// pattern is 404; a path that matches with another method is 405 with Allow.
//
//   Router r;
//   r.add("GET", "/api/v1/cases/{id}", [](const HttpRequest& req, const PathParams& p) {...});
//   HttpResponse res = r.handle(req);
#pragma once

#include <functional>
#include <string>
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
  void add(std::string method, std::string pattern, Handler handler);
  HttpResponse handle(const HttpRequest& req) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace outpost::http
