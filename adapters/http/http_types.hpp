// File: adapters/http/http_types.hpp
//
// Plain request and response values shared by the router and the handlers.
// Only server.cpp knows Beast: it converts to and from these, so editing a
// handler never recompiles Beast.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/error.hpp"

namespace outpost::http {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string path;                                          // percent-decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_address;  // the peer's IP address; empty when unknown
  // Who sent the request: remote_address, or the client a trusted proxy
  // forwarded it for (X-Forwarded-For; adapters/http/client_address.hpp).
  // What login throttling and logs name the client by.
  std::string client_address;

  // The first header with this lower-case name.
  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string_view> query_param(std::string_view name) const;
};

// A body written piece by piece while it is sent. Each call appends the next
// piece to `out` (empty on entry) and answers whether more follows. The server
// asks for a piece only once the previous one is written, so memory stays
// flat whatever the size of the whole. It runs where handlers run (the worker
// pool when io_threads > 0) and may block on the database; it owns or
// outlives everything it uses. An error before the first piece is answered
// as problem+json; after it, the transfer ends without its last chunk (the
// client sees it truncated) and is logged.
using BodyProducer = std::function<Result<bool>(std::string& out)>;

struct HttpResponse;
// A response made later, without holding a worker thread while it waits (a
// GET of one case waiting for its batched read, adapters/storage/case_reads.hpp).
// The server calls `later` once, with a Resume; the handler arranges for
// resume(finish) to be called exactly once, from any thread, and the server
// then runs `finish` where handlers run (on the connection's own thread, or
// the worker pool with io_threads) and sends the response it returns.
using Finish = std::function<HttpResponse()>;
using Resume = std::function<void(Finish)>;
using LaterResponse = std::function<void(Resume)>;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body comes from here (chunked transfer encoding) and `body` is unused.
  BodyProducer stream = nullptr;
  // When set, the response is made later (see LaterResponse); the rest is unused.
  LaterResponse later = nullptr;

  HttpResponse& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Splits a request target into a decoded path and query. nullopt when the
// target is not origin-form or has a bad percent escape, when its decoded path
// or a query name or value is not UTF-8 or holds U+0000, or when the path has
// an encoded slash or backslash, a backslash, or a "." or ".." segment.
struct Target {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
};
std::optional<Target> parse_target(std::string_view target);

}  // namespace outpost::http
