// File: adapters/storage/soci_import_store.hpp
//
// ImportStore (engine/cases/ledger_import.hpp) on the shared Database: the
// historic cases of an imported ledger, written like CaseStore::insert_case
// (the same prepared statements: number, sealed parties, phone index, first
// history row on the hash chain), with one row per (ledger, number) in
// `ledger_imports` (migration 20), whose primary key makes an import
// idempotent even when two run at once.
//
//   SociImportStore imports(db);             // db: a migrated Database
//   auto stored = imports.insert_historic("2021台账", std::move(cases));
//
// Threads and errors: as Database.
#pragma once

#include "adapters/storage/database.hpp"
#include "engine/cases/ledger_import.hpp"

namespace outpost {

class SociImportStore final : public ImportStore {
 public:
  explicit SociImportStore(Database& db) : db_(db) {}

  Result<std::set<std::string>> imported_numbers(const std::string& ledger,
                                                 const std::vector<std::string>& numbers) override;
  Result<std::int64_t> insert_historic(const std::string& ledger,
                                       std::vector<HistoricCase> cases) override;

 private:
  Database& db_;
};

}  // namespace outpost
