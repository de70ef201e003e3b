// The dispute machine: the only translation unit that instantiates it.
//
// Facts it keeps in Case::facts (everything else lives in the history):
//   risk_reported       bool    a report_risk was recorded; lets a high-risk case
//                               start mediation (People's Mediation Law Art. 25)
//   follow_up_recorded  bool    record_follow_up happened since the case last
//                               entered follow_up; lets it close from follow_up
//   last_satisfaction   string  the satisfaction of the latest follow-up
//   sessions            int     mediation sessions recorded
//   reopen_count        int     times the case was reopened
//   referred_to         string  court | police | arbitration | department
//   returns             int     times an assignment was returned (return_assignment)
//   judicial_confirmation string applied | confirmed | not_confirmed | rejected |
//                               lapsed: the state of the application for judicial
//                               confirmation (司法确认) of the agreement; absent before
//                               one is made; lapsed: none within 30 days (Art. 33,
//                               engine/deadlines/agreement_timers.hpp records it)
//   agreements          int     agreements reached (reach_agreement): the current one's number
//   agreement_form      string  written | oral (Art. 28)
//   agreement_parties   int     the case's parties when the agreement was reached
//   agreement_confirmed array   the party numbers (1-based) that signed, sealed or put
//                               their thumbprint on a written agreement (confirm_agreement)
//   agreement_effective bool    an oral agreement at once, a written one once every party
//                               confirmed it (Art. 29, 30)
//   performance_due     string  YYYY-MM-DD, the agreement's performance time
//   agreement_amount    int     the amount the agreement settles, in yuan (元), when
//                               reach_agreement gave one (the statistics' 协议金额)
//   performance_outcome string  performed | partly | not_performed (record_performance)
//   rework_count        int     dissatisfied follow-ups that sent the case back to
//                               mediation (重新调解)
//   rework_rounds_spent bool    set by the case service from the catalogue's
//                               policies.rework_rounds_before_escalation: the next
//                               dissatisfied follow-up escalates (督办) instead
//   rework_escalations  int     dissatisfied follow-ups that escalated the case
//   consents            object  party number ("1" = the first of Case::parties) →
//                               {consent: agree | refuse, form: written | oral, at?}:
//                               each party's latest word on mediation (Art. 17)
//   mediator_acceptances object party number → {mediator, form, at?}: the mediator
//                               the party chose or accepted (Art. 19, 23)
//   consent_refused_by  int     the party whose refusal ended mediation (closed)
#include "workflows/dispute/dispute_workflow.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/mpl/joint_view.hpp>
#include <boost/mpl/vector/vector20.hpp>
#include <boost/mpl/vector/vector40.hpp>

#include "workflows/common/msm_support.hpp"

namespace outpost {
namespace {

namespace ms = msm_support;
using boost::msm::front::none;

namespace st {
struct registered : ms::State {
  static constexpr std::string_view name = "registered", label = "已登记";
};
struct accepted : ms::State {
  static constexpr std::string_view name = "accepted", label = "已受理";
};
struct declined : ms::State {
  static constexpr std::string_view name = "declined", label = "不予受理";
};
struct assigned : ms::State {
  static constexpr std::string_view name = "assigned", label = "已分派";
};
struct mediating : ms::State {
  static constexpr std::string_view name = "mediating", label = "调解中";
};
struct agreement_reached : ms::State {
  static constexpr std::string_view name = "agreement_reached", label = "已达成协议";
};
struct mediation_failed : ms::State {
  static constexpr std::string_view name = "mediation_failed", label = "调解不成";
};
struct referred : ms::State {
  static constexpr std::string_view name = "referred", label = "已移交";
};
struct follow_up : ms::State {
  static constexpr std::string_view name = "follow_up", label = "回访中";
};
struct closed : ms::State {
  static constexpr std::string_view name = "closed", label = "已结案";
  static constexpr bool terminal = true;
};
struct withdrawn : ms::State {
  static constexpr std::string_view name = "withdrawn", label = "已撤回";
};
}  // namespace st

constexpr std::array<std::string_view, 4> kReferralTargets{"court", "police", "arbitration",
                                                           "department"};
constexpr std::array<std::string_view, 3> kSatisfaction{"satisfied", "basically_satisfied",
                                                        "dissatisfied"};
constexpr std::array<std::string_view, 2> kVisitOutcomes{"resolved", "not_resolved"};
constexpr std::array<std::string_view, 3> kJudicialOutcomes{"confirmed", "not_confirmed",
                                                            "rejected"};
constexpr std::array<std::string_view, 2> kAgreementForms{"written", "oral"};
constexpr std::array<std::string_view, 3> kConfirmationForms{"signature", "thumbprint", "seal"};
constexpr std::array<std::string_view, 3> kPerformanceOutcomes{"performed", "partly",
                                                               "not_performed"};
constexpr std::array<std::string_view, 2> kConsents{"agree", "refuse"};
constexpr std::array<std::string_view, 2> kForms{"written", "oral"};

// Event types live here: `accept` and `close` would collide with POSIX.
namespace ev {
using ms::field::code;
using ms::field::date;
using ms::field::integer;
using ms::field::optional;
using ms::field::text;
using ms::field::text_list;

struct accept : ms::Event {
  static constexpr std::string_view name = "accept", label = "受理";
};
struct decline : ms::Event {
  static constexpr std::string_view name = "decline", label = "不予受理";
  static constexpr std::array fields{text("reason"), text("route")};
};
struct assign : ms::Event {
  static constexpr std::string_view name = "assign", label = "分派";
  static constexpr std::array fields{text("department"), text_list("assignees")};
};
struct return_assignment : ms::Event {
  static constexpr std::string_view name = "return_assignment", label = "退回分派";
  static constexpr std::array fields{text("reason")};
};
struct start_mediation : ms::Event {
  static constexpr std::string_view name = "start_mediation", label = "开始调解";
};
struct record_session : ms::Event {
  static constexpr std::string_view name = "record_session", label = "记录调解";
  static constexpr std::array fields{text("summary")};
};
struct reach_agreement : ms::Event {
  static constexpr std::string_view name = "reach_agreement", label = "达成协议";
  // Art. 29: the facts and disputed issues, the terms, how and by when they are
  // performed; the parties are the case's (the engine adds their roles).
  static constexpr std::array fields{code("form", kAgreementForms),
                                     text("facts"),
                                     text("issues"),
                                     optional(text("responsibilities")),
                                     text("terms"),
                                     text("performance_method"),
                                     date("performance_due"),
                                     optional(integer("amount", 0))};
};
struct confirm_agreement : ms::Event {
  static constexpr std::string_view name = "confirm_agreement", label = "当事人签字确认";
  // `party`: the party's number in the case's parties (1-based); `attachment_seq`:
  // the case's attachment holding the signed page (checked by the case service).
  static constexpr std::array fields{integer("party", 1), code("form", kConfirmationForms),
                                     integer("attachment_seq", 1)};
};
struct record_performance : ms::Event {
  static constexpr std::string_view name = "record_performance", label = "记录履行情况";
  static constexpr std::array fields{code("outcome", kPerformanceOutcomes), text("note")};
};
struct fail_mediation : ms::Event {
  static constexpr std::string_view name = "fail_mediation", label = "调解不成";
  static constexpr std::array fields{text("reason"), text("route")};
};
struct refer : ms::Event {
  static constexpr std::string_view name = "refer", label = "移交";
  static constexpr std::array fields{code("to", kReferralTargets)};
};
struct confirm_performance : ms::Event {
  static constexpr std::string_view name = "confirm_performance", label = "确认履行";
};
struct report_breach : ms::Event {
  static constexpr std::string_view name = "report_breach", label = "报告未履行";
  static constexpr std::array fields{text("detail")};
};
struct record_follow_up : ms::Event {
  static constexpr std::string_view name = "record_follow_up", label = "记录回访";
  static constexpr std::array fields{code("satisfaction", kSatisfaction), text("note"),
                                     optional(code("outcome", kVisitOutcomes))};
};
struct apply_judicial_confirmation : ms::Event {
  static constexpr std::string_view name = "apply_judicial_confirmation", label = "申请司法确认";
  static constexpr std::array fields{text("court")};
};
struct record_judicial_confirmation : ms::Event {
  static constexpr std::string_view name = "record_judicial_confirmation", label = "司法确认";
  static constexpr std::array fields{code("outcome", kJudicialOutcomes), text("reference")};
};
struct close : ms::Event {
  static constexpr std::string_view name = "close", label = "结案";
};
struct withdraw : ms::Event {
  static constexpr std::string_view name = "withdraw", label = "撤回";
  static constexpr std::array fields{text("reason")};
};
struct reopen : ms::Event {
  static constexpr std::string_view name = "reopen", label = "重新开启";
  static constexpr std::array fields{text("reason")};
};
struct report_risk : ms::Event {
  static constexpr std::string_view name = "report_risk", label = "报告风险";
  static constexpr std::array fields{text("reported_to"), text("detail")};
};
// People's Mediation Law Art. 17 and 23: a party's consent to (or refusal of)
// mediation, and their choice or acceptance of the mediator, with how it was
// given; `party` is the 1-based position in the case's parties, `at` the
// date the party gave it when that was not the day it is recorded.
struct record_consent : ms::Event {
  static constexpr std::string_view name = "record_consent", label = "记录调解意愿";
  static constexpr std::array fields{integer("party", 1), code("consent", kConsents),
                                     code("form", kForms), optional(date("at"))};
};
struct accept_mediator : ms::Event {
  static constexpr std::string_view name = "accept_mediator", label = "选定调解员";
  static constexpr std::array fields{integer("party", 1), text("mediator"), code("form", kForms),
                                     optional(date("at"))};
};
}  // namespace ev

// ---- Rules ----------------------------------------------------------------

// Every way into mediating (start_mediation, reopen, report_breach and a
// dissatisfied follow-up's rework) checks it against the stored case.
struct RiskReportedWhenHigh {
  static constexpr std::string_view description =
      "risk reported (report_risk) when risk_level is high";
  static constexpr std::string_view refusal =
      "mediation cannot start or resume: the case's risk_level is high and no report_risk has "
      "been recorded (People's Mediation Law Art. 25: report a dispute that may escalate first)";
  static bool holds(const Case& c) {
    return c.risk_level != "high" || ms::fact_is_true(c, "risk_reported");
  }
};

struct ReworkRoundsLeft {
  static constexpr std::string_view description =
      "rework rounds left (policies.rework_rounds_before_escalation) and risk reported when "
      "risk_level is high";
  static constexpr std::string_view refusal = RiskReportedWhenHigh::refusal;
  static bool holds(const Case& c) {
    return !ms::fact_is_true(c, "rework_rounds_spent") && RiskReportedWhenHigh::holds(c);
  }
};

struct ReworkRoundsSpent {
  static constexpr std::string_view description =
      "rework rounds spent: escalated (督办), mediation ends as failed";
  static constexpr std::string_view refusal =
      "record_follow_up is refused: the case still has rework rounds left";
  static bool holds(const Case& c) { return ms::fact_is_true(c, "rework_rounds_spent"); }
};

// Art. 17: no mediation session or agreement until every party agreed to be
// mediated; the latest record_consent of a party counts.
struct ConsentOfAllParties {
  static constexpr std::string_view description =
      "every party consented to mediation (record_consent agree)";
  static constexpr std::string_view refusal =
      "record_session and reach_agreement are refused: not every party has consented to "
      "mediation; record_consent with consent agree for each party first (People's Mediation "
      "Law Art. 17)";
  static bool holds(const Case& c) {
    const boost::json::value* consents = c.facts.if_contains("consents");
    const boost::json::object* by_party = consents != nullptr ? consents->if_object() : nullptr;
    for (std::size_t party = 1; party <= c.parties.size(); ++party) {
      const boost::json::value* given =
          by_party != nullptr ? by_party->if_contains(std::to_string(party)) : nullptr;
      const boost::json::value* consent = given != nullptr && given->is_object()
                                              ? given->get_object().if_contains("consent")
                                              : nullptr;
      if (consent == nullptr || !consent->is_string() || consent->get_string() != "agree") {
        return false;
      }
    }
    return true;
  }
};

struct FollowUpRecorded {
  static constexpr std::string_view description =
      "a follow-up recorded since the case entered follow_up";
  static constexpr std::string_view refusal =
      "close is refused: no record_follow_up since the case last entered follow_up";
  static bool holds(const Case& c) { return ms::fact_is_true(c, "follow_up_recorded"); }
};

std::string_view judicial_confirmation(const Case& c) {
  const boost::json::value* v = c.facts.if_contains("judicial_confirmation");
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

struct JudicialConfirmationPending {
  static constexpr std::string_view description =
      "an application for judicial confirmation pending";
  static constexpr std::string_view refusal =
      "record_judicial_confirmation is refused: no application for judicial confirmation "
      "(apply_judicial_confirmation) is pending";
  static bool holds(const Case& c) { return judicial_confirmation(c) == "applied"; }
};

struct WrittenAgreementUnconfirmed {
  static constexpr std::string_view description =
      "a written agreement not yet confirmed by every party";
  static constexpr std::string_view refusal =
      "confirm_agreement is refused: the agreement is oral, or every party has confirmed it";
  static bool holds(const Case& c) {
    const boost::json::value* form = c.facts.if_contains("agreement_form");
    return form != nullptr && form->is_string() && form->get_string() == "written" &&
           !ms::fact_is_true(c, "agreement_effective");
  }
};

// Art. 33: within 30 days of the agreement taking effect (oral: at once;
// written: once every party confirmed it); after a refusal it may be tried again.
struct AgreementInForce {
  static constexpr std::string_view description =
      "the agreement is in force and the 30-day window has not lapsed";
  static constexpr std::string_view refusal =
      "apply_judicial_confirmation is refused: the agreement is not in force yet (a written "
      "agreement needs every party's confirm_agreement), or the 30 days for an application "
      "have lapsed (People's Mediation Law Art. 33)";
  // An agreement recorded before agreements had a form has no agreement_effective: in force.
  static bool holds(const Case& c) {
    return (!c.facts.contains("agreement_effective") ||
            ms::fact_is_true(c, "agreement_effective")) &&
           judicial_confirmation(c) != "lapsed";
  }
};

struct OutcomePerformed {
  static constexpr std::string_view description = "outcome performed";
  static bool holds(const EventPayload& p) { return p.text("outcome") == "performed"; }
};
struct OutcomeNotPerformed {
  static constexpr std::string_view description = "outcome partly or not_performed";
  static bool holds(const EventPayload& p) { return p.text("outcome") != "performed"; }
};

// ---- Conditions on the payload ------------------------------------------

struct SatisfiedEnough {
  static constexpr std::string_view description = "satisfied or basically satisfied";
  static bool holds(const EventPayload& p) { return p.text("satisfaction") != "dissatisfied"; }
};

struct Dissatisfied {
  static constexpr std::string_view description = "dissatisfied";
  static bool holds(const EventPayload& p) { return p.text("satisfaction") == "dissatisfied"; }
};

struct Agrees {
  static constexpr std::string_view description = "consent agree";
  static bool holds(const EventPayload& p) { return p.text("consent") == "agree"; }
};

struct Refuses {
  static constexpr std::string_view description = "consent refuse: mediation ends";
  static bool holds(const EventPayload& p) { return p.text("consent") == "refuse"; }
};

// ---- Effects --------------------------------------------------------------

void record_assignment(Case& c, const EventPayload& p) {
  c.assignment.department = p.text("department");
  c.assignment.assignees = *p.text_list("assignees");
}

void count_session(Case& c, const EventPayload&) {
  ms::count_fact(c, "sessions");
}

void record_referral(Case& c, const EventPayload& p) {
  c.facts["referred_to"] = p.text("to");
}

// Entering follow_up or going back to mediating: a new follow-up is due.
void await_follow_up(Case& c, const EventPayload&) {
  c.facts["follow_up_recorded"] = false;
}

void record_follow_up_visit(Case& c, const EventPayload& p) {
  c.facts["follow_up_recorded"] = true;
  c.facts["last_satisfaction"] = p.text("satisfaction");
}

void record_reopening(Case& c, const EventPayload& p) {
  await_follow_up(c, p);
  ms::count_fact(c, "reopen_count");
}

// A new agreement: a new performance time, a new judicial-confirmation window.
void record_agreement(Case& c, const EventPayload& p) {
  ms::count_fact(c, "agreements");
  c.facts["agreement_form"] = p.text("form");
  c.facts["agreement_parties"] = static_cast<std::int64_t>(c.parties.size());
  c.facts["agreement_confirmed"] = boost::json::array();
  c.facts["agreement_effective"] = p.text("form") == "oral";
  c.facts["performance_due"] = p.text("performance_due");
  if (const std::int64_t* amount = p.integer("amount")) {
    c.facts["agreement_amount"] = *amount;
  } else {
    c.facts.erase("agreement_amount");
  }
  for (std::string_view key : {"performance_outcome", "judicial_confirmation"}) c.facts.erase(key);
}

void record_agreement_confirmation(Case& c, const EventPayload& p) {
  boost::json::value& list = c.facts["agreement_confirmed"];
  if (!list.is_array()) list.emplace_array();
  boost::json::array& confirmed = list.get_array();
  confirmed.emplace_back(*p.integer("party"));
  const boost::json::value* parties = c.facts.if_contains("agreement_parties");
  const std::int64_t needed = parties != nullptr && parties->is_int64() ? parties->get_int64() : 0;
  c.facts["agreement_effective"] = static_cast<std::int64_t>(confirmed.size()) >= needed;
}

void record_performance_outcome(Case& c, const EventPayload& p) {
  c.facts["performance_outcome"] = p.text("outcome");
}

void record_performed(Case& c, const EventPayload& p) {
  record_performance_outcome(c, p);
  await_follow_up(c, p);
}

void record_judicial_application(Case& c, const EventPayload&) {
  c.facts["judicial_confirmation"] = "applied";
}

void record_judicial_ruling(Case& c, const EventPayload& p) {
  c.facts["judicial_confirmation"] = p.text("outcome");
}

void record_risk_report(Case& c, const EventPayload&) {
  c.facts["risk_reported"] = true;
}

// A dissatisfied follow-up within the rounds: back to mediation (重新调解).
void record_rework(Case& c, const EventPayload& p) {
  record_follow_up_visit(c, p);
  await_follow_up(c, p);
  ms::count_fact(c, "rework_count");
}

// A dissatisfied follow-up after the rounds: escalated (督办), mediation failed.
void record_rework_escalation(Case& c, const EventPayload& p) {
  record_follow_up_visit(c, p);
  await_follow_up(c, p);
  ms::count_fact(c, "rework_escalations");
}

// The party's latest word under facts[key][party], with how and when.
void record_party_word(Case& c, std::string_view key, boost::json::object word,
                       const EventPayload& p) {
  word["form"] = p.text("form");
  if (p.contains("at")) word["at"] = p.text("at");
  boost::json::value& by_party = c.facts[key];
  if (!by_party.is_object()) by_party = boost::json::object();
  by_party.get_object()[std::to_string(*p.integer("party"))] = std::move(word);
}

void record_consent(Case& c, const EventPayload& p) {
  record_party_word(c, "consents", {{"consent", p.text("consent")}}, p);
}

void record_consent_refusal(Case& c, const EventPayload& p) {
  record_consent(c, p);
  c.facts["consent_refused_by"] = *p.integer("party");
}

void record_mediator_acceptance(Case& c, const EventPayload& p) {
  record_party_word(c, "mediator_acceptances", {{"mediator", p.text("mediator")}}, p);
}

using ms::Record;
using ms::Row;
using ReportRisk = Record<&record_risk_report>;
using ApplyJudicial = Record<&record_judicial_application>;
using RuleJudicial = Record<&record_judicial_ruling>;
using Consent = Record<&record_consent>;
using Refusal = Record<&record_consent_refusal>;
using AcceptMediator = Record<&record_mediator_acceptance>;
using RecordPerformance = Record<&record_performance_outcome>;
using ms::Always;

struct DisputeDef : ms::MachineDef<DisputeDef> {
  static constexpr CaseKind kind = CaseKind::dispute;
  using initial_state = st::registered;

  // In the order of the API vocabulary: the graph lists states and events in
  // the order they first appear here.
  using main_rows = boost::mpl::vector37<
      Row<st::registered, ev::accept, st::accepted>, Row<st::registered, ev::decline, st::declined>,
      Row<st::accepted, ev::assign, st::assigned, Record<&record_assignment>>,
      Row<st::assigned, ev::return_assignment, st::accepted, Record<&ms::record_return>>,
      Row<st::assigned, ev::start_mediation, st::mediating, none, RiskReportedWhenHigh>,
      Row<st::mediating, ev::record_session, st::mediating, Record<&count_session>,
          ConsentOfAllParties>,
      Row<st::mediating, ev::reach_agreement, st::agreement_reached, Record<&record_agreement>,
          ConsentOfAllParties>,
      Row<st::mediating, ev::fail_mediation, st::mediation_failed>,
      Row<st::mediation_failed, ev::refer, st::referred, Record<&record_referral>>,
      Row<st::declined, ev::refer, st::referred, Record<&record_referral>>,
      Row<st::agreement_reached, ev::confirm_performance, st::follow_up, Record<&await_follow_up>>,
      Row<st::agreement_reached, ev::report_breach, st::mediating, Record<&await_follow_up>,
          RiskReportedWhenHigh>,
      Row<st::follow_up, ev::report_breach, st::mediating, Record<&await_follow_up>,
          RiskReportedWhenHigh>,
      Row<st::follow_up, ev::record_follow_up, st::follow_up, Record<&record_follow_up_visit>,
          Always, SatisfiedEnough>,
      Row<st::follow_up, ev::close, st::closed, none, FollowUpRecorded>,
      Row<st::referred, ev::close, st::closed>, Row<st::declined, ev::close, st::closed>,
      Row<st::withdrawn, ev::close, st::closed>, Row<st::registered, ev::withdraw, st::withdrawn>,
      Row<st::accepted, ev::withdraw, st::withdrawn>,
      Row<st::assigned, ev::withdraw, st::withdrawn>,
      Row<st::mediating, ev::withdraw, st::withdrawn>,
      Row<st::closed, ev::reopen, st::mediating, Record<&record_reopening>, RiskReportedWhenHigh>,
      Row<st::registered, ev::report_risk, st::registered, ReportRisk>,
      Row<st::accepted, ev::report_risk, st::accepted, ReportRisk>,
      Row<st::declined, ev::report_risk, st::declined, ReportRisk>,
      Row<st::assigned, ev::report_risk, st::assigned, ReportRisk>,
      Row<st::mediating, ev::report_risk, st::mediating, ReportRisk>,
      Row<st::agreement_reached, ev::report_risk, st::agreement_reached, ReportRisk>,
      Row<st::mediation_failed, ev::report_risk, st::mediation_failed, ReportRisk>,
      Row<st::referred, ev::report_risk, st::referred, ReportRisk>,
      Row<st::follow_up, ev::report_risk, st::follow_up, ReportRisk>,
      Row<st::withdrawn, ev::report_risk, st::withdrawn, ReportRisk>,
      Row<st::agreement_reached, ev::apply_judicial_confirmation, st::agreement_reached,
          ApplyJudicial, AgreementInForce>,
      Row<st::follow_up, ev::apply_judicial_confirmation, st::follow_up, ApplyJudicial,
          AgreementInForce>,
      Row<st::agreement_reached, ev::record_judicial_confirmation, st::agreement_reached,
          RuleJudicial, JudicialConfirmationPending>,
      Row<st::follow_up, ev::record_judicial_confirmation, st::follow_up, RuleJudicial,
          JudicialConfirmationPending>>;
  // Issue 18: rework after a dissatisfied follow-up, the risk report on the
  // way back from closed, and the parties' consent and mediator (Art. 17, 23).
  using law_rows = boost::mpl::vector13<
      // MSM tries the rows of a (state, event) last first: the rework row's
      // refusal (Art. 25) is the one a refused follow-up reports.
      Row<st::follow_up, ev::record_follow_up, st::mediation_failed,
          Record<&record_rework_escalation>, ReworkRoundsSpent, Dissatisfied>,
      Row<st::follow_up, ev::record_follow_up, st::mediating, Record<&record_rework>,
          ReworkRoundsLeft, Dissatisfied>,
      Row<st::closed, ev::report_risk, st::closed, ReportRisk>,
      Row<st::registered, ev::record_consent, st::registered, Consent, Always, Agrees>,
      Row<st::accepted, ev::record_consent, st::accepted, Consent, Always, Agrees>,
      Row<st::assigned, ev::record_consent, st::assigned, Consent, Always, Agrees>,
      Row<st::mediating, ev::record_consent, st::mediating, Consent, Always, Agrees>,
      Row<st::registered, ev::record_consent, st::closed, Refusal, Always, Refuses>,
      Row<st::accepted, ev::record_consent, st::closed, Refusal, Always, Refuses>,
      Row<st::assigned, ev::record_consent, st::closed, Refusal, Always, Refuses>,
      Row<st::mediating, ev::record_consent, st::closed, Refusal, Always, Refuses>,
      Row<st::assigned, ev::accept_mediator, st::assigned, AcceptMediator>,
      Row<st::mediating, ev::accept_mediator, st::mediating, AcceptMediator>>;
  // The agreement's signatures and its performance (Art. 29, 31).
  using agreement_rows = boost::mpl::vector4<
      Row<st::agreement_reached, ev::confirm_agreement, st::agreement_reached,
          Record<&record_agreement_confirmation>, WrittenAgreementUnconfirmed>,
      Row<st::agreement_reached, ev::record_performance, st::follow_up, Record<&record_performed>,
          ms::Always, OutcomePerformed>,
      Row<st::agreement_reached, ev::record_performance, st::agreement_reached, RecordPerformance,
          ms::Always, OutcomeNotPerformed>,
      Row<st::follow_up, ev::record_performance, st::follow_up, RecordPerformance>>;
  using transition_table =
      boost::mpl::joint_view<boost::mpl::joint_view<main_rows, law_rows>, agreement_rows>;
};

// What the payload names must exist on the case: the party (1-based in
// Case::parties) and, for accept_mediator, a mediator among the assignees.
Status check_against_case(const Case& c, std::string_view event, const EventPayload& p) {
  if (event != ev::record_consent::name && event != ev::accept_mediator::name) return Ok{};
  std::vector<FieldError> bad;
  if (*p.integer("party") > static_cast<std::int64_t>(c.parties.size())) {
    bad.push_back({"party", "must name one of the case's " + std::to_string(c.parties.size()) +
                                " parties by position (1 is the first)"});
  }
  if (event == ev::accept_mediator::name) {
    const std::vector<std::string>& staff = c.assignment.assignees;
    if (std::find(staff.begin(), staff.end(), p.text("mediator")) == staff.end()) {
      bad.push_back({"mediator", "must be one of the case's assignees (assign them first)"});
    }
  }
  if (bad.empty()) return Ok{};
  return Error::invalid_fields(std::move(bad), "the payload of '" + std::string(event) +
                                                   "' names what the case does not have");
}

// The machine, and the payload checks that need the case as well.
class DisputeWorkflow final : public Workflow {
 public:
  const WorkflowGraph& graph() const override { return machine_.graph(); }

  // The machine's checks (state, rules, payload fields) come first.
  Result<Case> applied(const Case& c, std::string_view event,
                       const EventPayload& payload) const override {
    auto next = machine_.applied(c, event, payload);
    if (!next) return next;
    if (Status s = check_against_case(c, event, payload); !s) return s.error();
    return next;
  }

  std::vector<std::string> allowed_events(const Case& c) const override {
    return machine_.allowed_events(c);
  }

 private:
  ms::MsmWorkflow<DisputeDef> machine_;
};

}  // namespace

std::shared_ptr<const Workflow> make_dispute_workflow() {
  return std::make_shared<const DisputeWorkflow>();
}

}  // namespace outpost
