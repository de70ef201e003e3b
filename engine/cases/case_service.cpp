#include "engine/cases/case_service.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <boost/json/array.hpp>

#include "engine/access/access_epoch.hpp"
#include "engine/access/free_text.hpp"
#include "engine/cases/agreements.hpp"
#include "engine/cases/case_commit.hpp"
#include "engine/cases/rework_policy.hpp"
#include "engine/directory/routing.hpp"
#include "engine/notify/notifications.hpp"

namespace outpost {
namespace json = boost::json;

namespace {

std::string_view creation_event(CaseKind kind) {
  return kind == CaseKind::dispute ? "register" : "submit";
}

// What the creating history row records: the case's shape, never personal data.
json::object creation_data(const Case& c) {
  json::object counts;
  for (const auto& p : c.parties) {
    counts[p.role] = counts.contains(p.role) ? counts[p.role].as_int64() + 1 : 1;
  }
  return json::object{{"kind", to_string(c.kind)},      {"category", c.category},
                      {"channel", c.channel},           {"community", c.location.community},
                      {"grid", c.location.grid},        {"micro_grid", c.location.micro_grid},
                      {"urgency", c.urgency},           {"risk_level", c.risk_level},
                      {"confidential", c.confidential}, {"parties", std::move(counts)}};
}

bool event_allowed(const Workflow& wf, const Case& c, std::string_view event) {
  const auto allowed = wf.allowed_events(c);
  return std::find(allowed.begin(), allowed.end(), event) != allowed.end();
}

void set_or_erase(json::object& facts, std::string_view key, const std::vector<std::string>* list) {
  if (list == nullptr) {
    facts.erase(key);
    return;
  }
  json::array texts;
  for (const std::string& t : *list) texts.emplace_back(t);
  facts[key] = std::move(texts);
}

// The workflow checked the fields its event declares; a value of no type at
// all in any other field is refused too, so it never reaches the history.
Status refuse_unreadable(const EventPayload& payload) {
  Error e{ErrorKind::invalid, "the event has invalid fields"};
  for (const auto& [name, value] : payload.fields()) {
    if (std::holds_alternative<UnreadableValue>(value)) {
      e.fields.push_back(
          {name, "must be a string, an integer, true or false, or a list of strings"});
    }
  }
  if (!e.fields.empty()) return e;
  return Ok{};
}

// What routing and returns leave on a case, for both kinds: joint handling
// (co-departments, the grid leader as co-handler) and the arbitration flag
// (派单异议) once the returns since the last arbitration reach the limit.
void record_handling(Case& c, std::string_view event, const EventPayload& payload, int limit) {
  if (is_routing_event(event)) {
    set_or_erase(c.facts, "co_departments", payload.text_list("co_departments"));
    set_or_erase(c.facts, "co_handlers", payload.text_list("co_handlers"));
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

std::string format_case_number(CaseKind kind, int year, std::int64_t seq) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s-%04d-%06lld", kind == CaseKind::dispute ? "JF" : "SQ", year,
                static_cast<long long>(seq));
  return buf;
}

std::string case_number_counter(CaseKind kind, Millis at) {
  return std::string(to_string(kind)) + "-" + std::to_string(utc_year(at));
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

std::shared_ptr<const Catalogue> CaseService::catalogue() const {
  if (catalogue_source_) return catalogue_source_();
  return {std::shared_ptr<const void>{}, &catalogue_};  // not owned: the constructor's
}

Status CaseService::check(const NewCase& cmd) const {
  if (auto draft = draft_case(cmd, *catalogue(), jurisdiction_, workflows_); !draft) {
    return draft.error();
  }
  return Ok{};
}

Result<Case> CaseService::create(const NewCase& cmd, const Actor& actor,
                                 const IdempotencyKey* idem) {
  if (Status s = permissions_.check(Action::create_case, actor); !s) return s.error();
  auto drafted = draft_case(cmd, *catalogue(), jurisdiction_, workflows_);
  if (!drafted) return drafted.error();
  Case draft = std::move(drafted.value());
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
  conceal_free_text(draft, first.seq, first.data);
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
  if (fact_flag(c, "historic")) {  // imported from a ledger (ledger_import.hpp): the record only
    Error e = Error::make(ErrorKind::not_allowed_in_state,
                          "a historic case imported from a ledger takes no events");
    e.state = c.state;
    return e;
  }
  return permissions_.check_event(c, event, actor);
}

Status CaseService::check_duplicate_link(const Case& c, const EventPayload& payload,
                                         const Actor& actor) {
  const std::int64_t* dup = payload.integer("duplicate_of");
  if (dup == nullptr) return Ok{};
  if (*dup == c.id) return Error::invalid_field("duplicate_of", "a case cannot duplicate itself");
  auto other = store_.find_case(*dup);
  if (!other) return other.error();
  if (!other.value() || !permissions_.sees(*other.value(), actor)) {
    return Error::invalid_field("duplicate_of", "no case with this id");
  }
  return Ok{};
}

Result<Case> CaseService::apply(CaseId id, const EventCommand& cmd, const Actor& actor,
                                const IdempotencyKey* idem) {
  bool clock_moved = false;  // set by each attempt's derive
  std::string_view kind;     // empty until the case is found
  auto done = commit_case_change(
      store_, clock_, id, actor, cmd.if_match,
      [&](const Case& current) -> Result<CaseChange> {
        kind = to_string(current.kind);
        const Workflow* wf = workflows_.find(current.kind);
        if (!wf) return Error::make(ErrorKind::internal, "no workflow for the case's kind");
        const std::shared_ptr<const Catalogue> catalogue = this->catalogue();
        EventPayload payload = cmd.payload;
        if (is_routing_event(cmd.event) && event_allowed(*wf, current, cmd.event)) {
          if (Status s = route(current, *catalogue, payload, grid_leader_, staff_); !s)
            return s.error();
        }
        auto applied = wf->applied(current, cmd.event, payload);
        if (!applied) {
          Error e = applied.error();
          // The refusal's allowed_events, like the case's, are the caller's.
          if (e.kind == ErrorKind::not_allowed_in_state)
            e.allowed_events = allowed_events(current, actor);
          return e;
        }
        Case next = std::move(applied.value());
        if (Status s = refuse_unreadable(payload); !s) return s.error();
        if (Status s = check_duplicate_link(current, payload, actor); !s) return s.error();
        if (Status s = complete_agreement_event(current, cmd.event, payload, store_); !s)
          return s.error();
        record_handling(next, cmd.event, payload, catalogue->returns_before_arbitration());
        clock_moved = deadlines_ != nullptr &&
                      deadlines_->advance(&current, next, cmd.event,
                                          std::max(clock_.now(), current.updated_at));
        json::object data = history_data(payload);
        for (auto& [key, value] :
             apply_rework_policy(current, next, catalogue->rework_rounds_before_escalation())) {
          data[key] = value;
        }
        return CaseChange{std::move(next), cmd.event, std::move(data)};
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
      [&](const Case& current) {
        kind = to_string(current.kind);
        return admit_event(current, cmd.event, actor);
      });
  // A refusal of cached credentials is not counted: the request is handled
  // again, and that attempt's outcome is.
  if (!access_epoch::handled_again()) {
    metrics_->transition(kind, cmd.event, done ? std::nullopt : std::optional(done.error().kind));
  }
  if (!done) return done.error();
  return std::move(done.value().updated);
}

Result<Case> CaseService::get(CaseId id) {
  auto found = store_.read_case(id);
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

void CaseService::get_later(CaseId id, const Actor& actor,
                            std::function<void(Result<Case>, std::int64_t)> done) {
  store_.read_case_later(id, [this, actor, done = std::move(done)](CaseStore::CaseRead read) {
    if (!read.found) return done(read.found.error(), read.access_generation);
    std::optional<Case>& found = read.found.value();
    if (!found || !permissions_.sees(*found, actor)) {
      return done(Error::make(ErrorKind::not_found, "no case with this id"),
                  read.access_generation);
    }
    done(std::move(*found), read.access_generation);
  });
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
  if (c.kind != CaseKind::request) return std::vector<CaseId>{};
  return store_.duplicates_of(c.id);
}

Result<ScopedIds> CaseService::duplicates_of(const Case& c, const Actor& actor) {
  auto all = duplicates_of(c);
  if (!all) return all.error();
  ScopedIds out;
  for (CaseId id : all.value()) {
    auto seen = sees(id, actor);
    if (!seen) return seen.error();
    if (seen.value()) {
      out.visible.push_back(id);
    } else {
      ++out.hidden;
    }
  }
  return out;
}

Result<bool> CaseService::sees(CaseId id, const Actor& actor) {
  auto found = store_.read_case(id);
  if (!found) return found.error();
  return found.value() && permissions_.sees(*found.value(), actor);
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
  if (!permissions_.sees(c, actor) || fact_flag(c, "historic")) return {};
  auto events = wf->allowed_events(c);
  std::erase_if(events, [&](const std::string& e) { return !permissions_.may_apply(c, e, actor); });
  return events;
}

std::string_view CaseService::state_label(const Case& c) const {
  const Workflow* wf = workflows_.find(c.kind);
  return wf ? wf->state_label(c.state) : std::string_view(c.state);
}

}  // namespace outpost
