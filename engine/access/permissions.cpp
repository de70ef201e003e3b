#include "engine/access/permissions.hpp"

#include <algorithm>
#include <utility>

#include <boost/json/value.hpp>

#include "engine/access/users.hpp"
#include "engine/directory/routing.hpp"

namespace outpost {
namespace json = boost::json;

namespace {

constexpr std::string_view kAuditorNeverWrites = "an auditor never writes";

// What each Action lets a user do, for refusals: "only admin may <this>".
constexpr std::array<std::string_view, kActionNames.size()> kActionTexts = {
    "create cases",
    "add notes to a case",
    "add attachments to a case",
    "reveal a case's personal data",
    "read the access log",
    "dispatch or assign a case flagged for arbitration (派单异议)",
    "manage users and tokens",
    "change departments and staff",
    "export cases and their history",
    "verify history chains and read checkpoints, proofs and audit bundles",
    "read the outbox",
    "read a case's internal notes",
    "enter a year's holidays and make-up days",
    "change the catalogue (categories, departments, routing, policies)",
    "import earlier ledgers"};

bool contains_string(const json::value* list, std::string_view s) {
  if (list == nullptr || !list->is_array()) return false;
  const auto& a = list->get_array();
  return std::any_of(a.begin(), a.end(),
                     [&](const json::value& v) { return v.is_string() && v.get_string() == s; });
}

// "desk", "desk or supervisor", "desk, handler or supervisor"; "nobody" for none.
std::string roles_text(const std::vector<std::string>& roles) {
  if (roles.empty()) return "nobody";
  std::string out;
  for (std::size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) out += i + 1 == roles.size() ? " or " : ", ";
    out += roles[i];
  }
  return out;
}

std::string known_roles_text() {
  std::string out;
  for (std::string_view r : kRoles) out += std::string(out.empty() ? "" : ", ") + std::string(r);
  return out;
}

// The actions that change nothing, which an auditor may be granted.
bool is_read_only(Action action) {
  constexpr std::array kReads{Action::read_access_log, Action::export_cases, Action::verify_history,
                              Action::read_outbox, Action::read_internal_notes};
  return std::find(kReads.begin(), kReads.end(), action) != kReads.end();
}

Error forbidden(std::string message) {
  return Error::make(ErrorKind::forbidden, std::move(message));
}

}  // namespace

bool assigned_to(const Case& c, std::string_view person) {
  if (person.empty()) return false;
  const auto& a = c.assignment.assignees;
  return std::find(a.begin(), a.end(), person) != a.end() ||
         contains_string(c.facts.if_contains("co_handlers"), person);
}

bool handles_case(const Case& c, const Actor& actor) {
  if (assigned_to(c, actor.username)) return true;
  if (actor.department.empty()) return false;
  return c.assignment.department == actor.department ||
         contains_string(c.facts.if_contains("co_departments"), actor.department);
}

// Checks the rules once, collecting every problem at its document path.
class PermissionsCheck {
 public:
  explicit PermissionsCheck(Permissions& out) : out_(out) {}

  std::vector<FieldError> errors;

  void check(const PermissionRules& rules, const WorkflowRegistry& workflows) {
    out_.every_event_ = roles(rules.every_event, "every_event", kAuditorNeverWrites);
    out_.handling_only_ = roles(rules.handling_only, "handling_only", {});
    out_.see_all_cases_ = roles(rules.see_all_cases, "see_all_cases", {});
    out_.see_confidential_cases_ =
        roles(rules.see_confidential_cases, "see_confidential_cases", {});
    actions(rules.actions);
    events(rules.events, workflows);
    reports(rules.reports);
  }

 private:
  using Roles = PermissionRules::Roles;
  Permissions& out_;

  void fail(std::string field, std::string message) {
    errors.push_back({std::move(field), std::move(message)});
  }

  // A list of known roles, each once. `auditor_refusal` non-empty: the
  // auditor may not be listed, for that reason.
  Roles roles(const std::optional<Roles>& given, const std::string& path,
              std::string_view auditor_refusal) {
    Roles out;
    if (!given) {
      fail(path, "is missing: list the roles ([] for none)");
      return out;
    }
    for (std::size_t i = 0; i < given->size(); ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      const std::string& role = (*given)[i];
      if (!is_known_role(role)) {
        fail(at, "must be one of the roles " + known_roles_text());
      } else if (std::find(out.begin(), out.end(), role) != out.end()) {
        fail(at, "role \"" + role + "\" is listed twice");
      } else if (role == "auditor" && !auditor_refusal.empty()) {
        fail(at, std::string(auditor_refusal));
      } else {
        out.push_back(role);
      }
    }
    return out;
  }

  template <class Map>
  static std::optional<Roles> entry(const Map& map, std::string_view key) {
    auto it = map.find(key);
    return it == map.end() ? std::nullopt : std::optional<Roles>(it->second);
  }

  void actions(const std::optional<std::map<std::string, Roles, std::less<>>>& given) {
    if (!given) {
      fail("actions", "is missing: list the roles of each action");
      return;
    }
    for (const auto& kv : *given) {
      if (std::find(kActionNames.begin(), kActionNames.end(), kv.first) == kActionNames.end()) {
        fail("actions." + kv.first, "is not an action");
      }
    }
    for (std::size_t i = 0; i < kActionNames.size(); ++i) {
      const std::string_view name = kActionNames[i];
      std::string_view refusal = kAuditorNeverWrites;
      if (static_cast<Action>(i) == Action::reveal)
        refusal = "an auditor sees personal data masked, never revealed";
      if (is_read_only(static_cast<Action>(i))) refusal = {};
      out_.actions_[i] = roles(entry(*given, name), "actions." + std::string(name), refusal);
    }
  }

  void reports(const std::optional<std::map<std::string, Roles, std::less<>>>& given) {
    if (!given) return;
    for (const auto& kv : *given) {
      if (kv.first != "all" && kv.first != "own_department") {
        fail("reports." + kv.first, "is not a report scope: all or own_department");
      }
    }
    if (auto all = entry(*given, "all")) out_.reports_all_ = roles(all, "reports.all", {});
    if (auto own = entry(*given, "own_department")) {
      out_.reports_own_department_ = roles(own, "reports.own_department", {});
    }
  }

  void events(const decltype(PermissionRules::events)& given, const WorkflowRegistry& workflows) {
    if (!given) {
      fail("events", "is missing: list the roles of each event per case kind");
      return;
    }
    for (const auto& kv : *given) {
      const auto listed = parse_case_kind(kv.first);
      if (!listed || workflows.find(*listed) == nullptr) {
        fail("events." + kv.first, "is not a case kind with a workflow");
      }
    }
    for (const auto& wf : workflows.all()) {
      const WorkflowGraph& g = wf->graph();
      const std::string kind_name(to_string(g.kind));
      const std::string path = "events." + kind_name;
      const auto kind = given->find(kind_name);
      if (kind == given->end()) {
        fail(path, "is missing: list the roles of each event of the " + kind_name + " workflow");
        continue;
      }
      for (const auto& kv : kind->second) {
        const bool known = std::any_of(g.events.begin(), g.events.end(),
                                       [&](const auto& e) { return e.name == kv.first; });
        if (!known) {
          fail(path + "." + kv.first, "is not an event of the " + kind_name + " workflow");
        }
      }
      auto& events = out_.events_[kind_name];
      for (const auto& e : g.events) {
        events[e.name] =
            roles(entry(kind->second, e.name), path + "." + e.name, kAuditorNeverWrites);
      }
    }
  }
};

const Permissions& Permissions::unrestricted() {
  static const Permissions everyone = [] {
    Permissions p;
    p.unrestricted_ = true;
    return p;
  }();
  return everyone;
}

Result<Permissions> Permissions::make(const PermissionRules& rules,
                                      const WorkflowRegistry& workflows) {
  Permissions p;
  PermissionsCheck check(p);
  check.check(rules, workflows);
  if (!check.errors.empty()) {
    return Error::invalid_fields(std::move(check.errors), "the permissions are invalid");
  }
  return p;
}

bool Permissions::has(const Roles& roles, std::string_view role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Permissions::sees(const Case& c, const Actor& actor) const {
  if (unrestricted_) return true;
  const bool assigned = assigned_to(c, actor.username);
  if (c.confidential && !assigned && !has(see_confidential_cases_, actor.role)) return false;
  if (has(see_all_cases_, actor.role) || handles_case(c, actor)) return true;
  return !actor.grid.empty() && c.location.grid == actor.grid;
}

CaseScope Permissions::scope_of(const Actor& actor) const {
  CaseScope scope;
  if (unrestricted_) return scope;
  scope.person = actor.username;
  scope.all_confidential = has(see_confidential_cases_, actor.role);
  scope.all_cases = has(see_all_cases_, actor.role);
  if (!scope.all_cases) {
    scope.department = actor.department;
    scope.grid = actor.grid;
  }
  return scope;
}

bool Permissions::handling_allows(const Case& c, const Actor& actor) const {
  return !has(handling_only_, actor.role) || handles_case(c, actor);
}

Error Permissions::handling_refusal(const Actor& actor, std::string_view what) {
  const bool vowel = !actor.role.empty() &&
                     std::string_view("aeiou").find(actor.role[0]) != std::string_view::npos;
  return forbidden((vowel ? "an " : "a ") + actor.role + " may " + std::string(what) +
                   " only where their department or they handle the case (lead or"
                   " co-department, assignee or co-handler)");
}

Permissions::Verdict Permissions::decide_event(const Case& c, std::string_view event,
                                               const Actor& actor) const {
  if (unrestricted_ || has(every_event_, actor.role)) return Verdict::allowed;
  const auto kind = events_.find(to_string(c.kind));
  if (kind == events_.end()) return Verdict::allowed;
  const auto granted = kind->second.find(event);
  if (granted == kind->second.end()) return Verdict::allowed;
  if (!has(granted->second, actor.role)) return Verdict::role;
  if (!handling_allows(c, actor)) return Verdict::handling;
  if (is_routing_event(event) && fact_flag(c, "arbitration") &&
      !has(actions_[static_cast<std::size_t>(Action::arbitrate)], actor.role)) {
    return Verdict::arbitration;
  }
  return Verdict::allowed;
}

bool Permissions::may_apply(const Case& c, std::string_view event, const Actor& actor) const {
  return decide_event(c, event, actor) == Verdict::allowed;
}

Status Permissions::check_event(const Case& c, std::string_view event, const Actor& actor) const {
  const std::string name(event);
  switch (decide_event(c, event, actor)) {
    case Verdict::allowed:
      return Ok{};
    case Verdict::role:
      return forbidden("only " + roles_text(event_roles(to_string(c.kind), event)) +
                       " may apply '" + name + "' to a " + std::string(to_string(c.kind)) +
                       "; the caller's role is " + actor.role);
    case Verdict::handling:
      return handling_refusal(actor, "apply '" + name + "'");
    case Verdict::arbitration:
      break;
  }
  return forbidden("the case is flagged for arbitration (派单异议) after repeated returns: only " +
                   roles_text(action_roles(Action::arbitrate)) + " may " + name + " it now");
}

Result<ReportScope> Permissions::report_scope(const Actor& actor) const {
  if (unrestricted_) return ReportScope{};
  const bool confidential = has(see_confidential_cases_, actor.role);
  if (has(reports_all_, actor.role)) return ReportScope{std::nullopt, confidential};
  if (has(reports_own_department_, actor.role) && !actor.department.empty()) {
    return ReportScope{actor.department, confidential};
  }
  return forbidden("only " + roles_text(reports_all_) + " may read the reports of every case, " +
                   roles_text(reports_own_department_) + " those of their own department");
}

Status Permissions::check(Action action, const Actor& actor, const Case* c) const {
  if (unrestricted_) return Ok{};
  const auto i = static_cast<std::size_t>(action);
  if (!has(actions_[i], actor.role)) {
    return forbidden("only " + roles_text(actions_[i]) + " may " + std::string(kActionTexts[i]) +
                     "; the caller's role is " + actor.role);
  }
  if (c != nullptr && !handling_allows(*c, actor)) return handling_refusal(actor, kActionTexts[i]);
  return Ok{};
}

std::vector<std::string_view> Permissions::actions_of(const Actor& actor) const {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < kActionNames.size(); ++i) {
    if (unrestricted_ || has(actions_[i], actor.role)) out.push_back(kActionNames[i]);
  }
  return out;
}

const std::vector<std::string>& Permissions::event_roles(std::string_view kind,
                                                         std::string_view event) const {
  static const Roles kNone;
  const auto k = events_.find(kind);
  if (k == events_.end()) return kNone;
  const auto e = k->second.find(event);
  return e == k->second.end() ? kNone : e->second;
}

const std::vector<std::string>& Permissions::action_roles(Action action) const {
  return actions_[static_cast<std::size_t>(action)];
}

}  // namespace outpost
