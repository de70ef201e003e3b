// File: engine/proof/history_proofs.hpp
//
// What the signed history log proves about a case, and the checkpoints the
// engine signs (leaf data: history_leaf.hpp). History rows hold no party
// data (the parties live sealed on the case row), so de-identification adds
// a `deidentified` entry and never changes a hashed byte.
//
//   HistoryProofs proofs(store, &key, key.verifier(), clock);
//   auto report = proofs.verify_case(case_id, history);  // chain + inclusion + signature
//   auto whole = proofs.verify_log();                    // every leaf, one pass
//   auto cp = proofs.checkpoint_covering(period_end);    // CheckpointIssuer
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/proof/audit_bundle.hpp"
#include "engine/proof/checkpoint_ref.hpp"
#include "engine/proof/history_leaf.hpp"
#include "engine/proof/note.hpp"
#include "engine/proof/proof_store.hpp"

namespace outpost {

struct CaseVerification {
  CaseId case_id = 0;
  std::int64_t entries_checked = 0;
  std::optional<BadEntry> first_bad;  // of the chain
  // Against the latest signed checkpoint (absent when none is signed yet).
  std::optional<StoredCheckpoint> checkpoint;
  bool signature_ok = false;
  std::int64_t entries_in_checkpoint = 0;  // entries with a leaf index below its size
  std::int64_t entries_after_checkpoint = 0;
  // An entry at or before the checkpoint's time that is not in it, or one in
  // it whose inclusion proof against the signed root fails.
  std::optional<BadEntry> first_not_proven;
  bool ok() const { return !first_bad && !first_not_proven && (!checkpoint || signature_ok); }
};

// The end of the Asia/Shanghai calendar day before `now` (its midnight), and
// whether that day ended a quarter.
Millis last_day_end(Millis now);
bool ends_quarter(Millis day_end);

// The whole log against the latest signed checkpoint, in one pass: every
// leaf recomputed from its history row, the root rebuilt from them.
struct LogVerification {
  std::optional<StoredCheckpoint> checkpoint;  // none signed yet: nothing to check
  bool signature_ok = false;
  std::int64_t entries = 0;
  std::optional<BadEntry> first_bad;  // a row whose leaf differs from the log's, or is gone
  bool root_ok = false;               // the rebuilt root is the signed one
  bool ok() const { return !checkpoint || (signature_ok && !first_bad && root_ok); }
};

class HistoryProofs final : public CheckpointIssuer {
 public:
  HistoryProofs(ProofStore& store, const proof::SigningKey* key, const proof::VerifierKey& verifier,
                const Clock& clock)
      : store_(store), key_(key), verifier_(verifier), clock_(clock) {}

  Result<CaseVerification> verify_case(CaseId id, const std::vector<HistoryEntry>& entries);
  Result<LogVerification> verify_log();

  // Signs the whole log now (`boundary` none) or for a day's end (once).
  Result<StoredCheckpoint> sign(std::optional<Millis> boundary);
  // Moves up to about `max_entries` queued entries into the log, no signing.
  Status sequence(std::int64_t max_entries);
  // The scheduled work: sequences up to `max_entries` queued entries, then
  // signs the checkpoint of the last day end unless it is signed already.
  Result<StoredCheckpoint> sign_due(std::int64_t max_entries = 50'000);

  Result<CheckpointRef> checkpoint_covering(Millis until) override;

  // The audit bundle of `cases` against the latest checkpoint, or against
  // one signed now when that one misses an entry of theirs.
  Result<AuditBundle> bundle(const std::vector<std::pair<Case, std::vector<HistoryEntry>>>& cases);

  const proof::VerifierKey& verifier() const { return verifier_; }

 private:
  ProofStore& store_;
  const proof::SigningKey* key_;  // null: verify only
  proof::VerifierKey verifier_;
  const Clock& clock_;
};

}  // namespace outpost
