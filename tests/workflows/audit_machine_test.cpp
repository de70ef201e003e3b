#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "workflows/registry.hpp"

using namespace outpost;

namespace {

const AuditWorkflow& wf() {
  return builtin_audit_workflow();
}

std::string step(const AuditProgress& p, const std::string& event) {
  auto next = wf().next_state(p, event);
  REQUIRE_MESSAGE(next.ok(), (next.ok() ? "" : next.error().message));
  return next.value();
}

Error refusal(const AuditProgress& p, const std::string& event) {
  auto next = wf().next_state(p, event);
  REQUIRE_FALSE(next.ok());
  return next.error();
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_SUITE("audit_machine") {
  TEST_CASE("the whole lifecycle with a deficiency sent back once") {
    AuditProgress p{.state = wf().graph().initial_state};
    CHECK(p.state == "planned");
    CHECK(wf().allowed_events(p) == Strings{"draw_sample", "cancel"});
    p.state = step(p, "draw_sample");
    CHECK(p.state == "sampled");
    p.sampled = 3;
    p.state = step(p, "draw_sample");  // a redraw before the review starts
    CHECK(p.state == "sampled");
    p.state = step(p, "start_review");
    CHECK(p.state == "under_review");
    CHECK(wf().allowed_events(p) == Strings{"record_finding", "cancel"});
    p.reviewed = 3;
    p.deficiencies = 1;
    p.awaiting_answer = 1;
    CHECK(wf().allowed_events(p) == Strings{"record_finding", "issue_findings", "cancel"});
    p.state = step(p, "issue_findings");
    CHECK(p.state == "findings_issued");
    CHECK(wf().allowed_events(p) == Strings{"start_rectification", "cancel"});
    p.state = step(p, "start_rectification");
    CHECK(wf().allowed_events(p) == Strings{"answer_finding", "cancel"});
    p.state = step(p, "answer_finding");
    p.awaiting_answer = 0, p.awaiting_review = 1;
    CHECK(wf().allowed_events(p) == Strings{"accept_rectification", "send_back", "cancel"});
    p.state = step(p, "send_back");
    p.awaiting_answer = 1, p.awaiting_review = 0;
    p.state = step(p, "answer_finding");
    p.awaiting_answer = 0, p.awaiting_review = 1;
    p.state = step(p, "accept_rectification");
    p.awaiting_review = 0;
    CHECK(p.state == "rectification");
    CHECK(wf().allowed_events(p) == Strings{"sign_off", "cancel"});
    p.state = step(p, "sign_off");
    CHECK(p.state == "signed_off");
    CHECK(wf().allowed_events(p).empty());
  }

  TEST_CASE("without deficiencies the findings are signed off directly") {
    AuditProgress p{.state = "findings_issued", .sampled = 2, .reviewed = 2};
    CHECK(wf().allowed_events(p) == Strings{"sign_off", "cancel"});
    CHECK(step(p, "sign_off") == "signed_off");
    CHECK(refusal(p, "start_rectification").kind == ErrorKind::not_allowed_in_state);
  }

  TEST_CASE("a wrong step is refused with the state and the allowed events") {
    const AuditProgress planned{.state = "planned"};
    const Error e = refusal(planned, "sign_off");
    CHECK(e.kind == ErrorKind::not_allowed_in_state);
    CHECK(e.state == "planned");
    CHECK(e.allowed_events == Strings{"draw_sample", "cancel"});

    const AuditProgress half{.state = "under_review", .sampled = 3, .reviewed = 2};
    const Error rule = refusal(half, "issue_findings");
    CHECK(rule.kind == ErrorKind::not_allowed_in_state);
    CHECK(rule.message.find("not every sampled case") != std::string::npos);
    CHECK(rule.allowed_events == Strings{"record_finding", "cancel"});

    const AuditProgress open{.state = "rectification", .deficiencies = 1, .awaiting_answer = 1};
    CHECK(refusal(open, "sign_off").allowed_events == Strings{"answer_finding", "cancel"});
    CHECK(refusal(open, "accept_rectification").kind == ErrorKind::not_allowed_in_state);
  }

  TEST_CASE("final states accept nothing, every other state may be cancelled") {
    for (const auto& s : wf().graph().states) {
      const AuditProgress p{.state = s.name};
      auto next = wf().next_state(p, "cancel");
      CHECK_MESSAGE(next.ok() == !s.terminal, s.name);
      if (next.ok()) CHECK(next.value() == "cancelled");
    }
  }

  TEST_CASE("an unknown event is invalid, naming the field") {
    const Error e = refusal({.state = "planned"}, "approve");
    CHECK(e.kind == ErrorKind::invalid);
    CHECK(e.fields.at(0).field == "event");
  }

  TEST_CASE("the graph names every state and event with a zh-CN label") {
    const AuditGraph& g = wf().graph();
    CHECK(g.states.size() == 7);
    CHECK(g.events.size() == 10);
    CHECK(wf().state_label("rectification") == "整改中");
    CHECK(wf().event_label("send_back") == "退回整改");
    for (const auto& s : g.states) CHECK(s.label != s.name);
    for (const auto& e : g.events) CHECK(e.label != e.name);
  }
}
