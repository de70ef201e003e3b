#include "engine/cases/annotations.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <boost/json/object.hpp>

#include "engine/access/free_text.hpp"
#include "engine/cases/audit_chain.hpp"
#include "engine/cases/case_commit.hpp"

namespace outpost {
namespace json = boost::json;

namespace {

constexpr std::string_view kPublicNote = "public";
constexpr std::array kVisibilities{"internal", "public"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of parameter `name` of a media type ("text/plain; charset=UTF-8"),
// unquoted and lower-cased; nullopt when absent.
std::optional<std::string> media_type_parameter(std::string_view media_type,
                                                std::string_view name) {
  std::size_t at = media_type.find(';');
  while (at != std::string_view::npos) {
    std::string_view rest = media_type.substr(at + 1);
    const std::size_t next = rest.find(';');
    const std::string_view param = trim(rest.substr(0, next));
    const std::size_t eq = param.find('=');
    if (eq != std::string_view::npos && lower(trim(param.substr(0, eq))) == name) {
      std::string_view value = trim(param.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return lower(value);
    }
    at = next == std::string_view::npos ? next : at + 1 + next;
  }
  return std::nullopt;
}

bool starts_with_bytes(std::string_view bytes, std::string_view magic) {
  return bytes.substr(0, magic.size()) == magic;
}

void check_note(const NoteDraft& draft, std::vector<FieldError>& errors) {
  if (draft.body.empty()) {
    errors.push_back({"body", "must not be empty"});
  } else if (draft.body.size() > kMaxNoteBytes) {
    errors.push_back({"body", "is longer than " + std::to_string(kMaxNoteBytes) + " bytes"});
  } else if (!is_valid_utf8(draft.body)) {
    errors.push_back({"body", "is not valid UTF-8"});
  }
  if (std::find(kVisibilities.begin(), kVisibilities.end(), draft.visibility) ==
      kVisibilities.end()) {
    errors.push_back({"visibility", "must be one of: internal public"});
  }
}

Error invalid(std::string message, std::vector<FieldError> fields) {
  Error e{ErrorKind::invalid, std::move(message)};
  e.fields = std::move(fields);
  return e;
}

// Whether `name` holds a bidirectional override or isolate (U+202A..U+202E,
// U+2066..U+2069), which would show "gpj.exe" as "exe.jpg".
bool has_bidi_control(std::string_view name) {
  for (std::size_t i = 0; i + 2 < name.size(); ++i) {
    if (name[i] != '\xe2') continue;
    const auto b1 = static_cast<unsigned char>(name[i + 1]);
    const auto b2 = static_cast<unsigned char>(name[i + 2]);
    if ((b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae) || (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9)) {
      return true;
    }
  }
  return false;
}

// A file name is shown and offered for download as is: it names no directory
// (no '/' or '\\', not "." or ".."), and has no control characters.
void check_file_name(std::string_view name, std::vector<FieldError>& errors) {
  if (name.empty()) {
    errors.push_back({"file_name", "is required (X-File-Name header)"});
    return;
  }
  if (name.size() > kMaxFileNameBytes) {
    errors.push_back({"file_name", "is longer than 255 bytes"});
    return;
  }
  const bool bad_char = std::any_of(name.begin(), name.end(), [](char ch) {
    const auto u = static_cast<unsigned char>(ch);
    return ch == '/' || ch == '\\' || u < 0x20 || u == 0x7f;
  });
  if (bad_char || name == "." || name == ".." || has_bidi_control(name)) {
    errors.push_back(
        {"file_name", "must not be . or .. nor contain '/', '\\' or control characters"});
  } else if (!is_valid_utf8(name)) {
    errors.push_back({"file_name", "is not valid UTF-8"});
  }
}

// Records `event` with `data` on the case, state unchanged, and hands the
// changed case and its history row to `commit` (see engine/cases/case_commit.hpp).
Result<CommittedChange> commit_annotation(CaseStore& cases, const Clock& clock, CaseId id,
                                          const Actor& actor, std::string_view event,
                                          const json::object& data, const CommitChange& commit,
                                          const AdmitChange& admit) {
  return commit_case_change(
      cases, clock, id, actor, std::nullopt,
      [&](const Case& current) -> Result<CaseChange> {
        return CaseChange{current, std::string(event), data};
      },
      commit, admit);
}

}  // namespace

std::vector<FieldError> note_errors(const NoteDraft& draft) {
  std::vector<FieldError> errors;
  check_note(draft, errors);
  return errors;
}

const std::vector<std::string_view>& supported_attachment_types() {
  static const std::vector<std::string_view> types{"image/png",  "image/jpeg",      "image/gif",
                                                   "image/webp", "application/pdf", "text/plain"};
  return types;
}

std::string media_type_essence(std::string_view media_type) {
  return lower(trim(media_type.substr(0, media_type.find(';'))));
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // the allowed range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      len = 3;
      if (b0 == 0xe0) lo = 0xa0;  // no overlong forms
      if (b0 == 0xed) hi = 0x9f;  // no surrogates
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      len = 4;
      if (b0 == 0xf0) lo = 0x90;  // no overlong forms
      if (b0 == 0xf4) hi = 0x8f;  // nothing above U+10FFFF
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    if (b1 < lo || b1 > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if (b < 0x80 || b > 0xbf) return false;
    }
    i += len;
  }
  return true;
}

bool content_matches_type(std::string_view bytes, std::string_view essence) {
  using namespace std::string_view_literals;
  if (essence == "image/png") return starts_with_bytes(bytes, "\x89PNG\r\n\x1a\n"sv);
  if (essence == "image/jpeg") return starts_with_bytes(bytes, "\xff\xd8\xff"sv);
  if (essence == "image/gif") {
    return starts_with_bytes(bytes, "GIF87a"sv) || starts_with_bytes(bytes, "GIF89a"sv);
  }
  if (essence == "image/webp") {
    return bytes.size() >= 12 && starts_with_bytes(bytes, "RIFF"sv) &&
           bytes.substr(8, 4) == "WEBP"sv;
  }
  if (essence == "application/pdf") return starts_with_bytes(bytes, "%PDF-"sv);
  if (essence == "text/plain") {
    return bytes.find('\0') == std::string_view::npos && is_valid_utf8(bytes);
  }
  return false;
}

Result<std::string> check_attachment(const AttachmentUpload& upload) {
  std::vector<FieldError> errors;
  std::string message = "the attachment is not valid";
  const std::string essence = media_type_essence(upload.media_type);
  const auto& types = supported_attachment_types();
  const bool supported = std::find(types.begin(), types.end(), essence) != types.end();
  if (essence.empty()) {
    errors.push_back({"media_type", "is required: the media type of the file"});
  } else if (!supported) {
    message = "unsupported type '" + essence + "'";
    std::string list;
    for (auto t : types) list += std::string(list.empty() ? "" : ", ") + std::string(t);
    errors.push_back({"media_type", "unsupported type '" + essence + "'; supported: " + list});
  } else if (essence == "text/plain") {
    const auto charset = media_type_parameter(upload.media_type, "charset");
    if (charset && *charset != "utf-8" && *charset != "us-ascii") {
      errors.push_back({"media_type", "text/plain attachments must be UTF-8"});
    }
  }
  if (upload.content.empty()) {
    errors.push_back({"body", "is empty: send the file as the request body"});
  } else if (supported && !content_matches_type(upload.content, essence)) {
    message = "the content does not match its declared type " + essence;
    errors.push_back({"body", "the bytes are not a " + essence + " file"});
  }
  check_file_name(upload.file_name, errors);
  if (!errors.empty()) return invalid(std::move(message), std::move(errors));
  return essence;
}

Result<Attachment> attachment_of(CaseId id, const AttachmentUpload& upload, std::size_t max_bytes,
                                 const Actor& actor) {
  if (upload.content.size() > max_bytes) {
    return Error::make(ErrorKind::too_large,
                       "the file is larger than " + std::to_string(max_bytes) + " bytes");
  }
  auto media_type = check_attachment(upload);
  if (!media_type) return media_type.error();
  Attachment meta;
  meta.case_id = id;
  meta.sha256 = sha256_hex(upload.content);
  meta.media_type = std::move(media_type.value());
  meta.file_name = mask_personal_numbers(upload.file_name);
  meta.size = static_cast<std::int64_t>(upload.content.size());
  meta.uploaded_by = actor.username;
  return meta;
}

AnnotationService::AnnotationService(CaseStore& cases, AnnotationStore& store, const Clock& clock,
                                     std::size_t max_attachment_bytes,
                                     const Permissions* permissions)
    : cases_(cases),
      store_(store),
      clock_(clock),
      max_attachment_bytes_(max_attachment_bytes),
      permissions_(permissions != nullptr ? *permissions : Permissions::unrestricted()) {}

Status AnnotationService::admit(const Case& c, Action action, const Actor& actor) const {
  if (!permissions_.sees(c, actor))
    return Error::make(ErrorKind::not_found, "no case with this id");
  return permissions_.check(action, actor, &c);
}

Result<Note> AnnotationService::add_note(CaseId id, const NoteDraft& draft, const Actor& actor) {
  std::vector<FieldError> errors;
  check_note(draft, errors);
  if (!errors.empty()) return invalid("the note has invalid fields", std::move(errors));
  Note note{id, 0, actor.username, mask_personal_numbers(draft.body), draft.visibility, 0, {}};
  if (note.body != draft.body) note.clear_body = draft.body;
  const json::object data{{"visibility", draft.visibility}, {"body_sha256", sha256_hex(note.body)}};
  auto entry = commit_annotation(
      cases_, clock_, id, actor, "add_note", data,
      [&](const Case& next, std::int64_t expected, const HistoryEntry& e) {
        note.seq = e.seq;
        note.at = e.at;
        return store_.add_note(next, expected, e, note);
      },
      [&](const Case& c) { return admit(c, Action::add_note, actor); });
  if (!entry) return entry.error();
  return note;
}

Result<Attachment> AnnotationService::add_attachment(CaseId id, const AttachmentUpload& upload,
                                                     const Actor& actor) {
  auto checked = attachment_of(id, upload, max_attachment_bytes_, actor);
  if (!checked) return checked.error();
  Attachment meta = std::move(checked.value());
  const json::object data{{"sha256", meta.sha256},
                          {"content_type", meta.media_type},
                          {"file_name", meta.file_name},
                          {"size", meta.size}};
  auto entry = commit_annotation(
      cases_, clock_, id, actor, "add_attachment", data,
      [&](const Case& next, std::int64_t expected, const HistoryEntry& e) {
        meta.seq = e.seq;
        meta.at = e.at;
        return store_.add_attachment(next, expected, e, meta, upload.content);
      },
      [&](const Case& c) { return admit(c, Action::add_attachment, actor); });
  if (!entry) return entry.error();
  return meta;
}

Status AnnotationService::require_case(CaseId id, const Actor& actor) {
  auto found = cases_.find_case(id);
  if (!found) return found.error();
  if (!found.value() || !permissions_.sees(*found.value(), actor)) {
    return Error::make(ErrorKind::not_found, "no case with this id");
  }
  return Ok{};
}

Result<std::vector<Note>> AnnotationService::notes(CaseId id, const Actor& actor) {
  if (Status s = require_case(id, actor); !s) return s.error();
  auto notes = store_.list_notes(id);
  if (!notes || permissions_.check(Action::read_internal_notes, actor)) return notes;
  std::erase_if(notes.value(), [&](const Note& n) {
    return n.visibility != kPublicNote && n.author != actor.username;
  });
  return notes;
}

Result<std::vector<Attachment>> AnnotationService::attachments(CaseId id, const Actor& actor) {
  if (Status s = require_case(id, actor); !s) return s.error();
  return store_.list_attachments(id);
}

Result<AttachmentContent> AnnotationService::attachment(CaseId id, std::int64_t seq,
                                                        const Actor& actor) {
  if (Status s = require_case(id, actor); !s) return s.error();
  auto meta = store_.find_attachment(id, seq);
  if (!meta) return meta.error();
  if (!meta.value()) {
    return Error::make(ErrorKind::not_found, "the case has no attachment with this seq");
  }
  auto bytes = store_.read_attachment(meta.value()->sha256);
  if (!bytes) return bytes.error();
  if (!bytes.value()) {
    return Error::make(ErrorKind::internal, "the attachment's content is missing from the store");
  }
  return AttachmentContent{std::move(*meta.value()), std::move(*bytes.value())};
}

}  // namespace outpost
