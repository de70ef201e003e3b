// The domain rules of Catalogue::make and Jurisdiction::make on typed values:
// codes unique where they must be, references that resolve, durations in the
// catalogue notation, each problem named by its entry's index. The documents
// they come from are read and tested in tests/config.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/directory/catalogue.hpp"
#include "engine/directory/jurisdiction.hpp"
#include "tests/support/shipped_config.hpp"

namespace {

using namespace outpost;

std::vector<std::string> fields_of(const Error& e) {
  return testing::fields_of(e.fields);
}

std::vector<Department> departments() {
  return {{"grid", "网格"}, {"legal", "司法所"}};
}

Category category(std::string code, std::string department) {
  Category c;
  c.code = std::move(code);
  c.name = "纠纷";
  c.default_department = std::move(department);
  return c;
}

std::vector<CommunityEntry> communities() {
  return {{"A", {{"A-G01", {"A-G01-M1"}}}}, {"B", {{"B-G01", {}}}}};
}

}  // namespace

TEST_SUITE("engine_directory") {
  TEST_CASE("a catalogue keeps its categories in order with their kind") {
    Category neighbour = category("neighbour", "grid");
    neighbour.deadlines = {{"accept", "1wd"}, {"mediation", "30d"}};
    auto c = Catalogue::make(departments(),
                             {{"dispute", {neighbour, category("family", "legal")}},
                              {"request", {category("repair", "grid")}}},
                             3, 0);
    REQUIRE(c);
    CHECK(c.value().categories().size() == 3);
    CHECK(c.value().find_category("request", "repair")->kind == "request");
    CHECK(c.value().find_category("dispute", "repair") == nullptr);
    CHECK(c.value().find_department("legal")->name == "司法所");
    CHECK(c.value().returns_before_arbitration() == 3);
    CHECK(c.value().rework_rounds_before_escalation() == 0);
  }

  TEST_CASE("a catalogue refuses repeated codes, unknown references, kinds and durations") {
    Category bad_limit = category("noise", "grid");
    bad_limit.deadlines = {{"accept", "03d"}};
    std::vector<Department> twice = departments();
    twice.push_back({"grid", "网格二"});
    auto c = Catalogue::make(
        twice,
        {{"dispute", {category("neighbour", "grid"), category("neighbour", "fire"), bad_limit}},
         {"complaint", {}}},
        11, 11);
    REQUIRE_FALSE(c);
    CHECK(c.error().kind == ErrorKind::invalid);
    CHECK(fields_of(c.error()) ==
          std::vector<std::string>{"departments[2].code", "categories.dispute[1].code",
                                   "categories.dispute[1].default_department",
                                   "categories.dispute[2].deadlines.accept", "categories.complaint",
                                   "policies.returns_before_arbitration",
                                   "policies.rework_rounds_before_escalation"});
    CHECK(fields_of(Catalogue::make({{"", "无"}}, {}).error()) ==
          std::vector<std::string>{"departments[0].code"});
  }

  TEST_CASE("a jurisdiction resolves grids and micro-grids in document order") {
    auto j = Jurisdiction::make("t", communities());
    REQUIRE(j);
    CHECK(j.value().community_codes() == std::vector<std::string>{"A", "B"});
    CHECK(j.value().community_of_grid("B-G01") == "B");
    CHECK(j.value().grid_of_micro_grid("A-G01-M1") == "A-G01");
    CHECK(j.value().micro_grids_of("B-G01").empty());
    CHECK(j.value().grid_count() == 2);
  }

  TEST_CASE("a jurisdiction refuses a code used twice anywhere and an empty code") {
    std::vector<CommunityEntry> c = communities();
    c[1].grids[0].code = "A-G01";
    c[0].grids[0].micro_grids[0] = "B";
    c[1].grids[0].micro_grids = {""};
    auto j = Jurisdiction::make("t", c);
    REQUIRE_FALSE(j);
    CHECK(fields_of(j.error()) ==
          std::vector<std::string>{"communities[1].code", "communities[1].grids[0].code",
                                   "communities[1].grids[0].micro_grids[0].code"});
    CHECK(j.error().fields[0].message ==
          "code \"B\" is already used by the micro-grid at "
          "communities[0].grids[0].micro_grids[0].code");
    CHECK(fields_of(Jurisdiction::make("A", communities()).error()) ==
          std::vector<std::string>{"communities[0].code"});
  }
}
