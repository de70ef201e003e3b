#include "engine/notify/delivery_policy.hpp"

#include <algorithm>

namespace outpost {
namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

Millis retry_delay(const RetryPolicy& policy, int attempt) {
  Millis delay = std::max<Millis>(policy.initial_delay, 0);
  for (int i = 1; i < attempt && delay < policy.max_delay; ++i) delay *= 2;
  return std::min(delay, policy.max_delay);
}

std::vector<std::string> pending_targets(const StoredOutboxMessage& message,
                                         const std::vector<std::string>& subscribers) {
  std::vector<std::string> out;
  for (const std::string& name : subscribers) {
    if (!contains(message.delivered_to, name)) out.push_back(name);
  }
  return out;
}

DeliveryOutcome settle_attempt(const StoredOutboxMessage& message,
                               const std::vector<std::string>& subscribers,
                               const std::vector<WebhookResult>& results, const RetryPolicy& policy,
                               Millis now, bool interrupted) {
  DeliveryOutcome out;
  out.at = now;
  out.delivered_to = message.delivered_to;
  for (const WebhookResult& r : results) {
    if (r.ok) {
      if (!contains(out.delivered_to, r.webhook)) out.delivered_to.push_back(r.webhook);
    } else {
      out.error += (out.error.empty() ? "" : "; ") + r.webhook + ": " + r.error;
    }
  }
  out.delivered = std::all_of(subscribers.begin(), subscribers.end(),
                              [&](const std::string& s) { return contains(out.delivered_to, s); });
  if (out.delivered) {
    out.next_attempt_at = now;
  } else if (interrupted) {
    if (out.error.empty()) out.error = "delivery interrupted: the deliverer stopped";
    out.next_attempt_at = now;
  } else if (message.attempts >= policy.max_attempts) {
    out.dead = true;
    out.next_attempt_at = now;
  } else {
    out.next_attempt_at = now + retry_delay(policy, message.attempts);
  }
  return out;
}

int claim_batch_size(Millis lease, Millis timeout, std::size_t webhooks, int max_batch) {
  const Millis per_message = std::max<Millis>(timeout, 1) * std::max<Millis>(webhooks, 1);
  return static_cast<int>(std::clamp<Millis>(lease / per_message, 1, std::max(max_batch, 1)));
}

}  // namespace outpost
