// Phone and ID numbers typed into free text, through a real server on both
// backends (engine/access/free_text.hpp): masked in every answer (the case,
// lists, notes, history, exports), in the database and in the server log;
// the originals come back only from a reveal with a purpose, which the access
// log records; text without such numbers is stored as typed; the history
// chain, which hashes the masked text, still verifies.
#include <string>

#include "tests/http/database_bytes.hpp"
#include "tests/http/fixtures.hpp"

namespace outpost::testing {
namespace {

constexpr const char* kMobile = "13912345678";
constexpr const char* kMobileMasked = "139****5678";
constexpr const char* kLandline = "68881234";      // typed as 023-68881234
constexpr const char* kId = "500109198801012341";  // a valid check character
constexpr const char* kIdMasked = "5001**********2341";
constexpr const char* kNoteMobile = "15012345678";  // typed as +86 150-1234-5678
constexpr const char* kTermsMobile = "18600001111";

std::string case_path(std::int64_t id, const std::string& rest = "") {
  return "/api/v1/cases/" + std::to_string(id) + rest;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The clear numbers this test types, none of which may be stored or logged.
void check_no_clear_number(const std::string& bytes) {
  for (const char* clear : {kMobile, kLandline, kId, kNoteMobile, "150-1234-5678", kTermsMobile}) {
    CAPTURE(clear);
    CHECK_FALSE(contains(bytes, clear));
  }
}

// The originals of a reveal's free_text as "seq/field=text" lines.
std::string free_text_lines(const json::value& revealed) {
  std::string lines;
  for (const auto& t : revealed.at("free_text").as_array()) {
    const auto& o = t.as_object();
    lines += (o.contains("seq") ? std::to_string(o.at("seq").as_int64()) : std::string("-")) + "/" +
             text(o.at("field")) + "=" + text(o.at("text")) + "\n";
  }
  return lines;
}

}  // namespace

TEST_SUITE("http_free_text") {
  TEST_CASE("numbers in free text are masked in answers, the database and the log, and revealed") {
    TestServer t;
    json::object body = dispute_body();
    body["title"] = "楼上漏水（物业 023-68881234）";
    body["description"] = std::string("对方电话") + kMobile + "，身份证" + kId + "，请尽快联系。";
    auto created = t.client.post_json("/api/v1/cases", body);
    REQUIRE_MESSAGE(created.status == 201, created.body);
    const auto id = created.json().at("id").as_int64();
    const std::string description =
        std::string("对方电话") + kMobileMasked + "，身份证" + kIdMasked + "，请尽快联系。";
    CHECK(text(created.json().at("description")) == description);
    CHECK(created.json().at("title") == "楼上漏水（物业 023-****1234）");

    auto note = t.client.post_json(case_path(id, "/notes"),
                                   {{"body", "回访：当事人改用 +86 150-1234-5678"}});
    REQUIRE_MESSAGE(note.status == 201, note.body);
    CHECK(note.json().at("body") == "回访：当事人改用 +86 150****5678");
    const auto note_seq = note.json().at("seq").as_int64();
    t.step(id, "accept");
    t.step(id, "assign", {{"department", "police"}, {"assignees", {"police-01"}}});
    t.step(id, "start_mediation");
    consent_all(t, id);
    auto session = t.step(id, "record_session",
                          {{"summary", std::string("双方到场，申请人留电话") + kMobile}});
    const auto session_seq = session.at("version").as_int64();
    t.step(id, "reach_agreement",
           agreement("2026-12-31", "oral", std::string("赔偿2000元，联系人") + kTermsMobile));

    // Every answer shows the masked form.
    CHECK(text(t.get_case(id).at("description")) == description);
    auto listed = t.client.get("/api/v1/cases?kind=dispute");
    REQUIRE(listed.status == 200);
    CHECK(text(listed.json().at("items").at(0).at("description")) == description);
    auto notes = t.client.get(case_path(id, "/notes"));
    REQUIRE(notes.status == 200);
    CHECK(notes.json().at("items").at(0).at("body") == "回访：当事人改用 +86 150****5678");
    const json::array history = t.history(id);
    CHECK(text(history.at(static_cast<std::size_t>(session_seq - 1)).at("data").at("summary")) ==
          std::string("双方到场，申请人留电话") + kMobileMasked);
    CHECK(history.back().at("data").at("terms") == "赔偿2000元，联系人186****1111");
    auto exported = t.client.get("/api/v1/exports/cases?format=jsonl");
    REQUIRE_MESSAGE(exported.status == 200, exported.body);
    CHECK(contains(exported.body, kMobileMasked));
    auto exported_history = t.client.get("/api/v1/exports/history?format=jsonl");
    REQUIRE(exported_history.status == 200);
    check_no_clear_number(created.body + listed.body + notes.body + json::serialize(history) +
                          exported.body + exported_history.body);

    // The chain hashes what is stored, the masked text: it verifies.
    CHECK(first_broken_link(id, history) == 0);
    auto verified = t.client.get(case_path(id, "/history/verify"));
    REQUIRE_MESSAGE(verified.status == 200, verified.body);
    CHECK(verified.json().at("ok") == true);

    // Neither the database nor the log holds a clear number.
    check_no_clear_number(database_bytes(t.db));
    check_no_clear_number(t.server.log());

    // A reveal with a purpose gives the originals back, and is logged.
    HttpClient desk = t.client_as("desk.li", "desk");
    HttpClient auditor = t.client_as("audit.zhao", "auditor");
    const std::string reveal = case_path(id, "/reveal");
    auto shown =
        desk.post_json(reveal, {{"purpose", "核对当事人联系方式"}, {"fields", {"free_text"}}});
    REQUIRE_MESSAGE(shown.status == 200, shown.body);
    CHECK(free_text_lines(shown.json()) ==
          "-/title=楼上漏水（物业 023-68881234）\n"
          "-/description=对方电话" +
              std::string(kMobile) + "，身份证" + kId + "，请尽快联系。\n" +
              std::to_string(session_seq) + "/summary=双方到场，申请人留电话" + kMobile + "\n" +
              std::to_string(session_seq + 1) + "/terms=赔偿2000元，联系人" + kTermsMobile + "\n" +
              std::to_string(note_seq) + "/note=回访：当事人改用 +86 150-1234-5678\n");
    CHECK(shown.json().at("fields") == json::array{"free_text"});
    CHECK_FALSE(shown.json().at("parties").at(0).as_object().contains("phone"));
    CHECK(access_rows(t.db) == 1);
    auto log = auditor.get("/api/v1/access-log?case_id=" + std::to_string(id));
    REQUIRE(log.status == 200);
    CHECK(log.json().at("items").at(0).at("fields") == json::array{"free_text"});
    CHECK(log.json().at("items").at(0).at("purpose") == "核对当事人联系方式");

    // The default reveal includes the free text; a party field alone does not.
    auto all = desk.post_json(reveal, {{"purpose", "回访"}});
    REQUIRE(all.status == 200);
    CHECK(all.json().at("free_text").as_array().size() == 5);
    auto phone_only = desk.post_json(reveal, {{"purpose", "回访"}, {"fields", {"phone"}}});
    REQUIRE(phone_only.status == 200);
    CHECK_FALSE(phone_only.json().as_object().contains("free_text"));
    CHECK(access_rows(t.db) == 3);

    // Same rules as for the parties: refused and not logged.
    CHECK(auditor.post_json(reveal, {{"purpose", "抽查"}, {"fields", {"free_text"}}}).status ==
          403);
    CHECK(desk.post_json(reveal, {{"fields", {"free_text"}}}).status == 422);
    CHECK(desk.post_json(reveal, {{"purpose", "x"}, {"fields", {"free_texts"}}}).status == 422);
    CHECK(access_rows(t.db) == 3);
    // Revealing wrote nothing clear anywhere either.
    check_no_clear_number(database_bytes(t.db));
    check_no_clear_number(t.server.log());
  }

  TEST_CASE("text without phone or ID numbers is stored and shown as typed") {
    TestServer t;
    const std::string plain =
        "欠款12345678901234567元，约定2026-03-01归还；证件号500109198801012345校验不符；"
        "参见JF-2026-000123，金额13800138000.50元。";
    json::object body = dispute_body();
    body["description"] = plain;
    const auto id = t.create_case(body);
    CHECK(text(t.get_case(id).at("description")) == plain);
    auto note = t.client.post_json(case_path(id, "/notes"), {{"body", plain}});
    REQUIRE(note.status == 201);
    CHECK(text(note.json().at("body")) == plain);
    CHECK(contains(database_bytes(t.db), "12345678901234567"));  // nothing to mask, nothing sealed
    CHECK(t.db.query_int("SELECT count(*) FROM cases WHERE sealed_texts <> ''") == 0);
    CHECK(t.db.query_int("SELECT count(*) FROM notes WHERE sealed_body <> ''") == 0);
    HttpClient desk = t.client_as("desk.li", "desk");
    auto shown =
        desk.post_json(case_path(id, "/reveal"), {{"purpose", "核对"}, {"fields", {"free_text"}}});
    REQUIRE(shown.status == 200);
    CHECK(shown.json().at("free_text").as_array().empty());
  }

  TEST_CASE("a number in a log message is masked whoever logs it") {
    TestServer t;
    HttpClient anonymous = t.server.client("");
    auto r = anonymous.post_json("/api/v1/login", {{"username", kMobile}, {"password", "wrong"}});
    CHECK(r.status == 401);
    const std::string log = t.server.log();
    CHECK(contains(log, std::string("'") + kMobileMasked + "'"));
    CHECK_FALSE(contains(log, kMobile));
  }
}

}  // namespace outpost::testing
