#include "engine/cases/workflow.hpp"

#include <algorithm>

namespace outpost {

Status Workflow::apply(Case& c, std::string_view event, const EventPayload& payload) const {
  auto next = applied(c, event, payload);
  if (!next) return next.error();
  c = std::move(next.value());
  return Ok{};
}

std::string_view Workflow::state_label(std::string_view state) const {
  for (const auto& s : graph().states) {
    if (s.name == state) return s.label;
  }
  return state;
}

bool Workflow::has_state(std::string_view state) const {
  const auto& states = graph().states;
  return std::any_of(states.begin(), states.end(), [&](const auto& s) { return s.name == state; });
}

void WorkflowRegistry::add(std::shared_ptr<const Workflow> wf) {
  workflows_.push_back(std::move(wf));
}

const Workflow* WorkflowRegistry::find(CaseKind kind) const {
  for (const auto& wf : workflows_) {
    if (wf->graph().kind == kind) return wf.get();
  }
  return nullptr;
}

std::string to_dot(const WorkflowGraph& g) {
  std::string out = "digraph " + std::string(to_string(g.kind)) +
                    " {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n";
  for (const auto& s : g.states) {
    out += "  " + s.name + " [label=\"" + s.name + "\\n" + s.label + "\"" +
           (s.terminal ? ", peripheries=2" : "") + "];\n";
  }
  for (const auto& t : g.transitions) {
    out += "  " + t.from + " -> " + t.to + " [label=\"" + t.event +
           (t.guard.empty() ? "" : " [" + t.guard + "]") + "\"];\n";
  }
  out += "}\n";
  return out;
}

std::string to_mermaid(const WorkflowGraph& g) {
  std::string out = "stateDiagram-v2\n  [*] --> " + g.initial_state + "\n";
  for (const auto& s : g.states) out += "  " + s.name + " : " + s.name + " " + s.label + "\n";
  for (const auto& t : g.transitions) {
    out += "  " + t.from + " --> " + t.to + " : " + t.event +
           (t.guard.empty() ? "" : " [" + t.guard + "]") + "\n";
  }
  for (const auto& s : g.states) {
    if (s.terminal) out += "  " + s.name + " --> [*]\n";
  }
  return out;
}

}  // namespace outpost
