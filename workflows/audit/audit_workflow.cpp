// The audit machine: the only translation unit that instantiates it. Its
// rules read AuditProgress; the events carry no payload here (the audit
// service checks and records what they carry).
#include "workflows/audit/audit_workflow.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/mpl/vector/vector20.hpp>

#include "workflows/common/msm_support.hpp"

namespace outpost {
namespace {

namespace ms = msm_support;

namespace st {
struct planned : ms::State {
  static constexpr std::string_view name = "planned", label = "已计划";
};
struct sampled : ms::State {
  static constexpr std::string_view name = "sampled", label = "已抽样";
};
struct under_review : ms::State {
  static constexpr std::string_view name = "under_review", label = "审查中";
};
struct findings_issued : ms::State {
  static constexpr std::string_view name = "findings_issued", label = "已反馈问题";
};
struct rectification : ms::State {
  static constexpr std::string_view name = "rectification", label = "整改中";
};
struct signed_off : ms::State {
  static constexpr std::string_view name = "signed_off", label = "已签署归档";
  static constexpr bool terminal = true;
};
struct cancelled : ms::State {
  static constexpr std::string_view name = "cancelled", label = "已取消";
  static constexpr bool terminal = true;
};
}  // namespace st

// Events carry no data into the machine.
struct AuditEvent {};

namespace ev {
struct draw_sample : AuditEvent {
  static constexpr std::string_view name = "draw_sample", label = "抽取样本";
};
struct start_review : AuditEvent {
  static constexpr std::string_view name = "start_review", label = "开始审查";
};
struct record_finding : AuditEvent {
  static constexpr std::string_view name = "record_finding", label = "记录审查结论";
};
struct issue_findings : AuditEvent {
  static constexpr std::string_view name = "issue_findings", label = "反馈问题";
};
struct start_rectification : AuditEvent {
  static constexpr std::string_view name = "start_rectification", label = "启动整改";
};
struct answer_finding : AuditEvent {
  static constexpr std::string_view name = "answer_finding", label = "提交整改说明";
};
struct accept_rectification : AuditEvent {
  static constexpr std::string_view name = "accept_rectification", label = "整改通过";
};
struct send_back : AuditEvent {
  static constexpr std::string_view name = "send_back", label = "退回整改";
};
struct sign_off : AuditEvent {
  static constexpr std::string_view name = "sign_off", label = "签署归档";
};
struct cancel : AuditEvent {
  static constexpr std::string_view name = "cancel", label = "取消审计";
};
}  // namespace ev

// ---- Rules ----------------------------------------------------------------

struct Always {
  static constexpr std::string_view description{}, refusal{};
  static bool holds(const AuditProgress&) { return true; }
};
struct EveryCaseReviewed {
  static constexpr std::string_view description = "every sampled case has a finding";
  static constexpr std::string_view refusal =
      "issue_findings is refused: not every sampled case has a finding yet";
  static bool holds(const AuditProgress& p) { return p.sampled > 0 && p.reviewed == p.sampled; }
};
struct HasDeficiencies {
  static constexpr std::string_view description = "at least one deficiency";
  static constexpr std::string_view refusal =
      "start_rectification is refused: no finding is a deficiency; sign off instead";
  static bool holds(const AuditProgress& p) { return p.deficiencies > 0; }
};
struct NoDeficiency {
  static constexpr std::string_view description = "no deficiency";
  static constexpr std::string_view refusal =
      "sign_off is refused: deficiencies were found; start the rectification first";
  static bool holds(const AuditProgress& p) { return p.deficiencies == 0; }
};
struct AwaitingAnswer {
  static constexpr std::string_view description = "a deficiency awaits its department's answer";
  static constexpr std::string_view refusal =
      "answer_finding is refused: no deficiency awaits an answer";
  static bool holds(const AuditProgress& p) { return p.awaiting_answer > 0; }
};
struct AwaitingReview {
  static constexpr std::string_view description = "an answer awaits the reviewer";
  static constexpr std::string_view refusal =
      "accept_rectification and send_back are refused: no answer awaits review";
  static bool holds(const AuditProgress& p) { return p.awaiting_review > 0; }
};
struct AllRectified {
  static constexpr std::string_view description = "every deficiency's rectification accepted";
  static constexpr std::string_view refusal =
      "sign_off is refused: not every deficiency's rectification has been accepted";
  static bool holds(const AuditProgress& p) {
    return p.awaiting_answer == 0 && p.awaiting_review == 0;
  }
};

struct AuditDef;
using Machine = boost::msm::back::state_machine<AuditDef>;

// The guard of every row: the rule against the audit's progress.
template <class Rule>
struct Checked {
  using rule = Rule;
  template <class Evt, class Fsm, class Source, class Target>
  bool operator()(const Evt&, Fsm& fsm, Source&, Target&) const {
    if (Rule::holds(*fsm.progress_)) return true;
    if (!fsm.refusal_) fsm.refusal_ = std::string(Rule::refusal);
    return false;
  }
};

template <class Source, class Evt, class Target, class Rule = Always>
using Row = boost::msm::front::Row<Source, Evt, Target, boost::msm::front::none, Checked<Rule>>;

struct AuditDef : boost::msm::front::state_machine_def<AuditDef> {
  using no_message_queue = int;
  using initial_state = st::planned;

  const AuditProgress* progress_ = nullptr;
  std::optional<std::string> refusal_;  // a rule's refusal; none: no row for the event
  std::optional<std::string> fault_;    // an exception left a guard

  template <class Fsm, class Evt>
  void no_transition(const Evt&, Fsm&, int) {}
  // MSM 1.81 queues every later event if this rethrows: record it instead.
  template <class Fsm, class Evt>
  void exception_caught(const Evt&, Fsm&, std::exception& e) {
    fault_ = e.what();
  }

  // In the order of the lifecycle: the graph lists states and events in the
  // order they first appear here.
  using transition_table = boost::mpl::vector16<
      Row<st::planned, ev::draw_sample, st::sampled>,
      Row<st::sampled, ev::draw_sample, st::sampled>,
      Row<st::sampled, ev::start_review, st::under_review>,
      Row<st::under_review, ev::record_finding, st::under_review>,
      Row<st::under_review, ev::issue_findings, st::findings_issued, EveryCaseReviewed>,
      Row<st::findings_issued, ev::start_rectification, st::rectification, HasDeficiencies>,
      Row<st::rectification, ev::answer_finding, st::rectification, AwaitingAnswer>,
      Row<st::rectification, ev::accept_rectification, st::rectification, AwaitingReview>,
      Row<st::rectification, ev::send_back, st::rectification, AwaitingReview>,
      Row<st::findings_issued, ev::sign_off, st::signed_off, NoDeficiency>,
      Row<st::rectification, ev::sign_off, st::signed_off, AllRectified>,
      Row<st::planned, ev::cancel, st::cancelled>, Row<st::sampled, ev::cancel, st::cancelled>,
      Row<st::under_review, ev::cancel, st::cancelled>,
      Row<st::findings_issued, ev::cancel, st::cancelled>,
      Row<st::rectification, ev::cancel, st::cancelled>>;
};

using Stt = Machine::stt;

class MsmAuditWorkflow final : public AuditWorkflow {
 public:
  const AuditGraph& graph() const override { return catalog().graph; }

  Result<std::string> next_state(const AuditProgress& p, std::string_view event) const override {
    const Catalog& cat = catalog();
    const auto ev = cat.event_index(event);
    if (!ev)
      return Error::invalid_field("event", "unknown audit event '" + std::string(event) + "'");
    const auto from = cat.state_id(p.state);
    if (!from) {
      return Error::make(ErrorKind::internal, "'" + p.state + "' is not a state of the audit");
    }
    Machine machine;
    machine.progress_ = &p;
    ms::restore_state(machine, *from);
    const int handled = cat.dispatch[*ev](machine);
    if (machine.fault_) return Error::make(ErrorKind::internal, *machine.fault_);
    if (handled != boost::msm::back::HANDLED_TRUE) {
      Error e =
          Error::make(ErrorKind::not_allowed_in_state,
                      machine.refusal_.value_or("'" + std::string(event) +
                                                "' is not allowed in state '" + p.state + "'"));
      e.state = p.state;
      e.allowed_events = allowed_events(p);
      return e;
    }
    return std::string(cat.state_names[static_cast<std::size_t>(machine.current_state()[0])]);
  }

  std::vector<std::string> allowed_events(const AuditProgress& p) const override {
    const Catalog& cat = catalog();
    std::vector<std::string> out;
    const auto from = cat.state_id(p.state);
    if (!from) return out;
    for (std::size_t ev = 0; ev < cat.graph.events.size(); ++ev) {
      const bool fires = std::any_of(cat.rows.begin(), cat.rows.end(), [&](const RowEntry& r) {
        return r.from == *from && r.event == ev && r.rule_holds(p);
      });
      if (fires) out.push_back(cat.graph.events[ev].name);
    }
    return out;
  }

 private:
  struct RowEntry {
    int from;
    std::size_t event;
    bool (*rule_holds)(const AuditProgress&);
  };
  struct Catalog {
    AuditGraph graph;
    std::vector<std::string_view> state_names;  // by MSM state id
    std::vector<int (*)(Machine&)> dispatch;    // by event index (graph order)
    std::vector<RowEntry> rows;

    std::optional<int> state_id(std::string_view name) const {
      const auto it = std::find(state_names.begin(), state_names.end(), name);
      if (it == state_names.end()) return std::nullopt;
      return static_cast<int>(it - state_names.begin());
    }
    std::optional<std::size_t> event_index(std::string_view name) const {
      for (std::size_t i = 0; i < graph.events.size(); ++i) {
        if (graph.events[i].name == name) return i;
      }
      return std::nullopt;
    }
  };

  template <class S>
  static void add_state(Catalog& cat) {
    ms::describe_state<Stt, S>(cat.state_names, cat.graph.states);
  }

  template <class R>
  static void add_row(Catalog& cat) {
    using Evt = typename R::Evt;
    using Rule = typename R::Guard::rule;
    add_state<typename R::Source>(cat);
    add_state<typename R::Target>(cat);
    auto ev = cat.event_index(Evt::name);
    if (!ev) {
      ev = cat.graph.events.size();
      cat.graph.events.push_back({std::string(Evt::name), std::string(Evt::label), {}});
      cat.dispatch.push_back([](Machine& m) { return static_cast<int>(m.process_event(Evt{})); });
    }
    cat.rows.push_back(
        {boost::msm::back::get_state_id<Stt, typename R::Source>::value, *ev, &Rule::holds});
    cat.graph.transitions.push_back({std::string(R::Source::name), std::string(Evt::name),
                                     std::string(R::Target::name), std::string(Rule::description)});
  }

  static Catalog build() {
    Catalog cat;
    cat.graph.initial_state = AuditDef::initial_state::name;
    using States = boost::msm::back::generate_state_set<Stt>::type;
    cat.state_names.resize(boost::mpl::size<States>::value);
    boost::mpl::for_each<AuditDef::transition_table, boost::msm::wrap<boost::mpl::_1>>(
        [&cat]<class R>(boost::msm::wrap<R>) { add_row<R>(cat); });
    return cat;
  }

  static const Catalog& catalog() {
    static const Catalog cat = build();
    return cat;
  }
};

}  // namespace

std::shared_ptr<const AuditWorkflow> make_audit_workflow() {
  return std::make_shared<const MsmAuditWorkflow>();
}

}  // namespace outpost
