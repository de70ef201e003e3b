// File: engine/directory/directory.hpp
//
// Departments and staff (部门与人员): who can be dispatched to, and the grid
// leader (网格长) that routing adds as co-handler. The shipped roster is
// config/staff.json; it seeds the store once, after which the admin API owns
// the rows (a restart does not overwrite them). Nothing here does I/O: the
// rows live behind the DirectoryStore port, implemented in adapters/storage.
//
//   Directory dir(store, jurisdiction);
//   auto created = dir.create_staff(member, actor);       // forbidden / already_exists / invalid
//   auto leader = store.find_grid_leader("LF-G01");       // the active grid_leader, if any
//
// Staff members carry no personal contact data (no phone, no ID number): the
// roster is configuration and configuration is not the place for PII.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/access/permissions.hpp"
#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"
#include "engine/directory/catalogue.hpp"
#include "engine/directory/jurisdiction.hpp"

namespace outpost {

// The roles the engine gives a meaning to. Other roles (police_officer,
// counsellor, patrol_member, …) are free ASCII codes.
inline constexpr std::string_view kGridLeaderRole = "grid_leader";  // needs a grid
inline constexpr std::string_view kGridWorkerRole = "grid_worker";  // needs a micro-grid

struct DepartmentEntry {
  std::string code;
  std::string name;
  bool active = true;

  bool operator==(const DepartmentEntry&) const = default;
};

struct StaffMember {
  std::string id;  // ASCII code, e.g. "gl-LF-G01"
  std::string name;
  std::string department;
  std::string role;
  std::string grid;        // empty when the member has none
  std::string micro_grid;  // empty when none; else a micro-grid of `grid`
  bool active = true;

  bool operator==(const StaffMember&) const = default;
};

// Every member that is set must match; the list is ordered by id.
struct StaffFilter {
  std::optional<std::string> department, grid, role;
  std::optional<bool> active;
};

struct DirectorySeed {
  int departments = 0;  // rows inserted by this call
  int staff = 0;
};

// The storage port. Thread-safe; every method fully happens or not at all.
class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;

  // Ordered by code.
  virtual Result<std::vector<DepartmentEntry>> list_departments() = 0;
  // Creates the department or replaces its name and active flag.
  virtual Status upsert_department(const DepartmentEntry& d) = 0;

  virtual Result<std::vector<StaffMember>> list_staff(const StaffFilter& filter) = 0;
  virtual Result<std::optional<StaffMember>> find_staff(std::string_view id) = 0;
  // Inserts a new member; ErrorKind::already_exists when the id is taken.
  virtual Status create_staff(const StaffMember& s) = 0;
  // Creates the member or replaces every field of it.
  virtual Status upsert_staff(const StaffMember& s) = 0;
  // ErrorKind::not_found when there is no such member.
  virtual Status set_staff_active(std::string_view id, bool active) = 0;
  // The active member with role grid_leader in this grid (the lowest id when
  // there are several), or nullopt. Routing adds them as co-handler.
  virtual Result<std::optional<StaffMember>> find_grid_leader(std::string_view grid) = 0;

  // Start-up seeding from configuration in one transaction: inserts the
  // departments whose code is missing (existing rows keep their admin-set
  // name and flag) and, only when the staff table is empty, the whole roster.
  // Safe when several processes seed at once.
  virtual Result<DirectorySeed> seed_directory(const std::vector<DepartmentEntry>& departments,
                                               const std::vector<StaffMember>& staff) = 0;
};

// The catalogue's departments as directory rows, all active.
std::vector<DepartmentEntry> departments_of(const Catalogue& catalogue);

// Field problems of a department or a staff member; empty when valid. Paths
// are `prefix` + "." + member ("code", "staff[3].grid"), or the bare member
// name when `prefix` is empty. A staff member's department must be one of
// `departments` (active or not), its grid a grid of the jurisdiction and its
// micro-grid a micro-grid of that grid; a grid_leader needs a grid and a
// grid_worker a micro-grid.
std::vector<FieldError> check_department(const DepartmentEntry& d, std::string_view prefix = {});
std::vector<FieldError> check_staff(const StaffMember& s,
                                    const std::vector<DepartmentEntry>& departments,
                                    const Jurisdiction& jurisdiction, std::string_view prefix = {});

// A roster (config/staff.json) as a whole: the members in document order,
// refused (ErrorKind::invalid, one field error per problem, e.g.
// "staff[12].grid") when any member fails check_staff or repeats an id.
Result<std::vector<StaffMember>> make_roster(std::vector<StaffMember> members,
                                             const std::vector<DepartmentEntry>& departments,
                                             const Jurisdiction& jurisdiction);

// What PATCH /api/v1/staff/{id} changes: the members given; an empty grid
// or micro_grid clears it.
struct StaffChange {
  std::optional<std::string> name{}, department{}, role{}, grid{}, micro_grid{};
  std::optional<bool> active{};
};

// What PUT /api/v1/departments/{code} gives.
struct DepartmentChange {
  std::optional<std::string> name{};
  std::optional<bool> active{};
};

// Without configured permissions, only administrators and supervisors change
// the directory (the shipped config/permissions.json says the same).
bool may_administer_directory(const Actor& actor);

// The admin use cases: authorise (ErrorKind::forbidden: Action::manage_directory
// of `permissions`, or may_administer_directory without them), validate
// (ErrorKind::invalid, nothing stored), then write.
class Directory {
 public:
  Directory(DirectoryStore& store, const Jurisdiction& jurisdiction,
            const Permissions* permissions = nullptr)
      : store_(store), jurisdiction_(jurisdiction), permissions_(permissions) {}

  // Ok when the actor may change the directory; forbidden otherwise. Every
  // change asks; an adapter may ask before it reads a request's body.
  Status authorise(const Actor& actor) const;

  // already_exists for a taken id.
  Result<StaffMember> create_staff(const StaffMember& member, const Actor& actor);
  // A change of only `active` is applied without re-validating the rest, so
  // that a member whose grid left the jurisdiction can still be deactivated.
  Result<StaffMember> update_staff(std::string_view id, const StaffChange& change,
                                   const Actor& actor);
  // Creates (name required) or changes (name and/or active) a department.
  // `created` tells which.
  struct PutDepartment {
    DepartmentEntry department;
    bool created = false;
  };
  Result<PutDepartment> put_department(std::string_view code, const DepartmentChange& change,
                                       const Actor& actor);
  // invalid when the filter names an unknown department or grid.
  Result<std::vector<StaffMember>> list_staff(const StaffFilter& filter);

 private:
  DirectoryStore& store_;
  const Jurisdiction& jurisdiction_;
  const Permissions* permissions_;
};

}  // namespace outpost
