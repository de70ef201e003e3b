#include "engine/proof/history_leaf.hpp"

#include "engine/cases/audit_chain.hpp"

namespace outpost {

std::string history_leaf_data(const HistoryEntry& e) {
  return canonical_form(e);
}

proof::Hash history_leaf_hash(const HistoryEntry& e) {
  return proof::leaf_hash(history_leaf_data(e));
}

std::optional<BadEntry> first_bad_link(const std::vector<HistoryEntry>& entries) {
  std::string expected_prev(kGenesisHash);
  for (const HistoryEntry& e : entries) {
    if (e.prev_hash != expected_prev) {
      return BadEntry{e.case_id, e.seq, "prev_hash", expected_prev, e.prev_hash};
    }
    const std::string expected = sha256_hex(e.prev_hash + canonical_form(e));
    if (expected != e.hash) return BadEntry{e.case_id, e.seq, "hash", expected, e.hash};
    expected_prev = e.hash;
  }
  return std::nullopt;
}

}  // namespace outpost
