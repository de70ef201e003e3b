// File: fuzz/fuzz_router.cpp
//
// libFuzzer target: the request target and the router. The bytes are a
// request target ("/api/v1/cases/7?x=1"): parse_target splits and decodes
// it, and a router with the route shapes of the server (literal, {id},
// {id}.{format}, trailing *) matches its path. Every match's parameters must
// come from the path; a path that matches nothing is 404, never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "adapters/http/router.hpp"

using namespace outpost::http;

namespace {

const Router& router() {
  static const Router r = [] {
    Router r;
    const auto echo = [](const HttpRequest&, const PathParams& p) {
      HttpResponse res;
      for (const auto& [name, value] : p.values) res.body += name + "=" + value + "\n";
      return res;
    };
    for (const char* pattern :
         {"/api/v1/cases", "/api/v1/cases/{id}", "/api/v1/cases/{id}/events",
          "/api/v1/cases/{id}/attachments/{attachment}", "/api/v1/cases/{id}.{format}",
          "/open311/v2/requests/{id}.{format}", "/open311/v2/services/{code}.{format}",
          "/open311/v2/requests.{format}", "/api/v1/exports/cases.csv", "/console/*",
          "/api/v1/{a}-{b}.{c}", "/health"}) {
      r.add("GET", pattern, echo);
      r.add("POST", pattern, echo);
    }
    return r;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  HttpRequest req;
  req.method = size % 3 == 0 ? "DELETE" : "GET";
  if (auto parsed = parse_target(target)) {
    req.path = parsed->path;
    req.query = parsed->query;
  } else {
    req.path = std::string(target);
  }
  const HttpResponse res = router().handle(req);
  if (res.status == 200) {
    // Each parameter's value is a piece of the path.
    std::string_view body = res.body;
    while (!body.empty()) {
      const auto eol = body.find('\n');
      const auto line = body.substr(0, eol);
      const auto value = line.substr(line.find('=') + 1);
      if (req.path.find(value) == std::string::npos) std::abort();
      body.remove_prefix(eol == std::string_view::npos ? body.size() : eol + 1);
    }
  } else if (res.status != 404 && res.status != 405) {
    std::abort();
  }
  // A pattern of its own: refused with invalid_argument or usable.
  Router own;
  try {
    own.add("GET", std::string(target),
            [](const HttpRequest&, const PathParams&) { return HttpResponse{}; });
  } catch (const std::invalid_argument&) {
    return 0;
  }
  (void)own.handle(req);
  return 0;
}
