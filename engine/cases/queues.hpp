// File: engine/cases/queues.hpp
//
// The work queues as filters over the case list: which states a queue holds,
// whose cases, in which order, and which counts it shows. The states come
// from the workflow graphs, so that a queue follows its workflows:
//   to dispatch  the states a hand-over event (dispatch, assign) leaves from:
//                submitted requests (returned ones too), accepted disputes;
//   handling     the states a case reaches from a hand-over without a
//                hand-back event (return_dispatch, return_assignment, resolve,
//                refer, withdraw, close): the handler's part of the work;
//   escalated    督办: cases whose current step's clock was escalated by the
//                deadline scheduler, in a state that is not terminal.
//
//   const CaseQueues queues(registry);
//   QueueQuery q = queues.mine(paging, actor);  // paging: limit and cursor only
//   auto page = service.list(q.list, actor);
//   for (const QueueCount& c : q.counts) shown[c.name] = service.count(c.filter, actor);
#pragma once

#include <string>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/cases/workflow.hpp"

namespace outpost {

struct QueueCount {
  std::string name;
  CaseFilter filter;
};

// A queue's page and the counts shown with it.
struct QueueQuery {
  CaseFilter list;
  std::vector<QueueCount> counts;
};

class CaseQueues {
 public:
  explicit CaseQueues(const WorkflowRegistry& workflows);

  // Cases awaiting a hand-over, oldest first (only the returned or flagged ones
  // when `paging` says so); counts "awaiting" (all of them), "returned"
  // (handed back at least once) and "arbitration" (flagged).
  QueueQuery dispatch(const CaseFilter& paging) const;
  // Cases in handling that the actor's department (lead or co-handling) or the
  // actor (assignee or co-handler) must act on next, oldest first; count "total".
  QueueQuery mine(const CaseFilter& paging, const Actor& actor) const;
  // Cases past their deadline, oldest first; count "total".
  QueueQuery overdue(const CaseFilter& paging) const;
  // Open cases whose step clock is escalated (督办), oldest first; count "total".
  QueueQuery escalated(const CaseFilter& paging) const;

  // In the graphs' state order, workflow by workflow.
  const std::vector<std::string>& dispatch_states() const { return dispatch_states_; }
  const std::vector<std::string>& handling_states() const { return handling_states_; }

 private:
  std::vector<std::string> dispatch_states_;
  std::vector<std::string> handling_states_;
  std::vector<std::string> open_states_;  // every state that is not terminal
};

}  // namespace outpost
