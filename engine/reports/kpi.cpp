// The figures: one table (kFigures) holds each figure's definition and the
// per-case terms of its numerator and denominator, so that the published
// definition and the computation cannot drift apart.
#include "engine/reports/kpi.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace outpost {
namespace {

// A term is a case's share of a numerator or denominator: 0 or 1 for most,
// so that a class of `weight` cases adds weight × term; an amount (returns,
// extensions, …) is summed over the class by the store and added as it is.
using Term = std::int64_t (*)(const ReportClass&);
using Span = std::optional<Millis> (*)(const ReportSpan&);

struct FigureRule {
  FigureDefinition def;
  Term numerator = nullptr;    // count and ratio
  Term denominator = nullptr;  // ratio
  Span until = nullptr;        // working_hours: receipt → this milestone
  double percentile = 0;       // working_hours
  bool amount = false;         // the numerator is a summed amount, not a 0/1 term
};

bool is_dispute(const ReportClass& c) {
  return c.kind == CaseKind::dispute;
}
bool is_request(const ReportClass& c) {
  return c.kind == CaseKind::request;
}
bool visited(const ReportClass& c) {
  return !c.milestones.visit_satisfaction.empty();
}
// The due date is reached (ReportClass::performance_due), or performance is
// already confirmed.
bool agreement_due(const ReportClass& c) {
  const Milestones& m = c.milestones;
  return m.agreement && (m.performed || c.performance_due);
}
std::int64_t one_if(bool b) {
  return b ? 1 : 0;
}

constexpr FigureUnit kCount = FigureUnit::count, kRatio = FigureUnit::ratio,
                     kHours = FigureUnit::working_hours;
constexpr std::string_view kCohort = "cases received in the period";

#define OUTPOST_TERM(body) \
  []([[maybe_unused]] const ReportClass& c) -> std::int64_t { return body; }

const FigureRule kFigures[] = {
    {{"received", "受理总数", "Cases received", kCohort, "", kCount}, OUTPOST_TERM(1)},
    {{"received_disputes", "受理纠纷数", "Disputes received", "disputes among them", "", kCount},
     OUTPOST_TERM(one_if(is_dispute(c)))},
    {{"received_requests", "受理诉求数", "Requests received", "requests among them", "", kCount},
     OUTPOST_TERM(one_if(is_request(c)))},
    {{"open_now", "未结案数", "Open now", "cases not closed now (not in state closed or rejected)",
      "", kCount},
     OUTPOST_TERM(one_if(!c.closed))},
    {{"closed", "已结案数", "Closed", "cases closed or rejected now", "", kCount},
     OUTPOST_TERM(one_if(c.closed))},
    {{"overdue_now", "当前超期数", "Overdue now",
      "cases whose current step's deadline has passed now", "", kCount},
     OUTPOST_TERM(one_if(c.overdue))},
    {{"response_rate", "响应率", "Response rate (signed for in time)",
      "requests whose first 签收 (acknowledge) came no later than the deadline of their "
      "acknowledge step",
      "requests whose response is decided: signed for (签收), or whose acknowledge step's "
      "breach was recorded before it",
      kRatio},
     OUTPOST_TERM(one_if(is_request(c) && c.milestones.acknowledged_in_time.value_or(false))),
     OUTPOST_TERM(one_if(is_request(c) && c.milestones.acknowledged_in_time.has_value()))},
    {{"visited", "回访数", "Cases visited (回访)", "cases with at least one follow-up visit", "",
      kCount},
     OUTPOST_TERM(one_if(visited(c)))},
    {{"resolution_rate", "解决率", "Resolution rate",
      "visited cases whose latest 回访 found the matter resolved (outcome resolved; a visit "
      "that did not say: resolved unless dissatisfied)",
      "cases visited", kRatio},
     OUTPOST_TERM(one_if(visited(c) && c.milestones.visit_resolved.value_or(false))),
     OUTPOST_TERM(one_if(visited(c)))},
    {{"satisfaction_rate", "满意率", "Satisfaction rate",
      "visited cases whose latest 回访 was satisfied (满意) or basically satisfied (基本满意)",
      "cases visited", kRatio},
     OUTPOST_TERM(one_if(visited(c) && c.milestones.visit_satisfaction != "dissatisfied")),
     OUTPOST_TERM(one_if(visited(c)))},
    {{"dissatisfied", "不满意数", "Dissatisfied",
      "visited cases whose latest 回访 was dissatisfied (不满意)", "", kCount},
     OUTPOST_TERM(one_if(c.milestones.visit_satisfaction == "dissatisfied"))},
    {{"mediated", "调解数", "Disputes mediated",
      "disputes that entered mediation (start_mediation)", "", kCount},
     OUTPOST_TERM(one_if(is_dispute(c) && c.milestones.mediated))},
    {{"mediation_succeeded", "调解成功数", "Disputes mediated successfully",
      "mediated disputes that reached an agreement (reach_agreement)", "", kCount},
     OUTPOST_TERM(one_if(is_dispute(c) && c.milestones.mediated && c.milestones.agreement))},
    {{"mediation_success_rate", "调解成功率", "Mediation success rate",
      "mediated disputes that reached an agreement (reach_agreement)", "disputes mediated", kRatio},
     OUTPOST_TERM(one_if(is_dispute(c) && c.milestones.mediated && c.milestones.agreement)),
     OUTPOST_TERM(one_if(is_dispute(c) && c.milestones.mediated))},
    {{"refused_or_failed", "拒绝或调解不成数", "Refused or failed",
      "disputes declined (不予受理), withdrawn (撤回), refused by a party (record_consent "
      "refuse) or whose mediation failed (调解不成, also after the rework rounds)",
      "", kCount},
     OUTPOST_TERM(
         one_if(is_dispute(c) && (c.milestones.refused || c.milestones.mediation_failed)))},
    {{"agreements_due", "到期应履行协议数", "Agreements due for performance",
      "disputes with an agreement whose performance_due date is today or earlier, or whose "
      "performance is already confirmed",
      "", kCount},
     OUTPOST_TERM(one_if(agreement_due(c)))},
    {{"performance_rate", "履行率", "Performance rate",
      "agreements due whose latest performance record says performed (confirm_performance, or "
      "record_performance with outcome performed; partly counts as not performed)",
      "agreements due", kRatio},
     OUTPOST_TERM(one_if(agreement_due(c) && c.milestones.performed)),
     OUTPOST_TERM(one_if(agreement_due(c)))},
    {{"judicial_applied", "申请司法确认数", "Judicial confirmations applied for",
      "disputes whose agreement was submitted for judicial confirmation "
      "(apply_judicial_confirmation)",
      "", kCount},
     OUTPOST_TERM(one_if(c.milestones.judicial_applied))},
    {{"judicial_confirmed", "司法确认数", "Judicial confirmations granted",
      "disputes whose agreement the court confirmed (record_judicial_confirmation, outcome "
      "confirmed)",
      "", kCount},
     OUTPOST_TERM(one_if(c.milestones.judicial_confirmed))},
    {{"parties_involved", "涉及当事人数", "Parties involved",
      "the parties of the disputes received, as named at registration (register), summed", "",
      kCount},
     OUTPOST_TERM(c.parties),
     nullptr,
     nullptr,
     0,
     true},
    {{"agreements_written", "书面协议数", "Written agreements",
      "disputes whose latest agreement (reach_agreement) is written (form written, 调解协议书)", "",
      kCount},
     OUTPOST_TERM(c.agreement_written),
     nullptr,
     nullptr,
     0,
     true},
    {{"agreements_oral", "口头协议数", "Oral agreements",
      "disputes whose latest agreement (reach_agreement) is oral (form oral, 口头协议)", "",
      kCount},
     OUTPOST_TERM(c.agreement_oral),
     nullptr,
     nullptr,
     0,
     true},
    {{"amount_agreed", "协议金额（元）", "Amount agreed (yuan)",
      "the amounts (amount, yuan) of the disputes' latest agreements, summed; an agreement "
      "that gave none counts 0",
      "", kCount},
     OUTPOST_TERM(c.agreed_amount),
     nullptr,
     nullptr,
     0,
     true},
    {{"hours_to_dispatch_median", "受理至派单时长中位数", "Receipt to dispatch, median",
      "working hours from receipt to the first dispatch (派单) or assignment (分派)",
      "cases dispatched", kHours},
     nullptr,
     nullptr,
     [](const ReportSpan& s) { return s.dispatched_at; },
     0.5},
    {{"hours_to_dispatch_p90", "受理至派单时长90分位", "Receipt to dispatch, 90th percentile",
      "working hours from receipt to the first dispatch (派单) or assignment (分派)",
      "cases dispatched", kHours},
     nullptr,
     nullptr,
     [](const ReportSpan& s) { return s.dispatched_at; },
     0.9},
    {{"hours_to_first_handling_median", "受理至首次办理时长中位数",
      "Receipt to first handling, median",
      "working hours from receipt to the first 签收 (request) or start of mediation (dispute)",
      "cases handled", kHours},
     nullptr,
     nullptr,
     [](const ReportSpan& s) { return s.first_handled_at; },
     0.5},
    {{"hours_to_first_handling_p90", "受理至首次办理时长90分位",
      "Receipt to first handling, 90th percentile",
      "working hours from receipt to the first 签收 (request) or start of mediation (dispute)",
      "cases handled", kHours},
     nullptr,
     nullptr,
     [](const ReportSpan& s) { return s.first_handled_at; },
     0.9},
    {{"hours_to_closure_median", "受理至结案时长中位数", "Receipt to closure, median",
      "working hours from receipt to the latest closing (closed or rejected)", "cases closed",
      kHours},
     nullptr,
     nullptr,
     [](const ReportSpan& s) { return s.closed_at; },
     0.5},
    {{"hours_to_closure_p90", "受理至结案时长90分位", "Receipt to closure, 90th percentile",
      "working hours from receipt to the latest closing (closed or rejected)", "cases closed",
      kHours},
     nullptr,
     nullptr,
     [](const ReportSpan& s) { return s.closed_at; },
     0.9},
    {{"returns", "退单次数", "Returns (退单)",
      "returns of a dispatch or assignment (return_dispatch, return_assignment), summed", "",
      kCount},
     OUTPOST_TERM(c.returns),
     nullptr,
     nullptr,
     0,
     true},
    {{"arbitrations", "派单仲裁次数", "Arbitrations (派单异议)",
      "times a case was flagged for arbitration after repeated returns, summed", "", kCount},
     OUTPOST_TERM(c.milestones.arbitrations),
     nullptr,
     nullptr,
     0,
     true},
    {{"extensions_requested", "申请延期次数", "Extensions requested",
      "extension requests (request_extension), summed", "", kCount},
     OUTPOST_TERM(c.milestones.extensions),
     nullptr,
     nullptr,
     0,
     true},
    {{"extensions_approved", "批准延期次数", "Extensions approved",
      "extensions approved (approve_extension), summed", "", kCount},
     OUTPOST_TERM(c.milestones.extensions_approved),
     nullptr,
     nullptr,
     0,
     true},
    {{"escalations", "督办次数", "Escalations (督办)",
      "escalations recorded when a step stayed overdue (escalated) or a dispute was still "
      "dissatisfied after its rework rounds (record_follow_up), summed",
      "", kCount},
     OUTPOST_TERM(c.milestones.escalations),
     nullptr,
     nullptr,
     0,
     true},
    {{"reworks", "重办次数", "Reworks (重办 / 重新调解)",
      "dissatisfied follow-ups (record_follow_up) that sent a case back to work: a request to "
      "in_progress, a dispute to mediating, summed",
      "", kCount},
     OUTPOST_TERM(c.milestones.reworks),
     nullptr,
     nullptr,
     0,
     true},
};

#undef OUTPOST_TERM

constexpr std::size_t kFigureCount = std::size(kFigures);

std::array<FigureDefinition, kFigureCount> make_definitions() {
  std::array<FigureDefinition, kFigureCount> defs;
  for (std::size_t i = 0; i < kFigureCount; ++i) defs[i] = kFigures[i].def;
  return defs;
}

std::int64_t day_number(LocalDate d) {
  using namespace std::chrono;
  const year_month_day ymd{year{d.year}, month{static_cast<unsigned>(d.month)},
                           day{static_cast<unsigned>(d.day)}};
  return sys_days(ymd).time_since_epoch().count();
}

std::optional<LocalDate> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  const auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const LocalDate d{num(0, 4), num(5, 2), num(8, 2)};
  using namespace std::chrono;
  const year_month_day ymd{year{d.year}, month{static_cast<unsigned>(d.month)},
                           day{static_cast<unsigned>(d.day)}};
  if (!ymd.ok() || d.year < 1970) return std::nullopt;
  return d;
}

std::string format_date(LocalDate d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::optional<ReportGroup> parse_group(std::string_view name) {
  for (std::size_t i = 0; i < kReportGroupNames.size(); ++i) {
    if (kReportGroupNames[i] == name) return static_cast<ReportGroup>(i);
  }
  return std::nullopt;
}

}  // namespace

struct KpiReport::Tally {
  std::array<std::int64_t, kFigureCount> numerator{}, denominator{};
  std::array<std::vector<double>, kFigureCount> hours;
};

std::string_view to_string(ReportGroup g) {
  return kReportGroupNames[static_cast<std::size_t>(g)];
}

std::string_view to_string(FigureUnit u) {
  switch (u) {
    case FigureUnit::count:
      return "count";
    case FigureUnit::ratio:
      return "ratio";
    case FigureUnit::working_hours:
      return "working_hours";
  }
  return "count";
}

std::span<const FigureDefinition> kpi_definitions() {
  static const std::array<FigureDefinition, kFigureCount> defs = make_definitions();
  return defs;
}

Result<KpiQuery> make_kpi_query(std::string_view from, std::string_view to,
                                const std::vector<std::string>& group_by) {
  std::vector<FieldError> problems;
  const std::optional<LocalDate> f = parse_date(from);
  const std::optional<LocalDate> t = parse_date(to);
  if (!f) problems.push_back({"from", "must be a date YYYY-MM-DD (Asia/Shanghai)"});
  if (!t) problems.push_back({"to", "must be a date YYYY-MM-DD (Asia/Shanghai)"});
  if (f && t && *t < *f) problems.push_back({"to", "must not be before from"});
  if (f && t && !(*t < *f)) {
    const LocalDate limit{f->year + kMaxReportYears, f->month, f->day};
    if (day_number(*t) >= day_number(limit)) {
      problems.push_back({"to", "the period must not be longer than 2 years"});
    }
  }
  KpiQuery q;
  for (const std::string& name : group_by) {
    const std::optional<ReportGroup> g = parse_group(name);
    if (!g) {
      problems.push_back({"group_by", "unknown group '" + name +
                                          "': one of community, grid, category, department, "
                                          "staff, month, quarter"});
    } else if (std::find(q.group_by.begin(), q.group_by.end(), *g) == q.group_by.end()) {
      q.group_by.push_back(*g);
    }
  }
  if (!problems.empty()) return Error::invalid_fields(std::move(problems), "invalid report query");
  q.from = *f;
  q.to = *t;
  return q;
}

ReportScan scan_of(const KpiQuery& q, const ReportScope& scope, const WorkingCalendar& calendar,
                   Millis now) {
  ReportScan s;
  s.created_from = calendar.local_time(q.from, 0, 0);
  s.created_to = calendar.local_time(q.to, 0, 0) + 24 * kHourMs;
  s.scope = scope;
  s.now = now;
  s.today = format_date(calendar.local_date(now));
  s.utc_offset = calendar.utc_offset();
  for (ReportGroup g : q.group_by) {
    const ReportGroup key = g == ReportGroup::quarter ? ReportGroup::month : g;
    if (std::find(s.keys.begin(), s.keys.end(), key) == s.keys.end()) s.keys.push_back(key);
  }
  return s;
}

std::optional<double> nearest_rank(std::vector<double>& values, double p) {
  if (values.empty()) return std::nullopt;
  const auto n = static_cast<double>(values.size());
  auto rank = static_cast<std::size_t>(std::ceil(p * n - 1e-9));
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank - 1),
                   values.end());
  return values[rank - 1];
}

double working_hours_between(const WorkingCalendar& calendar, Millis from, Millis to) {
  return static_cast<double>(calendar.working_time_between(from, to)) /
         static_cast<double>(kHourMs);
}

KpiReport::KpiReport(KpiQuery query, const WorkingCalendar& calendar)
    : query_(std::move(query)), calendar_(calendar), totals_(std::make_unique<Tally>()) {}

KpiReport::~KpiReport() = default;

std::vector<std::string> KpiReport::key_of(const ReportKeys& k) const {
  std::vector<std::string> key;
  key.reserve(query_.group_by.size());
  for (ReportGroup g : query_.group_by) {
    switch (g) {
      case ReportGroup::community:
        key.push_back(k.community);
        break;
      case ReportGroup::grid:
        key.push_back(k.grid);
        break;
      case ReportGroup::category:
        key.push_back(k.category);
        break;
      case ReportGroup::department:
        key.push_back(k.department);
        break;
      case ReportGroup::staff:
        key.push_back(k.staff);
        break;
      case ReportGroup::month:
        key.push_back(k.month);
        break;
      case ReportGroup::quarter: {
        const int month = k.month.size() == 7 ? std::atoi(k.month.c_str() + 5) : 0;
        key.push_back(k.month.substr(0, 4) + "-Q" + std::to_string((month + 2) / 3));
        break;
      }
    }
  }
  return key;
}

KpiReport::Tally& KpiReport::group(const ReportKeys& k) {
  auto& slot = groups_[key_of(k)];
  if (!slot) slot = std::make_unique<Tally>();
  return *slot;
}

namespace {

void tally_class(KpiReport::Tally& t, const ReportClass& c) {
  for (std::size_t i = 0; i < kFigureCount; ++i) {
    const FigureRule& rule = kFigures[i];
    const std::int64_t times = rule.amount ? 1 : c.weight;
    if (rule.numerator != nullptr) t.numerator[i] += times * rule.numerator(c);
    if (rule.denominator != nullptr) t.denominator[i] += times * rule.denominator(c);
  }
}

void tally_span(KpiReport::Tally& t, const ReportSpan& s, const WorkingCalendar& calendar) {
  for (std::size_t i = 0; i < kFigureCount; ++i) {
    const FigureRule& rule = kFigures[i];
    if (rule.until == nullptr) continue;
    if (const std::optional<Millis> end = rule.until(s)) {
      t.hours[i].push_back(working_hours_between(calendar, s.created_at, *end));
    }
  }
}

FigureValue value_of(std::size_t i, KpiReport::Tally& t) {
  const FigureRule& rule = kFigures[i];
  FigureValue v;
  switch (rule.def.unit) {
    case FigureUnit::count:
      v.numerator = t.numerator[i];
      v.value = static_cast<double>(t.numerator[i]);
      break;
    case FigureUnit::ratio:
      v.numerator = t.numerator[i];
      v.denominator = t.denominator[i];
      if (t.denominator[i] > 0) {
        v.value = static_cast<double>(t.numerator[i]) / static_cast<double>(t.denominator[i]);
      }
      break;
    case FigureUnit::working_hours:
      v.denominator = static_cast<std::int64_t>(t.hours[i].size());
      v.value = nearest_rank(t.hours[i], rule.percentile);
      break;
  }
  return v;
}

KpiGroup group_of(std::vector<std::pair<std::string, std::string>> key, KpiReport::Tally& t) {
  KpiGroup g;
  g.key = std::move(key);
  for (std::size_t i = 0; i < kFigureCount; ++i) g.figures.push_back(value_of(i, t));
  return g;
}

}  // namespace

void KpiReport::add_class(const ReportClass& c) {
  tally_class(group(c.keys), c);
  if (query_.group_by.empty()) tally_class(*totals_, c);
}

void KpiReport::add_total_class(const ReportClass& c) {
  tally_class(*totals_, c);
}

void KpiReport::add_span(const ReportSpan& s) {
  tally_span(group(s.keys), s, calendar_);
  if (s.id != last_span_id_) tally_span(*totals_, s, calendar_);
  last_span_id_ = s.id;
}

KpiResult KpiReport::finish() {
  KpiResult r;
  for (auto& [key, t] : groups_) {
    std::vector<std::pair<std::string, std::string>> named;
    for (std::size_t i = 0; i < key.size(); ++i) {
      named.emplace_back(to_string(query_.group_by[i]), key[i]);
    }
    r.groups.push_back(group_of(std::move(named), *t));
  }
  r.totals = group_of({}, *totals_);
  return r;
}

}  // namespace outpost
