// File: adapters/cli/serve_clock.hpp
//
// The clock of `outpost serve`: the system time, unless the environment names
// a test clock file (OUTPOST_TEST_CLOCK_FILE). Then the time is the system
// time plus the whole number of milliseconds the file holds (0 while it is
// missing or unreadable), read on every call: a test moves the server 30 days
// ahead by writing "2592000000" into it, and the deadline ticker fires what
// fell due. For tests only; the server logs a warning when it is set.
//
//   cli::ServeClock clock;        // reads OUTPOST_TEST_CLOCK_FILE once
//   if (clock.is_test_clock()) spdlog::warn(...);
#pragma once

#include <string>

#include "engine/core/clock.hpp"

namespace outpost::cli {

class ServeClock final : public Clock {
 public:
  ServeClock();
  Millis now() const override;
  bool is_test_clock() const { return !offset_file_.empty(); }
  const std::string& offset_file() const { return offset_file_; }

 private:
  SystemClock system_;
  std::string offset_file_;
};

}  // namespace outpost::cli
