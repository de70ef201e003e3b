// Who may do what (engine/access/permissions.hpp): the shipped config/permissions.json,
// the field-path errors of Permissions::make, the scope rule (sees, scope_of) and the
// decisions on events and actions, on plain Case values.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "engine/access/permissions.hpp"
#include "tests/support/shipped_config.hpp"

namespace {

namespace json = boost::json;
using namespace outpost;

const WorkflowRegistry& workflows() {
  return testing::shipped_workflows();
}

const Permissions& shipped() {
  return testing::shipped_config().permissions;
}

// Every list present, every event and action granted to admin only.
PermissionRules complete_rules() {
  PermissionRules rules;
  rules.every_event = rules.handling_only = rules.see_all_cases = rules.see_confidential_cases =
      PermissionRules::Roles{};
  auto& actions = rules.actions.emplace();
  for (std::string_view name : kActionNames) actions[std::string(name)] = {"admin"};
  auto& events = rules.events.emplace();
  for (const auto& wf : workflows().all()) {
    for (const auto& e : wf->graph().events)
      events[std::string(to_string(wf->graph().kind))][e.name] = {"admin"};
  }
  return rules;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const Actor kDesk{1, "desk.wu", "desk", "", ""};
const Actor kDispatcher{2, "disp.he", "dispatcher", "", ""};
const Actor kUrban{3, "urban.li", "handler", "urban", ""};
const Actor kPolice{4, "officer.li", "handler", "police", ""};
const Actor kGridStaff{5, "gw.zhao", "handler", "grid", "LF-G02"};
const Actor kSupervisor{6, "sup.zhou", "supervisor", "", ""};
const Actor kAuditor{7, "audit.qian", "auditor", "", ""};
const Actor kAdmin{8, "admin", "admin", "", ""};

// A request in `state`, dispatched to `department` (none when empty), in grid LF-G01.
Case request_case(std::string state, std::string department) {
  Case c;
  c.id = 1;
  c.kind = CaseKind::request;
  c.state = std::move(state);
  c.location = {"LF", "LF-G01", "", ""};
  c.assignment.department = std::move(department);
  return c;
}

}  // namespace

TEST_SUITE("permissions") {
  TEST_CASE("the shipped document lists every event of both workflows and every action") {
    for (const auto& wf : workflows().all()) {
      for (const auto& e : wf->graph().events) {
        const std::string_view kind = to_string(wf->graph().kind);
        CAPTURE(kind);
        CAPTURE(e.name);
        const auto& roles = shipped().event_roles(to_string(wf->graph().kind), e.name);
        CHECK_FALSE(roles.empty());
        CHECK_FALSE(contains(roles, "auditor"));
      }
    }
    CHECK(shipped().event_roles("request", "dispatch") ==
          std::vector<std::string>{"dispatcher", "supervisor"});
    CHECK(shipped().event_roles("dispute", "reopen") == std::vector<std::string>{"supervisor"});
    CHECK(shipped().event_roles("request", "reopen") == std::vector<std::string>{"supervisor"});
    CHECK(shipped().action_roles(Action::arbitrate) == std::vector<std::string>{"supervisor"});
    CHECK(shipped().action_roles(Action::reveal) == std::vector<std::string>{"desk", "handler"});
    CHECK(shipped().action_roles(Action::read_access_log) ==
          std::vector<std::string>{"supervisor", "auditor"});
    CHECK(shipped().action_roles(Action::manage_users) == std::vector<std::string>{"admin"});
  }

  TEST_CASE("rules that miss, misspell or over-grant are refused, each at its path") {
    PermissionRules rules = complete_rules();
    CHECK(Permissions::make(rules, workflows()));
    (*rules.events)["request"].erase("acknowledge");
    (*rules.events)["dispute"]["teleport"] = {"desk"};
    (*rules.events)["complaint"] = {};
    (*rules.events)["dispute"]["accept"] = {"desk", "clerk", "desk", "auditor"};
    rules.actions->erase("reveal");
    (*rules.actions)["fly"] = {};
    rules.see_all_cases.reset();
    rules.every_event = {"admin", "auditor"};
    auto p = Permissions::make(rules, workflows());
    REQUIRE_FALSE(p);
    CHECK(p.error().kind == ErrorKind::invalid);
    std::vector<std::string> paths;
    for (const FieldError& f : p.error().fields) paths.push_back(f.field);
    CHECK(paths == std::vector<std::string>{"every_event[1]", "see_all_cases", "actions.fly",
                                            "actions.reveal", "events.complaint",
                                            "events.dispute.teleport", "events.dispute.accept[1]",
                                            "events.dispute.accept[2]", "events.dispute.accept[3]",
                                            "events.request.acknowledge"});
    rules = complete_rules();
    (*rules.actions)["read_access_log"] = {"auditor"};
    rules.see_confidential_cases = {"auditor"};
    CHECK(Permissions::make(rules, workflows()));
  }

  TEST_CASE("a handler sees what their department or they handle and grid staff see their grid") {
    const Permissions& p = shipped();
    Case c = request_case("dispatched", "urban");
    CHECK(p.sees(c, kUrban));
    CHECK_FALSE(p.sees(c, kPolice));
    CHECK_FALSE(p.sees(c, kGridStaff));
    c.facts["co_departments"] = json::array{"police"};
    CHECK(p.sees(c, kPolice));
    c.facts.erase("co_departments");
    c.assignment.assignees = {"officer.li"};
    CHECK(p.sees(c, kPolice));
    c.assignment.assignees.clear();
    c.facts["co_handlers"] = json::array{"gw.zhao"};
    CHECK(p.sees(c, kGridStaff));
    c.facts.erase("co_handlers");
    c.location.grid = "LF-G02";
    CHECK(p.sees(c, kGridStaff));
    for (const Actor* a : {&kDesk, &kDispatcher, &kSupervisor, &kAuditor, &kAdmin}) {
      CAPTURE(a->role);
      CHECK(p.sees(c, *a));
    }
  }

  TEST_CASE(
      "a confidential case is seen only by its assignees and by supervisors and auditors and "
      "admins") {
    const Permissions& p = shipped();
    Case c = request_case("dispatched", "urban");
    c.confidential = true;
    for (const Actor* a : {&kDesk, &kDispatcher, &kUrban, &kPolice}) {
      CAPTURE(a->username);
      CHECK_FALSE(p.sees(c, *a));
    }
    for (const Actor* a : {&kSupervisor, &kAuditor, &kAdmin}) CHECK(p.sees(c, *a));
    c.assignment.assignees = {"urban.li"};
    CHECK(p.sees(c, kUrban));
    c.assignment.assignees.clear();
    c.facts["co_handlers"] = json::array{"desk.wu"};
    CHECK(p.sees(c, kDesk));
    CHECK_FALSE(p.sees(c, kUrban));
  }

  TEST_CASE("scope_of carries the same rule to the store") {
    const Permissions& p = shipped();
    const CaseScope handler = p.scope_of(kGridStaff);
    CHECK_FALSE(handler.all_cases);
    CHECK_FALSE(handler.all_confidential);
    CHECK(handler.department == "grid");
    CHECK(handler.grid == "LF-G02");
    CHECK(handler.person == "gw.zhao");
    const CaseScope desk = p.scope_of(kDesk);
    CHECK(desk.all_cases);
    CHECK_FALSE(desk.all_confidential);
    CHECK(desk.person == "desk.wu");
    for (const Actor* a : {&kSupervisor, &kAuditor, &kAdmin}) {
      const CaseScope s = p.scope_of(*a);
      CHECK(s.all_cases);
      CHECK(s.all_confidential);
    }
    const CaseScope open = Permissions::unrestricted().scope_of(kPolice);
    CHECK(open.all_cases);
    CHECK(open.all_confidential);
  }

  TEST_CASE("an event is decided by the role and the handling relation and the arbitration flag") {
    const Permissions& p = shipped();
    Case c = request_case("dispatched", "urban");
    CHECK(p.check_event(c, "acknowledge", kUrban));
    auto refused = p.check_event(c, "acknowledge", kPolice);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::forbidden);
    CHECK(refused.error().message.find("handle") != std::string::npos);
    CHECK(p.check_event(c, "acknowledge", kSupervisor));
    CHECK(p.check_event(c, "acknowledge", kAdmin));
    for (const Actor* a : {&kDesk, &kDispatcher, &kAuditor}) {
      CAPTURE(a->role);
      CHECK(p.check_event(c, "acknowledge", *a).error().kind == ErrorKind::forbidden);
    }
    CHECK(p.check_event(c, "teleport", kAuditor));  // unknown: the workflow says invalid

    Case flagged = request_case("submitted", "urban");
    CHECK(p.check_event(flagged, "dispatch", kDispatcher));
    flagged.facts["arbitration"] = true;
    refused = p.check_event(flagged, "dispatch", kDispatcher);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::forbidden);
    CHECK(refused.error().message.find("arbitration") != std::string::npos);
    CHECK_FALSE(p.may_apply(flagged, "dispatch", kDispatcher));
    CHECK(p.may_apply(flagged, "dispatch", kSupervisor));
    CHECK(p.may_apply(flagged, "dispatch", kAdmin));
    CHECK(p.may_apply(flagged, "reject", kDispatcher));

    Case closed = request_case("closed", "urban");
    for (const Actor* a : {&kDesk, &kDispatcher, &kUrban, &kAuditor}) {
      CHECK_FALSE(p.may_apply(closed, "reopen", *a));
    }
    CHECK(p.may_apply(closed, "reopen", kSupervisor));
  }

  TEST_CASE("an action is decided by the role and on a case by the handling relation") {
    const Permissions& p = shipped();
    const Case mine = request_case("in_progress", "urban");
    const Case other = request_case("in_progress", "police");
    CHECK(p.check(Action::reveal, kDesk, &other));
    CHECK(p.check(Action::reveal, kUrban, &mine));
    CHECK(p.check(Action::reveal, kUrban, &other).error().kind == ErrorKind::forbidden);
    CHECK(p.check(Action::reveal, kAuditor, &mine).error().kind == ErrorKind::forbidden);
    CHECK(p.check(Action::reveal, kSupervisor, &mine).error().kind == ErrorKind::forbidden);
    CHECK(p.check(Action::read_access_log, kAuditor));
    CHECK(p.check(Action::read_access_log, kDesk).error().kind == ErrorKind::forbidden);
    CHECK(p.check(Action::add_note, kUrban, &mine));
    CHECK_FALSE(p.check(Action::add_note, kUrban, &other));
    CHECK_FALSE(p.check(Action::add_note, kAuditor, &mine));
    CHECK(p.check(Action::create_case, kUrban));
    CHECK_FALSE(p.check(Action::create_case, kAuditor));
    CHECK(p.check(Action::manage_users, kAdmin));
    CHECK_FALSE(p.check(Action::manage_users, kSupervisor));
    CHECK(p.check(Action::manage_directory, kSupervisor));
    CHECK(Permissions::unrestricted().check(Action::manage_users, kAuditor));
  }
  TEST_CASE("report scope: every case, the own department's, or none (forbidden)") {
    const auto scope = [](const Actor& a) { return shipped().report_scope(a); };
    REQUIRE(scope(kAuditor));
    CHECK_FALSE(scope(kAuditor).value().department.has_value());
    CHECK(scope(kAuditor).value().confidential);
    REQUIRE(scope(kDispatcher));
    CHECK_FALSE(scope(kDispatcher).value().department.has_value());
    CHECK_FALSE(scope(kDispatcher).value().confidential);  // not in see_confidential_cases
    const Actor head{9, "head.urban", "department_head", "urban", ""};
    REQUIRE(scope(head));
    CHECK(scope(head).value().department == std::optional<std::string>("urban"));
    CHECK_FALSE(scope(head).value().confidential);
    for (const Actor& refused :
         {kDesk, kUrban, Actor{10, "head.none", "department_head", "", ""}}) {
      CAPTURE(refused.username);
      REQUIRE_FALSE(scope(refused));
      CHECK(scope(refused).error().kind == ErrorKind::forbidden);
    }

    PermissionRules rules = complete_rules();
    rules.reports.emplace()["all"] = {"auditor", "clerk"};
    (*rules.reports)["everything"] = {"admin"};
    auto p = Permissions::make(rules, workflows());
    REQUIRE_FALSE(p);
    std::vector<std::string> paths;
    for (const FieldError& f : p.error().fields) paths.push_back(f.field);
    CHECK(paths == std::vector<std::string>{"reports.everything", "reports.all[1]"});
  }
}
