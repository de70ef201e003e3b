#include "engine/audits/audit_permissions.hpp"

#include <algorithm>
#include <array>

#include "engine/access/users.hpp"

namespace outpost {
namespace {

constexpr std::array<std::string_view, 6> kReviewEvents{"start_review",   "record_finding",
                                                        "issue_findings", "accept_rectification",
                                                        "send_back",      "sign_off"};

bool has(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

void check_roles(const std::vector<std::string>& roles, const std::string& path,
                 std::vector<FieldError>& errors) {
  for (std::size_t i = 0; i < roles.size(); ++i) {
    if (!is_known_role(roles[i])) {
      errors.push_back({path + "[" + std::to_string(i) + "]", "is not a known role"});
    }
  }
}

}  // namespace

bool is_review_event(std::string_view event) {
  return std::find(kReviewEvents.begin(), kReviewEvents.end(), event) != kReviewEvents.end();
}

Result<AuditPermissions> AuditPermissions::make(AuditPermissionRules rules,
                                                const AuditWorkflow& wf) {
  std::vector<FieldError> errors;
  check_roles(rules.plan, "audits.plan", errors);
  check_roles(rules.read_all, "audits.read_all", errors);
  check_roles(rules.read_department, "audits.read_department", errors);
  check_roles(rules.department_only, "audits.department_only", errors);
  for (const auto& [event, roles] : rules.events) {
    if (wf.event_label(event) == event) {
      errors.push_back({"audits.events." + event, "is not an event of the audit workflow"});
    }
    check_roles(roles, "audits.events." + event, errors);
  }
  for (const auto& e : wf.graph().events) {
    if (!rules.events.contains(e.name)) {
      errors.push_back({"audits.events." + e.name, "is missing: list the roles that may apply it"});
    }
  }
  if (!errors.empty()) {
    return Error::invalid_fields(std::move(errors), "the audit permissions are invalid");
  }
  AuditPermissions p;
  p.rules_ = std::move(rules);
  return p;
}

AuditPermissions AuditPermissions::unrestricted(const AuditWorkflow&) {
  AuditPermissions p;
  p.unrestricted_ = true;
  return p;
}

bool AuditPermissions::may_plan(const Actor& actor) const {
  return unrestricted_ || has(rules_.plan, actor.role);
}

bool AuditPermissions::sees_all(const Actor& actor) const {
  return unrestricted_ || has(rules_.read_all, actor.role);
}

bool AuditPermissions::sees(const Audit& a, const Actor& actor) const {
  if (sees_all(actor) || has(a.reviewers, actor.username)) return true;
  if (!has(rules_.read_department, actor.role) || actor.department.empty()) return false;
  // A department hears of its findings once they are issued, not while the review runs.
  if (a.state == "planned" || a.state == "sampled" || a.state == "under_review") return false;
  return std::any_of(a.findings.begin(), a.findings.end(), [&](const AuditFinding& f) {
    return f.verdict == kFindingDeficiency && f.department == actor.department;
  });
}

bool AuditPermissions::may_apply(const Audit& a, std::string_view event, const Actor& actor) const {
  if (unrestricted_) return true;
  const auto it = rules_.events.find(event);
  if (it == rules_.events.end() || !has(it->second, actor.role)) return false;
  return !is_review_event(event) || has(a.reviewers, actor.username);
}

bool AuditPermissions::may_answer(const AuditFinding& f, const Actor& actor) const {
  if (unrestricted_ || !has(rules_.department_only, actor.role)) return true;
  return f.department == actor.department;
}

}  // namespace outpost
