#include "engine/deadlines/deadline_scheduler.hpp"

namespace outpost {
namespace {

std::optional<DeadlineSignal> signal_of(std::string_view timer_kind) {
  if (timer_kind == "warning") return DeadlineSignal::warned;
  if (timer_kind == "breach") return DeadlineSignal::breached;
  if (timer_kind == "escalation") return DeadlineSignal::escalated;
  return std::nullopt;
}

}  // namespace

Result<int> DeadlineScheduler::run_due(int batch) {
  auto due = store_.due_timers(clock_.now(), batch);
  if (!due) return due.error();
  int done = 0;
  for (const DueTimer& timer : due.value()) {
    const Millis now = clock_.now();
    bool fired = false;  // rather than cancelled
    auto taken = store_.fire_timer(timer, now, [&](const Case& current) {
      TimerFiring firing = deadlines_.fire(timer, current, now);
      fired = firing.verdict == TimerFiring::Verdict::fire;
      return firing;
    });
    if (!taken) return taken.error();
    if (const auto signal = signal_of(timer.kind); taken.value() && fired && signal) {
      metrics_->deadline(*signal);
    }
    done += taken.value() ? 1 : 0;
  }
  return done;
}

}  // namespace outpost
