// Deadline policies, clock rules, timers and firings (engine/deadlines/deadlines.hpp) on
// the shipped catalogue and the shipped China calendar.
#include <cstdio>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <boost/json/parse.hpp>

#include "adapters/config/config_loader.hpp"
#include "engine/cases/audit_chain.hpp"
#include "engine/deadlines/deadlines.hpp"

namespace {

using namespace outpost;
namespace json = boost::json;

const config::DomainConfig& domain() {
  static const config::DomainConfig d = config::load_domain_config(OUTPOST_CONFIG_DIR).value();
  return d;
}

const Deadlines& china() {
  static const Deadlines d(domain().deadline_policy, domain().calendar);
  return d;
}

// "2026-03-10 10:00", local time (+08:00), to UTC Millis.
Millis at(const char* text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  REQUIRE(std::sscanf(text, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi) == 5);
  return domain().calendar.local_time(LocalDate{y, mo, d}, h, mi);
}

std::string local(std::optional<Millis> t) {
  if (!t) return "none";
  std::string s = domain().calendar.format_local(*t).substr(0, 16);
  s[10] = ' ';
  return s;
}

constexpr Millis kHour = 3'600'000;

Case request(const char* urgency = "normal") {
  Case c;
  c.id = 7;
  c.kind = CaseKind::request;
  c.category = "facility_repair";
  c.urgency = urgency;
  c.state = "submitted";
  c.version = 1;
  c.last_hash = std::string(kGenesisHash);
  return c;
}

// `before` moved to `state` by `event` at `when`: the case after, with its clock.
Case step(const Case& before, const char* state, const char* event, const char* when,
          bool expect_moved = true) {
  Case after = before;
  after.state = state;
  CHECK_MESSAGE(china().advance(&before, after, event, at(when)) == expect_moved, event);
  return after;
}

}  // namespace

TEST_SUITE("deadlines") {
  TEST_CASE("a request's steps get the catalogue's limits, urgent ones the shorter limit") {
    Case c = request();
    REQUIRE(china().advance(nullptr, c, "submit", at("2026-03-10 10:00")));
    CHECK(c.clock.step == "dispatch");
    CHECK(local(c.deadline) == "2026-03-10 11:00");  // 1wh

    Case dispatched = step(c, "dispatched", "dispatch", "2026-03-10 10:20");
    CHECK(dispatched.clock.step == "acknowledge");
    CHECK(dispatched.clock.duration == "2wh");
    CHECK(dispatched.clock.generation == c.clock.generation + 1);
    CHECK(local(dispatched.deadline) == "2026-03-10 14:20");  // over the lunch break

    Case urgent = request("urgent");
    REQUIRE(china().advance(nullptr, urgent, "submit", at("2026-03-10 10:00")));
    Case urgent_dispatched = step(urgent, "dispatched", "dispatch", "2026-03-10 10:20");
    CHECK(urgent_dispatched.clock.duration == "30m");
    CHECK(local(urgent_dispatched.deadline) == "2026-03-10 10:50");

    Case acknowledged = step(dispatched, "acknowledged", "acknowledge", "2026-03-10 11:00");
    CHECK(acknowledged.clock.step == "resolve");
    CHECK(local(acknowledged.deadline) == "2026-03-17 11:00");  // 5wd
    // The resolve clock runs on through in_progress.
    Case working = step(acknowledged, "in_progress", "start_work", "2026-03-10 11:30", false);
    CHECK(working.deadline == acknowledged.deadline);
    CHECK(working.clock == acknowledged.clock);
  }

  TEST_CASE("hold keeps the time left, resume restarts it, an approved extension moves it") {
    Case c = request();
    REQUIRE(china().advance(nullptr, c, "submit", at("2026-03-10 09:00")));
    c = step(c, "dispatched", "dispatch", "2026-03-10 09:00");
    c = step(c, "acknowledged", "acknowledge", "2026-03-10 11:00");
    c = step(c, "in_progress", "start_work", "2026-03-10 11:00", false);
    REQUIRE(local(c.deadline) == "2026-03-17 11:00");

    Case held = step(c, "on_hold", "hold", "2026-03-11 11:00");
    CHECK_FALSE(held.deadline);
    REQUIRE(held.clock.paused_remaining);
    CHECK(*held.clock.paused_remaining == 28 * kHour);  // four working days of 7 h
    CHECK(china().time_left(held, at("2026-03-13 10:00")) == 28 * kHour);
    CHECK(china().timers_for(held).empty());
    CHECK_FALSE(case_is_overdue(held, at("2026-03-30 10:00")));

    Case resumed = step(held, "in_progress", "resume", "2026-03-16 09:00");
    CHECK_FALSE(resumed.clock.paused_remaining);
    CHECK(local(resumed.deadline) == "2026-03-19 18:00");
    CHECK(resumed.clock.generation == held.clock.generation + 1);

    Case asked = resumed;
    asked.facts["extension_pending"] = json::object{{"days", 2}, {"reason", "等配件"}};
    Case extended = step(asked, "in_progress", "approve_extension", "2026-03-17 10:00");
    CHECK(local(extended.deadline) == "2026-03-23 18:00");
    CHECK(extended.clock.extended_days == 2);
    // A denied extension changes nothing.
    step(asked, "in_progress", "deny_extension", "2026-03-17 10:00", false);

    Case resolved = step(extended, "resolved", "resolve", "2026-03-18 10:00");
    CHECK(resolved.clock.step == "follow_up");
    CHECK(local(resolved.deadline) == "2026-03-23 10:00");  // 3wd
    Case closed = step(resolved, "closed", "record_follow_up", "2026-03-19 10:00");
    CHECK(closed.clock.step.empty());
    CHECK_FALSE(closed.deadline);
    CHECK(china().timers_for(closed).empty());
  }

  TEST_CASE("a dispute's mediation clock runs from assignment through mediation") {
    Case c = request();
    c.kind = CaseKind::dispute;
    c.category = "neighbour";
    c.state = "registered";
    REQUIRE(china().advance(nullptr, c, "register", at("2026-03-10 10:00")));
    CHECK(c.clock.step == "accept");
    CHECK(local(c.deadline) == "2026-03-11 10:00");  // 1wd
    c = step(c, "accepted", "accept", "2026-03-10 11:00");
    c = step(c, "assigned", "assign", "2026-03-10 15:00");
    CHECK(c.clock.step == "mediation");
    CHECK(local(c.deadline) == "2026-04-09 15:00");  // 30 calendar days
    Case mediating = step(c, "mediating", "start_mediation", "2026-03-12 10:00", false);
    CHECK(mediating.deadline == c.deadline);
    Case agreed = step(mediating, "agreement_reached", "reach_agreement", "2026-03-20 10:00");
    CHECK(agreed.clock.step == "judicial_confirmation");
    CHECK(local(agreed.deadline) == "2026-04-19 10:00");
  }

  TEST_CASE("timers: a warning at 80% of the working time, the breach, the escalation after") {
    Case c = request();
    REQUIRE(china().advance(nullptr, c, "submit", at("2026-03-10 10:00")));
    c = step(c, "dispatched", "dispatch", "2026-03-10 10:20");  // due 14:20
    const auto timers = china().timers_for(c);
    REQUIRE(timers.size() == 3);
    CHECK(timers[0].kind == "warning");
    CHECK(local(timers[0].due_at) == "2026-03-10 11:56");  // 96 of 120 working minutes
    CHECK(timers[1].kind == "breach");
    CHECK(local(timers[1].due_at) == "2026-03-10 14:20");
    CHECK(timers[2].kind == "escalation");
    CHECK(local(timers[2].due_at) == "2026-03-10 15:20");  // escalate_after 1wh
    for (const TimerRow& t : timers) {
      CHECK(t.step == "acknowledge");
      CHECK(t.generation == c.clock.generation);
    }
  }

  TEST_CASE("firing: once per clock, by system, sealed on the chain, with a notification") {
    Case c = request();
    REQUIRE(china().advance(nullptr, c, "submit", at("2026-03-10 10:00")));
    c = step(c, "dispatched", "dispatch", "2026-03-10 10:20");
    c.version = 2;
    c.assignment = {"urban", {"u-001"}};
    const auto timers = china().timers_for(c);
    auto due = [&](std::size_t i) {
      return DueTimer{static_cast<std::int64_t>(i + 1),
                      c.id,
                      timers[i].kind,
                      timers[i].step,
                      timers[i].generation,
                      timers[i].due_at};
    };

    // The escalation waits for its breach.
    CHECK(china().fire(due(2), c, at("2026-03-10 15:30")).verdict == TimerFiring::Verdict::later);

    TimerFiring warning = china().fire(due(0), c, at("2026-03-10 11:57"));
    REQUIRE(warning.verdict == TimerFiring::Verdict::fire);
    CHECK(warning.entry.event == "deadline_warning");
    CHECK(warning.entry.actor == "system");
    CHECK(warning.entry.seq == 3);
    CHECK(warning.entry.from_state == "dispatched");
    CHECK(warning.entry.to_state == "dispatched");
    CHECK(warning.entry.prev_hash == c.last_hash);
    CHECK(warning.updated.last_hash == warning.entry.hash);
    CHECK(warning.updated.version == 3);
    CHECK(warning.updated.clock.warned);
    REQUIRE(warning.effects.outbox.size() == 1);
    CHECK(warning.effects.outbox[0].topic == "deadline.warning");
    CHECK(warning.effects.outbox[0].id == "c7.3.deadline.warning");
    CHECK(warning.effects.outbox[0].payload.find("u-001") != std::string::npos);
    // Fired once: the same timer on the updated case does nothing.
    CHECK(china().fire(due(0), warning.updated, at("2026-03-10 12:00")).verdict ==
          TimerFiring::Verdict::cancel);

    TimerFiring breach = china().fire(due(1), warning.updated, at("2026-03-10 14:21"));
    REQUIRE(breach.verdict == TimerFiring::Verdict::fire);
    CHECK(breach.entry.event == "deadline_breached");
    CHECK(breach.updated.clock.breached);
    CHECK(case_is_overdue(breach.updated, at("2026-03-10 14:21")));
    TimerFiring escalated = china().fire(due(2), breach.updated, at("2026-03-10 15:21"));
    REQUIRE(escalated.verdict == TimerFiring::Verdict::fire);
    CHECK(escalated.entry.event == "escalated");
    CHECK(escalated.effects.outbox.at(0).topic == "case.escalated");
    CHECK(escalated.effects.outbox.at(0).payload.find("supervisor") != std::string::npos);

    // A timer of an older clock fires nothing once the case moved on.
    Case acknowledged = step(c, "acknowledged", "acknowledge", "2026-03-10 11:00");
    CHECK(china().fire(due(1), acknowledged, at("2026-03-10 14:21")).verdict ==
          TimerFiring::Verdict::cancel);
  }

  TEST_CASE("a deadline policy refuses a share out of range, a bad duration and no steps") {
    DeadlineRules rules;
    rules.warn_at = 1.5;
    rules.escalate_after = "soon";
    rules.steps.emplace()["request"]["dispatched"] = "";
    auto p = DeadlinePolicy::make(rules, domain().catalogue);
    REQUIRE_FALSE(p);
    std::vector<std::string> fields;
    for (const auto& f : p.error().fields) fields.push_back(f.field);
    CHECK(fields == std::vector<std::string>{"policies.deadlines.warn_at",
                                             "policies.deadlines.escalate_after",
                                             "policies.deadlines.steps.request.dispatched"});
    CHECK(DeadlinePolicy::make(DeadlineRules{}, domain().catalogue).error().fields.at(0).field ==
          "policies.deadlines.steps");

    DeadlineRules good;
    good.warn_at = 0.5;
    good.escalate_after = "1wh";
    good.steps.emplace()["request"]["dispatched"] = "acknowledge";
    good.holds["request"].insert("on_hold");
    auto policy = DeadlinePolicy::make(good, domain().catalogue);
    REQUIRE(policy);
    CHECK(policy.value().step_of("request", "dispatched") == "acknowledge");
    CHECK(policy.value().holds("request", "on_hold"));
    CHECK(policy.value().warn_share() == 0.5);
    CHECK(policy.value().escalate_after() == Duration{1, DurationUnit::working_hours});
    CHECK(policy.value().limit("dispute", "neighbour", "normal", "accept") ==
          Duration{1, DurationUnit::working_days});
  }
}

TEST_SUITE("deadlines") {
  TEST_CASE("RFC 3339 times are UTC with milliseconds") {
    CHECK(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
    CHECK(format_rfc3339(1'790'000'000'123) == "2026-09-21T14:13:20.123Z");
    CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59.999Z");
    CHECK(format_rfc3339(253'402'300'799'999) == "9999-12-31T23:59:59.999Z");
  }
}

TEST_SUITE("agreement_timers") {
  // A dispute in mediation whose agreement `agreed` (as the workflow records it)
  // is reached at `when`.
  Case agreement_reached(const char* form, const char* due, const char* when) {
    Case mediating;
    mediating.id = 9;
    mediating.kind = CaseKind::dispute;
    mediating.category = "neighbour";
    mediating.state = "mediating";
    mediating.version = 5;
    mediating.last_hash = std::string(kGenesisHash);
    Case agreed = mediating;
    agreed.state = "agreement_reached";
    agreed.facts["agreements"] = 1;
    agreed.facts["agreement_form"] = form;
    agreed.facts["agreement_effective"] = std::string_view(form) == "oral";
    agreed.facts["performance_due"] = due;
    REQUIRE(china().advance(&mediating, agreed, "reach_agreement", at(when)));
    return agreed;
  }

  std::vector<TimerRow> agreement_rows(const Case& c) {
    std::vector<TimerRow> out;
    for (const TimerRow& t : china().timers_for(c)) {
      if (t.step == kAgreementStep) out.push_back(t);
    }
    return out;
  }

  DueTimer due(const TimerRow& row) {
    return DueTimer{1, 9, row.kind, row.step, row.generation, row.due_at};
  }

  TEST_CASE(
      "an oral agreement: a reminder 3 days before, the check at the date, the lapse at 30 days") {
    const Case c = agreement_reached("oral", "2026-03-31", "2026-03-10 10:00");
    const auto rows = agreement_rows(c);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].kind == "performance_reminder");
    CHECK(local(rows[0].due_at) == "2026-03-28 00:00");
    CHECK(rows[1].kind == "performance_check");
    CHECK(local(rows[1].due_at) == "2026-03-31 00:00");
    CHECK(rows[2].kind == "judicial_lapse");
    CHECK(local(rows[2].due_at) == "2026-04-09 10:00");  // 30 calendar days
    for (const TimerRow& r : rows) CHECK(r.generation == 1);

    const TimerFiring check = china().fire(due(rows[1]), c, rows[1].due_at);
    REQUIRE(check.verdict == TimerFiring::Verdict::fire);
    CHECK(check.entry.event == "performance_check_due");
    CHECK(check.entry.actor == "system");
    CHECK(check.updated.facts.at("performance_check_due") == true);
    REQUIRE(check.effects.outbox.size() == 1);
    CHECK(check.effects.outbox[0].topic == "agreement.performance_check");
    // Fired once: the flag cancels a second firing, and the case's timers omit it.
    CHECK(china().fire(due(rows[1]), check.updated, rows[1].due_at).verdict ==
          TimerFiring::Verdict::cancel);
    CHECK(agreement_rows(check.updated).size() == 2);

    const TimerFiring lapse = china().fire(due(rows[2]), c, rows[2].due_at);
    REQUIRE(lapse.verdict == TimerFiring::Verdict::fire);
    CHECK(lapse.entry.event == "judicial_confirmation_lapsed");
    CHECK(lapse.updated.facts.at("judicial_confirmation") == "lapsed");
  }

  TEST_CASE("a written agreement's window starts when the last party confirmed it") {
    Case c = agreement_reached("written", "2026-03-11", "2026-03-10 10:00");
    auto rows = agreement_rows(c);
    REQUIRE(rows.size() == 2);  // the reminder is due at once (the date is near), the check
    CHECK(local(rows[0].due_at) == "2026-03-10 10:00");
    CHECK(rows[1].kind == "performance_check");
    Case confirmed = c;
    confirmed.facts["agreement_effective"] = true;
    REQUIRE(china().advance(&c, confirmed, "confirm_agreement", at("2026-03-12 09:00")));
    rows = agreement_rows(confirmed);
    REQUIRE(rows.size() == 3);
    CHECK(local(rows[2].due_at) == "2026-04-11 09:00");

    // An application, a recorded outcome or a newer agreement cancel what is pending.
    Case applied = confirmed;
    applied.facts["judicial_confirmation"] = "applied";
    applied.facts["performance_outcome"] = "performed";
    applied.state = "follow_up";
    for (const TimerRow& r : rows) {
      CHECK(china().fire(due(r), applied, r.due_at).verdict == TimerFiring::Verdict::cancel);
    }
    Case newer = confirmed;
    newer.facts["agreements"] = 2;
    CHECK(china().fire(due(rows[2]), newer, rows[2].due_at).verdict ==
          TimerFiring::Verdict::cancel);
  }
}
