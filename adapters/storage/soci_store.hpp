// File: adapters/storage/soci_store.hpp
//
// The one implementation of the storage ports (engine/cases/store.hpp), on SOCI, for
// SQLite (the embedded default) and PostgreSQL. Opening connects but does not
// migrate: `outpost migrate` and `outpost serve` call migrate() before anything
// else, and a store must be migrated before its case and user methods work.
//
//   auto opened = open_store("sqlite:/var/lib/outpost/outpost.db", {});
//   auto opened = open_store("postgresql://outpost@db.internal/outpost", {.pool_size = 8});
//   if (!opened) return fail(opened.error());   // invalid URL, or unavailable
//   SociStore& store = *opened.value();
//   auto applied = store.migrate();             // names of the migrations applied now
//
// Threads: every method may be called from any thread. SQLite: WAL,
// synchronous=FULL (an answered write survives power loss), one writer at a time
// per database file in the process (`BEGIN IMMEDIATE`; other processes wait up
// to 5 s), reads in parallel on pooled connections. PostgreSQL: `pool_size` connections, all
// opened up front; a call that finds its connection broken reconnects it and
// reports ErrorKind::unavailable, so the caller answers 503 and the retry works.
// No failure throws; error messages never contain stored or bound values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/access/pii.hpp"
#include "engine/access/privacy.hpp"
#include "engine/access/users.hpp"
#include "engine/cases/annotations.hpp"
#include "engine/cases/store.hpp"
#include "engine/core/error.hpp"
#include "engine/directory/directory.hpp"
#include "engine/notify/outbox.hpp"

namespace outpost {

struct StoreOptions {
  std::size_t pool_size = 4;  // connections; at least 1
  // Seals the parties of every case written and opens them when read, and
  // keeps the phone numbers' blind index (engine/access/pii.hpp). Without one (tests
  // of other concerns only), parties are stored in clear and phone lookups
  // find nothing. Rows written in clear earlier are read either way.
  std::shared_ptr<const PiiCipher> cipher;
};

class SociStore final : public CaseStore,
                        public UserStore,
                        public DirectoryStore,
                        public AnnotationStore,
                        public UserAccountStore,
                        public OutboxStore,
                        public TimerStore,
                        public PrivacyStore {
 public:
  struct Impl;
  explicit SociStore(std::unique_ptr<Impl> impl);
  ~SociStore() override;
  SociStore(const SociStore&) = delete;
  SociStore& operator=(const SociStore&) = delete;

  // "sqlite" or "postgresql".
  std::string_view backend() const;
  // Applies the pending migrations (adapters/storage/migrations.hpp); returns
  // the names of those applied by this call, empty when none was pending.
  Result<std::vector<std::string>> migrate();
  // The highest applied migration version; 0 for an empty database.
  Result<int> schema_version();

  Result<Case> insert_case(Case c, HistoryEntry first, const IdempotencyKey* idem,
                           const SideEffects* effects = nullptr) override;
  Result<std::optional<Case>> find_case(CaseId id) override;
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

  Result<std::optional<User>> find_user_by_token_hash(std::string_view token_hash) override;
  Result<User> ensure_user_with_token(std::string_view username, std::string_view role,
                                      std::string_view token_hash) override;
  Status ping() override;

  // Notes and attachments: soci_store_annotations.cpp.
  Status add_note(const Case& updated, std::int64_t expected_version, const HistoryEntry& entry,
                  const Note& note) override;
  Status add_attachment(const Case& updated, std::int64_t expected_version,
                        const HistoryEntry& entry, const Attachment& attachment,
                        std::string_view content) override;
  Result<std::vector<Note>> list_notes(CaseId id) override;
  Result<std::vector<Attachment>> list_attachments(CaseId id) override;
  Result<std::optional<Attachment>> find_attachment(CaseId id, std::int64_t seq) override;
  Result<std::optional<std::string>> read_attachment(std::string_view sha256) override;

  // DirectoryStore, in soci_store_directory.cpp.
  Result<std::vector<DepartmentEntry>> list_departments() override;
  Status upsert_department(const DepartmentEntry& d) override;
  Result<std::vector<StaffMember>> list_staff(const StaffFilter& filter) override;
  Result<std::optional<StaffMember>> find_staff(std::string_view id) override;
  Status create_staff(const StaffMember& s) override;
  Status upsert_staff(const StaffMember& s) override;
  Status set_staff_active(std::string_view id, bool active) override;
  Result<std::optional<StaffMember>> find_grid_leader(std::string_view grid) override;
  Result<DirectorySeed> seed_directory(const std::vector<DepartmentEntry>& departments,
                                       const std::vector<StaffMember>& staff) override;

  // UserAccountStore, in soci_store_users.cpp.
  Result<User> create_user(const User& user, std::string_view password_hash) override;
  Result<std::vector<User>> list_users() override;
  Result<std::optional<Credentials>> find_credentials(std::string_view username) override;
  Result<User> update_user(const User& user) override;
  Status add_token(std::int64_t user_id, std::string_view token_hash, Millis expires_at) override;
  Status revoke_token(std::string_view hash_prefix) override;
  Result<std::vector<LoginFailures>> login_failures(const std::vector<std::string>& keys,
                                                    Millis now) override;
  Result<std::vector<LoginFailures>> record_login_failure(const std::vector<std::string>& keys,
                                                          Millis now, int max_failures,
                                                          Millis lock) override;
  Status clear_login_failures(const std::vector<std::string>& keys) override;

  // PrivacyStore, in soci_store_pii.cpp.
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

  // TimerStore, in soci_store_timers.cpp.
  Result<std::vector<DueTimer>> due_timers(Millis now, int limit) override;
  Result<bool> fire_timer(const DueTimer& timer, Millis now,
                          const std::function<TimerFiring(const Case&)>& decide) override;

  // OutboxStore, in soci_store_outbox.cpp.
  Result<std::vector<StoredOutboxMessage>> claim_due_messages(Millis now, int limit,
                                                              Millis lease_until) override;
  Status record_delivery(std::int64_t seq, const DeliveryOutcome& outcome) override;
  Result<std::vector<StoredOutboxMessage>> list_outbox(std::optional<OutboxState> state,
                                                       std::optional<std::int64_t> cursor,
                                                       int limit) override;

 private:
  std::unique_ptr<Impl> impl_;
};

// url: "sqlite:PATH" (a file; created if missing) or "postgresql://…" /
// "postgres://…" (any libpq URI). A malformed URL is ErrorKind::invalid; a
// database that cannot be opened or reached is ErrorKind::unavailable.
Result<std::unique_ptr<SociStore>> open_store(const std::string& url,
                                              const StoreOptions& options = {});

}  // namespace outpost
