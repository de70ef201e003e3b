// File: engine/deadlines/deadlines.hpp
//
// Every step of a case has a time limit; this is where it is computed and
// policed, without I/O. A DeadlinePolicy (policies.deadlines of
// config/catalogue.json, read by adapters/config) says which step a workflow
// state belongs to, which states hold the clock (on_hold) and how long each
// step may take per kind, category and urgency (the catalogue's categories).
// Deadlines applies it on the working-day calendar:
//
//   DeadlineRules rules;
//   rules.steps = {{"request", {{"dispatched", "acknowledge"}}}};
//   auto policy = DeadlinePolicy::make(std::move(rules), catalogue);
//   Deadlines d(policy.value(), calendar);
//   d.advance(&before, after, "dispatch", at);   // after.clock, after.deadline
//   auto timers = d.timers_for(after);           // warning, breach, escalation rows
//   TimerFiring f = d.fire(timer, current, now); // what a due timer records
//
// In config/catalogue.json (policies.deadlines; every member optional except steps):
//   "deadlines": { "warn_at": 0.8,                 share of the step's time
//                  "escalate_after": "1wh",        after the breach; absent: at once
//                  "steps": { "request": { "dispatched": "acknowledge", … }, … },
//                  "holds": { "request": ["on_hold"] } }
// and per category "deadlines": { "acknowledge": "2wh", "acknowledge_urgent": "30m", … }
// ("<step>_urgent" applies to urgent cases; a step without a limit runs no clock).
//
// Clock rules:
//   - A state's step differs from the previous state's step: a new clock starts
//     at the event with the step's limit (flags cleared, generation + 1).
//   - Same step: the clock runs on unchanged (acknowledged → in_progress).
//   - Into a holding state: the clock stops; the time left is kept
//     (WorkingCalendar::remaining_after_pause) and the deadline is cleared.
//     Out of it: the clock restarts with that time left.
//   - approve_extension: the deadline moves by the pending extension's days in
//     working days; warning, breach and escalation are policed afresh.
//   - A state without a step (closed, rejected): no clock.
// Each change of the due time bumps the clock's generation: timers of an
// older generation no longer fire (they are also dropped from the store).
//
// Timers: a warning when `warn_at` of the step's time is used (working time for
// wh and wd limits), a breach at the deadline, an escalation (督办) at the
// deadline + escalate_after. Firing records deadline_warning,
// deadline_breached or escalated in the history (actor "system"), sets the
// clock's flag, and notifies (engine/notify/notifications.hpp); an escalation waits
// for its breach.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"
#include "engine/deadlines/agreement_timers.hpp"
#include "engine/deadlines/calendar.hpp"
#include "engine/deadlines/timer_store.hpp"
#include "engine/directory/catalogue.hpp"

namespace outpost {

// policies.deadlines of the catalogue, as typed values.
struct DeadlineRules {
  // The share of the step's time after which the warning fires, above 0 and
  // below 1; absent: 0.8.
  std::optional<double> warn_at;
  // A duration after the breach; absent: the escalation fires with the breach.
  std::optional<std::string> escalate_after;
  // Kind → workflow state → the step whose clock runs in it; required.
  std::optional<std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>>
      steps;
  // Kind → the states that hold the clock.
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> holds;
  // How long before an agreement's performance_due its mediators are reminded
  // (agreement_timers.hpp), in calendar time (m, h or d); absent: "3d".
  std::optional<std::string> performance_reminder_before;
};

class DeadlinePolicy {
 public:
  // The rules and the limits of the catalogue's categories (checked by the
  // catalogue). invalid, each problem named as in the catalogue document
  // ("policies.deadlines.warn_at", "policies.deadlines.steps.request.closed"),
  // for a share out of range, a malformed escalate_after, missing steps or an
  // empty step name.
  static Result<DeadlinePolicy> make(DeadlineRules rules, const Catalogue& catalogue);

  // The step whose clock runs in `state`; empty when none does.
  std::string_view step_of(std::string_view kind, std::string_view state) const;
  // True when the step's clock is held in `state` (on_hold).
  bool holds(std::string_view kind, std::string_view state) const;
  // The limit of `step` for the category and urgency; nullopt: no limit.
  std::optional<Duration> limit(std::string_view kind, std::string_view category,
                                std::string_view urgency, std::string_view step) const;
  double warn_share() const { return warn_share_; }
  const std::optional<Duration>& escalate_after() const { return escalate_after_; }
  Duration performance_reminder_before() const { return performance_reminder_before_; }

 private:
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> steps_;
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> holds_;
  // "kind/category" → step key ("resolve", "acknowledge_urgent") → limit
  std::map<std::string, std::map<std::string, Duration, std::less<>>, std::less<>> limits_;
  double warn_share_ = 0.8;
  std::optional<Duration> escalate_after_;
  Duration performance_reminder_before_{3, DurationUnit::days};
};

// The deadline policy in force: replaced as a whole when an admin changes the
// catalogue (PUT /api/v1/catalogue); a computation keeps the one it started with.
class PolicyCell {
 public:
  explicit PolicyCell(DeadlinePolicy policy)
      : policy_(std::make_shared<const DeadlinePolicy>(std::move(policy))) {}
  PolicyCell(const PolicyCell& other) : policy_(other.get()) {}
  PolicyCell& operator=(const PolicyCell&) = delete;

  std::shared_ptr<const DeadlinePolicy> get() const {
    std::lock_guard lock(mutex_);
    return policy_;
  }
  void set(DeadlinePolicy policy) {
    auto next = std::make_shared<const DeadlinePolicy>(std::move(policy));
    std::lock_guard lock(mutex_);
    policy_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const DeadlinePolicy> policy_;
};

class Deadlines {
 public:
  Deadlines(DeadlinePolicy policy, WorkingCalendar calendar)
      : policy_(std::move(policy)), calendar_(std::move(calendar)) {}

  // Sets after.clock and after.deadline for the event that took `before` (null
  // for the creating event) to `after` at `at`. True when the due time
  // changed, i.e. the case's timers must be replaced by timers_for(after).
  bool advance(const Case* before, Case& after, std::string_view event, Millis at) const;

  // The pending firings of the case's running clock, in firing order, then
  // those of its agreement (agreement_timers.hpp).
  std::vector<TimerRow> timers_for(const Case& c) const;

  // What a due timer records on `current` at `now`: the case with the flag
  // set and a sealed history row (actor "system") and its notifications;
  // cancel when the timer's clock has moved on; later for an escalation whose
  // breach is not recorded yet.
  TimerFiring fire(const DueTimer& timer, const Case& current, Millis now) const;

  // The time left on the current step: working time for wh and wd limits,
  // calendar time otherwise; while held, what was left at the hold; negative
  // (calendar time) once overdue; nullopt without a clock.
  std::optional<Millis> time_left(const Case& c, Millis now) const;
  // When the running clock's warning falls due (`warn_at` of the step's time,
  // working time for wh and wd limits), fired or not; nullopt without a
  // running clock or when it would not come before the deadline. A fixed
  // instant: lists show it instead of the time left, which ticks.
  std::optional<Millis> warning_at(const Case& c) const;

  std::shared_ptr<const DeadlinePolicy> policy() const { return policy_.get(); }
  // From now on, for every computation (the catalogue changed).
  void use_policy(DeadlinePolicy policy) { policy_.set(std::move(policy)); }
  const WorkingCalendar& calendar() const { return calendar_; }

 private:
  // warning_at under one policy snapshot (a computation keeps the one it started with).
  std::optional<Millis> warning_at(const Case& c, const DeadlinePolicy& policy) const;
  bool advance_clock(const Case* before, Case& after, std::string_view event, Millis at) const;
  std::vector<TimerRow> clock_timers_for(const Case& c) const;
  AgreementTimers agreement_timers() const {
    return AgreementTimers(calendar_, policy_.get()->performance_reminder_before());
  }
  DurationUnit unit_of(const StepClock& clock) const;
  void start_clock(Case& c, std::string_view step, const std::optional<Duration>& limit,
                   std::int64_t generation, Millis at) const;

  PolicyCell policy_;
  WorkingCalendar calendar_;
};

}  // namespace outpost
