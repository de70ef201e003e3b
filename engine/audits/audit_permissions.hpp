// File: engine/audits/audit_permissions.hpp
//
// Who may do what to audits, as configuration (the "audits" member of
// config/permissions.json, described in config/README.md):
//
//   "audits": { "plan": ["auditor", "supervisor"],
//               "read_all": ["auditor", "supervisor", "admin"],
//               "read_department": ["handler", "dispatcher"],
//               "department_only": ["handler"],
//               "events": { "draw_sample": ["auditor", "supervisor"], … } }
//
// - plan: who creates audits; read_all: who sees every audit;
//   read_department: who sees an audit that has a deficiency addressed to
//   their department once the findings are issued, and only those findings.
// - events: the roles that may apply each event of the audit workflow;
//   every event must be listed.
// - Review events (start_review, record_finding, issue_findings,
//   accept_rectification, send_back, sign_off) are applied only by the
//   audit's own reviewers (their role must be listed too).
// - department_only: roles that answer only findings addressed to their
//   department.
// A refusal is forbidden; an audit the actor does not see is not_found.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/audits/audit.hpp"
#include "engine/audits/audit_workflow.hpp"
#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"

namespace outpost {

struct AuditPermissionRules {
  using Roles = std::vector<std::string>;
  Roles plan, read_all, read_department, department_only;
  std::map<std::string, Roles, std::less<>> events;
};

class AuditPermissions {
 public:
  // invalid (field paths such as "audits.events.sign_off[0]") for an unknown
  // role or event, or an event of the workflow that is not listed.
  static Result<AuditPermissions> make(AuditPermissionRules rules, const AuditWorkflow& wf);
  // Every role may do everything: for engine tests.
  static AuditPermissions unrestricted(const AuditWorkflow& wf);

  bool may_plan(const Actor& actor) const;
  bool sees_all(const Actor& actor) const;
  bool sees(const Audit& a, const Actor& actor) const;
  // The role check, and the reviewer check for review events.
  bool may_apply(const Audit& a, std::string_view event, const Actor& actor) const;
  // For answer_finding: the department check of department_only roles.
  bool may_answer(const AuditFinding& f, const Actor& actor) const;

 private:
  AuditPermissionRules rules_;
  bool unrestricted_ = false;
};

bool is_review_event(std::string_view event);

}  // namespace outpost
