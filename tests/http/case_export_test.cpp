// The export's own pieces (adapters/http/case_export.hpp), without a server:
// its parameters and format choice, the Asia/Shanghai times, the file name,
// the labels read from the shipped configuration, and who is admitted.
#include <doctest/doctest.h>

#include <string>

#include "adapters/config/config_loader.hpp"
#include "adapters/http/case_export.hpp"
#include "workflows/registry.hpp"

using namespace outpost;
using namespace outpost::http;

namespace {

std::vector<std::string> bad_fields(const QueryParams& query, ExportKind kind) {
  auto r = read_export_request(query, std::nullopt, kind);
  REQUIRE_FALSE(r);
  std::vector<std::string> fields;
  for (const auto& f : r.error().fields) fields.push_back(f.field);
  return fields;
}

}  // namespace

TEST_SUITE("http_case_export") {
  TEST_CASE("format= wins over Accept, Accept chooses JSON lines, anything else is CSV") {
    auto pick = [](QueryParams q, std::optional<std::string_view> accept) {
      return read_export_request(q, accept, ExportKind::cases).value().format;
    };
    CHECK(pick({}, std::nullopt) == ExportFormat::csv);
    CHECK(pick({}, "application/x-ndjson") == ExportFormat::jsonl);
    CHECK(pick({}, "application/jsonl, */*;q=0.1") == ExportFormat::jsonl);
    CHECK(pick({}, "text/csv") == ExportFormat::csv);
    CHECK(pick({}, "application/json") == ExportFormat::csv);
    CHECK(pick({{"format", "csv"}}, "application/x-ndjson") == ExportFormat::csv);
    CHECK(pick({{"format", "jsonl"}}, "text/csv") == ExportFormat::jsonl);
  }

  TEST_CASE("the export's parameters and the list's filters are read together") {
    auto r = read_export_request({{"state", "closed"},
                                  {"purpose", "季度评查"},
                                  {"max_rows", "20"},
                                  {"page_size", "250"},
                                  {"from", "2026-10-01T00:00:00+08:00"},
                                  {"to", "2027-01-01T00:00:00+08:00"}},
                                 std::nullopt, ExportKind::history);
    REQUIRE(r);
    CHECK(r.value().filter.state == "closed");
    CHECK(r.value().purpose == "季度评查");
    CHECK(r.value().max_rows == 20);
    CHECK(r.value().page_size == 250);
    CHECK(r.value().from == 1790784000000);  // 2026-09-30T16:00:00Z
    CHECK(r.value().to == 1798732800000);    // 2026-12-31T16:00:00Z
  }

  TEST_CASE("every bad parameter is named in one invalid error") {
    CHECK(bad_fields({{"format", "xlsm"},
                      {"limit", "5"},
                      {"cursor", "9"},
                      {"max_rows", "0"},
                      {"page_size", "5001"},
                      {"purpose", std::string(501, 'x')},
                      {"overdue", "maybe"},
                      {"colour", "red"}},
                     ExportKind::cases) ==
          std::vector<std::string>{"format", "limit", "cursor", "max_rows", "page_size", "purpose",
                                   "overdue", "colour"});
    // from/to belong to the history export only, and must be in order.
    CHECK(bad_fields({{"from", "2026-01-01T00:00:00Z"}}, ExportKind::cases) ==
          std::vector<std::string>{"from"});
    CHECK(bad_fields({{"from", "2026-02-01T00:00:00Z"}, {"to", "2026-01-01T00:00:00Z"}},
                     ExportKind::history) == std::vector<std::string>{"to"});
    CHECK(bad_fields({{"purpose", ""}}, ExportKind::history) ==
          std::vector<std::string>{"purpose"});
    CHECK(
        read_export_request({{"purpose", std::string(500, 'x')}}, std::nullopt, ExportKind::cases));
  }

  TEST_CASE("times are Asia/Shanghai wall time, and the file is named after its day there") {
    CHECK(shanghai_time(0) == "1970-01-01 08:00:00");
    CHECK(shanghai_time(1767225599999) == "2026-01-01 07:59:59");  // 2025-12-31T23:59:59.999Z
    CHECK(shanghai_time(1767196800000) == "2026-01-01 00:00:00");  // 2025-12-31T16:00:00Z
    ExportRequest req;
    CHECK(export_filename(req, 1767196800000) == "cases-2026-01-01.csv");
    req.kind = ExportKind::history;
    req.format = ExportFormat::jsonl;
    CHECK(export_filename(req, 1767196799999) == "history-2025-12-31.jsonl");
  }

  TEST_CASE("labels come from the workflows and the shipped catalogue and jurisdiction") {
    const auto domain = config::load_domain_config(OUTPOST_CONFIG_DIR).value();
    const WorkflowRegistry workflows = builtin_workflows();
    const ExportLabels labels(workflows, domain.catalogue_document, domain.jurisdiction_document);
    CHECK(ExportLabels::kind(CaseKind::dispute) == "矛盾纠纷");
    CHECK(ExportLabels::kind(CaseKind::request) == "居民诉求");
    CHECK(labels.state(CaseKind::dispute, "registered") ==
          workflows.find(CaseKind::dispute)->state_label("registered"));
    CHECK(labels.category(CaseKind::dispute, "neighbour") == "邻里纠纷");
    CHECK(labels.category(CaseKind::request, "neighbour") == "neighbour");  // not a request's
    CHECK(labels.department("police") == "派出所");
    CHECK(labels.place("LF") == "龙凤社区");
    CHECK(labels.place("LF-G01") == "龙凤社区第1网格");
    CHECK(labels.place("LF-G01-M1") == "龙凤社区第1网格第1微网格");
    CHECK(labels.event(CaseKind::dispute, "register") == "登记");
    CHECK(labels.place("nowhere") == "nowhere");
  }

  TEST_CASE("the shipped roles that may export, and a purpose needs reveal as well") {
    const auto domain = config::load_domain_config(OUTPOST_CONFIG_DIR).value();
    const Permissions& p = domain.permissions;
    ExportRequest masked;
    ExportRequest clear;
    clear.purpose = "回访";
    for (const char* role : {"dispatcher", "supervisor", "auditor", "admin"}) {
      CAPTURE(role);
      const Actor actor{1, "u", role, "", ""};
      CHECK(admit_export(masked, p, actor));
      CHECK(admit_export(clear, p, actor).error().kind == ErrorKind::forbidden);
    }
    for (const char* role : {"desk", "handler"}) {
      CAPTURE(role);
      CHECK(admit_export(masked, p, Actor{1, "u", role, "", ""}).error().kind ==
            ErrorKind::forbidden);
    }
  }
}
