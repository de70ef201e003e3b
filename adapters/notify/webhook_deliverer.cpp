#include "adapters/notify/webhook_deliverer.hpp"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

namespace outpost::notify {
namespace {

constexpr int kMaxBatch = 50;

std::vector<std::string> subscribers_of(const std::vector<Webhook>& webhooks,
                                        std::string_view topic) {
  std::vector<std::string> names;
  for (const Webhook& w : webhooks) {
    if (w.wants(topic)) names.push_back(w.name);
  }
  return names;
}

const Webhook* find_webhook(const std::vector<Webhook>& webhooks, const std::string& name) {
  for (const Webhook& w : webhooks) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

}  // namespace

WebhookDeliverer::WebhookDeliverer(OutboxStore& store, const Clock& clock,
                                   std::vector<Webhook> webhooks, DelivererOptions options)
    : store_(store),
      clock_(clock),
      webhooks_(std::move(webhooks)),
      options_(options),
      batch_size_(claim_batch_size(options.lease.count(), options.timeout.count(), webhooks_.size(),
                                   kMaxBatch)),
      poster_(options.timeout, [this] { return stopping(); }) {}

WebhookDeliverer::~WebhookDeliverer() {
  stop();
}

void WebhookDeliverer::start() {
  if (thread_.joinable()) return;
  if (webhooks_.empty()) {
    spdlog::info("outbox: no webhook configured; messages stay pending (GET /api/v1/outbox)");
    return;
  }
  std::string names;
  for (const Webhook& w : webhooks_) names += (names.empty() ? "" : ", ") + w.name;
  spdlog::info("outbox: delivering to {} webhook(s): {}", webhooks_.size(), names);
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void WebhookDeliverer::stop() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  poster_.wake();
  if (thread_.joinable()) thread_.join();
}

void WebhookDeliverer::run() {
  while (!stopping()) {
    deliver_due();
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping(); });
  }
}

void WebhookDeliverer::deliver_due() {
  while (!stopping()) {
    const Millis now = clock_.now();
    auto claimed = store_.claim_due_messages(now, batch_size_, now + options_.lease.count());
    if (!claimed) {
      spdlog::warn("outbox: cannot claim due messages: {}", claimed.error().message);
      return;
    }
    const std::vector<StoredOutboxMessage>& batch = claimed.value();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (stopping()) {
        release({batch.begin() + static_cast<std::ptrdiff_t>(i), batch.end()});
        return;
      }
      deliver(batch[i]);
    }
    if (static_cast<int>(batch.size()) < batch_size_) return;
  }
}

void WebhookDeliverer::deliver(const StoredOutboxMessage& m) {
  const std::string& id = m.message.id;
  const std::vector<std::string> subscribers = subscribers_of(webhooks_, m.message.topic);
  std::vector<WebhookResult> results;
  bool interrupted = false;
  for (const std::string& name : pending_targets(m, subscribers)) {
    const Webhook* webhook = find_webhook(webhooks_, name);
    if (webhook == nullptr) continue;
    const PostResult r = poster_.post(*webhook, m.message);
    if (r.interrupted) {
      interrupted = true;
      break;
    }
    if (!r.ok) {
      spdlog::warn("outbox: message {} to webhook {} failed (attempt {} of {}): {}", id, name,
                   m.attempts, options_.retry.max_attempts, r.error);
    }
    results.push_back({name, r.ok, r.error});
  }
  const DeliveryOutcome outcome =
      settle_attempt(m, subscribers, results, options_.retry, clock_.now(), interrupted);
  if (outcome.dead) {
    spdlog::error("outbox: message {} is dead after {} attempts: {}", id, m.attempts,
                  outcome.error);
  }
  if (Status s = store_.record_delivery(m.seq, outcome); !s) {
    spdlog::warn("outbox: cannot record the delivery of message {}: {}", id, s.error().message);
    return;
  }
  if (!interrupted) {
    metrics_->outbox(outcome.delivered ? OutboxSignal::delivered
                     : outcome.dead    ? OutboxSignal::dead_lettered
                                       : OutboxSignal::retried);
  }
}

void WebhookDeliverer::release(const std::vector<StoredOutboxMessage>& untried) {
  for (const StoredOutboxMessage& m : untried) {
    const std::vector<std::string> subscribers = subscribers_of(webhooks_, m.message.topic);
    const DeliveryOutcome outcome =
        settle_attempt(m, subscribers, {}, options_.retry, clock_.now(), true);
    if (Status s = store_.record_delivery(m.seq, outcome); !s) {
      spdlog::warn("outbox: cannot release message {}: {}", m.message.id, s.error().message);
    }
  }
}

}  // namespace outpost::notify
