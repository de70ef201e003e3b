// File: engine/proof/audit_bundle.hpp
//
// An audit bundle: what a reviewer takes home to check a set of cases
// without the database. For each case a summary without personal data
// (parties masked: role and masked name only), its whole history, and for
// each entry its leaf index and inclusion proof against one signed
// checkpoint, whose note travels in the bundle. verify_audit_bundle checks
// all of it with nothing but the verifier key (docs/PROOF.md).
//
//   auto bundle = build_audit_bundle(cases_with_history, store, checkpoint);
//   BundleCheck check = verify_audit_bundle(bundle.value(), verifier);
//   if (!check.ok()) for (auto& f : check.failures) print(f);
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/proof/note.hpp"
#include "engine/proof/proof_store.hpp"

namespace outpost {

struct BundleEntry {
  HistoryEntry entry;
  std::int64_t leaf_index = -1;  // -1: not in the bundle's checkpoint
  std::vector<proof::Hash> proof;
};

struct BundleCase {
  CaseId id = 0;
  std::string number, kind, state, category, community, grid;
  Millis created_at = 0;
  std::vector<std::pair<std::string, std::string>> parties;  // role, masked name
  std::vector<BundleEntry> entries;
};

struct AuditBundle {
  std::string checkpoint_note;  // the signed note the proofs refer to
  std::vector<BundleCase> cases;
};

// `cases`: each case with its history, as read by the caller (who checked
// that it may see them). Every entry gets its proof against `checkpoint`.
Result<AuditBundle> build_audit_bundle(
    const std::vector<std::pair<Case, std::vector<HistoryEntry>>>& cases, ProofStore& store,
    const StoredCheckpoint& checkpoint);

struct BundleCheck {
  std::int64_t cases = 0, entries = 0, proven = 0;
  std::int64_t tree_size = 0;
  std::vector<std::string> failures;  // each names the case, seq and what failed
  bool ok() const { return failures.empty(); }
};

BundleCheck verify_audit_bundle(const AuditBundle& bundle, const proof::VerifierKey& key);

}  // namespace outpost
