// File: adapters/notify/webhook_deliverer.hpp
//
// The background thread of `outpost serve` that delivers the outbox
// (engine/notify/outbox.hpp) to the webhooks of the settings, at least once.
//
// Every poll interval it claims the due messages in batches. A claim leases
// each message in the database (attempts + 1, next attempt = the end of the
// lease), so a deliverer killed mid-delivery leaves the message pending, and
// this process after a restart, or another process on the same PostgreSQL,
// takes it again once the lease has run out. Each message goes to every
// webhook whose topic filter matches and that has not answered 2xx yet; then
// the outcome is recorded (engine/notify/delivery_policy.hpp): delivered, retried
// after an exponential backoff, or dead after the last attempt. Every failure
// is logged with the message id and the webhook name, never the secret.
//
//   WebhookDeliverer deliverer(store, clock, webhooks, DelivererOptions{});
//   deliverer.start();   // without webhooks: logs that messages stay pending, starts nothing
//   ...
//   deliverer.stop();    // returns at once, also mid-request (that message stays pending, due now)
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/notify/webhook.hpp"
#include "engine/core/clock.hpp"
#include "engine/core/metrics.hpp"
#include "engine/notify/delivery_policy.hpp"
#include "engine/notify/outbox.hpp"

namespace outpost::notify {

// Settings [outbox]; config/outpost.toml documents each one.
struct DelivererOptions {
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds lease{30000};
  std::chrono::milliseconds timeout{5000};  // per request
  RetryPolicy retry;
};

class WebhookDeliverer {
 public:
  WebhookDeliverer(OutboxStore& store, const Clock& clock, std::vector<Webhook> webhooks,
                   DelivererOptions options);
  ~WebhookDeliverer();  // stop()
  WebhookDeliverer(const WebhookDeliverer&) = delete;
  WebhookDeliverer& operator=(const WebhookDeliverer&) = delete;

  void start();
  void stop();
  // Where each settled attempt is counted (delivered, retried, dead); before start().
  void set_metrics(Metrics* metrics) { metrics_ = metrics ? metrics : &no_metrics(); }

 private:
  void run();
  bool stopping() const { return stopping_.load(); }
  // Claims and delivers batches until nothing is due or stop() was called.
  void deliver_due();
  // Posts one claimed message to its pending targets and records the outcome.
  void deliver(const StoredOutboxMessage& m);
  // Gives claimed messages back at once, untried, when stopping mid-batch.
  void release(const std::vector<StoredOutboxMessage>& untried);

  OutboxStore& store_;
  const Clock& clock_;
  const std::vector<Webhook> webhooks_;
  const DelivererOptions options_;
  const int batch_size_;
  std::atomic<bool> stopping_{false};
  WebhookPoster poster_;  // used by the thread only; stop() wakes it
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
  Metrics* metrics_ = &no_metrics();
};

}  // namespace outpost::notify
