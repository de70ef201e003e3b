// File: engine/cases/annotations.hpp
//
// Notes and attachments on a case, free of I/O. Adding either is a change of
// the case like an event: the case's version moves by one and a sealed history
// row ("add_note" / "add_attachment", state unchanged) joins the hash chain,
// in the same transaction as the note or attachment itself. A note or
// attachment is identified by the `seq` of that history row.
//
// The history row never carries a note's text, only its visibility and the
// SHA-256 of its body as stored, personal numbers masked (the original is kept
// sealed beside it, see Note::clear_body); for an attachment it carries the metadata (sha256,
// content_type, file_name, size), the file name's personal numbers masked
// (its original is not kept). Attachment bytes are content-addressed by
// SHA-256: identical uploads share one stored copy.
//
//   AnnotationService notes(store, store, clock, 10 * 1024 * 1024);
//   Result<Note> n = notes.add_note(id, {"回访电话已打", "internal"}, actor);
//   Result<Attachment> a = notes.add_attachment(id, {"image/png", "现场.png", bytes}, actor);
//   Result<AttachmentContent> file = notes.attachment(id, a.value().seq);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/access/permissions.hpp"
#include "engine/cases/case.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"

namespace outpost {

inline constexpr std::size_t kMaxNoteBytes = 10000;  // ~3,300 CJK characters
inline constexpr std::size_t kMaxFileNameBytes = 255;

struct Note {
  CaseId case_id = 0;
  std::int64_t seq = 0;  // the seq of the history row that added it
  std::string author;
  std::string body;        // personal numbers masked (engine/access/free_text.hpp)
  std::string visibility;  // internal | public
  Millis at = 0;
  // The body as written when `body` had numbers masked, else empty: sealed at
  // rest, never listed, shown only by a logged reveal (privacy.hpp).
  std::string clear_body;
};

struct Attachment {
  CaseId case_id = 0;
  std::int64_t seq = 0;    // the seq of the history row that added it
  std::string sha256;      // 64 lower-case hex digits of the content
  std::string media_type;  // a supported media type, without parameters
  std::string file_name;   // UTF-8, 1–255 bytes, not . or .., no '/', '\\' or control characters
  std::int64_t size = 0;
  std::string uploaded_by;
  Millis at = 0;
};

struct AttachmentContent {
  Attachment meta;
  std::string bytes;
};

struct NoteDraft {
  std::string body;
  std::string visibility = "internal";
};

// An upload as an adapter received it. `media_type` is the declared media
// type, parameters included; `content` must outlive the call.
struct AttachmentUpload {
  std::string media_type;
  std::string file_name;
  std::string_view content;
};

// What is wrong with a note: body empty, too long or not UTF-8; visibility
// not internal or public. Empty when it may be added.
std::vector<FieldError> note_errors(const NoteDraft& draft);

// The supported media types, in the order error messages list them:
// image/png, image/jpeg, image/gif, image/webp, application/pdf, text/plain.
const std::vector<std::string_view>& supported_attachment_types();

// The media type without parameters, in lower case: "Image/PNG; q=1" -> "image/png".
std::string media_type_essence(std::string_view media_type);

// Whether `bytes` are a file of the supported media type `essence`: the magic
// bytes of PNG, JPEG, GIF, WebP and PDF; valid UTF-8 without NUL for
// text/plain. False for an unsupported type.
bool content_matches_type(std::string_view bytes, std::string_view essence);

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);

// Checks the declared type (supported; text/plain only as UTF-8), the bytes
// (not empty, matching the type) and the file name. All problems at once, as
// `invalid` with fields "media_type", "body" and "file_name". On success
// returns the media type to store (the essence).
Result<std::string> check_attachment(const AttachmentUpload& upload);

// The metadata of an upload by `actor` to case `id` (seq and at unset), after
// check_attachment and the size limit (too_large over `max_bytes`).
Result<Attachment> attachment_of(CaseId id, const AttachmentUpload& upload, std::size_t max_bytes,
                                 const Actor& actor);

// The port for notes and attachments; adapters/storage implements it.
class AnnotationStore {
 public:
  virtual ~AnnotationStore() = default;

  // One transaction each: updates the case row's version (to updated.version,
  // which must be expected_version + 1), updated_at and last_hash `WHERE id =
  // updated.id AND version = expected_version`, inserts the sealed `entry`,
  // and inserts the note / attachment row. add_attachment stores `content`
  // under attachment.sha256 unless a copy is already stored. version_conflict
  // when the case row did not match.
  virtual Status add_note(const Case& updated, std::int64_t expected_version,
                          const HistoryEntry& entry, const Note& note) = 0;
  virtual Status add_attachment(const Case& updated, std::int64_t expected_version,
                                const HistoryEntry& entry, const Attachment& attachment,
                                std::string_view content) = 0;

  // Oldest first.
  virtual Result<std::vector<Note>> list_notes(CaseId id) = 0;
  virtual Result<std::vector<Attachment>> list_attachments(CaseId id) = 0;
  virtual Result<std::optional<Attachment>> find_attachment(CaseId id, std::int64_t seq) = 0;
  // The stored content with this SHA-256 (hex), if any.
  virtual Result<std::optional<std::string>> read_attachment(std::string_view sha256) = 0;
};

class AnnotationService {
 public:
  // `max_attachment_bytes`: larger uploads are too_large (an adapter may
  // refuse them earlier with the same limit). Without `permissions`,
  // every actor sees every case and may annotate it.
  AnnotationService(CaseStore& cases, AnnotationStore& store, const Clock& clock,
                    std::size_t max_attachment_bytes, const Permissions* permissions = nullptr);

  // Every call answers not_found for a case out of the actor's scope; adding
  // is forbidden to a role without add_note / add_attachment.
  Result<Note> add_note(CaseId id, const NoteDraft& draft, const Actor& actor);
  Result<Attachment> add_attachment(CaseId id, const AttachmentUpload& upload, const Actor& actor);
  // Public notes for whoever sees the case; internal ones only for a role
  // with read_internal_notes, and for their author.
  Result<std::vector<Note>> notes(CaseId id, const Actor& actor);
  Result<std::vector<Attachment>> attachments(CaseId id, const Actor& actor);
  Result<AttachmentContent> attachment(CaseId id, std::int64_t seq, const Actor& actor);

 private:
  Status require_case(CaseId id, const Actor& actor);
  // For a change: in scope (else not_found), and the action is permitted.
  Status admit(const Case& c, Action action, const Actor& actor) const;

  CaseStore& cases_;
  AnnotationStore& store_;
  const Clock& clock_;
  std::size_t max_attachment_bytes_;
  const Permissions& permissions_;
};

}  // namespace outpost
