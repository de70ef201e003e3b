// SociAuditStore (adapters/storage/soci_audit_store.hpp) against a real
// database: SQLite or PostgreSQL, whichever OUTPOST_TEST_BACKEND names.
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "adapters/storage/stores.hpp"
#include "engine/audits/audit.hpp"
#include "engine/cases/audit_chain.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace outpost;
using outpost::testing::TestDatabase;

constexpr Millis kQ3 = 1782864000000;  // 2026-07-01T00:00:00Z
constexpr Millis kDay = 86'400'000;

struct Migrated {
  TestDatabase db;
  std::unique_ptr<Stores> store;
  Migrated() {
    auto opened = open_stores(db.url(), {});
    REQUIRE_MESSAGE(opened.ok(), opened.error().message);
    store = std::move(opened).value();
    REQUIRE(store->database->migrate().ok());
  }

  CaseId add_case(Millis at, const std::string& risk, boost::json::object facts) {
    Case c;
    c.kind = CaseKind::request;
    c.state = "submitted";
    c.category = "noise";
    c.title = "t";
    c.channel = "desk";
    c.location = {"north", "g1", "", ""};
    c.risk_level = risk;
    c.created_at = c.updated_at = at;
    c.facts = std::move(facts);
    HistoryEntry first;
    first.at = at;
    first.actor = "desk";
    first.event = "submit";
    first.to_state = c.state;
    auto stored = store->cases.insert_case(c, first, nullptr);
    REQUIRE(stored.ok());
    return stored.value().id;
  }
};

Audit planned() {
  Audit a;
  a.title = "第三季度";
  a.period_from = kQ3;
  a.period_to = kQ3 + 92 * kDay;
  a.scope.communities = {"north"};
  a.reviewers = {"lin", "zhou"};
  a.state = "planned";
  a.created_by = "lin";
  a.created_at = a.updated_at = kQ3 + 100 * kDay;
  return a;
}

AuditHistoryEntry entry_for(const Audit& before, const Audit& after, std::string event) {
  AuditHistoryEntry e;
  e.audit_id = after.id;
  e.seq = after.version;
  e.at = after.updated_at;
  e.actor = "lin";
  e.event = std::move(event);
  e.from_state = before.state;
  e.to_state = after.state;
  seal(e, before.last_hash);
  return e;
}

}  // namespace

TEST_SUITE("audit_store") {
  TEST_CASE("an audit, its sample, findings and history round-trip; a stale version is refused") {
    Migrated m;
    AuditHistoryEntry first;
    first.at = kQ3 + 100 * kDay;
    first.actor = "lin";
    first.event = "plan";
    first.to_state = "planned";
    auto inserted = m.store->audits.insert_audit(planned(), first, nullptr);
    REQUIRE_MESSAGE(inserted.ok(), inserted.error().message);
    const Audit a = inserted.value();
    CHECK(a.number == "SJ-2026-Q3-001");

    Audit next = a;
    next.state = "sampled";
    next.version = 2;
    next.sample = AuditSample{{.seed = 7, .size = 2, .share = {}, .force_in = {ForceIn::overdue}},
                              {{3, 5}, {5}, {{"north", "noise", 4, 1}}, 6, 2},
                              kQ3 + 101 * kDay};
    next.findings.push_back(
        {1, 3, "deficiency", "other", "缺回访", "legal", "open", "", "", 0, "lin", kQ3, kQ3});
    AuditHistoryEntry e = entry_for(a, next, "draw_sample");
    next.last_hash = e.hash;
    REQUIRE(m.store->audits.commit_audit(next, 1, e, nullptr).ok());
    auto stale = m.store->audits.commit_audit(next, 1, e, nullptr);
    REQUIRE_FALSE(stale.ok());
    CHECK(stale.error().kind == ErrorKind::version_conflict);

    auto found = m.store->audits.find_audit(a.id);
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    REQUIRE(found.value());
    const Audit& back = *found.value();
    CHECK(back.state == "sampled");
    CHECK(back.version == 2);
    CHECK(back.scope.communities == std::vector<std::string>{"north"});
    CHECK(back.reviewers == std::vector<std::string>{"lin", "zhou"});
    REQUIRE(back.sample);
    CHECK(back.sample->draw.case_ids == std::vector<CaseId>{3, 5});
    CHECK(back.sample->draw.forced == std::vector<CaseId>{5});
    CHECK(back.sample->rules.seed == 7);
    CHECK(back.sample->draw.strata.at(0).drawn == 1);
    REQUIRE(back.findings.size() == 1);
    CHECK(back.findings[0].comment == "缺回访");
    CHECK(m.db.query_int("SELECT count(*) FROM audit_sample") == 2);

    auto history = m.store->audits.audit_history(a.id);
    REQUIRE(history.ok());
    CHECK(history.value().size() == 2);
    CHECK(first_broken_link(history.value()) == 0);
    CHECK(m.store->audits.list_audits().value().size() == 1);
  }

  TEST_CASE("the period's cases carry the flags the sample forces in") {
    Migrated m;
    const CaseId before = m.add_case(kQ3 - kDay, "low", {});
    const CaseId high = m.add_case(kQ3 + kDay, "high", {});
    const CaseId unhappy =
        m.add_case(kQ3 + 2 * kDay, "low", {{"last_satisfaction", "dissatisfied"}});
    const CaseId after = m.add_case(kQ3 + 92 * kDay, "low", {});
    auto cases = m.store->audits.cases_received(kQ3, kQ3 + 92 * kDay, kQ3 + 100 * kDay);
    REQUIRE_MESSAGE(cases.ok(), cases.error().message);
    REQUIRE(cases.value().size() == 2);
    CHECK(cases.value()[0].id == high);
    CHECK(cases.value()[0].high_risk);
    CHECK(cases.value()[0].community == "north");
    CHECK(cases.value()[1].id == unhappy);
    CHECK(cases.value()[1].dissatisfied);
    CHECK_FALSE(cases.value()[1].high_risk);
    for (const PopulationCase& c : cases.value()) {
      CHECK(c.id != before);  // received before the period
      CHECK(c.id != after);   // received at its exclusive end
    }
  }
}
