#include "engine/cases/queues.hpp"

#include <algorithm>
#include <set>
#include <string_view>

namespace outpost {
namespace {

// Events that hand a case to a department or a mediator.
constexpr std::string_view kHandOvers[] = {"dispatch", "assign"};
// Events that end the handler's part: back to the desk, or out of handling
// (record_consent: a party's refusal ends mediation).
constexpr std::string_view kHandBacks[] = {"return_dispatch", "return_assignment", "resolve",
                                           "refer",           "withdraw",          "close",
                                           "record_consent"};

template <std::size_t N>
bool is_one_of(const std::string& event, const std::string_view (&events)[N]) {
  return std::find(std::begin(events), std::end(events), event) != std::end(events);
}

// The states of `g` in `names`, appended in the graph's order.
void append_in_graph_order(const WorkflowGraph& g, const std::set<std::string>& names,
                           std::vector<std::string>& out) {
  for (const auto& s : g.states) {
    if (names.contains(s.name)) out.push_back(s.name);
  }
}

std::set<std::string> hand_over_sources(const WorkflowGraph& g) {
  std::set<std::string> out;
  for (const auto& t : g.transitions) {
    if (is_one_of(t.event, kHandOvers)) out.insert(t.from);
  }
  return out;
}

// Everything reachable from a hand-over's target without a hand-back.
std::set<std::string> handling(const WorkflowGraph& g) {
  std::set<std::string> reached;
  std::vector<std::string> pending;
  for (const auto& t : g.transitions) {
    if (is_one_of(t.event, kHandOvers)) pending.push_back(t.to);
  }
  while (!pending.empty()) {
    const std::string state = pending.back();
    pending.pop_back();
    if (!reached.insert(state).second) continue;
    for (const auto& t : g.transitions) {
      if (t.from == state && !is_one_of(t.event, kHandBacks)) pending.push_back(t.to);
    }
  }
  return reached;
}

// A queue lists its states oldest first: the longest-waiting case on top.
CaseFilter queue_filter(CaseFilter f, const std::vector<std::string>& states) {
  f.states = states;
  f.oldest_first = true;
  return f;
}

}  // namespace

CaseQueues::CaseQueues(const WorkflowRegistry& workflows) {
  for (const auto& wf : workflows.all()) {
    append_in_graph_order(wf->graph(), hand_over_sources(wf->graph()), dispatch_states_);
    append_in_graph_order(wf->graph(), handling(wf->graph()), handling_states_);
    for (const auto& s : wf->graph().states) {
      if (!s.terminal) open_states_.push_back(s.name);
    }
  }
}

QueueQuery CaseQueues::dispatch(const CaseFilter& paging) const {
  QueueQuery q{queue_filter(paging, dispatch_states_), {}};
  CaseFilter all = q.list;  // the counts ignore the page's returned / arbitration filters
  all.returned.reset();
  all.arbitration.reset();
  q.counts = {{"awaiting", all}, {"returned", all}, {"arbitration", all}};
  q.counts[1].filter.returned = true;
  q.counts[2].filter.arbitration = true;
  return q;
}

QueueQuery CaseQueues::mine(const CaseFilter& paging, const Actor& actor) const {
  CaseFilter f = queue_filter(paging, handling_states_);
  if (!actor.department.empty()) f.handled_by_department = actor.department;
  f.handled_by_person = actor.username;
  return {f, {{"total", f}}};
}

QueueQuery CaseQueues::overdue(const CaseFilter& paging) const {
  CaseFilter f = queue_filter(paging, {});
  f.overdue = true;
  return {f, {{"total", f}}};
}

QueueQuery CaseQueues::escalated(const CaseFilter& paging) const {
  CaseFilter f = queue_filter(paging, open_states_);
  f.escalated = true;
  return {f, {{"total", f}}};
}

}  // namespace outpost
