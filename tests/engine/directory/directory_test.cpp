// Departments and staff: the shipped roster (config/staff.json), the field
// validation of engine/directory/directory.hpp, and the admin use cases of Directory
// against an in-memory DirectoryStore.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "engine/directory/directory.hpp"
#include "tests/support/shipped_config.hpp"

namespace {

using namespace outpost;

using testing::fields_of;

const config::DomainConfig& shipped() {
  return testing::shipped_config();
}

StaffMember worker() {
  return StaffMember{"gw-test", "测试员", "grid", "grid_worker", "LF-G01", "LF-G01-M2", true};
}

std::vector<FieldError> check(const StaffMember& s) {
  return check_staff(s, departments_of(shipped().catalogue), shipped().jurisdiction);
}

// Rows in maps; counts every write so tests can prove that nothing was written.
class MemoryDirectory final : public DirectoryStore {
 public:
  std::map<std::string, DepartmentEntry> departments;
  std::map<std::string, StaffMember> staff;
  int writes = 0;

  Result<std::vector<DepartmentEntry>> list_departments() override {
    std::vector<DepartmentEntry> out;
    for (const auto& [code, d] : departments) out.push_back(d);
    return out;
  }
  Status upsert_department(const DepartmentEntry& d) override {
    ++writes;
    departments[d.code] = d;
    return Ok{};
  }
  Result<std::vector<StaffMember>> list_staff(const StaffFilter& f) override {
    std::vector<StaffMember> out;
    for (const auto& [id, s] : staff) {
      if ((!f.department || s.department == *f.department) && (!f.grid || s.grid == *f.grid) &&
          (!f.role || s.role == *f.role) && (!f.active || s.active == *f.active)) {
        out.push_back(s);
      }
    }
    return out;
  }
  Result<std::optional<StaffMember>> find_staff(std::string_view id) override {
    auto it = staff.find(std::string(id));
    if (it == staff.end()) return std::optional<StaffMember>{};
    return std::optional<StaffMember>{it->second};
  }
  Status create_staff(const StaffMember& s) override {
    if (staff.contains(s.id)) return Error::make(ErrorKind::already_exists, "taken");
    ++writes;
    staff[s.id] = s;
    return Ok{};
  }
  Status upsert_staff(const StaffMember& s) override {
    ++writes;
    staff[s.id] = s;
    return Ok{};
  }
  Status set_staff_active(std::string_view id, bool active) override {
    auto it = staff.find(std::string(id));
    if (it == staff.end()) return Error::make(ErrorKind::not_found, "none");
    ++writes;
    it->second.active = active;
    return Ok{};
  }
  Result<std::optional<StaffMember>> find_grid_leader(std::string_view grid) override {
    for (const auto& [id, s] : staff) {
      if (s.grid == grid && s.role == kGridLeaderRole && s.active) {
        return std::optional<StaffMember>{s};
      }
    }
    return std::optional<StaffMember>{};
  }
  Result<DirectorySeed> seed_directory(const std::vector<DepartmentEntry>& ds,
                                       const std::vector<StaffMember>& ss) override {
    DirectorySeed seeded;
    for (const auto& d : ds) seeded.departments += departments.emplace(d.code, d).second ? 1 : 0;
    if (staff.empty()) {
      for (const auto& s : ss) seeded.staff += staff.emplace(s.id, s).second ? 1 : 0;
    }
    return seeded;
  }
};

const Actor kAdmin{1, "admin", "admin", "", ""};
const Actor kSupervisor{2, "sup", "supervisor", "", ""};
const Actor kDesk{3, "desk", "desk", "", ""};

struct Fixture {
  MemoryDirectory store;
  Directory directory{store, shipped().jurisdiction};
  Fixture() {
    (void)store.seed_directory(departments_of(shipped().catalogue), shipped().staff);
    store.writes = 0;
  }
};

}  // namespace

TEST_SUITE("engine_directory") {
  TEST_CASE("the shipped roster is sized like Longfengqiao and names every grid once") {
    const auto& staff = shipped().staff;
    const Jurisdiction& j = shipped().jurisdiction;
    std::set<std::string> leader_grids, worker_micro_grids, ids;
    int patrol = 0;
    std::set<std::string> departments;
    for (const StaffMember& s : staff) {
      CHECK(ids.insert(s.id).second);
      departments.insert(s.department);
      if (s.role == kGridLeaderRole) {
        CHECK(s.department == "grid");
        CHECK(leader_grids.insert(s.grid).second);
      }
      if (s.role == kGridWorkerRole) {
        CHECK(s.department == "grid");
        CHECK(j.grid_of_micro_grid(s.micro_grid) == s.grid);
        CHECK(worker_micro_grids.insert(s.micro_grid).second);
      }
      if (s.role == "patrol_member") ++patrol;
    }
    CHECK(leader_grids.size() == 35);
    CHECK(leader_grids.size() == j.grid_count());
    CHECK(worker_micro_grids.size() == 155);
    CHECK(worker_micro_grids.size() == j.micro_grid_count());
    CHECK(patrol == 28);
    for (const Department& d : shipped().catalogue.departments()) {
      CHECK_MESSAGE(departments.contains(d.code), "nobody in ", d.code);
    }
  }

  TEST_CASE("a valid member passes and each wrong reference names its field") {
    CHECK(check(worker()).empty());
    StaffMember s = worker();
    SUBCASE("unknown department") {
      s.department = "fire";
      CHECK(fields_of(check(s)) == std::vector<std::string>{"department"});
    }
    SUBCASE("unknown grid") {
      s.grid = "LF-G99";
      s.micro_grid.clear();
      s.role = "volunteer";
      CHECK(fields_of(check(s)) == std::vector<std::string>{"grid"});
    }
    SUBCASE("a micro-grid of another grid") {
      s.micro_grid = "LY-G01-M1";
      CHECK(fields_of(check(s)) == std::vector<std::string>{"micro_grid"});
    }
    SUBCASE("unknown micro-grid") {
      s.micro_grid = "LF-G01-M9";
      CHECK(fields_of(check(s)) == std::vector<std::string>{"micro_grid"});
    }
    SUBCASE("a micro-grid without its grid") {
      s.grid.clear();
      CHECK(fields_of(check(s)) == std::vector<std::string>{"grid"});
    }
    SUBCASE("a grid_worker needs a micro-grid, a grid_leader a grid") {
      s.micro_grid.clear();
      CHECK(fields_of(check(s)) == std::vector<std::string>{"micro_grid"});
      s.role = "grid_leader";
      s.grid.clear();
      CHECK(fields_of(check(s)) == std::vector<std::string>{"grid"});
    }
    SUBCASE("malformed id, name and role") {
      s.id = "has space";
      s.name = " ";
      s.role = "Grid Worker";
      CHECK(fields_of(check(s)) == std::vector<std::string>{"id", "name", "role"});
    }
    SUBCASE("a path prefix is kept") {
      s.department = "fire";
      CHECK(fields_of(check_staff(s, departments_of(shipped().catalogue), shipped().jurisdiction,
                                  "staff[4]")) == std::vector<std::string>{"staff[4].department"});
    }
  }

  TEST_CASE("make_roster refuses the whole roster for one bad member or a repeated id") {
    StaffMember a{"a", "甲", "police", "officer", "", "", true};
    StaffMember again = a;
    again.name = "乙";
    StaffMember c{"c", "丙", "nowhere", "officer", "", "", true};
    const auto departments = departments_of(shipped().catalogue);
    auto r = make_roster({a, again, c}, departments, shipped().jurisdiction);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::invalid);
    CHECK(fields_of(r.error().fields) ==
          std::vector<std::string>{"staff[1].id", "staff[2].department"});
    auto ok = make_roster({a, worker()}, departments, shipped().jurisdiction);
    REQUIRE(ok);
    CHECK(ok.value().size() == 2);
  }

  TEST_CASE("only admins and supervisors change the directory") {
    CHECK(may_administer_directory(kAdmin));
    CHECK(may_administer_directory(kSupervisor));
    CHECK_FALSE(may_administer_directory(kDesk));
    Fixture t;
    const StaffMember body{"police-09", "新民警", "police", "officer", "", "", true};
    CHECK(t.directory.create_staff(body, kDesk).error().kind == ErrorKind::forbidden);
    CHECK(t.directory.update_staff("police-01", StaffChange{.active = false}, kDesk).error().kind ==
          ErrorKind::forbidden);
    CHECK(
        t.directory.put_department("fire", DepartmentChange{.name = "消防"}, kDesk).error().kind ==
        ErrorKind::forbidden);
    CHECK(t.directory.authorise(kDesk).error().kind == ErrorKind::forbidden);
    CHECK(t.directory.authorise(kSupervisor));
    CHECK(t.store.writes == 0);
    REQUIRE(t.directory.create_staff(body, kSupervisor));
    CHECK(t.directory.create_staff(body, kAdmin).error().kind == ErrorKind::already_exists);
    CHECK(t.store.writes == 1);
  }

  TEST_CASE("update_staff merges and validates the result and deactivates without re-validating") {
    Fixture t;
    auto moved = t.directory.update_staff(
        "gw-LF-G01-M1", StaffChange{.grid = "LF-G02", .micro_grid = "LF-G02-M3"}, kAdmin);
    REQUIRE(moved);
    CHECK(moved.value().micro_grid == "LF-G02-M3");
    CHECK(t.store.staff.at("gw-LF-G01-M1").grid == "LF-G02");

    auto stale = t.directory.update_staff("gw-LF-G01-M2", StaffChange{.grid = "LF-G03"}, kAdmin);
    REQUIRE_FALSE(stale);
    CHECK(fields_of(stale.error().fields) == std::vector<std::string>{"micro_grid"});
    auto cleared = t.directory.update_staff("gw-LF-G01-M2", StaffChange{.micro_grid = ""}, kAdmin);
    REQUIRE_FALSE(cleared);  // a grid_worker needs a micro-grid
    CHECK(fields_of(cleared.error().fields) == std::vector<std::string>{"micro_grid"});
    CHECK(t.store.writes == 1);

    t.store.staff.at("police-01").grid = "XX-G01";  // its grid left the jurisdiction
    REQUIRE(t.directory.update_staff("police-01", StaffChange{.active = false}, kAdmin));
    CHECK_FALSE(t.store.staff.at("police-01").active);
    CHECK(t.directory.update_staff("nobody", StaffChange{.active = false}, kAdmin).error().kind ==
          ErrorKind::not_found);
  }

  TEST_CASE("put_department creates with a name and renames and refuses bad codes") {
    Fixture t;
    CHECK(t.directory.put_department("fire", DepartmentChange{}, kAdmin).error().fields[0].field ==
          "name");
    auto created = t.directory.put_department("fire", DepartmentChange{.name = "消防"}, kAdmin);
    REQUIRE(created);
    CHECK(created.value().created);
    auto renamed = t.directory.put_department("fire", DepartmentChange{.active = false}, kAdmin);
    REQUIRE(renamed);
    CHECK_FALSE(renamed.value().created);
    CHECK(renamed.value().department == DepartmentEntry{"fire", "消防", false});
    CHECK(t.directory.put_department("Fire Dept", DepartmentChange{.name = "消防"}, kAdmin)
              .error()
              .fields[0]
              .field == "code");
  }

  TEST_CASE("list_staff refuses unknown departments and grids") {
    Fixture t;
    auto bad = t.directory.list_staff(StaffFilter{"fire", "LF-G99", std::nullopt, std::nullopt});
    REQUIRE_FALSE(bad);
    CHECK(fields_of(bad.error().fields) == std::vector<std::string>{"department", "grid"});
    auto grid = t.directory.list_staff(StaffFilter{std::nullopt, "LF-G01", std::nullopt, true});
    REQUIRE(grid);
    CHECK(grid.value().size() == 6);  // the leader and five micro-grid workers
  }
}
