// File: engine/deadlines/deadline_scheduler.hpp
//
// Fires the deadline timers that have fallen due: for each, one store
// transaction that takes the timer (unless another server process holds it),
// lets Deadlines decide what it records, and commits the case, its history row
// (actor "system"), its notifications and the timer's end together, so each
// timer takes effect exactly once. `outpost serve` calls run_due() at start-up
// (timers that fell due while it was down fire then) and every second after.
//
//   DeadlineScheduler scheduler(store, deadlines, clock);
//   auto fired = scheduler.run_due();   // timers fired or cancelled by this pass
#pragma once

#include "engine/cases/case_store.hpp"
#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"
#include "engine/core/metrics.hpp"
#include "engine/deadlines/deadlines.hpp"
#include "engine/deadlines/timer_store.hpp"

namespace outpost {

class DeadlineScheduler {
 public:
  DeadlineScheduler(TimerStore& store, const Deadlines& deadlines, const Clock& clock)
      : store_(store), deadlines_(deadlines), clock_(clock) {}

  // One pass over at most `batch` due timers, oldest first. Returns how many
  // this pass fired or cancelled; timers taken by another process, waiting
  // (an escalation before its breach) or whose case changed meanwhile stay
  // for a later pass.
  Result<int> run_due(int batch = 200);
  // Where each warning, breach and escalation that takes effect is reported.
  void set_metrics(Metrics* metrics) { metrics_ = metrics ? metrics : &no_metrics(); }

 private:
  TimerStore& store_;
  const Deadlines& deadlines_;
  const Clock& clock_;
  Metrics* metrics_ = &no_metrics();
};

}  // namespace outpost
