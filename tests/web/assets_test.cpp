// The console's static files from an in-memory table: what a browser gets.
#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

#include <boost/json/parse.hpp>

#include "adapters/web/assets.hpp"
#include "engine/cases/audit_chain.hpp"

using outpost::http::HttpRequest;
using outpost::http::HttpResponse;
using outpost::http::PathParams;
using outpost::http::Router;
using namespace outpost::web;

namespace {

// Compressible text of about `n` bytes.
std::string text_of(std::size_t n, const std::string& word) {
  std::string out;
  while (out.size() < n) out += word + " ";
  return out;
}

const std::string kIndex = "<!doctype html><title>console</title>" + text_of(4000, "<p>x</p>");
const std::string kScript = text_of(8000, "console.log('outpost');");
const std::string kStyle = text_of(3000, "body{margin:0}");
const std::string kIcon = "\x89PNG\r\n";  // too small to gain from gzip

AssetTable test_table() {
  return {{"index.html", "text/html; charset=utf-8", kIndex},
          {"assets/app.3f2a9c01.js", "text/javascript", kScript},
          {"assets/app.css", "text/css", kStyle},
          {"favicon.png", "image/png", kIcon}};
}

HttpResponse get(const AssetServer& assets, std::string path,
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
  Router router;
  register_console_routes(router, assets);
  HttpRequest req;
  req.method = "GET";
  req.path = "/" + path;
  req.headers = std::move(headers);
  return router.handle(req);
}

std::string header(const HttpResponse& res, std::string_view name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) return v;
  }
  return {};
}

std::string gunzip(const std::string& bytes) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
  std::string out;
  char buf[4096];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  inflateEnd(&z);
  CHECK(rc == Z_STREAM_END);
  return out;
}

}  // namespace

TEST_SUITE("web_assets") {
  TEST_CASE("a file comes with a strong ETag from its SHA-256, its type and the security headers") {
    const AssetServer assets(test_table());
    const HttpResponse res = get(assets, "assets/app.css");
    CHECK(res.status == 200);
    CHECK(res.content_type == "text/css");
    CHECK(res.body == kStyle);
    CHECK(header(res, "ETag") == "\"" + outpost::sha256_hex(kStyle) + "\"");
    CHECK(header(res, "Content-Encoding").empty());
    CHECK(header(res, "Vary") == "Accept-Encoding");
    CHECK(header(res, "Content-Security-Policy") ==
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    CHECK(header(res, "X-Content-Type-Options") == "nosniff");
    CHECK(header(res, "X-Frame-Options") == "DENY");
    CHECK(header(res, "Referrer-Policy") == "same-origin");
  }

  TEST_CASE("files under assets/ are immutable for a year, everything else is revalidated") {
    const AssetServer assets(test_table());
    CHECK(header(get(assets, "assets/app.3f2a9c01.js"), "Cache-Control") ==
          "public, max-age=31536000, immutable");
    CHECK(header(get(assets, "assets/app.css"), "Cache-Control") ==
          "public, max-age=31536000, immutable");
    CHECK(header(get(assets, "index.html"), "Cache-Control") == "no-cache");
    CHECK(header(get(assets, ""), "Cache-Control") == "no-cache");
    CHECK(header(get(assets, "favicon.png"), "Cache-Control") == "no-cache");
  }

  TEST_CASE("If-None-Match with the current ETag is 304 without a body") {
    const AssetServer assets(test_table());
    const std::string etag = header(get(assets, "assets/app.css"), "ETag");
    for (const std::string& value : {etag, "\"other\", " + etag, "W/" + etag, std::string("*")}) {
      CAPTURE(value);
      const HttpResponse res = get(assets, "assets/app.css", {{"if-none-match", value}});
      CHECK(res.status == 304);
      CHECK(res.body.empty());
      CHECK(header(res, "ETag") == etag);
      CHECK(header(res, "Cache-Control") == "public, max-age=31536000, immutable");
    }
    const HttpResponse stale = get(assets, "assets/app.css", {{"if-none-match", "\"old\""}});
    CHECK(stale.status == 200);
    CHECK(stale.body == kStyle);
  }

  TEST_CASE("gzip when Accept-Encoding allows it, decoding to the same bytes") {
    const AssetServer assets(test_table());
    const HttpResponse plain = get(assets, "assets/app.3f2a9c01.js");
    for (const char* accept : {"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*"}) {
      CAPTURE(accept);
      const HttpResponse res = get(assets, "assets/app.3f2a9c01.js", {{"accept-encoding", accept}});
      CHECK(res.status == 200);
      CHECK(header(res, "Content-Encoding") == "gzip");
      CHECK(header(res, "Vary") == "Accept-Encoding");
      CHECK(res.body.size() < kScript.size() / 4);
      CHECK(gunzip(res.body) == kScript);
      CHECK(header(res, "ETag") != header(plain, "ETag"));
      const HttpResponse again =
          get(assets, "assets/app.3f2a9c01.js",
              {{"accept-encoding", accept}, {"if-none-match", header(res, "ETag")}});
      CHECK(again.status == 304);
    }
    for (const char* accept : {"identity", "gzip;q=0", "br", "*;q=0", "gzip;q=0.000, *"}) {
      CAPTURE(accept);
      const HttpResponse res = get(assets, "assets/app.3f2a9c01.js", {{"accept-encoding", accept}});
      CHECK(header(res, "Content-Encoding").empty());
      CHECK(res.body == kScript);
    }
    const HttpResponse icon = get(assets, "favicon.png", {{"accept-encoding", "gzip"}});
    CHECK(header(icon, "Content-Encoding").empty());
    CHECK(icon.body == kIcon);
  }

  TEST_CASE("console routes fall back to index.html, unknown files are 404") {
    const AssetServer assets(test_table());
    for (const char* route : {"", "cases", "cases/12/edit"}) {
      CAPTURE(route);
      const HttpResponse res = get(assets, route);
      CHECK(res.status == 200);
      CHECK(res.content_type == "text/html; charset=utf-8");
      CHECK(res.body == kIndex);
    }
    for (const char* missing : {"assets/app.0000000.js", "missing.css", "cases/12/photo.png", "api",
                                "api/v1/nothing-here", "api/v2/cases", "open311/v2",
                                "healthz/extra", "health", "readyz/x", "metrics"}) {
      CAPTURE(missing);
      const HttpResponse res = get(assets, missing);
      CHECK(res.status == 404);
      CHECK(res.content_type == "application/problem+json");
      CHECK(boost::json::parse(res.body).at("status").as_int64() == 404);
      CHECK(header(res, "X-Frame-Options") == "DENY");
    }
  }

  TEST_CASE("only GET is answered from the table, other methods are 404") {
    const AssetServer assets(test_table());
    Router router;
    register_console_routes(router, assets);
    for (const char* method : {"POST", "PUT", "DELETE"}) {
      CAPTURE(method);
      HttpRequest req;
      req.method = method;
      req.path = "/cases";
      CHECK(router.handle(req).status == 404);
    }
  }

  TEST_CASE("an empty table answers every console path with 404 problem+json") {
    const AssetServer assets(AssetTable{});
    for (const char* path : {"", "index.html", "cases"}) {
      CAPTURE(path);
      const HttpResponse res = get(assets, path);
      CHECK(res.status == 404);
      CHECK(res.content_type == "application/problem+json");
    }
  }
}
