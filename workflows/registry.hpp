// File: workflows/registry.hpp
//
// The workflows this build ships, by case kind. The engine and the adapters
// get their workflows from here and never see a state machine.
//
//   const WorkflowRegistry registry = builtin_workflows();
//   const Workflow* dispute = registry.find("dispute");
//   const Workflow* request = registry.find("request");
//   const AuditWorkflow& audits = builtin_audit_workflow();
#pragma once

#include "engine/audits/audit_workflow.hpp"
#include "engine/cases/workflow.hpp"

namespace outpost {

WorkflowRegistry builtin_workflows();

// The audit's lifecycle (not a case kind), one shared instance.
const AuditWorkflow& builtin_audit_workflow();

}  // namespace outpost
