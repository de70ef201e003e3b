// SociAnnotationStore (soci_annotation_store.hpp): notes and attachments (migration v2).
//
// Attachment bytes live in the database, in attachment_blobs, one row per
// SHA-256, so they commit in the same transaction as the history row and are
// in every backup of the case data. SOCI 4.0.3 has no binding that carries
// arbitrary bytes on both backends:
//   - PostgreSQL: every parameter goes to libpq as a NUL-terminated text
//     value (a std::string with an embedded NUL is cut there), a bytea read
//     into std::string yields its escaped text form, and soci::blob means a
//     large object (an oid column with its own lifetime). So the bytes travel
//     as hex text — decode(:content, 'hex') in, encode(content, 'hex') out —
//     and rest as a real bytea.
//   - SQLite: soci::blob binds with sqlite3_bind_blob and reads with
//     sqlite3_column_blob/bytes, which is byte-exact (only its plain
//     read()/write() exist in 4.0.3; the *_from_start variants throw).
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <soci/soci.h>

#include "adapters/storage/annotation_commit.hpp"
#include "adapters/storage/case_statements.hpp"
#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/soci_annotation_store.hpp"

namespace outpost {

using storage::Access;
using storage::commit_annotation;
using storage::Dialect;
using storage::from_hex;
using storage::Lease;
using storage::needs_next_version;
using storage::open_column;
using storage::run;
using storage::seal_column;
using storage::to_hex;
using storage::Transaction;

namespace {

bool blob_stored(soci::session& sql, const std::string& sha256) {
  std::string key = sha256;
  int count = 0;
  sql << "SELECT count(*) FROM attachment_blobs WHERE sha256 = :sha256", soci::use(key, "sha256"),
      soci::into(count);
  return count != 0;
}

// Stores the content under its hash. A concurrent upload of the same bytes
// may commit first; then its row serves both (ON CONFLICT DO NOTHING).
void insert_blob(soci::session& sql, Dialect dialect, const std::string& sha256,
                 std::string_view content) {
  std::string key = sha256;
  std::int64_t size = static_cast<std::int64_t>(content.size());
  if (dialect == Dialect::postgresql) {
    std::string hex = to_hex(content);
    sql << "INSERT INTO attachment_blobs (sha256, size, content)"
           " VALUES (:sha256, :size, decode(:content, 'hex')) ON CONFLICT (sha256) DO NOTHING",
        soci::use(key, "sha256"), soci::use(size, "size"), soci::use(hex, "content");
    return;
  }
  soci::blob blob(sql);
  blob.write(0, content.data(), content.size());
  sql << "INSERT INTO attachment_blobs (sha256, size, content)"
         " VALUES (:sha256, :size, :content) ON CONFLICT (sha256) DO NOTHING",
      soci::use(key, "sha256"), soci::use(size, "size"), soci::use(blob, "content");
}

// An attachment row as bound variables.
struct AttachmentRow {
  std::int64_t case_id = 0, seq = 0;
  std::string sha256, content_type, file_name;
  std::int64_t size = 0;
  std::string uploaded_by;
  std::int64_t at = 0;

  static constexpr const char* kColumns =
      "case_id, seq, sha256, content_type, file_name, size, uploaded_by, at";

  explicit AttachmentRow(const Attachment& a = {})
      : case_id(a.case_id),
        seq(a.seq),
        sha256(a.sha256),
        content_type(a.media_type),
        file_name(a.file_name),
        size(a.size),
        uploaded_by(a.uploaded_by),
        at(a.at) {}

  Attachment to_attachment() const {
    return {case_id, seq, sha256, content_type, file_name, size, uploaded_by, at};
  }

  void bind_into(soci::statement& st) {
    st.exchange(soci::into(case_id));
    st.exchange(soci::into(seq));
    st.exchange(soci::into(sha256));
    st.exchange(soci::into(content_type));
    st.exchange(soci::into(file_name));
    st.exchange(soci::into(size));
    st.exchange(soci::into(uploaded_by));
    st.exchange(soci::into(at));
  }
};

// Runs a SELECT prepared per call: `bind` adds into- and use-elements; every
// row is passed to `each`.
template <class Bind, class Each>
void select_rows(soci::session& sql, const std::string& text, Bind&& bind, Each&& each) {
  soci::statement st(sql);
  bind(st);
  st.alloc();
  st.prepare(text, soci::details::st_one_time_query);
  st.define_and_bind();
  if (st.execute(true)) {
    do {
      each();
    } while (st.fetch());
  }
}

}  // namespace

Status SociAnnotationStore::add_note(const Case& updated, std::int64_t expected_version,
                                     const HistoryEntry& entry, const Note& note) {
  if (Status s = needs_next_version(updated, expected_version); !s) return s;
  return run<Ok>(db_, Access::write, "add_note", [&](Lease& lease) -> Status {
    return commit_annotation(lease, updated, expected_version, entry, [&](soci::session& sql) {
      Note n = note;
      std::string sealed =
          n.clear_body.empty() ? std::string() : seal_column(lease.cipher(), n.clear_body);
      sql << "INSERT INTO notes (case_id, seq, author, body, visibility, at, sealed_body)"
             " VALUES (:case_id, :seq, :author, :body, :visibility, :at, :sealed_body)",
          soci::use(n.case_id, "case_id"), soci::use(n.seq, "seq"), soci::use(n.author, "author"),
          soci::use(n.body, "body"), soci::use(n.visibility, "visibility"), soci::use(n.at, "at"),
          soci::use(sealed, "sealed_body");
    });
  });
}

Status SociAnnotationStore::add_attachment(const Case& updated, std::int64_t expected_version,
                                           const HistoryEntry& entry, const Attachment& attachment,
                                           std::string_view content) {
  if (Status s = needs_next_version(updated, expected_version); !s) return s;
  return run<Ok>(db_, Access::write, "add_attachment", [&](Lease& lease) -> Status {
    return commit_annotation(lease, updated, expected_version, entry, [&](soci::session& sql) {
      if (!blob_stored(sql, attachment.sha256)) {
        insert_blob(sql, lease.dialect(), attachment.sha256, content);
      }
      AttachmentRow r(attachment);
      sql << "INSERT INTO attachments (case_id, seq, sha256, content_type, file_name, size,"
             " uploaded_by, at) VALUES (:case_id, :seq, :sha256, :content_type, :file_name,"
             " :size, :uploaded_by, :at)",
          soci::use(r.case_id, "case_id"), soci::use(r.seq, "seq"), soci::use(r.sha256, "sha256"),
          soci::use(r.content_type, "content_type"), soci::use(r.file_name, "file_name"),
          soci::use(r.size, "size"), soci::use(r.uploaded_by, "uploaded_by"), soci::use(r.at, "at");
    });
  });
}

Result<std::vector<Note>> SociAnnotationStore::list_notes(CaseId id) {
  return run<std::vector<Note>>(db_, Access::read, "list_notes", [&](Lease& lease) {
    std::int64_t case_id = id;
    Note n;
    std::string sealed;
    std::vector<Note> notes;
    select_rows(
        lease.sql(),
        "SELECT case_id, seq, author, body, visibility, at, sealed_body FROM notes"
        " WHERE case_id = :case_id ORDER BY seq",
        [&](soci::statement& st) {
          st.exchange(soci::into(n.case_id));
          st.exchange(soci::into(n.seq));
          st.exchange(soci::into(n.author));
          st.exchange(soci::into(n.body));
          st.exchange(soci::into(n.visibility));
          st.exchange(soci::into(n.at));
          st.exchange(soci::into(sealed));
          st.exchange(soci::use(case_id, "case_id"));
        },
        [&] {
          n.clear_body =
              sealed.empty() ? std::string() : open_column(lease.cipher(), sealed, "note");
          notes.push_back(n);
        });
    return notes;
  });
}

Result<std::vector<Attachment>> SociAnnotationStore::list_attachments(CaseId id) {
  return run<std::vector<Attachment>>(db_, Access::read, "list_attachments", [&](Lease& lease) {
    std::int64_t case_id = id;
    AttachmentRow r;
    std::vector<Attachment> items;
    select_rows(
        lease.sql(),
        std::string("SELECT ") + AttachmentRow::kColumns +
            " FROM attachments WHERE case_id = :case_id ORDER BY seq",
        [&](soci::statement& st) {
          r.bind_into(st);
          st.exchange(soci::use(case_id, "case_id"));
        },
        [&] { items.push_back(r.to_attachment()); });
    return items;
  });
}

Result<std::optional<Attachment>> SociAnnotationStore::find_attachment(CaseId id,
                                                                       std::int64_t seq) {
  return run<std::optional<Attachment>>(
      db_, Access::read, "find_attachment", [&](Lease& lease) -> std::optional<Attachment> {
        std::int64_t case_id = id;
        std::int64_t wanted = seq;
        AttachmentRow r;
        std::optional<Attachment> found;
        select_rows(
            lease.sql(),
            std::string("SELECT ") + AttachmentRow::kColumns +
                " FROM attachments WHERE case_id = :case_id AND seq = :seq",
            [&](soci::statement& st) {
              r.bind_into(st);
              st.exchange(soci::use(case_id, "case_id"));
              st.exchange(soci::use(wanted, "seq"));
            },
            [&] { found = r.to_attachment(); });
        return found;
      });
}

Result<std::optional<std::string>> SociAnnotationStore::read_attachment(std::string_view sha256) {
  return run<std::optional<std::string>>(
      db_, Access::read, "read_attachment", [&](Lease& lease) -> std::optional<std::string> {
        soci::session& sql = lease.sql();
        std::string key(sha256);
        std::optional<std::string> content;
        if (lease.dialect() == Dialect::postgresql) {
          std::string hex;
          select_rows(
              sql, "SELECT encode(content, 'hex') FROM attachment_blobs WHERE sha256 = :sha256",
              [&](soci::statement& st) {
                st.exchange(soci::into(hex));
                st.exchange(soci::use(key, "sha256"));
              },
              [&] { content = from_hex(hex); });
          return content;
        }
        soci::blob blob(sql);
        select_rows(
            sql, "SELECT content FROM attachment_blobs WHERE sha256 = :sha256",
            [&](soci::statement& st) {
              st.exchange(soci::into(blob));
              st.exchange(soci::use(key, "sha256"));
            },
            [&] {
              std::string bytes(blob.get_len(), '\0');
              blob.read(0, bytes.data(), bytes.size());
              content = std::move(bytes);
            });
        return content;
      });
}

}  // namespace outpost
