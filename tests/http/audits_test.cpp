// The quarterly audit over HTTP, on both backends (docs/AUDITS.md): cases
// created through the API, an audit planned over their period, the sample
// drawn (again with the same seed: the same cases), reviewed, a deficiency
// sent back once and then accepted, signed off; a wrong step is 409 with the
// allowed events; bad input is a problem+json and changes nothing.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "engine/audits/audit.hpp"
#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

std::string rfc3339_from_now(std::chrono::milliseconds offset) {
  using namespace std::chrono;
  const auto at = time_point_cast<milliseconds>(system_clock::now() + offset);
  return outpost::format_rfc3339(at.time_since_epoch().count());
}

std::string audit_path(std::int64_t id, const std::string& tail = "") {
  return "/api/v1/audits/" + std::to_string(id) + tail;
}

std::vector<std::int64_t> ids(const json::value& list) {
  std::vector<std::int64_t> out;
  for (const auto& v : list.as_array()) out.push_back(v.as_int64());
  return out;
}

std::vector<std::string> names(const json::value& list) {
  std::vector<std::string> out;
  for (const auto& v : list.as_array()) out.push_back(text(v));
  return out;
}

// The audit chain recomputed from the history API alone.
std::int64_t first_broken_audit_link(std::int64_t id, const json::array& history) {
  return outpost::first_broken_link(chain_from_api<outpost::AuditHistoryEntry>(
      history, [id](outpost::AuditHistoryEntry& e) { e.audit_id = id; }));
}

// The planned period ends this long after planning: the cases created before
// are in it, and sign-off (which binds the checkpoint covering the period) can
// wait for its end.
constexpr std::chrono::milliseconds kPeriodLeft{2000};

struct AuditServer : TestServer {
  HttpClient auditor = client_as("lin.audit", "auditor");
  HttpClient legal = client_as("wu.legal", "handler", "legal");
  HttpClient urban = client_as("ma.urban", "handler", "urban");
  std::vector<std::int64_t> cases;

  AuditServer() {
    for (int i = 0; i < 3; ++i) cases.push_back(create_case());
    for (int i = 0; i < 3; ++i) cases.push_back(create_case(request_body()));
  }

  std::string period_to;  // of the latest plan_body()

  json::object plan_body() {
    period_to = rfc3339_from_now(kPeriodLeft);
    return {{"title", "2026年第四季度联合督查"},
            {"period", {{"from", rfc3339_from_now(std::chrono::hours(-1))}, {"to", period_to}}},
            {"scope", {{"communities", {"LF"}}}},
            {"reviewers", {"lin.audit"}}};
  }

  Response audit_event(HttpClient& as, std::int64_t id, const std::string& name,
                       json::object payload = {}, const Headers& headers = {}) {
    payload["event"] = name;
    return as.post_json(audit_path(id, "/events"), payload, headers);
  }

  json::value audit_step(HttpClient& as, std::int64_t id, const std::string& name,
                         json::object payload = {}) {
    auto r = audit_event(as, id, name, std::move(payload));
    REQUIRE_MESSAGE(r.status == 200, name << ": " << r.body);
    return r.json();
  }

  json::value get_audit(std::int64_t id) {
    auto r = auditor.get(audit_path(id));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.header("etag") == "\"" + std::to_string(r.json().at("version").as_int64()) + "\"");
    return r.json();
  }

  // What a refused request must leave alone: version, sample, findings, history.
  std::string snapshot(std::int64_t id) {
    const json::value a = get_audit(id);
    auto h = auditor.get(audit_path(id, "/history"));
    REQUIRE(h.status == 200);
    return std::to_string(a.at("version").as_int64()) + "|" + json::serialize(a.at("sample")) +
           "|" + json::serialize(a.at("findings")) + "|" +
           std::to_string(h.json().at("items").as_array().size()) + "|" +
           std::to_string(db.query_int("SELECT count(*) FROM audit_history WHERE audit_id = " +
                                       std::to_string(id)));
  }

  std::int64_t plan() {
    auto r = auditor.post_json("/api/v1/audits", plan_body());
    REQUIRE_MESSAGE(r.status == 201, r.body);
    CHECK(r.header("location") == audit_path(r.json().at("id").as_int64()));
    return r.json().at("id").as_int64();
  }
};

void check_problem(const Response& r, int status, const std::string& field = "") {
  CHECK_MESSAGE(r.status == status, r.body);
  CHECK(r.header("content-type").find("application/problem+json") == 0);
  if (field.empty()) return;
  const json::value body = r.json();
  REQUIRE_MESSAGE(body.as_object().contains("errors"), r.body);
  std::vector<std::string> fields;
  for (const auto& f : body.at("errors").as_array()) fields.push_back(text(f.at("field")));
  CHECK_MESSAGE(std::find(fields.begin(), fields.end(), field) != fields.end(), r.body);
}

}  // namespace

TEST_SUITE("http_audits") {
  TEST_CASE("an audit runs its whole machine, with a deficiency sent back once") {
    AuditServer t;
    auto graph = t.auditor.get("/api/v1/audits/workflow");
    REQUIRE(graph.status == 200);
    CHECK(text(graph.json().at("initial_state")) == "planned");
    CHECK(graph.json().at("states").as_array().size() == 7);
    CHECK(text(graph.json().at("events").at(0).at("label")) == "抽取样本");
    auto categories = t.legal.get("/api/v1/audits/finding-categories");
    REQUIRE(categories.status == 200);
    CHECK(text(categories.json().at("items").at(0).at("label")) == "受理不规范");

    const std::int64_t id = t.plan();
    json::value a = t.get_audit(id);
    CHECK(text(a.at("state")) == "planned");
    CHECK(text(a.at("state_label")) == "已计划");
    CHECK(text(a.at("number")).starts_with("SJ-"));
    CHECK(names(a.at("allowed_events")) == std::vector<std::string>{"draw_sample", "cancel"});
    CHECK(text(a.at("allowed_event_labels").at("draw_sample")) == "抽取样本");

    // A wrong step: 409 with the events allowed now; nothing changes.
    const std::string planned = t.snapshot(id);
    auto wrong = t.audit_event(t.auditor, id, "sign_off");
    check_problem(wrong, 409);
    CHECK(names(wrong.json().at("allowed_events")) ==
          std::vector<std::string>{"draw_sample", "cancel"});
    CHECK(t.snapshot(id) == planned);

    // The same seed draws the same cases; another seed others.
    a = t.audit_step(t.auditor, id, "draw_sample", {{"seed", 20261001}, {"size", 3}});
    const auto first = ids(a.at("sample").at("case_ids"));
    CHECK(first.size() == 3);
    CHECK(a.at("sample").at("population").as_int64() == 6);
    auto other = t.audit_step(t.auditor, id, "draw_sample", {{"seed", 99}, {"size", 3}});
    CHECK(ids(other.at("sample").at("case_ids")) != first);
    t.audit_step(t.auditor, id, "draw_sample", {{"seed", 20261001}, {"size", 3}});
    auto sample = t.auditor.get(audit_path(id, "/sample"));
    REQUIRE(sample.status == 200);
    CHECK(ids(sample.json().at("case_ids")) == first);
    CHECK(t.db.query_int("SELECT count(*) FROM audit_sample WHERE audit_id = " +
                         std::to_string(id)) == 3);

    // Idempotency-Key: the repeat is the first answer again, applied once.
    const Headers key{{"Idempotency-Key", "review-1"}};
    auto started = t.audit_event(t.auditor, id, "start_review", {}, key);
    REQUIRE_MESSAGE(started.status == 200, started.body);
    auto again = t.audit_event(t.auditor, id, "start_review", {}, key);
    CHECK(again.status == 200);
    CHECK(again.header("idempotent-replayed") == "true");
    CHECK(again.json().at("version") == started.json().at("version"));
    // A stale If-Match is 412.
    auto stale =
        t.audit_event(t.auditor, id, "record_finding",
                      {{"case_id", first[0]}, {"verdict", "conforming"}}, {{"If-Match", "\"1\""}});
    check_problem(stale, 412);

    t.audit_step(t.auditor, id, "record_finding",
                 {{"case_id", first[0]},
                  {"verdict", "deficiency"},
                  {"category", "mediation_record_incomplete"},
                  {"comment", "调解笔录缺少双方签字"},
                  {"department", "legal"}});
    t.audit_step(t.auditor, id, "record_finding",
                 {{"case_id", first[1]}, {"verdict", "conforming"}});
    auto early = t.audit_event(t.auditor, id, "issue_findings");
    check_problem(early, 409);
    t.audit_step(t.auditor, id, "record_finding",
                 {{"case_id", first[2]}, {"verdict", "conforming"}});
    t.audit_step(t.auditor, id, "issue_findings");
    a = t.audit_step(t.auditor, id, "start_rectification");
    CHECK(text(a.at("state_label")) == "整改中");
    CHECK(text(a.at("findings").at(0).at("category_label")) == "调解记录不完整");

    // The addressed department answers; another department does not see the audit.
    auto seen = t.legal.get(audit_path(id));
    REQUIRE_MESSAGE(seen.status == 200, seen.body);
    CHECK(seen.json().at("findings").as_array().size() == 1);
    check_problem(t.urban.get(audit_path(id)), 404);
    check_problem(
        t.audit_event(t.urban, id, "answer_finding", {{"finding_id", 1}, {"note", "不是我们的"}}),
        404);
    t.audit_step(t.legal, id, "answer_finding", {{"finding_id", 1}, {"note", "已补签字"}});
    a = t.audit_step(t.auditor, id, "send_back", {{"finding_id", 1}, {"note", "缺申请人签字"}});
    CHECK(text(a.at("findings").at(0).at("status")) == "sent_back");
    check_problem(t.audit_event(t.auditor, id, "sign_off"), 409);
    t.audit_step(t.legal, id, "answer_finding", {{"finding_id", 1}, {"note", "双方均已补签"}});
    t.audit_step(t.auditor, id, "accept_rectification", {{"finding_id", 1}});
    // Sign-off binds the signed history checkpoint that covers the period:
    // refused while the period runs, then bound to one signed after its end.
    check_problem(t.audit_event(t.auditor, id, "sign_off"), 409);
    std::this_thread::sleep_for(kPeriodLeft + std::chrono::milliseconds(200));
    a = t.audit_step(t.auditor, id, "sign_off");
    CHECK(text(a.at("state")) == "signed_off");
    CHECK(a.at("allowed_events").as_array().empty());
    const json::value& checkpoint = a.at("checkpoint");
    REQUIRE(checkpoint.is_object());
    CHECK(checkpoint.at("tree_size").as_int64() > 0);
    // The C2SP checkpoint body: origin, tree size, root hash, each on its line.
    CHECK(text(checkpoint.at("note"))
              .find("\n" + std::to_string(checkpoint.at("tree_size").as_int64()) + "\n" +
                    text(checkpoint.at("root_hash")) + "\n") != std::string::npos);
    CHECK(text(checkpoint.at("signed_at")) >= t.period_to);
    auto latest = t.auditor.get("/api/v1/history/checkpoints/latest");
    REQUIRE_MESSAGE(latest.status == 200, latest.body);
    CHECK(latest.json().at("tree_size").as_int64() >= checkpoint.at("tree_size").as_int64());

    // The audit's bundle (its sample with history, proofs and a signed
    // checkpoint) verifies offline with nothing but the public key.
    auto bundle = t.auditor.get("/api/v1/exports/audit-bundle?audit=" + std::to_string(id));
    REQUIRE_MESSAGE(bundle.status == 200, bundle.body);
    const json::value bundle_doc = json::parse(bundle.body);
    std::vector<std::int64_t> bundled;
    for (const auto& c : bundle_doc.at("cases").as_array()) {
      bundled.push_back(c.at("id").as_int64());
    }
    std::vector<std::int64_t> sampled;
    for (const auto& c : a.at("sample").at("case_ids").as_array()) sampled.push_back(c.as_int64());
    CHECK(bundled == sampled);
    const std::string file =
        (std::filesystem::temp_directory_path() /
         ("audit-bundle-" + std::to_string(::getpid()) + "-" + std::to_string(id) + ".json"))
            .string();
    std::ofstream(file, std::ios::binary) << bundle.body;
    auto verified = run_outpost({"audit", "verify-export", file, "--key", kTestVerifierKey});
    CHECK_MESSAGE(verified.exit_code == 0, verified.output);
    CHECK(verified.output.find(std::to_string(sampled.size()) + " cases") != std::string::npos);
    std::filesystem::remove(file);
    CHECK(a.at("findings").at(0).at("send_backs").as_int64() == 1);

    auto h = t.auditor.get(audit_path(id, "/history"));
    REQUIRE(h.status == 200);
    const json::value body = h.json();
    const json::array& history = body.at("items").as_array();
    std::vector<std::string> events;
    for (const auto& e : history) events.push_back(text(e.at("event")));
    CHECK(events == std::vector<std::string>{"plan", "draw_sample", "draw_sample", "draw_sample",
                                             "start_review", "record_finding", "record_finding",
                                             "record_finding", "issue_findings",
                                             "start_rectification", "answer_finding", "send_back",
                                             "answer_finding", "accept_rectification", "sign_off"});
    CHECK(first_broken_audit_link(id, history) == 0);
    CHECK(t.db.query_int("SELECT version FROM audits WHERE id = " + std::to_string(id)) ==
          static_cast<std::int64_t>(history.size()));
  }

  TEST_CASE("bad input gets a problem+json and changes nothing") {
    AuditServer t;
    json::object reversed = t.plan_body();
    reversed["period"] = {{"from", rfc3339_from_now(std::chrono::hours(1))},
                          {"to", rfc3339_from_now(std::chrono::hours(-1))}};
    check_problem(t.auditor.post_json("/api/v1/audits", reversed), 422, "period.to");
    json::object long_period = t.plan_body();
    long_period["period"] = {{"from", rfc3339_from_now(std::chrono::hours(-24 * 800))},
                             {"to", rfc3339_from_now(std::chrono::hours(1))}};
    check_problem(t.auditor.post_json("/api/v1/audits", long_period), 422, "period.to");
    json::object stranger = t.plan_body();
    stranger["reviewers"] = {"nobody"};
    check_problem(t.auditor.post_json("/api/v1/audits", stranger), 422, "reviewers[0]");
    check_problem(t.legal.post_json("/api/v1/audits", t.plan_body()), 403);
    check_problem(t.auditor.post_json("/api/v1/audits", json::object{{"title", 3}}), 422, "title");
    CHECK(t.db.query_int("SELECT count(*) FROM audits") == 0);

    const std::int64_t id = t.plan();
    const std::string planned = t.snapshot(id);
    check_problem(t.audit_event(t.auditor, id, "draw_sample", {{"seed", 1}, {"size", 0}}), 422,
                  "size");
    check_problem(t.audit_event(t.auditor, id, "draw_sample", {{"seed", 1}, {"size", 7}}), 422,
                  "size");
    check_problem(t.audit_event(t.auditor, id, "draw_sample", {{"seed", 1}, {"share", 1.5}}), 422,
                  "share");
    check_problem(
        t.audit_event(t.auditor, id, "draw_sample", {{"seed", 1}, {"force_in", {"tall"}}}), 422,
        "force_in");
    check_problem(t.audit_event(t.auditor, id, "approve"), 422, "event");
    check_problem(t.audit_event(t.auditor, id, "draw_sample",
                                {{"seed", std::numeric_limits<std::uint64_t>::max()}, {"size", 2}}),
                  422, "seed");
    // The bundle of an audit: a bad id, an unknown audit, and one without a
    // sample are refused.
    check_problem(t.auditor.get("/api/v1/exports/audit-bundle?audit=x"), 422, "audit");
    check_problem(t.auditor.get("/api/v1/exports/audit-bundle?audit=999999"), 404);
    check_problem(t.auditor.get("/api/v1/exports/audit-bundle?audit=" + std::to_string(id)), 422,
                  "audit");
    CHECK(t.snapshot(id) == planned);

    t.audit_step(t.auditor, id, "draw_sample", {{"seed", 5}, {"size", 2}});
    t.audit_step(t.auditor, id, "start_review");
    const auto sample = ids(t.get_audit(id).at("sample").at("case_ids"));
    std::int64_t outside = 0;
    for (std::int64_t c : t.cases) {
      if (std::find(sample.begin(), sample.end(), c) == sample.end()) outside = c;
    }
    const std::string reviewing = t.snapshot(id);
    check_problem(t.audit_event(t.auditor, id, "record_finding",
                                {{"case_id", outside}, {"verdict", "conforming"}}),
                  422, "case_id");
    check_problem(t.audit_event(t.auditor, id, "record_finding",
                                {{"case_id", sample[0]},
                                 {"verdict", "deficiency"},
                                 {"category", "no_such_category"},
                                 {"comment", "x"},
                                 {"department", "legal"}}),
                  422, "category");
    CHECK(t.snapshot(id) == reviewing);
  }
}
