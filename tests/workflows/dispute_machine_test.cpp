// The dispute machine against the API's dispute vocabulary (docs/API.md). The
// expected table below is written from that document, not from the machine.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "engine/cases/case.hpp"
#include "engine/cases/workflow.hpp"
#include "engine/core/error.hpp"
#include "tests/workflows/machine_checks.hpp"
#include "workflows/dispute/dispute_workflow.hpp"
#include "workflows/registry.hpp"

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

const std::vector<std::string> kStates{
    "registered",       "accepted", "declined",  "assigned", "mediating", "agreement_reached",
    "mediation_failed", "referred", "follow_up", "closed",   "withdrawn"};

const std::map<std::string, std::string> kStateLabels{
    {"registered", "已登记"},         {"accepted", "已受理"},
    {"declined", "不予受理"},         {"assigned", "已分派"},
    {"mediating", "调解中"},          {"agreement_reached", "已达成协议"},
    {"mediation_failed", "调解不成"}, {"referred", "已移交"},
    {"follow_up", "回访中"},          {"closed", "已结案"},
    {"withdrawn", "已撤回"}};

// In the order of the API's vocabulary table.
const std::vector<std::string> kEvents{"accept",
                                       "decline",
                                       "assign",
                                       "return_assignment",
                                       "start_mediation",
                                       "record_session",
                                       "reach_agreement",
                                       "fail_mediation",
                                       "refer",
                                       "confirm_performance",
                                       "report_breach",
                                       "record_follow_up",
                                       "close",
                                       "withdraw",
                                       "reopen",
                                       "report_risk",
                                       "apply_judicial_confirmation",
                                       "record_judicial_confirmation",
                                       "record_consent",
                                       "accept_mediator",
                                       "confirm_agreement",
                                       "record_performance"};

const std::map<std::string, std::string> kEventLabels{
    {"accept", "受理"},
    {"decline", "不予受理"},
    {"assign", "分派"},
    {"return_assignment", "退回分派"},
    {"start_mediation", "开始调解"},
    {"record_session", "记录调解"},
    {"reach_agreement", "达成协议"},
    {"fail_mediation", "调解不成"},
    {"refer", "移交"},
    {"confirm_performance", "确认履行"},
    {"report_breach", "报告未履行"},
    {"record_follow_up", "记录回访"},
    {"close", "结案"},
    {"withdraw", "撤回"},
    {"reopen", "重新开启"},
    {"report_risk", "报告风险"},
    {"apply_judicial_confirmation", "申请司法确认"},
    {"record_judicial_confirmation", "司法确认"},
    {"record_consent", "记录调解意愿"},
    {"accept_mediator", "选定调解员"},
    {"confirm_agreement", "当事人签字确认"},
    {"record_performance", "记录履行情况"}};

const std::map<std::string, std::vector<std::string>> kRequired{
    {"accept", {}},
    {"decline", {"reason", "route"}},
    {"assign", {"department", "assignees"}},
    {"return_assignment", {"reason"}},
    {"start_mediation", {}},
    {"record_session", {"summary"}},
    {"reach_agreement",
     {"form", "facts", "issues", "terms", "performance_method", "performance_due"}},
    {"fail_mediation", {"reason", "route"}},
    {"refer", {"to"}},
    {"confirm_performance", {}},
    {"report_breach", {"detail"}},
    {"record_follow_up", {"satisfaction", "note"}},
    {"close", {}},
    {"withdraw", {"reason"}},
    {"reopen", {"reason"}},
    {"report_risk", {"reported_to", "detail"}},
    {"apply_judicial_confirmation", {"court"}},
    {"record_judicial_confirmation", {"outcome", "reference"}},
    {"record_consent", {"party", "consent", "form"}},
    {"accept_mediator", {"party", "mediator", "form"}},
    {"confirm_agreement", {"party", "form", "attachment_seq"}},
    {"record_performance", {"outcome", "note"}}};

using Transition = std::tuple<std::string, std::string, std::string>;  // from, event, to

std::vector<Transition> expected_transitions() {
  std::vector<Transition> t{
      {"registered", "accept", "accepted"},
      {"registered", "decline", "declined"},
      {"accepted", "assign", "assigned"},
      {"assigned", "return_assignment", "accepted"},
      {"assigned", "start_mediation", "mediating"},
      {"mediating", "record_session", "mediating"},
      {"mediating", "reach_agreement", "agreement_reached"},
      {"mediating", "fail_mediation", "mediation_failed"},
      {"mediation_failed", "refer", "referred"},
      {"declined", "refer", "referred"},
      {"agreement_reached", "confirm_performance", "follow_up"},
      {"agreement_reached", "report_breach", "mediating"},
      {"follow_up", "report_breach", "mediating"},
      {"follow_up", "record_follow_up", "follow_up"},
      {"follow_up", "close", "closed"},
      {"referred", "close", "closed"},
      {"declined", "close", "closed"},
      {"withdrawn", "close", "closed"},
      {"registered", "withdraw", "withdrawn"},
      {"accepted", "withdraw", "withdrawn"},
      {"assigned", "withdraw", "withdrawn"},
      {"mediating", "withdraw", "withdrawn"},
      {"closed", "reopen", "mediating"},
      {"agreement_reached", "apply_judicial_confirmation", "agreement_reached"},
      {"follow_up", "apply_judicial_confirmation", "follow_up"},
      {"agreement_reached", "record_judicial_confirmation", "agreement_reached"},
      {"follow_up", "record_judicial_confirmation", "follow_up"},
      // A dissatisfied 回访: rework (重新调解), or after the rounds escalation.
      {"follow_up", "record_follow_up", "mediating"},
      {"follow_up", "record_follow_up", "mediation_failed"},
      {"assigned", "accept_mediator", "assigned"},
      {"mediating", "accept_mediator", "mediating"},
      {"agreement_reached", "confirm_agreement", "agreement_reached"},
      {"agreement_reached", "record_performance", "follow_up"},          // outcome performed
      {"agreement_reached", "record_performance", "agreement_reached"},  // partly, not_performed
      {"follow_up", "record_performance", "follow_up"},
  };
  for (const std::string& s : kStates) {
    t.emplace_back(s, "report_risk", s);  // any state → same (closed: before a reopen)
  }
  // Consent (agree) keeps the state; a refusal ends mediation.
  for (const char* s : {"registered", "accepted", "assigned", "mediating"}) {
    t.emplace_back(s, "record_consent", s);
    t.emplace_back(s, "record_consent", "closed");
  }
  return t;
}

std::optional<std::string> expected_target(const std::string& from, const std::string& event) {
  for (const auto& [f, e, to] : expected_transitions()) {
    if (f == from && e == event) return to;
  }
  return std::nullopt;
}

object valid_payload(const std::string& event) {
  static const std::map<std::string, object> payloads{
      {"decline", {{"reason", "not a civil dispute"}, {"route", "told to call 12345"}}},
      {"assign", {{"department", "legal"}, {"assignees", array{"u17", "u23"}}}},
      {"return_assignment", {{"reason", "wrong grid"}}},
      {"record_session", {{"summary", "both parties heard"}}},
      {"reach_agreement",
       {{"form", "oral"},
        {"facts", "the pipe leaks"},
        {"issues", "who pays"},
        {"terms", "repair the pipe"},
        {"performance_method", "the upstairs owner hires a plumber"},
        {"performance_due", "2026-03-31"}}},
      {"confirm_agreement", {{"party", 1}, {"form", "thumbprint"}, {"attachment_seq", 3}}},
      {"record_performance", {{"outcome", "performed"}, {"note", "pipe repaired"}}},
      {"fail_mediation", {{"reason", "respondent refuses"}, {"route", "court"}}},
      {"refer", {{"to", "court"}}},
      {"report_breach", {{"detail", "pipe still leaking"}}},
      {"record_follow_up", {{"satisfaction", "satisfied"}, {"note", "visited on site"}}},
      {"withdraw", {{"reason", "applicant withdrew"}}},
      {"reopen", {{"reason", "dispute flared up again"}}},
      {"report_risk", {{"reported_to", "police"}, {"detail", "threats of violence"}}},
      {"apply_judicial_confirmation", {{"court", "西山坪人民法庭"}}},
      {"record_judicial_confirmation",
       {{"outcome", "confirmed"}, {"reference", "(2026)渝0109民特12号"}}},
      {"record_consent", {{"party", 1}, {"consent", "agree"}, {"form", "written"}}},
      {"accept_mediator", {{"party", 1}, {"mediator", "u17"}, {"form", "oral"}}},
  };
  const auto it = payloads.find(event);
  return it == payloads.end() ? object{} : it->second;
}

std::shared_ptr<const Workflow> dispute() {
  static const std::shared_ptr<const Workflow> wf = outpost::make_dispute_workflow();
  return wf;
}

Case make_case(const std::string& state) {
  Case c;
  c.id = 42;
  c.kind = CaseKind::dispute;
  c.state = state;
  return c;
}

void apply_ok(Case& c, const std::string& event, const object& payload) {
  outpost::testing::apply_ok(*dispute(), c, event, payload);
}

void apply_ok(Case& c, const std::string& event) {
  apply_ok(c, event, valid_payload(event));
}

// Expects `event` with `payload` to be refused as invalid, naming exactly `fields`.
void check_invalid(const std::string& state, const std::string& event, const object& payload,
                   const std::vector<std::string>& fields) {
  Case c = make_case(state);
  c.facts["judicial_confirmation"] = "applied";  // record_judicial_confirmation's rule holds
  c.facts["agreement_form"] = "written";         // and confirm_agreement's
  outpost::testing::check_invalid(*dispute(), c, event, payload, fields);
}

}  // namespace

TEST_SUITE("dispute_machine") {
  TEST_CASE("every state x event pair lands where API.md says or is refused unchanged") {
    const auto wf = dispute();
    for (const std::string& state : kStates) {
      std::vector<std::string> expected_allowed;
      for (const std::string& event : kEvents) {
        if (expected_target(state, event)) expected_allowed.push_back(event);
      }
      for (const std::string& event : kEvents) {
        INFO("state=", state, " event=", event);
        Case c = make_case(state);
        c.facts["follow_up_recorded"] = true;  // so that close from follow_up passes its rule
        c.facts["judicial_confirmation"] = "applied";  // and record_judicial_confirmation its
        c.parties = {{"applicant", "a", "", ""}};      // consented, with its mediator assigned
        c.facts["consents"] = object{{"1", object{{"consent", "agree"}}}};
        c.assignment.assignees = {"u17"};
        c.facts["agreement_form"] = "written";  // and confirm_agreement its
        check_pair(*wf, c, event, valid_payload(event), expected_target(state, event),
                   expected_allowed);
      }
    }
  }

  TEST_CASE("each required payload field missing is invalid and names that field") {
    for (const auto& [event, required] : kRequired) {
      if (required.empty()) continue;
      const std::vector<Transition> table = expected_transitions();
      const auto row = std::find_if(table.begin(), table.end(), [&e = event](const Transition& t) {
        return std::get<1>(t) == e;
      });
      REQUIRE(row != table.end());
      const std::string& from = std::get<0>(*row);
      for (const std::string& field : required) {
        object payload = valid_payload(event);
        payload.erase(field);
        check_invalid(from, event, payload, {field});
      }
      check_invalid(from, event, object{}, required);
    }
  }

  TEST_CASE("ill-typed payload fields are invalid and name the field") {
    const auto with = [](const std::string& event, const char* key, boost::json::value v) {
      object payload = valid_payload(event);
      payload[key] = std::move(v);
      return payload;
    };
    check_invalid("accepted", "assign", with("assign", "assignees", "x"), {"assignees"});
    check_invalid("accepted", "assign", with("assign", "assignees", array{}), {"assignees"});
    check_invalid("accepted", "assign", with("assign", "assignees", array{"u1", ""}),
                  {"assignees"});
    check_invalid("accepted", "assign", with("assign", "assignees", array{"u1", 7}), {"assignees"});
    check_invalid("accepted", "assign", with("assign", "department", 5), {"department"});
    check_invalid("mediating", "reach_agreement",
                  with("reach_agreement", "performance_due", "2026-02-30"), {"performance_due"});
    check_invalid("mediating", "reach_agreement",
                  with("reach_agreement", "performance_due", "2026-2-3"), {"performance_due"});
    check_invalid("mediating", "reach_agreement",
                  with("reach_agreement", "performance_due", "2026-13-01"), {"performance_due"});
    check_invalid("mediating", "reach_agreement",
                  with("reach_agreement", "performance_due", "20x6-01-01"), {"performance_due"});
    check_invalid("mediating", "reach_agreement",
                  with("reach_agreement", "performance_due", 20260301), {"performance_due"});
    check_invalid("follow_up", "record_follow_up", with("record_follow_up", "satisfaction", "meh"),
                  {"satisfaction"});
    check_invalid("declined", "refer", with("refer", "to", "mars"), {"to"});
    check_invalid("registered", "decline", with("decline", "reason", ""), {"reason"});
    check_invalid("mediating", "record_session", with("record_session", "summary", nullptr),
                  {"summary"});
    check_invalid("closed", "reopen", with("reopen", "reason", true), {"reason"});
    check_invalid("registered", "decline", object{{"reason", 1}, {"route", array{}}},
                  {"reason", "route"});
  }

  TEST_CASE("valid edge cases and extra payload keys are accepted") {
    Case c = make_case("mediating");
    object payload = valid_payload("reach_agreement");
    payload["performance_due"] = "2028-02-29";
    payload["note"] = "extra key";
    apply_ok(c, "reach_agreement", payload);
    CHECK(c.state == "agreement_reached");
    for (const char* satisfaction : {"satisfied", "basically_satisfied", "dissatisfied"}) {
      Case f = make_case("follow_up");
      apply_ok(f, "record_follow_up", {{"satisfaction", satisfaction}, {"note", "n"}});
      CHECK(f.facts.at("last_satisfaction") == satisfaction);
    }
    for (const char* to : {"court", "police", "arbitration", "department"}) {
      Case r = make_case("mediation_failed");
      apply_ok(r, "refer", {{"to", to}});
      CHECK(r.facts.at("referred_to") == to);
    }
  }

  TEST_CASE("checks run in order: event name then transition then rule then payload") {
    const auto wf = dispute();
    Case c = make_case("mediating");
    const Case before = c;

    Status s = wf->apply(c, "teleport", typed(valid_payload("accept")));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == ErrorKind::invalid);
    CHECK(field_names(s.error()) == std::vector<std::string>{"event"});
    check_unchanged(before, c);

    s = wf->apply(c, "", typed(object{}));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == ErrorKind::invalid);
    CHECK(field_names(s.error()) == std::vector<std::string>{"event"});

    // No row beats a bad payload.
    s = wf->apply(c, "decline", typed(object{}));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == ErrorKind::not_allowed_in_state);
    CHECK(s.error().fields.empty());
    check_unchanged(before, c);
  }

  TEST_CASE("a high-risk case cannot start mediation until the risk is reported (Art. 25)") {
    const auto wf = dispute();
    Case c = make_case("assigned");
    c.risk_level = "high";
    const Case before = c;
    const std::vector<std::string> without_start{"return_assignment", "withdraw", "report_risk",
                                                 "record_consent", "accept_mediator"};
    CHECK(wf->allowed_events(c) == without_start);

    Status s = wf->apply(c, "start_mediation", typed(object{}));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == ErrorKind::not_allowed_in_state);
    CHECK(s.error().state == "assigned");
    CHECK(s.error().allowed_events == without_start);
    CHECK(s.error().message.find("Art. 25") != std::string::npos);
    check_unchanged(before, c);

    apply_ok(c, "report_risk");
    CHECK(c.state == "assigned");
    CHECK(c.facts.at("risk_reported") == true);
    CHECK(wf->allowed_events(c) == std::vector<std::string>{"return_assignment", "start_mediation",
                                                            "withdraw", "report_risk",
                                                            "record_consent", "accept_mediator"});
    apply_ok(c, "start_mediation");
    CHECK(c.state == "mediating");

    Case medium = make_case("assigned");
    medium.risk_level = "medium";
    apply_ok(medium, "start_mediation");
    CHECK(medium.state == "mediating");
  }

  TEST_CASE("close from follow_up needs a follow-up since the case last entered follow_up") {
    const auto wf = dispute();
    Case c = make_case("registered");
    for (const char* event : {"accept", "assign", "start_mediation", "record_session",
                              "reach_agreement", "confirm_performance"}) {
      apply_ok(c, event);
    }
    REQUIRE(c.state == "follow_up");
    const std::vector<std::string> without_close{"report_breach", "record_follow_up", "report_risk",
                                                 "apply_judicial_confirmation",
                                                 "record_performance"};
    const auto close_is_refused = [&] {
      const Case before = c;
      const Status s = wf->apply(c, "close", typed(object{}));
      REQUIRE_FALSE(s.ok());
      CHECK(s.error().kind == ErrorKind::not_allowed_in_state);
      CHECK(s.error().state == "follow_up");
      CHECK(s.error().allowed_events == without_close);
      CHECK(s.error().message.find("record_follow_up") != std::string::npos);
      check_unchanged(before, c);
    };
    close_is_refused();
    CHECK(wf->allowed_events(c) == without_close);

    apply_ok(c, "record_follow_up");
    CHECK(wf->allowed_events(c) ==
          std::vector<std::string>{"report_breach", "record_follow_up", "close", "report_risk",
                                   "apply_judicial_confirmation", "record_performance"});
    for (const char* event : {"report_breach", "reach_agreement", "confirm_performance"}) {
      apply_ok(c, event);
    }
    REQUIRE(c.state == "follow_up");
    close_is_refused();

    apply_ok(c, "record_follow_up");
    apply_ok(c, "close");
    CHECK(c.state == "closed");
  }

  TEST_CASE("effects record what the event did into the case") {
    Case c = make_case("accepted");
    apply_ok(c, "assign");
    CHECK(c.state == "assigned");
    CHECK(c.assignment.department == "legal");
    CHECK(c.assignment.assignees == std::vector<std::string>{"u17", "u23"});

    apply_ok(c, "return_assignment");
    CHECK(c.state == "accepted");
    CHECK(c.assignment.department.empty());
    CHECK(c.assignment.assignees.empty());
    CHECK(c.facts.at("returns") == 1);
    apply_ok(c, "assign");
    apply_ok(c, "return_assignment");
    CHECK(c.facts.at("returns") == 2);

    apply_ok(c, "assign");
    apply_ok(c, "start_mediation");
    apply_ok(c, "record_session");
    apply_ok(c, "record_session");
    CHECK(c.facts.at("sessions") == 2);

    apply_ok(c, "fail_mediation");
    apply_ok(c, "refer", {{"to", "arbitration"}});
    CHECK(c.facts.at("referred_to") == "arbitration");
    apply_ok(c, "close");
    apply_ok(c, "reopen");
    CHECK(c.state == "mediating");
    CHECK(c.facts.at("reopen_count") == 1);
    CHECK(c.facts.at("follow_up_recorded") == false);
    apply_ok(c, "withdraw");
    apply_ok(c, "close");
    apply_ok(c, "reopen");
    CHECK(c.facts.at("reopen_count") == 2);

    Case f = make_case("follow_up");
    apply_ok(f, "record_follow_up", {{"satisfaction", "satisfied"}, {"note", "fixed"}});
    CHECK(f.facts.at("follow_up_recorded") == true);
    apply_ok(f, "report_breach");
    CHECK(f.facts.at("follow_up_recorded") == false);

    // A dissatisfied 回访: back to mediation until the service marks the
    // rounds spent, then escalated and failed.
    Case r = make_case("follow_up");
    apply_ok(r, "record_follow_up", {{"satisfaction", "dissatisfied"}, {"note", "still noisy"}});
    CHECK(r.state == "mediating");
    CHECK(r.facts.at("last_satisfaction") == "dissatisfied");
    CHECK(r.facts.at("rework_count") == 1);
    CHECK(r.facts.at("follow_up_recorded") == false);
    Case e = make_case("follow_up");
    e.facts["rework_rounds_spent"] = true;
    apply_ok(e, "record_follow_up", {{"satisfaction", "dissatisfied"}, {"note", "still noisy"}});
    CHECK(e.state == "mediation_failed");
    CHECK(e.facts.at("rework_escalations") == 1);
    CHECK_FALSE(e.facts.contains("rework_count"));

    // Consent and mediator: each party's latest word, with its form.
    Case m = make_case("assigned");
    m.parties = {{"applicant", "a", "", ""}, {"respondent", "b", "", ""}};
    m.assignment.assignees = {"u17"};
    apply_ok(m, "record_consent",
             {{"party", 2}, {"consent", "agree"}, {"form", "oral"}, {"at", "2026-03-01"}});
    CHECK(m.facts.at("consents").at("2").at("form") == "oral");
    CHECK(m.facts.at("consents").at("2").at("at") == "2026-03-01");
    apply_ok(m, "accept_mediator");
    CHECK(m.facts.at("mediator_acceptances").at("1").at("mediator") == "u17");
    check_invalid("assigned", "record_consent", valid_payload("record_consent"), {"party"});
    apply_ok(m, "record_consent", {{"party", 1}, {"consent", "refuse"}, {"form", "written"}});
    CHECK(m.state == "closed");
    CHECK(m.facts.at("consent_refused_by") == 1);
  }

  TEST_CASE("judicial confirmation (司法确认) is recorded only after it was applied for") {
    Case c = make_case("agreement_reached");
    const Case before = c;
    const Status early = dispute()->apply(c, "record_judicial_confirmation",
                                          typed(valid_payload("record_judicial_confirmation")));
    REQUIRE_FALSE(early.ok());
    CHECK(early.error().kind == ErrorKind::not_allowed_in_state);
    CHECK(early.error().message.find("apply_judicial_confirmation") != std::string::npos);
    check_unchanged(before, c);

    apply_ok(c, "apply_judicial_confirmation");
    CHECK(c.state == "agreement_reached");
    CHECK(c.facts.at("judicial_confirmation") == "applied");
    apply_ok(c, "record_judicial_confirmation",
             {{"outcome", "not_confirmed"}, {"reference", "(2026)渝0109民特3号"}});
    CHECK(c.facts.at("judicial_confirmation") == "not_confirmed");
    apply_ok(c, "apply_judicial_confirmation");
    apply_ok(c, "confirm_performance");
    apply_ok(c, "record_judicial_confirmation");
    CHECK(c.state == "follow_up");
    CHECK(c.facts.at("judicial_confirmation") == "confirmed");
  }

  TEST_CASE("a written agreement is in force once every party confirmed it (Art. 29-30)") {
    Case c = make_case("mediating");
    c.parties = {{"applicant", "a", "", ""}, {"respondent", "b", "", ""}};
    c.facts["consents"] = object{{"1", object{{"consent", "agree"}}},  // Art. 17: both consented
                                 {"2", object{{"consent", "agree"}}}};
    object written = valid_payload("reach_agreement");
    written["form"] = "written";
    apply_ok(c, "reach_agreement", written);
    CHECK(c.facts.at("agreement_form") == "written");
    CHECK(c.facts.at("agreement_parties") == 2);
    CHECK(c.facts.at("agreement_effective") == false);
    CHECK(c.facts.at("performance_due") == "2026-03-31");
    const Case before = c;
    const Status early = dispute()->apply(c, "apply_judicial_confirmation",
                                          typed(valid_payload("apply_judicial_confirmation")));
    REQUIRE_FALSE(early.ok());
    CHECK(early.error().kind == ErrorKind::not_allowed_in_state);
    check_unchanged(before, c);

    apply_ok(c, "confirm_agreement");
    CHECK(c.facts.at("agreement_effective") == false);
    apply_ok(c, "confirm_agreement", {{"party", 2}, {"form", "seal"}, {"attachment_seq", 4}});
    CHECK(c.facts.at("agreement_confirmed") == array{1, 2});
    CHECK(c.facts.at("agreement_effective") == true);
    apply_ok(c, "apply_judicial_confirmation");

    apply_ok(c, "record_performance", {{"outcome", "partly"}, {"note", "half paid"}});
    CHECK(c.state == "agreement_reached");
    CHECK(c.facts.at("performance_outcome") == "partly");
    apply_ok(c, "record_performance");
    CHECK(c.state == "follow_up");
    CHECK(c.facts.at("performance_outcome") == "performed");

    Case lapsed = make_case("agreement_reached");
    lapsed.facts["judicial_confirmation"] = "lapsed";
    CHECK_FALSE(dispute()
                    ->apply(lapsed, "apply_judicial_confirmation",
                            typed(valid_payload("apply_judicial_confirmation")))
                    .ok());
  }

  TEST_CASE("allowed_events for representative states in graph order") {
    const auto wf = dispute();
    const auto allowed = [&](const std::string& state) {
      return wf->allowed_events(make_case(state));
    };
    using V = std::vector<std::string>;
    CHECK(allowed("registered") ==
          V{"accept", "decline", "withdraw", "report_risk", "record_consent"});
    CHECK(allowed("declined") == V{"refer", "close", "report_risk"});
    CHECK(allowed("mediating") == V{"record_session", "reach_agreement", "fail_mediation",
                                    "withdraw", "report_risk", "record_consent",
                                    "accept_mediator"});
    CHECK(allowed("agreement_reached") == V{"confirm_performance", "report_breach", "report_risk",
                                            "apply_judicial_confirmation", "record_performance"});
    CHECK(allowed("follow_up") == V{"report_breach", "record_follow_up", "report_risk",
                                    "apply_judicial_confirmation", "record_performance"});
    CHECK(allowed("closed") == V{"reopen", "report_risk"});
    CHECK(allowed("no_such_state").empty());
  }

  TEST_CASE("a case in a state the workflow does not know is an internal error") {
    Case c = make_case("archived");
    const Status s = dispute()->apply(c, "close", typed(object{}));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == ErrorKind::internal);
    CHECK(c.state == "archived");
  }

  TEST_CASE("the graph describes the machine") {
    const outpost::WorkflowGraph& g = dispute()->graph();
    CHECK(g.kind == CaseKind::dispute);
    CHECK(g.initial_state == "registered");

    REQUIRE(g.states.size() == 11);
    for (std::size_t i = 0; i < g.states.size(); ++i) {
      CHECK(g.states[i].name == kStates[i]);
      CHECK(g.states[i].label == kStateLabels.at(kStates[i]));
      CHECK(g.states[i].terminal == (kStates[i] == "closed"));
    }

    REQUIRE(g.events.size() == 22);
    for (std::size_t i = 0; i < g.events.size(); ++i) {
      CHECK(g.events[i].name == kEvents[i]);
      CHECK(g.events[i].label == kEventLabels.at(kEvents[i]));
      CHECK(g.events[i].required == kRequired.at(kEvents[i]));
    }

    REQUIRE(g.transitions.size() == 54);
    const std::set<std::string> states(kStates.begin(), kStates.end());
    std::set<Transition> actual;
    for (const auto& t : g.transitions) {
      CHECK(states.count(t.from) == 1);
      CHECK(states.count(t.to) == 1);
      actual.emplace(t.from, t.event, t.to);
      const bool ruled =
          (t.event == "start_mediation") || (t.event == "close" && t.from == "follow_up") ||
          (t.event == "record_judicial_confirmation") || t.event == "reopen" ||
          t.event == "report_breach" || t.event == "record_session" ||
          t.event == "reach_agreement" || t.event == "record_follow_up" ||
          t.event == "record_consent" || (t.event == "apply_judicial_confirmation") ||
          (t.event == "confirm_agreement") ||
          (t.event == "record_performance" && t.from == "agreement_reached");
      CHECK_MESSAGE(t.guard.empty() != ruled, t.from, " --", t.event, "--> ", t.to);
    }
    const std::vector<Transition> expected = expected_transitions();
    CHECK(actual == std::set<Transition>(expected.begin(), expected.end()));

    CHECK(&dispute()->graph() == &g);
    CHECK(dispute()->state_label("mediating") == "调解中");
    CHECK(dispute()->has_state("follow_up"));
    CHECK_FALSE(dispute()->has_state("in_progress"));
  }

  TEST_CASE("the builtin registry serves the dispute workflow") {
    const outpost::WorkflowRegistry registry = outpost::builtin_workflows();
    const Workflow* wf = registry.find(CaseKind::dispute);
    REQUIRE(wf != nullptr);
    Case c = make_case("registered");
    REQUIRE(wf->apply(c, "accept", typed(object{})).ok());
    CHECK(c.state == "accepted");
  }

  TEST_CASE("one workflow object serves concurrent callers") {
    const auto wf = dispute();
    std::vector<std::string> finals(8);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < finals.size(); ++t) {
      threads.emplace_back([&wf, &finals, t] {
        Case c = make_case("registered");
        for (int round = 0; round < 500; ++round) {
          for (const char* event : {"accept", "assign", "start_mediation", "withdraw", "close",
                                    "reopen", "fail_mediation", "refer", "close"}) {
            if (!wf->apply(c, event, typed(valid_payload(event))).ok()) return;
          }
          c.state = "registered";
        }
        finals[t] = c.state;
      });
    }
    for (auto& th : threads) th.join();
    for (const auto& f : finals) CHECK(f == "registered");
  }
}
