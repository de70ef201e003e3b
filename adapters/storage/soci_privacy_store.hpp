// File: adapters/storage/soci_privacy_store.hpp
//
// The privacy port (engine/access/privacy.hpp) on the shared Database: the
// access log of reveals, the record of retention runs, and sealing the
// parties of cases written in clear before the key existed (migration 7),
// and filling the masked parties of cases written before migration 23.
//
//   SociPrivacyStore privacy(db);              // db: a migrated Database
//   auto sealed = privacy.seal_clear_parties();  // at start-up, once a key exists
//   auto masked = privacy.mask_stored_parties();  // then the lists' masked parties
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
#include "engine/access/privacy.hpp"

namespace outpost {

class SociPrivacyStore final : public PrivacyStore {
 public:
  explicit SociPrivacyStore(Database& db) : db_(db) {}

  Result<std::int64_t> log_access(const AccessLogEntry& entry) override;
  Result<std::vector<AccessLogEntry>> access_log(std::optional<CaseId> case_id,
                                                 std::optional<std::int64_t> cursor,
                                                 int limit) override;
  Result<std::int64_t> record_retention_run(const RetentionRun& run) override;
  // Seals the parties of cases written in clear (before migration 7 or
  // without a key) and indexes their phones, in batches; `progress` gets the
  // count so far after each full batch. Returns how many were sealed; none
  // without a cipher.
  Result<std::int64_t> seal_clear_parties(const std::function<void(std::int64_t)>& progress = {});
  // Fills the masked parties (cases.parties_masked, migration 23) of cases
  // written before that column existed, in batches; `progress` as above.
  // A row a case write filled meanwhile is left as that write left it.
  // Returns how many were filled.
  Result<std::int64_t> mask_stored_parties(const std::function<void(std::int64_t)>& progress = {});

 private:
  Database& db_;
};

}  // namespace outpost
