// What staff_from_json and roster_from_json (adapters/config/staff_json.hpp)
// refuse: wrong types, unknown members, and the roster's references and
// repeated ids as make_roster names them.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "adapters/config/staff_json.hpp"
#include "tests/support/shipped_config.hpp"

namespace {

namespace json = boost::json;
using namespace outpost;
using config::roster_from_json;
using config::staff_from_json;

using testing::fields_of;

const config::DomainConfig& shipped() {
  return testing::shipped_config();
}

bool names(const std::vector<FieldError>& errors, const std::string& field) {
  const auto f = fields_of(errors);
  return std::find(f.begin(), f.end(), field) != f.end();
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("staff_from_json refuses wrong types and personal data members") {
    auto ok = staff_from_json(json::parse(
        R"({"id": "x-1", "name": "测试", "department": "police", "role": "officer", "grid": null})"));
    REQUIRE(ok);
    CHECK(ok.value().grid.empty());
    CHECK(ok.value().active);

    auto bad = staff_from_json(json::parse(
        R"({"id": 7, "name": "测试", "role": "officer", "active": "yes", "phone": "13800138000"})"));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().kind == ErrorKind::invalid);
    for (const char* f : {"id", "department", "active", "phone"}) {
      CHECK_MESSAGE(names(bad.error().fields, f), f);
    }
    CHECK(staff_from_json(json::parse("[]")).error().kind == ErrorKind::invalid);
  }

  TEST_CASE("roster_from_json refuses the whole roster for one bad member or a repeated id") {
    auto doc = json::parse(R"({"staff": [
      {"id": "a", "name": "甲", "department": "police", "role": "officer"},
      {"id": "a", "name": "乙", "department": "police", "role": "officer"},
      {"id": "c", "name": "丙", "department": "nowhere", "role": "officer"}]})");
    auto r = roster_from_json(doc, shipped().catalogue, shipped().jurisdiction);
    REQUIRE_FALSE(r);
    CHECK(fields_of(r.error().fields) ==
          std::vector<std::string>{"staff[1].id", "staff[2].department"});
    CHECK(roster_from_json(json::parse("{}"), shipped().catalogue, shipped().jurisdiction)
              .error()
              .fields[0]
              .field == "staff");
  }

  TEST_CASE("a roster member that cannot be read is refused with the others' problems") {
    auto doc = json::parse(R"({"staff": [
      "not a member",
      {"id": "b", "name": "乙", "department": "police", "role": "officer", "phone": "1"},
      {"id": "c", "name": "丙", "department": "nowhere", "role": 5}]})");
    auto r = roster_from_json(doc, shipped().catalogue, shipped().jurisdiction);
    REQUIRE_FALSE(r);
    CHECK(fields_of(r.error().fields) == std::vector<std::string>{"staff[0]", "staff[1].phone",
                                                                  "staff[2].role",
                                                                  "staff[2].department"});
  }
}
