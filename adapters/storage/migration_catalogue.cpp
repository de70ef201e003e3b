#include "adapters/storage/migration_catalogue.hpp"

namespace outpost::storage {

Migration catalogue_migration() {
  return {18,
          "catalogue",
          {"CREATE TABLE catalogue_editions ("
           " version bigint PRIMARY KEY,"
           " document text NOT NULL,"  // the catalogue document, JSON text
           " updated_at bigint NOT NULL,"
           " updated_by text NOT NULL)"}};
}

}  // namespace outpost::storage
