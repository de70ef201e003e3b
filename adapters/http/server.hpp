// File: adapters/http/server.hpp
//
// The HTTP/1.1 server: Boost.Beast, asynchronous, keep-alive. I/O threads only
// read and write; every request is handled on a separate worker pool (where
// handlers may block on the database) and the response is posted back to the
// connection's strand.
//
// Limits (all explicit, all answered with problem+json before closing):
//   request body over `body_limit` (default 1 MiB), or over the limit of the
//   first matching `body_limit_rules` entry          -> 413
//   header block over `header_limit` (default 8 KiB) -> 431
//   malformed request line or headers                -> 400
//   a second Host, or a body framed other than by one Content-Length or by
//   `Transfer-Encoding: chunked` alone (a smuggling shape) -> 400
// Time-outs: `idle_timeout` while waiting for a request on an open connection,
// `read_timeout` for the rest of a request once its header has arrived and for
// writing the response. On SIGINT or SIGTERM the server stops accepting,
// closes idle connections, finishes requests in flight (at most
// `shutdown_grace`), and run() returns. A trusted proxy's idle connections
// (`trusted_proxies`) stay open until the proxy closes them or the grace ends:
// a request that still comes on one is answered with `Connection: close`.
//
// A response with a BodyProducer (http_types.hpp) is sent with chunked
// transfer encoding, one piece at a time, each produced where handlers run
// only after the previous one was written; the connection stays open for the
// next request afterwards. Every response gets `Cache-Control: no-store` and
// `X-Content-Type-Options: nosniff` unless its handler sets other values.
//
//   Server server(options, router);
//   auto port = server.listen();   // error message if the address is taken
//   server.run();                  // until a signal
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/client_address.hpp"
#include "adapters/http/router.hpp"
#include "engine/core/error.hpp"

namespace outpost::http {

// A different body limit for some requests (e.g. file uploads): a request
// whose method is `method` and whose decoded path ends with `path_suffix` may
// send up to `limit` bytes instead of ServerOptions::body_limit. Decided from
// the request line, before any of the body is read.
struct BodyLimitRule {
  std::string method;
  std::string path_suffix;
  std::size_t limit = 0;
};

// Told about every request the router answered (adapters/metrics): the
// route's index in Router::listing() (or Router::kFallbackRoute / kNoRoute),
// the status, and how long the handler took (for a streamed body: until its
// header was ready). Called on the thread that ran the handler; must be cheap.
class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  virtual void request_done(std::string_view method, std::size_t route, int status,
                            std::chrono::nanoseconds elapsed) = 0;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0 picks a free port
  // 0 (the default): the worker_threads threads read requests, run their
  // handlers and write the responses themselves — no hand-off between threads
  // per request, which on 2 cores gave transitions about 10 % more
  // throughput (bench/RESULTS.md). N > 0: N threads do the socket I/O and
  // hand each request to a separate pool of worker_threads threads, so a
  // request waiting on the database never delays reading the others.
  int io_threads = 0;
  int worker_threads = 4;  // threads that run handlers = database connections
  std::size_t body_limit = 1024 * 1024;
  std::vector<BodyLimitRule> body_limit_rules;
  std::size_t header_limit = 8 * 1024;
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
  std::chrono::milliseconds read_timeout = std::chrono::seconds(30);
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(20);
  // Peers whose X-Forwarded-For names the client (HttpRequest::client_address).
  TrustedProxies trusted_proxies;
  // Called once when the shutdown begins (readiness turns 503: health.hpp).
  std::function<void()> on_shutdown;
  RequestObserver* observer = nullptr;  // may be null
};

class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns the bound port.
  Result<unsigned short> listen();
  // Serves until SIGINT or SIGTERM, then drains and returns.
  void run();

  struct Impl;  // defined in server.cpp; public only so its connection type can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace outpost::http
