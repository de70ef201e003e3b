// The work queues (engine/cases/queues.hpp) over the shipped workflows: the
// states each queue holds, whose cases, the order, and the counts it shows.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "engine/cases/queues.hpp"
#include "workflows/registry.hpp"

namespace {

using namespace outpost;

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> names_of(const QueueQuery& q) {
  std::vector<std::string> out;
  for (const auto& c : q.counts) out.push_back(c.name);
  return out;
}

CaseFilter paging() {
  CaseFilter f;
  f.limit = 20;
  f.cursor = 42;
  return f;
}

const Actor kHandler{7, "li.na", "handler", "urban", "LF-G01"};

}  // namespace

TEST_SUITE("queues") {
  TEST_CASE("the states come from the workflow graphs: hand-over sources and handling") {
    const WorkflowRegistry registry = builtin_workflows();
    const CaseQueues queues(registry);
    CHECK(sorted(queues.dispatch_states()) == std::vector<std::string>{"accepted", "submitted"});
    CHECK(sorted(queues.handling_states()) ==
          sorted({"dispatched", "acknowledged", "in_progress", "on_hold", "assigned", "mediating",
                  "agreement_reached", "mediation_failed", "follow_up"}));
    for (const std::string& s : queues.handling_states()) {
      CAPTURE(s);
      CHECK(std::count(queues.dispatch_states().begin(), queues.dispatch_states().end(), s) == 0);
    }
  }

  TEST_CASE("a graph's queue states follow its transitions") {
    WorkflowGraph g;
    g.kind = CaseKind::request;  // a made-up request workflow
    g.states = {{"new", "", false},
                {"taken", "", false},
                {"doing", "", false},
                {"done", "", false},
                {"given_up", "", false}};
    g.transitions = {{"new", "dispatch", "taken", ""},
                     {"taken", "start_work", "doing", ""},
                     {"taken", "return_dispatch", "new", ""},
                     {"doing", "resolve", "done", ""},
                     {"doing", "withdraw", "given_up", ""}};
    class Errand : public Workflow {
     public:
      explicit Errand(WorkflowGraph g) : g_(std::move(g)) {}
      const WorkflowGraph& graph() const override { return g_; }
      Result<Case> applied(const Case& c, std::string_view, const EventPayload&) const override {
        return c;
      }
      std::vector<std::string> allowed_events(const Case&) const override { return {}; }

     private:
      WorkflowGraph g_;
    };
    WorkflowRegistry registry;
    registry.add(std::make_shared<Errand>(g));
    const CaseQueues queues(registry);
    CHECK(queues.dispatch_states() == std::vector<std::string>{"new"});
    CHECK(queues.handling_states() == std::vector<std::string>{"taken", "doing"});
  }

  TEST_CASE("to dispatch: oldest first with the counts awaiting and returned and arbitration") {
    const WorkflowRegistry registry = builtin_workflows();
    const CaseQueues queues(registry);
    const QueueQuery q = queues.dispatch(paging());
    CHECK(q.list.states == queues.dispatch_states());
    CHECK(q.list.oldest_first);
    CHECK(q.list.limit == 20);
    CHECK(q.list.cursor == CaseId{42});
    CHECK(!q.list.handled_by_person);
    REQUIRE(names_of(q) == std::vector<std::string>{"awaiting", "returned", "arbitration"});
    CHECK(!q.counts[0].filter.returned);
    CHECK(!q.counts[0].filter.arbitration);
    CHECK(q.counts[1].filter.returned == true);
    CHECK(!q.counts[1].filter.arbitration);
    CHECK(!q.counts[2].filter.returned);
    CHECK(q.counts[2].filter.arbitration == true);
    for (const auto& c : q.counts) CHECK(c.filter.states == queues.dispatch_states());
  }

  TEST_CASE("mine: the actor's department or the actor in handling states with a total") {
    const WorkflowRegistry registry = builtin_workflows();
    const CaseQueues queues(registry);
    const QueueQuery q = queues.mine(paging(), kHandler);
    CHECK(q.list.states == queues.handling_states());
    CHECK(q.list.oldest_first);
    CHECK(q.list.handled_by_department == "urban");
    CHECK(q.list.handled_by_person == "li.na");
    CHECK(q.list.limit == 20);
    REQUIRE(names_of(q) == std::vector<std::string>{"total"});
    CHECK(q.counts[0].filter.states == q.list.states);
    CHECK(q.counts[0].filter.handled_by_person == "li.na");

    const QueueQuery desk = queues.mine(paging(), Actor{8, "wang.fang", "desk", "", ""});
    CHECK(!desk.list.handled_by_department);
    CHECK(desk.list.handled_by_person == "wang.fang");
  }

  TEST_CASE("overdue: every state past the deadline oldest first with a total") {
    const WorkflowRegistry registry = builtin_workflows();
    const QueueQuery q = CaseQueues(registry).overdue(paging());
    CHECK(q.list.overdue == true);
    CHECK(q.list.states.empty());
    CHECK(q.list.oldest_first);
    CHECK(q.list.cursor == CaseId{42});
    REQUIRE(names_of(q) == std::vector<std::string>{"total"});
    CHECK(q.counts[0].filter.overdue == true);
  }
}
