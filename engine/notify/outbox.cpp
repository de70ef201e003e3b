// Names of outbox states and topics (engine/notify/outbox.hpp), as stored in the
// database and shown by GET /api/v1/outbox.
#include "engine/notify/outbox.hpp"

#include <array>

namespace outpost {
namespace {

constexpr std::array<std::string_view, 8> kTopics{
    kTopicDispatched,   kTopicWarning,        kTopicBreached,         kTopicEscalated,
    kTopicDissatisfied, kTopicPerformanceDue, kTopicPerformanceCheck, kTopicJudicialLapsed};

}  // namespace

std::string_view to_string(OutboxState s) {
  switch (s) {
    case OutboxState::pending:
      return "pending";
    case OutboxState::delivered:
      return "delivered";
    case OutboxState::dead:
      return "dead";
  }
  return "pending";
}

std::optional<OutboxState> outbox_state_from(std::string_view text) {
  for (OutboxState s : {OutboxState::pending, OutboxState::delivered, OutboxState::dead}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::span<const std::string_view> outbox_topics() {
  return kTopics;
}

}  // namespace outpost
