// What adapters/config/statistics_json.hpp reads and refuses: the statistics
// classes of config/statistics.json and the dispute categories each takes,
// checked against the catalogue, with field paths.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "adapters/config/statistics_json.hpp"
#include "tests/support/shipped_config.hpp"

namespace {

namespace json = boost::json;
using namespace outpost;

std::set<std::string> paths(const Error& e) {
  std::set<std::string> out;
  for (const auto& f : e.fields) out.insert(f.field);
  return out;
}

std::string messages(const Error& e) {
  std::string out;
  for (const auto& f : e.fields) out += f.field + ": " + f.message + "\n";
  return out;
}

}  // namespace

TEST_SUITE("statistics_json") {
  TEST_CASE("the shipped classes load: every dispute category in one class, 其他 last") {
    const auto& d = testing::shipped_config();
    const auto& classes = d.statistics_classes.classes();
    REQUIRE(classes.size() == 11);
    CHECK(classes.front().label == "婚姻家庭");
    CHECK(classes.back().label == "其他");
    for (const Category& c : d.catalogue.categories()) {
      if (c.kind != "dispute") continue;
      const std::size_t i = d.statistics_classes.class_of(c.code);
      const auto& cats = classes.at(i).categories;
      CHECK_MESSAGE(std::find(cats.begin(), cats.end(), c.code) != cats.end(), c.code);
    }
    CHECK(d.statistics_classes.class_of("facility_repair") == classes.size() - 1);
  }

  TEST_CASE("an unknown category, one in two classes, one in none, a repeated code are named") {
    const auto& catalogue = testing::shipped_config().catalogue;
    auto bad = config::statistics_classes_from_json(json::parse(R"({"classes": [
        {"code": "neighbour", "label": "邻里", "categories": ["neighbour", "martian"]},
        {"code": "neighbour", "label": "家庭", "categories": ["family_marriage", "neighbour"]},
        {"code": "other", "label": "其他", "categories": ["other", "facility_repair"]}]})"),
                                                    catalogue);
    REQUIRE_FALSE(bad);
    INFO(messages(bad.error()));
    CHECK(bad.error().kind == ErrorKind::invalid);
    CHECK(paths(bad.error()) == std::set<std::string>{"classes[0].categories[1]", "classes[1].code",
                                                      "classes[1].categories[1]",
                                                      "classes[2].categories[1]", "classes"});
    CHECK(messages(bad.error()).find("'martian' is not a dispute category") != std::string::npos);
    CHECK(messages(bad.error()).find("'property_renovation' is in no class") != std::string::npos);
  }

  TEST_CASE("a missing list, an empty label and a code that is not a string are named") {
    const auto& catalogue = testing::shipped_config().catalogue;
    CHECK(paths(config::statistics_classes_from_json(json::parse("{}"), catalogue).error())
              .contains("classes"));
    auto bad = config::statistics_classes_from_json(
        json::parse(R"({"classes": [{"code": "x", "label": "", "categories": [1]}]})"), catalogue);
    REQUIRE_FALSE(bad);
    INFO(messages(bad.error()));
    CHECK(paths(bad.error()).contains("classes[0].label"));
    CHECK(paths(bad.error()).contains("classes[0].categories[0]"));
  }
}
