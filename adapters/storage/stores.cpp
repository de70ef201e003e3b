#include "adapters/storage/stores.hpp"

#include <utility>

namespace outpost {

Stores::Stores(std::unique_ptr<Database> db)
    : database(std::move(db)),
      cases(*database),
      timers(*database),
      users(*database),
      directory(*database),
      annotations(*database),
      outbox(*database),
      privacy(*database),
      audits(*database),
      reports(*database),
      proofs(*database),
      calendar(*database),
      sessions(*database),
      channels(*database),
      catalogue(*database),
      imports(*database),
      documents(*database) {}

Result<std::unique_ptr<Stores>> open_stores(const std::string& url,
                                            const DatabaseOptions& options) {
  Result<std::unique_ptr<Database>> opened = open_database(url, options);
  if (!opened) return opened.error();
  return std::make_unique<Stores>(std::move(opened.value()));
}

}  // namespace outpost
