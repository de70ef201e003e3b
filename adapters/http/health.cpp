#include "adapters/http/health.hpp"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/json/value.hpp>

#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"

namespace outpost::http {

struct Readiness::Run {
  std::mutex mutex;
  std::condition_variable done;
  std::optional<Status> result;
};

Readiness::Readiness(Check check, std::chrono::milliseconds timeout)
    : check_(std::move(check)), timeout_(timeout) {}

Status Readiness::probe() {
  if (draining_) return Error::make(ErrorKind::unavailable, "the server is shutting down");
  // One probe at a time: a balancer polling fast must not stack up threads.
  if (probing_.exchange(true)) {
    return Error::make(ErrorKind::unavailable, "another readiness check is running");
  }
  struct Release {
    std::atomic<bool>& flag;
    ~Release() { flag = false; }
  } release{probing_};
  if (hanging_) {
    std::lock_guard lock(hanging_->mutex);
    if (!hanging_->result) {
      return Error::make(ErrorKind::unavailable, "the database has not answered the last check");
    }
  }
  auto run = std::make_shared<Run>();
  std::thread([run, check = check_] {
    Status s = check();
    std::lock_guard lock(run->mutex);
    run->result = std::move(s);
    run->done.notify_all();
  }).detach();
  std::unique_lock lock(run->mutex);
  if (!run->done.wait_for(lock, timeout_, [&] { return run->result.has_value(); })) {
    hanging_ = run;
    return Error::make(ErrorKind::unavailable, "the database did not answer within " +
                                                   std::to_string(timeout_.count()) + " ms");
  }
  hanging_.reset();
  return *run->result;
}

void register_health_routes(Router& router, Readiness& readiness) {
  router.add("GET", "/health/live", [](const HttpRequest&, const PathParams&) {
    return json_response(200, boost::json::object{{"status", "live"}});
  });
  router.add("GET", "/health/ready", [&readiness](const HttpRequest&, const PathParams&) {
    if (Status s = readiness.probe(); !s) return problem(s.error());
    return json_response(200, boost::json::object{{"status", "ready"}});
  });
}

}  // namespace outpost::http
