// POST /api/v1/imports (docs/IMPORT.md) against a real server on both
// backends: a 1,000-row ledger with 50 bad rows of 10 kinds, its dry run, its
// real run and a second run; a GB18030 twin; broken and oversized files.
#include <doctest/doctest.h>

#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/http/fixtures.hpp"

namespace outpost::testing {
namespace {

constexpr const char* kHeader =
    "编号,登记日期,当事人,联系电话,身份证号,对方当事人,对方联系电话,社区,网格,微网格,地址,"
    "纠纷类别,纠纷简要情况,调解结果,结案日期\n";
constexpr int kRows = 1000;

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto b = static_cast<unsigned char>(ch);
    if (std::isalnum(b) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
  return out;
}

std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string out = "\"";
  for (const char ch : v) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

struct Ledger {
  std::string csv;
  // The bad rows (as a spreadsheet counts them) and the rule each breaks.
  std::map<std::int64_t, std::string> bad;
  std::vector<std::string> good_numbers;
};

std::string number_of(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2021-调-%04d", i);
  return buf;
}

// Row i (0-based) of the ledger; every 20th row breaks one of ten rules.
Ledger make_ledger() {
  static const std::array<std::string, 4> categories{"neighbour", "邻里纠纷", "婚姻家庭纠纷",
                                                     "tenancy"};
  Ledger l;
  l.csv = kHeader;
  for (int i = 0; i < kRows; ++i) {
    const int month = 1 + i % 12, day = 1 + i % 28;
    char registered[16], closed[16], phone[16], id[24];
    std::snprintf(registered, sizeof registered, "2021-%02d-%02d", month, day);
    std::snprintf(closed, sizeof closed, "2021/%d/%d", month, std::min(day + 1, 28));
    std::snprintf(phone, sizeof phone, "138%08d", i);
    std::snprintf(id, sizeof id, "50010919880101%04d", i);
    std::vector<std::string> row{
        number_of(i),
        registered,
        "张秀英" + std::to_string(i),
        phone,
        id,
        "李建国",
        "",
        "LF",
        "LF-G01",
        i % 2 ? "LF-G01-M1" : "",
        "西山坪家属区3栋",
        categories[i % categories.size()],
        "楼上漏水，\"维修费\"争议" + std::to_string(i) + (i % 7 == 0 ? "\n第二行说明" : ""),
        i % 3 ? "调解成功" : "调解不成",
        closed};
    const int kind = i % 20 == 19 ? (i / 20) % 10 : -1;
    static const std::array<std::string, 10> kCodes{
        "unknown_category",  "bad_date",      "missing_field",
        "duplicate_in_file", "unknown_grid",  "unknown_community",
        "bad_phone",         "bad_id_number", "closed_before_registered",
        "unknown_micro_grid"};
    switch (kind) {
      case 0:
        row[11] = "外星纠纷";
        break;
      case 1:
        row[1] = "2021-13-40";
        break;
      case 2:
        row[2] = "";
        break;
      case 3:
        row[0] = number_of(i - 1);
        break;
      case 4:
        row[8] = "LF-G99";
        break;
      case 5:
        row[7] = "XX";
        break;
      case 6:
        row[3] = "13a-x";
        break;
      case 7:
        row[4] = "1234";
        break;
      case 8:
        row[14] = "2020-01-01";
        break;
      case 9:
        row[9] = "LF-G01-M9";
        break;
      default:
        break;
    }
    if (kind >= 0) {
      l.bad[i + 2] = kCodes[static_cast<std::size_t>(kind)];
    } else {
      l.good_numbers.push_back(row[0]);
    }
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) line += (c ? "," : "") + csv_field(row[c]);
    l.csv += line + "\n";
  }
  return l;
}

std::string imports_target(const std::string& ledger, bool dry_run, const std::string& extra = "") {
  return "/api/v1/imports?ledger=" + percent_encode(ledger) +
         "&dry_run=" + (dry_run ? "true" : "false") + extra;
}

// The converted bytes of `text` (iconv(1) from UTF-8 to `charset`).
std::string convert(const std::string& text, const std::string& charset) {
  const std::string in = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                         "/outpost-import-" + std::to_string(::getpid()) + ".csv";
  std::ofstream(in, std::ios::binary) << text;
  const std::string cmd = "iconv -f UTF-8 -t " + charset + " " + in;
  std::FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  REQUIRE(::pclose(pipe) == 0);
  std::remove(in.c_str());
  return out;
}

// What a bad request must leave alone.
std::string stored_counts(const TestDatabase& db) {
  std::string out;
  for (const char* table :
       {"cases", "history", "ledger_imports", "timers", "outbox", "case_phones", "counters"}) {
    out += std::string(table) + "=" +
           std::to_string(db.query_int(std::string("SELECT count(*) FROM ") + table)) + " ";
  }
  return out;
}

// The problems of a report: row -> codes.
std::map<std::int64_t, std::set<std::string>> problems_by_row(const json::value& report) {
  std::map<std::int64_t, std::set<std::string>> rows;
  for (const auto& p : report.at("problems").as_array()) {
    CHECK(!text(p.at("reason")).empty());
    CHECK(!text(p.at("column")).empty());
    rows[p.at("row").as_int64()].insert(text(p.at("code")));
  }
  return rows;
}

Response post_csv(HttpClient& client, const std::string& target, const std::string& body) {
  return client.request("POST", target, body, {{"Content-Type", "text/csv"}});
}

std::int64_t case_of(const TestDatabase& db, const std::string& ledger, const std::string& number) {
  return db.query_int("SELECT case_id FROM ledger_imports WHERE ledger = '" + ledger +
                      "' AND number = '" + number + "'");
}

}  // namespace

TEST_SUITE("http_imports") {
  TEST_CASE("a dry run names every bad row with its column and a reason, and stores nothing") {
    TestServer t;
    const Ledger l = make_ledger();
    REQUIRE(l.bad.size() == 50);
    const std::string before = stored_counts(t.db);
    auto r = post_csv(t.client, imports_target("2021年台账", true), l.csv);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const json::value report = r.json();
    CHECK(report.at("rows").as_int64() == kRows);
    CHECK(report.at("accepted").as_int64() == 950);
    CHECK(report.at("imported").as_int64() == 0);
    CHECK(report.at("file_sha256").as_string() == outpost::sha256_hex(l.csv));
    const auto rows = problems_by_row(report);
    std::set<std::int64_t> named;
    for (const auto& [row, codes] : rows) named.insert(row);
    std::set<std::int64_t> expected;
    for (const auto& [row, code] : l.bad) {
      expected.insert(row);
      INFO("row ", row);
      CHECK(rows.contains(row));
      if (rows.contains(row)) CHECK(rows.at(row).contains(code));
    }
    CHECK(named == expected);
    std::set<std::string> kinds;
    for (const auto& [row, code] : l.bad) kinds.insert(code);
    CHECK(kinds.size() == 10);
    // The column a clerk looks for, in the ledger's own words.
    for (const auto& p : report.at("problems").as_array()) {
      if (text(p.at("code")) == "bad_date") CHECK(text(p.at("column")) == "登记日期");
      if (text(p.at("code")) == "unknown_grid") CHECK(text(p.at("column")) == "网格");
    }
    CHECK(stored_counts(t.db) == before);
  }

  TEST_CASE("a real run imports the good rows as closed historic cases, once") {
    TestServer t;
    const Ledger l = make_ledger();
    auto first = post_csv(t.client, imports_target("2021年台账", false), l.csv);
    REQUIRE_MESSAGE(first.status == 200, first.body);
    CHECK(first.json().at("imported").as_int64() == 950);
    CHECK(first.json().at("rejected").as_int64() >= 50);
    CHECK(t.db.query_int("SELECT count(*) FROM cases") == 950);
    CHECK(t.db.query_int("SELECT count(*) FROM cases WHERE state = 'closed'") == 950);
    CHECK(t.db.query_int("SELECT count(*) FROM history") == 950);
    CHECK(t.db.query_int("SELECT count(*) FROM timers") == 0);
    CHECK(t.db.query_int("SELECT count(*) FROM outbox") == 0);

    const std::string number = l.good_numbers.at(3);
    const std::int64_t id = case_of(t.db, "2021年台账", number);
    REQUIRE(id > 0);
    const json::value c = t.get_case(id);
    CHECK(text(c.at("state")) == "closed");
    CHECK(text(c.at("source")) == "import");
    CHECK(text(c.at("import").at("number")) == number);
    CHECK(text(c.at("import").at("ledger")) == "2021年台账");
    CHECK(c.at("deadline").is_null());
    CHECK(text(c.at("created_at")).starts_with("2021-"));
    // Personal numbers masked in the answer and sealed at rest.
    const std::string phone = text(c.at("parties").at(0).at("phone"));
    CHECK(phone.find("****") != std::string::npos);
    CHECK(
        t.db.query_text("SELECT parties FROM cases WHERE id = " + std::to_string(id)).find("138") ==
        std::string::npos);
    // The history starts with the import, on the hash chain, naming the file.
    const json::array history = t.history(id);
    REQUIRE(history.size() == 1);
    CHECK(text(history[0].at("event")) == "import");
    CHECK(text(history[0].at("data").at("file_sha256")) == outpost::sha256_hex(l.csv));
    CHECK(text(history[0].at("data").at("number")) == number);
    CHECK(first_broken_link(id, history) == 0);
    // Historic cases take no events.
    CHECK(c.at("allowed_events").as_array().empty());
    CHECK(t.event(id, "reopen", {{"reason", "重新调解"}}).status == 409);

    // They appear in lists and exports as closed cases.
    auto list = t.client.get("/api/v1/cases?state=closed&kind=dispute&limit=500");
    CHECK(ids_of(list).size() == 500);
    auto exported = t.client.get("/api/v1/exports/cases?format=csv&state=closed");
    REQUIRE(exported.status == 200);
    CHECK(exported.body.find(text(c.at("number"))) != std::string::npos);

    // And in the reports of their year, by their registration dates.
    auto kpis = t.client.get("/api/v1/reports/kpis?from=2021-01-01&to=2021-12-31");
    REQUIRE_MESSAGE(kpis.status == 200, kpis.body);
    CHECK_MESSAGE(
        kpis.json().at("groups").at(0).at("figures").at("received").at("numerator").as_int64() ==
            950,
        kpis.body.substr(0, 2000));
    CHECK(kpis.json().at("groups").at(0).at("figures").at("closed").at("numerator").as_int64() ==
          950);

    const std::string before = stored_counts(t.db);
    auto again = post_csv(t.client, imports_target("2021年台账", false), l.csv);
    REQUIRE_MESSAGE(again.status == 200, again.body);
    CHECK(again.json().at("imported").as_int64() == 0);
    CHECK(again.json().at("accepted").as_int64() == 0);
    std::int64_t already = 0;
    const json::value second = again.json();
    for (const auto& p : second.at("problems").as_array()) {
      already += text(p.at("code")) == "already_imported";
    }
    CHECK(already == 950);
    CHECK(stored_counts(t.db) == before);
  }

  TEST_CASE("a GB18030 ledger imports the same as its UTF-8 twin") {
    TestServer t;
    const Ledger l = make_ledger();
    const std::string gb = convert(l.csv, "GB18030");
    REQUIRE(gb != l.csv);
    auto utf8 = post_csv(t.client, imports_target("utf8", false), l.csv);
    auto detected = post_csv(t.client, imports_target("gb-auto", false), gb);
    auto named = post_csv(t.client, imports_target("gb-named", true, "&charset=gb18030"), gb);
    auto bom =
        post_csv(t.client, imports_target("bom", true, "&charset=utf-8"), "\xEF\xBB\xBF" + l.csv);
    REQUIRE_MESSAGE(utf8.status == 200, utf8.body);
    REQUIRE_MESSAGE(detected.status == 200, detected.body);
    REQUIRE_MESSAGE(named.status == 200, named.body);
    REQUIRE_MESSAGE(bom.status == 200, bom.body);
    CHECK(detected.json().at("imported").as_int64() == 950);
    CHECK(problems_by_row(detected.json()) == problems_by_row(utf8.json()));
    CHECK(problems_by_row(named.json()) == problems_by_row(utf8.json()));
    CHECK(problems_by_row(bom.json()) == problems_by_row(utf8.json()));
    for (int k : {0, 7, 500}) {
      const std::string number = l.good_numbers.at(static_cast<std::size_t>(k));
      json::value a = t.get_case(case_of(t.db, "utf8", number));
      json::value b = t.get_case(case_of(t.db, "gb-auto", number));
      for (const char* key : {"title", "description", "category", "location", "parties"}) {
        CHECK(json::serialize(a.at(key)) == json::serialize(b.at(key)));
      }
    }
  }

  TEST_CASE("JSON lines with a mapping of the ledger's own columns") {
    TestServer t;
    const std::string jsonl =
        R"({"序号":"A-1","受理日期":"2022年3月5日","申请人":"王桂兰","被申请人":"赵四","社区":"LF","网格":"LF-G01","类别":"neighbour","案情":"噪音扰民","结果":"调解成功","结案":"2022-03-20"})"
        "\n\n"
        R"({"序号":"A-2","受理日期":"2022-03-06","申请人":"","被申请人":"赵四","社区":"LF","网格":"LF-G01","类别":"neighbour","案情":"噪音","结案":"2022-03-20"})"
        "\n";
    const std::string mapping =
        R"({"序号":"number","受理日期":"registered_on","申请人":"applicant","被申请人":"respondent","社区":"community","网格":"grid","类别":"category","案情":"summary","结果":"result","结案":"closed_on"})";
    auto r = t.client.request("POST",
                              imports_target("jsonl", false, "&mapping=" + percent_encode(mapping)),
                              jsonl, {{"Content-Type", "application/x-ndjson"}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.json().at("imported").as_int64() == 1);
    const auto rows = problems_by_row(r.json());
    REQUIRE(rows.size() == 1);
    CHECK(rows.begin()->first == 3);  // the line of the second object
    CHECK(rows.begin()->second == std::set<std::string>{"missing_field"});
    CHECK(text(r.json().at("problems").at(0).at("column")) == "申请人");
  }

  TEST_CASE("bad input is a clear problem and stores nothing") {
    TestServer t(Headers{{"OUTPOST_IMPORT_LIMIT_BYTES", "65536"}});
    const Ledger l = make_ledger();
    const std::string before = stored_counts(t.db);
    const auto refused = [&](Response r, int status, const std::string& words) {
      INFO(r.body);
      CHECK(r.status == status);
      CHECK(r.header("content-type").find("application/problem+json") != std::string::npos);
      CHECK(r.body.find(words) != std::string::npos);
      CHECK(stored_counts(t.db) == before);
    };
    const std::string good = std::string(kHeader) +
                             "B-1,2021-01-02,张三,,,李四,,LF,LF-G01,,,neighbour,漏水,,2021-01-09\n";
    refused(
        post_csv(t.client, imports_target("bad", false),
                 good + "B-2,2021-01-02,\"张三,,,李四,,LF,LF-G01,,,neighbour,漏水,,2021-01-09\n"),
        400, "quot");
    refused(
        post_csv(t.client, imports_target("bad", false),
                 good + "B-3,2021-01-02,张\"三,,,李四,,LF,LF-G01,,,neighbour,漏水,,2021-01-09\n"),
        400, "line 3");
    refused(
        t.client.request(
            "POST", imports_target("bad", false),
            R"({"编号":"J-1","登记日期":"2021-01-02","当事人":"张三","对方当事人":"李四","社区":"LF","网格":"LF-G01","纠纷类别":"neighbour","纠纷简要情况":"漏水","结案日期":"2021-01-09"})"
            "\n{not json\n",
            {{"Content-Type", "application/x-ndjson"}}),
        400, "line 2");
    refused(post_csv(t.client, imports_target("bad", false, "&charset=utf-8"),
                     convert(good, "GB18030")),
            400, "UTF-8");
    refused(post_csv(t.client, imports_target("bad", false), l.csv), 413, "larger");
    refused(
        post_csv(t.client,
                 imports_target("bad", false,
                                "&mapping=" + percent_encode(R"({"编号":"number","x":"colour"})")),
                 good),
        422, "mapping.x");
    refused(post_csv(t.client, imports_target("bad", false, "&charset=latin1"), good), 422,
            "charset");
    refused(post_csv(t.client, "/api/v1/imports?dry_run=false", good), 422, "ledger");
    refused(post_csv(t.client, imports_target("bad", false), "编号,登记日期\nB-1,2021-01-02\n"),
            422, "respondent");
    refused(t.client.request("POST", imports_target("bad", false), good,
                             {{"Content-Type", "application/pdf"}}),
            415, "text/csv");
    HttpClient desk = t.client_as("desk-1", "desk");
    refused(post_csv(desk, imports_target("bad", false), good), 403, "import");
    // The same small file is fine for a supervisor.
    HttpClient supervisor = t.client_as("sup-1", "supervisor");
    auto ok = post_csv(supervisor, imports_target("good", false), good);
    REQUIRE_MESSAGE(ok.status == 200, ok.body);
    CHECK(ok.json().at("imported").as_int64() == 1);
  }
}

}  // namespace outpost::testing
