// Case documents over HTTP, on both backends (issue 23 §1): every form of a
// dispute driven through its whole life and of a request, read back with
// poppler-utils (pdftotext, pdffonts, pdftoppm) and zbar-tools (zbarimg); the
// history entry that binds each PDF, the verify endpoint and
// `outpost audit verify-document`, the reveal rule, bad input, the signed
// paper's scan and de-identification.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;
using namespace std::string_literals;

namespace {

namespace fs = std::filesystem;

const std::string kPng =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00"
    "\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\xda\x63"
    "\x64\x60\xf8\x5f\x0f\x00\x02\x87\x01\x80\xeb\x47\xba\x92\x00\x00\x00\x00\x49\x45\x4e\x44"
    "\xae\x42\x60\x82"s;

fs::path work_dir() {
  const char* dir = std::getenv("OUTPOST_TEST_WORK_DIR");
  fs::path base = fs::path(dir ? dir : fs::temp_directory_path().string()) /
                  ("documents-" + std::to_string(::getpid()));
  fs::create_directories(base);
  return base;
}

fs::path write_file(const std::string& name, const std::string& bytes) {
  const fs::path p = work_dir() / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

// A command's standard output (stderr dropped).
std::string shell(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  ::pclose(pipe);
  return out;
}

std::string case_path(std::int64_t id, const std::string& tail = "") {
  return "/api/v1/cases/" + std::to_string(id) + tail;
}

Response generate(HttpClient& c, std::int64_t id, const std::string& kind,
                  const std::string& purpose = "打印供当事人签字") {
  return c.post_json(case_path(id, "/documents"), {{"kind", kind}, {"purpose", purpose}});
}

json::object generated(HttpClient& c, std::int64_t id, const std::string& kind) {
  auto r = generate(c, id, kind);
  REQUIRE_MESSAGE(r.status == 201, kind << ": " << r.body);
  return r.json().as_object();
}

std::string download(HttpClient& c, std::int64_t id, std::int64_t doc) {
  auto r =
      c.get(case_path(id, "/documents/" + std::to_string(doc) + "?purpose=%E5%AD%98%E6%A1%A3"));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.header("content-type") == "application/pdf");
  return r.body;
}

std::int64_t document_count(TestServer& t, std::int64_t id) {
  return t.db.query_int("SELECT count(*) FROM documents WHERE case_id = " + std::to_string(id));
}

std::int64_t access_rows(TestServer& t, std::int64_t id, const std::string& field) {
  return t.db.query_int("SELECT count(*) FROM access_log WHERE case_id = " + std::to_string(id) +
                        " AND fields = '[\"" + field + "\"]'");
}

CommandResult outpost_cli(const TestServer& t, std::vector<std::string> args) {
  static const std::string key_file = [] {
    const std::string path = (work_dir() / "signing-key").string();
    write_test_signing_key(path);
    return path;
  }();
  args.push_back("--database");
  args.push_back(t.db.url());
  return run_outpost(
      args, {{"OUTPOST_PII_KEY", kTestPiiKey}, {"OUTPOST_AUDIT_SIGNING_KEY_FILE", key_file}});
}

// The agreement a clerk prints: Art. 29's parts, each with its own words.
json::object written_agreement() {
  json::object a = agreement("2027-06-30", "written",
                             "一、被申请人于2026年12月20日前修复卫生间防水层；\n二、被申请人向申请"
                             "人支付维修费用人民币肆仟元整。");
  a["responsibilities"] = "被申请人对漏水负主要责任，申请人负次要责任。";
  return a;
}

}  // namespace

TEST_SUITE("http_documents") {
  TEST_CASE(
      "each form of a dispute's life is a PDF bound to its history, checkable by QR and CLI") {
    TestServer t;
    HttpClient desk = t.client_as("desk-doc", "desk");
    const auto id = mediating_case(t);
    consent_all(t, id);
    const std::string number = text(t.get_case(id).at("number"));

    // No session, no agreement yet: those forms are refused and nothing is stored.
    const std::string before = t.snapshot(id);
    auto early = generate(desk, id, "agreement");
    CHECK(early.status == 409);
    CHECK(early.header("content-type") == "application/problem+json");
    CHECK(generate(desk, id, "session_record").status == 409);
    CHECK(generate(desk, id, "work_order").status == 409);  // a request's form
    CHECK(t.snapshot(id) == before);
    CHECK(document_count(t, id) == 0);

    t.step(id, "record_session", {{"summary", "双方到场陈述，调解员释明相邻关系规定。"}});
    t.step(id, "reach_agreement", written_agreement());
    CHECK(generate(desk, id, "oral_agreement").status == 409);  // the agreement is written

    generated(desk, id, "application");
    generated(desk, id, "session_record");
    const json::object doc = generated(desk, id, "agreement");
    const std::int64_t doc_id = doc.at("id").as_int64();

    // One history row, state unchanged, on the chain, carrying the hashes.
    const json::array history = t.history(id);
    const auto& row = history.back().as_object();
    CHECK(row.at("event") == "generate_document");
    CHECK(row.at("seq").as_int64() == doc_id);
    CHECK(row.at("from_state") == "agreement_reached");
    CHECK(row.at("to_state") == "agreement_reached");
    CHECK(row.at("data").at("kind") == "agreement");
    CHECK(row.at("data").at("sha256") == doc.at("sha256"));
    CHECK(row.at("data").at("document").as_int64() == doc_id);
    CHECK(first_broken_link(id, history) == 0);
    CHECK(text(t.get_case(id).at("state")) == "agreement_reached");

    const std::string pdf = download(desk, id, doc_id);
    CHECK(outpost::sha256_hex(pdf) == text(doc.at("sha256")));
    const fs::path file = write_file("agreement.pdf", pdf);

    // Art. 29 in Chinese, as pdftotext reads it.
    const std::string words = shell("pdftotext " + file.string() + " -");
    for (const char* part : {"人民调解协议书",
                             "当事人基本情况",
                             "张秀英",
                             "李建国",
                             "500109198801012345",
                             "纠纷主要事实、争议事项",
                             "楼上卫生间漏水致楼下天花板受损",
                             "维修费用由谁承担",
                             "各方责任",
                             "被申请人对漏水负主要责任",
                             "经调解，自愿达成如下协议",
                             "修复卫生间防水层",
                             "履行方式",
                             "一次性支付并上门维修",
                             "履行期限",
                             "2027年6月30日前",
                             "签名、盖章或按指印",
                             "人民调解员（签名）",
                             "孙强远",  // the mediator police-01, by the directory's name
                             "人民调解委员会（盖章）",
                             "本协议书一式三份",
                             "龙凤桥街道人民调解委员会",
                             number.c_str()}) {
      CHECK_MESSAGE(words.find(part) != std::string::npos, part);
    }
    CHECK(words.find("police-01") == std::string::npos);
    // The CJK font embedded as a subset ("ABCDEF+Name … yes yes").
    const std::string fonts = shell("pdffonts " + file.string());
    bool cjk_subset = false;
    std::istringstream lines(fonts);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("+NotoSerifCJK") != std::string::npos &&
          line.find(" yes yes ") != std::string::npos) {
        cjk_subset = true;
      }
    }
    CHECK_MESSAGE(cjk_subset, fonts);

    // Page 1's QR code: case number, document id and the hash the history holds.
    const fs::path page = work_dir() / "agreement-page";
    shell("pdftoppm -png -r 100 -f 1 -l 1 -singlefile " + file.string() + " " + page.string());
    const std::string png = page.string() + ".png";
    REQUIRE(fs::exists(png));
    fs::copy_file(png, work_dir().parent_path() / "agreement-page.png",
                  fs::copy_options::overwrite_existing);
    std::string qr = shell("zbarimg -q --raw " + png);
    while (!qr.empty() && (qr.back() == '\n' || qr.back() == '\r')) qr.pop_back();
    CHECK(qr == "OUTPOST-DOC|" + number + "|" + std::to_string(doc_id) + "|" +
                    text(row.at("data").at("content_sha256")));
    CHECK(qr == text(doc.at("verify_code")));

    // The public verify endpoint: no token, no personal data.
    HttpClient anyone = t.server.client("");
    std::string code = qr;
    for (std::size_t i = 0; i < code.size(); ++i) {
      if (code[i] == '|') code.replace(i, 1, "%7C");
    }
    auto valid = anyone.get("/api/v1/documents/verify?code=" + code);
    REQUIRE_MESSAGE(valid.status == 200, valid.body);
    CHECK(valid.json().at("valid") == true);
    CHECK(text(valid.json().at("case_number")) == number);
    CHECK(valid.json().at("kind") == "agreement");
    CHECK(valid.json().at("date").as_string().size() > 0);
    for (const char* pii : {"张秀英", "李建国", "13800138000", "500109"}) {
      CHECK(valid.body.find(pii) == std::string::npos);
    }
    std::string altered = code;
    altered.back() = altered.back() == '0' ? '1' : '0';
    auto invalid = anyone.get("/api/v1/documents/verify?code=" + altered);
    REQUIRE(invalid.status == 200);
    CHECK(invalid.json().at("valid") == false);
    CHECK(invalid.json().at("reason").as_string().size() > 0);

    // The CLI: the untouched file verifies against the signed checkpoint; one
    // changed byte does not.
    auto cp = outpost_cli(t, {"audit", "checkpoint"});
    REQUIRE_MESSAGE(cp.exit_code == 0, cp.output);
    auto ok = outpost_cli(t, {"audit", "verify-document", file.string()});
    CHECK_MESSAGE(ok.exit_code == 0, ok.output);
    CHECK(ok.output.find("document verified: its history entry is included in the signed") !=
          std::string::npos);
    std::string changed = pdf;
    changed[changed.size() / 2] = static_cast<char>(changed[changed.size() / 2] ^ 0x01);
    const fs::path bad = write_file("agreement-changed.pdf", changed);
    auto refused = outpost_cli(t, {"audit", "verify-document", bad.string()});
    CHECK_MESSAGE(refused.exit_code == 1, refused.output);
    CHECK(refused.output.find("文书校验失败 / document verification FAILED") != std::string::npos);
    CHECK(refused.output.find("the file was changed") != std::string::npos);

    // The signed paper comes back as a scan linked to the document, and
    // confirms the agreement like any attachment.
    auto scan =
        desk.request("POST", case_path(id, "/documents/" + std::to_string(doc_id) + "/attachments"),
                     kPng, {{"Content-Type", "image/png"}, {"X-File-Name", "signed.png"}});
    REQUIRE_MESSAGE(scan.status == 201, scan.body);
    const std::int64_t scan_seq = scan.json().at("seq").as_int64();
    const auto scan_row = t.history(id).back();
    CHECK(scan_row.at("event") == "attach_signed_document");
    CHECK(scan_row.at("data").at("document").as_int64() == doc_id);
    CHECK(scan_row.at("data").at("document_sha256") == doc.at("sha256"));
    auto listed = desk.get(case_path(id, "/documents"));
    REQUIRE(listed.status == 200);
    bool linked = false;
    const json::value listed_body = listed.json();
    for (const auto& d : listed_body.at("items").as_array()) {
      if (d.at("id").as_int64() == doc_id) linked = d.at("signed_scan_seq") == scan_seq;
      CHECK(listed.body.find("张秀英") == std::string::npos);
    }
    CHECK(linked);
    for (std::int64_t party : {1, 2}) {
      t.step(id, "confirm_agreement",
             {{"party", party}, {"form", "thumbprint"}, {"attachment_seq", scan_seq}});
    }

    // On to the follow-up visit, its record, and the end.
    t.step(id, "confirm_performance");
    CHECK(generate(desk, id, "follow_up").status == 409);
    t.step(id, "record_follow_up", {{"satisfaction", "satisfied"}, {"note", "回访满意"}});
    const json::object visit = generated(desk, id, "follow_up");
    const std::string visit_words = shell(
        "pdftotext " +
        write_file("follow-up.pdf", download(desk, id, visit.at("id").as_int64())).string() + " -");
    CHECK(visit_words.find("人民调解回访记录") != std::string::npos);
    CHECK(visit_words.find("回访满意") != std::string::npos);
    t.step(id, "close");

    // Generations and downloads are in the access log.
    CHECK(access_rows(t, id, "document") == 6);  // 4 generated, 2 downloaded
    // De-identification removes the files; their hashes stay in the chain.
    auto run = run_outpost({"retention", "run", "--days", "0", "--database", t.db.url()},
                           {{"OUTPOST_PII_KEY", kTestPiiKey}});
    REQUIRE_MESSAGE(run.exit_code == 0, run.output);
    auto gone = desk.get(case_path(id, "/documents/" + std::to_string(doc_id) + "?purpose=x"));
    CHECK(gone.status == 404);
    CHECK(gone.body.find("de-identification") != std::string::npos);
    CHECK(t.db.query_int("SELECT count(*) FROM documents WHERE content <> '' AND case_id = " +
                         std::to_string(id)) == 0);
    const json::array after = t.history(id);
    CHECK(first_broken_link(id, after) == 0);
    CHECK(after.back().at("event") == "deidentified");
    bool hash_kept = false;
    for (const auto& e : after) {
      if (e.at("seq").as_int64() == doc_id)
        hash_kept = e.at("data").at("sha256") == doc.at("sha256");
    }
    CHECK(hash_kept);
    auto still = outpost_cli(t, {"audit", "verify-document", file.string()});
    CHECK_MESSAGE(still.exit_code == 0, still.output);
  }

  TEST_CASE("a request's 工单 and 督办单 once it is dispatched") {
    TestServer t;
    HttpClient desk = t.client_as("desk-req", "desk");
    const auto id = t.create_case(request_body());
    CHECK(generate(desk, id, "work_order").status == 409);
    CHECK(generate(desk, id, "agreement").status == 409);  // a dispute's form
    t.step(id, "dispatch");
    for (const char* kind : {"work_order", "supervision"}) {
      const json::object doc = generated(desk, id, kind);
      const std::string words =
          shell("pdftotext " +
                write_file(std::string(kind) + ".pdf", download(desk, id, doc.at("id").as_int64()))
                    .string() +
                " -");
      CHECK(words.find(kind == "work_order"s ? "居民诉求工单" : "督办单") != std::string::npos);
      CHECK(words.find("楼道灯坏了一个月没人修") != std::string::npos);
      CHECK(words.find("王桂兰") != std::string::npos);
      CHECK(words.find("诉求人") != std::string::npos);
      CHECK(words.find("人民调解委员会") == std::string::npos);  // the sub-district's paper
    }
  }

  TEST_CASE(
      "without the reveal right no document is generated or downloaded, and the attempt is "
      "logged") {
    TestServer t;
    HttpClient desk = t.client_as("desk-ok", "desk");
    HttpClient dispatcher = t.client_as("dispatcher-no", "dispatcher");
    const auto id = t.create_case();
    const json::object doc = generated(desk, id, "application");
    const std::string before = t.snapshot(id);

    auto r = generate(dispatcher, id, "application");
    CHECK(r.status == 403);
    CHECK(r.header("content-type") == "application/problem+json");
    auto d = dispatcher.get(
        case_path(id, "/documents/" + std::to_string(doc.at("id").as_int64()) + "?purpose=x"));
    CHECK(d.status == 403);
    CHECK(d.header("content-type") == "application/problem+json");
    CHECK(t.snapshot(id) == before);
    CHECK(document_count(t, id) == 1);
    CHECK(access_rows(t, id, "document_refused") == 2);
    CHECK(t.db.query_int("SELECT count(*) FROM access_log WHERE username = 'dispatcher-no'") == 2);

    download(desk, id, doc.at("id").as_int64());
    CHECK(t.db.query_int("SELECT count(*) FROM access_log WHERE username = 'desk-ok' AND fields = "
                         "'[\"document\"]'") == 2);  // the generation and the download
  }

  TEST_CASE("bad document requests answer problem+json and store nothing") {
    TestServer t;
    HttpClient desk = t.client_as("desk-bad", "desk");
    const auto id = t.create_case();
    const std::string before = t.snapshot(id);
    const auto field_of = [](const Response& r) {
      return text(r.json().at("errors").as_array().at(0).at("field"));
    };
    auto unknown = generate(desk, id, "certificate");
    CHECK(unknown.status == 422);
    CHECK(field_of(unknown) == "kind");
    auto no_purpose = generate(desk, id, "application", "  ");
    CHECK(no_purpose.status == 422);
    CHECK(field_of(no_purpose) == "purpose");
    auto extra = desk.post_json(case_path(id, "/documents"),
                                {{"kind", "application"}, {"purpose", "x"}, {"copies", 3}});
    CHECK(extra.status == 422);
    CHECK(field_of(extra) == "copies");
    CHECK(desk.request("POST", case_path(id, "/documents"), "kind=application",
                       {{"Content-Type", "text/plain"}})
              .status == 415);
    CHECK(generate(desk, 999999, "application").status == 404);
    CHECK(desk.get(case_path(id, "/documents/77?purpose=x")).status == 404);
    auto scan = desk.request("POST", case_path(id, "/documents/77/attachments"), kPng,
                             {{"Content-Type", "image/png"}, {"X-File-Name", "x.png"}});
    CHECK(scan.status == 404);
    auto malformed = desk.get("/api/v1/documents/verify?code=not-a-code");
    CHECK(malformed.status == 422);
    CHECK(malformed.header("content-type") == "application/problem+json");
    CHECK(desk.get("/api/v1/documents/verify").status == 422);
    CHECK(t.snapshot(id) == before);
    CHECK(document_count(t, id) == 0);
    CHECK(access_rows(t, id, "document") == 0);
  }
}
