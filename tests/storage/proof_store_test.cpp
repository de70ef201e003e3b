// The history log (SociProofStore, migration 9) against a real database: the
// trigger queues every history row, sequencing in batches stores a tree whose
// roots and proofs equal those of the same leaves in memory, and a day end
// gets one checkpoint however many callers race for it.
#include <doctest/doctest.h>

#include <latch>
#include <thread>

#include "adapters/storage/stores.hpp"
#include "engine/proof/history_proofs.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace outpost;
using outpost::testing::TestDatabase;

constexpr int kEntries = 2'345;  // more than two sequencing batches

struct Log {
  TestDatabase db;
  std::unique_ptr<Stores> store;
  CaseId id = 0;

  Log() {
    auto opened = open_stores(db.url(), {4, nullptr});
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    REQUIRE(store->database->migrate().ok());
    Case c;
    c.kind = CaseKind::dispute;
    c.state = "registered";
    c.category = "neighbour";
    c.channel = "desk";
    c.created_at = c.updated_at = 1'767'225'600'000;
    HistoryEntry first;
    first.at = c.created_at;
    first.actor = "clerk";
    first.event = "register";
    first.to_state = "registered";
    auto inserted = store->cases.insert_case(c, first, nullptr);
    REQUIRE(inserted.ok());
    id = inserted.value().id;
    // The rest straight in SQL, as a bulk load would: the trigger queues them too.
    db.exec(
        "INSERT INTO history (case_id, seq, at, actor, event, from_state, to_state, data,"
        " prev_hash, hash) WITH RECURSIVE s(n) AS (SELECT 2 UNION ALL SELECT n + 1 FROM s"
        " WHERE n < " +
        std::to_string(kEntries) + ") SELECT " + std::to_string(id) +
        ", n, 1767225600000 + n, 'clerk', 'record_session', 'mediating', 'mediating',"
        " '{\"n\":1}', 'p', 'h' FROM s");
  }
};

}  // namespace

TEST_SUITE("storage_proof") {
  TEST_CASE("sequencing in batches stores the tree of the same leaves in memory") {
    Log log;
    CHECK(log.db.query_int("SELECT count(*) FROM history_queue") == kEntries);
    auto part = log.store->proofs.sequence(1000);  // one batch
    REQUIRE(part.ok());
    CHECK(part.value() == 1000);
    CHECK(log.db.query_int("SELECT count(*) FROM history_queue") == kEntries - 1000);
    auto size = log.store->proofs.sequence(1'000'000);
    REQUIRE(size.ok());
    CHECK(size.value() == kEntries);
    CHECK(log.db.query_int("SELECT count(*) FROM history_queue") == 0);
    auto history = log.store->cases.history(log.id);
    REQUIRE(history.ok());
    proof::MemoryTree memory;
    for (const HistoryEntry& e : history.value()) memory.append(history_leaf_hash(e));
    for (std::int64_t n : {1, 999, 1000, 1001, 2048, kEntries}) {
      CAPTURE(n);
      auto root = log.store->proofs.root_at(n);
      REQUIRE(root.ok());
      CHECK(root.value() == proof::tree_root(memory, n));
      auto path = log.store->proofs.inclusion_proof(n - 1, kEntries);
      REQUIRE(path.ok());
      CHECK(path.value() == proof::inclusion_proof(memory, n - 1, kEntries));
      auto consistency = log.store->proofs.consistency_proof(n, kEntries);
      REQUIRE(consistency.ok());
      CHECK(consistency.value() == proof::consistency_proof(memory, n, kEntries));
    }
    auto leaves = log.store->proofs.leaves_of(log.id);
    REQUIRE(leaves.ok());
    CHECK(leaves.value().size() == static_cast<std::size_t>(kEntries));
    CHECK(log.store->proofs.root_at(kEntries + 1).error().kind == ErrorKind::invalid);
    CHECK(log.store->proofs.consistency_proof(3, 2).error().kind == ErrorKind::invalid);
    CHECK(log.store->proofs.sequence(1000).value() == kEntries);  // nothing new: nothing moves
  }

  TEST_CASE("racing callers sign one checkpoint per day end") {
    Log log;
    const proof::SigningKey key = proof::SigningKey::generate("outpost.test/history");
    constexpr Millis kBoundary = 1'767'196'800'000;  // 2026-01-01T00:00+08:00
    constexpr int kCallers = 4;
    std::latch start(kCallers);
    std::vector<std::thread> callers;
    std::atomic<int> ok{0};
    for (int i = 0; i < kCallers; ++i) {
      callers.emplace_back([&] {
        start.arrive_and_wait();
        auto cp = log.store->proofs.append_checkpoint(
            kBoundary, kBoundary + 1, [&](std::int64_t size, const proof::Hash& root) {
              return proof::sign_checkpoint({key.name(), size, root, kBoundary + 1}, key);
            });
        if (cp.ok() && cp.value().tree_size == kEntries) ++ok;
      });
    }
    for (auto& t : callers) t.join();
    CHECK(ok == kCallers);
    CHECK(log.db.query_int("SELECT count(*) FROM history_checkpoints") == 1);
    auto latest = log.store->proofs.latest_checkpoint();
    REQUIRE(latest.ok());
    REQUIRE(latest.value().has_value());
    auto opened = proof::open_checkpoint(latest.value()->note, key.verifier());
    REQUIRE(opened.ok());
    CHECK(opened.value().size == kEntries);
    CHECK(opened.value().root == log.store->proofs.root_at(kEntries).value());
  }
}

TEST_SUITE("storage_proof") {
  TEST_CASE("the whole log rebuilds the signed root; a changed row or a rewritten log does not") {
    Log log;
    const proof::SigningKey key = proof::SigningKey::generate("outpost.test/history");
    ManualClock clock(1'767'225'600'000 + 10'000'000);
    HistoryProofs proofs(log.store->proofs, &key, key.verifier(), clock);
    REQUIRE(proofs.sign(std::nullopt).ok());
    auto intact = proofs.verify_log();
    REQUIRE(intact.ok());
    CHECK(intact.value().ok());
    CHECK(intact.value().entries == kEntries);
    CHECK(intact.value().root_ok);

    const std::string where = " WHERE case_id = " + std::to_string(log.id) + " AND seq = 1500";
    if (outpost::testing::test_backend() == "sqlite") {
      log.db.exec("DROP TRIGGER history_no_update");
      log.db.exec("DROP TRIGGER history_log_no_update");
    } else {
      log.db.exec("DROP TRIGGER history_append_only ON history");
      log.db.exec("DROP TRIGGER history_log_append_only ON history_log");
    }
    log.db.exec("UPDATE history SET actor = 'mallory'" + where);
    auto changed = proofs.verify_log();
    REQUIRE(changed.ok());
    CHECK_FALSE(changed.value().ok());
    REQUIRE(changed.value().first_bad.has_value());
    CHECK(changed.value().first_bad->seq == 1500);
    // The log's leaf rewritten to match the changed row: the signed root still differs.
    auto history = log.store->cases.history(log.id);
    REQUIRE(history.ok());
    log.db.exec("UPDATE history_log SET leaf_hash = '" +
                proof::to_hex(history_leaf_hash(history.value()[1499])) + "'" + where);
    auto rewritten = proofs.verify_log();
    REQUIRE(rewritten.ok());
    CHECK_FALSE(rewritten.value().first_bad.has_value());
    CHECK_FALSE(rewritten.value().root_ok);
    CHECK_FALSE(rewritten.value().ok());
  }
}
