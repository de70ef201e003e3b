// File: engine/audits/audit_store.hpp
//
// The audit store port: audits with their sample, findings and hash-chained
// history, the idempotency keys of their changes, and the one query on cases
// the sample needs (the cases received in a period). adapters/storage
// implements it with SOCI for SQLite and PostgreSQL (SociAuditStore). Each
// method fully happens or not at all; a database that does not answer is
// ErrorKind::unavailable. Implementations are thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "engine/audits/audit.hpp"
#include "engine/audits/sampling.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/core/error.hpp"

namespace outpost {

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // One transaction: draws the number from audit_number_counter (format_audit_number),
  // inserts the audit with version 1, seals `first` (its audit_id filled in)
  // and records the idempotency key (its record's case_id holds the audit id).
  virtual Result<Audit> insert_audit(Audit a, AuditHistoryEntry first,
                                     const IdempotencyKey* idem) = 0;
  virtual Result<std::optional<Audit>> find_audit(AuditId id) = 0;
  // One transaction: the audit row `WHERE id AND version = expected_version`,
  // its sample and findings as `updated` holds them, the sealed `entry`, the
  // idempotency key. version_conflict when the version moved; idempotency_race
  // when the key was committed concurrently.
  virtual Status commit_audit(const Audit& updated, std::int64_t expected_version,
                              const AuditHistoryEntry& entry, const IdempotencyKey* idem) = 0;
  // Newest first.
  virtual Result<std::vector<Audit>> list_audits() = 0;
  // Oldest first.
  virtual Result<std::vector<AuditHistoryEntry>> audit_history(AuditId id) = 0;

  // Every case created in [from, to), ascending by id, as the sample sees it:
  // high_risk is risk_level "high"; overdue is the step clock breached or
  // escalated, or its deadline before `now`; returns is the case's return
  // count; dissatisfied is the latest follow-up's satisfaction "dissatisfied".
  virtual Result<std::vector<PopulationCase>> cases_received(Millis from, Millis to,
                                                             Millis now) = 0;

  virtual Result<std::optional<IdempotencyRecord>> find_idempotency(std::int64_t user_id,
                                                                    std::string_view scope,
                                                                    std::string_view key) = 0;
  virtual Status save_idempotent_answer(const IdempotencyKey& key, std::string_view answer) = 0;
};

}  // namespace outpost
