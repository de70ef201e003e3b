#include "adapters/http/case_json.hpp"

#include <chrono>
#include <cstdio>

#include "engine/masking.hpp"

namespace outpost::http {
namespace json = boost::json;
using namespace std::chrono;

namespace {

json::value text_or_null(const std::string& s, const json::storage_ptr& sp = {}) {
  return s.empty() ? json::value(nullptr, sp) : json::value(json::string(s, sp));
}

json::array string_array(const std::vector<std::string>& items, const json::storage_ptr& sp = {}) {
  json::array out(sp);
  out.reserve(items.size());
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

json::array fact_array(const Case& c, std::string_view key, const json::storage_ptr& sp) {
  const json::value* v = c.facts.if_contains(key);
  return v != nullptr && v->is_array() ? json::array(v->get_array(), sp) : json::array(sp);
}

std::int64_t fact_int(const Case& c, std::string_view key) {
  const json::value* v = c.facts.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

json::array flags_of(const Case& c, const json::storage_ptr& sp) {
  json::array flags(sp);
  const json::value* v = c.facts.if_contains("arbitration");
  if (v != nullptr && v->is_bool() && v->get_bool()) flags.emplace_back("arbitration");
  if (c.clock.escalated) flags.emplace_back("escalated");
  return flags;
}

// The current step's clock as the API shows it.
json::value clock_view(const StepClock& clock, const json::storage_ptr& sp) {
  if (clock.step.empty()) return json::value(nullptr, sp);
  return json::object({{"step", clock.step},
                       {"limit", clock.duration},
                       {"started_at", format_rfc3339(clock.started_at)},
                       {"paused", clock.paused_remaining.has_value()},
                       {"extended_days", clock.extended_days},
                       {"warned", clock.warned},
                       {"breached", clock.breached},
                       {"escalated", clock.escalated}},
                      sp);
}

}  // namespace

std::optional<Millis> parse_rfc3339(std::string_view t) {
  int y, mo, d, h, mi, s;
  if (!read_digits(t, 0, 4, y) || t.size() < 20 || t[4] != '-' || !read_digits(t, 5, 2, mo) ||
      t[7] != '-' || !read_digits(t, 8, 2, d) || (t[10] != 'T' && t[10] != 't') ||
      !read_digits(t, 11, 2, h) || t[13] != ':' || !read_digits(t, 14, 2, mi) || t[16] != ':' ||
      !read_digits(t, 17, 2, s)) {
    return std::nullopt;
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::size_t pos = 19;
  int millis = 0;
  if (pos < t.size() && t[pos] == '.') {
    std::size_t digits = 0;
    for (++pos; pos < t.size() && t[pos] >= '0' && t[pos] <= '9'; ++pos, ++digits) {
      if (digits < 3) millis = millis * 10 + (t[pos] - '0');
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits) millis *= 10;
  }
  int offset_minutes = 0;
  if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z')) {
    ++pos;
  } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
    int oh, om;
    if (!read_digits(t, pos + 1, 2, oh) || pos + 3 >= t.size() || t[pos + 3] != ':' ||
        !read_digits(t, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (t[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != t.size()) return std::nullopt;
  const auto tp = sys_days(ymd) + hours(h) + minutes(mi) + seconds(s) + milliseconds(millis) -
                  minutes(offset_minutes);
  return duration_cast<milliseconds>(tp.time_since_epoch()).count();
}

// Every field of a case response except the looked-up links.
static json::object case_fields(const Case& c, const CaseView& view, const json::storage_ptr& sp) {
  json::array parties(sp);
  parties.reserve(c.parties.size());
  for (const auto& p : c.parties) {
    parties.emplace_back(json::object(
        {{"role", p.role},
         {"name", mask_name(p.name)},
         {"phone", p.phone.empty() ? json::value(nullptr) : json::value(mask_phone(p.phone))},
         {"id_number",
          p.id_number.empty() ? json::value(nullptr) : json::value(mask_id_number(p.id_number))}},
        sp));
  }
  return json::object(
      {
          {"id", c.id},
          {"number", c.number},
          {"kind", c.kind},
          {"state", c.state},
          {"state_label", view.state_label},
          {"version", c.version},
          {"category", c.category},
          {"title", c.title},
          {"description", c.description},
          {"channel", c.channel},
          {"location",
           {{"community", c.location.community},
            {"grid", c.location.grid},
            {"micro_grid", text_or_null(c.location.micro_grid, sp)},
            {"address", text_or_null(c.location.address, sp)}}},
          {"parties", std::move(parties)},
          {"urgency", c.urgency},
          {"risk_level", c.risk_level},
          {"confidential", c.confidential},
          {"assignment",
           {{"department", text_or_null(c.assignment.department, sp)},
            {"assignees", string_array(c.assignment.assignees, sp)},
            {"co_departments", fact_array(c, "co_departments", sp)},
            {"co_handlers", fact_array(c, "co_handlers", sp)}}},
          {"return_count", fact_int(c, "returns")},
          {"rework_count", fact_int(c, "rework_count")},
          {"flags", flags_of(c, sp)},
          {"duplicate_of",
           c.facts.contains("duplicate_of") ? c.facts.at("duplicate_of") : json::value(nullptr)},
          {"deadline", c.deadline ? json::value(json::string(format_rfc3339(*c.deadline)))
                                  : json::value(nullptr)},
          {"overdue", case_is_overdue(c, view.now)},
          {"time_left_seconds", view.time_left ? json::value(*view.time_left / 1000) : nullptr},
          {"clock", clock_view(c.clock, sp)},
          {"allowed_events", string_array(view.allowed_events, sp)},
          {"created_at", format_rfc3339(c.created_at)},
          {"updated_at", format_rfc3339(c.updated_at)},
      },
      sp);
}

json::object case_to_json(const Case& c, const CaseView& view, const json::storage_ptr& sp) {
  json::object out = case_fields(c, view, sp);
  if (view.duplicates) {
    json::array ids(sp);
    for (CaseId id : *view.duplicates) ids.emplace_back(id);
    out["duplicates"] = std::move(ids);
  }
  return out;
}

json::object history_to_json(const HistoryEntry& e) {
  return json::object{{"seq", e.seq},
                      {"at", format_rfc3339(e.at)},
                      {"actor", e.actor},
                      {"event", e.event},
                      {"from_state", text_or_null(e.from_state)},
                      {"to_state", e.to_state},
                      {"data", e.data},
                      {"hash", e.hash},
                      {"prev_hash", e.prev_hash}};
}

json::object graph_to_json(const WorkflowGraph& g) {
  json::array states, events, transitions;
  for (const auto& s : g.states) {
    states.push_back({{"name", s.name}, {"label", s.label}, {"terminal", s.terminal}});
  }
  for (const auto& e : g.events) {
    events.push_back(
        {{"name", e.name}, {"label", e.label}, {"required", string_array(e.required)}});
  }
  for (const auto& t : g.transitions) {
    transitions.push_back({{"from", t.from}, {"event", t.event}, {"to", t.to}, {"guard", t.guard}});
  }
  return json::object{{"kind", g.kind},
                      {"initial_state", g.initial_state},
                      {"states", std::move(states)},
                      {"events", std::move(events)},
                      {"transitions", std::move(transitions)}};
}

}  // namespace outpost::http
