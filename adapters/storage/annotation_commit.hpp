// File: adapters/storage/annotation_commit.hpp
//
// The transaction of a row that rides on a case's history without changing
// its state (a note, an attachment, a document): the version-checked update
// of the case row, the history row, then the caller's own rows. And the hex
// form binary content travels in (see soci_annotation_store.cpp).
//
//   return storage::commit_annotation(lease, updated, expected, entry,
//                                     [&](soci::session& sql) { sql << "INSERT …"; });
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <soci/soci.h>

#include "adapters/storage/case_statements.hpp"
#include "adapters/storage/database_internals.hpp"
#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"

namespace outpost::storage {

inline std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 0x0f];
  }
  return out;
}

inline int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// Throws when the text is not what encode(…, 'hex') gives (run() reports it).
inline std::string from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::runtime_error("attachment content: odd hex length");
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) throw std::runtime_error("attachment content: not hex");
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

inline Status needs_next_version(const Case& updated, std::int64_t expected_version) {
  if (updated.version == expected_version + 1) return Ok{};
  return Error::make(ErrorKind::internal,
                     "storage: an annotation needs updated.version == expected_version + 1");
}

// The case row's part of an annotation: version, updated_at and last_hash,
// only if nobody changed the case since it was read. False when the version
// did not match.
inline bool advance_case(soci::session& sql, const Case& updated, std::int64_t expected_version) {
  std::int64_t id = updated.id;
  std::int64_t version = updated.version;
  std::int64_t updated_at = updated.updated_at;
  std::string last_hash = updated.last_hash;
  std::int64_t expected = expected_version;
  soci::statement st =
      (sql.prepare << "UPDATE cases SET version = :version, updated_at = :updated_at,"
                      " last_hash = :last_hash WHERE id = :id AND version = :expected_version",
       soci::use(version, "version"), soci::use(updated_at, "updated_at"),
       soci::use(last_hash, "last_hash"), soci::use(id, "id"),
       soci::use(expected, "expected_version"));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

inline void insert_history(Lease& lease, const HistoryEntry& entry) {
  storage::insert_history(lease.prepared<CaseStatements>(), entry);
}

// One transaction: the version-checked case update, the history row, then
// whatever `insert_rows` adds.
template <class InsertRows>
Status commit_annotation(Lease& lease, const Case& updated, std::int64_t expected_version,
                         const HistoryEntry& entry, InsertRows&& insert_rows) {
  Transaction tx(lease.sql(), lease.dialect());
  if (!advance_case(lease.sql(), updated, expected_version)) {
    return Error::make(ErrorKind::version_conflict, "storage: the case changed since it was read");
  }
  insert_history(lease, entry);
  insert_rows(lease.sql());
  tx.commit();
  return Ok{};
}

}  // namespace outpost::storage
