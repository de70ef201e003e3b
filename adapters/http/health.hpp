// File: adapters/http/health.hpp
//
// Liveness and readiness for process supervisors and load balancers (nginx,
// systemd, Kubernetes):
//   GET /health/live   200 while the process serves HTTP at all.
//   GET /health/ready  200 only when `check` (migrations current, the database
//                      answers a trivial query) passes within `timeout`, and
//                      the server is not draining; 503 problem+json otherwise.
// The check runs on a thread of its own, so a database that hangs makes the
// probe answer 503 after `timeout` instead of holding a worker; while one
// check still hangs no second one starts (the probe answers 503 at once).
//
//   Readiness readiness([&db] { return database_ready(db); }, std::chrono::seconds(2));
//   register_health_routes(router, readiness);
//   options.on_shutdown = [&readiness] { readiness.begin_draining(); };
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "adapters/http/router.hpp"
#include "engine/core/error.hpp"

namespace outpost::http {

class Readiness {
 public:
  using Check = std::function<Status()>;
  Readiness(Check check, std::chrono::milliseconds timeout);

  // Ok when ready; ErrorKind::unavailable with the reason otherwise.
  Status probe();
  // From now on probe() answers "draining" (SIGTERM: the balancer should stop
  // sending new requests while those in flight finish).
  void begin_draining() { draining_ = true; }

 private:
  struct Run;  // one check in flight, shared with its thread
  Check check_;
  std::chrono::milliseconds timeout_;
  std::atomic<bool> draining_{false};
  std::shared_ptr<Run> hanging_;  // the last check that did not answer in time
  std::atomic<bool> probing_{false};
};

void register_health_routes(Router& router, Readiness& readiness);

}  // namespace outpost::http
