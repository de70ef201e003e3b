// Agreements over HTTP, on both backends (People's Mediation Law Art. 28–33):
// what an agreement records and who confirmed it, the performance reminder and
// check that performance_due drives, the recorded performance outcome in 履行率,
// and the judicial-confirmation window's outcomes, "lapsed" included. Time is
// moved with the server's test clock (OUTPOST_TEST_CLOCK_FILE); the deadline
// ticker fires what falls due.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/http/fixtures.hpp"
#include "tests/http/test_clock.hpp"

using namespace outpost::testing;
using namespace std::string_literals;
using outpost::Millis;

namespace {

// A 1×1 PNG: the scanned signature page.
const std::string kPng =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00"
    "\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\xda\x63"
    "\x64\x60\xf8\x5f\x0f\x00\x02\x87\x01\x80\xeb\x47\xba\x92\x00\x00\x00\x00\x49\x45\x4e\x44"
    "\xae\x42\x60\x82"s;

// The local (+08:00) date of `at`.
std::string local_date(Millis at) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_time<milliseconds>(milliseconds(at + kChina)))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string case_path(std::int64_t id, const std::string& tail = "") {
  return "/api/v1/cases/" + std::to_string(id) + tail;
}

void check_problem(const Response& r, int status, const std::string& field = "") {
  CHECK_MESSAGE(r.status == status, r.body);
  CHECK(r.header("content-type") == "application/problem+json");
  if (!field.empty() && r.status == status) {
    const json::value body = r.json();
    const auto& errors = body.at("errors").as_array();
    REQUIRE(errors.size() == 1);
    CHECK(text(errors[0].at("field")) == field);
  }
}

const json::object* last_row(const json::array& history, const std::string& event) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (text(it->at("event")) == event) return &it->as_object();
  }
  return nullptr;
}

std::int64_t rows_of(TestServer& t, std::int64_t id, const std::string& event) {
  return t.db.query_int("SELECT count(*) FROM history WHERE case_id = " + std::to_string(id) +
                        " AND event = '" + event + "'");
}

// Waits up to 15 s for the history row; true when it is there.
bool wait_for_row(TestServer& t, std::int64_t id, const std::string& event) {
  for (int i = 0; i < 150; ++i) {
    if (rows_of(t, id, event) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

bool has_flag(const json::value& c, const std::string& flag) {
  for (const auto& f : c.at("flags").as_array()) {
    if (text(f) == flag) return true;
  }
  return false;
}

std::int64_t upload_page(TestServer& t, std::int64_t id) {
  auto r = t.client.request("POST", case_path(id, "/attachments"), kPng,
                            {{"Content-Type", "image/png"}, {"X-File-Name", "signed.png"}});
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return r.json().at("seq").as_int64();
}

}  // namespace

TEST_SUITE("http_agreements") {
  TEST_CASE("a written agreement records its parts and is in force once every party confirmed it") {
    TestServer t;
    const auto id = mediating_case(t);
    consent_all(t, id);
    const std::string before = t.snapshot(id);

    json::object incomplete = agreement("2026-12-31", "written");
    incomplete.erase("facts");
    incomplete.erase("performance_method");
    auto r = t.event(id, "reach_agreement", incomplete);
    CHECK(r.status == 422);
    REQUIRE(r.json().at("errors").as_array().size() == 2);
    CHECK(r.json().at("errors").as_array()[0].at("field") == "facts");
    CHECK(r.json().at("errors").as_array()[1].at("field") == "performance_method");
    check_problem(t.event(id, "reach_agreement", agreement("2026-12-31", "scribbled")), 422,
                  "form");
    CHECK(t.snapshot(id) == before);

    t.step(id, "reach_agreement", agreement("2026-12-31", "written"));
    const json::array agreed_history = t.history(id);
    const auto* row = last_row(agreed_history, "reach_agreement");
    REQUIRE(row != nullptr);
    const auto& data = row->at("data");
    CHECK(data.at("form") == "written");
    CHECK(data.at("facts") == "楼上卫生间漏水致楼下天花板受损");
    CHECK(data.at("issues") == "维修费用由谁承担");
    CHECK(data.at("terms") == "楼上住户承担维修费用");
    CHECK(data.at("performance_method") == "一次性支付并上门维修");
    CHECK(data.at("performance_due") == "2026-12-31");
    CHECK(data.at("parties") == json::array{"applicant", "respondent"});

    // Not in force before the parties confirmed it: no judicial confirmation yet.
    check_problem(t.event(id, "apply_judicial_confirmation", {{"court", "西山坪人民法庭"}}), 409);

    const std::int64_t page = upload_page(t, id);
    const std::int64_t accept_seq = 2;  // a history row, but not an attachment
    const std::string agreed = t.snapshot(id);
    const json::object good{{"party", 1}, {"form", "thumbprint"}, {"attachment_seq", page}};
    const auto with = [&](const char* key, json::value v) {
      json::object p = good;
      p[key] = std::move(v);
      return p;
    };
    check_problem(t.event(id, "confirm_agreement", with("party", 3)), 422, "party");
    check_problem(t.event(id, "confirm_agreement", with("party", 0)), 422, "party");
    check_problem(t.event(id, "confirm_agreement", with("form", "stamp")), 422, "form");
    check_problem(t.event(id, "confirm_agreement", with("attachment_seq", accept_seq)), 422,
                  "attachment_seq");
    check_problem(t.event(id, "confirm_agreement", with("attachment_seq", 999)), 422,
                  "attachment_seq");
    check_problem(t.event(id, "confirm_agreement", with("attachment_seq", "one")), 422,
                  "attachment_seq");
    CHECK(t.snapshot(id) == agreed);

    t.step(id, "confirm_agreement", good);
    check_problem(t.event(id, "confirm_agreement", good), 422, "party");  // already confirmed
    auto c = t.get_case(id);
    CHECK(c.at("allowed_events").as_array().size() > 0);
    const auto allowed = [](const json::value& v, const char* e) {
      for (const auto& a : v.at("allowed_events").as_array()) {
        if (a == e) return true;
      }
      return false;
    };
    CHECK_FALSE(allowed(c, "apply_judicial_confirmation"));
    t.step(id, "confirm_agreement",
           {{"party", 2}, {"form", "signature"}, {"attachment_seq", page}});
    c = t.get_case(id);
    CHECK(allowed(c, "apply_judicial_confirmation"));
    CHECK_FALSE(allowed(c, "confirm_agreement"));
    check_problem(t.event(id, "confirm_agreement", with("party", 2)), 409);

    const auto history = t.history(id);
    const auto* confirmed = last_row(history, "confirm_agreement");
    REQUIRE(confirmed != nullptr);
    CHECK(confirmed->at("data").at("party") == 2);
    CHECK(confirmed->at("data").at("form") == "signature");
    CHECK(confirmed->at("data").at("attachment_seq") == page);
    CHECK(rows_of(t, id, "confirm_agreement") == 2);
    t.step(id, "apply_judicial_confirmation", {{"court", "西山坪人民法庭"}});

    // An oral agreement (Art. 28) is in force at once and has nothing to sign.
    const auto oral = mediating_case(t);
    consent_all(t, oral);
    t.step(oral, "reach_agreement", agreement("2026-12-31"));
    CHECK(last_row(t.history(oral), "reach_agreement")->at("data").at("form") == "oral");
    check_problem(t.event(oral, "confirm_agreement",
                          {{"party", 1}, {"form", "signature"}, {"attachment_seq", page}}),
                  409);
    t.step(oral, "apply_judicial_confirmation", {{"court", "西山坪人民法庭"}});
  }

  TEST_CASE(
      "performance_due brings a reminder, then a check whose outcome counts in 履行率; "
      "30 days without an application lapse") {
    TestClock clock;
    TestServer t(clock.env());
    const Millis start = system_now();
    const Millis due = local_midnight(start) + 10 * kDay;

    const auto a = mediating_case(t);  // checked: not performed

    consent_all(t, a);
    t.step(a, "reach_agreement", agreement(local_date(due)));
    const auto b = mediating_case(t);  // applied for judicial confirmation, rejected
    consent_all(t, b);
    t.step(b, "reach_agreement", agreement(local_date(due)));
    t.step(b, "apply_judicial_confirmation", {{"court", "西山坪人民法庭"}});
    check_problem(t.event(b, "record_judicial_confirmation",
                          {{"outcome", "maybe"}, {"reference", "(2026)渝0109民特5号"}}),
                  422, "outcome");
    t.step(b, "record_judicial_confirmation",
           {{"outcome", "rejected"}, {"reference", "(2026)渝0109民特5号"}});
    CHECK(last_row(t.history(b), "record_judicial_confirmation")->at("data").at("outcome") ==
          "rejected");
    CHECK(t.db.query_int("SELECT count(*) FROM timers WHERE state = 'pending' AND case_id = " +
                         std::to_string(a) +
                         " AND kind IN ('performance_reminder', 'performance_check',"
                         " 'judicial_lapse')") == 3);

    // Three days before: the reminder, to the mediators' outbox; no check yet.
    clock.set(due - 3 * kDay + 60'000);
    REQUIRE(wait_for_row(t, a, "performance_reminder"));
    CHECK(t.db.query_int("SELECT count(*) FROM outbox WHERE topic = "
                         "'agreement.performance_reminder' AND case_id = " +
                         std::to_string(a)) == 1);
    CHECK(rows_of(t, a, "performance_check_due") == 0);
    CHECK_FALSE(has_flag(t.get_case(a), "performance_check"));

    // At the date: the check, a task on the case for its mediator.
    clock.set(due + 60'000);
    REQUIRE(wait_for_row(t, a, "performance_check_due"));
    const auto checked = t.get_case(a);
    CHECK(has_flag(checked, "performance_check"));
    CHECK(checked.at("state") == "agreement_reached");
    const json::array checked_history = t.history(a);
    const auto* row = last_row(checked_history, "performance_check_due");
    CHECK(row->at("actor") == "system");
    CHECK(text(row->at("data").at("performance_due")) == local_date(due));
    CHECK(t.db.query_int("SELECT count(*) FROM outbox WHERE topic = "
                         "'agreement.performance_check' AND case_id = " +
                         std::to_string(a)) == 1);

    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // more ticker passes
    CHECK(rows_of(t, a, "performance_reminder") == 1);
    CHECK(rows_of(t, a, "performance_check_due") == 1);

    const std::string before = t.snapshot(a);
    check_problem(t.event(a, "record_performance", {{"outcome", "done"}, {"note", "n"}}), 422,
                  "outcome");
    check_problem(t.event(a, "record_performance", {{"outcome", "partly"}}), 422, "note");
    CHECK(t.snapshot(a) == before);
    t.step(a, "record_performance", {{"outcome", "not_performed"}, {"note", "未支付维修费"}});
    CHECK_FALSE(has_flag(t.get_case(a), "performance_check"));
    CHECK(t.get_case(a).at("state") == "agreement_reached");
    t.step(b, "record_performance", {{"outcome", "performed"}, {"note", "已支付"}});
    CHECK(t.get_case(b).at("state") == "follow_up");

    // 履行率 counts the recorded outcomes: b performed, a not.
    auto report = t.client.get("/api/v1/reports/kpis?from=" + local_date(start - kDay) +
                               "&to=" + local_date(start + kDay));
    REQUIRE_MESSAGE(report.status == 200, report.body);
    const json::value figures = report.json().at("totals").at("figures");
    const auto& rate = figures.at("performance_rate");
    CHECK(rate.at("numerator") == 1);
    CHECK(rate.at("denominator") == 2);

    // 30 days after the agreement: a's window lapses; b applied, so it does not.
    clock.set(start + 30 * kDay + 60'000);
    REQUIRE(wait_for_row(t, a, "judicial_confirmation_lapsed"));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK(rows_of(t, a, "judicial_confirmation_lapsed") == 1);
    CHECK(rows_of(t, b, "judicial_confirmation_lapsed") == 0);
    CHECK(last_row(t.history(a), "judicial_confirmation_lapsed")->at("actor") == "system");
    check_problem(t.event(a, "apply_judicial_confirmation", {{"court", "西山坪人民法庭"}}), 409);
    t.step(b, "apply_judicial_confirmation", {{"court", "西山坪人民法庭"}});  // after a refusal

    // Exactly once, also after a restart.
    CHECK(t.server.stop() == 0);
    t.server.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    for (const char* event :
         {"performance_reminder", "performance_check_due", "judicial_confirmation_lapsed"}) {
      CHECK_MESSAGE(rows_of(t, a, event) == 1, event);
    }
    CHECK(t.db.query_int("SELECT count(*) FROM timers WHERE state = 'fired' AND case_id = " +
                         std::to_string(a) +
                         " AND kind IN ('performance_reminder', 'performance_check',"
                         " 'judicial_lapse')") == 3);
  }
}
