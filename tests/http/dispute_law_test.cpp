// The People's Mediation Law in the dispute workflow, over HTTP on a real
// server (issue 18 items 8–10): a dissatisfied 回访 sends the case back to
// mediation (重新调解) until the rounds are spent and then escalates it (督办);
// the Art. 25 police report is needed on every way back into mediation; the
// parties' consent (Art. 17) and their mediator (Art. 23) are recorded, a
// refusal ends mediation, and sessions and agreements wait for every consent.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "tests/http/fixtures.hpp"

namespace {

using namespace outpost::testing;
namespace fs = std::filesystem;

const json::object kAgreement = agreement("2026-12-31");
const json::object kDissatisfied{{"satisfaction", "dissatisfied"}, {"note", "仍在漏水"}};
const json::object kRiskReport{{"reported_to", "龙凤桥派出所"}, {"detail", "双方情绪激动"}};

// A dispute assigned to police-01 whose two parties consented.
std::int64_t consented_case(TestServer& t, json::object body = dispute_body()) {
  const auto id = t.create_case(std::move(body));
  t.step(id, "accept");
  t.step(id, "assign", {{"department", "police"}, {"assignees", {"police-01"}}});
  consent_all(t, id);
  return id;
}

// From mediating through an agreement and its performance into follow_up.
void to_follow_up(TestServer& t, std::int64_t id) {
  t.step(id, "reach_agreement", kAgreement);
  t.step(id, "confirm_performance");
}

bool has_flag(const json::value& c, const std::string& flag) {
  for (const auto& f : c.at("flags").as_array()) {
    if (text(f) == flag) return true;
  }
  return false;
}

json::value last_entry(const json::array& history) {
  return history.back();
}

// The shipped configuration with one catalogue policy changed.
struct CataloguePolicy {
  explicit CataloguePolicy(const std::string& key, json::value value) {
    fs::remove_all(dir);
    fs::copy(OUTPOST_SOURCE_DIR "/config", dir, fs::copy_options::recursive);
    std::ifstream in(dir / "catalogue.json");
    json::value doc = json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
    doc.at("policies").as_object()[key] = std::move(value);
    std::ofstream(dir / "catalogue.json", std::ios::trunc) << json::serialize(doc);
  }
  ~CataloguePolicy() { fs::remove_all(dir); }
  const fs::path dir =
      fs::temp_directory_path() / ("outpost-rework-config-" + std::to_string(::getpid()));
};

}  // namespace

TEST_SUITE("http_dispute_law") {
  TEST_CASE("a dissatisfied 回访 sends a dispute back to mediation twice, then escalates it") {
    TestServer t;
    const auto id = consented_case(t);
    t.step(id, "start_mediation");
    to_follow_up(t, id);

    // Bad input changes nothing.
    const std::string before = t.snapshot(id);
    auto bad = t.event(id, "record_follow_up", {{"satisfaction", "meh"}, {"note", "n"}});
    CHECK(bad.status == 422);
    CHECK(bad.header("content-type") == "application/problem+json");
    CHECK(t.snapshot(id) == before);

    for (std::int64_t round = 1; round <= 2; ++round) {
      INFO("round ", round);
      const auto reworked = t.step(id, "record_follow_up", kDissatisfied);
      CHECK(text(reworked.at("state")) == "mediating");
      CHECK(reworked.at("rework_count") == round);
      CHECK_FALSE(has_flag(reworked, "escalated"));
      // A dissatisfied party does not let the case close.
      const std::string reworked_at = t.snapshot(id);
      CHECK(t.event(id, "close").status == 409);
      CHECK(t.snapshot(id) == reworked_at);
      const auto row = last_entry(t.history(id));
      CHECK(text(row.at("from_state")) == "follow_up");
      CHECK(text(row.at("to_state")) == "mediating");
      to_follow_up(t, id);
    }

    // The rounds are spent: escalated (督办), mediation ends as failed.
    const auto escalated = t.step(id, "record_follow_up", kDissatisfied);
    CHECK(text(escalated.at("state")) == "mediation_failed");
    CHECK(escalated.at("rework_count") == 2);
    CHECK(has_flag(escalated, "escalated"));
    CHECK(escalated.at("clock").at("escalated") == true);
    const auto row = last_entry(t.history(id));
    CHECK(text(row.at("event")) == "record_follow_up");
    CHECK(text(row.at("to_state")) == "mediation_failed");
    CHECK(row.at("data").at("escalated") == true);
    CHECK(row.at("data").at("rework_rounds") == 2);
    CHECK(t.step(id, "refer", {{"to", "court"}}).at("state") == "referred");

    // The figures count the two reworks and the escalation.
    // Received this year (UTC) or, in Asia/Shanghai, early the next.
    const int year = std::stoi(text(t.get_case(id).at("created_at")).substr(0, 4));
    auto report = t.client.get("/api/v1/reports/kpis?from=" + std::to_string(year) +
                               "-01-01&to=" + std::to_string(year + 1) + "-12-31");
    REQUIRE_MESSAGE(report.status == 200, report.body);
    const json::value figures = report.json().at("totals").at("figures");
    CHECK(figures.at("reworks").at("numerator") == 2);
    CHECK(figures.at("escalations").at("numerator") == 1);
    CHECK(figures.at("refused_or_failed").at("numerator") == 1);
    CHECK(t.db.query_int("SELECT kpi_reworks FROM cases WHERE id = " + std::to_string(id)) == 2);
  }

  TEST_CASE("a satisfied 回访 after a rework lets the dispute close") {
    TestServer t;
    const auto id = consented_case(t);
    t.step(id, "start_mediation");
    to_follow_up(t, id);
    t.step(id, "record_follow_up", kDissatisfied);
    to_follow_up(t, id);
    CHECK(t.step(id, "record_follow_up", {{"satisfaction", "satisfied"}, {"note", "修好了"}})
              .at("state") == "follow_up");
    CHECK(t.step(id, "close").at("state") == "closed");
  }

  TEST_CASE("the rework rounds come from the catalogue; a bad value stops the server") {
    {
      CataloguePolicy none("rework_rounds_before_escalation", 0);
      TestServer t({{"OUTPOST_CONFIG_DIR", none.dir.string()}});
      const auto id = consented_case(t);
      t.step(id, "start_mediation");
      to_follow_up(t, id);
      const auto escalated = t.step(id, "record_follow_up", kDissatisfied);
      CHECK(text(escalated.at("state")) == "mediation_failed");
      CHECK(has_flag(escalated, "escalated"));
    }
    CataloguePolicy bad("rework_rounds_before_escalation", 11);
    TestDatabase db;
    auto r = run_outpost({"serve", "--database", db.url(), "--listen", "127.0.0.1:0"},
                         {{"OUTPOST_CONFIG_DIR", bad.dir.string()}});
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("policies.rework_rounds_before_escalation") != std::string::npos);
  }

  TEST_CASE("withdraw, close and reopen of a high-risk dispute still needs the police report") {
    TestServer t;
    auto body = dispute_body();
    body["risk_level"] = "high";
    const auto id = t.create_case(body);
    t.step(id, "withdraw", {{"reason", "申请人撤回"}});
    t.step(id, "close");
    const std::string closed = t.snapshot(id);
    auto refused = t.event(id, "reopen", {{"reason", "双方再次冲突"}});
    CHECK(refused.status == 409);
    CHECK(refused.header("content-type") == "application/problem+json");
    CHECK(text(refused.json().at("detail")).find("Art. 25") != std::string::npos);
    CHECK(t.snapshot(id) == closed);
    const json::array allowed = t.get_case(id).at("allowed_events").as_array();
    CHECK(std::find(allowed.begin(), allowed.end(), json::value("reopen")) == allowed.end());

    t.step(id, "report_risk", kRiskReport);
    CHECK(t.step(id, "reopen", {{"reason", "双方再次冲突"}}).at("state") == "mediating");
  }

  TEST_CASE("every other way back into mediation re-checks the stored risk and its report") {
    TestServer t;
    // Cases that reached agreement_reached and follow_up as low risk, then
    // stored as high risk without a report (a row written before the rule).
    const auto agreed = consented_case(t);
    t.step(agreed, "start_mediation");
    t.step(agreed, "reach_agreement", kAgreement);
    const auto visited = consented_case(t);
    t.step(visited, "start_mediation");
    to_follow_up(t, visited);
    for (const auto id : {agreed, visited}) {
      t.db.exec("UPDATE cases SET risk_level = 'high' WHERE id = " + std::to_string(id));
    }
    const std::vector<std::pair<std::int64_t, std::pair<std::string, json::object>>> paths{
        {agreed, {"report_breach", {{"detail", "未按期维修"}}}},
        {visited, {"report_breach", {{"detail", "未按期维修"}}}},
        {visited, {"record_follow_up", kDissatisfied}},
    };
    for (const auto& [id, event] : paths) {
      INFO(event.first, " on case ", id);
      const std::string before = t.snapshot(id);
      auto r = t.event(id, event.first, event.second);
      CHECK(r.status == 409);
      CHECK_MESSAGE(text(r.json().at("detail")).find("Art. 25") != std::string::npos, r.body);
      CHECK(t.snapshot(id) == before);
    }
    for (const auto id : {agreed, visited}) t.step(id, "report_risk", kRiskReport);
    CHECK(t.step(agreed, "report_breach", {{"detail", "未按期维修"}}).at("state") == "mediating");
    CHECK(t.step(visited, "record_follow_up", kDissatisfied).at("state") == "mediating");

    // A return path (return_assignment → assign) meets start_mediation's check.
    auto body = dispute_body();
    body["risk_level"] = "high";
    const auto returned = consented_case(t, body);
    t.step(returned, "return_assignment", {{"reason", "派错了"}});
    t.step(returned, "assign", {{"department", "police"}, {"assignees", {"police-02"}}});
    CHECK(t.event(returned, "start_mediation").status == 409);
  }

  TEST_CASE("consent (Art. 17) and the mediator (Art. 23) are recorded with who, how and when") {
    TestServer t;
    const auto id = t.create_case();
    t.step(id, "accept");
    t.step(id, "assign", {{"department", "police"}, {"assignees", {"police-01"}}});
    t.step(id, "start_mediation");

    // No session and no agreement before every party consented.
    const std::string unconsented = t.snapshot(id);
    auto session = t.event(id, "record_session", {{"summary", "双方到场"}});
    CHECK(session.status == 409);
    CHECK(text(session.json().at("detail")).find("Art. 17") != std::string::npos);
    CHECK(t.event(id, "reach_agreement", kAgreement).status == 409);
    CHECK(t.snapshot(id) == unconsented);

    // Bad input: a party the case does not have, an unknown form, no consent.
    const std::vector<json::object> bad{
        {{"party", 3}, {"consent", "agree"}, {"form", "written"}},
        {{"party", 0}, {"consent", "agree"}, {"form", "written"}},
        {{"party", 1}, {"consent", "agree"}, {"form", "email"}},
        {{"party", 1}, {"form", "oral"}},
        {{"party", 1}, {"consent", "agree"}, {"form", "oral"}, {"at", "2026-02-30"}},
    };
    for (const auto& payload : bad) {
      INFO(json::serialize(payload));
      auto r = t.event(id, "record_consent", payload);
      CHECK(r.status == 422);
      CHECK(r.header("content-type") == "application/problem+json");
      CHECK(t.snapshot(id) == unconsented);
    }

    t.step(id, "record_consent", {{"party", 1}, {"consent", "agree"}, {"form", "written"}});
    CHECK(t.event(id, "record_session", {{"summary", "双方到场"}}).status == 409);
    t.step(id, "record_consent",
           {{"party", 2}, {"consent", "agree"}, {"form", "oral"}, {"at", "2026-03-02"}});
    const auto consent = last_entry(t.history(id));
    CHECK(text(consent.at("event")) == "record_consent");
    CHECK(consent.at("data").at("party") == 2);
    CHECK(text(consent.at("data").at("form")) == "oral");
    CHECK(text(consent.at("data").at("at")) == "2026-03-02");
    CHECK(text(consent.at("actor")) == "admin");
    CHECK(t.step(id, "record_session", {{"summary", "双方到场"}}).at("state") == "mediating");

    // The mediator must be one of the case's assignees.
    const std::string mediating = t.snapshot(id);
    auto stranger = t.event(id, "accept_mediator",
                            {{"party", 1}, {"mediator", "police-02"}, {"form", "written"}});
    CHECK(stranger.status == 422);
    CHECK(text(stranger.json().at("errors").at(0).at("field")) == "mediator");
    CHECK(t.snapshot(id) == mediating);
    t.step(id, "accept_mediator", {{"party", 1}, {"mediator", "police-01"}, {"form", "written"}});
    const auto chosen = last_entry(t.history(id));
    CHECK(text(chosen.at("data").at("mediator")) == "police-01");
    CHECK(chosen.at("data").at("party") == 1);
    CHECK(t.step(id, "reach_agreement", kAgreement).at("state") == "agreement_reached");

    // The workflow graph names the new events in zh-CN.
    auto wf = t.client.get("/api/v1/workflows/dispute").json();
    bool consent_label = false, mediator_label = false;
    for (const auto& e : wf.at("events").as_array()) {
      consent_label |= e.at("name") == "record_consent" && e.at("label") == "记录调解意愿";
      mediator_label |= e.at("name") == "accept_mediator" && e.at("label") == "选定调解员";
    }
    CHECK(consent_label);
    CHECK(mediator_label);
  }

  TEST_CASE("a party's refusal ends mediation: the dispute closes with the refusal recorded") {
    TestServer t;
    const auto id = consented_case(t);
    t.step(id, "start_mediation");
    const auto refused =
        t.step(id, "record_consent", {{"party", 2}, {"consent", "refuse"}, {"form", "oral"}});
    CHECK(text(refused.at("state")) == "closed");
    const auto row = last_entry(t.history(id));
    CHECK(text(row.at("from_state")) == "mediating");
    CHECK(text(row.at("to_state")) == "closed");
    CHECK(text(row.at("data").at("consent")) == "refuse");
    CHECK(t.db.query_int("SELECT kpi_refused FROM cases WHERE id = " + std::to_string(id)) == 1);

    // Reopened, mediation waits for the refusing party's consent again.
    t.step(id, "reopen", {{"reason", "当事人愿意再谈"}});
    CHECK(t.event(id, "record_session", {{"summary", "再次调解"}}).status == 409);
    t.step(id, "record_consent", {{"party", 2}, {"consent", "agree"}, {"form", "written"}});
    CHECK(t.step(id, "record_session", {{"summary", "再次调解"}}).at("state") == "mediating");
  }
}
