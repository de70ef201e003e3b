// File: adapters/storage/case_reads.hpp
//
// Private to adapters/storage: reads of one case by id on PostgreSQL, in
// batches. Reads are queued; a thread of its own (one of kThreads) takes
// everything queued (up to kMaxBatch), reads it in one statement (`WHERE id =
// ANY(...)`; one per form asked for, below) on one pooled connection, hands
// each reader its row, and takes the next batch. One statement of N rows
// costs PostgreSQL far less than N statements of one row (bench/RESULTS.md),
// the server makes one round trip instead of N, and a reader that asks with
// find_later does not hold a thread while it waits.
//
// Read-your-writes holds as before, across processes too: a batch's statement
// begins after every read in it was asked for, so it sees every write that
// was committed (and answered) before.
//
//   storage::CaseReads reads(db.impl());      // SociCaseStore owns one
//   CaseStore::CaseRead r = reads.find(42);   // waits
//   reads.find_later(42, [](CaseStore::CaseRead r) { ... });   // on the reads' thread
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/config/settings.hpp"
#include "adapters/storage/database_internals.hpp"
#include "engine/cases/case_store.hpp"

namespace outpost::storage {

class CaseReads {
 public:
  // At most this many ids in one statement; the rest wait for the next.
  static constexpr std::size_t kMaxBatch = 64;
  // Threads (each with a connection while it reads): while one waits for
  // its statement, the other turns its rows into cases and answers them.
  // The pool's default size counts them: one number for both.
  static constexpr std::size_t kThreads = config::kPostgresqlReadThreads;
  using Done = std::function<void(CaseStore::CaseRead)>;

  // Starts the threads; the destructor answers what is still queued, then joins them.
  explicit CaseReads(Database::Impl& impl);
  ~CaseReads();
  CaseReads(const CaseReads&) = delete;
  CaseReads& operator=(const CaseReads&) = delete;

  // The case for showing (CaseStore::read_case_later): its parties in their
  // stored masked form and no free text's originals, so nothing is
  // decrypted. `done` runs on a reads' thread and must not block. Errors as
  // run(): the database's failure, never a bound value.
  void find_later(CaseId id, Done done);
  // The whole case (CaseStore::read_case), waiting for it.
  CaseStore::CaseRead find(CaseId id);

 private:
  struct Pending {
    CaseId id = 0;
    Done done;
    bool shown = false;  // find_later's form, else find's
  };
  void enqueue(Pending pending);
  void serve();
  void run_batch(std::vector<Pending>& batch);

  Database::Impl& impl_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: started once the rest is ready
};

}  // namespace outpost::storage
