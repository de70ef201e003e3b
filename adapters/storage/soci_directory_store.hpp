// File: adapters/storage/soci_directory_store.hpp
//
// The directory port (engine/directory/directory.hpp) on the shared Database:
// departments and staff (migration v3).
//
//   SociDirectoryStore directory(db);          // db: a migrated Database
//   auto leader = directory.find_grid_leader("G-07");
//
// Threads and errors: as Database.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/storage/database.hpp"
#include "engine/directory/directory.hpp"

namespace outpost {

class SociDirectoryStore final : public DirectoryStore {
 public:
  explicit SociDirectoryStore(Database& db) : db_(db) {}

  Result<std::vector<DepartmentEntry>> list_departments() override;
  Status upsert_department(const DepartmentEntry& d) override;
  Result<std::vector<StaffMember>> list_staff(const StaffFilter& filter) override;
  Result<std::optional<StaffMember>> find_staff(std::string_view id) override;
  Status create_staff(const StaffMember& s) override;
  Status upsert_staff(const StaffMember& s) override;
  Status set_staff_active(std::string_view id, bool active) override;
  Result<std::optional<StaffMember>> find_grid_leader(std::string_view grid) override;
  Result<DirectorySeed> seed_directory(const std::vector<DepartmentEntry>& departments,
                                       const std::vector<StaffMember>& staff) override;

 private:
  Database& db_;
};

}  // namespace outpost
