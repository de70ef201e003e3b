#include "engine/cases/case_service.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>

#include "engine/cases/case_commit.hpp"
#include "engine/directory/routing.hpp"
#include "engine/notify/notifications.hpp"

namespace outpost {
namespace json = boost::json;

namespace {

constexpr std::array kKinds{"dispute", "request"};
constexpr std::array kChannels{"desk", "phone", "visit", "patrol", "online", "hotline", "meeting"};
constexpr std::array kPartyRoles{"applicant", "respondent", "other"};
constexpr std::array kUrgencies{"normal", "urgent"};
constexpr std::array kRiskLevels{"low", "medium", "high"};
constexpr std::size_t kMaxTitleBytes = 600;          // ~200 CJK characters
constexpr std::size_t kMaxDescriptionBytes = 30000;  // ~10,000 CJK characters
constexpr std::size_t kMaxParties = 50;

template <std::size_t N>
bool one_of(std::string_view v, const std::array<const char*, N>& options) {
  for (const char* o : options) {
    if (v == o) return true;
  }
  return false;
}

template <std::size_t N>
std::string options_text(const std::array<const char*, N>& options) {
  std::string out = "one of:";
  for (const char* o : options) out += std::string(" ") + o;
  return out;
}

// Collects field errors while reading a JSON object.
class Reader {
 public:
  explicit Reader(std::vector<FieldError>& errors) : errors_(errors) {}

  std::string text(const json::object& o, std::string_view key, const std::string& path,
                   bool required, std::size_t max_bytes = 2000) {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) {
      if (required) fail(path, "is required");
      return {};
    }
    if (!v->is_string()) {
      fail(path, "must be a string");
      return {};
    }
    std::string s(v->get_string());
    if (required && s.empty()) fail(path, "must not be empty");
    if (s.size() > max_bytes) fail(path, "is longer than " + std::to_string(max_bytes) + " bytes");
    return s;
  }

  template <std::size_t N>
  std::string choice(const json::object& o, std::string_view key, const std::string& path,
                     const std::array<const char*, N>& options, const char* fallback) {
    std::string s = text(o, key, path, fallback == nullptr);
    if (s.empty()) return fallback ? fallback : "";
    if (!one_of(s, options)) fail(path, "must be " + options_text(options));
    return s;
  }

  void fail(const std::string& path, std::string message) {
    errors_.push_back({path, std::move(message)});
  }

 private:
  std::vector<FieldError>& errors_;
};

bool valid_phone(std::string_view p) {
  if (p.size() < 5 || p.size() > 20) return false;
  for (char ch : p) {
    if (!(std::isdigit(static_cast<unsigned char>(ch)) || ch == '+' || ch == '-' || ch == ' ')) {
      return false;
    }
  }
  return true;
}

// Resident ID: 18 characters (17 digits and a digit or X check character), or the old 15 digits.
bool valid_id_number(std::string_view id) {
  if (id.size() != 18 && id.size() != 15) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool last = i + 1 == id.size();
    const char ch = id[i];
    if (!std::isdigit(static_cast<unsigned char>(ch)) &&
        !(last && id.size() == 18 && (ch == 'X' || ch == 'x'))) {
      return false;
    }
  }
  return true;
}

void read_location(Reader& r, const json::object& body, const Jurisdiction& jurisdiction,
                   Location& loc) {
  const json::value* v = body.if_contains("location");
  if (!v || !v->is_object()) {
    r.fail("location", "is required and must be an object");
    return;
  }
  const auto& o = v->get_object();
  loc.community = r.text(o, "community", "location.community", true, 64);
  loc.grid = r.text(o, "grid", "location.grid", true, 64);
  loc.micro_grid = r.text(o, "micro_grid", "location.micro_grid", false, 64);
  loc.address = r.text(o, "address", "location.address", false, 500);
  if (!loc.community.empty() && !jurisdiction.has_community(loc.community)) {
    r.fail("location.community", "unknown community code");
  }
  if (!loc.grid.empty()) {
    const auto community = jurisdiction.community_of_grid(loc.grid);
    if (community.empty()) {
      r.fail("location.grid", "unknown grid code");
    } else if (community != loc.community) {
      r.fail("location.grid", "grid does not belong to the community");
    }
  }
  if (!loc.micro_grid.empty() && jurisdiction.grid_of_micro_grid(loc.micro_grid) != loc.grid) {
    r.fail("location.micro_grid", "unknown micro-grid code or not in the grid");
  }
}

void read_parties(Reader& r, const json::object& body, std::string_view kind,
                  std::vector<Party>& parties) {
  const json::value* v = body.if_contains("parties");
  if (!v || !v->is_array()) {
    r.fail("parties", "is required and must be an array");
    return;
  }
  const auto& arr = v->get_array();
  if (arr.size() > kMaxParties) r.fail("parties", "has more than 50 entries");
  int applicants = 0, respondents = 0;
  for (std::size_t i = 0; i < arr.size() && i < kMaxParties; ++i) {
    const std::string path = "parties[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) {
      r.fail(path, "must be an object");
      continue;
    }
    const auto& o = arr[i].get_object();
    Party p;
    p.role = r.choice(o, "role", path + ".role", kPartyRoles, nullptr);
    p.name = r.text(o, "name", path + ".name", true, 200);
    p.phone = r.text(o, "phone", path + ".phone", false, 40);
    p.id_number = r.text(o, "id_number", path + ".id_number", false, 40);
    if (!p.phone.empty() && !valid_phone(p.phone)) r.fail(path + ".phone", "is not a phone number");
    if (!p.id_number.empty() && !valid_id_number(p.id_number)) {
      r.fail(path + ".id_number",
             "must be 18 characters (17 digits and a digit or X) or 15 digits");
    }
    applicants += p.role == "applicant";
    respondents += p.role == "respondent";
    parties.push_back(std::move(p));
  }
  if (applicants == 0) r.fail("parties", "needs at least one applicant");
  if (kind == "dispute" && respondents == 0)
    r.fail("parties", "a dispute needs at least one respondent");
}

bool read_flag(Reader& r, const json::object& body, std::string_view key) {
  const json::value* v = body.if_contains(key);
  if (!v || v->is_null()) return false;
  if (!v->is_bool()) {
    r.fail(std::string(key), "must be true or false");
    return false;
  }
  return v->get_bool();
}

void reject_unknown_fields(Reader& r, const json::object& body) {
  static constexpr std::array kKnown{"kind",       "category",    "title",   "description",
                                     "channel",    "location",    "parties", "urgency",
                                     "risk_level", "confidential"};
  for (const auto& kv : body) {
    if (!one_of(kv.key(), kKnown)) r.fail(std::string(kv.key()), "is not a field of a case");
  }
}

std::string_view creation_event(std::string_view kind) {
  return kind == "dispute" ? "register" : "submit";
}

// What the creating history row records: the case's shape, never personal data.
json::object creation_data(const Case& c) {
  json::object counts;
  for (const auto& p : c.parties) {
    counts[p.role] = counts.contains(p.role) ? counts[p.role].as_int64() + 1 : 1;
  }
  return json::object{{"kind", c.kind},
                      {"category", c.category},
                      {"channel", c.channel},
                      {"community", c.location.community},
                      {"grid", c.location.grid},
                      {"micro_grid", c.location.micro_grid},
                      {"urgency", c.urgency},
                      {"risk_level", c.risk_level},
                      {"confidential", c.confidential},
                      {"parties", std::move(counts)}};
}

bool event_allowed(const Workflow& wf, const Case& c, std::string_view event) {
  const auto allowed = wf.allowed_events(c);
  return std::find(allowed.begin(), allowed.end(), event) != allowed.end();
}

std::int64_t fact_count(const Case& c, std::string_view key) {
  const json::value* v = c.facts.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

void set_or_erase(json::object& facts, std::string_view key, const json::value* v) {
  if (v != nullptr && !v->is_null()) {
    facts[key] = *v;
  } else {
    facts.erase(key);
  }
}

// What routing and returns leave on a case, for both kinds: joint handling
// (co-departments, the grid leader as co-handler) and the arbitration flag
// (派单异议) once the returns since the last arbitration reach the limit.
void record_handling(Case& c, std::string_view event, const json::object& payload, int limit) {
  if (is_routing_event(event)) {
    set_or_erase(c.facts, "co_departments", payload.if_contains("co_departments"));
    set_or_erase(c.facts, "co_handlers", payload.if_contains("co_handlers"));
    if (fact_flag(c, "arbitration")) {
      c.facts["arbitration"] = false;
      c.facts["returns_at_arbitration"] = fact_count(c, "returns");
    }
  } else if (event == "return_dispatch" || event == "return_assignment") {
    c.facts.erase("co_departments");
    c.facts.erase("co_handlers");
    if (fact_count(c, "returns") - fact_count(c, "returns_at_arbitration") >= limit) {
      c.facts["arbitration"] = true;
    }
  }
}

}  // namespace

int utc_year(Millis at) {
  using namespace std::chrono;
  const auto days = floor<std::chrono::days>(sys_time<milliseconds>(milliseconds(at)));
  return static_cast<int>(year_month_day(days).year());
}

std::string format_case_number(std::string_view kind, int year, std::int64_t seq) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s-%04d-%06lld", kind == "dispute" ? "JF" : "SQ", year,
                static_cast<long long>(seq));
  return buf;
}

std::string case_number_counter(std::string_view kind, Millis at) {
  return std::string(kind) + "-" + std::to_string(utc_year(at));
}

Result<Case> case_from_request(const json::value& body, const Catalogue& catalogue,
                               const Jurisdiction& jurisdiction,
                               const WorkflowRegistry& workflows) {
  if (!body.is_object()) {
    return Error::invalid_field("body", "must be a JSON object");
  }
  const auto& o = body.get_object();
  std::vector<FieldError> errors;
  Reader r(errors);
  Case c;
  reject_unknown_fields(r, o);
  c.kind = r.choice(o, "kind", "kind", kKinds, nullptr);
  if (!c.kind.empty() && one_of(c.kind, kKinds) && !workflows.find(c.kind)) {
    r.fail("kind", "kind '" + c.kind + "' has no workflow in this release");
  }
  c.category = r.text(o, "category", "category", true, 64);
  if (!c.category.empty() && !c.kind.empty() && !catalogue.find_category(c.kind, c.category)) {
    r.fail("category", "unknown category code for kind '" + c.kind + "'");
  }
  c.title = r.text(o, "title", "title", true, kMaxTitleBytes);
  c.description = r.text(o, "description", "description", false, kMaxDescriptionBytes);
  c.channel = r.choice(o, "channel", "channel", kChannels, nullptr);
  read_location(r, o, jurisdiction, c.location);
  read_parties(r, o, c.kind, c.parties);
  c.urgency = r.choice(o, "urgency", "urgency", kUrgencies, "normal");
  c.risk_level = r.choice(o, "risk_level", "risk_level", kRiskLevels, "low");
  c.confidential = read_flag(r, o, "confidential");
  if (!errors.empty()) {
    Error e{ErrorKind::invalid, "the case has invalid fields"};
    e.fields = std::move(errors);
    return e;
  }
  return c;
}

CaseService::CaseService(CaseStore& store, const WorkflowRegistry& workflows,
                         const Catalogue& catalogue, const Jurisdiction& jurisdiction,
                         const Clock& clock, const Deadlines* deadlines,
                         const Permissions* permissions)
    : store_(store),
      workflows_(workflows),
      catalogue_(catalogue),
      jurisdiction_(jurisdiction),
      clock_(clock),
      deadlines_(deadlines),
      permissions_(permissions != nullptr ? *permissions : Permissions::unrestricted()) {}

Result<Case> CaseService::create(const json::value& body, const Actor& actor,
                                 const IdempotencyKey* idem) {
  if (Status s = permissions_.check(Action::create_case, actor); !s) return s.error();
  auto parsed = case_from_request(body, catalogue_, jurisdiction_, workflows_);
  if (!parsed) return parsed.error();
  Case draft = std::move(parsed.value());
  const Workflow* wf = workflows_.find(draft.kind);
  draft.state = wf->graph().initial_state;
  draft.version = 1;
  draft.created_at = draft.updated_at = clock_.now();
  HistoryEntry first;
  first.seq = 1;
  first.at = draft.created_at;
  first.actor = actor.username;
  first.event = creation_event(draft.kind);
  first.to_state = draft.state;
  first.data = creation_data(draft);
  SideEffects effects;
  if (deadlines_ != nullptr && deadlines_->advance(nullptr, draft, first.event, first.at)) {
    effects.timers = deadlines_->timers_for(draft);
  }
  return store_.insert_case(std::move(draft), std::move(first), idem,
                            effects.empty() ? nullptr : &effects);
}

Status CaseService::admit_event(const Case& c, std::string_view event, const Actor& actor) const {
  if (!permissions_.sees(c, actor))
    return Error::make(ErrorKind::not_found, "no case with this id");
  return permissions_.check_event(c, event, actor);
}

Status CaseService::check_duplicate_link(const Case& c, const json::object& payload,
                                         const Actor& actor) {
  const json::value* dup = payload.if_contains("duplicate_of");
  if (dup == nullptr || !dup->is_int64()) return Ok{};
  if (dup->get_int64() == c.id)
    return Error::invalid_field("duplicate_of", "a case cannot duplicate itself");
  auto other = store_.find_case(dup->get_int64());
  if (!other) return other.error();
  if (!other.value() || !permissions_.sees(*other.value(), actor)) {
    return Error::invalid_field("duplicate_of", "no case with this id");
  }
  return Ok{};
}

Result<Case> CaseService::apply(CaseId id, const EventCommand& cmd, const Actor& actor,
                                const IdempotencyKey* idem) {
  bool clock_moved = false;  // set by each attempt's derive
  auto done = commit_case_change(
      store_, clock_, id, actor, cmd.if_match,
      [&](const Case& current) -> Result<CaseChange> {
        const Workflow* wf = workflows_.find(current.kind);
        if (!wf) return Error::make(ErrorKind::internal, "no workflow for the case's kind");
        json::object payload = cmd.payload;
        if (is_routing_event(cmd.event) && event_allowed(*wf, current, cmd.event)) {
          if (Status s = route(current, catalogue_, payload, grid_leader_); !s) return s.error();
        }
        Case next = current;
        if (Status s = wf->apply(next, cmd.event, payload); !s) {
          Error e = s.error();
          // The refusal's allowed_events, like the case's, are the caller's.
          if (e.kind == ErrorKind::not_allowed_in_state)
            e.allowed_events = allowed_events(current, actor);
          return e;
        }
        if (Status s = check_duplicate_link(current, payload, actor); !s) return s.error();
        record_handling(next, cmd.event, payload, catalogue_.returns_before_arbitration());
        clock_moved = deadlines_ != nullptr &&
                      deadlines_->advance(&current, next, cmd.event,
                                          std::max(clock_.now(), current.updated_at));
        return CaseChange{std::move(next), cmd.event, std::move(payload)};
      },
      [&](const Case& next, std::int64_t expected_version, const HistoryEntry& entry) {
        SideEffects effects;
        effects.outbox = notifications_for(next, entry);
        if (clock_moved) {
          effects.replace_timers = true;
          effects.timers = deadlines_->timers_for(next);
        }
        return store_.commit_transition(next, expected_version, entry, idem,
                                        effects.empty() ? nullptr : &effects);
      },
      [&](const Case& current) { return admit_event(current, cmd.event, actor); });
  if (!done) return done.error();
  return std::move(done.value().updated);
}

Result<Case> CaseService::get(CaseId id) {
  auto found = store_.find_case(id);
  if (!found) return found.error();
  if (!found.value()) return Error::make(ErrorKind::not_found, "no case with this id");
  return std::move(*found.value());
}

Result<Case> CaseService::get(CaseId id, const Actor& actor) {
  auto found = get(id);
  if (found && !permissions_.sees(found.value(), actor)) {
    return Error::make(ErrorKind::not_found, "no case with this id");
  }
  return found;
}

Result<CasePage> CaseService::list(CaseFilter filter, const Actor& actor) {
  filter.now = clock_.now();
  filter.scope = permissions_.scope_of(actor);
  return store_.list_cases(filter);
}

Result<std::int64_t> CaseService::count(CaseFilter filter, const Actor& actor) {
  filter.now = clock_.now();
  filter.scope = permissions_.scope_of(actor);
  return store_.count_matching(filter);
}

Result<std::vector<CaseId>> CaseService::duplicates_of(const Case& c) {
  if (c.kind != "request") return std::vector<CaseId>{};
  return store_.duplicates_of(c.id);
}

Result<std::vector<HistoryEntry>> CaseService::history(CaseId id, const Actor& actor) {
  if (auto found = get(id, actor); !found) return found.error();
  return store_.history(id);
}

Result<std::optional<IdempotencyRecord>> CaseService::find_idempotent(const IdempotencyKey& key) {
  return store_.find_idempotency(key.user_id, key.scope, key.key);
}

Status CaseService::save_idempotent_answer(const IdempotencyKey& key, std::string_view answer) {
  return store_.save_idempotent_answer(key, answer);
}

std::vector<std::string> CaseService::allowed_events(const Case& c, const Actor& actor) const {
  const Workflow* wf = workflows_.find(c.kind);
  if (!wf) return {};
  if (!permissions_.sees(c, actor)) return {};
  auto events = wf->allowed_events(c);
  std::erase_if(events, [&](const std::string& e) { return !permissions_.may_apply(c, e, actor); });
  return events;
}

std::string_view CaseService::state_label(const Case& c) const {
  const Workflow* wf = workflows_.find(c.kind);
  return wf ? wf->state_label(c.state) : std::string_view(c.state);
}

}  // namespace outpost
