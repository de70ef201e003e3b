// The console served by the real binary under /: the page and its files with
// their security and caching headers, gzip, 304 on a matching ETag, the
// console's routes answered with its page, and API paths never.
#include <regex>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

const char* const kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

void check_security_headers(const Response& r) {
  CHECK(r.header("content-security-policy") == kCsp);
  CHECK(r.header("x-frame-options") == "DENY");
  CHECK(r.header("x-content-type-options") == "nosniff");
  CHECK(r.header("referrer-policy") == "same-origin");
}

// The script and stylesheet paths index.html names.
std::vector<std::string> assets_of(const std::string& html) {
  std::vector<std::string> out;
  const std::regex ref("(?:src|href)=\"(/assets/[^\"]+)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), ref); it != std::sregex_iterator();
       ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

}  // namespace

TEST_SUITE("http_console") {
  TEST_CASE("/ is the console's page: no-cache with an ETag, the CSP and no inline script") {
    TestServer t;
    HttpClient browser = t.server.client("");
    auto page = browser.get("/");
    REQUIRE(page.status == 200);
    CHECK(page.header("content-type") == "text/html; charset=utf-8");
    check_security_headers(page);
    CHECK(page.header("cache-control") == "no-cache");
    const std::string etag = page.header("etag");
    CHECK(std::regex_match(etag, std::regex("\"[0-9a-f]{64}\"")));
    CHECK(page.body.find("lang=\"zh-CN\"") != std::string::npos);
    // Every script comes from a file: the CSP allows no other.
    const std::regex script("<script[^>]*>");
    for (auto it = std::sregex_iterator(page.body.begin(), page.body.end(), script);
         it != std::sregex_iterator(); ++it) {
      CHECK_MESSAGE(it->str().find("src=\"/assets/") != std::string::npos, it->str());
    }
    CHECK(page.body.find("<script>") == std::string::npos);
    CHECK(page.body.find("<style") == std::string::npos);

    auto again = browser.get("/", {{"If-None-Match", etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    // Its own routes get the same page; the router in the browser shows them.
    for (const char* route : {"/login", "/board", "/cases/12", "/admin"}) {
      CAPTURE(route);
      auto r = browser.get(route);
      CHECK(r.status == 200);
      CHECK(r.header("etag") == etag);
      check_security_headers(r);
    }
  }

  TEST_CASE("files under /assets/ are immutable for a year, gzip when asked, 304 on the ETag") {
    TestServer t;
    HttpClient browser = t.server.client("");
    const auto files = assets_of(browser.get("/").body);
    REQUIRE(files.size() >= 2);
    for (const std::string& file : files) {
      CAPTURE(file);
      auto plain = browser.get(file);
      REQUIRE(plain.status == 200);
      CHECK(plain.header("cache-control") == "public, max-age=31536000, immutable");
      check_security_headers(plain);
      CHECK(plain.header("content-encoding").empty());
      CHECK((plain.header("content-type") == "text/javascript; charset=utf-8" ||
             plain.header("content-type") == "text/css; charset=utf-8"));
      auto zipped = browser.get(file, {{"Accept-Encoding", "gzip, deflate, br"}});
      REQUIRE(zipped.status == 200);
      CHECK(zipped.header("content-encoding") == "gzip");
      CHECK(zipped.header("vary") == "Accept-Encoding");
      CHECK(zipped.body.size() < plain.body.size() / 2);
      auto cached = browser.get(
          file, {{"Accept-Encoding", "gzip"}, {"If-None-Match", zipped.header("etag")}});
      CHECK(cached.status == 304);
      CHECK(cached.body.empty());
    }
  }

  TEST_CASE("unknown API paths and unknown files are problem+json 404, never the page") {
    TestServer t;
    HttpClient browser = t.server.client("");
    for (const char* path :
         {"/api/v1/nothing-here", "/api/v1", "/api", "/api/v2/cases", "/healthz/more", "/readyz/x",
          "/assets/missing-0000.js", "/favicon.ico", "/board/logo.png"}) {
      CAPTURE(path);
      auto r = browser.get(path);
      CHECK(r.status == 404);
      CHECK(r.header("content-type") == "application/problem+json");
      CHECK(r.body.find("<html") == std::string::npos);
    }
    // A method the console does not answer is the API's 404, not 405.
    auto post = browser.request("POST", "/board", "{}", {{"Content-Type", "application/json"}});
    CHECK(post.status == 404);
    // The API's own paths still answer as the API.
    CHECK(browser.get("/healthz").status == 200);
    CHECK(browser.get("/api/v1/cases").status == 401);
    CHECK(t.client.get("/api/v1/cases").header("cache-control") == "no-store");
  }
}
