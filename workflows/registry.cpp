#include "workflows/registry.hpp"

#include "workflows/audit/audit_workflow.hpp"
#include "workflows/dispute/dispute_workflow.hpp"
#include "workflows/request/request_workflow.hpp"

namespace outpost {

WorkflowRegistry builtin_workflows() {
  WorkflowRegistry registry;
  registry.add(make_dispute_workflow());
  registry.add(make_request_workflow());
  return registry;
}

const AuditWorkflow& builtin_audit_workflow() {
  static const std::shared_ptr<const AuditWorkflow> wf = make_audit_workflow();
  return *wf;
}

}  // namespace outpost
