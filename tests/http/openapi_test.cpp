// The OpenAPI document against the router of a real server: every route the
// server registers (it logs its route table at debug level at start) is in the
// document with its method, and every documented path and method is routed.
// The console's files (/, /console/*) are outside the API and the document.
// That every example matches its schema is checked by tests/http/openapi_lint.py
// (CTest openapi_lint).
#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "tests/http/fixtures.hpp"

namespace {

using namespace outpost::testing;
namespace json = boost::json;

using Operation = std::pair<std::string, std::string>;  // method, path pattern

bool in_api(const std::string& pattern) {
  return pattern.starts_with("/api/") || pattern.starts_with("/open311/") ||
         pattern.starts_with("/health") || pattern == "/readyz" || pattern == "/metrics";
}

// The "… debug route GET /api/v1/cases" lines of the server's log.
std::set<Operation> routed(const std::string& log) {
  std::set<Operation> out;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    const auto at = line.find(" route ");
    if (at == std::string::npos) continue;
    std::istringstream words(line.substr(at + 7));
    Operation op;
    words >> op.first >> op.second;
    if (in_api(op.second)) out.insert(op);
  }
  return out;
}

std::set<Operation> documented(const json::object& doc) {
  std::set<Operation> out;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      std::string upper(method);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.insert({upper, std::string(path)});
    }
  }
  return out;
}

std::string names(const std::set<Operation>& ops) {
  std::string s;
  for (const auto& [method, path] : ops) s += "\n  " + method + " " + path;
  return s;
}

}  // namespace

TEST_SUITE("http_openapi") {
  TEST_CASE("every route is documented with its methods and every documented operation is routed") {
    // With a metrics token, so that GET /metrics is routed too.
    TestServer t(
        Headers{{"OUTPOST_LOG_LEVEL", "debug"}, {"OUTPOST_METRICS_TOKEN", "openapi-test"}});
    auto r = t.client.get("/api/v1/openapi.json");
    REQUIRE(r.status == 200);
    const std::set<Operation> doc = documented(r.json().as_object());
    const std::set<Operation> routes = routed(t.server.log());
    REQUIRE_MESSAGE(routes.contains({"GET", "/api/v1/cases"}), t.server.log());

    std::set<Operation> undocumented, unrouted;
    for (const Operation& op : routes) {
      if (!doc.contains(op)) undocumented.insert(op);
    }
    for (const Operation& op : doc) {
      if (!routes.contains(op)) unrouted.insert(op);
    }
    CHECK_MESSAGE(undocumented.empty(), "routed but not in openapi.json:" << names(undocumented));
    CHECK_MESSAGE(unrouted.empty(), "in openapi.json but not routed:" << names(unrouted));
  }
}
