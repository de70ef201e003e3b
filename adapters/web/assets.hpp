// File: adapters/web/assets.hpp
//
// Serves the console's static files under / from a table held in memory
// (path -> bytes, content type): adapters/web/embedded_console.hpp fills it at
// build time, the server only answers from it. Once, at start-up, every file
// gets a strong ETag from the SHA-256 of its bytes and a gzip copy (zlib, kept
// only when smaller). The API keeps its own paths: the console answers only
// what no route of the router matched (Router::set_fallback).
//
// Answers to GET /<path>:
//   under /api, /open311, /metrics,  404 problem+json: an unknown API path never
//   /readyz or /health…              gets the console's page
//   a file of the table              200 with ETag and Content-Type; gzip when
//                                    Accept-Encoding allows it (its own ETag)
//   If-None-Match names its ETag     304
//   unknown, no extension            index.html: the console routes in the browser
//   unknown, with an extension       404 problem+json (also every path when the
//                                    table has no index.html, e.g. is empty)
//   another method than GET          404 problem+json
// Files under assets/ are fingerprinted (Vite names them name-<hash>.js) and
// cached for a year as immutable; everything else, index.html first, is
// `no-cache` (revalidated by ETag). Every answer carries `Vary:
// Accept-Encoding`, a strict Content-Security-Policy (kContentSecurityPolicy),
// `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff` and
// `Referrer-Policy: same-origin`.
//
//   web::AssetServer console(web::embedded_console());
//   web::register_console_routes(router, console);  // console must outlive router
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/router.hpp"

namespace outpost::web {

struct Asset {
  std::string path;  // relative to /, e.g. "index.html", "assets/index-B1a2c3D4.js"
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

  // The answer to GET /<path> (`path` without the leading '/').
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

// Every path no other route matches answered by `assets` (the router's fallback).
void register_console_routes(http::Router& router, const AssetServer& assets);

}  // namespace outpost::web
