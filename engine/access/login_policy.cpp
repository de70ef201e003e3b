#include "engine/access/login_policy.hpp"

#include <algorithm>

namespace outpost {

std::chrono::milliseconds LoginThrottle::backoff(int failures) const {
  if (failures < backoff_after) return std::chrono::milliseconds(0);
  return std::min(delay_step * failures, max_delay);
}

LoginVerdict judge_login(const LoginThrottle& throttle, const std::vector<LoginFailures>& state,
                         Millis now) {
  Millis locked = 0;
  Millis backed_off = 0;
  for (const LoginFailures& f : state) {
    locked = std::max(locked, f.locked_until);
    if (const auto wait = throttle.backoff(f.failures); wait.count() > 0) {
      backed_off = std::max(backed_off, f.last_failure + wait.count());
    }
  }
  if (locked > now) return {LoginOutcome::locked, locked};
  if (backed_off > now) return {LoginOutcome::backing_off, backed_off};
  return {};
}

long long seconds_until(Millis until, Millis now) {
  return std::max<Millis>(1, (until - now + 999) / 1000);
}

}  // namespace outpost
