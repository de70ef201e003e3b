// File: engine/deadlines/timer_store.hpp
//
// The timer store port: the deadline timers that have fallen due, and firing
// one in a single transaction with the change it makes to its case
// (engine/deadlines/deadline_scheduler.hpp drives it; adapters/storage
// implements it). Every method either fully happens or does not happen at all.
//
//   auto due = timers.due_timers(now, 100);
//   for (const DueTimer& t : due.value()) timers.fire_timer(t, now, decide);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/core/error.hpp"

namespace outpost {

// A pending timer that has fallen due.
struct DueTimer {
  std::int64_t id = 0;
  CaseId case_id = 0;
  std::string kind;  // warning | breach | escalation
  std::string step;
  std::int64_t generation = 0;
  Millis due_at = 0;
};

// What firing a due timer comes to (engine/deadlines/deadlines.hpp decides).
struct TimerFiring {
  enum class Verdict {
    fire,    // commit `updated` with the sealed `entry` and `effects`; the timer is fired
    cancel,  // the timer no longer applies (its clock moved on): it is cancelled
    later,   // not yet (an escalation whose breach is still being recorded)
  };
  Verdict verdict = Verdict::cancel;
  Case updated;
  HistoryEntry entry;
  SideEffects effects;
};

class TimerStore {
 public:
  virtual ~TimerStore() = default;
  // Ids of pending timers due at `now`, by due time, at most `limit`.
  virtual Result<std::vector<DueTimer>> due_timers(Millis now, int limit) = 0;
  // One transaction: takes the timer if it is still pending and no other
  // transaction holds it (PostgreSQL: FOR UPDATE SKIP LOCKED; another server
  // process may be firing it), loads its case and asks `decide`. fire: the
  // case is updated (version-checked), the history row and effects are
  // written and the timer is marked fired, together. Answers whether the
  // timer was fired or cancelled by this call: false when it was taken or
  // done elsewhere, when `decide` said later, or when the case changed
  // meanwhile (the timer stays pending and is tried again).
  virtual Result<bool> fire_timer(const DueTimer& timer, Millis now,
                                  const std::function<TimerFiring(const Case&)>& decide) = 0;
};

}  // namespace outpost
