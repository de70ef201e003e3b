// File: adapters/storage/soci_case_store.hpp
//
// The case store port (engine/cases/case_store.hpp) on the shared Database: cases,
// their history, idempotency keys, and the list and count queries. A
// transition's timers, outbox rows and phone index are written in the same
// transaction as the case (CaseStatements, case_statements.hpp).
//
//   auto db = open_database(url, options);     // database.hpp; migrated
//   SociCaseStore cases(*db.value());
//   auto page = cases.list_cases(filter);
//
// PostgreSQL: the common transition (handlers unchanged, no Idempotency-Key,
// no side effects or only its pending timers replaced) is one statement in
// autocommit, and concurrent read_case calls share one statement
// (case_reads.hpp). SQLite: writes of cases share a transaction and its fsync
// with other writers (group commit).
// Threads and errors: as Database.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "adapters/storage/database.hpp"
#include "engine/cases/case_store.hpp"

namespace soci {
class statement;
}

namespace outpost {

namespace storage {
class CaseReads;
class CaseStatements;
class FastStatement;
}  // namespace storage

class SociCaseStore final : public CaseStore {
 public:
  explicit SociCaseStore(Database& db);
  ~SociCaseStore() override;

  Result<Case> insert_case(Case c, HistoryEntry first, const IdempotencyKey* idem,
                           const SideEffects* effects = nullptr) override;
  Result<std::optional<Case>> find_case(CaseId id) override;
  Result<std::optional<Case>> read_case(CaseId id) override;
  void read_case_later(CaseId id, std::function<void(CaseRead)> done) override;
  Status commit_transition(const Case& updated, std::int64_t expected_version,
                           const HistoryEntry& entry, const IdempotencyKey* idem,
                           const SideEffects* effects = nullptr) override;
  Result<CasePage> list_cases(const CaseFilter& filter) override;
  Result<std::int64_t> count_matching(const CaseFilter& filter) override;
  Result<std::vector<CaseId>> duplicates_of(CaseId id) override;
  Result<std::vector<HistoryEntry>> history(CaseId id) override;
  Result<std::optional<IdempotencyRecord>> find_idempotency(std::int64_t user_id,
                                                            std::string_view scope,
                                                            std::string_view key) override;
  Status save_idempotent_answer(const IdempotencyKey& key, std::string_view answer) override;
  Result<std::int64_t> count_cases() override;

 private:
  // PostgreSQL: the batched reads of read_case (case_reads.hpp); null on SQLite.
  storage::CaseReads* batched_reads();
  // find_case with `select` (select_case, or select_case_shown for showing).
  Result<std::optional<Case>> read_with(CaseId id,
                                        storage::FastStatement storage::CaseStatements::*select);

  Database& db_;
  std::uint64_t serial_ = 0;  // this store among the process's, never reused
  std::once_flag reads_started_;
  std::unique_ptr<storage::CaseReads> reads_;
};

}  // namespace outpost
