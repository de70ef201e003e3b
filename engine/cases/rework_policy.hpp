// File: engine/cases/rework_policy.hpp
//
// How many times a dispute goes back to mediation after a dissatisfied 回访
// (重新调解) before it is escalated (督办) instead: the catalogue's
// policies.rework_rounds_before_escalation (default 2). The dispute workflow
// decides with the case's facts alone (workflows/dispute): a dissatisfied
// record_follow_up in follow_up reworks the case (→ mediating, rework_count
// + 1) unless facts.rework_rounds_spent is set, and then escalates it (→
// mediation_failed, rework_escalations + 1). The case service keeps that
// fact from the limit and marks an escalation where the rest of the engine
// looks for one: the step clock's escalated flag (the case's "escalated"
// flag, the escalated queue) and the history row's data.
//
//   Case next = current;  // the workflow applied the event; the clock moved
//   boost::json::object extra = apply_rework_policy(current, next, 2);
//   // extra: {"escalated": true, "rework_rounds": 2} when this change escalated
#pragma once

#include <boost/json/object.hpp>

#include "engine/cases/case.hpp"

namespace outpost {

// For a dispute in follow_up, sets facts.rework_rounds_spent (rework_count
// reached `limit`); when this change escalated it, sets next.clock.escalated
// and answers what the history row records about it; empty otherwise. Call
// after the deadline clock moved (a new step's clock starts unescalated).
boost::json::object apply_rework_policy(const Case& before, Case& next, int limit);

}  // namespace outpost
