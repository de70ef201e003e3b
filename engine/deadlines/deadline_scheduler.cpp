#include "engine/deadlines/deadline_scheduler.hpp"

namespace outpost {

Result<int> DeadlineScheduler::run_due(int batch) {
  auto due = store_.due_timers(clock_.now(), batch);
  if (!due) return due.error();
  int done = 0;
  for (const DueTimer& timer : due.value()) {
    const Millis now = clock_.now();
    auto taken = store_.fire_timer(
        timer, now, [&](const Case& current) { return deadlines_.fire(timer, current, now); });
    if (!taken) return taken.error();
    done += taken.value() ? 1 : 0;
  }
  return done;
}

}  // namespace outpost
