// The deadline scheduler on a real database (SQLite or PostgreSQL, per
// OUTPOST_TEST_BACKEND) with an injectable (manual) clock: cases created and
// moved through CaseService get their timers in the same transaction, and
// DeadlineScheduler fires them exactly once, as history rows by `system`.
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <boost/json.hpp>

#include "adapters/config/config_loader.hpp"
#include "adapters/storage/stores.hpp"
#include "engine/cases/audit_chain.hpp"
#include "engine/cases/case_service.hpp"
#include "engine/deadlines/deadline_scheduler.hpp"
#include "tests/support/test_db.hpp"
#include "workflows/registry.hpp"

namespace {

using namespace outpost;
using outpost::testing::TestDatabase;
namespace json = boost::json;

constexpr Millis kMinute = 60'000;

const config::DomainConfig& domain() {
  static const config::DomainConfig d = config::load_domain_config(OUTPOST_CONFIG_DIR).value();
  return d;
}

std::unique_ptr<Stores> open_migrated(const TestDatabase& db) {
  auto opened = open_stores(db.url(), {4, nullptr});
  REQUIRE_MESSAGE(opened.ok(), opened.error().message);
  REQUIRE(opened.value()->database->migrate().ok());
  return std::move(opened).value();
}

NewCase request_body() {
  NewCase c;
  c.kind = "request";
  c.category = "facility_repair";
  c.title = "路灯不亮";
  c.channel = "hotline";
  c.location = {"LF", "LF-G01", "", ""};
  c.parties = {{"applicant", "王桂兰", "13700137000", ""}};
  return c;
}

struct World {
  TestDatabase db;
  std::unique_ptr<Stores> store = open_migrated(db);
  WorkflowRegistry workflows = builtin_workflows();
  // Tue 2026-03-10 10:00 in Chongqing: a working day.
  ManualClock clock{domain().calendar.local_time(LocalDate{2026, 3, 10}, 10, 0)};
  Deadlines deadlines{domain().deadline_policy, domain().calendar};
  CaseService service{store->cases,          workflows, domain().catalogue,
                      domain().jurisdiction, clock,     &deadlines};
  DeadlineScheduler scheduler{store->timers, deadlines, clock};
  Actor desk{1, "desk01", "desk", "", ""};
  Actor dispatcher{2, "disp01", "dispatcher", "", ""};

  CaseId dispatched_request() {
    auto c = service.create(request_body(), desk, nullptr);
    REQUIRE_MESSAGE(c.ok(), c.error().message);
    auto d = service.apply(c.value().id, {"dispatch", {{"department", "urban"}}, std::nullopt},
                           dispatcher, nullptr);
    REQUIRE_MESSAGE(d.ok(), d.error().message);
    return c.value().id;
  }

  std::vector<std::string> system_events(CaseId id) {
    std::vector<std::string> out;
    auto history = store->cases.history(id);
    REQUIRE(history.ok());
    const std::vector<HistoryEntry> rows = std::move(history).value();
    for (const HistoryEntry& e : rows) {
      if (e.actor == "system") out.push_back(e.event);
    }
    return out;
  }

  std::int64_t count(const std::string& sql) { return db.query_int(sql); }
};

using Events = std::vector<std::string>;

}  // namespace

TEST_SUITE("deadline_scheduler") {
  TEST_CASE("a request with no action goes warning, breached, escalated: each once, by system") {
    World w;
    const CaseId id = w.dispatched_request();  // acknowledge within 2wh: due 12:00
    const Case dispatched = w.service.get(id).value();
    REQUIRE(dispatched.deadline);
    CHECK(w.count("SELECT count(*) FROM timers WHERE state = 'pending' AND case_id = " +
                  std::to_string(id)) == 3);

    CHECK(w.scheduler.run_due().value() == 0);  // nothing is due yet
    CHECK(w.system_events(id).empty());

    w.clock.advance(97 * kMinute);  // 11:37: 80% of the working time is used
    CHECK(w.scheduler.run_due().value() == 1);
    CHECK(w.system_events(id) == Events{"deadline_warning"});

    w.clock.set(*dispatched.deadline + kMinute);
    CHECK(w.scheduler.run_due().value() == 1);
    CHECK(w.system_events(id) == Events{"deadline_warning", "deadline_breached"});
    const Case breached = w.service.get(id).value();
    CHECK(case_is_overdue(breached, w.clock.now()));
    CHECK(breached.clock.breached);

    w.clock.set(*dispatched.deadline + 3 * 60 * kMinute);  // past the escalation (1wh, 15:00)
    CHECK(w.scheduler.run_due().value() == 1);
    CHECK(w.scheduler.run_due().value() == 0);
    CHECK(w.system_events(id) == Events{"deadline_warning", "deadline_breached", "escalated"});
    CHECK(w.service.get(id).value().clock.escalated);

    const auto history = w.store->cases.history(id).value();
    CHECK(first_broken_link(history) == 0);
    CHECK(history.back().from_state == "dispatched");
    CHECK(history.back().to_state == "dispatched");
    CHECK(w.count("SELECT count(*) FROM timers WHERE state = 'fired' AND case_id = " +
                  std::to_string(id)) == 3);
    CHECK(w.count("SELECT count(*) FROM timers WHERE state = 'pending'") == 0);
  }

  TEST_CASE("acting in time replaces the step's timers: nothing of the old step fires") {
    World w;
    const CaseId id = w.dispatched_request();
    w.clock.advance(30 * kMinute);
    auto ack = w.service.apply(id, {"acknowledge", {}, std::nullopt}, w.dispatcher, nullptr);
    REQUIRE(ack.ok());
    CHECK(ack.value().clock.step == "resolve");
    w.clock.advance(4 * 60 * kMinute);  // past the old acknowledge deadline and escalation
    CHECK(w.scheduler.run_due().value() == 0);
    CHECK(w.system_events(id).empty());
    CHECK(w.count("SELECT count(*) FROM timers WHERE state = 'pending' AND step = 'acknowledge'") ==
          0);
  }

  TEST_CASE("timers that fell due while nobody ran fire in order in one pass") {
    World w;
    const CaseId id = w.dispatched_request();
    w.clock.advance(2 * 24 * 60 * kMinute);
    CHECK(w.scheduler.run_due().value() == 3);
    CHECK(w.system_events(id) == Events{"deadline_warning", "deadline_breached", "escalated"});
    CHECK(w.count("SELECT count(*) FROM outbox WHERE case_id = " + std::to_string(id)) ==
          4);  // dispatched, warning, breached, escalated
  }

  TEST_CASE("two schedulers on one database fire each of 200 timers exactly once") {
    World w;
    std::vector<CaseId> ids;
    for (int i = 0; i < 200; ++i) ids.push_back(w.dispatched_request());
    w.clock.advance(24 * 60 * kMinute);       // every warning, breach and escalation is due
    auto second_store = open_migrated(w.db);  // its own connections, as another process
    DeadlineScheduler other(second_store->timers, w.deadlines, w.clock);
    auto drain = [](DeadlineScheduler& s) {
      for (int pass = 0; pass < 50; ++pass) {
        auto n = s.run_due(50);
        REQUIRE(n.ok());
      }
    };
    std::thread a([&] { drain(w.scheduler); });
    std::thread b([&] { drain(other); });
    a.join();
    b.join();
    CHECK(w.count("SELECT count(*) FROM history WHERE event = 'deadline_breached'") == 200);
    CHECK(
        w.count("SELECT count(DISTINCT case_id) FROM history WHERE event = 'deadline_breached'") ==
        200);
    CHECK(w.count("SELECT count(*) FROM history WHERE event = 'deadline_warning'") == 200);
    CHECK(w.count("SELECT count(*) FROM history WHERE event = 'escalated'") == 200);
    CHECK(w.count("SELECT count(*) FROM timers WHERE state = 'pending'") == 0);
    for (CaseId id : {ids.front(), ids[99], ids.back()}) {
      CHECK(first_broken_link(w.store->cases.history(id).value()) == 0);
    }
  }
}
