// The resident-request machine against the API's request vocabulary
// (docs/API.md). The expected table below is written from that document, not
// from the machine.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "engine/cases/case.hpp"
#include "engine/cases/workflow.hpp"
#include "engine/core/error.hpp"
#include "tests/workflows/machine_checks.hpp"
#include "workflows/registry.hpp"
#include "workflows/request/request_workflow.hpp"

namespace {

using boost::json::array;
using boost::json::object;
using outpost::Case;
using outpost::CaseKind;
using outpost::ErrorKind;
using outpost::Status;
using outpost::Workflow;
using outpost::testing::check_pair;
using outpost::testing::check_unchanged;
using outpost::testing::field_names;
using outpost::testing::typed;

const std::vector<std::string> kStates{"submitted", "dispatched", "acknowledged", "in_progress",
                                       "on_hold",   "resolved",   "closed",       "rejected"};

const std::map<std::string, std::string> kStateLabels{
    {"submitted", "已提交"},   {"dispatched", "已派单"}, {"acknowledged", "已签收"},
    {"in_progress", "办理中"}, {"on_hold", "已挂起"},    {"resolved", "已办结"},
    {"closed", "已结案"},      {"rejected", "不予受理"}};

// In the order of the API's vocabulary table.
const std::vector<std::string> kEvents{
    "dispatch",       "acknowledge", "return_dispatch",   "start_work",
    "hold",           "resume",      "request_extension", "approve_extension",
    "deny_extension", "resolve",     "record_follow_up",  "reject",
    "reopen"};

const std::map<std::string, std::string> kEventLabels{{"dispatch", "派单"},
                                                      {"acknowledge", "签收"},
                                                      {"return_dispatch", "退单"},
                                                      {"start_work", "开始办理"},
                                                      {"hold", "挂起"},
                                                      {"resume", "恢复办理"},
                                                      {"request_extension", "申请延期"},
                                                      {"approve_extension", "批准延期"},
                                                      {"deny_extension", "驳回延期"},
                                                      {"resolve", "办结"},
                                                      {"record_follow_up", "回访"},
                                                      {"reject", "不予受理"},
                                                      {"reopen", "重新办理"}};

// Required fields only: assignee, co_departments and duplicate_of are optional.
const std::map<std::string, std::vector<std::string>> kRequired{
    {"dispatch", {"department"}},
    {"acknowledge", {}},
    {"return_dispatch", {"reason"}},
    {"start_work", {}},
    {"hold", {"reason"}},
    {"resume", {}},
    {"request_extension", {"days", "reason"}},
    {"approve_extension", {}},
    {"deny_extension", {}},
    {"resolve", {"resolution"}},
    {"record_follow_up", {"satisfaction", "note"}},
    {"reject", {"reason"}},
    {"reopen", {"reason"}}};

using Transition = std::tuple<std::string, std::string, std::string>;  // from, event, to

// The first record_follow_up row is the one valid_payload() (satisfied) takes.
const std::vector<Transition> kTransitions{
    {"submitted", "dispatch", "dispatched"},
    {"dispatched", "acknowledge", "acknowledged"},
    {"dispatched", "return_dispatch", "submitted"},
    {"acknowledged", "start_work", "in_progress"},
    {"in_progress", "hold", "on_hold"},
    {"on_hold", "resume", "in_progress"},
    {"in_progress", "request_extension", "in_progress"},
    {"in_progress", "approve_extension", "in_progress"},
    {"in_progress", "deny_extension", "in_progress"},
    {"in_progress", "resolve", "resolved"},
    {"resolved", "record_follow_up", "closed"},
    {"resolved", "record_follow_up", "in_progress"},
    {"submitted", "reject", "rejected"},
    {"closed", "reopen", "in_progress"},
};

std::optional<std::string> expected_target(const std::string& from, const std::string& event) {
  for (const auto& [f, e, to] : kTransitions) {
    if (f == from && e == event) return to;
  }
  return std::nullopt;
}

// The case rules: a decision needs a pending extension request, a new
// request needs none.
bool expected_rule_holds(const std::string& event, bool extension_pending) {
  if (event == "approve_extension" || event == "deny_extension") return extension_pending;
  if (event == "request_extension") return !extension_pending;
  return true;
}

std::vector<std::string> expected_allowed(const std::string& state, bool extension_pending) {
  std::vector<std::string> allowed;
  for (const std::string& event : kEvents) {
    if (expected_target(state, event) && expected_rule_holds(event, extension_pending)) {
      allowed.push_back(event);
    }
  }
  return allowed;
}

object valid_payload(const std::string& event) {
  static const std::map<std::string, object> payloads{
      {"dispatch",
       {{"department", "urban"}, {"assignee", "u31"}, {"co_departments", array{"grid", "police"}}}},
      {"return_dispatch", {{"reason", "not our jurisdiction"}}},
      {"hold", {{"reason", "resident unreachable"}}},
      {"request_extension", {{"days", 7}, {"reason", "parts on order"}}},
      {"resolve", {{"resolution", "street light replaced"}}},
      {"record_follow_up", {{"satisfaction", "satisfied"}, {"note", "called the resident"}}},
      {"reject", {{"reason", "duplicate"}, {"duplicate_of", 17}}},
      {"reopen", {{"reason", "light failed again"}}},
  };
  const auto it = payloads.find(event);
  return it == payloads.end() ? object{} : it->second;
}

std::shared_ptr<const Workflow> request() {
  static const std::shared_ptr<const Workflow> wf = outpost::make_request_workflow();
  return wf;
}

Case make_case(const std::string& state) {
  Case c;
  c.id = 43;
  c.kind = CaseKind::request;
  c.state = state;
  return c;
}

void set_extension_pending(Case& c) {
  c.facts["extension_pending"] = object{{"days", 5}, {"reason", "waiting for the contractor"}};
}

void apply_ok(Case& c, const std::string& event, const object& payload) {
  outpost::testing::apply_ok(*request(), c, event, payload);
}

void apply_ok(Case& c, const std::string& event) {
  apply_ok(c, event, valid_payload(event));
}

// Expects `event` to be refused as not allowed in the case's state, naming
// `allowed` and with a message containing `why`, and the case unchanged.
void check_not_allowed(Case& c, const std::string& event, const std::vector<std::string>& allowed,
                       const std::string& why) {
  INFO(event, " in ", c.state);
  const Case before = c;
  const Status s = request()->apply(c, event, typed(valid_payload(event)));
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::not_allowed_in_state);
  CHECK(s.error().state == before.state);
  CHECK(s.error().allowed_events == allowed);
  CHECK(s.error().message.find(why) != std::string::npos);
  check_unchanged(before, c);
}

// Expects `event` with `payload` to be refused as invalid, naming exactly `fields`.
outpost::Error check_invalid(const std::string& state, const std::string& event,
                             const object& payload, const std::vector<std::string>& fields) {
  return outpost::testing::check_invalid(*request(), make_case(state), event, payload, fields);
}

object with(const std::string& event, const char* key, boost::json::value v) {
  object payload = valid_payload(event);
  payload[key] = std::move(v);
  return payload;
}

object without(const std::string& event, const char* key) {
  object payload = valid_payload(event);
  payload.erase(key);
  return payload;
}

}  // namespace

TEST_SUITE("request_machine") {
  TEST_CASE("every request state x event pair lands where API.md says or is refused unchanged") {
    const auto wf = request();
    for (const std::string& state : kStates) {
      for (const std::string& event : kEvents) {
        INFO("state=", state, " event=", event);
        // Facts such that the event's rule passes: only a decision needs a
        // pending extension request.
        const bool pending = event == "approve_extension" || event == "deny_extension";
        Case c = make_case(state);
        if (pending) set_extension_pending(c);
        check_pair(*wf, c, event, valid_payload(event), expected_target(state, event),
                   expected_allowed(state, pending));
      }
    }
  }

  TEST_CASE("the follow-up satisfaction decides between closed and rework") {
    for (const char* satisfaction : {"satisfied", "basically_satisfied"}) {
      Case c = make_case("resolved");
      apply_ok(c, "record_follow_up", {{"satisfaction", satisfaction}, {"note", "n"}});
      CHECK(c.state == "closed");
      CHECK(c.facts.at("last_satisfaction") == satisfaction);
      CHECK_FALSE(c.facts.contains("rework_count"));
    }

    Case c = make_case("submitted");
    for (const char* event : {"dispatch", "acknowledge", "start_work", "resolve"}) {
      apply_ok(c, event);
    }
    REQUIRE(c.state == "resolved");
    const object dissatisfied{{"satisfaction", "dissatisfied"}, {"note", "still dark at night"}};
    apply_ok(c, "record_follow_up", dissatisfied);
    CHECK(c.state == "in_progress");
    CHECK(c.facts.at("rework_count") == 1);
    CHECK(c.facts.at("last_satisfaction") == "dissatisfied");

    apply_ok(c, "resolve");
    apply_ok(c, "record_follow_up", dissatisfied);
    CHECK(c.state == "in_progress");
    CHECK(c.facts.at("rework_count") == 2);

    apply_ok(c, "resolve", {{"resolution", "cable replaced as well"}});
    CHECK(c.facts.at("resolution") == "cable replaced as well");
    apply_ok(c, "record_follow_up", {{"satisfaction", "basically_satisfied"}, {"note", "ok"}});
    CHECK(c.state == "closed");
    CHECK(c.facts.at("rework_count") == 2);
    CHECK(c.facts.at("last_satisfaction") == "basically_satisfied");

    apply_ok(c, "reopen");
    CHECK(c.state == "in_progress");
    CHECK(c.facts.at("reopen_count") == 1);
    apply_ok(c, "resolve");
    apply_ok(c, "record_follow_up");
    apply_ok(c, "reopen");
    CHECK(c.facts.at("reopen_count") == 2);
  }

  TEST_CASE("a bad satisfaction is invalid once whichever row is tried") {
    check_invalid("resolved", "record_follow_up", with("record_follow_up", "satisfaction", "meh"),
                  {"satisfaction"});
    check_invalid("resolved", "record_follow_up", object{}, {"satisfaction", "note"});
  }

  TEST_CASE("each required request payload field missing is invalid and names that field") {
    for (const auto& [event, required] : kRequired) {
      if (required.empty()) continue;
      const auto row =
          std::find_if(kTransitions.begin(), kTransitions.end(),
                       [&e = event](const Transition& t) { return std::get<1>(t) == e; });
      REQUIRE(row != kTransitions.end());
      const std::string& from = std::get<0>(*row);
      for (const std::string& field : required) {
        check_invalid(from, event, without(event, field.c_str()), {field});
      }
      check_invalid(from, event, object{}, required);
    }
  }

  TEST_CASE("ill-typed request payload fields are invalid and name the field") {
    const outpost::Error zero = check_invalid("in_progress", "request_extension",
                                              with("request_extension", "days", 0), {"days"});
    CHECK(zero.fields.at(0).message.find("from 1 to 365") != std::string::npos);
    check_invalid("in_progress", "request_extension", with("request_extension", "days", 400),
                  {"days"});
    check_invalid("in_progress", "request_extension", with("request_extension", "days", 366),
                  {"days"});
    check_invalid("in_progress", "request_extension", with("request_extension", "days", -3),
                  {"days"});
    check_invalid("in_progress", "request_extension", with("request_extension", "days", "3"),
                  {"days"});
    check_invalid("in_progress", "request_extension", with("request_extension", "days", 3.0),
                  {"days"});
    check_invalid("in_progress", "request_extension", with("request_extension", "days", nullptr),
                  {"days"});

    const outpost::Error negative =
        check_invalid("submitted", "reject", with("reject", "duplicate_of", -1), {"duplicate_of"});
    CHECK(negative.fields.at(0).message.find("at least 1") != std::string::npos);
    check_invalid("submitted", "reject", with("reject", "duplicate_of", 0), {"duplicate_of"});
    check_invalid("submitted", "reject", with("reject", "duplicate_of", "17"), {"duplicate_of"});
    check_invalid("submitted", "reject", with("reject", "duplicate_of", 17.5), {"duplicate_of"});
    check_invalid("submitted", "reject",
                  with("reject", "duplicate_of", boost::json::value(18446744073709551615ULL)),
                  {"duplicate_of"});

    check_invalid("submitted", "dispatch", with("dispatch", "co_departments", "x"),
                  {"co_departments"});
    check_invalid("submitted", "dispatch", with("dispatch", "co_departments", array{}),
                  {"co_departments"});
    check_invalid("submitted", "dispatch", with("dispatch", "co_departments", array{"grid", ""}),
                  {"co_departments"});
    check_invalid("submitted", "dispatch", with("dispatch", "assignee", 5), {"assignee"});
    check_invalid("submitted", "dispatch", with("dispatch", "assignee", ""), {"assignee"});
    check_invalid("submitted", "dispatch", with("dispatch", "assignee", nullptr), {"assignee"});
    check_invalid("submitted", "dispatch", with("dispatch", "department", array{"urban"}),
                  {"department"});
    check_invalid("submitted", "dispatch",
                  object{{"assignee", 1}, {"co_departments", "x"}, {"note", "extra"}},
                  {"department", "assignee", "co_departments"});
    check_invalid("in_progress", "hold", with("hold", "reason", ""), {"reason"});
    check_invalid("closed", "reopen", with("reopen", "reason", true), {"reason"});
  }

  TEST_CASE("optional fields may be left out and edge values are accepted") {
    Case c = make_case("submitted");
    c.facts["co_departments"] = array{"stale"};
    apply_ok(c, "dispatch", {{"department", "legal"}});
    CHECK(c.state == "dispatched");
    CHECK(c.assignment.department == "legal");
    CHECK(c.assignment.assignees.empty());
    CHECK_FALSE(c.facts.contains("co_departments"));

    Case r = make_case("submitted");
    apply_ok(r, "reject", {{"reason", "not a request"}});
    CHECK(r.state == "rejected");
    CHECK_FALSE(r.facts.contains("duplicate_of"));

    for (const std::int64_t days : {1, 365}) {
      Case e = make_case("in_progress");
      apply_ok(e, "request_extension", {{"days", days}, {"reason", "r"}});
      CHECK(e.facts.at("extension_pending").at("days") == days);
    }
    Case big = make_case("submitted");
    apply_ok(big, "reject", {{"reason", "dup"}, {"duplicate_of", 9007199254740993LL}});
    CHECK(big.facts.at("duplicate_of") == 9007199254740993LL);
  }

  TEST_CASE("a bad payload in a state without the event is refused as not allowed") {
    Case c = make_case("dispatched");
    check_not_allowed(c, "reject", {"acknowledge", "return_dispatch"}, "not allowed in state");
    const Status s = request()->apply(c, "reject", typed(object{{"duplicate_of", "x"}}));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == ErrorKind::not_allowed_in_state);
    CHECK(s.error().fields.empty());

    const Status unknown = request()->apply(c, "accept", typed(object{}));
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().kind == ErrorKind::invalid);
    CHECK(field_names(unknown.error()) == std::vector<std::string>{"event"});
  }

  TEST_CASE("extension decisions need a pending request and a new request needs none") {
    using V = std::vector<std::string>;
    const V idle{"hold", "request_extension", "resolve"};
    const V deciding{"hold", "approve_extension", "deny_extension", "resolve"};
    Case c = make_case("in_progress");
    CHECK(request()->allowed_events(c) == idle);
    check_not_allowed(c, "approve_extension", idle, "no extension request is pending");
    check_not_allowed(c, "deny_extension", idle, "no extension request is pending");

    apply_ok(c, "request_extension", {{"days", 10}, {"reason", "parts on order"}});
    CHECK(c.state == "in_progress");
    CHECK(c.facts.at("extension_pending") == object{{"days", 10}, {"reason", "parts on order"}});
    CHECK(request()->allowed_events(c) == deciding);
    check_not_allowed(c, "request_extension", deciding, "already pending");

    apply_ok(c, "approve_extension");
    CHECK(c.facts.at("extension_days") == 10);
    CHECK_FALSE(c.facts.contains("extension_pending"));
    CHECK(request()->allowed_events(c) == idle);

    apply_ok(c, "request_extension", {{"days", 5}, {"reason", "resident away"}});
    apply_ok(c, "approve_extension");
    CHECK(c.facts.at("extension_days") == 15);

    apply_ok(c, "request_extension", {{"days", 30}, {"reason", "no budget"}});
    apply_ok(c, "deny_extension");
    CHECK(c.facts.at("extensions_denied") == 1);
    CHECK(c.facts.at("extension_days") == 15);
    CHECK_FALSE(c.facts.contains("extension_pending"));
    CHECK(c.state == "in_progress");
  }

  TEST_CASE("dispatch records the assignment and returns are counted") {
    Case c = make_case("submitted");
    apply_ok(c, "dispatch");
    CHECK(c.assignment.department == "urban");
    CHECK(c.assignment.assignees == std::vector<std::string>{"u31"});
    CHECK(c.facts.at("co_departments") == array{"grid", "police"});

    apply_ok(c, "return_dispatch");
    CHECK(c.state == "submitted");
    CHECK(c.facts.at("returns") == 1);
    CHECK(c.assignment.department.empty());
    CHECK(c.assignment.assignees.empty());
    CHECK_FALSE(c.facts.contains("co_departments"));

    apply_ok(c, "dispatch", {{"department", "police"}});
    apply_ok(c, "return_dispatch");
    CHECK(c.facts.at("returns") == 2);
    apply_ok(c, "dispatch");
    apply_ok(c, "acknowledge");
    CHECK(c.state == "acknowledged");
    CHECK(c.facts.at("returns") == 2);
    CHECK(c.assignment.department == "urban");
  }

  TEST_CASE("effects of hold resume resolve and reject") {
    Case c = make_case("in_progress");
    apply_ok(c, "hold");
    CHECK(c.state == "on_hold");
    CHECK(c.facts.at("hold_reason") == "resident unreachable");
    CHECK(request()->allowed_events(c) == std::vector<std::string>{"resume"});
    apply_ok(c, "resume");
    CHECK(c.state == "in_progress");
    CHECK_FALSE(c.facts.contains("hold_reason"));
    apply_ok(c, "resolve");
    CHECK(c.facts.at("resolution") == "street light replaced");

    Case r = make_case("submitted");
    apply_ok(r, "reject");
    CHECK(r.facts.at("duplicate_of") == 17);
    CHECK(request()->allowed_events(r).empty());
  }

  TEST_CASE("the graph describes the request machine") {
    const outpost::WorkflowGraph& g = request()->graph();
    CHECK(g.kind == CaseKind::request);
    CHECK(g.initial_state == "submitted");

    REQUIRE(g.states.size() == 8);
    for (std::size_t i = 0; i < g.states.size(); ++i) {
      CHECK(g.states[i].name == kStates[i]);
      CHECK(g.states[i].label == kStateLabels.at(kStates[i]));
      CHECK(g.states[i].terminal == (kStates[i] == "closed" || kStates[i] == "rejected"));
    }

    REQUIRE(g.events.size() == 13);
    for (std::size_t i = 0; i < g.events.size(); ++i) {
      CHECK(g.events[i].name == kEvents[i]);
      CHECK(g.events[i].label == kEventLabels.at(kEvents[i]));
      CHECK(g.events[i].required == kRequired.at(kEvents[i]));
    }

    REQUIRE(g.transitions.size() == 14);
    std::set<Transition> actual;
    std::map<std::string, std::string> follow_up_guards;  // target -> guard
    for (const auto& t : g.transitions) {
      actual.emplace(t.from, t.event, t.to);
      const bool guarded = t.event == "request_extension" || t.event == "approve_extension" ||
                           t.event == "deny_extension" || t.event == "record_follow_up";
      CHECK_MESSAGE(t.guard.empty() != guarded, t.from, " --", t.event, "--> ", t.to);
      if (t.event == "record_follow_up") follow_up_guards[t.to] = t.guard;
    }
    CHECK(actual == std::set<Transition>(kTransitions.begin(), kTransitions.end()));
    CHECK(follow_up_guards ==
          std::map<std::string, std::string>{{"closed", "satisfied or basically satisfied"},
                                             {"in_progress", "dissatisfied: rework"}});
    CHECK(request()->allowed_events(make_case("resolved")) ==
          std::vector<std::string>{"record_follow_up"});

    const std::string dot = outpost::to_dot(g);
    CHECK(dot.find("resolved -> in_progress [label=\"record_follow_up [dissatisfied: rework]\"]") !=
          std::string::npos);
    CHECK(request()->state_label("on_hold") == "已挂起");
    CHECK_FALSE(request()->has_state("mediating"));
  }

  TEST_CASE("the builtin registry serves both kinds") {
    const outpost::WorkflowRegistry registry = outpost::builtin_workflows();
    CHECK(registry.all().size() == 2);
    const Workflow* dispute = registry.find(CaseKind::dispute);
    const Workflow* wf = registry.find(CaseKind::request);
    REQUIRE(dispute != nullptr);
    REQUIRE(wf != nullptr);
    CHECK(dispute != wf);
    CHECK(wf->graph().kind == CaseKind::request);
    Case c = make_case("submitted");
    REQUIRE(wf->apply(c, "dispatch", typed(object{{"department", "grid"}})).ok());
    CHECK(c.state == "dispatched");
  }
}
