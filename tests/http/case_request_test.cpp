// The case API's request readers (adapters/http/case_request.hpp), without a
// server: JSON shape errors, merged with the engine's rules into one answer.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "adapters/config/config_loader.hpp"
#include "adapters/http/case_request.hpp"
#include "workflows/registry.hpp"

using namespace outpost;
using namespace outpost::http;
namespace json = boost::json;

namespace {

std::vector<std::string> fields_of(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& f : errors) out.push_back(f.field);
  return out;
}

bool has(const std::vector<std::string>& fields, const char* field) {
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

json::value dispute_body() {
  return json::parse(R"({"kind":"dispute","category":"neighbour","title":"漏水","channel":"desk",
    "location":{"community":"LF","grid":"LF-G01"},
    "parties":[{"role":"applicant","name":"张三"},{"role":"respondent","name":"李四"}]})");
}

}  // namespace

TEST_SUITE("http_case_request") {
  TEST_CASE("a good body reads into the command the engine registers") {
    const CaseRequest r = read_new_case(dispute_body());
    CHECK(r.errors.empty());
    CHECK(r.command.kind == "dispute");
    CHECK(r.command.location.grid == "LF-G01");
    REQUIRE(r.command.parties.size() == 2);
    CHECK(r.command.parties[1].role == "respondent");
    CHECK_FALSE(r.command.confidential);
  }

  TEST_CASE("every invalid field of a body is reported at once, shape and domain together") {
    const auto domain = config::load_domain_config(OUTPOST_CONFIG_DIR).value();
    const WorkflowRegistry workflows = builtin_workflows();
    auto body = dispute_body();
    body.as_object()["kind"] = "complaint";
    body.as_object()["channel"] = "fax";
    body.as_object()["urgency"] = "yesterday";
    body.as_object()["confidential"] = "yes";
    body.as_object()["title"] = 42;
    body.as_object()["favourite_colour"] = "blue";
    body.as_object()["parties"] =
        json::array{json::object{{"role", "respondent"}, {"name", ""}, {"id_number", "123"}}};
    const CaseRequest r = read_new_case(body);
    CHECK(fields_of(r.errors) ==
          std::vector<std::string>{"favourite_colour", "title", "confidential"});
    auto checked = draft_case(r.command, domain.catalogue, domain.jurisdiction, workflows);
    REQUIRE_FALSE(checked);
    const Error e = merged_case_errors(r.errors, checked.error());
    CHECK(e.kind == ErrorKind::invalid);
    const auto fields = fields_of(e.fields);
    for (const char* expected : {"kind", "channel", "urgency", "confidential", "parties[0].name",
                                 "parties[0].id_number", "parties", "title", "favourite_colour"}) {
      CHECK_MESSAGE(has(fields, expected), expected);
    }
    // Told once per field: the engine's "title is required" is left out.
    CHECK(std::count(fields.begin(), fields.end(), "title") == 1);
  }

  TEST_CASE("a body that is no object, or parts that are not, are named once") {
    CHECK(fields_of(read_new_case(json::array{1, 2}).errors) == std::vector<std::string>{"body"});
    auto body = dispute_body();
    body.as_object()["location"] = "LF";
    body.as_object()["parties"] = json::array{"张三"};
    const CaseRequest r = read_new_case(body);
    CHECK(fields_of(r.errors) == std::vector<std::string>{"location", "parties[0]"});
    Error domain{ErrorKind::invalid, "x"};
    domain.fields = {{"location.community", "is required"},
                     {"parties[0].role", "is required"},
                     {"parties", "needs at least one applicant"}};
    CHECK(fields_of(merged_case_errors(r.errors, domain).fields) ==
          std::vector<std::string>{"location", "parties[0]", "parties"});
  }

  TEST_CASE("event members become typed values, odd ones stay recognisable") {
    const auto body = json::parse(
        R"({"event":"assign","department":"police","assignees":["a","b"],"days":3,
            "urgent":true,"half":1.5,"mixed":["a",1],"none":null,"deep":{"x":1}})");
    const EventPayload p = read_event_payload(body.as_object());
    CHECK_FALSE(p.contains("event"));
    CHECK(p.text("department") == "police");
    REQUIRE(p.text_list("assignees") != nullptr);
    CHECK(*p.text_list("assignees") == std::vector<std::string>{"a", "b"});
    REQUIRE(p.integer("days") != nullptr);
    CHECK(*p.integer("days") == 3);
    CHECK(std::get<bool>(*p.find("urgent")));
    for (const char* odd : {"half", "mixed", "deep"}) {
      CHECK_MESSAGE(std::holds_alternative<UnreadableValue>(*p.find(odd)), odd);
      CHECK(p.given(odd));
    }
    CHECK(p.contains("none"));
    CHECK_FALSE(p.given("none"));
  }

  TEST_CASE("note bodies: shape and rules together") {
    auto ok = read_note(json::parse(R"({"body":"已回访"})"));
    REQUIRE(ok);
    CHECK(ok.value().visibility == "internal");
    auto pub = read_note(json::parse(R"({"body":"x","visibility":"public"})"));
    REQUIRE(pub);
    CHECK(pub.value().visibility == "public");
    auto empty = read_note(json::parse(R"({"body":"","visibility":"secret"})"));
    REQUIRE_FALSE(empty);
    CHECK(fields_of(empty.error().fields) == std::vector<std::string>{"body", "visibility"});
    CHECK_FALSE(read_note(json::parse(R"({"visibility":"public"})")));
    CHECK_FALSE(read_note(json::parse(R"({"body":5})")));
    CHECK_FALSE(read_note(json::parse(R"({"body":"x","extra":1})")));
    CHECK_FALSE(read_note(json::parse(R"(["body"])")));
    const std::string longest(kMaxNoteBytes, 'x');
    CHECK(read_note(json::value{{"body", longest}}));
    CHECK_FALSE(read_note(json::value{{"body", longest + "x"}}));
  }
}
