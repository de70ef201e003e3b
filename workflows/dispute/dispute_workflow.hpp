// File: workflows/dispute/dispute_workflow.hpp
//
// The dispute (矛盾纠纷) workflow: registration, acceptance, assignment,
// mediation, agreement and follow-up, referral, withdrawal and closing, with
// the states, events and payloads of the API's dispute vocabulary. The
// Boost.MSM machine lives in dispute_workflow.cpp only.
//
//   std::shared_ptr<const Workflow> wf = make_dispute_workflow();
//   Case next = current;  // next.state == "registered"
//   if (Status s = wf->apply(next, "accept", {}); !s) return s.error();
//   // next.state == "accepted"
#pragma once

#include <memory>

#include "engine/cases/workflow.hpp"

namespace outpost {

std::shared_ptr<const Workflow> make_dispute_workflow();

}  // namespace outpost
