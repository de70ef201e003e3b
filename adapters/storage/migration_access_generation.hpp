// File: adapters/storage/migration_access_generation.hpp
//
// Migration 22 (migrations.hpp lists it): the access generation
// (engine/access/access_epoch.hpp), one row raised by triggers on every
// UPDATE or DELETE of tokens and users, so that token caches in every process
// on the database notice a revocation or a changed role or scope within the
// statement that reads the case; and the indexes that make the list's
// remaining sorts and its commonest filter pair index scans (bench/list_plans,
// bench/RESULTS.md): (updated_at, id) for sort=updated_at, (deadline IS NULL,
// deadline, id) for sort=deadline (nulls last) and overdue, (community, state,
// id) for community and state together.
#pragma once

#include "adapters/storage/migrations.hpp"

namespace outpost::storage {

// The subquery that reads the generation beside a statement's rows.
inline constexpr const char* kAccessGenerationColumn =
    "(SELECT generation FROM access_generation WHERE id = 1)";

Migration access_generation_migration(Dialect dialect);

}  // namespace outpost::storage
