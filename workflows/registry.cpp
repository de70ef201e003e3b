#include "workflows/registry.hpp"

#include "workflows/dispute/dispute_workflow.hpp"

namespace outpost {

WorkflowRegistry builtin_workflows() {
  WorkflowRegistry registry;
  registry.add(make_dispute_workflow());
  return registry;
}

}  // namespace outpost
