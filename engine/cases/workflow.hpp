// File: engine/cases/workflow.hpp
//
// The one small interface every case workflow implements (workflows/dispute,
// workflows/request). Boost.MSM stays behind it: nothing outside workflows/
// includes an MSM header. A workflow is stateless and thread-safe; each call
// builds a machine, restores it from the case's stored state name, and
// processes at most one event.
//
//   const Workflow& wf = *registry.find(CaseKind::dispute);
//   auto next = wf.applied(current, "accept", payload);   // current unchanged
//   if (!next) return next.error();
//   // next.value().state == "accepted"
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/cases/event_payload.hpp"
#include "engine/core/error.hpp"

namespace outpost {

// A description of the machine, built once from its transition table.
struct WorkflowGraph {
  struct State {
    std::string name;
    std::string label;  // zh-CN
    bool terminal = false;
  };
  struct Event {
    std::string name;
    std::string label;                  // zh-CN
    std::vector<std::string> required;  // payload fields the event needs
  };
  struct Transition {
    std::string from;
    std::string event;
    std::string to;
    std::string guard;  // human description of the guard, empty when none
  };
  CaseKind kind = CaseKind::dispute;
  std::string initial_state;
  std::vector<State> states;
  std::vector<Event> events;
  std::vector<Transition> transitions;
};

class Workflow {
 public:
  virtual ~Workflow() = default;

  virtual const WorkflowGraph& graph() const = 0;

  // The case as one event leaves `c`, which is not changed. `c.state` must
  // name a state of this workflow. The result has the new state and whatever
  // the event records (facts, assignment, ...). A refusal says why:
  //   invalid               unknown event name, or missing/ill-typed payload
  //                         fields (each named in Error::fields);
  //   not_allowed_in_state  no transition for (state, event), or a rule of the
  //                         case forbids it now; carries state and allowed_events.
  // (The workflow copies the case once; a caller that needs a changed copy
  // anyway takes this one rather than copying it first.)
  virtual Result<Case> applied(const Case& c, std::string_view event,
                               const EventPayload& payload) const = 0;

  // applied() in place: on success `c` is the changed case, on refusal it is
  // left exactly as it was.
  Status apply(Case& c, std::string_view event, const EventPayload& payload) const;

  // Events that would be accepted now given a complete payload, in graph order.
  virtual std::vector<std::string> allowed_events(const Case& c) const = 0;

  // zh-CN label of a state, or the name itself when unknown.
  std::string_view state_label(std::string_view state) const;
  bool has_state(std::string_view state) const;
};

// The workflows a running engine knows, by case kind.
class WorkflowRegistry {
 public:
  void add(std::shared_ptr<const Workflow> wf);
  const Workflow* find(CaseKind kind) const;
  const std::vector<std::shared_ptr<const Workflow>>& all() const { return workflows_; }

 private:
  std::vector<std::shared_ptr<const Workflow>> workflows_;
};

// The graph as Graphviz DOT and as a Mermaid stateDiagram-v2, for
// GET /api/v1/workflows/{kind}?format=dot|mermaid.
std::string to_dot(const WorkflowGraph& g);
std::string to_mermaid(const WorkflowGraph& g);

}  // namespace outpost
