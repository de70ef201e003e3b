#include "adapters/cli/deadline_ticker.hpp"

#include <spdlog/spdlog.h>

namespace outpost::cli {
namespace {

constexpr int kBatch = 200;
constexpr Millis kCheckpointPace = 60'000;
// Up to this many queued history entries move into the log once a second
// at most, however short the ticker's interval.
constexpr std::int64_t kSequenceBatch = 2'000;
constexpr std::chrono::milliseconds kSequencePace(1'000);

}  // namespace

void DeadlineTicker::start() {
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void DeadlineTicker::stop() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeadlineTicker::run() {
  bool reported_failure = false;
  while (!stopping_) {
    for (const auto& chore : chores_) chore();
    auto fired = scheduler_.run_due(kBatch);
    if (!fired) {
      if (!reported_failure) {
        spdlog::warn("deadline timers: {} (retrying every {} ms)", fired.error().message,
                     interval_.count());
      }
      reported_failure = true;
    } else {
      if (reported_failure) spdlog::info("deadline timers: the database answers again");
      reported_failure = false;
      if (fired.value() > 0) spdlog::debug("deadline timers: {} fired or cancelled", fired.value());
      if (fired.value() >= kBatch) continue;  // more may be due
    }
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, interval_, [this] { return stopping_.load(); });
  }
}

std::function<void()> checkpoint_chore(HistoryProofs& proofs, const Clock& clock) {
  return [&proofs, &clock, last = std::optional<Millis>(),
          sequenced = std::chrono::steady_clock::time_point()]() mutable {
    const Millis now = clock.now();
    if (last && now - *last < kCheckpointPace) {
      // Paced by the steady clock: a test clock's jumps do not stop it.
      const auto tick = std::chrono::steady_clock::now();
      if (tick - sequenced < kSequencePace) return;
      sequenced = tick;
      // A failure here is the database's, which the signing reports each minute.
      if (Status moved = proofs.sequence(kSequenceBatch); !moved) {
        spdlog::debug("history log: {}", moved.error().message);
      }
      return;
    }
    last = now;
    sequenced = std::chrono::steady_clock::now();
    auto cp = proofs.sign_due();
    if (!cp) {
      spdlog::warn("history checkpoint: {}", cp.error().message);
    } else if (cp.value().signed_at >= now) {
      spdlog::info(
          "history checkpoint signed: {} entries{}", cp.value().tree_size,
          cp.value().boundary && ends_quarter(*cp.value().boundary) ? " (quarter end)" : "");
    }
  };
}

}  // namespace outpost::cli
