// File: adapters/storage/migration_catalogue.hpp
//
// Migration 18 (migrations.hpp lists it): the catalogue's editions
// (catalogue_editions; SociCatalogueStore, engine/directory/catalogue_service.hpp).
// Each change an admin makes (PUT /api/v1/catalogue) is a new row with who
// and when; the row with the highest version is in force. The first start
// stores config/catalogue.json as version 1 (updated_by "config").
#pragma once

#include "adapters/storage/migrations.hpp"

namespace outpost::storage {

Migration catalogue_migration();

}  // namespace outpost::storage
