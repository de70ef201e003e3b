// The XLSX ledgers and the statistics table over HTTP (adapters/export/
// xlsx.hpp, engine/reports/statistics.hpp, docs/EXPORTS.md, docs/REPORTS.md)
// on a real server: the workbooks are read back with openpyxl
// (tests/http/xlsx_check.py) — sheet and header names, row counts equal to
// the JSON lines of the same query, cell types, formula-like text kept as
// text, the print set-up — and the statistics table's figures are recounted
// here from the stored rows and config/statistics.json.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tests/http/fixtures.hpp"
#include "tests/http/python_check.hpp"
#include "tests/support/shipped_config.hpp"

using namespace outpost::testing;

namespace {

namespace fs = std::filesystem;
using outpost::Millis;

constexpr Millis kHour = 3'600'000;

json::value read_xlsx(const std::string& body) {
  return python_check("xlsx_check.py", body, ".xlsx");
}

std::vector<std::string> strings(const json::value& list) {
  std::vector<std::string> out;
  for (const auto& v : list.as_array()) out.push_back(text(v));
  return out;
}

std::size_t column(const json::value& sheet, const std::string& header) {
  const auto h = strings(sheet.at("header"));
  const auto it = std::find(h.begin(), h.end(), header);
  REQUIRE_MESSAGE(it != h.end(), "no column " << header);
  return static_cast<std::size_t>(it - h.begin());
}

// The row of `sheet` whose 案件ID cell is `id`.
const json::array& row_of(const json::value& sheet, std::int64_t id) {
  const std::size_t c = column(sheet, "案件ID");
  for (const auto& r : sheet.at("rows").as_array()) {
    const json::value& v = r.as_array().at(c).at("v");
    if (v.is_number() && v.to_number<std::int64_t>() == id) return r.as_array();
  }
  FAIL("no row for case " << id);
  return sheet.at("rows").as_array().front().as_array();
}

// `outpost export <what> --format xlsx --out <out> kind=dispute` on the test
// server's database, read back.
json::value cli_export(TestServer& t, const std::string& what, const fs::path& out,
                       Headers env = {}) {
  env.emplace_back("OUTPOST_PII_KEY", kTestPiiKey);
  auto cli = run_outpost({"export", what, "--database", t.db.url(), "--format", "xlsx", "--out",
                          out.string(), "kind=dispute"},
                         env);
  REQUIRE_MESSAGE(cli.exit_code == 0, cli.output);
  std::ifstream in(out, std::ios::binary);
  const json::value book =
      read_xlsx(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  fs::remove(out);
  return book;
}

std::size_t lines_of(const std::string& body) {
  return static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n'));
}

// "2026-12-06T13:58:57" (openpyxl's view of a date cell) for an RFC 3339 time.
std::string shanghai_iso(const std::string& rfc3339) {
  const std::time_t t = static_cast<std::time_t>(epoch_millis(rfc3339) / 1000) + 8 * 3600;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

std::string shanghai_date(Millis at) {
  const std::time_t t = static_cast<std::time_t>(at / 1000) + 8 * 3600;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The print set-up every sheet has: A4 (9) landscape, fit to one page wide,
// the header row frozen and repeated on each printed page.
void check_layout(const json::value& sheet) {
  INFO("sheet ", text(sheet.at("name")));
  CHECK(text(sheet.at("freeze")) == "A2");
  CHECK(text(sheet.at("orientation")) == "landscape");
  CHECK(sheet.at("paper").to_number<int>() == 9);
  CHECK(sheet.at("fit_to_page") == true);
  CHECK(sheet.at("fit_width").to_number<int>() == 1);
  CHECK(sheet.at("fit_height").to_number<int>() == 0);
  CHECK(text(sheet.at("print_title_rows")) == "$1:$1");
  CHECK_FALSE(sheet.at("widths").as_object().empty());
}

const std::vector<std::string> kFormulaTitles{"=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1)",
                                              "\t制表符开头"};

}  // namespace

TEST_SUITE("http_xlsx") {
  TEST_CASE("the case exports as XLSX: sheets, headers, rows as the JSON lines, typed cells") {
    // The server's temporary files go to a folder of its own, checked below.
    const fs::path tmp =
        fs::temp_directory_path() / ("outpost-xlsx-tmp-" + std::to_string(::getpid()));
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    TestServer t({{"TMPDIR", tmp.string()}});
    std::vector<std::int64_t> formula_ids;
    for (const std::string& title : kFormulaTitles) {
      json::object body = dispute_body();
      body["title"] = title;
      formula_ids.push_back(t.create_case(body));
    }
    json::object named = dispute_body();
    named["parties"].as_array()[0].as_object()["name"] = "=HYPERLINK(\"http://x\")";
    named["description"] = "=1+1";
    const auto formula_party = t.create_case(named);
    const auto mediating = mediating_case(t);
    const auto request = t.create_case(request_body());
    t.step(request, "dispatch", {{"department", "urban"}});

    auto r = t.client.get("/api/v1/exports/cases?format=xlsx&kind=dispute");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.header("content-type") ==
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const std::string today = shanghai_date(now_ms());
    // 调解案件-<today>.xlsx, percent-encoded (RFC 5987), with an ASCII fallback.
    CHECK(r.header("content-disposition") ==
          "attachment; filename=\"cases-" + today +
              ".xlsx\"; filename*=UTF-8''%E8%B0%83%E8%A7%A3%E6%A1%88%E4%BB%B6-" + today + ".xlsx");
    CHECK(r.body.rfind("PK", 0) == 0);  // a ZIP package
    const json::value book = read_xlsx(r.body);
    REQUIRE(book.at("sheets").as_array().size() == 1);
    const json::value& ledger = book.at("sheets").at(0);
    CHECK(text(ledger.at("name")) == "调解案件");
    check_layout(ledger);

    // The same header as the CSV export, the same rows as the JSON lines.
    auto csv = t.client.get("/api/v1/exports/cases?format=csv&kind=dispute");
    REQUIRE(csv.status == 200);
    const std::string first_line = csv.body.substr(3, csv.body.find("\r\n") - 3);
    std::string joined;
    for (const auto& h : strings(ledger.at("header"))) joined += (joined.empty() ? "" : ",") + h;
    CHECK(joined == first_line);
    auto jl = t.client.get("/api/v1/exports/cases?format=jsonl&kind=dispute");
    REQUIRE(jl.status == 200);
    CHECK(ledger.at("rows").as_array().size() == lines_of(jl.body));
    CHECK(ledger.at("rows").as_array().size() ==
          static_cast<std::size_t>(
              t.db.query_int("SELECT count(*) FROM cases WHERE kind = 'dispute'")));

    // Numbers are numbers, times are dates, text is text.
    const json::value api_case = t.get_case(mediating);
    const json::array& row = row_of(ledger, mediating);
    CHECK(text(row.at(column(ledger, "案件ID")).at("t")) == "n");
    CHECK(text(row.at(column(ledger, "版本")).at("t")) == "n");
    CHECK(row.at(column(ledger, "版本")).at("v").to_number<std::int64_t>() ==
          api_case.at("version").as_int64());
    CHECK(text(row.at(column(ledger, "退单次数")).at("t")) == "n");
    const json::value& created = row.at(column(ledger, "受理时间"));
    CHECK(created.at("date") == true);
    CHECK(text(created.at("fmt")) == "yyyy-mm-dd hh:mm:ss");
    CHECK(text(created.at("v")) == shanghai_iso(text(api_case.at("created_at"))));
    CHECK(text(row.at(column(ledger, "案件编号")).at("v")) == text(api_case.at("number")));
    CHECK(text(row.at(column(ledger, "状态")).at("v")) == "mediating");
    CHECK(text(row.at(column(ledger, "当事人")).at("v")) ==
          "申请人 张** 138****8000 5001**********2345；被申请人 李** 139****9000");

    // Formula-like text stays a string cell, exactly as typed, in Text format.
    for (std::size_t i = 0; i < formula_ids.size(); ++i) {
      const json::value& title = row_of(ledger, formula_ids[i]).at(column(ledger, "标题"));
      CHECK(text(title.at("t")) == "s");
      CHECK(text(title.at("v")) == kFormulaTitles[i]);
      CHECK(text(title.at("fmt")) == "@");
    }
    const json::array& party_row = row_of(ledger, formula_party);
    CHECK(text(party_row.at(column(ledger, "描述")).at("t")) == "s");
    CHECK(text(party_row.at(column(ledger, "描述")).at("v")) == "=1+1");
    const json::value& parties = party_row.at(column(ledger, "当事人"));
    CHECK(text(parties.at("t")) == "s");
    CHECK(text(parties.at("v")).rfind("申请人 =", 0) == 0);
    for (const auto& rr : ledger.at("rows").as_array()) {
      for (const auto& c : rr.as_array()) REQUIRE(text(c.at("t")) != "f");
    }

    // `outpost export cases --format xlsx --out FILE` writes the same cells.
    const json::value cli_book = cli_export(t, "cases", tmp / "cli.xlsx");
    CHECK(cli_book.at("sheets").at(0).at("header") == ledger.at("header"));
    CHECK(cli_book.at("sheets").at(0).at("rows").as_array().size() ==
          ledger.at("rows").as_array().size());

    // The requests and the history.
    auto requests = t.client.get("/api/v1/exports/cases?format=xlsx&kind=request");
    REQUIRE(requests.status == 200);
    const json::value request_book = read_xlsx(requests.body);
    CHECK(text(request_book.at("sheets").at(0).at("name")) == "诉求案件");
    CHECK(request_book.at("sheets").at(0).at("rows").as_array().size() == 1);
    auto history = t.client.get("/api/v1/exports/history?format=xlsx");
    REQUIRE(history.status == 200);
    const json::value history_book = read_xlsx(history.body);
    const json::value& entries = history_book.at("sheets").at(0);
    CHECK(text(entries.at("name")) == "办理记录");
    check_layout(entries);
    auto history_lines = t.client.get("/api/v1/exports/history?format=jsonl");
    CHECK(entries.at("rows").as_array().size() == lines_of(history_lines.body));
    CHECK(entries.at("rows").as_array().size() ==
          static_cast<std::size_t>(t.db.query_int("SELECT count(*) FROM history")));
    CHECK(entries.at("rows").at(0).at(column(entries, "时间")).at("date") == true);

    // An empty ledger is a workbook with its header.
    auto none = t.client.get("/api/v1/exports/cases?format=xlsx&community=NOPE");
    REQUIRE_MESSAGE(none.status == 200, none.body);
    const json::value empty = read_xlsx(none.body);
    CHECK(text(empty.at("sheets").at(0).at("name")) == "案件");
    CHECK(empty.at("sheets").at(0).at("rows").as_array().empty());
    CHECK(empty.at("sheets").at(0).at("header").as_array().size() ==
          ledger.at("header").as_array().size());

    // No temporary workbook is left behind.
    CHECK(fs::is_empty(tmp));
    fs::remove_all(tmp);

    // Who may export: the same rule as CSV.
    HttpClient desk = t.client_as("desk.zhao", "desk");
    auto refused = desk.get("/api/v1/exports/cases?format=xlsx");
    CHECK(refused.status == 403);
    CHECK(refused.header("content-type") == "application/problem+json");
  }

  TEST_CASE(
      "the 人民调解台账 and 诉求台账 in the paper ledger's columns; a closed row imports again") {
    RevealingConfig config;  // a dispatcher may export and reveal
    TestServer t({{"OUTPOST_CONFIG_DIR", config.dir.string()}});
    const json::value catalogue = config_document("catalogue.json");
    // Mediated to an oral agreement of 1,200 yuan, performed, visited, closed.
    const auto done = mediating_case(t);
    consent_all(t, done);
    json::object deal = agreement("2099-12-31");
    deal["amount"] = 1200;
    t.step(done, "reach_agreement", deal);
    t.step(done, "confirm_performance");
    t.step(done, "record_follow_up",
           {{"satisfaction", "basically_satisfied"}, {"note", "基本满意"}});
    t.step(done, "close");
    const auto failed = mediating_case(t);
    t.step(failed, "fail_mediation", {{"reason", "分歧较大"}, {"route", "court"}});
    const auto fresh = t.create_case();
    const auto request = t.create_case(request_body());
    t.step(request, "dispatch", {{"department", "urban"}});

    auto r = t.client.get("/api/v1/exports/ledger?kind=dispute&format=xlsx");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const std::string today = shanghai_date(now_ms());
    CHECK(r.header("content-disposition") ==
          "attachment; filename=\"ledger-" + today +
              ".xlsx\"; filename*=UTF-8''%E4%BA%BA%E6%B0%91%E8%B0%83%E8%A7%A3%E5%8F%B0%E8%B4%A6-" +
              today + ".xlsx");
    const json::value book = read_xlsx(r.body);
    const json::value& ledger = book.at("sheets").at(0);
    CHECK(text(ledger.at("name")) == "人民调解台账");
    check_layout(ledger);
    const std::vector<std::string> header{
        "序号",       "编号",           "登记日期", "当事人",       "联系电话", "身份证号",
        "对方当事人", "对方联系电话",   "社区",     "网格",         "微网格",   "社区网格",
        "地址",       "纠纷类别",       "统计分类", "纠纷简要情况", "调解员",   "调解结果",
        "协议形式",   "协议金额（元）", "履行期限", "履行情况",     "司法确认", "回访情况",
        "办理状态",   "结案日期"};
    CHECK(strings(ledger.at("header")) == header);
    REQUIRE(ledger.at("rows").as_array().size() == 3);  // the disputes, not the request

    // The row of case `id`, found by its 编号.
    const auto row = [&](std::int64_t id) -> const json::array& {
      const std::string number = text(t.get_case(id).at("number"));
      for (const auto& rr : ledger.at("rows").as_array()) {
        if (text(rr.at(column(ledger, "编号")).at("v")) == number) return rr.as_array();
      }
      FAIL("no ledger row for " << number);
      return ledger.at("rows").as_array().front().as_array();
    };
    const auto cell = [&](std::int64_t id, const std::string& name) {
      return row(id).at(column(ledger, name));
    };
    const auto words = [&](std::int64_t id, const std::string& name) {
      const json::value c = cell(id, name);
      return c.at("v").is_null() ? std::string() : text(c.at("v"));
    };
    const json::value closed = t.get_case(done);
    CHECK(text(cell(done, "序号").at("t")) == "n");
    const json::value registered = cell(done, "登记日期");
    CHECK(registered.at("date") == true);
    CHECK(text(registered.at("fmt")) == "yyyy-mm-dd");
    CHECK(text(registered.at("v")) ==
          shanghai_date(epoch_millis(text(closed.at("created_at")))) + "T00:00:00");
    CHECK(words(done, "当事人") == "张**");  // masked: no purpose given
    CHECK(words(done, "联系电话") == "138****8000");
    CHECK(words(done, "对方当事人") == "李**");
    CHECK(words(done, "社区") == "LF");
    CHECK(words(done, "网格") == "LF-G01");
    // The grid by name (the most precise place the case has), not its code.
    const json::value places = config_document("jurisdiction.json");
    std::string grid_name;
    for (const auto& community : places.at("communities").as_array()) {
      for (const auto& g : community.at("grids").as_array()) {
        if (text(g.at("code")) == "LF-G01") grid_name = text(g.at("name"));
      }
    }
    CHECK_FALSE(grid_name.empty());
    CHECK(words(done, "社区网格") == grid_name);
    std::string neighbour;  // the catalogue's name of the case's category
    for (const auto& c : catalogue.at("categories").at("dispute").as_array()) {
      if (text(c.at("code")) == "neighbour") neighbour = text(c.at("name"));
    }
    CHECK_FALSE(neighbour.empty());
    CHECK(words(done, "纠纷类别") == neighbour);
    CHECK(words(done, "统计分类") == "邻里");
    CHECK(words(done, "调解员") == "孙强远");  // police-01, by the directory's name
    CHECK(words(done, "调解结果") == "调解成功");
    CHECK(words(done, "协议形式") == "口头");
    CHECK(text(cell(done, "协议金额（元）").at("t")) == "n");
    CHECK(cell(done, "协议金额（元）").at("v").to_number<std::int64_t>() == 1200);
    CHECK(words(done, "履行期限") == "2099-12-31");
    CHECK(words(done, "履行情况") == "已履行");
    CHECK(words(done, "回访情况") == "基本满意");
    CHECK(words(done, "办理状态") == text(closed.at("state_label")));
    CHECK(text(cell(done, "结案日期").at("v")) == today + "T00:00:00");
    CHECK(words(failed, "调解结果") == "调解不成");
    CHECK(words(failed, "协议形式").empty());
    CHECK(words(failed, "履行情况").empty());
    CHECK(words(failed, "结案日期").empty());
    CHECK(words(fresh, "调解结果").empty());
    CHECK(words(fresh, "调解员").empty());
    CHECK(words(fresh, "办理状态") == text(t.get_case(fresh).at("state_label")));

    // The same rows as CSV and JSON lines.
    auto jl = t.client.get("/api/v1/exports/ledger?kind=dispute&format=jsonl");
    REQUIRE(jl.status == 200);
    CHECK(lines_of(jl.body) == 3);
    CHECK(jl.body.find("\"closed_on\":\"" + today + "\"") != std::string::npos);

    // 诉求台账: the request's dispatch in words.
    auto requests = t.client.get("/api/v1/exports/ledger?kind=request&format=xlsx");
    REQUIRE(requests.status == 200);
    const json::value request_book = read_xlsx(requests.body);
    const json::value& sheet = request_book.at("sheets").at(0);
    CHECK(text(sheet.at("name")) == "诉求台账");
    REQUIRE(sheet.at("rows").as_array().size() == 1);
    const json::array& req_row = sheet.at("rows").at(0).as_array();
    const json::value api_request = t.get_case(request);
    std::string urban;  // the catalogue's name of the department dispatched to
    for (const auto& d : catalogue.at("departments").as_array()) {
      if (text(d.at("code")) == "urban") urban = text(d.at("name"));
    }
    CHECK_FALSE(urban.empty());
    CHECK(text(req_row.at(column(sheet, "承办部门")).at("v")) == urban);
    CHECK(req_row.at(column(sheet, "派单时间")).at("date") == true);
    CHECK(text(req_row.at(column(sheet, "来源渠道")).at("v")) != text(api_request.at("channel")));

    // A ledger is of one kind: without it, 422 naming `kind`, nothing written.
    for (const char* target :
         {"/api/v1/exports/ledger?format=xlsx", "/api/v1/exports/ledger?kind=other&format=csv"}) {
      auto bad = t.client.get(target);
      CHECK(bad.status == 422);
      CHECK(bad.header("content-type") == "application/problem+json");
      CHECK(bad.body.find("\"kind\"") != std::string::npos);
    }

    // The same refusal from `outpost export ledger`: exit 2, no file.
    const fs::path refused_file =
        fs::temp_directory_path() / ("outpost-ledger-bad-" + std::to_string(::getpid()) + ".xlsx");
    auto refused_cli = run_outpost({"export", "ledger", "--database", t.db.url(), "--format",
                                    "xlsx", "--out", refused_file.string(), "kind=other"},
                                   {{"OUTPOST_PII_KEY", kTestPiiKey}});
    CHECK(refused_cli.exit_code == 2);
    CHECK(refused_cli.output.find("kind") != std::string::npos);
    CHECK_FALSE(fs::exists(refused_file));

    // A closed case's row, exported with its parties in clear (a purpose, a
    // role that may reveal), imports with the documented default layout.
    HttpClient dispatcher = t.client_as("dispatcher.wu", "dispatcher");
    auto clear = dispatcher.get(
        "/api/v1/exports/ledger?kind=dispute&state=closed&format=csv&purpose=%E4%B8%8A%E6%8A%A5");
    REQUIRE_MESSAGE(clear.status == 200, clear.body);
    CHECK(clear.body.find("张秀英") != std::string::npos);
    const std::string before = std::to_string(t.db.query_int("SELECT count(*) FROM cases"));
    auto imported = t.client.request("POST", "/api/v1/imports?ledger=ledger-roundtrip&dry_run=true",
                                     clear.body, {{"Content-Type", "text/csv"}});
    REQUIRE_MESSAGE(imported.status == 200, imported.body);
    const json::value report = imported.json();
    CHECK(report.at("rows").as_int64() == 1);
    CHECK_MESSAGE(report.at("accepted").as_int64() == 1, imported.body);
    CHECK(report.at("problems").as_array().empty());
    CHECK(std::to_string(t.db.query_int("SELECT count(*) FROM cases")) == before);

    // `outpost export ledger` writes the same cells.
    const json::value cli_book = cli_export(
        t, "ledger",
        fs::temp_directory_path() / ("outpost-ledger-" + std::to_string(::getpid()) + ".xlsx"),
        {{"OUTPOST_CONFIG_DIR", config.dir.string()}});
    CHECK(cli_book.at("sheets").at(0).at("header") == ledger.at("header"));
    CHECK(cli_book.at("sheets").at(0).at("rows") == ledger.at("rows"));
  }
}
