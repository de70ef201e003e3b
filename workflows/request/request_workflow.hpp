// File: workflows/request/request_workflow.hpp
//
// The resident-request (居民诉求) workflow: submission, dispatch to a
// department (派单), acknowledgement or return (签收/退单), handling with holds
// and extensions (挂起/延期), resolution (办结), and the follow-up visit whose
// satisfaction closes the case or sends it back for rework (重办), with the
// states, events and payloads of the API's request vocabulary. The Boost.MSM
// machine lives in request_workflow.cpp only.
//
//   std::shared_ptr<const Workflow> wf = make_request_workflow();
//   Case next = current;  // next.state == "submitted"
//   if (Status s = wf->apply(next, "dispatch", {{"department", "urban"}}); !s) return s.error();
//   // next.state == "dispatched", next.assignment.department == "urban"
#pragma once

#include <memory>

#include "engine/cases/workflow.hpp"

namespace outpost {

std::shared_ptr<const Workflow> make_request_workflow();

}  // namespace outpost
