// File: engine/notify/delivery_policy.hpp
//
// What one delivery attempt of an outbox message comes to, decided with plain
// values so that the webhook deliverer (adapters/notify) only does the I/O:
// which webhooks still need the message (retries go only to those that have
// not answered 2xx), when to try again (exponential backoff), and when to give
// up (dead letter).
//
//   RetryPolicy policy{.max_attempts = 8, .initial_delay = 1000, .max_delay = 600000};
//   for (const std::string& name : pending_targets(message, subscribers)) {
//     results.push_back({name, post(...) == 2xx, error_text});
//   }
//   store.record_delivery(message.seq, settle_attempt(message, subscribers, results, policy, now));
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/notify/outbox.hpp"

namespace outpost {

struct RetryPolicy {
  int max_attempts = 8;         // the attempt with this number is the last one
  Millis initial_delay = 1000;  // after the first failed attempt
  Millis max_delay = 600000;    // the backoff stops doubling here
};

// The wait after failed attempt number `attempt` (1 for the first):
// initial_delay * 2^(attempt - 1), at most max_delay.
Millis retry_delay(const RetryPolicy& policy, int attempt);

// The subscribers (names of the webhooks whose topic filter matches the
// message) that have not taken the message yet, in the order given.
std::vector<std::string> pending_targets(const StoredOutboxMessage& message,
                                         const std::vector<std::string>& subscribers);

// One webhook's answer to one attempt.
struct WebhookResult {
  std::string webhook;
  bool ok = false;    // answered 2xx
  std::string error;  // when not ok: what went wrong, without secrets or URLs
};

// The outcome of the attempt `message.attempts` (the claim counted it), given
// the results of posting to (some of) the pending targets. Delivered when
// every subscriber has taken the message, so also when there is no subscriber
// at all. Otherwise dead once the attempts are used up, else retried after
// retry_delay(). An `interrupted` attempt (the deliverer is stopping) is
// retried at once and never made dead.
DeliveryOutcome settle_attempt(const StoredOutboxMessage& message,
                               const std::vector<std::string>& subscribers,
                               const std::vector<WebhookResult>& results, const RetryPolicy& policy,
                               Millis now, bool interrupted = false);

// How many messages one claim may take so that posting all of them to every
// webhook, each timing out, still fits in the lease: lease / (timeout *
// webhooks), at least 1 and at most `max_batch`.
int claim_batch_size(Millis lease, Millis timeout, std::size_t webhooks, int max_batch);

}  // namespace outpost
