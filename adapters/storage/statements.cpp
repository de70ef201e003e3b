#include "adapters/storage/statements.hpp"

#include "adapters/storage/dialect.hpp"

#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace outpost::storage {

const char* const kCaseColumns =
    "id, number, kind, state, version, category, title, description, channel, community, grid,"
    " micro_grid, address, urgency, risk_level, confidential, department, assignees, parties,"
    " facts, deadline, created_at, updated_at, last_hash, clock";

const char* const kStaffColumns = "id, name, department, role, grid, micro_grid, active";

namespace {

std::string text_of(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string parties_json(const std::vector<Party>& parties) {
  boost::json::array a;
  for (const Party& p : parties) {
    a.push_back(boost::json::object{
        {"role", p.role}, {"name", p.name}, {"phone", p.phone}, {"id_number", p.id_number}});
  }
  return boost::json::serialize(a);
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

std::string strings_json(const std::vector<std::string>& strings) {
  boost::json::array a;
  for (const std::string& s : strings) a.emplace_back(s);
  return boost::json::serialize(a);
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

void bind_derived_use(soci::statement& st, CaseRow& r) {
  st.exchange(soci::use(r.handlers, "handlers"));
  st.exchange(soci::use(r.return_count, "return_count"));
  st.exchange(soci::use(r.arbitration, "arbitration"));
  st.exchange(soci::use(r.duplicate_of, r.duplicate_of_ind, "duplicate_of"));
}

// Binds the columns a transition may change (all but id, number, kind and
// created_at). SOCI binds by name, so the order of the binds is free.
void bind_mutable_use(soci::statement& st, CaseRow& r) {
  st.exchange(soci::use(r.state, "state"));
  st.exchange(soci::use(r.version, "version"));
  st.exchange(soci::use(r.category, "category"));
  st.exchange(soci::use(r.title, "title"));
  st.exchange(soci::use(r.description, "description"));
  st.exchange(soci::use(r.channel, "channel"));
  st.exchange(soci::use(r.community, "community"));
  st.exchange(soci::use(r.grid, "grid"));
  st.exchange(soci::use(r.micro_grid, "micro_grid"));
  st.exchange(soci::use(r.address, "address"));
  st.exchange(soci::use(r.urgency, "urgency"));
  st.exchange(soci::use(r.risk_level, "risk_level"));
  st.exchange(soci::use(r.confidential, "confidential"));
  st.exchange(soci::use(r.department, "department"));
  st.exchange(soci::use(r.assignees, "assignees"));
  st.exchange(soci::use(r.parties, "parties"));
  st.exchange(soci::use(r.facts, "facts"));
  bind_derived_use(st, r);
  st.exchange(soci::use(r.deadline, r.deadline_ind, "deadline"));
  st.exchange(soci::use(r.updated_at, "updated_at"));
  st.exchange(soci::use(r.last_hash, "last_hash"));
  st.exchange(soci::use(r.clock, "clock"));
}

// Binds every use-column of a case except id (which the database assigns).
void bind_case_use(soci::statement& st, CaseRow& r) {
  st.exchange(soci::use(r.number, "number"));
  st.exchange(soci::use(r.kind, "kind"));
  bind_mutable_use(st, r);
  st.exchange(soci::use(r.created_at, "created_at"));
}

// Columns a transition may change; number, kind and created_at never change.
constexpr const char* kUpdateCase =
    "UPDATE cases SET state = :state, version = :version, category = :category, title = :title,"
    " description = :description, channel = :channel, community = :community, grid = :grid,"
    " micro_grid = :micro_grid, address = :address, urgency = :urgency,"
    " risk_level = :risk_level, confidential = :confidential, department = :department,"
    " assignees = :assignees, parties = :parties, facts = :facts, handlers = :handlers,"
    " return_count = :return_count, arbitration = :arbitration, duplicate_of = :duplicate_of,"
    " deadline = :deadline, updated_at = :updated_at, last_hash = :last_hash, clock = :clock"
    " WHERE id = :id AND version = :expected_version";

void bind_case_update(soci::statement& st, CaseRow& r, std::int64_t& expected_version) {
  bind_mutable_use(st, r);
  st.exchange(soci::use(r.id, "id"));
  st.exchange(soci::use(expected_version, "expected_version"));
}

void bind_history_use(soci::statement& st, HistoryRow& h) {
  st.exchange(soci::use(h.case_id, "case_id"));
  st.exchange(soci::use(h.seq, "seq"));
  st.exchange(soci::use(h.at, "at"));
  st.exchange(soci::use(h.actor, "actor"));
  st.exchange(soci::use(h.event, "event"));
  st.exchange(soci::use(h.from_state, "from_state"));
  st.exchange(soci::use(h.to_state, "to_state"));
  st.exchange(soci::use(h.data, "data"));
  st.exchange(soci::use(h.prev_hash, "prev_hash"));
  st.exchange(soci::use(h.hash, "hash"));
}

// PostgreSQL only: the common transition (handlers unchanged, no
// Idempotency-Key) as ONE statement, atomic on its own in autocommit, so it
// costs one round trip instead of BEGIN, UPDATE, INSERT and COMMIT. The history
// row is inserted only when the version-checked UPDATE matched.
const std::string kTransitionInOneStatement =
    std::string("WITH updated AS (") + kUpdateCase +
    " AND handlers = :handlers RETURNING id)"
    " INSERT INTO history (case_id, seq, at, actor, event, from_state, to_state, data,"
    " prev_hash, hash)"
    " SELECT CAST(:case_id AS bigint), CAST(:seq AS bigint), CAST(:at AS bigint),"
    " CAST(:actor AS text), CAST(:event AS text), CAST(:from_state AS text),"
    " CAST(:to_state AS text), CAST(:data AS text), CAST(:prev_hash AS text),"
    " CAST(:hash AS text) FROM updated";

template <class Bind>
soci::statement prepare(soci::session& sql, const std::string& text, Bind bind) {
  soci::statement st(sql);
  bind(st);
  st.alloc();
  st.prepare(text);
  st.define_and_bind();
  return st;
}

}  // namespace

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

void CaseRow::assign(const Case& c) {
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
  parties = cipher != nullptr ? cipher->seal(parties_json(c.parties)) : parties_json(c.parties);
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
  if (PiiCipher::is_sealed(parties)) {
    // A row sealed under another key (or altered) cannot be read: fail loudly
    // rather than show a case without its parties.
    std::optional<std::string> clear = cipher ? cipher->open(parties) : std::nullopt;
    if (!clear) throw std::runtime_error("storage: the parties of a case cannot be decrypted");
    c.parties = parties_from(*clear);
  } else {
    c.parties = parties_from(parties);  // written in clear (before encryption, or no key)
  }
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
  return c;
}

void bind_case_into(soci::statement& st, CaseRow& r) {
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.number));
  st.exchange(soci::into(r.kind));
  st.exchange(soci::into(r.state));
  st.exchange(soci::into(r.version));
  st.exchange(soci::into(r.category));
  st.exchange(soci::into(r.title));
  st.exchange(soci::into(r.description));
  st.exchange(soci::into(r.channel));
  st.exchange(soci::into(r.community));
  st.exchange(soci::into(r.grid));
  st.exchange(soci::into(r.micro_grid));
  st.exchange(soci::into(r.address));
  st.exchange(soci::into(r.urgency));
  st.exchange(soci::into(r.risk_level));
  st.exchange(soci::into(r.confidential));
  st.exchange(soci::into(r.department));
  st.exchange(soci::into(r.assignees));
  st.exchange(soci::into(r.parties));
  st.exchange(soci::into(r.facts));
  st.exchange(soci::into(r.deadline, r.deadline_ind));
  st.exchange(soci::into(r.created_at));
  st.exchange(soci::into(r.updated_at));
  st.exchange(soci::into(r.last_hash));
  st.exchange(soci::into(r.clock));
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

bool fetch_one(soci::statement& st) {
  const bool got = st.execute(true);
  if (got) st.fetch();
  return got;
}

Statements::Statements(soci::session& sql, const PiiCipher* cipher)
    : next_counter(prepare(sql,
                           "INSERT INTO counters (name, value) VALUES (:name, 1)"
                           " ON CONFLICT (name) DO UPDATE SET value = counters.value + 1"
                           " RETURNING value",
                           [this](soci::statement& st) {
                             st.exchange(soci::use(counter_name, "name"));
                             st.exchange(soci::into(counter_value));
                           })),
      insert_case(prepare(sql,
                          "INSERT INTO cases (number, kind, state, version, category, title,"
                          " description, channel, community, grid, micro_grid, address, urgency,"
                          " risk_level, confidential, department, assignees, parties, facts,"
                          " handlers, return_count, arbitration, duplicate_of,"
                          " deadline, created_at, updated_at, last_hash, clock)"
                          " VALUES (:number, :kind, :state, :version, :category, :title,"
                          " :description, :channel, :community, :grid, :micro_grid, :address,"
                          " :urgency, :risk_level, :confidential, :department, :assignees,"
                          " :parties, :facts, :handlers, :return_count, :arbitration,"
                          " :duplicate_of, :deadline, :created_at, :updated_at, :last_hash,"
                          " :clock)"
                          " RETURNING id",
                          [this](soci::statement& st) {
                            bind_case_use(st, case_row);
                            st.exchange(soci::into(case_row.id));
                          })),
      set_last_hash(prepare(sql, "UPDATE cases SET last_hash = :last_hash WHERE id = :id",
                            [this](soci::statement& st) {
                              st.exchange(soci::use(case_row.last_hash, "last_hash"));
                              st.exchange(soci::use(case_row.id, "id"));
                            })),
      update_case_same_assignees(prepare(
          sql, std::string(kUpdateCase) + " AND handlers = :handlers",
          [this](soci::statement& st) { bind_case_update(st, case_row, expected_version); })),
      update_case(prepare(
          sql, kUpdateCase,
          [this](soci::statement& st) { bind_case_update(st, case_row, expected_version); })),
      delete_assignees(prepare(
          sql, "DELETE FROM case_assignees WHERE case_id = :case_id",
          [this](soci::statement& st) { st.exchange(soci::use(assignee_case_id, "case_id")); })),
      insert_assignee(prepare(sql,
                              "INSERT INTO case_assignees (case_id, assignee)"
                              " VALUES (:case_id, :assignee)",
                              [this](soci::statement& st) {
                                st.exchange(soci::use(assignee_case_id, "case_id"));
                                st.exchange(soci::use(assignee, "assignee"));
                              })),
      insert_history(prepare(sql,
                             "INSERT INTO history (case_id, seq, at, actor, event, from_state,"
                             " to_state, data, prev_hash, hash) VALUES (:case_id, :seq, :at,"
                             " :actor, :event, :from_state, :to_state, :data, :prev_hash, :hash)",
                             [this](soci::statement& st) { bind_history_use(st, history_row); })),
      transition_in_one_statement(dialect_of(sql) == Dialect::postgresql
                                      ? prepare(sql, kTransitionInOneStatement,
                                                [this](soci::statement& st) {
                                                  bind_case_update(st, case_row, expected_version);
                                                  bind_history_use(st, history_row);
                                                })
                                      : soci::statement(sql)),
      insert_idempotency(prepare(sql,
                                 "INSERT INTO idempotency_keys (user_id, scope, key, fingerprint,"
                                 " case_id, created_at) VALUES (:user_id, :scope, :key,"
                                 " :fingerprint, :case_id, :created_at)",
                                 [this](soci::statement& st) {
                                   IdempotencyRow& i = idempotency_row;
                                   st.exchange(soci::use(i.user_id, "user_id"));
                                   st.exchange(soci::use(i.scope, "scope"));
                                   st.exchange(soci::use(i.key, "key"));
                                   st.exchange(soci::use(i.fingerprint, "fingerprint"));
                                   st.exchange(soci::use(i.case_id, "case_id"));
                                   st.exchange(soci::use(i.created_at, "created_at"));
                                 })),
      select_case(prepare(sql, std::string("SELECT ") + kCaseColumns + " FROM cases WHERE id = :id",
                          [this](soci::statement& st) {
                            bind_case_into(st, case_row);
                            st.exchange(soci::use(lookup_id, "id"));
                          })),
      select_history(prepare(sql,
                             "SELECT case_id, seq, at, actor, event, from_state, to_state, data,"
                             " prev_hash, hash FROM history WHERE case_id = :case_id"
                             " ORDER BY seq",
                             [this](soci::statement& st) {
                               HistoryRow& h = history_row;
                               st.exchange(soci::into(h.case_id));
                               st.exchange(soci::into(h.seq));
                               st.exchange(soci::into(h.at));
                               st.exchange(soci::into(h.actor));
                               st.exchange(soci::into(h.event));
                               st.exchange(soci::into(h.from_state));
                               st.exchange(soci::into(h.to_state));
                               st.exchange(soci::into(h.data));
                               st.exchange(soci::into(h.prev_hash));
                               st.exchange(soci::into(h.hash));
                               st.exchange(soci::use(lookup_id, "case_id"));
                             })),
      select_idempotency(prepare(sql,
                                 "SELECT fingerprint, case_id, answer FROM idempotency_keys"
                                 " WHERE user_id = :user_id AND scope = :scope AND key = :key",
                                 [this](soci::statement& st) {
                                   IdempotencyRow& i = idempotency_row;
                                   st.exchange(soci::into(i.fingerprint));
                                   st.exchange(soci::into(i.case_id));
                                   st.exchange(soci::into(i.answer, i.answer_indicator));
                                   st.exchange(soci::use(i.user_id, "user_id"));
                                   st.exchange(soci::use(i.scope, "scope"));
                                   st.exchange(soci::use(i.key, "key"));
                                 })),
      count_cases(prepare(sql, "SELECT count(*) FROM cases",
                          [this](soci::statement& st) { st.exchange(soci::into(count)); })),
      select_duplicates(prepare(sql, "SELECT id FROM cases WHERE duplicate_of = :id ORDER BY id",
                                [this](soci::statement& st) {
                                  st.exchange(soci::into(duplicate_id));
                                  st.exchange(soci::use(lookup_id, "id"));
                                })),
      select_user_by_token(prepare(sql,
                                   "SELECT u.id, u.username, u.display_name, u.role,"
                                   " u.department, u.grid, u.disabled"
                                   " FROM tokens t JOIN users u ON u.id = t.user_id"
                                   " WHERE t.token_hash = :token_hash AND u.disabled = 0"
                                   " AND t.revoked_at IS NULL"
                                   " AND (t.expires_at IS NULL OR t.expires_at > :now)",
                                   [this](soci::statement& st) {
                                     UserRow& u = user_row;
                                     st.exchange(soci::into(u.id));
                                     st.exchange(soci::into(u.username));
                                     st.exchange(soci::into(u.display_name));
                                     st.exchange(soci::into(u.role));
                                     st.exchange(soci::into(u.department));
                                     st.exchange(soci::into(u.grid));
                                     st.exchange(soci::into(u.disabled));
                                     st.exchange(soci::use(lookup_text, "token_hash"));
                                     st.exchange(soci::use(now, "now"));
                                   })),
      select_grid_leader(prepare(sql,
                                 std::string("SELECT ") + kStaffColumns +
                                     " FROM staff WHERE grid = :grid AND role = '" +
                                     std::string(kGridLeaderRole) + "' AND active = 1" +
                                     order_by(dialect_of(sql), "id") + " LIMIT 1",
                                 [this](soci::statement& st) {
                                   staff_row.bind_into(st);
                                   st.exchange(soci::use(lookup_text, "grid"));
                                 })),
      delete_pending_timers(prepare(
          sql, "DELETE FROM timers WHERE case_id = :case_id AND state = 'pending'",
          [this](soci::statement& st) { st.exchange(soci::use(timer_row.case_id, "case_id")); })),
      insert_timer(prepare(sql,
                           "INSERT INTO timers (case_id, kind, step, generation, due_at,"
                           " created_at) VALUES (:case_id, :kind, :step, :generation, :due_at,"
                           " :created_at)",
                           [this](soci::statement& st) {
                             TimerRowBuffer& t = timer_row;
                             st.exchange(soci::use(t.case_id, "case_id"));
                             st.exchange(soci::use(t.kind, "kind"));
                             st.exchange(soci::use(t.step, "step"));
                             st.exchange(soci::use(t.generation, "generation"));
                             st.exchange(soci::use(t.due_at, "due_at"));
                             st.exchange(soci::use(t.created_at, "created_at"));
                           })),
      insert_outbox(prepare(sql,
                            "INSERT INTO outbox (id, topic, case_id, payload, next_attempt_at,"
                            " created_at) VALUES (:id, :topic, :case_id, :payload, :created_at,"
                            " :created_at)",
                            [this](soci::statement& st) {
                              OutboxRowBuffer& o = outbox_row;
                              st.exchange(soci::use(o.id, "id"));
                              st.exchange(soci::use(o.topic, "topic"));
                              st.exchange(soci::use(o.case_id, "case_id"));
                              st.exchange(soci::use(o.payload, "payload"));
                              st.exchange(soci::use(o.created_at, "created_at"));
                            })),
      insert_phone(prepare(sql,
                           "INSERT INTO case_phones (case_id, phone_index)"
                           " VALUES (:case_id, :phone_index) ON CONFLICT DO NOTHING",
                           [this](soci::statement& st) {
                             st.exchange(soci::use(phone_row.case_id, "case_id"));
                             st.exchange(soci::use(phone_row.phone_index, "phone_index"));
                           })),
      delete_phones(prepare(
          sql, "DELETE FROM case_phones WHERE case_id = :case_id",
          [this](soci::statement& st) { st.exchange(soci::use(phone_row.case_id, "case_id")); })) {
  case_row.cipher = cipher;
}

}  // namespace outpost::storage
