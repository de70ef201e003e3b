// The outbox's delivery rules (engine/notify/delivery_policy.hpp) and state names
// (engine/notify/outbox.hpp): backoff, dead letters, retries only to the webhooks
// that have not taken a message, and the claim batch size.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/notify/delivery_policy.hpp"
#include "engine/notify/outbox.hpp"

namespace {

using namespace outpost;

constexpr Millis kNow = 1767225600000;  // 2026-01-01T00:00:00Z

const RetryPolicy kPolicy{.max_attempts = 4, .initial_delay = 1000, .max_delay = 5000};

StoredOutboxMessage claimed(int attempts, std::vector<std::string> delivered_to = {}) {
  StoredOutboxMessage m;
  m.seq = 7;
  m.message = {"c1.2.case.dispatched", "case.dispatched", 1, "{}", kNow - 1000};
  m.attempts = attempts;
  m.delivered_to = std::move(delivered_to);
  return m;
}

}  // namespace

TEST_SUITE("outbox_policy") {
  TEST_CASE("state names round-trip and unknown names are refused") {
    for (OutboxState s : {OutboxState::pending, OutboxState::delivered, OutboxState::dead}) {
      CHECK(outbox_state_from(to_string(s)) == s);
    }
    CHECK(to_string(OutboxState::dead) == "dead");
    CHECK_FALSE(outbox_state_from("Delivered").has_value());
    CHECK_FALSE(outbox_state_from("").has_value());
  }

  TEST_CASE("the wait doubles per failed attempt up to the maximum") {
    CHECK(retry_delay(kPolicy, 1) == 1000);
    CHECK(retry_delay(kPolicy, 2) == 2000);
    CHECK(retry_delay(kPolicy, 3) == 4000);
    CHECK(retry_delay(kPolicy, 4) == 5000);
    CHECK(retry_delay(kPolicy, 60) == 5000);  // no overflow after many attempts
  }

  TEST_CASE("a failed attempt is retried after the backoff and the last one makes it dead") {
    const std::vector<std::string> subscribers{"ops"};
    const DeliveryOutcome first =
        settle_attempt(claimed(1), subscribers, {{"ops", false, "HTTP 500"}}, kPolicy, kNow);
    CHECK_FALSE(first.delivered);
    CHECK_FALSE(first.dead);
    CHECK(first.next_attempt_at == kNow + 1000);
    CHECK(first.error == "ops: HTTP 500");
    CHECK(first.delivered_to.empty());

    const DeliveryOutcome third =
        settle_attempt(claimed(3), subscribers, {{"ops", false, "HTTP 500"}}, kPolicy, kNow);
    CHECK_FALSE(third.dead);
    CHECK(third.next_attempt_at == kNow + 4000);

    const DeliveryOutcome last =
        settle_attempt(claimed(4), subscribers, {{"ops", false, "timed out"}}, kPolicy, kNow);
    CHECK(last.dead);
    CHECK_FALSE(last.delivered);
    CHECK(last.error == "ops: timed out");
  }

  TEST_CASE("retries go only to the webhooks that have not taken the message") {
    const std::vector<std::string> subscribers{"ops", "audit", "sms"};
    const StoredOutboxMessage m = claimed(2, {"audit"});
    CHECK(pending_targets(m, subscribers) == std::vector<std::string>{"ops", "sms"});

    const DeliveryOutcome partly = settle_attempt(
        m, subscribers, {{"ops", true, ""}, {"sms", false, "HTTP 503"}}, kPolicy, kNow);
    CHECK_FALSE(partly.delivered);
    CHECK(partly.delivered_to == std::vector<std::string>{"audit", "ops"});
    CHECK(partly.error == "sms: HTTP 503");

    StoredOutboxMessage next = claimed(3, partly.delivered_to);
    CHECK(pending_targets(next, subscribers) == std::vector<std::string>{"sms"});
    const DeliveryOutcome done =
        settle_attempt(next, subscribers, {{"sms", true, ""}}, kPolicy, kNow);
    CHECK(done.delivered);
    CHECK_FALSE(done.dead);
    CHECK(done.error.empty());
    CHECK(done.delivered_to == std::vector<std::string>{"audit", "ops", "sms"});
  }

  TEST_CASE("a message no webhook subscribes to is delivered to nobody") {
    const DeliveryOutcome o = settle_attempt(claimed(1), {}, {}, kPolicy, kNow);
    CHECK(o.delivered);
    CHECK(o.delivered_to.empty());
  }

  TEST_CASE("an interrupted attempt is retried at once and never dead") {
    const DeliveryOutcome o = settle_attempt(claimed(4), {"ops"}, {}, kPolicy, kNow, true);
    CHECK_FALSE(o.dead);
    CHECK_FALSE(o.delivered);
    CHECK(o.next_attempt_at == kNow);
    CHECK_FALSE(o.error.empty());
  }

  TEST_CASE("a claim takes no more messages than fit in the lease") {
    CHECK(claim_batch_size(30000, 5000, 1, 50) == 6);
    CHECK(claim_batch_size(30000, 5000, 3, 50) == 2);
    CHECK(claim_batch_size(30000, 5000, 10, 50) == 1);  // at least one
    CHECK(claim_batch_size(600000, 100, 1, 50) == 50);  // at most the maximum
  }
}
