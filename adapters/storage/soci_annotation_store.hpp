// File: adapters/storage/soci_annotation_store.hpp
//
// The annotation port (engine/cases/annotations.hpp) on the shared Database:
// notes and attachments (migration v2), each added in one transaction with
// the version-checked case update and its history row.
//
//   SociAnnotationStore annotations(db);       // db: a migrated Database
//   auto notes = annotations.list_notes(case_id);
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
#include "engine/cases/annotations.hpp"

namespace outpost {

class SociAnnotationStore final : public AnnotationStore {
 public:
  explicit SociAnnotationStore(Database& db) : db_(db) {}

  Status add_note(const Case& updated, std::int64_t expected_version, const HistoryEntry& entry,
                  const Note& note) override;
  Status add_attachment(const Case& updated, std::int64_t expected_version,
                        const HistoryEntry& entry, const Attachment& attachment,
                        std::string_view content) override;
  Result<std::vector<Note>> list_notes(CaseId id) override;
  Result<std::vector<Attachment>> list_attachments(CaseId id) override;
  Result<std::optional<Attachment>> find_attachment(CaseId id, std::int64_t seq) override;
  Result<std::optional<std::string>> read_attachment(std::string_view sha256) override;

 private:
  Database& db_;
};

}  // namespace outpost
