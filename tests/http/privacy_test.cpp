// Personal data through a real server, on both backends: parties encrypted
// at rest (no clear phone, ID number or name in the SQLite file, a pg_dump or
// the server log), found by phone through the blind index, masked in
// responses, revealed only with a purpose to allowed roles and logged, and
// de-identified by `outpost retention run`; the key's own rules.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/http/database_bytes.hpp"
#include "tests/http/fixtures.hpp"

namespace outpost::testing {
namespace {

constexpr const char* kPhone = "13800138000";            // the applicant of dispute_body()
constexpr const char* kIdNumber = "500109198801012345";  // ditto
constexpr const char* kName = "张秀英";

std::string cases_with_phone(HttpClient& client, const std::string& phone) {
  auto r = client.get("/api/v1/cases?phone=" + phone);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  std::string ids;
  const json::value body = r.json();
  for (const auto& c : body.at("items").as_array()) {
    ids += std::to_string(c.at("id").as_int64()) + " ";
  }
  return ids;
}

}  // namespace

TEST_SUITE("privacy") {
  TEST_CASE("parties are encrypted at rest, masked in responses and found by phone") {
    TestServer t;
    const auto id = t.create_case();
    const auto other = t.create_case(request_body());  // phone 13700137000

    const std::string stored = database_bytes(t.db);
    CHECK(stored.find(kPhone) == std::string::npos);
    CHECK(stored.find(kIdNumber) == std::string::npos);
    CHECK(stored.find(kName) == std::string::npos);
    CHECK(stored.find("13900139000") == std::string::npos);  // the respondent's phone
    const std::string log = t.server.log();
    CHECK(log.find(kPhone) == std::string::npos);
    CHECK(log.find(kIdNumber) == std::string::npos);
    CHECK(log.find(kName) == std::string::npos);

    const auto c = t.get_case(id);
    const auto& applicant = c.at("parties").at(0);
    CHECK(applicant.at("name") == "张**");
    CHECK(applicant.at("phone") == "138****8000");
    CHECK(applicant.at("id_number") == "5001**********2345");

    CHECK(cases_with_phone(t.client, kPhone) == std::to_string(id) + " ");
    CHECK(cases_with_phone(t.client, "138-0013-8000") == std::to_string(id) + " ");
    CHECK(cases_with_phone(t.client, "13900139000") == std::to_string(id) + " ");
    CHECK(cases_with_phone(t.client, "13700137000") == std::to_string(other) + " ");
    CHECK(cases_with_phone(t.client, "13600000000").empty());
  }

  TEST_CASE("a reveal by an allowed role shows clear values and adds one access-log row") {
    TestServer t;
    const auto id = t.create_case();
    HttpClient desk = t.client_as("desk.li", "desk");
    HttpClient auditor = t.client_as("audit.zhao", "auditor");
    HttpClient supervisor = t.client_as("sup.wu", "supervisor");
    const std::string path = "/api/v1/cases/" + std::to_string(id) + "/reveal";

    auto shown = desk.post_json(path, {{"purpose", "回访联系申请人"}});
    REQUIRE_MESSAGE(shown.status == 200, shown.body);
    const json::value shown_body = shown.json();
    const auto& applicant = shown_body.at("parties").at(0);
    CHECK(applicant.at("name") == kName);
    CHECK(applicant.at("phone") == kPhone);
    CHECK(applicant.at("id_number") == kIdNumber);
    CHECK(access_rows(t.db) == 1);

    auto only_phone = desk.post_json(path, {{"purpose", "电话回访"}, {"fields", {"phone"}}});
    REQUIRE(only_phone.status == 200);
    const json::value phone_body = only_phone.json();
    CHECK(phone_body.at("parties").at(0).at("phone") == kPhone);
    CHECK_FALSE(phone_body.at("parties").at(0).as_object().contains("id_number"));
    CHECK(access_rows(t.db) == 2);

    // Refused: an auditor, no purpose, an unknown field; none is logged.
    CHECK(auditor.post_json(path, {{"purpose", "抽查"}}).status == 403);
    CHECK(desk.post_json(path, json::object{}).status == 422);
    CHECK(desk.post_json(path, {{"purpose", "x"}, {"fields", {"address"}}}).status == 422);
    CHECK(desk.post_json("/api/v1/cases/999999/reveal", {{"purpose", "x"}}).status == 404);
    CHECK(access_rows(t.db) == 2);

    // Auditors and supervisors read the log; the desk may not.
    auto log = auditor.get("/api/v1/access-log?case_id=" + std::to_string(id));
    REQUIRE_MESSAGE(log.status == 200, log.body);
    const json::value log_body = log.json();
    const auto& items = log_body.at("items").as_array();
    REQUIRE(items.size() == 2);
    CHECK(items.at(0).at("username") == "desk.li");
    CHECK(items.at(0).at("purpose") == "电话回访");
    CHECK(items.at(0).at("fields") == json::array{"phone"});
    CHECK(items.at(1).at("fields") == json::array{"free_text", "id_number", "name", "phone"});
    CHECK(supervisor.get("/api/v1/access-log").status == 200);
    CHECK(desk.get("/api/v1/access-log").status == 403);
    CHECK(auditor.get("/api/v1/access-log?limit=0").status == 422);
    // The log holds no clear values either.
    CHECK(database_bytes(t.db).find(kPhone) == std::string::npos);
  }

  TEST_CASE("retention run with a 0-day period de-identifies a closed case, which still counts") {
    TestServer t;
    const auto closed = t.create_case();
    t.step(closed, "decline", {{"reason", "不属于调解范围"}, {"route", "告知可向法院起诉"}});
    t.step(closed, "close");
    const auto open = t.create_case();
    CHECK(cases_with_phone(t.client, kPhone) ==
          std::to_string(open) + " " + std::to_string(closed) + " ");  // newest first
    const std::string closed_list = "/api/v1/cases?state=closed&category=neighbour&community=LF";
    const auto before = t.client.get(closed_list).json();
    REQUIRE(before.at("items").as_array().size() == 1);

    // Bad input first: refused with exit 2, nothing de-identified, no run recorded.
    auto refused = run_outpost({"retention", "run", "--days", "-1", "--database", t.db.url()},
                               {{"OUTPOST_PII_KEY", kTestPiiKey}});
    CHECK(refused.exit_code == 2);
    CHECK(refused.output.find("--days must be 0 to 36500") != std::string::npos);
    CHECK(t.db.query_int("SELECT count(*) FROM retention_runs") == 0);
    CHECK(cases_with_phone(t.client, kPhone) ==
          std::to_string(open) + " " + std::to_string(closed) + " ");

    auto run = run_outpost({"retention", "run", "--days", "0", "--database", t.db.url()},
                           {{"OUTPOST_PII_KEY", kTestPiiKey}});
    REQUIRE_MESSAGE(run.exit_code == 0, run.output);
    CHECK(run.output.find("de-identified 1 cases") != std::string::npos);
    CHECK(t.db.query_int("SELECT count(*) FROM retention_runs WHERE cases = 1") == 1);

    HttpClient desk = t.client_as("desk.li", "desk");
    auto shown = desk.post_json("/api/v1/cases/" + std::to_string(closed) + "/reveal",
                                {{"purpose", "核对脱敏结果"}});
    REQUIRE(shown.status == 200);
    const json::value shown_body = shown.json();
    for (const auto& p : shown_body.at("parties").as_array()) {
      CHECK(p.at("name") == "已脱敏");
      CHECK(p.at("phone") == "");
      CHECK(p.at("id_number") == "");
    }
    const auto history = t.history(closed);
    CHECK(history.back().at("event") == "deidentified");
    CHECK(history.back().at("actor") == "system");
    CHECK(first_broken_link(closed, history) == 0);
    // Still counted; no longer found by the phone; the open case is untouched.
    const auto after = t.client.get(closed_list).json();
    REQUIRE(after.at("items").as_array().size() == 1);
    CHECK(after.at("items").at(0).at("id") == closed);
    // The list shows the placeholder too (its stored masked form was rewritten).
    for (const auto& p : after.at("items").at(0).at("parties").as_array()) {
      CHECK(p.at("name") == "已**");
      CHECK(p.at("phone").is_null());
    }
    CHECK(t.db.query_int("SELECT count(*) FROM cases WHERE state = 'closed'"
                         " AND category = 'neighbour' AND community = 'LF'") == 1);
    CHECK(t.get_case(closed).at("state") == "closed");
    CHECK(cases_with_phone(t.client, kPhone) == std::to_string(open) + " ");
    CHECK(t.get_case(open).at("parties").at(0).at("name") == "张**");
    // A second run finds nothing new.
    auto again = run_outpost({"retention", "run", "--days", "0", "--database", t.db.url()},
                             {{"OUTPOST_PII_KEY", kTestPiiKey}});
    CHECK(again.output.find("de-identified 0 cases") != std::string::npos);
  }

  TEST_CASE(
      "lists show the stored masked parties; rows without them are read sealed, then filled") {
    TestServer t;
    const auto id = t.create_case();
    const std::string row = "SELECT parties_masked FROM cases WHERE id = " + std::to_string(id);
    const std::string masked =
        R"([{"role":"applicant","name":"张**","phone":"138****8000","id_number":"5001**********2345"},)"
        R"({"role":"respondent","name":"李**","phone":"139****9000","id_number":""}])";
    CHECK(t.db.query_text(row) == masked);
    const std::string list = "/api/v1/cases?community=LF";
    const auto first_party = [&](HttpClient& client) {
      const auto body = client.get(list).json();
      REQUIRE(body.at("items").as_array().size() == 1);
      return body.at("items").at(0).at("parties").at(0);
    };
    CHECK(first_party(t.client).at("name") == "张**");
    CHECK(first_party(t.client).at("id_number") == "5001**********2345");

    // A list reads the stored masked form, not the sealed parties: nothing is
    // decrypted for it. (A form stored another way shows as stored.)
    t.db.exec(
        R"(UPDATE cases SET parties_masked = '[{"role":"applicant","name":"甲*","phone":"","id_number":""}]' WHERE id = )" +
        std::to_string(id));
    CHECK(first_party(t.client).at("name") == "甲*");
    CHECK(first_party(t.client).at("phone").is_null());
    CHECK(t.get_case(id).at("parties").at(0).at("name") == "甲*");  // so does one case

    // A row written before the column existed ('') is listed from its sealed
    // parties, masked as before, and the next start-up fills its masked form.
    t.db.exec("UPDATE cases SET parties_masked = '' WHERE id = " + std::to_string(id));
    CHECK(first_party(t.client).at("name") == "张**");
    CHECK(first_party(t.client).at("phone") == "138****8000");
    CHECK(t.server.stop() == 0);
    t.server.start();
    HttpClient again = t.server.client();
    CHECK(t.db.query_text(row) == masked);
    CHECK(t.server.log().find("masked parties stored for lists, 1 cases") != std::string::npos);
    CHECK(first_party(again).at("name") == "张**");
    // A change writes it again, from the parties it stores.
    t.db.exec("UPDATE cases SET parties_masked = '[]' WHERE id = " + std::to_string(id));
    auto accepted =
        again.post_json("/api/v1/cases/" + std::to_string(id) + "/events", {{"event", "accept"}});
    REQUIRE_MESSAGE(accepted.status == 200, accepted.body);
    CHECK(t.db.query_text(row) == masked);
  }

  TEST_CASE("the key: made 0600 for SQLite on first run, required for PostgreSQL") {
    TestDatabase db;
    if (test_backend() == "sqlite") {
      const std::string key_file = db.url().substr(7) + ".key";
      ServerProcess server(db.url(), {}, {{"OUTPOST_PII_KEY", ""}});
      struct stat info {};
      REQUIRE(::stat(key_file.c_str(), &info) == 0);
      CHECK((info.st_mode & 0777) == 0600);
      const std::string key = read_file(key_file);
      auto client = server.client();
      auto created = client.post_json("/api/v1/cases", dispute_body());
      REQUIRE(created.status == 201);
      CHECK(server.stop() == 0);
      server.start();  // the same key, read back: the case still opens
      auto again = server.client().get(created.header("location"));
      CHECK(again.status == 200);
      CHECK(read_file(key_file) == key);
      CHECK(server.stop() == 0);
      ::chmod(key_file.c_str(), 0644);
      auto refused = run_outpost({"serve", "--database", db.url(), "--listen", "127.0.0.1:0"},
                                 {{"OUTPOST_PII_KEY", ""}});
      CHECK(refused.exit_code == 2);
      CHECK(refused.output.find("chmod 600") != std::string::npos);
    } else {
      auto refused = run_outpost({"serve", "--database", db.url(), "--listen", "127.0.0.1:0"},
                                 {{"OUTPOST_PII_KEY", ""}});
      CHECK(refused.exit_code == 2);
      CHECK(refused.output.find("PostgreSQL needs a key") != std::string::npos);
    }
  }
}

}  // namespace outpost::testing
