#include "adapters/storage/rows.hpp"

#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "engine/access/masking.hpp"
#include "engine/core/json_string.hpp"

namespace outpost::storage {

namespace {

// The list columns with `parties` read as the given expression.
std::string list_columns(std::string_view parties) {
  return "id, number, kind, state, version, category, title, description, channel,"
         " community, grid, micro_grid, address, urgency, risk_level, confidential,"
         " department, assignees, " +
         std::string(parties) + ", facts, deadline, created_at, updated_at, last_hash, clock";
}

}  // namespace

const std::string kCaseListColumns = list_columns("parties");

const std::string kCaseMaskedListColumns =
    list_columns("CASE WHEN parties_masked = '' THEN parties ELSE parties_masked END");

const std::string kCaseColumns = kCaseListColumns + ", " + kMilestoneColumns + ", sealed_texts";

const std::string kCaseShownColumns =
    kCaseMaskedListColumns + ", " + kMilestoneColumns + ", CAST('' AS text)";

const char* const kStaffColumns = "id, name, department, role, grid, micro_grid, active";

namespace {

// A case's step clock as its row keeps it (the clock column, JSON text).
boost::json::object clock_to_json(const StepClock& clock) {
  boost::json::object o{{"step", clock.step},
                        {"duration", clock.duration},
                        {"started_at", clock.started_at},
                        {"generation", clock.generation},
                        {"warned", clock.warned},
                        {"breached", clock.breached},
                        {"escalated", clock.escalated}};
  if (clock.paused_remaining) o["paused_remaining"] = *clock.paused_remaining;
  if (clock.extended_days != 0) o["extended_days"] = clock.extended_days;
  return o;
}

// Tolerant: missing or mistyped members take their defaults.
StepClock clock_from_json(const boost::json::value& v) {
  StepClock c;
  const boost::json::object* o = v.if_object();
  if (o == nullptr) return c;
  auto text = [&](std::string_view key) -> std::string {
    const boost::json::value* m = o->if_contains(key);
    return m != nullptr && m->is_string() ? std::string(m->get_string()) : std::string();
  };
  auto number = [&](std::string_view key) -> std::optional<std::int64_t> {
    const boost::json::value* m = o->if_contains(key);
    if (m != nullptr && m->is_int64()) return m->get_int64();
    return std::nullopt;
  };
  auto flag = [&](std::string_view key) {
    const boost::json::value* m = o->if_contains(key);
    return m != nullptr && m->is_bool() && m->get_bool();
  };
  c.step = text("step");
  c.duration = text("duration");
  c.started_at = number("started_at").value_or(0);
  c.paused_remaining = number("paused_remaining");
  c.generation = number("generation").value_or(0);
  c.extended_days = number("extended_days").value_or(0);
  c.warned = flag("warned");
  c.breached = flag("breached");
  c.escalated = flag("escalated");
  return c;
}

std::string text_of(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Written out field by field (append_json_string): the same text as
// serializing the array of objects, without building it — every change
// writes the masked form.
std::string parties_json(const std::vector<Party>& parties) {
  std::string out = "[";
  for (const Party& p : parties) {
    if (out.size() > 1) out += ',';
    out += "{\"role\":";
    append_json_string(out, p.role);
    out += ",\"name\":";
    append_json_string(out, p.name);
    out += ",\"phone\":";
    append_json_string(out, p.phone);
    out += ",\"id_number\":";
    append_json_string(out, p.id_number);
    out += '}';
  }
  out += ']';
  return out;
}

// Calls `read` with the parsed `text`, whose tree lives in a stack arena: the
// small columns of a row that are only read (parties, assignees, clock) cost
// no heap allocation to parse. A page of 50 cases parses 150 of them.
template <class Read>
auto read_parsed(const std::string& text, Read&& read) {
  unsigned char buffer[4096];
  boost::json::monotonic_resource arena(buffer, sizeof buffer);
  const boost::json::value parsed = boost::json::parse(text, &arena);
  return read(parsed);
}

std::vector<Party> parties_from(const std::string& text) {
  return read_parsed(text, [](const boost::json::value& parsed) {
    std::vector<Party> parties;
    parties.reserve(parsed.as_array().size());
    for (const boost::json::value& v : parsed.as_array()) {
      const boost::json::object& o = v.as_object();
      parties.push_back(
          {text_of(o, "role"), text_of(o, "name"), text_of(o, "phone"), text_of(o, "id_number")});
    }
    return parties;
  });
}

std::string clear_texts_json(const std::vector<ClearText>& texts) {
  boost::json::array a;
  for (const ClearText& t : texts) {
    a.push_back(boost::json::object{{"seq", t.seq}, {"field", t.field}, {"text", t.text}});
  }
  return boost::json::serialize(a);
}

std::vector<ClearText> clear_texts_from(const std::string& text) {
  std::vector<ClearText> texts;
  const boost::json::value parsed = boost::json::parse(text);
  for (const boost::json::value& v : parsed.as_array()) {
    const boost::json::object& o = v.as_object();
    const boost::json::value* seq = o.if_contains("seq");
    texts.push_back({seq != nullptr && seq->is_int64() ? seq->get_int64() : 0, text_of(o, "field"),
                     text_of(o, "text")});
  }
  return texts;
}

std::string strings_json(const std::vector<std::string>& strings) {
  std::string out = "[";
  for (const std::string& s : strings) {
    if (out.size() > 1) out += ',';
    append_json_string(out, s);
  }
  out += ']';
  return out;
}

std::vector<std::string> strings_from(const std::string& text) {
  return read_parsed(text, [](const boost::json::value& parsed) {
    std::vector<std::string> strings;
    strings.reserve(parsed.as_array().size());
    for (const boost::json::value& v : parsed.as_array()) strings.emplace_back(v.as_string());
    return strings;
  });
}

boost::json::object object_from(const std::string& text) {
  return std::move(boost::json::parse(text).as_object());
}

}  // namespace

std::string masked_parties_json(const std::vector<Party>& parties) {
  return parties_json(masked_parties(parties));
}

std::string masked_parties_json(const PiiCipher* cipher, const std::string& stored) {
  return masked_parties_json(parties_from(open_column(cipher, stored, "parties of a case")));
}

std::vector<std::string> handler_entries(const Case& c) {
  std::set<std::string> set(c.assignment.assignees.begin(), c.assignment.assignees.end());
  const auto add_all = [&](std::string_view key, std::string_view prefix) {
    const boost::json::value* v = c.facts.if_contains(key);
    if (v == nullptr || !v->is_array()) return;
    for (const auto& item : v->get_array()) {
      if (item.is_string()) set.insert(std::string(prefix) + std::string(item.get_string()));
    }
  };
  add_all("co_handlers", "");
  add_all("co_departments", "dept:");
  return {set.begin(), set.end()};
}

void CaseRow::name_parties(const HistoryEntry& first) {
  kpi_parties = 0;
  kpi_parties_ind = soci::i_null;
  const boost::json::value* parties = first.data.if_contains("parties");
  if (parties == nullptr || !parties->is_object()) return;
  for (const auto& role : parties->get_object()) {
    if (!role.value().is_int64()) continue;
    kpi_parties += role.value().get_int64();
    kpi_parties_ind = soci::i_ok;
  }
}

void CaseRow::assign(const Case& c, KeptColumns kept) {
  id = c.id;
  number = c.number;
  kind = to_string(c.kind);
  state = c.state;
  version = c.version;
  category = c.category;
  title = c.title;
  description = c.description;
  channel = c.channel;
  community = c.location.community;
  grid = c.location.grid;
  micro_grid = c.location.micro_grid;
  address = c.location.address;
  urgency = c.urgency;
  risk_level = c.risk_level;
  confidential = c.confidential ? 1 : 0;
  department = c.assignment.department;
  assignees = strings_json(c.assignment.assignees);
  parties_ind = kept.parties ? soci::i_null : soci::i_ok;
  parties = kept.parties ? std::string() : seal_column(cipher, parties_json(c.parties));
  // Always written (in clear, nothing to seal): a change also mends a masked
  // form that another writer left behind.
  parties_masked = masked_parties_json(c.parties);
  facts = boost::json::serialize(c.facts);
  handlers = strings_json(handler_entries(c));
  const auto fact_int = [&](std::string_view key) -> std::optional<std::int64_t> {
    const boost::json::value* v = c.facts.if_contains(key);
    return v != nullptr && v->is_int64() ? std::optional(v->get_int64()) : std::nullopt;
  };
  return_count = fact_int("returns").value_or(0);
  const boost::json::value* flag = c.facts.if_contains("arbitration");
  arbitration = flag != nullptr && flag->is_bool() && flag->get_bool() ? 1 : 0;
  duplicate_of = fact_int("duplicate_of").value_or(0);
  duplicate_of_ind = fact_int("duplicate_of") ? soci::i_ok : soci::i_null;
  deadline = c.deadline.value_or(0);
  deadline_ind = c.deadline ? soci::i_ok : soci::i_null;
  created_at = c.created_at;
  updated_at = c.updated_at;
  last_hash = c.last_hash;
  clock = boost::json::serialize(clock_to_json(c.clock));
  escalated = c.clock.escalated ? 1 : 0;
  milestones.assign(c.milestones);
  sealed_texts_ind = kept.texts ? soci::i_null : soci::i_ok;
  if (kept.texts) {
    sealed_texts.clear();
  } else {
    sealed_texts = c.clear_texts.empty() ? std::string()
                                         : seal_column(cipher, clear_texts_json(c.clear_texts));
  }
}

std::string seal_column(const PiiCipher* cipher, const std::string& clear) {
  return cipher != nullptr ? cipher->seal(clear) : clear;
}

std::string open_column(const PiiCipher* cipher, const std::string& stored, std::string_view what) {
  if (!PiiCipher::is_sealed(stored))
    return stored;  // written in clear (before encryption, or no key)
  std::optional<std::string> clear = cipher ? cipher->open(stored) : std::nullopt;
  if (!clear) {
    throw std::runtime_error("storage: the " + std::string(what) + " cannot be decrypted");
  }
  return *clear;
}

Case CaseRow::to_case() const {
  Case c;
  c.id = id;
  c.number = number;
  const std::optional<CaseKind> parsed_kind = parse_case_kind(kind);
  if (!parsed_kind) throw std::runtime_error("storage: a case row has an unknown kind");
  c.kind = *parsed_kind;
  c.state = state;
  c.version = version;
  c.category = category;
  c.title = title;
  c.description = description;
  c.channel = channel;
  c.location = {community, grid, micro_grid, address};
  c.parties = parties_from(open_column(cipher, parties, "parties of a case"));
  c.urgency = urgency;
  c.risk_level = risk_level;
  c.confidential = confidential != 0;
  c.assignment = {department, strings_from(assignees)};
  if (deadline_ind == soci::i_ok) c.deadline = deadline;
  c.created_at = created_at;
  c.updated_at = updated_at;
  c.facts = object_from(facts);
  c.last_hash = last_hash;
  c.clock = read_parsed(clock, [](const boost::json::value& v) { return clock_from_json(v); });
  if (with_milestones) {
    c.milestones = milestones.to_milestones();
    if (!sealed_texts.empty())
      c.clear_texts = clear_texts_from(open_column(cipher, sealed_texts, "free text of a case"));
  }
  return c;
}

void HistoryRow::assign(const HistoryEntry& e) {
  case_id = e.case_id;
  seq = e.seq;
  at = e.at;
  actor = e.actor;
  event = e.event;
  from_state = e.from_state;
  to_state = e.to_state;
  data = boost::json::serialize(e.data);
  prev_hash = e.prev_hash;
  hash = e.hash;
}

HistoryEntry HistoryRow::to_entry() const {
  return {case_id, seq, at, actor, event, from_state, to_state, object_from(data), prev_hash, hash};
}

void StaffRow::assign(const StaffMember& s, Millis now) {
  id = s.id;
  name = s.name;
  department = s.department;
  role = s.role;
  grid = s.grid;
  micro_grid = s.micro_grid;
  active = s.active ? 1 : 0;
  updated_at = now;
}

StaffMember StaffRow::to_staff() const {
  return StaffMember{id, name, department, role, grid, micro_grid, active != 0};
}

void StaffRow::bind_into(soci::statement& st) {
  st.exchange(soci::into(id));
  st.exchange(soci::into(name));
  st.exchange(soci::into(department));
  st.exchange(soci::into(role));
  st.exchange(soci::into(grid));
  st.exchange(soci::into(micro_grid));
  st.exchange(soci::into(active));
}

User UserRow::to_user() const {
  return {id, username, display_name, role, department, grid, disabled != 0};
}

}  // namespace outpost::storage
