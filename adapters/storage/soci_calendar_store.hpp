// File: adapters/storage/soci_calendar_store.hpp
//
// The calendar port (engine/deadlines/calendar_service.hpp) on the shared
// Database: the years an admin entered, in calendar_years and calendar_days
// (migration 16). Dates are stored as "YYYY-MM-DD" text.
//
//   SociCalendarStore years(db);   // db: a migrated Database
//   years.save_year({arrangement, "admin", now});
//   auto all = years.load_years();
//
// Threads and errors: as Database.
#pragma once

#include "adapters/storage/database.hpp"
#include "engine/deadlines/calendar_service.hpp"

namespace outpost {

class SociCalendarStore final : public CalendarStore {
 public:
  explicit SociCalendarStore(Database& db) : db_(db) {}

  Result<std::vector<StoredCalendarYear>> load_years() override;
  Status save_year(const StoredCalendarYear& year) override;

 private:
  Database& db_;
};

}  // namespace outpost
