// File: adapters/cli/deadline_ticker.hpp
//
// The thread of `outpost serve` that keeps the deadline scheduler
// (engine/deadlines/deadline_scheduler.hpp) going: a pass at start-up, so timers that
// fell due while the server was down fire at once, then one every interval;
// a pass that fired a full batch is followed by another straight away.
// Store errors (the database away) are logged and retried next interval.
//
//   DeadlineTicker ticker(scheduler, std::chrono::seconds(1));
//   ticker.start();
//   ...
//   ticker.stop();   // waits for the pass under way
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/deadlines/deadline_scheduler.hpp"
#include "engine/proof/history_proofs.hpp"

namespace outpost::cli {

class DeadlineTicker {
 public:
  DeadlineTicker(DeadlineScheduler& scheduler, std::chrono::milliseconds interval)
      : scheduler_(scheduler), interval_(interval) {}
  ~DeadlineTicker() { stop(); }
  DeadlineTicker(const DeadlineTicker&) = delete;
  DeadlineTicker& operator=(const DeadlineTicker&) = delete;

  // Also runs `chore` on every pass (before start()); it paces itself.
  void add_chore(std::function<void()> chore) { chores_.push_back(std::move(chore)); }
  void start();
  void stop();

 private:
  void run();

  DeadlineScheduler& scheduler_;
  const std::chrono::milliseconds interval_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
  std::vector<std::function<void()>> chores_;
};

// The history checkpoints' chore: once a second it moves up to 2,000 queued
// entries into the history log, so the log keeps up in small steps (a
// writer waits for one batch at most, no pass does a minute's backlog); about
// once a minute it also signs the checkpoint of the last Asia/Shanghai day
// end unless one exists (the store's unique boundary: once across processes).
std::function<void()> checkpoint_chore(HistoryProofs& proofs, const Clock& clock);

}  // namespace outpost::cli
