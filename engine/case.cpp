#include "engine/case.hpp"

#include <chrono>

#include "engine/clock.hpp"

namespace outpost {

bool case_is_overdue(const Case& c, Millis now) {
  return c.deadline && *c.deadline < now;
}

Millis SystemClock::now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace outpost
