// File: engine/access/permissions.hpp
//
// Who may do what to which case, as configuration (config/permissions.json,
// read by adapters/config into PermissionRules, described in
// config/README.md). Two questions are asked of every request about a case,
// in this order:
//
//  1. Scope — does the actor see the case at all? Roles in `see_all_cases`
//     see every case; every other actor sees the cases they handle (their
//     department leads or co-handles it, or they are an assignee or
//     co-handler) and, for grid staff, the cases located in their grid. A
//     confidential case is seen only by roles in `see_confidential_cases` and
//     by its assignees and co-handlers. Out of scope answers not_found, never
//     forbidden, so that a case's existence does not leak; lists and counts
//     apply the same rule in the store (scope_of → CaseFilter::scope).
//  2. Permission — may the actor do this to a case they see? Each event of
//     each case kind lists the roles that may apply it, and so does each
//     non-event Action. Roles in `every_event` apply any event (the operator's
//     `admin`). Roles in `handling_only` act only on cases they handle. A case
//     flagged for arbitration (派单异议) is dispatched or assigned only by
//     the roles of Action::arbitrate. A refusal is forbidden.
//
// The rules must list every event of every workflow and every action, so
// that nothing is permitted or refused by omission. An auditor never writes:
// make() refuses `auditor` anywhere but in the scope lists and the read-only
// actions (read_access_log, export, verify_history, read_outbox,
// read_internal_notes).
//
//   PermissionRules rules;
//   rules.every_event = {"admin"};
//   rules.events = {{"request", {{"acknowledge", {"handler"}}, …}}, …};
//   auto p = Permissions::make(rules, builtin_workflows());  // field-path errors
//   if (!p.value().sees(c, actor)) return Error::make(ErrorKind::not_found, ...);
//   if (Status s = p.value().check_event(c, "acknowledge", actor); !s) return s.error();
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/cases/workflow.hpp"
#include "engine/core/error.hpp"
#include "engine/reports/report_scope.hpp"

namespace outpost {

// What a user does besides applying events; the names are the keys of the
// document's "actions" object.
enum class Action {
  create_case,          // POST /api/v1/cases
  add_note,             // POST /api/v1/cases/{id}/notes
  add_attachment,       // POST /api/v1/cases/{id}/attachments
  reveal,               // show a case's personal data unmasked
  read_access_log,      // the log of reveals
  arbitrate,            // dispatch or assign a case flagged for arbitration
  manage_users,         // the user and token admin API
  manage_directory,     // change departments and staff
  export_cases,         // GET /api/v1/exports/cases|history (a read: auditors may)
  verify_history,       // verify history chains, read checkpoints, proofs and audit bundles
  read_outbox,          // GET /api/v1/outbox (entries of cases in the reader's scope only)
  read_internal_notes,  // read a case's internal notes (public ones: whoever sees the case)
  manage_calendar,      // PUT /api/v1/calendar/{year}: a year's holidays and make-up days
  manage_catalogue,     // PUT /api/v1/catalogue: categories, departments, routing, policies
  import_cases,         // POST /api/v1/imports: earlier ledgers as closed historic cases
};
inline constexpr std::array<std::string_view, 15> kActionNames = {
    "create_case",     "add_note",         "add_attachment", "reveal",
    "read_access_log", "arbitrate",        "manage_users",   "manage_directory",
    "export",          "verify_history",   "read_outbox",    "read_internal_notes",
    "manage_calendar", "manage_catalogue", "import_cases"};

// True when the actor's department is the case's lead department or one of
// its co-departments, or the actor is one of its assignees or co-handlers.
bool handles_case(const Case& c, const Actor& actor);
// True when `person` is one of the case's assignees or co-handlers.
bool assigned_to(const Case& c, std::string_view person);

// The permissions document as typed values. A list or map that is absent
// from the document is nullopt (or has no entry); make() names it missing.
struct PermissionRules {
  using Roles = std::vector<std::string>;
  std::optional<Roles> every_event, handling_only, see_all_cases, see_confidential_cases;
  // Action name (kActionNames) → roles.
  std::optional<std::map<std::string, Roles, std::less<>>> actions;
  // Case kind → event → roles.
  std::optional<std::map<std::string, std::map<std::string, Roles, std::less<>>, std::less<>>>
      events;
  // Who reads the reports (engine/reports): "all" (every case) and
  // "own_department" (the cases their department leads). Absent: nobody.
  std::optional<std::map<std::string, Roles, std::less<>>> reports;
};

class Permissions {
 public:
  // Everyone sees every case and may do everything: what a service without
  // configured permissions uses (engine tests that are not about them).
  static const Permissions& unrestricted();
  // invalid with one FieldError per problem, each named as in the document,
  // e.g. "events.request.acknowledge[1]" (a role by its index) or
  // "actions.reveal": a missing list, an unknown role, action, case kind or
  // event, a role listed twice, an auditor where it would write.
  static Result<Permissions> make(const PermissionRules& rules, const WorkflowRegistry& workflows);

  bool sees(const Case& c, const Actor& actor) const;
  // The same rule as sees(), for the store's list and count queries.
  CaseScope scope_of(const Actor& actor) const;

  // Whether the actor may apply `event` to `c` now (which the workflow's
  // state may still refuse); forbidden with the reason otherwise. An event
  // unknown to the case's kind is Ok: the workflow refuses it as invalid.
  Status check_event(const Case& c, std::string_view event, const Actor& actor) const;
  // check_event's answer without the reason (cheap: for allowed_events).
  bool may_apply(const Case& c, std::string_view event, const Actor& actor) const;
  // Whether the actor may take `action`, on the case `c` when it concerns
  // one (a note, an attachment, a reveal); forbidden otherwise.
  Status check(Action action, const Actor& actor, const Case* c = nullptr) const;
  // The names (kActionNames, in that order) of the actions the actor's role
  // may take, a case's handling aside: what GET /api/v1/session lists.
  std::vector<std::string_view> actions_of(const Actor& actor) const;

  // What the actor's reports may count (engine/reports/kpi.hpp): every case
  // for a role in reports.all, the cases led by the actor's department for
  // one in reports.own_department; confidential cases only for a role in
  // see_confidential_cases. forbidden for any other role.
  Result<ReportScope> report_scope(const Actor& actor) const;

  // The roles the document grants an event or an action, as written.
  const std::vector<std::string>& event_roles(std::string_view kind, std::string_view event) const;
  const std::vector<std::string>& action_roles(Action action) const;

 private:
  using Roles = std::vector<std::string>;
  enum class Verdict { allowed, role, handling, arbitration };
  static bool has(const Roles& roles, std::string_view role);
  static Error handling_refusal(const Actor& actor, std::string_view what);
  bool handling_allows(const Case& c, const Actor& actor) const;
  Verdict decide_event(const Case& c, std::string_view event, const Actor& actor) const;

  bool unrestricted_ = false;
  Roles every_event_, handling_only_, see_all_cases_, see_confidential_cases_;
  std::array<Roles, kActionNames.size()> actions_;
  std::map<std::string, std::map<std::string, Roles, std::less<>>, std::less<>> events_;
  Roles reports_all_, reports_own_department_;

  friend class PermissionsCheck;
};

}  // namespace outpost
