// The failed-login rules (engine/access/login_policy.hpp): no back-off before
// backoff_after failures, then delay_step per failure up to max_delay after the
// last failure, the lock over the back-off, and the strictest key winning.
#include <doctest/doctest.h>

#include <chrono>
#include <vector>

#include "engine/access/login_policy.hpp"

namespace {

using namespace outpost;
using namespace std::chrono_literals;

constexpr Millis kNow = 1767225600000;  // 2026-01-01T00:00:00Z

const LoginThrottle kThrottle{
    .max_failures = 10, .lock = 15min, .backoff_after = 3, .delay_step = 200ms, .max_delay = 1s};

LoginFailures failed(int failures, Millis ago, Millis locked_until = 0) {
  return {failures, locked_until, kNow - ago};
}

}  // namespace

TEST_SUITE("login_policy") {
  TEST_CASE("the back-off starts at backoff_after failures and grows to max_delay") {
    CHECK(kThrottle.backoff(0) == 0ms);
    CHECK(kThrottle.backoff(2) == 0ms);
    CHECK(kThrottle.backoff(3) == 600ms);
    CHECK(kThrottle.backoff(4) == 800ms);
    CHECK(kThrottle.backoff(5) == 1s);
    CHECK(kThrottle.backoff(9) == 1s);
    LoginThrottle no_delay = kThrottle;
    no_delay.delay_step = 0ms;
    CHECK(no_delay.backoff(7) == 0ms);
  }

  TEST_CASE("no failures or fewer than backoff_after let the attempt proceed at once") {
    CHECK(judge_login(kThrottle, {}, kNow).outcome == LoginOutcome::proceed);
    CHECK(judge_login(kThrottle, {LoginFailures{}, LoginFailures{}}, kNow).outcome ==
          LoginOutcome::proceed);
    const LoginVerdict v = judge_login(kThrottle, {failed(2, 0), failed(2, 0)}, kNow);
    CHECK(v.outcome == LoginOutcome::proceed);
    CHECK(v.retry_at == 0);
  }

  TEST_CASE("an attempt within the back-off is refused until the back-off has passed") {
    const LoginVerdict v = judge_login(kThrottle, {failed(3, 100)}, kNow);
    CHECK(v.outcome == LoginOutcome::backing_off);
    CHECK(v.retry_at == kNow + 500);
    CHECK(judge_login(kThrottle, {failed(3, 600)}, kNow).outcome == LoginOutcome::proceed);
    CHECK(judge_login(kThrottle, {failed(3, 599)}, kNow).outcome == LoginOutcome::backing_off);
    CHECK(judge_login(kThrottle, {failed(8, 999)}, kNow).retry_at == kNow + 1);
  }

  TEST_CASE("the strictest key decides: the address can hold back every account") {
    const LoginVerdict v = judge_login(kThrottle, {failed(1, 0), failed(5, 200)}, kNow);
    CHECK(v.outcome == LoginOutcome::backing_off);
    CHECK(v.retry_at == kNow + 800);
    CHECK(judge_login(kThrottle, {failed(4, 10), failed(5, 100)}, kNow).retry_at == kNow + 900);
  }

  TEST_CASE("a lock wins over the back-off and a lock that has ended refuses nothing") {
    const Millis until = kNow + 60000;
    const LoginVerdict v = judge_login(kThrottle, {failed(10, 0, until), failed(9, 0)}, kNow);
    CHECK(v.outcome == LoginOutcome::locked);
    CHECK(v.retry_at == until);
    CHECK(judge_login(kThrottle, {LoginFailures{0, kNow, 0}}, kNow).outcome ==
          LoginOutcome::proceed);
  }

  TEST_CASE("a refused client waits whole seconds rounded up and at least one") {
    CHECK(seconds_until(kNow + 1, kNow) == 1);
    CHECK(seconds_until(kNow + 1000, kNow) == 1);
    CHECK(seconds_until(kNow + 1001, kNow) == 2);
    CHECK(seconds_until(kNow + 2999, kNow) == 3);
    CHECK(seconds_until(kNow, kNow) == 1);
    CHECK(seconds_until(kNow - 5000, kNow) == 1);
  }
}
