#include "engine/notify/notifications.hpp"

#include <boost/json/serialize.hpp>

namespace outpost {
namespace json = boost::json;

namespace {

std::string_view topic_of(const HistoryEntry& entry) {
  const std::string_view e = entry.event;
  if (e == "dispatch" || e == "assign") return kTopicDispatched;
  if (e == "deadline_warning") return kTopicWarning;
  if (e == "deadline_breached") return kTopicBreached;
  if (e == "escalated") return kTopicEscalated;
  if (e == "performance_reminder") return kTopicPerformanceDue;
  if (e == "performance_check_due") return kTopicPerformanceCheck;
  if (e == "judicial_confirmation_lapsed") return kTopicJudicialLapsed;
  if (e == "record_follow_up") {
    const json::value* s = entry.data.if_contains("satisfaction");
    if (s != nullptr && s->is_string() && s->get_string() == "dissatisfied") {
      return kTopicDissatisfied;
    }
  }
  return {};
}

json::object recipients(const Case& c, std::string_view topic) {
  json::array people;
  for (const std::string& a : c.assignment.assignees) people.emplace_back(a);
  json::object to{{"department", c.assignment.department}, {"people", std::move(people)}};
  if (const json::value* co = c.facts.if_contains("co_departments")) to["co_departments"] = *co;
  if (const json::value* co = c.facts.if_contains("co_handlers")) to["co_handlers"] = *co;
  json::array roles;
  if (topic == kTopicEscalated || topic == kTopicDissatisfied) roles.emplace_back("supervisor");
  to["roles"] = std::move(roles);
  return to;
}

}  // namespace

std::vector<OutboxMessage> notifications_for(const Case& after, const HistoryEntry& entry) {
  const std::string_view topic = topic_of(entry);
  if (topic.empty()) return {};
  OutboxMessage m;
  m.id =
      "c" + std::to_string(after.id) + "." + std::to_string(entry.seq) + "." + std::string(topic);
  m.topic = topic;
  m.case_id = after.id;
  m.created_at = entry.at;
  json::object event{{"seq", entry.seq},
                     {"event", entry.event},
                     {"actor", entry.actor},
                     {"at", format_rfc3339(entry.at)}};
  if (const json::value* step = entry.data.if_contains("step")) event["step"] = *step;
  json::array assignees;
  for (const std::string& a : after.assignment.assignees) assignees.emplace_back(a);
  json::object the_case{
      {"id", after.id},
      {"number", after.number},
      {"kind", to_string(after.kind)},
      {"category", after.category},
      {"state", after.state},
      {"urgency", after.urgency},
      {"risk_level", after.risk_level},
      {"location",
       json::object{{"community", after.location.community}, {"grid", after.location.grid}}},
      {"assignment", json::object{{"department", after.assignment.department},
                                  {"assignees", std::move(assignees)}}},
      {"deadline", after.deadline ? json::value(format_rfc3339(*after.deadline)) : nullptr}};
  json::object body{{"id", m.id},
                    {"topic", m.topic},
                    {"case", std::move(the_case)},
                    {"event", std::move(event)},
                    {"to", recipients(after, topic)}};
  m.payload = json::serialize(body);
  return {std::move(m)};
}

}  // namespace outpost
