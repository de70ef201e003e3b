// File: adapters/storage/soci_document_store.hpp
//
// The document port (engine/documents/document_service.hpp) on the shared
// Database (migration v19): a generated PDF is stored with its case, in the
// same transaction as the version-checked case update and its history row,
// sealed with the personal-data key like the parties (it prints them in
// clear); without a key as "hex:<digits>". De-identification empties the
// content column (case_statements.cpp); the row and its hashes stay.
//
//   SociDocumentStore documents(db);
//   auto listed = documents.list_documents(case_id);
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
#include "engine/documents/document_service.hpp"

namespace soci {
class statement;
}

namespace outpost {

class SociDocumentStore final : public DocumentStore {
 public:
  explicit SociDocumentStore(Database& db) : db_(db) {}

  Status add_document(const Case& updated, std::int64_t expected_version, const HistoryEntry& entry,
                      const DocumentRecord& record, std::string_view pdf) override;
  Status link_scan(CaseId id, std::int64_t seq, std::int64_t scan_seq) override;
  Result<std::vector<DocumentRecord>> list_documents(CaseId id) override;
  Result<std::optional<DocumentRecord>> find_document(CaseId id, std::int64_t seq) override;
  Result<std::optional<DocumentRecord>> find_by_number(std::string_view case_number,
                                                       std::int64_t seq) override;
  Result<std::optional<DocumentRecord>> find_by_sha256(std::string_view sha256) override;
  Result<std::optional<std::string>> read_document(CaseId id, std::int64_t seq) override;

 private:
  Result<std::vector<DocumentRecord>> select(const std::string& where,
                                             const std::function<void(soci::statement&)>& bind);

  Database& db_;
};

}  // namespace outpost
