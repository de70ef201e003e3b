// GroupCommit (database_internals.hpp): SQLite writes that share one
// transaction and one fsync.
#include "adapters/storage/database_internals.hpp"

namespace outpost::storage {

std::optional<Error> GroupCommit::submit(const std::function<bool(Lease&)>& write) {
  Pending mine{&write, std::nullopt, false};
  std::unique_lock lock(mutex_);
  queue_.push_back(&mine);
  while (!mine.done) {
    if (leading_) {
      done_.wait(lock);
      continue;
    }
    // Lead: take everything queued so far (this write included, unless an
    // earlier leader already took it) and commit it as one batch.
    leading_ = true;
    std::vector<Pending*> batch;
    batch.swap(queue_);
    lock.unlock();
    run_batch(batch);
    lock.lock();
    for (Pending* p : batch) p->done = true;
    leading_ = false;
    done_.notify_all();
  }
  return mine.batch_error;
}

void GroupCommit::run_batch(const std::vector<Pending*>& batch) {
  std::unique_lock writer(*impl_.writer);
  Lease lease(impl_);
  soci::session& sql = lease.sql();
  const auto fail_all = [&](const soci::soci_error& e) {
    const Error error = lease.fail(e, "a batch of writes");
    try {
      sql.rollback();
    } catch (const soci::soci_error&) {
      // Nothing was begun, or the connection is gone with the transaction.
    }
    for (Pending* p : batch) p->batch_error = error;
  };
  try {
    sql << "BEGIN IMMEDIATE";
  } catch (const soci::soci_error& e) {
    return fail_all(e);
  }
  try {
    for (Pending* p : batch) {
      sql << "SAVEPOINT outpost_batch";
      if (!(*p->write)(lease)) sql << "ROLLBACK TO outpost_batch";
      sql << "RELEASE outpost_batch";
    }
    sql << "COMMIT";
  } catch (const soci::soci_error& e) {
    fail_all(e);
  }
}

}  // namespace outpost::storage
