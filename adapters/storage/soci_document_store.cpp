// SociDocumentStore (soci_document_store.hpp): generated documents (migration v19).
#include "adapters/storage/soci_document_store.hpp"

#include <soci/soci.h>

#include "adapters/storage/annotation_commit.hpp"
#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/rows.hpp"

namespace outpost {

using storage::Access;
using storage::Lease;
using storage::run;

namespace {

constexpr std::string_view kHexPrefix = "hex:";

struct DocumentDbRow {
  std::int64_t case_id = 0, seq = 0, size = 0, created_at = 0, scan_seq = 0;
  std::string number, kind, sha256, content_sha256, created_by;
  int removed = 0;

  static constexpr const char* kSelect =
      "SELECT d.case_id, d.seq, c.number, d.kind, d.sha256, d.content_sha256, d.size,"
      " d.created_by, d.created_at, CASE WHEN d.content = '' THEN 1 ELSE 0 END,"
      " coalesce(d.scan_seq, 0) FROM documents d JOIN cases c ON c.id = d.case_id ";

  void bind_into(soci::statement& st) {
    st.exchange(soci::into(case_id));
    st.exchange(soci::into(seq));
    st.exchange(soci::into(number));
    st.exchange(soci::into(kind));
    st.exchange(soci::into(sha256));
    st.exchange(soci::into(content_sha256));
    st.exchange(soci::into(size));
    st.exchange(soci::into(created_by));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(removed));
    st.exchange(soci::into(scan_seq));
  }

  DocumentRecord to_record() const {
    DocumentRecord d;
    d.case_id = case_id;
    d.seq = seq;
    d.case_number = number;
    d.kind = parse_document_kind(kind).value_or(DocumentKind::agreement);
    d.sha256 = sha256;
    d.content_sha256 = content_sha256;
    d.size = size;
    d.created_by = created_by;
    d.created_at = created_at;
    d.file_removed = removed != 0;
    d.scan_seq = scan_seq;
    return d;
  }
};

Result<std::optional<DocumentRecord>> first_of(Result<std::vector<DocumentRecord>> rows) {
  if (!rows) return rows.error();
  if (rows.value().empty()) return std::optional<DocumentRecord>();
  return std::optional<DocumentRecord>(std::move(rows.value().front()));
}

}  // namespace

Status SociDocumentStore::add_document(const Case& updated, std::int64_t expected_version,
                                       const HistoryEntry& entry, const DocumentRecord& record,
                                       std::string_view pdf) {
  if (Status s = storage::needs_next_version(updated, expected_version); !s) return s;
  return run<Ok>(db_, Access::write, "add_document", [&](Lease& lease) -> Status {
    return storage::commit_annotation(
        lease, updated, expected_version, entry, [&](soci::session& sql) {
          std::int64_t case_id = record.case_id, seq = record.seq, size = record.size,
                       at = record.created_at;
          std::string kind(to_string(record.kind)),
              sha = record.sha256, content_sha = record.content_sha256, by = record.created_by;
          std::string content = lease.cipher() != nullptr
                                    ? lease.cipher()->seal(pdf)
                                    : std::string(kHexPrefix) + storage::to_hex(pdf);
          sql << "INSERT INTO documents (case_id, seq, kind, sha256, content_sha256, size,"
                 " created_by, created_at, content) VALUES (:case_id, :seq, :kind, :sha256,"
                 " :content_sha256, :size, :created_by, :created_at, :content)",
              soci::use(case_id, "case_id"), soci::use(seq, "seq"), soci::use(kind, "kind"),
              soci::use(sha, "sha256"), soci::use(content_sha, "content_sha256"),
              soci::use(size, "size"), soci::use(by, "created_by"), soci::use(at, "created_at"),
              soci::use(content, "content");
        });
  });
}

Status SociDocumentStore::link_scan(CaseId id, std::int64_t seq, std::int64_t scan_seq) {
  return run<Ok>(db_, Access::write, "link_scan", [&](Lease& lease) -> Status {
    std::int64_t case_id = id, doc = seq, scan = scan_seq;
    lease.sql() << "UPDATE documents SET scan_seq = :scan_seq WHERE case_id = :case_id"
                   " AND seq = :seq",
        soci::use(scan, "scan_seq"), soci::use(case_id, "case_id"), soci::use(doc, "seq");
    return Ok{};
  });
}

Result<std::vector<DocumentRecord>> SociDocumentStore::select(
    const std::string& where, const std::function<void(soci::statement&)>& bind) {
  return run<std::vector<DocumentRecord>>(db_, Access::read, "documents", [&](Lease& lease) {
    soci::statement st(lease.sql());
    bind(st);
    DocumentDbRow row;
    return storage::select_all(st, row, std::string(DocumentDbRow::kSelect) + where,
                               [](const DocumentDbRow& r) { return r.to_record(); });
  });
}

Result<std::vector<DocumentRecord>> SociDocumentStore::list_documents(CaseId id) {
  std::int64_t case_id = id;
  return select("WHERE d.case_id = :case_id ORDER BY d.seq",
                [&](soci::statement& st) { st.exchange(soci::use(case_id, "case_id")); });
}

Result<std::optional<DocumentRecord>> SociDocumentStore::find_document(CaseId id,
                                                                       std::int64_t seq) {
  std::int64_t case_id = id, wanted = seq;
  return first_of(select("WHERE d.case_id = :case_id AND d.seq = :seq", [&](soci::statement& st) {
    st.exchange(soci::use(case_id, "case_id"));
    st.exchange(soci::use(wanted, "seq"));
  }));
}

Result<std::optional<DocumentRecord>> SociDocumentStore::find_by_number(
    std::string_view case_number, std::int64_t seq) {
  std::string number(case_number);
  std::int64_t wanted = seq;
  return first_of(select("WHERE c.number = :number AND d.seq = :seq", [&](soci::statement& st) {
    st.exchange(soci::use(number, "number"));
    st.exchange(soci::use(wanted, "seq"));
  }));
}

Result<std::optional<DocumentRecord>> SociDocumentStore::find_by_sha256(std::string_view sha256) {
  std::string sha(sha256);
  return first_of(select("WHERE d.sha256 = :sha256 ORDER BY d.case_id, d.seq",
                         [&](soci::statement& st) { st.exchange(soci::use(sha, "sha256")); }));
}

Result<std::optional<std::string>> SociDocumentStore::read_document(CaseId id, std::int64_t seq) {
  return run<std::optional<std::string>>(
      db_, Access::read, "read_document", [&](Lease& lease) -> std::optional<std::string> {
        std::int64_t case_id = id, wanted = seq;
        std::string content;
        soci::indicator ind = soci::i_null;
        lease.sql() << "SELECT content FROM documents WHERE case_id = :case_id AND seq = :seq",
            soci::use(case_id, "case_id"), soci::use(wanted, "seq"), soci::into(content, ind);
        if (ind != soci::i_ok || content.empty()) return std::nullopt;
        if (std::string_view(content).starts_with(kHexPrefix)) {
          return storage::from_hex(content.substr(kHexPrefix.size()));
        }
        return storage::open_column(lease.cipher(), content, "document");
      });
}

}  // namespace outpost
