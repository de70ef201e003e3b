// File: engine/core/clock.hpp
//
// The clock port. The engine never reads the system time directly, so tests
// can drive time (deadlines, escalation) with a manual clock.
#pragma once

#include <atomic>
#include <cstdint>

namespace outpost {

using Millis = std::int64_t;  // UTC epoch milliseconds; the only time representation in the domain.

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Millis now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Millis now() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(Millis start) : now_(start) {}
  Millis now() const override { return now_.load(); }
  void advance(Millis by) { now_ += by; }
  void set(Millis to) { now_ = to; }

 private:
  std::atomic<Millis> now_;
};

}  // namespace outpost
