// File: engine/notify/outbox.hpp
//
// Notifications that people must hear about (a case dispatched or assigned to
// them, a deadline warning, breach or escalation, a resident's
// dissatisfaction) are written to the outbox in the same transaction as the
// event that causes them (SideEffects in engine/cases/case_store.hpp), and delivered
// afterwards, at least once, by a deliverer (adapters/notify) to the webhooks
// in config. A message's `id` is stable (the same on every delivery attempt
// and every receiver), so receivers drop duplicates by it.
//
//   OutboxStore& box = store;
//   auto due = box.claim_due_messages(now, 20, now + lease_ms);   // leased, not locked
//   ... deliver each ...
//   box.record_delivery(id, {.delivered = true, ...});
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"

namespace outpost {

// One notification, as written by the engine.
struct OutboxMessage {
  std::string id;     // stable: "c<case id>.<history seq>.<topic>"
  std::string topic;  // case.dispatched | deadline.warning | deadline.breached |
                      // case.escalated | resident.dissatisfied
  CaseId case_id = 0;
  std::string payload;  // the JSON body delivered to webhooks (no personal data)
  Millis created_at = 0;
};

enum class OutboxState { pending, delivered, dead };
std::string_view to_string(OutboxState s);
std::optional<OutboxState> outbox_state_from(std::string_view text);

// The topics of engine/notify/notifications.hpp. Webhook topic filters in the
// settings must name these, so that a misspelt filter is refused at start-up
// instead of silently matching nothing.
std::span<const std::string_view> outbox_topics();

// The topics, one name each (engine/notify/notifications.cpp writes them).
inline constexpr std::string_view kTopicDispatched = "case.dispatched";
inline constexpr std::string_view kTopicWarning = "deadline.warning";
inline constexpr std::string_view kTopicBreached = "deadline.breached";
inline constexpr std::string_view kTopicEscalated = "case.escalated";
inline constexpr std::string_view kTopicDissatisfied = "resident.dissatisfied";
inline constexpr std::string_view kTopicPerformanceDue = "agreement.performance_reminder";
inline constexpr std::string_view kTopicPerformanceCheck = "agreement.performance_check";
inline constexpr std::string_view kTopicJudicialLapsed = "agreement.judicial_lapsed";

// A message as stored, with its delivery record.
struct StoredOutboxMessage {
  std::int64_t seq = 0;  // insertion order; the list cursor
  OutboxMessage message;
  OutboxState state = OutboxState::pending;
  int attempts = 0;
  Millis next_attempt_at = 0;
  std::string last_error;
  std::vector<std::string> delivered_to;  // webhook names that answered 2xx
  std::optional<Millis> delivered_at;
};

// What one delivery attempt came to.
struct DeliveryOutcome {
  std::vector<std::string> delivered_to;  // all webhooks that have taken it so far
  bool delivered = false;                 // every webhook has taken it
  bool dead = false;                      // attempts exhausted: dead letter
  std::string error;                      // the last failure, for the record
  Millis next_attempt_at = 0;             // when not delivered and not dead
  Millis at = 0;
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;
  // Pending messages due at `now` (next_attempt_at <= now), oldest first, at
  // most `limit`; each gets attempts + 1 and next_attempt_at = lease_until in
  // the same statement, so that no other deliverer (in this or another
  // process) takes it until the lease runs out. A deliverer that dies
  // mid-delivery leaves the message pending: it is taken again after the lease.
  virtual Result<std::vector<StoredOutboxMessage>> claim_due_messages(Millis now, int limit,
                                                                      Millis lease_until) = 0;
  virtual Status record_delivery(std::int64_t seq, const DeliveryOutcome& outcome) = 0;
  // Newest first; state filter optional; continue after `cursor` (a seq).
  virtual Result<std::vector<StoredOutboxMessage>> list_outbox(std::optional<OutboxState> state,
                                                               std::optional<std::int64_t> cursor,
                                                               int limit) = 0;
};

}  // namespace outpost
