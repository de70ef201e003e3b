// File: engine/documents/document_service.hpp
//
// Generating, storing, listing, downloading and verifying a case's documents
// (document.hpp), free of I/O: the renderer (a PDF in adapters/documents/) and
// the store (adapters/storage) are ports.
//
//   DocumentService docs(cases, store, annotation_store, renderer, privacy_store, names, clock,
//                        max_attachment_bytes, &permissions);
//   auto made = docs.generate(id, "agreement", "打印协议书供当事人签字", actor);
//   auto file = docs.download(id, made.value().seq, "存档", actor);
//   auto check = docs.verify(made.value().verify_code);   // public, no PII
//
// A document prints the parties in clear, so generating and downloading it
// follow the reveal rule: the role's `reveal` permission and a purpose; every
// granted call is an access_log row (fields ["document"]) before any byte is
// returned, every refused one too (fields ["document_refused"]), then 403.
//
// A generated document is one `generate_document` history row (state
// unchanged) carrying its id (the row's seq), kind, the PDF's SHA-256 and the
// content's SHA-256; the file is stored encrypted beside it in the same
// transaction. De-identification removes the file; the row stays in the chain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/access/permissions.hpp"
#include "engine/access/privacy.hpp"
#include "engine/cases/annotations.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/core/clock.hpp"
#include "engine/directory/directory.hpp"
#include "engine/documents/document.hpp"

namespace outpost {

struct DocumentRecord {
  CaseId case_id = 0;
  std::int64_t seq = 0;  // the document's id: the seq of its history row
  std::string case_number;
  DocumentKind kind = DocumentKind::agreement;
  std::string sha256;          // of the PDF file
  std::string content_sha256;  // of the content (document.hpp), printed in the QR code
  std::int64_t size = 0;
  std::string created_by;
  Millis created_at = 0;
  bool file_removed = false;  // de-identified: the hash stays, the bytes are gone
  std::int64_t scan_seq = 0;  // the attachment with the signed paper, 0: none yet
};

// "OUTPOST-DOC|<case number>|<document id>|<content sha256>": the QR code's
// payload and the verify endpoint's code. No personal information.
std::string document_verify_code(const DocumentRecord& d);

// Draws a document; `qr_payload` goes into its QR code.
class DocumentRenderer {
 public:
  virtual ~DocumentRenderer() = default;
  virtual Result<std::string> render(const DocumentContent& doc, std::string_view qr_payload) = 0;
};

class DocumentStore {
 public:
  virtual ~DocumentStore() = default;
  // One transaction: the version-checked case update (as AnnotationStore),
  // the history row and the document row with its file.
  virtual Status add_document(const Case& updated, std::int64_t expected_version,
                              const HistoryEntry& entry, const DocumentRecord& record,
                              std::string_view pdf) = 0;
  // Links the signed paper (the attachment added by history row `scan_seq`,
  // whose data names the document too) to document `seq`.
  virtual Status link_scan(CaseId id, std::int64_t seq, std::int64_t scan_seq) = 0;
  virtual Result<std::vector<DocumentRecord>> list_documents(CaseId id) = 0;
  virtual Result<std::optional<DocumentRecord>> find_document(CaseId id, std::int64_t seq) = 0;
  virtual Result<std::optional<DocumentRecord>> find_by_number(std::string_view case_number,
                                                               std::int64_t seq) = 0;
  virtual Result<std::optional<DocumentRecord>> find_by_sha256(std::string_view sha256) = 0;
  // The PDF; nullopt once de-identification removed it.
  virtual Result<std::optional<std::string>> read_document(CaseId id, std::int64_t seq) = 0;
};

struct GeneratedDocument {
  DocumentRecord record;
  std::string verify_code;
};

struct DocumentFile {
  DocumentRecord record;
  std::string pdf;
};

// What the public verify endpoint tells: nothing personal.
struct DocumentCheck {
  bool valid = false;
  std::string reason;  // why not, when not valid
  std::optional<DocumentRecord> record;
};

class DocumentService {
 public:
  DocumentService(CaseStore& cases, DocumentStore& store, AnnotationStore& attachments,
                  DocumentRenderer& renderer, PrivacyStore& access_log, DocumentNames names,
                  const Clock& clock, std::size_t max_scan_bytes,
                  const Permissions* permissions = nullptr, DirectoryStore* staff = nullptr);

  // invalid: unknown kind, missing purpose; not_found: case out of scope;
  // forbidden (logged): no reveal right; not_allowed_in_state: see compose_document.
  Result<GeneratedDocument> generate(CaseId id, std::string_view kind, const std::string& purpose,
                                     const Actor& actor);
  Result<std::vector<DocumentRecord>> list(CaseId id, const Actor& actor);
  Result<DocumentFile> download(CaseId id, std::int64_t seq, const std::string& purpose,
                                const Actor& actor);
  // The signed paper as an attachment linked to document `seq` (add_attachment
  // permission): one `attach_signed_document` history row.
  Result<Attachment> add_scan(CaseId id, std::int64_t seq, const AttachmentUpload& upload,
                              const Actor& actor);
  Result<DocumentCheck> verify(std::string_view code);

 private:
  Result<Case> visible_case(CaseId id, const Actor& actor);
  // The reveal rule: the purpose, the permission, one access_log row either way.
  Status admit_reveal(const Case& c, const std::string& purpose, const Actor& actor);
  // The document of `kind`, naming the staff it prints by the directory's
  // names as they are now (a member unknown to it by id).
  Result<DocumentContent> compose(DocumentKind kind, const Case& c,
                                  const std::vector<HistoryEntry>& history);

  CaseStore& cases_;
  DocumentStore& store_;
  AnnotationStore& attachments_;
  DocumentRenderer& renderer_;
  PrivacyStore& access_log_;
  DocumentNames names_;
  const Clock& clock_;
  std::size_t max_scan_bytes_;
  const Permissions& permissions_;
  DirectoryStore* staff_;
};

}  // namespace outpost
