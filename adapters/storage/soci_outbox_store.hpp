// File: adapters/storage/soci_outbox_store.hpp
//
// The outbox port (engine/notify/outbox.hpp) on the shared Database: claiming
// due messages for delivery and recording the outcome (migration v6). The
// messages themselves are written with the case change that caused them
// (SociCaseStore, write_effects in case_statements.hpp).
//
//   SociOutboxStore outbox(db);                // db: a migrated Database
//   auto due = outbox.claim_due_messages(now, 50, now + 30000);
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
#include "engine/notify/outbox.hpp"

namespace outpost {

class SociOutboxStore final : public OutboxStore {
 public:
  explicit SociOutboxStore(Database& db) : db_(db) {}

  Result<std::vector<StoredOutboxMessage>> claim_due_messages(Millis now, int limit,
                                                              Millis lease_until) override;
  Status record_delivery(std::int64_t seq, const DeliveryOutcome& outcome) override;
  Result<std::vector<StoredOutboxMessage>> list_outbox(std::optional<OutboxState> state,
                                                       std::optional<std::int64_t> cursor,
                                                       int limit) override;

 private:
  Database& db_;
};

}  // namespace outpost
