// SociOutboxStore against a real database (SQLite or PostgreSQL, as
// OUTPOST_TEST_BACKEND says): claims lease messages exclusively, also across
// processes; outcomes are recorded once; the list pages newest first.
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "adapters/storage/stores.hpp"
#include "tests/support/test_db.hpp"

namespace {

using outpost::DeliveryOutcome;
using outpost::ErrorKind;
using outpost::Millis;
using outpost::OutboxState;
using outpost::StoredOutboxMessage;
using outpost::Stores;
using outpost::testing::TestDatabase;

constexpr Millis kNow = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr Millis kLease = 30000;

outpost::DatabaseOptions two_connections() {
  outpost::DatabaseOptions options;
  options.pool_size = 2;
  return options;
}

std::unique_ptr<Stores> open(const TestDatabase& db) {
  auto opened = outpost::open_stores(db.url(), two_connections());
  REQUIRE_MESSAGE(opened.ok(), opened.error().message);
  return std::move(opened).value();
}

struct Migrated {
  TestDatabase db;
  std::unique_ptr<Stores> store = open(db);
  Migrated() { REQUIRE(store->database->migrate().ok()); }

  // Pending messages "m<first>".."m<first + count - 1>", due at `due`, in one statement.
  void add(int first, int count, Millis due, const std::string& state = "pending") {
    std::string sql =
        "INSERT INTO outbox (id, topic, case_id, payload, state, attempts, next_attempt_at,"
        " created_at) VALUES ";
    for (int i = first; i < first + count; ++i) {
      sql += (i == first ? "" : ", ") + std::string("('m") + std::to_string(i) +
             "', 'case.dispatched', NULL, '{\"n\":" + std::to_string(i) + "}', '" + state +
             "', 0, " + std::to_string(due) + ", " + std::to_string(kNow - 60000 + i) + ")";
    }
    db.exec(sql);
  }

  std::vector<StoredOutboxMessage> claim(int limit, Millis now = kNow) {
    auto r = store->outbox.claim_due_messages(now, limit, now + kLease);
    REQUIRE_MESSAGE(r.ok(), r.error().message);
    return r.value();
  }

  std::vector<StoredOutboxMessage> list(std::optional<OutboxState> state,
                                        std::optional<std::int64_t> cursor, int limit) {
    auto r = store->outbox.list_outbox(state, cursor, limit);
    REQUIRE_MESSAGE(r.ok(), r.error().message);
    return r.value();
  }
};

std::vector<std::string> ids(const std::vector<StoredOutboxMessage>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.message.id);
  return out;
}

// Claims batches until none is left and records each claimed message as
// delivered to `who`; returns how many recordings failed.
int drain(Stores& store, const std::string& who) {
  int failures = 0;
  for (;;) {
    auto batch = store.outbox.claim_due_messages(kNow, 7, kNow + kLease);
    if (!batch.ok()) return failures + 1;
    if (batch.value().empty()) return failures;
    for (const StoredOutboxMessage& m : batch.value()) {
      DeliveryOutcome done{{who}, true, false, "", kNow, kNow};
      if (!store.outbox.record_delivery(m.seq, done).ok()) ++failures;
    }
  }
}

}  // namespace

TEST_SUITE("storage_outbox") {
  TEST_CASE("a claim takes due pending messages oldest first and leases them") {
    Migrated m;
    m.add(1, 3, kNow - 1000);
    m.add(4, 1, kNow + 5000);          // not due yet
    m.add(5, 1, kNow - 9000, "dead");  // not pending
    m.add(6, 1, kNow - 2000);          // due earliest

    auto first = m.claim(3);
    CHECK(ids(first) == std::vector<std::string>{"m1", "m2", "m6"});  // ordered by seq
    for (const auto& msg : first) {
      CHECK(msg.attempts == 1);
      CHECK(msg.next_attempt_at == kNow + kLease);
      CHECK(msg.state == OutboxState::pending);
      CHECK(msg.message.topic == "case.dispatched");
      CHECK(msg.message.case_id == 0);
      CHECK(msg.message.payload.starts_with("{\"n\":"));
    }
    CHECK(m.db.query_int("SELECT attempts FROM outbox WHERE id = 'm6'") == 1);
    CHECK(m.db.query_int("SELECT next_attempt_at FROM outbox WHERE id = 'm6'") == kNow + kLease);

    CHECK(ids(m.claim(10)) == std::vector<std::string>{"m3"});  // the leased ones are skipped
    CHECK(m.claim(10).empty());
    CHECK(m.claim(0).empty());

    // Nothing was recorded for them: after the lease they are taken again.
    auto again = m.claim(10, kNow + kLease + 5000);
    CHECK(ids(again) == std::vector<std::string>{"m1", "m2", "m3", "m4", "m6"});
    CHECK(again.front().attempts == 2);
  }

  TEST_CASE("an outcome is recorded once: delivered, retried or dead") {
    Migrated m;
    m.add(1, 3, kNow);
    auto claimed = m.claim(3);
    REQUIRE(claimed.size() == 3);

    DeliveryOutcome retry{{"audit"}, false, false, "ops: HTTP 500", kNow + 4000, kNow};
    REQUIRE(m.store->outbox.record_delivery(claimed[0].seq, retry).ok());
    DeliveryOutcome delivered{{"audit", "ops"}, true, false, "", kNow, kNow + 10};
    REQUIRE(m.store->outbox.record_delivery(claimed[1].seq, delivered).ok());
    DeliveryOutcome dead{{}, false, true, "ops: timed out after 5000 ms", kNow, kNow + 20};
    REQUIRE(m.store->outbox.record_delivery(claimed[2].seq, dead).ok());

    auto rows = m.list(std::nullopt, std::nullopt, 10);
    REQUIRE(rows.size() == 3);
    const StoredOutboxMessage& m3 = rows[0];
    const StoredOutboxMessage& m2 = rows[1];
    const StoredOutboxMessage& m1 = rows[2];
    CHECK(m1.state == OutboxState::pending);
    CHECK(m1.next_attempt_at == kNow + 4000);
    CHECK(m1.last_error == "ops: HTTP 500");
    CHECK(m1.delivered_to == std::vector<std::string>{"audit"});
    CHECK_FALSE(m1.delivered_at.has_value());
    CHECK(m2.state == OutboxState::delivered);
    CHECK(m2.delivered_to == std::vector<std::string>{"audit", "ops"});
    CHECK(m2.delivered_at == kNow + 10);
    CHECK(m2.last_error.empty());
    CHECK(m3.state == OutboxState::dead);
    CHECK(m3.last_error == "ops: timed out after 5000 ms");
    CHECK_FALSE(m3.delivered_at.has_value());

    // A late report (a deliverer whose lease ran out) does not undo a final outcome.
    auto late = m.store->outbox.record_delivery(claimed[1].seq, retry);
    REQUIRE_FALSE(late.ok());
    CHECK(late.error().kind == ErrorKind::not_found);
    CHECK(m.db.query_text("SELECT state FROM outbox WHERE id = 'm2'") == "delivered");
    CHECK_FALSE(m.store->outbox.record_delivery(999999, delivered).ok());

    // Only the retried one is claimed again, once due, with what it had.
    CHECK(m.claim(10, kNow + 3999).empty());
    auto next = m.claim(10, kNow + 4000);
    REQUIRE(next.size() == 1);
    CHECK(next[0].message.id == "m1");
    CHECK(next[0].attempts == 2);
    CHECK(next[0].delivered_to == std::vector<std::string>{"audit"});
  }

  TEST_CASE("the list is newest first, filtered by state and paged by seq") {
    Migrated m;
    m.add(1, 5, kNow + 1000);
    m.add(6, 2, kNow, "dead");
    auto all = m.list(std::nullopt, std::nullopt, 50);
    CHECK(ids(all) == std::vector<std::string>{"m7", "m6", "m5", "m4", "m3", "m2", "m1"});
    auto page = m.list(OutboxState::pending, std::nullopt, 2);
    CHECK(ids(page) == std::vector<std::string>{"m5", "m4"});
    auto rest = m.list(OutboxState::pending, page.back().seq, 50);
    CHECK(ids(rest) == std::vector<std::string>{"m3", "m2", "m1"});
    CHECK(ids(m.list(OutboxState::dead, std::nullopt, 50)) == std::vector<std::string>{"m7", "m6"});
    CHECK(m.list(OutboxState::delivered, std::nullopt, 50).empty());
  }

  TEST_CASE("two processes and two stores claiming at once never take the same message") {
    Migrated m;
    constexpr int kMessages = 200;
    m.add(1, kMessages, kNow - 1000);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      // Its own store, as a second `outpost serve` would have; _exit skips
      // the parent's destructors.
      auto opened = outpost::open_stores(m.db.url(), two_connections());
      ::_exit(opened.ok() && drain(*opened.value(), "child") == 0 ? 0 : 1);
    }
    auto second = open(m.db);
    int failures = 0;
    std::thread other([&] { failures += drain(*second, "thread"); });
    const int mine = drain(*m.store, "parent");
    other.join();
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);  // each of the child's recordings found its message pending
    CHECK(mine + failures == 0);
    CHECK(m.db.query_int("SELECT count(*) FROM outbox WHERE state = 'delivered'") == kMessages);
    CHECK(m.db.query_int("SELECT count(*) FROM outbox WHERE attempts <> 1") == 0);
  }
}
