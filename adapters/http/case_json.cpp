#include "adapters/http/case_json.hpp"

#include <chrono>
#include <cstdio>

#include "engine/access/masking.hpp"

namespace outpost::http {
namespace json = boost::json;
using namespace std::chrono;

namespace {

json::value text_or_null(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

json::array string_array(const std::vector<std::string>& items) {
  json::array out;
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

// A list stored in the case's facts (co_departments, co_handlers); [] if absent.
void fact_array(JsonText& w, const Case& c, std::string_view key) {
  const json::value* v = c.facts.if_contains(key);
  if (v != nullptr && v->is_array()) {
    w.value(*v);
  } else {
    w.begin_array().end_array();
  }
}

std::int64_t fact_int(const Case& c, std::string_view key) {
  const json::value* v = c.facts.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

void flags_of(JsonText& w, const Case& c) {
  w.begin_array();
  const json::value* v = c.facts.if_contains("arbitration");
  if (v != nullptr && v->is_bool() && v->get_bool()) w.value("arbitration");
  if (c.clock.escalated) w.value("escalated");
  // The mediator's follow-up task at the agreement's performance_due (Art. 31).
  if (c.state == "agreement_reached" && fact_flag(c, "performance_check_due") &&
      !c.facts.contains("performance_outcome")) {
    w.value("performance_check");
  }
  w.end_array();
}

// The current step's clock as the API shows it.
void clock_view(JsonText& w, const StepClock& clock) {
  if (clock.step.empty()) {
    w.null();
    return;
  }
  w.begin_object();
  w.member("step", clock.step);
  w.member("limit", clock.duration);
  w.member("started_at", format_rfc3339(clock.started_at));
  w.member("paused", clock.paused_remaining.has_value());
  w.member("extended_days", clock.extended_days);
  w.member("warned", clock.warned);
  w.member("breached", clock.breached);
  w.member("escalated", clock.escalated);
  w.end_object();
}

// A historic case's ledger row (engine/cases/ledger_import.hpp): "source":
// "import" and "import": {ledger, number, row, registered_on, closed_on,
// result}; nothing for a case registered here.
void import_view(JsonText& w, const Case& c) {
  const json::value* row = c.facts.if_contains("import");
  if (row == nullptr || !row->is_object()) return;
  w.member("source", "import");
  w.key("import").begin_object();
  for (const auto& [key, value] : row->get_object()) {
    if (value.is_string()) {
      w.member(key, std::string_view(value.get_string()));
    } else if (value.is_int64()) {
      w.member(key, value.get_int64());
    }
  }
  w.end_object();
}

void string_array(JsonText& w, const std::vector<std::string>& items) {
  w.begin_array();
  for (const auto& s : items) w.value(s);
  w.end_array();
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

void write_case(JsonText& w, const Case& c, const CaseView& view) {
  w.begin_object();
  w.member("id", c.id);
  w.member("number", c.number);
  w.member("kind", to_string(c.kind));
  w.member("state", c.state);
  w.member("state_label", view.state_label);
  w.member("version", c.version);
  w.member("category", c.category);
  w.member("title", c.title);
  w.member("description", c.description);
  w.member("channel", c.channel);
  w.key("location").begin_object();
  w.member("community", c.location.community);
  w.member("grid", c.location.grid);
  w.key("micro_grid").text_or_null(c.location.micro_grid);
  w.key("address").text_or_null(c.location.address);
  w.end_object();
  w.key("parties").begin_array();
  for (const auto& p : c.parties) {
    w.begin_object();
    w.member("role", p.role);
    w.member("name", mask_name(p.name));
    // Masking keeps an empty value empty: null.
    w.key("phone").text_or_null(mask_phone(p.phone));
    w.key("id_number").text_or_null(mask_id_number(p.id_number));
    w.end_object();
  }
  w.end_array();
  w.member("urgency", c.urgency);
  w.member("risk_level", c.risk_level);
  w.member("confidential", c.confidential);
  w.key("assignment").begin_object();
  w.key("department").text_or_null(c.assignment.department);
  w.key("assignees");
  string_array(w, c.assignment.assignees);
  w.key("co_departments");
  fact_array(w, c, "co_departments");
  w.key("co_handlers");
  fact_array(w, c, "co_handlers");
  w.end_object();
  w.member("return_count", fact_int(c, "returns"));
  w.member("rework_count", fact_int(c, "rework_count"));
  w.key("flags");
  flags_of(w, c);
  w.key("duplicate_of");
  if (view.duplicate_of) {
    w.value(*view.duplicate_of);
  } else {
    w.null();
  }
  w.key("deadline");
  if (c.deadline) {
    w.value(format_rfc3339(*c.deadline));
  } else {
    w.null();
  }
  w.key("warning_at");
  if (view.warning_at) {
    w.value(format_rfc3339(*view.warning_at));
  } else {
    w.null();
  }
  w.member("overdue", case_is_overdue(c, view.now));
  if (!view.list_item) {
    w.key("time_left_seconds");
    if (view.time_left) {
      w.value(*view.time_left / 1000);
    } else {
      w.null();
    }
  }
  w.key("clock");
  clock_view(w, c.clock);
  w.key("allowed_events");
  string_array(w, view.allowed_events);
  w.member("created_at", format_rfc3339(c.created_at));
  w.member("updated_at", format_rfc3339(c.updated_at));
  import_view(w, c);
  if (view.duplicates) {
    w.key("duplicates").begin_array();
    for (CaseId id : *view.duplicates) w.value(id);
    w.end_array();
    w.member("duplicates_hidden", view.duplicates_hidden);
  }
  w.end_object();
}

std::string case_json(const Case& c, const CaseView& view) {
  std::string out;
  out.reserve(kCaseJsonBytes);
  JsonText w(out);
  write_case(w, c, view);
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
  return json::object{{"kind", to_string(g.kind)},
                      {"initial_state", g.initial_state},
                      {"states", std::move(states)},
                      {"events", std::move(events)},
                      {"transitions", std::move(transitions)}};
}

}  // namespace outpost::http
