// File: tests/operations/cluster.hpp
//
// Several real `outpost serve` processes on one PostgreSQL database behind
// Debian's nginx, configured by the shipped site deploy/nginx/outpost.conf
// (only its upstream ports and listen port are replaced). The tests speak to
// nginx; nginx's access log says which process answered each request.
//
//   Cluster c;                                  // 3 engines + nginx, fresh database
//   HttpClient client = c.client();             // to nginx, as admin
//   c.restart(1);                               // SIGTERM, start, /health/ready answers 200
//   c.proxy.upstreams_of("idem-1");             // engines that served that Idempotency-Key
#pragma once

#include <sys/types.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_db.hpp"

namespace outpost::testing {

// The engines' readiness path: GET answers 200 once the process serves.
inline constexpr const char* kReadyPath = "/health/ready";

// A loopback port nothing is bound to right now, below the ephemeral range.
unsigned short free_port();

// deploy/nginx/outpost.conf with its three upstream addresses and `listen 80`
// replaced; throws when the file no longer has them (the test and the
// shipped site must stay one file).
std::string render_site(const std::string& site, const std::vector<unsigned short>& upstreams,
                        unsigned short listen_port);

// nginx in the foreground with a temporary prefix: `nginx -t` first (throws
// with its output when the configuration is refused), then started and
// waited for. Stopped (SIGQUIT, graceful) when destroyed.
class NginxProxy {
 public:
  explicit NginxProxy(const std::vector<unsigned short>& upstream_ports);
  ~NginxProxy();
  NginxProxy(const NginxProxy&) = delete;
  NginxProxy& operator=(const NginxProxy&) = delete;

  unsigned short port() const { return port_; }
  std::string error_log() const;
  // Access log lines: the fields the test's log_format writes, one struct a line.
  struct Entry {
    std::string client;     // $remote_addr
    std::string method;     // $request_method
    std::string uri;        // $request_uri
    int status = 0;         // $status
    std::string upstreams;  // $upstream_addr: "A" or "A, B" after a retry
    std::string key;        // $http_idempotency_key, "-" when absent
  };
  std::vector<Entry> access_log() const;
  // The engine address that answered each request carrying this Idempotency-Key.
  std::vector<std::string> upstreams_of(const std::string& idempotency_key) const;

 private:
  std::string dir_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
};

// Three (or `engines`) engines on one fresh PostgreSQL database, each on a
// fixed loopback port and trusting 127.0.0.1 (nginx) as its proxy, and nginx
// in front. `env` and `args` go to every engine.
class Cluster {
 public:
  explicit Cluster(Headers env = {}, std::vector<std::string> args = {}, int engines = 3);

  TestDatabase db;
  std::vector<unsigned short> ports;
  std::vector<std::unique_ptr<ServerProcess>> engines;
  std::unique_ptr<NginxProxy> proxy;

  HttpClient client(std::string token = kTestToken) const {
    return HttpClient(proxy->port(), std::move(token));
  }
  // SIGTERM to engine i, wait for its exit (returns the exit code), start it
  // again on its port and wait until kReadyPath answers 200.
  int restart(std::size_t i);
  // Every engine's log, for failure messages.
  std::string logs() const;
};

// One request on a new connection whose source address is `source` (another
// loopback address, e.g. 127.0.0.2: a client that is not the proxy), with no
// retry. Throws on a transport error.
Response request_from(const std::string& source, unsigned short port, const std::string& method,
                      const std::string& target, const std::string& body,
                      const Headers& headers = {});

}  // namespace outpost::testing
