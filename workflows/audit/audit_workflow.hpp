// File: workflows/audit/audit_workflow.hpp
//
// The quarterly audit's machine (督查审计): plan, draw the sample, review the
// sampled cases, issue the findings, have the departments rectify the
// deficiencies, sign off; or cancel. The Boost.MSM machine lives in
// audit_workflow.cpp only; engine/audits/audit_workflow.hpp is its interface.
//
//   std::shared_ptr<const AuditWorkflow> wf = make_audit_workflow();
//   auto next = wf->next_state({.state = "planned"}, "draw_sample");  // "sampled"
#pragma once

#include <memory>

#include "engine/audits/audit_workflow.hpp"

namespace outpost {

std::shared_ptr<const AuditWorkflow> make_audit_workflow();

}  // namespace outpost
