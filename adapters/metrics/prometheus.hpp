// File: adapters/metrics/prometheus.hpp
//
// GET /metrics in the Prometheus text exposition format 0.0.4. Counts what
// the engine reports through its Metrics port (engine/core/metrics.hpp) and
// what the HTTP server observes, in lock-free atomics (relaxed increments: a
// request costs one table lookup and three increments); gauges that the
// database knows (pool, open cases, outbox) are read at scrape time through
// GaugeSource callbacks.
//
// Labels never carry a raw path, id or user input: requests are labelled by
// the route's pattern ("/api/v1/cases/{id}"), "<fallback>" (the console's
// pages) or "<unmatched>" (404/405); methods outside the standard ones as
// "other"; events that no workflow has as "other".
//
//   metrics::Prometheus prometheus(workflows, OUTPOST_VERSION);
//   metrics::register_metrics_route(router, prometheus, token);   // Bearer token
//   ... add every other route ...
//   prometheus.bind_routes(router.listing());                      // before serving
//   options.observer = &prometheus; service.set_metrics(&prometheus);
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/router.hpp"
#include "adapters/http/server.hpp"
#include "engine/cases/workflow.hpp"
#include "engine/core/metrics.hpp"

namespace outpost::metrics {

// One family of gauges read at scrape time. `labels` of a sample is its label
// set as exposed ("kind=\"dispute\",state=\"mediating\""; empty for none),
// escaped by label().
struct GaugeSample {
  std::string labels;
  double value = 0;
};
struct GaugeFamily {
  std::string name;
  std::string help;
  std::vector<GaugeSample> samples;
};
// An error skips the source's families for this scrape (and counts in
// outpost_metrics_source_errors_total).
using GaugeSource = std::function<Result<std::vector<GaugeFamily>>()>;

// `name="value"` with the value escaped as the format requires.
std::string label(std::string_view name, std::string_view value);

class Prometheus final : public Metrics, public http::RequestObserver {
 public:
  Prometheus(const WorkflowRegistry& workflows, std::string version);
  ~Prometheus() override;

  // The routes requests are counted by (Router::listing(), complete). Call
  // once, before the server starts.
  void bind_routes(const std::vector<http::Router::Listed>& routes);
  // Read at every scrape, in the order added. Before the server starts.
  void add_gauges(GaugeSource source);

  void transition(std::string_view kind, std::string_view event,
                  std::optional<ErrorKind> refusal) override;
  void deadline(DeadlineSignal signal) override;
  void outbox(OutboxSignal signal) override;
  void login(LoginSignal signal) override;
  void request_done(std::string_view method, std::size_t route, int status,
                    std::chrono::nanoseconds elapsed) override;

  // The whole exposition, text format 0.0.4.
  std::string render() const;

 private:
  struct Http;
  struct Transitions;
  std::unique_ptr<Http> http_;
  std::unique_ptr<Transitions> transitions_;
  std::atomic<std::uint64_t> deadlines_[3]{};
  std::atomic<std::uint64_t> outbox_[3]{};
  std::atomic<std::uint64_t> logins_[2]{};
  mutable std::atomic<std::uint64_t> source_errors_{0};
  std::vector<GaugeSource> sources_;
  std::string version_;
};

// GET /metrics, answered only to `Authorization: Bearer <token>` (401
// otherwise); with an empty token the route is not registered.
void register_metrics_route(http::Router& router, const Prometheus& metrics, std::string token);

}  // namespace outpost::metrics
