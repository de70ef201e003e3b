// File: adapters/storage/soci_timer_store.hpp
//
// The timer store port (engine/cases/case_store.hpp) on the shared Database: the
// deadline timers that are due, and firing one in a transaction of its own
// that also changes the case (with CaseStatements, case_statements.hpp).
//
//   SociTimerStore timers(db);                 // db: a migrated Database
//   for (const DueTimer& t : timers.due_timers(now, 100).value()) timers.fire_timer(t, now,
//   decide);
//
// Threads and errors: as Database.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/storage/database.hpp"
#include "engine/deadlines/timer_store.hpp"

namespace outpost {

class SociTimerStore final : public TimerStore {
 public:
  explicit SociTimerStore(Database& db) : db_(db) {}

  Result<std::vector<DueTimer>> due_timers(Millis now, int limit) override;
  Result<bool> fire_timer(const DueTimer& timer, Millis now,
                          const std::function<TimerFiring(const Case&)>& decide) override;

 private:
  Database& db_;
};

}  // namespace outpost
