// File: tests/http/test_clock.hpp
//
// The server's test clock from a test: `outpost serve` adds the whole number
// of milliseconds the file OUTPOST_TEST_CLOCK_FILE holds to the system time
// (adapters/cli/serve_clock.hpp), so writing the file moves the server's time.
//
//   TestClock clock;
//   TestServer t(clock.env());
//   clock.set(local_midnight(system_now()) + 3 * kDay);
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/http/fixtures.hpp"

namespace outpost::testing {

inline constexpr Millis kDay = 24 * 3'600'000LL;
// Offset of the calendar's time zone (China, +08:00).
inline constexpr Millis kChina = 8 * 3'600'000LL;

inline Millis system_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The instant the local (+08:00) day of `at` starts.
inline Millis local_midnight(Millis at) {
  return (at + kChina) / kDay * kDay - kChina;
}

// The server's clock: the system time plus what this file holds.
class TestClock {
 public:
  TestClock()
      : path_(
            std::filesystem::temp_directory_path() /
            ("outpost-clock-" + std::to_string(::getpid()) + "-" + std::to_string(system_now()))) {}
  ~TestClock() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TestClock(const TestClock&) = delete;
  TestClock& operator=(const TestClock&) = delete;
  // Moves the server's time to `at` (ahead of the system time).
  void set(Millis at) const {
    const std::string tmp = path_.string() + ".new";
    std::ofstream(tmp) << (at - system_now());
    std::filesystem::rename(tmp, path_);
  }
  Headers env() const {
    return {{"OUTPOST_TEST_CLOCK_FILE", path_.string()}, {"OUTPOST_DEADLINE_INTERVAL_MS", "100"}};
  }

 private:
  std::filesystem::path path_;
};

}  // namespace outpost::testing
