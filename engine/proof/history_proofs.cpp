#include "engine/proof/history_proofs.hpp"

#include <chrono>
#include <map>

namespace outpost {
namespace {

constexpr Millis kDay = 86'400'000;
constexpr Millis kShanghaiOffset = 8 * 3'600'000;  // UTC+8, no daylight saving
// An entry written this long before a checkpoint was signed must be in it
// (a transaction that began before the signing may commit a little later).
constexpr Millis kCommitSlack = 60'000;

Millis floor_div(Millis a, Millis b) {
  return (a >= 0 ? a : a - b + 1) / b * b;
}

// The latest checkpoint into `stored` and `signature_ok`; its signed lines
// when the signature holds (the note is the truth, the stored columns may lie).
Result<std::optional<proof::Checkpoint>> open_latest(ProofStore& store,
                                                     const proof::VerifierKey& key,
                                                     std::optional<StoredCheckpoint>& stored,
                                                     bool& signature_ok) {
  auto latest = store.latest_checkpoint();
  if (!latest) return latest.error();
  if (!latest.value()) return std::optional<proof::Checkpoint>();
  stored = *latest.value();
  auto opened = proof::open_checkpoint(stored->note, key);
  signature_ok = opened.ok();
  if (!opened) return std::optional<proof::Checkpoint>();
  return std::optional<proof::Checkpoint>(opened.value());
}

CheckpointRef ref_of(const StoredCheckpoint& cp) {
  return {cp.tree_size, proof::to_base64(cp.root), cp.signed_at, cp.note};
}

}  // namespace

Millis last_day_end(Millis now) {
  return floor_div(now + kShanghaiOffset, kDay) - kShanghaiOffset;
}

bool ends_quarter(Millis day_end) {
  using namespace std::chrono;
  const sys_days next_day{days{(day_end + kShanghaiOffset) / kDay}};
  const year_month_day date{next_day};
  const unsigned month = static_cast<unsigned>(date.month());
  return static_cast<unsigned>(date.day()) == 1 && (month - 1) % 3 == 0;
}

Result<CaseVerification> HistoryProofs::verify_case(CaseId id,
                                                    const std::vector<HistoryEntry>& entries) {
  CaseVerification out;
  out.case_id = id;
  out.entries_checked = static_cast<std::int64_t>(entries.size());
  out.first_bad = first_bad_link(entries);
  auto signed_cp = open_latest(store_, verifier_, out.checkpoint, out.signature_ok);
  if (!signed_cp) return signed_cp.error();
  if (!signed_cp.value()) return out;
  const std::int64_t size = signed_cp.value()->size;
  const proof::Hash& root = signed_cp.value()->root;
  auto leaves = store_.leaves_of(id);
  if (!leaves) return leaves.error();
  std::map<std::int64_t, LogLeaf> by_seq;
  for (const LogLeaf& leaf : leaves.value()) by_seq[leaf.seq] = leaf;
  std::int64_t last_included_seq = 0;
  for (const auto& [seq, leaf] : by_seq) {
    if (leaf.leaf_index < size) last_included_seq = seq;
  }
  for (const HistoryEntry& e : entries) {
    const proof::Hash leaf = history_leaf_hash(e);
    const auto found = by_seq.find(e.seq);
    if (found == by_seq.end() || found->second.leaf_index >= size) {
      const bool due = e.seq < last_included_seq || e.at + kCommitSlack < signed_cp.value()->at;
      if (due && !out.first_not_proven) {
        out.first_not_proven = BadEntry{id, e.seq, "leaf", proof::to_hex(leaf), ""};
      }
      if (!due) ++out.entries_after_checkpoint;
      continue;
    }
    ++out.entries_in_checkpoint;
    auto path = store_.inclusion_proof(found->second.leaf_index, size);
    if (!path) return path.error();
    if (!proof::verify_inclusion(leaf, found->second.leaf_index, size, path.value(), root) &&
        !out.first_not_proven) {
      out.first_not_proven =
          BadEntry{id, e.seq, "leaf", proof::to_hex(leaf), proof::to_hex(found->second.leaf_hash)};
    }
  }
  return out;
}

Result<LogVerification> HistoryProofs::verify_log() {
  LogVerification out;
  auto signed_cp = open_latest(store_, verifier_, out.checkpoint, out.signature_ok);
  if (!signed_cp) return signed_cp.error();
  if (!signed_cp.value()) return out;
  // Complete subtrees of the leaves so far, largest first: O(log n) memory.
  std::vector<std::pair<int, proof::Hash>> stack;
  Status walked = store_.for_each_leaf(
      signed_cp.value()->size, [&](const LogLeaf& leaf, const HistoryEntry* entry) {
        if (entry == nullptr) {
          out.first_bad = BadEntry{leaf.case_id, leaf.seq, "leaf", "", "(history row missing)"};
          return false;
        }
        proof::Hash h = history_leaf_hash(*entry);
        if (h != leaf.leaf_hash && !out.first_bad) {
          out.first_bad = BadEntry{leaf.case_id, leaf.seq, "leaf", proof::to_hex(h),
                                   proof::to_hex(leaf.leaf_hash)};
        }
        int level = 0;
        while (!stack.empty() && stack.back().first == level) {
          h = proof::node_hash(stack.back().second, h);
          stack.pop_back();
          ++level;
        }
        stack.emplace_back(level, h);
        ++out.entries;
        return true;
      });
  if (!walked) return walked.error();
  proof::Hash root = proof::empty_root();
  if (!stack.empty()) {
    root = stack.back().second;
    for (auto it = stack.rbegin() + 1; it != stack.rend(); ++it)
      root = proof::node_hash(it->second, root);
  }
  out.root_ok = out.entries == signed_cp.value()->size && root == signed_cp.value()->root;
  return out;
}

Result<StoredCheckpoint> HistoryProofs::sign(std::optional<Millis> boundary) {
  if (key_ == nullptr) {
    return Error(ErrorKind::internal, "history checkpoints: no signing key is configured");
  }
  const Millis now = clock_.now();
  return store_.append_checkpoint(boundary, now, [&](std::int64_t size, const proof::Hash& root) {
    return proof::sign_checkpoint({key_->name(), size, root, now}, *key_);
  });
}

Status HistoryProofs::sequence(std::int64_t max_entries) {
  if (auto sequenced = store_.sequence(max_entries); !sequenced) return sequenced.error();
  return Ok{};
}

Result<StoredCheckpoint> HistoryProofs::sign_due(std::int64_t max_entries) {
  if (auto sequenced = store_.sequence(max_entries); !sequenced) return sequenced.error();
  return sign(last_day_end(clock_.now()));
}

Result<CheckpointRef> HistoryProofs::checkpoint_covering(Millis until) {
  if (until > clock_.now()) {
    return Error(ErrorKind::not_allowed_in_state,
                 "history checkpoints: the period has not ended yet");
  }
  auto since = store_.checkpoint_signed_since(until);
  if (!since) return since.error();
  if (since.value()) return ref_of(*since.value());
  auto signed_now = sign(std::nullopt);
  if (!signed_now) return signed_now.error();
  return ref_of(signed_now.value());
}

Result<AuditBundle> HistoryProofs::bundle(
    const std::vector<std::pair<Case, std::vector<HistoryEntry>>>& cases) {
  auto latest = store_.latest_checkpoint();
  if (!latest) return latest.error();
  if (latest.value()) {
    auto built = build_audit_bundle(cases, store_, *latest.value());
    if (!built) return built;
    bool complete = true;
    for (const BundleCase& c : built.value().cases) {
      for (const BundleEntry& e : c.entries) complete = complete && e.leaf_index >= 0;
    }
    if (complete) return built;
  }
  auto fresh = sign(std::nullopt);
  if (!fresh) return fresh.error();
  return build_audit_bundle(cases, store_, fresh.value());
}

}  // namespace outpost
