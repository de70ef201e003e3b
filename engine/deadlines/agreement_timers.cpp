#include "engine/deadlines/agreement_timers.hpp"

#include <algorithm>
#include <charconv>

#include "engine/cases/case_commit.hpp"
#include "engine/notify/notifications.hpp"

namespace outpost {
namespace json = boost::json;

namespace {

constexpr std::string_view kReminder = "performance_reminder";
constexpr std::string_view kCheck = "performance_check";
constexpr std::string_view kLapse = "judicial_lapse";

std::int64_t fact_int(const Case& c, std::string_view key) {
  const json::value* v = c.facts.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

std::optional<Millis> fact_time(const Case& c, std::string_view key) {
  const json::value* v = c.facts.if_contains(key);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->get_int64();
}

std::string_view fact_text(const Case& c, std::string_view key) {
  const json::value* v = c.facts.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

// A calendar-time duration (m, h, d: DeadlinePolicy allows no other for the
// reminder) in milliseconds.
Millis calendar_millis(Duration d) {
  constexpr Millis kMinute = 60'000;
  const Millis unit = d.unit == DurationUnit::days    ? 24 * kHourMs
                      : d.unit == DurationUnit::hours ? kHourMs
                                                      : kMinute;
  return d.amount * unit;
}

// "YYYY-MM-DD" as a date; the workflow checked the form.
std::optional<LocalDate> parse_date(std::string_view s) {
  LocalDate d;
  if (s.size() != 10) return std::nullopt;
  const auto part = [s](std::size_t at, std::size_t len, int& out) {
    return std::from_chars(s.data() + at, s.data() + at + len, out).ec == std::errc{};
  };
  if (!part(0, 4, d.year) || !part(5, 2, d.month) || !part(8, 2, d.day)) return std::nullopt;
  return d;
}

// The performance timers apply while the agreement awaits its performance.
bool awaits_performance(const Case& c) {
  return c.state == "agreement_reached" && !c.facts.contains("performance_outcome");
}

bool lapse_pending(const Case& c) {
  return fact_flag(c, "agreement_effective") && !c.facts.contains("judicial_confirmation");
}

}  // namespace

bool AgreementTimers::is_agreement_timer(std::string_view kind) {
  return kind == kReminder || kind == kCheck || kind == kLapse;
}

std::optional<Millis> AgreementTimers::performance_due_at(const Case& c) const {
  const auto date = parse_date(fact_text(c, "performance_due"));
  if (!date) return std::nullopt;
  return calendar_.local_time(*date, 0, 0);
}

bool AgreementTimers::advance(const Case* before, Case& after, Millis at) const {
  if (before == nullptr) return false;
  const bool new_agreement = fact_int(after, "agreements") != fact_int(*before, "agreements");
  if (new_agreement) after.facts["agreed_at"] = at;
  const bool took_effect = fact_flag(after, "agreement_effective") &&
                           (new_agreement || !fact_flag(*before, "agreement_effective"));
  if (took_effect) after.facts["agreement_effective_at"] = at;
  return new_agreement || took_effect;
}

std::vector<TimerRow> AgreementTimers::timers_for(const Case& c) const {
  std::vector<TimerRow> out;
  const std::int64_t generation = fact_int(c, "agreements");
  if (generation == 0) return out;
  auto add = [&](std::string_view kind, Millis at) {
    out.push_back(TimerRow{std::string(kind), std::string(kAgreementStep), generation, at});
  };
  const auto due = performance_due_at(c);
  const auto agreed = fact_time(c, "agreed_at");
  if (due && agreed && awaits_performance(c)) {
    if (!fact_flag(c, "performance_reminded")) {
      const Millis remind_at = std::max(*due - calendar_millis(reminder_before_), *agreed);
      if (remind_at < *due) add(kReminder, remind_at);
    }
    if (!fact_flag(c, "performance_check_due")) add(kCheck, *due);
  }
  if (const auto effective = fact_time(c, "agreement_effective_at");
      effective && lapse_pending(c)) {
    add(kLapse, calendar_.add(*effective, kJudicialConfirmationWindow));
  }
  return out;
}

TimerFiring AgreementTimers::fire(const DueTimer& timer, const Case& current, Millis now) const {
  TimerFiring f;  // cancel unless set below
  if (timer.generation != fact_int(current, "agreements")) return f;
  Case next = current;
  std::string event;
  json::object data{{"timer", timer.id}, {"agreement", timer.generation}};
  if (timer.kind == kReminder || timer.kind == kCheck) {
    const bool reminder = timer.kind == kReminder;
    const std::string_view flag = reminder ? "performance_reminded" : "performance_check_due";
    if (!awaits_performance(current) || fact_flag(current, flag)) return f;
    next.facts[flag] = true;
    event = reminder ? "performance_reminder" : "performance_check_due";
    data["performance_due"] = fact_text(current, "performance_due");
  } else if (timer.kind == kLapse) {
    if (!lapse_pending(current)) return f;
    next.facts["judicial_confirmation"] = "lapsed";
    event = "judicial_confirmation_lapsed";
    data["window"] = to_string(kJudicialConfirmationWindow);
    if (auto effective = fact_time(current, "agreement_effective_at")) {
      data["effective_at"] = format_rfc3339(*effective);
    }
  } else {
    return f;
  }
  f.entry =
      seal_change(current, next, now, std::string(kSystemActor), std::move(event), std::move(data));
  f.effects.outbox = notifications_for(next, f.entry);
  f.updated = std::move(next);
  f.verdict = TimerFiring::Verdict::fire;
  return f;
}

}  // namespace outpost
