// File: workflows/common/msm_support.hpp
//
// The plumbing every Boost.MSM case workflow shares, so that a machine's own
// translation unit only declares its states, events (with their payload
// fields), transition table, rules and effects. It pulls in MSM: include it
// from exactly one .cpp per machine, never from a header.
//
//   namespace st { struct open : msm_support::State {
//     static constexpr std::string_view name = "open", label = "已开启"; }; ... }
//   namespace ev { struct start : msm_support::Event {
//     static constexpr std::string_view name = "start", label = "开始";
//     static constexpr std::array fields{msm_support::field::text("reason"),
//         msm_support::field::optional(msm_support::field::integer("days", 1, 365))}; }; ... }
//   void note_start(Case& c, const EventPayload& payload);
//   struct Def : msm_support::MachineDef<Def> {
//     static constexpr CaseKind kind = CaseKind::request;
//     using initial_state = st::open;
//     using transition_table = boost::mpl::vector<
//         msm_support::Row<st::open, ev::start, st::running, msm_support::Record<&note_start>>>;
//   };
//   auto wf = std::make_shared<const msm_support::MsmWorkflow<Def>>();
//
// How a call works: MsmWorkflow builds a fresh machine per call, binds it to a
// copy of the case, restores the active state from the case's stable state
// NAME (never a stored integer: ids follow the table's row order), processes
// one event and assigns the copy back only on success. Every row's guard
// first checks the row's rule against the case (refusal: not_allowed_in_state)
// and then the event's payload fields (refusal: invalid, one FieldError per
// bad field), and last the row's condition on the payload, which picks one of
// several rows sharing a (state, event) (e.g. a follow-up's satisfaction
// decides where the case goes); a missing row is not_allowed_in_state; an
// exception in a guard or effect is internal. Machines have one region and no
// event queue.
//
// The graph lists states and events in the order they first appear in the
// transition table (each row's source before its target), so write the table
// in the order of the API vocabulary.
#pragma once

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/mpl/for_each.hpp>
#include <boost/mpl/size.hpp>
#include <boost/msm/back/metafunctions.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include "engine/cases/case.hpp"
#include "engine/cases/event_payload.hpp"
#include "engine/cases/workflow.hpp"
#include "engine/core/error.hpp"

namespace outpost::msm_support {

// ---- Payload fields -------------------------------------------------------

enum class FieldType {
  text,       // a non-empty string
  text_list,  // a non-empty array of non-empty strings
  date,       // a calendar date, YYYY-MM-DD
  code,       // one of FieldRule::codes
  integer,    // an integer (not 3.0, not "3") from FieldRule::min to FieldRule::max
};

// One payload field of an event. Extra payload keys are allowed. An optional
// field is checked only when its key is present (a present null is ill-typed).
struct FieldRule {
  std::string_view name;
  FieldType type = FieldType::text;
  std::span<const std::string_view> codes = {};  // the accepted values of a `code` field
  std::int64_t min = 0;                          // the range of an `integer` field
  std::int64_t max = 0;
  bool optional = false;
};

namespace field {
constexpr FieldRule text(std::string_view name) {
  return {name, FieldType::text};
}
constexpr FieldRule text_list(std::string_view name) {
  return {name, FieldType::text_list};
}
constexpr FieldRule date(std::string_view name) {
  return {name, FieldType::date};
}
// `codes` must outlive the rule: pass a namespace-scope constexpr array.
constexpr FieldRule code(std::string_view name, std::span<const std::string_view> codes) {
  return {name, FieldType::code, codes};
}
constexpr FieldRule integer(std::string_view name, std::int64_t min,
                            std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
  return {.name = name, .type = FieldType::integer, .min = min, .max = max};
}
// The same rule for a field the payload may leave out.
constexpr FieldRule optional(FieldRule rule) {
  rule.optional = true;
  return rule;
}
}  // namespace field

inline bool is_calendar_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const auto number = [s](std::size_t at, std::size_t len) -> std::optional<int> {
    const std::string_view part = s.substr(at, len);
    if (!std::all_of(part.begin(), part.end(), [](char ch) { return std::isdigit(ch) != 0; })) {
      return std::nullopt;
    }
    int n = 0;
    std::from_chars(part.data(), part.data() + part.size(), n);
    return n;
  };
  const auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d) return false;
  return std::chrono::year_month_day{std::chrono::year{*y},
                                     std::chrono::month{static_cast<unsigned>(*m)},
                                     std::chrono::day{static_cast<unsigned>(*d)}}
      .ok();
}

inline bool field_accepts(const FieldRule& rule, const PayloadValue& v) {
  const auto* text = std::get_if<std::string>(&v);
  switch (rule.type) {
    case FieldType::text:
      return text != nullptr && !text->empty();
    case FieldType::text_list: {
      const auto* list = std::get_if<std::vector<std::string>>(&v);
      return list != nullptr && !list->empty() &&
             std::none_of(list->begin(), list->end(),
                          [](const std::string& item) { return item.empty(); });
    }
    case FieldType::date:
      return text != nullptr && is_calendar_date(*text);
    case FieldType::code:
      return text != nullptr && std::find(rule.codes.begin(), rule.codes.end(),
                                          std::string_view(*text)) != rule.codes.end();
    case FieldType::integer: {
      const auto* n = std::get_if<std::int64_t>(&v);
      return n != nullptr && *n >= rule.min && *n <= rule.max;
    }
  }
  return false;
}

// What a field must be, in English, for validation messages.
inline std::string field_expectation(const FieldRule& rule) {
  switch (rule.type) {
    case FieldType::text:
      return "a non-empty string";
    case FieldType::text_list:
      return "a non-empty array of non-empty strings";
    case FieldType::date:
      return "a calendar date as YYYY-MM-DD";
    case FieldType::code: {
      std::string out = "one of:";
      for (std::string_view code : rule.codes) (out += ' ') += code;
      return out;
    }
    case FieldType::integer:
      if (rule.max == std::numeric_limits<std::int64_t>::max()) {
        return "an integer of at least " + std::to_string(rule.min);
      }
      return "an integer from " + std::to_string(rule.min) + " to " + std::to_string(rule.max);
  }
  return {};
}

// One FieldError per missing required or ill-typed field, in rule order; empty
// when valid.
inline std::vector<FieldError> check_payload(std::span<const FieldRule> rules,
                                             const EventPayload& payload) {
  std::vector<FieldError> errors;
  for (const FieldRule& rule : rules) {
    const PayloadValue* v = payload.find(rule.name);
    if (v == nullptr) {
      if (rule.optional) continue;
      errors.push_back({std::string(rule.name), "is required: " + field_expectation(rule)});
    } else if (!field_accepts(rule, *v)) {
      errors.push_back({std::string(rule.name), "must be " + field_expectation(rule)});
    }
  }
  return errors;
}

// ---- Case facts -----------------------------------------------------------

inline bool fact_is_true(const Case& c, std::string_view key) {
  const boost::json::value* v = c.facts.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

// Adds `by` to the integer fact `key` (0 when absent).
inline void count_fact(Case& c, std::string_view key, std::int64_t by = 1) {
  const boost::json::value* v = c.facts.if_contains(key);
  const std::int64_t n = v != nullptr && v->is_int64() ? v->get_int64() : 0;
  c.facts[key] = n + by;
}

// A list of texts as a fact's value.
inline boost::json::array fact_list(const std::vector<std::string>& texts) {
  boost::json::array out;
  for (const std::string& t : texts) out.emplace_back(t);
  return out;
}

// An effect for a handler handing the case back to the dispatcher
// (return_assignment, return_dispatch): the return is counted in
// facts["returns"] and the assignment is cleared.
inline void record_return(Case& c, const EventPayload&) {
  count_fact(c, "returns");
  c.assignment = {};
}

// ---- States, events, rules, effects --------------------------------------

// Base of every state: derive, and add `name` (stable, as in the API) and
// `label` (zh-CN). Set `terminal` to mark an end state in the graph.
struct State : boost::msm::front::state<> {
  static constexpr bool terminal = false;
};

// Base of every event: derive, and add `name`, `label` and, when the event
// needs payload, `fields`. An event is built around the request's payload.
struct Event {
  const EventPayload& payload;
  static constexpr std::array<FieldRule, 0> fields{};
};

template <class T>
concept NamedState = std::derived_from<T, State> && requires {
  { T::name } -> std::convertible_to<std::string_view>;
  { T::label } -> std::convertible_to<std::string_view>;
};

template <class T>
concept NamedEvent = std::derived_from<T, Event> && requires {
  { T::name } -> std::convertible_to<std::string_view>;
  { T::label } -> std::convertible_to<std::string_view>;
  {std::span<const FieldRule>(T::fields)};
};

// A rule of the case that must hold for a row to fire, whatever the payload:
// `holds(case)`, a `description` for the graph and a `refusal` message.
template <class T>
concept CaseRule = requires(const Case& c) {
  { T::holds(c) } -> std::same_as<bool>;
  { T::description } -> std::convertible_to<std::string_view>;
  { T::refusal } -> std::convertible_to<std::string_view>;
};

struct Always {
  static constexpr std::string_view description{};
  static constexpr std::string_view refusal{};
  static bool holds(const Case&) { return true; }
};

// A condition on a valid payload that selects one of several rows sharing a
// (state, event): `holds(payload)` (runs after the payload check, so the
// event's required fields are valid) and a `description` for the graph.
// allowed_events() ignores conditions: it assumes some valid payload fires.
template <class T>
concept PayloadCondition = requires(const EventPayload& payload) {
  { T::holds(payload) } -> std::same_as<bool>;
  { T::description } -> std::convertible_to<std::string_view>;
};

struct AnyPayload {
  static constexpr std::string_view description{};
  static bool holds(const EventPayload&) { return true; }
};

// The guard of every row: the rule first, then the event's payload fields,
// then the row's payload condition. When several rows share a (state, event),
// a payload refusal from a row whose rule held wins over a sibling row's
// refusal; otherwise the first rule or condition refusal recorded is kept.
template <CaseRule Rule, PayloadCondition Condition>
struct Checked {
  using rule = Rule;
  using condition = Condition;

  template <NamedEvent Evt, class Fsm, class Source, class Target>
  bool operator()(const Evt& evt, Fsm& fsm, Source&, Target&) const {
    if (!Rule::holds(*fsm.case_)) {
      if (!fsm.refusal_) {
        fsm.refusal_ = Error::make(ErrorKind::not_allowed_in_state, std::string(Rule::refusal));
      }
      return false;
    }
    if (std::vector<FieldError> bad = check_payload(Evt::fields, evt.payload); !bad.empty()) {
      Error e = Error::make(ErrorKind::invalid,
                            "the payload of '" + std::string(Evt::name) + "' has invalid fields");
      e.fields = std::move(bad);
      fsm.refusal_ = std::move(e);
      return false;
    }
    if (!Condition::holds(evt.payload)) {
      if (!fsm.refusal_) {
        fsm.refusal_ =
            Error::make(ErrorKind::not_allowed_in_state,
                        "the payload of '" + std::string(Evt::name) +
                            "' selects no transition from state '" + fsm.case_->state + "'");
      }
      return false;
    }
    return true;
  }
};

// A row's effect: a plain function recording the event into the case. It
// runs after the guard, so the payload's fields that are present are valid.
template <void (*Apply)(Case&, const EventPayload&)>
struct Record {
  template <class Evt, class Fsm, class Source, class Target>
  void operator()(const Evt& evt, Fsm& fsm, Source&, Target&) const {
    Apply(*fsm.case_, evt.payload);
  }
};

template <NamedState Source, NamedEvent Evt, NamedState Target,
          class Effect = boost::msm::front::none, CaseRule Rule = Always,
          PayloadCondition Condition = AnyPayload>
using Row = boost::msm::front::Row<Source, Evt, Target, Effect, Checked<Rule, Condition>>;

// Front-end base of every machine: derive as `struct Def : MachineDef<Def>`,
// add `kind`, `initial_state` and `transition_table` (rows built with Row).
template <class Derived>
struct MachineDef : boost::msm::front::state_machine_def<Derived> {
  using no_message_queue = int;  // one event per machine; effects never post events

  Case* case_ = nullptr;          // the working copy that rules read and effects write
  std::optional<Error> refusal_;  // why the event was refused (no row, rule or payload)
  std::optional<Error> fault_;    // an exception left a guard or an effect

  template <class Fsm, NamedEvent Evt>
  void no_transition(const Evt&, Fsm&, int) {
    refusal_ = Error::make(
        ErrorKind::not_allowed_in_state,
        "'" + std::string(Evt::name) + "' is not allowed in state '" + case_->state + "'");
  }

  // MSM 1.81 queues every later event if this rethrows, and reports the event
  // as handled: record the failure instead; apply() checks it first.
  template <class Fsm, NamedEvent Evt>
  void exception_caught(const Evt&, Fsm&, std::exception& e) {
    fault_ = Error::make(ErrorKind::internal, "the " + std::string(to_string(Derived::kind)) +
                                                  " workflow failed on '" + std::string(Evt::name) +
                                                  "': " + e.what());
  }
};

// ---- Restoring a machine --------------------------------------------------

// A minimal archive for the back end's public serialize(): it writes one
// state id into the active-state array and leaves every other member alone.
class ActiveStateWriter {
 public:
  explicit ActiveStateWriter(int state_id) : state_id_(state_id) {}

  template <std::size_t Regions>
  ActiveStateWriter& operator&(int (&active)[Regions]) {
    static_assert(Regions == 1, "case workflows have exactly one region");
    active[0] = state_id_;
    return *this;
  }
  template <class Member>
  ActiveStateWriter& operator&(Member&) {
    return *this;
  }

 private:
  int state_id_;
};

// Puts `machine` into the state with `state_id` without running any entry
// action. Do not call start() afterwards: it would reset to the initial state.
template <class Machine>
void restore_state(Machine& machine, int state_id) {
  ActiveStateWriter writer(state_id);
  machine.serialize(writer, 0);
}

// Names state S at its MSM id in `names` (indexed by state id) and adds it
// to `states` the first time it is seen.
template <class Stt, NamedState S>
void describe_state(std::vector<std::string_view>& names,
                    std::vector<WorkflowGraph::State>& states) {
  constexpr int id = boost::msm::back::get_state_id<Stt, S>::value;
  std::string_view& slot = names[static_cast<std::size_t>(id)];
  if (!slot.empty()) return;
  slot = S::name;
  states.push_back({std::string(S::name), std::string(S::label), S::terminal});
}

// ---- The Workflow -------------------------------------------------------------

// outpost::Workflow for the machine defined by `Def`. Stateless and
// thread-safe: the tables below are built once, each call builds its machine.
template <class Def>
class MsmWorkflow final : public Workflow {
 public:
  using Machine = boost::msm::back::state_machine<Def>;

  const WorkflowGraph& graph() const override { return catalog().graph; }

  Result<Case> applied(const Case& c, std::string_view event,
                       const EventPayload& payload) const override {
    const Catalog& cat = catalog();
    const std::optional<std::size_t> ev = cat.event_index(event);
    if (!ev) {
      return Error::invalid_field("event", "unknown event '" + std::string(event) + "' for a " +
                                               std::string(to_string(Def::kind)) + " case");
    }
    const std::optional<int> from = cat.state_id(c.state);
    if (!from) {
      return Error::make(ErrorKind::internal, "state '" + c.state + "' is not a state of the " +
                                                  std::string(to_string(Def::kind)) + " workflow");
    }
    Case next = c;
    Machine machine;
    machine.case_ = &next;
    restore_state(machine, *from);
    const int handled = cat.events[*ev].dispatch(machine, payload);
    if (machine.fault_) return *machine.fault_;
    if (handled != boost::msm::back::HANDLED_TRUE) return refusal(c, machine.refusal_);
    next.state = std::string(cat.state_names[static_cast<std::size_t>(machine.current_state()[0])]);
    return next;
  }

  std::vector<std::string> allowed_events(const Case& c) const override {
    const Catalog& cat = catalog();
    std::vector<std::string> out;
    const std::optional<int> from = cat.state_id(c.state);
    if (!from) return out;
    // The state's rows, by event: an event is in once one of its rows holds.
    std::optional<std::size_t> added;
    for (const std::size_t i : cat.rows_by_state[static_cast<std::size_t>(*from)]) {
      const RowEntry& r = cat.rows[i];
      if (r.event != added && r.rule_holds(c)) {
        out.emplace_back(cat.events[r.event].name);
        added = r.event;
      }
    }
    return out;
  }

 private:
  using Stt = typename Machine::stt;

  struct EventEntry {
    std::string_view name;
    int (*dispatch)(Machine&, const EventPayload&);
  };
  struct RowEntry {
    int from;
    std::size_t event;
    bool (*rule_holds)(const Case&);
  };
  struct Catalog {
    WorkflowGraph graph;
    std::vector<std::string_view> state_names;  // indexed by MSM state id
    std::vector<EventEntry> events;             // in graph order
    std::vector<RowEntry> rows;                 // in table order
    // For each state id, its rows' indices by event (graph order), then table order.
    std::vector<std::vector<std::size_t>> rows_by_state;

    std::optional<int> state_id(std::string_view name) const {
      const auto it = std::find(state_names.begin(), state_names.end(), name);
      if (it == state_names.end()) return std::nullopt;
      return static_cast<int>(it - state_names.begin());
    }
    std::optional<std::size_t> event_index(std::string_view name) const {
      for (std::size_t i = 0; i < events.size(); ++i) {
        if (events[i].name == name) return i;
      }
      return std::nullopt;
    }
  };

  template <NamedEvent Evt>
  static int dispatch(Machine& machine, const EventPayload& payload) {
    return machine.process_event(Evt{payload});
  }

  template <NamedState S>
  static void add_state(Catalog& cat) {
    describe_state<Stt, S>(cat.state_names, cat.graph.states);
  }

  // The graph's guard text: the rule's description and the condition's, joined.
  template <CaseRule Rule, PayloadCondition Condition>
  static std::string guard_description() {
    std::string out(Rule::description);
    if (!out.empty() && !Condition::description.empty()) out += "; ";
    return out += Condition::description;
  }

  template <class R>
  static void add_row(Catalog& cat) {
    using Evt = typename R::Evt;
    using Rule = typename R::Guard::rule;
    using Condition = typename R::Guard::condition;
    add_state<typename R::Source>(cat);
    add_state<typename R::Target>(cat);
    std::optional<std::size_t> ev = cat.event_index(Evt::name);
    if (!ev) {
      ev = cat.events.size();
      cat.events.push_back({Evt::name, &dispatch<Evt>});
      WorkflowGraph::Event& described = cat.graph.events.emplace_back(
          WorkflowGraph::Event{std::string(Evt::name), std::string(Evt::label), {}});
      for (const FieldRule& f : Evt::fields) {
        if (!f.optional) described.required.emplace_back(f.name);
      }
    }
    cat.rows.push_back(
        {boost::msm::back::get_state_id<Stt, typename R::Source>::value, *ev, &Rule::holds});
    cat.graph.transitions.push_back({std::string(R::Source::name), std::string(Evt::name),
                                     std::string(R::Target::name),
                                     guard_description<Rule, Condition>()});
  }

  static Catalog build_catalog() {
    Catalog cat;
    cat.graph.kind = Def::kind;
    cat.graph.initial_state = Def::initial_state::name;
    using States = typename boost::msm::back::generate_state_set<Stt>::type;
    cat.state_names.resize(boost::mpl::size<States>::value);
    boost::mpl::for_each<typename Def::transition_table, boost::msm::wrap<boost::mpl::_1>>(
        [&cat]<class R>(boost::msm::wrap<R>) { add_row<R>(cat); });
    cat.rows_by_state.resize(cat.state_names.size());
    for (std::size_t i = 0; i < cat.rows.size(); ++i) {
      cat.rows_by_state[static_cast<std::size_t>(cat.rows[i].from)].push_back(i);
    }
    for (auto& rows : cat.rows_by_state) {
      std::stable_sort(rows.begin(), rows.end(), [&cat](std::size_t a, std::size_t b) {
        return cat.rows[a].event < cat.rows[b].event;
      });
    }
    return cat;
  }

  static const Catalog& catalog() {
    static const Catalog cat = build_catalog();
    return cat;
  }

  Error refusal(const Case& c, const std::optional<Error>& recorded) const {
    if (!recorded) {
      return Error::make(ErrorKind::internal, "the " + std::string(to_string(Def::kind)) +
                                                  " workflow gave no reason for refusing an event");
    }
    Error e = *recorded;
    if (e.kind == ErrorKind::not_allowed_in_state) {
      e.state = c.state;
      e.allowed_events = allowed_events(c);
    }
    return e;
  }
};

}  // namespace outpost::msm_support
