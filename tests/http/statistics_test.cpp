// The statistics table over HTTP (GET /api/v1/reports/statistics,
// engine/reports/statistics.hpp) on a real server: disputes of several
// categories driven through the API, then every figure of every class
// recounted here from the stored `cases` and `history` rows and the classes
// of config/statistics.json; the same table as CSV and as XLSX (read back
// with openpyxl, tests/http/xlsx_check.py); bad queries.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "tests/http/fixtures.hpp"
#include "tests/http/python_check.hpp"

using namespace outpost::testing;

namespace {

namespace fs = std::filesystem;
using outpost::Millis;

std::string shanghai_date(Millis at) {
  const std::time_t t = static_cast<std::time_t>(at / 1000) + 8 * 3600;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string period_query() {
  const Millis now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  return "from=" + shanghai_date(now - 86'400'000) + "&to=" + shanghai_date(now + 86'400'000);
}

struct Class {
  std::string code, label;
  std::set<std::string> categories;
};

std::vector<Class> configured_classes() {
  std::ifstream in(OUTPOST_SOURCE_DIR "/config/statistics.json");
  const json::value doc = json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
  std::vector<Class> out;
  for (const auto& c : doc.at("classes").as_array()) {
    Class k{text(c.at("code")), text(c.at("label")), {}};
    for (const auto& cat : c.at("categories").as_array()) k.categories.insert(text(cat));
    out.push_back(std::move(k));
  }
  return out;
}

using Counts = std::map<std::string, std::int64_t>;
const std::vector<std::string> kCounts{
    "received_disputes", "mediated",         "mediation_succeeded",
    "parties_involved",  "amount_agreed",    "agreements_written",
    "agreements_oral",   "judicial_applied", "judicial_confirmed"};

// Every class's counts, recounted from the stored rows: class code → id → n;
// "" holds the total.
std::map<std::string, Counts> recount(TestServer& t, const std::vector<Class>& classes) {
  struct Entry {
    std::string event;
    json::object data;
  };
  std::map<std::int64_t, std::vector<Entry>> history;
  for (const auto& r : t.db.query_rows(
           "SELECT CAST(case_id AS text), event, data FROM history ORDER BY case_id, seq")) {
    history[std::stoll(*r[0])].push_back({*r[1], json::parse(*r[2]).as_object()});
  }
  std::map<std::string, Counts> out;
  for (const Class& c : classes) {
    for (const auto& id : kCounts) out[c.code][id] = 0;
  }
  for (const auto& id : kCounts) out[""][id] = 0;
  for (const auto& r :
       t.db.query_rows("SELECT CAST(id AS text), category FROM cases WHERE kind = 'dispute'")) {
    const std::vector<Entry>& h = history.at(std::stoll(*r[0]));
    std::string cls = classes.back().code;
    for (const Class& c : classes) {
      if (c.categories.contains(*r[1])) cls = c.code;
    }
    const auto has = [&](const char* event) {
      return std::any_of(h.begin(), h.end(), [&](const Entry& e) { return e.event == event; });
    };
    const auto last = [&](const char* event) -> const Entry* {
      for (auto it = h.rbegin(); it != h.rend(); ++it) {
        if (it->event == event) return &*it;
      }
      return nullptr;
    };
    Counts n;
    n["received_disputes"] = 1;
    n["mediated"] = has("start_mediation");
    n["mediation_succeeded"] = has("start_mediation") && has("reach_agreement");
    for (const auto& role : h.front().data.at("parties").as_object()) {
      n["parties_involved"] += role.value().as_int64();
    }
    if (const Entry* a = last("reach_agreement")) {
      n["agreements_written"] = text(a->data.at("form")) == "written";
      n["agreements_oral"] = text(a->data.at("form")) == "oral";
      if (const auto* amount = a->data.if_contains("amount"))
        n["amount_agreed"] = amount->as_int64();
    }
    n["judicial_applied"] = has("apply_judicial_confirmation");
    const Entry* ruling = last("record_judicial_confirmation");
    n["judicial_confirmed"] = ruling != nullptr && text(ruling->data.at("outcome")) == "confirmed";
    for (const auto& [id, v] : n) {
      out[cls][id] += v;
      out[""][id] += v;
    }
  }
  return out;
}

// The figures of one row of the JSON table against the recount.
void check_row(const json::value& row, const Counts& expected) {
  INFO("class ", text(row.at("label")));
  const json::object& f = row.at("figures").as_object();
  for (const auto& [id, n] : expected) {
    INFO("figure ", id);
    CHECK(f.at(id).at("numerator").to_number<std::int64_t>() == n);
    CHECK(f.at(id).at("value").to_number<double>() == doctest::Approx(static_cast<double>(n)));
  }
  const json::value& rate = f.at("mediation_success_rate");
  CHECK(rate.at("numerator").to_number<std::int64_t>() == expected.at("mediation_succeeded"));
  CHECK(rate.at("denominator").to_number<std::int64_t>() == expected.at("mediated"));
  if (expected.at("mediated") == 0) {
    CHECK(rate.at("value").is_null());
  } else {
    CHECK(rate.at("value").to_number<double>() ==
          doctest::Approx(static_cast<double>(expected.at("mediation_succeeded")) /
                          static_cast<double>(expected.at("mediated"))));
  }
}

json::object with_amount(json::object agreement_body, std::int64_t yuan) {
  agreement_body["amount"] = yuan;
  return agreement_body;
}

}  // namespace

TEST_SUITE("http_statistics") {
  TEST_CASE("the statistics table: every class's figures as the stored rows recount them") {
    TestServer t;
    // 邻里: mediated to an oral agreement of 1,200 yuan, judicially confirmed.
    const auto d1 = mediating_case(t);
    consent_all(t, d1);
    t.step(d1, "reach_agreement", with_amount(agreement("2099-12-31", "oral", "repair"), 1200));
    t.step(d1, "apply_judicial_confirmation", {{"court", "西山坪人民法庭"}});
    t.step(d1, "record_judicial_confirmation",
           {{"outcome", "confirmed"}, {"reference", "(2026)1号"}});
    // 邻里: mediation failed.
    const auto d2 = mediating_case(t);
    t.step(d2, "fail_mediation", {{"reason", "分歧较大"}, {"route", "court"}});
    // 婚姻家庭: a written agreement of 50,000 yuan.
    json::object family = dispute_body();
    family["category"] = "family_marriage";
    const auto d3 = t.create_case(family);
    t.step(d3, "accept");
    t.step(d3, "assign", {{"department", "police"}, {"assignees", {"police-01"}}});
    t.step(d3, "start_mediation");
    consent_all(t, d3);
    t.step(d3, "reach_agreement", with_amount(agreement("2099-12-31", "written", "pay"), 50000));
    // 道路交通: three parties, only registered.
    json::object traffic = dispute_body();
    traffic["category"] = "traffic";
    traffic["parties"].as_array().push_back(json::object{{"role", "other"}, {"name", "赵六"}});
    t.create_case(traffic);
    // 劳动争议: an oral agreement without an amount.
    json::object labour = dispute_body();
    labour["category"] = "wages_labour";
    const auto d5 = t.create_case(labour);
    t.step(d5, "accept");
    t.step(d5, "assign", {{"department", "police"}, {"assignees", {"police-01"}}});
    t.step(d5, "start_mediation");
    consent_all(t, d5);
    t.step(d5, "reach_agreement", agreement("2099-12-31", "oral", "pay"));
    // A request: not in the table.
    t.create_case(request_body());

    const std::vector<Class> classes = configured_classes();
    const auto expected = recount(t, classes);
    REQUIRE(expected.at("").at("received_disputes") == 5);

    auto r = t.client.get("/api/v1/reports/statistics?period=month&" + period_query());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const json::value table = r.json();
    const json::array& total_rows = table.at("total").at("rows").as_array();
    REQUIRE(total_rows.size() == classes.size() + 1);
    for (std::size_t i = 0; i < classes.size(); ++i) {
      CHECK(text(total_rows[i].at("class")) == classes[i].code);
      CHECK(text(total_rows[i].at("label")) == classes[i].label);
      check_row(total_rows[i], expected.at(classes[i].code));
    }
    CHECK(total_rows.back().at("class").is_null());
    CHECK(text(total_rows.back().at("label")) == "合计");
    check_row(total_rows.back(), expected.at(""));
    // Each month's rows add up to the whole period's.
    std::int64_t received = 0;
    for (const auto& p : table.at("periods").as_array()) {
      REQUIRE(p.at("rows").as_array().size() == classes.size() + 1);
      received += p.at("rows")
                      .as_array()
                      .back()
                      .at("figures")
                      .at("received_disputes")
                      .at("numerator")
                      .to_number<std::int64_t>();
    }
    CHECK(received == 5);
    // The columns are KPI figures, with the KPI table's names.
    const json::value defs = t.client.get("/api/v1/reports/definitions").json();
    for (const auto& f : table.at("figures").as_array()) {
      bool found = false;
      for (const auto& d : defs.at("items").as_array()) {
        found |= d.at("id") == f.at("id") && d.at("name_zh") == f.at("name_zh");
      }
      CHECK_MESSAGE(found, text(f.at("id")));
    }
    // The KPI report over the same days gives the same totals.
    auto kpis = t.client.get("/api/v1/reports/kpis?" + period_query());
    REQUIRE(kpis.status == 200);
    for (const auto& id : kCounts) {
      CHECK(kpis.json().at("totals").at("figures").at(id).at("numerator") ==
            total_rows.back().at("figures").at(id).at("numerator"));
    }

    // CSV: a header, then each row of each period and of the total.
    auto csv =
        t.client.get("/api/v1/reports/statistics?format=csv&period=quarter&" + period_query());
    REQUIRE(csv.status == 200);
    CHECK(csv.header("content-type") == "text/csv; charset=utf-8; header=present");
    CHECK(csv.header("content-disposition").find("filename*=UTF-8''%E4%BA%BA%E6%B0%91") !=
          std::string::npos);
    auto quarter = t.client.get("/api/v1/reports/statistics?period=quarter&" + period_query());
    const std::size_t quarters = quarter.json().at("periods").as_array().size();
    const std::size_t csv_rows =
        static_cast<std::size_t>(std::count(csv.body.begin(), csv.body.end(), '\n')) - 1;
    CHECK(csv_rows == (quarters + 1) * (classes.size() + 1));

    // XLSX: the same rows, numbers as numbers, the rate as a percentage.
    auto x =
        t.client.get("/api/v1/reports/statistics?format=xlsx&period=quarter&" + period_query());
    REQUIRE_MESSAGE(x.status == 200, x.body);
    CHECK(x.header("content-type") ==
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const json::value book = python_check("xlsx_check.py", x.body, ".xlsx");
    REQUIRE(book.at("sheets").as_array().size() == 2);
    const json::value& sheet = book.at("sheets").at(0);
    CHECK(text(sheet.at("name")) == "统计表");
    CHECK(text(book.at("sheets").at(1).at("name")) == "指标说明");
    // Each figure explained in Chinese, beside its definition's original words.
    const json::value& explained = book.at("sheets").at(1);
    CHECK(text(explained.at("header").at(1)) == "统计口径");
    CHECK(explained.at("rows").as_array().size() == table.at("figures").as_array().size());
    for (const auto& row : explained.at("rows").as_array()) {
      const std::string words = text(row.at(1).at("v"));
      const bool explained = words.find("件") != std::string::npos ||
                             words.find("之和") != std::string::npos ||
                             words.find("÷") != std::string::npos;
      CHECK_MESSAGE(explained, words);
    }
    CHECK(text(sheet.at("freeze")) == "A2");
    CHECK(text(sheet.at("orientation")) == "landscape");
    std::vector<std::string> header{"期间", "类别"};
    for (const auto& f : table.at("figures").as_array()) header.push_back(text(f.at("name_zh")));
    std::vector<std::string> got;
    for (const auto& h : sheet.at("header").as_array()) got.push_back(text(h));
    CHECK(got == header);
    const json::array& rows = sheet.at("rows").as_array();
    REQUIRE(rows.size() == csv_rows);
    const json::array& last = rows.back().as_array();
    CHECK(text(last.at(0).at("v")) == text(table.at("total").at("period")));
    CHECK(text(table.at("total").at("period")) ==
          text(table.at("period").at("from")) + "至" + text(table.at("period").at("to")));
    CHECK(text(last.at(1).at("v")) == "合计");
    for (std::size_t i = 0; i < table.at("figures").as_array().size(); ++i) {
      const std::string id = text(table.at("figures").at(i).at("id"));
      INFO(id);
      const json::value& cell = last.at(i + 2);
      CHECK(text(cell.at("t")) == "n");
      const json::value& want = total_rows.back().at("figures").at(id).at("value");
      CHECK(cell.at("v").to_number<double>() == doctest::Approx(want.to_number<double>()));
      if (id == "mediation_success_rate") CHECK(text(cell.at("fmt")) == "0.0%");
    }

    // `outpost report statistics --xlsx FILE` writes the same workbook's cells,
    // and its JSON the same total.
    const fs::path out =
        fs::temp_directory_path() / ("outpost-cli-stats-" + std::to_string(::getpid()) + ".xlsx");
    const auto dates = [&] {
      const std::string q = period_query();  // from=…&to=…
      return std::pair{q.substr(5, 10), q.substr(19, 10)};
    }();
    const Headers env{{"OUTPOST_PII_KEY", kTestPiiKey}};
    auto cli = run_outpost({"report", "statistics", "--database", t.db.url(), "--period", "quarter",
                            "--from", dates.first, "--to", dates.second, "--xlsx", out.string()},
                           env);
    REQUIRE_MESSAGE(cli.exit_code == 0, cli.output);
    std::ifstream in(out, std::ios::binary);
    const json::value cli_book =
        python_check("xlsx_check.py", std::string(std::istreambuf_iterator<char>(in), {}), ".xlsx");
    fs::remove(out);
    CHECK(cli_book == book);
    cli = run_outpost({"report", "statistics", "--database", t.db.url(), "--from", dates.first,
                       "--to", dates.second},
                      env);
    REQUIRE_MESSAGE(cli.exit_code == 0, cli.output);
    const std::size_t at = cli.output.find("{\"period\"");
    REQUIRE_MESSAGE(at != std::string::npos, cli.output);
    CHECK(json::parse(cli.output.substr(at, cli.output.find('\n', at) - at)).at("total") ==
          table.at("total"));
    auto bad = run_outpost({"report", "statistics", "--database", t.db.url(), "--period", "week",
                            "--from", dates.first, "--to", dates.second},
                           env);
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find("--period") != std::string::npos);
  }

  TEST_CASE("statistics: bad queries are 422 naming the parameter; roles without reports 403") {
    TestServer t;
    t.create_case();
    const auto refused = [&](const std::string& path, const std::string& field) {
      auto r = t.client.get(path);
      INFO(path, " -> ", r.body);
      REQUIRE(r.status == 422);
      CHECK(r.header("content-type") == "application/problem+json");
      std::set<std::string> fields;
      const json::value problem = r.json();
      for (const auto& e : problem.at("errors").as_array()) fields.insert(text(e.at("field")));
      CHECK(fields == std::set<std::string>{field});
    };
    const std::string s = "/api/v1/reports/statistics?";
    refused(s + "period=week&from=2026-07-01&to=2026-09-30", "period");
    refused(s + "period=month&from=2026-09-30&to=2026-07-01", "to");
    refused(s + "period=month&from=2026-07-01&to=2026-09-30&format=pdf", "format");
    refused(s + "period=month&from=2026-07-01", "to");
    refused(s + "period=month&from=2026-07-01&to=2026-09-30&group_by=grid", "group_by");
    refused("/api/v1/exports/cases?format=xlsm", "format");
    refused("/api/v1/exports/history?format=xlsx&from=2026-09-30T00:00:00Z&to=2026-07-01T00:00:00Z",
            "to");
    HttpClient desk = t.client_as("desk.zhao", "desk");
    auto forbidden = desk.get(s + "period=month&from=2026-07-01&to=2026-09-30");
    CHECK(forbidden.status == 403);
    CHECK(t.db.query_int("SELECT count(*) FROM cases") == 1);
  }
}
