// File: adapters/web/assets.hpp
//
// Serves the console's static files under /console/ from a table held in
// memory (path -> bytes, content type); the console's build step fills the
// table, the server only answers from it. Once, at start-up, every file gets
// a strong ETag from the SHA-256 of its bytes and a gzip copy (zlib, kept only
// when smaller).
//
// Answers to GET /console/<path>:
//   a file of the table            200 with ETag and Content-Type; gzip when
//                                  Accept-Encoding allows it (its own ETag)
//   If-None-Match names its ETag   304
//   unknown, no extension          index.html: the console routes in the browser
//   unknown, with an extension     404 problem+json (also every path when the
//                                  table has no index.html, e.g. is empty)
// Fingerprinted names (`name.<8 to 64 hex digits>.js|css`) are cached for a
// year as immutable; everything else is `no-cache` (revalidated by ETag).
// Every file carries `Vary: Accept-Encoding`, a strict Content-Security-Policy
// (kContentSecurityPolicy) and `X-Content-Type-Options: nosniff`.
//
//   web::AssetServer console(web::AssetTable{{"index.html", "text/html; charset=utf-8", html}});
//   web::register_console_routes(router, console);  // console must outlive router
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/router.hpp"

namespace outpost::web {

struct Asset {
  std::string path;  // relative to /console/, e.g. "index.html", "app.3f2a9c01.js"
  std::string content_type;
  std::string bytes;
};
using AssetTable = std::vector<Asset>;

inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

class AssetServer {
 public:
  explicit AssetServer(const AssetTable& table);

  // The answer to GET /console/<path> (`path` without the prefix).
  http::HttpResponse serve(const http::HttpRequest& req, std::string_view path) const;

 private:
  struct File {
    std::string content_type;
    std::string bytes;
    std::string gzip;  // empty when gzip would not be smaller
    std::string etag;  // quoted
    std::string gzip_etag;
    bool immutable = false;
  };
  const File* find(std::string_view path) const;
  std::map<std::string, File, std::less<>> files_;
};

// GET /console/* answered by `assets`.
void register_console_routes(http::Router& router, const AssetServer& assets);

}  // namespace outpost::web
