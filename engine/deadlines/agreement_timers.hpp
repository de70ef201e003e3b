// File: engine/deadlines/agreement_timers.hpp
//
// The durable timers of a dispute's agreement (People's Mediation Law
// Art. 31, 33), beside the step clocks of deadlines.hpp and fired by the same
// DeadlineScheduler through Deadlines (timer rows of the same table, step
// "agreement", generation = the agreement's number, facts["agreements"]):
//
//   performance_reminder  `reminder_before` the start (local midnight) of the
//                         agreement's performance_due; at once when the agreement
//                         is reached later than that, none when the date has come.
//                         Records performance_reminder (actor "system") and
//                         notifies the mediators (agreement.performance_reminder).
//   performance_check     at the start of performance_due: records
//                         performance_check_due, flags the case (facts
//                         "performance_check_due": the mediator's follow-up task,
//                         done by record_performance) and notifies
//                         (agreement.performance_check).
//   judicial_lapse        30 days after the agreement took effect (oral: when
//                         reached; written: when the last party confirmed it) with
//                         no application for judicial confirmation: records
//                         judicial_confirmation_lapsed and sets facts
//                         "judicial_confirmation": "lapsed" (Art. 33).
// The performance timers apply while the case is in agreement_reached without a
// recorded performance outcome; any timer of an earlier agreement is cancelled.
//
//   AgreementTimers timers(calendar, Duration{3, DurationUnit::days});
//   bool replace = timers.advance(&before, after, at);   // stamps agreed/effective times
//   std::vector<TimerRow> rows = timers.timers_for(after);
//   TimerFiring f = timers.fire(due, current, now);
#pragma once

#include <string_view>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/deadlines/calendar.hpp"
#include "engine/deadlines/timer_store.hpp"

namespace outpost {

// The step name of every agreement timer row.
inline constexpr std::string_view kAgreementStep = "agreement";
// Art. 33: the window for applying for judicial confirmation.
inline constexpr Duration kJudicialConfirmationWindow{30, DurationUnit::days};

class AgreementTimers {
 public:
  AgreementTimers(const WorkingCalendar& calendar, Duration reminder_before)
      : calendar_(calendar), reminder_before_(reminder_before) {}

  // Stamps facts "agreed_at" (a new agreement) and "agreement_effective_at" (it
  // took effect) on `after` at `at`; true when the agreement timers change.
  bool advance(const Case* before, Case& after, Millis at) const;
  std::vector<TimerRow> timers_for(const Case& c) const;
  // For a timer of one of the kinds above (is_agreement_timer).
  TimerFiring fire(const DueTimer& timer, const Case& current, Millis now) const;
  static bool is_agreement_timer(std::string_view kind);

 private:
  std::optional<Millis> performance_due_at(const Case& c) const;

  const WorkingCalendar& calendar_;
  Duration reminder_before_;
};

}  // namespace outpost
