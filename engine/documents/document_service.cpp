#include "engine/documents/document_service.hpp"

#include <boost/json/object.hpp>

#include "engine/cases/audit_chain.hpp"
#include "engine/cases/case_commit.hpp"

namespace outpost {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxPurposeBytes = 500;
constexpr std::string_view kCodePrefix = "OUTPOST-DOC|";

Error no_document() {
  return Error::make(ErrorKind::not_found, "the case has no document with this id");
}

}  // namespace

std::string document_verify_code(const DocumentRecord& d) {
  return std::string(kCodePrefix) + d.case_number + "|" + std::to_string(d.seq) + "|" +
         d.content_sha256;
}

DocumentService::DocumentService(CaseStore& cases, DocumentStore& store,
                                 AnnotationStore& attachments, DocumentRenderer& renderer,
                                 PrivacyStore& access_log, DocumentNames names, const Clock& clock,
                                 std::size_t max_scan_bytes, const Permissions* permissions,
                                 DirectoryStore* staff)
    : cases_(cases),
      store_(store),
      attachments_(attachments),
      renderer_(renderer),
      access_log_(access_log),
      names_(std::move(names)),
      clock_(clock),
      max_scan_bytes_(max_scan_bytes),
      permissions_(permissions != nullptr ? *permissions : Permissions::unrestricted()),
      staff_(staff) {}

Result<DocumentContent> DocumentService::compose(DocumentKind kind, const Case& c,
                                                 const std::vector<HistoryEntry>& history) {
  DocumentNames names = names_;
  if (staff_ != nullptr) {
    for (const std::string& id : staff_named(c, history)) {
      auto member = staff_->find_staff(id);
      if (!member) return member.error();
      if (member.value() && !member.value()->name.empty()) names.people[id] = member.value()->name;
    }
  }
  return compose_document(kind, c, history, names, clock_.now());
}

Result<Case> DocumentService::visible_case(CaseId id, const Actor& actor) {
  auto found = cases_.find_case(id);
  if (!found) return found.error();
  if (!found.value() || !permissions_.sees(*found.value(), actor)) {
    return Error::make(ErrorKind::not_found, "no case with this id");
  }
  return std::move(*found.value());
}

Status DocumentService::admit_reveal(const Case& c, const std::string& purpose,
                                     const Actor& actor) {
  Status allowed = permissions_.check(Action::reveal, actor, &c);
  if (allowed) {
    if (purpose.find_first_not_of(" \t\r\n") == std::string::npos) {
      return Error::invalid_field("purpose", "is required: say why the document is needed");
    }
    if (purpose.size() > kMaxPurposeBytes) {
      return Error::invalid_field("purpose", "is longer than 500 bytes");
    }
  }
  const AccessLogEntry entry{0,
                             clock_.now(),
                             actor.username,
                             actor.role,
                             c.id,
                             {allowed ? "document" : "document_refused"},
                             purpose.substr(0, kMaxPurposeBytes)};
  auto logged = access_log_.log_access(entry);
  if (!logged) return logged.error();
  if (!allowed) {
    return Error::make(
        ErrorKind::forbidden,
        "a document shows personal data: this role may not reveal it (attempt logged)");
  }
  return Ok{};
}

Result<GeneratedDocument> DocumentService::generate(CaseId id, std::string_view kind_name,
                                                    const std::string& purpose,
                                                    const Actor& actor) {
  const auto kind = parse_document_kind(kind_name);
  if (!kind) {
    return Error::invalid_field(
        "kind",
        "must be application, session_record, agreement, oral_agreement, follow_up, work_order "
        "or supervision");
  }
  auto c = visible_case(id, actor);
  if (!c) return c.error();
  {
    auto history = cases_.history(id);
    if (!history) return history.error();
    auto content = compose(*kind, c.value(), history.value());
    if (!content) return content.error();  // the wrong state: nothing logged, nothing stored
  }
  if (Status s = admit_reveal(c.value(), purpose, actor); !s) return s.error();
  DocumentRecord record;
  std::string pdf;
  auto done = commit_case_change(
      cases_, clock_, id, actor, std::nullopt,
      [&](const Case& current) -> Result<CaseChange> {
        auto history = cases_.history(id);
        if (!history) return history.error();
        auto content = compose(*kind, current, history.value());
        if (!content) return content.error();
        record = DocumentRecord{};
        record.case_id = id;
        record.seq = current.version + 1;
        record.case_number = current.number;
        record.kind = *kind;
        record.content_sha256 = document_content_sha256(content.value());
        record.created_by = actor.username;
        auto rendered = renderer_.render(content.value(), document_verify_code(record));
        if (!rendered) return rendered.error();
        pdf = std::move(rendered.value());
        record.sha256 = sha256_hex(pdf);
        record.size = static_cast<std::int64_t>(pdf.size());
        return CaseChange{current, "generate_document",
                          json::object{{"document", record.seq},
                                       {"kind", to_string(*kind)},
                                       {"sha256", record.sha256},
                                       {"content_sha256", record.content_sha256},
                                       {"size", record.size}}};
      },
      [&](const Case& next, std::int64_t expected, const HistoryEntry& entry) {
        record.created_at = entry.at;
        return store_.add_document(next, expected, entry, record, pdf);
      });
  if (!done) return done.error();
  return GeneratedDocument{record, document_verify_code(record)};
}

Result<std::vector<DocumentRecord>> DocumentService::list(CaseId id, const Actor& actor) {
  auto c = visible_case(id, actor);
  if (!c) return c.error();
  return store_.list_documents(id);
}

Result<DocumentFile> DocumentService::download(CaseId id, std::int64_t seq,
                                               const std::string& purpose, const Actor& actor) {
  auto c = visible_case(id, actor);
  if (!c) return c.error();
  auto record = store_.find_document(id, seq);
  if (!record) return record.error();
  if (!record.value()) return no_document();
  if (Status s = admit_reveal(c.value(), purpose, actor); !s) return s.error();
  auto pdf = store_.read_document(id, seq);
  if (!pdf) return pdf.error();
  if (!pdf.value()) {
    return Error::make(ErrorKind::not_found,
                       "the document's file was removed by de-identification; its SHA-256 stays "
                       "in the case history");
  }
  return DocumentFile{std::move(*record.value()), std::move(*pdf.value())};
}

Result<Attachment> DocumentService::add_scan(CaseId id, std::int64_t seq,
                                             const AttachmentUpload& upload, const Actor& actor) {
  auto c = visible_case(id, actor);
  if (!c) return c.error();
  auto record = store_.find_document(id, seq);
  if (!record) return record.error();
  if (!record.value()) return no_document();
  auto checked = attachment_of(id, upload, max_scan_bytes_, actor);
  if (!checked) return checked.error();
  Attachment scan = std::move(checked.value());
  auto done = commit_case_change(
      cases_, clock_, id, actor, std::nullopt,
      [&](const Case& current) -> Result<CaseChange> {
        return CaseChange{current, "attach_signed_document",
                          json::object{{"document", seq},
                                       {"document_sha256", record.value()->sha256},
                                       {"sha256", scan.sha256},
                                       {"content_type", scan.media_type},
                                       {"file_name", scan.file_name},
                                       {"size", scan.size}}};
      },
      [&](const Case& next, std::int64_t expected, const HistoryEntry& entry) {
        scan.seq = entry.seq;
        scan.at = entry.at;
        return attachments_.add_attachment(next, expected, entry, scan, upload.content);
      },
      [&](const Case& current) {
        return permissions_.check(Action::add_attachment, actor, &current);
      });
  if (!done) return done.error();
  if (Status linked = store_.link_scan(id, seq, scan.seq); !linked) return linked.error();
  return scan;
}

Result<DocumentCheck> DocumentService::verify(std::string_view code) {
  const auto bad_code = [] {
    return Error::invalid_field("code",
                                "must be the code printed under the QR code: "
                                "OUTPOST-DOC|<case number>|<document id>|<SHA-256>");
  };
  if (!code.starts_with(kCodePrefix)) return bad_code();
  code.remove_prefix(kCodePrefix.size());
  const std::size_t a = code.find('|');
  const std::size_t b = a == std::string_view::npos ? a : code.find('|', a + 1);
  if (b == std::string_view::npos) return bad_code();
  const std::string_view number = code.substr(0, a);
  const std::string_view seq_text = code.substr(a + 1, b - a - 1);
  const std::string_view hash = code.substr(b + 1);
  std::int64_t seq = 0;
  for (const char ch : seq_text) {
    if (ch < '0' || ch > '9' || seq > 1'000'000'000) return bad_code();
    seq = seq * 10 + (ch - '0');
  }
  if (number.empty() || seq_text.empty() || hash.size() != 64) return bad_code();
  auto found = store_.find_by_number(number, seq);
  if (!found) return found.error();
  DocumentCheck check;
  if (!found.value()) {
    check.reason = "没有这份文书 / no such document";
  } else if (found.value()->content_sha256 != hash) {
    check.reason = "校验码与存档文书不符 / the code does not match the stored document";
  } else {
    check.valid = true;
    check.record = std::move(found.value());
  }
  return check;
}

}  // namespace outpost
