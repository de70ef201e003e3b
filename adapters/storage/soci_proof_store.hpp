// File: adapters/storage/soci_proof_store.hpp
//
// The history log port (engine/proof/proof_store.hpp) on the shared Database:
// the queue an AFTER INSERT trigger on `history` fills (migration 9), the
// sequencer that moves it into `history_log` and `history_tree` under the
// log's lock (PostgreSQL: a transaction-scoped advisory lock; SQLite: the
// write transaction), and the signed checkpoints.
//
//   SociProofStore log(db);                 // db: a migrated Database
//   auto size = log.sequence();
//   auto path = log.inclusion_proof(index, size.value());
//
// Threads and errors: as Database.
#pragma once

#include "adapters/storage/database.hpp"
#include "engine/proof/proof_store.hpp"

namespace outpost {

class SociProofStore final : public ProofStore {
 public:
  explicit SociProofStore(Database& db) : db_(db) {}

  Result<std::int64_t> sequence(std::int64_t max_entries) override;
  Result<StoredCheckpoint> append_checkpoint(
      std::optional<Millis> boundary, Millis now,
      const std::function<std::string(std::int64_t, const proof::Hash&)>& sign) override;
  Result<std::optional<StoredCheckpoint>> latest_checkpoint() override;
  Result<std::optional<StoredCheckpoint>> checkpoint_signed_since(Millis at) override;
  Result<std::vector<LogLeaf>> leaves_of(CaseId id) override;
  Result<std::optional<LogLeaf>> leaf_at(std::int64_t index) override;
  Result<std::int64_t> tree_size() override;
  Status for_each_leaf(
      std::int64_t size,
      const std::function<bool(const LogLeaf&, const HistoryEntry* entry)>& visit) override;
  Result<std::vector<CaseId>> cases_after(CaseId after, int limit) override;
  Result<proof::Hash> root_at(std::int64_t size) override;
  Result<std::vector<proof::Hash>> inclusion_proof(std::int64_t index, std::int64_t size) override;
  Result<std::vector<proof::Hash>> consistency_proof(std::int64_t old_size,
                                                     std::int64_t new_size) override;

 private:
  Database& db_;
};

}  // namespace outpost
