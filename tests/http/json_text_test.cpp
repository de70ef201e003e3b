// JsonText and the case's JSON text: what a client parses back.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include "adapters/http/case_json.hpp"
#include "adapters/http/json_text.hpp"

namespace json = boost::json;
using outpost::http::JsonText;

TEST_SUITE("json_text") {
  TEST_CASE("every string comes back as it was written, whatever it holds") {
    const std::string tricky[] = {
        "",
        "plain",
        "引号\"与反斜杠\\",
        "line\nbreak\ttab\rreturn\bback\fform",
        std::string("nul\0and\x01\x1f", 9),  // 9 characters (ASan: 11 read past the literal)
        "</script>",
        "龙凤桥 平安调解 😀"};
    for (const std::string& s : tricky) {
      std::string out;
      JsonText(out).begin_array().value(s).value(s).end_array();
      const json::value parsed = json::parse(out);
      REQUIRE(parsed.as_array().size() == 2);
      CHECK(parsed.as_array()[0].as_string() == s);
      CHECK(parsed.as_array()[1].as_string() == s);
    }
  }

  TEST_CASE("a character that needs escaping is found at every offset of a long string") {
    for (const char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
      for (std::size_t at = 0; at < 16; ++at) {
        std::string s = "abcdefghijklmnop调解员";  // 16 ASCII bytes, then 3 three-byte characters
        s[at] = special;
        std::string out;
        JsonText(out).value(s);
        CHECK(json::parse(out).as_string() == s);
      }
    }
  }

  TEST_CASE("commas, nesting, numbers, null and embedded values") {
    std::string out;
    JsonText w(out);
    w.begin_object()
        .key("n")
        .value(std::int64_t{-9007199254740993})
        .key("list")
        .begin_array()
        .value(1)
        .begin_object()
        .end_object()
        .begin_array()
        .end_array()
        .null()
        .value(true)
        .end_array()
        .key("empty")
        .text_or_null("")
        .key("tree")
        .value(json::parse(R"({"a":[1,"x"]})"))
        .end_object();
    CHECK(out == R"({"n":-9007199254740993,"list":[1,{},[],null,true],"empty":null,)"
                 R"("tree":{"a":[1,"x"]}})");
  }

  TEST_CASE("a case is written with its parties masked and its absent fields null") {
    outpost::Case c;
    c.id = 42;
    c.number = "JF-2026-000042";
    c.kind = outpost::CaseKind::dispute;
    c.state = "registered";
    c.title = "楼上\"漏水\"";
    c.location = {"LY", "LY-01", "", ""};
    c.parties = {{"applicant", "张三", "13800138000", "500101199001011234"},
                 {"respondent", "李四", "", ""}};
    c.facts = json::parse(R"({"duplicate_of": 7, "co_handlers": ["u1"]})").as_object();
    outpost::http::CaseView view{"已登记", {"accept", "decline"}, 0,    std::nullopt, {{3, 4}}, 0,
                                 7,        std::nullopt,          false};
    const json::object o = json::parse(outpost::http::case_json(c, view)).as_object();
    CHECK(o.at("id") == 42);
    CHECK(o.at("title") == "楼上\"漏水\"");
    CHECK(o.at("state_label") == "已登记");
    CHECK(o.at("location").at("micro_grid").is_null());
    const json::array& parties = o.at("parties").as_array();
    CHECK(parties[0].at("name") == "张*");
    CHECK(parties[0].at("phone") == "138****8000");
    CHECK(parties[0].at("id_number") == "5001**********1234");
    CHECK(parties[1].at("phone").is_null());
    CHECK(o.at("assignment").at("department").is_null());
    CHECK(o.at("assignment").at("co_handlers") == json::parse(R"(["u1"])"));
    CHECK(o.at("assignment").at("co_departments") == json::array());
    CHECK(o.at("duplicate_of") == 7);
    CHECK(o.at("deadline").is_null());
    CHECK(o.at("clock").is_null());
    CHECK(o.at("allowed_events") == json::parse(R"(["accept","decline"])"));
    CHECK(o.at("duplicates") == json::parse("[3,4]"));
    CHECK(o.at("time_left_seconds").is_null());
    CHECK(o.at("warning_at").is_null());
    // A list's row leaves out the time left, which ticks.
    view.list_item = true;
    CHECK_FALSE(
        json::parse(outpost::http::case_json(c, view)).as_object().contains("time_left_seconds"));
  }
}
