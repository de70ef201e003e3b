// Case and history exports over HTTP (adapters/http/case_export.hpp,
// docs/EXPORTS.md): 10,000 cases as CSV read back with Python's csv module
// and as JSON lines; the history export; personal data masked unless a
// revealing role gives a purpose (then logged); who may export; bad queries.
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/http/fixtures.hpp"
#include "tests/http/python_check.hpp"

using namespace outpost::testing;

namespace {

namespace fs = std::filesystem;

// The zh-CN header of the case CSV, as docs/EXPORTS.md lists it.
const std::vector<std::string> kCaseHeader{
    "案件ID",   "案件编号", "类型",     "类型名称", "状态",         "状态名称",
    "类别",     "类别名称", "标题",     "描述",     "渠道",         "社区",
    "社区名称", "网格",     "网格名称", "微网格",   "地址",         "当事人",
    "紧急程度", "风险等级", "保密",     "承办部门", "承办部门名称", "承办人",
    "退单次数", "办理时限", "是否超期", "受理时间", "更新时间",     "版本"};

const std::vector<std::string> kHistoryHeader{
    "案件ID", "案件编号",   "类型",   "序号",       "时间", "操作人", "事件",  "事件名称",
    "原状态", "原状态名称", "新状态", "新状态名称", "数据", "哈希",   "前哈希"};

// Titles a spreadsheet would run as formulas, and the tricky description.
const std::vector<std::string> kFormulaTitles{"=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1)",
                                              "\t制表符开头"};
const std::string kTrickyDescription =
    "他说：\"灯修好了\"，但是, 第二天又坏了\r\n第二行,\"引号\"\n第三行";

struct CsvFile {
  bool bom = false;
  std::string record_ends;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  std::size_t column(const std::string& name) const {
    auto it = std::find(header.begin(), header.end(), name);
    REQUIRE_MESSAGE(it != header.end(), "no column " << name);
    return static_cast<std::size_t>(it - header.begin());
  }
  // The row whose 案件ID is `id`.
  const std::vector<std::string>& row_of(std::int64_t id) const {
    const std::size_t c = column("案件ID");
    for (const auto& r : rows) {
      if (r.at(c) == std::to_string(id)) return r;
    }
    FAIL("no row for case " << id);
    return rows.front();
  }
};

// Reads `body` with tests/http/export_csv_check.py (Python's csv module).
CsvFile read_csv(const std::string& body) {
  const json::value v = python_check("export_csv_check.py", body, ".csv");
  CsvFile csv;
  csv.bom = v.at("bom").as_bool();
  csv.record_ends = text(v.at("record_ends"));
  for (const auto& h : v.at("header").as_array()) csv.header.push_back(text(h));
  for (const auto& r : v.at("rows").as_array()) {
    auto& row = csv.rows.emplace_back();
    for (const auto& cell : r.as_array()) row.push_back(text(cell));
  }
  return csv;
}

std::vector<json::object> read_lines(const std::string& body) {
  std::vector<json::object> lines;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line).as_object());
  return lines;
}

std::map<std::int64_t, json::object> by_id(const std::vector<json::object>& lines,
                                           const char* key = "id") {
  std::map<std::int64_t, json::object> out;
  for (const auto& l : lines) out.emplace(l.at(key).as_int64(), l);
  return out;
}

// "2026-12-06 13:58:57" for an RFC 3339 UTC time, computed here independently.
std::string shanghai_text(const std::string& rfc3339) {
  const std::time_t t = static_cast<std::time_t>(epoch_millis(rfc3339) / 1000) + 8 * 3600;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// The "name" of the item of `list` whose "code" is `code`.
std::string label_in(const json::value& list, const std::string& code) {
  for (const auto& item : list.as_array()) {
    if (text(item.at("code")) == code) return text(item.at("name"));
  }
  FAIL("no " << code);
  return {};
}

std::string state_label(TestServer& t, const std::string& kind, const std::string& state) {
  auto wf = t.client.get("/api/v1/workflows/" + kind);
  REQUIRE(wf.status == 200);
  const json::value graph = wf.json();
  for (const auto& s : graph.at("states").as_array()) {
    if (text(s.at("name")) == state) return text(s.at("label"));
  }
  FAIL("no state " << state);
  return {};
}

std::int64_t access_rows(const TestDatabase& db) {
  return db.query_int("SELECT count(*) FROM access_log");
}

}  // namespace

TEST_SUITE("http_exports") {
  TEST_CASE("10,000 cases as CSV read back by Python's csv module, and as JSON lines") {
    TestServer t;
    const auto started = std::chrono::steady_clock::now();
    seed_cases(t.db, 1, 9990, 80);
    std::vector<std::int64_t> formula_ids;
    for (const std::string& title : kFormulaTitles) {
      json::object body = dispute_body();
      body["title"] = title;
      formula_ids.push_back(t.create_case(body));
    }
    json::object tricky_body = request_body();
    tricky_body["description"] = kTrickyDescription;
    tricky_body["location"].as_object()["address"] = "-5号楼";  // a person's text, neutralised
    const auto tricky = t.create_case(tricky_body);
    for (int i = 0; i < 4; ++i) t.create_case();
    REQUIRE(t.db.query_int("SELECT count(*) FROM cases") == 10000);
    MESSAGE("10,000 cases in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
            << " s");

    auto r = t.client.get("/api/v1/exports/cases?format=csv");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.header("content-type") == "text/csv; charset=utf-8; header=present");
    const std::string today = shanghai_text(
        outpost::format_rfc3339(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count()));
    CHECK(r.header("content-disposition") ==
          "attachment; filename=\"cases-" + today.substr(0, 10) + ".csv\"");
    CHECK(r.body.find("13800138000") == std::string::npos);  // masked by default
    const CsvFile csv = read_csv(r.body);
    CHECK(csv.bom);
    CHECK(csv.record_ends == "crlf");
    CHECK(csv.header == kCaseHeader);
    REQUIRE(csv.rows.size() == 10000);
    for (const auto& row : csv.rows) REQUIRE(row.size() == kCaseHeader.size());

    // Formula neutralisation: a leading apostrophe on the person's text only.
    for (std::size_t i = 0; i < formula_ids.size(); ++i) {
      const auto& row = csv.row_of(formula_ids[i]);
      CHECK(row[csv.column("标题")] == "'" + kFormulaTitles[i]);
      CHECK(row[csv.column("案件ID")] == std::to_string(formula_ids[i]));
    }
    const auto& tricky_row = csv.row_of(tricky);
    CHECK(tricky_row[csv.column("描述")] == kTrickyDescription);
    CHECK(tricky_row[csv.column("地址")] == "'-5号楼");

    // Codes and labels as the API and the configuration name them.
    const json::value api_case = t.get_case(tricky);
    const json::value catalogue = t.client.get("/api/v1/catalogue").json();
    const json::value places = t.client.get("/api/v1/jurisdiction").json();
    CHECK(tricky_row[csv.column("案件编号")] == text(api_case.at("number")));
    CHECK(tricky_row[csv.column("类型")] == "request");
    CHECK(tricky_row[csv.column("类型名称")] == "居民诉求");
    CHECK(tricky_row[csv.column("状态")] == text(api_case.at("state")));
    CHECK(tricky_row[csv.column("状态名称")] == state_label(t, "request", "submitted"));
    CHECK(tricky_row[csv.column("类别")] == "facility_repair");
    CHECK(tricky_row[csv.column("类别名称")] ==
          label_in(catalogue.at("categories").at("request"), "facility_repair"));
    CHECK(tricky_row[csv.column("社区名称")] == label_in(places.at("communities"), "LF"));
    CHECK(tricky_row[csv.column("网格名称")] ==
          label_in(places.at("communities").at(0).at("grids"), "LF-G01"));
    CHECK(tricky_row[csv.column("受理时间")] == shanghai_text(text(api_case.at("created_at"))));
    CHECK(tricky_row[csv.column("当事人")] == "申请人 王** 137****7000");
    CHECK(tricky_row[csv.column("保密")] == "否");
    const auto& seeded = csv.row_of(1);
    CHECK(seeded[csv.column("案件编号")] == "ST-1");
    CHECK(seeded[csv.column("受理时间")] == "2026-01-01 08:00:00");  // 1767225600010 ms UTC

    // JSON lines: every line parses, the same cases and values, no BOM, no apostrophes.
    auto jl = t.client.get("/api/v1/exports/cases", {{"Accept", "application/x-ndjson"}});
    REQUIRE_MESSAGE(jl.status == 200, jl.body);
    CHECK(jl.header("content-type") == "application/x-ndjson; charset=utf-8");
    CHECK(jl.header("content-disposition") ==
          "attachment; filename=\"cases-" + today.substr(0, 10) + ".jsonl\"");
    CHECK(jl.body.rfind("{", 0) == 0);
    const auto lines = by_id(read_lines(jl.body));
    REQUIRE(lines.size() == 10000);
    for (std::size_t i = 0; i < formula_ids.size(); ++i) {
      CHECK(text(lines.at(formula_ids[i]).at("title")) == kFormulaTitles[i]);
    }
    const json::object& tl = lines.at(tricky);
    CHECK(text(tl.at("description")) == kTrickyDescription);
    for (std::size_t c = 0; c < kCaseHeader.size(); ++c) {
      CAPTURE(kCaseHeader[c]);
      const std::string key = std::string(tl.begin()[static_cast<std::ptrdiff_t>(c)].key());
      const json::value& v = tl.at(key);
      const bool local_time = key == "created_at" || key == "updated_at" || key == "deadline";
      if (v.is_string() && key != "address" && !local_time) CHECK(text(v) == tricky_row[c]);
    }
    CHECK(text(tl.at("created_at")) ==
          shanghai_text(text(api_case.at("created_at"))).replace(10, 1, "T") + "+08:00");
    CHECK(text(tl.at("parties").at(0).at("phone")) == "137****7000");
    CHECK(tl.at("confidential") == false);

    // The same filters as the list, and max_rows.
    auto lf = t.client.get("/api/v1/exports/cases?format=jsonl&community=LY&kind=dispute");
    REQUIRE(lf.status == 200);
    const auto ly_lines = read_lines(lf.body);
    CHECK(ly_lines.size() == 4995);  // the odd seeded numbers
    CHECK(static_cast<std::int64_t>(ly_lines.size()) ==
          t.db.query_int("SELECT count(*) FROM cases WHERE community = 'LY' AND kind = 'dispute'"));
    for (const auto& l : ly_lines) REQUIRE(text(l.at("community")) == "LY");
    auto capped = t.client.get("/api/v1/exports/cases?format=csv&max_rows=7&page_size=3");
    REQUIRE(capped.status == 200);
    CHECK(read_csv(capped.body).rows.size() == 7);
  }

  TEST_CASE("the history export holds the entries of the matching cases, or of a period") {
    TestServer t;
    const auto a = mediating_case(t);              // 4 entries
    const auto b = t.create_case(request_body());  // 1 entry
    t.step(b, "dispatch", {{"department", "urban"}});
    const auto c = t.create_case();  // 1 entry, a dispute
    std::size_t all_entries = 0;
    for (auto id : {a, b, c}) all_entries += t.history(id).size();

    auto r = t.client.get("/api/v1/exports/history?format=csv");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.header("content-disposition").find("filename=\"history-") != std::string::npos);
    const CsvFile csv = read_csv(r.body);
    CHECK(csv.bom);
    CHECK(csv.record_ends == "crlf");
    CHECK(csv.header == kHistoryHeader);
    REQUIRE(csv.rows.size() == all_entries);
    const json::array history_a = t.history(a);
    const auto& first = csv.rows.at(0);  // case a, seq 1: oldest case first, then by seq
    CHECK(first[csv.column("案件ID")] == std::to_string(a));
    CHECK(first[csv.column("序号")] == "1");
    CHECK(first[csv.column("事件")] == text(history_a.at(0).at("event")));
    CHECK(first[csv.column("哈希")] == text(history_a.at(0).at("hash")));
    CHECK(first[csv.column("时间")] == shanghai_text(text(history_a.at(0).at("at"))));
    const auto& assign = csv.rows.at(2);
    CHECK(assign[csv.column("事件")] == "assign");
    CHECK(assign[csv.column("原状态名称")] == state_label(t, "dispute", "accepted"));
    CHECK(assign[csv.column("新状态名称")] == state_label(t, "dispute", "assigned"));
    CHECK(json::parse(assign[csv.column("数据")]).at("department") == "police");

    auto jl = t.client.get("/api/v1/exports/history?format=jsonl&kind=request");
    REQUIRE(jl.status == 200);
    const auto lines = read_lines(jl.body);
    REQUIRE(lines.size() == 2);
    CHECK(lines.at(1).at("case_id").as_int64() == b);
    CHECK(text(lines.at(1).at("event")) == "dispatch");
    CHECK(lines.at(1).at("data").at("department") == "urban");

    // A period on `at`: from the dispatch of b on, only it and what follows.
    const std::string dispatched_at = text(t.history(b).at(1).at("at"));
    auto period = t.client.get("/api/v1/exports/history?format=jsonl&from=" + dispatched_at);
    REQUIRE(period.status == 200);
    const auto in_period = read_lines(period.body);
    REQUIRE(in_period.size() == 2);  // b's dispatch, c's creation
    CHECK(text(in_period.at(0).at("event")) == "dispatch");
    CHECK(in_period.at(1).at("case_id").as_int64() == c);
    auto before = t.client.get("/api/v1/exports/history?format=jsonl&to=" + dispatched_at);
    CHECK(read_lines(before.body).size() == all_entries - 2);
    auto reversed =
        t.client.get("/api/v1/exports/history?from=" + dispatched_at + "&to=2020-01-01T00:00:00Z");
    CHECK(reversed.status == 422);
  }

  TEST_CASE("personal data: masked by default, clear with a purpose for a revealing role") {
    RevealingConfig config;
    TestServer t({{"OUTPOST_CONFIG_DIR", config.dir.string()}});
    const auto id = t.create_case();
    const auto other = t.create_case();
    HttpClient dispatcher = t.client_as("disp.he", "dispatcher");
    HttpClient auditor = t.client_as("audit.qian", "auditor");

    auto masked = dispatcher.get("/api/v1/exports/cases?format=jsonl");
    REQUIRE_MESSAGE(masked.status == 200, masked.body);
    CHECK(masked.body.find("13800138000") == std::string::npos);
    CHECK(masked.body.find("张秀英") == std::string::npos);
    CHECK(masked.body.find("500109198801012345") == std::string::npos);
    CHECK(masked.body.find("138****8000") != std::string::npos);
    CHECK(access_rows(t.db) == 0);

    // 审计抽查 percent-encoded, as a browser sends it.
    const std::string purpose = "%E5%AE%A1%E8%AE%A1%E6%8A%BD%E6%9F%A5";
    auto clear = dispatcher.get("/api/v1/exports/cases?format=csv&purpose=" + purpose);
    REQUIRE_MESSAGE(clear.status == 200, clear.body);
    const CsvFile csv = read_csv(clear.body);
    CHECK(csv.row_of(id)[csv.column("当事人")] ==
          "申请人 张秀英 13800138000 500109198801012345；被申请人 李建国 13900139000");
    // One access_log row per exported case, naming the user and the purpose.
    CHECK(access_rows(t.db) == 2);
    CHECK(t.db.query_int("SELECT count(*) FROM access_log WHERE username = 'disp.he' AND "
                         "purpose = '审计抽查' AND case_id IN (" +
                         std::to_string(id) + ", " + std::to_string(other) + ")") == 2);
    // The parties' fields: an export shows free text masked, so it reveals none.
    CHECK(t.db.query_int("SELECT count(*) FROM access_log WHERE fields LIKE '%phone%'"
                         " AND fields NOT LIKE '%free_text%'") == 2);

    // An auditor may export, never reveal: 403 with a purpose, and nothing logged.
    CHECK(auditor.get("/api/v1/exports/cases?format=csv").status == 200);
    auto refused = auditor.get("/api/v1/exports/cases?format=csv&purpose=" + purpose);
    CHECK(refused.status == 403);
    CHECK(refused.header("content-type") == "application/problem+json");
    CHECK(access_rows(t.db) == 2);
  }

  TEST_CASE("outpost export writes the bytes of the HTTP export, and refuses bad filters") {
    TestServer t;
    seed_cases(t.db, 1, 30, 50);
    json::object body = dispute_body();
    body["title"] = "=1+1";
    t.create_case(body);
    const Headers env{{"OUTPOST_PII_KEY", kTestPiiKey}};
    const fs::path out =
        fs::temp_directory_path() / ("outpost-cli-export-" + std::to_string(::getpid()));
    for (const std::string format : {"csv", "jsonl"}) {
      CAPTURE(format);
      const std::string query = "?format=" + format + "&community=LF";
      auto http = t.client.get("/api/v1/exports/history" + query);
      REQUIRE(http.status == 200);
      auto cli = run_outpost({"export", "history", "--database", t.db.url(), "--format", format,
                              "--out", out.string(), "community=LF"},
                             env);
      REQUIRE_MESSAGE(cli.exit_code == 0, cli.output);
      std::ifstream in(out, std::ios::binary);
      CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == http.body);
      http = t.client.get("/api/v1/exports/cases" + query);
      cli = run_outpost({"export", "cases", "--database", t.db.url(), "--format", format, "--out",
                         out.string(), "community=LF"},
                        env);
      REQUIRE_MESSAGE(cli.exit_code == 0, cli.output);
      std::ifstream cases_in(out, std::ios::binary);
      const std::string written(std::istreambuf_iterator<char>(cases_in), {});
      CHECK(written == http.body);
      CHECK(written.find(format == "csv" ? "'=1+1" : "\"=1+1\"") != std::string::npos);
    }
    fs::remove(out);
    auto bad = run_outpost({"export", "cases", "--database", t.db.url(), "overdue=maybe"}, env);
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find("overdue") != std::string::npos);
  }

  TEST_CASE("who may export, and bad queries answered like the list's before anything is sent") {
    TestServer t;
    t.create_case();
    HttpClient desk = t.client_as("desk.wu", "desk");
    HttpClient handler = t.client_as("urban.li", "handler", "urban");
    CHECK(desk.get("/api/v1/exports/cases").status == 403);
    CHECK(handler.get("/api/v1/exports/history").status == 403);
    CHECK(t.server.client("").get("/api/v1/exports/cases").status == 401);
    // The list's scope: a confidential case only for the roles that see it.
    json::object secret = dispute_body();
    secret["confidential"] = true;
    const auto hidden = t.create_case(secret);
    for (const auto& [role, sees] : {std::pair{"dispatcher", false}, std::pair{"supervisor", true},
                                     std::pair{"auditor", true}}) {
      CAPTURE(role);
      HttpClient c = t.client_as(std::string("u.") + role, role);
      auto r = c.get("/api/v1/exports/cases?format=jsonl");
      REQUIRE(r.status == 200);
      CHECK(by_id(read_lines(r.body)).count(hidden) == (sees ? 1u : 0u));
      auto h = c.get("/api/v1/exports/history?format=jsonl");
      REQUIRE(h.status == 200);
      CHECK(by_id(read_lines(h.body), "case_id").count(hidden) == (sees ? 1u : 0u));
    }
    for (const std::string query : {"?overdue=maybe", "?created_from=yesterday", "?format=xlsm",
                                    "?limit=10", "?cursor=3", "?max_rows=0", "?page_size=100000",
                                    "?purpose=", "?colour=red", "?from=2026-01-01T00:00:00Z"}) {
      CAPTURE(query);
      auto r = t.client.get("/api/v1/exports/cases" + query);
      CHECK(r.status == 422);
      CHECK(r.header("content-type") == "application/problem+json");
      REQUIRE(r.json().at("errors").as_array().size() == 1);
    }
    auto history = t.client.get("/api/v1/exports/history?to=soon&state=x");
    CHECK(history.status == 422);
    CHECK(history.json().at("errors").as_array().size() == 1);  // state=x is a valid filter
    CHECK(t.db.query_int("SELECT count(*) FROM access_log") == 0);
  }
}
