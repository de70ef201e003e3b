// File: engine/core/metrics.hpp
//
// The port through which the engine tells operators what happened, as counts:
// transitions, deadline timers, outbox deliveries, logins. An adapter
// (adapters/metrics/prometheus.hpp) counts them and serves /metrics; the
// default counts nothing. Calls come from any thread on the hot path (every
// transition), so an implementation must be cheap and must not block.
//
//   service.set_metrics(&prometheus);          // CaseService, DeadlineScheduler, ...
//   metrics.transition("dispute", "accept", std::nullopt);    // applied
//   metrics.transition("dispute", "accept", ErrorKind::stale_version);  // refused
#pragma once

#include <optional>
#include <string_view>

#include "engine/core/error.hpp"

namespace outpost {

enum class DeadlineSignal { warned, breached, escalated };
enum class OutboxSignal { delivered, retried, dead_lettered };
enum class LoginSignal { failure, lockout };

class Metrics {
 public:
  virtual ~Metrics() = default;
  // An event applied to a case (`refusal` empty) or refused. `kind` and
  // `event` are as the caller named them: empty kind when the case was not
  // found; the implementation bounds unknown names itself.
  virtual void transition(std::string_view /*kind*/, std::string_view /*event*/,
                          std::optional<ErrorKind> /*refusal*/) {}
  // A deadline timer took effect (its warning, breach or escalation recorded).
  virtual void deadline(DeadlineSignal) {}
  // One delivery attempt of an outbox message settled.
  virtual void outbox(OutboxSignal) {}
  // A login failed, or a failure locked the account or address.
  virtual void login(LoginSignal) {}
};

// Counts nothing: what the engine reports to until a real one is set.
Metrics& no_metrics();

}  // namespace outpost
