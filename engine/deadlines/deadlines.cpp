#include "engine/deadlines/deadlines.hpp"

#include <algorithm>
#include <cmath>

#include "engine/cases/case_commit.hpp"
#include "engine/notify/notifications.hpp"

namespace outpost {
namespace json = boost::json;

namespace {

constexpr std::string_view kUrgentSuffix = "_urgent";

std::string step_key(std::string_view kind, std::string_view category) {
  return std::string(kind) + "/" + std::string(category);
}

json::object firing_data(const DueTimer& timer, const Case& c) {
  json::object data{{"step", c.clock.step}, {"timer", timer.id}};
  if (c.deadline) data["deadline"] = format_rfc3339(*c.deadline);
  return data;
}

}  // namespace

Result<DeadlinePolicy> DeadlinePolicy::make(DeadlineRules rules, const Catalogue& catalogue) {
  const std::string path = "policies.deadlines";
  std::vector<FieldError> errors;
  DeadlinePolicy p;
  if (rules.warn_at) {
    if (*rules.warn_at > 0.0 && *rules.warn_at < 1.0) {
      p.warn_share_ = *rules.warn_at;
    } else {
      errors.push_back(
          {path + ".warn_at", "must be a number between 0 and 1 (the share of the step's time)"});
    }
  }
  if (rules.escalate_after) {
    if (auto d = parse_duration(*rules.escalate_after)) {
      p.escalate_after_ = d.value();
    } else {
      errors.push_back(
          {path + ".escalate_after", "must be a duration such as \"1wh\" (omit it: at once)"});
    }
  }
  if (!rules.steps) {
    errors.push_back({path + ".steps", "is required: {\"<kind>\": {\"<state>\": \"<step>\"}}"});
  } else {
    for (const auto& [kind, states] : *rules.steps) {
      for (const auto& [state, step] : states) {
        if (step.empty())
          errors.push_back({path + ".steps." + kind + "." + state, "must be a step name"});
      }
    }
    p.steps_ = std::move(*rules.steps);
  }
  p.holds_ = std::move(rules.holds);
  if (rules.performance_reminder_before) {
    auto d = parse_duration(*rules.performance_reminder_before);
    if (d && !d.value().counts_working_time()) {
      p.performance_reminder_before_ = d.value();
    } else {
      errors.push_back({path + ".performance_reminder_before",
                        "must be a calendar duration such as \"3d\" (m, h or d)"});
    }
  }
  for (const Category& c : catalogue.categories()) {
    auto& into = p.limits_[step_key(c.kind, c.code)];
    for (const auto& [step, limit] : c.deadlines) {
      if (auto d = parse_duration(limit)) into[step] = d.value();  // the catalogue checked it
    }
  }
  if (!errors.empty()) {
    return Error::invalid_fields(std::move(errors),
                                 "the deadline policy in the catalogue is invalid");
  }
  return p;
}

std::string_view DeadlinePolicy::step_of(std::string_view kind, std::string_view state) const {
  auto k = steps_.find(kind);
  if (k == steps_.end()) return {};
  auto s = k->second.find(state);
  return s == k->second.end() ? std::string_view() : std::string_view(s->second);
}

bool DeadlinePolicy::holds(std::string_view kind, std::string_view state) const {
  auto k = holds_.find(kind);
  return k != holds_.end() && k->second.contains(state);
}

std::optional<Duration> DeadlinePolicy::limit(std::string_view kind, std::string_view category,
                                              std::string_view urgency,
                                              std::string_view step) const {
  auto c = limits_.find(step_key(kind, category));
  if (c == limits_.end()) return std::nullopt;
  if (urgency == "urgent") {
    auto u = c->second.find(std::string(step) + std::string(kUrgentSuffix));
    if (u != c->second.end()) return u->second;
  }
  auto s = c->second.find(step);
  if (s == c->second.end()) return std::nullopt;
  return s->second;
}

DurationUnit Deadlines::unit_of(const StepClock& clock) const {
  auto d = parse_duration(clock.duration);
  return d ? d.value().unit : DurationUnit::minutes;
}

void Deadlines::start_clock(Case& c, std::string_view step, const std::optional<Duration>& limit,
                            std::int64_t generation, Millis at) const {
  c.clock = StepClock{};
  c.clock.generation = generation;
  c.deadline.reset();
  if (step.empty() || !limit) return;
  c.clock.step = step;
  c.clock.duration = to_string(*limit);
  c.clock.started_at = at;
  c.deadline = calendar_.add(at, *limit);
}

bool Deadlines::advance(const Case* before, Case& after, std::string_view event, Millis at) const {
  const bool clock_moved = advance_clock(before, after, event, at);
  return agreement_timers().advance(before, after, at) || clock_moved;
}

bool Deadlines::advance_clock(const Case* before, Case& after, std::string_view event,
                              Millis at) const {
  const StepClock old = before != nullptr ? before->clock : StepClock{};
  const std::optional<Millis> old_deadline = before != nullptr ? before->deadline : std::nullopt;
  after.clock = old;
  after.deadline = old_deadline;
  const std::shared_ptr<const DeadlinePolicy> policy = policy_.get();
  const std::string_view step = policy->step_of(to_string(after.kind), after.state);
  const bool held = policy->holds(to_string(after.kind), after.state);

  if (before == nullptr || step.empty() || step != old.step) {
    const bool had_clock = !old.step.empty();
    start_clock(after, step,
                policy->limit(to_string(after.kind), after.category, after.urgency, step),
                old.generation + 1, at);
    if (held && after.deadline) {
      after.clock.paused_remaining =
          calendar_.remaining_after_pause(at, *after.deadline, unit_of(after.clock));
      after.deadline.reset();
    }
    if (!had_clock && after.clock.step.empty()) {
      after.clock.generation = old.generation;  // nothing ran, nothing runs
      return false;
    }
    return true;
  }

  StepClock& clock = after.clock;
  if (held && !clock.paused_remaining) {
    clock.paused_remaining =
        old_deadline ? calendar_.remaining_after_pause(at, *old_deadline, unit_of(clock)) : 0;
    after.deadline.reset();
  } else if (!held && clock.paused_remaining) {
    after.deadline = calendar_.resume(at, *clock.paused_remaining, unit_of(clock));
    clock.paused_remaining.reset();
    clock.started_at = at;
  } else if (event == "approve_extension" && old_deadline && before != nullptr) {
    const json::value* pending = before->facts.if_contains("extension_pending");
    const json::value* days =
        pending && pending->is_object() ? pending->get_object().if_contains("days") : nullptr;
    if (days == nullptr || !days->is_int64() || days->get_int64() <= 0) return false;
    after.deadline =
        calendar_.add(*old_deadline, Duration{days->get_int64(), DurationUnit::working_days});
    clock.extended_days += days->get_int64();
    clock.warned = clock.breached = clock.escalated = false;
  } else {
    return false;
  }
  ++clock.generation;
  return true;
}

std::vector<TimerRow> Deadlines::timers_for(const Case& c) const {
  std::vector<TimerRow> out = clock_timers_for(c);
  std::vector<TimerRow> agreement = agreement_timers().timers_for(c);
  out.insert(out.end(), agreement.begin(), agreement.end());
  return out;
}

std::vector<TimerRow> Deadlines::clock_timers_for(const Case& c) const {
  const StepClock& clock = c.clock;
  if (!clock.running() || !c.deadline) return {};
  const Millis due = *c.deadline;
  const std::shared_ptr<const DeadlinePolicy> policy = policy_.get();
  std::vector<TimerRow> out;
  auto add = [&](std::string kind, Millis at) {
    out.push_back(TimerRow{std::move(kind), clock.step, clock.generation, at});
  };
  if (!clock.warned) {
    if (auto warn_at = warning_at(c, *policy)) add("warning", *warn_at);
  }
  if (!clock.breached) add("breach", due);
  if (!clock.escalated) {
    const auto after = policy->escalate_after();
    add("escalation", after ? calendar_.add(due, *after) : due);
  }
  return out;
}

std::optional<Millis> Deadlines::warning_at(const Case& c) const {
  return warning_at(c, *policy_.get());
}

std::optional<Millis> Deadlines::warning_at(const Case& c, const DeadlinePolicy& policy) const {
  const StepClock& clock = c.clock;
  if (!clock.running() || !c.deadline) return std::nullopt;
  const Millis due = *c.deadline;
  const bool working = Duration{1, unit_of(clock)}.counts_working_time();
  const Millis start = std::min(clock.started_at, due);
  const Millis total = working ? calendar_.working_time_between(start, due) : due - start;
  const auto used =
      static_cast<Millis>(std::floor(static_cast<double>(total) * policy.warn_share()));
  const Millis warn_at = working ? calendar_.add_working_time(start, used) : start + used;
  if (warn_at >= due) return std::nullopt;
  return warn_at;
}

TimerFiring Deadlines::fire(const DueTimer& timer, const Case& current, Millis now) const {
  if (AgreementTimers::is_agreement_timer(timer.kind)) {
    return agreement_timers().fire(timer, current, now);
  }
  TimerFiring f;
  const StepClock& clock = current.clock;
  if (timer.generation != clock.generation || !clock.running() || timer.step != clock.step) {
    return f;  // cancel: the clock moved on
  }
  Case next = current;
  std::string event;
  if (timer.kind == "warning") {
    if (clock.warned) return f;
    next.clock.warned = true;
    event = "deadline_warning";
  } else if (timer.kind == "breach") {
    if (clock.breached) return f;
    next.clock.breached = true;
    event = "deadline_breached";
  } else if (timer.kind == "escalation") {
    if (clock.escalated) return f;
    if (!clock.breached) {
      f.verdict = TimerFiring::Verdict::later;
      return f;
    }
    next.clock.escalated = true;
    event = "escalated";
  } else {
    return f;
  }
  f.entry = seal_change(current, next, now, std::string(kSystemActor), std::move(event),
                        firing_data(timer, current));
  f.effects.outbox = notifications_for(next, f.entry);
  f.updated = std::move(next);
  f.verdict = TimerFiring::Verdict::fire;
  return f;
}

std::optional<Millis> Deadlines::time_left(const Case& c, Millis now) const {
  if (c.clock.step.empty()) return std::nullopt;
  if (c.clock.paused_remaining) return *c.clock.paused_remaining;
  if (!c.deadline) return std::nullopt;
  if (*c.deadline <= now) return *c.deadline - now;
  if (Duration{1, unit_of(c.clock)}.counts_working_time()) {
    return calendar_.working_time_between(now, *c.deadline);
  }
  return *c.deadline - now;
}

}  // namespace outpost
