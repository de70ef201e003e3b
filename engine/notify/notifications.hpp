// File: engine/notify/notifications.hpp
//
// Which events people must hear about, and what the message says. The case
// service and the deadline scheduler put these into the outbox in the
// transaction of the event (SideEffects); adapters/notify delivers them.
//
//   event                                    topic                  to
//   dispatch, assign                         case.dispatched        the department and assignees
//   record_follow_up (dissatisfied)          resident.dissatisfied  the department, assignees,
//   supervisors deadline_warning                         deadline.warning       the department and
//   assignees deadline_breached                        deadline.breached      the department and
//   assignees escalated                                case.escalated         supervisors (督办),
//   the department
//   performance_reminder                     agreement.performance_reminder  the department and
//   assignees (the mediators) performance_check_due  agreement.performance_check  the same
//   judicial_confirmation_lapsed             agreement.judicial_lapsed  the same
//
// A message carries no personal data (no parties), only what the recipient
// needs to find the case: its id and number, kind, category, state, location
// codes, assignment and deadline. Its id "c<case id>.<seq>.<topic>" is stable.
#pragma once

#include <vector>

#include "engine/cases/case.hpp"
#include "engine/notify/outbox.hpp"

namespace outpost {

std::vector<OutboxMessage> notifications_for(const Case& after, const HistoryEntry& entry);

}  // namespace outpost
