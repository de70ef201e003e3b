// SociDirectoryStore against a real database (SQLite or
// PostgreSQL, as OUTPOST_TEST_BACKEND names): seeding, the grid-leader lookup
// routing relies on, conflicts and filters.
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "adapters/storage/stores.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace outpost;
using outpost::testing::TestDatabase;

struct Migrated {
  TestDatabase db;
  std::unique_ptr<Stores> store;
  Migrated() {
    auto opened = open_stores(db.url(), {2, nullptr});
    REQUIRE_MESSAGE(opened.ok(), opened.error().message);
    store = std::move(opened).value();
    REQUIRE(store->database->migrate().ok());
  }
};

const std::vector<DepartmentEntry> kDepartments = {{"grid", "网格", true},
                                                   {"police", "派出所", true}};

std::vector<StaffMember> roster() {
  return {{"gl-LF-G01", "甲", "grid", "grid_leader", "LF-G01", "", true},
          {"gw-LF-G01-M1", "乙", "grid", "grid_worker", "LF-G01", "LF-G01-M1", true},
          {"gl-LF-G02", "丙", "grid", "grid_leader", "LF-G02", "", true},
          {"police-01", "丁", "police", "police_officer", "", "", true}};
}

std::vector<std::string> ids(const std::vector<StaffMember>& staff) {
  std::vector<std::string> out;
  for (const auto& s : staff) out.push_back(s.id);
  return out;
}

}  // namespace

TEST_SUITE("storage_directory") {
  TEST_CASE("seeding fills empty tables once and never overwrites") {
    Migrated m;
    auto first = m.store->directory.seed_directory(kDepartments, roster());
    REQUIRE_MESSAGE(first.ok(), first.error().message);
    CHECK(first.value().departments == 2);
    CHECK(first.value().staff == 4);

    REQUIRE(m.store->directory.upsert_department({"police", "警务室", false}).ok());
    REQUIRE(m.store->directory.set_staff_active("police-01", false).ok());
    std::vector<DepartmentEntry> more = kDepartments;
    more.push_back({"legal", "司法所", true});
    std::vector<StaffMember> bigger = roster();
    bigger.push_back({"legal-01", "戊", "legal", "judicial_officer", "", "", true});
    auto again = m.store->directory.seed_directory(more, bigger);
    REQUIRE(again.ok());
    CHECK(again.value().departments == 1);
    CHECK(again.value().staff == 0);

    const auto departments = m.store->directory.list_departments().value();
    REQUIRE(departments.size() == 3);
    CHECK(departments[0] == DepartmentEntry{"grid", "网格", true});
    CHECK(departments[1] == DepartmentEntry{"legal", "司法所", true});
    CHECK(departments[2] == DepartmentEntry{"police", "警务室", false});
    CHECK_FALSE(m.store->directory.find_staff("police-01").value()->active);
    CHECK_FALSE(m.store->directory.find_staff("legal-01").value().has_value());
  }

  TEST_CASE("find_grid_leader returns the active leader of the grid, the lowest id first") {
    Migrated m;
    REQUIRE(m.store->directory.seed_directory(kDepartments, roster()).ok());
    auto leader = m.store->directory.find_grid_leader("LF-G01");
    REQUIRE(leader.ok());
    REQUIRE(leader.value().has_value());
    CHECK(*leader.value() == roster()[0]);
    CHECK_FALSE(m.store->directory.find_grid_leader("LF-G03").value().has_value());

    REQUIRE(m.store->directory.set_staff_active("gl-LF-G01", false).ok());
    CHECK_FALSE(m.store->directory.find_grid_leader("LF-G01").value().has_value());
    REQUIRE(m.store->directory
                .create_staff({"gl-LF-G01-b", "己", "grid", "grid_leader", "LF-G01", "", true})
                .ok());
    REQUIRE(m.store->directory
                .create_staff({"gl-LF-G01-a", "庚", "grid", "grid_leader", "LF-G01", "", true})
                .ok());
    CHECK(m.store->directory.find_grid_leader("LF-G01").value()->id == "gl-LF-G01-a");
  }

  TEST_CASE("create refuses a taken id, upsert replaces, set_staff_active needs the member") {
    Migrated m;
    REQUIRE(m.store->directory.seed_directory(kDepartments, roster()).ok());
    StaffMember s = roster()[3];
    s.name = "改名";
    CHECK(m.store->directory.create_staff(s).error().kind == ErrorKind::already_exists);
    CHECK(m.store->directory.find_staff("police-01").value()->name == "丁");
    REQUIRE(m.store->directory.upsert_staff(s).ok());
    CHECK(*m.store->directory.find_staff("police-01").value() == s);
    CHECK(m.store->directory.set_staff_active("nobody", false).error().kind ==
          ErrorKind::not_found);
    CHECK(m.db.query_int("SELECT count(*) FROM staff") == 4);
  }

  TEST_CASE("list_staff filters by every given member and orders by id byte-wise") {
    Migrated m;
    std::vector<StaffMember> staff = roster();
    staff.push_back({"Z-upper", "辛", "police", "police_officer", "", "", false});
    REQUIRE(m.store->directory.seed_directory(kDepartments, staff).ok());
    CHECK(
        ids(m.store->directory.list_staff({}).value()) ==
        std::vector<std::string>{"Z-upper", "gl-LF-G01", "gl-LF-G02", "gw-LF-G01-M1", "police-01"});
    CHECK(ids(m.store->directory.list_staff({std::nullopt, "LF-G01", std::nullopt, std::nullopt})
                  .value()) == std::vector<std::string>{"gl-LF-G01", "gw-LF-G01-M1"});
    CHECK(ids(m.store->directory.list_staff({"grid", std::nullopt, "grid_leader", true}).value()) ==
          std::vector<std::string>{"gl-LF-G01", "gl-LF-G02"});
    CHECK(
        ids(m.store->directory.list_staff({"police", std::nullopt, std::nullopt, false}).value()) ==
        std::vector<std::string>{"Z-upper"});
  }
}
