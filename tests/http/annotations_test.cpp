// Notes and attachments over HTTP, on both backends: they join the case's
// history and hash chain, attachments round-trip byte for byte and are stored
// once per content, and refused input changes nothing.
#include <chrono>
#include <cstdio>

#include "engine/cases/audit_chain.hpp"
#include "tests/http/fixtures.hpp"

using namespace outpost::testing;
using namespace std::string_literals;

namespace {

// A real 1×1 RGBA PNG (70 bytes, NULs included).
const std::string kPng =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00"
    "\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\xda\x63"
    "\x64\x60\xf8\x5f\x0f\x00\x02\x87\x01\x80\xeb\x47\xba\x92\x00\x00\x00\x00\x49\x45\x4e\x44"
    "\xae\x42\x60\x82"s;

constexpr std::size_t kMiB = 1024 * 1024;

// A PNG signature followed by `size - 8` pseudo-random bytes: every byte
// value, NULs and invalid UTF-8 included.
std::string big_png(std::size_t size, std::uint32_t seed) {
  std::string bytes = kPng.substr(0, 8);
  bytes.reserve(size);
  std::uint32_t x = seed;
  while (bytes.size() < size) {
    x = x * 1664525u + 1013904223u;
    bytes.push_back(static_cast<char>(x >> 24));
  }
  return bytes;
}

std::string case_path(std::int64_t id, const std::string& tail) {
  return "/api/v1/cases/" + std::to_string(id) + tail;
}

Response upload(TestServer& t, std::int64_t id, const std::string& bytes,
                const std::string& content_type, Headers extra = {}) {
  Headers headers{{"Content-Type", content_type}};
  headers.insert(headers.end(), extra.begin(), extra.end());
  return t.client.request("POST", case_path(id, "/attachments"), bytes, headers);
}

Response add_note(TestServer& t, std::int64_t id, const json::object& body) {
  return t.client.post_json(case_path(id, "/notes"), body);
}

std::int64_t count_rows(TestServer& t, const std::string& table) {
  return t.db.query_int("SELECT count(*) FROM " + table);
}

void check_problem(const Response& r, int status) {
  CHECK_MESSAGE(r.status == status, r.body);
  CHECK(r.header("content-type") == "application/problem+json");
}

}  // namespace

TEST_SUITE("http_annotations") {
  TEST_CASE("a note and a PNG join the history in order, each moving the version by one") {
    TestServer t;
    const auto id = t.create_case();
    CHECK(t.get_case(id).at("version") == 1);

    auto note = add_note(t, id, {{"body", "已电话联系双方，约定周五上午调解。"}});
    REQUIRE_MESSAGE(note.status == 201, note.body);
    CHECK(note.json().at("seq") == 2);
    CHECK(note.json().at("visibility") == "internal");
    CHECK(note.json().at("author") == "admin");
    CHECK(t.get_case(id).at("version") == 2);

    auto file = upload(t, id, kPng, "image/png", {{"X-File-Name", "%E7%8E%B0%E5%9C%BA.png"}});
    REQUIRE_MESSAGE(file.status == 201, file.body);
    const auto meta = file.json();
    CHECK(meta.at("seq") == 3);
    CHECK(text(meta.at("sha256")) == outpost::sha256_hex(kPng));
    CHECK(meta.at("content_type") == "image/png");
    CHECK(meta.at("file_name") == "现场.png");
    CHECK(meta.at("size") == static_cast<std::int64_t>(kPng.size()));
    CHECK(file.header("location") == case_path(id, "/attachments/3"));
    CHECK(t.get_case(id).at("version") == 3);

    t.step(id, "accept");
    const auto history = t.history(id);
    REQUIRE(history.size() == 4);
    const std::vector<std::string> events{"register", "add_note", "add_attachment", "accept"};
    for (std::size_t i = 0; i < history.size(); ++i) {
      CHECK(text(history[i].at("event")) == events[i]);
      CHECK(history[i].at("seq").as_int64() == static_cast<std::int64_t>(i + 1));
      if (i > 0) CHECK(history[i].at("prev_hash") == history[i - 1].at("hash"));
    }
    CHECK(first_broken_link(id, history) == 0);
    const auto& note_row = history[1].as_object();
    CHECK(note_row.at("from_state") == "registered");
    CHECK(note_row.at("to_state") == "registered");
    CHECK(note_row.at("data").at("visibility") == "internal");
    CHECK(text(note_row.at("data").at("body_sha256")) ==
          outpost::sha256_hex("已电话联系双方，约定周五上午调解。"));
    CHECK_FALSE(note_row.at("data").as_object().contains("body"));
    const auto& file_row = history[2].as_object();
    CHECK(file_row.at("from_state") == "registered");
    CHECK(text(file_row.at("data").at("sha256")) == outpost::sha256_hex(kPng));
    CHECK(file_row.at("data").at("file_name") == "现场.png");
    CHECK(file_row.at("data").at("size") == static_cast<std::int64_t>(kPng.size()));

    auto notes = t.client.get(case_path(id, "/notes"));
    REQUIRE(notes.status == 200);
    REQUIRE(notes.json().at("items").as_array().size() == 1);
    CHECK(notes.json().at("items").at(0).at("body") == "已电话联系双方，约定周五上午调解。");
    auto files = t.client.get(case_path(id, "/attachments"));
    REQUIRE(files.status == 200);
    REQUIRE(files.json().at("items").as_array().size() == 1);
    CHECK(files.json().at("items").at(0).at("seq") == 3);

    auto bytes = t.client.get(case_path(id, "/attachments/3"));
    REQUIRE(bytes.status == 200);
    CHECK(bytes.body == kPng);
    CHECK(bytes.header("content-type") == "image/png");
    CHECK(bytes.header("content-length") == std::to_string(kPng.size()));
    CHECK(bytes.header("content-disposition").find("filename*=UTF-8''%E7%8E%B0%E5%9C%BA.png") !=
          std::string::npos);
    check_problem(t.client.get(case_path(id, "/attachments/2")), 404);  // seq 2 is the note
  }

  TEST_CASE("a 9 MiB file and a public note round-trip; a UTF-8 text file keeps its charset") {
    TestServer t;
    const auto id = t.create_case();
    const std::string big = big_png(9 * kMiB + 123, 7);
    auto r =
        upload(t, id, big, "image/png",
               {{"Content-Disposition", "attachment; filename*=UTF-8''%E8%AF%81%E6%8D%AE.png"}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
    CHECK(r.json().at("file_name") == "证据.png");
    auto got = t.client.get(r.header("location"));
    REQUIRE(got.status == 200);
    CHECK(got.body.size() == big.size());
    CHECK(got.body == big);
    CHECK(outpost::sha256_hex(got.body) == text(r.json().at("sha256")));

    const std::string notes_text = "调解记录\n第二行\n";
    auto txt = upload(t, id, notes_text, "text/plain; charset=UTF-8", {{"X-File-Name", "a.txt"}});
    REQUIRE_MESSAGE(txt.status == 201, txt.body);
    auto txt_back = t.client.get(txt.header("location"));
    CHECK(txt_back.body == notes_text);
    CHECK(txt_back.header("content-type") == "text/plain; charset=utf-8");

    auto pub = add_note(t, id, {{"body", "已告知申请人处理进度"}, {"visibility", "public"}});
    REQUIRE_MESSAGE(pub.status == 201, pub.body);
    CHECK(pub.json().at("visibility") == "public");
    CHECK(t.get_case(id).at("version") == 4);
  }

  TEST_CASE("identical bytes are stored once") {
    TestServer t;
    const auto first = t.create_case();
    const auto second = t.create_case();
    const std::string bytes = big_png(200 * 1024, 3);
    REQUIRE(upload(t, first, bytes, "image/png", {{"X-File-Name", "a.png"}}).status == 201);
    REQUIRE(upload(t, first, bytes, "image/png", {{"X-File-Name", "b.png"}}).status == 201);
    REQUIRE(upload(t, second, bytes, "image/png", {{"X-File-Name", "c.png"}}).status == 201);
    CHECK(count_rows(t, "attachments") == 3);
    CHECK(count_rows(t, "attachment_blobs") == 1);
    CHECK(t.client.get(case_path(second, "/attachments/2")).body == bytes);
    CHECK(t.client.get(case_path(first, "/attachments/3")).body == bytes);
  }

  TEST_CASE("refused notes and uploads change nothing") {
    TestServer t;
    const auto id = t.create_case();
    const std::string before = t.snapshot(id);

    SUBCASE("a text file declared as PNG is 422") {
      auto r = upload(t, id, "just text, not a PNG", "image/png", {{"X-File-Name", "x.png"}});
      check_problem(r, 422);
      CHECK(r.body.find("image/png") != std::string::npos);
    }
    SUBCASE("an unsupported type is 422 naming it") {
      auto r = upload(t, id, "PK\x03\x04zip", "application/zip", {{"X-File-Name", "x.zip"}});
      check_problem(r, 422);
      CHECK(text(r.json().at("detail")).find("unsupported type 'application/zip'") !=
            std::string::npos);
    }
    SUBCASE("an empty file is 422") {
      check_problem(upload(t, id, "", "image/png", {{"X-File-Name", "x.png"}}), 422);
    }
    SUBCASE("a missing file name is 422, a broken %-escape 400, a '/' 422") {
      auto r = upload(t, id, kPng, "image/png");
      check_problem(r, 422);
      CHECK(r.json().at("errors").at(0).at("field") == "file_name");
      check_problem(upload(t, id, kPng, "image/png", {{"X-File-Name", "bad%zz.png"}}), 400);
      check_problem(upload(t, id, kPng, "image/png", {{"X-File-Name", "..%2Fetc.png"}}), 422);
    }
    SUBCASE("a 12 MiB file is 413") {
      check_problem(upload(t, id, big_png(12 * kMiB, 5), "image/png", {{"X-File-Name", "x.png"}}),
                    413);
    }
    SUBCASE("other requests keep the 1 MiB limit") {
      const std::string huge = R"({"body":")" + std::string(2 * kMiB, 'x') + "\"}";
      check_problem(t.client.request("POST", case_path(id, "/notes"), huge,
                                     {{"Content-Type", "application/json"}}),
                    413);
    }
    SUBCASE("an empty note, a bad visibility and an unknown field are 422") {
      check_problem(add_note(t, id, {{"body", ""}}), 422);
      auto r = add_note(t, id, {{"body", "x"}, {"visibility", "secret"}});
      check_problem(r, 422);
      CHECK(r.json().at("errors").at(0).at("field") == "visibility");
      check_problem(add_note(t, id, {{"body", "x"}, {"author", "someone"}}), 422);
      check_problem(add_note(t, id, {{"body", std::string(10001, 'x')}}), 422);
    }
    SUBCASE("a note that is not JSON is 415 or 400") {
      check_problem(t.client.request("POST", case_path(id, "/notes"), "hello",
                                     {{"Content-Type", "text/plain"}}),
                    415);
      check_problem(t.client.request("POST", case_path(id, "/notes"),
                                     "{\"body\":", {{"Content-Type", "application/json"}}),
                    400);
    }
    SUBCASE("no token is 401") {
      check_problem(
          t.client.request(
              "POST", case_path(id, "/attachments"), kPng,
              {{"Content-Type", "image/png"}, {"X-File-Name", "x.png"}, {"Authorization", ""}}),
          401);
    }
    CHECK(t.snapshot(id) == before);
    CHECK(count_rows(t, "notes") == 0);
    CHECK(count_rows(t, "attachments") == 0);
    CHECK(count_rows(t, "attachment_blobs") == 0);
  }

  TEST_CASE("an unknown case is 404 for every note and attachment route") {
    TestServer t;
    t.create_case();
    const std::int64_t missing = 999;
    check_problem(add_note(t, missing, {{"body", "x"}}), 404);
    check_problem(t.client.get(case_path(missing, "/notes")), 404);
    check_problem(upload(t, missing, kPng, "image/png", {{"X-File-Name", "x.png"}}), 404);
    check_problem(t.client.get(case_path(missing, "/attachments")), 404);
    check_problem(t.client.get(case_path(missing, "/attachments/2")), 404);
    check_problem(t.client.get("/api/v1/cases/abc/attachments/x"), 404);
    CHECK(count_rows(t, "history") == 1);
    CHECK(count_rows(t, "attachment_blobs") == 0);
  }
}
