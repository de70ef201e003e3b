// File: engine/audits/audit_workflow.hpp
//
// The port of the quarterly audit's lifecycle (workflows/audit hides the
// Boost.MSM machine behind it, as engine/cases/workflow.hpp does for cases):
//
//   planned → sampled → under_review → findings_issued → rectification → signed_off
//   (and cancelled from any state but the two final ones)
//
// The machine decides which event may happen in which state, given what the
// audit has gathered so far (AuditProgress: e.g. findings may be issued only
// when every sampled case has a finding). What an event records (the sample,
// a finding, an answer) is the service's business (engine/audits/audit_service.hpp).
// Stateless and thread-safe: each call builds a machine restored from the
// stored state name.
//
//   const AuditWorkflow& wf = builtin_audit_workflow();
//   Result<std::string> next = wf.next_state(progress, "start_review");
//   if (!next) return next.error();  // not_allowed_in_state with allowed_events
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cases/workflow.hpp"
#include "engine/core/error.hpp"

namespace outpost {

// What the machine's rules read: the audit's state and counts.
struct AuditProgress {
  std::string state;
  std::int64_t sampled = 0;          // cases in the sample
  std::int64_t reviewed = 0;         // sampled cases with a finding
  std::int64_t deficiencies = 0;     // findings of verdict deficiency
  std::int64_t awaiting_answer = 0;  // deficiencies open or sent back
  std::int64_t awaiting_review = 0;  // deficiencies answered, not yet judged
};

struct AuditGraph {
  std::string initial_state;
  std::vector<WorkflowGraph::State> states;
  std::vector<WorkflowGraph::Event> events;
  std::vector<WorkflowGraph::Transition> transitions;
};

class AuditWorkflow {
 public:
  virtual ~AuditWorkflow() = default;

  virtual const AuditGraph& graph() const = 0;
  // The state `event` leads to from `p.state`. invalid for an unknown event;
  // not_allowed_in_state (with state and allowed_events) when no transition
  // fires, naming the rule that refused.
  virtual Result<std::string> next_state(const AuditProgress& p, std::string_view event) const = 0;
  // Events that would fire now, in graph order.
  virtual std::vector<std::string> allowed_events(const AuditProgress& p) const = 0;

  // zh-CN label of a state or event, or the name itself when unknown.
  std::string_view state_label(std::string_view state) const;
  std::string_view event_label(std::string_view event) const;
};

}  // namespace outpost
