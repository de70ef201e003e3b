// File: adapters/storage/dialect.hpp
//
// The two SQL dialects the store speaks, and the one way it opens a write
// transaction in each. SQLite needs `BEGIN IMMEDIATE`: SOCI's own transaction
// sends a plain `BEGIN`, and a read-then-write transaction started that way
// fails at once with "database is locked" when another connection writes.
//
//   Transaction tx(sql, Dialect::sqlite);
//   ...statements...
//   tx.commit();  // otherwise the destructor rolls back
//
// On a SQLite connection that is already inside a transaction (a batch of
// writes committed together, see GroupCommit in database_internals.hpp) the
// Transaction is a savepoint: commit() releases it, the destructor rolls
// back to it, and the batch's COMMIT makes it durable.
#pragma once

#include <string>
#include <vector>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

namespace outpost::storage {

enum class Dialect { sqlite, postgresql };

inline Dialect dialect_of(soci::session& sql) {
  return sql.get_backend_name() == "postgresql" ? Dialect::postgresql : Dialect::sqlite;
}

// A PostgreSQL array literal of get(v) for each of `values`, each element
// quoted: bound as text and cast (`CAST(:ids AS bigint[])`), it sends a whole
// batch of rows in one statement, which unnest() takes apart in order.
template <class T, class Get>
std::string array_literal(const std::vector<T>& values, Get get) {
  std::string out = "{";
  for (const T& v : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : std::string(get(v))) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// " ORDER BY column", byte-wise on both backends (PostgreSQL's default
// collation is not).
inline std::string order_by(Dialect dialect, const char* column) {
  return std::string(" ORDER BY ") + column +
         (dialect == Dialect::postgresql ? " COLLATE \"C\"" : "");
}

class Transaction {
 public:
  Transaction(soci::session& sql, Dialect dialect) : sql_(sql) {
    if (dialect == Dialect::sqlite) {
      auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
      nested_ = sqlite3_get_autocommit(backend->conn_) == 0;
      sql_ << (nested_ ? "SAVEPOINT outpost_write" : "BEGIN IMMEDIATE");
    } else {
      sql_.begin();
    }
  }
  ~Transaction() {
    if (!open_) return;
    try {
      if (nested_) {
        sql_ << "ROLLBACK TO outpost_write";
        sql_ << "RELEASE outpost_write";
      } else {
        sql_.rollback();
      }
    } catch (const soci::soci_error&) {
      // The connection is gone, and the transaction with it; the caller
      // reports the error that got us here.
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit() {
    if (nested_) {
      sql_ << "RELEASE outpost_write";
    } else {
      sql_.commit();
    }
    open_ = false;
  }

 private:
  soci::session& sql_;
  bool nested_ = false;
  bool open_ = true;
};

}  // namespace outpost::storage
