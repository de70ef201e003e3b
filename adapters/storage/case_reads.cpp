// CaseReads (case_reads.hpp): one statement for the reads of many cases.
#include "adapters/storage/case_reads.hpp"

#include <future>
#include <optional>
#include <string>
#include <utility>

#include "adapters/storage/case_statements.hpp"

namespace outpost::storage {

namespace {

Error failed() {
  return Error::make(ErrorKind::internal, "storage: find_case failed");
}

// The row just fetched; a row that cannot be read (its parties do not open)
// fails its own readers only, as it would have alone.
CaseStore::CaseRead read_of(const CaseStatements& st) {
  try {
    return {std::optional<Case>(st.case_row.to_case()), st.access_generation};
  } catch (...) {
    return {failed(), -1};
  }
}

}  // namespace

CaseReads::CaseReads(Database::Impl& impl) : impl_(impl) {
  for (std::size_t i = 0; i < kThreads; ++i) threads_.emplace_back([this] { serve(); });
}

CaseReads::~CaseReads() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void CaseReads::find_later(CaseId id, Done done) {
  enqueue(Pending{id, std::move(done), true});
}

CaseStore::CaseRead CaseReads::find(CaseId id) {
  std::promise<CaseStore::CaseRead> answer;
  auto read = answer.get_future();
  enqueue(Pending{id, [&answer](CaseStore::CaseRead r) { answer.set_value(std::move(r)); }, false});
  return read.get();
}

void CaseReads::enqueue(Pending pending) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(pending));
  }
  wake_.notify_one();
}

void CaseReads::serve() {
  std::vector<Pending> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    // Stopping: what is queued is still read and answered.
    if (queue_.empty()) return;
    const std::size_t n = std::min(queue_.size(), kMaxBatch);
    batch.assign(std::make_move_iterator(queue_.begin()),
                 std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    run_batch(batch);
    batch.clear();
    lock.lock();
  }
}

void CaseReads::run_batch(std::vector<Pending>& batch) {
  std::vector<std::optional<CaseStore::CaseRead>> reads(batch.size());
  {
    Lease lease(impl_);
    try {
      CaseStatements& st = lease.prepared<CaseStatements>();
      // One statement per form asked for: the whole cases, the shown ones.
      for (const bool shown : {false, true}) {
        st.lookup_ids = "{";
        for (const Pending& p : batch) {
          if (p.shown != shown) continue;
          if (st.lookup_ids.size() > 1) st.lookup_ids += ',';
          st.lookup_ids += std::to_string(p.id);
        }
        if (st.lookup_ids.size() == 1) continue;
        st.lookup_ids += '}';
        FastStatement& select = shown ? st.select_cases_shown : st.select_cases;
        if (!select.execute(true)) continue;
        do {
          // The first reader of the row gets it; another of the same id, a copy.
          std::optional<std::size_t> first;
          for (std::size_t i = 0; i < batch.size(); ++i) {
            if (batch[i].shown != shown || batch[i].id != st.case_row.id || reads[i]) continue;
            if (first) {
              reads[i] = *reads[*first];
            } else {
              reads[i] = read_of(st);
              first = i;
            }
          }
        } while (select.fetch());
      }
    } catch (const soci::soci_error& e) {
      const Error error = lease.fail(e, "find_case");
      for (auto& r : reads) r = CaseStore::CaseRead{error, -1};
    } catch (...) {
      for (auto& r : reads) r = CaseStore::CaseRead{failed(), -1};
    }
  }
  // Ids without a row: no case (and no generation was read for them). The
  // connection is back in the pool before anyone is answered.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      batch[i].done(reads[i] ? std::move(*reads[i]) : CaseStore::CaseRead{});
    } catch (...) {
      // `done` must not throw; this thread serves every other reader.
    }
  }
}

}  // namespace outpost::storage
