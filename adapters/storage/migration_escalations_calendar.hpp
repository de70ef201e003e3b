// File: adapters/storage/migration_escalations_calendar.hpp
//
// Migration 16 (migrations.hpp lists it): the `escalated` column of cases,
// mirror of the step clock's flag for the 督办 queue (GET
// /api/v1/queues/escalated), filled from the stored clock JSON and indexed;
// and the working-calendar years an admin enters through PUT
// /api/v1/calendar/{year} (calendar_years, calendar_days; SociCalendarStore).
#pragma once

#include "adapters/storage/migrations.hpp"

namespace outpost::storage {

Migration escalations_and_calendar_migration(Dialect dialect);

}  // namespace outpost::storage
