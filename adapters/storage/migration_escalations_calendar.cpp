#include "adapters/storage/migration_escalations_calendar.hpp"

namespace outpost::storage {

Migration escalations_and_calendar_migration(Dialect dialect) {
  const std::string escalated_in_clock = dialect == Dialect::sqlite
                                             ? "json_extract(clock, '$.escalated') = 1"
                                             : "CAST(clock AS json) ->> 'escalated' = 'true'";
  return {16,
          "escalations_and_calendar",
          {"ALTER TABLE cases ADD COLUMN escalated integer NOT NULL DEFAULT 0",
           "UPDATE cases SET escalated = 1 WHERE " + escalated_in_clock,
           "CREATE INDEX cases_escalated ON cases (escalated, id)",
           // One row per year entered through the API; it replaces that year
           // of config/calendar.json.
           "CREATE TABLE calendar_years ("
           " year integer PRIMARY KEY,"
           " source text NOT NULL,"  // the notice's title
           " updated_at bigint NOT NULL,"
           " updated_by text NOT NULL)",
           // kind 'holiday' (first_day..last_day) or 'make_up' (first_day = last_day).
           "CREATE TABLE calendar_days ("
           " year integer NOT NULL REFERENCES calendar_years (year),"
           " kind text NOT NULL,"
           " name text NOT NULL,"
           " first_day text NOT NULL,"
           " last_day text NOT NULL,"
           " PRIMARY KEY (year, kind, first_day))"}};
}

}  // namespace outpost::storage
