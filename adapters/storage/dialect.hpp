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
#pragma once

#include <soci/soci.h>

namespace outpost::storage {

enum class Dialect { sqlite, postgresql };

class Transaction {
 public:
  Transaction(soci::session& sql, Dialect dialect) : sql_(sql) {
    if (dialect == Dialect::sqlite) {
      sql_ << "BEGIN IMMEDIATE";
    } else {
      sql_.begin();
    }
  }
  ~Transaction() {
    if (!open_) return;
    try {
      sql_.rollback();
    } catch (const soci::soci_error&) {
      // The connection is gone, and the transaction with it; the caller
      // reports the error that got us here.
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit() {
    sql_.commit();
    open_ = false;
  }

 private:
  soci::session& sql_;
  bool open_ = true;
};

}  // namespace outpost::storage
