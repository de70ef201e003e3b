// The case service against an in-memory store double (the SOCI store has its
// own tests; this one isolates the service's rules).
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "adapters/config/config_loader.hpp"
#include "engine/cases/audit_chain.hpp"
#include "engine/cases/case_service.hpp"
#include "workflows/registry.hpp"

using namespace outpost;
namespace json = boost::json;

namespace {

class MemoryStore final : public CaseStore {
 public:
  int conflicts_to_inject = 0;
  int commits = 0;
  std::map<CaseId, Case> cases;
  std::map<CaseId, std::vector<HistoryEntry>> rows;

  Result<Case> insert_case(Case c, HistoryEntry first, const IdempotencyKey*,
                           const SideEffects* = nullptr) override {
    c.id = static_cast<CaseId>(cases.size() + 1);
    c.number = format_case_number(c.kind, utc_year(c.created_at), c.id);
    first.case_id = c.id;
    seal(first, kGenesisHash);
    c.last_hash = first.hash;
    rows[c.id].push_back(first);
    cases[c.id] = c;
    return c;
  }
  Result<std::optional<Case>> find_case(CaseId id) override {
    auto it = cases.find(id);
    return it == cases.end() ? std::optional<Case>{} : std::optional<Case>{it->second};
  }
  Status commit_transition(const Case& updated, std::int64_t expected, const HistoryEntry& e,
                           const IdempotencyKey*, const SideEffects* = nullptr) override {
    if (conflicts_to_inject > 0) {
      --conflicts_to_inject;
      return Error::make(ErrorKind::version_conflict, "lost the race");
    }
    if (cases[updated.id].version != expected)
      return Error::make(ErrorKind::version_conflict, "stale");
    ++commits;
    cases[updated.id] = updated;
    rows[updated.id].push_back(e);
    return Ok{};
  }
  Result<CasePage> list_cases(const CaseFilter&) override { return CasePage{}; }
  Result<std::int64_t> count_matching(const CaseFilter&) override { return 0; }
  Result<std::vector<CaseId>> duplicates_of(CaseId) override { return std::vector<CaseId>{}; }
  Result<std::vector<HistoryEntry>> history(CaseId id) override { return rows[id]; }
  Result<std::optional<IdempotencyRecord>> find_idempotency(std::int64_t, std::string_view,
                                                            std::string_view) override {
    return std::optional<IdempotencyRecord>{};
  }
  Status save_idempotent_answer(const IdempotencyKey&, std::string_view) override { return Ok{}; }
  Result<std::int64_t> count_cases() override { return static_cast<std::int64_t>(cases.size()); }
};

struct Fixture {
  config::DomainConfig domain = config::load_domain_config(OUTPOST_CONFIG_DIR).value();
  WorkflowRegistry workflows = builtin_workflows();
  ManualClock clock{1'790'000'000'000};
  MemoryStore store;
  CaseService service{store, workflows, domain.catalogue, domain.jurisdiction, clock};
  Actor desk{7, "desk01", "desk", "", ""};

  NewCase body() {
    NewCase c;
    c.kind = "dispute";
    c.category = "neighbour";
    c.title = "漏水";
    c.channel = "desk";
    c.location = {"LF", "LF-G01", "", ""};
    c.parties = {{"applicant", "张三", "", ""}, {"respondent", "李四", "", ""}};
    return c;
  }
  CaseId create() { return service.create(body(), desk, nullptr).value().id; }
};

using List = std::vector<std::string>;

std::vector<std::string> fields_of(const Error& e) {
  std::vector<std::string> out;
  for (const auto& f : e.fields) out.push_back(f.field);
  return out;
}

}  // namespace

TEST_SUITE("case_service") {
  TEST_CASE("case numbers are per kind and year") {
    CHECK(format_case_number(CaseKind::dispute, 2026, 123) == "JF-2026-000123");
    CHECK(format_case_number(CaseKind::request, 2027, 1) == "SQ-2027-000001");
    CHECK(utc_year(1'790'000'000'000) == 2026);
    CHECK(case_number_counter(CaseKind::dispute, 1'790'000'000'000) == "dispute-2026");
  }

  TEST_CASE(
      "a valid body registers a case with a sealed creating row that holds no personal data") {
    Fixture f;
    auto c = f.service.create(f.body(), f.desk, nullptr);
    REQUIRE(c);
    CHECK(c.value().state == "registered");
    CHECK(c.value().version == 1);
    CHECK(c.value().created_at == f.clock.now());
    const auto& first = f.store.rows[c.value().id].at(0);
    CHECK(first.event == "register");
    CHECK(first.actor == "desk01");
    CHECK(json::serialize(first.data).find("张三") == std::string::npos);
    CHECK(first_broken_link(f.store.rows[c.value().id]) == 0);
  }

  TEST_CASE("every invalid field of a new case is reported at once") {
    Fixture f;
    auto body = f.body();
    body.kind = "complaint";
    body.channel = "fax";
    body.urgency = "yesterday";
    body.parties = {{"respondent", "", "", "123"}};
    auto r = draft_case(body, f.domain.catalogue, f.domain.jurisdiction, f.workflows);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::invalid);
    const auto fields = fields_of(r.error());
    for (const char* expected :
         {"kind", "channel", "urgency", "parties[0].name", "parties[0].id_number", "parties"}) {
      CHECK_MESSAGE(std::find(fields.begin(), fields.end(), expected) != fields.end(), expected);
    }
    CHECK(f.store.cases.empty());
  }

  TEST_CASE("locations must exist and nest") {
    Fixture f;
    auto body = f.body();
    body.location = {"LF", "LF-G01", "JS-G01-M1", ""};
    auto r = draft_case(body, f.domain.catalogue, f.domain.jurisdiction, f.workflows);
    REQUIRE_FALSE(r);
    CHECK(fields_of(r.error()) == std::vector<std::string>{"location.micro_grid"});
    body.location = {"XX", "LF-G01", "", ""};
    r = draft_case(body, f.domain.catalogue, f.domain.jurisdiction, f.workflows);
    REQUIRE_FALSE(r);
    CHECK(fields_of(r.error()) == std::vector<std::string>{"location.community", "location.grid"});
  }

  TEST_CASE("applying an event advances version, state and the chain") {
    Fixture f;
    const auto id = f.create();
    f.clock.advance(60'000);
    auto r = f.service.apply(id, {"accept", {}, std::nullopt}, f.desk, nullptr);
    REQUIRE(r);
    CHECK(r.value().state == "accepted");
    CHECK(r.value().version == 2);
    CHECK(r.value().updated_at == f.clock.now());
    const auto& rows = f.store.rows[id];
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].from_state == "registered");
    CHECK(rows[1].seq == 2);
    CHECK(first_broken_link(rows) == 0);
    CHECK(f.store.cases[id].last_hash == rows[1].hash);
  }

  TEST_CASE("refusals write nothing") {
    Fixture f;
    const auto id = f.create();
    CHECK(f.service.apply(id, {"close", {}, std::nullopt}, f.desk, nullptr).error().kind ==
          ErrorKind::not_allowed_in_state);
    CHECK(f.service.apply(id, {"accept", {}, 5}, f.desk, nullptr).error().kind ==
          ErrorKind::stale_version);
    CHECK(f.service.apply(999, {"accept", {}, std::nullopt}, f.desk, nullptr).error().kind ==
          ErrorKind::not_found);
    f.service.apply(id, {"accept", {}, std::nullopt}, f.desk, nullptr).value();
    auto unknown_dept = f.service.apply(
        id, {"assign", {{"department", "fire"}, {"assignees", List{"x"}}}, std::nullopt}, f.desk,
        nullptr);
    CHECK(unknown_dept.error().kind == ErrorKind::invalid);
    CHECK(f.store.commits == 1);
    CHECK(f.store.rows[id].size() == 2);
  }

  TEST_CASE("a lost race is retried without If-Match and is 412 with it") {
    Fixture f;
    const auto id = f.create();
    f.store.conflicts_to_inject = 2;
    CHECK(f.service.apply(id, {"accept", {}, std::nullopt}, f.desk, nullptr));
    CHECK(f.store.commits == 1);
    f.store.conflicts_to_inject = 1;
    auto r = f.service.apply(
        id, {"assign", {{"department", "police"}, {"assignees", List{"p1"}}}, 2}, f.desk, nullptr);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::stale_version);
    CHECK(f.store.commits == 1);
  }
}

TEST_SUITE("case_service_permissions") {
  TEST_CASE(
      "allowed events are the caller's own and a forbidden event or an unseen case changes "
      "nothing") {
    Fixture f;
    CaseService guarded{f.store, f.workflows, f.domain.catalogue,   f.domain.jurisdiction,
                        f.clock, nullptr,     &f.domain.permissions};
    const Actor dispatcher{2, "disp01", "dispatcher", "", ""};
    const Actor auditor{3, "audit01", "auditor", "", ""};
    const Actor police{4, "officer01", "handler", "police", ""};
    const Actor urban{5, "urban01", "handler", "urban", ""};

    CHECK(guarded.create(f.body(), auditor, nullptr).error().kind == ErrorKind::forbidden);
    CHECK(f.store.cases.empty());
    const Case c = guarded.create(f.body(), f.desk, nullptr).value();
    CHECK(guarded.allowed_events(c, f.desk) == std::vector<std::string>{"accept", "decline",
                                                                        "withdraw", "report_risk",
                                                                        "record_consent"});
    CHECK(guarded.allowed_events(c, dispatcher) == std::vector<std::string>{"report_risk"});
    CHECK(guarded.allowed_events(c, auditor).empty());

    const auto apply = [&](const char* event, EventPayload payload, const Actor& actor) {
      return guarded.apply(c.id, {event, std::move(payload), std::nullopt}, actor, nullptr);
    };
    CHECK(apply("accept", {}, auditor).error().kind == ErrorKind::forbidden);
    CHECK(apply("accept", {}, dispatcher).error().kind == ErrorKind::forbidden);
    CHECK(f.store.rows[c.id].size() == 1);
    REQUIRE(apply("accept", {}, f.desk));
    const EventPayload to_police{{"department", "police"}, {"assignees", List{"officer01"}}};
    CHECK(apply("assign", to_police, f.desk).error().kind == ErrorKind::forbidden);
    REQUIRE(apply("assign", to_police, dispatcher));

    CHECK(guarded.get(c.id, urban).error().kind == ErrorKind::not_found);
    CHECK(guarded.history(c.id, urban).error().kind == ErrorKind::not_found);
    CHECK(apply("start_mediation", {}, urban).error().kind == ErrorKind::not_found);
    CHECK(guarded.allowed_events(f.store.cases[c.id], urban).empty());
    CHECK(f.store.rows[c.id].size() == 3);
    REQUIRE(guarded.get(c.id, police));
    CHECK(apply("start_mediation", {}, police));
    CHECK(f.store.rows[c.id].size() == 4);
  }
}
