// File: adapters/storage/soci_audit_store.hpp
//
// The audit store port (engine/audits/audit_store.hpp) on the shared Database
// (migration v10): tables audits, audit_sample, audit_findings and
// audit_history, the idempotency keys of audit changes (the shared
// idempotency_keys table, their own scope), and the period query on cases the
// sample is drawn from. Audits are few and small: one-off queries, no prepared
// set of their own; the sample and findings rows of an audit are rewritten
// with each change, in the transaction of its version-checked UPDATE.
//
//   SociAuditStore audits(*db.value());
//   auto population = audits.cases_received(from, to, now);
//
// Threads and errors: as Database.
#pragma once

#include "adapters/storage/database.hpp"
#include "adapters/storage/soci_case_store.hpp"
#include "engine/audits/audit_store.hpp"

namespace outpost {

class SociAuditStore final : public AuditStore {
 public:
  explicit SociAuditStore(Database& db) : db_(db), cases_(db) {}

  Result<Audit> insert_audit(Audit a, AuditHistoryEntry first, const IdempotencyKey* idem) override;
  Result<std::optional<Audit>> find_audit(AuditId id) override;
  Status commit_audit(const Audit& updated, std::int64_t expected_version,
                      const AuditHistoryEntry& entry, const IdempotencyKey* idem) override;
  Result<std::vector<Audit>> list_audits() override;
  Result<std::vector<AuditHistoryEntry>> audit_history(AuditId id) override;
  Result<std::vector<PopulationCase>> cases_received(Millis from, Millis to, Millis now) override;
  Result<std::optional<IdempotencyRecord>> find_idempotency(std::int64_t user_id,
                                                            std::string_view scope,
                                                            std::string_view key) override;
  Status save_idempotent_answer(const IdempotencyKey& key, std::string_view answer) override;

 private:
  Database& db_;
  SociCaseStore cases_;  // the idempotency keys, which cases and audits share
};

}  // namespace outpost
