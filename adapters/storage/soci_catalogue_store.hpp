// File: adapters/storage/soci_catalogue_store.hpp
//
// The catalogue port (engine/directory/catalogue_service.hpp) on the shared
// Database: the editions in catalogue_editions (migration 18), and how many
// cases have each category (cases.kind, cases.category).
//
//   SociCatalogueStore catalogue(db);   // db: a migrated Database
//   catalogue.save({2, text, "admin", now});   // stale_version when 2 exists
//   auto newest = catalogue.load_current();
//
// Threads and errors: as Database.
#pragma once

#include "adapters/storage/database.hpp"
#include "engine/directory/catalogue_service.hpp"

namespace outpost {

class SociCatalogueStore final : public CatalogueStore {
 public:
  explicit SociCatalogueStore(Database& db) : db_(db) {}

  Result<std::optional<CatalogueEdition>> load_current() override;
  Result<std::int64_t> current_version() override;
  Status save(const CatalogueEdition& edition) override;
  Result<std::vector<CatalogueEdition>> list_editions() override;
  Result<std::vector<CategoryUse>> category_use() override;

 private:
  Database& db_;
};

}  // namespace outpost
