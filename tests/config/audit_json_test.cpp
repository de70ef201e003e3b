// What adapters/config/audit_json.hpp reads and refuses: the finding
// categories of config/audit.json and the "audits" member of
// config/permissions.json, with field paths.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "adapters/config/audit_json.hpp"
#include "tests/support/shipped_config.hpp"

namespace {

namespace json = boost::json;
using namespace outpost;

std::vector<std::string> paths(const Error& e) {
  std::vector<std::string> out;
  for (const auto& f : e.fields) out.push_back(f.field);
  return out;
}

}  // namespace

TEST_SUITE("audit_json") {
  TEST_CASE("the shipped documents load, with zh-CN labels") {
    const auto& d = testing::shipped_config();
    REQUIRE(d.finding_categories.size() == 6);
    CHECK(d.finding_categories[2].label == "调解记录不完整");
    const Actor auditor{1, "lin", "auditor", "", ""};
    const Actor handler{2, "wu", "handler", "legal", ""};
    CHECK(d.audit_permissions.may_plan(auditor));
    CHECK_FALSE(d.audit_permissions.may_plan(handler));
  }

  TEST_CASE("categories: a duplicate code, an empty label and a missing list are named") {
    auto bad = config::finding_categories_from_json(json::parse(
        R"({"finding_categories": [{"code": "a", "label": "甲"}, {"code": "a", "label": ""}]})"));
    REQUIRE_FALSE(bad.ok());
    CHECK(paths(bad.error()) ==
          std::vector<std::string>{"finding_categories[1].label", "finding_categories[1].code"});
    auto missing = config::finding_categories_from_json(json::parse("{}"));
    REQUIRE_FALSE(missing.ok());
    CHECK(paths(missing.error()) == std::vector<std::string>{"finding_categories"});
  }

  TEST_CASE("permissions: an unlisted event, an unknown role and an unknown event are named") {
    json::value doc = testing::config_document("permissions.json");
    json::object& events = doc.at("audits").at("events").as_object();
    events.erase("sign_off");
    events["approve"] = json::array{"auditor"};
    events["cancel"] = json::array{"mayor"};
    auto p = config::audit_permissions_from_json(doc, builtin_audit_workflow());
    REQUIRE_FALSE(p.ok());
    const auto got = paths(p.error());
    CHECK(std::find(got.begin(), got.end(), "audits.events.sign_off") != got.end());
    CHECK(std::find(got.begin(), got.end(), "audits.events.approve") != got.end());
    CHECK(std::find(got.begin(), got.end(), "audits.events.cancel[0]") != got.end());
  }
}
