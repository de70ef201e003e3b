// File: engine/access/login_policy.hpp
//
// What a login attempt may do given the failed logins before it, decided with
// plain values so that the login handler never waits: it answers at once,
// either by checking the password or by refusing the attempt until a time.
//
//   LoginThrottle throttle{.max_failures = 10, .lock = 15min, .backoff_after = 5,
//                          .delay_step = 200ms};
//   auto state = store.login_failures({"user:li.na", "addr:10.0.0.7"}, now);
//   LoginVerdict v = judge_login(throttle, state.value(), now);
//   if (v.outcome != LoginOutcome::proceed) refuse until v.retry_at;  // not a failure
//
// Two rules, per key ("user:<name>" or "addr:<ip>"), the strictest key wins:
//   lock      max_failures failures in a row lock the key for `lock` (the
//             store applies it when it records the failure);
//   back-off  from backoff_after failures in a row on, the next attempt must
//             come delay_step × failures (at most max_delay) after the last
//             failure. The first backoff_after - 1 failures are answered at
//             once, so that a mistyped password costs nothing.
// An attempt refused by either rule does not count as a failure.
#pragma once

#include <chrono>
#include <vector>

#include "engine/access/users.hpp"

namespace outpost {

struct LoginThrottle {
  int max_failures = 10;  // in a row, per key: then the lock
  std::chrono::milliseconds lock = std::chrono::minutes(15);
  int backoff_after = 5;  // failures in a row from which the back-off applies
  std::chrono::milliseconds delay_step = std::chrono::milliseconds(200);  // per failure so far
  std::chrono::milliseconds max_delay = std::chrono::seconds(3);

  // How long after its last failure a key with `failures` in a row waits; zero
  // below backoff_after.
  std::chrono::milliseconds backoff(int failures) const;
};

enum class LoginOutcome {
  proceed,      // check the password
  locked,       // refused until retry_at: max_failures reached
  backing_off,  // refused until retry_at: too soon after the last failure
};

struct LoginVerdict {
  LoginOutcome outcome = LoginOutcome::proceed;
  Millis retry_at = 0;  // when the refusal ends; 0 for proceed
};

// The verdict for an attempt at `now` under keys in `state` (as read by
// UserAccountStore::login_failures).
LoginVerdict judge_login(const LoginThrottle& throttle, const std::vector<LoginFailures>& state,
                         Millis now);

// Whole seconds until `until`, rounded up and at least 1: what a refused client
// is told to wait.
long long seconds_until(Millis until, Millis now);

}  // namespace outpost
