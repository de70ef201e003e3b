// The resident-request machine: the only translation unit that instantiates it.
//
// Facts it keeps in Case::facts (everything else lives in the history):
//   co_departments     array   departments co-handling with the lead (dispatch);
//                              absent when the dispatch named none or was returned
//   returns            int     times a dispatch was returned (return_dispatch)
//   hold_reason        string  why the case is on hold; absent when not on hold
//   extension_pending  object  {"days": int, "reason": string} of the extension
//                              awaiting a decision; absent when none is pending
//   extension_days     int     days granted by approved extensions, in total
//   extensions_denied  int     extension requests denied
//   resolution         string  the latest resolution
//   last_satisfaction  string  the satisfaction of the latest follow-up visit
//   rework_count       int     dissatisfied follow-ups that sent the case back (重办)
//   duplicate_of       int     the case this one duplicates (reject)
//   reopen_count       int     times the case was reopened
#include "workflows/request/request_workflow.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/mpl/vector/vector20.hpp>

#include "workflows/common/msm_support.hpp"

namespace outpost {
namespace {

namespace ms = msm_support;
using boost::msm::front::none;

namespace st {
struct submitted : ms::State {
  static constexpr std::string_view name = "submitted", label = "已提交";
};
struct dispatched : ms::State {
  static constexpr std::string_view name = "dispatched", label = "已派单";
};
struct acknowledged : ms::State {
  static constexpr std::string_view name = "acknowledged", label = "已签收";
};
struct in_progress : ms::State {
  static constexpr std::string_view name = "in_progress", label = "办理中";
};
struct on_hold : ms::State {
  static constexpr std::string_view name = "on_hold", label = "已挂起";
};
struct resolved : ms::State {
  static constexpr std::string_view name = "resolved", label = "已办结";
};
struct closed : ms::State {
  static constexpr std::string_view name = "closed", label = "已结案";
  static constexpr bool terminal = true;
};
struct rejected : ms::State {
  static constexpr std::string_view name = "rejected", label = "不予受理";
  static constexpr bool terminal = true;
};
}  // namespace st

constexpr std::array<std::string_view, 3> kSatisfaction{"satisfied", "basically_satisfied",
                                                        "dissatisfied"};
constexpr std::array<std::string_view, 2> kVisitOutcomes{"resolved", "not_resolved"};

// Event types live in their own namespace, as in the dispute machine.
namespace ev {
using ms::field::code;
using ms::field::integer;
using ms::field::optional;
using ms::field::text;
using ms::field::text_list;

struct dispatch : ms::Event {
  static constexpr std::string_view name = "dispatch", label = "派单";
  static constexpr std::array fields{text("department"), optional(text("assignee")),
                                     optional(text_list("co_departments"))};
};
struct acknowledge : ms::Event {
  static constexpr std::string_view name = "acknowledge", label = "签收";
};
struct return_dispatch : ms::Event {
  static constexpr std::string_view name = "return_dispatch", label = "退单";
  static constexpr std::array fields{text("reason")};
};
struct start_work : ms::Event {
  static constexpr std::string_view name = "start_work", label = "开始办理";
};
struct hold : ms::Event {
  static constexpr std::string_view name = "hold", label = "挂起";
  static constexpr std::array fields{text("reason")};
};
struct resume : ms::Event {
  static constexpr std::string_view name = "resume", label = "恢复办理";
};
struct request_extension : ms::Event {
  static constexpr std::string_view name = "request_extension", label = "申请延期";
  static constexpr std::array fields{integer("days", 1, 365), text("reason")};
};
struct approve_extension : ms::Event {
  static constexpr std::string_view name = "approve_extension", label = "批准延期";
};
struct deny_extension : ms::Event {
  static constexpr std::string_view name = "deny_extension", label = "驳回延期";
};
struct resolve : ms::Event {
  static constexpr std::string_view name = "resolve", label = "办结";
  static constexpr std::array fields{text("resolution")};
};
struct record_follow_up : ms::Event {
  static constexpr std::string_view name = "record_follow_up", label = "回访";
  static constexpr std::array fields{code("satisfaction", kSatisfaction), text("note"),
                                     optional(code("outcome", kVisitOutcomes))};
};
struct reject : ms::Event {
  static constexpr std::string_view name = "reject", label = "不予受理";
  static constexpr std::array fields{text("reason"), optional(integer("duplicate_of", 1))};
};
struct reopen : ms::Event {
  static constexpr std::string_view name = "reopen", label = "重新办理";
  static constexpr std::array fields{text("reason")};
};
}  // namespace ev

// ---- Rules ----------------------------------------------------------------

bool extension_pending(const Case& c) {
  return c.facts.contains("extension_pending");
}

struct NoExtensionPending {
  static constexpr std::string_view description = "no extension request pending";
  static constexpr std::string_view refusal =
      "request_extension is refused: an extension request is already pending; approve or deny "
      "it first";
  static bool holds(const Case& c) { return !extension_pending(c); }
};

struct ExtensionPending {
  static constexpr std::string_view description = "an extension request pending";
  static constexpr std::string_view refusal =
      "approve_extension and deny_extension are refused: no extension request is pending";
  static bool holds(const Case& c) { return extension_pending(c); }
};

// ---- Conditions on the payload ------------------------------------------

std::string_view satisfaction(const EventPayload& p) {
  return p.text("satisfaction");
}

struct SatisfiedEnough {
  static constexpr std::string_view description = "satisfied or basically satisfied";
  static bool holds(const EventPayload& p) {
    return satisfaction(p) == "satisfied" || satisfaction(p) == "basically_satisfied";
  }
};

struct Dissatisfied {
  static constexpr std::string_view description = "dissatisfied: rework";
  static bool holds(const EventPayload& p) { return satisfaction(p) == "dissatisfied"; }
};

// ---- Effects --------------------------------------------------------------

void record_dispatch(Case& c, const EventPayload& p) {
  c.assignment.department = p.text("department");
  c.assignment.assignees.clear();
  if (p.contains("assignee")) c.assignment.assignees.emplace_back(p.text("assignee"));
  if (const std::vector<std::string>* co = p.text_list("co_departments")) {
    c.facts["co_departments"] = ms::fact_list(*co);
  } else {
    c.facts.erase("co_departments");
  }
}

void record_return(Case& c, const EventPayload& p) {
  ms::record_return(c, p);
  c.facts.erase("co_departments");
}

void record_hold(Case& c, const EventPayload& p) {
  c.facts["hold_reason"] = p.text("reason");
}

void record_resume(Case& c, const EventPayload&) {
  c.facts.erase("hold_reason");
}

void record_extension_request(Case& c, const EventPayload& p) {
  c.facts["extension_pending"] = {{"days", *p.integer("days")}, {"reason", p.text("reason")}};
}

void record_extension_approval(Case& c, const EventPayload&) {
  const boost::json::value& days = c.facts.at("extension_pending").as_object().at("days");
  ms::count_fact(c, "extension_days", days.to_number<std::int64_t>());
  c.facts.erase("extension_pending");
}

void record_extension_denial(Case& c, const EventPayload&) {
  ms::count_fact(c, "extensions_denied");
  c.facts.erase("extension_pending");
}

void record_resolution(Case& c, const EventPayload& p) {
  c.facts["resolution"] = p.text("resolution");
}

void record_satisfaction(Case& c, const EventPayload& p) {
  c.facts["last_satisfaction"] = satisfaction(p);
}

void record_rework(Case& c, const EventPayload& p) {
  record_satisfaction(c, p);
  ms::count_fact(c, "rework_count");
}

void record_rejection(Case& c, const EventPayload& p) {
  if (const std::int64_t* original = p.integer("duplicate_of")) c.facts["duplicate_of"] = *original;
}

void record_reopening(Case& c, const EventPayload&) {
  ms::count_fact(c, "reopen_count");
}

using ms::Always;
using ms::Record;
using ms::Row;

struct RequestDef : ms::MachineDef<RequestDef> {
  static constexpr CaseKind kind = CaseKind::request;
  using initial_state = st::submitted;

  // In the order of the API vocabulary: the graph lists states and events in
  // the order they first appear here.
  using transition_table = boost::mpl::vector14<
      Row<st::submitted, ev::dispatch, st::dispatched, Record<&record_dispatch>>,
      Row<st::dispatched, ev::acknowledge, st::acknowledged>,
      Row<st::dispatched, ev::return_dispatch, st::submitted, Record<&record_return>>,
      Row<st::acknowledged, ev::start_work, st::in_progress>,
      Row<st::in_progress, ev::hold, st::on_hold, Record<&record_hold>>,
      Row<st::on_hold, ev::resume, st::in_progress, Record<&record_resume>>,
      Row<st::in_progress, ev::request_extension, st::in_progress,
          Record<&record_extension_request>, NoExtensionPending>,
      Row<st::in_progress, ev::approve_extension, st::in_progress,
          Record<&record_extension_approval>, ExtensionPending>,
      Row<st::in_progress, ev::deny_extension, st::in_progress, Record<&record_extension_denial>,
          ExtensionPending>,
      Row<st::in_progress, ev::resolve, st::resolved, Record<&record_resolution>>,
      Row<st::resolved, ev::record_follow_up, st::closed, Record<&record_satisfaction>, Always,
          SatisfiedEnough>,
      Row<st::resolved, ev::record_follow_up, st::in_progress, Record<&record_rework>, Always,
          Dissatisfied>,
      Row<st::submitted, ev::reject, st::rejected, Record<&record_rejection>>,
      Row<st::closed, ev::reopen, st::in_progress, Record<&record_reopening>>>;
};

}  // namespace

std::shared_ptr<const Workflow> make_request_workflow() {
  return std::make_shared<const ms::MsmWorkflow<RequestDef>>();
}

}  // namespace outpost
