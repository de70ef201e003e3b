// File: adapters/storage/database_internals.hpp
//
// Private to adapters/storage: the pieces every store method is built from
// (SociCaseStore, SociTimerStore, ... each in its own .cpp file), over the
// shared Database (database.hpp).
//
//   return run<Thing>(db_, Access::write, "add_thing", [&](Lease& lease) -> Result<Thing> {
//     CaseStatements& st = lease.prepared<CaseStatements>();   // if it uses prepared ones
//     Transaction tx(lease.sql(), lease.dialect());
//     ...
//     tx.commit();
//     return thing;
//   });
//
// run() takes a pooled connection (and, for SQLite writes, the database's
// writer mutex) and turns every exception into an Error whose message never
// contains bound values.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include "adapters/storage/database.hpp"
#include "adapters/storage/dialect.hpp"
#include "engine/core/clock.hpp"

namespace outpost {

namespace storage {

class GroupCommit;

// A store's prepared statements on one connection (CaseStatements, ...), with
// the buffers they are bound to: neither copied nor moved, used by one thread
// at a time; dropping it frees the server-side prepared statements. Each kind
// has a slot of its own in every connection's row of Database::Impl::statements,
// named by its kSlot, and a constructor (soci::session&, const PiiCipher*).
class PreparedSet {
 public:
  PreparedSet() = default;
  virtual ~PreparedSet() = default;
  PreparedSet(const PreparedSet&) = delete;
  PreparedSet& operator=(const PreparedSet&) = delete;
};

enum : std::size_t {
  kCaseStatementsSlot,
  kUserStatementsSlot,
  kDirectoryStatementsSlot,
  kListStatementsSlot,
  kPreparedSetSlots
};

}  // namespace storage

struct Database::Impl {
  Impl(storage::Dialect d, std::size_t size, std::shared_ptr<std::mutex> sqlite_writer,
       std::shared_ptr<const PiiCipher> pii)
      : dialect(d),
        pool(size),
        statements(size),
        writer(std::move(sqlite_writer)),
        cipher(std::move(pii)) {}

  using PreparedSets =
      std::array<std::unique_ptr<storage::PreparedSet>, storage::kPreparedSetSlots>;

  storage::Dialect dialect;
  soci::connection_pool pool;
  // Per pool slot, each store's prepared set, created on first use and all
  // dropped after an error (before a reconnect, since they refer to the old
  // connection).
  std::vector<PreparedSets> statements;
  std::shared_ptr<std::mutex> writer;             // SQLite only
  std::shared_ptr<const PiiCipher> cipher;        // may be null: parties in clear
  std::unique_ptr<storage::GroupCommit> batches;  // SQLite only: see GroupCommit
  // Calls holding a connection, and calls waiting for one (operations_counts.hpp).
  std::atomic<std::int64_t> leased{0};
  std::atomic<std::int64_t> waiting{0};
};

namespace storage {

// write_batched: a SQLite write that may share its transaction (and fsync)
// with other writers of this database (GroupCommit); on PostgreSQL, a write.
enum class Access { read, write, write_batched };

// Thrown when the idempotency key of a write is already taken: another
// request with the same key committed first. run() rolls back and reports
// ErrorKind::idempotency_race.
struct IdempotencyRace {};

inline Millis system_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

inline std::string_view backend_name(Dialect dialect) {
  return dialect == Dialect::sqlite ? "sqlite" : "postgresql";
}

inline bool is_unique_violation(const soci::soci_error& e) {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    return pg->sqlstate() == "23505";
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    return lite->result() == SQLITE_CONSTRAINT;
  }
  return false;
}

// A pool connection for the duration of one call.
class Lease {
 public:
  explicit Lease(Database::Impl& impl) : impl_(impl), pos_(take(impl)) {}
  ~Lease() {
    impl_.leased.fetch_sub(1, std::memory_order_relaxed);
    impl_.pool.give_back(pos_);
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  soci::session& sql() { return impl_.pool.at(pos_); }
  Dialect dialect() const { return impl_.dialect; }
  const PiiCipher* cipher() const { return impl_.cipher.get(); }

  // This connection's prepared set of kind `Set`, prepared on first use.
  template <class Set>
  Set& prepared() {
    std::unique_ptr<PreparedSet>& set = impl_.statements[pos_][Set::kSlot];
    if (!set) set = std::make_unique<Set>(sql(), impl_.cipher.get());
    return static_cast<Set&>(*set);
  }

  // After a statement failed: SOCI 4.0.3 leaks a failed statement's
  // PostgreSQL parameter buffers unless the statement is destroyed, and a
  // failed SQLite statement is best not reused either.
  void discard_statements() {
    for (std::unique_ptr<PreparedSet>& set : impl_.statements[pos_]) set.reset();
  }

  // Turns a database error into an Error, repairing the connection first. The
  // message names the operation and the database's error code, never the
  // query's values.
  Error fail(const soci::soci_error& e, std::string_view operation) {
    discard_statements();
    std::string message = "storage: " + std::string(operation) + " failed";
    if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
      message += " (SQLSTATE " + pg->sqlstate() + ")";
      // A deadlock or a serialization failure: PostgreSQL rolled the whole
      // transaction back, so nothing was applied and trying again may work.
      if (pg->sqlstate() == "40P01" || pg->sqlstate() == "40001") {
        return Error::make(ErrorKind::unavailable, message + ": a concurrent change; try again");
      }
    } else if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
      message += " (SQLite " + std::to_string(lite->result()) + ")";
      if (lite->result() == SQLITE_BUSY || lite->result() == SQLITE_LOCKED) {
        return Error::make(ErrorKind::unavailable, message + ": the database is busy");
      }
      // ENOSPC: SQLite rolled the statement (or the transaction) back and the
      // file is intact; 503 + Retry-After, the write works once space returns.
      if (lite->result() == SQLITE_FULL) {
        return Error::make(ErrorKind::unavailable, message + ": the disk is full");
      }
    }
    if (impl_.dialect == Dialect::postgresql &&
        (e.get_error_category() == soci::soci_error::connection_error || !sql().is_connected())) {
      try {
        sql().reconnect();
      } catch (const soci::soci_error&) {
        // Still unreachable: the next call on this connection fails the same
        // way and tries again.
      }
      return Error::make(ErrorKind::unavailable, message + ": the database connection was lost");
    }
    return Error::make(ErrorKind::internal, message);
  }

 private:
  static std::size_t take(Database::Impl& impl) {
    impl.waiting.fetch_add(1, std::memory_order_relaxed);
    const std::size_t pos = impl.pool.lease();
    impl.waiting.fetch_sub(1, std::memory_order_relaxed);
    impl.leased.fetch_add(1, std::memory_order_relaxed);
    return pos;
  }

  Database::Impl& impl_;
  std::size_t pos_;
};

// SQLite commits a transaction with an fsync, one writer at a time: with
// synchronous=FULL the fsync, not the CPU, limits how many writes a second
// the file takes (bench/RESULTS.md: a third of the machine idle). Group
// commit: a writer that finds another batch running queues its write; when
// the batch is done, the next writer runs every queued write in one
// transaction, each in its own savepoint (a write that fails is rolled back
// alone), and commits once. Every writer gets its own result, and only after
// the batch's COMMIT: a 2xx is as durable as before.
class GroupCommit {
 public:
  explicit GroupCommit(Database::Impl& impl) : impl_(impl) {}

  // `write` runs inside the batch's transaction; it returns false when it
  // failed and its changes must be undone. Returns the error of the batch
  // itself (BEGIN or COMMIT failed): then nothing of `write` was kept.
  std::optional<Error> submit(const std::function<bool(Lease&)>& write);

 private:
  struct Pending {
    const std::function<bool(Lease&)>* write;
    std::optional<Error> batch_error;
    bool done = false;
  };
  void run_batch(const std::vector<Pending*>& batch);

  Database::Impl& impl_;
  std::mutex mutex_;
  std::condition_variable done_;
  std::vector<Pending*> queue_;
  bool leading_ = false;
};

// body(lease) with every exception mapped to an Error.
template <class T, class Body>
Result<T> guarded(Lease& lease, std::string_view operation, Body&& body) {
  try {
    return body(lease);
  } catch (const IdempotencyRace&) {
    lease.discard_statements();
    return Error::make(ErrorKind::idempotency_race,
                       "storage: the idempotency key was used by a concurrent request");
  } catch (const soci::soci_error& e) {
    return lease.fail(e, operation);
  } catch (...) {
    return Error::make(ErrorKind::internal, "storage: " + std::string(operation) + " failed");
  }
}

// Runs `body(lease)` on a pooled connection and maps every exception to an
// Error. Writers on SQLite hold the file's writer mutex for the whole call,
// or share a batch (Access::write_batched).
template <class T, class Body>
Result<T> run(Database& db, Access access, std::string_view operation, Body&& body) {
  Database::Impl& impl = db.impl();
  if (access == Access::write_batched && impl.batches) {
    std::optional<Result<T>> result;
    const std::function<bool(Lease&)> write = [&](Lease& lease) {
      result = guarded<T>(lease, operation, body);
      return result->ok();
    };
    if (std::optional<Error> failed = impl.batches->submit(write)) return *failed;
    return std::move(*result);
  }
  std::unique_lock<std::mutex> writer;
  if (access != Access::read && impl.writer) writer = std::unique_lock<std::mutex>(*impl.writer);
  Lease lease(impl);
  return guarded<T>(lease, operation, body);
}

// Runs a one-off SELECT whose inputs are already exchanged on `st`: binds
// `row`'s columns, prepares `text`, and returns convert(row) for every row.
template <class Row, class Convert>
auto select_all(soci::statement& st, Row& row, const std::string& text, Convert convert) {
  row.bind_into(st);
  st.alloc();
  st.prepare(text, soci::details::st_one_time_query);
  st.define_and_bind();
  std::vector<decltype(convert(row))> out;
  if (st.execute(true)) {
    do {
      out.push_back(convert(row));
    } while (st.fetch());
  }
  return out;
}

}  // namespace storage
}  // namespace outpost
