#include "adapters/http/ledger_rows.hpp"

#include <array>

#include "engine/cases/code_labels.hpp"

namespace outpost::http {

namespace {

// clang-format off
constexpr std::array<Column, 26> kDisputeLedger{{
    {"seq", "序号"}, {"number", "编号"}, {"registered_on", "登记日期"},
    {"applicant", "当事人"}, {"applicant_phone", "联系电话"},
    {"applicant_id_number", "身份证号"},
    {"respondent", "对方当事人"}, {"respondent_phone", "对方联系电话"},
    {"community", "社区"}, {"grid", "网格"}, {"micro_grid", "微网格"},
    {"place", "社区网格"}, {"address", "地址"},
    {"category", "纠纷类别"}, {"statistics_class", "统计分类"},
    {"summary", "纠纷简要情况"}, {"mediators", "调解员"},
    {"result", "调解结果"}, {"agreement_form", "协议形式"},
    {"agreement_amount", "协议金额（元）"}, {"performance_due", "履行期限"},
    {"performance", "履行情况"}, {"judicial_confirmation", "司法确认"},
    {"follow_up", "回访情况"}, {"state", "办理状态"}, {"closed_on", "结案日期"},
}};

constexpr std::array<Column, 26> kRequestLedger{{
    {"seq", "序号"}, {"number", "编号"}, {"received_at", "受理时间"},
    {"channel", "来源渠道"}, {"category", "诉求类别"},
    {"applicant", "诉求人"}, {"applicant_phone", "联系电话"},
    {"title", "诉求事项"}, {"summary", "诉求内容"},
    {"community", "社区"}, {"grid", "网格"}, {"place", "社区网格"}, {"address", "地址"},
    {"department", "承办部门"}, {"assignees", "承办人"},
    {"dispatched_at", "派单时间"}, {"acknowledged_in_time", "签收及时"},
    {"escalations", "督办次数"}, {"returns", "退单次数"}, {"extensions", "延期次数"},
    {"deadline", "办理时限"}, {"overdue", "是否超期"}, {"closed_at", "办结时间"},
    {"satisfaction", "回访满意度"}, {"resolved", "是否解决"}, {"state", "办理状态"},
}};
// clang-format on

// One member of the parties of `role`, joined by "、" ("张秀英、李强").
std::string of_role(const std::vector<Party>& parties, std::string_view role,
                    std::string Party::*member) {
  std::string out;
  for (const Party& p : parties) {
    if (p.role != role || (p.*member).empty()) continue;
    out += (out.empty() ? "" : "、") + p.*member;
  }
  return out;
}

std::string fact_text(const Case& c, std::string_view key) {
  const boost::json::value* v = c.facts.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::int64_t> fact_int(const Case& c, std::string_view key) {
  const boost::json::value* v = c.facts.if_contains(key);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->get_int64();
}

// The words for a code of the record, or empty for none.
std::string_view word(const std::string& code) {
  return code.empty() ? std::string_view() : code_label(code);
}

std::string_view yes_no(std::optional<bool> b) {
  if (!b) return {};
  return *b ? "是" : "否";
}

// The most precise place by name ("龙凤社区第1网格第1微网格"): the shipped
// names of grids and micro-grids already begin with their community's.
std::string_view place_name(const Case& c, const ExportLabels& labels) {
  for (const std::string* code :
       {&c.location.micro_grid, &c.location.grid, &c.location.community}) {
    if (!code->empty()) return labels.place(*code);
  }
  return {};
}

std::string people(const std::vector<std::string>& ids, const LedgerNames& names) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : "、") + names.person(id);
  return out;
}

// 调解结果 in the words the import reads (docs/IMPORT.md): an agreement is a
// success, a failed mediation is not; a case still in mediation, refused or
// withdrawn has none (its 办理状态 tells).
std::string_view mediation_result(const Case& c) {
  if (c.milestones.agreement) return "调解成功";
  if (c.milestones.mediation_failed) return "调解不成";
  return {};
}

// 履行情况: the latest recorded outcome (record_performance), 已履行 once
// confirmed (confirm_performance: the KPI's milestone), 待履行 for an
// agreement with neither.
std::string_view performance(const Case& c) {
  const std::string outcome = fact_text(c, "performance_outcome");
  if (!outcome.empty()) return code_label(outcome);
  if (c.milestones.performed) return code_label("performed");
  return c.milestones.agreement ? "待履行" : "";
}

void where(RowSink& s, const Case& c, const LedgerNames& names, bool micro_grid) {
  s.ours("community", c.location.community);
  s.ours("grid", c.location.grid);
  if (micro_grid) s.ours("micro_grid", c.location.micro_grid);
  s.ours("place", place_name(c, names.labels));
  s.text("address", c.location.address);
}

}  // namespace

std::span<const Column> ledger_columns(CaseKind kind) {
  if (kind == CaseKind::dispute) return kDisputeLedger;
  return kRequestLedger;
}

void ledger_row(RowSink& s, std::int64_t seq, const Case& c, const std::vector<Party>& parties,
                const LedgerNames& names, Millis now) {
  s.begin_row();
  s.number("seq", seq);
  s.ours("number", c.number);
  if (c.kind == CaseKind::dispute) {
    s.day("registered_on", c.created_at);
    s.text("applicant", of_role(parties, "applicant", &Party::name));
    s.text("applicant_phone", of_role(parties, "applicant", &Party::phone));
    s.text("applicant_id_number", of_role(parties, "applicant", &Party::id_number));
    s.text("respondent", of_role(parties, "respondent", &Party::name));
    s.text("respondent_phone", of_role(parties, "respondent", &Party::phone));
    where(s, c, names, true);
    s.ours("category", names.labels.category(c.kind, c.category));
    s.ours(
        "statistics_class",
        names.classes != nullptr && !names.classes->classes().empty()
            ? std::string_view(names.classes->classes()[names.classes->class_of(c.category)].label)
            : std::string_view());
    s.text("summary", c.description);
    s.text("mediators", people(c.assignment.assignees, names));
    s.ours("result", mediation_result(c));
    s.ours("agreement_form", word(fact_text(c, "agreement_form")));
    if (auto amount = fact_int(c, "agreement_amount")) {
      s.number("agreement_amount", *amount);
    } else {
      s.ours("agreement_amount", {});
    }
    s.ours("performance_due", c.milestones.performance_due);
    s.ours("performance", performance(c));
    s.ours("judicial_confirmation", word(fact_text(c, "judicial_confirmation")));
    s.ours("follow_up", word(c.milestones.visit_satisfaction));
    s.ours("state", names.labels.state(c.kind, c.state));
    s.day("closed_on", c.milestones.closed_at);
  } else {
    s.time("received_at", c.created_at);
    s.ours("channel", code_label(c.channel));
    s.ours("category", names.labels.category(c.kind, c.category));
    s.text("applicant", of_role(parties, "applicant", &Party::name));
    s.text("applicant_phone", of_role(parties, "applicant", &Party::phone));
    s.text("title", c.title);
    s.text("summary", c.description);
    where(s, c, names, false);
    s.ours("department", c.assignment.department.empty()
                             ? std::string_view()
                             : names.labels.department(c.assignment.department));
    s.text("assignees", people(c.assignment.assignees, names));
    s.time("dispatched_at", c.milestones.dispatched_at);
    s.ours("acknowledged_in_time", yes_no(c.milestones.acknowledged_in_time));
    s.number("escalations", c.milestones.escalations);
    s.number("returns", fact_int(c, "returns").value_or(0));
    s.number("extensions", c.milestones.extensions);
    s.time("deadline", c.deadline);
    s.flag("overdue", case_is_overdue(c, now));
    s.time("closed_at", c.milestones.closed_at);
    s.ours("satisfaction", word(c.milestones.visit_satisfaction));
    s.ours("resolved", yes_no(c.milestones.visit_resolved));
    s.ours("state", names.labels.state(c.kind, c.state));
  }
  s.end_row();
}

}  // namespace outpost::http
