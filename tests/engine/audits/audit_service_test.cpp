#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "engine/audits/audit_service.hpp"
#include "tests/support/shipped_config.hpp"
#include "workflows/registry.hpp"

using namespace outpost;

namespace {

constexpr Millis kDay = 24LL * 3600 * 1000;
constexpr Millis kQ3 = 1782864000000;  // 2026-07-01T00:00:00Z

// The store port in memory: enough to watch what the service commits.
class MemoryAuditStore final : public AuditStore {
 public:
  std::map<AuditId, Audit> audits;
  std::map<AuditId, std::vector<AuditHistoryEntry>> histories;
  std::vector<PopulationCase> cases;
  std::int64_t counter = 0;

  Result<Audit> insert_audit(Audit a, AuditHistoryEntry first, const IdempotencyKey*) override {
    a.id = static_cast<AuditId>(audits.size()) + 1;
    a.number = format_audit_number(a.period_from, ++counter);
    first.audit_id = a.id;
    seal(first, kGenesis);
    a.last_hash = first.hash;
    histories[a.id].push_back(first);
    audits[a.id] = a;
    return a;
  }
  Result<std::optional<Audit>> find_audit(AuditId id) override {
    auto it = audits.find(id);
    if (it == audits.end()) return std::optional<Audit>{};
    return std::optional<Audit>{it->second};
  }
  Status commit_audit(const Audit& a, std::int64_t expected, const AuditHistoryEntry& e,
                      const IdempotencyKey*) override {
    if (audits.at(a.id).version != expected) return Error::make(ErrorKind::version_conflict, "");
    audits[a.id] = a;
    histories[a.id].push_back(e);
    return Ok{};
  }
  Result<std::vector<Audit>> list_audits() override {
    std::vector<Audit> out;
    for (const auto& [id, a] : audits) out.push_back(a);
    return out;
  }
  Result<std::vector<AuditHistoryEntry>> audit_history(AuditId id) override {
    return histories[id];
  }
  Result<std::vector<PopulationCase>> cases_received(Millis, Millis, Millis) override {
    return cases;
  }
  Result<std::optional<IdempotencyRecord>> find_idempotency(std::int64_t, std::string_view,
                                                            std::string_view) override {
    return std::optional<IdempotencyRecord>{};
  }
  Status save_idempotent_answer(const IdempotencyKey&, std::string_view) override { return Ok{}; }

  static constexpr std::string_view kGenesis =
      "0000000000000000000000000000000000000000000000000000000000000000";
};

class FakeIssuer final : public CheckpointIssuer {
 public:
  Millis asked = 0;
  bool refuse = false;  // as the real issuer does while `until` is in the future
  Result<CheckpointRef> checkpoint_covering(Millis until) override {
    asked = until;
    if (refuse) return Error::make(ErrorKind::not_allowed_in_state, "the period is not over");
    return CheckpointRef{42, "cm9vdA==", until + 1000, "outpost/history\n42\ncm9vdA==\n"};
  }
};

AuditCommand ev(std::string event) {
  AuditCommand c;
  c.event = std::move(event);
  return c;
}
AuditCommand draw(std::int64_t seed, std::int64_t size) {
  AuditCommand c = ev("draw_sample");
  c.sample.seed = seed;
  c.sample.size = size;
  return c;
}
AuditCommand draw_share(std::int64_t seed, double share) {
  AuditCommand c = ev("draw_sample");
  c.sample.seed = seed;
  c.sample.share = share;
  return c;
}
AuditCommand finding(FindingDraft d) {
  AuditCommand c = ev("record_finding");
  c.finding = std::move(d);
  return c;
}
AuditCommand judge(std::string event, std::int64_t finding_id, std::string note) {
  AuditCommand c = ev(std::move(event));
  c.finding_id = finding_id;
  c.note = std::move(note);
  return c;
}

struct Fixture {
  MemoryAuditStore store;
  FakeIssuer issuer;
  ManualClock clock{kQ3 + 100 * kDay};
  AuditPermissions permissions = AuditPermissions::unrestricted(builtin_audit_workflow());
  AuditService svc{store,
                   builtin_audit_workflow(),
                   permissions,
                   testing::shipped_config().catalogue,
                   {{"record_incomplete", "调解记录不完整"}, {"other", "其他"}},
                   clock,
                   nullptr,
                   &issuer};
  Actor auditor{1, "lin.audit", "auditor", "", ""};

  Fixture() {
    for (int i = 1; i <= 12; ++i) {
      store.cases.push_back({i, i % 2 ? "north" : "south", "neighbour", "dispute"});
    }
  }

  Audit plan() {
    auto a = svc.create({"2026年第三季度联合督查", kQ3, kQ3 + 92 * kDay, {}, {"lin.audit"}},
                        auditor, nullptr);
    REQUIRE(a.ok());
    return a.value();
  }
  Audit apply(AuditId id, AuditCommand cmd) {
    auto r = svc.apply(id, cmd, auditor, nullptr);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return r.value();
  }
};

}  // namespace

TEST_SUITE("audit_service") {
  TEST_CASE("an audit runs to sign-off and binds the checkpoint covering its period") {
    Fixture f;
    Audit a = f.plan();
    CHECK(a.number == "SJ-2026-Q3-001");
    a = f.apply(a.id, draw(9, 2));
    REQUIRE(a.sample);
    const std::vector<CaseId> sample = a.sample->draw.case_ids;
    CHECK(sample.size() == 2);
    a = f.apply(a.id, ev("start_review"));
    a = f.apply(a.id,
                finding({sample[0], "deficiency", "record_incomplete", "缺少调解笔录", "legal"}));
    a = f.apply(a.id, finding({sample[1], "conforming", "", "", ""}));
    a = f.apply(a.id, ev("issue_findings"));
    a = f.apply(a.id, ev("start_rectification"));
    a = f.apply(a.id, judge("answer_finding", 1, "已补录笔录"));
    a = f.apply(a.id, judge("send_back", 1, "笔录缺签名"));
    CHECK(a.finding(1)->status == "sent_back");
    a = f.apply(a.id, judge("answer_finding", 1, "已补签名"));
    a = f.apply(a.id, judge("accept_rectification", 1, ""));
    a = f.apply(a.id, ev("sign_off"));
    CHECK(a.state == "signed_off");
    CHECK(a.finding(1)->send_backs == 1);
    REQUIRE(a.checkpoint);
    CHECK(f.issuer.asked == a.period_to);
    CHECK(a.checkpoint->tree_size == 42);
    const auto& history = f.store.histories[a.id];
    CHECK(history.size() == a.version);
    CHECK(history.back().data.at("checkpoint").at("tree_size").as_int64() == 42);
    CHECK(first_broken_link(history) == 0);
  }

  TEST_CASE("bad input is refused and nothing is committed") {
    Fixture f;
    auto reversed = f.svc.create({"x", kQ3, kQ3 - kDay, {}, {"lin.audit"}}, f.auditor, nullptr);
    REQUIRE_FALSE(reversed.ok());
    CHECK(reversed.error().fields.at(0).field == "period.to");
    auto long_period =
        f.svc.create({"x", kQ3, kQ3 + 800 * kDay, {}, {"lin.audit"}}, f.auditor, nullptr);
    REQUIRE_FALSE(long_period.ok());
    CHECK(long_period.error().message.find("invalid") != std::string::npos);
    CHECK(f.store.audits.empty());

    Audit a = f.plan();
    const auto refused = [&](const AuditCommand& cmd) {
      const Audit before = f.store.audits.at(a.id);
      auto r = f.svc.apply(a.id, cmd, f.auditor, nullptr);
      REQUIRE_FALSE(r.ok());
      CHECK(f.store.audits.at(a.id).version == before.version);
      CHECK(f.store.histories[a.id].size() == static_cast<std::size_t>(before.version));
      return r.error();
    };
    CHECK(refused(draw(1, 0)).kind == ErrorKind::invalid);
    CHECK(refused(draw(1, 13)).kind == ErrorKind::invalid);
    const Error wrong = refused(ev("sign_off"));
    CHECK(wrong.kind == ErrorKind::not_allowed_in_state);
    CHECK(wrong.allowed_events == std::vector<std::string>{"draw_sample", "cancel"});

    a = f.apply(a.id, draw(1, 3));
    a = f.apply(a.id, ev("start_review"));
    CaseId outside = 1;
    while (a.in_sample(outside)) ++outside;
    CHECK(refused(finding({outside, "conforming", "", "", ""})).fields.at(0).field == "case_id");
    CHECK(refused(finding({a.sample->draw.case_ids[0], "deficiency", "no_such", "c", "legal"}))
              .fields.at(0)
              .field == "category");
  }

  TEST_CASE("the scope narrows the population the sample is drawn from") {
    Fixture f;
    auto a = f.svc.create({"北区", kQ3, kQ3 + 92 * kDay, {{"north"}, {}, {}}, {"lin.audit"}},
                          f.auditor, nullptr);
    REQUIRE(a.ok());
    auto sampled = f.apply(a.value().id, draw_share(3, 1.0));
    CHECK(sampled.sample->draw.population == 6);
    for (CaseId id : sampled.sample->draw.case_ids) CHECK(id % 2 == 1);
  }

  TEST_CASE("sign-off refused by the checkpoints leaves the audit unsealed") {
    Fixture f;
    Audit a = f.plan();
    a = f.apply(a.id, draw(4, 1));
    a = f.apply(a.id, ev("start_review"));
    a = f.apply(a.id, finding({a.sample->draw.case_ids[0], "conforming", "", "", ""}));
    a = f.apply(a.id, ev("issue_findings"));
    f.issuer.refuse = true;
    auto refused = f.svc.apply(a.id, ev("sign_off"), f.auditor, nullptr);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::not_allowed_in_state);
    CHECK(f.store.audits.at(a.id).state == "findings_issued");
    CHECK(f.store.audits.at(a.id).version == a.version);
    CHECK_FALSE(f.store.audits.at(a.id).checkpoint);
  }

  TEST_CASE("the shipped permissions: reviewers review, departments answer their own findings") {
    Fixture f;
    const AuditPermissions& shipped = testing::shipped_config().audit_permissions;
    AuditService svc{f.store,
                     builtin_audit_workflow(),
                     shipped,
                     testing::shipped_config().catalogue,
                     {{"other", "其他"}},
                     f.clock};
    const Actor other_auditor{3, "zhou.audit", "auditor", "", ""};
    const Actor legal{4, "wu", "handler", "legal", ""};
    const Actor urban{5, "ma", "handler", "urban", ""};
    auto planned = svc.create({"q3", kQ3, kQ3 + 92 * kDay, {}, {"lin.audit"}}, f.auditor, nullptr);
    REQUIRE(planned.ok());
    const AuditId id = planned.value().id;
    CHECK(svc.create({"q3", kQ3, kQ3 + kDay, {}, {"lin.audit"}}, legal, nullptr).error().kind ==
          ErrorKind::forbidden);
    REQUIRE(svc.apply(id, draw(2, 2), f.auditor, nullptr).ok());
    // Not a reviewer of this audit: the review is not theirs.
    CHECK(svc.apply(id, ev("start_review"), other_auditor, nullptr).error().kind ==
          ErrorKind::forbidden);
    REQUIRE(svc.apply(id, ev("start_review"), f.auditor, nullptr).ok());
    const auto sample = f.store.audits.at(id).sample->draw.case_ids;
    REQUIRE(svc.apply(id, finding({sample[0], "deficiency", "other", "缺回访", "legal"}), f.auditor,
                      nullptr)
                .ok());
    REQUIRE(svc.apply(id, finding({sample[1], "deficiency", "other", "缺文书", "urban"}), f.auditor,
                      nullptr)
                .ok());
    // While the review runs the departments do not see the audit.
    CHECK(svc.get(id, legal).error().kind == ErrorKind::not_found);
    REQUIRE(svc.apply(id, ev("issue_findings"), f.auditor, nullptr).ok());
    REQUIRE(svc.apply(id, ev("start_rectification"), f.auditor, nullptr).ok());

    auto seen = svc.get(id, legal);
    REQUIRE(seen.ok());
    REQUIRE(seen.value().findings.size() == 1);
    CHECK(seen.value().findings[0].department == "legal");
    CHECK(svc.allowed_events(seen.value(), legal) == std::vector<std::string>{"answer_finding"});
    // urban's finding is 2: legal may not answer it.
    CHECK(svc.apply(id, judge("answer_finding", 2, "x"), legal, nullptr).error().kind ==
          ErrorKind::forbidden);
    CHECK(svc.apply(id, judge("answer_finding", 1, "已回访"), legal, nullptr).ok());
    CHECK(svc.apply(id, judge("accept_rectification", 1, ""), legal, nullptr).error().kind ==
          ErrorKind::forbidden);
    CHECK(svc.apply(id, judge("answer_finding", 2, "已补文书"), urban, nullptr).ok());
    CHECK(svc.list(urban).value().size() == 1);
    CHECK(svc.list(Actor{6, "li", "handler", "police", ""}).value().empty());
  }
}
