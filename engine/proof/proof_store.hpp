// File: engine/proof/proof_store.hpp
//
// The history log's storage port. Every history row written (by any path: a
// transition, a note, a de-identification run) is queued in its own
// transaction; `sequence` moves the queued rows, in queue order, to
// consecutive leaf indexes of the RFC 9162 tree (merkle.hpp) and stores every
// complete subtree they complete. Leaf data is `history_leaf_data(entry)`
// (history_leaf.hpp). Log, tree and checkpoints are append-only.
//
//   auto cp = store.append_checkpoint(boundary, [&](std::int64_t size, const Hash& root) {
//     return sign_checkpoint({key.name(), size, root, now}, key);
//   });
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"
#include "engine/proof/merkle.hpp"

namespace outpost {

struct LogLeaf {
  CaseId case_id = 0;
  std::int64_t seq = 0;
  std::int64_t leaf_index = 0;
  proof::Hash leaf_hash{};  // as the log stored it when sequencing
};

struct StoredCheckpoint {
  std::int64_t tree_size = 0;
  proof::Hash root{};
  Millis signed_at = 0;
  std::optional<Millis> boundary;  // the day's end it was signed for; none when signed on demand
  std::string note;
};

class ProofStore {
 public:
  virtual ~ProofStore() = default;

  // Sequences up to about `max_entries` of what is queued, one transaction per
  // batch (so writers wait for one batch at most); returns the tree size after.
  virtual Result<std::int64_t> sequence(std::int64_t max_entries) = 0;

  // Under the log's lock: sequences, then — unless a checkpoint for
  // `boundary` exists already (returned then, unsigned again) — signs the
  // whole tree with `sign(size, root)` (the note text) and stores it signed
  // at `now`. At most one checkpoint per boundary, across processes.
  virtual Result<StoredCheckpoint> append_checkpoint(
      std::optional<Millis> boundary, Millis now,
      const std::function<std::string(std::int64_t, const proof::Hash&)>& sign) = 0;

  virtual Result<std::optional<StoredCheckpoint>> latest_checkpoint() = 0;
  // The first checkpoint signed at or after `at`.
  virtual Result<std::optional<StoredCheckpoint>> checkpoint_signed_since(Millis at) = 0;

  // The log positions of a case's entries, by seq.
  virtual Result<std::vector<LogLeaf>> leaves_of(CaseId id) = 0;
  virtual Result<std::optional<LogLeaf>> leaf_at(std::int64_t index) = 0;
  virtual Result<std::int64_t> tree_size() = 0;
  // Visits the history entries of leaves [0, size) in leaf order, streamed;
  // `entry` is null when the log names a row that history no longer holds.
  // Stops early when `visit` returns false.
  virtual Status for_each_leaf(
      std::int64_t size,
      const std::function<bool(const LogLeaf&, const HistoryEntry* entry)>& visit) = 0;
  // Ids of cases with history, ascending, after `after`, at most `limit`.
  virtual Result<std::vector<CaseId>> cases_after(CaseId after, int limit) = 0;

  // Over the stored tree (merkle.hpp); sizes beyond the tree are `invalid`.
  virtual Result<proof::Hash> root_at(std::int64_t size) = 0;
  virtual Result<std::vector<proof::Hash>> inclusion_proof(std::int64_t index,
                                                           std::int64_t size) = 0;
  virtual Result<std::vector<proof::Hash>> consistency_proof(std::int64_t old_size,
                                                             std::int64_t new_size) = 0;
};

}  // namespace outpost
