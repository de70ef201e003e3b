#include "engine/proof/audit_bundle.hpp"

#include "engine/access/masking.hpp"
#include "engine/proof/history_leaf.hpp"

namespace outpost {
namespace {

BundleCase summary_of(const Case& c) {
  BundleCase out{c.id,
                 c.number,
                 std::string(to_string(c.kind)),
                 c.state,
                 c.category,
                 c.location.community,
                 c.location.grid,
                 c.created_at,
                 {},
                 {}};
  for (const Party& p : c.parties) out.parties.emplace_back(p.role, mask_name(p.name));
  return out;
}

std::string where(const BundleCase& c, std::int64_t seq) {
  return "case " + std::to_string(c.id) + " (" + c.number + ") seq " + std::to_string(seq);
}

}  // namespace

Result<AuditBundle> build_audit_bundle(
    const std::vector<std::pair<Case, std::vector<HistoryEntry>>>& cases, ProofStore& store,
    const StoredCheckpoint& checkpoint) {
  AuditBundle bundle;
  bundle.checkpoint_note = checkpoint.note;
  for (const auto& [c, history] : cases) {
    BundleCase out = summary_of(c);
    auto leaves = store.leaves_of(c.id);
    if (!leaves) return leaves.error();
    for (const HistoryEntry& e : history) {
      BundleEntry be{e, -1, {}};
      for (const LogLeaf& leaf : leaves.value()) {
        if (leaf.seq == e.seq && leaf.leaf_index < checkpoint.tree_size)
          be.leaf_index = leaf.leaf_index;
      }
      if (be.leaf_index >= 0) {
        auto path = store.inclusion_proof(be.leaf_index, checkpoint.tree_size);
        if (!path) return path.error();
        be.proof = std::move(path.value());
      }
      out.entries.push_back(std::move(be));
    }
    bundle.cases.push_back(std::move(out));
  }
  return bundle;
}

BundleCheck verify_audit_bundle(const AuditBundle& bundle, const proof::VerifierKey& key) {
  BundleCheck check;
  check.cases = static_cast<std::int64_t>(bundle.cases.size());
  auto cp = proof::open_checkpoint(bundle.checkpoint_note, key);
  if (!cp) {
    check.failures.push_back("checkpoint: " + cp.error().message);
    return check;
  }
  check.tree_size = cp.value().size;
  for (const BundleCase& c : bundle.cases) {
    std::vector<HistoryEntry> chain;
    for (const BundleEntry& be : c.entries) chain.push_back(be.entry);
    if (auto bad = first_bad_link(chain)) {
      check.failures.push_back(where(c, bad->seq) + ": " + bad->field + " expected " +
                               bad->expected + ", found " + bad->found);
    }
    for (const BundleEntry& be : c.entries) {
      ++check.entries;
      if (be.entry.case_id != c.id) {
        check.failures.push_back(where(c, be.entry.seq) + ": the entry belongs to case " +
                                 std::to_string(be.entry.case_id));
      } else if (be.leaf_index < 0) {
        check.failures.push_back(where(c, be.entry.seq) + ": not in the signed checkpoint");
      } else if (!proof::verify_inclusion(history_leaf_hash(be.entry), be.leaf_index,
                                          cp.value().size, be.proof, cp.value().root)) {
        check.failures.push_back(where(c, be.entry.seq) + ": inclusion proof for leaf " +
                                 std::to_string(be.leaf_index) + " fails against the signed root");
      } else {
        ++check.proven;
      }
    }
  }
  return check;
}

}  // namespace outpost
