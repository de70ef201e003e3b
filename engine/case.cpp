#include "engine/case.hpp"

#include <chrono>
#include <cstdio>

#include "engine/clock.hpp"

namespace outpost {

bool case_is_overdue(const Case& c, Millis now) {
  return c.deadline && *c.deadline < now;
}

boost::json::object clock_to_json(const StepClock& clock) {
  boost::json::object o{{"step", clock.step},
                        {"duration", clock.duration},
                        {"started_at", clock.started_at},
                        {"generation", clock.generation},
                        {"warned", clock.warned},
                        {"breached", clock.breached},
                        {"escalated", clock.escalated}};
  if (clock.paused_remaining) o["paused_remaining"] = *clock.paused_remaining;
  if (clock.extended_days != 0) o["extended_days"] = clock.extended_days;
  return o;
}

StepClock clock_from_json(const boost::json::value& v) {
  StepClock c;
  const boost::json::object* o = v.if_object();
  if (o == nullptr) return c;
  auto text = [&](std::string_view key) -> std::string {
    const boost::json::value* m = o->if_contains(key);
    return m != nullptr && m->is_string() ? std::string(m->get_string()) : std::string();
  };
  auto number = [&](std::string_view key) -> std::optional<std::int64_t> {
    const boost::json::value* m = o->if_contains(key);
    if (m != nullptr && m->is_int64()) return m->get_int64();
    return std::nullopt;
  };
  auto flag = [&](std::string_view key) {
    const boost::json::value* m = o->if_contains(key);
    return m != nullptr && m->is_bool() && m->get_bool();
  };
  c.step = text("step");
  c.duration = text("duration");
  c.started_at = number("started_at").value_or(0);
  c.paused_remaining = number("paused_remaining");
  c.generation = number("generation").value_or(0);
  c.extended_days = number("extended_days").value_or(0);
  c.warned = flag("warned");
  c.breached = flag("breached");
  c.escalated = flag("escalated");
  return c;
}

std::string format_rfc3339(Millis at) {
  const std::chrono::sys_time<std::chrono::milliseconds> tp{std::chrono::milliseconds(at)};
  const auto day = std::chrono::floor<std::chrono::days>(tp);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{tp - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

Millis SystemClock::now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace outpost
